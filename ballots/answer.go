package ballots

import "github.com/ecabinet/ecabinet/meetings"

// CheckAnswer reports whether the answer may be accepted for this ballot:
// it is for this ballot ("err.answer.ballot_mismatch"), the ballot is open
// ("err.ballot.not_open"), the member is eligible ("err.answer.not_eligible"),
// the choice is one the ballot offers ("err.answer.choice_invalid") and the
// comment is at most MaxCommentLen bytes ("err.answer.comment_too_long").
//
// The deadline is not checked: the domain has no clock, and an answer given
// offline before the deadline may reach the hub after it; what counts is
// whether the hub accepted it before the ballot closed.
func (b Ballot) CheckAnswer(a Answer) error {
	switch {
	case a.BallotID != b.ID:
		return meetings.NewError("err.answer.ballot_mismatch", "ballot_id")
	case b.Status != StatusOpen:
		return meetings.NewError("err.ballot.not_open", "status")
	case !b.IsEligible(a.MemberID):
		return meetings.NewError("err.answer.not_eligible", "member_id")
	case !b.Offers(a.Choice):
		return meetings.NewError("err.answer.choice_invalid", "choice")
	case len(a.Comment) > MaxCommentLen:
		e := meetings.NewError("err.answer.comment_too_long", "comment")
		e.Args = map[string]any{"max": MaxCommentLen}
		return e
	}
	return nil
}

// IsEligible reports whether the member may answer the ballot.
func (b Ballot) IsEligible(memberID string) bool {
	if memberID == "" {
		return false
	}
	for _, id := range b.Eligible {
		if id == memberID {
			return true
		}
	}
	return false
}
