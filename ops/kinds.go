package ops

import (
	"fmt"

	"github.com/ecabinet/ecabinet/codec"
	"github.com/ecabinet/ecabinet/meetings"
)

// The table of operation kinds: everything the rest of the program needs to
// know about a kind of operation, in one entry per kind, so that a new kind
// is described in one place and cannot be broadcast, audited or merged by
// accident because someone forgot a switch elsewhere. What a kind does to
// the store (its handler) is core's, keyed by the same kinds; a test there
// and one here fail when a constant has no entry.

// RecordType names the kind of record an operation touches. The store keeps
// each type under a prefix of its own; core maps one to the other, so that
// this package knows nothing of the store.
type RecordType string

// The record types.
const (
	RecordNone    RecordType = ""
	RecordMember  RecordType = "member"
	RecordMeeting RecordType = "meeting"
	RecordBallot  RecordType = "ballot"
	RecordBody    RecordType = "body"
	// RecordShare is what a member's devices hold: the hub's reveals and
	// withdrawals change it (Record.ID names the record revealed, when one).
	RecordShare RecordType = "share"
	RecordPaper RecordType = "paper"
	// RecordNote is a member's private note, or (Record.ID empty) their
	// note key.
	RecordNote RecordType = "note"
)

// Record is what one operation touches, as its body names it.
type Record struct {
	Type RecordType
	ID   string
	// Item is the agenda item within a meeting the op concerns.
	Item string
	// Member is the member within the record the op is about, shown beside
	// it: whose attendance, on whose behalf an answer was recorded.
	Member string
	// Owner is the member whose private record the op is (an answer, a
	// consent mark): with the ToOwner audience, who receives it.
	Owner string
	// Name and ItemName are the names the op itself gives the record and
	// the agenda item (a title, a member's name), when it carries them.
	Name, ItemName string
	// Key is the device key the op introduces (with Spec.Enrolls).
	Key []byte
	// To are the members a hub-made op is addressed to (the ToNamed
	// audience).
	To []string
}

// Maker says who may make an operation of a kind: the role rule every
// replica checks before the kind's own rules.
type Maker int

// The role rules. The zero Maker is no rule: every entry must name one.
const (
	// BySecretariat: a secretary, or the hub's system member, not removed.
	BySecretariat Maker = iota + 1
	// ByVoter: a voting member (the chair or a member), for themself.
	ByVoter
	// ByMember: any member; the kind's own rules say for whom (an answer
	// is given for oneself, or recorded on paper by the secretariat).
	ByMember
	// ByHub: only the hub's system member (it signs results).
	ByHub
	// ByProfile: the profile's own device or the hub it enrolled with;
	// checked where the op is applied, which knows the devices.
	ByProfile
)

// Allows reports whether actor passes the role rule. ByProfile allows
// everyone here: its rule is about devices, not roles.
func (m Maker) Allows(actor meetings.Member) bool {
	switch m {
	case BySecretariat:
		return (actor.Role == meetings.RoleSecretary || actor.Role == meetings.RoleSystem) && !actor.Removed
	case ByVoter:
		return actor.Role.Votes()
	case ByMember, ByProfile:
		return true
	case ByHub:
		return actor.Role == meetings.RoleSystem
	}
	return false
}

// Audience says which members' devices the hub sends an operation to.
type Audience int

