package core

import (
	"bytes"
	"crypto/sha256"
	"errors"
	"fmt"
	"time"

	"github.com/ecabinet/ecabinet/ballots"
	"github.com/ecabinet/ecabinet/identity"
	"github.com/ecabinet/ecabinet/meetings"
	"github.com/ecabinet/ecabinet/ops"
	"github.com/ecabinet/ecabinet/store"
)

// applied is what applying an op produced: a model update to run after the
// commit, the events to publish, and whether the op was new.
type applied struct {
	after  func()
	events []Event
	fresh  bool
}

// apply carries out one verified op inside tx, under the domain rules and
// the actor's permissions. It is idempotent: an op already applied is a
// no-op. Every branch checks everything before it writes anything, so a
// refused op leaves the transaction as it was and the hub can go on with
// the next op of a batch in the same transaction. The same function serves local changes, journal recovery and, with
// sync, operations from other devices, so every replica follows one set of
// rules.
// source says where an op comes from. hubSeq > 0: the op was accepted by
// the hub at that position, which makes it authoritative — an edit is not
// checked against the local revision, because the hub already ordered it.
type source struct {
	hubSeq  uint64    // the op's position in the hub's log, if known
	hubAt   time.Time // when the hub received it, if known
	ordered bool      // the hub ordered it already: do not check the base revision
	// again: the op comes with a reveal (reveal.go) and is applied even if
	// this replica applied it once, since a withdrawal removed its effect.
	again bool
}

func (p *Profile) apply(tx *txn, op ops.Op, raw []byte, src source) (applied, error) {
	opKey := store.Key(store.PrefixOp, op.Device, fmt.Sprint(op.DevSeq))
	if done, err := tx.Has(opKey); err != nil || (done && !src.again) {
		return applied{}, err
	}
	// The hub's own operations (enrollments, members for invites, results)
	// take the next place in its log as they are applied.
	hubOwn := p.hub && op.Device == p.dev.ID && src.hubSeq == 0
	var was audienceBefore
	if hubOwn {
		var err error
		if was, err = p.audienceBefore(tx, op); err != nil {
			return applied{}, err
		}
		var head uint64
		if err := tx.GetMeta(metaHubHead, &head); err != nil && !errors.Is(err, store.ErrNotFound) {
			return applied{}, err
		}
		src.hubSeq, src.hubAt = head+1, op.At
	}
	var res applied
	var err error
	if op.Kind == ops.KindProfileInit {
		res, err = p.applyInit(tx, op)
	} else {
		// The device must be enrolled for the member it claims to act as: a
		// member cannot sign as another member.
		owner, gerr := tx.GetRaw(store.Key(store.PrefixDeviceMember, op.Device))
		if gerr != nil || string(owner) != op.Member {
			return applied{}, fmt.Errorf("device %s does not act for member %s: %w", op.Device, op.Member, ErrForbidden)
		}
		var actor meetings.Member
		if err := tx.Get(store.Key(store.PrefixMember, op.Member), &actor); err != nil {
			return applied{}, fmt.Errorf("op by unknown member %s: %w", op.Member, ErrForbidden)
		}
		res, err = p.applyKind(tx, op, raw, actor, src)
	}
	if err != nil {
		return applied{}, err
	}
	// The marker keeps the op's bytes only for this device's own ops (the
	// outbox pushes them from there); other ops are kept where they belong
	// (answers) or in the hub's log, and need only be known as applied.
	marker := []byte{}
	if op.Device == p.dev.ID {
		marker = raw
	}
	if err := tx.PutRaw(opKey, marker); err != nil {
		return applied{}, err
	}
	if op.Device == p.dev.ID && op.Kind != ops.KindProfileInit && src.hubSeq == 0 && !p.hub {
		// Waiting for the hub. (A profile's own introduction stays local:
		// the hub learns a device through its enrollment.)
		if err := tx.PutRaw(store.SeqKey(store.PrefixOutbox, op.DevSeq), []byte(op.ID())); err != nil {
			return applied{}, err
		}
	}
	if hubOwn {
		if _, err := p.hubLog(tx, op, raw, op.At, was); err != nil {
			return applied{}, err
		}
	}
	res.fresh = true
	return res, nil
}

func (p *Profile) applyInit(tx *txn, op ops.Op) (applied, error) {
	var b ops.ProfileInit
	if err := op.DecodeBody(&b); err != nil {
		return applied{}, err
	}
	if identity.IDOf(b.PubKey) != op.Device || b.Member.ID != op.Member {
		return applied{}, ErrForbidden
	}
	// Only this profile's own device, or the hub it enrolled with, may
	// introduce a member and its device this way.
	if op.Device != p.dev.ID {
		var hubDev string
		if err := tx.GetMeta(metaHubDevice, &hubDev); err != nil || hubDev != op.Device {
			return applied{}, ErrForbidden
		}
	}
	if err := b.Member.Validate(); err != nil {
		return applied{}, err
	}
	if err := tx.Put(store.Key(store.PrefixMember, b.Member.ID), b.Member); err != nil {
		return applied{}, err
	}
	if err := tx.PutRaw(store.Key(store.PrefixDevice, op.Device), b.PubKey); err != nil {
		return applied{}, err
	}
	if err := tx.PutRaw(store.Key(store.PrefixDeviceMember, op.Device), []byte(b.Member.ID)); err != nil {
		return applied{}, err
	}
	return applied{
		after: func() {
			p.m.members[b.Member.ID] = b.Member
			p.m.devices[op.Device] = b.PubKey
		},
		events: []Event{{TopicMembers, b.Member.ID}},
	}, nil
}

