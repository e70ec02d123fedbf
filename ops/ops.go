// Package ops defines the signed operations that every change in eCabinet is
// made of. A device never edits shared state directly: it signs an Op and
// applies it; the same Op goes into the local journal, the outbox for the
// hub, and later the hub-ordered log that every replica applies in order.
package ops

import (
	"crypto/ed25519"
	"errors"
	"fmt"
	"time"

	"github.com/ecabinet/ecabinet/ballots"
	"github.com/ecabinet/ecabinet/codec"
	"github.com/ecabinet/ecabinet/identity"
	"github.com/ecabinet/ecabinet/meetings"
	"github.com/ecabinet/ecabinet/papers"
)

// Kind names what an operation does.
type Kind string

// The operation kinds. Their bodies are the types below of the same name.
const (
	KindProfileInit   Kind = "profile.init"
	KindMemberPut     Kind = "member.put"
	KindMeetingCreate Kind = "meeting.create"
	KindMeetingUpdate Kind = "meeting.update"
	KindMeetingStatus Kind = "meeting.status"
	KindAttendance    Kind = "meeting.attendance"
	KindAgendaAdd     Kind = "agenda.add"
	KindAgendaUpdate  Kind = "agenda.update"
	KindAgendaRemove  Kind = "agenda.remove"
	KindAgendaMove    Kind = "agenda.move"
	KindBallotIssue   Kind = "ballot.issue"
	KindBallotAnswer  Kind = "ballot.answer"
	KindBallotClose   Kind = "ballot.close"
	KindBallotExtend  Kind = "ballot.extend"
	KindDeviceEnroll  Kind = "device.enroll"
	KindBallotRemind  Kind = "ballot.remind"
	KindBallotResult  Kind = "ballot.result"
	KindConsentMark   Kind = "consent.mark"
	KindConsentAdopt  Kind = "consent.adopt"
	// The minutes (report/): a conclusion per agenda item, and the
	// finalising of the minutes, after which conclusions no longer change.
	KindMeetingConclusion Kind = "meeting.conclusion"
	KindMeetingFinalise   Kind = "meeting.finalise"
	// Bodies (meetings/body.go): a body created or renamed, and who a
	// meeting is for (its participants, whether it is restricted).
	KindBodyPut         Kind = "body.put"
	KindMeetingAudience Kind = "meeting.audience"
	// Audiences (core/audience.go): made and signed by the hub when an op
	// changes who may see a record, addressed to the members who join its
	// audience (the record's current state and what hangs from it) or
	// leave it (remove it and what hangs from it).
	KindRecordReveal   Kind = "record.reveal"
	KindRecordWithdraw Kind = "record.withdraw"
	// KindBallotProgress is the hub's running count of a ballot's answers,
	// without names, for a ballot whose Progress is ballots.ProgressCount.
	KindBallotProgress Kind = "ballot.progress"
	// Papers (papers/): a paper attached to an agenda item or a ballot,
	// its title, marking, list or export changed, a new version of its
	// file, and its recall.
	KindPaperAdd     Kind = "paper.add"
	KindPaperEdit    Kind = "paper.edit"
	KindPaperVersion Kind = "paper.version"
	KindPaperRecall  Kind = "paper.recall"
	// Private notes (papers/notes.go): a member's note key wrapped for
	// their devices, a sealed note made or edited, a note deleted. They
	// reach only the author's own devices (ToSelf).
	KindNoteKey    Kind = "note.key"
	KindNotePut    Kind = "note.put"
	KindNoteDelete Kind = "note.delete"
	// KindPaperRewrap gives the paper's key to devices on its list that
	// were enrolled after the key was last wrapped (a member's new laptop):
	// from a secretary's device, or from another device of that member.
	KindPaperRewrap Kind = "paper.rewrap"
	// KindPaperRead is a read receipt: a member opened a version of a
	// paper for the first time (on any of their devices).
	KindPaperRead Kind = "paper.read"
)

// Op is one change, made by one member on one device. DevSeq numbers a
// device's operations without gaps; (Device, DevSeq) identifies an Op.
type Op struct {
	Kind   Kind      `cbor:"1,keyasint"`
	Device string    `cbor:"2,keyasint"`
	DevSeq uint64    `cbor:"3,keyasint"`
	Member string    `cbor:"4,keyasint"`
	At     time.Time `cbor:"5,keyasint"`
	// Base is the revision of the record the edit was made on, so that a
	// stale edit can be refused instead of silently overwriting.
	Base uint64           `cbor:"6,keyasint,omitempty"`
	Body codec.RawMessage `cbor:"7,keyasint"`
}

