package core

import (
	"errors"
	"fmt"
	"unicode/utf8"

	"github.com/ecabinet/ecabinet/store"
)

// A refused operation never reaches the log, but its verdict is kept so
// that pushing it again gets the same answer (pushing is idempotent). A
// device can sign as many refused operations as it likes, so keeping every
// verdict would let one enrolled device fill the hub's disk: the hub keeps
// the verdicts of a device's last MaxKeptRefusals refusals, a count of all
// of them, and the highest sequence number whose verdict it let go. A
// sequence at or below that mark with no verdict kept was refused and
// forgotten (devices push in order, and accepted verdicts are always kept),
// so it is refused again without being judged a second time.

// MaxKeptRefusals is how many refused verdicts the hub keeps per device.
const MaxKeptRefusals = 256

// maxReason bounds the reason stored with a refusal: errors can quote the
// operation, whose size the device chose.
const maxReason = 256

// refusalLog is the hub's record of one device's refusals
// (refusals/<device>).
type refusalLog struct {
	Count  uint64   `cbor:"1,keyasint"`
	Recent []uint64 `cbor:"2,keyasint,omitempty"` // kept verdicts' sequences, oldest first
	Forgot uint64   `cbor:"3,keyasint,omitempty"` // highest sequence whose verdict was dropped
}

func refusalKey(device string) []byte { return store.Key(store.PrefixRefusals, device) }

func pushedKeyOf(device string, seq uint64) []byte {
	return store.Key(store.PrefixPushed, device, fmt.Sprint(seq))
}

func readRefusals(tx *txn, device string) (refusalLog, error) {
	var rl refusalLog
	if err := tx.Get(refusalKey(device), &rl); err != nil && !errors.Is(err, store.ErrNotFound) {
		return rl, err
	}
	return rl, nil
}

// keepRefusal stores the verdict v of a refused operation, dropping the
// device's oldest kept refusal beyond MaxKeptRefusals.
func keepRefusal(tx *txn, pushedKey []byte, device string, v *Verdict) error {
	v.Reason = truncateUTF8(v.Reason, maxReason)
	rl, err := readRefusals(tx, device)
	if err != nil {
		return err
	}
	rl.Count++
	rl.Recent = append(rl.Recent, v.DevSeq)
	for len(rl.Recent) > MaxKeptRefusals {
		old := rl.Recent[0]
		rl.Recent = rl.Recent[1:]
		rl.Forgot = max(rl.Forgot, old)
		if err := tx.Delete(pushedKeyOf(device, old)); err != nil {
			return err
		}
	}
	if err := tx.Put(refusalKey(device), rl); err != nil {
		return err
	}
	return tx.Put(pushedKey, *v)
}

// forgottenRefusal answers an operation whose refusal was let go.
func forgottenRefusal(tx *txn, device string, seq uint64) (Verdict, bool, error) {
	rl, err := readRefusals(tx, device)
	if err != nil || rl.Forgot == 0 || seq > rl.Forgot {
		return Verdict{}, false, err
	}
	return Verdict{DevSeq: seq, Code: "err.sync.refused", Reason: "refused earlier; the hub no longer keeps the details"}, true, nil
}

// Refusals returns how many operations the hub refused from a device in
// all, and how many of their verdicts it keeps.
func (p *Profile) Refusals(device string) (total uint64, kept int, err error) {
	err = p.st.View(func(tx *store.Tx) error {
		rl, err := readRefusals(cachedTxn(tx), device)
		total, kept = rl.Count, len(rl.Recent)
		return err
	})
	return total, kept, err
}

func truncateUTF8(s string, n int) string {
	if len(s) <= n {
		return s
	}
	s = s[:n]
	for len(s) > 0 && !utf8.ValidString(s) {
		s = s[:len(s)-1]
	}
	return s + "…"
}
