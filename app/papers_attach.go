package app

import (
	"errors"
	"io"
	"os"
	"slices"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/storage"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/ecabinet/ecabinet/ballots"
	"github.com/ecabinet/ecabinet/core"
	"github.com/ecabinet/ecabinet/meetings"
	"github.com/ecabinet/ecabinet/papers"
)

// The papers of one meeting or ballot (issue 10): the "Papers" tab of a
// meeting's and a ballot's pane lists them (one tap opens one), and the
// secretariat attaches files there — from a file dialog, or dropped on the
// window while the meeting or ballot is shown, to the agenda item chosen in
// the tab — edits a paper's title, marking, list and export, replaces it
// with a new version, and recalls it. Storing a file (chunking and
// encrypting 50 MB) runs off the UI goroutine with its progress shown.

// paperPane is the Papers tab of a meeting or a ballot.
type paperPane struct {
	s         *shell
	meetingID string
	ballotID  string
	agenda    []meetings.AgendaItem
	audience  []string // the owner's members: the default list

	itemSel *widget.Select
	bar     fyne.CanvasObject
	list    *paperList
	shown   []*paperEntry
	note    *listNote
	root    fyne.CanvasObject
	loadGen int
	// onCount says how many papers there are (the tab's title).
	onCount func(n int)
	// onLoaded runs after each load (tests).
	onLoaded func()
}

func newPaperPane(s *shell, onCount func(int)) *paperPane {
	pp := &paperPane{s: s, onCount: onCount}
	pp.itemSel = widget.NewSelect(nil, nil)
	pp.itemSel.PlaceHolder = lang.X("papers.attach.item", "Agenda item")
	attach := widget.NewButtonWithIcon(lang.X("papers.attach", "Attach a paper"), theme.ContentAddIcon(), pp.attachDialog)
	attach.Importance = widget.HighImportance
	hint := subtleLine(lang.X("papers.attach.drop_hint", "Choose the agenda item, then attach its papers, or drop files on the window."))
	pp.bar = padded(8, 4, 8, 8, container.NewVBox(container.NewBorder(nil, nil, nil, attach, pp.itemSel), hint))
	pp.list = newPaperList(
		func() int { return len(pp.shown) },
		func() fyne.CanvasObject { return newPaperItem(pp.menu) },
		func(id widget.ListItemID, o fyne.CanvasObject) {
			if id < len(pp.shown) {
				it := o.(*paperItem)
				it.setPaper(pp.shown[id], true, -1)
				if it.menu != nil {
					it.menu.Hidden = !s.p.IsSecretary()
					it.menuID = pp.shown[id].v.ID
				}
			}
		},
	)
	pp.list.OnSelected = func(id widget.ListItemID) {
		pp.list.UnselectAll()
		if id < len(pp.shown) {
			openPaper(s, pp.shown[id].v.ID, nil)
		}
	}
	pp.note = newListNote()
	pp.root = container.NewBorder(pp.bar, nil, nil, nil, shortList(pp.note.over(pp.list))) // widgets.go
	return pp
}

func (pp *paperPane) view() fyne.CanvasObject { return pp.root }

// setMeeting shows a meeting's papers; a drop attaches to the agenda item
// chosen (the first one until another is).
func (pp *paperPane) setMeeting(m meetings.Meeting) {
	changed := pp.meetingID != m.ID
	pp.meetingID, pp.ballotID, pp.agenda = m.ID, "", m.Agenda
	pp.audience = m.Participants
	opts := make([]string, len(m.Agenda))
	for i, it := range m.Agenda {
		opts[i] = itemLabel(i, it)
	}
	sel := pp.itemSel.SelectedIndex()
	pp.itemSel.SetOptions(opts)
	switch {
	case len(opts) == 0:
		pp.itemSel.ClearSelected()
	case changed || sel < 0 || sel >= len(opts):
		pp.itemSel.SetSelectedIndex(0)
	default:
		pp.itemSel.SetSelectedIndex(sel)
	}
	pp.itemSel.Show()
	pp.showBar()
	pp.load()
}

// setBallot shows a ballot's papers.
func (pp *paperPane) setBallot(b ballots.Ballot) {
	pp.meetingID, pp.ballotID, pp.agenda = "", b.ID, nil
	pp.audience = b.Eligible
	pp.itemSel.Hide()
	pp.showBar()
	pp.load()
}

