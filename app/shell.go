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

// screenID names the screens of the navigation rail. Everything else about
// a screen — its place in the rail, its name, icon, shortcut, who sees it
// and how it is built — is said once, in screenTable.
type screenID int

const (
	scrHome screenID = iota
	scrMeetings
	scrBallots
	scrPapers // papers.go
	scrMembers
	scrSettings
	scrAudit   // the secretariat's audit log (audit.go)
	scrDevices // the secretariat's devices and invitations (devices.go)
	scrStats   // the secretariat's figures by year (stats.go)
	screenCount
)

// screenDef is one entry of the navigation rail.
type screenDef struct {
	id    screenID
	label string // its name, in the current language
	icon  fyne.Resource
	// build makes the screen; nil for one that comes with a later
	// version (shown disabled, "coming soon").
	build func(*shell) screen
	// secretariat: only the secretariat sees it.
	secretariat bool
}

// visible reports whether the rail shows the entry to this profile.
func (d screenDef) visible(s *shell) bool { return !d.secretariat || s.p.IsSecretary() }

// screenTable lists the rail's entries in order, named in the current
// language (a shell is built again when the language changes). Ctrl+1, Ctrl+2 … open the
// usable ones in this order (see shortcuts), and F1's help lists them.
func screenTable() []screenDef {
	return []screenDef{
		{scrHome, lang.X("nav.home", "Home"), theme.HomeIcon(), func(s *shell) screen { return newHomeScreen(s) }, false},
		{scrMeetings, lang.X("nav.meetings", "Meetings"), iconMeeting, func(s *shell) screen { return newMeetingsScreen(s) }, false},
		{scrBallots, lang.X("nav.ballots", "Opinion ballots"), iconBallot, func(s *shell) screen { return newBallotsScreen(s) }, false},
		{scrPapers, lang.X("nav.papers", "Papers"), theme.DocumentIcon(), func(s *shell) screen { return newPapersScreen(s) }, false},
		{scrMembers, lang.X("nav.members", "Members"), iconGroup, func(s *shell) screen { return newMembersScreen(s) }, false},
		{scrSettings, lang.X("nav.settings", "Settings"), theme.SettingsIcon(), func(s *shell) screen { return newSettingsScreen(s) }, false},
		{scrAudit, lang.X("nav.audit", "Audit log"), theme.ListIcon(), func(s *shell) screen { return newAuditScreen(s) }, true},
		{scrDevices, lang.X("nav.devices", "Devices"), theme.ComputerIcon(), func(s *shell) screen { return newDevicesScreen(s) }, true},
		{scrStats, lang.X("nav.stats", "Statistics"), iconChart, func(s *shell) screen { return newStatsScreen(s) }, true},
	}
}

// shortcutKeys are the digits of Ctrl+1 … Ctrl+9.
var shortcutKeys = []fyne.KeyName{fyne.Key1, fyne.Key2, fyne.Key3, fyne.Key4, fyne.Key5, fyne.Key6, fyne.Key7, fyne.Key8, fyne.Key9}

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
	// shower is told each time it is shown: the screens that ask the hub
	// or count a year of data do so only when someone looks.
	shower interface{ shown() }
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
	for _, t := range []core.Topic{core.TopicMembers, core.TopicBodies, core.TopicMeetings, core.TopicBallots, core.TopicAnswers} {
		c.topics[t] = true
	}
	return c
}

// shell is the main window once a profile is open: the navigation rail, the
// screen in the middle and the status bar.
type shell struct {
	u       *ui
	p       *core.Profile
	defs    []screenDef
	screens [screenCount]screen // nil for a screen not built
	nav     [screenCount]*navItem
	// keyed are the usable screens in Ctrl+1, Ctrl+2 … order.
	keyed   []screenID
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
	responses *responseCache
	// devices is the hub's list of devices as last read, for the home's
	// "not synchronised for a week" (home.go).
	devices hubDevices
	// invite is the invitation dialog shown last (invite.go).
	invite *inviteDialog

	unsubscribe func()
	// books makes the member's meeting books in the background (nil when
	// off: ui.booksOff); bookPanels are the screens that show them.
	books      *core.BookKeeper
	bookPanels []*bookPanel
	quit       chan struct{}
	stopped    bool
}

