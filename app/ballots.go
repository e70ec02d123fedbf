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

// ballotsScreen is the inbox of opinion ballots: open ones first by nearest
// deadline, each with the time left and whether I have answered; the
// selected ballot is shown beside the list. The secretariat issues ballots
// from here.
type ballotsScreen struct {
	s     *shell
	all   []ballotRow
	shown []ballotRow
	query string
	filt  ballotFilter
	// filters are the filter's options, in order (the secretariat's
	// response filters come last; ballots_track.go).
	filters []ballotFilter
	hdr     *header
	search  *searchEntry
	filter  *widget.Select
	list    *widget.List
	detail  *ballotDetail
	right   *fyne.Container
	note    *listNote // what the list says when it shows nothing
	newBtn  *widget.Button
	root    fyne.CanvasObject
	now     time.Time
	// folded caches each ballot's search text: a ballot's title and
	// question never change once it is issued.
	folded map[string]string
	// bodies narrows the inbox to one body (bodies.go); several says
	// whether rows name their body.
	bodies  *bodyFilter
	several bool

	selecting bool
	// eligible is the issue form's checklist while it is open.
	eligible *eligibleChecks
}

// ballotRow is a ballot with what the inbox shows about it, prepared once
// per change so that rows are drawn from memory.
type ballotRow struct {
	b        ballots.Ballot
	eligible bool
	answered bool
	awaiting bool // see awaitsAnswer
	mine     ballots.Answer
	folded   string
	// answeredN is how many eligible members' answers count, for the
	// secretariat, when known (responsesKnown).
	answeredN      int
	responsesKnown bool
	// lateN is how many eligible members have answers the hub received
	// after the deadline and that therefore do not count (the secretariat's).
	lateN int
}

// awaitsAnswer reports whether ballot b waits for my answer: it is open,
// I am asked, and I have not answered.
func awaitsAnswer(b ballots.Ballot, self string, answered bool) bool {
	return b.Status == ballots.StatusOpen && !answered && b.IsEligible(self)
}

// ballotFilter narrows the inbox.
type ballotFilter int

const (
	filterAll ballotFilter = iota
	filterAwaiting
	filterOpen
	filterClosed
	filterClosingSoon // open, deadline within a day (ballots_track.go)
	filterMissing     // open, answers missing
	filterOverdue     // past the deadline, not closed
)

func (f ballotFilter) text() string {
	switch f {
	case filterAwaiting:
		return lang.X("ballots.filter.awaiting", "Awaiting my answer")
	case filterOpen:
		return lang.X("ballots.filter.open", "Open")
	case filterClosed:
		return lang.X("ballots.filter.closed", "Closed")
	case filterClosingSoon, filterMissing, filterOverdue:
		return f.trackText()
	}
	return lang.X("ballots.filter.all", "All ballots")
}

func (f ballotFilter) keep(r ballotRow, now time.Time) bool {
	switch f {
	case filterClosingSoon, filterMissing, filterOverdue:
		return f.trackKeep(r, now)
	case filterAwaiting:
		return r.awaiting
	case filterOpen:
		return r.b.Status == ballots.StatusOpen
	case filterClosed:
		return r.b.Status == ballots.StatusClosed
	}
	return true
}

func newBallotsScreen(s *shell) *ballotsScreen {
	bs := &ballotsScreen{s: s, now: s.u.now(), folded: map[string]string{}}
	bs.search = newSearchEntry(s, lang.X("ballots.search", "Search (Ctrl+F)"), func(q string) {
		bs.query = fold(q)
		bs.apply()
	})
	bs.filters = ballotFilters(s.p.IsSecretary())
	opts := make([]string, len(bs.filters))
	for i, f := range bs.filters {
		opts[i] = f.text()
	}
	bs.filter = widget.NewSelect(opts, nil)
	bs.filter.SetSelectedIndex(0)
	bs.filter.OnChanged = func(string) {
		if i := bs.filter.SelectedIndex(); i >= 0 {
			bs.filt = bs.filters[i]
		}
		bs.apply()
	}
	bs.list = widget.NewList(func() int { return len(bs.shown) }, bs.createRow, bs.updateRow)
	bs.list.OnSelected = func(id widget.ListItemID) {
		if bs.selecting || id >= len(bs.shown) {
			return
		}
		bs.open(bs.shown[id].b.ID)
	}
	bs.newBtn = primaryButton(lang.X("ballots.new", "Issue ballot"), theme.ContentAddIcon(), bs.newItem)
	bs.hdr = newHeader(lang.X("ballots.title", "Opinion ballots"), "", bs.newBtn)
	bs.detail = newBallotDetail(s)
	bs.right = container.NewStack(emptyState(iconBallot, lang.X("ballots.pick", "Choose a ballot to read it and give your opinion.")))
	tools := container.NewBorder(nil, nil, nil, fixedWidth(170, bs.filter), bs.search)
	bs.note = newListNote()
	bs.bodies = newBodyFilter(func() { bs.apply() })
	left := container.NewBorder(padded(10, 6, 12, 8, container.NewVBox(tools, bs.bodies.sel)), nil, nil, nil, bs.note.over(bs.list))
	split := container.NewHSplit(left, bs.right)
	split.Offset = 0.4
	bs.root = container.NewBorder(bs.hdr.root, nil, nil, nil, split)
	bs.refresh(allChanged())
	return bs
}

