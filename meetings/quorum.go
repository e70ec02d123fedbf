package meetings

// DefaultQuorum is two thirds: the Government Working Regulation requires two
// thirds of members present for a session.
var DefaultQuorum = Fraction{Num: 2, Den: 3}

// Valid reports whether f can be used as a quorum: 0/0 means "no quorum",
// otherwise 0 < Num ≤ Den. Anything else (a negative part, a zero
// denominator, more than the whole) is a configuration mistake.
func (f Fraction) Valid() bool {
	if f.Num == 0 && f.Den == 0 {
		return true
	}
	return f.Num > 0 && f.Den > 0 && f.Num <= f.Den
}

// IsZero reports whether f is the "no quorum" value.
func (f Fraction) IsZero() bool { return f.Num == 0 && f.Den == 0 }

// Needed returns the smallest integer k with k/n ≥ f, that is ⌈f·n⌉, in exact
// integer arithmetic so that two thirds of 21 is 14 and not 14.000000001
// rounded up. The zero Fraction, and any fraction with a non-positive part,
// needs nothing.
func (f Fraction) Needed(n int) int {
	if f.Num <= 0 || f.Den <= 0 || n <= 0 {
		return 0
	}
	return (f.Num*n + f.Den - 1) / f.Den
}

// QuorumStatus is the attendance of a session measured against its quorum.
type QuorumStatus struct {
	// Present is how many of the Voters are recorded as attending.
	Present int `json:"present"`
	// Voters is how many voting members are invited to the meeting.
	Voters int `json:"voters"`
	// Needed is how many of them must attend.
	Needed int `json:"needed"`
	// Met reports Present ≥ Needed.
	Met bool `json:"met"`
}

// Quorum measures the meeting's attendance against quorum q. Only voting
// members count (chair and members, not removed; secretaries and guests
// attend but do not make the quorum), and only those invited (every voter
// when Participants is empty). Duplicate IDs in members, Participants or
// Present are counted once.
func Quorum(m Meeting, members []Member, q Fraction) QuorumStatus {
	invited := idSet(m.Participants)
	present := idSet(m.Present)
	counted := make(map[string]bool)
	var s QuorumStatus
	for _, v := range Voters(members) {
		if counted[v.ID] || (len(m.Participants) > 0 && !invited[v.ID]) {
			continue
		}
		counted[v.ID] = true
		s.Voters++
		if present[v.ID] {
			s.Present++
		}
	}
	s.Needed = q.Needed(s.Voters)
	s.Met = s.Present >= s.Needed
	return s
}

// idSet turns a list of IDs into a set.
func idSet(ids []string) map[string]bool {
	set := make(map[string]bool, len(ids))
	for _, id := range ids {
		set[id] = true
	}
	return set
}
