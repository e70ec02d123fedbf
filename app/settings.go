package app

import (
	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/ecabinet/ecabinet/core"
)

// settingsScreen holds the language, the passphrase and what identifies
// this profile and device.
type settingsScreen struct {
	s        *shell
	language *widget.RadioGroup
	old      *widget.Entry
	fields   *passFields
	change   *widget.Button
	busy     *widget.Activity
	result   *banner
	who      *line
	refused  *fyne.Container
	root     fyne.CanvasObject
}

// languageNames are the choices, each in its own language.
var languageNames = map[string]string{langVI: "Tiếng Việt", langEN: "English"}

func newSettingsScreen(s *shell) *settingsScreen {
	st := &settingsScreen{s: s, busy: widget.NewActivity(), result: newBanner()}
	st.busy.Hide()
	st.result.Hide()

	st.language = newLanguageChoice(func(code string) {
		if code == currentLang {
			return
		}
		s.u.app.Preferences().SetString(prefLanguage, code)
		setLanguage(code)
		s.u.rebuild()
	})

	st.old = widget.NewPasswordEntry()
	st.old.PlaceHolder = lang.X("settings.pass.old_hint", "Current passphrase")
	st.fields = newPassFields()
	st.change = widget.NewButtonWithIcon(lang.X("settings.pass.change", "Change passphrase"), theme.ConfirmIcon(), st.changePass)
	passForm := widget.NewForm(
		widget.NewFormItem(lang.X("settings.pass.old", "Current"), st.old),
		widget.NewFormItem(lang.X("settings.pass.new", "New"), st.fields.pass),
		widget.NewFormItem(lang.X("settings.pass.again", "Again"), st.fields.again),
		widget.NewFormItem("", st.fields.meter()),
	)

	p := s.p
	st.who = newLine("", theme.ColorNameForeground, theme.SizeNameText, fyne.TextStyle{})
	folder := widget.NewLabel(p.Dir())
	folder.Selectable = true
	folder.Wrapping = fyne.TextWrapBreak
	finger := widget.NewLabel(p.Fingerprint())
	finger.Selectable = true
	finger.TextStyle = fyne.TextStyle{Monospace: true}
	finger.Wrapping = fyne.TextWrapBreak
	profile := widget.NewForm(
		widget.NewFormItem(lang.X("settings.profile.member", "Member"), st.who),
		widget.NewFormItem(lang.X("settings.profile.folder", "Profile folder"), folder),
		widget.NewFormItem(lang.X("settings.profile.fingerprint", "Device fingerprint"), finger),
	)
	switchBtn := widget.NewButtonWithIcon(lang.X("profiles.switch", "Switch profile…"), theme.LogoutIcon(), s.u.switchProfile)
	switchHint := paragraph(lang.X("profiles.switch_hint", "Closes this profile and shows the profiles of this computer; unlocking one needs its own passphrase."),
		colorNameSubtle, theme.SizeNameCaptionText, fyne.TextStyle{})
	fingerHint := paragraph(lang.X("settings.profile.fingerprint_hint", "When this device is enrolled, compare this fingerprint with the one the secretariat sees."),
		colorNameSubtle, theme.SizeNameCaptionText, fyne.TextStyle{})

	section := func(title string, content ...fyne.CanvasObject) fyne.CanvasObject {
		head := newLine(title, theme.ColorNameForeground, theme.SizeNameSubHeadingText, fyne.TextStyle{Bold: true})
		return card(container.NewVBox(append([]fyne.CanvasObject{head}, content...)...))
	}
	version := s.u.app.Metadata().Version
	if version == "" {
		version = "0.1.0"
	}
	about := paragraph(lang.X("settings.about.body", "eCabinet {{.Version}} — paperless meetings and opinion ballots. Works offline; everything is saved encrypted on this computer.",
		map[string]any{"Version": version}), theme.ColorNameForeground, theme.SizeNameText, fyne.TextStyle{})

	st.refused = container.NewVBox()
	myChanges := widget.NewButtonWithIcon(lang.X("changes.open", "My changes — the state of each"), theme.HistoryIcon(), s.showMyChanges)
	syncHint := paragraph(lang.X("settings.sync.hint", "Changes made on this computer that the hub refused, newest first. What the hub refused is not part of the committee's record."),
		colorNameSubtle, theme.SizeNameCaptionText, fyne.TextStyle{})

	gap := func() fyne.CanvasObject { return fixedHeight(10) }
	body := container.NewVBox(
		section(lang.X("settings.language", "Language"), st.language), gap(),
		section(lang.X("settings.pass", "Passphrase"), passForm, container.NewHBox(st.change, st.busy), st.result), gap(),
		section(lang.X("settings.profile", "This profile"), profile, fingerHint, container.NewHBox(switchBtn), switchHint), gap(),
		section(lang.X("settings.sync", "Synchronisation"), syncHint, st.refused, container.NewHBox(myChanges)), gap(),
		section(lang.X("settings.about", "About"), about),
	)
	hdr := newHeader(lang.X("settings.title", "Settings"), lang.X("settings.subtitle", "Language, passphrase and this device"))
	st.root = container.NewBorder(hdr.root, nil, nil, nil,
		container.NewVScroll(padded(12, 16, 16, 16, container.NewCenter(fixedWidth(680, body)))))
	st.refresh(allChanged())
	st.showRejections()
	return st
}

