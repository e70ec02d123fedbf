package core_test

import (
	"bytes"
	"fmt"
	"path/filepath"
	"testing"
	"time"

	"github.com/ecabinet/ecabinet/ballots"
	"github.com/ecabinet/ecabinet/core"
	"github.com/ecabinet/ecabinet/identity"
	"github.com/ecabinet/ecabinet/meetings"
	"github.com/ecabinet/ecabinet/yeardata"
)

// TestStats_SessionsBallotsAndPaperAnswersByYear: a secretary's own
// profile counts the sessions held and the ballots closed in the year they
// happened, and paper answers apart from the others.
func TestStats_SessionsBallotsAndPaperAnswersByYear(t *testing.T) {
	p, err := core.Create(t.TempDir(), pass, memberSecretary())
	if err != nil {
		t.Fatal(err)
	}
	defer p.Close()
	chair, _ := p.AddMember(meetings.Member{Name: "Chủ tọa", Role: meetings.RoleChair})
	m1, _ := p.AddMember(memberNamed("Thành viên một"))
	now := time.Date(2025, 6, 1, 9, 0, 0, 0, time.UTC)
	p.SetClock(func() time.Time { return now })
	held := []time.Time{time.Date(2024, 12, 31, 20, 0, 0, 0, time.UTC), time.Date(2025, 3, 10, 8, 0, 0, 0, time.UTC)} // 31/12 20:00 UTC is 2025 in Vietnam
	for i, start := range append(held, time.Date(2025, 7, 1, 8, 0, 0, 0, time.UTC)) {
		m, err := p.CreateMeeting(core.MeetingInput{Title: fmt.Sprintf("Phiên họp %d", i+1), Start: start})
		if err != nil {
			t.Fatal(err)
		}
		if i == 2 {
			continue // not held yet
		}
		for _, st := range []meetings.Status{meetings.StatusPublished, meetings.StatusInSession, meetings.StatusClosed} {
			if err := p.SetMeetingStatus(m.ID, st); err != nil {
				t.Fatal(err)
			}
		}
	}
	for i := range 3 {
		b, err := p.IssueBallot(core.BallotInput{Title: fmt.Sprintf("Phiếu %d", i+1), Question: "Thông qua?", Deadline: now.Add(time.Hour)})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := p.RecordPaperAnswer(b.ID, chair.ID, ballots.ChoiceAgree, "", nil); err != nil {
			t.Fatal(err)
		}
		if _, err := p.RecordAnswerFor(b.ID, m1.ID, ballots.ChoiceAgree, ""); err != nil {
			t.Fatal(err)
		}
		if i < 2 {
			if err := p.CloseBallot(b.ID); err != nil {
				t.Fatal(err)
			}
		}
	}
	s, err := p.Stats()
	if err != nil {
		t.Fatal(err)
	}
	got := s.Year(2025)
	want := core.YearStats{Year: 2025, Sessions: 2, Ballots: 2, Answers: 6, PaperAnswers: 6} // both answers per ballot were recorded from paper
	if got != want {
		t.Fatalf("2025: %+v, want %+v", got, want)
	}
	if s.Year(2024) != (core.YearStats{Year: 2024}) || s.Total.Sessions != 2 || s.Total.Answers != 6 || len(s.Years) != 1 {
		t.Fatalf("stats %+v: a session that began on 31/12 at 20:00 UTC is held in 2025 in Vietnam", s)
	}
}

// TestStats_AnswersGivenOfflineAtTheHub: an answer that reached the hub
// more than OfflineAfter after its device signed it counts as given
// offline; one sent at once does not; neither do a year of answers that
// arrived before the time their devices wrote on them.
func TestStats_AnswersGivenOfflineAtTheHub(t *testing.T) {
	hubPass := []byte("stats test passphrase")
	hub, err := core.CreateHub(filepath.Join(t.TempDir(), "hub"), hubPass, "Văn phòng")
	if err != nil {
		t.Fatal(err)
	}
	defer hub.Close()
	sec, _ := hub.AddMember(meetings.Member{Name: "Thư ký", Role: meetings.RoleSecretary})
	data, err := yeardata.Generate(sec.ID, yeardata.Size{Meetings: 1, ItemsPerMeet: 1, Ballots: 12, Members: 3}, 3)
	if err != nil {
		t.Fatal(err)
	}
	if err := hub.EnrollDevice(sec.ID, data.Secretary.Pub); err != nil {
		t.Fatal(err)
	}
	hub.SetClock(func() time.Time { return time.Date(2023, 1, 2, 8, 0, 0, 0, time.UTC) })
	if _, err := hub.HubImport(data.Ops); err != nil {
		t.Fatal(err)
	}
	// a new device of member m001, up to date with the hub
	d, _ := identity.New()
	m, _ := hub.Member("m001")
	if err := hub.EnrollDevice(m.ID, d.Pub); err != nil {
		t.Fatal(err)
	}
	dev, err := core.CreateEnrolled(filepath.Join(t.TempDir(), "dev"), hubPass, d, m, core.HubTrust{Device: hub.DeviceID(), Pub: hub.DevicePublicKey()})
	if err != nil {
		t.Fatal(err)
	}
	defer dev.Close()
	ents, next, _, err := hub.HubPull(dev.DeviceID(), 0, 10000)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := dev.ApplyPulled(ents, next); err != nil {
		t.Fatal(err)
	}
	var open ballots.Ballot
	for _, b := range dev.Ballots() {
		if b.Status == ballots.StatusOpen {
			open = b
			break
		}
	}
	answer := func(signed, received time.Time) {
		t.Helper()
		dev.SetClock(func() time.Time { return signed })
		if _, err := dev.AnswerBallot(open.ID, ballots.ChoiceAgree, ""); err != nil {
			t.Fatal(err)
		}
		items, err := dev.Outbox(10)
		if err != nil {
			t.Fatal(err)
		}
		var page [][]byte
		for _, it := range items {
			page = append(page, it.Op)
		}
		hub.SetClock(func() time.Time { return received })
		vs, err := hub.HubAccept(dev.DeviceID(), page)
		if err != nil || len(vs) != 1 || !vs[0].Accepted() {
			t.Fatalf("hub verdicts %+v, %v", vs, err)
		}
		if err := dev.RecordVerdicts(vs); err != nil {
			t.Fatal(err)
		}
	}
	t0 := time.Date(2026, 3, 2, 8, 0, 0, 0, time.UTC)
	answer(t0, t0.Add(2*time.Hour))                                // on a plane
	answer(t0.Add(3*time.Hour), t0.Add(3*time.Hour+5*time.Second)) // online
	s, err := hub.Stats()
	if err != nil {
		t.Fatal(err)
	}
	if got := s.Year(2026); got.Answers != 2 || got.OfflineAnswers != 1 || got.PaperAnswers != 0 {
		t.Fatalf("2026: %+v, want 2 answers of which 1 offline", got)
	}
	if got := s.Year(2023); got.Answers != data.Answers || got.OfflineAnswers != 0 || got.Ballots != 2 {
		t.Fatalf("2023: %+v, want the %d generated answers, none offline, and the 2 closed ballots", got, data.Answers)
	}
	if s.OfflineAfterSeconds != 600 || s.Total.Answers != data.Answers+2 {
		t.Fatalf("total %+v", s)
	}
}

