package ballots_test

import (
	"maps"
	"strconv"
	"testing"

	"github.com/ecabinet/ecabinet/ballots"
)

func TestTally_Closed(t *testing.T) {
	vn := policy(ballots.PresetVNGovernment)
	noTie := with(vn, func(p *ballots.Policy) { p.TieBreaker = ballots.TieBreakNone })
	vnSilenceAgrees := with(vn, func(p *ballots.Policy) { p.NonResponse = ballots.NonResponseAgree })
	simple := policy(ballots.PresetSimpleMajority)
	twoThirds := policy(ballots.PresetTwoThirds)
	twoThirdsOfAnswers := with(twoThirds, func(p *ballots.Policy) { p.Denominator = ballots.DenominatorAnswers })

	tests := []struct {
		name    string
		n       int
		p       ballots.Policy
		choices []ballots.Choice // member i's answer; m0 is the chair
		want    ballots.Standing
		reason  string
	}{
		// Ties and the chair.
		{"given 2 of 4 agree with the chair when closed then the chair's side passes", 4, vn,
			[]ballots.Choice{A, A, D, D}, ballots.StandingPassed, "chair_tiebreak"},
		{"given 2 of 4 agree against the chair when closed then the chair's side rejects", 4, vn,
			[]ballots.Choice{D, A, A, D}, ballots.StandingRejected, "chair_tiebreak"},
		{"given 2 of 4 agree and no tie-break when closed then rejected", 4, noTie,
			[]ballots.Choice{A, A, D, D}, ballots.StandingRejected, "threshold_not_met"},
		{"given the chair answered other in a 2 of 4 tie when closed then rejected", 4, vn,
			[]ballots.Choice{O, A, A, D}, ballots.StandingRejected, "chair_tiebreak"},
		{"given a silent chair in a 2 of 4 tie when closed then rejected", 4, vn,
			[]ballots.Choice{No, A, A, D}, ballots.StandingRejected, "chair_tiebreak"},
		{"given 3 of 4 agree when closed then passed by threshold, not tie", 4, vn,
			[]ballots.Choice{D, A, A, A}, ballots.StandingPassed, "threshold_met"},
		{"given 10 of 20 agree with the chair, 9 disagree when closed then passed (monotone tie)", 20, vn,
			concat(repeat(A, 10), repeat(D, 9), []ballots.Choice{No}), ballots.StandingPassed, "chair_tiebreak"},
		{"given 9 agree with the chair, 9 disagree of 20 when closed then rejected (not half of all)", 20, vn,
			concat(repeat(A, 9), repeat(D, 9), repeat(No, 2)), ballots.StandingRejected, "threshold_not_met"},
		{"given an odd N when 3 of 5 agree then passed", 5, vn,
			[]ballots.Choice{D, A, A, A, D}, ballots.StandingPassed, "threshold_met"},

		// Non-response.
		{"given silence counts as agree when 1 agrees, 1 disagrees, 3 silent then passed", 5, vnSilenceAgrees,
			[]ballots.Choice{A, D}, ballots.StandingPassed, "threshold_met"},
		{"given silence counts as nothing when 1 agrees, 1 disagrees, 3 silent then rejected", 5, vn,
			[]ballots.Choice{A, D}, ballots.StandingRejected, "threshold_not_met"},
		{"given silence counts as agree and a silent chair in a tie then the chair counts as agree", 4, vnSilenceAgrees,
			[]ballots.Choice{No, A, D, D}, ballots.StandingPassed, "chair_tiebreak"},
		{"given silence counts as agree when nobody answers then passed", 3, vnSilenceAgrees,
			nil, ballots.StandingPassed, "threshold_met"},

		// Quorum (simple-majority: half must answer; 10 members need 5, 9 need 5).
		{"given 10 members and exactly 5 answers when closed then quorum met", 10, simple,
			[]ballots.Choice{A, A, A, D, O}, ballots.StandingPassed, "threshold_met"},
		{"given 10 members and 4 answers when closed then quorum not met", 10, simple,
			[]ballots.Choice{A, A, A, A}, ballots.StandingRejected, "quorum_not_met"},
		{"given 9 members and 4 answers when closed then quorum not met (ceil 4.5)", 9, simple,
			[]ballots.Choice{A, A, A, A}, ballots.StandingRejected, "quorum_not_met"},
		{"given 9 members and 5 answers when closed then quorum met", 9, simple,
			[]ballots.Choice{A, A, A, A, D}, ballots.StandingPassed, "threshold_met"},

		// Answers-received denominator.
		{"given 3 agree of 6 answers when closed then not more than half", 10, simple,
			[]ballots.Choice{A, A, A, D, D, O}, ballots.StandingRejected, "threshold_not_met"},
		{"given 4 agree of 6 answers when closed then passed although 4 of 10 members", 10, simple,
			[]ballots.Choice{A, A, A, A, D, O}, ballots.StandingPassed, "threshold_met"},
		{"given other answers when closed then they count in the denominator", 6, simple,
			[]ballots.Choice{A, A, O, O}, ballots.StandingRejected, "threshold_not_met"},

		// Two thirds.
		{"given 6 of 9 agree when closed then exactly two thirds passes", 9, twoThirds,
			repeat(A, 6), ballots.StandingPassed, "threshold_met"},
		{"given 5 of 9 agree when closed then rejected", 9, twoThirds,
			concat(repeat(A, 5), repeat(D, 4)), ballots.StandingRejected, "threshold_not_met"},
		{"given 2 of 3 agree when closed then passed", 3, twoThirds,
			[]ballots.Choice{D, A, A}, ballots.StandingPassed, "threshold_met"},
		{"given 13 of 20 agree when closed then rejected (needs 14)", 20, twoThirds,
			repeat(A, 13), ballots.StandingRejected, "threshold_not_met"},
		{"given two thirds of answers and no answers when closed then rejected", 5, twoThirdsOfAnswers,
			nil, ballots.StandingRejected, "threshold_not_met"},
		{"given two thirds of answers when 2 of 3 answers agree then passed", 9, twoThirdsOfAnswers,
			[]ballots.Choice{A, A, D}, ballots.StandingPassed, "threshold_met"},

		// Degenerate.
		{"given no eligible members when closed then rejected", 0, vn,
			nil, ballots.StandingRejected, "no_members"},
		{"given an invalid policy when closed then rejected", 3, ballots.Policy{},
			repeat(A, 3), ballots.StandingRejected, "policy_invalid"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			b := newBallot(tt.n, tt.p)
			b.Status = ballots.StatusClosed
			r := ballots.Tally(b, answers(tt.choices...))
			if r.Standing != tt.want || r.Reason != tt.reason {
				t.Fatalf("Tally = %s (%s), want %s (%s); %+v", r.Standing, r.Reason, tt.want, tt.reason, r)
			}
			if r.CanStillPass != (r.Standing == ballots.StandingPassed) || r.CanStillFail != (r.Standing == ballots.StandingRejected) {
				t.Fatalf("closed ballot: CanStillPass %v CanStillFail %v for %s", r.CanStillPass, r.CanStillFail, r.Standing)
			}
		})
	}
}

