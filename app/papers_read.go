package app

import (
	"context"
	"strconv"
	"strings"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/widget"

	"github.com/ecabinet/ecabinet/core"
	"github.com/ecabinet/ecabinet/papers"
	"github.com/ecabinet/ecabinet/replica"
	"github.com/ecabinet/ecabinet/store/blob"
	"github.com/ecabinet/ecabinet/textindex"
)

// Reading papers from the lists: openPaper hands the chunk store's
// decrypting reader to the reader window, and paperIndex keeps the text of
// the papers on this computer searchable.
//
// The text index is searched in memory (textindex) and kept on disk in the
// profile's encrypted store (core/papertext.go): each version's text is
// extracted once, off the UI goroutine, from the same decrypting reader,
// after the Papers screen is first shown (so PDFium starts only for
// someone who looks at papers), and its folded words are stored; at the
// next start the index is rebuilt from the store, without PDFium. A new
// version replaces the stored text of the old one, and a recall drops it.

// openPaper opens a paper's current version in a reader window, off the UI
// goroutine: core.Profile.OpenPaper checks that this member may read it
// and that it is all here, records the opening (which clears the "new" and
// "updated" badges) and returns a reader that decrypts on demand. Its
// refusals (not downloaded yet, no key) are shown translated. opened runs
// with the reader once its window is up.
func openPaper(s *shell, id string, opened func(*reader)) {
	p := s.p
	var (
		rd     *blob.Reader
		ver    papers.Version
		pp     papers.Paper
		notice bool
	)
	s.u.background(func() error {
		var err error
		if pp, err = p.Paper(id); err != nil {
			return err
		}
		// Asked before the opening, which is the first one recorded.
		notice = p.RecordsReading(id) && !p.ReadNoticeSeen()
		rd, ver, err = p.OpenPaper(id, 0)
		return err
	}, func(err error) {
		if err != nil {
			showError(err, s.u.win)
			return
		}
		if s.stopped {
			rd.Close()
			return
		}
		src := ReaderSource{
			Title: pp.Title, Size: rd.Size(), ReaderAt: rd,
			MediaType: ver.MediaType, FileName: ver.FileName,
			Confidential: pp.Marking == papers.MarkingConfidential,
			Viewer:       p.Self().Name,
			PaperID:      pp.ID, Version: ver.Number, Notes: p,
		}
		_, exportErr := pp.ExportMode()
		src.CopyAllowed = exportErr == nil
		r := openReaderWindow(s.u, src, readerOptions{})
		// The decrypting reader is closed with the window, after the
		// reader: a render still running then gets an error, not a crash.
		r.opt.Win.SetOnClosed(func() {
			r.close()
			s.u.background(func() error { return rd.Close() }, func(error) {})
		})
		if notice {
			showReadNotice(s.u, r.opt.Win)
		}
		if opened != nil {
			opened(r)
		}
	})
}

// showReadNotice tells a member, once, what opening a paper records about
// them (core/receipts.go): which version and when, for the secretariat.
func showReadNotice(u *ui, w fyne.Window) {
	p := u.p
	msg := widget.NewLabel(readNoticeText())
	msg.Wrapping = fyne.TextWrapWord
	d := dialog.NewCustom(lang.X("papers.read_notice.title", "What is recorded when you open a paper"),
		lang.X("papers.read_notice.ok", "I understand"), fixedWidth(460, msg), w)
	d.Show()
	u.background(p.SetReadNoticeSeen, func(err error) {
		if err != nil {
			fyne.LogError("papers: read notice", err)
		}
	})
}

// readNoticeText is the notice's text, in the interface's language.
func readNoticeText() string {
	return lang.X("papers.read_notice.body", "The first time you open each version of a paper, eCabinet records which version you opened and when, and sends that to your body's secretariat, who see who has read each paper and who has not opened it yet. Nothing else is recorded: not how long you read, nor which pages, nor your notes, and no other member sees it. Without a connection, it is sent at your next sync.")
}

// watchDownloads reloads the papers lists while the downloader brings
// papers onto this computer (their "downloading n%" and "on this computer"),
// at most every 700 ms and once more when a round ends, until ctx ends.
func (u *ui) watchDownloads(ctx context.Context, dl *replica.Downloader) {
	if dl == nil {
		return
	}
	ch, unsubscribe := dl.Subscribe()
	go func() {
		defer unsubscribe()
		var last time.Time
		for {
			select {
			case <-ctx.Done():
				return
			case st, ok := <-ch:
				if !ok {
					return
				}
				if st.Running && time.Since(last) < 700*time.Millisecond {
					continue
				}
				last = time.Now()
				u.post(func() {
					if s := u.shell; s != nil && !s.stopped {
						s.reloadPapers()
						// The meeting's book line counts what is still
						// missing as chunks arrive; the book keeper hears
						// of them at the round's end (core.PapersStored).
						for _, bp := range s.bookPanels {
							bp.reload()
						}
					}
				})
			}
		}
	}()
}

// reloadPapers re-reads the papers lists on screen.
func (s *shell) reloadPapers() {
	if ps, ok := s.screens[scrPapers].(*papersScreen); ok {
		ps.load()
	}
	if pp := s.shownPaperPane(); pp != nil {
		pp.load()
	}
}

