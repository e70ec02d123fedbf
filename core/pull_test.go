package core_test

import (
	"path/filepath"
	"reflect"
	"testing"

	"github.com/ecabinet/ecabinet/core"
	"github.com/ecabinet/ecabinet/identity"
	"github.com/ecabinet/ecabinet/meetings"
	"github.com/ecabinet/ecabinet/yeardata"
)

// pullFixture is a hub holding a small generated year and a fresh device
// of its secretary that has not pulled anything yet.
func pullFixture(t *testing.T) (hub, dev *core.Profile, data *yeardata.Data) {
	t.Helper()
	pass := []byte("pull test passphrase")
	hub, err := core.CreateHub(filepath.Join(t.TempDir(), "hub"), pass, "Văn phòng")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { hub.Close() })
	sec, err := hub.AddMember(meetings.Member{Name: "Thư ký", Role: meetings.RoleSecretary})
	if err != nil {
		t.Fatal(err)
	}
	data, err = yeardata.Generate(sec.ID, yeardata.Size{Meetings: 4, ItemsPerMeet: 3, Ballots: 20, Members: 6}, 7)
	if err != nil {
		t.Fatal(err)
	}
	if err := hub.EnrollDevice(sec.ID, data.Secretary.Pub); err != nil {
		t.Fatal(err)
	}
	if vs, err := hub.HubImport(data.Ops); err != nil {
		t.Fatal(err)
	} else {
		for _, v := range vs {
			if !v.Accepted() {
				t.Fatalf("hub refused a generated op: %+v", v)
			}
		}
	}
	d, err := identity.New()
	if err != nil {
		t.Fatal(err)
	}
	if err := hub.EnrollDevice(sec.ID, d.Pub); err != nil {
		t.Fatal(err)
	}
	dev, err = core.CreateEnrolled(filepath.Join(t.TempDir(), "dev"), pass, d, sec, core.HubTrust{Device: hub.DeviceID(), Pub: hub.DevicePublicKey()})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { dev.Close() })
	return hub, dev, data
}

// pullAll reads the device's whole view of the hub's log in pages of n.
func pullAll(t *testing.T, hub, dev *core.Profile, n int) (pages [][]core.Pulled, nexts []uint64) {
	t.Helper()
	var since uint64
	for {
		ents, next, head, err := hub.HubPull(dev.DeviceID(), since, n)
		if err != nil {
			t.Fatal(err)
		}
		pages, nexts = append(pages, ents), append(nexts, next)
		if next >= head || next == since {
			return pages, nexts
		}
		since = next
	}
}

// Pages checked ahead, before any of them is applied, verify with the keys
// that earlier unapplied pages enrolled, and apply to the same replica as
// the hub's.
func TestPullVerifierChecksAhead(t *testing.T) {
	hub, dev, _ := pullFixture(t)
	pages, nexts := pullAll(t, hub, dev, 40)
	if len(pages) < 5 {
		t.Fatalf("want several pages, got %d", len(pages))
	}
	v := dev.NewPullVerifier()
	var checked []*core.CheckedPage
	for i := range pages {
		checked = append(checked, v.Check(pages[i], nexts[i]))
	}
	for i, pg := range checked {
		if got := pg.VerifiedAhead(); got != len(pages[i]) {
			t.Errorf("page %d: %d of %d entries verified ahead", i, got, len(pages[i]))
		}
	}
	for _, pg := range checked {
		res, err := dev.ApplyChecked(pg)
		if err != nil {
			t.Fatal(err)
		}
		if len(res.Rejected) > 0 {
			t.Fatalf("rejected: %v", res.Rejected)
		}
	}
	if got, want := dev.Checkpoint(), nexts[len(nexts)-1]; got != want {
		t.Errorf("checkpoint %d, want %d", got, want)
	}
	if got, want := len(dev.Ballots()), len(hub.Ballots()); got != want || got != 20 {
		t.Fatalf("device has %d ballots, hub %d, want 20", got, want)
	}
	for _, b := range hub.Ballots() {
		hr, _, err := hub.Tally(b.ID)
		if err != nil {
			t.Fatal(err)
		}
		dr, _, err := dev.Tally(b.ID)
		if err != nil {
			t.Fatal(err)
		}
		if !reflect.DeepEqual(hr, dr) {
			t.Errorf("ballot %s: device %+v, hub %+v", b.ID, dr, hr)
		}
	}
}

// A forged entry checked ahead is still refused when applied, and the
// pages around it apply.
func TestPullVerifierForgedEntry(t *testing.T) {
	hub, dev, _ := pullFixture(t)
	pages, nexts := pullAll(t, hub, dev, 40)
	// Flip a byte of the last entry's signed op in the last page: its
	// signature no longer verifies.
	last := pages[len(pages)-1]
	e := &last[len(last)-1]
	forged := append([]byte(nil), e.Op...)
	forged[len(forged)-3] ^= 0x40
	e.Op = forged
	v := dev.NewPullVerifier()
	var rejected int
	for i := range pages {
		res, err := dev.ApplyChecked(v.Check(pages[i], nexts[i]))
		if err != nil {
			t.Fatal(err)
		}
		rejected += len(res.Rejected)
	}
	if rejected != 1 {
		t.Fatalf("want exactly the forged entry rejected, got %d rejections", rejected)
	}
}

// Pulled pages wait for one flush, but never behind a local change: a
// change restored from the journal after a crash must find what it was
// made from.
func TestPulledFlushBeforeLocalChange(t *testing.T) {
	hub, dev, _ := pullFixture(t)
	pages, nexts := pullAll(t, hub, dev, 40)
	v := dev.NewPullVerifier()
	for i := range pages {
		if _, err := dev.ApplyChecked(v.Check(pages[i], nexts[i])); err != nil {
			t.Fatal(err)
		}
	}
	if dev.Unflushed() == 0 {
		t.Fatal("a small pull was flushed page by page")
	}
	if _, err := dev.AddMember(meetings.Member{Name: "Thành viên mới", Role: meetings.RoleMember}); err != nil {
		t.Fatal(err)
	}
	if n := dev.Unflushed(); n != 0 {
		t.Fatalf("a local change was journaled with %d pulled bytes unflushed before it", n)
	}
	// FlushPulled after a pull, and ApplyPulled on its own, leave nothing.
	if _, err := dev.ApplyPulled(nil, dev.Checkpoint()); err != nil {
		t.Fatal(err)
	}
	if n := dev.Unflushed(); n != 0 {
		t.Fatalf("ApplyPulled left %d bytes unflushed", n)
	}
}
