package codec_test

import (
	"bytes"
	"encoding/hex"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/fxamacker/cbor/v2"

	"github.com/ecabinet/ecabinet/codec"
)

// rec has the shapes of eCabinet's records and operations: integer keys,
// strings, numbers, times, omitempty fields, raw bodies, byte strings,
// nested structs, slices and maps.
type rec struct {
	Kind  string            `cbor:"1,keyasint"`
	Seq   uint64            `cbor:"2,keyasint"`
	At    time.Time         `cbor:"3,keyasint"`
	Base  uint64            `cbor:"4,keyasint,omitempty"`
	Body  codec.RawMessage  `cbor:"5,keyasint,omitempty"`
	Sig   []byte            `cbor:"6,keyasint,omitempty"`
	Tags  map[string]int    `cbor:"7,keyasint,omitempty"`
	Items []item            `cbor:"8,keyasint,omitempty"`
	Flag  bool              `cbor:"9,keyasint,omitempty"`
	Neg   int64             `cbor:"10,keyasint,omitempty"`
	Note  map[string]string `cbor:"11,keyasint,omitempty"`
}

type item struct {
	ID    string `cbor:"1,keyasint"`
	Title string `cbor:"2,keyasint,omitempty"`
	Pos   int    `cbor:"3,keyasint"`
}

// small is a two-field struct for hand-written CBOR: {1: text, 2: uint}.
type small struct {
	A string `cbor:"1,keyasint"`
	B uint64 `cbor:"2,keyasint,omitempty"`
}

var t0 = time.Date(2024, 3, 15, 9, 30, 0, 123456789, time.UTC)

func sample() rec {
	return rec{
		Kind: "ballot.answer",
		Seq:  42,
		At:   t0,
		Base: 7,
		Body: mustMarshal(nil, item{ID: "a1", Title: "Đồng ý thông qua", Pos: 2}),
		Sig:  []byte{1, 2, 3},
		Tags: map[string]int{"zeta": 1, "alpha": 2, "mu": 3, "b": 4, "aa": 5},
		Items: []item{
			{ID: "i1", Title: "Khai mạc", Pos: 0},
			{ID: "i2", Pos: 1},
		},
		Flag: true,
		Neg:  -5,
		Note: map[string]string{"ý kiến": "Nguyễn Văn A", "": "empty key"},
	}
}

func mustMarshal(t *testing.T, v any) []byte {
	b, err := codec.Marshal(v)
	if err != nil {
		if t == nil {
			panic(err)
		}
		t.Helper()
		t.Fatalf("Marshal(%T): %v", v, err)
	}
	return b
}

func mustHex(s string) []byte {
	b, err := hex.DecodeString(strings.ReplaceAll(s, " ", ""))
	if err != nil {
		panic(err)
	}
	return b
}

func TestMarshal_GivenSameValue_ThenSameBytes(t *testing.T) {
	first := mustMarshal(t, sample())
	for i := 0; i < 50; i++ {
		// Go randomises map iteration: fifty encodings cover many orders.
		if got := mustMarshal(t, sample()); !bytes.Equal(got, first) {
			t.Fatalf("encoding %d differs:\ngot  %x\nwant %x", i, got, first)
		}
	}
}

func TestMarshal_GivenMapsBuiltInDifferentOrders_ThenSameBytes(t *testing.T) {
	keys := []string{"zeta", "alpha", "mu", "b", "aa", "ý", "", "Z", "a"}
	forward := map[string]int{}
	for i, k := range keys {
		forward[k] = i
	}
	backward := map[string]int{}
	for i := len(keys) - 1; i >= 0; i-- {
		backward[keys[i]] = i
	}
	got, want := mustMarshal(t, backward), mustMarshal(t, forward)
	if !bytes.Equal(got, want) {
		t.Fatalf("same map, different insertion order:\ngot  %x\nwant %x", got, want)
	}
}

func TestMarshal_GivenKnownValues_ThenCoreDeterministicBytes(t *testing.T) {
	tests := []struct {
		name string
		v    any
		want string
	}{
		{"given a struct with integer keys then keys in ascending order", small{A: "x", B: 1}, "a2 01 6178 02 01"},
		{"given an omitempty zero field then it is left out", small{A: "x"}, "a1 01 6178"},
		{"given map keys then sorted bytewise by encoding", map[string]int{"b": 1, "a": 2, "aa": 3}, "a3 6161 02 6162 01 626161 03"},
		{"given integers then the shortest form", []uint64{0, 23, 24, 255, 256, 65536, 1 << 32}, "87 00 17 1818 18ff 190100 1a00010000 1b0000000100000000"},
		{"given a negative integer then major type 1", int64(-500), "3901f3"},
		{"given a float that fits in half precision then half precision", 1.5, "f93e00"},
		{"given a UTC time then an RFC 3339 text string", time.Date(2024, 1, 2, 3, 4, 5, 0, time.UTC), "74 323032342d30312d30325430333a30343a30355a"},
		{"given Vietnamese text then UTF-8 bytes", "Phiếu", "67 506869e1babf75"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, want := mustMarshal(t, tt.v), mustHex(tt.want)
			if !bytes.Equal(got, want) {
				t.Fatalf("Marshal(%v) = %x, want %x", tt.v, got, want)
			}
		})
	}
}

