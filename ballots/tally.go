package ballots

// Standing is where a ballot's decision stands: decided one way or the
// other, or still open.
type Standing string

// Standings.
const (
	// StandingOpen means the answers still to come can tip it either way.
	StandingOpen Standing = "open"
	// StandingPassed means it passed, or passes however the rest answer.
	StandingPassed Standing = "passed"
	// StandingRejected means it was rejected, or can no longer pass.
	StandingRejected Standing = "rejected"
)

// Reasons a Result gives for its standing; they are translation keys'
// suffixes for the summary of opinions (tổng hợp ý kiến).
const (
	// ReasonThresholdMet: enough agreed.
	ReasonThresholdMet = "threshold_met"
	// ReasonThresholdNotMet: not enough agreed.
	ReasonThresholdNotMet = "threshold_not_met"
	// ReasonChairTiebreak: exactly half agreed and the chair's side decided.
	ReasonChairTiebreak = "chair_tiebreak"
	// ReasonQuorumNotMet: too few members answered for the ballot to decide.
	ReasonQuorumNotMet = "quorum_not_met"
	// ReasonNoMembers: nobody is eligible, so nothing can pass.
	ReasonNoMembers = "no_members"
	// ReasonUndecided: the ballot is open and the outcome still depends on
	// the answers to come.
	ReasonUndecided = "undecided"
	// ReasonPolicyInvalid: the ballot's policy fails Policy.Validate, so the
	// engine refuses to call anything passed.
	ReasonPolicyInvalid = "policy_invalid"
)

// Result is the tally of a ballot at one moment.
type Result struct {
	Standing Standing `json:"standing"`
	// CanStillPass and CanStillFail say whether some way the unanswered
	// members could still answer (or stay silent) ends in a pass, or in a
	// rejection. At least one is always true.
	CanStillPass bool `json:"can_still_pass"`
	CanStillFail bool `json:"can_still_fail"`
	// Members is the number of eligible members (duplicates counted once).
	Members int `json:"members"`
	// Answered is how many of them have a counting answer.
	Answered int `json:"answered"`
	// Counts has a key for every offered choice, with the number of counting
	// answers that chose it; the counts add up to Answered.
	Counts map[Choice]int `json:"counts"`
	// Unanswered is Members − Answered.
	Unanswered int `json:"unanswered"`
	// Reason explains Standing with one of the Reason constants.
	Reason string `json:"reason"`
}

