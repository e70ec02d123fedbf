package identity_test

import (
	"bytes"
	"testing"

	"github.com/ecabinet/ecabinet/identity"
)

// FuzzVerify feeds arbitrary keys, messages and signatures to Verify: it
// never panics, and under a known device's key nothing verifies except that
// device's own signature of that very message (Ed25519 as implemented by
// crypto/ed25519 is not malleable).
func FuzzVerify(f *testing.F) {
	dev, err := identity.FromSeed(seed(7))
	if err != nil {
		f.Fatal(err)
	}
	msg := []byte("đồng ý")
	f.Add([]byte(dev.Pub), msg, dev.Sign(msg))
	f.Add([]byte(dev.Pub), []byte{}, dev.Sign(nil))
	f.Add([]byte{}, msg, []byte{})
	f.Add(make([]byte, 32), msg, make([]byte, 64))
	f.Fuzz(func(t *testing.T, pub, msg, sig []byte) {
		err := identity.Verify(pub, msg, sig)
		if err == nil && bytes.Equal(pub, dev.Pub) && !bytes.Equal(sig, dev.Sign(msg)) {
			t.Fatalf("a signature the device did not make verifies: msg %x sig %x", msg, sig)
		}
		_ = identity.IDOf(pub)
		_ = identity.Fingerprint(pub)
	})
}