func newShell(u *ui, p *core.Profile) *shell {
	s := &shell{u: u, p: p, quit: make(chan struct{}), extras: newBallotExtras(), confirmed: &confirmedCache{}, responses: &responseCache{},
		rejBanners: map[uint64]fyne.CanvasObject{}}
	s.defs = screenTable()
	for _, d := range s.defs {
		if d.build != nil {
			s.screens[d.id] = d.build(s)
			if d.visible(s) {
				s.keyed = append(s.keyed, d.id)
			}
		}
	}
	s.status = newStatusBar(s)
	s.content = container.NewStack()
	s.notices = container.NewVBox()
	main := container.NewBorder(s.notices, nil, nil, nil, s.content)
	s.root = container.NewBorder(nil, s.status.view(), s.rail(), nil, main)
	s.show(scrHome)
	s.updateBadge()
	s.shortcuts()
	s.u.win.SetOnDropped(func(_ fyne.Position, uris []fyne.URI) { s.dropped(uris) }) // papers_attach.go
	s.listen()
	s.loadHubDevices()
	s.startBooks() // book_panel.go
	return s
}

func (s *shell) view() fyne.CanvasObject { return s.root }

// rail builds the navigation rail from screenTable.
func (s *shell) rail() fyne.CanvasObject {
	list := container.NewVBox()
	for _, d := range s.defs {
		id := d.id
		n := newNavItem(d.icon, d.label, func() { s.show(id) })
		s.nav[id] = n
		if d.build == nil {
			n.disabled = true
			n.hint = lang.X("nav.coming_soon", "coming soon")
		}
		if d.visible(s) {
			list.Add(n)
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
	if id < 0 || id >= screenCount || s.screens[id] == nil {
		return
	}
	s.current = id
	// Whatever had the keyboard (a search field) is no longer on screen.
	s.u.win.Canvas().Unfocus()
	for i, n := range s.nav {
		if n != nil {
			n.setSelected(screenID(i) == id)
		}
	}
	s.content.Objects = []fyne.CanvasObject{s.screens[id].view()}
	s.content.Refresh()
	if sh, ok := s.screens[id].(shower); ok {
		sh.shown()
	}
}

// shortcuts registers the window's keyboard shortcuts: Ctrl+1, Ctrl+2 …
// open the screens in the rail's order, Ctrl+N makes something new, Ctrl+F
// searches, Ctrl+S syncs now; F1 (help) and Esc (close the dialog) are
// keys, not shortcuts, and arrive through keys.go.
func (s *shell) shortcuts() {
	c := s.u.win.Canvas()
	for i, id := range s.keyed {
		if i >= len(shortcutKeys) {
			break
		}
		c.AddShortcut(&desktop.CustomShortcut{KeyName: shortcutKeys[i], Modifier: fyne.KeyModifierShortcutDefault},
			func(fyne.Shortcut) { s.show(id) })
	}
	c.AddShortcut(&desktop.CustomShortcut{KeyName: fyne.KeyN, Modifier: fyne.KeyModifierShortcutDefault},
		func(fyne.Shortcut) {
			if n, ok := s.screens[s.current].(creator); ok {
				n.newItem()
			}
		})
	c.AddShortcut(&desktop.CustomShortcut{KeyName: fyne.KeyS, Modifier: fyne.KeyModifierShortcutDefault},
		func(fyne.Shortcut) { s.u.syncNowAsked() })
	c.AddShortcut(&desktop.CustomShortcut{KeyName: fyne.KeyF, Modifier: fyne.KeyModifierShortcutDefault},
		func(fyne.Shortcut) {
			if f, ok := s.screens[s.current].(searcher); ok {
				f.focusSearch()
			}
		})
	s.u.handleKeys()
}

// typedShortcut runs a window shortcut typed while an entry has the focus
// (entries keep shortcuts they do not know to themselves).
func (s *shell) typedShortcut(sc fyne.Shortcut) bool {
	cs, ok := sc.(*desktop.CustomShortcut)
	if !ok || cs.Modifier != fyne.KeyModifierShortcutDefault {
		return false
	}
	mine := cs.KeyName == fyne.KeyN || cs.KeyName == fyne.KeyF || cs.KeyName == fyne.KeyS
	for i := range s.keyed {
		mine = mine || (i < len(shortcutKeys) && cs.KeyName == shortcutKeys[i])
	}
	if !mine {
		return false
	}
	if h, ok := s.u.win.Canvas().(fyne.Shortcutable); ok {
		h.TypedShortcut(sc)
		return true
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
		ex.responses = s.responses.load(s.p, nil)
		ex.late = s.responses.loadLate(s.p, nil, s.p.Now())
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
		s.notifyBallots()
		s.notifyPapers() // home_papers.go
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
			if c.has(core.TopicBallots) || c.has(core.TopicAnswers) || c.has(core.TopicReminders) || c.has(core.TopicSync) || c.has(core.TopicPapers) || c.has(core.TopicMeetings) {
				x := loadExtras(s.p, s.confirmed)
				x.responses = s.responses.load(s.p, c.ids)
				x.late = s.responses.loadLate(s.p, c.ids, s.p.Now())
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
					s.notifyBallots()
					s.notifyPapers()
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
		if sc != nil {
			sc.refresh(c)
		}
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
	s.stopBooks()
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
