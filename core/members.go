package core

import (
	"errors"
	"strings"

	"github.com/ecabinet/ecabinet/identity"
	"github.com/ecabinet/ecabinet/meetings"
	"github.com/ecabinet/ecabinet/ops"
	"github.com/ecabinet/ecabinet/store"
)

// Members lists the current committee members, chair first.
func (p *Profile) Members() []meetings.Member {
	p.modelMu.RLock()
	defer p.modelMu.RUnlock()
	return p.m.memberList()
}

// Member returns one member, removed ones included.
func (p *Profile) Member(id string) (meetings.Member, error) {
	p.modelMu.RLock()
	defer p.modelMu.RUnlock()
	m, ok := p.m.members[id]
	if !ok {
		return meetings.Member{}, ErrNotFound
	}
	return m, nil
}

// AddMember adds a member (the organisation's secretariat only). With no
// Bodies, the member belongs to the main body with Role, as members made
// before bodies do; with Bodies, each names a body and the member's role
// there, and Role is taken as their role in the organisation (orgRole:
// the secretariat or a member).
func (p *Profile) AddMember(m meetings.Member) (meetings.Member, error) {
	if err := p.sharedFresh(); err != nil {
		return meetings.Member{}, err
	}
	m.ID = identity.NewID()
	m.Name, m.Title = strings.TrimSpace(m.Name), strings.TrimSpace(m.Title)
	if len(m.Bodies) > 0 {
		m.Role = orgRole(m.Role, m.Bodies)
	}
	if err := m.Validate(); err != nil {
		return meetings.Member{}, err
	}
	if err := p.checkMemberships(m); err != nil {
		return meetings.Member{}, err
	}
	_, err := p.submit(ops.KindMemberPut, ops.MemberPut{Member: m}, 0)
	return m, err
}

// UpdateMember edits a member's name, title, role or memberships (the
// organisation's secretariat only); Role is read as in AddMember.
func (p *Profile) UpdateMember(m meetings.Member) error {
	if err := p.sharedFresh(); err != nil {
		return err
	}
	if _, err := p.Member(m.ID); err != nil {
		return err
	}
	if len(m.Bodies) > 0 {
		m.Role = orgRole(m.Role, m.Bodies)
	}
	return p.putMember(m)
}

// RemoveMember marks a member as having left; their history stays.
func (p *Profile) RemoveMember(id string) error {
	if err := p.sharedFresh(); err != nil {
		return err
	}
	m, err := p.Member(id)
	if err != nil {
		return err
	}
	if id == p.Self().ID {
		return meetings.NewError("err.member.remove_self", "")
	}
	m.Removed = true
	_, err = p.submit(ops.KindMemberPut, ops.MemberPut{Member: m}, 0)
	return err
}

// EnrollDevice lets another device sign for a member (secretariat only).
// With sync, the hub issues enrollments; this is the local form.
func (p *Profile) EnrollDevice(memberID string, pub []byte) error {
	if err := p.sharedFresh(); err != nil {
		return err
	}
	if _, err := p.Member(memberID); err != nil {
		return err
	}
	_, err := p.submit(ops.KindDeviceEnroll, ops.DeviceEnroll{MemberID: memberID, PubKey: pub}, 0)
	return err
}

// ErrDeviceEnrolled refuses to enroll a key this replica already knows: a
// device of any member, the hub's own, a revoked one. Re-binding a key
// would let whoever holds an invitation take over another member's device
// (or the hub's signature) on every replica.
var ErrDeviceEnrolled = &meetings.Error{Code: "err.device.already_enrolled"}

// refuseKnownDevice is the device.enroll rule: a key is enrolled once, for
// one member. The one repeat let through is a device receiving the hub's
// enrollment of its own key for its own member (it knew itself since its
// profile was made); self is this replica's device.
func refuseKnownDevice(tx *txn, dev, memberID, self string) error {
	known, err := tx.Has(store.Key(store.PrefixDevice, dev))
	if err != nil || !known {
		return err
	}
	bound, err := tx.GetRaw(store.Key(store.PrefixDeviceMember, dev))
	switch {
	case err == nil && dev == self && string(bound) == memberID:
		return nil
	case err != nil && !errors.Is(err, store.ErrNotFound):
		return err
	}
	return ErrDeviceEnrolled
}

