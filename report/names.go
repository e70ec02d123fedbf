package report

import (
	"strings"
	"time"
	"unicode"

	"golang.org/x/text/unicode/norm"
)

// Kind is a kind of document.
type Kind string

// The kinds of document.
const (
	KindInvitation Kind = "invitation"
	KindSummary    Kind = "summary"
	KindMinutes    Kind = "minutes"
)

var fileWords = map[Lang]map[Kind]string{
	Vietnamese: {KindInvitation: "giay-moi", KindSummary: "tong-hop-y-kien", KindMinutes: "bien-ban"},
	English:    {KindInvitation: "invitation", KindSummary: "summary-of-opinions", KindMinutes: "minutes"},
}

// FileName is the name a document is offered under:
// "giay-moi-phien-hop-thu-5-2023-07-19.pdf". The title is written without
// diacritics and shortened, so the name survives any file system and mail
// client.
func FileName(k Kind, l Lang, title string, date time.Time) string {
	word := fileWords[l][k]
	if word == "" {
		word = fileWords[Vietnamese][k]
	}
	if word == "" {
		word = "report"
	}
	parts := []string{word}
	if s := Slug(title, 48); s != "" {
		parts = append(parts, s)
	}
	if !date.IsZero() {
		parts = append(parts, date.Format("2006-01-02"))
	}
	return strings.Join(parts, "-") + ".pdf"
}

// Slug is s in lowercase ASCII letters and digits joined by hyphens, at
// most n bytes, cut at a hyphen: Vietnamese letters lose their marks and
// đ becomes d.
func Slug(s string, n int) string {
	var b strings.Builder
	dash := false
	for _, r := range norm.NFD.String(s) {
		switch {
		case unicode.Is(unicode.Mn, r):
			continue
		case r == 'đ' || r == 'Đ':
			r = 'd'
		}
		r = unicode.ToLower(r)
		if (r >= 'a' && r <= 'z') || (r >= '0' && r <= '9') {
			if dash && b.Len() > 0 {
				b.WriteByte('-')
			}
			b.WriteRune(r)
			dash = false
		} else {
			dash = true
		}
	}
	out := b.String()
	if len(out) > n {
		out = out[:n]
		if i := strings.LastIndexByte(out, '-'); i > n/2 {
			out = out[:i]
		}
		out = strings.Trim(out, "-")
	}
	return out
}
