package app

import (
	"sort"
	"strings"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/ecabinet/ecabinet/core"
	"github.com/ecabinet/ecabinet/papers"
)

// The Papers screen (Tài liệu, issue 11): every paper this member has
// received, grouped by meeting and by ballot — the next meetings first,
// then the past ones, newest first — with its marking, whether it is new or
// was updated since it was read, whether it is on this computer, its size
// and its versions. Search looks at the titles and, through papers_index.go,
// at the text of the papers on this computer, without diacritics. Tapping a
// paper (or Enter) opens it in the reader (openPaper).
//
// core.Profile.Papers reads the disk (what was opened, which chunks are
// here), so the list is loaded off the UI goroutine (loadPaperEntries) and
// handed to the screen.

// paperEntry is one paper as the lists show it, prepared off the UI
// goroutine.
type paperEntry struct {
	v core.PaperView
	// progress is the share of the current version's chunks on this
	// computer, for one that is not all here.
	progress float64
	// item is the agenda item's number and title (meetings' papers).
	item string
	// folded is the title, file name and item, folded for search.
	folded string
	// group names the meeting or ballot.
	group string
	// reads: this member is of the paper's secretariat, whose rows offer
	// its Read panel (receipts.go).
	reads bool
}

// paperGroup is a meeting or a ballot with papers.
type paperGroup struct {
	key      string
	title    string
	when     time.Time
	ballot   bool
	upcoming bool
}

// paperRow is one row of the Papers screen: a group's header or a paper.
type paperRow struct {
	g *paperGroup
	e *paperEntry
	// page is where the search found the paper's text (from 0), -1 when it
	// matched by its title.
	page int
}

// loadPaperEntries reads the papers of filter f with what the lists show
// of each (off the UI goroutine: it reads the disk). Recalled papers are
// left out: they are leaving members' computers.
func loadPaperEntries(p *core.Profile, f core.PaperFilter) ([]*paperEntry, error) {
	views, err := p.Papers(f)
	if err != nil {
		return nil, err
	}
	items := map[string]string{} // agenda item ID -> "Item 2: title"
	out := make([]*paperEntry, 0, len(views))
	for _, v := range views {
		if v.Recalled {
			continue
		}
		e := &paperEntry{v: v, progress: 1, reads: p.SeesPaperReads(v.ID)}
		if v.Owner.IsBallot() {
			e.group = "b:" + v.Owner.BallotID
		} else {
			e.group = "m:" + v.Owner.MeetingID
			if _, ok := items[v.Owner.AgendaItemID]; !ok {
				if m, err := p.Meeting(v.Owner.MeetingID); err == nil {
					for i, it := range m.Agenda {
						items[it.ID] = lang.X("papers.item_n", "Item {{.N}}: {{.Title}}", map[string]any{"N": i + 1, "Title": it.Title})
					}
				}
			}
			e.item = items[v.Owner.AgendaItemID]
		}
		if !v.Offline {
			e.progress = 0
			if cur, ok := v.CurrentVersion(); ok && v.Readable {
				if bs, err := p.Blobs(); err == nil {
					if u, err := bs.Usage(cur.Manifest); err == nil && u.Chunks > 0 {
						e.progress = float64(u.Present) / float64(u.Chunks)
					}
				}
			}
		}
		name := ""
		if cur, ok := v.CurrentVersion(); ok {
			name = cur.FileName
		}
		e.folded = fold(v.Title + " " + name + " " + e.item)
		out = append(out, e)
	}
	return out, nil
}

// papersScreen is the Papers screen.
type papersScreen struct {
	s       *shell
	all     []*paperEntry
	groups  map[string]*paperGroup
	rows    []paperRow
	query   string
	loaded  bool
	loadGen int

	hdr    *header
	search *searchEntry
	list   *paperList
	note   *listNote
	index  *paperIndex
	root   fyne.CanvasObject
	// opened is called with the reader of a paper opened (tests).
	opened func(*reader)
}

