package meetings

import "strings"

// SetPresent records whether a member attends the session. Attendance is
// recorded only while the meeting is in session ("err.meeting.not_in_session"
// otherwise): before, nobody is present yet; after, the record is part of the
// minutes. Present stays free of duplicates, and setting the same value
// twice is not an error, so a repeated tap or a replayed edit is harmless.
//
// The member is not checked against the invitation list: the secretariat may
// record anyone who came, and Quorum counts only invited voters.
func (m *Meeting) SetPresent(memberID string, present bool) error {
	if m.Status != StatusInSession {
		return NewError("err.meeting.not_in_session", "status")
	}
	if strings.TrimSpace(memberID) == "" {
		return NewError("err.attendance.member_required", "member")
	}
	out := m.Present[:0:0]
	for _, id := range m.Present {
		if id != memberID {
			out = append(out, id)
		}
	}
	if present {
		out = append(out, memberID)
	}
	m.Present = out
	return nil
}

// IsPresent reports whether the member is recorded as attending.
func (m Meeting) IsPresent(memberID string) bool {
	for _, id := range m.Present {
		if id == memberID {
			return true
		}
	}
	return false
}