// ID is the operation's identity, stable across devices and the hub.
func (o Op) ID() string { return fmt.Sprintf("%s-%d", o.Device, o.DevSeq) }

// MaxScan bounds the scan of a paper answer.
const MaxScan = 2 << 20

// Signed is an Op as it travels and rests: the exact encoded bytes and the
// device's signature over them.
type Signed struct {
	Op  codec.RawMessage `cbor:"1,keyasint"`
	Sig []byte           `cbor:"2,keyasint"`
}

// ErrMalformed is returned for a Signed whose content cannot be decoded.
var ErrMalformed = errors.New("ops: malformed operation")

// Sign encodes op and signs it with dev. The op's Device must be dev's.
func Sign(dev *identity.Device, op Op) (Signed, error) {
	if op.Device != dev.ID {
		return Signed{}, fmt.Errorf("ops: op device %q is not the signer %q", op.Device, dev.ID)
	}
	raw, err := codec.Marshal(op)
	if err != nil {
		return Signed{}, err
	}
	return Signed{Op: raw, Sig: dev.Sign(raw)}, nil
}

// Encode returns the bytes of s for storage or transport.
func (s Signed) Encode() ([]byte, error) { return codec.Marshal(s) }

// Decode parses bytes from storage or the wire into a Signed (without
// verifying it: the signer's key must be looked up from Op.Device first).
func Decode(b []byte) (Signed, Op, error) {
	var s Signed
	if err := codec.Unmarshal(b, &s); err != nil {
		return Signed{}, Op{}, fmt.Errorf("%w: %v", ErrMalformed, err)
	}
	var op Op
	if err := codec.Unmarshal(s.Op, &op); err != nil {
		return Signed{}, Op{}, fmt.Errorf("%w: %v", ErrMalformed, err)
	}
	if op.Device == "" || op.DevSeq == 0 || op.Kind == "" {
		return Signed{}, Op{}, fmt.Errorf("%w: missing device, sequence or kind", ErrMalformed)
	}
	// A time every replica can store again (RFC 3339 has four-digit years).
	if y := op.At.Year(); y < 2000 || y > 9999 {
		return Signed{}, Op{}, fmt.Errorf("%w: time %v out of range", ErrMalformed, op.At)
	}
	return s, op, nil
}

// Verify checks the signature with the device's public key and that the key
// belongs to the device the op names.
func (s Signed) Verify(pub ed25519.PublicKey, op Op) error {
	if identity.IDOf(pub) != op.Device {
		return fmt.Errorf("ops: key does not belong to device %s: %w", op.Device, identity.ErrBadSignature)
	}
	return identity.Verify(pub, s.Op, s.Sig)
}

// DecodeBody decodes an op's body into the type its kind names.
func (o Op) DecodeBody(v any) error {
	if err := codec.Unmarshal(o.Body, v); err != nil {
		return fmt.Errorf("%w: %s body: %v", ErrMalformed, o.Kind, err)
	}
	return nil
}