func newPapersScreen(s *shell) *papersScreen {
	ps := &papersScreen{s: s, groups: map[string]*paperGroup{}, index: newPaperIndex(s)}
	ps.search = newSearchEntry(s, lang.X("papers.search", "Search titles and text (Ctrl+F)"), func(q string) {
		ps.query = q
		ps.filter()
	})
	ps.search.OnSubmitted = func(string) { ps.openFirst() }
	ps.list = newPaperList(
		func() int { return len(ps.rows) },
		func() fyne.CanvasObject {
			it := newPaperItem(nil)
			it.withReads(func(it *paperItem) { ps.showReads(it.menuID) })
			return it
		},
		ps.updateRow,
	)
	ps.list.OnSelected = func(id widget.ListItemID) {
		ps.list.UnselectAll()
		if id < len(ps.rows) && ps.rows[id].e != nil {
			ps.open(ps.rows[id].e)
		}
	}
	ps.hdr = newHeader(lang.X("papers.title", "Papers"), "")
	ps.note = newListNote()
	ps.index.onDone = ps.filter // new text to search, or the subtitle to update
	ps.root = container.NewBorder(container.NewVBox(ps.hdr.root, padded(10, 6, 16, 16, ps.search)), nil, nil, nil,
		padded(0, 0, 8, 8, ps.note.over(ps.list)))
	ps.load()
	return ps
}

// view also starts indexing the text of the papers on this computer, the
// first time the screen is shown (PDFium starts only then).
func (ps *papersScreen) view() fyne.CanvasObject {
	ps.index.want = true
	ps.index.update(ps.all)
	return ps.root
}

func (ps *papersScreen) focusSearch() { ps.s.u.win.Canvas().Focus(ps.search) }

func (ps *papersScreen) refresh(c changes) {
	if c.has(core.TopicPapers) || c.has(core.TopicMeetings) || c.has(core.TopicBallots) || c.has(core.TopicMembers) {
		ps.load()
	}
}

// load reads the papers off the UI goroutine; an older load's answer is
// dropped.
func (ps *papersScreen) load() {
	ps.loadGen++
	gen := ps.loadGen
	var (
		entries []*paperEntry
		groups  map[string]*paperGroup
	)
	p := ps.s.p
	now := ps.s.u.now()
	ps.s.u.background(func() error {
		var err error
		entries, err = loadPaperEntries(p, core.PaperFilter{})
		if err != nil {
			return err
		}
		groups = paperGroups(p, entries, now)
		return nil
	}, func(err error) {
		if gen != ps.loadGen || ps.s.stopped {
			return
		}
		if err != nil {
			fyne.LogError("papers: load", err)
			return
		}
		ps.all, ps.groups, ps.loaded = entries, groups, true
		ps.index.update(entries)
		ps.filter()
	})
}

// paperGroups names the meetings and ballots of the entries.
func paperGroups(p *core.Profile, entries []*paperEntry, now time.Time) map[string]*paperGroup {
	out := map[string]*paperGroup{}
	for _, e := range entries {
		if _, ok := out[e.group]; ok {
			continue
		}
		g := &paperGroup{key: e.group, ballot: e.v.Owner.IsBallot()}
		if g.ballot {
			if b, err := p.Ballot(e.v.Owner.BallotID); err == nil {
				g.title, g.when = b.Title, b.Deadline
			}
		} else if m, err := p.Meeting(e.v.Owner.MeetingID); err == nil {
			g.title, g.when = m.Title, m.Start
		}
		g.upcoming = !g.when.Before(now)
		out[e.group] = g
	}
	return out
}

// groupBefore orders groups: the coming ones first, the soonest first,
// then the past ones, the most recent first.
func groupBefore(a, b *paperGroup) bool {
	if a.upcoming != b.upcoming {
		return a.upcoming
	}
	if !a.when.Equal(b.when) {
		if a.upcoming {
			return a.when.Before(b.when)
		}
		return a.when.After(b.when)
	}
	return a.key < b.key
}

