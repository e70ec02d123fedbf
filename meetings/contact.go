package meetings

import (
	"strings"
	"unicode"
)

// A member's contact details (Member.Email, Member.Phone) are for the
// secretariat: where invitations, reminders and papers are sent by hand
// when the app is not enough. They are optional, checked only for shape.

// MaxContactLen bounds an e-mail address or a phone number.
const MaxContactLen = 100

// validateContact checks the contact details' shape: an address with one
// "@" and a dot in its domain, and a phone number of digits, spaces and
// "+().-" with at least 8 digits (Vietnamese numbers have 9 to 11).
func (m Member) validateContact() error {
	if e := strings.TrimSpace(m.Email); e != "" {
		local, domain, ok := strings.Cut(e, "@")
		if !ok || local == "" || !strings.Contains(domain, ".") || strings.ContainsAny(domain, "@ ") || strings.ContainsAny(local, " ") ||
			strings.HasPrefix(domain, ".") || strings.HasSuffix(domain, ".") || len(e) > MaxContactLen {
			return NewError("err.member.email_invalid", "email")
		}
	}
	if ph := strings.TrimSpace(m.Phone); ph != "" {
		digits := 0
		for _, r := range ph {
			switch {
			case unicode.IsDigit(r) && r < 128:
				digits++
			case strings.ContainsRune(" +().-", r):
			default:
				return NewError("err.member.phone_invalid", "phone")
			}
		}
		if digits < 8 || len(ph) > MaxContactLen {
			return NewError("err.member.phone_invalid", "phone")
		}
	}
	return nil
}
