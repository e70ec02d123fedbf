package blob

import (
	"crypto/sha256"
	"errors"
	"fmt"
	"io"
	"os"
	"sync"

	chunkers "github.com/PlakarKorp/go-cdc-chunkers"
	_ "github.com/PlakarKorp/go-cdc-chunkers/chunkers/fastcdc" // registers papers.ChunkerFastCDC

	"github.com/ecabinet/ecabinet/papers"
)

// Options tune a Store. The zero value is the default.
type Options struct {
	// MaxFileSize refuses a Put longer than this (papers.ErrTooLarge); 0
	// means papers.MaxFileSize. The hub's setting (200 MB by default) goes
	// here.
	MaxFileSize int64
	// Params are the chunker's sizes for new files; the zero value means
	// papers.DefaultChunkerParams. Existing manifests keep the parameters
	// they were made with.
	Params papers.ChunkerParams
}

// Store is a device's encrypted store of paper chunks: it turns a file into
// encrypted chunks and a papers.Manifest (Put), takes in chunks fetched
// from the hub after verifying them (PutChunk), and reads a file back by
// its manifest, decrypting on demand (Open). No plaintext is ever written
// to disk.
//
// Put, Remove and Sweep are serialized with one another, so that a chunk
// one of them deduplicates against is not removed under it. PutChunk, Has,
// Missing, Usage and reads run freely beside them.
type Store struct {
	dir   *Dir
	opts  Options
	edits sync.Mutex
}

// OpenStore opens (creating if needed) a chunk store in directory root,
// clearing what a killed process left half-written.
func OpenStore(root string, opts Options) (*Store, error) {
	if opts.MaxFileSize <= 0 || opts.MaxFileSize > papers.MaxFileSize {
		opts.MaxFileSize = papers.MaxFileSize
	}
	if opts.Params == (papers.ChunkerParams{}) {
		opts.Params = papers.DefaultChunkerParams
	}
	if !opts.Params.Valid() {
		return nil, fmt.Errorf("blob: invalid chunker parameters %+v", opts.Params)
	}
	d, err := OpenDir(root)
	if err != nil {
		return nil, err
	}
	return &Store{dir: d, opts: opts}, nil
}

// Chunks is the store's ciphertext, by ID, as the uploader sends it to the
// hub (Get) and as tests inspect it.
func (s *Store) Chunks() ChunkStore { return s.dir }

// present reports whether chunk ref is stored whole: a file of exactly the
// length its ciphertext has. A truncated or overlong file does not count.
func (s *Store) present(ref papers.ChunkRef) (bool, error) {
	size, ok, err := s.dir.size(ref.ID)
	return ok && size == int64(ref.Len)+Overhead, err
}

// putWorkers is how many chunks Put names, encrypts and writes at once,
// beside the goroutine that cuts and hashes the file: with two cores, one
// chunk's fsync overlaps the next one's crypto.
const putWorkers = 2

// Put reads a file from r to its end, cuts it into content-defined chunks,
// and stores each chunk not already stored, encrypted under the lineage
// key. It returns the file's manifest. It holds a few chunks in memory
// (about 2 + 3·putWorkers of the largest chunk size: 32 MiB with the
// default sizes), never the whole file.
//
// Chunks are named by a keyed hash, so a chunk shared with an earlier
// version of the same paper is stored once. Each new chunk is synced and
// renamed into place, and their directories synced, before Put returns
// (in groups of putUnflushed, as Batch does).
// On any error (the reader's, a full disk: ErrDiskFull, a file over the
// limit: papers.ErrTooLarge) the chunks this Put wrote are removed again and
// no manifest is returned: nothing of a failed import counts. A kill in the
// middle leaves only whole chunks no manifest names (Sweep frees them).
func (s *Store) Put(key papers.LineageKey, r io.Reader) (papers.Manifest, error) {
	l, err := newLineage(key)
	if err != nil {
		return papers.Manifest{}, err
	}
	s.edits.Lock()
	defer s.edits.Unlock()

	p := s.opts.Params
	ch, err := chunkers.NewChunker(papers.ChunkerFastCDC, r, &chunkers.ChunkerOpts{
		MinSize: p.Min, NormalSize: p.Avg, MaxSize: p.Max, Key: l.cdcKey,
	})
	if err != nil {
		return papers.Manifest{}, fmt.Errorf("blob: chunker: %w", err)
	}
	w := &putWork{s: s, l: l, jobs: make(chan putJob, putWorkers), free: make(chan []byte, 2*putWorkers+1)}
	w.wg.Add(putWorkers)
	for range putWorkers {
		go w.run()
	}
	m, refs, err := w.cut(ch, s.opts.MaxFileSize)
	close(w.jobs)
	w.wg.Wait() // the workers have named every chunk
	if err == nil {
		err = w.err
	}
	if err == nil {
		m.Chunks = make([]papers.ChunkRef, len(refs))
		for i, r := range refs {
			m.Chunks[i] = *r
		}
	}
	if err == nil {
		err = w.commit(0) // the last group
	}
	if err == nil {
		if verr := m.Validate(); verr != nil { // a chunker bug, not bad input
			err = fmt.Errorf("blob: made an invalid manifest: %w", verr)
		}
	}
	if err != nil {
		for _, t := range w.pending {
			t.f.Close()
			os.Remove(t.path)
		}
		for _, id := range w.written {
			s.dir.remove(id) //nolint:errcheck // best effort: Sweep frees what is left
		}
		return papers.Manifest{}, err
	}
	return m, nil
}