// filter builds the rows: the groups in order, each with its papers that
// match the search (by title, or by text on this computer).
func (ps *papersScreen) filter() {
	q := fold(strings.TrimSpace(ps.query))
	hits := map[string]int{}
	if q != "" {
		hits = ps.index.search(ps.query, ps.all)
	}
	byGroup := map[string][]paperRow{}
	for _, e := range ps.all {
		page := -1
		if q != "" && !matches(e.folded, q) {
			pg, ok := hits[e.v.ID]
			if !ok {
				continue
			}
			page = pg
		}
		byGroup[e.group] = append(byGroup[e.group], paperRow{e: e, page: page})
	}
	var gs []*paperGroup
	for key := range byGroup {
		gs = append(gs, ps.groups[key])
	}
	sort.Slice(gs, func(i, j int) bool { return groupBefore(gs[i], gs[j]) })
	ps.rows = ps.rows[:0]
	for _, g := range gs {
		ps.rows = append(ps.rows, paperRow{g: g})
		ps.rows = append(ps.rows, byGroup[g.key]...)
	}
	n := len(ps.all)
	sub := lang.X("papers.count", "{{.N}} papers", map[string]any{"N": n})
	if n == 1 {
		sub = lang.X("papers.count.one", "1 paper")
	}
	if k := awaitingKey(ps.all); k > 0 {
		sub += " · " + lang.X("papers.awaiting_key", "waiting for their key from the secretariat: {{.N}}, fetched after the secretariat's next sync", map[string]any{"N": k})
	}
	if ps.index.busy() {
		sub += " · " + lang.X("papers.indexing", "preparing to search their text…")
	}
	ps.hdr.subtitle.setText(sub)
	none := lang.X("papers.none", "No papers yet. Papers the secretariat attaches to meetings and ballots for you appear here.")
	if !ps.loaded {
		none = lang.X("papers.loading", "Loading papers…")
	}
	ps.note.show(len(ps.rows), emptyText(ps.search.Text, none))
	ps.list.Refresh()
	headerH := newPaperItem(nil).headerHeight()
	for i, r := range ps.rows {
		if r.g != nil {
			ps.list.SetItemHeight(i, headerH)
		}
	}
}

func (ps *papersScreen) updateRow(id widget.ListItemID, o fyne.CanvasObject) {
	if id >= len(ps.rows) {
		return
	}
	it := o.(*paperItem)
	r := ps.rows[id]
	if r.g != nil {
		it.setGroup(r.g)
		return
	}
	it.setPaper(r.e, true, r.page)
	if it.reads != nil {
		it.menuID = r.e.v.ID
		if r.e.reads {
			it.reads.Show()
		} else {
			it.reads.Hide()
		}
	}
}

// showReads opens the Read panel of paper id (the secretariat's button
// on its row).
func (ps *papersScreen) showReads(id string) {
	for _, e := range ps.all {
		if e.v.ID == id {
			showPaperReads(ps.s, e.v.Paper)
			return
		}
	}
}

// openFirst opens the first paper shown (Enter in the search field).
func (ps *papersScreen) openFirst() {
	for _, r := range ps.rows {
		if r.e != nil {
			ps.open(r.e)
			return
		}
	}
}

func (ps *papersScreen) open(e *paperEntry) {
	openPaper(ps.s, e.v.ID, func(r *reader) {
		if ps.opened != nil {
			ps.opened(r)
		}
	})
}

// paperList is a list of papers where Enter opens the focused row, as
// Space does.
type paperList struct {
	widget.List
}

func newPaperList(length func() int, create func() fyne.CanvasObject, update func(widget.ListItemID, fyne.CanvasObject)) *paperList {
	l := &paperList{}
	l.Length, l.CreateItem, l.UpdateItem = length, create, update
	l.ExtendBaseWidget(l)
	return l
}