// showRejections lists the changes the hub refused (the latest 20).
func (st *settingsScreen) showRejections() {
	st.refused.RemoveAll()
	rejs := st.s.u.rejections
	if len(rejs) == 0 {
		st.refused.Add(subtleLine(lang.X("settings.sync.none", "The hub has refused none of this computer's changes.")))
	}
	for i, r := range rejs {
		if i == 20 {
			break
		}
		head, body := st.s.rejectionText(r)
		text := fmtShortDateTime(r.At) + " · " + head
		if body != "" {
			text += " " + body
		}
		row := fyne.CanvasObject(paragraph(text, theme.ColorNameForeground, theme.SizeNameText, fyne.TextStyle{}))
		if btns := st.s.mergeButtons(r); btns != nil {
			// A stale edit can still be merged from here.
			row = container.NewVBox(row, container.NewHBox(btns...))
		}
		st.refused.Add(row)
	}
	st.refused.Refresh()
}

// newLanguageChoice is the Tiếng Việt / English switch.
func newLanguageChoice(onChange func(code string)) *widget.RadioGroup {
	r := widget.NewRadioGroup([]string{languageNames[langVI], languageNames[langEN]}, nil)
	r.Horizontal = true
	r.Required = true
	r.SetSelected(languageNames[currentLang])
	r.OnChanged = func(sel string) {
		for code, name := range languageNames {
			if name == sel {
				onChange(code)
			}
		}
	}
	return r
}

func (st *settingsScreen) view() fyne.CanvasObject { return st.root }

func (st *settingsScreen) refresh(c changes) {
	if c.has(core.TopicMembers) {
		self := st.s.p.Self()
		st.who.setText(self.Name + " · " + roleText(self.Role))
	}
}

// changePass re-wraps the profile's key under a new passphrase, off the UI
// goroutine (it derives two keys, a fraction of a second each).
func (st *settingsScreen) changePass() {
	newPass, err := st.fields.check()
	if err != nil {
		st.result.set(chipDanger, theme.ErrorIcon(), errorText(err), "")
		st.root.Refresh()
		return
	}
	old := []byte(st.old.Text)
	st.change.Disable()
	st.busy.Show()
	st.busy.Start()
	st.result.Hide()
	st.s.u.background(func() error { return st.s.p.ChangePassphrase(old, newPass) }, func(err error) {
		st.busy.Stop()
		st.busy.Hide()
		st.change.Enable()
		if err != nil {
			st.result.set(chipDanger, theme.ErrorIcon(), errorText(err), "")
			return
		}
		st.old.SetText("")
		st.fields.pass.SetText("")
		st.fields.again.SetText("")
		st.result.set(chipSuccess, theme.ConfirmIcon(), lang.X("settings.pass.changed", "Passphrase changed. Use the new one from now on."), "")
		st.root.Refresh()
	})
}