func (bs *ballotsScreen) view() fyne.CanvasObject { return bs.root }

// setFilter shows the ballots a filter keeps (the home's "see all").
func (bs *ballotsScreen) setFilter(f ballotFilter) {
	bs.search.SetText("")
	for i, x := range bs.filters {
		if x == f {
			bs.filter.SetSelectedIndex(i)
		}
	}
}

func (bs *ballotsScreen) focusSearch() { bs.s.u.win.Canvas().Focus(bs.search) }

func (bs *ballotsScreen) refresh(c changes) {
	if c.has(core.TopicBodies) || c.has(core.TopicMembers) {
		bs.bodies.reload(bs.s.p)
		bs.several = severalBodies(bs.s.p)
	}
	if c.has(core.TopicBallots) || c.has(core.TopicBodies) || c.has(core.TopicAnswers) || c.has(core.TopicMembers) || c.has(core.TopicReminders) || c.has(core.TopicSync) {
		self := bs.s.p.Self().ID
		list := bs.s.p.Ballots()
		bs.all = make([]ballotRow, len(list))
		for i, b := range list {
			mine, answered := bs.s.myAnswer(b.ID)
			f, ok := bs.folded[b.ID]
			if !ok {
				f = fold(b.Title + " " + b.Question)
				bs.folded[b.ID] = f
			}
			bs.all[i] = ballotRow{b: b, eligible: b.IsEligible(self), answered: answered, awaiting: awaitsAnswer(b, self, answered), mine: mine, folded: f}
			bs.all[i].answeredN, bs.all[i].responsesKnown = bs.s.responsesOf(b)
			bs.all[i].lateN = bs.s.extras.late[b.ID]
		}
		bs.now = bs.s.u.now()
		bs.apply()
	}
	if bs.s.p.IsSecretary() {
		bs.newBtn.Show()
	} else {
		bs.newBtn.Hide()
	}
	bs.detail.refresh(c)
}

// tick updates the time left, once a minute.
func (bs *ballotsScreen) tick(now time.Time) {
	bs.now = now
	bs.list.Refresh()
	bs.detail.tick(now)
}

// apply filters the inbox and keeps the selection.
func (bs *ballotsScreen) apply() {
	bs.shown = bs.shown[:0]
	awaiting := 0
	for _, r := range bs.all {
		if r.awaiting {
			awaiting++
		}
		if bs.filt.keep(r, bs.now) && matches(r.folded, bs.query) && bs.bodies.matches(r.b.Body) {
			bs.shown = append(bs.shown, r)
		}
	}
	sub := lang.X("ballots.count", "{{.N}} ballots", map[string]any{"N": len(bs.all)})
	if awaiting > 0 {
		sub += " · " + lang.X("ballots.awaiting", "{{.N}} awaiting your answer", map[string]any{"N": awaiting})
	}
	bs.hdr.subtitle.setText(sub)
	none := lang.X("ballots.none", "No opinion ballot yet.")
	if bs.filt != filterAll {
		none = lang.X("ballots.none_in", "No ballot in “{{.Filter}}”.", map[string]any{"Filter": bs.filt.text()})
	}
	bs.note.show(len(bs.shown), emptyText(bs.search.Text, none))
	bs.list.Refresh()
	bs.syncSelection()
}

func (bs *ballotsScreen) syncSelection() {
	bs.selecting = true
	defer func() { bs.selecting = false }()
	for i, r := range bs.shown {
		if r.b.ID == bs.detail.id {
			bs.list.Select(i)
			return
		}
	}
	bs.list.UnselectAll()
}

// ballotItem is one row of the inbox.
type ballotItem struct {
	widget.BaseWidget
	title    *line
	deadline *line
	left     *chip
	mine     *chip
	remind   *chip
	resp     *chip // the secretariat's answered/eligible
	root     fyne.CanvasObject
}

func (r *ballotItem) CreateRenderer() fyne.WidgetRenderer { return widget.NewSimpleRenderer(r.root) }

