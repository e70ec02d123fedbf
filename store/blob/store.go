package blob

import (
	"crypto/sha256"
	"errors"
	"fmt"
	"io"
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
	dir    *Dir
	opts   Options
	edits  sync.Mutex
	sealed []byte // Put's ciphertext buffer, reused (under edits)
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

// Put reads a file from r to its end, cuts it into content-defined chunks,
// and stores each chunk not already stored, encrypted under the lineage
// key. It returns the file's manifest. It holds at most a few chunks in
// memory, never the whole file.
//
// Chunks are named by a keyed hash, so a chunk shared with an earlier
// version of the same paper is stored once. Each new chunk is synced and
// renamed into place, and their directories synced, before Put returns.
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
	m := papers.Manifest{Chunker: papers.ChunkerFastCDC, Params: p}
	whole := sha256.New()
	var written []papers.ChunkID
	shards := map[string]bool{}
	fail := func(err error) (papers.Manifest, error) {
		for _, id := range written {
			s.dir.remove(id) //nolint:errcheck // best effort: Sweep frees what is left
		}
		return papers.Manifest{}, err
	}
	for {
		chunk, nerr := ch.Next()
		if nerr != nil && !errors.Is(nerr, io.EOF) {
			return fail(fmt.Errorf("blob: read file: %w", nerr))
		}
		if len(chunk) > 0 {
			if m.Size+int64(len(chunk)) > s.opts.MaxFileSize {
				return fail(papers.ErrTooLarge(s.opts.MaxFileSize))
			}
			if len(m.Chunks) == papers.MaxChunks {
				return fail(papers.ErrTooLarge(s.opts.MaxFileSize))
			}
			whole.Write(chunk)
			ref := papers.ChunkRef{ID: l.chunkID(chunk), Len: len(chunk)}
			ok, err := s.present(ref)
			if err != nil {
				return fail(err)
			}
			if !ok {
				s.sealed = l.seal(s.sealed[:0], ref.ID, chunk)
				shard, err := s.dir.write(ref.ID, s.sealed, false)
				if err != nil {
					return fail(err)
				}
				written = append(written, ref.ID)
				shards[shard] = true
			}
			m.Chunks = append(m.Chunks, ref)
			m.Size += int64(len(chunk))
		}
		if nerr != nil { // io.EOF with the last chunk
			break
		}
	}
	for shard := range shards {
		if err := syncDir(shard); err != nil {
			return fail(ioErr("sync "+shard, err))
		}
	}
	whole.Sum(m.SHA256[:0])
	if err := m.Validate(); err != nil { // a chunker bug, not bad input
		return fail(fmt.Errorf("blob: made an invalid manifest: %w", err))
	}
	return m, nil
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

// Sweep removes every stored chunk that no live manifest names: what a
// kill in the middle of an import left, and what recalled papers left.
// live must include the manifests still being downloaded.
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
	return removed, freed, nil
}

// quarantine removes a chunk that failed to open, so that Missing reports it
// and the next download fetches it again.
func (s *Store) quarantine(id papers.ChunkID) {
	s.dir.remove(id) //nolint:errcheck // a read error is already being reported
}
