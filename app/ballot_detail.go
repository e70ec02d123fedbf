package app

import (
	"strings"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/ecabinet/ecabinet/ballots"
	"github.com/ecabinet/ecabinet/core"
	"github.com/ecabinet/ecabinet/meetings"
)

// ballotDetail shows one ballot: the question, the deadline, the rule in
// words, then the answer form and the results in two tabs. The secretariat
// can close the ballot or extend its deadline.
type ballotDetail struct {
	s  *shell
	id string
	b  ballots.Ballot

	title    *line
	status   *chip
	left     *chip
	deadline *line
	rule     *line
	link     *line
	linkRow  fyne.CanvasObject
	question *line
	actions  *fyne.Container
	remind   *banner

	answer  *answerForm
	pinned  *fyne.Container // holds the answer form under the tab's scroll...
	inline  *fyne.Container // ...or inside it, under the question
	results *resultsView
	papers  *paperPane // papers_attach.go
	tabs    *container.AppTabs
	root    fyne.CanvasObject
}

func newBallotDetail(s *shell) *ballotDetail {
	d := &ballotDetail{
		s:        s,
		status:   newChip("", chipNeutral),
		left:     newChip("", chipNeutral),
		deadline: newLine("", theme.ColorNameForeground, theme.SizeNameText, fyne.TextStyle{}),
		rule:     paragraph("", colorNameSubtle, theme.SizeNameCaptionText, fyne.TextStyle{}),
		link:     paragraph("", theme.ColorNameForeground, theme.SizeNameText, fyne.TextStyle{}),
		question: paragraph("", theme.ColorNameForeground, theme.SizeNameText, fyne.TextStyle{}),
		actions:  container.NewHBox(),
		remind:   newBanner(),
	}
	d.remind.Hide()
	// A long title is clamped to three lines (tap it for the whole): it
	// must not push the answer form, and the window, down.
	var titleBox fyne.CanvasObject
	d.title, titleBox = clampedTitle(s.u, 3, theme.SizeNameSubHeadingText)
	d.answer = newAnswerForm(d)
	d.results = newResultsView(d)
	subtle := func(r fyne.Resource) fyne.CanvasObject {
		return container.NewVBox(widget.NewIcon(theme.NewColoredResource(r, colorNameSubtle)))
	}
	d.linkRow = container.NewBorder(nil, nil, subtle(iconMeeting), nil, d.link)
	// The first tab holds what a member reads before answering: whether
	// an answer is saved already, the question, what answering means, the
	// rule and the meeting it belongs to; they scroll. The form itself is
	// pinned below them, so that the choices, the comment and "Send" are on
	// screen without scrolling on a 1366×768 laptop and at 1280×720 however
	// long the question is (ballot_fold_test.go).
	// Only a member's form on an open ballot is pinned: the secretariat's
	// paper form is taller (the member, the scan) and a closed ballot's
	// form only shows the answer, so they scroll with the rest and the
	// pane keeps fitting a 640-px window (answer.go, place).
	d.pinned = container.NewStack()
	d.inline = container.NewStack(d.answer.view())
	reading := container.NewBorder(nil, d.pinned, nil, nil, container.NewVScroll(padded(10, 12, 8, 8, container.NewVBox(
		d.remind,
		d.answer.superseded,
		d.answer.saved,
		card(d.question),
		d.inline,
		d.answer.intro,
		widget.NewSeparator(),
		container.NewBorder(nil, nil, subtle(iconRule), nil, d.rule),
		d.linkRow,
	))))
	var papersTab *container.TabItem
	d.papers = newPaperPane(s, func(n int) { papersTab.Text = papersTabText(n); d.tabs.Refresh() })
	papersTab = container.NewTabItemWithIcon(papersTabText(0), theme.DocumentIcon(), d.papers.view())
	d.tabs = container.NewAppTabs(
		container.NewTabItemWithIcon(lang.X("ballot.tab.answer", "Question and opinion"), theme.DocumentCreateIcon(), reading),
		container.NewTabItemWithIcon(lang.X("ballot.tab.results", "Results"), theme.ListIcon(), d.results.view()),
		papersTab,
	)
	d.tabs.OnSelected = func(t *container.TabItem) {
		if t == d.tabs.Items[1] {
			d.results.load()
		}
	}
	when := container.NewBorder(nil, nil, container.NewCenter(widget.NewIcon(theme.NewColoredResource(iconClock, colorNameSubtle))), nil, d.deadline)
	// The secretariat's steps go on their own row, so that the ballot's
	// pane keeps its width for the list beside it.
	head := container.NewVBox(
		titleBox,
		container.NewBorder(nil, nil, container.NewHBox(container.NewCenter(d.status), container.NewCenter(d.left)), nil, when),
		d.actions,
	)
	d.root = container.NewBorder(padded(14, 4, 16, 16, head), nil, nil, nil, padded(0, 0, 8, 8, d.tabs))
	return d
}

