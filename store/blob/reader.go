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
// recomputed): that check is authoritative. A chunk that fails is moved to
// quarantine (so it is fetched again; a reader given the wrong key by
// mistake deletes nothing until Store.Sweep) and the read returns a ChunkError matching
// ErrChunkCorrupt; an absent chunk gives ErrChunkMissing. The whole-file SHA-256 is checked too, as far as reads
// go in order: once every chunk has been decrypted in sequence, a mismatch
// fails that read and every later one with ErrContentMismatch. Verify reads
// the whole file to settle it.
type Reader struct {
	s   *Store
	l   *lineage
	m   papers.Manifest
	off []int64

	mu    sync.Mutex
	cache []cached  // most recently used last
	free  [][]byte  // buffers of evicted chunks, for the next loads
	pf    *prefetch // the chunk being decrypted ahead, if any
	// Whole-file hash, fed chunk by chunk in order.
	whole    hash.Hash
	next     int // the chunk the hash waits for
	verified bool
	bad      error

	pos int64 // Read/Seek offset
}

type cached struct {
	i     int
	plain []byte // a subslice of buf
	buf   []byte
}

// prefetch is a chunk decrypted ahead on another goroutine while the reader
// goes through the one before it: reading in order (a copy, a viewer paging
// on) then uses both cores. done closes when plain/buf/err are set.
type prefetch struct {
	i          int
	done       chan struct{}
	plain, buf []byte
	err        error
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
	if r.pf != nil {
		<-r.pf.done
		clear(r.pf.buf)
		r.pf = nil
	}
	for _, c := range r.cache {
		clear(c.buf)
	}
	r.cache, r.free = nil, nil
	return nil
}

// chunk returns chunk i's plaintext, from the cache, the prefetch or the
// store, and starts decrypting chunk i+1 ahead if it is not at hand.
func (r *Reader) chunk(i int) ([]byte, error) {
	plain, ok := r.cached(i)
	if !ok {
		var buf []byte
		var err error
		if pf := r.pf; pf != nil {
			<-pf.done
			r.pf = nil
			if pf.i == i {
				plain, buf, err = pf.plain, pf.buf, pf.err
			} else if pf.err == nil {
				r.insert(pf.i, pf.plain, pf.buf) // decrypted anyway: keep it
			}
		}
		if plain == nil && err == nil {
			plain, buf, err = r.load(i, r.takeFree())
		}
		if err != nil {
			return nil, err
		}
		r.insert(i, plain, buf)
	}
	if next := i + 1; next < len(r.m.Chunks) && r.pf == nil {
		if _, have := r.peek(next); !have {
			pf := &prefetch{i: next, done: make(chan struct{})}
			buf := r.takeFree()
			r.pf = pf
			go func() {
				defer close(pf.done)
				pf.plain, pf.buf, pf.err = r.load(next, buf)
			}()
		}
	}
	return plain, nil
}

// cached returns chunk i from the cache, marking it most recently used.
func (r *Reader) cached(i int) ([]byte, bool) {
	for k, c := range r.cache {
		if c.i == i {
			r.cache = append(append(r.cache[:k:k], r.cache[k+1:]...), c)
			return c.plain, true
		}
	}
	return nil, false
}

// peek is cached without changing the order.
func (r *Reader) peek(i int) ([]byte, bool) {
	for _, c := range r.cache {
		if c.i == i {
			return c.plain, true
		}
	}
	return nil, false
}

// insert caches chunk i, evicting the least recently used chunk beyond
// cacheChunks (its buffer is wiped and kept for reuse), and feeds the
// whole-file hash.
func (r *Reader) insert(i int, plain, buf []byte) {
	if _, have := r.peek(i); have {
		return
	}
	if len(r.cache) == cacheChunks {
		old := r.cache[0]
		clear(old.buf)
		r.free = append(r.free, old.buf)
		r.cache = r.cache[1:]
	}
	r.cache = append(r.cache, cached{i: i, plain: plain, buf: buf})
	r.feed(i, plain)
}

// takeFree returns a buffer of an evicted chunk, or nil.
func (r *Reader) takeFree() []byte {
	if len(r.free) == 0 {
		return nil
	}
	b := r.free[len(r.free)-1]
	r.free = r.free[:len(r.free)-1]
	return b
}

// load reads, decrypts and verifies chunk i, into buf's storage if it is
// large enough. A chunk that does not open is moved out of the way
// (Dir.quarantine), so Missing reports it. It touches no Reader state, so a prefetch can run it
// beside the reader.
func (r *Reader) load(i int, buf []byte) (plain, backing []byte, err error) {
	ref := r.m.Chunks[i]
	ct, err := r.s.dir.readInto(ref.ID, buf)
	if err != nil {
		return nil, nil, err
	}
	plain, err = r.l.openInPlace(ref.ID, ct)
	if err != nil {
		r.s.dir.quarantine(ref.ID)
		return nil, nil, chunkErr(ref.ID, ErrChunkCorrupt, err)
	}
	if len(plain) != ref.Len { // the chunk is sound: the manifest is wrong
		return nil, nil, chunkErr(ref.ID, ErrContentMismatch, fmt.Errorf("length %d, manifest says %d", len(plain), ref.Len))
	}
	return plain, ct, nil
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
