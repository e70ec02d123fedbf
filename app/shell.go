package app

import (
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
)

// screenID names the screens of the navigation rail, in Ctrl+1…4 order.
type screenID int

const (
	scrMeetings screenID = iota
	scrBallots
	scrMembers
	scrSettings
	scrAudit // the secretariat's audit log (audit.go)
	screenCount
)

// screen is one page of the main window.
type screen interface {
	view() fyne.CanvasObject
	// refresh re-reads what changed from the core (which serves it from
	// memory); it runs on the UI goroutine.
	refresh(c changes)
}

// Optional abilities of a screen, for the keyboard shortcuts and the clock.
type (
	creator  interface{ newItem() }       // Ctrl+N
	searcher interface{ focusSearch() }   // Ctrl+F
	ticker   interface{ tick(time.Time) } // once a minute
)

// changes is what a burst of core events touched.
type changes struct {
	topics map[core.Topic]bool
	ids    map[string]bool
}

func newChanges() changes {
	return changes{topics: map[core.Topic]bool{}, ids: map[string]bool{}}
}

func (c changes) add(e core.Event) {
	c.topics[e.Topic] = true
	if e.ID != "" {
		c.ids[e.ID] = true
	}
}

// has reports whether records of topic t changed. After a TopicAll marker
// (the listener fell behind and missed events) every topic did.
func (c changes) has(t core.Topic) bool { return c.topics[t] || c.topics[core.TopicAll] }

// touches reports whether the record id of topic t changed; after a
// TopicAll marker, any record may have.
func (c changes) touches(t core.Topic, id string) bool {
	return c.has(t) && (c.ids[id] || c.topics[core.TopicAll])
}

// allChanged is used to refresh everything.
func allChanged() changes {
	c := newChanges()
	for _, t := range []core.Topic{core.TopicMembers, core.TopicMeetings, core.TopicBallots, core.TopicAnswers} {
		c.topics[t] = true
	}
	return c
}

// shell is the main window once a profile is open: the navigation rail, the
// screen in the middle and the status bar.
type shell struct {
	u       *ui
	p       *core.Profile
	screens [screenCount]screen
	nav     [screenCount]*navItem
	current screenID
	content *fyne.Container
	status  *statusBar
	root    fyne.CanvasObject

	// notices holds the banners about what the hub refused; rejBanners
	// finds the banner of a refusal (by device sequence) once it is dealt
	// with.
	notices    *fyne.Container
	rejBanners map[uint64]fyne.CanvasObject
	// changesView is "My changes" while it is open.
	changesView *changesView
	// extras are the ballots' reminders and signed results (read off the
	// UI goroutine by listen).
	extras    ballotExtras
	confirmed *confirmedCache

	unsubscribe func()
	quit        chan struct{}
	stopped     bool
}

func newShell(u *ui, p *core.Profile) *shell {
	s := &shell{u: u, p: p, quit: make(chan struct{}), extras: newBallotExtras(), confirmed: &confirmedCache{},
		rejBanners: map[uint64]fyne.CanvasObject{}}
	s.screens = [screenCount]screen{
		scrMeetings: newMeetingsScreen(s),
		scrBallots:  newBallotsScreen(s),
		scrMembers:  newMembersScreen(s),
		scrSettings: newSettingsScreen(s),
		scrAudit:    newAuditScreen(s),
	}
	s.status = newStatusBar(s)
	s.content = container.NewStack()
	s.notices = container.NewVBox()
	main := container.NewBorder(s.notices, nil, nil, nil, s.content)
	s.root = container.NewBorder(nil, s.status.view(), s.rail(), nil, main)
	s.show(scrMeetings)
	s.updateBadge()
	s.shortcuts()
	s.listen()
	return s
}

func (s *shell) view() fyne.CanvasObject { return s.root }

