package blob

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"unsafe"

	"github.com/ecabinet/ecabinet/papers"
)

// ChunkStore keeps encrypted chunks by ID. It is all the hub needs of its
// chunk storage: local files (Dir) or S3-compatible object storage
// (store/blob/s3chunks); store/blob/chunkstoretest is the contract both keep.
// It never sees a key: it stores and returns ciphertext as given.
//
// Get of an absent chunk returns an error matching ErrChunkMissing; the hub
// answers a device that may not fetch a chunk with that same error.
type ChunkStore interface {
	// Has reports whether the chunk is stored.
	Has(ctx context.Context, id papers.ChunkID) (bool, error)
	// Get returns the chunk's ciphertext.
	Get(ctx context.Context, id papers.ChunkID) ([]byte, error)
	// Put stores ciphertext under id, atomically: a reader sees the whole
	// chunk or none. Storing a chunk again replaces it.
	Put(ctx context.Context, id papers.ChunkID, ciphertext []byte) error
	// Delete removes the chunk; deleting an absent chunk is not an error.
	Delete(ctx context.Context, id papers.ChunkID) error
}

// Dir is a ChunkStore in a directory of files, one file per chunk:
//
//	chunks/ab/ab12…ef   the ciphertext of chunk ab12…ef (64 hex digits),
//	                    sharded by its first byte
//	tmp/                chunks being written; emptied when the Dir opens
//	quarantine/ab12…ef  a chunk that failed to open on a read, moved out of
//	                    the way (so it counts as missing and is fetched
//	                    again) rather than deleted; emptied by Store.Sweep
//
// A chunk is written to tmp/, synced, renamed into place and its directory
// synced: a kill at any moment leaves either the whole chunk under its name
// or nothing there (a leftover temp file counts for nothing and is removed
// at the next open). Files are 0600 and directories 0700, whatever the
// umask. One process uses a directory at a time (the profile's lock, the
// hub's lock).
type Dir struct {
	root string
	// wrapWrite, when set, wraps the writer of each chunk file: tests use it
	// to make the disk fill up at a chosen byte.
	wrapWrite func(io.Writer) io.Writer
	// noDirect: the file system refused direct I/O once; writeTemp uses
	// the page cache from then on.
	noDirect atomic.Bool
	// directBytes counts the chunk bytes writeTemp wrote straight to the
	// disk, for the tests that check the downloader's path takes it.
	directBytes atomic.Int64
}

var _ ChunkStore = (*Dir)(nil)

// OpenDir opens (creating if needed) a chunk directory and removes the temp
// files a killed process left behind.
func OpenDir(root string) (*Dir, error) {
	d := &Dir{root: root}
	for _, p := range []string{root, d.chunksDir(), d.tmpDir(), d.quarantineDir()} {
		if err := mkdirPrivate(p); err != nil {
			return nil, ioErr("open "+root, err)
		}
	}
	entries, err := os.ReadDir(d.tmpDir())
	if err != nil {
		return nil, ioErr("open "+root, err)
	}
	for _, e := range entries {
		if err := os.Remove(filepath.Join(d.tmpDir(), e.Name())); err != nil {
			return nil, ioErr("remove leftover "+e.Name(), err)
		}
	}
	return d, nil
}

// Root is the directory the Dir was opened on.
func (d *Dir) Root() string { return d.root }

func (d *Dir) chunksDir() string { return filepath.Join(d.root, "chunks") }
func (d *Dir) tmpDir() string    { return filepath.Join(d.root, "tmp") }
func (d *Dir) quarantineDir() string {
	return filepath.Join(d.root, "quarantine")
}

// quarantine moves chunk id out of chunks/ into quarantine/, replacing an
// earlier quarantined copy. Best effort: the read error that led here is
// what the caller reports.
func (d *Dir) quarantine(id papers.ChunkID) {
	os.Rename(d.path(id), filepath.Join(d.quarantineDir(), id.String())) //nolint:errcheck // see above
}