func TestRoundTrip_GivenRecord_ThenEqualValueAndSameBytes(t *testing.T) {
	in := sample()
	b := mustMarshal(t, in)
	var got rec
	if err := codec.Unmarshal(b, &got); err != nil {
		t.Fatalf("Unmarshal: %v", err)
	}
	if !got.At.Equal(in.At) {
		t.Fatalf("At = %v, want %v", got.At, in.At)
	}
	if got.Kind != in.Kind || got.Seq != in.Seq || got.Base != in.Base || got.Neg != in.Neg || got.Flag != in.Flag {
		t.Fatalf("scalars = %+v, want %+v", got, in)
	}
	if !bytes.Equal(got.Body, in.Body) || !bytes.Equal(got.Sig, in.Sig) {
		t.Fatalf("bytes: body %x sig %x, want %x %x", got.Body, got.Sig, in.Body, in.Sig)
	}
	if len(got.Tags) != len(in.Tags) || len(got.Note) != len(in.Note) || len(got.Items) != len(in.Items) {
		t.Fatalf("collections = %+v, want %+v", got, in)
	}
	for k, v := range in.Tags {
		if got.Tags[k] != v {
			t.Fatalf("Tags[%q] = %d, want %d", k, got.Tags[k], v)
		}
	}
	for i := range in.Items {
		if got.Items[i] != in.Items[i] {
			t.Fatalf("Items[%d] = %+v, want %+v", i, got.Items[i], in.Items[i])
		}
	}
	var body item
	if err := codec.Unmarshal(got.Body, &body); err != nil || body.Title != "Đồng ý thông qua" {
		t.Fatalf("Body decodes to %+v, %v", body, err)
	}
	if again := mustMarshal(t, got); !bytes.Equal(again, b) {
		t.Fatalf("re-encoding the decoded value changed the bytes:\ngot  %x\nwant %x", again, b)
	}
}

func TestRoundTrip_GivenTimeWithOffset_ThenSameInstant(t *testing.T) {
	hanoi := time.FixedZone("ICT", 7*3600)
	at := time.Date(2024, 7, 21, 17, 0, 0, 5, hanoi)
	b := mustMarshal(t, at)
	var got time.Time
	if err := codec.Unmarshal(b, &got); err != nil {
		t.Fatal(err)
	}
	if !got.Equal(at) {
		t.Fatalf("got %v, want %v", got, at)
	}
	if again := mustMarshal(t, got); !bytes.Equal(again, b) {
		t.Fatalf("re-encoded %x, want %x", again, b)
	}
}

func TestUnmarshal_GivenNonCanonicalButValidInput_ThenAccepted(t *testing.T) {
	// Strictness is about ambiguity, not form: a non-minimal integer or
	// unsorted keys are still one meaning. Signatures cover exact bytes.
	tests := []struct {
		name string
		in   string
		want small
	}{
		{"given keys out of order then decoded", "a2 02 05 01 6178", small{A: "x", B: 5}},
		{"given a non-minimal integer then decoded", "a2 01 6178 02 1805", small{A: "x", B: 5}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var got small
			if err := codec.Unmarshal(mustHex(tt.in), &got); err != nil {
				t.Fatalf("Unmarshal: %v", err)
			}
			if got != tt.want {
				t.Fatalf("got %+v, want %+v", got, tt.want)
			}
		})
	}
}

