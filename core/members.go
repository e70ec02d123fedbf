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

// AddMember adds a member to the committee (secretariat only).
func (p *Profile) AddMember(m meetings.Member) (meetings.Member, error) {
	m.ID = identity.NewID()
	m.Name, m.Title = strings.TrimSpace(m.Name), strings.TrimSpace(m.Title)
	if err := m.Validate(); err != nil {
		return meetings.Member{}, err
	}
	_, err := p.submit(ops.KindMemberPut, ops.MemberPut{Member: m}, 0)
	return m, err
}

// UpdateMember edits a member's name, title or role (secretariat only).
func (p *Profile) UpdateMember(m meetings.Member) error {
	if _, err := p.Member(m.ID); err != nil {
		return err
	}
	m.Name, m.Title = strings.TrimSpace(m.Name), strings.TrimSpace(m.Title)
	_, err := p.submit(ops.KindMemberPut, ops.MemberPut{Member: m}, 0)
	return err
}

// RemoveMember marks a member as having left; their history stays.
func (p *Profile) RemoveMember(id string) error {
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
