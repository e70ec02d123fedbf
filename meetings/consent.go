package meetings

import "slices"

// ConsentMark is what a member says about one agenda item before a session,
// in the manner of the Estonian e-Cabinet's consent agenda: items nobody
// objects to or wants to speak on can be adopted together, without debate.
type ConsentMark string

// Consent marks.
const (
	ConsentNoObjection ConsentMark = "no_objection"
	ConsentSpeak       ConsentMark = "speak"
	ConsentObject      ConsentMark = "object"
)

// Valid reports whether m is a known mark.
func (m ConsentMark) Valid() bool {
	return m == ConsentNoObjection || m == ConsentSpeak || m == ConsentObject
}

// ConsentTally counts the marks on one agenda item.
type ConsentTally struct {
	ItemID      string `json:"item_id"`
	NoObjection int    `json:"no_objection"`
	Speak       int    `json:"speak"`
	Object      int    `json:"object"`
	Unmarked    int    `json:"unmarked"`
	// Adoptable: no one objects and no one asked to speak.
	Adoptable bool `json:"adoptable"`
}

// SummarizeConsent counts, for each agenda item in order, the voters' marks
// (marks maps item ID → member ID → mark; marks of non-voters are ignored).
func SummarizeConsent(m Meeting, members []Member, marks map[string]map[string]ConsentMark) []ConsentTally {
	voters := map[string]bool{}
	for _, v := range Voters(members) {
		if len(m.Participants) == 0 || slices.Contains(m.Participants, v.ID) {
			voters[v.ID] = true
		}
	}
	out := make([]ConsentTally, 0, len(m.Agenda))
	for _, it := range m.Agenda {
		t := ConsentTally{ItemID: it.ID}
		for id := range voters {
			switch marks[it.ID][id] {
			case ConsentNoObjection:
				t.NoObjection++
			case ConsentSpeak:
				t.Speak++
			case ConsentObject:
				t.Object++
			default:
				t.Unmarked++
			}
		}
		t.Adoptable = !it.Adopted && t.Object == 0 && t.Speak == 0
		out = append(out, t)
	}
	return out
}

// AdoptItems marks the given agenda items adopted as one block. Items
// already adopted are refused, and so is an empty block.
func (m *Meeting) AdoptItems(ids []string) error {
	if err := m.editable(); err != nil {
		return err
	}
	if len(ids) == 0 {
		return NewError("err.consent.nothing_to_adopt", "items")
	}
	agenda := slices.Clone(m.Agenda)
	for _, id := range ids {
		i := m.itemIndex(id)
		if i < 0 {
			return itemNotFound(id)
		}
		if agenda[i].Adopted {
			return NewError("err.consent.already_adopted", "items")
		}
		agenda[i].Adopted = true
	}
	m.Agenda = agenda
	return nil
}

// Errors the application core raises with consent marks and in-meeting votes.
var (
	// ErrConsentMarkInvalid: not one of the three marks.
	ErrConsentMarkInvalid = &Error{Code: "err.consent.mark_invalid", Field: "mark"}
	// ErrConsentNotAdoptable: an item in the block has an objection or a
	// request to speak.
	ErrConsentNotAdoptable = &Error{Code: "err.consent.not_adoptable", Field: "items"}
	// ErrNoQuorum: too few voters are present to vote.
	ErrNoQuorum = &Error{Code: "err.meeting.no_quorum"}
)
