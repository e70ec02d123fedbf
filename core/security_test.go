package core_test

import (
	"bytes"
	"crypto/sha256"
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/ecabinet/ecabinet/ballots"
	"github.com/ecabinet/ecabinet/core"
	"github.com/ecabinet/ecabinet/store"
)

// profileBytes returns every file of the profile directory by path.
func profileBytes(t *testing.T, dir string) map[string][]byte {
	t.Helper()
	out := map[string][]byte{}
	err := filepath.WalkDir(dir, func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || d.Type()&fs.ModeSocket != 0 {
			return err
		}
		b, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		out[path] = b
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

func TestAtRest_KnownPlaintextNeverOnDisk(t *testing.T) {
	dir := t.TempDir()
	// given distinctive Vietnamese text in a member's name and a comment
	const name = "Nguyễn Văn Bí Mật Tuyệt Đối"
	const comment = "Ý kiến riêng: đề nghị hoãn thông qua dự thảo"
	p, ms := newSecretary(t, dir)
	m, err := p.AddMember(memberNamed(name))
	if err != nil {
		t.Fatal(err)
	}
	b, err := p.IssueBallot(core.BallotInput{Title: "Phiếu kín", Question: "Câu hỏi", Deadline: time.Now().Add(time.Hour)})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := p.RecordAnswerFor(b.ID, ms[0].ID, ballots.ChoiceOther, comment); err != nil {
		t.Fatal(err)
	}
	_ = m
	check := func(when string) {
		for path, content := range profileBytes(t, dir) {
			for _, secret := range []string{name, comment, "Bí Mật", "hoãn thông qua"} {
				if bytes.Contains(content, []byte(secret)) {
					t.Errorf("%s: %q found in plaintext in %s", when, secret, path)
				}
			}
		}
	}
	// then neither the open profile (write-ahead logs, journal) ...
	check("while open")
	if err := p.Close(); err != nil {
		t.Fatal(err)
	}
	// ... nor the closed one (tables) holds it
	check("after close")
}

func TestOpen_WrongPassphraseAndSecondInstanceChangeNothing(t *testing.T) {
	dir := t.TempDir()
	p, _ := newSecretary(t, dir)
	if err := p.Close(); err != nil {
		t.Fatal(err)
	}
	digest := func() [32]byte {
		h := sha256.New()
		files := profileBytes(t, dir)
		paths := make([]string, 0, len(files))
		for k := range files {
			paths = append(paths, k)
		}
		sortStrings(paths)
		for _, k := range paths {
			h.Write([]byte(k))
			h.Write(files[k])
		}
		var d [32]byte
		copy(d[:], h.Sum(nil))
		return d
	}
	before := digest()
	if _, err := core.Open(dir, []byte("not the passphrase")); !errors.Is(err, store.ErrWrongPassphrase) {
		t.Fatalf("wrong passphrase: %v", err)
	}
	if digest() != before {
		t.Fatal("a wrong passphrase changed the profile on disk")
	}
	// a second instance while the first holds the profile
	p, err := core.Open(dir, pass)
	if err != nil {
		t.Fatal(err)
	}
	held := digest()
	if _, err := core.Open(dir, pass); !errors.Is(err, store.ErrProfileInUse) {
		t.Fatalf("second instance: %v", err)
	}
	if digest() != held {
		t.Fatal("a refused second instance changed the profile on disk")
	}
	// and the first one is unaffected
	if _, err := p.AddMember(memberNamed("Thành viên mới")); err != nil {
		t.Fatalf("first instance after a refused second: %v", err)
	}
	p.Close()
}

func TestChangePassphrase_RewrapsOnly(t *testing.T) {
	dir := t.TempDir()
	p, _ := newSecretary(t, dir)
	newPass := []byte("a brand new passphrase")
	if err := p.ChangePassphrase([]byte("wrong old one"), newPass); !errors.Is(err, store.ErrWrongPassphrase) {
		t.Fatalf("change with wrong old passphrase: %v", err)
	}
	if err := p.ChangePassphrase(pass, []byte("short")); !errors.Is(err, store.ErrWeakPassphrase) {
		t.Fatalf("change to a short passphrase: %v", err)
	}
	if err := p.ChangePassphrase(pass, newPass); err != nil {
		t.Fatal(err)
	}
	p.Close()
	if _, err := core.Open(dir, pass); !errors.Is(err, store.ErrWrongPassphrase) {
		t.Fatalf("old passphrase after change: %v", err)
	}
	p, err := core.Open(dir, newPass)
	if err != nil {
		t.Fatal(err)
	}
	defer p.Close()
	if n := len(p.Members()); n != 4 {
		t.Fatalf("after re-wrap: %d members, want 4", n)
	}
}