// clearQuarantine removes the quarantined chunks and returns how many and
// their bytes.
func (d *Dir) clearQuarantine() (n int, size int64, err error) {
	entries, err := os.ReadDir(d.quarantineDir())
	if err != nil {
		return 0, 0, ioErr("read quarantine", err)
	}
	for _, e := range entries {
		if fi, err := e.Info(); err == nil {
			size += fi.Size()
		}
		if err := os.Remove(filepath.Join(d.quarantineDir(), e.Name())); err != nil {
			return n, size, ioErr("clear quarantine", err)
		}
		n++
	}
	return n, size, nil
}

// path is where chunk id lives.
func (d *Dir) path(id papers.ChunkID) string {
	h := id.String()
	return filepath.Join(d.chunksDir(), h[:2], h)
}

// mkdirPrivate creates dir (one level) if needed and makes it 0700.
func mkdirPrivate(dir string) error {
	if err := os.Mkdir(dir, 0o700); err != nil && !errors.Is(err, fs.ErrExist) {
		return err
	}
	return os.Chmod(dir, 0o700)
}

// size returns the length of chunk id's file, and false if there is none.
func (d *Dir) size(id papers.ChunkID) (int64, bool, error) {
	fi, err := os.Stat(d.path(id))
	switch {
	case errors.Is(err, fs.ErrNotExist):
		return 0, false, nil
	case err != nil:
		return 0, false, ioErr("stat chunk", err)
	}
	return fi.Size(), fi.Mode().IsRegular(), nil
}

// read returns chunk id's ciphertext, refusing a file longer than any chunk
// can be (it is not read into memory).
func (d *Dir) read(id papers.ChunkID) ([]byte, error) { return d.readInto(id, nil) }

// readInto is read into buf's storage when it is large enough, so a reader
// of many chunks reuses one buffer.
func (d *Dir) readInto(id papers.ChunkID, buf []byte) ([]byte, error) {
	f, err := os.Open(d.path(id))
	if errors.Is(err, fs.ErrNotExist) {
		return nil, chunkErr(id, ErrChunkMissing, fs.ErrNotExist)
	}
	if err != nil {
		return nil, ioErr("open chunk", err)
	}
	defer f.Close()
	fi, err := f.Stat()
	if err != nil {
		return nil, ioErr("stat chunk", err)
	}
	if fi.Size() > MaxCiphertext {
		return nil, chunkErr(id, ErrChunkCorrupt, errFormat)
	}
	n := int(fi.Size())
	if cap(buf) < n {
		buf = make([]byte, n)
	}
	buf = buf[:n]
	if _, err := io.ReadFull(f, buf); err != nil {
		if errors.Is(err, io.ErrUnexpectedEOF) { // shrank under us: not a whole chunk
			return nil, chunkErr(id, ErrChunkCorrupt, err)
		}
		return nil, ioErr("read chunk", err)
	}
	return buf, nil
}

// write stores ct as chunk id: temp file, fsync, rename. With syncNow the
// shard directory is synced too before write returns; otherwise the caller
// syncs the returned directory (once for many chunks). On any error the
// temp file is removed and no chunk is stored under id.
func (d *Dir) write(id papers.ChunkID, ct []byte, syncNow bool) (shard string, err error) {
	final := d.path(id)
	shard = filepath.Dir(final)
	if err := mkdirPrivate(shard); err != nil {
		return "", writeErr(id, err)
	}
	f, err := os.CreateTemp(d.tmpDir(), "chunk-*")
	if err != nil {
		return "", writeErr(id, err)
	}
	tmp := f.Name()
	defer func() {
		if err != nil {
			f.Close()
			os.Remove(tmp)
		}
	}()
	if err := f.Chmod(0o600); err != nil {
		return "", writeErr(id, err)
	}
	var w io.Writer = f
	if d.wrapWrite != nil {
		w = d.wrapWrite(f)
	}
	if _, err := w.Write(ct); err != nil {
		return "", writeErr(id, err)
	}
	if err := f.Sync(); err != nil {
		return "", writeErr(id, err)
	}
	if err := f.Close(); err != nil {
		return "", writeErr(id, err)
	}
	if err := os.Rename(tmp, final); err != nil {
		return "", writeErr(id, err)
	}
	if syncNow {
		if err := syncDir(shard); err != nil {
			return "", writeErr(id, err)
		}
	}
	return shard, nil
}

