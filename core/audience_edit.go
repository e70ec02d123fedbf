package core

import (
	"github.com/ecabinet/ecabinet/ops"
)

// SetMeetingAudience sets who a meeting is for: its participants (none:
// every voting member of its body) and whether it is restricted (mật: only
// they and the body's secretariat receive it). Secretariat only; the hub
// tells the members who join or leave its audience (reveal.go).
func (p *Profile) SetMeetingAudience(meetingID string, participants []string, restricted bool) error {
	if _, err := p.Meeting(meetingID); err != nil {
		return err
	}
	_, err := p.submit(ops.KindMeetingAudience, ops.MeetingAudience{MeetingID: meetingID, Participants: participants, Restricted: restricted}, autoBase)
	return err
}