func TestTally_Open(t *testing.T) {
	vn := policy(ballots.PresetVNGovernment)
	vnSilenceAgrees := with(vn, func(p *ballots.Policy) { p.NonResponse = ballots.NonResponseAgree })
	simple := policy(ballots.PresetSimpleMajority)
	twoThirds := policy(ballots.PresetTwoThirds)

	tests := []struct {
		name             string
		n                int
		p                ballots.Policy
		choices          []ballots.Choice
		want             ballots.Standing
		canPass, canFail bool
		reason           string
	}{
		{"given 4 of 7 agree before everyone answered then passed early", 7, vn,
			[]ballots.Choice{A, A, A, A}, ballots.StandingPassed, true, false, "threshold_met"},
		{"given 4 of 7 disagree then it can no longer pass", 7, vn,
			[]ballots.Choice{D, D, D, D}, ballots.StandingRejected, false, true, "threshold_not_met"},
		{"given the chair and one more of 4 agree then the tie-break already passes it", 4, vn,
			[]ballots.Choice{A, A}, ballots.StandingPassed, true, false, "chair_tiebreak"},
		{"given 2 of 4 agree but the chair is silent then still open (the chair decides)", 4, vn,
			[]ballots.Choice{No, A, A}, ballots.StandingOpen, true, true, "undecided"},
		{"given 2 of 4 disagree including the chair then it can no longer pass", 4, vn,
			[]ballots.Choice{D, D}, ballots.StandingRejected, false, true, "chair_tiebreak"},
		{"given one agree of 5 then open", 5, vn,
			[]ballots.Choice{A}, ballots.StandingOpen, true, true, "undecided"},
		{"given no answers then open", 5, vn,
			nil, ballots.StandingOpen, true, true, "undecided"},
		{"given silence agrees and 3 of 5 agree then passed early", 5, vnSilenceAgrees,
			[]ballots.Choice{No, A, A, A}, ballots.StandingPassed, true, false, "threshold_met"},
		{"given silence agrees and nothing answered then still open", 5, vnSilenceAgrees,
			nil, ballots.StandingOpen, true, true, "undecided"},
		{"given answers-received and 5 of 10 agree then open: more others could still answer", 10, simple,
			repeat(A, 5), ballots.StandingOpen, true, true, "undecided"},
		{"given answers-received and 6 of 10 agree then passed early", 10, simple,
			repeat(A, 6), ballots.StandingPassed, true, false, "threshold_met"},
		{"given two thirds and 4 of 9 disagree then it can no longer pass", 9, twoThirds,
			repeat(D, 4), ballots.StandingRejected, false, true, "threshold_not_met"},
		{"given two thirds and 3 of 9 disagree then still open", 9, twoThirds,
			repeat(D, 3), ballots.StandingOpen, true, true, "undecided"},
		{"given no eligible members then rejected", 0, vn,
			nil, ballots.StandingRejected, false, true, "no_members"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := ballots.Tally(newBallot(tt.n, tt.p), answers(tt.choices...))
			if r.Standing != tt.want || r.CanStillPass != tt.canPass || r.CanStillFail != tt.canFail || r.Reason != tt.reason {
				t.Fatalf("Tally = %+v, want %s pass=%v fail=%v (%s)", r, tt.want, tt.canPass, tt.canFail, tt.reason)
			}
		})
	}
}

