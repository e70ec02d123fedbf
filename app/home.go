package app

import (
	"context"
	"errors"
	"image/color"
	"slices"
	"sync"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/driver/desktop"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/ecabinet/ecabinet/ballots"
	"github.com/ecabinet/ecabinet/core"
	"github.com/ecabinet/ecabinet/meetings"
	"github.com/ecabinet/ecabinet/replica"
)

// The home (Trang chủ) is the first screen: what needs me. For a member,
// the ballots awaiting my answer by deadline, the next sessions (soonest
// first) and the reminders and notices; for the secretariat also each open
// ballot's response, those overdue or closing within a day with answers
// missing, and the devices. Every line opens its record.
//
// It is built from the core's in-memory model and from ballotExtras, which
// the shell reads off the UI goroutine; buildHome is a pure function of
// them, so the benchmark in home_test.go measures exactly what a refresh
// costs. Papers come with a later version: when they exist, a session's
// line says which of its papers are new, updated or not yet on this
// computer (home_papers.go, read with the extras off the UI goroutine);
// the secretariat's column is to gain the papers not yet read before the
// next session.

// homeRows is how many lines a section shows before "see all".
const homeRows = 5

// soonWindow is how close a deadline is "closing soon": the desktop
// notification and the secretariat's "needs attention" use it.
const soonWindow = 24 * time.Hour

// homeInput is what the home is built from, all of it in memory.
type homeInput struct {
	self      string
	secretary bool
	now       time.Time
	ballots   []ballots.Ballot   // as core's Ballots: open first by deadline
	meetings  []meetings.Meeting // as core's Meetings
	answered  func(ballotID string) bool
	extras    ballotExtras
	refused   int // the hub's refusals not yet dealt with
	devices   hubDevices
}

// hubDevices is the hub's list of devices as the secretariat's computer
// last read it (only the hub sees each pull, so it is asked: see
// loadHubDevices); known is false until the first answer.
type hubDevices struct {
	rows  []replica.DeviceRow
	known bool
	err   error
}

// staleDevice is one line of the secretariat's "not synced for a week".
type staleDevice struct {
	dev replica.DeviceRow
}

// homeBallot is a ballot on the home, with its response for the
// secretariat (answered of eligible; known once the shell has read it).
type homeBallot struct {
	b        ballots.Ballot
	answered int
	eligible int
	known    bool
}

func (h homeBallot) missing() int { return h.eligible - h.answered }

// noticeKind says what a notice opens.
type noticeKind int

const (
	noticeReminder   noticeKind = iota // the Office's reminder: opens the ballot
	noticeSuperseded                   // my answer was replaced: opens the ballot
	noticeRefused                      // the hub refused changes: opens My changes
)

// homeNotice is one line of "Reminders and notices".
type homeNotice struct {
	kind     noticeKind
	ballot   ballots.Ballot
	reminder core.Reminder
	refused  int
}

// homeModel is what the home shows; each list holds at most homeRows
// lines and its N the full count.
type homeModel struct {
	awaiting   []homeBallot
	awaitingN  int
	upcoming   []meetings.Meeting
	upcomingN  int
	notices    []homeNotice
	tracking   []homeBallot // secretariat: open ballots, by deadline
	trackingN  int
	attention  []homeBallot // secretariat: overdue or closing soon, answers missing
	attentionN int
	stale      []staleDevice // secretariat: devices in use not synced for a week, oldest first
	staleN     int
}

