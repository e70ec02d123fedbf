package replica_test

import (
	"bytes"
	"context"
	"errors"
	"testing"
	"time"

	"github.com/ecabinet/ecabinet/core"
	"github.com/ecabinet/ecabinet/meetings"
	"github.com/ecabinet/ecabinet/replica/replicatest"
)

// TestPapers_DeviceEnrolledLaterGetsTheKey: a member's device enrolled
// after a paper was added (and never edited since) receives the paper's
// key at the secretary's next sync, through the real hub, and reads it; a
// new device of a member off the list gets none; the paper itself (its
// revision) is unchanged, and the secretary's next sync hands on nothing
// more.
func TestPapers_DeviceEnrolledLaterGetsTheKey(t *testing.T) {
	c := newPaperCommittee(t)
	ctx := context.Background()
	m, err := c.sec.CreateMeeting(core.MeetingInput{Title: "Phiên họp Chính phủ chuyên đề về xây dựng pháp luật", Start: time.Now().Add(72 * time.Hour)})
	if err != nil {
		t.Fatal(err)
	}
	it, err := c.sec.AddAgendaItem(m.ID, meetings.AgendaItem{Title: "Đề nghị xây dựng Luật Dữ liệu", Minutes: 45})
	if err != nil {
		t.Fatal(err)
	}
	if err := c.sec.SetMeetingStatus(m.ID, meetings.StatusPublished); err != nil {
		t.Fatal(err)
	}
	file := paperBytes(3<<20, 7)
	on, off := c.members[0], c.members[1]
	pp, err := c.sec.AddPaper(core.PaperInput{MeetingID: m.ID, ItemID: it.ID, FileName: "to-trinh.bin", Title: "Tờ trình", To: []string{on.ID}}, bytes.NewReader(file))
	if err != nil {
		t.Fatal(err)
	}
	replicatest.Sync(t, c.sec)

	// Both members get a second device after the paper was added.
	late := c.hub.EnrollMember(t, on.ID)
	lateOff := c.hub.EnrollMember(t, off.ID)
	replicatest.Sync(t, late)
	replicatest.Sync(t, lateOff)
	if v, err := late.PaperView(pp.ID); err != nil || v.Readable {
		t.Fatalf("before the secretary's sync the new device's paper: %+v, %v; want listed, not readable", v, err)
	}
	if _, _, err := late.OpenPaper(pp.ID, 0); !errors.Is(err, core.ErrPaperNoKey) {
		t.Fatalf("opening without a key: %v, want ErrPaperNoKey", err)
	}

	rep := replicatest.Sync(t, c.sec) // learns the new devices, hands the key on
	if rep.Accepted != 1 || len(rep.Rejected) != 0 {
		t.Fatalf("the secretary's sync after the enrollments: %+v, want one rewrap accepted", rep)
	}
	if rep := replicatest.Sync(t, c.sec); rep.Pushed != 0 {
		t.Fatalf("the secretary's next sync pushed %d ops; the key was already handed on", rep.Pushed)
	}
	after, err := c.sec.Paper(pp.ID)
	if err != nil || after.Rev != pp.Rev {
		t.Fatalf("the paper after the rewrap: rev %d, %v; want rev %d unchanged", after.Rev, err, pp.Rev)
	}

	replicatest.Sync(t, late)
	if v, err := late.PaperView(pp.ID); err != nil || !v.Readable {
		t.Fatalf("after the secretary's sync the new device's paper: %+v, %v; want readable", v, err)
	}
	if rep, err := downloader(t, late).RunOnce(ctx); err != nil || rep.Offline != 1 {
		t.Fatalf("the new device's download: %+v, %v", rep, err)
	}
	if !bytes.Equal(readPaper(t, late, pp.ID), file) {
		t.Fatal("the new device reads different bytes")
	}

	// The member off the list: nothing listed, no key, nothing fetched.
	replicatest.Sync(t, lateOff)
	if _, err := lateOff.PaperView(pp.ID); !errors.Is(err, core.ErrNotFound) {
		t.Fatalf("the new device of a member off the list sees the paper: %v", err)
	}
	if _, err := lateOff.PaperKey(pp.ID); !errors.Is(err, core.ErrPaperNoKey) {
		t.Fatalf("the new device of a member off the list holds the key: %v", err)
	}
	if rep, err := downloader(t, lateOff).RunOnce(ctx); err != nil || rep.Fetched != 0 {
		t.Fatalf("the off-list device's download: %+v, %v", rep, err)
	}
	// A recalled paper's key is handed on to nobody.
	if err := c.sec.RecallPaper(pp.ID); err != nil {
		t.Fatal(err)
	}
	replicatest.Sync(t, c.sec)
	third := c.hub.EnrollMember(t, on.ID)
	replicatest.Sync(t, third)
	if rep := replicatest.Sync(t, c.sec); rep.Pushed != 0 {
		t.Fatalf("after the recall the secretary's sync pushed %d ops, want none", rep.Pushed)
	}
	replicatest.Sync(t, third)
	if _, err := third.PaperKey(pp.ID); !errors.Is(err, core.ErrPaperNoKey) {
		t.Fatalf("a device enrolled after the recall holds the key: %v", err)
	}
}
