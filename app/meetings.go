package app

import (
	"strings"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/ecabinet/ecabinet/core"
	"github.com/ecabinet/ecabinet/meetings"
)

// meetingsScreen lists the committee's meetings, newest first, with a
// search field, and shows the selected one beside the list.
type meetingsScreen struct {
	s      *shell
	all    []meetingRow
	shown  []meetingRow
	query  string
	hdr    *header
	search *searchEntry
	list   *widget.List
	detail *meetingDetail
	right  *fyne.Container
	empty  fyne.CanvasObject
	note   *listNote // what the list says when it shows nothing
	newBtn *widget.Button
	root   fyne.CanvasObject
	// bodies narrows the list to one body (bodies.go); several says whether
	// rows name their body.
	bodies  *bodyFilter
	several bool
	// selecting is set while the list's selection is changed from code.
	selecting bool
}

// meetingRow is a meeting with its search text, prepared once per change.
type meetingRow struct {
	m      meetings.Meeting
	folded string
}

func newMeetingsScreen(s *shell) *meetingsScreen {
	ms := &meetingsScreen{s: s}
	ms.search = newSearchEntry(s, lang.X("meetings.search", "Search meetings (Ctrl+F)"), func(q string) {
		ms.query = fold(q)
		ms.filter()
	})
	ms.list = widget.NewList(
		func() int { return len(ms.shown) },
		ms.createRow,
		ms.updateRow,
	)
	ms.list.OnSelected = func(id widget.ListItemID) {
		if ms.selecting || id >= len(ms.shown) {
			return
		}
		ms.open(ms.shown[id].m.ID)
	}
	ms.newBtn = primaryButton(lang.X("meetings.new", "New meeting"), theme.ContentAddIcon(), ms.newItem)
	ms.hdr = newHeader(lang.X("meetings.title", "Meetings"), "", ms.newBtn)
	ms.detail = newMeetingDetail(s)
	ms.empty = emptyState(iconMeeting, lang.X("meetings.pick", "Choose a meeting to see its agenda."))
	ms.right = container.NewStack(ms.empty)
	ms.note = newListNote()
	ms.bodies = newBodyFilter(ms.filter)
	left := container.NewBorder(padded(10, 6, 12, 8, container.NewVBox(ms.search, ms.bodies.sel)), nil, nil, nil, ms.note.over(ms.list))
	split := container.NewHSplit(left, ms.right)
	split.Offset = 0.4
	ms.root = container.NewBorder(ms.hdr.root, nil, nil, nil, split)
	ms.refresh(allChanged())
	return ms
}

func (ms *meetingsScreen) view() fyne.CanvasObject { return ms.root }

func (ms *meetingsScreen) focusSearch() { ms.s.u.win.Canvas().Focus(ms.search) }

func (ms *meetingsScreen) refresh(c changes) {
	bodies := c.has(core.TopicBodies) || c.has(core.TopicMembers)
	if bodies {
		ms.bodies.reload(ms.s.p)
		ms.several = severalBodies(ms.s.p)
	}
	if c.has(core.TopicMeetings) || bodies { // rows name their body, or stop naming it
		list := ms.s.p.Meetings()
		ms.all = make([]meetingRow, len(list))
		for i, m := range list {
			ms.all[i] = meetingRow{m: m, folded: fold(m.Title + " " + m.Place)}
		}
		ms.filter()
	}
	if ms.s.p.IsSecretary() {
		ms.newBtn.Show()
	} else {
		ms.newBtn.Hide()
	}
	ms.detail.refresh(c)
}

// filter applies the search to the list and keeps the selection.
func (ms *meetingsScreen) filter() {
	ms.shown = ms.shown[:0]
	for _, r := range ms.all {
		if matches(r.folded, ms.query) && ms.bodies.matches(r.m.Body) {
			ms.shown = append(ms.shown, r)
		}
	}
	n := len(ms.all)
	ms.hdr.subtitle.setText(lang.X("meetings.count", "{{.N}} meetings", map[string]any{"N": n}))
	ms.note.show(len(ms.shown), emptyText(ms.search.Text, lang.X("meetings.none", "No meeting yet.")))
	ms.list.Refresh()
	ms.syncSelection()
}

// syncSelection selects the open meeting's row, if it is shown.
func (ms *meetingsScreen) syncSelection() {
	ms.selecting = true
	defer func() { ms.selecting = false }()
	for i, r := range ms.shown {
		if r.m.ID == ms.detail.id {
			ms.list.Select(i)
			return
		}
	}
	ms.list.UnselectAll()
}

// meetingItem is one row of the meetings list.
type meetingItem struct {
	widget.BaseWidget
	title, sub *line
	status     *chip
	root       fyne.CanvasObject
}

func (ms *meetingsScreen) createRow() fyne.CanvasObject {
	r := &meetingItem{sub: subtleLine(""), status: newChip("—", chipNeutral)}
	var title fyne.CanvasObject
	r.title, title = wrappedTitle(2)
	r.root = padded(5, 5, 8, 8, container.NewBorder(nil, nil, nil, container.NewCenter(r.status),
		lines(title, r.sub)))
	r.ExtendBaseWidget(r)
	return r
}

func (r *meetingItem) CreateRenderer() fyne.WidgetRenderer { return widget.NewSimpleRenderer(r.root) }

