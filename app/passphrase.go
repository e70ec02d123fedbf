package app

import (
	"image/color"
	"unicode"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"
)

// minPassphrase is the shortest passphrase the store accepts
// (store.MinPassphraseLen); the forms say so before the store has to.
const minPassphrase = 8

// strength rates a passphrase from 0 to 4: length counts most (a sentence
// is the best passphrase), mixing kinds of characters a little.
func strength(pass string) int {
	n := len([]rune(pass))
	if n < minPassphrase {
		return 0
	}
	kinds := 0
	var lower, upper, digit, other bool
	for _, r := range pass {
		switch {
		case unicode.IsLower(r):
			lower = true
		case unicode.IsUpper(r):
			upper = true
		case unicode.IsDigit(r):
			digit = true
		default:
			other = true
		}
	}
	for _, k := range []bool{lower, upper, digit, other} {
		if k {
			kinds++
		}
	}
	score := 1
	if n >= 12 {
		score++
	}
	if n >= 16 {
		score++
	}
	if kinds >= 3 || (n >= 20 && kinds >= 2) {
		score++
	}
	return min(score, 4)
}

func strengthText(score int) string {
	switch score {
	case 0:
		return lang.X("pass.strength.too_short", "Too short")
	case 1:
		return lang.X("pass.strength.weak", "Weak")
	case 2:
		return lang.X("pass.strength.fair", "Fair")
	case 3:
		return lang.X("pass.strength.good", "Good")
	}
	return lang.X("pass.strength.strong", "Strong")
}

// passFields are a new passphrase typed twice, with a strength bar and a
// hint; first run and settings share them.
type passFields struct {
	pass, again *widget.Entry
	bar         *strengthMeter
	hint        *line
}

func newPassFields() *passFields {
	f := &passFields{
		pass:  widget.NewPasswordEntry(),
		again: widget.NewPasswordEntry(),
		bar:   newStrengthMeter(),
		hint: paragraph(lang.X("pass.hint", "At least 8 characters. A short sentence you remember is stronger than a jumble."),
			colorNameSubtle, theme.SizeNameCaptionText, fyne.TextStyle{}),
	}
	f.pass.OnChanged = func(s string) { f.bar.set(s) }
	f.pass.PlaceHolder = lang.X("pass.new_hint", "New passphrase")
	f.again.PlaceHolder = lang.X("pass.again_hint", "The same passphrase again")
	return f
}

// meter is the strength bar with its hint.
func (f *passFields) meter() fyne.CanvasObject { return lines(f.bar, f.hint) }

// check returns the passphrase, or a problem to show.
func (f *passFields) check() ([]byte, error) {
	switch {
	case len([]rune(f.pass.Text)) < minPassphrase:
		return nil, problem(lang.X("pass.too_short", "The passphrase needs at least 8 characters."))
	case f.pass.Text != f.again.Text:
		return nil, problem(lang.X("pass.mismatch", "The two passphrases are not the same."))
	}
	return []byte(f.pass.Text), nil
}

// strengthMeter shows a passphrase's strength as four segments and a word;
// it is empty until something is typed.
type strengthMeter struct {
	widget.BaseWidget
	score int
	empty bool
}

func newStrengthMeter() *strengthMeter {
	m := &strengthMeter{empty: true}
	m.ExtendBaseWidget(m)
	return m
}

func (m *strengthMeter) set(pass string) {
	m.empty = pass == ""
	m.score = strength(pass)
	m.Refresh()
}

func (m *strengthMeter) CreateRenderer() fyne.WidgetRenderer {
	r := &meterRenderer{m: m, word: canvas.NewText("", color.Black)}
	for i := range r.segs {
		r.segs[i] = canvas.NewRectangle(color.Transparent)
		r.segs[i].CornerRadius = 2
	}
	r.word.TextStyle = fyne.TextStyle{Bold: true}
	r.Refresh()
	return r
}

type meterRenderer struct {
	m    *strengthMeter
	segs [4]*canvas.Rectangle
	word *canvas.Text
}

const meterWordWidth = 96

func (r *meterRenderer) Layout(s fyne.Size) {
	ws := r.word.MinSize()
	barW := s.Width - meterWordWidth
	segW := (barW - 3*4) / 4
	y := (s.Height - 6) / 2
	for i, seg := range r.segs {
		seg.Move(fyne.NewPos(float32(i)*(segW+4), y))
		seg.Resize(fyne.NewSize(segW, 6))
	}
	r.word.Move(fyne.NewPos(barW+10, (s.Height-ws.Height)/2))
	r.word.Resize(ws)
}

func (r *meterRenderer) MinSize() fyne.Size {
	return fyne.NewSize(200, max(r.word.MinSize().Height, 20))
}

func (r *meterRenderer) Refresh() {
	m := r.m
	kind := [...]chipKind{chipDanger, chipDanger, chipWarning, chipAccent, chipSuccess}[m.score]
	for i, seg := range r.segs {
		switch {
		case !m.empty && (i < m.score || (m.score == 0 && i == 0)):
			seg.FillColor = barColor(m, kind)
		default:
			seg.FillColor = themeColor(m, theme.ColorNameSeparator)
		}
		seg.Refresh()
	}
	r.word.Text = ""
	if !m.empty {
		r.word.Text = strengthText(m.score)
	}
	r.word.Color = barColor(m, kind)
	r.word.TextSize = themeSize(m, theme.SizeNameCaptionText)
	r.word.Refresh()
	r.Layout(m.Size())
}

func (r *meterRenderer) Objects() []fyne.CanvasObject {
	return []fyne.CanvasObject{r.segs[0], r.segs[1], r.segs[2], r.segs[3], r.word}
}

func (r *meterRenderer) Destroy() {}
