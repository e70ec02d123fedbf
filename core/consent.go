package core

import (
	"errors"
	"strings"
	"time"

	"github.com/ecabinet/ecabinet/ballots"
	"github.com/ecabinet/ecabinet/codec"
	"github.com/ecabinet/ecabinet/meetings"
	"github.com/ecabinet/ecabinet/ops"
	"github.com/ecabinet/ecabinet/store"
)

// The consent agenda: before a session each member marks every agenda item
// "no objection", "want to speak" or "object", offline; the secretariat
// sees the aggregate and adopts the items nobody objects to or wants to
// speak on as one block. Marks reach only their member and the secretariat
// (like answers).

// MarkConsent records the profile member's mark on an agenda item.
func (p *Profile) MarkConsent(meetingID, itemID string, mark meetings.ConsentMark) error {
	if !mark.Valid() {
		return meetings.ErrConsentMarkInvalid
	}
	_, err := p.submit(ops.KindConsentMark, ops.ConsentMark{MeetingID: meetingID, ItemID: itemID, Mark: mark}, 0)
	return err
}

// Only a voting member marks, for themself: the table's ByVoter rule has
// checked it.
func (p *Profile) applyConsentMark(tx *txn, c change) (applied, error) {
	actor, b := c.actor, c.body.(*ops.ConsentMark)
	if !b.Mark.Valid() {
		return applied{}, meetings.ErrConsentMarkInvalid
	}
	var m meetings.Meeting
	if err := tx.Get(store.Key(store.PrefixMeeting, b.MeetingID), &m); err != nil {
		return applied{}, errors.Join(err, ErrNotFound)
	}
	if m.Status == meetings.StatusClosed {
		return applied{}, meetings.NewError("err.meeting.closed", "")
	}
	if !hasItem(m, b.ItemID) {
		return applied{}, ErrNotFound
	}
	if err := tx.Put(store.Key(store.PrefixConsent, b.MeetingID, b.ItemID, actor.ID), b.Mark); err != nil {
		return applied{}, err
	}
	return applied{events: []Event{{TopicMeetings, b.MeetingID}}}, nil
}

// consentMarks reads the marks on a meeting: item → member → mark.
func consentMarks(tx *store.Tx, meetingID string) (map[string]map[string]meetings.ConsentMark, error) {
	out := map[string]map[string]meetings.ConsentMark{}
	prefix := store.Key(store.PrefixConsent, meetingID, "")
	err := tx.Each(prefix, func(k, v []byte) error {
		item, member, _ := strings.Cut(strings.TrimPrefix(string(k), string(prefix)), "/")
		var mark meetings.ConsentMark
		if err := codec.Unmarshal(v, &mark); err != nil {
			return err
		}
		if out[item] == nil {
			out[item] = map[string]meetings.ConsentMark{}
		}
		out[item][member] = mark
		return nil
	})
	return out, err
}

// ConsentSummary counts the marks on each agenda item of a meeting, as far
// as this replica knows them (the secretariat receives them all), and
// returns the profile member's own marks.
func (p *Profile) ConsentSummary(meetingID string) ([]meetings.ConsentTally, map[string]meetings.ConsentMark, error) {
	m, err := p.Meeting(meetingID)
	if err != nil {
		return nil, nil, err
	}
	var marks map[string]map[string]meetings.ConsentMark
	if err := p.st.View(func(tx *store.Tx) error {
		var err error
		marks, err = consentMarks(tx, meetingID)
		return err
	}); err != nil {
		return nil, nil, err
	}
	mine := map[string]meetings.ConsentMark{}
	self := p.Self().ID
	for item, byMember := range marks {
		if mk, ok := byMember[self]; ok {
			mine[item] = mk
		}
	}
	return meetings.SummarizeConsent(m, p.MembersOf(m.Body), marks), mine, nil
}

// AdoptConsentBlock adopts, as one block, every item of the meeting that
// no one objects to or wants to speak on (secretariat only). It returns the
// items adopted.
func (p *Profile) AdoptConsentBlock(meetingID string) ([]string, error) {
	sum, _, err := p.ConsentSummary(meetingID)
	if err != nil {
		return nil, err
	}
	var ids []string
	for _, t := range sum {
		if t.Adoptable {
			ids = append(ids, t.ItemID)
		}
	}
	if len(ids) == 0 {
		return nil, meetings.NewError("err.consent.nothing_to_adopt", "items")
	}
	_, err = p.submit(ops.KindConsentAdopt, ops.ConsentAdopt{MeetingID: meetingID, ItemIDs: ids}, autoBase)
	return ids, err
}

func (p *Profile) applyConsentAdopt(tx *txn, c change) (applied, error) {
	op, src, b := c.op, c.src, c.body.(*ops.ConsentAdopt)
	var m meetings.Meeting
	if err := tx.Get(store.Key(store.PrefixMeeting, b.MeetingID), &m); err != nil {
		return applied{}, errors.Join(err, ErrNotFound)
	}
	if !src.ordered && op.Base != 0 && op.Base != m.Rev {
		return applied{}, &StaleError{Current: m.Rev}
	}
	if !src.ordered {
		// Checked where all marks are known (the hub, the secretariat):
		// an objection that arrived in the meantime stops the block.
		marks, err := consentMarks(tx.Tx, b.MeetingID)
		if err != nil {
			return applied{}, err
		}
		for _, id := range b.ItemIDs {
			for _, mk := range marks[id] {
				if mk != meetings.ConsentNoObjection {
					return applied{}, meetings.ErrConsentNotAdoptable
				}
			}
		}
	}
	if err := m.AdoptItems(b.ItemIDs); err != nil {
		return applied{}, err
	}
	m.Rev++
	return p.putMeeting(tx, m)
}

// QuickVote starts a named vote on an agenda item during a session: the
// meeting must be in session with its quorum (two thirds) present; the
// members present are the ones who vote, until the deadline (minutes from
// now) or until the secretariat closes it.
func (p *Profile) QuickVote(meetingID, itemID, question string, minutes int) (ballots.Ballot, error) {
	m, err := p.Meeting(meetingID)
	if err != nil {
		return ballots.Ballot{}, err
	}
	if m.Status != meetings.StatusInSession {
		return ballots.Ballot{}, meetings.NewError("err.meeting.not_in_session", "")
	}
	members := p.MembersOf(m.Body)
	q := meetings.Quorum(m, members, meetings.DefaultQuorum)
	if !q.Met {
		return ballots.Ballot{}, meetings.ErrNoQuorum
	}
	var present []string
	for _, v := range meetings.Voters(members) {
		if m.IsPresent(v.ID) {
			present = append(present, v.ID)
		}
	}
	title := question
	for _, it := range m.Agenda {
		if it.ID == itemID {
			title = it.Title
		}
	}
	if minutes <= 0 {
		minutes = 15
	}
	return p.IssueBallot(BallotInput{Title: title, Question: question, MeetingID: meetingID, AgendaItemID: itemID,
		Deadline: p.now().Add(time.Duration(minutes) * time.Minute), Eligible: present})
}
