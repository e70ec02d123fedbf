package app

import (
	"fmt"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/widget"

	"github.com/ecabinet/ecabinet/core"
)

// yearOfData adds the volume the Government's eCabinet handled, as one
// year: 75 sessions and 1,670 opinion ballots.
func yearOfData(tb testing.TB, p *core.Profile) {
	tb.Helper()
	for i := range 75 {
		if _, err := p.CreateMeeting(core.MeetingInput{
			Title: fmt.Sprintf("Phiên họp Chính phủ thường kỳ tháng %d (lần %d)", i%12+1, i+1),
			Start: at(1, 1, 8, 0).AddDate(0, 0, 5*i), Place: govPlace,
		}); err != nil {
			tb.Fatal(err)
		}
	}
	for i := range 1670 {
		if _, err := p.IssueBallot(core.BallotInput{
			Title:    fmt.Sprintf("Phiếu lấy ý kiến thành viên Chính phủ số %d/PLYK", i+1),
			Question: "Đề nghị đồng chí cho biết ý kiến về dự thảo Nghị quyết.",
			Deadline: fixedNow.Add(time.Duration(i-800) * 5 * time.Hour),
		}); err != nil {
			tb.Fatal(err)
		}
	}
}

// countRowUpdates makes l count the rows it updates (its UpdateItem calls).
func countRowUpdates(l *widget.List) *int {
	n := new(int)
	update := l.UpdateItem
	l.UpdateItem = func(id widget.ListItemID, o fyne.CanvasObject) {
		*n++
		update(id, o)
	}
	return n
}

// What keeps the screens fast with a year of data (the speed itself is
// BenchmarkYearOfData_RefreshEveryScreen's): a change refreshes every screen
// from the core's memory, reading nothing from the database, and a list
// updates only the rows it shows, not one per record.
func TestYearOfData_RefreshReadsNothingAndUpdatesOnlyVisibleRows(t *testing.T) {
	if testing.Short() {
		t.Skip("builds 1,745 records")
	}
	e := newEnv(t, langVI, "")
	p := secretaryProfile(t)
	yearOfData(t, p)
	if p.StoreReads() == 0 {
		t.Fatal("the store's read counter counts nothing: this test would prove nothing")
	}
	s := e.open(p)
	bs := s.screens[scrBallots].(*ballotsScreen)
	s.show(scrBallots)
	if got := bs.list.Length(); got != 1672 {
		t.Fatalf("the inbox lists %d ballots, want 1672", got)
	}
	ms := s.screens[scrMeetings].(*meetingsScreen)
	ballotRows, meetingRows := countRowUpdates(bs.list), countRowUpdates(ms.list)
	reads := p.StoreReads()
	const rounds = 5
	for range rounds {
		s.changed(allChanged())
	}
	if n := p.StoreReads() - reads; n != 0 {
		t.Errorf("refreshing every screen %d times read %d keys from the database, want none", rounds, n)
	}
	// The window shows a few dozen rows; 1,672 ballots must not mean 1,672 updates.
	const maxRows = 60
	if *ballotRows == 0 || *ballotRows > rounds*maxRows {
		t.Errorf("the ballots list updated %d rows in %d refreshes, want 1 to %d", *ballotRows, rounds, rounds*maxRows)
	}
	if *meetingRows > rounds*maxRows {
		t.Errorf("the meetings list updated %d rows in %d refreshes, want at most %d", *meetingRows, rounds, rounds*maxRows)
	}
	t.Logf("per refresh: %d ballot rows, %d meeting rows updated", *ballotRows/rounds, *meetingRows/rounds)
	bs.search.SetText("1669")
	if len(bs.shown) != 1 {
		t.Errorf("search for 1669 shows %d ballots, want 1", len(bs.shown))
	}
	bs.list.ScrollToBottom()
}

// BenchmarkYearOfData_RefreshEveryScreen measures one refresh of every
// screen with a year of data against the same refresh with the tests' small
// committee (the floor, measured in the same run): the ratio says what a
// year of data costs, whatever the machine.
func BenchmarkYearOfData_RefreshEveryScreen(b *testing.B) {
	refresh := func(year bool) time.Duration {
		e := newEnv(b, langVI, "")
		p := secretaryProfile(b)
		if year {
			yearOfData(b, p)
		}
		s := e.open(p)
		s.show(scrBallots)
		const rounds = 20
		start := time.Now()
		for range rounds {
			s.changed(allChanged())
		}
		return time.Since(start) / rounds
	}
	var tYear, tFloor time.Duration
	for b.Loop() {
		tFloor += refresh(false)
		tYear += refresh(true)
	}
	b.ReportMetric(float64(tYear.Microseconds())/float64(b.N)/1000, "ms/refresh")
	b.ReportMetric(float64(tYear)/float64(max(tFloor, 1)), "x_floor")
}
