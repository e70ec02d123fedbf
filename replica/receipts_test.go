package replica_test

import (
	"bytes"
	"context"
	"errors"
	"slices"
	"testing"
	"time"

	"github.com/ecabinet/ecabinet/core"
	"github.com/ecabinet/ecabinet/meetings"
	"github.com/ecabinet/ecabinet/replica/replicatest"
)

// Read receipts through a real hub: a member opens a paper while the hub is
// away, the receipt syncs later, the secretariat sees who has read which
// version and who has not opened it, the member's other device learns of
// it (and does not record it again), and the other member on the list
// receives nothing of it.
func TestReceipts_OpenedOffline_ReachTheSecretariatAndTheReadersDevicesOnly(t *testing.T) {
	c := newPaperCommittee(t)
	ctx := context.Background()
	reader, other := c.members[0], c.members[1]
	second := c.hub.EnrollMember(t, reader.ID) // the reader's second computer
	replicatest.Sync(t, second)
	replicatest.Sync(t, c.sec) // learns it, so the paper's key is wrapped for it

	m, err := c.sec.CreateMeeting(core.MeetingInput{Title: "Phiên họp Chính phủ thường kỳ", Start: time.Now().Add(48 * time.Hour)})
	if err != nil {
		t.Fatal(err)
	}
	it, err := c.sec.AddAgendaItem(m.ID, meetings.AgendaItem{Title: "Dự thảo Luật Đất đai", Minutes: 30})
	if err != nil {
		t.Fatal(err)
	}
	if err := c.sec.SetMeetingStatus(m.ID, meetings.StatusPublished); err != nil {
		t.Fatal(err)
	}
	pp, err := c.sec.AddPaper(core.PaperInput{MeetingID: m.ID, ItemID: it.ID, FileName: "to-trinh.bin", Title: "Tờ trình",
		To: []string{reader.ID, other.ID}}, bytes.NewReader(paperBytes(1<<20, 7)))
	if err != nil {
		t.Fatal(err)
	}
	replicatest.Sync(t, c.sec)
	for _, d := range append(slices.Clone(c.devs), second) {
		replicatest.Sync(t, d)
	}
	if _, err := downloader(t, c.devs[0]).RunOnce(ctx); err != nil {
		t.Fatal(err)
	}

	// On the plane: the hub is away; opening records the receipt locally.
	c.hub.Stop()
	readPaper(t, c.devs[0], pp.ID)
	readPaper(t, c.devs[0], pp.ID) // a second opening records nothing more
	if held, err := c.devs[0].PaperReceiptsHeld(pp.ID); err != nil || !slices.Equal(held, []string{reader.ID}) {
		t.Fatalf("offline, the reader's device holds receipts of %v (%v), want its own", held, err)
	}
	restart(t, c.hub)
	for _, d := range []*core.Profile{c.devs[0], c.sec, c.devs[1], c.devs[2], second} {
		replicatest.Sync(t, d)
	}

	reads, err := c.sec.PaperReads(pp.ID)
	if err != nil {
		t.Fatal(err)
	}
	got := map[string][]int{}
	for _, r := range reads {
		got[r.Member.ID] = nil
		for _, v := range r.Versions {
			got[r.Member.ID] = append(got[r.Member.ID], v.Version)
		}
	}
	if len(got) != 2 || !slices.Equal(got[reader.ID], []int{1}) || len(got[other.ID]) != 0 {
		t.Fatalf("the secretariat sees reads %v, want %s read version 1 and %s listed without any", got, reader.Name, other.Name)
	}
	for _, tc := range []struct {
		name string
		dev  *core.Profile
		want []string
	}{
		{"the other member on the list", c.devs[1], nil},
		{"a member not on the list", c.devs[2], nil},
		{"the reader's second device", second, []string{reader.ID}},
		{"the secretariat", c.sec, []string{reader.ID}},
	} {
		held, err := tc.dev.PaperReceiptsHeld(pp.ID)
		if err != nil || !slices.Equal(held, tc.want) {
			t.Errorf("%s holds receipts of %v (%v), want %v", tc.name, held, err, tc.want)
		}
	}
	if _, err := c.devs[1].PaperReads(pp.ID); !errors.Is(err, core.ErrForbidden) {
		t.Fatalf("a member asks who has read the paper: %v, want forbidden", err)
	}
	// SeesPaperReads (whose lists offer the Read panel) agrees with it.
	for _, tc := range []struct {
		name string
		dev  *core.Profile
		want bool
	}{{"the secretariat", c.sec, true}, {"a member on the list", c.devs[1], false}, {"a member not on the list", c.devs[2], false}} {
		if got := tc.dev.SeesPaperReads(pp.ID); got != tc.want {
			t.Errorf("%s: SeesPaperReads = %v, want %v", tc.name, got, tc.want)
		}
	}
	if c.sec.SeesPaperReads("no-such-paper") {
		t.Error("SeesPaperReads of a paper that does not exist")
	}

	// A new version: its first opening is a receipt of its own, kept
	// beside the first version's.
	if _, err := c.sec.ReplacePaper(pp.ID, "to-trinh-2.bin", bytes.NewReader(paperBytes(1<<20, 8))); err != nil {
		t.Fatal(err)
	}
	replicatest.Sync(t, c.sec)
	replicatest.Sync(t, second)
	if _, err := downloader(t, second).RunOnce(ctx); err != nil {
		t.Fatal(err)
	}
	readPaper(t, second, pp.ID)
	replicatest.Sync(t, second)
	replicatest.Sync(t, c.sec)
	reads, err = c.sec.PaperReads(pp.ID)
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range reads {
		if r.Member.ID == reader.ID && (len(r.Versions) != 2 || r.Latest() != 2) {
			t.Fatalf("after the second version was opened the secretariat sees %+v", r.Versions)
		}
	}
}
