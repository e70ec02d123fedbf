package papers_test

import (
	"crypto/ed25519"
	"crypto/rand"
	"errors"
	"testing"

	"github.com/ecabinet/ecabinet/papers"
)

// TestWrapKey: a lineage key wrapped to a device opens with that device's
// seed only, and only for the paper it was wrapped for.
func TestWrapKey(t *testing.T) {
	pubA, privA, _ := ed25519.GenerateKey(rand.Reader)
	_, privB, _ := ed25519.GenerateKey(rand.Reader)
	k, err := papers.NewLineageKey()
	if err != nil {
		t.Fatal(err)
	}
	w, err := papers.WrapKey(k, "paper-1", "dev-a", pubA)
	if err != nil {
		t.Fatal(err)
	}
	tampered := w
	tampered.Sealed = append([]byte(nil), w.Sealed...)
	tampered.Sealed[0] ^= 1
	other := w
	other.Device = "dev-b"
	for _, tc := range []struct {
		name  string
		w     papers.WrappedKey
		paper string
		seed  []byte
		ok    bool
	}{
		{"own device", w, "paper-1", privA.Seed(), true},
		{"another device's seed", w, "paper-1", privB.Seed(), false},
		{"another paper", w, "paper-2", privA.Seed(), false},
		{"altered", tampered, "paper-1", privA.Seed(), false},
		{"relabelled device", other, "paper-1", privA.Seed(), false},
		{"short seed", w, "paper-1", privA.Seed()[:10], false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, err := tc.w.Unwrap(tc.paper, tc.seed)
			if tc.ok {
				if err != nil || got != k {
					t.Fatalf("Unwrap = %v, %v; want the key", got == k, err)
				}
				return
			}
			if !errors.Is(err, papers.ErrUnwrap) {
				t.Fatalf("Unwrap error = %v, want ErrUnwrap", err)
			}
		})
	}
	w2, _ := papers.WrapKey(k, "paper-1", "dev-a", pubA)
	if string(w2.Ephemeral) == string(w.Ephemeral) || string(w2.Sealed) == string(w.Sealed) {
		t.Error("two wraps of one key are identical: the ephemeral key is not fresh")
	}
}
