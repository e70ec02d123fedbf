package e2e

import (
	"errors"
	"path/filepath"
	"syscall"
	"testing"

	"github.com/ecabinet/ecabinet/core"
	"github.com/ecabinet/ecabinet/ops"
)

// TestScale_BadgerHub is the scale-out scenario against the default
// layout: one hub process on its own Badger store, killed and restarted at
// seeded moments, behind the proxy (which here only cuts connections).
func TestScale_BadgerHub(t *testing.T) {
	root := t.TempDir()
	data := filepath.Join(root, "hub")
	var init struct {
		Invite string `json:"invite"`
	}
	ok(t, &init, "hub", "init", "--data", data, "--name", "Văn phòng Chính phủ")
	addr := freeAddr(t)
	h := &scaleHub{name: "badger", addr: addr, args: []string{"hub", "serve", "--data", data, "--listen", addr, "--metrics", freeAddr(t)}}
	runScale(t, root, scaleLayout{
		hubs:      []*scaleHub{h},
		secInvite: init.Invite,
		checkLog: func(t *testing.T, secDevice string, accepted map[devSeq]uint64, refused map[devSeq]bool) {
			h.kill(syscall.SIGTERM)
			p, err := core.Open(data, []byte(passphrase))
			if err != nil {
				t.Fatal(err)
			}
			defer p.Close()
			seqs, keys := badgerLog(t, p, secDevice)
			checkLogEntries(t, seqs, keys, accepted, refused)
			if n, err := p.VerifyLog(); err != nil || n != len(seqs) {
				t.Errorf("the hub's log verifies %d of %d entries: %v", n, len(seqs), err)
			}
			if n, err := p.AuditVerify(); err != nil || n == 0 {
				t.Errorf("the hub's audit chain: %d entries, %v", n, err)
			}
		},
	})
}

// badgerLog reads a hub replica's whole log as the secretariat's device
// pulls it (everything: the scenario has no private notes), with each
// entry's (device, dev_seq).
func badgerLog(t *testing.T, p *core.Profile, secDevice string) ([]uint64, []devSeq) {
	t.Helper()
	var seqs []uint64
	var keys []devSeq
	var since uint64
	for range 100000 {
		ents, next, head, err := p.HubPull(secDevice, since, 1000)
		if err != nil {
			t.Fatal(err)
		}
		for _, e := range ents {
			_, op, err := ops.Decode(e.Op)
			if err != nil {
				t.Fatalf("log entry %d: %v", e.HubSeq, err)
			}
			seqs = append(seqs, e.HubSeq)
			keys = append(keys, devSeq{op.Device, op.DevSeq})
		}
		since = next
		if next >= head {
			return seqs, keys
		}
		if len(ents) == 0 {
			t.Fatal(errors.New("the pull made no progress"))
		}
	}
	t.Fatal("the log never ended")
	return nil, nil
}
