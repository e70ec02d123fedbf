package core

import (
	"crypto/ed25519"
	"encoding/binary"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/ecabinet/ecabinet/ballots"
	"github.com/ecabinet/ecabinet/codec"
	"github.com/ecabinet/ecabinet/identity"
	"github.com/ecabinet/ecabinet/meetings"
	"github.com/ecabinet/ecabinet/ops"
	"github.com/ecabinet/ecabinet/store"
)

// The device side of sync: the outbox of local operations waiting for the
// hub, the verdicts the hub gives them, and the hub's log applied in hub
// order with a checkpoint. The network part lives in package replica.

const metaCheckpoint = "checkpoint"

// Op states a person sees for a change they made.
const (
	StateSaved    = "saved"    // saved on this computer, waiting for the hub
	StateSent     = "sent"     // sent to the hub, no answer yet
	StateAccepted = "accepted" // the hub accepted it and gave it a place in the log
	StateRejected = "rejected" // the hub refused it; Code says why
)

// OpState is what happened to one local operation.
type OpState struct {
	DevSeq uint64   `cbor:"1,keyasint" json:"dev_seq"`
	Kind   ops.Kind `cbor:"2,keyasint" json:"kind"`
	State  string   `cbor:"3,keyasint" json:"state"`
	HubSeq uint64   `cbor:"4,keyasint,omitempty" json:"hub_seq,omitempty"`
	// Receipt is the hub's signature over a Receipt of this op (verified
	// when it arrived); HubAt is when the hub accepted it.
	Receipt []byte    `cbor:"9,keyasint,omitempty" json:"receipt,omitempty"`
	HubAt   time.Time `cbor:"10,keyasint,omitempty" json:"hub_at,omitzero"`
	Code    string    `cbor:"5,keyasint,omitempty" json:"code,omitempty"`
	Reason  string    `cbor:"6,keyasint,omitempty" json:"reason,omitempty"`
	// Subject names what the op was about (a ballot ID for an answer).
	Subject string    `cbor:"7,keyasint,omitempty" json:"subject,omitempty"`
	At      time.Time `cbor:"8,keyasint,omitempty" json:"at,omitzero"`
}

// HubTrust is what a device learns about its hub at enrollment.
type HubTrust struct {
	Device string // the hub's device ID
	Pub    []byte // the hub's signing key
}

// CreateEnrolled makes the profile of a device that has just enrolled with
// a hub: its key pair dev, the member the invite was for, and the hub whose
// operations it trusts to introduce members and devices.
func CreateEnrolled(dir string, pass []byte, dev *identity.Device, self meetings.Member, hub HubTrust) (*Profile, error) {
	if identity.IDOf(hub.Pub) != hub.Device {
		return nil, fmt.Errorf("hub key does not match hub device %s", hub.Device)
	}
	if err := self.Validate(); err != nil {
		return nil, err
	}
	p, err := create(dir, pass, dev, self, func(tx *store.Tx) error {
		if err := tx.PutMeta(metaHubDevice, hub.Device); err != nil {
			return err
		}
		return tx.PutRaw(store.Key(store.PrefixDevice, hub.Device), hub.Pub)
	})
	if err != nil {
		return nil, err
	}
	p.m.devices[hub.Device] = ed25519.PublicKey(hub.Pub)
	return p, nil
}

// Enrolled reports whether this profile syncs with a hub.
func (p *Profile) Enrolled() bool {
	p.enrolledOnce.Do(func() {
		var hubDev string
		err := p.st.View(func(tx *store.Tx) error { return tx.GetMeta(metaHubDevice, &hubDev) })
		p.enrolled = err == nil && hubDev != ""
	})
	return p.enrolled
}

// OutboxItem is one local operation waiting for the hub.
type OutboxItem struct {
	DevSeq uint64
	Op     []byte
}

// Outbox returns up to limit operations waiting for the hub, oldest first.
func (p *Profile) Outbox(limit int) ([]OutboxItem, error) {
	var out []OutboxItem
	err := p.st.View(func(tx *store.Tx) error {
		prefix := []byte(store.PrefixOutbox + "/")
		return tx.EachFrom(prefix, prefix, func(k, _ []byte) (bool, error) {
			seq := binary.BigEndian.Uint64(k[len(prefix):])
			raw, err := tx.GetRaw(p.ownOpKey(seq))
			if err != nil {
				return false, err
			}
			out = append(out, OutboxItem{DevSeq: seq, Op: raw})
			return len(out) < limit, nil
		})
	})
	return out, err
}

