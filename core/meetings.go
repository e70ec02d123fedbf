package core

import (
	"sort"
	"strings"
	"time"

	"github.com/ecabinet/ecabinet/identity"
	"github.com/ecabinet/ecabinet/meetings"
	"github.com/ecabinet/ecabinet/ops"
)

// Meetings lists meetings, the most recent start first.
func (p *Profile) Meetings() []meetings.Meeting {
	p.modelMu.RLock()
	out := make([]meetings.Meeting, 0, len(p.m.meetings))
	for _, m := range p.m.meetings {
		out = append(out, m)
	}
	p.modelMu.RUnlock()
	sort.Slice(out, func(i, j int) bool {
		if !out[i].Start.Equal(out[j].Start) {
			return out[i].Start.After(out[j].Start)
		}
		return out[i].ID < out[j].ID
	})
	return out
}

// Meeting returns one meeting with its agenda.
func (p *Profile) Meeting(id string) (meetings.Meeting, error) {
	p.modelMu.RLock()
	defer p.modelMu.RUnlock()
	m, ok := p.m.meetings[id]
	if !ok {
		return meetings.Meeting{}, ErrNotFound
	}
	return m, nil
}

// MeetingInput is what a secretary fills in to create a meeting.
type MeetingInput struct {
	Title        string
	Start        time.Time
	Place        string
	Participants []string
	// Body is the body the meeting is a session of; empty: the only body
	// when there is one (err.body.required when there are several).
	Body string
	// Restricted (mật): only the participants and the body's secretariat
	// receive the meeting.
	Restricted bool
}

// CreateMeeting creates a draft meeting (the body's secretariat only).
func (p *Profile) CreateMeeting(in MeetingInput) (meetings.Meeting, error) {
	body, err := p.resolveBody(in.Body)
	if err != nil {
		return meetings.Meeting{}, err
	}
	m := meetings.Meeting{
		ID:           identity.NewID(),
		Title:        strings.TrimSpace(in.Title),
		Start:        in.Start.UTC(),
		Place:        strings.TrimSpace(in.Place),
		Participants: in.Participants,
		Status:       meetings.StatusDraft,
		Rev:          1,
		Body:         bodyField(body),
		Restricted:   in.Restricted,
	}
	if err := m.Validate(); err != nil {
		return meetings.Meeting{}, err
	}
	if _, err := p.submit(ops.KindMeetingCreate, ops.MeetingCreate{Meeting: m}, 0); err != nil {
		return meetings.Meeting{}, err
	}
	return p.Meeting(m.ID)
}

// UpdateMeeting edits title, start and place. base is the revision the
// secretary was looking at; 0 means the revision this replica holds now.
func (p *Profile) UpdateMeeting(id string, base uint64, in MeetingInput) error {
	if base == 0 {
		base = autoBase
	}
	_, err := p.submit(ops.KindMeetingUpdate, ops.MeetingUpdate{
		MeetingID: id, Title: strings.TrimSpace(in.Title), Start: in.Start.UTC(), Place: strings.TrimSpace(in.Place),
	}, base)
	return err
}

// SetMeetingStatus moves a meeting through its lifecycle.
func (p *Profile) SetMeetingStatus(id string, to meetings.Status) error {
	_, err := p.submit(ops.KindMeetingStatus, ops.MeetingStatus{MeetingID: id, Status: to}, autoBase)
	return err
}

// SetAttendance records whether a member is present at a meeting in session.
func (p *Profile) SetAttendance(meetingID, memberID string, present bool) error {
	if _, err := p.Member(memberID); err != nil {
		return err
	}
	_, err := p.submit(ops.KindAttendance, ops.Attendance{MeetingID: meetingID, MemberID: memberID, Present: present}, autoBase)
	return err
}

// Quorum tells whether a meeting has its quorum (two thirds by default).
func (p *Profile) Quorum(meetingID string) (meetings.QuorumStatus, error) {
	m, err := p.Meeting(meetingID)
	if err != nil {
		return meetings.QuorumStatus{}, err
	}
	return meetings.Quorum(m, p.MembersOf(m.Body), meetings.DefaultQuorum), nil
}

// SetMeetingAudience sets who a meeting is for: its participants (members
// of its body; empty: every voting member of the body) and whether it is
// restricted (mật: only they and the body's secretariat receive it). The
// hub tells the members who join or leave its audience (reveal.go).
func (p *Profile) SetMeetingAudience(meetingID string, participants []string, restricted bool) error {
	if _, err := p.Meeting(meetingID); err != nil {
		return err
	}
	_, err := p.submit(ops.KindMeetingAudience, ops.MeetingAudience{
		MeetingID: meetingID, Participants: participants, Restricted: restricted,
	}, autoBase)
	return err
}

// bodyField is what a new record stores as its body: nothing for the main
// body, so that a profile with one body writes records as earlier versions
// did and they read them unchanged.
func bodyField(body string) string {
	if body == meetings.MainBody {
		return ""
	}
	return body
}

// AddAgendaItem appends an item to a meeting's agenda.
func (p *Profile) AddAgendaItem(meetingID string, it meetings.AgendaItem) (meetings.AgendaItem, error) {
	it.ID = identity.NewID()
	it.Title, it.Presenter = strings.TrimSpace(it.Title), strings.TrimSpace(it.Presenter)
	if err := it.Validate(); err != nil {
		return meetings.AgendaItem{}, err
	}
	_, err := p.submit(ops.KindAgendaAdd, ops.AgendaAdd{MeetingID: meetingID, Item: it}, autoBase)
	return it, err
}

// UpdateAgendaItem edits an item (matched by ID).
func (p *Profile) UpdateAgendaItem(meetingID string, it meetings.AgendaItem) error {
	it.Title, it.Presenter = strings.TrimSpace(it.Title), strings.TrimSpace(it.Presenter)
	_, err := p.submit(ops.KindAgendaUpdate, ops.AgendaUpdate{MeetingID: meetingID, Item: it}, autoBase)
	return err
}

// RemoveAgendaItem deletes an item.
func (p *Profile) RemoveAgendaItem(meetingID, itemID string) error {
	_, err := p.submit(ops.KindAgendaRemove, ops.AgendaRemove{MeetingID: meetingID, ItemID: itemID}, autoBase)
	return err
}

// MoveAgendaItem moves an item to position to (0-based).
func (p *Profile) MoveAgendaItem(meetingID, itemID string, to int) error {
	_, err := p.submit(ops.KindAgendaMove, ops.AgendaMove{MeetingID: meetingID, ItemID: itemID, To: to}, autoBase)
	return err
}
