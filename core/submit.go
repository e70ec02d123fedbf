package core

import (
	"errors"
	"fmt"
	"strings"

	"github.com/ecabinet/ecabinet/codec"
	"github.com/ecabinet/ecabinet/ops"
	"github.com/ecabinet/ecabinet/store"
)

// submit makes one local change: sign an op of the given kind and body,
// apply it in a transaction with the domain rules, and commit it with its
// journal record. It returns once the change is durable; then the model is
// updated and subscribers are told.
func (p *Profile) submit(kind ops.Kind, body any, base uint64) (ops.Op, error) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.hub {
		if err := p.writable(); err != nil {
			return ops.Op{}, err
		}
		if p.shared != nil {
			return p.submitShared(kind, func(*txn) (any, error) { return body, nil }, base)
		}
	}
	raw, err := codec.Marshal(body)
	if err != nil {
		return ops.Op{}, err
	}
	op := ops.Op{
		Kind:   kind,
		Device: p.dev.ID,
		DevSeq: p.nextSeq,
		Member: p.selfIDForOp(kind, body),
		At:     p.now().UTC(),
		Base:   base,
		Body:   raw,
	}
	if base == autoBase {
		op.Base = p.currentRev(entityOf(op))
	}
	signed, err := ops.Sign(p.dev, op)
	if err != nil {
		return ops.Op{}, err
	}
	rec, err := signed.Encode()
	if err != nil {
		return ops.Op{}, err
	}
	if err := p.flushPulledLocked(); err != nil {
		return ops.Op{}, fmt.Errorf("save: %w", err)
	}
	var res applied
	applyFailed := false
	err = p.st.CommitJournaled(op.DevSeq, rec, func(tx *store.Tx) error {
		t := plainTxn(tx)
		// What an edit started from, read before it applies: a merge
		// needs it to tell the fields the secretary changed (changes.go).
		started := p.editBaseIn(t, op)
		var aerr error
		res, aerr = p.apply(t, op, rec, source{})
		applyFailed = aerr != nil
		if aerr != nil {
			return aerr
		}
		return p.keepEditBase(t, op, started)
	})
	if applyFailed {
		return ops.Op{}, err // refused by the rules: nothing was written
	}
	// Past the rules, the number is spent whatever happened: the journal or
	// the database may hold it.
	p.nextSeq++
	if err != nil {
		return ops.Op{}, fmt.Errorf("save: %w", err)
	}
	p.modelMu.Lock()
	if res.after != nil {
		res.after()
	}
	p.modelMu.Unlock()
	for _, e := range res.events {
		p.events.publish(e)
	}
	if p.hub {
		// The hub's own membership change: the reveals it owes beyond its
		// transaction (reveal.go). The change itself is saved; what fails
		// here stays written down and is made at the next change or open.
		if err := p.hubRevealPending(); err != nil {
			return op, fmt.Errorf("reveal to members who joined: %w", err)
		}
	}
	return op, nil
}

// autoBase asks submit to base an edit on the revision this replica holds
// now, so that the hub refuses it if someone else changed the record first.
const autoBase = ^uint64(0)

// currentRev is the revision of a meeting or ballot in the model (0 for
// anything else, which disables the check).
func (p *Profile) currentRev(entity string) uint64 {
	kind, id, _ := strings.Cut(entity, "/")
	p.modelMu.RLock()
	defer p.modelMu.RUnlock()
	switch kind {
	case store.PrefixMeeting:
		return p.m.meetings[id].Rev
	case store.PrefixBallot:
		return p.m.ballots[id].Rev
	}
	return 0
}

// selfIDForOp is the acting member of an op: the profile's member, except
// for the very first op, which introduces that member.
func (p *Profile) selfIDForOp(kind ops.Kind, body any) string {
	if kind == ops.KindProfileInit {
		return body.(ops.ProfileInit).Member.ID
	}
	p.modelMu.RLock()
	defer p.modelMu.RUnlock()
	return p.m.selfID
}

// IsForbidden reports whether err is a permission refusal.
func IsForbidden(err error) bool { return errors.Is(err, ErrForbidden) }
