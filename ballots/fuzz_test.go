package ballots_test

import (
	"fmt"
	"math/rand/v2"
	"reflect"
	"testing"
	"time"

	"github.com/ecabinet/ecabinet/ballots"
)

// fuzzBallot decodes a ballot and its answers from fuzz input: up to 40
// eligible members, any valid policy, a chair or none, a blank option or
// not, and answers from eligible and ineligible members, for this ballot or
// another, with offered and unoffered choices.
func fuzzBallot(n, pol, chair uint8, data []byte) (ballots.Ballot, []ballots.Answer) {
	policies := allPolicies()
	p := policies[int(pol)%len(policies)]
	b := newBallot(int(n)%41, p)
	if pol&0x80 != 0 {
		b.Options = append(b.Options, ballots.Option{Choice: ballots.ChoiceBlank, Label: "Phiếu trắng"})
	}
	if len(b.Eligible) > 0 {
		b.ChairID = b.Eligible[int(chair)%len(b.Eligible)]
	}
	choices := []ballots.Choice{A, D, O, ballots.ChoiceBlank, "bogus"}
	var ans []ballots.Answer
	for i := 0; i+2 < len(data) && len(ans) < 120; i += 3 {
		who, what, seq := data[i], data[i+1], data[i+2]
		a := ballots.Answer{
			ID:       fmt.Sprintf("a%d", i),
			BallotID: "b1",
			MemberID: member(int(who) % (len(b.Eligible) + 2)), // some are not eligible
			Choice:   choices[int(what)%len(choices)],
			Seq:      uint64(seq % 8),
			At:       t0.Add(time.Duration(what/8) * time.Minute),
		}
		if what >= 250 {
			a.BallotID = "b2"
		}
		ans = append(ans, a)
	}
	return b, ans
}

// FuzzTallyInvariants checks the rule engine's invariants on random ballots:
//  1. the result does not depend on the order of the answers;
//  2. one member switching to agree (or answering agree) never turns passed
//     into rejected, for closed ballots and for open standings;
//  3. CanStillPass || CanStillFail;
//  4. closing an open ballot gives an outcome its open standing allowed;
//  5. the counts add up to Answered, and Answered + Unanswered = Members;
//
// and, for few unanswered members, that CanStillPass / CanStillFail match a
// brute-force enumeration of every member's every answer.
func FuzzTallyInvariants(f *testing.F) {
	f.Add(uint8(4), uint8(0), uint8(0), []byte{0, 0, 1, 1, 0, 1, 2, 1, 1, 3, 1, 1}, uint64(1))
	f.Add(uint8(20), uint8(5), uint8(3), []byte{0, 0, 1, 1, 0, 1, 2, 1, 1, 3, 1, 1, 3, 0, 2, 4, 0, 2}, uint64(7))
	f.Add(uint8(40), uint8(0x83), uint8(39), []byte{}, uint64(3))
	f.Add(uint8(0), uint8(1), uint8(0), []byte{0, 0, 0}, uint64(0))
	f.Fuzz(func(t *testing.T, n, pol, chair uint8, data []byte, seed uint64) {
		b, ans := fuzzBallot(n, pol, chair, data)
		rng := rand.New(rand.NewPCG(seed, seed>>1|1))
		closed := b
		closed.Status = ballots.StatusClosed
		for _, bb := range []ballots.Ballot{b, closed} {
			r := ballots.Tally(bb, ans)

			// 1. Order does not matter.
			shuffled := append([]ballots.Answer(nil), ans...)
			rng.Shuffle(len(shuffled), func(i, j int) { shuffled[i], shuffled[j] = shuffled[j], shuffled[i] })
			if r2 := ballots.Tally(bb, shuffled); !reflect.DeepEqual(r, r2) {
				t.Fatalf("order changed the result:\n%+v\n%+v", r, r2)
			}

			// 3. Something can always still happen.
			if !r.CanStillPass && !r.CanStillFail {
				t.Fatalf("neither pass nor fail possible: %+v", r)
			}
			if bb.Status == ballots.StatusClosed && r.Standing == ballots.StandingOpen {
				t.Fatalf("closed ballot still open: %+v", r)
			}
			if (r.Standing == ballots.StandingPassed) != !r.CanStillFail || (r.Standing == ballots.StandingRejected) != !r.CanStillPass {
				t.Fatalf("standing disagrees with CanStill*: %+v", r)
			}

			// 5. Counts add up.
			sum := 0
			for _, c := range r.Counts {
				sum += c
			}
			if sum != r.Answered || r.Answered+r.Unanswered != r.Members || r.Members != len(bb.Eligible) {
				t.Fatalf("counts do not add up: %+v", r)
			}

			// 2. Agreeing never hurts.
			if len(bb.Eligible) > 0 {
				who := bb.Eligible[rng.IntN(len(bb.Eligible))]
				more := append(append([]ballots.Answer(nil), ans...),
					ballots.Answer{ID: "agree", BallotID: "b1", MemberID: who, Choice: A, Seq: 99, At: t0})
				r2 := ballots.Tally(bb, more)
				if r.Standing == ballots.StandingPassed && r2.Standing != ballots.StandingPassed {
					t.Fatalf("%s switching to agree turned passed into %s:\n%+v\n%+v", who, r2.Standing, r, r2)
				}
				if r.CanStillPass && !r2.CanStillPass {
					t.Fatalf("%s switching to agree made passing impossible:\n%+v\n%+v", who, r, r2)
				}
			}
		}

		// 4. Closing gives an outcome the open standing allowed.
		open := ballots.Tally(b, ans)
		final := ballots.Tally(closed, ans)
		if (final.Standing == ballots.StandingPassed && !open.CanStillPass) ||
			(final.Standing == ballots.StandingRejected && !open.CanStillFail) {
			t.Fatalf("closing gave %s, but open said %+v", final.Standing, open)
		}

		// The enumeration over counts agrees with trying every member.
		if open.Unanswered <= 4 && len(b.Eligible) <= 12 {
			cur := make([]ballots.Choice, len(b.Eligible))
			eff := ballots.Effective(validAnswers(b, ans))
			for i, id := range b.Eligible {
				cur[i] = eff[id].Choice
			}
			checkAgainstBruteForce(t, b, cur)
		}
	})
}

// validAnswers keeps the answers Tally would count.
func validAnswers(b ballots.Ballot, ans []ballots.Answer) []ballots.Answer {
	var out []ballots.Answer
	for _, a := range ans {
		if a.BallotID == b.ID && b.IsEligible(a.MemberID) && b.Offers(a.Choice) {
			out = append(out, a)
		}
	}
	return out
}
