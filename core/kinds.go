package core

import (
	"github.com/ecabinet/ecabinet/ballots"
	"github.com/ecabinet/ecabinet/meetings"
	"github.com/ecabinet/ecabinet/ops"
	"github.com/ecabinet/ecabinet/store"
)

// The store's half of the table of kinds. ops/kinds.go says, for each kind,
// its body, its record, who may make it, who receives it and how it is
// described; here each kind has its handler, which carries it out in a
// transaction. A test (kinds_test.go) fails when a kind of the table has no
// handler, and apply refuses a kind that has none.

// change is one op on its way through apply: decoded by the table, its
// actor past the kind's role rule.
type change struct {
	op    ops.Op
	body  any        // a pointer to the kind's body (ops.Spec.New's type)
	rec   ops.Record // what the op touches, as the table names it
	raw   []byte     // the signed op's bytes
	actor meetings.Member
	src   source
	// inBody is the body of the meeting or ballot the op touches (rules.go),
	// "" for ops on the organisation's records.
	inBody string
}

// applier carries out one kind of op. Like apply, it checks everything
// before it writes anything.
type applier func(p *Profile, tx *txn, c change) (applied, error)

// appliers holds the handler of every kind but profile.init, which
// introduces the actor itself and is applied before there is one
// (applyInit).
var appliers = map[ops.Kind]applier{
	ops.KindMemberPut:     (*Profile).applyMemberPut,
	ops.KindDeviceEnroll:  (*Profile).applyDeviceEnroll,
	ops.KindMeetingCreate: (*Profile).applyMeetingCreate,
	ops.KindMeetingUpdate: meetingEdit(func(m *meetings.Meeting, b *ops.MeetingUpdate, _ ops.Op) error {
		if m.Status == meetings.StatusClosed {
			return meetings.NewError("err.meeting.closed", "")
		}
		m.Title, m.Start, m.Place = b.Title, b.Start, b.Place
		return nil
	}),
	ops.KindMeetingStatus: meetingEdit(func(m *meetings.Meeting, b *ops.MeetingStatus, _ ops.Op) error {
		return m.Transition(b.Status)
	}),
	ops.KindAttendance: meetingEdit(func(m *meetings.Meeting, b *ops.Attendance, _ ops.Op) error {
		return m.SetPresent(b.MemberID, b.Present)
	}),
	ops.KindAgendaAdd: meetingEdit(func(m *meetings.Meeting, b *ops.AgendaAdd, _ ops.Op) error {
		return m.AddItem(b.Item)
	}),
	ops.KindAgendaUpdate: meetingEdit(func(m *meetings.Meeting, b *ops.AgendaUpdate, _ ops.Op) error {
		return m.UpdateItem(b.Item)
	}),
	ops.KindAgendaRemove: meetingEdit(func(m *meetings.Meeting, b *ops.AgendaRemove, _ ops.Op) error {
		return m.RemoveItem(b.ItemID)
	}),
	ops.KindAgendaMove: meetingEdit(func(m *meetings.Meeting, b *ops.AgendaMove, _ ops.Op) error {
		return m.MoveItem(b.ItemID, b.To)
	}),
	ops.KindMeetingConclusion: meetingEdit(func(m *meetings.Meeting, b *ops.MeetingConclusion, _ ops.Op) error {
		return m.SetConclusion(b.ItemID, b.Text)
	}),
	// The time the secretary signed is the time of the minutes, the same
	// on every replica.
	ops.KindMeetingFinalise: meetingEdit(func(m *meetings.Meeting, _ *ops.MeetingFinalise, op ops.Op) error {
		return m.Finalise(op.At)
	}),
	ops.KindMeetingAudience: func(p *Profile, tx *txn, c change) (applied, error) {
		b := c.body.(*ops.MeetingAudience)
		// Participants are members of the meeting's body.
		if c.inBody != "" {
			if err := checkInBody(tx, c.inBody, b.Participants); err != nil {
				return applied{}, err
			}
		}
		return p.editMeeting(tx, c, func(m *meetings.Meeting) error {
			if m.Status == meetings.StatusClosed {
				return meetings.NewError("err.meeting.closed", "")
			}
			m.Participants, m.Restricted = b.Participants, b.Restricted
			return nil
		})
	},
	ops.KindBodyPut: (*Profile).applyBodyPut,
	// The hub's running count (progress.go).
	ops.KindBallotProgress: (*Profile).applyProgress,
	// record.reveal and record.withdraw are added in reveal.go: a reveal
	// applies the ops it carries through apply, which reads this table.
	ops.KindConsentMark:  (*Profile).applyConsentMark,
	ops.KindConsentAdopt: (*Profile).applyConsentAdopt,
	ops.KindBallotIssue:  (*Profile).applyBallotIssue,
	ops.KindBallotAnswer: (*Profile).applyAnswer,
	ops.KindBallotClose: ballotEdit(func(bl *ballots.Ballot, _ *ops.BallotClose, op ops.Op) error {
		return bl.Close(op.At)
	}),
	ops.KindBallotExtend: ballotEdit(func(bl *ballots.Ballot, b *ops.BallotExtend, _ ops.Op) error {
		return bl.ExtendDeadline(b.Deadline)
	}),
	ops.KindBallotRemind: (*Profile).applyRemind,
	ops.KindPaperAdd:     (*Profile).applyPaperAdd,
	ops.KindPaperEdit:    (*Profile).applyPaperEdit,
	ops.KindPaperVersion: (*Profile).applyPaperVersion,
	ops.KindPaperRecall:  (*Profile).applyPaperRecall,
	ops.KindPaperRewrap:  (*Profile).applyPaperRewrap,
	ops.KindPaperRead:    (*Profile).applyPaperRead, // receipts.go
	ops.KindBallotResult: (*Profile).applyResult,
	// notes.go: private notes, for their author's devices only.
	ops.KindNoteKey:    (*Profile).applyNoteKey,
	ops.KindNotePut:    (*Profile).applyNotePut,
	ops.KindNoteDelete: (*Profile).applyNoteDelete,
}