// BenchmarkStats computes a year's figures (1,670 ballots × 30 answers)
// against listing the ballots from memory, side by side: the stats/list
// metric is how many ballot listings one computation of the figures costs.
func BenchmarkStats(b *testing.B) {
	p, err := core.Open(yearProfile(b), pass)
	if err != nil {
		b.Fatal(err)
	}
	defer p.Close()
	var tStats, tList time.Duration
	for b.Loop() {
		t0 := time.Now()
		s, err := p.Stats()
		if err != nil || s.Total.Answers == 0 {
			b.Fatal(s, err)
		}
		t1 := time.Now()
		if len(p.Ballots()) == 0 {
			b.Fatal("no ballots")
		}
		tList += time.Since(t1)
		tStats += t1.Sub(t0)
	}
	b.ReportMetric(float64(tStats)/float64(tList), "stats/list")
	b.ReportMetric(float64(tStats.Milliseconds())/float64(b.N), "ms/stats")
}

// TestStats_PapersDistributedAndPagesReplaced: each version of a paper
// sent out counts one copy per member it went to and its pages times
// them, in the year of its session or ballot; a draft session's paper is
// not distributed yet, and the secretariat's own copy is not counted.
func TestStats_PapersDistributedAndPagesReplaced(t *testing.T) {
	p, ms := newSecretary(t, t.TempDir())
	defer p.Close()
	at := time.Date(2026, 11, 20, 9, 0, 0, 0, time.UTC)
	p.SetClock(func() time.Time { return at })
	m, it := meetingWithItem(t, p)
	if err := p.SetMeetingStatus(m.ID, meetings.StatusPublished); err != nil {
		t.Fatal(err)
	}
	draft, draftItem := meetingWithItem(t, p)
	add := func(in core.PaperInput, pages int) string {
		t.Helper()
		pp, err := p.AddPaper(in, bytes.NewReader(testPDF(t, pages, in.FileName)))
		if err != nil {
			t.Fatal(err)
		}
		return pp.ID
	}
	// to every voter of the committee (three), three pages
	all := add(core.PaperInput{MeetingID: m.ID, ItemID: it.ID, FileName: "to-trinh.pdf"}, 3)
	// to one member, two pages
	add(core.PaperInput{MeetingID: m.ID, ItemID: it.ID, FileName: "mat.pdf", To: []string{ms[1].ID}}, 2)
	// a draft session's: not distributed
	add(core.PaperInput{MeetingID: draft.ID, ItemID: draftItem.ID, FileName: "nhap.pdf"}, 5)
	// the first paper replaced (counted again, in its session's year: the
	// session is on 3 December 2026), four pages
	at = time.Date(2027, 1, 5, 9, 0, 0, 0, time.UTC)
	if _, err := p.ReplacePaper(all, "to-trinh-2.pdf", bytes.NewReader(testPDF(t, 4, "v2"))); err != nil {
		t.Fatal(err)
	}
	// a ballot's paper, to its three eligible voters, one page, in the
	// year of its deadline
	b, err := p.IssueBallot(core.BallotInput{Title: "Phiếu lấy ý kiến", Question: "Thông qua?", Deadline: at.Add(48 * time.Hour)})
	if err != nil {
		t.Fatal(err)
	}
	add(core.PaperInput{BallotID: b.ID, FileName: "phieu.pdf"}, 1)
	s, err := p.Stats()
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		year, papers, pages int
	}{{2026, 3 + 1 + 3, 3*3 + 2 + 4*3}, {2027, 3, 3}} {
		got := s.Year(tc.year)
		if got.Papers != tc.papers || got.PaperPages != tc.pages {
			t.Errorf("%d: %d papers, %d pages; want %d, %d", tc.year, got.Papers, got.PaperPages, tc.papers, tc.pages)
		}
	}
	if s.Total.Papers != 10 || s.Total.PaperPages != 26 {
		t.Errorf("total %d papers, %d pages; want 10, 26", s.Total.Papers, s.Total.PaperPages)
	}
}
