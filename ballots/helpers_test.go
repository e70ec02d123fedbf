package ballots_test

import (
	"fmt"
	"time"

	"github.com/ecabinet/ecabinet/ballots"
)

// t0 is a fixed moment the tests measure time from.
var t0 = time.Date(2023, 7, 19, 8, 0, 0, 0, time.UTC)

// newBallot returns a valid open ballot with n eligible members m0..m(n-1),
// m0 the chair, under policy p.
func newBallot(n int, p ballots.Policy) ballots.Ballot {
	b := ballots.Ballot{
		ID:       "b1",
		Title:    "Phiếu lấy ý kiến thành viên Chính phủ",
		Question: "Đồng ý thông qua dự thảo Nghị định?",
		Options:  ballots.VietnameseOptions(),
		Deadline: t0.Add(72 * time.Hour),
		Policy:   p,
		Status:   ballots.StatusOpen,
	}
	for i := range n {
		b.Eligible = append(b.Eligible, member(i))
	}
	if n > 0 {
		b.ChairID = member(0)
	}
	return b
}

// member is the ID of the i-th member.
func member(i int) string { return fmt.Sprintf("m%d", i) }

// answers builds answers for ballot b1 from a compact spec: one choice per
// member, in member order; "" skips the member. Seq is 1.
func answers(choices ...ballots.Choice) []ballots.Answer {
	var out []ballots.Answer
	for i, c := range choices {
		if c == "" {
			continue
		}
		out = append(out, ballots.Answer{
			ID: fmt.Sprintf("a%d", i), BallotID: "b1", MemberID: member(i),
			Choice: c, At: t0.Add(time.Duration(i) * time.Minute), Seq: 1,
		})
	}
	return out
}

// repeat returns n copies of c.
func repeat(c ballots.Choice, n int) []ballots.Choice {
	out := make([]ballots.Choice, n)
	for i := range out {
		out[i] = c
	}
	return out
}

// concat joins choice lists.
func concat(lists ...[]ballots.Choice) []ballots.Choice {
	var out []ballots.Choice
	for _, l := range lists {
		out = append(out, l...)
	}
	return out
}

// Short names for choices in tables.
const (
	A  = ballots.ChoiceAgree
	D  = ballots.ChoiceDisagree
	O  = ballots.ChoiceOther
	No = ballots.Choice("")
)

// policy returns a preset, panicking if it is missing.
func policy(name string) ballots.Policy {
	p, ok := ballots.PolicyByName(name)
	if !ok {
		panic(name)
	}
	return p
}

// with returns p changed by f.
func with(p ballots.Policy, f func(p *ballots.Policy)) ballots.Policy {
	f(&p)
	return p
}
