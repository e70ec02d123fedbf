package app

import (
	"strings"
	"unicode"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"
	"golang.org/x/text/unicode/norm"
)

// searchEntry is a search field: Escape clears it, and the window's
// shortcuts (Ctrl+1…4, Ctrl+N, Ctrl+F) still work while it has the focus.
type searchEntry struct {
	widget.Entry
	s *shell
}

func newSearchEntry(s *shell, placeholder string, onChanged func(string)) *searchEntry {
	e := &searchEntry{s: s}
	e.ExtendBaseWidget(e)
	e.PlaceHolder = placeholder
	e.OnChanged = onChanged
	e.ActionItem = widget.NewIcon(theme.SearchIcon())
	return e
}

func (e *searchEntry) TypedShortcut(sc fyne.Shortcut) {
	if e.s != nil && e.s.typedShortcut(sc) {
		return
	}
	e.Entry.TypedShortcut(sc)
}

func (e *searchEntry) TypedKey(k *fyne.KeyEvent) {
	if k.Name == fyne.KeyEscape && e.Text != "" {
		e.SetText("")
		return
	}
	if windowKey(e, k) {
		return
	}
	e.Entry.TypedKey(k)
}

// fold prepares text for searching: lower case, Vietnamese diacritics
// removed (đ becomes d), so "phien hop" finds "Phiên họp".
func fold(s string) string {
	s = norm.NFD.String(strings.ToLower(s))
	var b strings.Builder
	b.Grow(len(s))
	for _, r := range s {
		switch {
		case unicode.Is(unicode.Mn, r):
		case r == 'đ':
			b.WriteRune('d')
		default:
			b.WriteRune(r)
		}
	}
	return b.String()
}

// matches reports whether every word of the (folded) query is in the
// (folded) text.
func matches(folded, query string) bool {
	for _, w := range strings.Fields(query) {
		if !strings.Contains(folded, w) {
			return false
		}
	}
	return true
}
