package core

import (
	"errors"
	"path/filepath"
	"strings"
	"testing"

	"github.com/ecabinet/ecabinet/meetings"
	"github.com/ecabinet/ecabinet/ops"
	"github.com/ecabinet/ecabinet/store"
)

// TestVerifyLog_FindsTheFirstForgedOperation: VerifyLog checks every
// operation of a hub's log, and names the first one whose signature does
// not verify.
func TestVerifyLog_FindsTheFirstForgedOperation(t *testing.T) {
	p, err := CreateHub(filepath.Join(t.TempDir(), "hub"), []byte("verify log passphrase"), "Văn phòng Chính phủ")
	if err != nil {
		t.Fatal(err)
	}
	defer p.Close()
	for _, name := range []string{"Thư ký", "Trần Lưu Quang", "Phạm Thị Thanh Trà"} {
		if _, err := p.AddMember(meetings.Member{Name: name, Role: meetings.RoleMember}); err != nil {
			t.Fatal(err)
		}
	}
	head, err := p.HubHead()
	if err != nil || head < 4 {
		t.Fatalf("head %d, %v", head, err)
	}
	if n, err := p.VerifyLog(); err != nil || uint64(n) != head {
		t.Fatalf("VerifyLog = %d, %v; want all %d", n, err, head)
	}
	// Entry 3's signature no longer matches its operation.
	err = p.st.Update(func(tx *store.Tx) error {
		var e LogEntry
		if err := tx.Get(store.SeqKey(store.PrefixHubLog, 3), &e); err != nil {
			return err
		}
		s, _, err := ops.Decode(e.Op)
		if err != nil {
			return err
		}
		s.Sig[0] ^= 1
		if e.Op, err = s.Encode(); err != nil {
			return err
		}
		return tx.Put(store.SeqKey(store.PrefixHubLog, 3), e)
	})
	if err != nil {
		t.Fatal(err)
	}
	n, err := p.VerifyLog()
	if !errors.Is(err, ErrBadSignature) || n != 2 || !strings.Contains(err.Error(), "entry 3") {
		t.Fatalf("VerifyLog = %d, %v; want entry 3 reported after 2 good ones", n, err)
	}
	if ErrorKey(err) != "err.bad_signature" {
		t.Fatalf("ErrorKey = %q", ErrorKey(err))
	}
	dev, err := Create(filepath.Join(t.TempDir(), "dev"), []byte("device passphrase"), meetings.Member{Name: "Thư ký", Role: meetings.RoleSecretary})
	if err != nil {
		t.Fatal(err)
	}
	defer dev.Close()
	if _, err := dev.VerifyLog(); err == nil {
		t.Fatal("VerifyLog on a device profile: no error")
	}
}