func (pp *paperPane) showBar() {
	if pp.s.p.IsSecretary() {
		pp.bar.Show()
	} else {
		pp.bar.Hide()
	}
}

func itemLabel(i int, it meetings.AgendaItem) string {
	return lang.X("papers.attach.item_n", "{{.N}}. {{.Title}}", map[string]any{"N": i + 1, "Title": it.Title})
}

func (pp *paperPane) filter() core.PaperFilter {
	return core.PaperFilter{MeetingID: pp.meetingID, BallotID: pp.ballotID}
}

// load reads the owner's papers off the UI goroutine.
func (pp *paperPane) load() {
	if pp.meetingID == "" && pp.ballotID == "" {
		return
	}
	pp.loadGen++
	gen, f, p := pp.loadGen, pp.filter(), pp.s.p
	var entries []*paperEntry
	pp.s.u.background(func() error {
		var err error
		entries, err = loadPaperEntries(p, f)
		return err
	}, func(err error) {
		if gen != pp.loadGen || pp.s.stopped {
			return
		}
		if err != nil {
			fyne.LogError("papers: load", err)
			return
		}
		pp.shown = entries
		none := lang.X("papers.pane.none", "No papers attached.")
		if pp.s.p.IsSecretary() {
			if pp.ballotID != "" {
				none = lang.X("papers.pane.none_ballot", "No papers yet. Attach the papers members need to give their opinion.")
			} else {
				none = lang.X("papers.pane.none_meeting", "No papers yet. Choose an agenda item and attach its papers, or drop files on the window.")
			}
		}
		pp.note.show(len(entries), none)
		pp.list.Refresh()
		if pp.onCount != nil {
			pp.onCount(len(entries))
		}
		if pp.onLoaded != nil {
			pp.onLoaded()
		}
	})
}

// refresh reloads after a change to papers.
func (pp *paperPane) refresh(c changes) {
	if c.has(core.TopicPapers) {
		pp.load()
	}
}

// input is where a new paper goes: the ballot, or the chosen agenda item.
func (pp *paperPane) input() (core.PaperInput, error) {
	if pp.ballotID != "" {
		return core.PaperInput{BallotID: pp.ballotID}, nil
	}
	i := pp.itemSel.SelectedIndex()
	if i < 0 || i >= len(pp.agenda) {
		return core.PaperInput{}, problem(lang.X("papers.attach.no_item", "Add an agenda item first: each paper belongs to one."))
	}
	return core.PaperInput{MeetingID: pp.meetingID, ItemID: pp.agenda[i].ID}, nil
}

// attachDialog asks for a file, then for the paper's details.
func (pp *paperPane) attachDialog() {
	if _, err := pp.input(); err != nil {
		showError(err, pp.s.u.win)
		return
	}
	chooseFileToOpen(pp.s.u, lang.X("papers.attach.choose", "Choose the file to attach"), nil, func(uri fyne.URI) { pp.attachForm(uri) }) // filechooser.go
}

// attachForm asks for the title, marking, list and export of a file to
// attach, then stores it with its progress shown in the form.
func (pp *paperPane) attachForm(uri fyne.URI) *formDialog {
	in, err := pp.input()
	if err != nil {
		showError(err, pp.s.u.win)
		return nil
	}
	name := uri.Name()
	start := papers.Paper{Title: strings.TrimSuffix(name, fileExt(name)), Marking: papers.MarkingNormal, ExportAllowed: true}
	var f *formDialog
	var bar *widget.ProgressBar
	f = pp.paperForm(lang.X("papers.attach.title", "Attach “{{.Name}}”", map[string]any{"Name": name}),
		lang.X("papers.attach.save", "Attach"), start, func(e core.PaperEdit) func() error {
			in.Title, in.Confidential, in.NoExport = e.Title, e.Marking == papers.MarkingConfidential, e.NoExport
			in.To = nil
			if e.Distribution.Rule == papers.RuleNamed {
				in.To = e.Distribution.Members
			}
			bar.Show()
			return func() error {
				return attachURI(pp.s, uri, in, func(v float64) { bar.SetValue(v) })
			}
		})
	bar = widget.NewProgressBar()
	bar.Hide()
	f.content.Objects = slices.Insert(f.content.Objects, 1, fyne.CanvasObject(bar))
	f.content.Refresh()
	return f
}