func (d *ballotDetail) view() fyne.CanvasObject { return d.root }

// show loads a ballot.
func (d *ballotDetail) show(id string) {
	if d.id != id {
		d.id = id
		d.answer.reset()
		d.results.clear()
	}
	d.load()
	if d.tabs.SelectedIndex() == 1 {
		d.results.load()
	}
}

func (d *ballotDetail) refresh(c changes) {
	if d.id == "" {
		return
	}
	if c.touches(core.TopicBallots, d.id) || c.has(core.TopicMembers) || c.has(core.TopicReminders) || c.has(core.TopicSync) {
		d.load()
	}
	d.papers.refresh(c)
	if c.touches(core.TopicAnswers, d.id) || c.touches(core.TopicBallots, d.id) || c.has(core.TopicMembers) || c.has(core.TopicSync) {
		d.answer.load()
		if d.tabs.SelectedIndex() == 1 {
			d.results.load()
		}
	}
}

func (d *ballotDetail) tick(now time.Time) {
	if d.id != "" {
		d.left.set(headerCountdown(d.b, now))
	}
}

// headerCountdown is the countdown beside the status chip of the detail: a
// closed ballot's status chip already says it is closed.
func headerCountdown(b ballots.Ballot, now time.Time) (string, chipKind) {
	if b.Status == ballots.StatusClosed {
		return "", chipNeutral
	}
	return countdown(b, now)
}

// load re-reads the ballot (from memory) and fills the header.
func (d *ballotDetail) load() {
	b, err := d.s.p.Ballot(d.id)
	if err != nil {
		return
	}
	d.b = b
	d.title.setText(b.Title)
	kind := chipNeutral
	if b.Status == ballots.StatusOpen {
		kind = chipAccent
	}
	d.status.set(ballotStatusText(b.Status), kind)
	d.left.set(headerCountdown(b, d.s.u.now()))
	d.deadline.setText(lang.X("ballot.deadline_short", "Deadline: {{.When}}", map[string]any{"When": fmtDateTime(b.Deadline)}))
	d.rule.setText(policyWords(b.Policy))
	d.question.setText(b.Question)
	d.linkRow.Hide()
	if b.MeetingID != "" {
		if m, err := d.s.p.Meeting(b.MeetingID); err == nil {
			text := m.Title
			for i, it := range m.Agenda {
				if it.ID == b.AgendaItemID {
					text += " — " + lang.X("ballot.form.item_n", "Item {{.N}}: {{.Title}}", map[string]any{"N": i + 1, "Title": it.Title})
				}
			}
			d.link.setText(text)
			d.linkRow.Show()
		}
	}
	d.setActions()
	d.answer.load()
	_, answered := d.s.p.MyAnswer(b.ID)
	if r, ok := d.s.reminderShown(b, answered); ok {
		d.remind.set(chipWarning, iconClock, reminderText(r),
			lang.X("remind.banner.when", "Sent {{.When}}. Please answer before {{.Deadline}}.",
				map[string]any{"When": fmtDateTime(r.At), "Deadline": fmtDateTime(b.Deadline)}))
	} else {
		d.remind.Hide()
	}
	if d.papers.ballotID != b.ID {
		d.papers.setBallot(b)
	}
	d.root.Refresh() // parts were shown or hidden: lay the pane out again
}

// setActions offers the secretariat's steps on an open ballot.
func (d *ballotDetail) setActions() {
	d.actions.RemoveAll()
	if !d.s.p.IsSecretaryOf(d.b.Body) || d.b.Status != ballots.StatusOpen {
		d.actions.Hide()
		return
	}
	d.actions.Add(widget.NewButtonWithIcon(lang.X("ballot.remind", "Remind members"), theme.MailSendIcon(), d.remindMembers))
	d.actions.Add(widget.NewButtonWithIcon(lang.X("ballot.extend", "Extend deadline"), iconClock, d.extend))
	closeBtn := widget.NewButtonWithIcon(lang.X("ballot.close", "Close ballot"), theme.MediaStopIcon(), d.closeBallot)
	closeBtn.Importance = widget.DangerImportance
	d.actions.Add(closeBtn)
	d.actions.Show()
}