// rail builds the navigation rail.
func (s *shell) rail() fyne.CanvasObject {
	type entry struct {
		id    screenID
		icon  fyne.Resource
		label string
	}
	items := []entry{
		{scrMeetings, iconMeeting, lang.X("nav.meetings", "Meetings")},
		{scrBallots, iconBallot, lang.X("nav.ballots", "Opinion ballots")},
		{scrMembers, iconGroup, lang.X("nav.members", "Members")},
		{scrSettings, theme.SettingsIcon(), lang.X("nav.settings", "Settings")},
		{scrAudit, theme.ListIcon(), lang.X("nav.audit", "Audit log")},
	}
	list := container.NewVBox()
	for i, e := range items {
		id := e.id
		n := newNavItem(e.icon, e.label, func() { s.show(id) })
		s.nav[id] = n
		if id == scrAudit && !s.p.IsSecretary() {
			continue // only the secretariat checks the log
		}
		list.Add(n)
		if i == 1 {
			// Papers come with a later version: shown, not yet usable.
			papers := newNavItem(theme.DocumentIcon(), lang.X("nav.papers", "Papers"), nil)
			papers.disabled = true
			papers.hint = lang.X("nav.coming_soon", "coming soon")
			list.Add(papers)
		}
	}
	logo := canvas.NewImageFromResource(appIcon)
	logo.FillMode = canvas.ImageFillContain
	logo.SetMinSize(fyne.NewSize(34, 34))
	name := newLine("eCabinet", theme.ColorNameForeground, theme.SizeNameSubHeadingText, fyne.TextStyle{Bold: true})
	name.Truncation = fyne.TextTruncateOff
	tagline := subtleLine(lang.X("app.tagline", "Paperless cabinet"))
	brand := container.NewBorder(nil, nil, container.NewCenter(logo), nil, container.NewVBox(name, tagline))
	body := container.NewVBox(padded(14, 18, 6, 6, brand), list)
	return container.NewBorder(nil, nil, nil, widget.NewSeparator(),
		flatSurface(colorNameRail, fixedWidth(228, padded(0, 0, 8, 8, body))))
}

// reopen shows the meeting and ballot another shell had open (the UI is
// rebuilt when the language changes).
func (s *shell) reopen(old *shell) {
	om, nm := old.screens[scrMeetings].(*meetingsScreen), s.screens[scrMeetings].(*meetingsScreen)
	if id := om.detail.id; id != "" {
		nm.open(id)
		nm.syncSelection()
	}
	ob, nb := old.screens[scrBallots].(*ballotsScreen), s.screens[scrBallots].(*ballotsScreen)
	if id := ob.detail.id; id != "" {
		nb.open(id)
		nb.syncSelection()
	}
}

// show switches to a screen.
func (s *shell) show(id screenID) {
	if id < 0 || id >= screenCount {
		return
	}
	s.current = id
	// Whatever had the keyboard (a search field) is no longer on screen.
	s.u.win.Canvas().Unfocus()
	for i, n := range s.nav {
		n.setSelected(screenID(i) == id)
	}
	s.content.Objects = []fyne.CanvasObject{s.screens[id].view()}
	s.content.Refresh()
}

// shortcuts registers the window's keyboard shortcuts: Ctrl+1…4 switch
// screens, Ctrl+N makes something new, Ctrl+F searches, Ctrl+S syncs now.
func (s *shell) shortcuts() {
	c := s.u.win.Canvas()
	keys := []fyne.KeyName{fyne.Key1, fyne.Key2, fyne.Key3, fyne.Key4}
	for i, k := range keys {
		id := screenID(i)
		c.AddShortcut(&desktop.CustomShortcut{KeyName: k, Modifier: fyne.KeyModifierShortcutDefault},
			func(fyne.Shortcut) { s.show(id) })
	}
	c.AddShortcut(&desktop.CustomShortcut{KeyName: fyne.KeyN, Modifier: fyne.KeyModifierShortcutDefault},
		func(fyne.Shortcut) {
			if n, ok := s.screens[s.current].(creator); ok {
				n.newItem()
			}
		})
	c.AddShortcut(&desktop.CustomShortcut{KeyName: fyne.KeyS, Modifier: fyne.KeyModifierShortcutDefault},
		func(fyne.Shortcut) { s.u.syncNow() })
	c.AddShortcut(&desktop.CustomShortcut{KeyName: fyne.KeyF, Modifier: fyne.KeyModifierShortcutDefault},
		func(fyne.Shortcut) {
			if f, ok := s.screens[s.current].(searcher); ok {
				f.focusSearch()
			}
		})
}

// typedShortcut runs a window shortcut typed while an entry has the focus
// (entries keep shortcuts they do not know to themselves).
func (s *shell) typedShortcut(sc fyne.Shortcut) bool {
	cs, ok := sc.(*desktop.CustomShortcut)
	if !ok || cs.Modifier != fyne.KeyModifierShortcutDefault {
		return false
	}
	switch cs.KeyName {
	case fyne.Key1, fyne.Key2, fyne.Key3, fyne.Key4, fyne.KeyN, fyne.KeyF, fyne.KeyS:
		if h, ok := s.u.win.Canvas().(fyne.Shortcutable); ok {
			h.TypedShortcut(sc)
			return true
		}
	}
	return false
}

