package core_test

import (
	"bytes"
	"testing"
	"time"

	"github.com/ecabinet/ecabinet/core"
	"github.com/ecabinet/ecabinet/meetings"
	"github.com/ecabinet/ecabinet/replica/replicatest"
)

// TestPaperView_UnsentUntilTheHubHasIt: on a secretary's device enrolled
// with a hub, a paper just attached, and then its new version, read as
// not on the hub yet, in the list and alone, until a sync sends it; the
// sync's verdicts tell the screens. A profile that works alone never says
// so: it has no hub to be behind.
func TestPaperView_UnsentUntilTheHubHasIt(t *testing.T) {
	hub := replicatest.Start(t, pass, replicatest.Options{})
	sec := hub.Enroll(t, hub.Init.Invite)
	syncDev(t, sec)
	m, err := sec.CreateMeeting(core.MeetingInput{Title: "Phiên họp thường kỳ", Start: changesStart})
	if err != nil {
		t.Fatal(err)
	}
	it, err := sec.AddAgendaItem(m.ID, meetings.AgendaItem{Title: "Dự thảo Nghị định", Minutes: 20})
	if err != nil {
		t.Fatal(err)
	}
	syncDev(t, sec)
	unsent := func(p *core.Profile, id string) (inList, alone bool) {
		t.Helper()
		list, err := p.Papers(core.PaperFilter{MeetingID: m.ID})
		if err != nil || len(list) != 1 {
			t.Fatalf("papers of the meeting: %d, %v", len(list), err)
		}
		v, err := p.PaperView(id)
		if err != nil {
			t.Fatal(err)
		}
		return list[0].Unsent, v.Unsent
	}
	pp, err := sec.AddPaper(core.PaperInput{MeetingID: m.ID, ItemID: it.ID, Title: "Tờ trình", FileName: "to-trinh.pdf"}, bytes.NewReader(testPDF(t, 2, "mot")))
	if err != nil {
		t.Fatal(err)
	}
	if l, a := unsent(sec, pp.ID); !l || !a {
		t.Errorf("a paper just attached: unsent %v in the list, %v alone; want both", l, a)
	}
	events, cancel := sec.Subscribe()
	defer cancel()
	syncDev(t, sec)
	told := false
	for guard := time.After(10 * time.Second); !told; { // delivery is asynchronous; the guard only ends a failure
		select {
		case ev := <-events:
			told = ev.Topic == core.TopicPapers || ev.Topic == core.TopicAll
		case <-guard:
			t.Fatal("the sync that sent the paper told the screens nothing of papers")
		}
	}
	if l, a := unsent(sec, pp.ID); l || a {
		t.Errorf("after the sync: unsent %v in the list, %v alone; want neither", l, a)
	}
	if _, err := sec.ReplacePaper(pp.ID, "to-trinh-2.pdf", bytes.NewReader(testPDF(t, 3, "hai"))); err != nil {
		t.Fatal(err)
	}
	if l, _ := unsent(sec, pp.ID); !l {
		t.Error("a new version not yet sent reads as on the hub")
	}

	local, _ := newSecretary(t, t.TempDir())
	defer local.Close()
	lm, err := local.CreateMeeting(core.MeetingInput{Title: "Phiên họp", Start: changesStart})
	if err != nil {
		t.Fatal(err)
	}
	lit, err := local.AddAgendaItem(lm.ID, meetings.AgendaItem{Title: "Báo cáo", Minutes: 10})
	if err != nil {
		t.Fatal(err)
	}
	lp, err := local.AddPaper(core.PaperInput{MeetingID: lm.ID, ItemID: lit.ID, Title: "Báo cáo", FileName: "bao-cao.pdf"}, bytes.NewReader(testPDF(t, 1, "ba")))
	if err != nil {
		t.Fatal(err)
	}
	if v, err := local.PaperView(lp.ID); err != nil || v.Unsent {
		t.Errorf("a paper of a profile that works alone: %+v, %v; want not unsent", v.Unsent, err)
	}
}