// applyKind applies an op other than a profile's introduction: its body is
// decoded as the table of kinds says (ops/kinds.go), the actor must pass the
// kind's role rule, and the kind's handler (kinds.go) does the rest.
func (p *Profile) applyKind(tx *txn, op ops.Op, raw []byte, actor meetings.Member, src source) (applied, error) {
	spec, ok := ops.Lookup(op.Kind)
	h, known := appliers[op.Kind]
	if !ok || !known {
		return applied{}, fmt.Errorf("%w: unknown kind %q", ops.ErrMalformed, op.Kind)
	}
	body, err := spec.Decode(op)
	if err != nil {
		return applied{}, err
	}
	rec := spec.Record(op, body)
	// The role rule is the actor's role in the record's body (rules.go).
	inBody, scoped, err := recordBody(tx, op, body, rec)
	if err != nil {
		return applied{}, err
	}
	if !allows(spec.Maker, actor, inBody, scoped) {
		return applied{}, ErrForbidden
	}
	return h(p, tx, change{op: op, body: body, rec: rec, raw: raw, actor: actor, src: src, inBody: inBody})
}

func (p *Profile) applyMemberPut(tx *txn, c change) (applied, error) {
	b := c.body.(*ops.MemberPut)
	if err := b.Member.Validate(); err != nil {
		return applied{}, err
	}
	if err := tx.Put(store.Key(store.PrefixMember, b.Member.ID), b.Member); err != nil {
		return applied{}, err
	}
	m := b.Member
	return applied{
		after:  func() { p.m.members[m.ID] = m },
		events: []Event{{TopicMembers, m.ID}},
	}, nil
}

func (p *Profile) applyMeetingCreate(tx *txn, c change) (applied, error) {
	m := c.body.(*ops.MeetingCreate).Meeting
	if ok, err := tx.Has(store.Key(store.PrefixMeeting, m.ID)); err != nil || ok {
		return applied{}, errors.Join(err, meetings.NewError("err.meeting.exists", "id"))
	}
	m.Status, m.Rev = meetings.StatusDraft, 1
	if err := checkBodyExists(tx, m.Body); err != nil {
		return applied{}, err
	}
	if err := checkInBody(tx, m.Body, m.Participants); err != nil {
		return applied{}, err
	}
	return p.putMeeting(tx, m)
}

func (p *Profile) applyBallotIssue(tx *txn, c change) (applied, error) {
	bl := c.body.(*ops.BallotIssue).Ballot
	if ok, err := tx.Has(store.Key(store.PrefixBallot, bl.ID)); err != nil || ok {
		return applied{}, errors.Join(err, meetings.NewError("err.ballot.exists", "id"))
	}
	bl.Status, bl.Rev = ballots.StatusDraft, 1
	if err := bl.Validate(); err != nil {
		return applied{}, err
	}
	if err := bl.Open(); err != nil {
		return applied{}, err
	}
	if err := checkBodyExists(tx, bl.Body); err != nil {
		return applied{}, err
	}
	if bl.MeetingID != "" {
		// A ballot tied to a meeting is put to the meeting's body.
		var m meetings.Meeting
		if err := tx.Get(store.Key(store.PrefixMeeting, bl.MeetingID), &m); err == nil && meetings.BodyOf(m.Body) != meetings.BodyOf(bl.Body) {
			return applied{}, errBodyMismatch
		}
	}
	return p.putBallot(tx, bl)
}

func (p *Profile) applyDeviceEnroll(tx *txn, c change) (applied, error) {
	b := c.body.(*ops.DeviceEnroll)
	if ok, err := tx.Has(store.Key(store.PrefixMember, b.MemberID)); err != nil || !ok {
		return applied{}, errors.Join(err, ErrNotFound)
	}
	dev, pub := identity.IDOf(b.PubKey), b.PubKey
	if err := refuseKnownDevice(tx, dev, b.MemberID, p.dev.ID); err != nil {
		return applied{}, err
	}
	if err := tx.PutRaw(store.Key(store.PrefixDevice, dev), pub); err != nil {
		return applied{}, err
	}
	if err := tx.PutRaw(store.Key(store.PrefixDeviceMember, dev), []byte(b.MemberID)); err != nil {
		return applied{}, err
	}
	return applied{after: func() { p.m.devices[dev] = pub }}, nil
}

