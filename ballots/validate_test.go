package ballots_test

import (
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/ecabinet/ecabinet/ballots"
	"github.com/ecabinet/ecabinet/meetings"
)

// code returns the Code of a *meetings.Error, or "" for nil.
func code(t *testing.T, err error) string {
	t.Helper()
	if err == nil {
		return ""
	}
	var e *meetings.Error
	if !errors.As(err, &e) {
		t.Fatalf("error %v is not a *meetings.Error", err)
	}
	return e.Code
}

func TestBallotValidate(t *testing.T) {
	tests := []struct {
		name   string
		change func(b *ballots.Ballot)
		want   string
	}{
		{"given a complete ballot when validated then ok", func(b *ballots.Ballot) {}, ""},
		{"given a blank title then required", func(b *ballots.Ballot) { b.Title = " " }, "err.ballot.title_required"},
		{"given a 301-byte title then too long", func(b *ballots.Ballot) { b.Title = strings.Repeat("a", 301) }, "err.ballot.title_too_long"},
		{"given a blank question then required", func(b *ballots.Ballot) { b.Question = "\n" }, "err.ballot.question_required"},
		{"given a 5000-byte question then ok", func(b *ballots.Ballot) { b.Question = strings.Repeat("q", 5000) }, ""},
		{"given a 5001-byte question then too long", func(b *ballots.Ballot) { b.Question = strings.Repeat("q", 5001) }, "err.ballot.question_too_long"},
		{"given one option then too few", func(b *ballots.Ballot) { b.Options = b.Options[:1] }, "err.ballot.options_too_few"},
		{"given an unknown choice then invalid", func(b *ballots.Ballot) { b.Options[2].Choice = "abstain" }, "err.ballot.option_choice_invalid"},
		{"given a repeated choice then duplicate", func(b *ballots.Ballot) { b.Options[2].Choice = ballots.ChoiceDisagree }, "err.ballot.option_duplicate"},
		{"given an empty label then required", func(b *ballots.Ballot) { b.Options[1].Label = " " }, "err.ballot.option_label_required"},
		{"given a 201-byte label then too long", func(b *ballots.Ballot) { b.Options[1].Label = strings.Repeat("l", 201) }, "err.ballot.option_label_too_long"},
		{"given no agree option then refused", func(b *ballots.Ballot) { b.Options = b.Options[1:] }, "err.ballot.agree_option_required"},
		{"given a blank-ballot option then ok", func(b *ballots.Ballot) {
			b.Options = append(b.Options, ballots.Option{Choice: ballots.ChoiceBlank, Label: "Phiếu trắng"})
		}, ""},
		{"given no deadline then required", func(b *ballots.Ballot) { b.Deadline = time.Time{} }, "err.ballot.deadline_required"},
		{"given no eligible members then required", func(b *ballots.Ballot) { b.Eligible = nil; b.ChairID = "" }, "err.ballot.eligible_required"},
		{"given an empty eligible ID then invalid", func(b *ballots.Ballot) { b.Eligible[1] = "" }, "err.ballot.eligible_invalid"},
		{"given a member listed twice then duplicate", func(b *ballots.Ballot) { b.Eligible[1] = b.Eligible[2] }, "err.ballot.eligible_duplicate"},
		{"given a chair who is not eligible then refused", func(b *ballots.Ballot) { b.ChairID = "pm" }, "err.ballot.chair_not_eligible"},
		{"given a chair tie-break without chair then refused", func(b *ballots.Ballot) { b.ChairID = "" }, "err.ballot.chair_required"},
		{"given no tie-break and no chair then ok", func(b *ballots.Ballot) {
			b.ChairID = ""
			b.Policy = policy(ballots.PresetTwoThirds)
		}, ""},
		{"given an invalid policy then the policy's error", func(b *ballots.Ballot) { b.Policy.Denominator = "" }, "err.policy.denominator_invalid"},
		{"given an unknown status then invalid", func(b *ballots.Ballot) { b.Status = "archived" }, "err.ballot.status_invalid"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			b := newBallot(5, policy(ballots.PresetVNGovernment))
			tt.change(&b)
			if got := code(t, b.Validate()); got != tt.want {
				t.Fatalf("Validate() code = %q, want %q", got, tt.want)
			}
		})
	}
}

