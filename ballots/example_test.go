package ballots_test

import (
	"fmt"
	"time"

	"github.com/ecabinet/ecabinet/ballots"
)

// A Government ballot among four members: two agree, two disagree. Half of
// all members agreeing is an exact split, and the Prime Minister agreed, so
// under the vn-government rule it passes. It was already decided while open,
// once the chair and one more member had agreed: whatever the last member
// answers, at least half agree with the chair.
func ExampleTally() {
	b := ballots.Ballot{
		ID:       "nq-2023-07",
		Title:    "Dự thảo Nghị quyết phiên họp Chính phủ thường kỳ",
		Question: "Đồng chí có đồng ý thông qua dự thảo Nghị quyết?",
		Options:  ballots.VietnameseOptions(),
		Deadline: time.Date(2023, 7, 21, 17, 0, 0, 0, time.UTC),
		Eligible: []string{"pm", "dpm1", "dpm2", "minister"},
		ChairID:  "pm",
		Policy:   ballots.VNGovernment(),
		Status:   ballots.StatusOpen,
	}
	answer := func(member string, c ballots.Choice) ballots.Answer {
		return ballots.Answer{ID: "a-" + member, BallotID: b.ID, MemberID: member, Choice: c, Seq: 1}
	}
	answers := []ballots.Answer{answer("pm", ballots.ChoiceAgree), answer("dpm1", ballots.ChoiceDisagree)}
	r := ballots.Tally(b, answers)
	fmt.Println("open, 2 answers:", r.Standing, r.Reason, "can still pass:", r.CanStillPass)

	answers = append(answers, answer("dpm2", ballots.ChoiceAgree))
	r = ballots.Tally(b, answers)
	fmt.Println("open, 3 answers:", r.Standing, r.Reason, "can still fail:", r.CanStillFail)

	answers = append(answers, answer("minister", ballots.ChoiceDisagree))
	_ = b.Close(time.Date(2023, 7, 21, 17, 0, 0, 0, time.UTC))
	r = ballots.Tally(b, answers)
	fmt.Println("closed:", r.Standing, r.Reason)
	fmt.Printf("agree %d, disagree %d, other %d, unanswered %d\n",
		r.Counts[ballots.ChoiceAgree], r.Counts[ballots.ChoiceDisagree], r.Counts[ballots.ChoiceOther], r.Unanswered)
	// Output:
	// open, 2 answers: open undecided can still pass: true
	// open, 3 answers: passed chair_tiebreak can still fail: false
	// closed: passed chair_tiebreak
	// agree 2, disagree 2, other 0, unanswered 0
}

// Policies are picked by name from the presets.
func ExamplePolicyByName() {
	p, _ := ballots.PolicyByName("simple-majority")
	fmt.Println(p.Denominator, p.Threshold, p.TieBreaker, p.Quorum.Num, "/", p.Quorum.Den)
	// Output:
	// answers_received more_than_half none 1 / 2
}

// A member who changes their mind gives a new answer; the one with the
// highest Seq counts, whatever order the answers arrive in.
func ExampleEffective() {
	eff := ballots.Effective([]ballots.Answer{
		{ID: "2", MemberID: "dpm1", Choice: ballots.ChoiceAgree, Seq: 2},
		{ID: "1", MemberID: "dpm1", Choice: ballots.ChoiceDisagree, Seq: 1},
	})
	fmt.Println(eff["dpm1"].Choice)
	// Output:
	// agree
}