// The audience rules. The zero Audience is no rule: every entry must name
// one, so that nothing reaches everyone because its entry forgot to say.
const (
	// ToEveryone: every enrolled device.
	ToEveryone Audience = iota + 1
	// ToOwner: the devices of Record.Owner, of the chair and of the
	// secretariat of the body the record belongs to (a ballot answer, a
	// consent mark).
	ToOwner
	// ToRecord: the current audience of the record the op touches, as the
	// hub holds it once the op is applied (core/audience.go: a draft
	// meeting reaches its body's secretariat, a published one its body, a
	// restricted one its participants, a ballot its eligible members …).
	ToRecord
	// ToNamed: the members the op names (Record.To): the hub's reveals and
	// withdrawals.
	ToNamed
	// New rules go here, each resolved in core/audience.go (audienceRules),
	// e.g. a paper's distribution list.
	// ToPaperList: the devices of the members on the paper's distribution
	// list (papers.Distribution.Resolve against its meeting's participants
	// or its ballot's eligible members) and of its body's secretariat, as
	// core.Profile.PaperRecipients gives them from the stored paper record
	// (Record.ID is the paper); the chunks themselves are served only to
	// the list (replica/chunks.go).
	ToPaperList
	// ToSelf: the devices of the op's own member (Record.Owner) and no one
	// else, not even the organisation's secretariat, who reads the rest of
	// the hub's log: private notes and their keys.
	ToSelf
	// ToReader: the devices of Record.Owner (the member the op is about)
	// and of the secretariat of the body the paper Record.ID belongs to;
	// nobody else, not the chair nor the paper's other readers (a read
	// receipt).
	ToReader
)

// Spec is one kind's entry in the table.
type Spec struct {
	Kind Kind
	// New returns a pointer to a zero body of the kind.
	New func() any
	// record names what the op touches, from its decoded body (New's type).
	record func(op Op, body any) Record
	// Maker is who may make it.
	Maker Maker
	// Audience is who receives it.
	Audience Audience
	// Repair: the op changes the whole record its Record names (a member,
	// a meeting, a ballot), so the hub's copy of that record repairs a
	// replica on which the op was refused or failed to apply. Ops that
	// only hang from a record (an answer, a mark, a reminder, a result)
	// do not.
	Repair bool
	// Creates: the op makes its record (a meeting, a ballot); every other
	// op on a meeting or a ballot needs the record there, and a device that
	// does not hold it (it is not in its member's audience, or not yet)
	// passes over the op.
	Creates bool
	// Revised: the op carries the revision of its record it was made on
	// (Op.Base); a stale one is refused, and a person can merge it.
	Revised bool
	// Audit: the op is a ballot action, kept in the audit log.
	Audit bool
	// Enrolls: the op introduces a device key (Record.Key).
	Enrolls bool
	// Text is the translation key of its description ("My changes", the
	// audit log, refusals): the command line's words, lower case, to sit
	// inside a sentence.
	Text string
}

// Decode decodes op's body strictly into the kind's body type, as applying
// it does. It returns a pointer (New's).
func (s Spec) Decode(op Op) (any, error) {
	body := s.New()
	if err := op.DecodeBody(body); err != nil {
		return nil, err
	}
	return body, nil
}

// DecodeLoose decodes op's body ignoring fields this version does not know,
// so that an op made by a newer version still names its record (and the
// replica can ask the hub for that record when the op cannot be applied).
func (s Spec) DecodeLoose(op Op) (any, error) {
	body := s.New()
	if err := codec.UnmarshalLoose(op.Body, body); err != nil {
		return nil, fmt.Errorf("%w: %s body: %v", ErrMalformed, op.Kind, err)
	}
	return body, nil
}

// Record names what op touches; body is its decoded body (from Decode or
// DecodeLoose).
func (s Spec) Record(op Op, body any) Record { return s.record(op, body) }

// Lookup returns the entry of a kind.
func Lookup(k Kind) (Spec, bool) {
	s, ok := byKind[k]
	return s, ok
}

// RecordOf names what op touches (decoding loosely); false for a kind not
// in the table or a body that cannot be read.
func RecordOf(op Op) (Spec, Record, bool) {
	s, ok := byKind[op.Kind]
	if !ok {
		return Spec{}, Record{}, false
	}
	body, err := s.DecodeLoose(op)
	if err != nil {
		return s, Record{}, false
	}
	return s, s.record(op, body), true
}

// TextKey is the translation key describing a kind, "" for a kind not in
// the table (an op of a newer version).
func TextKey(k Kind) string { return byKind[k].Text }

// Kinds lists every kind in the table, in its order.
func Kinds() []Kind {
	out := make([]Kind, len(table))
	for i, s := range table {
		out[i] = s.Kind
	}
	return out
}

