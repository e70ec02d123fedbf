// Package codec is the one CBOR encoding of eCabinet: Core Deterministic
// Encoding for everything that is signed, stored or sent, and strict decoding
// (no duplicate map keys, no unknown fields, bounded sizes) for everything
// that is read back, because signatures are only meaningful over one
// canonical byte string and because every decoder faces untrusted bytes.
package codec

import (
	"errors"
	"fmt"

	"github.com/fxamacker/cbor/v2"
)

// MaxMessage bounds any single encoded value we accept. Papers travel as
// chunks elsewhere; a record or operation larger than this is malformed.
// The sync protocol's body limit (replica.MaxBody) is this constant, so
// that every body the hub or a device reads can also be decoded.
const MaxMessage = 4 << 20

// ErrTooLarge is returned for input over MaxMessage.
var ErrTooLarge = errors.New("codec: message too large")

var (
	encMode   cbor.EncMode
	decMode   cbor.DecMode
	looseMode cbor.DecMode
)

func init() {
	var err error
	eo := cbor.CoreDetEncOptions()
	eo.Time = cbor.TimeRFC3339Nano
	if encMode, err = eo.EncMode(); err != nil {
		panic(err)
	}
	// Loose decoding is the strict one, except that unknown fields are
	// ignored.
	strict := cbor.DecOptions{
		DupMapKey:         cbor.DupMapKeyEnforcedAPF,
		MaxNestedLevels:   16,
		MaxArrayElements:  200_000,
		MaxMapPairs:       10_000,
		IndefLength:       cbor.IndefLengthForbidden,
		TagsMd:            cbor.TagsForbidden,
		ExtraReturnErrors: cbor.ExtraDecErrorUnknownField,
		UTF8:              cbor.UTF8RejectInvalid,
	}
	if decMode, err = strict.DecMode(); err != nil {
		panic(err)
	}
	loose := strict
	loose.ExtraReturnErrors = cbor.ExtraDecErrorNone
	looseMode, err = loose.DecMode()
	if err != nil {
		panic(err)
	}
}

// UnmarshalLoose decodes like Unmarshal but ignores fields v does not have:
// for reading one known field out of a value already decoded strictly
// elsewhere.
func UnmarshalLoose(data []byte, v any) error {
	if len(data) > MaxMessage {
		return ErrTooLarge
	}
	return looseMode.Unmarshal(data, v)
}

// Marshal encodes v deterministically: the same value always gives the same
// bytes, so they can be signed and compared.
func Marshal(v any) ([]byte, error) {
	b, err := encMode.Marshal(v)
	if err != nil {
		return nil, fmt.Errorf("codec: encode %T: %w", v, err)
	}
	return b, nil
}

// Unmarshal decodes data into v strictly. Trailing bytes, duplicate keys,
// unknown fields, invalid UTF-8 and oversized input are errors.
func Unmarshal(data []byte, v any) error {
	if len(data) > MaxMessage {
		return ErrTooLarge
	}
	if err := decMode.Unmarshal(data, v); err != nil {
		return fmt.Errorf("codec: decode %T: %w", v, err)
	}
	return nil
}

// RawMessage is an encoded CBOR value kept as bytes, for envelopes whose body
// is decoded once its kind and signature are known.
type RawMessage = cbor.RawMessage
