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
}

func (p *Profile) apply(tx *txn, op ops.Op, raw []byte, src source) (applied, error) {
	opKey := store.Key(store.PrefixOp, op.Device, fmt.Sprint(op.DevSeq))
	if done, err := tx.Has(opKey); err != nil || done {
		return applied{}, err
	}
	// The hub's own operations (enrollments, members for invites, results)
	// take the next place in its log as they are applied.
	hubOwn := p.hub && op.Device == p.dev.ID && src.hubSeq == 0
	if hubOwn {
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
		if _, err := appendLog(tx.Tx, raw, answerMember(op), op.At); err != nil {
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

func (p *Profile) applyKind(tx *txn, op ops.Op, raw []byte, actor meetings.Member, src source) (applied, error) {
	switch op.Kind {
	case ops.KindMemberPut:
		var b ops.MemberPut
		if err := op.DecodeBody(&b); err != nil {
			return applied{}, err
		}
		if err := requireSecretary(actor); err != nil {
			return applied{}, err
		}
		if err := b.Member.Validate(); err != nil {
			return applied{}, err
		}
		if err := tx.Put(store.Key(store.PrefixMember, b.Member.ID), b.Member); err != nil {
			return applied{}, err
		}
		return applied{
			after:  func() { p.m.members[b.Member.ID] = b.Member },
			events: []Event{{TopicMembers, b.Member.ID}},
		}, nil

	case ops.KindMeetingCreate:
		var b ops.MeetingCreate
		if err := op.DecodeBody(&b); err != nil {
			return applied{}, err
		}
		if err := requireSecretary(actor); err != nil {
			return applied{}, err
		}
		m := b.Meeting
		if ok, err := tx.Has(store.Key(store.PrefixMeeting, m.ID)); err != nil || ok {
			return applied{}, errors.Join(err, meetings.NewError("err.meeting.exists", "id"))
		}
		m.Status, m.Rev = meetings.StatusDraft, 1
		return p.putMeeting(tx, m)

	case ops.KindMeetingUpdate, ops.KindMeetingStatus, ops.KindAttendance,
		ops.KindAgendaAdd, ops.KindAgendaUpdate, ops.KindAgendaRemove, ops.KindAgendaMove,
		ops.KindMeetingConclusion, ops.KindMeetingFinalise:
		if err := requireSecretary(actor); err != nil {
			return applied{}, err
		}
		return p.editMeeting(tx, op, src)

	case ops.KindBallotIssue:
		var b ops.BallotIssue
		if err := op.DecodeBody(&b); err != nil {
			return applied{}, err
		}
		if err := requireSecretary(actor); err != nil {
			return applied{}, err
		}
		bl := b.Ballot
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
		return p.putBallot(tx, bl)

	case ops.KindBallotClose, ops.KindBallotExtend:
		if err := requireSecretary(actor); err != nil {
			return applied{}, err
		}
		return p.editBallot(tx, op, src)

	case ops.KindBallotAnswer:
		return p.applyAnswer(tx, op, raw, actor, src)

	case ops.KindBallotRemind:
		if err := requireSecretary(actor); err != nil {
			return applied{}, err
		}
		return p.applyRemind(tx, op, actor.ID)

	case ops.KindBallotResult:
		return p.applyResult(tx, op, actor.ID, string(actor.Role))

	case ops.KindConsentMark:
		return p.applyConsentMark(tx, op, actor)

	case ops.KindConsentAdopt:
		if err := requireSecretary(actor); err != nil {
			return applied{}, err
		}
		return p.applyConsentAdopt(tx, op, src)

	case ops.KindDeviceEnroll:
		var b ops.DeviceEnroll
		if err := op.DecodeBody(&b); err != nil {
			return applied{}, err
		}
		if err := requireSecretary(actor); err != nil {
			return applied{}, err
		}
		if ok, err := tx.Has(store.Key(store.PrefixMember, b.MemberID)); err != nil || !ok {
			return applied{}, errors.Join(err, ErrNotFound)
		}
		dev := identity.IDOf(b.PubKey)
		if err := tx.PutRaw(store.Key(store.PrefixDevice, dev), b.PubKey); err != nil {
			return applied{}, err
		}
		if err := tx.PutRaw(store.Key(store.PrefixDeviceMember, dev), []byte(b.MemberID)); err != nil {
			return applied{}, err
		}
		return applied{after: func() { p.m.devices[dev] = b.PubKey }}, nil
	}
	return applied{}, fmt.Errorf("%w: unknown kind %q", ops.ErrMalformed, op.Kind)
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

// editMeeting loads the meeting, refuses a stale edit, applies the change
// with the domain's rules and bumps the revision.
func (p *Profile) editMeeting(tx *txn, op ops.Op, src source) (applied, error) {
	var id string
	var change func(m *meetings.Meeting) error
	switch op.Kind {
	case ops.KindMeetingUpdate:
		var b ops.MeetingUpdate
		if err := op.DecodeBody(&b); err != nil {
			return applied{}, err
		}
		id = b.MeetingID
		change = func(m *meetings.Meeting) error {
			if m.Status == meetings.StatusClosed {
				return meetings.NewError("err.meeting.closed", "")
			}
			m.Title, m.Start, m.Place = b.Title, b.Start, b.Place
			return nil
		}
	case ops.KindMeetingStatus:
		var b ops.MeetingStatus
		if err := op.DecodeBody(&b); err != nil {
			return applied{}, err
		}
		id = b.MeetingID
		change = func(m *meetings.Meeting) error { return m.Transition(b.Status) }
	case ops.KindAttendance:
		var b ops.Attendance
		if err := op.DecodeBody(&b); err != nil {
			return applied{}, err
		}
		id = b.MeetingID
		change = func(m *meetings.Meeting) error { return m.SetPresent(b.MemberID, b.Present) }
	case ops.KindAgendaAdd:
		var b ops.AgendaAdd
		if err := op.DecodeBody(&b); err != nil {
			return applied{}, err
		}
		id = b.MeetingID
		change = func(m *meetings.Meeting) error { return m.AddItem(b.Item) }
	case ops.KindAgendaUpdate:
		var b ops.AgendaUpdate
		if err := op.DecodeBody(&b); err != nil {
			return applied{}, err
		}
		id = b.MeetingID
		change = func(m *meetings.Meeting) error { return m.UpdateItem(b.Item) }
	case ops.KindAgendaRemove:
		var b ops.AgendaRemove
		if err := op.DecodeBody(&b); err != nil {
			return applied{}, err
		}
		id = b.MeetingID
		change = func(m *meetings.Meeting) error { return m.RemoveItem(b.ItemID) }
	case ops.KindAgendaMove:
		var b ops.AgendaMove
		if err := op.DecodeBody(&b); err != nil {
			return applied{}, err
		}
		id = b.MeetingID
		change = func(m *meetings.Meeting) error { return m.MoveItem(b.ItemID, b.To) }
	case ops.KindMeetingConclusion:
		var b ops.MeetingConclusion
		if err := op.DecodeBody(&b); err != nil {
			return applied{}, err
		}
		id = b.MeetingID
		change = func(m *meetings.Meeting) error { return m.SetConclusion(b.ItemID, b.Text) }
	case ops.KindMeetingFinalise:
		var b ops.MeetingFinalise
		if err := op.DecodeBody(&b); err != nil {
			return applied{}, err
		}
		id = b.MeetingID
		// The time the secretary signed is the time of the minutes, the
		// same on every replica.
		change = func(m *meetings.Meeting) error { return m.Finalise(op.At) }
	}
	var m meetings.Meeting
	if err := tx.Get(store.Key(store.PrefixMeeting, id), &m); err != nil {
		if errors.Is(err, store.ErrNotFound) {
			return applied{}, ErrNotFound
		}
		return applied{}, err
	}
	if !src.ordered && op.Base != 0 && op.Base != m.Rev {
		return applied{}, &StaleError{Current: m.Rev}
	}
	if err := change(&m); err != nil {
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

func (p *Profile) editBallot(tx *txn, op ops.Op, src source) (applied, error) {
	var id string
	var change func(b *ballots.Ballot) error
	switch op.Kind {
	case ops.KindBallotClose:
		var body ops.BallotClose
		if err := op.DecodeBody(&body); err != nil {
			return applied{}, err
		}
		id = body.BallotID
		change = func(b *ballots.Ballot) error { return b.Close(op.At) }
	case ops.KindBallotExtend:
		var body ops.BallotExtend
		if err := op.DecodeBody(&body); err != nil {
			return applied{}, err
		}
		id = body.BallotID
		change = func(b *ballots.Ballot) error { return b.ExtendDeadline(body.Deadline) }
	}
	var b ballots.Ballot
	if err := tx.Get(store.Key(store.PrefixBallot, id), &b); err != nil {
		if errors.Is(err, store.ErrNotFound) {
			return applied{}, ErrNotFound
		}
		return applied{}, err
	}
	if !src.ordered && op.Base != 0 && op.Base != b.Rev {
		return applied{}, &StaleError{Current: b.Rev}
	}
	if err := change(&b); err != nil {
		return applied{}, err
	}
	b.Rev++
	return p.putBallot(tx, b)
}

func (p *Profile) applyAnswer(tx *txn, op ops.Op, raw []byte, actor meetings.Member, src source) (applied, error) {
	var body ops.BallotAnswer
	if err := op.DecodeBody(&body); err != nil {
		return applied{}, err
	}
	a := body.Answer
	// A member answers for themself; the secretariat may record an answer
	// given on paper on a member's behalf, and it must say so.
	if a.MemberID != actor.ID {
		if requireSecretary(actor) != nil || !a.Paper || a.RecordedBy != actor.ID {
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
