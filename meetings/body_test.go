package meetings

import (
	"fmt"
	"testing"
)

func TestInBody(t *testing.T) {
	legacy := Member{ID: "old", Name: "Old", Role: RoleChair}
	dpm := Member{ID: "dpm", Name: "DPM", Role: RoleMember, Bodies: []Membership{{Body: MainBody, Role: RoleMember}, {Body: "reform", Role: RoleChair}}}
	sec := Member{ID: "sec", Name: "Sec", Role: RoleMember, Bodies: []Membership{{Body: "reform", Role: RoleSecretary}}}
	gone := Member{ID: "gone", Name: "Gone", Role: RoleMember, Removed: true, Bodies: []Membership{{Body: "reform", Role: RoleMember}}}
	hub := Member{ID: "hub", Name: "Org", Role: RoleSystem}
	all := []Member{legacy, dpm, sec, gone, hub}
	tests := []struct {
		body string
		want string
	}{
		{"", "old:chair dpm:member"},
		{MainBody, "old:chair dpm:member"},
		{"reform", "dpm:chair sec:secretary gone:member(removed)"},
		{"other", ""},
	}
	for _, tt := range tests {
		got := ""
		for _, m := range InBody(all, tt.body) {
			if got != "" {
				got += " "
			}
			got += fmt.Sprintf("%s:%s", m.ID, m.Role)
			if m.Removed {
				got += "(removed)"
			}
		}
		if got != tt.want {
			t.Errorf("InBody(%q) = %q, want %q", tt.body, got, tt.want)
		}
	}
	if c, ok := Chair(InBody(all, "reform")); !ok || c.ID != "dpm" {
		t.Errorf("chair of reform = %v %v, want dpm", c, ok)
	}
	if n := len(Voters(InBody(all, "reform"))); n != 1 {
		t.Errorf("voters of reform = %d, want 1 (the removed member does not vote)", n)
	}
	if _, ok := gone.RoleIn("reform"); ok {
		t.Error("a removed member has no role in any body")
	}
}

func TestMemberBodiesValidate(t *testing.T) {
	tests := []struct {
		bodies []Membership
		code   string
	}{
		{nil, ""},
		{[]Membership{{Body: "a", Role: RoleChair}, {Body: "b", Role: RoleGuest}}, ""},
		{[]Membership{{Body: "a", Role: RoleChair}, {Body: "a", Role: RoleMember}}, "err.member.body_twice"},
		{[]Membership{{Body: "", Role: RoleChair}, {Body: MainBody, Role: RoleMember}}, "err.member.body_twice"},
		{[]Membership{{Body: "a", Role: "boss"}}, "err.member.role_invalid"},
		{[]Membership{{Body: "a", Role: RoleSystem}}, "err.member.role_invalid"},
	}
	for _, tt := range tests {
		err := Member{ID: "m", Name: "M", Role: RoleMember, Bodies: tt.bodies}.Validate()
		if got := codeOf(err); got != tt.code {
			t.Errorf("%v: code %q, want %q", tt.bodies, got, tt.code)
		}
	}
}

func TestBodyValidate(t *testing.T) {
	for _, tt := range []struct {
		b    Body
		code string
	}{
		{Body{ID: "gov", Name: "Chính phủ"}, ""},
		{Body{ID: "", Name: "X"}, "err.body.id_required"},
		{Body{ID: "x", Name: "  "}, "err.body.name_required"},
	} {
		if got := codeOf(tt.b.Validate()); got != tt.code {
			t.Errorf("%+v: %q, want %q", tt.b, got, tt.code)
		}
	}
}

func codeOf(err error) string {
	if err == nil {
		return ""
	}
	if e, ok := err.(*Error); ok {
		return e.Code
	}
	return "?" + err.Error()
}