// Bodies of the operation kinds.
type (
	// ProfileInit records the device's own member when a profile is created.
	ProfileInit struct {
		Member meetings.Member `cbor:"1,keyasint"`
		PubKey []byte          `cbor:"2,keyasint"`
	}
	// MemberPut adds or edits a committee member.
	MemberPut struct {
		Member meetings.Member `cbor:"1,keyasint"`
	}
	// MeetingCreate creates a meeting.
	MeetingCreate struct {
		Meeting meetings.Meeting `cbor:"1,keyasint"`
	}
	// MeetingUpdate edits a meeting's title, start and place.
	MeetingUpdate struct {
		MeetingID string    `cbor:"1,keyasint"`
		Title     string    `cbor:"2,keyasint"`
		Start     time.Time `cbor:"3,keyasint"`
		Place     string    `cbor:"4,keyasint,omitempty"`
	}
	// MeetingStatus moves a meeting through its lifecycle.
	MeetingStatus struct {
		MeetingID string          `cbor:"1,keyasint"`
		Status    meetings.Status `cbor:"2,keyasint"`
	}
	// Attendance records whether a member is present.
	Attendance struct {
		MeetingID string `cbor:"1,keyasint"`
		MemberID  string `cbor:"2,keyasint"`
		Present   bool   `cbor:"3,keyasint"`
	}
	// AgendaAdd appends an agenda item.
	AgendaAdd struct {
		MeetingID string              `cbor:"1,keyasint"`
		Item      meetings.AgendaItem `cbor:"2,keyasint"`
	}
	// AgendaUpdate edits an agenda item.
	AgendaUpdate struct {
		MeetingID string              `cbor:"1,keyasint"`
		Item      meetings.AgendaItem `cbor:"2,keyasint"`
	}
	// AgendaRemove deletes an agenda item.
	AgendaRemove struct {
		MeetingID string `cbor:"1,keyasint"`
		ItemID    string `cbor:"2,keyasint"`
	}
	// AgendaMove moves an agenda item to a new position.
	AgendaMove struct {
		MeetingID string `cbor:"1,keyasint"`
		ItemID    string `cbor:"2,keyasint"`
		To        int    `cbor:"3,keyasint"`
	}
	// BallotIssue creates and opens a ballot.
	BallotIssue struct {
		Ballot ballots.Ballot `cbor:"1,keyasint"`
	}
	// BallotAnswer is a member's signed answer.
	BallotAnswer struct {
		Answer ballots.Answer `cbor:"1,keyasint"`
		// Scan is the scanned paper of an answer recorded on a member's
		// behalf (PDF, PNG or JPEG, at most MaxScan bytes).
		Scan []byte `cbor:"2,keyasint,omitempty"`
	}
	// BallotClose closes a ballot.
	BallotClose struct {
		BallotID string `cbor:"1,keyasint"`
	}
	// DeviceEnroll lets a member's device sign operations: the secretariat
	// (and, with sync, the hub) vouches that the key belongs to the member.
	DeviceEnroll struct {
		MemberID string `cbor:"1,keyasint"`
		PubKey   []byte `cbor:"2,keyasint"`
	}
	// BallotRemind asks the members who have not answered to answer.
	BallotRemind struct {
		BallotID string `cbor:"1,keyasint"`
		Message  string `cbor:"2,keyasint,omitempty"`
	}
	// BallotResult is the hub's signed result of a closed ballot, with the
	// accepted answers it counted, so that every replica can check it.
	BallotResult struct {
		BallotID    string         `cbor:"1,keyasint"`
		Answers     []PulledAnswer `cbor:"2,keyasint"`
		AnswersHash []byte         `cbor:"3,keyasint"`
		Standing    string         `cbor:"4,keyasint"`
		Counts      map[string]int `cbor:"5,keyasint"`
		Reason      string         `cbor:"6,keyasint,omitempty"`
		ClosedAt    time.Time      `cbor:"7,keyasint"`
	}
	// PulledAnswer is an accepted answer as the hub's log holds it.
	PulledAnswer struct {
		HubSeq uint64    `cbor:"1,keyasint"`
		Op     []byte    `cbor:"2,keyasint"`
		At     time.Time `cbor:"3,keyasint"`
	}
	// ConsentMark is a member's mark on an agenda item before a session.
	ConsentMark struct {
		MeetingID string               `cbor:"1,keyasint"`
		ItemID    string               `cbor:"2,keyasint"`
		Mark      meetings.ConsentMark `cbor:"3,keyasint"`
	}
	// ConsentAdopt adopts agenda items without objection as one block.
	ConsentAdopt struct {
		MeetingID string   `cbor:"1,keyasint"`
		ItemIDs   []string `cbor:"2,keyasint"`
	}
	// MeetingConclusion sets the conclusion recorded on one agenda item
	// (empty clears it).
	MeetingConclusion struct {
		MeetingID string `cbor:"1,keyasint"`
		ItemID    string `cbor:"2,keyasint"`
		Text      string `cbor:"3,keyasint,omitempty"`
	}
	// MeetingFinalise finalises a closed meeting's minutes.
	MeetingFinalise struct {
		MeetingID string `cbor:"1,keyasint"`
	}
	// BodyPut creates or renames a body (the organisation's secretariat).
	BodyPut struct {
		Body meetings.Body `cbor:"1,keyasint"`
	}
	// MeetingAudience sets who a meeting is for: its participants (empty:
	// every voting member of its body) and whether it is restricted (mật:
	// only they and the body's secretariat receive it).
	MeetingAudience struct {
		MeetingID    string   `cbor:"1,keyasint"`
		Participants []string `cbor:"2,keyasint,omitempty"`
		Restricted   bool     `cbor:"3,keyasint,omitempty"`
	}
	// RecordReveal gives the members To the current state of a record they
	// have just joined the audience of: its stored bytes (Entity is its
	// store key, "meeting/<id>"), and the signed operations hanging from it
	// that they may see (answers, consent marks, reminders, the result), in
	// hub order, which their devices apply as the hub ordered them.
	RecordReveal struct {
		To      []string       `cbor:"1,keyasint"`
		Entity  string         `cbor:"2,keyasint"`
		Value   []byte         `cbor:"3,keyasint"`
		Hanging []PulledAnswer `cbor:"4,keyasint,omitempty"`
		// Queue and Done are the hub's own bookkeeping, which devices
		// ignore: a reveal a membership change owed beyond its own
		// transaction (core/reveal.go) names the queue item it comes from
		// (the change's hub position) and how many of that item's records
		// it settles (the skipped ones before it included). Replaying the
		// op advances the queue exactly as making it did, so that a hub
		// process that replays another's log neither makes that reveal
		// again nor loses the rest. A reveal with no To settles records
		// none of which was still owed.
		Queue uint64 `cbor:"5,keyasint,omitempty"`
		Done  int    `cbor:"6,keyasint,omitempty"`
	}
	// RecordWithdraw tells the devices of the members To that they may no
	// longer see the records Entities: they remove them and what hangs
	// from them.
	RecordWithdraw struct {
		To       []string `cbor:"1,keyasint"`
		Entities []string `cbor:"2,keyasint"`
	}
	// BallotProgress is how many of a ballot's eligible members have
	// answered so far, as the hub counted after an answer (no names).
	BallotProgress struct {
		BallotID string `cbor:"1,keyasint"`
		Answered int    `cbor:"2,keyasint"`
		Of       int    `cbor:"3,keyasint"`
	}
	// PaperAdd attaches a paper with its first version. The paper's
	// Lineage is zero here: the key travels only in Keys, wrapped to each
	// device on its list (papers/wrap.go), so the hub that logs the op
	// cannot open the paper's chunks.
	PaperAdd struct {
		Paper papers.Paper        `cbor:"1,keyasint"`
		Keys  []papers.WrappedKey `cbor:"2,keyasint"`
	}
	// PaperEdit changes a paper's title, marking, export and list; Keys
	// wrap the lineage key for devices on the new list that had none.
	PaperEdit struct {
		PaperID       string              `cbor:"1,keyasint"`
		Title         string              `cbor:"2,keyasint"`
		Marking       papers.Marking      `cbor:"3,keyasint"`
		ExportAllowed bool                `cbor:"4,keyasint,omitempty"`
		Distribution  papers.Distribution `cbor:"5,keyasint"`
		Keys          []papers.WrappedKey `cbor:"6,keyasint,omitempty"`
	}
	// PaperVersion replaces a paper's file with a new version (its number
	// is the next one); Keys as for PaperEdit.
	PaperVersion struct {
		PaperID string              `cbor:"1,keyasint"`
		Version papers.Version      `cbor:"2,keyasint"`
		Keys    []papers.WrappedKey `cbor:"3,keyasint,omitempty"`
	}
	// PaperRecall withdraws a paper: devices drop its chunks at their next
	// sync and the hub serves them to nobody.
	PaperRecall struct {
		PaperID string `cbor:"1,keyasint"`
	}
	// PaperRewrap wraps a paper's lineage key for devices that have none:
	// devices of members on its list enrolled since its last add, edit or
	// version. It changes nothing else of the paper, so it never races an
	// edit; a wrap for a device that already has one is passed over.
	PaperRewrap struct {
		PaperID string              `cbor:"1,keyasint"`
		Keys    []papers.WrappedKey `cbor:"2,keyasint"`
	}
	// PaperRead records that the op's member opened version Version of a
	// paper for the first time, at the op's signed time.
	PaperRead struct {
		PaperID string `cbor:"1,keyasint"`
		Version int    `cbor:"2,keyasint"`
	}
	// BallotExtend moves a ballot's deadline later.
	BallotExtend struct {
		BallotID string    `cbor:"1,keyasint"`
		Deadline time.Time `cbor:"2,keyasint"`
	}
)

// The bodies of private notes. The author is the op's member; nothing of a
// note but its ID, its key's ID and its size is readable outside the
// author's devices (papers/notekey.go).
type (
	// NoteKey publishes wraps of the author's note key (papers.NoteKey.ID
	// KeyID) for some of their devices: the first note's device makes the
	// key, and any device holding it adds wraps for devices enrolled later.
	NoteKey struct {
		KeyID string              `cbor:"1,keyasint"`
		Keys  []papers.WrappedKey `cbor:"2,keyasint"`
	}
	// NotePut makes or replaces a note: papers.SealNote under the key KeyID.
	NotePut struct {
		NoteID string `cbor:"1,keyasint"`
		KeyID  string `cbor:"2,keyasint"`
		Sealed []byte `cbor:"3,keyasint"`
	}
	// NoteDelete deletes a note for good (a later put of it is refused).
	NoteDelete struct {
		NoteID string `cbor:"1,keyasint"`
	}
)