// meetingEdit makes the handler of an edit of a meeting's own fields
// (editMeeting: the revision check, the domain rule, the new revision).
func meetingEdit[B any](edit func(m *meetings.Meeting, b *B, op ops.Op) error) applier {
	return func(p *Profile, tx *txn, c change) (applied, error) {
		return p.editMeeting(tx, c, func(m *meetings.Meeting) error { return edit(m, c.body.(*B), c.op) })
	}
}

// ballotEdit is meetingEdit for a ballot.
func ballotEdit[B any](edit func(bl *ballots.Ballot, b *B, op ops.Op) error) applier {
	return func(p *Profile, tx *txn, c change) (applied, error) {
		return p.editBallot(tx, c, func(bl *ballots.Ballot) error { return edit(bl, c.body.(*B), c.op) })
	}
}

// recordPrefix maps the table's record types to the store's prefixes.
var recordPrefix = map[ops.RecordType]string{
	ops.RecordMember:  store.PrefixMember,
	ops.RecordMeeting: store.PrefixMeeting,
	ops.RecordBallot:  store.PrefixBallot,
	ops.RecordBody:    store.PrefixBody,
	ops.RecordPaper:   store.PrefixPaper,
	// A note is kept under its author too (note/<member>/<id>, notes.go);
	// no note op repairs or hangs from a record, so no entity key of one
	// is ever looked up.
	ops.RecordNote: store.PrefixNote,
}

// entityKey is the store key of a record ("meeting/<id>"), "" for none.
func entityKey(rec ops.Record) string {
	prefix, ok := recordPrefix[rec.Type]
	if !ok || rec.ID == "" {
		return ""
	}
	return string(store.Key(prefix, rec.ID))
}

// entityOf names the record an op changes as a whole: the record a hub's
// snapshot repairs when the op is refused or fails to apply ("" when it
// changes none, ops.Spec.Repair). The body is read only for such kinds, so
// pulling answers costs no decoding here.
func entityOf(op ops.Op) string {
	if s, ok := ops.Lookup(op.Kind); !ok || !s.Repair {
		return ""
	}
	_, rec, ok := ops.RecordOf(op)
	if !ok {
		return ""
	}
	return entityKey(rec)
}

// auditedBallot names the ballot a ballot action acts on ("" when the op
// is not one the audit log keeps, ops.Spec.Audit).
func auditedBallot(op ops.Op) string {
	if s, ok := ops.Lookup(op.Kind); !ok || !s.Audit {
		return ""
	}
	_, rec, ok := ops.RecordOf(op)
	if !ok || rec.Type != ops.RecordBallot {
		return ""
	}
	return rec.ID
}
