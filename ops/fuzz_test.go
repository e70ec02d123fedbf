package ops_test

import (
	"bytes"
	"errors"
	"testing"

	"github.com/ecabinet/ecabinet/ballots"
	"github.com/ecabinet/ecabinet/identity"
	"github.com/ecabinet/ecabinet/ops"
)

// FuzzDecode feeds arbitrary bytes to Decode. It never panics; every error
// wraps ErrMalformed; whatever decodes names a device, a sequence and a
// kind, and re-encodes to an envelope that decodes to the same op. Under a
// fixed device key, nothing verifies unless its op bytes are exactly bytes
// that device signed (the seed corpus): a mutated op never passes.
func FuzzDecode(f *testing.F) {
	dev, other := device(f, 1), device(f, 2)
	signedOps := map[string]bool{} // op bytes the device signed
	add := func(op ops.Op) {
		s, err := ops.Sign(dev, op)
		if err != nil {
			f.Fatal(err)
		}
		signedOps[string(s.Op)] = true
		b, err := s.Encode()
		if err != nil {
			f.Fatal(err)
		}
		f.Add(b)
	}
	add(newOp(f, dev, 1, ops.KindBallotAnswer, ops.BallotAnswer{Answer: ballots.Answer{ID: "a", BallotID: "b", MemberID: "m1", Choice: ballots.ChoiceAgree, At: t0, Seq: 1}}))
	add(newOp(f, dev, 2, ops.KindBallotClose, ops.BallotClose{BallotID: "b"}))
	withBase := newOp(f, dev, 3, ops.KindMeetingUpdate, ops.MeetingUpdate{MeetingID: "mt", Title: "Họp", Start: t0})
	withBase.Base = 5
	add(withBase)
	f.Add([]byte{})
	f.Add([]byte{0xa0})
	f.Add([]byte{0xa2, 0x01, 0x41, 0xff, 0x02, 0x40})

	f.Fuzz(func(t *testing.T, data []byte) {
		s, op, err := ops.Decode(data)
		if err != nil {
			if !errors.Is(err, ops.ErrMalformed) {
				t.Fatalf("Decode error %v does not wrap ErrMalformed", err)
			}
			return
		}
		if op.Device == "" || op.DevSeq == 0 || op.Kind == "" {
			t.Fatalf("decoded an op without device, sequence or kind: %+v", op)
		}
		if err := s.Verify(dev.Pub, op); err == nil {
			if !signedOps[string(s.Op)] {
				t.Fatalf("op bytes the device never signed verify: %x", s.Op)
			}
			if op.Device != dev.ID {
				t.Fatalf("verified op names device %s, want %s", op.Device, dev.ID)
			}
		} else if !errors.Is(err, identity.ErrBadSignature) {
			t.Fatalf("Verify error %v does not wrap ErrBadSignature", err)
		}
		if err := s.Verify(other.Pub, op); err == nil {
			t.Fatalf("op verifies under a key that signed nothing: %+v", op)
		}
		again, err := s.Encode()
		if err != nil {
			t.Fatalf("a decoded envelope does not re-encode: %v", err)
		}
		s2, op2, err := ops.Decode(again)
		if err != nil {
			t.Fatalf("re-encoded envelope does not decode: %v", err)
		}
		if !bytes.Equal(s2.Op, s.Op) || !bytes.Equal(s2.Sig, s.Sig) || !sameOp(op2, op) {
			t.Fatalf("re-encoding changed the op: %+v -> %+v", op, op2)
		}
	})
}
