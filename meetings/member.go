package meetings

import "strings"

// Role is what a member does in the committee.
type Role string

// The roles of a committee. The chair's answer breaks ties under the
// Vietnamese rule; only secretaries prepare sessions and issue ballots.
const (
	RoleChair     Role = "chair"
	RoleMember    Role = "member"
	RoleSecretary Role = "secretary"
	RoleGuest     Role = "guest"
	// RoleSystem is the hub itself: it enrolls devices and introduces the
	// members invites are made for. It never votes and is not listed among
	// the committee's members.
	RoleSystem Role = "system"
)

// Roles lists every role in display order.
var Roles = []Role{RoleChair, RoleMember, RoleSecretary, RoleGuest}

// Valid reports whether r is one of the known roles.
func (r Role) Valid() bool {
	if r == RoleSystem {
		return true
	}
	for _, k := range Roles {
		if r == k {
			return true
		}
	}
	return false
}

// Votes reports whether members with this role count toward quorum and
// ballots. Secretaries and guests attend but do not vote.
func (r Role) Votes() bool { return r == RoleChair || r == RoleMember }

// Member is one person of the committee.
type Member struct {
	ID    string `cbor:"1,keyasint" json:"id"`
	Name  string `cbor:"2,keyasint" json:"name"`
	Title string `cbor:"3,keyasint,omitempty" json:"title,omitempty"`
	Role  Role   `cbor:"4,keyasint" json:"role"`
	// Removed marks a member who left the committee; they stay in history.
	Removed bool `cbor:"5,keyasint,omitempty" json:"removed,omitempty"`
	// Bodies are the bodies the member belongs to, with their role in each
	// (body.go). Empty for a member made before bodies: Memberships reads
	// that as MainBody with Role. With memberships, Role is the member's
	// role in the organisation itself: RoleSecretary for its secretariat
	// (who keeps the members and bodies and serves every body), RoleMember
	// otherwise.
	Bodies []Membership `cbor:"6,keyasint,omitempty" json:"bodies,omitempty"`
	// Email and Phone are the contact details the secretariat keeps
	// (contact.go); keys from 20 on, left free for the fields above.
	Email string `cbor:"20,keyasint,omitempty" json:"email,omitempty"`
	Phone string `cbor:"21,keyasint,omitempty" json:"phone,omitempty"`
}

// MaxNameLen bounds names and titles so that a pasted document cannot become
// a member's name.
const MaxNameLen = 200

// Validate checks the member's fields.
func (m Member) Validate() error {
	name := strings.TrimSpace(m.Name)
	switch {
	case name == "":
		return NewError("err.member.name_required", "name")
	case len(name) > MaxNameLen:
		return NewError("err.member.name_too_long", "name")
	case len(m.Title) > MaxNameLen:
		return NewError("err.member.title_too_long", "title")
	case !m.Role.Valid():
		return NewError("err.member.role_invalid", "role")
	}
	seen := make(map[string]bool, len(m.Bodies))
	for _, ms := range m.Bodies {
		switch {
		case !ms.Role.Valid() || ms.Role == RoleSystem:
			return NewError("err.member.role_invalid", "role")
		case seen[BodyOf(ms.Body)]:
			return NewError("err.member.body_twice", "body")
		}
		seen[BodyOf(ms.Body)] = true
	}
	return m.validateContact()
}

// Voters returns the members who vote (chair and members), in the given order,
// skipping removed ones.
func Voters(all []Member) []Member {
	var out []Member
	for _, m := range all {
		if !m.Removed && m.Role.Votes() {
			out = append(out, m)
		}
	}
	return out
}

// Chair returns the first current chair, if any.
func Chair(all []Member) (Member, bool) {
	for _, m := range all {
		if !m.Removed && m.Role == RoleChair {
			return m, true
		}
	}
	return Member{}, false
}