// buildHome computes the home from memory.
func buildHome(in homeInput) homeModel {
	var h homeModel
	for _, b := range in.ballots {
		if b.Status != ballots.StatusOpen {
			break // open ballots come first
		}
		answered := in.answered(b.ID)
		if awaitsAnswer(b, in.self, answered) {
			h.awaitingN++
			if len(h.awaiting) < homeRows {
				h.awaiting = append(h.awaiting, homeBallot{b: b})
			}
			if r, ok := in.extras.reminders[b.ID]; ok && len(h.notices) < homeRows {
				h.notices = append(h.notices, homeNotice{kind: noticeReminder, ballot: b, reminder: r})
			}
		}
		if _, ok := in.extras.superseded[b.ID]; ok && len(h.notices) < homeRows {
			h.notices = append(h.notices, homeNotice{kind: noticeSuperseded, ballot: b})
		}
		if !in.secretary {
			continue
		}
		hb := homeBallot{b: b, eligible: len(b.Eligible)}
		hb.answered, hb.known = in.extras.responses[b.ID]
		h.trackingN++
		if len(h.tracking) < homeRows {
			h.tracking = append(h.tracking, hb)
		}
		if hb.known && hb.missing() > 0 && b.Deadline.Sub(in.now) < soonWindow {
			h.attentionN++
			if len(h.attention) < homeRows {
				h.attention = append(h.attention, hb)
			}
		}
	}
	if in.refused > 0 {
		h.notices = append(h.notices, homeNotice{kind: noticeRefused, refused: in.refused})
	}
	// The next sessions, soonest first: those not over that start today or
	// later, and any in session now.
	y, m, d := in.now.In(vnTime).Date()
	today := time.Date(y, m, d, 0, 0, 0, 0, vnTime)
	var next []meetings.Meeting
	for _, mt := range in.meetings {
		switch {
		case mt.Status == meetings.StatusClosed:
		case mt.Status == meetings.StatusInSession, !mt.Start.Before(today):
			next = append(next, mt)
		}
	}
	slices.SortFunc(next, func(a, b meetings.Meeting) int { return a.Start.Compare(b.Start) })
	h.upcomingN = len(next)
	h.upcoming = next[:min(len(next), homeRows)]
	if in.secretary {
		h.stale, h.staleN = staleDevices(in.devices.rows, in.now)
	}
	return h
}

// staleDevices are the devices in use (not revoked) that have not synced
// for staleAfter, or never: those never synced first, then the oldest
// sync first; at most homeRows of them, and how many in all.
func staleDevices(devs []replica.DeviceRow, now time.Time) ([]staleDevice, int) {
	var out []staleDevice
	for _, d := range devs {
		if d.Revoked || (!d.LastSync.IsZero() && now.Sub(d.LastSync) <= staleAfter) {
			continue
		}
		out = append(out, staleDevice{dev: d})
	}
	slices.SortStableFunc(out, func(a, b staleDevice) int { return a.dev.LastSync.Compare(b.dev.LastSync) })
	return out[:min(len(out), homeRows)], len(out)
}

// homeScreen shows the home.
type homeScreen struct {
	s     *shell
	hdr   *header
	left  *fyne.Container
	right *fyne.Container
	root  fyne.CanvasObject
	model homeModel
}

func newHomeScreen(s *shell) *homeScreen {
	h := &homeScreen{s: s, left: container.NewVBox(), right: container.NewVBox()}
	h.hdr = newHeader(lang.X("home.title", "Home"), "")
	cols := container.NewGridWithColumns(2, h.left, h.right)
	h.root = container.NewBorder(h.hdr.root, nil, nil, nil,
		container.NewVScroll(padded(12, 16, 16, 16, cols)))
	h.refresh(allChanged())
	return h
}

func (h *homeScreen) view() fyne.CanvasObject { return h.root }

func (h *homeScreen) refresh(c changes) {
	if c.has(core.TopicBallots) || c.has(core.TopicAnswers) || c.has(core.TopicMeetings) ||
		c.has(core.TopicReminders) || c.has(core.TopicSync) || c.has(core.TopicMembers) {
		h.rebuild()
	}
}

// tick updates the time left, once a minute.
func (h *homeScreen) tick(time.Time) {
	h.rebuild()
	h.s.notifyBallots() // a deadline may have come within a day
}

// input gathers what the home is built from (UI goroutine, memory only).
func (h *homeScreen) input() homeInput {
	s := h.s
	return homeInput{
		self:      s.p.Self().ID,
		secretary: s.p.IsSecretary(),
		now:       s.u.now(),
		ballots:   s.p.Ballots(),
		meetings:  s.p.Meetings(),
		answered:  func(id string) bool { _, ok := s.p.MyAnswer(id); return ok },
		extras:    s.extras,
		refused:   len(s.u.rejections),
		devices:   s.devices,
	}
}

