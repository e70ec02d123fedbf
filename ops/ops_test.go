package ops_test

import (
	"bytes"
	"crypto/ed25519"
	"errors"
	"reflect"
	"testing"
	"time"

	"github.com/ecabinet/ecabinet/ballots"
	"github.com/ecabinet/ecabinet/codec"
	"github.com/ecabinet/ecabinet/identity"
	"github.com/ecabinet/ecabinet/meetings"
	"github.com/ecabinet/ecabinet/ops"
)

var t0 = time.Date(2024, 7, 21, 9, 0, 0, 0, time.UTC)

// device returns a fixed device: the same seed gives the same key and ID.
func device(t testing.TB, b byte) *identity.Device {
	t.Helper()
	d, err := identity.FromSeed(bytes.Repeat([]byte{b}, ed25519.SeedSize))
	if err != nil {
		t.Fatal(err)
	}
	return d
}

func mustMarshal(t testing.TB, v any) []byte {
	t.Helper()
	b, err := codec.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// newOp makes an op of dev with body.
func newOp(t testing.TB, dev *identity.Device, seq uint64, kind ops.Kind, body any) ops.Op {
	t.Helper()
	return ops.Op{Kind: kind, Device: dev.ID, DevSeq: seq, Member: "m1", At: t0, Body: mustMarshal(t, body)}
}

// signed signs op and returns its encoded bytes.
func signed(t testing.TB, dev *identity.Device, op ops.Op) []byte {
	t.Helper()
	s, err := ops.Sign(dev, op)
	if err != nil {
		t.Fatal(err)
	}
	b, err := s.Encode()
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func sameOp(got, want ops.Op) bool {
	return got.Kind == want.Kind && got.Device == want.Device && got.DevSeq == want.DevSeq &&
		got.Member == want.Member && got.At.Equal(want.At) && got.Base == want.Base &&
		bytes.Equal(got.Body, want.Body)
}

func TestSignDecodeVerify_GivenEachKind_ThenRoundTrips(t *testing.T) {
	dev := device(t, 1)
	answer := ballots.Answer{ID: "a1", BallotID: "b1", MemberID: "m1", Choice: ballots.ChoiceAgree, Comment: "Đồng ý", At: t0, Seq: 3}
	tests := []struct {
		name string
		kind ops.Kind
		base uint64
		body any
		into any // pointer to a zero value of the body's type
	}{
		{"given a profile init then round trips", ops.KindProfileInit, 0, ops.ProfileInit{Member: meetings.Member{ID: "m1", Name: "Nguyễn Văn A", Role: meetings.RoleSecretary}, PubKey: dev.Pub}, new(ops.ProfileInit)},
		{"given a member put then round trips", ops.KindMemberPut, 2, ops.MemberPut{Member: meetings.Member{ID: "m2", Name: "Trần Thị B", Role: meetings.RoleMember}}, new(ops.MemberPut)},
		{"given a meeting update with a base revision then round trips", ops.KindMeetingUpdate, 7, ops.MeetingUpdate{MeetingID: "mt1", Title: "Phiên họp tháng 7", Start: t0, Place: "Hà Nội"}, new(ops.MeetingUpdate)},
		{"given an agenda move then round trips", ops.KindAgendaMove, 1, ops.AgendaMove{MeetingID: "mt1", ItemID: "i2", To: 0}, new(ops.AgendaMove)},
		{"given a ballot answer then round trips", ops.KindBallotAnswer, 0, ops.BallotAnswer{Answer: answer}, new(ops.BallotAnswer)},
		{"given a ballot extension then round trips", ops.KindBallotExtend, 4, ops.BallotExtend{BallotID: "b1", Deadline: t0.Add(time.Hour)}, new(ops.BallotExtend)},
		{"given a device enrollment then round trips", ops.KindDeviceEnroll, 0, ops.DeviceEnroll{MemberID: "m1", PubKey: device(t, 2).Pub}, new(ops.DeviceEnroll)},
	}
	for i, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			want := newOp(t, dev, uint64(i+1), tt.kind, tt.body)
			want.Base = tt.base
			b := signed(t, dev, want)

			s, got, err := ops.Decode(b)
			if err != nil {
				t.Fatalf("Decode: %v", err)
			}
			if !sameOp(got, want) {
				t.Fatalf("Decode op = %+v, want %+v", got, want)
			}
			if err := s.Verify(dev.Pub, got); err != nil {
				t.Fatalf("Verify: %v", err)
			}
			if err := got.DecodeBody(tt.into); err != nil {
				t.Fatalf("DecodeBody: %v", err)
			}
			if gotBody := mustMarshal(t, reflect.ValueOf(tt.into).Elem().Interface()); !bytes.Equal(gotBody, want.Body) {
				t.Fatalf("body re-encodes to %x, want %x", gotBody, want.Body)
			}
			if again, err := s.Encode(); err != nil || !bytes.Equal(again, b) {
				t.Fatalf("re-encoding the decoded Signed = %x, %v; want %x", again, err, b)
			}
		})
	}
}