// entry makes a table entry for the body type B: New returns a *B and
// record receives one.
func entry[B any](k Kind, rec func(op Op, b *B) Record, s Spec) Spec {
	s.Kind = k
	s.New = func() any { return new(B) }
	s.record = func(op Op, body any) Record { return rec(op, body.(*B)) }
	return s
}

// meetingRecord is the record of a meeting edit whose body names only the
// meeting (and perhaps an item).
func meetingRecord(id, item string) Record { return Record{Type: RecordMeeting, ID: id, Item: item} }

func ballotRecord(id string) Record { return Record{Type: RecordBallot, ID: id} }

func paperRecord(id string) Record { return Record{Type: RecordPaper, ID: id} }

// table is the table of kinds; see Spec for what each column means.
var table = []Spec{
	entry(KindProfileInit, func(_ Op, b *ProfileInit) Record {
		return Record{Type: RecordMember, ID: b.Member.ID, Name: b.Member.Name, Key: b.PubKey}
	}, Spec{Maker: ByProfile, Audience: ToEveryone, Enrolls: true, Text: "cli.op.profile_init"}),
	entry(KindMemberPut, func(_ Op, b *MemberPut) Record {
		return Record{Type: RecordMember, ID: b.Member.ID, Name: b.Member.Name}
	}, Spec{Maker: BySecretariat, Audience: ToEveryone, Repair: true, Text: "cli.op.member_put"}),
	entry(KindDeviceEnroll, func(_ Op, b *DeviceEnroll) Record {
		return Record{Type: RecordMember, ID: b.MemberID, Key: b.PubKey}
	}, Spec{Maker: BySecretariat, Audience: ToEveryone, Enrolls: true, Text: "cli.op.device_enroll"}),

	entry(KindMeetingCreate, func(_ Op, b *MeetingCreate) Record {
		return Record{Type: RecordMeeting, ID: b.Meeting.ID, Name: b.Meeting.Title}
	}, Spec{Maker: BySecretariat, Audience: ToRecord, Repair: true, Creates: true, Text: "cli.op.meeting_create"}),
	entry(KindMeetingUpdate, func(_ Op, b *MeetingUpdate) Record {
		return Record{Type: RecordMeeting, ID: b.MeetingID, Name: b.Title}
	}, Spec{Maker: BySecretariat, Audience: ToRecord, Repair: true, Revised: true, Text: "cli.op.meeting_update"}),
	entry(KindMeetingStatus, func(_ Op, b *MeetingStatus) Record { return meetingRecord(b.MeetingID, "") },
		Spec{Maker: BySecretariat, Audience: ToRecord, Repair: true, Revised: true, Text: "cli.op.meeting_status"}),
	entry(KindAttendance, func(_ Op, b *Attendance) Record {
		return Record{Type: RecordMeeting, ID: b.MeetingID, Member: b.MemberID}
	}, Spec{Maker: BySecretariat, Audience: ToRecord, Repair: true, Revised: true, Text: "cli.op.meeting_attendance"}),
	entry(KindAgendaAdd, func(_ Op, b *AgendaAdd) Record {
		return Record{Type: RecordMeeting, ID: b.MeetingID, Item: b.Item.ID, ItemName: b.Item.Title}
	}, Spec{Maker: BySecretariat, Audience: ToRecord, Repair: true, Revised: true, Text: "cli.op.agenda_add"}),
	entry(KindAgendaUpdate, func(_ Op, b *AgendaUpdate) Record {
		return Record{Type: RecordMeeting, ID: b.MeetingID, Item: b.Item.ID, ItemName: b.Item.Title}
	}, Spec{Maker: BySecretariat, Audience: ToRecord, Repair: true, Revised: true, Text: "cli.op.agenda_update"}),
	entry(KindAgendaRemove, func(_ Op, b *AgendaRemove) Record { return meetingRecord(b.MeetingID, b.ItemID) },
		Spec{Maker: BySecretariat, Audience: ToRecord, Repair: true, Revised: true, Text: "cli.op.agenda_remove"}),
	entry(KindAgendaMove, func(_ Op, b *AgendaMove) Record { return meetingRecord(b.MeetingID, b.ItemID) },
		Spec{Maker: BySecretariat, Audience: ToRecord, Repair: true, Revised: true, Text: "cli.op.agenda_move"}),
	entry(KindConsentMark, func(op Op, b *ConsentMark) Record {
		r := meetingRecord(b.MeetingID, b.ItemID)
		r.Owner = op.Member // a member marks for themself
		return r
	}, Spec{Maker: ByVoter, Audience: ToOwner, Text: "cli.op.consent_mark"}),
	entry(KindConsentAdopt, func(_ Op, b *ConsentAdopt) Record { return meetingRecord(b.MeetingID, "") },
		Spec{Maker: BySecretariat, Audience: ToRecord, Repair: true, Revised: true, Text: "cli.op.consent_adopt"}),

	// The minutes: a conclusion per agenda item, then finalising, after
	// which the conclusions stay as they are (meetings.SetConclusion,
	// Finalise). A conclusion is submitted without a base (the hub's order
	// decides, as for attendance), so it is never refused as stale.
	entry(KindMeetingConclusion, func(_ Op, b *MeetingConclusion) Record { return meetingRecord(b.MeetingID, b.ItemID) },
		Spec{Maker: BySecretariat, Audience: ToRecord, Repair: true, Revised: true, Text: "cli.op.meeting_conclusion"}),
	entry(KindMeetingFinalise, func(_ Op, b *MeetingFinalise) Record { return meetingRecord(b.MeetingID, "") },
		Spec{Maker: BySecretariat, Audience: ToRecord, Repair: true, Revised: true, Text: "cli.op.meeting_finalise"}),

	entry(KindMeetingAudience, func(_ Op, b *MeetingAudience) Record { return meetingRecord(b.MeetingID, "") },
		Spec{Maker: BySecretariat, Audience: ToRecord, Repair: true, Revised: true, Text: "cli.op.meeting_audience"}),
	entry(KindBodyPut, func(_ Op, b *BodyPut) Record {
		return Record{Type: RecordBody, ID: b.Body.ID, Name: b.Body.Name}
	}, Spec{Maker: BySecretariat, Audience: ToEveryone, Repair: true, Text: "cli.op.body_put"}),

	// Papers. Each op is made by a secretary's device and goes to the
	// paper's list (ToPaperList). An edit is submitted without a base: the
	// hub's order decides, and the paper's revision counts the edits.
	entry(KindPaperAdd, func(_ Op, b *PaperAdd) Record {
		r := paperRecord(b.Paper.ID)
		r.Name = b.Paper.Title
		return r
	}, Spec{Maker: BySecretariat, Audience: ToPaperList, Text: "cli.op.paper_add"}),
	entry(KindPaperEdit, func(_ Op, b *PaperEdit) Record {
		r := paperRecord(b.PaperID)
		r.Name = b.Title
		return r
	}, Spec{Maker: BySecretariat, Audience: ToPaperList, Text: "cli.op.paper_edit"}),
	entry(KindPaperVersion, func(_ Op, b *PaperVersion) Record { return paperRecord(b.PaperID) },
		Spec{Maker: BySecretariat, Audience: ToPaperList, Text: "cli.op.paper_version"}),
	entry(KindPaperRecall, func(_ Op, b *PaperRecall) Record { return paperRecord(b.PaperID) },
		Spec{Maker: BySecretariat, Audience: ToPaperList, Text: "cli.op.paper_recall"}),
	// A rewrap hands a paper's key on: made by a secretary's device, or by
	// a member's device for that member's own other devices only (the
	// applier checks whose devices the wraps are for).
	entry(KindPaperRewrap, func(_ Op, b *PaperRewrap) Record { return paperRecord(b.PaperID) },
		Spec{Maker: ByMember, Audience: ToPaperList, Text: "cli.op.paper_rewrap"}),
	// A read receipt: made by the reader's own device, for themself; it
	// reaches that member's devices and the body's secretariat only.
	entry(KindPaperRead, func(op Op, b *PaperRead) Record {
		r := paperRecord(b.PaperID)
		r.Owner = op.Member
		return r
	}, Spec{Maker: ByMember, Audience: ToReader, Text: "cli.op.paper_read"}),

	entry(KindBallotIssue, func(_ Op, b *BallotIssue) Record {
		return Record{Type: RecordBallot, ID: b.Ballot.ID, Name: b.Ballot.Title}
	}, Spec{Maker: BySecretariat, Audience: ToRecord, Repair: true, Creates: true, Audit: true, Text: "cli.op.ballot_issue"}),
	entry(KindBallotAnswer, func(op Op, b *BallotAnswer) Record {
		r := Record{Type: RecordBallot, ID: b.Answer.BallotID, Owner: b.Answer.MemberID}
		if b.Answer.MemberID != op.Member {
			r.Member = b.Answer.MemberID // recorded on a member's behalf
		}
		return r
	}, Spec{Maker: ByMember, Audience: ToOwner, Audit: true, Text: "cli.op.ballot_answer"}),
	entry(KindBallotClose, func(_ Op, b *BallotClose) Record { return ballotRecord(b.BallotID) },
		Spec{Maker: BySecretariat, Audience: ToRecord, Repair: true, Revised: true, Audit: true, Text: "cli.op.ballot_close"}),
	entry(KindBallotExtend, func(_ Op, b *BallotExtend) Record { return ballotRecord(b.BallotID) },
		Spec{Maker: BySecretariat, Audience: ToRecord, Repair: true, Revised: true, Audit: true, Text: "cli.op.ballot_extend"}),
	entry(KindBallotRemind, func(_ Op, b *BallotRemind) Record { return ballotRecord(b.BallotID) },
		Spec{Maker: BySecretariat, Audience: ToRecord, Audit: true, Text: "cli.op.ballot_remind"}),
	entry(KindBallotResult, func(_ Op, b *BallotResult) Record { return ballotRecord(b.BallotID) },
		Spec{Maker: ByHub, Audience: ToRecord, Audit: true, Text: "cli.op.ballot_result"}),

	// The running count of a ballot whose policy shares it: it reaches
	// the ballot's audience, and hangs from the ballot (a reveal carries it).
	entry(KindBallotProgress, func(_ Op, b *BallotProgress) Record { return ballotRecord(b.BallotID) },
		Spec{Maker: ByHub, Audience: ToRecord, Text: "cli.op.ballot_progress"}),

	// Who may see what (core/audience.go): the hub tells the devices of
	// the members who join or leave a record's audience.
	entry(KindRecordReveal, func(_ Op, b *RecordReveal) Record {
		return Record{Type: RecordShare, ID: b.Entity, To: b.To}
	}, Spec{Maker: ByHub, Audience: ToNamed, Text: "cli.op.record_reveal"}),
	entry(KindRecordWithdraw, func(_ Op, b *RecordWithdraw) Record {
		return Record{Type: RecordShare, To: b.To}
	}, Spec{Maker: ByHub, Audience: ToNamed, Text: "cli.op.record_withdraw"}),

	// Private notes: made by any member for themself, received by their
	// own devices only.
	entry(KindNoteKey, func(op Op, _ *NoteKey) Record { return Record{Type: RecordNote, Owner: op.Member} },
		Spec{Maker: ByMember, Audience: ToSelf, Text: "cli.op.note_key"}),
	entry(KindNotePut, func(op Op, b *NotePut) Record { return Record{Type: RecordNote, ID: b.NoteID, Owner: op.Member} },
		Spec{Maker: ByMember, Audience: ToSelf, Text: "cli.op.note_put"}),
	entry(KindNoteDelete, func(op Op, b *NoteDelete) Record { return Record{Type: RecordNote, ID: b.NoteID, Owner: op.Member} },
		Spec{Maker: ByMember, Audience: ToSelf, Text: "cli.op.note_delete"}),
}

var byKind = func() map[Kind]Spec {
	m := make(map[Kind]Spec, len(table))
	for _, s := range table {
		m[s.Kind] = s
	}
	return m
}()
