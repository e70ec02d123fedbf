package app

import (
	"os"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/ecabinet/ecabinet/core"
	"github.com/ecabinet/ecabinet/pdfrender"
	"github.com/ecabinet/ecabinet/report"
)

// The member's meeting book on the meeting's screen. The shell's
// core.BookKeeper makes it in the background once the meeting's papers are
// on this computer and again when one changes, and keeps it encrypted in
// the chunk store; this panel shows where it stands ("sẵn sàng · 512 trang
// · cập nhật 10:42", "đang tạo 40%" with a bar and a stop button, "thiếu 2
// tài liệu chưa tải về"), opens it in the reader from the decrypting
// reader, and saves it through the file dialog, the only way it reaches
// the disk in the clear (and only as a paper's export rule allows:
// core.Profile.BookExportable).

// newBookKeeper is the shell's keeper: books in the screens' language,
// repaired through PDFium, and each change of state handed to the UI
// goroutine.
func newBookKeeper(s *shell) *core.BookKeeper {
	// The language is read here, on the UI goroutine: switching it builds
	// a new shell, and with it a new keeper.
	l := report.Lang(currentLang)
	return s.p.NewBookKeeper(core.BookKeeperOptions{
		Lang:   func() report.Lang { return l },
		Repair: pdfrender.Repair(bookEngineOptions()),
		OnChange: func(id string) {
			s.u.post(func() {
				if s.stopped {
					return
				}
				for _, bp := range s.bookPanels {
					if bp.id == id {
						bp.reload()
					}
				}
			})
		},
	})
}

// bookPanel is the book's line on a meeting's screen.
type bookPanel struct {
	s  *shell
	id string

	state *line
	bar   *widget.ProgressBar
	open  *widget.Button
	save  *widget.Button
	build *widget.Button
	stop  *widget.Button
	// compact is the book as one button with a menu of the same actions,
	// for the secretariat's full header.
	compact *widget.Button
	// menuAnchor is where the compact button's menu opens when the
	// button itself went into its row's overflow menu.
	menuAnchor fyne.CanvasObject
	root       *fyne.Container
	shown      core.BookState
	loading    bool
	again      bool
}

func newBookPanel(s *shell) *bookPanel {
	bp := &bookPanel{s: s,
		state: newLine("", theme.ColorNameForeground, theme.SizeNameText, fyne.TextStyle{}),
		bar:   widget.NewProgressBar(),
	}
	bp.open = widget.NewButtonWithIcon(lang.X("book.open", "Open"), theme.VisibilityIcon(), bp.openBook)
	bp.save = widget.NewButtonWithIcon(lang.X("book.save", "Save…"), theme.DocumentSaveIcon(), bp.saveBook)
	bp.build = widget.NewButtonWithIcon(lang.X("book.build", "Make now"), theme.ViewRefreshIcon(), func() {
		if k := s.books; k != nil {
			k.Build(bp.id)
		}
		bp.reload()
	})
	bp.stop = widget.NewButtonWithIcon(lang.X("book.stop", "Stop"), theme.CancelIcon(), func() {
		if k := s.books; k != nil {
			k.Cancel(bp.id)
		}
	})
	bp.compact = widget.NewButtonWithIcon(lang.X("book.short", "Meeting book"), theme.FileIcon(), bp.showMenu)
	icon := container.NewCenter(widget.NewIcon(theme.NewColoredResource(theme.FileIcon(), colorNameSubtle)))
	buttons := container.NewHBox(bp.open, bp.save, bp.build, bp.stop)
	bp.root = container.NewBorder(nil, nil, icon, buttons, container.NewVBox(bp.state, bp.bar))
	s.bookPanels = append(s.bookPanels, bp)
	bp.apply(core.BookState{Status: core.BookNone})
	return bp
}

func (bp *bookPanel) view() fyne.CanvasObject { return bp.root }

// show follows a meeting.
func (bp *bookPanel) show(id string) {
	if bp.id != id {
		bp.id = id
		bp.apply(core.BookState{Status: core.BookNone})
		if bp.s.books != nil {
			// Until the state is read, say nothing that may be wrong.
			bp.state.setText(lang.X("book.state.loading", "Meeting book: …"))
			bp.build.Hide()
		}
	}
	bp.reload()
}

// reload reads the book's state off the UI goroutine (it looks at the
// chunk store) and shows it. A reload asked for while one runs runs once
// more after it, so the last state always wins.
func (bp *bookPanel) reload() {
	if bp.id == "" || bp.s.books == nil {
		return
	}
	if bp.loading {
		bp.again = true
		return
	}
	bp.loading = true
	id, k := bp.id, bp.s.books
	var st core.BookState
	bp.s.u.background(func() error { st = k.State(id); return nil }, func(error) {
		bp.loading = false
		if bp.id == id {
			bp.apply(st)
		}
		if bp.again {
			bp.again = false
			bp.reload()
		}
	})
}

// bookStateText is the book's line for a state.
func bookStateText(st core.BookState) string {
	switch st.Status {
	case core.BookReady:
		if st.Stored != nil {
			return lang.X("book.state.ready", "Meeting book: ready · {{.Pages}} pages · updated {{.Time}}",
				map[string]any{"Pages": st.Stored.Pages, "Time": fmtClock(st.Stored.Made)})
		}
	case core.BookBuilding:
		return lang.X("book.state.building", "Meeting book: making it {{.Pct}}%", map[string]any{"Pct": int(st.Fraction*100 + 0.5)})
	case core.BookMissing:
		return lang.X("book.state.missing", "Meeting book: {{.N}} papers not downloaded yet", map[string]any{"N": st.Missing})
	case core.BookFailed:
		msg := ""
		if st.Err != nil {
			msg = errorText(st.Err)
		}
		return lang.X("book.state.failed", "Meeting book: could not be made — {{.Err}}", map[string]any{"Err": msg})
	case core.BookCancelled:
		return lang.X("book.state.cancelled", "Meeting book: stopped")
	case core.BookStale:
		if st.Stored != nil {
			return lang.X("book.state.stale", "Meeting book: the papers changed, making it again")
		}
		return lang.X("book.state.due", "Meeting book: about to be made")
	}
	return lang.X("book.state.none", "Meeting book: no papers yet")
}