// rebuild computes the home and draws it again: a few dozen lines at
// most, whatever the year holds.
func (h *homeScreen) rebuild() {
	in := h.input()
	h.model = buildHome(in)
	m := h.model
	self := h.s.p.Self()
	h.hdr.subtitle.setText(lang.X("home.subtitle", "{{.Name}} · {{.Date}}",
		map[string]any{"Name": self.Name, "Date": fmtDate(in.now)}))

	var left []fyne.CanvasObject
	// The secretariat is seldom asked for its own opinion: its home shows
	// the section only when a ballot does ask it.
	if !in.secretary || m.awaitingN > 0 {
		left = append(left, h.awaitingSection(m, in.now))
	}
	right := []fyne.CanvasObject{h.upcomingSection(m)}
	if in.secretary {
		left = append(left, h.attentionSection(m, in.now))
		right = append(right, h.trackingSection(m, in.now))
	}
	left = append(left, h.noticesSection(m))
	if in.secretary {
		left = append(left, h.devicesSection(m, in.now))
	}
	h.left.Objects = left
	h.right.Objects = right
	h.left.Refresh()
	h.right.Refresh()
}

func (h *homeScreen) awaitingSection(m homeModel, now time.Time) fyne.CanvasObject {
	rows := make([]fyne.CanvasObject, 0, len(m.awaiting))
	for _, hb := range m.awaiting {
		b := hb.b
		left, kind := countdown(b, now)
		rows = append(rows, newHomeRow(b.Title,
			lang.X("ballot.deadline_short", "Deadline: {{.When}}", map[string]any{"When": fmtDateTime(b.Deadline)}),
			left, kind, func() { h.s.openBallot(b.ID) }))
	}
	var more func()
	if m.awaitingN > len(m.awaiting) {
		more = func() { h.s.showBallots(filterAwaiting) }
	}
	return homeSection(iconBallot, lang.X("home.awaiting", "Awaiting my answer"), m.awaitingN, rows,
		lang.X("home.awaiting.none", "No ballot is waiting for your answer."), more)
}

func (h *homeScreen) upcomingSection(m homeModel) fyne.CanvasObject {
	rows := make([]fyne.CanvasObject, 0, len(m.upcoming))
	several := severalBodies(h.s.p)
	for _, mt := range m.upcoming {
		sub := fmtDateTime(mt.Start)
		if l := recordLabel(h.s.p, mt.Body, mt.Restricted, several); l != "" {
			sub += " · " + l // which body's session (bodies.go)
		}
		if mt.Place != "" {
			sub += " · " + mt.Place
		}
		id := mt.ID
		row := newHomeRow(mt.Title, sub, meetingStatusText(mt.Status), meetingStatusKind(mt.Status),
			func() { h.s.openMeeting(id) })
		row.addLine(h.s.extras.papers[mt.ID].text())
		rows = append(rows, row)
	}
	var more func()
	if m.upcomingN > len(m.upcoming) {
		more = func() { h.s.show(scrMeetings) }
	}
	return homeSection(iconMeeting, lang.X("home.upcoming", "Next sessions"), m.upcomingN, rows,
		lang.X("home.upcoming.none", "No session is planned."), more)
}

func (h *homeScreen) noticesSection(m homeModel) fyne.CanvasObject {
	rows := make([]fyne.CanvasObject, 0, len(m.notices))
	for _, n := range m.notices {
		b := n.ballot
		switch n.kind {
		case noticeReminder:
			rows = append(rows, newHomeRow(reminderText(n.reminder), b.Title, "", chipWarning,
				func() { h.s.openBallot(b.ID) }))
		case noticeSuperseded:
			rows = append(rows, newHomeRow(lang.X("home.notice.superseded", "Your answer was replaced by a later one"),
				b.Title, "", chipWarning, func() { h.s.openBallot(b.ID) }))
		case noticeRefused:
			rows = append(rows, newHomeRow(lang.X("home.notice.refused", "The hub refused {{.N}} of your changes", map[string]any{"N": n.refused}),
				lang.X("home.notice.refused_sub", "Open “My changes” to see why and what to do."), "", chipDanger,
				h.s.showMyChanges))
		}
	}
	return homeSection(theme.InfoIcon(), lang.X("home.notices", "Reminders and notices"), len(m.notices), rows,
		lang.X("home.notices.none", "No reminder or notice."), nil)
}

