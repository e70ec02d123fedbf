package app

import (
	"slices"
	"strconv"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/ecabinet/ecabinet/core"
	"github.com/ecabinet/ecabinet/meetings"
	"github.com/ecabinet/ecabinet/report"
)

// meetingDetail shows one meeting: its header with the lifecycle actions,
// the agenda, and attendance with the quorum while in session. Only the
// secretariat sees the buttons that change anything.
type meetingDetail struct {
	s  *shell
	id string
	m  meetings.Meeting

	title   *line
	when    *line
	place   *line
	status  *chip
	actions *overflowRow // the secretariat's steps and documents (overflow.go)

	agenda     *widget.List
	total      *line
	addBtn     *widget.Button
	agendaTab  *container.TabItem
	voters     []meetings.Member
	attendance *widget.List
	quorum     *banner
	tabs       *container.AppTabs
	root       fyne.CanvasObject

	consent    *consentPane
	consentTab *container.TabItem

	papers    *paperPane // papers_attach.go
	papersTab *container.TabItem

	book *bookPanel // book_panel.go
	// The book's line sits under the header for a member (who has no
	// lifecycle buttons there); the secretariat, whose header is full (the
	// smallest window must hold it), gets its compact button among the
	// actions instead.
	bookHead *fyne.Container
}

func newMeetingDetail(s *shell) *meetingDetail {
	d := &meetingDetail{
		s:       s,
		when:    newLine("", theme.ColorNameForeground, theme.SizeNameText, fyne.TextStyle{}),
		place:   newLine("", theme.ColorNameForeground, theme.SizeNameText, fyne.TextStyle{}),
		status:  newChip("", chipNeutral),
		actions: newOverflowRow(),
		total:   newLine("", colorNameSubtle, theme.SizeNameCaptionText, fyne.TextStyle{}),
		quorum:  newBanner(),
	}
	// A long title is clamped to three lines (tap it for the whole): it
	// must not push the agenda, and the window, down.
	var titleBox fyne.CanvasObject
	d.title, titleBox = clampedTitle(s.u, 3, theme.SizeNameSubHeadingText)
	d.agenda = widget.NewList(func() int { return len(d.m.Agenda) }, d.createItem, d.updateItem)
	d.agenda.OnSelected = func(widget.ListItemID) { d.agenda.UnselectAll() }
	d.addBtn = widget.NewButtonWithIcon(lang.X("agenda.add", "Add item"), theme.ContentAddIcon(), d.addItem)
	d.total.Truncation = fyne.TextTruncateOff
	agendaBottom := padded(6, 6, 12, 12, container.NewBorder(nil, nil, nil, d.addBtn, d.total))
	agendaPane := container.NewBorder(nil, container.NewVBox(widget.NewSeparator(), agendaBottom), nil, nil, shortList(d.agenda))

	d.attendance = widget.NewList(func() int { return len(d.voters) }, d.createVoter, d.updateVoter)
	d.attendance.OnSelected = func(widget.ListItemID) { d.attendance.UnselectAll() }
	attendancePane := container.NewBorder(padded(8, 4, 8, 8, d.quorum), nil, nil, nil, shortList(d.attendance))

	d.consent = newConsentPane(d)
	d.consentTab = container.NewTabItemWithIcon(lang.X("meeting.tab.consent", "Consent agenda"), theme.ConfirmIcon(), d.consent.view())

	d.agendaTab = container.NewTabItemWithIcon(lang.X("meeting.tab.agenda", "Agenda"), theme.ListIcon(), agendaPane)
	d.papers = newPaperPane(s, func(n int) { d.papersTab.Text = papersTabText(n); d.tabs.Refresh() })
	d.bookHead = container.NewVBox()
	d.papersTab = container.NewTabItemWithIcon(papersTabText(0), theme.DocumentIcon(), d.papers.view())
	d.book = newBookPanel(s)
	d.tabs = container.NewAppTabs(
		d.agendaTab,
		d.papersTab,
		container.NewTabItemWithIcon(lang.X("meeting.tab.attendance", "Attendance"), theme.AccountIcon(), attendancePane),
	)

	icon := func(r fyne.Resource) fyne.CanvasObject {
		return container.NewCenter(widget.NewIcon(theme.NewColoredResource(r, colorNameSubtle)))
	}
	head := container.NewVBox(
		container.NewBorder(nil, nil, nil, container.NewVBox(d.status), titleBox),
		lines(
			container.NewBorder(nil, nil, icon(iconClock), nil, d.when),
			container.NewBorder(nil, nil, icon(iconPlace), nil, d.place),
		),
		d.actions.view(),
		d.bookHead,
	)
	d.root = container.NewBorder(padded(14, 6, 16, 16, head), nil, nil, nil, padded(0, 0, 8, 8, d.tabs))
	return d
}