// Pending counts the operations waiting for the hub.
func (p *Profile) Pending() int {
	n := 0
	_ = p.st.View(func(tx *store.Tx) error {
		return tx.Each([]byte(store.PrefixOutbox+"/"), func(_, _ []byte) error { n++; return nil })
	})
	return n
}

// MarkSent records that operations were sent and await the hub's verdict.
func (p *Profile) MarkSent(items []OutboxItem) error {
	return p.st.Update(func(stx *store.Tx) error {
		tx := plainTxn(stx)
		for _, it := range items {
			st, err := p.opStateIn(tx, it.DevSeq)
			if err != nil {
				return err
			}
			if st.State == StateSaved {
				st.State = StateSent
				if err := tx.Put(store.SeqKey(store.PrefixOpState, it.DevSeq), st); err != nil {
					return err
				}
			}
		}
		return nil
	})
}

// opStateIn reads the state of a local op (saved if the hub has not said).
func (p *Profile) opStateIn(tx *txn, devSeq uint64) (OpState, error) {
	var st OpState
	err := tx.Get(store.SeqKey(store.PrefixOpState, devSeq), &st)
	if err == nil {
		return st, nil
	}
	if !errors.Is(err, store.ErrNotFound) {
		return st, err
	}
	_, op, err := p.ownOp(tx, devSeq)
	if err != nil {
		return st, err
	}
	st = OpState{DevSeq: devSeq, Kind: op.Kind, State: StateSaved, At: op.At}
	if op.Kind == ops.KindBallotAnswer {
		var b ops.BallotAnswer
		if op.DecodeBody(&b) == nil {
			st.Subject = b.Answer.BallotID
		}
	}
	return st, nil
}

// ownOpKey is where this device's own operation devSeq rests.
func (p *Profile) ownOpKey(devSeq uint64) []byte {
	return store.Key(store.PrefixOp, p.dev.ID, fmt.Sprint(devSeq))
}

// ownOp reads one of this device's own operations: the signed bytes as
// made, and the operation decoded from them.
func (p *Profile) ownOp(tx interface{ GetRaw([]byte) ([]byte, error) }, devSeq uint64) ([]byte, ops.Op, error) {
	raw, err := tx.GetRaw(p.ownOpKey(devSeq))
	if err != nil {
		return nil, ops.Op{}, err
	}
	_, op, err := ops.Decode(raw)
	return raw, op, err
}

// OpState tells what happened to a local operation.
func (p *Profile) OpState(devSeq uint64) (OpState, error) {
	var st OpState
	err := p.st.View(func(tx *store.Tx) error {
		var err error
		st, err = p.opStateIn(plainTxn(tx), devSeq)
		return err
	})
	return st, err
}

// Rejections lists the local operations the hub refused, newest first.
func (p *Profile) Rejections() ([]OpState, error) {
	var out []OpState
	err := p.st.View(func(tx *store.Tx) error {
		return tx.Each([]byte(store.PrefixOpState+"/"), func(_, v []byte) error {
			var st OpState
			if err := codec.Unmarshal(v, &st); err != nil {
				return err
			}
			if st.State == StateRejected {
				out = append([]OpState{st}, out...)
			}
			return nil
		})
	})
	return out, err
}