// KnowsDevice reports whether a device key is enrolled in this replica
// under any member (or is the hub's own): such a key may not be enrolled
// again.
func (p *Profile) KnowsDevice(pub []byte) (bool, error) {
	var known bool
	err := p.st.View(func(tx *store.Tx) error {
		var err error
		known, err = tx.Has(store.Key(store.PrefixDevice, identity.IDOf(pub)))
		return err
	})
	return known, err
}

// DeviceInfo is an enrolled device.
type DeviceInfo struct {
	ID     string `json:"id"`
	Member string `json:"member"`
}

// Devices lists the devices enrolled in this replica, with their member.
func (p *Profile) Devices() ([]DeviceInfo, error) {
	var out []DeviceInfo
	prefix := store.PrefixDeviceMember + "/"
	err := p.st.View(func(tx *store.Tx) error {
		return tx.Each([]byte(prefix), func(k, v []byte) error {
			out = append(out, DeviceInfo{ID: strings.TrimPrefix(string(k), prefix), Member: string(v)})
			return nil
		})
	})
	return out, err
}

// SetMembership gives a member a role in a body: adds the membership, or
// changes their role there (the organisation's secretariat only). A member
// made before bodies (no memberships recorded, so a member of the main body
// with their Role) gets that membership written out first; their Role then
// becomes their role in the organisation (orgRole).
func (p *Profile) SetMembership(memberID, body string, role meetings.Role) error {
	if err := p.sharedFresh(); err != nil {
		return err
	}
	m, err := p.Member(memberID)
	if err != nil {
		return err
	}
	if body, err = p.resolveBody(body); err != nil {
		return err
	}
	if !role.Valid() || role == meetings.RoleSystem {
		return meetings.NewError("err.member.role_invalid", "role")
	}
	bodies := append([]meetings.Membership(nil), m.Memberships()...)
	found, was := false, m.Role
	for i := range bodies {
		if meetings.BodyOf(bodies[i].Body) == body {
			if body == meetings.MainBody && bodies[i].Role == meetings.RoleSecretary && role != meetings.RoleSecretary {
				was = meetings.RoleMember // no longer the Government's secretary
			}
			bodies[i].Role, found = role, true
		}
	}
	if !found {
		bodies = append(bodies, meetings.Membership{Body: body, Role: role})
	}
	m.Bodies, m.Role = bodies, orgRole(was, bodies)
	return p.putMember(m)
}

// RemoveMembership takes a member out of a body. Their last membership
// cannot go (remove the member instead): a member with none recorded reads
// as a member of the main body, as profiles made before bodies do.
func (p *Profile) RemoveMembership(memberID, body string) error {
	if err := p.sharedFresh(); err != nil {
		return err
	}
	m, err := p.Member(memberID)
	if err != nil {
		return err
	}
	body = meetings.BodyOf(body)
	var bodies []meetings.Membership
	for _, ms := range m.Memberships() {
		if ms.Body != body {
			bodies = append(bodies, ms)
		}
	}
	switch {
	case len(bodies) == len(m.Memberships()):
		return errNotInBody
	case len(bodies) == 0:
		return meetings.NewError("err.member.last_body", "body")
	}
	m.Bodies, m.Role = bodies, orgRole(m.Role, bodies)
	return p.putMember(m)
}

// orgRole is a member's role in the organisation once memberships are
// recorded: the secretariat stays the secretariat (as does the secretary
// of the main body: the Government Office is the Government's
// secretariat), everyone else is a member, whatever their role in the
// bodies they belong to.
func orgRole(was meetings.Role, bodies []meetings.Membership) meetings.Role {
	if was == meetings.RoleSecretary {
		return meetings.RoleSecretary
	}
	for _, ms := range bodies {
		if meetings.BodyOf(ms.Body) == meetings.MainBody && ms.Role == meetings.RoleSecretary {
			return meetings.RoleSecretary
		}
	}
	return meetings.RoleMember
}

// putMember validates a member's memberships against the bodies this
// replica knows and submits the member.
func (p *Profile) putMember(m meetings.Member) error {
	if err := p.checkMemberships(m); err != nil {
		return err
	}
	m.Name, m.Title = strings.TrimSpace(m.Name), strings.TrimSpace(m.Title)
	if err := m.Validate(); err != nil {
		return err
	}
	_, err := p.submit(ops.KindMemberPut, ops.MemberPut{Member: m}, 0)
	return err
}

// checkMemberships refuses memberships of bodies that do not exist.
func (p *Profile) checkMemberships(m meetings.Member) error {
	for _, ms := range m.Bodies {
		if _, err := p.resolveBody(meetings.BodyOf(ms.Body)); err != nil {
			return err
		}
	}
	return nil
}