func (bs *ballotsScreen) createRow() fyne.CanvasObject {
	r := &ballotItem{deadline: subtleLine(""), left: newChip("—", chipNeutral), mine: newChip("—", chipNeutral), remind: newChip("", chipWarning), resp: newChip("", chipNeutral)}
	var title fyne.CanvasObject
	r.title, title = wrappedTitle(2)
	r.root = padded(6, 6, 8, 8, container.NewVBox(lines(title, r.deadline), container.NewHBox(r.resp, r.left, r.mine, r.remind)))
	r.ExtendBaseWidget(r)
	return r
}

func (bs *ballotsScreen) updateRow(id widget.ListItemID, o fyne.CanvasObject) {
	if id >= len(bs.shown) {
		return
	}
	row := bs.shown[id]
	r := o.(*ballotItem)
	defer r.Refresh()
	r.title.setText(row.b.Title)
	deadline := lang.X("ballot.deadline_short", "Deadline: {{.When}}", map[string]any{"When": fmtDateTime(row.b.Deadline)})
	if row.responsesKnown && row.lateN > 0 {
		// The chip's "· 11 late" in words, as the results tab says it:
		// before the body's name, which the row clips first.
		deadline += " · " + lateCountText(row.lateN)
	}
	if l := recordLabel(bs.s.p, row.b.Body, false, bs.several); l != "" {
		deadline += " · " + l
	}
	r.deadline.setText(deadline)
	r.left.set(countdown(row.b, bs.now))
	r.mine.set(bs.myAnswerState(row))
	r.resp.set(responseChip(row, bs.now))
	if rem, ok := bs.s.reminderShown(row.b, row.answered); ok {
		r.remind.set(reminderChip(rem), chipWarning)
	} else {
		r.remind.set("", chipWarning)
	}
}

// myAnswerState is the inbox's word on my answer: not yet, saved here,
// received by the hub, counted, or late.
func (bs *ballotsScreen) myAnswerState(r ballotRow) (string, chipKind) {
	switch {
	case !r.eligible:
		return "", chipNeutral
	case r.answered:
		if sup, ok := bs.s.supersededNow(r.b.ID); ok {
			// Said on the row too, not only in a banner that may be closed.
			if sup.By.Paper {
				return lang.X("answer.state.replaced_paper", "Replaced by your paper answer"), chipWarning
			}
			return lang.X("answer.state.replaced", "Replaced on another device"), chipWarning
		}
		return stateOfAnswer(r.b, r.mine, bs.s.extras).chip()
	case r.b.Status == ballots.StatusClosed:
		return lang.X("answer.state.missed", "Not answered"), chipNeutral
	}
	return lang.X("answer.state.none", "Not answered yet"), chipWarning
}

func (bs *ballotsScreen) open(id string) {
	bs.detail.show(id)
	bs.right.Objects = []fyne.CanvasObject{bs.detail.view()}
	bs.right.Refresh()
}

