package app

import (
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/ecabinet/ecabinet/ballots"
	"github.com/ecabinet/ecabinet/meetings"
)

// answerForm is where a member gives an opinion: the ballot's options, a
// comment, and "Send opinion", which asks for confirmation and then saves on
// this computer (signed and journaled) before saying so. A member may change
// the answer while the ballot is open. The secretariat, who does not vote,
// gets the same form to record an opinion a member gave on paper.
type answerForm struct {
	d *ballotDetail

	intro   *line
	label   *line
	member  *widget.Select
	members []meetings.Member
	options *widget.RadioGroup
	comment *keyEntry
	submit  *widget.Button
	busy    *widget.Activity
	saved   *banner
	// superseded says the answer given here was replaced by a later one
	// from another device (supersede.go).
	superseded *banner
	supShown   string // the replacing answer the form was last set to
	// scan is the paper answer's scan, attached by the secretariat.
	scan     []byte
	scanName *line
	attach   *widget.Button
	detach   *widget.Button
	scanRow  *fyne.Container
	form     *fyne.Container
	root     *fyne.Container
}

func newAnswerForm(d *ballotDetail) *answerForm {
	f := &answerForm{
		d:       d,
		intro:   paragraph("", colorNameSubtle, theme.SizeNameText, fyne.TextStyle{}),
		label:   newLine("", theme.ColorNameForeground, theme.SizeNameText, fyne.TextStyle{Bold: true}),
		options: widget.NewRadioGroup(nil, nil),
		comment: newMultiLineEntry(),
		busy:    widget.NewActivity(),
		saved:   newBanner(),
	}
	f.superseded = newBanner()
	f.superseded.Hide()
	f.member = widget.NewSelect(nil, nil)
	f.member.PlaceHolder = lang.X("answer.paper.pick", "Choose the member")
	f.comment.Wrapping = fyne.TextWrapWord
	f.comment.SetMinRowsVisible(2)
	// The choices side by side: the form fits under the question on a
	// 768-px screen.
	f.options.Horizontal = true
	f.comment.PlaceHolder = lang.X("answer.comment_hint", "Comment (optional)")
	f.submit = primaryButton(lang.X("answer.send", "Send opinion"), theme.MailSendIcon(), f.ask)
	f.busy.Hide()
	f.saved.Hide()
	f.scanName = subtleLine("")
	f.attach = widget.NewButtonWithIcon(lang.X("answer.paper.attach", "Attach the scan"), theme.FileIcon(), func() {
		chooseScan(f.d.s.u, f.setScan)
	})
	f.detach = iconButton(theme.CancelIcon(), func() { f.setScan("", nil) })
	// The name takes the width between the buttons (in an HBox a truncating
	// line shrinks to its ellipsis).
	f.scanRow = container.NewBorder(nil, nil, f.attach, f.detach, f.scanName)
	f.setScan("", nil)
	f.form = container.NewVBox(
		f.member,
		f.label,
		f.options,
		f.comment,
		f.scanRow,
		container.NewHBox(f.submit, f.busy),
	)
	// The form is pinned under the tab's scrolling text (ballot_detail.go),
	// with a line between; what answering means is read once and scrolls
	// with the question.
	f.root = container.NewVBox(widget.NewSeparator(), padded(6, 8, 8, 8, f.form))
	return f
}

func (f *answerForm) view() fyne.CanvasObject { return f.root }

// secretaryMode reports whether the form records paper answers: the
// profile's member is a secretary, who is not among those who answer.
func (f *answerForm) secretaryMode() bool {
	return f.d.s.p.IsSecretaryOf(f.d.b.Body) && !f.d.b.IsEligible(f.d.s.p.Self().ID)
}

// reset forgets what was typed for the previous ballot.
func (f *answerForm) reset() {
	f.comment.SetText("")
	f.options.Selected = ""
	f.member.ClearSelected()
	f.saved.Hide()
	f.superseded.Hide()
	f.setScan("", nil)
}

// setScan attaches a scan to the paper answer (nil detaches it).
func (f *answerForm) setScan(name string, scan []byte) {
	f.scan = scan
	if scan == nil {
		f.scanName.setText(lang.X("answer.paper.no_scan", "No scan attached (optional)"))
		f.detach.Hide()
	} else {
		f.scanName.setText(lang.X("answer.paper.scan", "{{.Name}} ({{.Size}} KB)", map[string]any{"Name": name, "Size": (len(scan) + 1023) / 1024}))
		f.detach.Show()
	}
	f.scanRow.Refresh()
}

