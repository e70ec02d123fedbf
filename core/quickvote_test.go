package core_test

import (
	"errors"
	"testing"
	"time"

	"github.com/ecabinet/ecabinet/core"
	"github.com/ecabinet/ecabinet/meetings"
)

func TestQuickVote_NeedsSessionAndQuorumAndCountsThosePresent(t *testing.T) {
	p, ms := newSecretary(t, t.TempDir())
	defer p.Close()
	m, _ := p.CreateMeeting(core.MeetingInput{Title: "Phiên họp", Start: time.Now()})
	it, _ := p.AddAgendaItem(m.ID, meetings.AgendaItem{Title: "Tờ trình"})
	if _, err := p.QuickVote(m.ID, it.ID, "Thông qua?", 10); err == nil {
		t.Fatal("a vote started on a meeting not in session")
	}
	p.SetMeetingStatus(m.ID, meetings.StatusPublished)
	p.SetMeetingStatus(m.ID, meetings.StatusInSession)
	p.SetAttendance(m.ID, ms[0].ID, true)
	if _, err := p.QuickVote(m.ID, it.ID, "Thông qua?", 10); !errors.Is(err, meetings.ErrNoQuorum) {
		t.Fatalf("1 of 3 present: %v, want no quorum", err)
	}
	p.SetAttendance(m.ID, ms[1].ID, true)
	b, err := p.QuickVote(m.ID, it.ID, "Thông qua?", 10)
	if err != nil {
		t.Fatal(err)
	}
	if len(b.Eligible) != 2 || b.AgendaItemID != it.ID || b.Title != "Tờ trình" {
		t.Fatalf("quick vote %+v: want the 2 present members on the item", b)
	}
}

func TestPaperAnswer_MarkedAndScanKept(t *testing.T) {
	p, ms := newSecretary(t, t.TempDir())
	defer p.Close()
	b, err := p.IssueBallot(core.BallotInput{Title: "Phiếu", Question: "Thông qua?", Deadline: time.Now().Add(time.Hour)})
	if err != nil {
		t.Fatal(err)
	}
	scan := append([]byte("%PDF-1.4\n"), make([]byte, 1000)...)
	a, err := p.RecordPaperAnswer(b.ID, ms[1].ID, "agree", "ký ngày 20/7", scan)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := p.RecordPaperAnswer(b.ID, ms[1].ID, "agree", "", []byte("not a scan")); err == nil {
		t.Fatal("a scan that is no PDF, PNG or JPEG was accepted")
	}
	if _, err := p.RecordPaperAnswer(b.ID, ms[1].ID, "agree", "", append([]byte("%PDF-"), make([]byte, 3<<20)...)); err == nil {
		t.Fatal("a 3 MB scan was accepted")
	}
	_, answers, err := p.Tally(b.ID)
	if err != nil || len(answers) != 1 || !answers[0].Paper || answers[0].RecordedBy != p.Self().ID || len(answers[0].ScanSHA256) != 32 {
		t.Fatalf("stored paper answer: %+v, %v", answers, err)
	}
	got, err := p.AnswerScan(b.ID, a.ID)
	if err != nil || string(got) != string(scan) {
		t.Fatalf("scan read back: %d bytes, %v", len(got), err)
	}
}
