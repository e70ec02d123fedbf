package app

import (
	"fmt"
	"image/color"
	"io"
	"strings"
	"unicode"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/ecabinet/ecabinet/core"
	"github.com/ecabinet/ecabinet/papers"
	"github.com/ecabinet/ecabinet/pdfrender"
)

// Private notes in the reader (issue 11): a member adds a note where they
// right-click a page (or click with the note tool on, Ctrl+M): pinned to
// that point, on the word under the pointer, or as a highlight of that
// word or of its line (the page's text rectangles say which), or on text
// selected by dragging (reader_select.go). The notes tab of the sidebar lists them by
// page, with those that could not be placed in a new version after them;
// a click goes to the note, and the note can be edited, deleted (after a
// confirmation) and the whole list exported as Markdown by its author.
// The notes are sealed for the member's own devices by the core
// (core/notes.go); the reader only ever holds them in memory.
//
// Threading: the core's calls and PDFium's (the page's text) run through
// ui.background; the state below is the UI goroutine's.

// notesStore is what the reader needs of the profile (core.Profile).
type notesStore interface {
	MyNotes(paperID string) (core.Notes, error)
	PutNote(n papers.Note) (papers.Note, error)
	DeleteNote(id string) error
	CarryNotes(paperID string, version int, pages []papers.PageText) (placed, unplaced int, err error)
}

// readerNotes is the notes' state of one reader.
type readerNotes struct {
	r      *reader
	store  notesStore
	notes  []papers.Note // placed first (by page), then the unplaced
	locked int
	sel    string // the ID of the selected note
	tool   bool   // the note tool: a click on a page adds a note

	list    *widget.List
	info    *widget.Label
	edit    *widget.Button
	del     *widget.Button
	toolBtn *widget.Button
}

// Colours of the notes on the page: a highlight, a note's marker, and the
// selected note's.
var (
	noteHighlightColor = color.NRGBA{R: 0x7C, G: 0xD9, B: 0x5B, A: 0x70}
	noteMarkColor      = color.NRGBA{R: 0x25, G: 0x63, B: 0xEB, A: 0xB0}
	noteSelColor       = color.NRGBA{R: 0xE1, G: 0x1D, B: 0x48, A: 0x90}
)

// noteMarkSize is the side of a text note's marker, in points.
const noteMarkSize = 10

func newReaderNotes(r *reader) *readerNotes {
	if r.src.Notes == nil || r.src.PaperID == "" {
		return nil
	}
	n := &readerNotes{r: r, store: r.src.Notes}
	n.info = widget.NewLabel("")
	n.info.Wrapping = fyne.TextWrapWord
	n.list = widget.NewList(func() int { return len(n.notes) },
		func() fyne.CanvasObject {
			l := widget.NewLabel("")
			l.Truncation = fyne.TextTruncateEllipsis
			return container.NewBorder(nil, nil, widget.NewIcon(theme.DocumentIcon()), nil, l)
		},
		func(i widget.ListItemID, o fyne.CanvasObject) {
			c := o.(*fyne.Container)
			nt := n.notes[i]
			l := c.Objects[0].(*widget.Label)
			l.SetText(noteLine(nt))
			icon := c.Objects[1].(*widget.Icon)
			switch {
			case nt.Unplaced:
				icon.SetResource(theme.WarningIcon())
			case nt.Kind == papers.NoteHighlight:
				icon.SetResource(theme.ColorPaletteIcon())
			default:
				icon.SetResource(theme.DocumentIcon())
			}
		})
	n.list.OnSelected = func(i widget.ListItemID) {
		if i < len(n.notes) {
			n.selectNote(n.notes[i].ID, true)
		}
	}
	n.edit = widget.NewButtonWithIcon(lang.X("reader.notes.edit", "Edit"), theme.DocumentCreateIcon(), func() { n.editSelected() })
	n.del = widget.NewButtonWithIcon(lang.X("reader.notes.delete", "Delete"), theme.DeleteIcon(), func() { n.deleteSelected() })
	n.edit.Disable()
	n.del.Disable()
	n.toolBtn = widget.NewButtonWithIcon(lang.X("reader.notes.tool", "Note"), theme.DocumentCreateIcon(), func() { n.setTool(!n.tool) })
	n.toolBtn.Importance = widget.LowImportance
	return n
}