func TestPolicyValidate(t *testing.T) {
	vn := policy(ballots.PresetVNGovernment)
	tests := []struct {
		name string
		p    ballots.Policy
		want string
	}{
		{"given the vn-government preset then ok", vn, ""},
		{"given an unknown denominator then invalid", with(vn, func(p *ballots.Policy) { p.Denominator = "present" }), "err.policy.denominator_invalid"},
		{"given an unknown threshold then invalid", with(vn, func(p *ballots.Policy) { p.Threshold = "unanimity" }), "err.policy.threshold_invalid"},
		{"given an unknown tie-breaker then invalid", with(vn, func(p *ballots.Policy) { p.TieBreaker = "coin" }), "err.policy.tie_breaker_invalid"},
		{"given a chair tie-break with two thirds then refused", with(vn, func(p *ballots.Policy) { p.Threshold = ballots.ThresholdTwoThirds }), "err.policy.tie_breaker_needs_majority"},
		{"given an unknown non-response rule then invalid", with(vn, func(p *ballots.Policy) { p.NonResponse = "disagree" }), "err.policy.non_response_invalid"},
		{"given a quorum above one then invalid", with(vn, func(p *ballots.Policy) { p.Quorum = ballots.Fraction{Num: 3, Den: 2} }), "err.policy.quorum_invalid"},
		{"given a quorum of 0/3 then invalid", with(vn, func(p *ballots.Policy) { p.Quorum = ballots.Fraction{Num: 0, Den: 3} }), "err.policy.quorum_invalid"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := code(t, tt.p.Validate()); got != tt.want {
				t.Fatalf("Validate() code = %q, want %q", got, tt.want)
			}
		})
	}
}

func TestPresets(t *testing.T) {
	want := map[string]ballots.Policy{
		"vn-government": {Name: "vn-government", Denominator: "all_members", Threshold: "more_than_half",
			TieBreaker: "chair", NonResponse: "nothing"},
		"simple-majority": {Name: "simple-majority", Denominator: "answers_received", Threshold: "more_than_half",
			TieBreaker: "none", NonResponse: "nothing", Quorum: ballots.Fraction{Num: 1, Den: 2}},
		"two-thirds": {Name: "two-thirds", Denominator: "all_members", Threshold: "two_thirds",
			TieBreaker: "none", NonResponse: "nothing"},
	}
	presets := ballots.Presets()
	if len(presets) != len(want) || presets[0].Name != "vn-government" {
		t.Fatalf("given the presets then want vn-government first of %d, got %+v", len(want), presets)
	}
	for _, p := range presets {
		if p != want[p.Name] {
			t.Errorf("given preset %q then got %+v, want %+v", p.Name, p, want[p.Name])
		}
		if err := p.Validate(); err != nil {
			t.Errorf("given preset %q when validated then %v", p.Name, err)
		}
		if got, ok := ballots.PolicyByName(p.Name); !ok || got != p {
			t.Errorf("given %q when looked up then %+v %v", p.Name, got, ok)
		}
	}
	if got := ballots.VNGovernment(); got != want["vn-government"] {
		t.Errorf("VNGovernment() = %+v", got)
	}
	if _, ok := ballots.PolicyByName("unanimity"); ok {
		t.Error("given an unknown name when looked up then want not found")
	}
}

func TestOptions(t *testing.T) {
	vi := ballots.VietnameseOptions()
	if len(vi) != 3 || vi[0].Label != "Đồng ý" || vi[1].Label != "Không đồng ý" || vi[2].Label != "Ý kiến khác" {
		t.Fatalf("VietnameseOptions = %+v", vi)
	}
	en := ballots.EnglishOptions()
	for i := range vi {
		if vi[i].Choice != en[i].Choice || !vi[i].Choice.Valid() {
			t.Fatalf("options differ in choices: %+v vs %+v", vi, en)
		}
	}
	vi[0].Label = "changed"
	if ballots.VietnameseOptions()[0].Label != "Đồng ý" {
		t.Fatal("given a caller that edits the options then the preset changed")
	}
}