func (d *ballotDetail) closeBallot() {
	id, b := d.id, d.b
	d.s.withMissing(b, func(missing []meetings.Member) {
		body := lang.X("ballot.close.body", "No more answers will be accepted and the result becomes final. Members who have not answered will be recorded as not answering.")
		if len(missing) > 0 {
			body = lang.X("ballot.close.missing", "{{.N}} of {{.Eligible}} members have not answered: {{.Names}}.", map[string]any{"N": len(missing), "Eligible": len(b.Eligible), "Names": memberNames(missing)}) + " " + body
		}
		d.s.u.confirm(lang.X("ballot.close.title", "Close this ballot?"), body,
			lang.X("ballot.close", "Close ballot"), true,
			func() {
				d.s.u.background(func() error { return d.s.p.CloseBallot(id) },
					func(err error) { showError(err, d.s.u.win) })
			})
	})
}

func (d *ballotDetail) extend() {
	u := d.s.u
	id := d.id
	later := d.b.Deadline.Add(24 * time.Hour)
	date := newDateEntry(u, later)
	clock := newEntry()
	clock.SetText(clockInput(later))
	items := []*widget.FormItem{
		{Text: lang.X("ballot.extend.current", "Current deadline"), Widget: widget.NewLabel(fmtDateTime(d.b.Deadline))},
		{Text: lang.X("ballot.extend.date", "New date"), Widget: date, HintText: lang.X("form.date_hint", "day/month/year")},
		{Text: lang.X("ballot.extend.time", "New time"), Widget: clock, HintText: lang.X("form.time_hint", "24-hour, Vietnam time")},
	}
	u.showForm(lang.X("ballot.extend.title", "Extend the deadline"), lang.X("ballot.extend", "Extend deadline"), items,
		func() (func() error, error) {
			t, ok := parseDateTime(date.Text, clock.Text)
			if !ok {
				return nil, problem(lang.X("form.datetime_invalid", "Enter the date as day/month/year and the time as hours:minutes, e.g. 19/07/2023 and 08:00."))
			}
			return func() error { return d.s.p.ExtendDeadline(id, t) }, nil
		}, nil)
}

// remindMembers sends the members who have not answered a reminder, with
// an optional message (secretariat).
func (d *ballotDetail) remindMembers() {
	d.s.withMissing(d.b, d.remindForm)
}

// remindForm asks for the reminder's message, naming who will receive it.
func (d *ballotDetail) remindForm(missing []meetings.Member) {
	u := d.s.u
	id := d.id
	if len(missing) == 0 {
		u.confirm(lang.X("ballot.remind.title", "Remind the members who have not answered"),
			lang.X("ballot.remind.nobody", "Every eligible member has answered: there is nobody to remind."), lang.X("app.ok", "OK"), false, func() {})
		return
	}
	who := paragraph(lang.X("ballot.remind.who", "{{.N}} members will be reminded: {{.Names}}.", map[string]any{"N": len(missing), "Names": memberNames(missing)}),
		theme.ColorNameForeground, theme.SizeNameText, fyne.TextStyle{Bold: true})
	msg := newMultiLineEntry()
	msg.Wrapping = fyne.TextWrapWord
	msg.SetMinRowsVisible(3)
	msg.PlaceHolder = lang.X("ballot.remind.message_hint", "e.g. Please send your opinion before the deadline.")
	// The hint is a wrapped paragraph under the entry, not the form's hint
	// text: that one is drawn on a single line and ran to the dialog's edge.
	help := paragraph(lang.X("ballot.remind.message_help", "Optional. Members who have not answered see it in the app and as a desktop notification."),
		colorNameSubtle, theme.SizeNameCaptionText, fyne.TextStyle{})
	items := []*widget.FormItem{
		{Text: lang.X("ballot.remind.message", "Message"), Widget: container.NewVBox(msg, padded(0, 0, 4, 8, help))},
		{Text: lang.X("ballot.remind.to", "To"), Widget: who},
	}
	u.showForm(lang.X("ballot.remind.title", "Remind the members who have not answered"), lang.X("ballot.remind.send", "Send reminder"), items,
		func() (func() error, error) {
			text := strings.TrimSpace(msg.Text)
			return func() error { return d.s.p.RemindBallot(id, text) }, nil
		}, func() {
			// Saying it was sent, and to whom: the form closing alone
			// leaves the secretary wondering whether anything happened.
			done := paragraph(lang.X("ballot.remind.sent_to", "{{.N}} members were reminded: {{.Names}}. They see it at their next sync.",
				map[string]any{"N": len(missing), "Names": memberNames(missing)}), theme.ColorNameForeground, theme.SizeNameText, fyne.TextStyle{})
			newCustomDialog(lang.X("ballot.remind.sent", "Reminder sent"), lang.X("app.ok", "OK"), fixedWidth(420, done), u.win).Show()
		})
}
