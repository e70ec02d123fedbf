package ballots

import (
	"time"

	"github.com/ecabinet/ecabinet/meetings"
)

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
	// Lateness says which clock decides whether an answer came in time.
	Lateness Lateness `cbor:"7,keyasint,omitempty" json:"lateness,omitempty"`
	// Grace is how long after the deadline an answer signed in time may
	// still reach the hub, under LatenessDeviceTime.
	Grace time.Duration `cbor:"8,keyasint,omitempty" json:"grace,omitempty"`
}

// Lateness says how a ballot judges whether an answer is late. A late
// answer is kept and shown as late; it never counts.
type Lateness string

// Lateness rules.
const (
	// LatenessReception (the default, also ""): late when the hub received
	// it after the deadline.
	LatenessReception Lateness = "reception"
	// LatenessDeviceTime: late when the member's device signed it after the
	// deadline, or when it reached the hub after the deadline plus the grace
	// period — for members who answered in time while offline.
	LatenessDeviceTime Lateness = "device_time"
)

// MaxGrace bounds the grace period.
const MaxGrace = 30 * 24 * time.Hour