// bookShortText is the compact button's label for a state.
func bookShortText(st core.BookState) string {
	switch st.Status {
	case core.BookReady:
		if st.Stored != nil {
			return lang.X("book.short.ready", "Meeting book · {{.Pages}} pages", map[string]any{"Pages": st.Stored.Pages})
		}
	case core.BookBuilding:
		return lang.X("book.short.building", "Meeting book · {{.Pct}}%", map[string]any{"Pct": int(st.Fraction*100 + 0.5)})
	case core.BookMissing:
		return lang.X("book.short.missing", "Meeting book · {{.N}} missing", map[string]any{"N": st.Missing})
	}
	return lang.X("book.short", "Meeting book")
}

// showMenu offers, from the compact button, the line's state and the
// actions its buttons offer.
func (bp *bookPanel) showMenu() {
	items := []*fyne.MenuItem{fyne.NewMenuItem(bookStateText(bp.shown), nil)}
	items[0].Disabled = true
	for _, b := range []*widget.Button{bp.open, bp.save, bp.build, bp.stop} {
		if b.Visible() {
			items = append(items, fyne.NewMenuItem(b.Text, b.OnTapped))
		}
	}
	var anchor fyne.CanvasObject = bp.compact
	if !bp.compact.Visible() && bp.menuAnchor != nil {
		anchor = bp.menuAnchor
	}
	showMenuUnder(anchor, fyne.NewMenu("", items...)) // overflow.go
}

// apply shows a state.
func (bp *bookPanel) apply(st core.BookState) {
	bp.shown = st
	bp.state.setText(bookStateText(st))
	bp.compact.SetText(bookShortText(st))
	show := func(o fyne.CanvasObject, on bool) {
		if on {
			o.Show()
		} else {
			o.Hide()
		}
	}
	building := st.Status == core.BookBuilding
	bp.bar.SetValue(st.Fraction)
	show(bp.bar, building)
	show(bp.stop, building)
	show(bp.open, st.Stored != nil && !building)
	show(bp.save, st.Status == core.BookReady)
	show(bp.build, !building && st.Status != core.BookReady && st.Status != core.BookMissing)
	bp.root.Refresh()
}

// openBook opens the kept book in the reader, from the chunk store's
// decrypting reader: nothing is written to the disk.
func (bp *bookPanel) openBook() {
	s, id := bp.s, bp.id
	var (
		rd interface {
			ReadAt([]byte, int64) (int, error)
			Size() int64
			Close() error
		}
		title string
	)
	s.u.background(func() error {
		r, _, err := s.p.OpenStoredBook(id)
		if err != nil {
			return err
		}
		rd = r
		if m, err := s.p.Meeting(id); err == nil {
			title = m.Title
		}
		return nil
	}, func(err error) {
		if err != nil {
			showError(err, s.u.win)
			return
		}
		if s.stopped {
			rd.Close()
			return
		}
		src := ReaderSource{Title: lang.X("book.title", "Meeting book — {{.Title}}", map[string]any{"Title": title}),
			Size: rd.Size(), ReaderAt: rd, MediaType: "application/pdf", FileName: "book.pdf"}
		r := openReaderWindow(s.u, src, readerOptions{})
		r.opt.Win.SetOnClosed(func() {
			r.close()
			s.u.background(func() error { return rd.Close() }, func(error) {})
		})
	})
}

// saveBook writes the kept book where the member chooses: the one moment
// it reaches the disk in the clear, refused as a paper's export is.
func (bp *bookPanel) saveBook() {
	s, id := bp.s, bp.id
	l := report.Lang(currentLang)
	saveTo(s.u, s.p.ReportFileName(report.KindBook, id, l), ".pdf", func(wc fyne.URIWriteCloser) error {
		return saveStoredBook(s.p, id, wc)
	}, func(uri fyne.URI) { savedDocument(s.u, uri) }) // reports.go
}

// saveStoredBook writes the kept book to the file the dialog chose, as
// saveReport writes a document (a local file replaced whole; a failure
// removes the empty file the dialog made).
func saveStoredBook(p *core.Profile, id string, wc fyne.URIWriteCloser) error {
	uri := wc.URI()
	if uri.Scheme() == "file" {
		wc.Close()
		err := p.SaveStoredBookFile(id, uri.Path())
		if st, serr := os.Stat(uri.Path()); err != nil && serr == nil && st.Size() == 0 {
			os.Remove(uri.Path())
		}
		return err
	}
	err := p.SaveStoredBook(id, wc)
	if cerr := wc.Close(); err == nil {
		err = cerr
	}
	return err
}

// startBooks starts the shell's keeper (not in tests that keep the screens
// still: it would change them as it works).
func (s *shell) startBooks() {
	if s.u.booksOff {
		return
	}
	s.books = newBookKeeper(s)
	s.books.Start()
}

// stopBooks stops the keeper, cancelling a book being made.
func (s *shell) stopBooks() {
	if s.books != nil {
		s.books.Stop()
	}
}