// TypedKey opens the focused row on Enter.
func (l *paperList) TypedKey(k *fyne.KeyEvent) {
	if k.Name == fyne.KeyReturn || k.Name == fyne.KeyEnter {
		k = &fyne.KeyEvent{Name: fyne.KeySpace}
	}
	l.List.TypedKey(k)
}

// paperItem is one row of a papers list: a group's header, or a paper
// with its chips; in a meeting's or a ballot's pane the secretariat also
// gets a menu of its steps.
type paperItem struct {
	widget.BaseWidget
	head      *fyne.Container
	headTitle *line
	headWhen  *line

	body    fyne.CanvasObject
	title   *line
	sub     *line
	chips   *fyne.Container
	marking *chip
	read    *chip
	offline *chip
	menu    *widget.Button
	reads   *widget.Button // the Read panel, on the Papers screen (withReads)
	menuID  string         // the paper the menu (or reads) is for
	right   *fyne.Container
	root    *fyne.Container
}

func newPaperItem(onMenu func(*paperItem)) *paperItem {
	it := &paperItem{
		headTitle: titleLine(""),
		headWhen:  subtleLine(""),
		sub:       subtleLine(""),
		marking:   newChip("", chipDanger),
		read:      newChip("", chipAccent),
		offline:   newChip("", chipNeutral),
	}
	it.headWhen.Truncation = fyne.TextTruncateOff
	it.head = container.NewVBox(padded(12, 0, 8, 8, container.NewBorder(nil, nil, nil, it.headWhen, it.headTitle)))
	var title fyne.CanvasObject
	it.title, title = wrappedTitle(1)
	icon := widget.NewIcon(theme.NewColoredResource(theme.DocumentIcon(), colorNameSubtle))
	it.chips = container.NewHBox(container.NewCenter(it.marking), container.NewCenter(it.read), container.NewCenter(it.offline))
	right := container.NewHBox(it.chips)
	it.right = right
	if onMenu != nil {
		it.menu = widget.NewButtonWithIcon("", theme.MoreVerticalIcon(), func() { onMenu(it) })
		it.menu.Importance = widget.LowImportance
		right.Add(container.NewCenter(it.menu))
	}
	it.body = padded(4, 4, 20, 8, container.NewBorder(nil, nil, container.NewCenter(icon), right, lines(title, it.sub)))
	it.root = container.NewStack(it.head, it.body)
	it.ExtendBaseWidget(it)
	return it
}

// withReads adds the "Read…" button (hidden until a row shows a paper
// whose receipts this member sees) that calls onReads.
func (it *paperItem) withReads(onReads func(*paperItem)) {
	it.reads = widget.NewButton(lang.X("papers.reads", "Who has read it…"), func() { onReads(it) })
	it.reads.Importance = widget.LowImportance
	it.reads.Hidden = true
	it.right.Add(container.NewCenter(it.reads))
}

func (it *paperItem) CreateRenderer() fyne.WidgetRenderer { return widget.NewSimpleRenderer(it.root) }

// headerHeight is the height of a group's header row.
func (it *paperItem) headerHeight() float32 { return it.head.MinSize().Height }

// MinSize is the paper row's: every row of a list is as tall as the
// template, and headers are set shorter with SetItemHeight.
func (it *paperItem) MinSize() fyne.Size {
	return it.body.MinSize().Max(it.head.MinSize())
}

func (it *paperItem) setGroup(g *paperGroup) {
	it.body.Hide()
	it.head.Show()
	title := g.title
	if title == "" {
		title = lang.X("papers.group.unknown", "(not on this computer)")
	}
	it.headTitle.setText(title)
	when := ""
	switch {
	case g.when.IsZero():
	case g.ballot:
		when = lang.X("papers.group.ballot", "Opinion ballot · closes {{.When}}", map[string]any{"When": fmtShortDateTime(g.when)})
	default:
		when = lang.X("papers.group.meeting", "Meeting · {{.When}}", map[string]any{"When": fmtShortDateTime(g.when)})
	}
	it.headWhen.setText(when)
	it.Refresh()
}

