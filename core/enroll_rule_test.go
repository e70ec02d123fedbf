package core_test

import (
	"errors"
	"path/filepath"
	"testing"
	"time"

	"github.com/ecabinet/ecabinet/codec"
	"github.com/ecabinet/ecabinet/core"
	"github.com/ecabinet/ecabinet/identity"
	"github.com/ecabinet/ecabinet/meetings"
	"github.com/ecabinet/ecabinet/ops"
)

func newHub(t *testing.T) (*core.Profile, meetings.Member, meetings.Member) {
	t.Helper()
	hub, err := core.CreateHub(filepath.Join(t.TempDir(), "hub"), []byte("enroll rule passphrase"), "Văn phòng")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { hub.Close() })
	a, err := hub.AddMember(meetings.Member{Name: "Nguyễn Văn An", Role: meetings.RoleMember})
	if err != nil {
		t.Fatal(err)
	}
	b, err := hub.AddMember(meetings.Member{Name: "Lê Thị Bình", Role: meetings.RoleMember})
	if err != nil {
		t.Fatal(err)
	}
	return hub, a, b
}

// TestEnrollDevice_GivenKnownKey_ThenRefusedAndBindingKept: a key is
// enrolled once, for one member, whoever asks again.
func TestEnrollDevice_GivenKnownKey_ThenRefusedAndBindingKept(t *testing.T) {
	hub, a, b := newHub(t)
	k, err := identity.New()
	if err != nil {
		t.Fatal(err)
	}
	if err := hub.EnrollDevice(a.ID, k.Pub); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name   string
		member string
		pub    []byte
	}{
		{"given another member's device then refused", b.ID, k.Pub},
		{"given the same binding again then refused", a.ID, k.Pub},
		{"given the hub's own key then refused", a.ID, hub.DevicePublicKey()},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := hub.EnrollDevice(tt.member, tt.pub)
			if !errors.Is(err, core.ErrDeviceEnrolled) || core.ErrorKey(err) != "err.device.already_enrolled" {
				t.Fatalf("EnrollDevice = %v (key %q), want err.device.already_enrolled", err, core.ErrorKey(err))
			}
		})
	}
	devs, err := hub.Devices()
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]string{k.ID: a.ID, hub.DeviceID(): hub.Self().ID}
	if len(devs) != len(want) {
		t.Fatalf("devices %+v, want %v", devs, want)
	}
	for _, d := range devs {
		if want[d.ID] != d.Member {
			t.Errorf("device %s under %s, want %s", d.ID, d.Member, want[d.ID])
		}
	}
	if known, err := hub.KnowsDevice(k.Pub); err != nil || !known {
		t.Errorf("KnowsDevice(enrolled) = %v, %v", known, err)
	}
	fresh, _ := identity.New()
	if known, err := hub.KnowsDevice(fresh.Pub); err != nil || known {
		t.Errorf("KnowsDevice(new key) = %v, %v", known, err)
	}
}

// TestHubAccept_GivenManyRefusals_ThenKeptBoundedAndIdempotent: a device
// that signs refused operations without end costs the hub a bounded
// number of verdicts; a re-push is answered, never judged again.
func TestHubAccept_GivenManyRefusals_ThenKeptBoundedAndIdempotent(t *testing.T) {
	hub, a, _ := newHub(t)
	d, err := identity.New()
	if err != nil {
		t.Fatal(err)
	}
	if err := hub.EnrollDevice(a.ID, d.Pub); err != nil {
		t.Fatal(err)
	}
	sign := func(seq uint64, name string) []byte {
		body, _ := codec.Marshal(ops.MemberPut{Member: meetings.Member{ID: a.ID, Name: name, Role: meetings.RoleSecretary}})
		s, err := ops.Sign(d, ops.Op{Kind: ops.KindMemberPut, Device: d.ID, DevSeq: seq, Member: a.ID, At: time.Now().UTC(), Body: body})
		if err != nil {
			t.Fatal(err)
		}
		raw, _ := s.Encode()
		return raw
	}
	const n = core.MaxKeptRefusals + 100
	var verdicts []core.Verdict
	for seq := uint64(1); seq <= n; seq += 100 {
		var page [][]byte
		for i := seq; i < seq+100 && i <= n; i++ {
			page = append(page, sign(i, "Tự phong thư ký"))
		}
		vs, err := hub.HubAccept(d.ID, page)
		if err != nil {
			t.Fatal(err)
		}
		verdicts = append(verdicts, vs...)
	}
	for _, v := range verdicts {
		if v.Accepted() || v.Code != "err.forbidden" {
			t.Fatalf("a member making themselves secretary: %+v", v)
		}
	}
	total, kept, err := hub.Refusals(d.ID)
	if err != nil || total != n || kept != core.MaxKeptRefusals {
		t.Fatalf("Refusals = %d total, %d kept, %v; want %d, %d", total, kept, err, n, core.MaxKeptRefusals)
	}
	tests := []struct {
		name string
		seq  uint64
		want core.Verdict
	}{
		{"given a kept refusal pushed again then the same verdict", n, verdicts[n-1]},
		{"given the oldest kept refusal then the same verdict", n - core.MaxKeptRefusals + 1, verdicts[n-core.MaxKeptRefusals]},
		{"given a forgotten refusal then refused again", 1, core.Verdict{DevSeq: 1, Code: "err.sync.refused", Reason: "refused earlier; the hub no longer keeps the details"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			vs, err := hub.HubAccept(d.ID, [][]byte{sign(tt.seq, "Khác")})
			if err != nil {
				t.Fatal(err)
			}
			got := vs[0]
			if got.DevSeq != tt.want.DevSeq || got.HubSeq != 0 || got.Code != tt.want.Code || got.Reason != tt.want.Reason {
				t.Fatalf("re-push of %d: %+v, want %+v", tt.seq, got, tt.want)
			}
		})
	}
	if total, kept, _ := hub.Refusals(d.ID); total != n || kept != core.MaxKeptRefusals {
		t.Fatalf("re-pushes changed the count: %d, %d", total, kept)
	}
}
