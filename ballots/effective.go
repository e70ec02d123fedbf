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