func (p *Profile) putMeeting(tx *txn, m meetings.Meeting) (applied, error) {
	if err := m.Validate(); err != nil {
		return applied{}, err
	}
	if err := tx.Put(store.Key(store.PrefixMeeting, m.ID), m); err != nil {
		return applied{}, err
	}
	return applied{
		after:  func() { p.m.meetings[m.ID] = m },
		events: []Event{{TopicMeetings, m.ID}},
	}, nil
}

// editMeeting loads the meeting the op's record names, refuses a stale
// edit, applies the change with the domain's rules and bumps the revision.
func (p *Profile) editMeeting(tx *txn, c change, edit func(m *meetings.Meeting) error) (applied, error) {
	var m meetings.Meeting
	if err := tx.Get(store.Key(store.PrefixMeeting, c.rec.ID), &m); err != nil {
		if errors.Is(err, store.ErrNotFound) {
			return applied{}, ErrNotFound
		}
		return applied{}, err
	}
	if !c.src.ordered && c.op.Base != 0 && c.op.Base != m.Rev {
		return applied{}, &StaleError{Current: m.Rev}
	}
	if err := edit(&m); err != nil {
		return applied{}, err
	}
	m.Rev++
	return p.putMeeting(tx, m)
}

func (p *Profile) putBallot(tx *txn, b ballots.Ballot) (applied, error) {
	if err := tx.Put(store.Key(store.PrefixBallot, b.ID), b); err != nil {
		return applied{}, err
	}
	return applied{
		after:  func() { p.m.ballots[b.ID] = b },
		events: []Event{{TopicBallots, b.ID}},
	}, nil
}

// editBallot is editMeeting for a ballot.
func (p *Profile) editBallot(tx *txn, c change, edit func(b *ballots.Ballot) error) (applied, error) {
	var b ballots.Ballot
	if err := tx.Get(store.Key(store.PrefixBallot, c.rec.ID), &b); err != nil {
		if errors.Is(err, store.ErrNotFound) {
			return applied{}, ErrNotFound
		}
		return applied{}, err
	}
	if !c.src.ordered && c.op.Base != 0 && c.op.Base != b.Rev {
		return applied{}, &StaleError{Current: b.Rev}
	}
	if err := edit(&b); err != nil {
		return applied{}, err
	}
	b.Rev++
	return p.putBallot(tx, b)
}

func (p *Profile) applyAnswer(tx *txn, c change) (applied, error) {
	op, raw, actor, src := c.op, c.raw, c.actor, c.src
	body := c.body.(*ops.BallotAnswer)
	a := body.Answer
	// A member answers for themself; the secretariat may record an answer
	// given on paper on a member's behalf, and it must say so.
	if a.MemberID != actor.ID {
		if !secretariatOf(actor, c.inBody) || !a.Paper || a.RecordedBy != actor.ID {
			return applied{}, ErrForbidden
		}
	}
	if len(body.Scan) > 0 {
		if err := checkScan(body.Scan); err != nil {
			return applied{}, err
		}
		if h := sha256.Sum256(body.Scan); !bytes.Equal(h[:], a.ScanSHA256) {
			return applied{}, meetings.NewError("err.answer.scan_format", "scan")
		}
	}
	var b ballots.Ballot
	if err := tx.Get(store.Key(store.PrefixBallot, a.BallotID), &b); err != nil {
		if errors.Is(err, store.ErrNotFound) {
			return applied{}, ErrNotFound
		}
		return applied{}, err
	}
	check := b
	if src.ordered {
		// The hub accepted it while the ballot was open; this copy may
		// already hold a close that is still on its way to the hub.
		check.Status = ballots.StatusOpen
	}
	if err := check.CheckAnswer(a); err != nil {
		return applied{}, err
	}
	if err := tx.Put(store.Key(store.PrefixAnswer, a.BallotID, a.ID), storedAnswer{Op: raw, HubSeq: src.hubSeq, HubAt: src.hubAt}); err != nil {
		return applied{}, err
	}
	a.Seq = answerSeq(op.DevSeq, src.hubSeq)
	mine := a.MemberID == p.m.selfID // set at open, never changed
	if mine && src.ordered {
		// Never back to an answer earlier in hub order (see supersede.go).
		later, err := laterThanMine(tx, a)
		if err != nil {
			return applied{}, err
		}
		mine = later
	}
	if mine {
		if err := tx.Put(store.Key(store.PrefixMine, a.BallotID), a); err != nil {
			return applied{}, err
		}
	}
	return applied{
		after: func() {
			if mine {
				p.m.mine[a.BallotID] = a
			}
		},
		events: []Event{{TopicAnswers, a.BallotID}},
	}, nil
}

// StaleError refuses an edit made on an old revision; Current is the
// revision the record has now, so the screen can reload and offer a merge.
type StaleError struct{ Current uint64 }

func (e *StaleError) Error() string {
	return fmt.Sprintf("edited on a stale revision (now %d)", e.Current)
}

// Is makes errors.Is(err, ErrStale) hold.
func (e *StaleError) Is(target error) bool { return target == ErrStale }
