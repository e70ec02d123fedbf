package blob

import (
	"crypto/sha256"
	"crypto/subtle"
	"errors"
	"fmt"
	"hash"
	"io"
	"sort"
	"sync"

	"github.com/ecabinet/ecabinet/papers"
)

// cacheChunks is how many decrypted chunks a Reader keeps: enough for a
// viewer that reads a page's objects back and forth across a chunk border
// (at most 4 × 4 MiB with the default sizes), few enough to stay small.
const cacheChunks = 4

// Reader reads one file of the store by its manifest, decrypting chunks as
// they are needed; no plaintext goes to disk. It is an io.ReaderAt (safe
// for concurrent use) and an io.ReadSeeker (one reader at a time, like any
// file offset), which is what go-pdfium's FileReader takes.
//
// Every chunk is verified when it is decrypted (AEAD, then its name
// recomputed): that check is authoritative. A chunk that fails is removed
// from the store (so it is fetched again) and the read returns a
// ChunkError matching ErrChunkCorrupt; an absent chunk gives
// ErrChunkMissing. The whole-file SHA-256 is checked too, as far as reads
// go in order: once every chunk has been decrypted in sequence, a mismatch
// fails that read and every later one with ErrContentMismatch. Verify reads
// the whole file to settle it.
type Reader struct {
	s   *Store
	l   *lineage
	m   papers.Manifest
	off []int64

	mu    sync.Mutex
	cache []cached // most recently used last
	// Whole-file hash, fed chunk by chunk in order.
	whole    hash.Hash
	next     int // the chunk the hash waits for
	verified bool
	bad      error

	pos int64 // Read/Seek offset
}

type cached struct {
	i     int
	plain []byte
}

// Open returns a reader of the file m describes. The manifest is validated;
// chunks are opened only when read.
func (s *Store) Open(key papers.LineageKey, m papers.Manifest) (*Reader, error) {
	if err := m.Validate(); err != nil {
		return nil, err
	}
	l, err := newLineage(key)
	if err != nil {
		return nil, err
	}
	r := &Reader{s: s, l: l, m: m, off: m.Offsets(), whole: sha256.New()}
	r.finishHash()
	return r, nil
}

// Size is the file's length.
func (r *Reader) Size() int64 { return r.m.Size }

// Verified reports whether the whole-file hash has been checked and
// matched.
func (r *Reader) Verified() bool {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.verified
}

// ReadAt reads len(p) bytes at offset off, decrypting the chunks it spans.
func (r *Reader) ReadAt(p []byte, off int64) (int, error) {
	if off < 0 {
		return 0, errors.New("blob: negative offset")
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.bad != nil {
		return 0, r.bad
	}
	n := 0
	for n < len(p) && off < r.m.Size {
		i := sort.Search(len(r.m.Chunks), func(i int) bool { return r.off[i+1] > off }) // chunk holding off
		plain, err := r.chunk(i)
		if err != nil {
			return n, err
		}
		c := copy(p[n:], plain[off-r.off[i]:])
		n += c
		off += int64(c)
	}
	if r.bad != nil {
		return n, r.bad
	}
	if n < len(p) {
		return n, io.EOF
	}
	return n, nil
}

// Read reads from the current offset.
func (r *Reader) Read(p []byte) (int, error) {
	if r.pos >= r.m.Size {
		return 0, io.EOF
	}
	n, err := r.ReadAt(p, r.pos)
	r.pos += int64(n)
	if errors.Is(err, io.EOF) && n > 0 {
		err = nil
	}
	return n, err
}

// Seek sets the offset for the next Read, as io.Seeker says.
func (r *Reader) Seek(offset int64, whence int) (int64, error) {
	switch whence {
	case io.SeekStart:
	case io.SeekCurrent:
		offset += r.pos
	case io.SeekEnd:
		offset += r.m.Size
	default:
		return 0, errors.New("blob: invalid whence")
	}
	if offset < 0 {
		return 0, errors.New("blob: negative position")
	}
	r.pos = offset
	return offset, nil
}

// Verify reads the file from start to end, checking every chunk and the
// whole-file hash: for "is this paper sound on this computer" in the
// background, and for tests.
func (r *Reader) Verify() error {
	r.mu.Lock()
	defer r.mu.Unlock()
	for i := range r.m.Chunks {
		if _, err := r.chunk(i); err != nil {
			return err
		}
		if r.bad != nil {
			return r.bad
		}
	}
	if r.bad == nil && !r.verified { // every chunk fed in order: cannot happen
		return errors.New("blob: whole-file hash not reached")
	}
	return r.bad
}

// Close drops the decrypted chunks. The Reader must not be used after.
func (r *Reader) Close() error {
	r.mu.Lock()
	defer r.mu.Unlock()
	for _, c := range r.cache {
		clear(c.plain)
	}
	r.cache = nil
	return nil
}

// chunk returns chunk i's plaintext, from the cache or the store.
func (r *Reader) chunk(i int) ([]byte, error) {
	for k, c := range r.cache {
		if c.i == i {
			r.cache = append(append(r.cache[:k:k], r.cache[k+1:]...), c)
			return c.plain, nil
		}
	}
	plain, err := r.load(i)
	if err != nil {
		return nil, err
	}
	if len(r.cache) == cacheChunks {
		clear(r.cache[0].plain)
		r.cache = r.cache[1:]
	}
	r.cache = append(r.cache, cached{i: i, plain: plain})
	r.feed(i, plain)
	return plain, nil
}

// load reads, decrypts and verifies chunk i. A chunk that does not open is
// removed from the store, so Missing reports it.
func (r *Reader) load(i int) ([]byte, error) {
	ref := r.m.Chunks[i]
	ct, err := r.s.dir.read(ref.ID)
	if err != nil {
		return nil, err
	}
	plain, err := r.l.open(make([]byte, 0, ref.Len), ref.ID, ct)
	if err == nil && len(plain) != ref.Len {
		err = fmt.Errorf("length %d, manifest says %d", len(plain), ref.Len)
	}
	if err != nil {
		r.s.quarantine(ref.ID)
		return nil, chunkErr(ref.ID, ErrChunkCorrupt, err)
	}
	return plain, nil
}

// feed adds chunk i to the whole-file hash if it is the one the hash waits
// for, then any cached chunks that follow it.
func (r *Reader) feed(i int, plain []byte) {
	if i != r.next || r.verified || r.bad != nil {
		return
	}
	r.whole.Write(plain)
	r.next++
	for again := true; again; {
		again = false
		for _, c := range r.cache {
			if c.i == r.next {
				r.whole.Write(c.plain)
				r.next++
				again = true
			}
		}
	}
	r.finishHash()
}

// finishHash compares the hash once every chunk has been fed.
func (r *Reader) finishHash() {
	if r.next != len(r.m.Chunks) || r.verified || r.bad != nil {
		return
	}
	var sum papers.Digest
	r.whole.Sum(sum[:0])
	if subtle.ConstantTimeCompare(sum[:], r.m.SHA256[:]) == 1 {
		r.verified = true
		return
	}
	r.bad = fmt.Errorf("blob: file %s: %w", r.m.SHA256, ErrContentMismatch)
}
