package core_test

import (
	"fmt"
	"path/filepath"
	"slices"
	"testing"

	"github.com/ecabinet/ecabinet/core"
	"github.com/ecabinet/ecabinet/identity"
	"github.com/ecabinet/ecabinet/meetings"
	"github.com/ecabinet/ecabinet/ops"
	"github.com/ecabinet/ecabinet/yeardata"
)

// bodiesHub is a hub holding a small year for each of n bodies, and a
// device of an ordinary member of the first, not yet pulled.
func bodiesHub(t *testing.T, n int) (hub, dev *core.Profile) {
	t.Helper()
	pass := []byte("audience test passphrase")
	hub, err := core.CreateHub(filepath.Join(t.TempDir(), "hub"), pass, "Văn phòng Chính phủ")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { hub.Close() })
	sec, err := hub.AddMember(meetings.Member{Name: "Thư ký", Role: meetings.RoleSecretary})
	if err != nil {
		t.Fatal(err)
	}
	for i := range n {
		size := yeardata.Size{Meetings: 3, ItemsPerMeet: 2, Ballots: 12, Members: 5, Body: fmt.Sprintf("body%d", i)}
		data, err := yeardata.Generate(sec.ID, size, uint64(i+1))
		if err != nil {
			t.Fatal(err)
		}
		if err := hub.EnrollDevice(sec.ID, data.Secretary.Pub); err != nil {
			t.Fatal(err)
		}
		vs, err := hub.HubImport(data.Ops)
		if err != nil {
			t.Fatal(err)
		}
		for _, v := range vs {
			if !v.Accepted() {
				t.Fatalf("hub refused a generated op: %+v", v)
			}
		}
	}
	m, err := hub.Member("body0-m002")
	if err != nil {
		t.Fatal(err)
	}
	d, err := identity.New()
	if err != nil {
		t.Fatal(err)
	}
	if err := hub.EnrollDevice(m.ID, d.Pub); err != nil {
		t.Fatal(err)
	}
	dev, err = core.CreateEnrolled(filepath.Join(t.TempDir(), "dev"), pass, d, m, core.HubTrust{Device: hub.DeviceID(), Pub: hub.DevicePublicKey()})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { dev.Close() })
	return hub, dev
}

// What makes pulling one's share fast with many bodies: the hub reads the
// index streams of the member's groups and the entries they name, never
// the entries of the other bodies. So the keys a pull reads are bounded by
// what it returns, whatever else the log holds.
func TestHubPull_GivenFourBodies_ThenAMemberOfOneReadsOnlyTheirShare(t *testing.T) {
	hub, dev := bodiesHub(t, 4)
	head, err := hub.HubHead()
	if err != nil {
		t.Fatal(err)
	}
	before := hub.StoreReads()
	pages, nexts := pullAll(t, hub, dev, 1000)
	reads := hub.StoreReads() - before
	var got []core.Pulled
	for _, p := range pages {
		got = append(got, p...)
	}
	if len(got) == 0 || len(got) > int(head)/3 {
		t.Fatalf("pulled %d of %d entries: want the one body's share", len(got), head)
	}
	// Per entry: its index key in at most three of the member's groups and
	// the entry itself; and a few reads to find the member and the head.
	if limit := uint64(4*len(got) + 20); reads > limit {
		t.Errorf("the pull read %d keys for %d entries (log of %d): more than %d, so it scanned what is not the member's", reads, len(got), head, limit)
	}
	if last := nexts[len(nexts)-1]; last != head {
		t.Errorf("the last checkpoint is %d, want the head %d (past what the member may not see)", last, head)
	}
	// Nothing of the other bodies: each entry names body0's records or is
	// addressed to everyone (members, devices, bodies).
	for _, e := range got {
		_, op, err := ops.Decode(e.Op)
		if err != nil {
			t.Fatal(err)
		}
		_, rec, _ := ops.RecordOf(op)
		switch rec.Type {
		case ops.RecordMeeting, ops.RecordBallot:
			if len(rec.ID) < 6 || rec.ID[:6] != "body0-" {
				t.Errorf("pulled %s of %s %s, another body's", op.Kind, rec.Type, rec.ID)
			}
		case ops.RecordShare:
			if !slices.Contains(rec.To, "body0-m002") {
				t.Errorf("pulled a %s addressed to %v", op.Kind, rec.To)
			}
		}
	}
}

// Small pages give the same share as one large page, in order, with
// checkpoints that only move forward.
func TestHubPull_GivenSmallPages_ThenTheSameShareInOrder(t *testing.T) {
	hub, dev := bodiesHub(t, 2)
	whole, _ := pullAll(t, hub, dev, 100000)
	pages, nexts := pullAll(t, hub, dev, 7)
	var a, b []uint64
	for _, e := range whole[0] {
		a = append(a, e.HubSeq)
	}
	for _, p := range pages {
		if len(p) > 7 {
			t.Fatalf("a page of %d entries, limit 7", len(p))
		}
		for _, e := range p {
			b = append(b, e.HubSeq)
		}
	}
	if !slices.Equal(a, b) || !slices.IsSorted(b) {
		t.Fatalf("paged share %v, want %v", b, a)
	}
	for i := 1; i < len(nexts); i++ {
		if nexts[i] <= nexts[i-1] {
			t.Fatalf("checkpoints %v do not move forward", nexts)
		}
	}
	// And the device applies its share: the body's published meetings (by
	// reveal) and its ballots, nothing else.
	for i, p := range pages {
		if _, err := dev.ApplyPulled(p, nexts[i]); err != nil {
			t.Fatal(err)
		}
	}
	if n := len(dev.Meetings()); n != 3 {
		t.Errorf("device holds %d meetings, want body0's 3", n)
	}
	if n := len(dev.Ballots()); n != 12 {
		t.Errorf("device holds %d ballots, want body0's 12", n)
	}
	// A record outside the member's audience is answered as one that does
	// not exist.
	snap, err := hub.HubSnapshot(dev.DeviceID(), "ballot/body1-b00000")
	if err != nil || snap.Value != nil {
		t.Errorf("snapshot of another body's ballot: %+v, %v; want no value", snap, err)
	}
	if snap, err := hub.HubSnapshot(dev.DeviceID(), "ballot/body0-b00000"); err != nil || snap.Value == nil {
		t.Errorf("snapshot of the member's own body's ballot: %+v, %v; want its value", snap, err)
	}
}