func TestUnmarshal_GivenStrictViolations_ThenError(t *testing.T) {
	nested := strings.Repeat("81", 17) + "00" // 17 nested arrays
	tests := []struct {
		name   string
		in     []byte
		into   func() any
		wantAs any // pointer to the error type expected in the chain, or nil
	}{
		{"given a duplicate key in a struct then error", mustHex("a2 01 6178 01 6179"), func() any { return new(small) }, new(*cbor.DupMapKeyError)},
		{"given a duplicate key in a map then error", mustHex("a2 6161 01 6161 02"), func() any { return new(map[string]int) }, new(*cbor.DupMapKeyError)},
		{"given a duplicate key in a nested struct then error", mustHex("a1 08 81 a2 01 6161 01 6162"), func() any { return new(rec) }, new(*cbor.DupMapKeyError)},
		{"given an unknown field then error", mustHex("a2 01 6178 1863 00"), func() any { return new(small) }, new(*cbor.UnknownFieldError)},
		{"given an unknown text field then error", mustHex("a2 01 6178 6178 00"), func() any { return new(small) }, new(*cbor.UnknownFieldError)},
		{"given trailing bytes then error", mustHex("a1 01 6178 00"), func() any { return new(small) }, new(*cbor.ExtraneousDataError)},
		{"given two concatenated values then error", append(mustHex("a1 01 6178"), mustHex("a1 01 6178")...), func() any { return new(small) }, new(*cbor.ExtraneousDataError)},
		{"given invalid UTF-8 in a text string then error", mustHex("a1 01 62 fffe"), func() any { return new(small) }, new(*cbor.SemanticError)},
		{"given a lone surrogate in a text string then error", mustHex("a1 01 63 eda080"), func() any { return new(small) }, new(*cbor.SemanticError)},
		{"given invalid UTF-8 in a map key then error", mustHex("a1 61 ff 01"), func() any { return new(map[string]int) }, new(*cbor.SemanticError)},
		{"given an indefinite-length map then error", mustHex("bf 01 6178 ff"), func() any { return new(small) }, new(*cbor.IndefiniteLengthError)},
		{"given an indefinite-length text string then error", mustHex("a1 01 7f 6178 ff"), func() any { return new(small) }, new(*cbor.IndefiniteLengthError)},
		{"given an indefinite-length array then error", mustHex("9f 01 ff"), func() any { return new([]int) }, new(*cbor.IndefiniteLengthError)},
		{"given an indefinite-length byte string then error", mustHex("5f 4101 ff"), func() any { return new([]byte) }, new(*cbor.IndefiniteLengthError)},
		{"given nesting deeper than 16 then error", mustHex(nested), func() any { return new(any) }, new(*cbor.MaxNestedLevelError)},
		{"given more than 10000 map pairs declared then error", mustHex("ba 00002711"), func() any { return new(map[int]int) }, new(*cbor.MaxMapPairsError)},
		{"given more than 200000 array elements declared then error", mustHex("9a 00030d41"), func() any { return new([]int) }, new(*cbor.MaxArrayElementsError)},
		{"given a wrong type then error", mustHex("a1 01 05"), func() any { return new(small) }, new(*cbor.UnmarshalTypeError)},
		{"given a negative number into uint then error", mustHex("a1 02 20"), func() any { return new(small) }, new(*cbor.UnmarshalTypeError)},
		{"given truncated input then error", mustHex("a2 01 6178 02"), func() any { return new(small) }, nil},
		{"given a text string longer than the input then error", mustHex("a1 01 7a ffffffff"), func() any { return new(small) }, nil},
		{"given empty input then error", nil, func() any { return new(small) }, nil},
		{"given a tag then error", mustHex("a1 01 c0 6178"), func() any { return new(small) }, new(*cbor.TagsMdError)},
		{"given a tagged epoch time then error", mustHex("c1 1a 5f5e1000"), func() any { return new(time.Time) }, new(*cbor.TagsMdError)},
		{"given a tag inside a raw body then error", mustHex("a1 05 a1 30 c0 30"), func() any { return new(rec) }, new(*cbor.TagsMdError)},
		{"given a bignum then error", mustHex("c2 41 01"), func() any { return new(any) }, new(*cbor.TagsMdError)},
		{"given a reserved simple value then error", mustHex("fc"), func() any { return new(any) }, new(*cbor.SyntaxError)},
		{"given a non-pointer target then error", mustHex("a1 01 6178"), func() any { return small{} }, new(*cbor.InvalidUnmarshalError)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := codec.Unmarshal(tt.in, tt.into())
			if err == nil {
				t.Fatalf("Unmarshal(%x) succeeded, want an error", tt.in)
			}
			if !strings.HasPrefix(err.Error(), "codec: decode ") {
				t.Errorf("error %q does not say it is a decode error", err)
			}
			if tt.wantAs != nil && !errors.As(err, tt.wantAs) {
				t.Errorf("error %v (%T) does not wrap %T", err, errors.Unwrap(err), tt.wantAs)
			}
		})
	}
}