// RecordVerdicts stores what the hub said of pushed operations. An accepted
// one leaves the outbox; a refused one leaves it too, and its effect is
// undone here: a refused answer is removed, a refused edit is replaced by
// the hub's copy that came with the refusal.
func (p *Profile) RecordVerdicts(vs []Verdict) error {
	p.mu.Lock()
	defer p.mu.Unlock()
	var afters []func()
	var events []Event
	err := p.st.Update(func(stx *store.Tx) error {
		tx := plainTxn(stx)
		for _, v := range vs {
			if v.DevSeq == 0 {
				continue
			}
			st, err := p.opStateIn(tx, v.DevSeq)
			if err != nil {
				return err
			}
			if err := tx.Delete(store.SeqKey(store.PrefixOutbox, v.DevSeq)); err != nil {
				return err
			}
			if v.Accepted() {
				if err := p.checkReceipt(tx, v); err != nil {
					return err
				}
				st.State, st.HubSeq, st.Receipt, st.HubAt = StateAccepted, v.HubSeq, v.Receipt, v.At
				after, err := p.confirmAnswer(tx, v.DevSeq, v.HubSeq, v.At)
				if err != nil {
					return err
				}
				afters = append(afters, after)
			} else {
				st.State, st.Code, st.Reason = StateRejected, v.Code, v.Reason
				after, evs, err := p.undoRefused(tx, v)
				if err != nil {
					return err
				}
				afters = append(afters, after)
				events = append(events, evs...)
				events = append(events, Event{Topic: TopicSync, ID: fmt.Sprint(v.DevSeq)})
			}
			if err := tx.Put(store.SeqKey(store.PrefixOpState, v.DevSeq), st); err != nil {
				return err
			}
			if st.Kind == ops.KindBallotAnswer {
				events = append(events, Event{Topic: TopicAnswers, ID: st.Subject})
			}
			if st.Kind == ops.KindPaperAdd || st.Kind == ops.KindPaperVersion {
				// Its "not on the hub yet" ends (PaperView.Unsent).
				events = append(events, Event{Topic: TopicPapers})
			}
		}
		return nil
	})
	if err != nil {
		return err
	}
	p.commitModel(afters, events)
	return nil
}

// confirmAnswer gives a local answer its hub position, which decides which
// of a member's answers counts.
func (p *Profile) confirmAnswer(tx *txn, devSeq, hubSeq uint64, at time.Time) (func(), error) {
	_, op, err := p.ownOp(tx, devSeq)
	if err != nil || op.Kind != ops.KindBallotAnswer {
		return nil, err
	}
	var b ops.BallotAnswer
	if err := op.DecodeBody(&b); err != nil {
		return nil, err
	}
	key := store.Key(store.PrefixAnswer, b.Answer.BallotID, b.Answer.ID)
	var sa storedAnswer
	if err := tx.Get(key, &sa); err != nil {
		return nil, err
	}
	sa.HubSeq, sa.HubAt = hubSeq, at
	if err := tx.Put(key, sa); err != nil {
		return nil, err
	}
	// The member's own counting answer shows the hub's confirmation too.
	mineKey := store.Key(store.PrefixMine, b.Answer.BallotID)
	var mine ballots.Answer
	if err := tx.Get(mineKey, &mine); err != nil || mine.ID != b.Answer.ID {
		return nil, nil
	}
	mine.Seq, mine.ReceivedAt = hubSeq, at
	if err := tx.Put(mineKey, mine); err != nil {
		return nil, err
	}
	return func() { p.m.mine[mine.BallotID] = mine }, nil
}

// undoRefused takes back the local effect of an operation the hub refused.
func (p *Profile) undoRefused(tx *txn, v Verdict) (func(), []Event, error) {
	_, op, err := p.ownOp(tx, v.DevSeq)
	if err != nil {
		return nil, nil, err
	}
	if op.Kind == ops.KindBallotAnswer {
		var b ops.BallotAnswer
		if err := op.DecodeBody(&b); err != nil {
			return nil, nil, err
		}
		if err := tx.Delete(store.Key(store.PrefixAnswer, b.Answer.BallotID, b.Answer.ID)); err != nil {
			return nil, nil, err
		}
		after, err := p.refreshMine(tx, b.Answer.BallotID)
		return after, []Event{{TopicAnswers, b.Answer.BallotID}}, err
	}
	if v.Snapshot != nil {
		return p.applySnapshotIn(tx, *v.Snapshot)
	}
	return nil, nil, nil
}