// putJob is one chunk for a Put worker: its place in the manifest and a
// copy of its plaintext (the chunker reuses its buffer).
type putJob struct {
	ref   *papers.ChunkRef
	plain []byte
}

// putWork is one Put in progress: the goroutine that cuts the file (cut)
// and the workers (run) that name, encrypt and write its chunks.
type putWork struct {
	s    *Store
	l    *lineage
	jobs chan putJob
	free chan []byte // plaintext buffers the workers are done with
	wg   sync.WaitGroup

	mu  sync.Mutex
	err error
	// pending are chunks written to temp files, not yet committed.
	pending []*tempChunk
	written []papers.ChunkID // committed: in place and durable
}

// putUnflushed is how many chunks Put writes before it commits them
// together (Dir.commit: their fsyncs side by side, so the file system
// folds them into a few journal commits, then the renames and one sync
// per directory), where it synced each chunk on its own.
const putUnflushed = 32

// commit commits the pending chunks once there are at least atLeast of them
// (0: whatever is pending).
func (w *putWork) commit(atLeast int) error {
	w.mu.Lock()
	if len(w.pending) == 0 || len(w.pending) < atLeast {
		w.mu.Unlock()
		return nil
	}
	ts := w.pending
	w.pending = nil
	w.mu.Unlock()
	done, err := w.s.dir.commit(ts)
	w.mu.Lock()
	for _, t := range done {
		w.written = append(w.written, t.id)
	}
	w.mu.Unlock()
	return err
}

// cut reads the file chunk by chunk, hashing the whole and handing each
// chunk to the workers, who fill in the refs' IDs.
func (w *putWork) cut(ch *chunkers.Chunker, limit int64) (papers.Manifest, []*papers.ChunkRef, error) {
	m := papers.Manifest{Chunker: papers.ChunkerFastCDC, Params: w.s.opts.Params}
	refs := make([]*papers.ChunkRef, 0, 64)
	whole := sha256.New()
	for {
		chunk, nerr := ch.Next()
		if nerr != nil && !errors.Is(nerr, io.EOF) {
			return m, nil, fmt.Errorf("blob: read file: %w", nerr)
		}
		if len(chunk) > 0 {
			if m.Size+int64(len(chunk)) > limit || len(refs) == papers.MaxChunks {
				return m, nil, papers.ErrTooLarge(limit)
			}
			if err := w.failed(); err != nil {
				return m, nil, err
			}
			whole.Write(chunk)
			ref := &papers.ChunkRef{Len: len(chunk)}
			refs = append(refs, ref)
			m.Size += int64(len(chunk))
			var buf []byte
			select {
			case buf = <-w.free:
			default:
			}
			w.jobs <- putJob{ref: ref, plain: append(buf[:0], chunk...)}
		}
		if nerr != nil { // io.EOF with the last chunk
			break
		}
	}
	whole.Sum(m.SHA256[:0])
	return m, refs, nil
}