// noteLine is a note's line in the list: "Tr. 3 · excerpt".
func noteLine(n papers.Note) string {
	s := lang.X("reader.notes.page", "p. {{.N}}", map[string]any{"N": n.Anchor.Page + 1}) + " · " + n.Excerpt(60)
	if n.Unplaced {
		s = "⚠ " + s
	}
	return s
}

// panel is the notes tab's content.
func (n *readerNotes) panel() fyne.CanvasObject {
	export := widget.NewButtonWithIcon(lang.X("reader.notes.export", "Export"), theme.DownloadIcon(), func() { n.export() })
	hint := widget.NewLabel(lang.X("reader.notes.hint", "Drag over text to select it, then note or highlight it; right-click a page (or turn on the Note tool, Ctrl+M) to add a note at a point."))
	hint.Wrapping = fyne.TextWrapWord
	hint.Importance = widget.LowImportance
	buttons := container.NewGridWithColumns(3, n.edit, n.del, export)
	return container.NewBorder(n.info, container.NewVBox(buttons, hint), nil, nil, n.list)
}

// setTool turns the note tool on or off.
func (n *readerNotes) setTool(on bool) {
	n.tool = on
	if on {
		n.toolBtn.Importance = widget.HighImportance
	} else {
		n.toolBtn.Importance = widget.LowImportance
	}
	n.toolBtn.Refresh()
}

// load reads the notes off the UI goroutine; first, notes on an older
// version are carried to this one (their pages' text is read with PDFium).
func (n *readerNotes) load(carry bool) {
	r := n.r
	doc, paper, version := r.doc, r.src.PaperID, r.src.Version
	var got core.Notes
	var unplaced int
	r.u.background(func() error {
		var err error
		if got, err = n.store.MyNotes(paper); err != nil {
			return err
		}
		if !carry || version == 0 || !olderNotes(got.Notes, version) {
			return nil
		}
		pages := make([]papers.PageText, doc.PageCount())
		for i := range pages {
			pt, err := doc.PageText(r.ctx, i)
			if err != nil {
				return err
			}
			pages[i] = pt.Notes()
		}
		if _, unplaced, err = n.store.CarryNotes(paper, version, pages); err != nil {
			return err
		}
		got, err = n.store.MyNotes(paper)
		return err
	}, func(err error) {
		if err != nil {
			n.info.SetText(errorText(err))
			return
		}
		n.set(got)
		if unplaced > 0 {
			n.info.SetText(n.info.Text + "\n" + lang.X("reader.notes.carried_unplaced",
				"{{.N}} of your notes could not be placed in this version; they are listed at the end with their original page.",
				map[string]any{"N": unplaced}))
		}
	})
}

func olderNotes(ns []papers.Note, version int) bool {
	for _, n := range ns {
		if n.Version < version {
			return true
		}
	}
	return false
}

// set shows the notes: placed by page, then those not placed.
func (n *readerNotes) set(got core.Notes) {
	var placed, lost []papers.Note
	for _, nt := range got.Notes {
		if nt.Unplaced {
			lost = append(lost, nt)
		} else {
			placed = append(placed, nt)
		}
	}
	n.notes, n.locked = append(placed, lost...), got.Locked
	info := lang.X("reader.notes.count", "Private notes: {{.N}}, seen only on your own devices.", map[string]any{"N": len(n.notes)})
	if len(lost) > 0 {
		info += "\n" + lang.X("reader.notes.unplaced", "Could not be placed in this version: {{.N}} (at the end of the list).", map[string]any{"N": len(lost)})
	}
	if got.Locked > 0 {
		info += "\n" + lang.X("reader.notes.locked", "{{.N}} notes are locked on this computer until another of your devices syncs.", map[string]any{"N": got.Locked})
	}
	n.info.SetText(info)
	if n.find(n.sel) < 0 {
		n.sel = ""
		n.list.UnselectAll()
	}
	n.list.Refresh()
	n.buttons()
	if n.r.pv != nil {
		n.r.pv.place()
	}
}