// refreshMine recomputes the member's counting answer to a ballot after an
// answer was withdrawn.
func (p *Profile) refreshMine(tx *txn, ballotID string) (func(), error) {
	var answers []ballots.Answer
	err := tx.Each(store.Key(store.PrefixAnswer, ballotID, ""), func(_, val []byte) error {
		a, err := p.verifyAnswerTx(tx.Tx, val)
		if err == nil && a.MemberID == p.m.selfID {
			answers = append(answers, a)
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	mineKey := store.Key(store.PrefixMine, ballotID)
	eff, ok := ballots.Effective(answers)[p.m.selfID]
	if !ok {
		return func() { delete(p.m.mine, ballotID) }, tx.Delete(mineKey)
	}
	return func() { p.m.mine[ballotID] = eff }, tx.Put(mineKey, eff)
}

// Checkpoint is the hub position this replica has applied up to.
func (p *Profile) Checkpoint() uint64 {
	var cp uint64
	_ = p.st.View(func(tx *store.Tx) error { return tx.GetMeta(metaCheckpoint, &cp) })
	return cp
}

// pulledChunkBytes keeps one transaction of a pulled page well inside
// Badger's limit on a transaction (a fraction of the memtable).
const pulledChunkBytes = 256 << 10

// ApplyPulled applies a page of the hub's log in hub order and moves the
// checkpoint to next. The page is applied in chunks, each in one
// transaction together with the checkpoint it reaches, so that an
// interruption anywhere leaves a consistent replica that resumes where it
// stopped. The device's own operations come back confirmed; others are
// applied as the hub ordered them (no revision check: the hub did it). One
// that does not apply here, because this copy diverged while offline, marks
// its record for a fresh copy from the hub.
func (p *Profile) ApplyPulled(page []Pulled, next uint64) (RemoteResult, error) {
	res, err := p.ApplyChecked(p.NewPullVerifier().Check(page, next))
	if err != nil {
		return res, err
	}
	return res, p.FlushPulled()
}

// pulledFlushBytes is how much of the hub's log may be applied without a
// flush to disk. What a crash loses of it is fetched again, checkpoint
// included; flushing every transaction made a year's first sync pay for a
// hundred flushes.
const pulledFlushBytes = 8 << 20

// FlushPulled makes every page applied so far durable. The sync client
// calls it when a pull ends; ApplyPulled does it itself.
func (p *Profile) FlushPulled() error {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.flushPulledLocked()
}

// flushPulledLocked is FlushPulled with p.mu held. A local change calls it
// before its journal record: restored from the journal after a crash, the
// change must not land on a replica that lost pulled operations it was
// made from (a ballot the member answered, say).
func (p *Profile) flushPulledLocked() error {
	if p.unflushed == 0 {
		return nil
	}
	if err := p.st.Sync(); err != nil {
		return err
	}
	p.unflushed = 0
	return nil
}

// ApplyChecked is ApplyPulled for a page whose signatures a PullVerifier
// checked ahead. Its transactions may not be flushed to disk yet when it
// returns: call FlushPulled when the pull ends.
func (p *Profile) ApplyChecked(pg *CheckedPage) (RemoteResult, error) {
	page, pre, next := pg.entries, pg.pre, pg.next
	var total RemoteResult
	for len(page) > 0 {
		n, size := 0, 0
		for n < len(page) && (n == 0 || size+len(page[n].Op) <= pulledChunkBytes) {
			size += len(page[n].Op)
			n++
		}
		cp := next
		if n < len(page) {
			cp = page[n-1].HubSeq
		}
		res, err := p.applyPulledChunk(page[:n], pre[:n], cp, size)
		total.Applied += res.Applied
		total.Already += res.Already
		total.Rejected = append(total.Rejected, res.Rejected...)
		if err != nil {
			return total, err
		}
		page, pre = page[n:], pre[n:]
	}
	if len(page) == 0 && total.Applied+total.Already+len(total.Rejected) == 0 {
		// An empty page still moves the checkpoint past invisible entries.
		return p.applyPulledChunk(nil, nil, next, 0)
	}
	return total, nil
}

// applyPulledChunk applies part of a page, size bytes of ops, in one
// transaction with the checkpoint next. The transaction is flushed to disk
// with others (see pulledFlushBytes).
func (p *Profile) applyPulledChunk(page []Pulled, pre []verified, next uint64, size int) (RemoteResult, error) {
	p.mu.Lock()
	defer p.mu.Unlock()
	var res RemoteResult
	var afters []func()
	var events []Event
	err := p.st.UpdateUnsynced(func(stx *store.Tx) error {
		tx := cachedTxn(stx)
		for i, e := range page {
			s, op, err := pre[i].decoded(e.Op)
			if err != nil {
				res.Rejected = append(res.Rejected, err)
				continue
			}
			pub, err := tx.GetRaw(store.Key(store.PrefixDevice, op.Device))
			if err != nil {
				res.Rejected = append(res.Rejected, fmt.Errorf("op %s: unknown device: %w", op.ID(), ErrBadSignature))
				continue
			}
			if err := pre[i].check(s, op, pub); err != nil {
				res.Rejected = append(res.Rejected, fmt.Errorf("op %s: %w", op.ID(), errors.Join(ErrBadSignature, err)))
				continue
			}
			// The audit chain follows the hub's order, whatever this copy
			// does with the op.
			if err := appendAuditOp(tx, e.HubSeq, e.Op, op, e.At); err != nil {
				return err
			}
			if op.Device == p.dev.ID {
				// Ours, confirmed (perhaps the push's answer was lost).
				v := Verdict{DevSeq: op.DevSeq, HubSeq: e.HubSeq, At: e.At}
				after, err := p.confirmOwn(tx, v)
				if err != nil {
					return err
				}
				afters = append(afters, after)
				res.Already++
				continue
			}
			if missing, err := recordMissing(tx, op); err != nil {
				return err
			} else if missing {
				// Not in this member's audience, or not yet: a reveal
				// brings the record when it is (reveal.go).
				res.Already++
				continue
			}
			entity := entityOf(op)
			if entity != "" {
				var at uint64
				if err := tx.Get(store.Key(store.PrefixHubSeq, entity), &at); err == nil && at >= e.HubSeq {
					res.Already++ // a snapshot already holds it
					continue
				}
			}
			r, err := p.apply(tx, op, e.Op, source{hubSeq: e.HubSeq, hubAt: e.At, ordered: true})
			if err != nil {
				res.Rejected = append(res.Rejected, fmt.Errorf("op %s: %w", op.ID(), err))
				if entity != "" {
					if err := tx.PutRaw(store.Key(store.PrefixNeedSnap, entity), nil); err != nil {
						return err
					}
				}
				continue
			}
			if entity != "" {
				if err := tx.Put(store.Key(store.PrefixHubSeq, entity), e.HubSeq); err != nil {
					return err
				}
			}
			if !r.fresh {
				res.Already++
				continue
			}
			res.Applied++
			afters = append(afters, r.after)
			events = append(events, r.events...)
		}
		return tx.PutMeta(metaCheckpoint, next)
	})
	if err != nil {
		return RemoteResult{}, err
	}
	p.unflushed += max(size, 1) // a moved checkpoint alone is unflushed too
	if p.unflushed >= pulledFlushBytes {
		if err := p.flushPulledLocked(); err != nil {
			return RemoteResult{}, err
		}
	}
	if res.Applied > 0 || len(res.Rejected) > 0 {
		events = append(events, Event{Topic: TopicSync})
	}
	p.commitModel(afters, events)
	return res, nil
}

// recordMissing reports whether op acts on a meeting or a ballot this
// replica does not hold (and does not make it).
func recordMissing(tx *txn, op ops.Op) (bool, error) {
	if owner, err := paperOpOwner(tx, op); err != nil || owner != "" {
		// A paper's op waits for its meeting or ballot (a reveal brings
		// both); one of a paper this replica never received is passed
		// over too.
		if err != nil {
			return false, err
		}
		has, err := tx.Has([]byte(owner))
		return !has, err
	}
	if isPaperKind(op.Kind) {
		return true, nil // a paper this replica does not hold
	}
	spec, rec, ok := ops.RecordOf(op)
	if !ok || spec.Creates || !ownAudience(rec.Type) {
		return false, nil
	}
	has, err := tx.Has([]byte(entityKey(rec)))
	return !has, err
}

// checkReceipt verifies the hub's signed receipt of an accepted op.
func (p *Profile) checkReceipt(tx *txn, v Verdict) error {
	raw, op, err := p.ownOp(tx, v.DevSeq)
	if err != nil {
		return err
	}
	var hubDev string
	if err := tx.GetMeta(metaHubDevice, &hubDev); err != nil {
		return fmt.Errorf("no hub to check a receipt against: %w", err)
	}
	pub, err := tx.GetRaw(store.Key(store.PrefixDevice, hubDev))
	if err != nil {
		return err
	}
	rb, err := receiptBytes(op, raw, v.HubSeq, v.At)
	if err != nil {
		return err
	}
	if err := identity.Verify(pub, rb, v.Receipt); err != nil {
		return fmt.Errorf("the hub's receipt for change %d does not verify: %w", v.DevSeq, err)
	}
	return nil
}

// confirmOwn marks a local op accepted when the hub's log shows it.
func (p *Profile) confirmOwn(tx *txn, v Verdict) (func(), error) {
	st, err := p.opStateIn(tx, v.DevSeq)
	if err != nil {
		return nil, err
	}
	if st.State == StateAccepted {
		return nil, nil
	}
	if err := tx.Delete(store.SeqKey(store.PrefixOutbox, v.DevSeq)); err != nil {
		return nil, err
	}
	st.State, st.HubSeq, st.HubAt = StateAccepted, v.HubSeq, v.At
	after, err := p.confirmAnswer(tx, v.DevSeq, v.HubSeq, v.At)
	if err != nil {
		return nil, err
	}
	return after, tx.Put(store.SeqKey(store.PrefixOpState, v.DevSeq), st)
}

// NeedSnapshots lists records whose local copy diverged from the hub's.
func (p *Profile) NeedSnapshots() ([]string, error) {
	var out []string
	err := p.st.View(func(tx *store.Tx) error {
		return tx.Each([]byte(store.PrefixNeedSnap+"/"), func(k, _ []byte) error {
			out = append(out, strings.TrimPrefix(string(k), store.PrefixNeedSnap+"/"))
			return nil
		})
	})
	return out, err
}

// ApplySnapshot replaces a record with the hub's copy.
func (p *Profile) ApplySnapshot(s Snapshot) error {
	p.mu.Lock()
	defer p.mu.Unlock()
	var after func()
	var events []Event
	err := p.st.Update(func(tx *store.Tx) error {
		var err error
		after, events, err = p.applySnapshotIn(plainTxn(tx), s)
		if err != nil {
			return err
		}
		return tx.Delete(store.Key(store.PrefixNeedSnap, s.Entity))
	})
	if err != nil {
		return err
	}
	p.commitModel([]func(){after}, events)
	return nil
}

func (p *Profile) applySnapshotIn(tx *txn, s Snapshot) (func(), []Event, error) {
	if !snapshotable(s.Entity) {
		return nil, nil, fmt.Errorf("%w: snapshot of %q", ops.ErrMalformed, s.Entity)
	}
	kind, id, _ := strings.Cut(s.Entity, "/")
	if s.Value == nil {
		// Gone, or not this member's to see (the hub answers alike): what
		// hangs from it goes too.
		d, err := p.dropRecord(tx, s.Entity)
		if err != nil {
			return nil, nil, err
		}
		return d.after, d.events, nil
	} else if err := tx.PutRaw([]byte(s.Entity), s.Value); err != nil {
		return nil, nil, err
	}
	if err := tx.Put(store.Key(store.PrefixHubSeq, s.Entity), s.HubSeq); err != nil {
		return nil, nil, err
	}
	var after func()
	var topic Topic
	switch kind {
	case store.PrefixMember:
		var m meetings.Member
		if s.Value != nil && codec.Unmarshal(s.Value, &m) != nil {
			return nil, nil, ops.ErrMalformed
		}
		after, topic = func() {
			if s.Value == nil {
				delete(p.m.members, id)
			} else {
				p.m.members[id] = m
			}
		}, TopicMembers
	case store.PrefixMeeting:
		var m meetings.Meeting
		if s.Value != nil && codec.Unmarshal(s.Value, &m) != nil {
			return nil, nil, ops.ErrMalformed
		}
		after, topic = func() {
			if s.Value == nil {
				delete(p.m.meetings, id)
			} else {
				p.m.meetings[id] = m
			}
		}, TopicMeetings
	case store.PrefixBallot:
		var b ballots.Ballot
		if s.Value != nil && codec.Unmarshal(s.Value, &b) != nil {
			return nil, nil, ops.ErrMalformed
		}
		after, topic = func() {
			if s.Value == nil {
				delete(p.m.ballots, id)
			} else {
				p.m.ballots[id] = b
			}
		}, TopicBallots
	case store.PrefixBody:
		var b meetings.Body
		if s.Value != nil && codec.Unmarshal(s.Value, &b) != nil {
			return nil, nil, ops.ErrMalformed
		}
		after, topic = func() {
			if s.Value == nil {
				delete(p.m.bodies, id)
			} else {
				p.m.bodies[id] = b
			}
		}, TopicBodies
	}
	return after, []Event{{topic, id}}, nil
}
