package ballots

// Names of the built-in policies, stored in Policy.Name so a ballot shows
// which rule it was issued under.
const (
	PresetVNGovernment   = "vn-government"
	PresetSimpleMajority = "simple-majority"
	PresetTwoThirds      = "two-thirds"
)

// VNGovernment is the Vietnamese Government rule (Law on Government
// Organization; Government Working Regulation): a decision needs more than
// half of ALL members, and on an exact split the chair's (Prime Minister's)
// side wins. Whether silence counts as agreement is not settled by the texts
// we verified, so the preset counts a non-response as nothing (the cautious
// reading) and a council that decided otherwise changes NonResponse. A
// written ballot has no quorum of its own: the all-members denominator
// already demands enough answers.
func VNGovernment() Policy {
	return Policy{
		Name:        PresetVNGovernment,
		Denominator: DenominatorAllMembers,
		Threshold:   ThresholdMajority,
		TieBreaker:  TieBreakChair,
		NonResponse: NonResponseIgnored,
	}
}

// SimpleMajority is the usual board rule: more than half of the answers
// received, provided at least half of the members answered; no casting vote.
func SimpleMajority() Policy {
	return Policy{
		Name:        PresetSimpleMajority,
		Denominator: DenominatorAnswers,
		Threshold:   ThresholdMajority,
		TieBreaker:  TieBreakNone,
		NonResponse: NonResponseIgnored,
		Quorum:      Fraction{Num: 1, Den: 2},
	}
}

// TwoThirds is the qualified-majority rule for weightier decisions: at least
// two thirds of all members agree.
func TwoThirds() Policy {
	return Policy{
		Name:        PresetTwoThirds,
		Denominator: DenominatorAllMembers,
		Threshold:   ThresholdTwoThirds,
		TieBreaker:  TieBreakNone,
		NonResponse: NonResponseIgnored,
	}
}

// Presets returns the built-in policies, the Vietnamese Government rule
// first, for the secretariat's policy picker. Each call returns fresh values.
func Presets() []Policy {
	return []Policy{VNGovernment(), SimpleMajority(), TwoThirds()}
}

// PolicyByName returns the built-in policy with the given name, so commands
// and settings can name a rule instead of spelling out its fields.
func PolicyByName(name string) (Policy, bool) {
	for _, p := range Presets() {
		if p.Name == name {
			return p, true
		}
	}
	return Policy{}, false
}
