package core

import (
	"strings"

	"github.com/ecabinet/ecabinet/ops"
)

// The minutes' own record: the conclusion the secretary writes on each
// agenda item, during the session or after it, synced to every replica
// like the agenda; and finalising, after which the conclusions stay as
// they are (meetings.SetConclusion, Finalise).

// SetConclusion records the conclusion on an agenda item (secretariat
// only); an empty text clears it. It is not checked against the revision
// the secretary saw: two secretaries writing the conclusions of different
// items must not refuse each other, and on one item the hub's order
// decides, as it does for attendance taps.
func (p *Profile) SetConclusion(meetingID, itemID, text string) error {
	_, err := p.submit(ops.KindMeetingConclusion,
		ops.MeetingConclusion{MeetingID: meetingID, ItemID: itemID, Text: strings.TrimSpace(text)}, 0)
	return err
}

// FinaliseMinutes finalises the minutes of a closed meeting (secretariat
// only). It is based on the revision this replica holds, so a conclusion
// changed elsewhere in the meantime makes the hub refuse it rather than
// finalise minutes the secretary has not read.
func (p *Profile) FinaliseMinutes(meetingID string) error {
	_, err := p.submit(ops.KindMeetingFinalise, ops.MeetingFinalise{MeetingID: meetingID}, autoBase)
	return err
}
