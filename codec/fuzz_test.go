package codec_test

import (
	"bytes"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/fxamacker/cbor/v2"

	"github.com/ecabinet/ecabinet/ballots"
	"github.com/ecabinet/ecabinet/codec"
	"github.com/ecabinet/ecabinet/ops"
)

// FuzzUnmarshal decodes arbitrary bytes into the struct shapes eCabinet
// reads from disk and the wire. Decoding never panics; whatever decodes
// re-encodes, and that encoding is a fixed point: decoding it and encoding
// again gives the same bytes (so the value survived the round trip).
func FuzzUnmarshal(f *testing.F) {
	f.Add(mustMarshal(nil, sample()))
	f.Add(mustMarshal(nil, small{A: "x", B: 1}))
	f.Add(mustMarshal(nil, ops.Op{Kind: ops.KindBallotAnswer, Device: "dev", DevSeq: 3, Member: "m", At: t0, Body: mustMarshal(nil, item{ID: "x"})}))
	f.Add(mustMarshal(nil, ops.Signed{Op: mustMarshal(nil, small{A: "op"}), Sig: make([]byte, 64)}))
	f.Add(mustMarshal(nil, ballots.Answer{ID: "a", BallotID: "b", MemberID: "m", Choice: "agree", Comment: "Ý kiến", At: t0, Seq: 9}))
	f.Add(mustHex("a2 01 6178 01 6179"))           // duplicate key
	f.Add(mustHex("a1 03 c1 1a 5f5e1000"))         // epoch time (tag 1)
	f.Add(mustHex("a1 03 c1 fb 41d0000000000000")) // float epoch time
	f.Add(mustHex("bf 01 6178 ff"))                // indefinite length
	f.Add([]byte{})
	targets := []struct {
		name string
		new  func() any
	}{
		{"rec", func() any { return new(rec) }},
		{"small", func() any { return new(small) }},
		{"ops.Op", func() any { return new(ops.Op) }},
		{"ops.Signed", func() any { return new(ops.Signed) }},
		{"ballots.Answer", func() any { return new(ballots.Answer) }},
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		for _, target := range targets {
			// Loose decoding accepts at least what strict decoding does,
			// with the same result.
			loose, strict := target.new(), target.new()
			lerr, serr := codec.UnmarshalLoose(data, loose), codec.Unmarshal(data, strict)
			if serr == nil {
				if lerr != nil {
					t.Fatalf("%s: strict decoding accepts %x, loose refuses: %v", target.name, data, lerr)
				}
				lb, lmerr := codec.Marshal(loose)
				sb, smerr := codec.Marshal(strict)
				if (lmerr == nil) != (smerr == nil) || !bytes.Equal(lb, sb) {
					t.Fatalf("%s: loose and strict decoding differ:\nloose  %x\nstrict %x", target.name, lb, sb)
				}
			}
			v := target.new()
			if err := codec.Unmarshal(data, v); err != nil {
				if len(data) > codec.MaxMessage && !errors.Is(err, codec.ErrTooLarge) {
					t.Fatalf("%s: oversize input gave %v, want ErrTooLarge", target.name, err)
				}
				continue
			}
			b1, err := codec.Marshal(v)
			if err != nil && yearOutOfRange(err) {
				// Known asymmetry: the decoder takes any epoch number as a
				// time, the RFC 3339 encoder only years 0-9999. Such a value
				// is refused when re-encoded, never silently changed.
				continue
			}
			if err != nil {
				t.Fatalf("%s: %x decoded to %+v, which does not encode: %v", target.name, data, v, err)
			}
			v2 := target.new()
			if err := codec.Unmarshal(b1, v2); err != nil {
				t.Fatalf("%s: own encoding %x does not decode: %v", target.name, b1, err)
			}
			b2, err := codec.Marshal(v2)
			if err != nil {
				t.Fatalf("%s: second encoding failed: %v", target.name, err)
			}
			if !bytes.Equal(b1, b2) {
				t.Fatalf("%s: round trip changed the value:\nfirst  %x\nsecond %x", target.name, b1, b2)
			}
			if len(b1) > codec.MaxMessage {
				t.Fatalf("%s: encoding grew past MaxMessage", target.name)
			}
		}
	})
}

// yearOutOfRange reports whether err is the encoder refusing a time.Time
// outside RFC 3339's years 0-9999.
func yearOutOfRange(err error) bool {
	var uv *cbor.UnsupportedValueError
	return errors.As(err, &uv) && strings.Contains(uv.Error(), "year outside of range")
}

func TestUnmarshal_GivenEpochTimeAfterYear9999_ThenDecodesButDoesNotReencode(t *testing.T) {
	// Documents the asymmetry FuzzUnmarshal tolerates: a peer can send a
	// time this encoder cannot write. Callers that store decoded times must
	// expect Marshal to refuse them (or validate the range first).
	var got rec
	if err := codec.Unmarshal(mustHex("a1 03 1b 3030303030303030"), &got); err != nil {
		t.Fatalf("Unmarshal: %v", err)
	}
	if y := got.At.Year(); y <= 9999 {
		t.Fatalf("year = %d, want > 9999", y)
	}
	_, err := codec.Marshal(got)
	if !yearOutOfRange(err) {
		t.Fatalf("Marshal = %v, want the year-range error", err)
	}
	if want := time.Date(9999, 12, 31, 23, 59, 59, 0, time.UTC); !got.At.After(want) {
		t.Fatalf("At = %v, want after %v", got.At, want)
	}
}