// Tally applies the ballot's policy to its answers. It is a pure function of
// the ballot and the set of answers, so every replica computes the same
// result, and it can be called at any moment: on an open ballot it says what
// can still happen.
//
// Which answers count: only answers for this ballot (BallotID == b.ID), from
// an eligible member, with a choice the ballot offers; of those, per member
// the Effective one (the greatest by Seq, then At, then ID). N is the number
// of distinct eligible members. Which answers the hub accepted before the
// ballot closed is the caller's business: Tally counts what it is given.
//
// Final outcome, for a complete set of answers (what happens at close):
//   - each member without an answer counts as nothing, or as agree under
//     NonResponseAgree;
//   - a = agree answers, r = answers received (every choice, plus the
//     silent members when they count as agree), D = N under
//     DenominatorAllMembers or r under DenominatorAnswers;
//   - with N = 0 nothing passes ("no_members");
//   - a non-zero quorum Num/Den needs r·Den ≥ Num·N, i.e. r ≥ ⌈N·Num/Den⌉,
//     else rejected ("quorum_not_met");
//   - more than half passes when 2a > D; two thirds passes when 3a ≥ 2D and
//     a > 0 ("threshold_met", else "threshold_not_met");
//   - tie rule (TieBreakChair, more-than-half only): when 2a == D exactly and
//     D > 0, it passes iff the chair's counted answer is agree (a silent
//     chair is agree only under NonResponseAgree) ("chair_tiebreak").
//
// Why "exactly half agree" and not "as many agree as disagree": the law says
// that on equal votes for and against, the Prime Minister's side wins. Read
// literally (a == disagree) with the all-members denominator, one more
// member agreeing can turn a pass into a rejection: with N = 20, 9 agree
// (the chair among them), 9 disagree and 2 silent is a tie the chair wins,
// but 10 agree / 9 disagree is neither a tie nor more than half, so it fails.
// Reading the tie as "exactly half of the denominator agrees" keeps the rule
// monotone (one more agree never hurts) and agrees with the literal reading
// whenever everyone takes a side.
//
// Standing: on a closed ballot it is the final outcome, with CanStillPass =
// passed and CanStillFail = rejected. On an open (or draft) ballot Tally
// considers every way the unanswered members could end up (agree, disagree,
// another offered choice, or no answer; the chair's own choice separately,
// since it matters for the tie rule), computes the final outcome of each,
// and sets CanStillPass / CanStillFail if some completion passes / fails.
// Standing is passed when none can fail, rejected when none can pass, open
// otherwise. The outcome depends only on how many of the non-chair members
// agree, answer otherwise, or stay silent, plus the chair's choice, so the
// enumeration runs over counts, O(u²) for u unanswered members, not over
// the 4^u combinations of members.
//
// Reason: the final reason on a closed ballot; "undecided" while open; when
// an open ballot is already decided, the reason it would pass if closed now,
// or the reason it fails even if every unanswered member agreed. An invalid
// policy gives rejected with "policy_invalid".
func Tally(b Ballot, answers []Answer) Result {
	t := newTally(b, answers)
	res := Result{
		Members:    t.n,
		Answered:   t.answered,
		Counts:     t.counts,
		Unanswered: t.n - t.answered,
	}
	if b.Policy.Validate() != nil {
		res.Standing, res.Reason = StandingRejected, ReasonPolicyInvalid
		res.CanStillFail = true
		return res
	}
	now, nowReason := t.closeNow()
	if b.Status == StatusClosed {
		res.Standing, res.Reason = now, nowReason
		res.CanStillPass = now == StandingPassed
		res.CanStillFail = now == StandingRejected
		return res
	}
	res.CanStillPass, res.CanStillFail = t.possible()
	switch {
	case !res.CanStillFail:
		res.Standing, res.Reason = StandingPassed, nowReason
	case !res.CanStillPass:
		res.Standing, res.Reason = StandingRejected, nowReason
		if t.agreeOffered {
			_, res.Reason = t.outcome(completion{agree: t.rest, chair: chairAgree})
		}
	default:
		res.Standing, res.Reason = StandingOpen, ReasonUndecided
	}
	return res
}

// tally is the counted state of a ballot that the outcome depends on.
type tally struct {
	p        Policy
	n        int            // distinct eligible members
	answered int            // eligible members with a counting answer
	counts   map[Choice]int // counting answers per offered choice
	agree    int            // counting answers that agree
	// The chair matters for the tie rule: chairEligible says the chair is
	// one of the eligible, chairAnswered whether they answered, chairAgrees
	// whether that answer is agree.
	chairEligible, chairAnswered, chairAgrees bool
	// rest is the number of unanswered members other than the chair.
	rest int
	// What an unanswered member can still do: agree, or give another answer.
	agreeOffered, otherOffered bool
}

// newTally filters and counts the answers.
func newTally(b Ballot, answers []Answer) *tally {
	t := &tally{p: b.Policy, counts: make(map[Choice]int, len(b.Options))}
	for _, o := range b.Options {
		t.counts[o.Choice] = 0
		if o.Choice == ChoiceAgree {
			t.agreeOffered = true
		} else {
			t.otherOffered = true
		}
	}
	eligible := eligibleSet(b)
	t.n = len(eligible)
	eff := counted(b, eligible, answers)
	for _, a := range eff {
		t.counts[a.Choice]++
		if a.Choice == ChoiceAgree {
			t.agree++
		}
	}
	t.answered = len(eff)
	t.chairEligible = eligible[b.ChairID]
	if ca, ok := eff[b.ChairID]; ok && t.chairEligible {
		t.chairAnswered = true
		t.chairAgrees = ca.Choice == ChoiceAgree
	}
	t.rest = t.n - t.answered
	if t.chairEligible && !t.chairAnswered {
		t.rest--
	}
	return t
}