// response is "7/11 answered".
func response(hb homeBallot) string {
	if !hb.known {
		return lang.X("home.response.counting", "counting answers…")
	}
	return lang.X("home.response", "{{.Answered}}/{{.Eligible}} answered", map[string]any{"Answered": hb.answered, "Eligible": hb.eligible})
}

func (h *homeScreen) trackingSection(m homeModel, now time.Time) fyne.CanvasObject {
	rows := make([]fyne.CanvasObject, 0, len(m.tracking))
	for _, hb := range m.tracking {
		b := hb.b
		left, kind := countdown(b, now)
		rows = append(rows, newHomeRow(b.Title, response(hb)+" · "+left, "", kind, func() { h.s.openBallot(b.ID) }))
	}
	var more func()
	if m.trackingN > len(m.tracking) {
		more = func() { h.s.showBallots(filterOpen) }
	}
	return homeSection(theme.ListIcon(), lang.X("home.tracking", "Responses to open ballots"), m.trackingN, rows,
		lang.X("home.tracking.none", "No ballot is open."), more)
}

func (h *homeScreen) attentionSection(m homeModel, now time.Time) fyne.CanvasObject {
	rows := make([]fyne.CanvasObject, 0, len(m.attention))
	for _, hb := range m.attention {
		b := hb.b
		word := lang.X("home.attention.soon", "closes soon")
		if !b.Deadline.After(now) {
			word = lang.X("home.attention.overdue", "past its deadline")
		}
		rows = append(rows, newHomeRow(b.Title,
			lang.X("home.attention.missing", "{{.N}} answers missing", map[string]any{"N": hb.missing()})+" · "+response(hb),
			word, chipDanger, func() { h.s.openBallot(b.ID) }))
	}
	var more func()
	if m.attentionN > len(m.attention) {
		more = func() { h.s.showBallots(filterOpen) }
	}
	return homeSection(theme.WarningIcon(), lang.X("home.attention", "Overdue or closing soon, answers missing"), m.attentionN, rows,
		lang.X("home.attention.none", "No open ballot is closing within a day with answers missing."), more)
}

// devicesSection lists the devices in use that have not synced for a
// week, as the hub last said (each line opens the devices screen); while
// the hub has not answered, or cannot, it says so rather than guess.
func (h *homeScreen) devicesSection(m homeModel, now time.Time) fyne.CanvasObject {
	title := lang.X("home.devices.stale", "Devices not synchronised for a week")
	note := func(text string) fyne.CanvasObject {
		msg := paragraph(text, colorNameSubtle, theme.SizeNameText, fyne.TextStyle{})
		return homeSection(iconOnline, title, -1, []fyne.CanvasObject{padded(0, 0, 8, 8, msg)}, "", nil)
	}
	d := h.s.devices
	switch {
	case errors.Is(d.err, replica.ErrNotEnrolled):
		return note(lang.X("home.devices.not_enrolled", "This profile is not connected to a hub, so it has no devices to follow."))
	case d.err != nil:
		return note(lang.X("devices.err", "The hub could not be asked: {{.Why}}", map[string]any{"Why": syncErrorText(d.err)}))
	case !d.known:
		return note(lang.X("devices.loading", "Asking the hub…"))
	}
	rows := make([]fyne.CanvasObject, 0, len(m.stale))
	for _, sd := range m.stale {
		dev := sd.dev
		last := lang.X("devices.never_synced", "not synced yet")
		if !dev.LastSync.IsZero() {
			last = lang.X("devices.last_sync", "last synced {{.When}}", map[string]any{"When": fmtSyncTime(dev.LastSync, now)})
		}
		chipText, kind := deviceState(dev, now)
		rows = append(rows, newHomeRow(dev.Name+" · "+lang.X("devices.device", "Device {{.ID}}", map[string]any{"ID": shortDevice(dev.ID)}),
			last, chipText, kind, func() { h.s.show(scrDevices) }))
	}
	var more func()
	if m.staleN > len(m.stale) {
		more = func() { h.s.show(scrDevices) }
	}
	return homeSection(iconOnline, title, m.staleN, rows,
		lang.X("home.devices.none", "Every device in use has synchronised within the week."), more)
}

