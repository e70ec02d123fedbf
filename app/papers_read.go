package app

import (
	"context"
	"strconv"
	"time"

	"fyne.io/fyne/v2"

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
// The text index is kept in memory only, never on disk: a page's words are
// as secret as the paper, and the profile's encrypted store would need a
// format of its own. It is built off the UI goroutine, a paper at a time,
// from the same decrypting reader, after the Papers screen is first shown
// (so PDFium starts only for someone who looks at papers), and again for
// each new version that arrives. Rebuilding it costs one pass over the
// papers' text at each start.

// openPaper opens a paper's current version in a reader window, off the UI
// goroutine: core.Profile.OpenPaper checks that this member may read it
// and that it is all here, records the opening (which clears the "new" and
// "updated" badges) and returns a reader that decrypts on demand. Its
// refusals (not downloaded yet, no key) are shown translated. opened runs
// with the reader once its window is up.
func openPaper(s *shell, id string, opened func(*reader)) {
	p := s.p
	var (
		rd  *blob.Reader
		ver papers.Version
		pp  papers.Paper
	)
	s.u.background(func() error {
		var err error
		if pp, err = p.Paper(id); err != nil {
			return err
		}
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
		}
		r := openReaderWindow(s.u, src, readerOptions{})
		// The decrypting reader is closed with the window, after the
		// reader: a render still running then gets an error, not a crash.
		r.opt.Win.SetOnClosed(func() {
			r.close()
			s.u.background(func() error { return rd.Close() }, func(error) {})
		})
		if opened != nil {
			opened(r)
		}
	})
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
						// Papers arriving are no event of the profile's:
						// the book keeper looks again, and the meeting's
						// book line counts what is still missing.
						if s.books != nil {
							s.books.Changed()
						}
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

// paperIndex is the in-memory text index of the papers on this computer.
// Its fields other than ix (safe for concurrent use) belong to the UI
// goroutine.
type paperIndex struct {
	s  *shell
	ix *textindex.Index
	// done holds the versions indexed or being indexed, by docKey.
	done map[string]bool
	// want is set once the Papers screen was shown: indexing starts then.
	want    bool
	running bool
	queue   []core.PaperView
	onDone  func()
	ctx     context.Context
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
func (pi *paperIndex) busy() bool { return pi.running || len(pi.queue) > 0 }

// docKey names a paper version in the index.
func docKey(id string, n int) string { return id + "#" + strconv.Itoa(n) }

// update queues the current versions of the PDFs on this computer that are
// not indexed yet.
func (pi *paperIndex) update(entries []*paperEntry) {
	if !pi.want {
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

// indexPaper adds the text of a paper's current version to ix, read
// through the decrypting reader (not OpenPaper: indexing is not reading,
// and must not clear the "new" badge).
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
	return doc.AddToIndex(ctx, ix, docKey(v.ID, cur.Number))
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