func (d *meetingDetail) view() fyne.CanvasObject { return d.root }

// show loads a meeting.
func (d *meetingDetail) show(id string) {
	d.id = id
	d.load()
}

func (d *meetingDetail) refresh(c changes) {
	if d.id == "" {
		return
	}
	if c.touches(core.TopicMeetings, d.id) || c.has(core.TopicMembers) {
		d.load()
	} else {
		d.papers.refresh(c)
		if c.has(core.TopicPapers) {
			d.book.reload() // a paper changed or arrived: how many are missing
		}
	}
}

// canEdit reports whether this profile may change the meeting.
func (d *meetingDetail) canEdit() bool {
	return d.s.p.IsSecretaryOf(d.m.Body) && d.m.Status != meetings.StatusClosed
}

// load re-reads the meeting (from memory) and fills the pane.
func (d *meetingDetail) load() {
	m, err := d.s.p.Meeting(d.id)
	if err != nil {
		return
	}
	d.m = m
	d.title.setText(m.Title)
	d.when.setText(fmtDateTime(m.Start))
	place := m.Place
	if place == "" {
		place = lang.X("meeting.no_place", "Place not set")
	}
	if l := recordLabel(d.s.p, m.Body, m.Restricted, severalBodies(d.s.p)); l != "" {
		place += " · " + l
	}
	d.place.setText(place)
	d.status.set(meetingStatusText(m.Status), meetingStatusKind(m.Status))
	d.agendaTab.Text = lang.X("meeting.tab.agenda_n", "Agenda ({{.N}})", map[string]any{"N": len(m.Agenda)})
	d.tabs.Refresh()
	d.total.setText(lang.X("agenda.total", "{{.N}} items · planned {{.Time}}",
		map[string]any{"N": len(m.Agenda), "Time": fmtMinutes(m.TotalMinutes())}))
	d.setActions()
	if d.canEdit() {
		d.addBtn.Show()
	} else {
		d.addBtn.Hide()
	}
	d.agenda.Refresh()
	d.loadAttendance()
	d.loadConsent()
	d.papers.setMeeting(m)
	d.book.show(m.ID)
	d.root.Refresh() // parts were shown or hidden: lay the pane out again
}