// loadHubDevices asks the hub for its devices (off the UI goroutine) and
// redraws the home with them: when the secretariat's shell opens, and
// each time the devices screen reads them.
func (s *shell) loadHubDevices() {
	if !s.p.IsSecretary() {
		return
	}
	var devs []replica.DeviceRow
	s.officeCall(func(ctx context.Context, o hubOffice) error {
		var err error
		devs, err = o.HubDevices(ctx)
		return err
	}, func(err error) { s.setHubDevices(devs, err) })
}

// setHubDevices keeps the hub's answer and redraws the home.
func (s *shell) setHubDevices(devs []replica.DeviceRow, err error) {
	if s.stopped {
		return
	}
	if err == nil {
		s.devices = hubDevices{rows: devs, known: true}
	} else {
		s.devices.err = err
	}
	if h, ok := s.screens[scrHome].(*homeScreen); ok {
		h.rebuild()
	}
}

// homeSection is a titled card of lines; n is the count beside the title
// (none if negative), empty what it says with no line, more opens the
// full list when there are more lines than shown.
func homeSection(icon fyne.Resource, title string, n int, rows []fyne.CanvasObject, empty string, more func()) fyne.CanvasObject {
	head := titleLine(title)
	var count fyne.CanvasObject = layoutSpacer()
	if n >= 0 {
		count = container.NewCenter(newChip(lang.X("home.count", "{{.N}}", map[string]any{"N": n}), chipNeutral))
	}
	top := container.NewBorder(nil, nil, widget.NewIcon(theme.NewColoredResource(icon, colorNameSubtle)), count, head)
	body := container.NewVBox(top)
	if len(rows) == 0 {
		msg := paragraph(empty, colorNameSubtle, theme.SizeNameText, fyne.TextStyle{})
		body.Add(padded(0, 0, 8, 8, msg))
	}
	for _, r := range rows {
		body.Add(r)
	}
	if more != nil {
		b := widget.NewButton(lang.X("home.more", "See all ({{.N}})", map[string]any{"N": n}), more)
		b.Importance = widget.LowImportance
		body.Add(container.NewHBox(b))
	}
	return padded(0, 10, 0, 0, card(body))
}

func layoutSpacer() fyne.CanvasObject { return canvas.NewRectangle(color.Transparent) }

// homeRow is one line of the home: a title clamped to one line (the whole
// text is in the record it opens), a secondary line and a chip. It opens
// its record when tapped, or with Enter or Space once it has the keyboard
// (Tab reaches it).
type homeRow struct {
	widget.BaseWidget
	title, sub *line
	chip       *chip
	lines      *fyne.Container // the title, the subtitle and any addLine
	onTap      func()
	hovered    bool
	focused    bool
	bg         *canvas.Rectangle
	root       fyne.CanvasObject
}

var (
	_ fyne.Tappable      = (*homeRow)(nil)
	_ fyne.Focusable     = (*homeRow)(nil)
	_ desktop.Hoverable  = (*homeRow)(nil)
	_ desktop.Cursorable = (*homeRow)(nil)
)

func newHomeRow(title, sub, chipText string, kind chipKind, onTap func()) *homeRow {
	r := &homeRow{title: titleLine(title), sub: subtleLine(sub), chip: newChip(chipText, kind), onTap: onTap,
		bg: canvas.NewRectangle(color.Transparent)}
	r.bg.CornerRadius = 6
	r.lines = lines(r.title, r.sub)
	r.root = container.NewStack(r.bg, padded(2, 2, 6, 6,
		container.NewBorder(nil, nil, nil, container.NewCenter(r.chip), r.lines)))
	r.ExtendBaseWidget(r)
	return r
}

