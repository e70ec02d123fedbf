package core

import (
	"bytes"
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"sync"
	"time"

	"github.com/ecabinet/ecabinet/meetings"
	"github.com/ecabinet/ecabinet/papers"
	"github.com/ecabinet/ecabinet/report"
	"github.com/ecabinet/ecabinet/store"
	"github.com/ecabinet/ecabinet/store/blob"
)

// The member's meeting book, made ahead of time (issue 12): once every
// paper of a meeting that this member may see is on the computer, a
// BookKeeper makes the book in the background and keeps it; when a paper
// is replaced, recalled or added (or the agenda changes) it makes it again.
//
// Where it is kept: no paper may reach the disk in the clear, and the book
// holds every paper. So the finished book goes into the profile's chunk
// store like a paper, encrypted under a lineage key of its own made on
// this device (random, never wrapped for anyone, never synced); the key
// and the manifest are one record in the encrypted Badger store
// (PrefixBook). It is written out in the clear only when the member saves
// it through a file dialog, under the rule a paper's export follows
// (BookExportable). The reader opens it from the chunk store's decrypting
// reader (OpenStoredBook).

// PrefixBook keys the stored meeting books: book/<meeting> → bookRecord.
const PrefixBook = "book"

// bookRecord is a stored book: what it was made from (Sig), and where
// its encrypted bytes are.
type bookRecord struct {
	Sig      string            `cbor:"1,keyasint"`
	Lang     report.Lang       `cbor:"2,keyasint"`
	Pages    int               `cbor:"3,keyasint"`
	Papers   int               `cbor:"4,keyasint"`
	Made     time.Time         `cbor:"5,keyasint"`
	Key      papers.LineageKey `cbor:"6,keyasint"`
	Manifest papers.Manifest   `cbor:"7,keyasint"`
}

// StoredBook describes a book kept on this computer.
type StoredBook struct {
	MeetingID string
	Lang      report.Lang
	Pages     int
	Papers    int
	Made      time.Time
	Size      int64
}

// BookInputs is what a meeting's book would be made from now.
type BookInputs struct {
	// Sig names the inputs: the language, the meeting's revision, the
	// member, and each paper's current version (by content hash).
	Sig string
	// Papers counts the papers the book binds; Missing those of them not
	// yet (wholly) on this computer.
	Papers, Missing int
}

// BookInputs says what the member's book of a meeting would bind.
func (p *Profile) BookInputs(meetingID string, l report.Lang) (BookInputs, error) {
	m, err := p.Meeting(meetingID)
	if err != nil {
		return BookInputs{}, err
	}
	views, err := p.Papers(PaperFilter{MeetingID: meetingID})
	if err != nil {
		return BookInputs{}, err
	}
	self := p.Self()
	h := sha256.New()
	fmt.Fprintf(h, "%s\x00%s\x00%d\x00%s\x00%s\x00", l, m.ID, m.Rev, self.ID, self.Name)
	var in BookInputs
	for _, v := range views {
		if v.Recalled {
			continue
		}
		in.Papers++
		if !v.Offline {
			in.Missing++
		}
		cur, _ := v.CurrentVersion()
		fmt.Fprintf(h, "%s\x00%s\x00%d\x00%x\x00", v.ID, v.Title, cur.Number, cur.SHA256())
	}
	in.Sig = hex.EncodeToString(h.Sum(nil)[:16])
	return in, nil
}

// ErrNoStoredBook: no book of this meeting is kept on this computer.
var ErrNoStoredBook = &meetings.Error{Code: "err.report.book_not_made"}

func (p *Profile) bookRecord(meetingID string) (bookRecord, error) {
	var r bookRecord
	err := p.st.View(func(tx *store.Tx) error { return tx.Get(store.Key(PrefixBook, meetingID), &r) })
	if errors.Is(err, store.ErrNotFound) {
		return r, ErrNoStoredBook
	}
	return r, err
}

// StoredBook returns the book of a meeting kept on this computer and the
// signature of the inputs it was made from (ErrNoStoredBook: none).
func (p *Profile) StoredBook(meetingID string) (StoredBook, string, error) {
	r, err := p.bookRecord(meetingID)
	if err != nil {
		return StoredBook{}, "", err
	}
	return StoredBook{MeetingID: meetingID, Lang: r.Lang, Pages: r.Pages, Papers: r.Papers, Made: r.Made, Size: r.Manifest.Size}, r.Sig, nil
}

