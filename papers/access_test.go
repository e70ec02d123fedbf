package papers_test

import (
	"encoding/json"
	"fmt"
	"strings"
	"testing"

	"github.com/ecabinet/ecabinet/meetings"
	"github.com/ecabinet/ecabinet/papers"
)

func TestCanSee(t *testing.T) {
	participants := []string{"pm", "dpm1", "dpm2"}
	named := papers.Distribution{Rule: papers.RuleNamed, Members: []string{"dpm1"}}
	member := func(id string) meetings.Member { return meetings.Member{ID: id, Role: meetings.RoleMember} }
	secretary := meetings.Member{ID: "sec1", Role: meetings.RoleSecretary}
	tests := []struct {
		name     string
		who      meetings.Member
		list     papers.Distribution
		recalled bool
		want     bool
	}{
		{"given a participant and the owner rule then sees", member("dpm2"), papers.Distribution{}, false, true},
		{"given a non-participant and the owner rule then not", member("guest"), papers.Distribution{}, false, false},
		{"given a named member then sees", member("dpm1"), named, false, true},
		{"given a participant not named then not", member("pm"), named, false, false},
		{"given a secretary not named then sees", secretary, named, false, true},
		{"given a named member and a recalled paper then not", member("dpm1"), named, true, false},
		{"given a secretary and a recalled paper then sees", secretary, named, true, true},
		{"given a removed named member then not", meetings.Member{ID: "dpm1", Role: meetings.RoleMember, Removed: true}, named, false, false},
		{"given a removed secretary then not", meetings.Member{ID: "sec1", Role: meetings.RoleSecretary, Removed: true}, named, false, false},
		{"given no member then not", meetings.Member{}, papers.Distribution{}, false, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := paper()
			p.Distribution = tt.list
			p.Recalled = tt.recalled
			if got := papers.CanSee(tt.who, p, participants); got != tt.want {
				t.Errorf("CanSee = %v, want %v", got, tt.want)
			}
		})
	}
}

func TestResolve_GivenTheOwnersList_ThenACopyNotAnAlias(t *testing.T) {
	owner := []string{"a", "b"}
	got := papers.Distribution{}.Resolve(owner)
	got[0] = "x"
	if owner[0] != "a" {
		t.Fatal("Resolve returned the caller's slice")
	}
	named := papers.Distribution{Rule: papers.RuleNamed, Members: []string{"c"}}
	if got := named.Resolve(owner); len(got) != 1 || got[0] != "c" {
		t.Fatalf("named Resolve = %v", got)
	}
}

func TestExportMode(t *testing.T) {
	tests := []struct {
		name     string
		export   bool
		marking  papers.Marking
		recalled bool
		want     papers.ExportMode
		wantErr  string
	}{
		{"given a normal paper then plain", true, papers.MarkingNormal, false, papers.ExportPlain, ""},
		{"given a confidential paper then watermarked", true, papers.MarkingConfidential, false, papers.ExportWatermarked, ""},
		{"given export off then refused", false, papers.MarkingNormal, false, "", "err.paper.export_refused"},
		{"given a recalled paper then refused", true, papers.MarkingNormal, true, "", "err.paper.recalled"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := paper()
			p.ExportAllowed, p.Marking, p.Recalled = tt.export, tt.marking, tt.recalled
			got, err := p.ExportMode()
			if got != tt.want || code(t, err) != tt.wantErr {
				t.Errorf("ExportMode = %q, %v; want %q, %q", got, err, tt.want, tt.wantErr)
			}
		})
	}
}

// The lineage key must not leak through JSON (command output) or %v (logs).
func TestLineageKey_GivenAPaper_WhenPrinted_ThenTheKeyIsNotShown(t *testing.T) {
	p := paper()
	p.Lineage = papers.LineageKey{0xde, 0xad, 0xbe, 0xef, 0x42}
	js, err := json.Marshal(p)
	if err != nil {
		t.Fatal(err)
	}
	for _, s := range []string{string(js), fmt.Sprintf("%v", p), fmt.Sprintf("%+v", p), fmt.Sprintf("%#v", p)} {
		if strings.Contains(strings.ToLower(s), "deadbeef") || strings.Contains(s, "222 173 190 239") || strings.Contains(s, "0xde, 0xad") {
			t.Errorf("the key shows in %s", s)
		}
	}
}