// addLine adds a third line under the row's subtitle (nothing if text is
// empty): a session's papers.
func (r *homeRow) addLine(text string) {
	if text == "" {
		return
	}
	r.lines.Add(subtleLine(text))
}

// CreateRenderer draws the row.
func (r *homeRow) CreateRenderer() fyne.WidgetRenderer { return widget.NewSimpleRenderer(r.root) }

// Refresh redraws the row's background for its hover and focus state.
func (r *homeRow) Refresh() {
	switch {
	case r.focused:
		r.bg.FillColor = themeColor(r, theme.ColorNameFocus)
	case r.hovered:
		r.bg.FillColor = themeColor(r, colorNameRailHover)
	default:
		r.bg.FillColor = color.Transparent
	}
	r.bg.Refresh()
	r.BaseWidget.Refresh()
}

// Tapped opens the record.
func (r *homeRow) Tapped(*fyne.PointEvent) {
	if r.onTap != nil {
		r.onTap()
	}
}

// Cursor shows that the row opens something.
func (r *homeRow) Cursor() desktop.Cursor { return desktop.PointerCursor }

// MouseIn, MouseMoved and MouseOut show the hover state.
func (r *homeRow) MouseIn(*desktop.MouseEvent) { r.hovered = true; r.Refresh() }

// MouseMoved does nothing.
func (r *homeRow) MouseMoved(*desktop.MouseEvent) {}

// MouseOut clears the hover state.
func (r *homeRow) MouseOut() { r.hovered = false; r.Refresh() }

// FocusGained shows that the row has the keyboard.
func (r *homeRow) FocusGained() { r.focused = true; r.Refresh() }

// FocusLost clears the focus state.
func (r *homeRow) FocusLost() { r.focused = false; r.Refresh() }

// TypedRune ignores characters.
func (r *homeRow) TypedRune(rune) {}

// TypedKey opens the record on Enter or Space.
func (r *homeRow) TypedKey(k *fyne.KeyEvent) {
	if activates(k) {
		r.Tapped(nil)
	}
}

// activates reports whether a key presses the focused control.
func activates(k *fyne.KeyEvent) bool {
	return k.Name == fyne.KeyReturn || k.Name == fyne.KeyEnter || k.Name == fyne.KeySpace
}

// openMeeting shows a meeting on the meetings screen.
func (s *shell) openMeeting(id string) {
	s.show(scrMeetings)
	ms := s.screens[scrMeetings].(*meetingsScreen)
	ms.search.SetText("")
	ms.open(id)
	ms.syncSelection()
}

// showBallots shows the ballots screen with a filter.
func (s *shell) showBallots(f ballotFilter) {
	s.show(scrBallots)
	s.screens[scrBallots].(*ballotsScreen).setFilter(f)
}

// responseCache counts, per open ballot, the answers that count (for the
// secretariat's home). Counting reads and verifies a ballot's answers from
// the database, so it runs off the UI goroutine, and once per ballot until
// an event touches that ballot again.
type responseCache struct {
	mu sync.Mutex
	m  map[string]int
	// late is, per ballot past its deadline, how many eligible members'
	// answers came late (loadLate).
	late map[string]int
}

