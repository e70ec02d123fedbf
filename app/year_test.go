package app

import (
	"fmt"
	"testing"
	"time"

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

func TestYearOfData_ScreensStayFast(t *testing.T) {
	if testing.Short() {
		t.Skip("builds 1,745 records")
	}
	e := newEnv(t, langVI, "")
	p := secretaryProfile(t)
	start := time.Now()
	yearOfData(t, p)
	t.Logf("a year of data saved in %v", time.Since(start))
	s := e.open(p)
	bs := s.screens[scrBallots].(*ballotsScreen)
	s.show(scrBallots)
	if got := bs.list.Length(); got != 1672 {
		t.Fatalf("the inbox lists %d ballots, want 1672", got)
	}
	// A change refreshes every screen from memory; with a year of data
	// that must stay well under a frame budget of interaction (100 ms
	// here, generous for the race detector and a shared machine).
	start = time.Now()
	const rounds = 5
	for range rounds {
		s.changed(allChanged())
	}
	per := time.Since(start) / rounds
	t.Logf("refreshing every screen: %v", per)
	if per > 400*time.Millisecond {
		t.Errorf("refreshing every screen takes %v with a year of data", per)
	}
	bs.search.SetText("1669")
	if len(bs.shown) != 1 {
		t.Errorf("search for 1669 shows %d ballots, want 1", len(bs.shown))
	}
	bs.list.ScrollToBottom()
}