func (n *readerNotes) find(id string) int {
	for i, nt := range n.notes {
		if nt.ID == id && id != "" {
			return i
		}
	}
	return -1
}

func (n *readerNotes) buttons() {
	if n.sel == "" {
		n.edit.Disable()
		n.del.Disable()
	} else {
		n.edit.Enable()
		n.del.Enable()
	}
}

// selectNote selects a note and, when jump, shows its page at its place.
func (n *readerNotes) selectNote(id string, jump bool) {
	i := n.find(id)
	if i < 0 {
		return
	}
	n.sel = id
	n.buttons()
	nt := n.notes[i]
	if jump && n.r.pv != nil && nt.Anchor.Page < len(n.r.sizes) {
		n.r.pv.scrollToPage(nt.Anchor.Page, max(float32(nt.Anchor.Y), 1))
		n.r.setCurrent(nt.Anchor.Page)
	}
	if n.r.pv != nil {
		n.r.pv.place()
	}
}

// marks are the rectangles (in points) and colours the notes draw on page
// p: a highlight's text, a text note's marker (at its point).
func (n *readerNotes) marks(p int) (rects []pdfrender.Rect, colors []color.Color) {
	if n == nil {
		return nil, nil
	}
	for _, nt := range n.notes {
		if nt.Unplaced || nt.Anchor.Page != p {
			continue
		}
		c := color.Color(noteMarkColor)
		if nt.ID == n.sel {
			c = noteSelColor
		}
		if nt.Kind == papers.NoteHighlight {
			hc := color.Color(noteHighlightColor)
			if nt.ID == n.sel {
				hc = noteSelColor
			}
			for _, r := range nt.Anchor.Rects {
				rects, colors = append(rects, pdfrender.Rect{X0: r.X0, Y0: r.Y0, X1: r.X1, Y1: r.Y1}), append(colors, hc)
			}
			continue
		}
		x, y := nt.Anchor.X, nt.Anchor.Y
		rects = append(rects, pdfrender.Rect{X0: x, Y0: y - noteMarkSize, X1: x + noteMarkSize, Y1: y})
		colors = append(colors, c)
	}
	return rects, colors
}

// at handles a click at point (x, y), in points, on page p: the note
// tool's click or a right-click.
func (n *readerNotes) at(p int, x, y float64) {
	r := n.r
	doc := r.doc
	var word, line papers.Anchor
	var hasWord bool
	r.u.background(func() error {
		pt, err := doc.PageText(r.ctx, p)
		if err != nil {
			return err
		}
		t := pt.Notes()
		word, hasWord = wordAt(p, t, x, y)
		if hasWord {
			line, _ = lineAt(p, t, x, y)
		}
		return nil
	}, func(err error) {
		if err != nil {
			showError(err, r.opt.Win)
			return
		}
		if !hasWord {
			word, line = papers.Anchor{}, papers.Anchor{}
		}
		n.addDialog(p, x, y, word, line, hasWord)
	})
}

// wordAt is the anchor of the word under (x, y) on a page: the characters
// around the one whose rectangle holds the point, up to a space or a
// punctuation mark.
func wordAt(page int, t papers.PageText, x, y float64) (papers.Anchor, bool) {
	hit := hitChar(t, x, y)
	if hit < 0 {
		return papers.Anchor{}, false
	}
	from, to := hit, hit+1
	for from > 0 && isWordText(t[from-1].Text) {
		from--
	}
	for to < len(t) && isWordText(t[to].Text) {
		to++
	}
	return papers.AnchorText(page, t, from, to)
}

// lineAt is the anchor of the line of text under (x, y): the characters
// around the one there, up to a line break.
func lineAt(page int, t papers.PageText, x, y float64) (papers.Anchor, bool) {
	hit := hitChar(t, x, y)
	if hit < 0 {
		return papers.Anchor{}, false
	}
	breaks := func(s string) bool { return strings.ContainsAny(s, "\r\n") }
	from, to := hit, hit+1
	for from > 0 && !breaks(t[from-1].Text) {
		from--
	}
	for to < len(t) && !breaks(t[to].Text) {
		to++
	}
	return papers.AnchorText(page, t, from, to)
}