// storeBook keeps a finished book, encrypted, in place of the one before.
func (p *Profile) storeBook(meetingID string, in BookInputs, l report.Lang, pages int, made time.Time, data []byte) error {
	bs, err := p.Blobs()
	if err != nil {
		return err
	}
	var key papers.LineageKey
	if _, err := rand.Read(key[:]); err != nil {
		return err
	}
	man, err := bs.Put(key, bytes.NewReader(data))
	if err != nil {
		return err
	}
	old, oldErr := p.bookRecord(meetingID)
	rec := bookRecord{Sig: in.Sig, Lang: l, Pages: pages, Papers: in.Papers, Made: made, Key: key, Manifest: man}
	if err := p.st.Update(func(tx *store.Tx) error { return tx.Put(store.Key(PrefixBook, meetingID), rec) }); err != nil {
		_, _ = bs.Remove([]papers.Manifest{man}, nil)
		return err
	}
	if oldErr == nil {
		// The old book's chunks: its key was its own, so no paper and no
		// other book shares them.
		_, _ = bs.Remove([]papers.Manifest{old.Manifest}, nil)
	}
	return nil
}

// OpenStoredBook opens the book of a meeting kept on this computer through
// the chunk store's decrypting reader (nothing is written in the clear).
// The caller closes it.
func (p *Profile) OpenStoredBook(meetingID string) (*blob.Reader, StoredBook, error) {
	r, err := p.bookRecord(meetingID)
	if err != nil {
		return nil, StoredBook{}, err
	}
	bs, err := p.Blobs()
	if err != nil {
		return nil, StoredBook{}, err
	}
	rd, err := bs.Open(r.Key, r.Manifest)
	if err != nil {
		return nil, StoredBook{}, err
	}
	return rd, StoredBook{MeetingID: meetingID, Lang: r.Lang, Pages: r.Pages, Papers: r.Papers, Made: r.Made, Size: r.Manifest.Size}, nil
}

// ErrBookExportRefused: a paper of the book may not be exported, so
// neither may the book (it opens in the reader only).
var ErrBookExportRefused = &meetings.Error{Code: "err.report.book_export_refused"}

// BookExportable applies a paper's export rule to the book that binds it
// (papers.Paper.ExportMode): a book holding a paper whose export the
// secretariat turned off may not be saved, and the error names that
// paper; a confidential paper may, since every page of the book carries
// the member's name and the date, as a confidential paper's export does.
func (p *Profile) BookExportable(meetingID string) error {
	views, err := p.Papers(PaperFilter{MeetingID: meetingID})
	if err != nil {
		return err
	}
	for _, v := range views {
		if v.Recalled {
			continue // not in the book
		}
		if _, err := v.ExportMode(); errors.Is(err, papers.ErrExportRefused) {
			return &meetings.Error{Code: ErrBookExportRefused.Code, Field: "papers", Args: map[string]any{"paper": v.Title}}
		}
	}
	return nil
}

// SaveStoredBook writes the book kept on this computer to w, once the
// export rule allows it.
func (p *Profile) SaveStoredBook(meetingID string, w io.Writer) error {
	if err := p.BookExportable(meetingID); err != nil {
		return err
	}
	rd, _, err := p.OpenStoredBook(meetingID)
	if err != nil {
		return err
	}
	defer rd.Close()
	_, err = io.Copy(w, io.NewSectionReader(rd, 0, rd.Size()))
	return err
}

// SaveStoredBookFile writes the stored book to path as SaveReport writes
// a document: to a temporary file renamed over path.
func (p *Profile) SaveStoredBookFile(meetingID, path string) error {
	var buf bytes.Buffer
	if err := p.SaveStoredBook(meetingID, &buf); err != nil {
		return err
	}
	return writeFileAtomic(path, buf.Bytes())
}

// BookStatus is where a meeting's book stands.
type BookStatus int

// The states of a meeting's book.
const (
	// BookNone: the meeting has no papers for this member (the book would
	// be its cover, agenda and contents; it is made when asked for).
	BookNone BookStatus = iota
	// BookMissing: some of its papers are not yet on this computer.
	BookMissing
	// BookBuilding: being made (Done of Total, Fraction).
	BookBuilding
	// BookReady: made from the papers as they are now.
	BookReady
	// BookStale: a book is kept but the papers changed since; it is being
	// or will be made again.
	BookStale
	// BookFailed: the last attempt failed (Err); a change tries again.
	BookFailed
	// BookCancelled: the member stopped it; it is made again when asked or
	// when a paper changes.
	BookCancelled
)