func TestTally_GivenStrayAnswers_ThenOnlyEligibleEffectiveOnesCount(t *testing.T) {
	b := newBallot(3, policy(ballots.PresetVNGovernment))
	ans := answers(A, D, O)
	ans = append(ans,
		ballots.Answer{ID: "x1", BallotID: "b1", MemberID: "outsider", Choice: A, Seq: 9},
		ballots.Answer{ID: "x2", BallotID: "other-ballot", MemberID: member(1), Choice: A, Seq: 9},
		ballots.Answer{ID: "x3", BallotID: "b1", MemberID: member(2), Choice: ballots.ChoiceBlank, Seq: 9}, // not offered
		ballots.Answer{ID: "x4", BallotID: "b1", MemberID: "", Choice: A, Seq: 9},
		ans[0], // an exact duplicate, as a replay would deliver
	)
	b.Eligible = append(b.Eligible, member(0)) // listed twice, counted once
	r := ballots.Tally(b, ans)
	want := map[ballots.Choice]int{A: 1, D: 1, O: 1}
	if r.Members != 3 || r.Answered != 3 || r.Unanswered != 0 || !maps.Equal(r.Counts, want) {
		t.Fatalf("got %+v", r)
	}
}

func TestTally_GivenAMemberChangedTheirMind_ThenTheLastAnswerCounts(t *testing.T) {
	b := newBallot(3, policy(ballots.PresetVNGovernment))
	b.Status = ballots.StatusClosed
	ans := answers(D, A, D)
	ans = append(ans, ballots.Answer{ID: "z", BallotID: "b1", MemberID: member(0), Choice: A, At: t0, Seq: 2})
	r := ballots.Tally(b, ans)
	if r.Counts[A] != 2 || r.Counts[D] != 1 || r.Answered != 3 || r.Standing != ballots.StandingPassed {
		t.Fatalf("got %+v", r)
	}
}

func TestTally_GivenNoAnswers_ThenCountsHaveEveryOfferedChoice(t *testing.T) {
	b := newBallot(2, policy(ballots.PresetVNGovernment))
	b.Options = append(b.Options, ballots.Option{Choice: ballots.ChoiceBlank, Label: "Phiếu trắng"})
	r := ballots.Tally(b, nil)
	want := map[ballots.Choice]int{A: 0, D: 0, O: 0, ballots.ChoiceBlank: 0}
	if !maps.Equal(r.Counts, want) || r.Unanswered != 2 {
		t.Fatalf("got %+v", r)
	}
}

