package ballots

// ErrorCodes lists every Error.Code this package returns itself, so the UI
// team can translate each one and a test can check that every code has a
// translation. Lifecycle errors reuse meetings.ErrInvalidTransition, whose
// code is in meetings.ErrorCodes.
var ErrorCodes = []string{
	"err.ballot.title_required",
	"err.ballot.title_too_long",
	"err.ballot.question_required",
	"err.ballot.question_too_long",
	"err.ballot.options_too_few",
	"err.ballot.option_choice_invalid",
	"err.ballot.option_duplicate",
	"err.ballot.option_label_required",
	"err.ballot.option_label_too_long",
	"err.ballot.agree_option_required",
	"err.ballot.deadline_required",
	"err.ballot.eligible_required",
	"err.ballot.eligible_invalid",
	"err.ballot.eligible_duplicate",
	"err.ballot.chair_not_eligible",
	"err.ballot.chair_required",
	"err.ballot.status_invalid",
	"err.ballot.progress_invalid",
	"err.ballot.not_open",
	"err.ballot.closed_at_required",
	"err.ballot.deadline_not_later",

	"err.policy.denominator_invalid",
	"err.policy.threshold_invalid",
	"err.policy.tie_breaker_invalid",
	"err.policy.tie_breaker_needs_majority",
	"err.policy.non_response_invalid",
	"err.policy.quorum_invalid",
	"err.policy.lateness_invalid",
	"err.policy.grace_invalid",

	"err.answer.ballot_mismatch",
	"err.answer.not_eligible",
	"err.answer.choice_invalid",
	"err.answer.comment_too_long",
}