func (ms *meetingsScreen) updateRow(id widget.ListItemID, o fyne.CanvasObject) {
	if id >= len(ms.shown) {
		return
	}
	m := ms.shown[id].m
	r := o.(*meetingItem)
	defer r.Refresh() // chips change size: lay the row out again
	r.title.setText(m.Title)
	// The date first, then the body and whether restricted (bodies.go),
	// then the place: a long body name may hide the place, never the date.
	sub := fmtDateTime(m.Start)
	if l := recordLabel(ms.s.p, m.Body, m.Restricted, ms.several); l != "" {
		sub += " · " + l
	}
	if m.Place != "" {
		sub += " · " + m.Place
	}
	r.sub.setText(sub)
	r.status.set(meetingStatusText(m.Status), meetingStatusKind(m.Status))
}

// open shows a meeting beside the list.
func (ms *meetingsScreen) open(id string) {
	ms.detail.show(id)
	ms.right.Objects = []fyne.CanvasObject{ms.detail.view()}
	ms.right.Refresh()
}

// newItem asks for a new meeting (secretariat only).
func (ms *meetingsScreen) newItem() {
	if !ms.s.p.IsSecretary() {
		return
	}
	start := ms.s.u.now().Add(7 * 24 * time.Hour)
	start = time.Date(start.In(vnTime).Year(), start.In(vnTime).Month(), start.In(vnTime).Day(), 8, 0, 0, 0, vnTime)
	var created meetings.Meeting
	showMeetingForm(ms.s.u, lang.X("meetings.new.title", "New meeting"), lang.X("meetings.new.save", "Create meeting"),
		meetings.Meeting{Start: start},
		func(in core.MeetingInput) error {
			m, err := ms.s.p.CreateMeeting(in)
			created = m
			return err
		},
		func() {
			ms.search.SetText("")
			ms.open(created.ID)
			ms.syncSelection()
		})
}

// showMeetingForm asks for a meeting's title, date, time and place, and
// who it is for: its body (a new meeting, when there are several), its
// participants and whether it is restricted (bodies.go); save runs off the
// UI goroutine.
func showMeetingForm(u *ui, title, saveLabel string, m meetings.Meeting,
	save func(core.MeetingInput) error, onSaved func(),
) *formDialog {
	p := u.profile()
	audience := newAudienceField(p, "", m.Participants, m.Restricted)
	var picker *bodyPicker
	if m.ID == "" {
		picker = newBodyPicker(p, m.Body, func(body string) { audience.setBody(body, audience.participants()) })
		audience.setBody(picker.value(), m.Participants)
	} else {
		audience.setBody(meetings.BodyOf(m.Body), m.Participants)
	}
	name := newEntry()
	name.SetText(m.Title)
	name.PlaceHolder = lang.X("meeting.form.title_hint", "e.g. 5th session of the Steering Committee")
	date := newDateEntry(u, m.Start)
	clock := newEntry()
	clock.SetText(clockInput(m.Start))
	clock.PlaceHolder = "08:00"
	place := newEntry()
	place.SetText(m.Place)
	place.PlaceHolder = lang.X("meeting.form.place_hint", "e.g. Government Headquarters, Hanoi")
	items := []*widget.FormItem{
		{Text: lang.X("meeting.form.title", "Title"), Widget: name},
		{Text: lang.X("meeting.form.date", "Date"), Widget: date, HintText: lang.X("form.date_hint", "day/month/year")},
		{Text: lang.X("meeting.form.time", "Time"), Widget: clock, HintText: lang.X("form.time_hint", "24-hour, Vietnam time")},
		{Text: lang.X("meeting.form.place", "Place"), Widget: place},
	}
	if picker != nil && picker.item() != nil {
		items = append(items, picker.item())
	}
	items = append(items, audience.item())
	return u.showForm(title, saveLabel, items, func() (func() error, error) {
		start, ok := parseDateTime(date.Text, clock.Text)
		if !ok {
			return nil, problem(lang.X("form.datetime_invalid", "Enter the date as day/month/year and the time as hours:minutes, e.g. 19/07/2023 and 08:00."))
		}
		in := core.MeetingInput{Title: strings.TrimSpace(name.Text), Start: start, Place: strings.TrimSpace(place.Text),
			Participants: audience.participants(), Restricted: audience.restricted.Checked, Body: meetings.BodyOf(m.Body)}
		if picker != nil {
			if in.Body = picker.value(); in.Body == "" {
				return nil, errNoBody()
			}
		}
		check := meetings.Meeting{Title: in.Title, Start: in.Start, Place: in.Place, Status: meetings.StatusDraft}
		if err := check.Validate(); err != nil {
			return nil, err
		}
		return func() error { return save(in) }, nil
	}, onSaved)
}

// newDateEntry is an entry for a date (day/month/year) with a calendar
// in the app's language (calendar.go); the calendar takes the keyboard
// when it opens and gives it back to the entry once a day is picked.
func newDateEntry(u *ui, initial time.Time) *keyEntry {
	e := newEntry()
	e.PlaceHolder = lang.X("form.date_placeholder", "dd/mm/yyyy")
	var pop *widget.PopUp
	// The action item must be set before anything draws the entry.
	e.ActionItem = iconButton(theme.CalendarIcon(), func() {
		cur, ok := parseDateTime(e.Text, "00:00")
		if !ok {
			cur = u.now().In(vnTime)
		}
		c := u.win.Canvas()
		cal := newCalendar(cur, u.now(), func(t time.Time) {
			e.SetText(t.Format("02/01/2006"))
			if pop != nil {
				pop.Hide()
			}
			c.Focus(e)
		})
		pop = widget.NewPopUp(cal, c)
		pos := fyne.CurrentApp().Driver().AbsolutePositionForObject(e)
		pop.ShowAtPosition(pos.Add(fyne.NewPos(0, e.Size().Height)))
		c.Focus(cal)
		u.calendar = cal
	})
	if !initial.IsZero() {
		e.SetText(dateInput(initial))
	}
	return e
}
