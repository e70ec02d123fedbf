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
