package store

import (
	"errors"
	"testing"
)

func TestPrepared(t *testing.T) {
	cases := []struct {
		name   string
		commit bool
		want   bool // the key is there afterwards, and after reopening
	}{
		{"commit", true, true},
		{"discard", false, false},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			dir := t.TempDir()
			s, err := Create(dir, testPass)
			if err != nil {
				t.Fatal(err)
			}
			p, err := s.Prepare(func(tx *Tx) error { return tx.PutRaw([]byte("k"), []byte("v")) })
			if err != nil {
				t.Fatal(err)
			}
			// The prepared transaction reads its own write; others do not see it.
			if v, err := p.Tx().GetRaw([]byte("k")); err != nil || string(v) != "v" {
				t.Fatalf("inside: %q %v", v, err)
			}
			if err := s.View(func(tx *Tx) error { _, err := tx.GetRaw([]byte("k")); return err }); !errors.Is(err, ErrNotFound) {
				t.Fatalf("outside before commit: %v", err)
			}
			if c.commit {
				if err := p.Commit(); err != nil {
					t.Fatal(err)
				}
				if err := p.Commit(); err == nil {
					t.Fatal("a second commit succeeded")
				}
			}
			p.Discard() // safe after Commit, and the only end otherwise
			if err := s.Close(); err != nil {
				t.Fatal(err)
			}
			s, err = Open(dir, testPass)
			if err != nil {
				t.Fatal(err)
			}
			defer s.Close()
			err = s.View(func(tx *Tx) error { _, err := tx.GetRaw([]byte("k")); return err })
			if got := err == nil; got != c.want {
				t.Fatalf("after reopen: present %v, want %v (%v)", got, c.want, err)
			}
		})
	}
}

func TestPreparedErrorDiscards(t *testing.T) {
	s, err := Create(t.TempDir(), testPass)
	if err != nil {
		t.Fatal(err)
	}
	boom := errors.New("boom")
	if _, err := s.Prepare(func(tx *Tx) error {
		if err := tx.PutRaw([]byte("k"), []byte("v")); err != nil {
			return err
		}
		return boom
	}); !errors.Is(err, boom) {
		t.Fatalf("got %v", err)
	}
	// Nothing is held: Close does not wait for the failed transaction.
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
}