// BookState is what the meeting screen shows about a book.
type BookState struct {
	Status BookStatus
	// Papers the book binds; Missing of them not yet here.
	Papers, Missing int
	// Fraction of the work done while building (0–1), and the stage.
	Fraction float64
	Stage    report.BookStage
	// Stored is the kept book (its pages and when it was made), if any.
	Stored *StoredBook
	Err    error
}

// BookKeeperOptions configure a BookKeeper.
type BookKeeperOptions struct {
	// Lang is the language books are made in (the screens'); called for
	// each build.
	Lang func() report.Lang
	// Repair re-saves a paper pdfcpu cannot read (pdfrender.Repair).
	Repair report.Repairer
	// OnChange is called, on the keeper's goroutines, when a meeting's
	// book state changed; it must not block (the app posts to its UI
	// goroutine).
	OnChange func(meetingID string)
	// Settle is how long the keeper waits after a change for more before
	// it looks again (a sync brings many at once); 0: 400 ms.
	Settle time.Duration
}

// BookKeeper makes the member's meeting books in the background and keeps
// them up to date (see the comment at the top of this file). It makes one
// book at a time, so the reader and sync keep a core to themselves.
type BookKeeper struct {
	p   *Profile
	opt BookKeeperOptions

	mu       sync.Mutex
	building string             // the meeting being made, or ""
	stop     context.CancelFunc // cancels the build in progress
	progress map[string]BookState
	// given are the signatures not to retry on their own: failed or
	// cancelled.
	given  map[string]string
	failed map[string]error
	want   map[string]bool // asked for explicitly (a meeting with no papers)
	kick   chan struct{}
	done   chan struct{}
	cancel context.CancelFunc
}

// NewBookKeeper makes a keeper for the profile; Start starts it.
func (p *Profile) NewBookKeeper(opt BookKeeperOptions) *BookKeeper {
	if opt.Lang == nil {
		opt.Lang = func() report.Lang { return report.Vietnamese }
	}
	if opt.OnChange == nil {
		opt.OnChange = func(string) {}
	}
	if opt.Settle <= 0 {
		opt.Settle = 400 * time.Millisecond
	}
	return &BookKeeper{p: p, opt: opt, progress: map[string]BookState{}, given: map[string]string{},
		failed: map[string]error{}, want: map[string]bool{}, kick: make(chan struct{}, 1), done: make(chan struct{})}
}

// Start watches the profile's changes and makes books until Stop.
func (k *BookKeeper) Start() {
	ctx, cancel := context.WithCancel(context.Background())
	k.cancel = cancel
	events, unsubscribe := k.p.Subscribe()
	go func() {
		defer unsubscribe()
		for {
			select {
			case <-ctx.Done():
				return
			case e, ok := <-events:
				if !ok {
					return
				}
				switch e.Topic {
				case TopicPapers, TopicMeetings, TopicMembers, TopicAll:
					k.poke()
				}
			}
		}
	}()
	go k.run(ctx)
	k.poke()
}

// Stop ends the keeper, cancelling a build in progress, and waits for it.
func (k *BookKeeper) Stop() {
	if k.cancel == nil {
		return
	}
	k.cancel()
	k.mu.Lock()
	if k.stop != nil {
		k.stop()
	}
	k.mu.Unlock()
	<-k.done
}

func (k *BookKeeper) poke() {
	select {
	case k.kick <- struct{}{}:
	default:
	}
}

// Build asks for the book of a meeting now, even one that failed, was
// cancelled or has no papers.
func (k *BookKeeper) Build(meetingID string) {
	k.mu.Lock()
	delete(k.given, meetingID)
	delete(k.failed, meetingID)
	k.want[meetingID] = true
	k.mu.Unlock()
	k.poke()
}

// Cancel stops the book of a meeting being made; it is not made again
// until asked for or until its papers change.
func (k *BookKeeper) Cancel(meetingID string) {
	k.mu.Lock()
	if k.building == meetingID && k.stop != nil {
		k.stop()
	}
	k.mu.Unlock()
}

// State says where the book of a meeting stands.
func (k *BookKeeper) State(meetingID string) BookState {
	in, err := k.p.BookInputs(meetingID, k.opt.Lang())
	if err != nil {
		return BookState{Status: BookFailed, Err: err}
	}
	st := BookState{Papers: in.Papers, Missing: in.Missing}
	stored, sig, serr := k.p.StoredBook(meetingID)
	if serr == nil {
		st.Stored = &stored
	}
	k.mu.Lock()
	defer k.mu.Unlock()
	switch {
	case k.building == meetingID:
		pr := k.progress[meetingID]
		st.Status, st.Fraction, st.Stage = BookBuilding, pr.Fraction, pr.Stage
	case serr == nil && sig == in.Sig:
		st.Status = BookReady
	case in.Missing > 0:
		st.Status = BookMissing
	case k.given[meetingID] == in.Sig && k.failed[meetingID] != nil:
		st.Status, st.Err = BookFailed, k.failed[meetingID]
	case k.given[meetingID] == in.Sig:
		st.Status = BookCancelled
	case serr == nil:
		st.Status = BookStale
	case in.Papers == 0:
		st.Status = BookNone
	default:
		st.Status = BookStale // due: the keeper is about to make it
	}
	return st
}

