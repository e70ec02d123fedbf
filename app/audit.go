package app

import (
	"errors"
	"fmt"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/ecabinet/ecabinet/core"
)

// auditScreen is the secretariat's view of the audit log: every ballot
// action in hub order, chained by hashes. "Verify the chain" recomputes the
// chain off the UI goroutine and says either how many entries hold or,
// loudly, the first entry where it breaks; "Export" writes the log as the
// command line's `audit export` does. The rows are prepared off the UI
// goroutine, so the list stays instant with thousands of entries.
type auditScreen struct {
	s *shell

	hdr     *header
	verify  *widget.Button
	export  *widget.Button
	busy    *widget.Activity
	result  *banner
	empty   fyne.CanvasObject
	list    *widget.List
	rows    []auditRow
	broken  uint64 // the entry where the chain breaks (0: none known)
	loaded  bool
	loading bool
	stale   bool
	root    fyne.CanvasObject
}

// auditRow is one entry as shown, its words prepared in advance.
type auditRow struct {
	n      uint64
	what   string
	detail string
	hash   string
}

func newAuditScreen(s *shell) *auditScreen {
	a := &auditScreen{s: s, busy: widget.NewActivity(), result: newBanner()}
	a.busy.Hide()
	a.result.Hide()
	a.verify = primaryButton(lang.X("audit.verify", "Verify the chain"), theme.ConfirmIcon(), a.runVerify)
	a.export = widget.NewButtonWithIcon(lang.X("audit.export", "Export"), theme.DownloadIcon(), a.runExport)
	a.hdr = newHeader(lang.X("audit.title", "Audit log"), "", a.busy, a.verify, a.export)
	a.list = widget.NewList(func() int { return len(a.rows) }, a.createRow, a.updateRow)
	a.list.OnSelected = func(widget.ListItemID) { a.list.UnselectAll() }
	a.empty = emptyState(theme.ListIcon(), lang.X("audit.empty", "No ballot action has come through the hub yet."))
	a.empty.Hide()
	intro := paragraph(lang.X("audit.intro", "Every action on opinion ballots, in the hub's order. Each entry's hash covers the one before it, so an entry changed or removed breaks the chain at that entry."),
		colorNameSubtle, theme.SizeNameCaptionText, fyne.TextStyle{})
	top := padded(10, 6, 16, 16, container.NewVBox(intro, a.result))
	a.root = container.NewBorder(container.NewVBox(a.hdr.root, top), nil, nil, nil,
		container.NewStack(padded(0, 0, 8, 8, a.list), a.empty))
	return a
}

// view loads the log the first time the screen is shown.
func (a *auditScreen) view() fyne.CanvasObject {
	if !a.loaded {
		a.load()
	}
	return a.root
}

// refresh reloads the log after a sync brought new entries, if it was
// shown already; otherwise it waits until it is shown.
func (a *auditScreen) refresh(c changes) {
	if !a.loaded || !(c.has(core.TopicSync) || c.has(core.TopicBallots) || c.has(core.TopicAnswers)) {
		return
	}
	a.load()
}

// load reads the log and prepares its rows off the UI goroutine.
func (a *auditScreen) load() {
	a.loaded = true
	if a.loading {
		a.stale = true // read again when this read ends
		return
	}
	a.loading = true
	p := a.s.p
	var rows []auditRow
	a.s.u.background(func() error {
		entries, err := p.AuditEntries()
		if err != nil {
			return err
		}
		rows = make([]auditRow, len(entries))
		names := map[string]string{}
		name := func(id string, look func(string) (string, bool)) string {
			if n, ok := names[id]; ok {
				return n
			}
			n, ok := look(id)
			if !ok {
				n = id
			}
			names[id] = n
			return n
		}
		member := func(id string) (string, bool) {
			m, err := p.Member(id)
			return m.Name, err == nil
		}
		ballot := func(id string) (string, bool) {
			b, err := p.Ballot(id)
			return b.Title, err == nil
		}
		for i, e := range entries {
			who := name(e.Member, member)
			if who == "" {
				who = lang.X("audit.hub", "the hub")
			}
			rows[i] = auditRow{
				n:      e.N,
				what:   opKindTitle(e.Kind) + " — " + who,
				detail: fmtShortDateTime(e.At) + " · " + name(e.Ballot, ballot),
				hash:   fmt.Sprintf("%x…", e.Hash[:min(len(e.Hash), 6)]),
			}
		}
		return nil
	}, func(err error) {
		a.loading = false
		if a.stale {
			a.stale = false
			a.load()
		}
		if err != nil {
			showError(err, a.s.u.win)
			return
		}
		a.rows = rows
		a.hdr.subtitle.setText(lang.X("audit.count", "{{.N}} entries", map[string]any{"N": len(rows)}))
		if len(rows) == 0 {
			a.empty.Show()
		} else {
			a.empty.Hide()
		}
		a.list.Refresh()
	})
}