// setActions offers the lifecycle steps the secretariat can take now.
func (d *meetingDetail) setActions() {
	var acts []*widget.Button
	if !d.s.p.IsSecretaryOf(d.m.Body) {
		// A member has no lifecycle steps; their book has its own line
		// (bookPanel) in their place.
		d.actions.set()
		d.actions.view().Hide()
		d.bookHead.Objects = []fyne.CanvasObject{d.book.view()}
		d.bookHead.Refresh()
		return
	}
	d.bookHead.Objects = nil
	d.bookHead.Refresh()
	d.actions.view().Show()
	step := func(label string, icon fyne.Resource, to meetings.Status, high bool) {
		b := widget.NewButtonWithIcon(label, icon, func() { d.setStatus(to) })
		if high {
			b.Importance = widget.HighImportance
		}
		acts = append(acts, b)
	}
	switch d.m.Status {
	case meetings.StatusDraft:
		acts = append(acts, widget.NewButtonWithIcon(lang.X("meeting.edit", "Edit"), theme.DocumentCreateIcon(), d.edit))
		step(lang.X("meeting.publish", "Publish"), theme.MailSendIcon(), meetings.StatusPublished, true)
	case meetings.StatusPublished:
		acts = append(acts, widget.NewButtonWithIcon(lang.X("meeting.edit", "Edit"), theme.DocumentCreateIcon(), d.edit))
		step(lang.X("meeting.unpublish", "Back to draft"), theme.ContentUndoIcon(), meetings.StatusDraft, false)
		step(lang.X("meeting.start", "Start session"), theme.MediaPlayIcon(), meetings.StatusInSession, true)
	case meetings.StatusInSession:
		b := widget.NewButtonWithIcon(lang.X("meeting.close", "Close session"), theme.MediaStopIcon(), d.closeSession)
		b.Importance = widget.DangerImportance
		acts = append(acts, b)
	}
	if d.m.Status == meetings.StatusClosed && d.m.Finalised.IsZero() {
		acts = append(acts, widget.NewButtonWithIcon(lang.X("minutes.finalise", "Finalise the minutes"), theme.ConfirmIcon(), d.finalise))
	}
	// The documents the secretariat sends out: the invitation at any time,
	// the minutes once the session has begun.
	id := d.id
	acts = append(acts, widget.NewButtonWithIcon(lang.X("report.export.invitation", "Invitation (PDF)"), theme.DocumentPrintIcon(),
		func() { exportReport(d.s.u, d.s.p, report.KindInvitation, id) }))
	if d.m.Status == meetings.StatusInSession || d.m.Status == meetings.StatusClosed {
		acts = append(acts, widget.NewButtonWithIcon(lang.X("report.export.minutes", "Minutes (PDF)"), theme.DocumentPrintIcon(),
			func() { exportReport(d.s.u, d.s.p, report.KindMinutes, id) }))
	}
	acts = append(acts, d.book.compact)
	d.actions.set(acts...)
	d.book.menuAnchor = d.actions.more
}

// setStatus moves the meeting on, off the UI goroutine, once a step that
// is probably a slip has been confirmed (see askFirst in safety.go).
func (d *meetingDetail) setStatus(to meetings.Status) {
	if d.askFirst(to) {
		return // the confirmation calls moveTo
	}
	d.moveTo(to)
}

// moveTo moves the meeting on, off the UI goroutine.
func (d *meetingDetail) moveTo(to meetings.Status) {
	id := d.id
	d.s.u.background(func() error { return d.s.p.SetMeetingStatus(id, to) },
		func(err error) { showError(err, d.s.u.win) })
}

func (d *meetingDetail) closeSession() {
	d.s.u.confirm(lang.X("meeting.close.title", "Close the session?"),
		lang.X("meeting.close.body", "After closing, the agenda and attendance can no longer be changed: they become part of the minutes."),
		lang.X("meeting.close", "Close session"), true,
		func() { d.setStatus(meetings.StatusClosed) })
}

func (d *meetingDetail) edit() {
	m := d.m
	showMeetingForm(d.s.u, lang.X("meeting.edit.title", "Edit meeting"), lang.X("app.save", "Save"), m,
		func(in core.MeetingInput) error {
			if err := d.s.p.UpdateMeeting(m.ID, m.Rev, in); err != nil {
				return err
			}
			if in.Restricted == m.Restricted && slices.Equal(in.Participants, m.Participants) {
				return nil
			}
			return d.s.p.SetMeetingAudience(m.ID, in.Participants, in.Restricted)
		}, nil)
}

// agendaItem is one row of the agenda.
type agendaItem struct {
	widget.BaseWidget
	num     *chip
	title   *line
	sub     *line
	buttons *fyne.Container
	up      *widget.Button
	down    *widget.Button
	edit    *widget.Button
	del     *widget.Button
	vote    *widget.Button
	// conclude opens the item's conclusion for the minutes (conclusions.go).
	conclude *widget.Button
	adopted  *chip
	root     fyne.CanvasObject
}

func (r *agendaItem) CreateRenderer() fyne.WidgetRenderer { return widget.NewSimpleRenderer(r.root) }

