package core

import (
	"crypto/ed25519"
	"errors"
	"fmt"

	"github.com/ecabinet/ecabinet/ops"
	"github.com/ecabinet/ecabinet/store"
)

// RemoteResult says what applying a batch of operations from elsewhere did.
type RemoteResult struct {
	Applied  int     // new operations applied
	Already  int     // operations this replica already had
	Rejected []error // operations refused, with the reason
}

// ApplyRemote applies signed operations made on other devices (pulled from
// the hub, or imported), in order, in one transaction: either the whole
// page is applied, or nothing is. Each operation's signature is checked
// against the key of the device that made it, as enrolled in this replica
// (possibly earlier in the same page). Operations the rules refuse are
// reported, not applied.
func (p *Profile) ApplyRemote(page [][]byte) (RemoteResult, error) {
	p.mu.Lock()
	defer p.mu.Unlock()
	var res RemoteResult
	var afters []func()
	var events []Event
	err := p.st.Update(func(tx *store.Tx) error {
		t := cachedTxn(tx)
		for _, raw := range page {
			s, op, err := ops.Decode(raw)
			if err != nil {
				res.Rejected = append(res.Rejected, err)
				continue
			}
			pub, err := t.GetRaw(store.Key(store.PrefixDevice, op.Device))
			if err != nil {
				if errors.Is(err, store.ErrNotFound) {
					res.Rejected = append(res.Rejected, fmt.Errorf("op %s: unknown device: %w", op.ID(), ErrBadSignature))
					continue
				}
				return err
			}
			if err := s.Verify(ed25519.PublicKey(pub), op); err != nil {
				res.Rejected = append(res.Rejected, fmt.Errorf("op %s: %w", op.ID(), errors.Join(ErrBadSignature, err)))
				continue
			}
			r, err := p.apply(t, op, raw, source{})
			if err != nil {
				res.Rejected = append(res.Rejected, fmt.Errorf("op %s: %w", op.ID(), err))
				continue
			}
			if !r.fresh {
				res.Already++
				continue
			}
			res.Applied++
			afters = append(afters, r.after)
			events = append(events, r.events...)
		}
		return nil
	})
	if err != nil {
		return RemoteResult{}, err
	}
	p.commitModel(afters, events)
	return res, nil
}

// commitModel runs the model updates of committed operations and tells
// subscribers, once per changed record.
func (p *Profile) commitModel(afters []func(), events []Event) {
	p.modelMu.Lock()
	for _, f := range afters {
		if f != nil {
			f()
		}
	}
	p.modelMu.Unlock()
	seen := map[Event]bool{}
	for _, e := range events {
		if !seen[e] {
			seen[e] = true
			p.events.publish(e)
		}
	}
}