// setPaper shows a paper; withItem adds its agenda item to the details,
// page is where a search found its text (-1: none).
func (it *paperItem) setPaper(e *paperEntry, withItem bool, page int) {
	it.head.Hide()
	it.body.Show()
	v := e.v
	it.title.setText(v.Title)
	it.sub.setText(paperDetails(e, withItem, page))
	if v.Marking == papers.MarkingConfidential {
		it.marking.set(lang.X("papers.confidential", "Confidential"), chipDanger)
		it.marking.Show()
	} else {
		it.marking.Hide()
	}
	switch v.Read {
	case papers.ReadUnread:
		it.read.set(lang.X("papers.new", "New"), chipAccent)
		it.read.Show()
	case papers.ReadUpdated:
		it.read.set(lang.X("papers.updated", "Updated"), chipWarning)
		it.read.Show()
	default:
		it.read.Hide()
	}
	it.offline.set(offlineText(e))
	it.Refresh()
}

// awaitingKey is how many of the papers listed this device has no key for
// yet.
func awaitingKey(all []*paperEntry) int {
	n := 0
	for _, e := range all {
		if !e.v.Readable && !e.v.Recalled {
			n++
		}
	}
	return n
}

// offlineText says whether the paper can be read on this computer.
func offlineText(e *paperEntry) (string, chipKind) {
	switch {
	case !e.v.Readable:
		// The key reaches a device enrolled after the paper was added
		// once a device that holds it syncs (core/papers_rewrap.go).
		return lang.X("papers.offline.awaiting_key", "Waiting for its key from the secretariat"), chipNeutral
	case e.v.Unsent:
		// The secretariat's own paper: here, but no member can fetch it
		// before the next sync sends it.
		return lang.X("papers.offline.unsent", "Not on the hub yet"), chipWarning
	case e.v.Offline:
		return lang.X("papers.offline.here", "On this computer"), chipSuccess
	case e.progress > 0:
		return lang.X("papers.offline.downloading", "Downloading {{.P}}%", map[string]any{"P": int(e.progress * 100)}), chipNeutral
	}
	return lang.X("papers.offline.not_yet", "Not downloaded yet"), chipNeutral
}

// paperDetails is the line under a paper's title: its agenda item, the
// kind of file, pages, size and versions, where a search found it, and
// its agenda item.
func paperDetails(e *paperEntry, withItem bool, page int) string {
	var parts []string
	if cur, ok := e.v.CurrentVersion(); ok {
		kind := strings.ToUpper(strings.TrimPrefix(fileExt(cur.FileName), "."))
		if kind == "" {
			kind = cur.MediaType
		}
		parts = append(parts, kind)
		switch {
		case cur.Pages == 1:
			parts = append(parts, lang.X("papers.pages.one", "1 page"))
		case cur.Pages > 1:
			parts = append(parts, lang.X("papers.pages", "{{.N}} pages", map[string]any{"N": cur.Pages}))
		}
		parts = append(parts, fmtBytes(cur.Size()))
	}
	if n := len(e.v.Versions); n > 1 {
		parts = append(parts, lang.X("papers.versions", "{{.N}} versions", map[string]any{"N": n}))
	}
	if page >= 0 {
		parts = append(parts, lang.X("papers.found_on", "found on page {{.Page}}", map[string]any{"Page": page + 1}))
	}
	// The item comes last: a long title is cut, the file's details not.
	if withItem && e.item != "" {
		parts = append(parts, e.item)
	}
	return strings.Join(parts, " · ")
}

// fileExt is a file name's extension, with its dot.
func fileExt(name string) string {
	if i := strings.LastIndexByte(name, '.'); i > 0 {
		return name[i:]
	}
	return ""
}

// papersTabText is the title of a meeting's or a ballot's Papers tab.
func papersTabText(n int) string {
	return lang.X("papers.tab", "Papers ({{.N}})", map[string]any{"N": n})
}
