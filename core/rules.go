package core

import (
	"errors"

	"github.com/ecabinet/ecabinet/ballots"
	"github.com/ecabinet/ecabinet/meetings"
	"github.com/ecabinet/ecabinet/ops"
	"github.com/ecabinet/ecabinet/store"
)

// Rules per body. A meeting or a ballot belongs to one body, and who may
// act on it is decided by the actor's role in that body, not by their role
// in the organisation: a secretary of one body is not a secretary of
// another, the chair of a steering committee is an ordinary member of the
// Government. Two kinds of member pass everywhere: the organisation's
// secretariat (Member.Role RoleSecretary, the Government Office, which
// serves every body) and the hub's system member. Members, devices and the
// bodies themselves are the organisation's: only its secretariat keeps them.

// Errors of the body rules.
var (
	// errBodyRequired: several bodies exist and the input names none.
	errBodyRequired = &meetings.Error{Code: "err.body.required", Field: "body"}
	// errBodyUnknown: the input names a body that does not exist.
	errBodyUnknown = &meetings.Error{Code: "err.body.unknown", Field: "body"}
	// errNotInBody: a participant or eligible member is not a member of
	// the record's body.
	errNotInBody = &meetings.Error{Code: "err.body.not_member", Field: "participants"}
	// errBodyMismatch: a ballot tied to a meeting names another body.
	errBodyMismatch = &meetings.Error{Code: "err.ballot.body_mismatch", Field: "body"}
)

// orgSecretariat reports whether m is the organisation's secretariat or
// the hub: who may do secretariat work in every body.
func orgSecretariat(m meetings.Member) bool {
	return (m.Role == meetings.RoleSecretary || m.Role == meetings.RoleSystem) && !m.Removed
}

// secretariatOf reports whether m may do body's secretariat work: the
// organisation's secretariat, or a secretary of that body.
func secretariatOf(m meetings.Member, body string) bool {
	if orgSecretariat(m) {
		return true
	}
	r, ok := m.RoleIn(body)
	return ok && r == meetings.RoleSecretary
}

// asIn is m as the rules of body see them: Role is their role there, ""
// when they are not a member of it. The hub's system member stays itself.
func asIn(m meetings.Member, body string) meetings.Member {
	if m.Role == meetings.RoleSystem {
		return m
	}
	r, _ := m.RoleIn(body)
	m.Role = r
	return m
}

// allows is the role rule of a kind for actor: for an op on a meeting or a
// ballot, checked against the actor's role in the record's body (with the
// organisation's secretariat passing every secretariat rule); for anything
// else, against their role in the organisation.
func allows(maker ops.Maker, actor meetings.Member, body string, scoped bool) bool {
	if !scoped {
		return maker.Allows(actor)
	}
	if maker == ops.BySecretariat && secretariatOf(actor, body) {
		return true
	}
	return maker.Allows(asIn(actor, body))
}

// recordBody names the body of the meeting or ballot an op touches: for a
// meeting's creation or a ballot's issue, the body the op itself names;
// for any other op, the stored record's. scoped is false for ops on
// members, devices and bodies (the organisation's), and for a record this
// replica does not hold (the kind's handler then refuses it as not found).
func recordBody(tx *txn, op ops.Op, body any, rec ops.Record) (id string, scoped bool, err error) {
	switch b := body.(type) {
	case *ops.MeetingCreate:
		return meetings.BodyOf(b.Meeting.Body), true, nil
	case *ops.BallotIssue:
		return meetings.BodyOf(b.Ballot.Body), true, nil
	}
	var key []byte
	switch rec.Type {
	case ops.RecordMeeting:
		key = store.Key(store.PrefixMeeting, rec.ID)
		var m meetings.Meeting
		err = tx.Get(key, &m)
		id = m.Body
	case ops.RecordBallot:
		key = store.Key(store.PrefixBallot, rec.ID)
		var bl ballots.Ballot
		err = tx.Get(key, &bl)
		id = bl.Body
	case ops.RecordPaper:
		// A paper is its meeting's or ballot's, and so of that body.
		o, ok, oerr := paperOwnerIn(tx, body, rec)
		if oerr != nil || !ok {
			return "", false, oerr
		}
		t, oid := ops.RecordMeeting, o.MeetingID
		if o.IsBallot() {
			t, oid = ops.RecordBallot, o.BallotID
		}
		return recordBody(tx, op, nil, ops.Record{Type: t, ID: oid})
	default:
		return "", false, nil
	}
	if errors.Is(err, store.ErrNotFound) {
		return "", false, nil
	}
	return meetings.BodyOf(id), err == nil, err
}

// checkBodyExists refuses a record naming a body this replica does not
// know (or one that was removed).
func checkBodyExists(tx *txn, body string) error {
	body = meetings.BodyOf(body)
	if body == meetings.MainBody {
		return nil
	}
	var b meetings.Body
	if err := tx.Get(store.Key(store.PrefixBody, body), &b); err != nil {
		if errors.Is(err, store.ErrNotFound) {
			return errBodyUnknown
		}
		return err
	}
	if b.Removed {
		return errBodyUnknown
	}
	return nil
}

// checkInBody refuses member IDs that are not members of body.
func checkInBody(tx *txn, body string, ids []string) error {
	for _, id := range ids {
		var m meetings.Member
		if err := tx.Get(store.Key(store.PrefixMember, id), &m); err != nil {
			if errors.Is(err, store.ErrNotFound) {
				return errNotInBody
			}
			return err
		}
		if _, ok := m.RoleIn(body); !ok {
			return errNotInBody
		}
	}
	return nil
}

// resolveBody is the body an input names, the only body when it names none
// and there is one: err.body.required when there are several, and
// err.body.unknown for a body that does not exist.
func (p *Profile) resolveBody(id string) (string, error) {
	p.modelMu.RLock()
	defer p.modelMu.RUnlock()
	if id != "" {
		if b, ok := p.m.body(id); !ok || b.Removed {
			return "", errBodyUnknown
		}
		return id, nil
	}
	bs := p.m.bodyList()
	if len(bs) > 1 {
		return "", errBodyRequired
	}
	return bs[0].ID, nil
}

// MembersOf lists the current members of a body, each with Role set to
// their role there (meetings.InBody): its chair first, then its members,
// secretaries and guests, each by name.
func (p *Profile) MembersOf(body string) []meetings.Member {
	out := meetings.InBody(p.Members(), body)
	sortMembers(out, func(m meetings.Member) int { return roleOrder[m.Role] })
	return out
}

// IsSecretaryOf reports whether the profile's member may do a body's
// secretariat work: the organisation's secretariat or that body's
// secretary.
func (p *Profile) IsSecretaryOf(body string) bool { return secretariatOf(p.Self(), body) }

// IsOrgSecretary reports whether the profile's member is the
// organisation's secretariat, who keeps the members, devices and bodies.
func (p *Profile) IsOrgSecretary() bool { return orgSecretariat(p.Self()) }

// RoleIn is the profile's member's role in a body, "" when they are not a
// member of it.
func (p *Profile) RoleIn(body string) meetings.Role {
	r, _ := p.Self().RoleIn(body)
	return r
}