// run names, encrypts and writes chunks until the jobs run out; after a
// failure it only drains them.
func (w *putWork) run() {
	defer w.wg.Done()
	// Aligned and as long as the longest chunk: sealed in place, a chunk
	// goes from it straight to the disk (writeTemp).
	sealed := ChunkBuffer(w.s.opts.Params.Max + Overhead)[:0]
	for j := range w.jobs {
		if w.failed() == nil {
			j.ref.ID = w.l.chunkID(j.plain)
			ok, err := w.s.present(*j.ref)
			if err == nil && !ok {
				sealed = w.l.seal(sealed[:0], j.ref.ID, j.plain)
				var t *tempChunk
				if t, err = w.s.dir.writeTemp(j.ref.ID, sealed); err == nil {
					w.mu.Lock()
					w.pending = append(w.pending, t)
					w.mu.Unlock()
					err = w.commit(putUnflushed)
				}
			}
			if err != nil {
				w.fail(err)
			}
		}
		select {
		case w.free <- j.plain:
		default:
		}
	}
}

func (w *putWork) fail(err error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	if w.err == nil {
		w.err = err
	}
}

func (w *putWork) failed() error {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.err
}

// PutChunk stores a chunk fetched from the hub, after checking that it
// opens under the lineage key as the chunk named id: a chunk that fails is
// refused (ErrChunkCorrupt) and nothing is written. This is what the
// downloader calls for each chunk; it is durable when PutChunk returns.
func (s *Store) PutChunk(key papers.LineageKey, id papers.ChunkID, ciphertext []byte) error {
	l, err := newLineage(key)
	if err != nil {
		return err
	}
	if _, err := l.open(nil, id, ciphertext); err != nil {
		return chunkErr(id, ErrChunkCorrupt, err)
	}
	_, err = s.dir.write(id, ciphertext, true)
	return err
}

// Has reports whether chunk id is stored, with at least a chunk's overhead
// of bytes. Missing, which knows each chunk's length, is the exact check.
func (s *Store) Has(id papers.ChunkID) (bool, error) {
	size, ok, err := s.dir.size(id)
	return ok && size > Overhead, err
}

// Missing returns the chunks of m not stored whole here, in manifest order
// and without repeats: what a download still has to fetch. A truncated
// chunk file counts as missing (it will be fetched and replaced).
func (s *Store) Missing(m papers.Manifest) ([]papers.ChunkRef, error) {
	seen := map[papers.ChunkID]bool{}
	var out []papers.ChunkRef
	for _, c := range m.Chunks {
		if seen[c.ID] {
			continue
		}
		seen[c.ID] = true
		ok, err := s.present(c)
		if err != nil {
			return nil, err
		}
		if !ok {
			out = append(out, c)
		}
	}
	return out, nil
}

// Usage is what a set of manifests takes in the store.
type Usage struct {
	// Chunks counts the distinct chunks the manifests name; Present those
	// stored whole here.
	Chunks, Present int
	// Bytes is the disk the present chunks take (ciphertext, shared chunks
	// counted once); Size is what all of them would take.
	Bytes, Size int64
}

// Complete reports whether every chunk is here: the papers can be read
// offline.
func (u Usage) Complete() bool { return u.Present == u.Chunks }

// Usage measures the manifests' chunks: how many are here and the disk they
// take. Settings shows it per meeting (the manifests of its papers).
func (s *Store) Usage(ms ...papers.Manifest) (Usage, error) {
	var u Usage
	seen := map[papers.ChunkID]bool{}
	for _, m := range ms {
		for _, c := range m.Chunks {
			if seen[c.ID] {
				continue
			}
			seen[c.ID] = true
			u.Chunks++
			u.Size += int64(c.Len) + Overhead
			ok, err := s.present(c)
			if err != nil {
				return Usage{}, err
			}
			if ok {
				u.Present++
				u.Bytes += int64(c.Len) + Overhead
			}
		}
	}
	return u, nil
}

// Remove frees the chunks of the drop manifests that none of the keep
// manifests names (the versions and papers still wanted), and returns the
// bytes freed. Freed papers can be fetched again.
func (s *Store) Remove(drop, keep []papers.Manifest) (int64, error) {
	s.edits.Lock()
	defer s.edits.Unlock()
	kept := map[papers.ChunkID]bool{}
	for _, id := range papers.IDs(keep...) {
		kept[id] = true
	}
	var freed int64
	for _, id := range papers.IDs(drop...) {
		if kept[id] {
			continue
		}
		n, err := s.dir.remove(id)
		if err != nil {
			return freed, err
		}
		freed += n
	}
	return freed, nil
}