// auditItem is one row of the log.
type auditItem struct {
	widget.BaseWidget
	n      *chip
	what   *line
	detail *line
	hash   *line
	root   fyne.CanvasObject
}

func (r *auditItem) CreateRenderer() fyne.WidgetRenderer { return widget.NewSimpleRenderer(r.root) }

func (a *auditScreen) createRow() fyne.CanvasObject {
	r := &auditItem{n: newChip("0", chipNeutral), what: titleLine(""), detail: subtleLine(""), hash: subtleLine("")}
	r.hash.seg.Style.TextStyle = fyne.TextStyle{Monospace: true}
	r.hash.Truncation = fyne.TextTruncateOff
	r.root = padded(3, 3, 8, 8, container.NewBorder(nil, nil,
		fixedWidth(72, container.NewCenter(r.n)), container.NewCenter(r.hash), lines(r.what, r.detail)))
	r.ExtendBaseWidget(r)
	return r
}

func (a *auditScreen) updateRow(id widget.ListItemID, o fyne.CanvasObject) {
	if id >= len(a.rows) {
		return
	}
	row := a.rows[id]
	r := o.(*auditItem)
	kind := chipNeutral
	if a.broken != 0 && row.n >= a.broken {
		kind = chipDanger // this entry and those after it are not vouched for
	}
	r.n.set(fmt.Sprintf("#%d", row.n), kind)
	r.what.setText(row.what)
	r.detail.setText(row.detail)
	r.hash.setText(row.hash)
	r.Refresh()
}

// runVerify checks the chain off the UI goroutine and says the outcome.
func (a *auditScreen) runVerify() {
	p := a.s.p
	var (
		n   int
		err error
	)
	a.verify.Disable()
	a.busy.Show()
	a.busy.Start()
	a.s.u.background(func() error {
		n, err = p.AuditVerify()
		return nil
	}, func(error) {
		a.busy.Stop()
		a.busy.Hide()
		a.verify.Enable()
		a.showVerdict(n, err)
	})
}

// showVerdict shows the outcome of a verification: a green line with the
// count, or a red banner and a dialog naming the first broken entry, with
// the list scrolled to it.
func (a *auditScreen) showVerdict(n int, err error) {
	var ap *core.AuditProblem
	switch {
	case err == nil:
		a.broken = 0
		a.result.set(chipSuccess, theme.ConfirmIcon(),
			lang.X("audit.ok", "Chain valid: {{.N}} entries", map[string]any{"N": n}),
			lang.X("audit.ok.body", "Every entry's hash and link checks out, up to the recorded head."))
	case errors.As(err, &ap):
		a.broken = ap.N
		head := lang.X("audit.broken", "THE CHAIN IS BROKEN at entry #{{.N}}", map[string]any{"N": ap.N})
		body := auditReason(ap.Reason) + " " + lang.X("audit.broken.body", "Entries from #{{.N}} on cannot be trusted. Do not rely on this log; tell the hub operator.", map[string]any{"N": ap.N})
		a.result.set(chipDanger, theme.ErrorIcon(), head, body)
		if i := int(ap.N) - 1; i >= 0 && i < len(a.rows) {
			a.list.ScrollTo(i)
		}
		newCustomDialog(head, lang.X("app.close", "Close"),
			fixedWidth(440, paragraph(body, theme.ColorNameForeground, theme.SizeNameText, fyne.TextStyle{})), a.s.u.win).Show()
	default:
		showError(err, a.s.u.win)
		return
	}
	a.list.Refresh()
	a.root.Refresh()
}

// auditReason says in the person's language why an entry fails (the core
// states it in English for logs and the command line).
func auditReason(reason string) string {
	switch {
	case strings.HasPrefix(reason, "entry cannot be read"):
		return lang.X("audit.reason.unreadable", "The entry cannot be read.")
	case strings.HasPrefix(reason, "entry numbered"):
		return lang.X("audit.reason.missing", "An entry is missing before it.")
	case strings.HasPrefix(reason, "the entry was changed"):
		return lang.X("audit.reason.changed", "The entry was changed after it was written: its hash does not match.")
	case strings.HasPrefix(reason, "the entry does not follow"):
		return lang.X("audit.reason.link", "The entry does not follow the one before it: the chain was altered.")
	case strings.HasPrefix(reason, "the log ends"):
		return lang.X("audit.reason.truncated", "The log ends before its recorded head: entries were removed.")
	}
	return reason
}

// runExport writes the log as JSON lines, one entry a line.
func (a *auditScreen) runExport() {
	u := a.s.u
	saveFile(u, lang.X("audit.export.file", "audit-log")+".jsonl", ".jsonl", a.s.p.WriteAuditLog, func(uri fyne.URI) {
		dialog.ShowInformation(lang.X("audit.export.done.title", "Audit log exported"),
			lang.X("audit.export.done", "The audit log was saved to “{{.Name}}”.", map[string]any{"Name": uri.Name()}), u.win)
	})
}
