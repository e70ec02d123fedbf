package ballots

import "strings"

// Effective returns, per member ID, the answer that counts: a member who
// changes their mind gives a new answer, and the greatest one wins, compared
// by Seq (the hub's order, or the device's journal order before sync), then
// At, then ID. The remaining fields break any further tie, so the result
// never depends on the order of the slice, which differs between replicas.
//
// It neither filters by ballot nor by eligibility: pass one ballot's
// answers; Tally does the filtering.
func Effective(answers []Answer) map[string]Answer {
	return effectiveWhere(answers, nil)
}

// Counted returns, per member ID, the answer of b that counts: of the
// answers to b from its eligible members with a choice b offers and not late
// under its policy, the effective one. It is the rule Tally counts by;
// everything that lists "the answers that count" uses it, so a listing never
// disagrees with the count.
func Counted(b Ballot, answers []Answer) map[string]Answer {
	return counted(b, eligibleSet(b), answers)
}

// counted is Counted with the set of b's eligible members already made.
func counted(b Ballot, eligible map[string]bool, answers []Answer) map[string]Answer {
	return effectiveWhere(answers, func(a *Answer) bool {
		return a.BallotID == b.ID && eligible[a.MemberID] && b.Offers(a.Choice) && !b.IsLate(*a)
	})
}

// eligibleSet is b's eligible members as a set (duplicates and "" dropped).
func eligibleSet(b Ballot) map[string]bool {
	eligible := make(map[string]bool, len(b.Eligible))
	for _, id := range b.Eligible {
		if id != "" {
			eligible[id] = true
		}
	}
	return eligible
}

// effectiveWhere is Effective over the answers keep accepts (all if nil), so
// Tally can filter without copying the slice.
func effectiveWhere(answers []Answer, keep func(*Answer) bool) map[string]Answer {
	out := make(map[string]Answer)
	for i := range answers {
		a := &answers[i]
		if keep != nil && !keep(a) {
			continue
		}
		if cur, ok := out[a.MemberID]; !ok || later(a, &cur) {
			out[a.MemberID] = *a
		}
	}
	return out
}

// later reports whether a supersedes b.
func later(a, b *Answer) bool {
	if a.Seq != b.Seq {
		return a.Seq > b.Seq
	}
	if c := a.At.Compare(b.At); c != 0 {
		return c > 0
	}
	for _, p := range [][2]string{
		{a.ID, b.ID},
		{string(a.Choice), string(b.Choice)},
		{a.Comment, b.Comment},
		{a.BallotID, b.BallotID},
	} {
		if c := strings.Compare(p[0], p[1]); c != 0 {
			return c > 0
		}
	}
	return false
}
