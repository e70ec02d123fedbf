package meetings

import "strings"

// Bodies. One organisation (one hub) serves several bodies (cơ quan, ban):
// the Government, its steering committees. A member belongs to one or more
// of them with a role in each, and every meeting and ballot belongs to one.
// The rules of this package (Voters, Chair, Quorum) speak of one body's
// members: InBody gives them, each with their role in that body, so the
// rules need not know that bodies exist.

// MainBody is the ID of the organisation's first body. Records made before
// bodies existed name no body and belong to it (BodyOf), and a member with
// no memberships is a member of it with their Role (Memberships), so that
// profiles made by earlier versions keep working without being rewritten.
const MainBody = "main"

// Body is one of the organisation's bodies.
type Body struct {
	ID   string `cbor:"1,keyasint" json:"id"`
	Name string `cbor:"2,keyasint" json:"name"`
	// Removed marks a body that no longer meets; its records stay.
	Removed bool `cbor:"3,keyasint,omitempty" json:"removed,omitempty"`
}

// Validate checks the body's fields.
func (b Body) Validate() error {
	name := strings.TrimSpace(b.Name)
	switch {
	case strings.TrimSpace(b.ID) == "":
		return NewError("err.body.id_required", "id")
	case name == "":
		return NewError("err.body.name_required", "name")
	case len(name) > MaxNameLen:
		return NewError("err.body.name_too_long", "name")
	}
	return nil
}

// Membership is a member's place in one body: their role there.
type Membership struct {
	Body string `cbor:"1,keyasint" json:"body"`
	Role Role   `cbor:"2,keyasint" json:"role"`
}

// BodyOf is the body a record names, MainBody for one made before bodies.
func BodyOf(id string) string {
	if id == "" {
		return MainBody
	}
	return id
}

// Memberships lists the bodies m belongs to with their role in each. A
// member with none recorded (made before bodies) belongs to MainBody with
// their Role; the hub's system member belongs to none.
func (m Member) Memberships() []Membership {
	if m.Role == RoleSystem {
		return nil
	}
	if len(m.Bodies) == 0 {
		return []Membership{{Body: MainBody, Role: m.Role}}
	}
	return m.Bodies
}

// RoleIn is m's role in body, false when m is not a member of it (or has
// been removed from the organisation).
func (m Member) RoleIn(body string) (Role, bool) {
	if m.Removed {
		return "", false
	}
	body = BodyOf(body)
	for _, ms := range m.Memberships() {
		if ms.Body == body {
			return ms.Role, true
		}
	}
	return "", false
}

// InBody returns the members of body, in the given order, each with Role
// set to their role in that body: what Voters, Chair and Quorum count for
// a meeting or ballot of that body. Removed members are kept (with their
// role) so that history still names them; the rules skip them.
func InBody(all []Member, body string) []Member {
	body = BodyOf(body)
	var out []Member
	for _, m := range all {
		removed := m.Removed
		m.Removed = false
		if r, ok := m.RoleIn(body); ok {
			m.Role, m.Removed = r, removed
			out = append(out, m)
		}
	}
	return out
}