// chairWill is what an unanswered chair ends up doing in a completion.
type chairWill int

const (
	chairSilent chairWill = iota
	chairAgree
	chairOther
)

// completion is one way the unanswered members could end up: agree of the
// non-chair ones agree, other give another answer, the rest stay silent;
// chair is what an unanswered chair does (ignored if the chair answered).
type completion struct {
	agree, other int
	chair        chairWill
}

// outcome is the final outcome if the unanswered members end up as c.
func (t *tally) outcome(c completion) (Standing, string) {
	silent := t.rest - c.agree - c.other
	agree := t.agree + c.agree
	received := t.answered + c.agree + c.other
	chairAgrees := t.chairAgrees
	if t.chairEligible && !t.chairAnswered {
		switch c.chair {
		case chairAgree:
			agree++
			received++
			chairAgrees = true
		case chairOther:
			received++
		case chairSilent:
			silent++
			chairAgrees = t.p.NonResponse == NonResponseAgree
		}
	}
	if t.p.NonResponse == NonResponseAgree {
		agree += silent
		received += silent
	}
	return decide(t.p, t.n, agree, received, chairAgrees)
}

// closeNow is the outcome if the ballot closed with the answers it has.
func (t *tally) closeNow() (Standing, string) {
	return t.outcome(completion{chair: chairSilent})
}

// possible enumerates the completions and reports whether some pass and
// whether some fail, stopping as soon as it has seen both. It tries the
// extreme completions first (everyone agrees, everyone answers otherwise,
// everyone stays silent), which settle an undecided ballot at once; only a
// decided standing needs the whole enumeration, to prove that no completion
// goes the other way.
func (t *tally) possible() (canPass, canFail bool) {
	chairs := []chairWill{chairSilent}
	bestChair, worstChair := chairSilent, chairSilent
	if t.chairEligible && !t.chairAnswered {
		if t.agreeOffered {
			chairs = append(chairs, chairAgree)
			bestChair = chairAgree
		}
		if t.otherOffered {
			chairs = append(chairs, chairOther)
			worstChair = chairOther
		}
	}
	maxAgree, maxOther := 0, 0
	if t.agreeOffered {
		maxAgree = t.rest
	}
	if t.otherOffered {
		maxOther = t.rest
	}
	try := func(c completion) bool {
		if s, _ := t.outcome(c); s == StandingPassed {
			canPass = true
		} else {
			canFail = true
		}
		return canPass && canFail
	}
	extremes := []completion{
		{agree: maxAgree, chair: bestChair},
		{other: maxOther, chair: worstChair},
		{chair: chairSilent},
	}
	for _, c := range extremes {
		if try(c) {
			return
		}
	}
	for _, ch := range chairs {
		for a := 0; a <= maxAgree; a++ {
			for o := 0; o <= min(maxOther, t.rest-a); o++ {
				if try(completion{agree: a, other: o, chair: ch}) {
					return
				}
			}
		}
	}
	return
}

// decide is the final rule: N eligible members, agree of them (counting
// silent ones when they count as agree) agree, received answers (likewise),
// and whether the chair's counted answer is agree.
func decide(p Policy, n, agree, received int, chairAgrees bool) (Standing, string) {
	if n == 0 {
		return StandingRejected, ReasonNoMembers
	}
	if q := p.Quorum; q.Num > 0 && q.Den > 0 && received*q.Den < q.Num*n {
		return StandingRejected, ReasonQuorumNotMet
	}
	d := n
	if p.Denominator == DenominatorAnswers {
		d = received
	}
	switch p.Threshold {
	case ThresholdMajority:
		if 2*agree > d {
			return StandingPassed, ReasonThresholdMet
		}
		if p.TieBreaker == TieBreakChair && d > 0 && 2*agree == d {
			if chairAgrees {
				return StandingPassed, ReasonChairTiebreak
			}
			return StandingRejected, ReasonChairTiebreak
		}
	case ThresholdTwoThirds:
		if agree > 0 && 3*agree >= 2*d {
			return StandingPassed, ReasonThresholdMet
		}
	}
	return StandingRejected, ReasonThresholdNotMet
}