func TestUnmarshal_GivenInputOverMaxMessage_ThenErrTooLarge(t *testing.T) {
	tests := []struct {
		name    string
		size    int
		wantErr error
	}{
		{"given MaxMessage+1 bytes then ErrTooLarge", codec.MaxMessage + 1, codec.ErrTooLarge},
		{"given 8 MiB then ErrTooLarge", 8 << 20, codec.ErrTooLarge},
		{"given exactly MaxMessage bytes then decoded", codec.MaxMessage, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			in := byteString(tt.size)
			var got []byte
			err := codec.Unmarshal(in, &got)
			if !errors.Is(err, tt.wantErr) {
				t.Fatalf("Unmarshal(%d bytes) = %v, want %v", len(in), err, tt.wantErr)
			}
			if err == nil && len(got) != len(in)-5 {
				t.Fatalf("decoded %d bytes, want %d", len(got), len(in)-5)
			}
		})
	}
}

// byteString encodes a byte string whose whole encoding is n bytes (n > 5).
func byteString(n int) []byte {
	b := make([]byte, n)
	b[0] = 0x5a // byte string, 4-byte length
	l := n - 5
	b[1], b[2], b[3], b[4] = byte(l>>24), byte(l>>16), byte(l>>8), byte(l)
	return b
}

func TestMarshal_GivenUnsupportedValue_ThenError(t *testing.T) {
	tests := []struct {
		name string
		v    any
	}{
		{"given a channel then error", make(chan int)},
		{"given a function then error", func() {}},
		{"given a time after year 9999 then error", time.Date(10000, 1, 1, 0, 0, 0, 0, time.UTC)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := codec.Marshal(tt.v)
			if err == nil {
				t.Fatalf("Marshal(%T) = %x, want an error", tt.v, got)
			}
			if !strings.HasPrefix(err.Error(), "codec: encode ") {
				t.Errorf("error %q does not say it is an encode error", err)
			}
		})
	}
}

func TestRawMessage_GivenEnvelope_ThenBodyKeptByteForByte(t *testing.T) {
	type envelope struct {
		Kind string           `cbor:"1,keyasint"`
		Body codec.RawMessage `cbor:"2,keyasint"`
	}
	body := mustHex("a2 01 6178 02 1805") // valid but non-minimal: kept as is
	b := mustMarshal(t, envelope{Kind: "k", Body: body})
	var got envelope
	if err := codec.Unmarshal(b, &got); err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(got.Body, body) {
		t.Fatalf("Body = %x, want %x", got.Body, body)
	}
}

func TestUnmarshalLoose_GivenUnknownFields_ThenIgnoredButStillStrictOtherwise(t *testing.T) {
	tests := []struct {
		name    string
		in      []byte
		want    small
		wantErr bool
	}{
		{"given an unknown integer field then ignored", mustHex("a2 01 6178 1863 00"), small{A: "x"}, false},
		{"given an unknown nested field then ignored", mustHex("a3 01 6178 02 05 09 a1 01 80"), small{A: "x", B: 5}, false},
		{"given a duplicate key then error", mustHex("a2 01 6178 01 6179"), small{}, true},
		{"given a duplicate unknown key then error", mustHex("a3 01 6178 09 00 09 01"), small{}, true},
		{"given trailing bytes then error", mustHex("a1 01 6178 00"), small{}, true},
		{"given invalid UTF-8 then error", mustHex("a1 01 62 fffe"), small{}, true},
		// A skipped field is checked for form (length, nesting, tags), not
		// for content: its text is never read.
		{"given invalid UTF-8 in an unknown field then skipped", mustHex("a2 01 6178 09 62 fffe"), small{A: "x"}, false},
		{"given an indefinite length then error", mustHex("bf 01 6178 ff"), small{}, true},
		{"given a tag then error", mustHex("a1 01 c0 6178"), small{}, true},
		{"given a tag in an unknown field then error", mustHex("a2 01 6178 09 c1 00"), small{}, true},
		{"given a wrong type then error", mustHex("a1 01 05"), small{}, true},
		{"given nothing then error", nil, small{}, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var got small
			err := codec.UnmarshalLoose(tt.in, &got)
			if (err != nil) != tt.wantErr {
				t.Fatalf("UnmarshalLoose(%x) = %v, want error %v", tt.in, err, tt.wantErr)
			}
			if err == nil && got != tt.want {
				t.Fatalf("got %+v, want %+v", got, tt.want)
			}
		})
	}
	if err := codec.UnmarshalLoose(byteString(codec.MaxMessage+1), new([]byte)); !errors.Is(err, codec.ErrTooLarge) {
		t.Fatalf("UnmarshalLoose of MaxMessage+1 bytes = %v, want ErrTooLarge", err)
	}
}