func (d *meetingDetail) createItem() fyne.CanvasObject {
	r := &agendaItem{num: newChip("00", chipAccent), sub: subtleLine(""), adopted: newChip("", chipSuccess)}
	var title fyne.CanvasObject
	r.title, title = wrappedTitle(2)
	r.up = iconButton(theme.MoveUpIcon(), nil)
	r.down = iconButton(theme.MoveDownIcon(), nil)
	r.edit = iconButton(theme.DocumentCreateIcon(), nil)
	r.del = iconButton(theme.DeleteIcon(), nil)
	r.buttons = container.NewHBox(r.up, r.down, r.edit, r.del)
	r.vote = widget.NewButtonWithIcon(lang.X("vote.action", "Vote"), theme.ConfirmIcon(), nil)
	r.vote.Hide()
	r.conclude = widget.NewButtonWithIcon(lang.X("conclusion.action", "Conclusion"), theme.DocumentCreateIcon(), nil)
	r.conclude.Hide()
	r.root = padded(5, 5, 8, 4, container.NewBorder(nil, nil,
		container.NewCenter(fixedWidth(34, container.NewCenter(r.num))),
		container.NewHBox(container.NewCenter(r.adopted), container.NewCenter(r.vote), container.NewCenter(r.conclude), container.NewCenter(r.buttons)),
		lines(title, r.sub)))
	r.ExtendBaseWidget(r)
	return r
}

func (d *meetingDetail) updateItem(id widget.ListItemID, o fyne.CanvasObject) {
	if id >= len(d.m.Agenda) {
		return
	}
	it := d.m.Agenda[id]
	r := o.(*agendaItem)
	defer r.Refresh()
	r.num.set(strconv.Itoa(id+1), chipAccent)
	r.title.setText(it.Title)
	var parts []string
	if it.Presenter != "" {
		parts = append(parts, lang.X("agenda.presenter", "Presented by {{.Who}}", map[string]any{"Who": it.Presenter}))
	}
	if it.Minutes > 0 {
		parts = append(parts, fmtMinutes(it.Minutes))
	}
	r.sub.setText(strings.Join(parts, " · "))
	if it.Adopted {
		r.adopted.set(lang.X("consent.adopted", "Adopted"), chipSuccess)
	} else {
		r.adopted.set("", chipSuccess)
	}
	itemID := it.ID
	if d.canVote() {
		r.vote.OnTapped = func() { d.quickVote(itemID) }
		r.vote.Show()
	} else {
		r.vote.OnTapped = nil
		r.vote.Hide()
	}
	d.showConclusion(r, it)
	if !d.canEdit() {
		r.buttons.Hide()
		return
	}
	r.buttons.Show()
	r.up.OnTapped = func() { d.move(itemID, id-1) }
	r.down.OnTapped = func() { d.move(itemID, id+1) }
	r.edit.OnTapped = func() { d.editItem(itemID) }
	r.del.OnTapped = func() { d.removeItem(itemID) }
	if id == 0 {
		r.up.Disable()
	} else {
		r.up.Enable()
	}
	if id == len(d.m.Agenda)-1 {
		r.down.Disable()
	} else {
		r.down.Enable()
	}
}

func (d *meetingDetail) item(id string) (meetings.AgendaItem, bool) {
	for _, it := range d.m.Agenda {
		if it.ID == id {
			return it, true
		}
	}
	return meetings.AgendaItem{}, false
}

func (d *meetingDetail) move(itemID string, to int) {
	mid := d.id
	d.s.u.background(func() error { return d.s.p.MoveAgendaItem(mid, itemID, to) },
		func(err error) { showError(err, d.s.u.win) })
}

func (d *meetingDetail) removeItem(itemID string) {
	it, ok := d.item(itemID)
	if !ok {
		return
	}
	mid := d.id
	d.s.u.confirm(lang.X("agenda.delete.title", "Delete this agenda item?"),
		lang.X("agenda.delete.body", "“{{.Title}}” will be removed from the agenda.", map[string]any{"Title": it.Title}),
		lang.X("app.delete", "Delete"), true,
		func() {
			d.s.u.background(func() error { return d.s.p.RemoveAgendaItem(mid, itemID) },
				func(err error) { showError(err, d.s.u.win) })
		})
}

func (d *meetingDetail) addItem() {
	mid := d.id
	d.itemForm(lang.X("agenda.add.title", "Add an agenda item"), lang.X("agenda.add", "Add item"), meetings.AgendaItem{},
		func(it meetings.AgendaItem) error {
			_, err := d.s.p.AddAgendaItem(mid, it)
			return err
		})
}

