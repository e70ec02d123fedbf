package app

import (
	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/ecabinet/ecabinet/core"
)

// unlockScreen asks for the passphrase of the profile on this computer.
// Opening derives the key (Argon2id, about a third of a second) and opens
// the database, so it runs off the UI goroutine while the screen shows that
// it is working.
type unlockScreen struct {
	u      *ui
	pass   *widget.Entry
	button *widget.Button
	welcomeWork
	root fyne.CanvasObject
}

func newUnlockScreen(u *ui) *unlockScreen {
	s := &unlockScreen{
		u:           u,
		pass:        widget.NewPasswordEntry(),
		welcomeWork: newWelcomeWork(lang.X("unlock.opening", "Opening the profile…")),
	}
	s.pass.PlaceHolder = lang.X("unlock.pass_hint", "Passphrase")
	s.pass.OnSubmitted = func(string) { s.submit() }
	s.button = primaryButton(lang.X("unlock.open", "Unlock"), theme.LoginIcon(), s.submit)
	title := newLine(lang.X("unlock.title", "Unlock your profile"), theme.ColorNameForeground, theme.SizeNameHeadingText, fyne.TextStyle{Bold: true})
	title.Truncation = fyne.TextTruncateOff
	intro := paragraph(lang.X("unlock.intro", "Enter the passphrase of the eCabinet profile on this computer."),
		colorNameSubtle, theme.SizeNameText, fyne.TextStyle{})
	where := paragraph(lang.X("unlock.folder", "Profile folder: {{.Dir}}", map[string]any{"Dir": u.dir}),
		colorNameSubtle, theme.SizeNameCaptionText, fyne.TextStyle{})
	form := container.NewVBox(title, intro)
	if c := u.profileChooser(true); c != nil {
		form.Add(c) // whose profile first, then its passphrase
	}
	form.Add(container.NewVBox(
		padded(12, 0, 0, 0, s.pass),
		s.errMsg,
		container.NewHBox(s.button, s.busy, container.NewCenter(s.status)),
		padded(24, 0, 0, 0, where),
	))
	langSwitch := newLanguageChoice(func(code string) {
		u.app.Preferences().SetString(prefLanguage, code)
		setLanguage(code)
		again := newUnlockScreen(u)
		u.win.SetContent(again.view())
		u.win.Canvas().Focus(again.pass)
	})
	s.root = welcomeFrame(langSwitch, form)
	return s
}

func (s *unlockScreen) view() fyne.CanvasObject { return s.root }

func (s *unlockScreen) submit() {
	if s.button.Disabled() {
		return
	}
	if s.pass.Text == "" {
		s.showErr(problem(lang.X("unlock.empty", "Enter your passphrase.")))
		return
	}
	s.unlock([]byte(s.pass.Text))
}

// unlock opens the profile with pass.
func (s *unlockScreen) unlock(pass []byte) {
	s.setBusy(true)
	dir := s.u.dir
	s.u.openWith(func() (*core.Profile, error) { return core.Open(dir, pass) }, func(err error) {
		s.setBusy(false)
		s.showErr(err)
		s.pass.SetText("")
		s.u.win.Canvas().Focus(s.pass)
	})
}

func (s *unlockScreen) showErr(err error) { s.welcomeWork.showErr(err, s.root) }

func (s *unlockScreen) setBusy(b bool) { s.welcomeWork.setBusy(b, s.root, s.button, s.pass) }

// showRecovered tells that the journal put back changes the database had
// lost (after a crash or power cut).
func showRecovered(w fyne.Window, r core.Recovery) {
	msg := lang.X("recovered.body", "eCabinet was not closed properly last time. {{.N}} saved changes, {{.Answers}} of them ballot answers, were restored from the journal on this computer. Nothing was lost.",
		map[string]any{"N": r.Restored, "Answers": r.Answers})
	text := paragraph(msg, theme.ColorNameForeground, theme.SizeNameText, fyne.TextStyle{})
	newCustomDialog(lang.X("recovered.title", "Changes restored"), lang.X("app.ok", "OK"), fixedWidth(440, text), w).Show()
}