func TestSign_GivenSameOpTwice_ThenSameBytes(t *testing.T) {
	dev := device(t, 1)
	op := newOp(t, dev, 1, ops.KindBallotClose, ops.BallotClose{BallotID: "b1"})
	got, want := signed(t, dev, op), signed(t, dev, op)
	if !bytes.Equal(got, want) {
		t.Fatalf("signing the same op twice gave different bytes:\n%x\n%x", got, want)
	}
}

func TestSign_GivenOpOfAnotherDevice_ThenRefused(t *testing.T) {
	alice, bob := device(t, 1), device(t, 2)
	op := newOp(t, bob, 1, ops.KindBallotClose, ops.BallotClose{BallotID: "b1"})
	if s, err := ops.Sign(alice, op); err == nil {
		t.Fatalf("alice signed bob's op: %+v", s)
	}
}

func TestVerify_GivenWrongKeys_ThenRefused(t *testing.T) {
	alice, bob := device(t, 1), device(t, 2)
	op := newOp(t, alice, 1, ops.KindBallotAnswer, ops.BallotAnswer{})
	s, err := ops.Sign(alice, op)
	if err != nil {
		t.Fatal(err)
	}
	// bob signs the very bytes of alice's op: a valid signature by a key
	// that is not the op's device.
	forged := ops.Signed{Op: s.Op, Sig: bob.Sign(s.Op)}
	// An op claiming bob's device but carrying alice's signature.
	claimBob := op
	claimBob.Device = bob.ID
	tests := []struct {
		name string
		s    ops.Signed
		pub  ed25519.PublicKey
		op   ops.Op
	}{
		{"given another device's key then refused", s, bob.Pub, op},
		{"given a signature by a key that is not the op's device then refused", forged, bob.Pub, op},
		{"given that forged signature checked with the device's key then refused", forged, alice.Pub, op},
		{"given an op claiming another device then refused", s, bob.Pub, claimBob},
		{"given a truncated key then refused", s, alice.Pub[:16], op},
		{"given no key then refused", s, nil, op},
		{"given no signature then refused", ops.Signed{Op: s.Op}, alice.Pub, op},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if err := tt.s.Verify(tt.pub, tt.op); !errors.Is(err, identity.ErrBadSignature) {
				t.Fatalf("Verify = %v, want ErrBadSignature", err)
			}
		})
	}
	if err := s.Verify(alice.Pub, op); err != nil {
		t.Fatalf("the genuine op: Verify = %v, want nil", err)
	}
}

func TestDecodeVerify_GivenAnyByteFlipped_ThenRefused(t *testing.T) {
	dev := device(t, 1)
	op := newOp(t, dev, 9, ops.KindBallotAnswer, ops.BallotAnswer{Answer: ballots.Answer{ID: "a", BallotID: "b", MemberID: "m1", Choice: ballots.ChoiceAgree, At: t0, Seq: 9}})
	orig := signed(t, dev, op)
	for i := range orig {
		for _, mask := range []byte{0x01, 0x80, 0xff} {
			b := bytes.Clone(orig)
			b[i] ^= mask
			s, got, err := ops.Decode(b)
			if err != nil {
				if !errors.Is(err, ops.ErrMalformed) {
					t.Fatalf("byte %d ^ %#x: Decode error %v does not wrap ErrMalformed", i, mask, err)
				}
				continue
			}
			if err := s.Verify(dev.Pub, got); err == nil {
				t.Fatalf("byte %d ^ %#x: tampered op verifies: %+v", i, mask, got)
			}
		}
	}
}