func (d *meetingDetail) editItem(itemID string) {
	it, ok := d.item(itemID)
	if !ok {
		return
	}
	mid := d.id
	d.itemForm(lang.X("agenda.edit.title", "Edit agenda item"), lang.X("app.save", "Save"), it,
		func(changed meetings.AgendaItem) error { return d.s.p.UpdateAgendaItem(mid, changed) })
}

// itemForm asks for an agenda item's title, presenter and minutes.
func (d *meetingDetail) itemForm(title, saveLabel string, it meetings.AgendaItem, save func(meetings.AgendaItem) error) {
	name := newMultiLineEntry()
	name.Wrapping = fyne.TextWrapWord
	name.SetMinRowsVisible(2)
	name.SetText(it.Title)
	name.PlaceHolder = lang.X("agenda.form.title_hint", "e.g. Results of administrative reform in the first half of 2023")
	presenter := newEntry()
	presenter.SetText(it.Presenter)
	presenter.PlaceHolder = lang.X("agenda.form.presenter_hint", "e.g. Ministry of Home Affairs")
	minutes := newEntry()
	if it.Minutes > 0 {
		minutes.SetText(strconv.Itoa(it.Minutes))
	}
	minutes.PlaceHolder = lang.X("agenda.form.minutes_example", "e.g. 30") // an example, like the others: empty is "not planned", not 30
	items := []*widget.FormItem{
		{Text: lang.X("agenda.form.title", "Title"), Widget: name},
		{Text: lang.X("agenda.form.presenter", "Presenter"), Widget: presenter},
		{Text: lang.X("agenda.form.minutes", "Minutes"), Widget: minutes, HintText: lang.X("agenda.form.minutes_hint", "Planned time, in minutes")},
	}
	d.s.u.showForm(title, saveLabel, items, func() (func() error, error) {
		changed := it
		changed.Title = strings.TrimSpace(name.Text)
		changed.Presenter = strings.TrimSpace(presenter.Text)
		changed.Minutes = 0
		if t := strings.TrimSpace(minutes.Text); t != "" {
			n, err := strconv.Atoi(t)
			if err != nil {
				return nil, problem(lang.X("agenda.form.minutes_invalid", "Enter the minutes as a whole number, e.g. 30."))
			}
			changed.Minutes = n
		}
		if err := changed.Validate(); err != nil {
			return nil, err
		}
		return func() error { return save(changed) }, nil
	}, nil)
}

// loadConsent shows the consent agenda tab while the meeting is published
// or in session (before then members do not see it; after, it is history).
func (d *meetingDetail) loadConsent() {
	want := d.m.Status == meetings.StatusPublished || d.m.Status == meetings.StatusInSession
	has := false
	for _, t := range d.tabs.Items {
		if t == d.consentTab {
			has = true
		}
	}
	switch {
	case want && !has:
		d.tabs.Append(d.consentTab)
	case !want && has:
		d.tabs.Remove(d.consentTab)
	}
	if want {
		d.consent.load()
	}
}

// canVote reports whether the secretariat can start a vote on an item now.
func (d *meetingDetail) canVote() bool {
	return d.s.p.IsSecretaryOf(d.m.Body) && d.m.Status == meetings.StatusInSession
}

// quickVote asks for the question and the minutes of a vote on an agenda
// item during the session, starts it, and opens the new ballot.
func (d *meetingDetail) quickVote(itemID string) {
	it, ok := d.item(itemID)
	if !ok {
		return
	}
	mid := d.id
	p := d.s.p
	question := newMultiLineEntry()
	question.Wrapping = fyne.TextWrapWord
	question.SetMinRowsVisible(3)
	question.SetText(lang.X("vote.form.question_default", "Do you agree to adopt “{{.Title}}”?", map[string]any{"Title": it.Title}))
	minutes := newEntry()
	minutes.SetText("15")
	items := []*widget.FormItem{
		{Text: lang.X("vote.form.question", "Question"), Widget: question},
		{Text: lang.X("vote.form.minutes", "Minutes"), Widget: minutes, HintText: lang.X("vote.form.minutes_hint", "How long the vote stays open")},
	}
	var started string
	d.s.u.showForm(lang.X("vote.title", "Vote on this item"), lang.X("vote.start", "Start the vote"), items, func() (func() error, error) {
		q := strings.TrimSpace(question.Text)
		if q == "" {
			return nil, problem(lang.X("vote.form.question_missing", "Enter the question the members vote on."))
		}
		n, err := strconv.Atoi(strings.TrimSpace(minutes.Text))
		if err != nil || n <= 0 {
			return nil, problem(lang.X("vote.form.minutes_invalid", "Enter the minutes as a whole number, e.g. 15."))
		}
		return func() error {
			b, err := p.QuickVote(mid, itemID, q, n)
			started = b.ID
			return err
		}, nil
	}, func() { d.s.openBallot(started) })
}