// run makes the books that are due, one at a time, whenever poked.
func (k *BookKeeper) run(ctx context.Context) {
	defer close(k.done)
	for {
		select {
		case <-ctx.Done():
			return
		case <-k.kick:
		}
		// Let a burst of changes (a sync round) settle first.
		t := time.NewTimer(k.opt.Settle)
		for settled := false; !settled; {
			select {
			case <-ctx.Done():
				t.Stop()
				return
			case <-k.kick:
				t.Reset(k.opt.Settle)
			case <-t.C:
				settled = true
			}
		}
		for {
			id, in, ok := k.due()
			if !ok || ctx.Err() != nil {
				break
			}
			k.make(ctx, id, in)
		}
	}
}

// due finds a meeting whose book should be made now.
func (k *BookKeeper) due() (string, BookInputs, bool) {
	l := k.opt.Lang()
	for _, m := range k.p.Meetings() {
		k.mu.Lock()
		wanted := k.want[m.ID]
		k.mu.Unlock()
		if m.Status == meetings.StatusClosed && !wanted {
			continue // a past session's book is made when asked for
		}
		in, err := k.p.BookInputs(m.ID, l)
		if err != nil || in.Missing > 0 {
			continue
		}
		_, sig, serr := k.p.StoredBook(m.ID)
		if serr == nil && sig == in.Sig {
			continue
		}
		if in.Papers == 0 && !wanted && serr != nil {
			continue // nothing to bind, and no book kept that is now stale
		}
		k.mu.Lock()
		given := k.given[m.ID] == in.Sig
		k.mu.Unlock()
		if given {
			continue
		}
		return m.ID, in, true
	}
	return "", BookInputs{}, false
}

// make builds and keeps one book.
func (k *BookKeeper) make(parent context.Context, id string, in BookInputs) {
	ctx, stop := context.WithCancel(parent)
	defer stop()
	k.mu.Lock()
	k.building, k.stop = id, stop
	k.progress[id] = BookState{Status: BookBuilding, Stage: report.StageRead}
	k.mu.Unlock()
	k.opt.OnChange(id)

	l := k.opt.Lang()
	pages := 0
	progress := func(pr report.BookProgress) {
		f := bookFraction(pr)
		if pr.Stage == report.StageWrite {
			pages = pr.Total
		}
		k.mu.Lock()
		k.progress[id] = BookState{Status: BookBuilding, Fraction: f, Stage: pr.Stage}
		k.mu.Unlock()
		k.opt.OnChange(id)
	}
	var buf bytes.Buffer
	made := k.p.now()
	err := k.p.WriteBook(ctx, id, BookOptions{Lang: l, Repair: k.opt.Repair, Progress: progress}, &buf)
	if err == nil {
		err = k.p.storeBook(id, in, l, pages, made, buf.Bytes())
	}
	// Wipe the plaintext book from memory we own before letting go of it.
	clear(buf.Bytes())

	k.mu.Lock()
	k.building, k.stop = "", nil
	delete(k.progress, id)
	delete(k.want, id)
	switch {
	case err == nil:
		delete(k.given, id)
		delete(k.failed, id)
	case parent.Err() != nil:
		// The keeper stopped: nothing to remember.
	case errors.Is(err, context.Canceled):
		k.given[id], k.failed[id] = in.Sig, nil
	default:
		k.given[id], k.failed[id] = in.Sig, err
	}
	k.mu.Unlock()
	k.opt.OnChange(id)
}

// bookFraction maps a progress report onto the whole build: reading the
// papers is most of it (pages merged as each paper is done), numbering
// and stamping the pages the rest.
func bookFraction(pr report.BookProgress) float64 {
	part := func(done, total int) float64 {
		if total <= 0 {
			return 1
		}
		return min(1, float64(done)/float64(total))
	}
	switch pr.Stage {
	case report.StageRead:
		return 0.8 * part(pr.Done, pr.Total)
	case report.StageStamp:
		return 0.8 + 0.15*part(pr.Done, pr.Total)
	case report.StageWrite:
		return 1
	}
	return 0
}