// load fills the form for the ballot shown.
func (f *answerForm) load() {
	b := f.d.b
	labels := make([]string, len(b.Options))
	for i, o := range b.Options {
		labels[i] = o.Label
	}
	keep := f.options.Selected
	f.options.Options = labels
	f.options.Selected = keep
	f.options.Refresh()
	open := b.Status == ballots.StatusOpen
	self := f.d.s.p.Self()

	switch {
	case f.secretaryMode():
		f.superseded.Hide()
		f.intro.setText(lang.X("answer.paper.intro", "Record an opinion a member gave on paper. It is saved on this computer in the member's name, signed by this device."))
		f.submit.SetText(lang.X("answer.paper.send", "Record opinion"))
		f.label.setText(lang.X("answer.choose_paper", "The member's opinion"))
		f.member.Show()
		f.scanRow.Show()
		f.members = f.members[:0]
		var names []string
		for _, id := range b.Eligible {
			if m, err := f.d.s.p.Member(id); err == nil {
				f.members = append(f.members, m)
				names = append(names, m.Name)
			}
		}
		f.member.Options = names
		f.member.Refresh()
	case !b.IsEligible(self.ID):
		f.superseded.Hide()
		f.intro.setText(lang.X("answer.not_eligible", "Your opinion is not asked on this ballot."))
		f.member.Hide()
		f.form.Hide()
		f.root.Hide()
		return
	default:
		f.member.Hide()
		f.scanRow.Hide()
		f.label.setText(lang.X("answer.choose", "Your opinion"))
		f.intro.setText(lang.X("answer.intro", "Choose your opinion. It is saved on this computer at once and sent to the secretariat when a connection is available. You can change it until the ballot closes."))
		f.showSuperseded()
		if a, ok := f.d.s.myAnswer(b.ID); ok {
			f.showSaved(self.Name, a, false)
			if f.options.Selected == "" {
				f.options.Selected = optionLabel(b, a.Choice)
				f.options.Refresh()
				f.comment.SetText(a.Comment)
			}
			f.submit.SetText(lang.X("answer.change", "Change my opinion"))
		} else {
			f.saved.Hide()
			f.submit.SetText(lang.X("answer.send", "Send opinion"))
		}
	}
	f.form.Show()
	f.root.Show()
	f.place(open && !f.secretaryMode())
	if open {
		f.options.Enable()
		f.comment.Enable()
		f.member.Enable()
		f.attach.Enable()
		f.submit.Enable()
	} else {
		f.intro.setText(lang.X("answer.closed", "This ballot is closed; opinions can no longer be given or changed."))
		f.options.Disable()
		f.comment.Disable()
		f.member.Disable()
		f.attach.Disable()
		f.submit.Disable()
	}
	f.d.root.Refresh()
}

// place pins the form under the tab's scrolling text, where it is always
// on screen, or puts it back under the question.
func (f *answerForm) place(pin bool) {
	from, to := f.d.inline, f.d.pinned
	if !pin {
		from, to = to, from
	}
	if len(to.Objects) == 1 && to.Objects[0] == f.root {
		return
	}
	from.RemoveAll()
	to.Objects = []fyne.CanvasObject{f.root}
	from.Refresh()
	to.Refresh()
}

// optionLabel is the text of a ballot's option for a choice.
func optionLabel(b ballots.Ballot, c ballots.Choice) string {
	for _, o := range b.Options {
		if o.Choice == c {
			return o.Label
		}
	}
	return string(c)
}

// choice is the option a label stands for.
func (f *answerForm) choice(label string) (ballots.Choice, bool) {
	for _, o := range f.d.b.Options {
		if o.Label == label {
			return o.Choice, true
		}
	}
	return "", false
}

// ask checks the form and asks for confirmation with a summary.
func (f *answerForm) ask() {
	c, ok := f.choice(f.options.Selected)
	if !ok {
		showError(problem(lang.X("answer.pick_first", "Choose one of the options first.")), f.d.s.u.win)
		return
	}
	comment := strings.TrimSpace(f.comment.Text)
	var who meetings.Member
	if f.secretaryMode() {
		i := f.member.SelectedIndex()
		if i < 0 || i >= len(f.members) {
			showError(problem(lang.X("answer.paper.pick_first", "Choose the member whose paper opinion you are recording.")), f.d.s.u.win)
			return
		}
		who = f.members[i]
	}
	// A summary of what will be saved: the member (on paper), the choice
	// in bold, the comment, and where it goes.
	summary := container.NewVBox()
	if who.ID != "" {
		summary.Add(newLine(lang.X("answer.confirm.member", "Member: {{.Name}}", map[string]any{"Name": who.Name}),
			theme.ColorNameForeground, theme.SizeNameText, fyne.TextStyle{}))
		if f.scan != nil {
			summary.Add(newLine(f.scanName.seg.Text, theme.ColorNameForeground, theme.SizeNameText, fyne.TextStyle{}))
		}
	}
	choice := widget.NewRichText(
		&widget.TextSegment{Text: lang.X("answer.confirm.choice", "Opinion:") + " ", Style: widget.RichTextStyleInline},
		&widget.TextSegment{Text: f.options.Selected, Style: widget.RichTextStyle{
			Inline: true, ColorName: choiceKind(c).fgName(), TextStyle: fyne.TextStyle{Bold: true},
		}},
	)
	summary.Add(choice)
	if comment != "" {
		// A long comment is previewed, not shown whole: the dialog must keep
		// its buttons inside the window.
		summary.Add(paragraph("“"+preview(comment, commentPreviewRunes)+"”", theme.ColorNameForeground, theme.SizeNameText, fyne.TextStyle{Italic: true}))
	}
	summary.Add(paragraph(lang.X("answer.confirm.where", "It will be saved on this computer and sent when a connection is available."),
		colorNameSubtle, theme.SizeNameCaptionText, fyne.TextStyle{}))
	f.d.s.u.confirmWith(lang.X("answer.confirm.title", "Send this opinion?"), summary,
		lang.X("answer.confirm.yes", "Send"), false,
		func() { f.save(who, c, comment) })
}