// paperIndex is the text index of the papers on this computer, in memory
// and in the encrypted store. Its fields other than ix (safe for
// concurrent use) belong to the UI goroutine.
type paperIndex struct {
	s  *shell
	ix *textindex.Index
	// done holds the versions indexed or being indexed, by docKey.
	done map[string]bool
	// want is set once the Papers screen was shown: indexing starts then.
	want bool
	// loaded: the stored text was read into ix (loading: being read);
	// pending are the entries update was given meanwhile.
	loaded, loading bool
	pending         []*paperEntry
	running         bool
	queue           []core.PaperView
	onDone          func()
	ctx             context.Context
	// extracted counts the versions whose text was extracted with PDFium
	// (not read from the store), for tests.
	extracted int
}

func newPaperIndex(s *shell) *paperIndex {
	ctx, cancel := context.WithCancel(context.Background())
	go func() {
		<-s.quit
		cancel()
	}()
	return &paperIndex{s: s, ix: textindex.New(), done: map[string]bool{}, ctx: ctx}
}

// busy reports whether papers are still being indexed.
func (pi *paperIndex) busy() bool {
	return pi.loading || (pi.want && !pi.loaded) || pi.running || len(pi.queue) > 0
}

// docKey names a paper version in the index.
func docKey(id string, n int) string { return id + "#" + strconv.Itoa(n) }

// update queues the current versions of the PDFs on this computer that are
// not indexed yet.
func (pi *paperIndex) update(entries []*paperEntry) {
	if !pi.want {
		return
	}
	if !pi.loaded {
		pi.pending = entries
		pi.load()
		return
	}
	for _, e := range entries {
		cur, ok := e.v.CurrentVersion()
		if !ok || !e.v.Offline || !e.v.Readable || cur.MediaType != papers.MediaTypePDF {
			continue
		}
		k := docKey(e.v.ID, cur.Number)
		if pi.done[k] {
			continue
		}
		pi.done[k] = true
		pi.queue = append(pi.queue, e.v)
	}
	pi.next()
}

// load reads the stored text into the index, off the UI goroutine, then
// queues what update was given meanwhile.
func (pi *paperIndex) load() {
	if pi.loading {
		return
	}
	pi.loading = true
	p, ix := pi.s.p, pi.ix
	var keys []string
	pi.s.u.background(func() error {
		return p.EachPaperText(func(id string, n int, t core.PaperText) error {
			k := docKey(id, n)
			for i, page := range t.Pages {
				ix.Add(k, i, page)
			}
			keys = append(keys, k)
			return nil
		})
	}, func(err error) {
		pi.loading = false
		if err != nil {
			// What could not be read is extracted again.
			fyne.LogError("papers: read the stored index", err)
		}
		for _, k := range keys {
			pi.done[k] = true
		}
		pi.loaded = true
		if pi.onDone != nil && !pi.s.stopped {
			pi.onDone()
		}
		entries := pi.pending
		pi.pending = nil
		pi.update(entries)
	})
}

// next indexes the first paper queued, off the UI goroutine, then the
// others one by one.
func (pi *paperIndex) next() {
	if pi.running || len(pi.queue) == 0 {
		return
	}
	v := pi.queue[0]
	pi.queue = pi.queue[1:]
	pi.running = true
	p, ix, ctx := pi.s.p, pi.ix, pi.ctx
	pi.s.u.background(func() error { return indexPaper(ctx, p, ix, v) }, func(err error) {
		pi.running = false
		pi.extracted++
		if err != nil && ctx.Err() == nil {
			// A paper that cannot be read is found by its title only.
			fyne.LogError("papers: index "+v.ID, err)
		}
		if pi.onDone != nil && !pi.s.stopped {
			pi.onDone()
		}
		if ctx.Err() == nil {
			pi.next()
		}
	})
}

// indexPaper adds the text of a paper's current version to ix and stores
// its folded words (core.Profile.PutPaperText, which drops an older
// version's), read through the decrypting reader (not OpenPaper: indexing
// is not reading, and must not clear the "new" badge nor make a read
// receipt).
func indexPaper(ctx context.Context, p *core.Profile, ix *textindex.Index, v core.PaperView) error {
	cur, _ := v.CurrentVersion()
	key, err := p.PaperKey(v.ID)
	if err != nil {
		return err
	}
	bs, err := p.Blobs()
	if err != nil {
		return err
	}
	rd, err := bs.Open(key, cur.Manifest)
	if err != nil {
		return err
	}
	defer rd.Close()
	eng, err := readerEngine()
	if err != nil {
		return err
	}
	doc, err := eng.Open(ctx, rd, rd.Size())
	if err != nil {
		return err
	}
	defer doc.Close()
	k := docKey(v.ID, cur.Number)
	t := core.PaperText{Pages: make([]string, doc.PageCount())}
	for i := range t.Pages {
		text, err := doc.PlainText(ctx, i)
		if err != nil {
			return err
		}
		// Folded words are what the index searches; stored that way, the
		// next start adds them as they are.
		t.Pages[i] = strings.Join(textindex.Words(text), " ")
		ix.Add(k, i, t.Pages[i])
	}
	return p.PutPaperText(v.ID, cur.Number, t)
}

// search finds the query in the text of the entries' current versions:
// the first page it is on, by paper ID. Older versions' text is still in
// the index (it only grows) and is not counted.
func (pi *paperIndex) search(query string, entries []*paperEntry) map[string]int {
	cur := map[string]string{}
	for _, e := range entries {
		if c, ok := e.v.CurrentVersion(); ok {
			cur[docKey(e.v.ID, c.Number)] = e.v.ID
		}
	}
	out := map[string]int{}
	for _, pg := range pi.ix.Search(query, 0) {
		id, ok := cur[pg.Doc]
		if !ok {
			continue
		}
		if first, seen := out[id]; !seen || pg.Page < first {
			out[id] = pg.Page
		}
	}
	return out
}