// listen turns core events into refreshes: one goroutine reads them, folds
// a burst into one set of changes, reads what the screens need from the
// database (the count of changes waiting for the hub, the ballots'
// reminders and signed results, the hub's refusals) — on that goroutine,
// not the UI one — and hands it all to the UI goroutine. This and the
// minute ticker are the only ways background news reaches widgets.
func (s *shell) listen() {
	events, unsubscribe := s.p.Subscribe()
	s.unsubscribe = unsubscribe
	var (
		pending int
		ex      ballotExtras
	)
	s.u.background(func() error {
		pending = s.p.Pending()
		ex = loadExtras(s.p, s.confirmed)
		return nil
	}, func(error) {
		if s.stopped {
			return
		}
		s.status.setPending(pending)
		s.extras = ex
		c := allChanged()
		c.topics[core.TopicReminders] = true
		s.changed(c)
		s.notifyReminders()
	})
	go func() {
		for e := range events {
			c := newChanges()
			c.add(e)
		burst:
			for {
				select {
				case e, ok := <-events:
					if !ok {
						break burst
					}
					c.add(e)
				default:
					break burst
				}
			}
			pending := s.p.Pending()
			var ex *ballotExtras
			if c.has(core.TopicBallots) || c.has(core.TopicAnswers) || c.has(core.TopicReminders) || c.has(core.TopicSync) {
				x := loadExtras(s.p, s.confirmed)
				ex = &x
			}
			var rejs []core.OpState
			if c.has(core.TopicSync) {
				rejs, _ = s.p.UnresolvedRejections()
			}
			s.u.post(func() {
				if s.stopped {
					return
				}
				if ex != nil {
					s.extras = *ex
				}
				s.changed(c)
				s.status.setPending(pending)
				if c.has(core.TopicSync) {
					s.u.noteRejections(rejs)
				}
				if ex != nil {
					s.notifyReminders()
				}
			})
		}
	}()
	go func() {
		t := time.NewTicker(time.Minute)
		defer t.Stop()
		for {
			select {
			case <-t.C:
				s.u.post(s.tick)
			case <-s.quit:
				return
			}
		}
	}()
}

// changed refreshes every screen after core events.
func (s *shell) changed(c changes) {
	if s.stopped {
		return
	}
	for _, sc := range s.screens {
		sc.refresh(c)
	}
	if c.has(core.TopicMembers) {
		s.status.refresh()
	}
	if c.has(core.TopicBallots) || c.has(core.TopicAnswers) {
		s.updateBadge()
	}
	if s.changesView != nil {
		// Any change may be a new one of mine, or the hub's word on one.
		s.changesView.reload()
	}
}

// tick lets screens that show time left update it.
func (s *shell) tick() {
	if s.stopped {
		return
	}
	now := s.u.now()
	for _, sc := range s.screens {
		if t, ok := sc.(ticker); ok {
			t.tick(now)
		}
	}
}

// updateBadge shows on the rail how many open ballots await my answer.
func (s *shell) updateBadge() {
	self := s.p.Self()
	n := 0
	for _, b := range s.p.Ballots() {
		if b.Status != ballots.StatusOpen {
			break // open ballots come first
		}
		if _, answered := s.p.MyAnswer(b.ID); awaitsAnswer(b, self.ID, answered) {
			n++
		}
	}
	s.nav[scrBallots].setBadge(n)
}

// stop ends the shell's goroutines.
func (s *shell) stop() {
	if s.stopped {
		return
	}
	s.stopped = true
	close(s.quit)
	if s.unsubscribe != nil {
		s.unsubscribe()
	}
}

// flatSurface is a square background in a theme colour behind content.
func flatSurface(colorName fyne.ThemeColorName, content fyne.CanvasObject) fyne.CanvasObject {
	s := newSurface(colorName, content)
	s.flat = true
	return s
}

// openBallot shows a ballot on the ballots screen (after a vote started
// from a meeting).
func (s *shell) openBallot(id string) {
	if id == "" {
		return
	}
	s.show(scrBallots)
	s.screens[scrBallots].(*ballotsScreen).open(id)
}