// loadLate returns, for the secretariat, how many eligible members have
// only answers the hub received after the deadline, on each ballot whose
// deadline has passed and that has some; counted once per ballot, again for
// those in touched (nil: only those not counted yet), as load does. Not on
// the UI goroutine.
func (c *responseCache) loadLate(p *core.Profile, touched map[string]bool, now time.Time) map[string]int {
	out := map[string]int{}
	if !p.IsSecretary() {
		return out
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.late == nil {
		c.late = map[string]int{}
	}
	for _, b := range p.Ballots() {
		if now.Before(b.Deadline) {
			continue // nothing is late before the deadline
		}
		n, ok := c.late[b.ID]
		if !ok || touched[b.ID] {
			as, _ := p.Answers(b.ID)
			n = lateMembers(b, as) // results.go
			c.late[b.ID] = n
		}
		if n > 0 {
			out[b.ID] = n
		}
	}
	return out
}

// load returns the count of each open ballot, counting again those in
// touched (nil: only those not counted yet). Not on the UI goroutine.
func (c *responseCache) load(p *core.Profile, touched map[string]bool) map[string]int {
	out := map[string]int{}
	if !p.IsSecretary() {
		return out
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.m == nil {
		c.m = map[string]int{}
	}
	for _, b := range p.Ballots() {
		if b.Status != ballots.StatusOpen {
			break // open ballots come first
		}
		n, ok := c.m[b.ID]
		if !ok || touched[b.ID] {
			// Answers whose signature fails are left out and reported;
			// the others still count, as in the tally.
			as, _ := p.Answers(b.ID)
			n = len(ballots.Counted(b, as))
			c.m[b.ID] = n
		}
		out[b.ID] = n
	}
	return out
}

// prefNotifiedBallots lists the ballots already announced on the desktop,
// as "new:<id>" and "due:<id>".
const prefNotifiedBallots = "notifiedBallots"

// notifyAtMost is how many ballots are announced one by one; beyond it one
// notification says how many there are (a first start with a year of
// ballots must not flood the desktop).
const notifyAtMost = 3

// notifyBallots sends a desktop notification for each ballot newly
// awaiting my answer and each whose deadline is within a day, once. It is
// fire and forget and never the only place: the home, the inbox and the
// rail's badge show the same.
func (s *shell) notifyBallots() {
	now := s.u.now()
	self := s.p.Self().ID
	var news []announcement
	for _, b := range s.p.Ballots() {
		if b.Status != ballots.StatusOpen {
			break // open ballots come first
		}
		if _, answered := s.p.MyAnswer(b.ID); !awaitsAnswer(b, self, answered) {
			continue
		}
		when := lang.X("ballot.deadline_short", "Deadline: {{.When}}", map[string]any{"When": fmtDateTime(b.Deadline)})
		news = append(news, announcement{"new:" + b.ID, fyne.NewNotification(
			lang.X("home.notify.new", "New opinion ballot: {{.Title}}", map[string]any{"Title": b.Title}), when)})
		if b.Deadline.Sub(now) < soonWindow && b.Deadline.After(now) {
			news = append(news, announcement{"due:" + b.ID, fyne.NewNotification(
				lang.X("home.notify.due", "Closes within a day: {{.Title}}", map[string]any{"Title": b.Title}), when)})
		}
	}
	s.announce(prefNotifiedBallots, news, func(n int) string {
		return lang.X("home.notify.many", "{{.N}} opinion ballots are new or closing within a day: see the home.", map[string]any{"N": n})
	})
}

// announcement is one desktop notification, made once under its key.
type announcement struct {
	key string
	n   *fyne.Notification
}

// announce sends the notifications whose keys the preference prefKey does
// not yet hold, and remembers them there (the latest 2,000). More than
// notifyAtMost at once become one notification saying many(n): a first
// start with a year of data must not flood the desktop.
func (s *shell) announce(prefKey string, items []announcement, many func(n int) string) {
	prefs := s.u.app.Preferences()
	done := prefs.StringList(prefKey)
	seen := make(map[string]bool, len(done))
	for _, k := range done {
		seen[k] = true
	}
	var news []*fyne.Notification
	for _, it := range items {
		if seen[it.key] {
			continue
		}
		seen[it.key] = true
		done = append(done, it.key)
		news = append(news, it.n)
	}
	if len(news) == 0 {
		return
	}
	if len(news) > notifyAtMost {
		news = []*fyne.Notification{fyne.NewNotification("eCabinet", many(len(news)))}
	}
	for _, n := range news {
		s.u.app.SendNotification(n)
	}
	if len(done) > 2000 {
		done = done[len(done)-2000:]
	}
	prefs.SetStringList(prefKey, done)
}