// tempChunk is a chunk written to tmp/ but neither synced nor in place
// yet: it counts for nothing until commit renames it.
type tempChunk struct {
	id   papers.ChunkID
	f    *os.File // nil once synced and closed
	path string
	size int64
}

// writeTemp writes ct to a new temp file for chunk id and starts its
// writeback, leaving the file open for commit. On any error nothing is
// left behind.
//
// Where the file system allows it (Linux, O_DIRECT), the chunk goes from
// ct straight to the disk, not through the page cache (directWriter): on
// this kind of machine, a VM whose free memory the host takes back,
// filling fresh page-cache pages cost the downloader 2.5 ms of CPU per
// MiB, more than TLS and the AEAD together, while a direct write costs
// next to none. Durability is the same either way: commit's fsync.
func (d *Dir) writeTemp(id papers.ChunkID, ct []byte) (t *tempChunk, err error) {
	f, direct, err := d.createTemp()
	if err != nil {
		return nil, writeErr(id, err)
	}
	defer func() {
		if err != nil {
			f.Close()
			os.Remove(f.Name())
		}
	}()
	if err := f.Chmod(0o600); err != nil {
		return nil, writeErr(id, err)
	}
	dw := &directWriter{f: f, direct: direct}
	var w io.Writer = dw
	if d.wrapWrite != nil {
		w = d.wrapWrite(dw)
	}
	if _, err := w.Write(ct); err != nil {
		return nil, writeErr(id, err)
	}
	d.directBytes.Add(dw.directBytes)
	startWriteback(f) // what went through the page cache: the tail, or all of it
	return &tempChunk{id: id, f: f, path: f.Name(), size: int64(len(ct))}, nil
}

// createTemp creates a new file in tmp/, opened for direct I/O unless the
// file system refused it before (then direct is false).
func (d *Dir) createTemp() (f *os.File, direct bool, err error) {
	direct = oDirect != 0 && !d.noDirect.Load()
	for range 10000 {
		var r [8]byte
		rand.Read(r[:])
		name := filepath.Join(d.tmpDir(), "chunk-"+hex.EncodeToString(r[:]))
		flag := os.O_RDWR | os.O_CREATE | os.O_EXCL
		if direct {
			flag |= oDirect
		}
		f, err = os.OpenFile(name, flag, 0o600)
		switch {
		case err == nil:
			return f, direct, nil
		case errors.Is(err, fs.ErrExist):
			continue
		case direct && errors.Is(err, syscall.EINVAL):
			// This file system has no direct I/O (tmpfs on older
			// kernels, some FUSE ones): the page cache from now on.
			d.noDirect.Store(true)
			direct = false
			continue
		}
		return nil, false, err
	}
	return nil, false, &fs.PathError{Op: "createtemp", Path: d.tmpDir(), Err: fs.ErrExist}
}

// dioAlign is the alignment direct I/O needs of the memory, the file
// offset and the length it writes: 4096 covers every disk's logical block.
const dioAlign = 4096

// directWriter writes a file opened for direct I/O: the longest aligned
// run of each write straight to the disk, and what cannot be aligned (the
// chunk's tail, shorter than a block, or a buffer that is not aligned)
// through the page cache, after turning direct I/O off on the file. It
// keeps the page cache for good after a direct write the file system
// refuses (EINVAL). Not direct, it is the plain file.
type directWriter struct {
	f      *os.File
	direct bool
	off    int64
	// directBytes counts what went straight to the disk.
	directBytes int64
}

func (w *directWriter) Write(p []byte) (int, error) {
	n := 0
	if w.direct {
		k := len(p) &^ (dioAlign - 1)
		if k > 0 && w.off%dioAlign == 0 && aligned(p) {
			m, err := w.f.Write(p[:k])
			n += m
			w.off += int64(m)
			w.directBytes += int64(m)
			if err != nil && (m > 0 || !errors.Is(err, syscall.EINVAL)) {
				return n, err
			}
		}
		if n == len(p) {
			return n, nil
		}
		if err := setDirect(w.f, false); err != nil {
			return n, err
		}
		w.direct = false
	}
	m, err := w.f.Write(p[n:])
	w.off += int64(m)
	return n + m, err
}