// hitChar is the index of the character of a word drawn at (x, y), -1
// for none.
func hitChar(t papers.PageText, x, y float64) int {
	for i, c := range t {
		rc := c.Rect
		if x >= rc.X0-1 && x <= rc.X1+1 && y >= rc.Y0-1 && y <= rc.Y1+1 && isWordText(c.Text) {
			return i
		}
	}
	return -1
}

func isWordText(s string) bool {
	if s == "" {
		return false
	}
	for _, r := range s {
		if !unicode.IsLetter(r) && !unicode.IsDigit(r) && !unicode.Is(unicode.Mn, r) {
			return false
		}
	}
	return true
}

// The ways a new note hangs on the page.
const (
	notePoint = iota
	noteOnWord
	noteHighlightWord
	noteHighlightLine
)

// addDialog asks for a new note's text and how it hangs (at the point, on
// the word under the pointer, or highlighting it).
func (n *readerNotes) addDialog(p int, x, y float64, word, line papers.Anchor, hasWord bool) {
	text := widget.NewMultiLineEntry()
	text.SetPlaceHolder(lang.X("reader.notes.placeholder", "Your note (only you will see it)"))
	text.SetMinRowsVisible(4)
	choices := []string{lang.X("reader.notes.at_point", "Pin to this point")}
	if hasWord {
		choices = append(choices,
			lang.X("reader.notes.on_word", "On the word “{{.W}}”", map[string]any{"W": word.Quote}),
			lang.X("reader.notes.highlight_word", "Highlight “{{.W}}”", map[string]any{"W": word.Quote}))
		if line.Quote != "" && line.Quote != word.Quote {
			choices = append(choices, lang.X("reader.notes.highlight_line", "Highlight the line “{{.W}}”", map[string]any{"W": papers.Note{Anchor: line}.Excerpt(40)}))
		}
	}
	how := widget.NewRadioGroup(choices, nil)
	how.SetSelected(choices[0])
	if hasWord {
		how.SetSelected(choices[1])
	}
	items := []*widget.FormItem{
		widget.NewFormItem(lang.X("reader.notes.text", "Note"), text),
		widget.NewFormItem(lang.X("reader.notes.how", "Where"), how),
	}
	title := lang.X("reader.notes.add_title", "New note on page {{.N}}", map[string]any{"N": p + 1})
	d := dialog.NewForm(title, lang.X("app.save", "Save"), lang.X("app.cancel", "Cancel"), items, func(ok bool) {
		if !ok {
			return
		}
		nt := papers.Note{PaperID: n.r.src.PaperID, Version: max(n.r.src.Version, 1), Kind: papers.NoteText, Text: strings.TrimSpace(text.Text),
			Anchor: papers.Anchor{Page: p, X: x, Y: y}}
		switch indexOf(choices, how.Selected) {
		case noteOnWord:
			nt.Anchor = word
			nt.Anchor.X, nt.Anchor.Y = x, y
			if len(word.Rects) > 0 {
				nt.Anchor.X, nt.Anchor.Y = word.Rects[0].X1, word.Rects[0].Y0
			}
		case noteHighlightWord:
			nt.Kind, nt.Anchor = papers.NoteHighlight, word
		case noteHighlightLine:
			nt.Kind, nt.Anchor = papers.NoteHighlight, line
		}
		n.save(nt)
	}, n.r.opt.Win)
	d.Resize(fyne.NewSize(480, 320))
	d.Show()
	n.r.opt.Win.Canvas().Focus(text)
}

func indexOf(xs []string, s string) int {
	for i, x := range xs {
		if x == s {
			return i
		}
	}
	return -1
}

// save saves a note off the UI goroutine and shows the list again.
func (n *readerNotes) save(nt papers.Note) {
	var saved papers.Note
	n.r.u.background(func() error {
		var err error
		saved, err = n.store.PutNote(nt)
		return err
	}, func(err error) {
		if err != nil {
			showError(err, n.r.opt.Win)
			return
		}
		n.sel = saved.ID
		n.load(false)
	})
}

