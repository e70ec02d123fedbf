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

// TestPapers_MembersOtherDeviceHandsTheKeyOn: a member's new device,
// enrolled after a paper was added, reports the paper as awaiting its key;
// the member's own first device, which holds the key, hands it on at its
// next sync, through the real hub, before any secretary has synced. It
// hands it only to its own member's devices: another recipient's new
// device keeps waiting for the secretariat, which then hands on only that
// one.
func TestPapers_MembersOtherDeviceHandsTheKeyOn(t *testing.T) {
	c := newPaperCommittee(t)
	ctx := context.Background()
	m, err := c.sec.CreateMeeting(core.MeetingInput{Title: "Phiên họp Chính phủ thường kỳ tháng 11", Start: time.Now().Add(72 * time.Hour)})
	if err != nil {
		t.Fatal(err)
	}
	it, err := c.sec.AddAgendaItem(m.ID, meetings.AgendaItem{Title: "Báo cáo tình hình kinh tế - xã hội", Minutes: 30})
	if err != nil {
		t.Fatal(err)
	}
	if err := c.sec.SetMeetingStatus(m.ID, meetings.StatusPublished); err != nil {
		t.Fatal(err)
	}
	file := paperBytes(2<<20, 11)
	on, other := c.members[0], c.members[1]
	pp, err := c.sec.AddPaper(core.PaperInput{MeetingID: m.ID, ItemID: it.ID, FileName: "bao-cao.bin", Title: "Báo cáo", To: []string{on.ID, other.ID}}, bytes.NewReader(file))
	if err != nil {
		t.Fatal(err)
	}
	replicatest.Sync(t, c.sec)
	first := c.devs[0]
	replicatest.Sync(t, first)
	if v, err := first.PaperView(pp.ID); err != nil || !v.Readable {
		t.Fatalf("the member's first device: %+v, %v; want the paper readable", v, err)
	}

	laptop := c.hub.EnrollMember(t, on.ID)
	otherLaptop := c.hub.EnrollMember(t, other.ID)
	replicatest.Sync(t, laptop)
	replicatest.Sync(t, otherLaptop)
	for _, d := range []*core.Profile{laptop, otherLaptop} {
		rep, err := downloader(t, d).RunOnce(ctx)
		if err != nil || rep.Papers != 1 || rep.Offline != 0 || rep.AwaitingKey != 1 || rep.Fetched != 0 {
			t.Fatalf("%s's new device before any rewrap: %+v, %v; want 1 paper awaiting its key, none fetched", d.Self().Name, rep, err)
		}
	}

	// The member's first device syncs: it learns of the new devices and
	// hands the key on to its own member's laptop only.
	rep := replicatest.Sync(t, first)
	if rep.Accepted != 1 || len(rep.Rejected) != 0 {
		t.Fatalf("the member's first device's sync: %+v, want its rewrap accepted", rep)
	}
	replicatest.Sync(t, laptop)
	if v, err := laptop.PaperView(pp.ID); err != nil || !v.Readable {
		t.Fatalf("the member's laptop after their first device's sync: %+v, %v; want readable", v, err)
	}
	if rep, err := downloader(t, laptop).RunOnce(ctx); err != nil || rep.Offline != 1 || rep.AwaitingKey != 0 {
		t.Fatalf("the member's laptop's download: %+v, %v", rep, err)
	}
	if !bytes.Equal(readPaper(t, laptop, pp.ID), file) {
		t.Fatal("the member's laptop reads different bytes")
	}
	replicatest.Sync(t, otherLaptop)
	if _, err := otherLaptop.PaperKey(pp.ID); !errors.Is(err, core.ErrPaperNoKey) {
		t.Fatalf("another member's new device got the key from a member's device: %v", err)
	}
	if rep := replicatest.Sync(t, first); rep.Pushed != 0 {
		t.Fatalf("the member's first device's next sync pushed %d ops; nothing more is its to hand on", rep.Pushed)
	}

	// The secretariat hands on what is left: the other member's laptop.
	if rep := replicatest.Sync(t, c.sec); rep.Accepted != 1 || len(rep.Rejected) != 0 {
		t.Fatalf("the secretary's sync: %+v, want one rewrap accepted", rep)
	}
	replicatest.Sync(t, otherLaptop)
	if rep, err := downloader(t, otherLaptop).RunOnce(ctx); err != nil || rep.Offline != 1 || rep.AwaitingKey != 0 {
		t.Fatalf("the other member's laptop after the secretary's sync: %+v, %v", rep, err)
	}
	after, err := c.sec.Paper(pp.ID)
	if err != nil || after.Rev != pp.Rev {
		t.Fatalf("the paper after the rewraps: rev %d, %v; want rev %d unchanged", after.Rev, err, pp.Rev)
	}
}