// newItem asks the secretariat for a new ballot.
func (bs *ballotsScreen) newItem() {
	if !bs.s.p.IsSecretary() {
		return
	}
	u := bs.s.u
	title := newEntry()
	title.PlaceHolder = lang.X("ballot.form.title_hint", "e.g. Opinion on the 2023 administrative reform plan")
	question := newMultiLineEntry()
	question.Wrapping = fyne.TextWrapWord
	question.SetMinRowsVisible(3)
	question.PlaceHolder = lang.X("ballot.form.question_hint", "The question members answer")
	due := u.now().Add(3 * 24 * time.Hour).In(vnTime)
	due = time.Date(due.Year(), due.Month(), due.Day(), 17, 0, 0, 0, vnTime)
	date := newDateEntry(u, due)
	clock := newEntry()
	clock.SetText(clockInput(due))
	clock.PlaceHolder = lang.X("ballot.form.deadline_time", "Time")

	presets := ballots.Presets()
	names := make([]string, len(presets))
	for i, p := range presets {
		names[i] = policyName(p)
	}
	policy := widget.NewSelect(names, nil)
	policy.SetSelectedIndex(0)
	policyHelp := paragraph(policyWords(presets[0]), colorNameSubtle, theme.SizeNameCaptionText, fyne.TextStyle{})
	policy.OnChanged = func(string) {
		if i := policy.SelectedIndex(); i >= 0 {
			policyHelp.setText(policyWords(presets[i]))
		}
	}

	none := lang.X("ballot.form.no_meeting", "— none —")
	var mts []meetings.Meeting
	mOpts := []string{none}
	for _, m := range bs.s.p.Meetings() {
		if bs.s.p.IsSecretaryOf(m.Body) { // the meetings of the bodies this secretariat prepares
			mts = append(mts, m)
			mOpts = append(mOpts, m.Title+" ("+fmtShortDate(m.Start)+")")
		}
	}
	// The checklist follows the body the ballot is put to.
	var who *eligibleChecks
	picker := newBodyPicker(bs.s.p, "", func(body string) {
		if who != nil && body != "" {
			who.setVoters(meetings.Voters(bs.s.p.MembersOf(body)))
		}
	})
	var items []meetings.AgendaItem
	item := widget.NewSelect([]string{none}, nil)
	item.SetSelectedIndex(0)
	item.Disable()
	meeting := widget.NewSelect(mOpts, func(string) {})
	meeting.OnChanged = func(string) {
		i := meeting.SelectedIndex()
		items = nil
		opts := []string{none}
		if i > 0 {
			items = mts[i-1].Agenda
			for n, it := range items {
				opts = append(opts, lang.X("ballot.form.item_n", "Item {{.N}}: {{.Title}}", map[string]any{"N": n + 1, "Title": it.Title}))
			}
		}
		item.Options = opts
		item.SetSelectedIndex(0)
		if len(items) > 0 {
			item.Enable()
		} else {
			item.Disable()
		}
	}
	meeting.SetSelectedIndex(0)

	first := picker.value()
	if first == "" {
		first = meetings.MainBody
	}
	who = newEligibleChecks(meetings.Voters(bs.s.p.MembersOf(first)))
	form := []*widget.FormItem{
		{Text: lang.X("ballot.form.title", "Title"), Widget: title},
		{Text: lang.X("ballot.form.question", "Question"), Widget: question},
		// The date and the time share a row so that the form, with its
		// checklist of who is asked, fits a 768-pixel screen.
		{Text: lang.X("ballot.form.deadline_date", "Deadline"), Widget: container.NewBorder(nil, nil, nil, fixedWidth(110, clock), date),
			HintText: lang.X("form.date_hint", "day/month/year") + " · " + lang.X("form.time_hint", "24-hour, Vietnam time")},
		{Text: lang.X("ballot.form.policy", "Decision rule"), Widget: container.NewVBox(policy, policyHelp)},
		{Text: lang.X("ballot.form.meeting", "Meeting"), Widget: meeting, HintText: lang.X("ballot.form.meeting_hint", "Optional")},
		{Text: lang.X("ballot.form.item", "Agenda item"), Widget: item},
		{Text: lang.X("ballot.form.eligible", "Asked"), Widget: who.root},
	}
	if it := picker.item(); it != nil {
		// A ballot tied to a meeting is put to the meeting's body.
		it.HintText = lang.X("bodies.ballot_hint", "A ballot on a meeting goes to that meeting's body.")
		form = append(form, it)
	}
	bs.eligible = who
	var issued ballots.Ballot
	u.showForm(lang.X("ballot.issue.title", "Issue an opinion ballot"), lang.X("ballot.issue.save", "Issue ballot"), form,
		func() (func() error, error) {
			deadline, ok := parseDateTime(date.Text, clock.Text)
			if !ok {
				return nil, problem(lang.X("form.datetime_invalid", "Enter the date as day/month/year and the time as hours:minutes, e.g. 19/07/2023 and 08:00."))
			}
			if !deadline.After(u.now()) {
				return nil, problem(lang.X("ballot.form.deadline_past", "The deadline must be in the future."))
			}
			in := core.BallotInput{
				Title:    strings.TrimSpace(title.Text),
				Question: strings.TrimSpace(question.Text),
				Deadline: deadline,
			}
			if i := policy.SelectedIndex(); i >= 0 {
				in.Policy = presets[i].Name
			}
			if i := meeting.SelectedIndex(); i > 0 {
				in.MeetingID = mts[i-1].ID
				if j := item.SelectedIndex(); j > 0 && j-1 < len(items) {
					in.AgendaItemID = items[j-1].ID
				}
			} else if in.Body = picker.value(); in.Body == "" && picker.item() != nil {
				return nil, errNoBody()
			}
			if in.Title == "" {
				return nil, &meetings.Error{Code: "err.ballot.title_required", Field: "title"}
			}
			if in.Question == "" {
				return nil, &meetings.Error{Code: "err.ballot.question_required", Field: "question"}
			}
			if in.Eligible = who.chosen(); len(in.Eligible) == 0 {
				return nil, problem(lang.X("ballot.form.eligible_none", "Tick at least one member to ask."))
			} else if who.all() {
				in.Eligible = nil // the body's voting members, counted by the core
			}
			return func() error {
				b, err := bs.s.p.IssueBallot(in)
				issued = b
				return err
			}, nil
		},
		func() {
			bs.search.SetText("")
			bs.open(issued.ID)
			bs.syncSelection()
		})
}