// Sweep removes every stored chunk that no live manifest names (what a
// kill in the middle of an import left, and what recalled papers left) and
// empties the quarantine. live must include the manifests still being
// downloaded. removed counts the chunks removed, quarantined ones included.
func (s *Store) Sweep(live []papers.Manifest) (removed int, freed int64, err error) {
	s.edits.Lock()
	defer s.edits.Unlock()
	keep := map[papers.ChunkID]bool{}
	for _, id := range papers.IDs(live...) {
		keep[id] = true
	}
	var drop []papers.ChunkID
	if err := s.dir.walk(func(id papers.ChunkID, _ int64) error {
		if !keep[id] {
			drop = append(drop, id)
		}
		return nil
	}); err != nil {
		return 0, 0, ioErr("sweep", err)
	}
	for _, id := range drop {
		n, err := s.dir.remove(id)
		if err != nil {
			return removed, freed, err
		}
		removed++
		freed += n
	}
	n, size, err := s.dir.clearQuarantine()
	return removed + n, freed + size, err
}

// Batch takes in many fetched chunks and makes them durable together: a
// chunk given to PutChunk is checked under its lineage key, then written
// to a temp file without waiting for the disk; Flush syncs every file
// written since the last Flush at once (concurrently, so the file system
// commits them in a few journal transactions instead of one each), renames
// them into place and syncs their directories. A chunk counts as present
// (Missing) only after the Flush that committed it, so what counts is
// whole, verified and durable; a kill before Flush loses at most the
// chunks written since the last one (temp files, removed at the next open),
// to be fetched again. The downloader flushes whenever the previous Flush
// is done (group commit) and before a round ends, whatever its outcome.
type Batch struct {
	s *Store

	mu       sync.Mutex
	lineages map[papers.LineageKey]*lineage
	pending  []*tempChunk

	flushMu sync.Mutex // one Flush at a time
}

// NewBatch starts a batch of PutChunk calls.
func (s *Store) NewBatch() *Batch {
	return &Batch{s: s, lineages: map[papers.LineageKey]*lineage{}}
}

// PutChunk is Store.PutChunk within the batch: authenticated under the
// lineage key as chunk id before anything is written (lineage.authenticate:
// the AEAD's tag, checked without decrypting; the plaintext and the name's
// keyed hash are checked at every read), written straight to the disk
// where it can be (ciphertext aligned as ChunkBuffer aligns it, direct
// I/O), durable and counted only after the next Flush. It may be called
// concurrently, also with Flush.
func (b *Batch) PutChunk(key papers.LineageKey, id papers.ChunkID, ciphertext []byte) error {
	l, err := b.lineage(key)
	if err != nil {
		return err
	}
	if err := l.authenticate(id, ciphertext); err != nil {
		return chunkErr(id, ErrChunkCorrupt, err)
	}
	t, err := b.s.dir.writeTemp(id, ciphertext)
	if err != nil {
		return err
	}
	b.mu.Lock()
	b.pending = append(b.pending, t)
	b.mu.Unlock()
	return nil
}

// lineage derives a lineage's keys once per batch.
func (b *Batch) lineage(key papers.LineageKey) (*lineage, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	if l, ok := b.lineages[key]; ok {
		return l, nil
	}
	l, err := newLineage(key)
	if err != nil {
		return nil, err
	}
	b.lineages[key] = l
	return l, nil
}

// Pending counts the chunks written and not yet flushed.
func (b *Batch) Pending() int {
	b.mu.Lock()
	defer b.mu.Unlock()
	return len(b.pending)
}

// Flush commits the chunks written since the last Flush and returns how
// many it put in place and their ciphertext bytes. On error, the chunks it
// did not commit are removed (they are fetched again).
func (b *Batch) Flush() (n int, bytes int64, err error) {
	b.flushMu.Lock()
	defer b.flushMu.Unlock()
	b.mu.Lock()
	ts := b.pending
	b.pending = nil
	b.mu.Unlock()
	done, err := b.s.dir.commit(ts)
	for _, t := range done {
		bytes += t.size
	}
	return len(done), bytes, err
}
