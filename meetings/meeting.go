package meetings

import "time"

// Status is where a meeting is in its lifecycle.
type Status string

// Meeting statuses, in lifecycle order.
const (
	StatusDraft     Status = "draft"
	StatusPublished Status = "published"
	StatusInSession Status = "in_session"
	StatusClosed    Status = "closed"
)

// AgendaItem is one item of a meeting's agenda. Its order is its position in
// Meeting.Agenda.
type AgendaItem struct {
	ID        string `cbor:"1,keyasint" json:"id"`
	Title     string `cbor:"2,keyasint" json:"title"`
	Presenter string `cbor:"3,keyasint,omitempty" json:"presenter,omitempty"`
	Minutes   int    `cbor:"4,keyasint,omitempty" json:"minutes,omitempty"`
	// Adopted: adopted without debate as part of the consent agenda.
	Adopted bool `cbor:"5,keyasint,omitempty" json:"adopted,omitempty"`
	// Conclusion is what the secretary records as concluded on the item,
	// for the minutes (SetConclusion).
	Conclusion string `cbor:"6,keyasint,omitempty" json:"conclusion,omitempty"`
}

// Meeting is a dated session of the committee.
type Meeting struct {
	ID    string    `cbor:"1,keyasint" json:"id"`
	Title string    `cbor:"2,keyasint" json:"title"`
	Start time.Time `cbor:"3,keyasint" json:"start"`
	Place string    `cbor:"4,keyasint,omitempty" json:"place,omitempty"`
	// Participants are the member IDs invited; empty means every voter.
	Participants []string     `cbor:"5,keyasint,omitempty" json:"participants,omitempty"`
	Status       Status       `cbor:"6,keyasint" json:"status"`
	Agenda       []AgendaItem `cbor:"7,keyasint,omitempty" json:"agenda"`
	// Present holds the member IDs recorded as attending.
	Present []string `cbor:"8,keyasint,omitempty" json:"present,omitempty"`
	// Rev counts the edits applied; an edit names the revision it was based on.
	Rev uint64 `cbor:"9,keyasint" json:"rev"`
	// Finalised is when the minutes were finalised (zero: not yet); from
	// then on the conclusions no longer change.
	Finalised time.Time `cbor:"10,keyasint,omitempty" json:"finalised,omitzero"`
	// Body is the body the meeting is a session of ("" for one made before
	// bodies: MainBody, see BodyOf).
	Body string `cbor:"11,keyasint,omitempty" json:"body,omitempty"`
	// Restricted (mật): only its participants and the body's secretariat
	// receive the meeting.
	Restricted bool `cbor:"12,keyasint,omitempty" json:"restricted,omitempty"`
}

// Fraction is a/b with small integers, used for quorums. The zero value
// means "no quorum".
type Fraction struct {
	Num int `cbor:"1,keyasint" json:"num"`
	Den int `cbor:"2,keyasint" json:"den"`
}