// aligned reports whether p starts on a dioAlign boundary in memory.
func aligned(p []byte) bool {
	return uintptr(unsafe.Pointer(unsafe.SliceData(p)))%dioAlign == 0
}

// ChunkBuffer returns a buffer of length n, aligned in memory so that a
// chunk fetched into it goes from it straight to the disk (Batch.PutChunk,
// direct I/O). Any buffer works; this one spares the page cache.
func ChunkBuffer(n int) []byte {
	b := make([]byte, n+dioAlign)
	off := 0
	if r := int(uintptr(unsafe.Pointer(unsafe.SliceData(b))) % dioAlign); r != 0 {
		off = dioAlign - r
	}
	return b[off : off+n]
}

// commitWorkers bounds the fsyncs a commit runs at once.
const commitWorkers = 16

// commit makes temp chunks durable and puts them in place: every file is
// synced, the syncs running concurrently so that the file system folds
// them into a few journal commits instead of one each (on this machine's
// disk one fsync costs about 30 ms, whatever it flushes); then each is
// renamed to its name and the directories they landed in are synced. Only
// then does a chunk count (Store.Missing), so a chunk that counts is whole
// and durable, and a kill at any moment leaves each one whole or absent.
// It returns the chunks put in place; on error the others are removed.
func (d *Dir) commit(ts []*tempChunk) (done []*tempChunk, err error) {
	if len(ts) == 0 {
		return nil, nil
	}
	errs := make([]error, len(ts))
	parallel(len(ts), func(i int) {
		t := ts[i]
		if err := t.f.Sync(); err != nil {
			errs[i] = writeErr(t.id, err)
			return
		}
		if err := t.f.Close(); err != nil {
			errs[i] = writeErr(t.id, err)
		}
		t.f = nil
	})
	shards := map[string]bool{}
	newShard := false // a shard directory made now: its entry in chunks/ needs a sync too
	for i, t := range ts {
		if errs[i] == nil {
			final := d.path(t.id)
			shard := filepath.Dir(final)
			var err error
			if !shards[shard] {
				if err = os.Mkdir(shard, 0o700); err == nil {
					newShard = true
				} else if errors.Is(err, fs.ErrExist) {
					err = nil
				}
				if err == nil {
					err = os.Chmod(shard, 0o700)
				}
			}
			if err != nil {
				errs[i] = writeErr(t.id, err)
			} else if err := os.Rename(t.path, final); err != nil {
				errs[i] = writeErr(t.id, err)
			} else {
				shards[shard] = true
				done = append(done, t)
				continue
			}
		}
		if err == nil {
			err = errs[i]
		}
		if t.f != nil {
			t.f.Close()
		}
		os.Remove(t.path)
	}
	dirs := make([]string, 0, len(shards)+1)
	for s := range shards {
		dirs = append(dirs, s)
	}
	if newShard {
		dirs = append(dirs, d.chunksDir())
	}
	derrs := make([]error, len(dirs))
	parallel(len(dirs), func(i int) { derrs[i] = syncDir(dirs[i]) })
	for i, e := range derrs {
		if e != nil {
			// The renames may not be durable: nothing of this commit counts
			// as done (the chunks stay, whole, and are checked on every read).
			return nil, ioErr("sync "+dirs[i], e)
		}
	}
	return done, err
}

// parallel runs fn(0..n-1) on at most commitWorkers goroutines.
func parallel(n int, fn func(i int)) {
	if n == 1 {
		fn(0)
		return
	}
	next := make(chan int)
	var wg sync.WaitGroup
	for range min(n, commitWorkers) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range next {
				fn(i)
			}
		}()
	}
	for i := range n {
		next <- i
	}
	close(next)
	wg.Wait()
}

// remove deletes chunk id's file and returns how many bytes it held.
func (d *Dir) remove(id papers.ChunkID) (int64, error) {
	p := d.path(id)
	fi, err := os.Stat(p)
	if errors.Is(err, fs.ErrNotExist) {
		return 0, nil
	}
	if err != nil {
		return 0, ioErr("stat chunk", err)
	}
	if err := os.Remove(p); err != nil && !errors.Is(err, fs.ErrNotExist) {
		return 0, ioErr("remove chunk", err)
	}
	return fi.Size(), nil
}

