package core

import (
	"bytes"
	"crypto/ed25519"
	"runtime"
	"sync"

	"github.com/ecabinet/ecabinet/identity"
	"github.com/ecabinet/ecabinet/ops"
	"github.com/ecabinet/ecabinet/store"
)

// verified is the outcome of checking an op's signature ahead of its
// transaction: the key it verified with, if it did.
type verified struct {
	key []byte
	// The op as decoded ahead (ok false: it did not decode).
	ok bool
	s  ops.Signed
	op ops.Op
}

// decoded returns the op decoded ahead, or decodes it now.
func (v verified) decoded(raw []byte) (ops.Signed, ops.Op, error) {
	if v.ok {
		return v.s, v.op, nil
	}
	return ops.Decode(raw)
}

// check accepts the op if it was pre-verified with exactly pub (the key the
// transaction knows for its device); otherwise it verifies now.
func (v verified) check(s ops.Signed, op ops.Op, pub []byte) error {
	if v.key != nil && bytes.Equal(v.key, pub) {
		return nil
	}
	return s.Verify(ed25519.PublicKey(pub), op)
}

// preverify checks the signatures of a page on every core at once, before
// the page's transaction applies it in order. A key is taken from the
// enrolled devices, or from an enrollment earlier in the same page; the
// transaction still compares it with the key it finds, so a wrong guess only
// costs a second verification, never a wrong acceptance.
func (p *Profile) preverify(page [][]byte) []verified {
	return p.preverifyKnown(page, map[string][]byte{})
}

// preverifyKnown is preverify with known, the keys that enrollments seen
// earlier (in pages not yet applied) introduced; it adds this page's.
func (p *Profile) preverifyKnown(page [][]byte, known map[string][]byte) []verified {
	out := make([]verified, len(page))
	type job struct {
		i   int
		s   ops.Signed
		op  ops.Op
		key []byte
	}
	_ = p.st.View(func(tx *store.Tx) error {
		t := cachedTxn(tx)
		var jobs []job
		for i, raw := range page {
			s, op, err := ops.Decode(raw)
			if err != nil {
				continue
			}
			out[i].ok, out[i].s, out[i].op = true, s, op
			key, ok := known[op.Device]
			if !ok {
				if k, err := t.GetRaw(store.Key(store.PrefixDevice, op.Device)); err == nil {
					key = k
				}
			}
			if key != nil {
				jobs = append(jobs, job{i, s, op, key})
			}
			// An enrollment (or a profile's introduction) brings the key
			// of the later ops of its device.
			if spec, ok := ops.Lookup(op.Kind); ok && spec.Enrolls {
				if body, err := spec.Decode(op); err == nil {
					if pub := spec.Record(op, body).Key; pub != nil {
						known[identity.IDOf(pub)] = pub
					}
				}
			}
		}
		workers := max(1, runtime.GOMAXPROCS(0))
		var wg sync.WaitGroup
		ch := make(chan job)
		for w := 0; w < workers; w++ {
			wg.Add(1)
			go func() {
				defer wg.Done()
				for j := range ch {
					if j.s.Verify(ed25519.PublicKey(j.key), j.op) == nil {
						out[j.i].key = j.key
					}
				}
			}()
		}
		for _, j := range jobs {
			ch <- j
		}
		close(ch)
		wg.Wait()
		return nil
	})
	return out
}

// PullVerifier checks the signatures of pulled pages ahead of ApplyChecked,
// so that a sync can verify the next page on every core while the current
// one is being written. It remembers the device keys that earlier pages
// enrolled, because those pages may not be applied yet when a later one is
// checked. A PullVerifier is used by one goroutine at a time.
type PullVerifier struct {
	p     *Profile
	known map[string][]byte
}

// NewPullVerifier starts checking a run of consecutive pulled pages.
func (p *Profile) NewPullVerifier() *PullVerifier {
	return &PullVerifier{p: p, known: map[string][]byte{}}
}

// CheckedPage is a pulled page with its signatures checked ahead. Applying
// it still compares every key with the one the store holds at that point of
// the log, so a check made against a key that is no longer valid costs a
// second verification, never a wrong acceptance.
type CheckedPage struct {
	entries []Pulled
	next    uint64
	pre     []verified
}

// Check decodes page (the entries before checkpoint next) and verifies its
// signatures on every core. It may run while ApplyChecked applies an
// earlier page.
func (v *PullVerifier) Check(page []Pulled, next uint64) *CheckedPage {
	raws := make([][]byte, len(page))
	for i, e := range page {
		raws[i] = e.Op
	}
	return &CheckedPage{entries: page, next: next, pre: v.p.preverifyKnown(raws, v.known)}
}