// loadAttendance lists the invited voting members and the quorum.
func (d *meetingDetail) loadAttendance() {
	invited := map[string]bool{}
	for _, id := range d.m.Participants {
		invited[id] = true
	}
	d.voters = d.voters[:0]
	members := d.s.p.MembersOf(d.m.Body)
	for _, m := range meetings.Voters(members) {
		if len(invited) == 0 || invited[m.ID] {
			d.voters = append(d.voters, m)
		}
	}
	q := meetings.Quorum(d.m, members, meetings.DefaultQuorum)
	args := map[string]any{"Present": q.Present, "Voters": q.Voters, "Needed": q.Needed}
	switch {
	case d.m.Status == meetings.StatusDraft || d.m.Status == meetings.StatusPublished:
		d.quorum.set(chipNeutral, theme.InfoIcon(),
			lang.X("quorum.not_started", "Attendance is taken once the session starts"),
			lang.X("quorum.rule", "The session needs two thirds of its {{.Voters}} voting members: {{.Needed}}.", args))
	case q.Met:
		d.quorum.set(chipSuccess, theme.ConfirmIcon(),
			lang.X("quorum.met", "Quorum reached: {{.Present}}/{{.Voters}}, {{.Needed}} needed", args), "")
	default:
		d.quorum.set(chipWarning, theme.WarningIcon(),
			lang.X("quorum.not_met", "No quorum yet: {{.Present}}/{{.Voters}}, {{.Needed}} needed", args), "")
	}
	d.attendance.Refresh()
}

// voterItem is one row of the attendance list.
type voterItem struct {
	widget.BaseWidget
	check *widget.Check
	av    *avatar
	name  *line
	sub   *line
	root  fyne.CanvasObject
}

func (r *voterItem) CreateRenderer() fyne.WidgetRenderer { return widget.NewSimpleRenderer(r.root) }

func (d *meetingDetail) createVoter() fyne.CanvasObject {
	r := &voterItem{check: widget.NewCheck("", nil), av: newAvatar(), name: titleLine(""), sub: subtleLine("")}
	r.root = padded(3, 3, 8, 8, container.NewBorder(nil, nil,
		container.NewHBox(container.NewCenter(r.check), container.NewCenter(r.av)), nil,
		lines(r.name, r.sub)))
	r.ExtendBaseWidget(r)
	return r
}

func (d *meetingDetail) updateVoter(id widget.ListItemID, o fyne.CanvasObject) {
	if id >= len(d.voters) {
		return
	}
	m := d.voters[id]
	r := o.(*voterItem)
	defer r.Refresh()
	r.av.set(m.Name, roleKind(m.Role))
	r.name.setText(m.Name)
	sub := roleText(m.Role)
	if m.Title != "" {
		sub = m.Title + " · " + sub
	}
	r.sub.setText(sub)
	r.check.OnChanged = nil
	r.check.SetChecked(d.m.IsPresent(m.ID))
	if d.s.p.IsSecretaryOf(d.m.Body) && d.m.Status == meetings.StatusInSession {
		r.check.Enable()
		mid, memberID := d.id, m.ID
		r.check.OnChanged = func(present bool) {
			d.s.u.background(func() error { return d.s.p.SetAttendance(mid, memberID, present) },
				func(err error) {
					if err != nil {
						showError(err, d.s.u.win)
						d.attendance.Refresh()
					}
				})
		}
	} else {
		r.check.Disable()
	}
}