// walk calls fn for every stored chunk with its file size. Files whose name
// is not a chunk ID (nothing we wrote) are skipped.
func (d *Dir) walk(fn func(id papers.ChunkID, size int64) error) error {
	return filepath.WalkDir(d.chunksDir(), func(p string, e fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if e.IsDir() {
			return nil
		}
		id, perr := papers.ParseChunkID(e.Name())
		if perr != nil || !strings.HasPrefix(e.Name(), filepath.Base(filepath.Dir(p))) {
			return nil
		}
		fi, err := e.Info()
		if err != nil {
			return err
		}
		return fn(id, fi.Size())
	})
}

// Has reports whether chunk id is stored (whatever its content: only a
// key can tell whether it is sound).
func (d *Dir) Has(_ context.Context, id papers.ChunkID) (bool, error) {
	_, ok, err := d.size(id)
	return ok, err
}

// Get returns chunk id's ciphertext, or an error matching ErrChunkMissing,
// or ErrChunkCorrupt for a file that is not a whole chunk of a known format
// (all that can be checked without the key).
func (d *Dir) Get(_ context.Context, id papers.ChunkID) ([]byte, error) {
	ct, err := d.read(id)
	if err != nil {
		return nil, err
	}
	if err := CheckCiphertext(id, ct); err != nil {
		return nil, err
	}
	return ct, nil
}

// ChunkOpener is what a ChunkStore may offer beside Get: a chunk opened
// for streaming, so that the hub sends it as it reads it instead of
// holding it whole in memory first. Dir offers it.
type ChunkOpener interface {
	// OpenChunk opens chunk id's ciphertext, checked as Get checks it,
	// and returns its length. The caller closes it.
	OpenChunk(ctx context.Context, id papers.ChunkID) (io.ReadSeekCloser, int64, error)
}

var _ ChunkOpener = (*Dir)(nil)

// OpenChunk opens chunk id's file after the checks Get makes (its length
// and format byte), without reading the rest.
func (d *Dir) OpenChunk(_ context.Context, id papers.ChunkID) (io.ReadSeekCloser, int64, error) {
	f, err := os.Open(d.path(id))
	if errors.Is(err, fs.ErrNotExist) {
		return nil, 0, chunkErr(id, ErrChunkMissing, fs.ErrNotExist)
	}
	if err != nil {
		return nil, 0, ioErr("open chunk", err)
	}
	fi, err := f.Stat()
	if err != nil {
		f.Close()
		return nil, 0, ioErr("stat chunk", err)
	}
	var first [1]byte
	if fi.Size() < Overhead+1 || fi.Size() > MaxCiphertext {
		f.Close()
		return nil, 0, chunkErr(id, ErrChunkCorrupt, errFormat)
	}
	if _, err := f.ReadAt(first[:], 0); err != nil || first[0] != formatV1 {
		f.Close()
		return nil, 0, chunkErr(id, ErrChunkCorrupt, errFormat)
	}
	return f, fi.Size(), nil
}

// CheckCiphertext checks what can be checked of chunk id's ciphertext
// without its key, its format byte and its length, and returns an error
// matching ErrChunkCorrupt when they are wrong. Every ChunkStore checks it
// on Put and Get.
func CheckCiphertext(id papers.ChunkID, ct []byte) error {
	if err := checkForm(ct); err != nil {
		return chunkErr(id, ErrChunkCorrupt, err)
	}
	return nil
}

// Put stores ciphertext under id after checking what can be checked
// without a key: its format byte and length. It is durable when Put
// returns.
func (d *Dir) Put(_ context.Context, id papers.ChunkID, ciphertext []byte) error {
	if err := CheckCiphertext(id, ciphertext); err != nil {
		return err
	}
	_, err := d.write(id, ciphertext, true)
	return err
}

// Delete removes chunk id; an absent chunk is not an error.
func (d *Dir) Delete(_ context.Context, id papers.ChunkID) error {
	_, err := d.remove(id)
	return err
}

// String names the Dir for logs.
func (d *Dir) String() string { return fmt.Sprintf("blob.Dir(%s)", d.root) }