// attachURIs attaches dropped files with the default details (the title
// from the file's name, normal, the owner's members), one after the other,
// in a dialog that shows the progress; the first refusal stops and is
// shown. It is what a drop on the window does.
func (pp *paperPane) attachURIs(uris []fyne.URI) {
	if !pp.s.p.IsSecretary() || len(uris) == 0 {
		return
	}
	in, err := pp.input()
	if err != nil {
		showError(err, pp.s.u.win)
		return
	}
	pd := newProgressDialog(pp.s.u, lang.X("papers.attach.progress", "Attaching papers"))
	var step func(i int)
	step = func(i int) {
		if i == len(uris) {
			pd.hide()
			return
		}
		uri := uris[i]
		pd.set(lang.X("papers.attach.progress_n", "“{{.Name}}” ({{.I}} of {{.N}})",
			map[string]any{"Name": uri.Name(), "I": i + 1, "N": len(uris)}), 0)
		one := in
		one.Title = strings.TrimSuffix(uri.Name(), fileExt(uri.Name()))
		pp.s.u.background(func() error {
			return attachURI(pp.s, uri, one, func(v float64) { pd.bar.SetValue(v) })
		}, func(err error) {
			if err != nil {
				pd.hide()
				showError(err, pp.s.u.win)
				return
			}
			step(i + 1)
		})
	}
	step(0)
}

// attachURI stores a file and attaches it (off the UI goroutine); progress
// gets the share read so far, on the UI goroutine.
func attachURI(s *shell, uri fyne.URI, in core.PaperInput, progress func(float64)) error {
	rc, size, err := openURI(uri)
	if err != nil {
		return err
	}
	defer rc.Close()
	in.FileName = uri.Name()
	_, err = s.p.AddPaper(in, newProgressReader(s.u, rc, size, progress))
	return err
}

// replaceURI stores a file as a paper's new version, with a progress
// dialog.
func (pp *paperPane) replaceURI(id string, uri fyne.URI) {
	pd := newProgressDialog(pp.s.u, lang.X("papers.replace.progress", "Adding the new version"))
	pd.set(uri.Name(), 0)
	pp.s.u.background(func() error {
		rc, size, err := openURI(uri)
		if err != nil {
			return err
		}
		defer rc.Close()
		_, err = pp.s.p.ReplacePaper(id, uri.Name(), newProgressReader(pp.s.u, rc, size, func(v float64) { pd.bar.SetValue(v) }))
		return err
	}, func(err error) {
		pd.hide()
		if err != nil {
			showError(err, pp.s.u.win)
		}
	})
}

// openURI opens a file for reading with its size (0 when unknown).
func openURI(uri fyne.URI) (io.ReadCloser, int64, error) {
	var size int64
	if uri.Scheme() == "file" {
		if fi, err := os.Stat(uri.Path()); err == nil {
			size = fi.Size()
		}
	}
	rc, err := storage.Reader(uri)
	if err != nil {
		return nil, 0, errors.Join(core.ErrPaperUnreadable, err)
	}
	return rc, size, nil
}

// menu offers the secretariat's steps on a paper.
func (pp *paperPane) menu(it *paperItem) {
	id := it.menuID
	var e *paperEntry
	for _, x := range pp.shown {
		if x.v.ID == id {
			e = x
		}
	}
	if e == nil {
		return
	}
	m := fyne.NewMenu("",
		fyne.NewMenuItem(lang.X("papers.open", "Open"), func() { openPaper(pp.s, id, nil) }),
		fyne.NewMenuItem(lang.X("papers.reads", "Who has read it…"), func() { showPaperReads(pp.s, e.v.Paper) }), // receipts.go
		fyne.NewMenuItem(lang.X("papers.edit", "Edit details…"), func() { pp.editForm(e.v.Paper) }),
		fyne.NewMenuItem(lang.X("papers.replace", "Replace with a new version…"), func() { pp.replaceDialog(id) }),
		fyne.NewMenuItemSeparator(),
		fyne.NewMenuItem(lang.X("papers.recall", "Recall…"), func() { pp.recall(e.v.Paper) }),
	)
	showMenuUnder(it.menu, m) // overflow.go
}

