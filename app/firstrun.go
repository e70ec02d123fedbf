package app

import (
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/ecabinet/ecabinet/core"
	"github.com/ecabinet/ecabinet/meetings"
	"github.com/ecabinet/ecabinet/sample"
)

// firstRun is shown when this computer has no profile yet: choose the
// language, then either create one's own profile or explore eCabinet with
// the sample committee (as its secretary).
type firstRun struct {
	u      *ui
	name   *widget.Entry
	title  *widget.Entry
	role   *widget.Select
	fields *passFields
	create *widget.Button
	sample *widget.Button
	join   *widget.Button
	welcomeWork
	root fyne.CanvasObject
}

func newFirstRun(u *ui) *firstRun {
	f := &firstRun{
		u:           u,
		name:        widget.NewEntry(),
		title:       widget.NewEntry(),
		role:        widget.NewSelect(roleOptions(), nil),
		fields:      newPassFields(),
		welcomeWork: newWelcomeWork(lang.X("firstrun.creating", "Creating the profile…")),
	}
	f.name.PlaceHolder = lang.X("member.form.name_hint", "Full name")
	f.title.PlaceHolder = lang.X("member.form.title_hint", "e.g. Minister of Home Affairs")
	f.role.SetSelected(roleText(meetings.RoleMember))
	f.create = primaryButton(lang.X("firstrun.create", "Create my profile"), theme.AccountIcon(), f.createProfile)
	f.sample = primaryButton(lang.X("firstrun.sample", "Explore with the sample committee"), iconGroup, f.explore)
	f.join = widget.NewButtonWithIcon(lang.X("firstrun.join", "Join a committee with an invite"), iconOnline, func() {
		u.win.SetContent(newJoinScreen(u, func() { u.win.SetContent(newFirstRun(u).view()) }).view())
	})
	f.fields.again.OnSubmitted = func(string) { f.createProfile() }

	title := newLine(lang.X("firstrun.title", "Welcome to eCabinet"), theme.ColorNameForeground, theme.SizeNameHeadingText, fyne.TextStyle{Bold: true})
	title.Truncation = fyne.TextTruncateOff
	intro := paragraph(lang.X("firstrun.intro", "This computer has no eCabinet profile yet. A profile holds your committee's meetings and ballots, encrypted with a passphrase only you know."),
		colorNameSubtle, theme.SizeNameText, fyne.TextStyle{})

	sampleText := paragraph(lang.X("firstrun.sample.body", "Try eCabinet with the Government Steering Committee for Administrative Reform: its fifth session, agenda and opinion ballots are ready. You act as its secretary."),
		chipAccent.fgName(), theme.SizeNameText, fyne.TextStyle{})
	sampleCard := newSurface(chipAccent.bgName(), container.NewVBox(sampleText, container.NewHBox(f.sample)))
	joinText := paragraph(lang.X("firstrun.join.body", "Has the Office of your committee given you an invite? Join with it: this computer receives the committee's meetings and ballots."),
		theme.ColorNameForeground, theme.SizeNameText, fyne.TextStyle{})
	joinCard := card(container.NewVBox(joinText, container.NewHBox(f.join)))

	form := widget.NewForm(
		widget.NewFormItem(lang.X("member.form.name", "Name"), f.name),
		widget.NewFormItem(lang.X("member.form.title", "Position"), f.title),
		widget.NewFormItem(lang.X("member.form.role", "Role"), f.role),
		widget.NewFormItem(lang.X("firstrun.pass", "Passphrase"), f.fields.pass),
		widget.NewFormItem(lang.X("firstrun.pass_again", "Again"), f.fields.again),
		widget.NewFormItem("", f.fields.meter()),
	)
	own := newLine(lang.X("firstrun.own", "Or create your own profile"), theme.ColorNameForeground, theme.SizeNameSubHeadingText, fyne.TextStyle{Bold: true})
	own.Truncation = fyne.TextTruncateOff
	body := container.NewVBox(
		title, intro,
		padded(8, 4, 0, 0, sampleCard),
		padded(4, 8, 0, 0, joinCard),
		own,
		form,
		f.errMsg,
		container.NewHBox(f.create, f.busy, container.NewCenter(f.status)),
	)
	if c := u.profileChooser(false); c != nil {
		body.Add(c) // back to a profile this computer already has
	}
	langSwitch := newLanguageChoice(func(code string) {
		u.app.Preferences().SetString(prefLanguage, code)
		setLanguage(code)
		again := newFirstRun(u)
		again.copyFrom(f)
		u.win.SetContent(again.view())
	})
	f.root = welcomeFrame(langSwitch, body)
	return f
}

func (f *firstRun) view() fyne.CanvasObject { return f.root }

// copyFrom keeps what was typed when the language changes.
func (f *firstRun) copyFrom(old *firstRun) {
	f.name.SetText(old.name.Text)
	f.title.SetText(old.title.Text)
	if i := old.role.SelectedIndex(); i >= 0 {
		f.role.SetSelectedIndex(i) // the options are meetings.Roles in order
	}
	f.fields.pass.SetText(old.fields.pass.Text)
	f.fields.again.SetText(old.fields.again.Text)
}

func (f *firstRun) createProfile() {
	if f.create.Disabled() {
		return
	}
	self := meetings.Member{
		Name:  strings.TrimSpace(f.name.Text),
		Title: strings.TrimSpace(f.title.Text),
		Role:  roleByText(f.role.Selected),
	}
	if err := self.Validate(); err != nil {
		f.showErr(err)
		return
	}
	pass, err := f.fields.check()
	if err != nil {
		f.showErr(err)
		return
	}
	f.run(func() (*core.Profile, error) { return core.Create(f.u.dir, pass, self) })
}

// explore creates the sample committee's profile. It is protected by a
// passphrase like any other: the one given on the command line, else the
// one typed in the form, else one asked for now.
func (f *firstRun) explore() {
	if len(f.u.cfg.Passphrase) > 0 {
		f.runSample(f.u.cfg.Passphrase)
		return
	}
	if f.fields.pass.Text != "" {
		pass, err := f.fields.check()
		if err != nil {
			f.showErr(err)
			return
		}
		f.runSample(pass)
		return
	}
	fields := newPassFields()
	items := []*widget.FormItem{
		{Text: lang.X("firstrun.pass", "Passphrase"), Widget: fields.pass},
		{Text: lang.X("firstrun.pass_again", "Again"), Widget: fields.again},
		{Text: "", Widget: fields.meter()},
	}
	var pass []byte
	f.u.showForm(lang.X("firstrun.sample.pass_title", "A passphrase for the sample profile"), lang.X("firstrun.sample.go", "Explore"), items,
		func() (func() error, error) {
			p, err := fields.check()
			if err != nil {
				return nil, err
			}
			pass = p
			return func() error { return nil }, nil
		},
		func() { f.runSample(pass) })
}

func (f *firstRun) runSample(pass []byte) {
	dir := f.u.dir
	f.run(func() (*core.Profile, error) { return sample.CreateProfile(dir, pass) })
}

// run creates the profile off the UI goroutine.
func (f *firstRun) run(create func() (*core.Profile, error)) {
	f.setBusy(true)
	f.u.openWith(create, func(err error) {
		f.setBusy(false)
		f.showErr(err)
	})
}

func (f *firstRun) showErr(err error) { f.welcomeWork.showErr(err, f.root) }

func (f *firstRun) setBusy(b bool) {
	f.welcomeWork.setBusy(b, f.root, f.create, f.sample, f.join, f.name, f.title, f.role, f.fields.pass, f.fields.again)
}
