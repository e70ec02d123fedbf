package ballots

import "time"

// Choice is the key of an answer option. The Vietnamese preset offers
// ChoiceAgree, ChoiceDisagree and ChoiceOther (Đồng ý / Không đồng ý /
// Ý kiến khác); councils that use a blank ballot add ChoiceBlank.
type Choice string

// The known choices. Only agree and disagree take a side; other and blank
// are answers received that take no side.
const (
	ChoiceAgree    Choice = "agree"
	ChoiceDisagree Choice = "disagree"
	ChoiceOther    Choice = "other"
	ChoiceBlank    Choice = "blank"
)

// Option is one answer a ballot offers, with the label shown to members.
type Option struct {
	Choice Choice `cbor:"1,keyasint" json:"choice"`
	Label  string `cbor:"2,keyasint" json:"label"`
}

// Status is where a ballot is in its lifecycle: draft → open → closed.
type Status string

// Ballot statuses.
const (
	StatusDraft  Status = "draft"
	StatusOpen   Status = "open"
	StatusClosed Status = "closed"
)

// Ballot is a written opinion ballot (phiếu lấy ý kiến).
type Ballot struct {
	ID       string `cbor:"1,keyasint" json:"id"`
	Title    string `cbor:"2,keyasint" json:"title"`
	Question string `cbor:"3,keyasint" json:"question"`
	// MeetingID and AgendaItemID optionally tie the ballot to an agenda item.
	MeetingID    string    `cbor:"4,keyasint,omitempty" json:"meeting_id,omitempty"`
	AgendaItemID string    `cbor:"5,keyasint,omitempty" json:"agenda_item_id,omitempty"`
	Options      []Option  `cbor:"6,keyasint" json:"options"`
	Deadline     time.Time `cbor:"7,keyasint" json:"deadline"`
	// Eligible lists the member IDs who may answer; they are the "all
	// members" of the denominator.
	Eligible []string `cbor:"8,keyasint" json:"eligible"`
	// ChairID is the member whose side wins an exact split, when the policy
	// says the chair breaks ties.
	ChairID string `cbor:"9,keyasint,omitempty" json:"chair_id,omitempty"`
	Policy  Policy `cbor:"10,keyasint" json:"policy"`
	Status  Status `cbor:"11,keyasint" json:"status"`
	// ClosedAt is when the ballot closed (zero while open).
	ClosedAt time.Time `cbor:"12,keyasint,omitempty" json:"closed_at,omitzero"`
	Rev      uint64    `cbor:"13,keyasint" json:"rev"`
	// Body is the body the ballot is put to ("" for one made before
	// bodies: the main body, meetings.BodyOf); its members are who "all
	// members" and the chair are drawn from.
	Body string `cbor:"14,keyasint,omitempty" json:"body,omitempty"`
	// Progress is what members who do not see every answer (neither the
	// chair nor the secretariat) learn of the others while the ballot is
	// open: nothing (ProgressHidden, also the zero value) or the hub's
	// running count without names (ProgressCount). The secretariat
	// chooses at issue; the signed result at close shows everything.
	Progress Progress `cbor:"20,keyasint,omitempty" json:"progress,omitempty"`
}

// Progress is a ballot's setting of what members see of the others'
// answers while it is open.
type Progress string

// The progress settings.
const (
	ProgressHidden Progress = "hidden"
	ProgressCount  Progress = "count"
)

// Valid reports whether p is a known setting ("" reads as hidden).
func (p Progress) Valid() bool { return p == "" || p == ProgressHidden || p == ProgressCount }

// Answer is one member's answer to a ballot. Answers are immutable: a member
// who changes their mind gives a new answer, and the one with the highest Seq
// counts.
type Answer struct {
	ID       string    `cbor:"1,keyasint" json:"id"`
	BallotID string    `cbor:"2,keyasint" json:"ballot_id"`
	MemberID string    `cbor:"3,keyasint" json:"member_id"`
	Choice   Choice    `cbor:"4,keyasint" json:"choice"`
	Comment  string    `cbor:"5,keyasint,omitempty" json:"comment,omitempty"`
	At       time.Time `cbor:"6,keyasint" json:"at"`
	// Seq orders a member's answers: the local journal sequence on the device,
	// and later the hub's order. Higher wins.
	Seq uint64 `cbor:"7,keyasint" json:"seq"`
	// ReceivedAt is when the hub received the answer (zero until it has).
	// It is the hub's word, recorded in its log, not part of what the member
	// signed.
	ReceivedAt time.Time `cbor:"8,keyasint,omitempty" json:"received_at,omitzero"`
	// Paper marks an answer given on paper and recorded by the secretariat
	// (RecordedBy) on the member's behalf; ScanSHA256 identifies the scan of
	// the paper, when one was attached.
	Paper      bool   `cbor:"9,keyasint,omitempty" json:"paper,omitempty"`
	RecordedBy string `cbor:"10,keyasint,omitempty" json:"recorded_by,omitempty"`
	ScanSHA256 []byte `cbor:"11,keyasint,omitempty" json:"scan_sha256,omitempty"`
	// Papers names the version of each of the ballot's papers that was
	// current when the answer was given (paper ID → version number), so
	// the record says what the member answered on.
	Papers map[string]int `cbor:"12,keyasint,omitempty" json:"papers,omitempty"`
}

// IsLate reports whether an answer came after the ballot's deadline under
// its policy. Before the hub has received it, the device's time stands in
// for the reception time.
func (b Ballot) IsLate(a Answer) bool {
	received := a.ReceivedAt
	if received.IsZero() {
		received = a.At
	}
	switch b.Policy.Lateness {
	case LatenessDeviceTime:
		return a.At.After(b.Deadline) || received.After(b.Deadline.Add(b.Policy.Grace))
	default:
		return received.After(b.Deadline)
	}
}