// TestTally_GivenSmallBallots_ThenOpenStandingMatchesBruteForce compares the
// count-based enumeration with trying every member's every answer.
func TestTally_GivenSmallBallots_ThenOpenStandingMatchesBruteForce(t *testing.T) {
	choices := []ballots.Choice{No, A, D, O}
	for _, p := range allPolicies() {
		for n := 0; n <= 4; n++ {
			// every current state of n members, 4^n of them
			total := 1
			for range n {
				total *= 4
			}
			for code := range total {
				cur := make([]ballots.Choice, n)
				for i, c := 0, code; i < n; i, c = i+1, c/4 {
					cur[i] = choices[c%4]
				}
				b := newBallot(n, p)
				checkAgainstBruteForce(t, b, cur)
			}
		}
	}
}

// allPolicies lists every valid combination of policy fields with a few
// quorums.
func allPolicies() []ballots.Policy {
	var out []ballots.Policy
	for _, d := range []ballots.Denominator{ballots.DenominatorAllMembers, ballots.DenominatorAnswers} {
		for _, th := range []ballots.Threshold{ballots.ThresholdMajority, ballots.ThresholdTwoThirds} {
			for _, tb := range []ballots.TieBreaker{ballots.TieBreakNone, ballots.TieBreakChair} {
				for _, nr := range []ballots.NonResponse{ballots.NonResponseIgnored, ballots.NonResponseAgree} {
					for _, q := range []ballots.Fraction{{}, {Num: 1, Den: 2}, {Num: 2, Den: 3}, {Num: 1, Den: 1}} {
						p := ballots.Policy{Denominator: d, Threshold: th, TieBreaker: tb, NonResponse: nr, Quorum: q}
						if p.Validate() == nil {
							out = append(out, p)
						}
					}
				}
			}
		}
	}
	return out
}

// checkAgainstBruteForce tallies b with the current choices open, then
// closes it under every completion of the unanswered members, and checks
// that CanStillPass / CanStillFail say exactly which outcomes occurred.
func checkAgainstBruteForce(t *testing.T, b ballots.Ballot, cur []ballots.Choice) {
	t.Helper()
	open := ballots.Tally(b, answers(cur...))
	var unanswered []int
	for i, c := range cur {
		if c == No {
			unanswered = append(unanswered, i)
		}
	}
	sawPass, sawFail := false, false
	total := 1
	for range unanswered {
		total *= 4
	}
	closed := b
	closed.Status = ballots.StatusClosed
	for code := range total {
		full := append([]ballots.Choice(nil), cur...)
		for k, c := 0, code; k < len(unanswered); k, c = k+1, c/4 {
			full[unanswered[k]] = []ballots.Choice{No, A, D, O}[c%4]
		}
		if ballots.Tally(closed, answers(full...)).Standing == ballots.StandingPassed {
			sawPass = true
		} else {
			sawFail = true
		}
	}
	if open.CanStillPass != sawPass || open.CanStillFail != sawFail {
		t.Fatalf("policy %+v, answers %q: Tally says pass=%v fail=%v, brute force pass=%v fail=%v",
			b.Policy, cur, open.CanStillPass, open.CanStillFail, sawPass, sawFail)
	}
}

// BenchmarkTally measures an open ballot with a third of the members
// answered, the case that enumerates completions.
func BenchmarkTally(b *testing.B) {
	for _, n := range []int{30, 200} {
		for _, name := range []string{ballots.PresetVNGovernment, ballots.PresetSimpleMajority, ballots.PresetTwoThirds} {
			ballot := newBallot(n, policy(name))
			var cur []ballots.Choice
			for i := range n / 3 {
				cur = append(cur, []ballots.Choice{A, D, O}[i%3])
			}
			ans := answers(cur...)
			b.Run(name+"/"+strconv.Itoa(n), func(b *testing.B) {
				for b.Loop() {
					ballots.Tally(ballot, ans)
				}
			})
		}
		// The worst case: the standing is already decided (two thirds can no
		// longer be reached), so every completion is visited.
		decided := newBallot(n, policy(ballots.PresetTwoThirds))
		ans := answers(repeat(D, n/3+1)...)
		b.Run("worst-case-rejected/"+strconv.Itoa(n), func(b *testing.B) {
			for b.Loop() {
				ballots.Tally(decided, ans)
			}
		})
	}
}