func (pp *paperPane) replaceDialog(id string) {
	chooseFileToOpen(pp.s.u, lang.X("papers.replace.choose", "Choose the new version's file"), nil, func(uri fyne.URI) { pp.replaceURI(id, uri) })
}

// editForm changes a paper's title, marking, list and export.
func (pp *paperPane) editForm(p papers.Paper) *formDialog {
	id := p.ID
	return pp.paperForm(lang.X("papers.edit.title", "Paper details"), lang.X("papers.edit.save", "Save"), p,
		func(e core.PaperEdit) func() error { return func() error { return pp.s.p.EditPaper(id, e) } })
}

// recall asks first, saying what recalling does.
func (pp *paperPane) recall(p papers.Paper) *confirmDialog {
	id := p.ID
	return pp.s.u.confirm(lang.X("papers.recall.title", "Recall this paper?"),
		lang.X("papers.recall.body", "“{{.Title}}” will be removed from members' computers at their next sync, and nobody will be able to open it any more. This cannot be undone.",
			map[string]any{"Title": p.Title}),
		lang.X("papers.recall.yes", "Recall"), true, func() {
			pp.s.u.background(func() error { return pp.s.p.RecallPaper(id) }, func(err error) {
				if err != nil {
					showError(err, pp.s.u.win)
				}
			})
		})
}

// ownerText names what a paper belongs to: the agenda item (the one
// chosen, for a new paper), or the ballot.
func (pp *paperPane) ownerText(o papers.Owner) string {
	if pp.ballotID != "" {
		if b, err := pp.s.p.Ballot(pp.ballotID); err == nil {
			return b.Title
		}
		return ""
	}
	i := pp.itemSel.SelectedIndex()
	for j, it := range pp.agenda {
		if it.ID == o.AgendaItemID {
			i = j
		}
	}
	if i < 0 || i >= len(pp.agenda) {
		return ""
	}
	return itemLabel(i, pp.agenda[i])
}

// paperForm is the form of a paper's details; save turns them into the
// work to run off the UI goroutine.
func (pp *paperPane) paperForm(title, saveLabel string, p papers.Paper, save func(core.PaperEdit) func() error) *formDialog {
	name := newEntry()
	name.SetText(p.Title)
	normal, secret := lang.X("papers.marking.normal", "Normal"), lang.X("papers.marking.confidential", "Confidential")
	marking := widget.NewRadioGroup([]string{normal, secret}, nil)
	marking.Horizontal = true
	marking.Required = true
	marking.SetSelected(normal)
	if p.Marking == papers.MarkingConfidential {
		marking.SetSelected(secret)
	}
	export := widget.NewCheck(lang.X("papers.form.export", "Members may save their own copy"), nil)
	export.SetChecked(p.ExportAllowed)

	var voters []meetings.Member
	for _, m := range pp.s.p.Members() {
		if !m.Removed && m.Role != meetings.RoleSecretary {
			voters = append(voters, m)
		}
	}
	names := make([]string, len(voters))
	for i, m := range voters {
		names[i] = m.Name
	}
	who := widget.NewCheckGroup(names, nil)
	owner := lang.X("papers.form.to_owner", "Everyone taking part")
	if pp.ballotID != "" {
		owner = lang.X("papers.form.to_eligible", "Everyone asked for an opinion")
	}
	named := lang.X("papers.form.to_named", "Only the members chosen")
	rule := widget.NewRadioGroup([]string{owner, named}, nil)
	rule.Required = true
	whoBox := container.NewGridWrap(fyne.NewSize(440, 150), container.NewVScroll(who))
	pick := func(ids []string) {
		var sel []string
		for _, m := range voters {
			if len(ids) == 0 || slices.Contains(ids, m.ID) {
				sel = append(sel, m.Name)
			}
		}
		who.SetSelected(sel)
	}
	rule.OnChanged = func(s string) {
		if s == named {
			if len(who.Selected) == 0 {
				pick(pp.audience)
			}
			whoBox.Show()
		} else {
			whoBox.Hide()
		}
	}
	if p.Distribution.Rule == papers.RuleNamed {
		pick(p.Distribution.Members)
		rule.SetSelected(named)
	} else {
		rule.SetSelected(owner)
		whoBox.Hide()
	}
	where := widget.NewLabel(pp.ownerText(p.Owner))
	where.Wrapping = fyne.TextWrapWord
	items := []*widget.FormItem{
		{Text: lang.X("papers.form.where", "For"), Widget: where},
		{Text: lang.X("papers.form.title", "Title"), Widget: name},
		{Text: lang.X("papers.form.marking", "Marking"), Widget: marking,
			HintText: lang.X("papers.form.marking_hint", "Confidential papers carry the reader's name on every page.")},
		{Text: lang.X("papers.form.to", "Sent to"), Widget: container.NewVBox(rule, whoBox),
			HintText: lang.X("papers.form.to_hint", "The secretariat always receives it.")},
		{Text: lang.X("papers.form.copy", "Copies"), Widget: export},
	}
	return pp.s.u.showForm(title, saveLabel, items, func() (func() error, error) {
		e := core.PaperEdit{Title: strings.TrimSpace(name.Text), Marking: papers.MarkingNormal, NoExport: !export.Checked}
		if e.Title == "" {
			return nil, problem(lang.X("papers.form.title_required", "Give the paper a title."))
		}
		if marking.Selected == secret {
			e.Marking = papers.MarkingConfidential
		}
		if rule.Selected == named {
			e.Distribution.Rule = papers.RuleNamed
			for _, m := range voters {
				if slices.Contains(who.Selected, m.Name) {
					e.Distribution.Members = append(e.Distribution.Members, m.ID)
				}
			}
			if len(e.Distribution.Members) == 0 {
				return nil, problem(lang.X("papers.form.to_required", "Choose at least one member, or send it to everyone taking part."))
			}
		}
		return save(e), nil
	}, nil)
}

