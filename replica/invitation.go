package replica

import (
	"errors"
	"net/url"
	"strings"
	"time"
)

// An invitation travels from the secretariat to a new member as a few
// lines of text (copied into a message or printed) and as a QR code of its
// link. The link carries all the joining needs in one token:
//
//	ecabinet:join?hub=https%3A%2F%2Fhub.example.gov.vn%3A8443&code=SECRET.PIN&fp=AB12…
//
// The lines around it are for people (who it is for, until when, the
// fingerprint to compare); ParseInvitation reads the link, or, when a
// person retyped only the lines, the "https://" address and the code.

// invitationScheme starts an invitation's link.
const invitationScheme = "ecabinet:join?"

// Link is the invitation as one token, for a QR code.
func (inv Invitation) Link() string {
	q := url.Values{}
	q.Set("hub", inv.Hub)
	q.Set("code", inv.Code)
	if inv.Fingerprint != "" {
		q.Set("fp", inv.Fingerprint)
	}
	return invitationScheme + q.Encode()
}

// Text is the invitation for people, with labels in both languages (the
// member's language is not known to the secretariat's computer), ending
// with its link.
func (inv Invitation) Text() string {
	var b strings.Builder
	b.WriteString("Lời mời tham gia eCabinet / eCabinet invitation\n")
	if inv.Member != "" {
		b.WriteString("Dành cho / For: " + inv.Member + "\n")
	}
	b.WriteString("Địa chỉ máy chủ / Hub address: " + inv.Hub + "\n")
	b.WriteString("Mã mời / Invite code: " + inv.Code + "\n")
	if inv.Fingerprint != "" {
		b.WriteString("Dấu vân tay / Fingerprint: " + inv.Fingerprint + "\n")
	}
	if !inv.Expires.IsZero() {
		b.WriteString("Hết hạn / Expires: " + inv.Expires.In(vietnam).Format("15:04 02/01/2006") + " (UTC+7)\n")
	}
	b.WriteString(inv.Link() + "\n")
	return b.String()
}

// vietnam is UTC+7, the time of every Vietnamese ministry, fixed so that
// the text does not depend on the tz database of the machine.
var vietnam = time.FixedZone("ICT", 7*3600)

// ErrNoInvitation: the text holds no hub address and invite code.
var ErrNoInvitation = errors.New("no invitation in this text")

// maxInvitationText bounds what ParseInvitation reads: an invitation is a
// few hundred bytes, a pasted document is not one.
const maxInvitationText = 8 << 10

// ParseInvitation reads an invitation from text: its link anywhere in it,
// or else an https:// address and a code shaped as invites are. Only the
// hub and the code are needed to join; the fingerprint is kept when given.
func ParseInvitation(text string) (Invitation, error) {
	if len(text) > maxInvitationText {
		return Invitation{}, ErrNoInvitation
	}
	if i := strings.Index(text, invitationScheme); i >= 0 {
		tok := text[i+len(invitationScheme):]
		if j := strings.IndexAny(tok, " \t\r\n"); j >= 0 {
			tok = tok[:j]
		}
		q, err := url.ParseQuery(tok)
		if err == nil {
			inv := Invitation{Hub: strings.TrimRight(q.Get("hub"), "/"), Code: strings.ToLower(strings.TrimSpace(q.Get("code"))), Fingerprint: q.Get("fp")}
			if validInvitation(inv) {
				return inv, nil
			}
		}
	}
	var inv Invitation
	for _, field := range strings.Fields(text) {
		switch {
		case inv.Hub == "" && strings.HasPrefix(field, "https://"):
			inv.Hub = strings.TrimRight(field, "/.,;")
		case inv.Code == "":
			if _, _, err := splitInvite(field); err == nil {
				inv.Code = strings.ToLower(field)
			}
		}
	}
	if !validInvitation(inv) {
		return Invitation{}, ErrNoInvitation
	}
	return inv, nil
}

func validInvitation(inv Invitation) bool {
	u, err := url.Parse(inv.Hub)
	if err != nil || u.Scheme != "https" || u.Host == "" {
		return false
	}
	_, _, err = splitInvite(inv.Code)
	return err == nil
}