// editSelected edits the selected note's text.
func (n *readerNotes) editSelected() {
	i := n.find(n.sel)
	if i < 0 {
		return
	}
	nt := n.notes[i]
	text := widget.NewMultiLineEntry()
	text.SetText(nt.Text)
	text.SetMinRowsVisible(4)
	items := []*widget.FormItem{widget.NewFormItem(lang.X("reader.notes.text", "Note"), text)}
	d := dialog.NewForm(lang.X("reader.notes.edit_title", "Edit the note"), lang.X("app.save", "Save"), lang.X("app.cancel", "Cancel"), items, func(ok bool) {
		if ok {
			nt.Text = strings.TrimSpace(text.Text)
			n.save(nt)
		}
	}, n.r.opt.Win)
	d.Resize(fyne.NewSize(480, 260))
	d.Show()
}

// deleteSelected deletes the selected note once the member confirms.
func (n *readerNotes) deleteSelected() {
	i := n.find(n.sel)
	if i < 0 {
		return
	}
	nt := n.notes[i]
	dialog.ShowConfirm(lang.X("reader.notes.delete_title", "Delete the note?"),
		lang.X("reader.notes.delete_confirm", "“{{.E}}” (page {{.N}}) will be deleted from all your devices.", map[string]any{"E": nt.Excerpt(60), "N": nt.Anchor.Page + 1}),
		func(ok bool) {
			if !ok {
				return
			}
			n.r.u.background(func() error { return n.store.DeleteNote(nt.ID) }, func(err error) {
				if err != nil {
					showError(err, n.r.opt.Win)
					return
				}
				n.sel = ""
				n.load(false)
			})
		}, n.r.opt.Win)
}

// export saves the notes as Markdown where the member chooses.
func (n *readerNotes) export() {
	md := notesMarkdown(n.r.src.Title, n.notes)
	name := strings.TrimSpace(n.r.src.Title)
	if name == "" {
		name = "notes"
	}
	saveFile(n.r.u, safeFileName(name)+" - "+lang.X("reader.notes.file", "notes")+".md", ".md", func(w io.Writer) error {
		_, err := io.WriteString(w, md)
		return err
	}, func(fyne.URI) {})
}

// safeFileName drops the characters a file name cannot hold.
func safeFileName(s string) string {
	return strings.Map(func(r rune) rune {
		if strings.ContainsRune(`/\:*?"<>|`, r) || r < 0x20 {
			return '-'
		}
		return r
	}, s)
}

// notesMarkdown writes a paper's notes for their author: by page, each
// with the text it is on, then those not placed in the current version.
func notesMarkdown(title string, notes []papers.Note) string {
	var b strings.Builder
	fmt.Fprintf(&b, "# %s\n\n%s\n", lang.X("reader.notes.export_title", "Private notes: {{.T}}", map[string]any{"T": title}),
		lang.X("reader.notes.export_note", "Exported by their author; notes are private to you."))
	page := -1
	lost := false
	for _, nt := range notes {
		if nt.Unplaced && !lost {
			lost = true
			fmt.Fprintf(&b, "\n## %s\n", lang.X("reader.notes.unplaced_title", "Could not be placed in the new version"))
		}
		if !nt.Unplaced && nt.Anchor.Page != page {
			page = nt.Anchor.Page
			fmt.Fprintf(&b, "\n## %s\n", lang.X("reader.notes.page_title", "Page {{.N}}", map[string]any{"N": page + 1}))
		}
		b.WriteString("\n- ")
		if nt.Unplaced {
			b.WriteString("(" + lang.X("reader.notes.page_title", "Page {{.N}}", map[string]any{"N": nt.Anchor.Page + 1}) + ") ")
		}
		if q := strings.Join(strings.Fields(nt.Anchor.Quote), " "); q != "" {
			if nt.Kind == papers.NoteHighlight {
				b.WriteString("**" + lang.X("reader.notes.highlighted", "Highlighted") + ":** ")
			}
			b.WriteString("«" + q + "» ")
		}
		if t := strings.TrimSpace(nt.Text); t != "" {
			if nt.Anchor.Quote != "" {
				b.WriteString("— ")
			}
			b.WriteString(strings.ReplaceAll(t, "\n", "\n  "))
		}
		when := nt.Created
		if !nt.Edited.IsZero() {
			when = nt.Edited
		}
		fmt.Fprintf(&b, " _(%s)_\n", fmtShortDateTime(when))
	}
	return b.String()
}