// progressReader reports how much of a file was read, at most once per
// percent, through ui.post.
type progressReader struct {
	u      *ui
	r      io.Reader
	n      int64
	size   int64
	last   int
	report func(float64)
}

func newProgressReader(u *ui, r io.Reader, size int64, report func(float64)) io.Reader {
	return &progressReader{u: u, r: r, size: size, last: -1, report: report}
}

func (p *progressReader) Read(b []byte) (int, error) {
	n, err := p.r.Read(b)
	p.n += int64(n)
	if p.size > 0 && p.report != nil {
		if pc := int(p.n * 100 / p.size); pc != p.last {
			p.last = pc
			v := min(float64(p.n)/float64(p.size), 1)
			p.u.post(func() { p.report(v) })
		}
	}
	return n, err
}

// progressDialog shows long work that cannot be cancelled halfway (a
// half-stored paper is never kept either way).
type progressDialog struct {
	d    dialog.Dialog
	what *line
	bar  *widget.ProgressBar
}

func newProgressDialog(u *ui, title string) *progressDialog {
	pd := &progressDialog{what: subtleLine(""), bar: widget.NewProgressBar()}
	pd.d = dialog.NewCustomWithoutButtons(title, fixedWidth(420, container.NewVBox(pd.what, pd.bar)), u.win)
	pd.d.Show()
	return pd
}

func (pd *progressDialog) set(what string, v float64) {
	pd.what.setText(what)
	pd.bar.SetValue(v)
}

func (pd *progressDialog) hide() { pd.d.Hide() }

// dropped attaches files dropped on the window to the meeting (its chosen
// agenda item) or the ballot shown, for the secretariat.
func (s *shell) dropped(uris []fyne.URI) {
	if !s.p.IsSecretary() || len(uris) == 0 {
		return
	}
	if pp := s.shownPaperPane(); pp != nil {
		pp.attachURIs(uris)
		return
	}
	dialog.NewInformation(lang.X("papers.drop.where_title", "Where do these papers go?"),
		lang.X("papers.drop.where", "Open a meeting or an opinion ballot first, then drop its papers on the window."), s.u.win).Show()
}

// shownPaperPane is the papers tab of the meeting or ballot on screen.
func (s *shell) shownPaperPane() *paperPane {
	switch s.current {
	case scrMeetings:
		if ms, ok := s.screens[scrMeetings].(*meetingsScreen); ok && ms.detail.id != "" {
			return ms.detail.papers
		}
	case scrBallots:
		if bs, ok := s.screens[scrBallots].(*ballotsScreen); ok && bs.detail.id != "" {
			return bs.detail.papers
		}
	}
	return nil
}