func TestDecode_GivenMalformedInput_ThenErrMalformed(t *testing.T) {
	dev := device(t, 1)
	good := newOp(t, dev, 1, ops.KindBallotClose, ops.BallotClose{BallotID: "b1"})
	envelope := func(op any) []byte {
		raw := mustMarshal(t, op)
		return mustMarshal(t, ops.Signed{Op: raw, Sig: dev.Sign(raw)})
	}
	without := func(change func(*ops.Op)) []byte {
		op := good
		change(&op)
		return envelope(op)
	}
	type extraOp struct {
		ops.Op
		Extra string `cbor:"99,keyasint"`
	}
	goodBytes := envelope(good)
	tests := []struct {
		name string
		in   []byte
	}{
		{"given no device then refused", without(func(o *ops.Op) { o.Device = "" })},
		{"given sequence 0 then refused", without(func(o *ops.Op) { o.DevSeq = 0 })},
		{"given no kind then refused", without(func(o *ops.Op) { o.Kind = "" })},
		{"given nothing then refused", nil},
		{"given garbage then refused", []byte("not cbor at all")},
		{"given trailing bytes then refused", append(bytes.Clone(goodBytes), 0)},
		{"given an envelope with an unknown field then refused", mustMarshal(t, map[int]any{1: mustMarshal(t, good), 2: []byte{}, 3: 0})},
		{"given an op with an unknown field then refused", envelope(extraOp{Op: good, Extra: "x"})},
		{"given an op that is not a map then refused", envelope([]string{"ballot.close"})},
		{"given an op that is a byte string then refused", []byte{0xa2, 0x01, 0x41, 0xff, 0x02, 0x40}},
		{"given an op with a duplicate key then refused", mustMarshal(t, ops.Signed{Op: []byte{0xa2, 0x01, 0x61, 'k', 0x01, 0x61, 'k'}})},
		{"given an envelope that is an array then refused", mustMarshal(t, []any{1, 2})},
		{"given a duplicate key in the envelope then refused", append([]byte{0xa3, 0x01}, append(mustMarshal(t, codec.RawMessage(mustMarshal(t, good))), 0x02, 0x40, 0x02, 0x40)...)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, _, err := ops.Decode(tt.in)
			if !errors.Is(err, ops.ErrMalformed) {
				t.Fatalf("Decode = %v, want ErrMalformed", err)
			}
		})
	}
	if _, _, err := ops.Decode(goodBytes); err != nil {
		t.Fatalf("the unchanged op: Decode = %v, want nil", err)
	}
}

func TestDecodeBody_GivenBodyOfAnotherShape_ThenErrMalformed(t *testing.T) {
	dev := device(t, 1)
	tests := []struct {
		name string
		body []byte
		into any
	}{
		{"given an unknown field then refused", mustMarshal(t, map[int]any{1: "b1", 9: true}), new(ops.BallotClose)},
		{"given a wrong type then refused", mustMarshal(t, map[int]any{1: 5}), new(ops.BallotClose)},
		{"given a duplicate key then refused", []byte{0xa2, 0x01, 0x61, 'a', 0x01, 0x61, 'b'}, new(ops.BallotClose)},
		{"given no body then refused", nil, new(ops.BallotClose)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			op := ops.Op{Kind: ops.KindBallotClose, Device: dev.ID, DevSeq: 1, At: t0, Body: tt.body}
			if err := op.DecodeBody(tt.into); !errors.Is(err, ops.ErrMalformed) {
				t.Fatalf("DecodeBody = %v, want ErrMalformed", err)
			}
		})
	}
}

func TestID_GivenDeviceAndSequence_ThenDeviceDashSequence(t *testing.T) {
	tests := []struct {
		op   ops.Op
		want string
	}{
		{ops.Op{Device: "abc", DevSeq: 1}, "abc-1"},
		{ops.Op{Device: "abc", DevSeq: 18446744073709551615}, "abc-18446744073709551615"},
	}
	for _, tt := range tests {
		if got := tt.op.ID(); got != tt.want {
			t.Errorf("ID() = %q, want %q", got, tt.want)
		}
	}
}
