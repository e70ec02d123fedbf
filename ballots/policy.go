package ballots

import "github.com/ecabinet/ecabinet/meetings"

// Denominator says what the threshold is a fraction of.
type Denominator string

// Denominators.
const (
	// DenominatorAllMembers divides by every eligible member (the Vietnamese
	// Government rule: more than half of ALL members).
	DenominatorAllMembers Denominator = "all_members"
	// DenominatorAnswers divides by the answers received.
	DenominatorAnswers Denominator = "answers_received"
)

// Threshold is the share of the denominator that must agree.
type Threshold string

// Thresholds.
const (
	// ThresholdMajority needs strictly more than half.
	ThresholdMajority Threshold = "more_than_half"
	// ThresholdTwoThirds needs at least two thirds.
	ThresholdTwoThirds Threshold = "two_thirds"
)

// TieBreaker says who decides an exact split.
type TieBreaker string

// Tie breakers.
const (
	TieBreakChair TieBreaker = "chair"
	TieBreakNone  TieBreaker = "none"
)

// NonResponse says how an eligible member who never answered is counted once
// the ballot closes.
type NonResponse string

// Non-response rules.
const (
	NonResponseIgnored NonResponse = "nothing"
	NonResponseAgree   NonResponse = "agree"
)

// Fraction is the quorum share type, shared with meetings.
type Fraction = meetings.Fraction

// Policy is a ballot's decision rule.
type Policy struct {
	Name        string      `cbor:"1,keyasint,omitempty" json:"name,omitempty"`
	Denominator Denominator `cbor:"2,keyasint" json:"denominator"`
	Threshold   Threshold   `cbor:"3,keyasint" json:"threshold"`
	TieBreaker  TieBreaker  `cbor:"4,keyasint" json:"tie_breaker"`
	NonResponse NonResponse `cbor:"5,keyasint" json:"non_response"`
	// Quorum is the share of eligible members who must answer for the ballot
	// to decide anything; zero means no quorum.
	Quorum Fraction `cbor:"6,keyasint,omitempty" json:"quorum"`
}
