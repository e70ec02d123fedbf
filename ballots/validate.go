package ballots

import (
	"strings"

	"github.com/ecabinet/ecabinet/meetings"
)

// Bounds of ballot fields, in bytes. They keep a ballot small enough to sign,
// sync and print, and a pasted document out of a title.
const (
	MaxTitleLen       = 300
	MaxQuestionLen    = 5000
	MaxOptionLabelLen = 200
	MaxCommentLen     = 4000
	// MinOptions is the fewest options a ballot may offer: with one there is
	// nothing to choose.
	MinOptions = 2
)

// Validate checks that the policy is one the rule engine understands: known
// denominator, threshold, tie breaker and non-response rule, and a valid
// quorum (0/0 for none). A chair tie-break is refused with a two-thirds
// threshold, because an exact split only decides under "more than half", and
// a setting that silently does nothing would mislead the secretariat.
func (p Policy) Validate() error {
	switch {
	case p.Denominator != DenominatorAllMembers && p.Denominator != DenominatorAnswers:
		return meetings.NewError("err.policy.denominator_invalid", "denominator")
	case p.Threshold != ThresholdMajority && p.Threshold != ThresholdTwoThirds:
		return meetings.NewError("err.policy.threshold_invalid", "threshold")
	case p.TieBreaker != TieBreakChair && p.TieBreaker != TieBreakNone:
		return meetings.NewError("err.policy.tie_breaker_invalid", "tie_breaker")
	case p.TieBreaker == TieBreakChair && p.Threshold != ThresholdMajority:
		return meetings.NewError("err.policy.tie_breaker_needs_majority", "tie_breaker")
	case p.NonResponse != NonResponseIgnored && p.NonResponse != NonResponseAgree:
		return meetings.NewError("err.policy.non_response_invalid", "non_response")
	case !p.Quorum.Valid():
		return meetings.NewError("err.policy.quorum_invalid", "quorum")
	case p.Lateness != "" && p.Lateness != LatenessReception && p.Lateness != LatenessDeviceTime:
		return meetings.NewError("err.policy.lateness_invalid", "lateness")
	case p.Grace < 0 || p.Grace > MaxGrace:
		return meetings.NewError("err.policy.grace_invalid", "grace")
	}
	return nil
}

// Validate checks a ballot before it is opened or accepted from the network,
// so that every replica tallies the same well-formed ballot. It returns the
// first problem as a *meetings.Error whose Code is a translation key.
//
// Rules: a title (trimmed, ≤ MaxTitleLen) and a question (trimmed,
// ≤ MaxQuestionLen); at least MinOptions options with known, unique choices
// and non-empty labels, one of them agree (without it the ballot could never
// pass); a deadline; at least one eligible member, IDs non-empty and unique;
// a ChairID, if set, among the eligible, and required when the chair breaks
// ties; a valid policy and status. The deadline is not compared with the
// clock: the domain has none, and a ballot read back from history is valid
// after its deadline.
func (b Ballot) Validate() error {
	if err := b.validateText(); err != nil {
		return err
	}
	if err := b.validateOptions(); err != nil {
		return err
	}
	if b.Deadline.IsZero() {
		return meetings.NewError("err.ballot.deadline_required", "deadline")
	}
	if err := b.validateEligible(); err != nil {
		return err
	}
	if err := b.Policy.Validate(); err != nil {
		return err
	}
	if b.Policy.TieBreaker == TieBreakChair && b.ChairID == "" {
		return meetings.NewError("err.ballot.chair_required", "chair_id")
	}
	if !b.Status.Valid() {
		return meetings.NewError("err.ballot.status_invalid", "status")
	}
	if !b.Progress.Valid() {
		return meetings.NewError("err.ballot.progress_invalid", "progress")
	}
	return nil
}

// validateText checks the title and the question.
func (b Ballot) validateText() error {
	title := strings.TrimSpace(b.Title)
	question := strings.TrimSpace(b.Question)
	switch {
	case title == "":
		return meetings.NewError("err.ballot.title_required", "title")
	case len(title) > MaxTitleLen:
		return tooLong("err.ballot.title_too_long", "title", MaxTitleLen)
	case question == "":
		return meetings.NewError("err.ballot.question_required", "question")
	case len(question) > MaxQuestionLen:
		return tooLong("err.ballot.question_too_long", "question", MaxQuestionLen)
	}
	return nil
}

// validateOptions checks the options offered.
func (b Ballot) validateOptions() error {
	if len(b.Options) < MinOptions {
		e := meetings.NewError("err.ballot.options_too_few", "options")
		e.Args = map[string]any{"min": MinOptions}
		return e
	}
	seen := make(map[Choice]bool, len(b.Options))
	for i, o := range b.Options {
		var e *meetings.Error
		label := strings.TrimSpace(o.Label)
		switch {
		case !o.Choice.Valid():
			e = meetings.NewError("err.ballot.option_choice_invalid", "options")
		case seen[o.Choice]:
			e = meetings.NewError("err.ballot.option_duplicate", "options")
		case label == "":
			e = meetings.NewError("err.ballot.option_label_required", "options")
		case len(label) > MaxOptionLabelLen:
			e = tooLong("err.ballot.option_label_too_long", "options", MaxOptionLabelLen)
		}
		if e != nil {
			if e.Args == nil {
				e.Args = map[string]any{}
			}
			e.Args["index"] = i
			return e
		}
		seen[o.Choice] = true
	}
	if !seen[ChoiceAgree] {
		return meetings.NewError("err.ballot.agree_option_required", "options")
	}
	return nil
}

// validateEligible checks the eligible members and the chair.
func (b Ballot) validateEligible() error {
	if len(b.Eligible) == 0 {
		return meetings.NewError("err.ballot.eligible_required", "eligible")
	}
	seen := make(map[string]bool, len(b.Eligible))
	for _, id := range b.Eligible {
		switch {
		case strings.TrimSpace(id) == "":
			return meetings.NewError("err.ballot.eligible_invalid", "eligible")
		case seen[id]:
			e := meetings.NewError("err.ballot.eligible_duplicate", "eligible")
			e.Args = map[string]any{"id": id}
			return e
		}
		seen[id] = true
	}
	if b.ChairID != "" && !seen[b.ChairID] {
		return meetings.NewError("err.ballot.chair_not_eligible", "chair_id")
	}
	return nil
}

// tooLong builds a length error carrying the limit, so the message can say it.
func tooLong(code, field string, max int) *meetings.Error {
	e := meetings.NewError(code, field)
	e.Args = map[string]any{"max": max}
	return e
}