// save records the answer off the UI goroutine.
func (f *answerForm) save(who meetings.Member, c ballots.Choice, comment string) {
	p := f.d.s.p
	id := f.d.id
	scan := f.scan
	var saved ballots.Answer
	f.submit.Disable()
	f.busy.Show()
	f.busy.Start()
	f.d.s.u.background(func() error {
		var err error
		if who.ID != "" {
			saved, err = p.RecordPaperAnswer(id, who.ID, c, comment, scan)
		} else {
			saved, err = p.AnswerBallot(id, c, comment)
		}
		return err
	}, func(err error) {
		f.busy.Stop()
		f.busy.Hide()
		f.submit.Enable()
		if err != nil {
			showError(err, f.d.s.u.win)
			return
		}
		if f.d.id != id {
			return
		}
		name := p.Self().Name
		if who.ID != "" {
			name = who.Name
			f.options.Selected = ""
			f.options.Refresh()
			f.comment.SetText("")
			f.member.ClearSelected()
			f.setScan("", nil)
		}
		f.showSaved(name, saved, who.ID != "")
	})
}

// showSaved says where an answer stands: saved on this computer, received
// by the hub (with its signed receipt), counted in the verified result, or
// late and not counted. A paper answer recorded by the secretariat is only
// said to be recorded.
func (f *answerForm) showSaved(name string, a ballots.Answer, paper bool) {
	b := f.d.b
	choice := optionLabel(b, a.Choice)
	when := fmtClock(a.At) + " · " + fmtDate(a.At)
	if paper {
		f.saved.set(chipSuccess, theme.ConfirmIcon(), lang.X("answer.saved", "Saved on this computer at {{.When}}", map[string]any{"When": when}),
			lang.X("answer.paper.saved.body", "Recorded for {{.Name}}: {{.Choice}}.", map[string]any{"Name": name, "Choice": choice}))
		f.d.root.Refresh()
		return
	}
	yours := lang.X("answer.yours", "Your opinion: {{.Choice}}.", map[string]any{"Choice": choice})
	switch stateOfAnswer(b, a, f.d.s.extras) {
	case answerLate:
		body := yours
		if !a.ReceivedAt.IsZero() {
			body += " " + lang.X("answer.late.body", "The hub received it at {{.When}}, after the deadline ({{.Deadline}}).",
				map[string]any{"When": fmtClock(a.ReceivedAt) + " · " + fmtDate(a.ReceivedAt), "Deadline": fmtDateTime(b.Deadline)})
		}
		f.saved.set(chipDanger, theme.WarningIcon(), lang.X("answer.late", "Submitted late — not counted"), body)
	case answerCounted:
		f.saved.set(chipSuccess, theme.ConfirmIcon(), lang.X("answer.counted", "Counted"),
			yours+" "+lang.X("answer.counted.body", "The hub's signed result includes it, and this computer has checked the result."))
	case answerReceived:
		at := a.ReceivedAt
		head := lang.X("answer.received_plain", "Received by the hub, with a signed receipt")
		if !at.IsZero() {
			head = lang.X("answer.received", "Received by the hub at {{.When}}, with a signed receipt", map[string]any{"When": fmtClock(at) + " · " + fmtDate(at)})
		}
		body := lang.X("answer.received.body", "Saved on this computer at {{.When}}. You can change it until the ballot closes.", map[string]any{"When": when})
		switch {
		case a.Paper:
			// Recorded by the secretariat from the member's paper form.
			body = lang.X("answer.received.paper", "Given on paper and recorded by the secretariat at {{.When}}. You can change it until the ballot closes.", map[string]any{"When": when})
		case f.superseded.Visible() || !f.d.s.extras.givenHere[a.ID]:
			// The counting answer was given on another device, not here.
			body = lang.X("answer.received.other", "Given on another device at {{.When}}. You can change it until the ballot closes.", map[string]any{"When": when})
		}
		f.saved.set(chipSuccess, theme.ConfirmIcon(), head, yours+" "+body)
	default:
		f.saved.set(chipAccent, theme.ConfirmIcon(), lang.X("answer.saved", "Saved on this computer at {{.When}}", map[string]any{"When": when}),
			lang.X("answer.saved.body", "Your opinion: {{.Choice}}. It will be sent to the secretariat when a connection is available.",
				map[string]any{"Choice": choice}))
	}
	f.d.root.Refresh()
}
