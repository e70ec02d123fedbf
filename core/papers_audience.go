package core

import (
	"slices"

	"github.com/ecabinet/ecabinet/ballots"
	"github.com/ecabinet/ecabinet/meetings"
	"github.com/ecabinet/ecabinet/ops"
	"github.com/ecabinet/ecabinet/papers"
	"github.com/ecabinet/ecabinet/store"
)

// Who receives a paper, and how papers follow the body rules. A paper
// belongs to a meeting (an agenda item) or a ballot, and so to its body:
// its ops go to the members on its list and the body's secretariat
// (ops.ToPaperList), they hang from the meeting or ballot (so a member who
// joins that record's audience later, when a draft meeting is published,
// receives them with it in the hub's reveal), and a device that does not
// hold the meeting or ballot passes over them until then.

// paperOwnerIn is the paper op's owner, as the op names it (paper.add) or
// as the stored paper says (its other kinds); false when neither is known.
func paperOwnerIn(tx *txn, body any, rec ops.Record) (papers.Owner, bool, error) {
	if b, ok := body.(*ops.PaperAdd); ok {
		return b.Paper.Owner, true, nil
	}
	var r PaperRecord
	if err := tx.Get(store.Key(store.PrefixPaper, rec.ID), &r); err != nil {
		return papers.Owner{}, false, notFoundIsNone(err)
	}
	return r.Paper.Owner, true, nil
}

// ownerEntity is the store key of the meeting or ballot a paper belongs to.
func ownerEntity(o papers.Owner) string {
	if o.IsBallot() {
		return string(store.Key(store.PrefixBallot, o.BallotID))
	}
	return string(store.Key(store.PrefixMeeting, o.MeetingID))
}

// paperOpOwner decodes a paper op and names its owner's entity; "" for an
// op that is not a paper's or whose owner is unknown.
func paperOpOwner(tx *txn, op ops.Op) (string, error) {
	spec, ok := ops.Lookup(op.Kind)
	if !ok || !isPaperKind(op.Kind) {
		return "", nil
	}
	body, err := spec.DecodeLoose(op)
	if err != nil {
		return "", nil
	}
	o, ok, err := paperOwnerIn(tx, body, spec.Record(op, body))
	if err != nil || !ok {
		return "", err
	}
	return ownerEntity(o), nil
}

// paperListGroups is the ToPaperList rule: the members the paper's list
// resolves to (against its meeting's participants, else its body's voting
// members, or its ballot's eligible members), and its body's secretariat.
func paperListGroups(tx *txn, rec ops.Record) ([]string, error) {
	var r PaperRecord
	if err := tx.Get(store.Key(store.PrefixPaper, rec.ID), &r); err != nil {
		return nil, err // the hub logs an op it has just applied: the paper is there
	}
	body, audience, err := paperOwnerAudienceTx(tx, r.Paper.Owner)
	if err != nil {
		return nil, err
	}
	g := []string{groupSecretariat(body)}
	for _, id := range r.Paper.Distribution.Resolve(audience) {
		g = append(g, groupMember(id))
	}
	slices.Sort(g)
	return slices.Compact(g), nil
}

// paperOwnerAudienceTx is a paper owner's body and the members its list
// resolves against, from the state in tx.
func paperOwnerAudienceTx(tx *txn, o papers.Owner) (string, []string, error) {
	if o.IsBallot() {
		var b ballots.Ballot
		if err := tx.Get(store.Key(store.PrefixBallot, o.BallotID), &b); err != nil {
			return "", nil, err
		}
		return meetings.BodyOf(b.Body), slices.Clone(b.Eligible), nil
	}
	var m meetings.Meeting
	if err := tx.Get(store.Key(store.PrefixMeeting, o.MeetingID), &m); err != nil {
		return "", nil, err
	}
	body := meetings.BodyOf(m.Body)
	if len(m.Participants) > 0 {
		return body, slices.Clone(m.Participants), nil
	}
	var all []meetings.Member
	err := eachRecord(tx.Tx, store.PrefixMember, func(v meetings.Member) { all = append(all, v) })
	return body, voterIDs(meetings.InBody(all, body)), err
}

// paperBody is the body of a paper's owner in the model ("" → the main
// body). The caller holds modelMu.
func (p *Profile) paperBody(o papers.Owner) string {
	if o.IsBallot() {
		return meetings.BodyOf(p.m.ballots[o.BallotID].Body)
	}
	return meetings.BodyOf(p.m.meetings[o.MeetingID].Body)
}

// canSeePaper is papers.CanSee for a member as the paper's body sees them:
// its secretariat (and the organisation's) sees every paper of the body,
// a secretary of another body only what is on the list. The caller holds
// modelMu.
func (p *Profile) canSeePaper(m meetings.Member, pp papers.Paper) bool {
	body := p.paperBody(pp.Owner)
	if secretariatOf(m, body) && m.Role != meetings.RoleSystem {
		m.Role = meetings.RoleSecretary
	} else if m.Role == meetings.RoleSecretary || m.Role == meetings.RoleSystem {
		m.Role = meetings.RoleMember
	}
	return papers.CanSee(m, pp, p.ownerAudience(pp.Owner))
}
