package store

import (
	"bytes"
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"runtime/debug"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	badger "github.com/dgraph-io/badger/v4"

	"github.com/ecabinet/ecabinet/codec"
)

// SchemaVersion is the layout version this code writes. Open refuses a
// newer one and migrates an older one.
const SchemaVersion = 1

// Store is one opened profile.
type Store struct {
	dir     string
	lock    *os.File
	db      *badger.DB
	journal *journal
	report  JournalReport
	stopGC  context.CancelFunc
	gcDone  chan struct{}
	// life guards the database against Close while an operation is in
	// flight: a background job (indexing a paper, making a book) may still
	// be writing when the window closes, and Badger panics, rather than
	// failing, on a Sync after its Close. Each operation enters (and is
	// refused with ErrClosed once Close has begun); Close waits for those
	// inside to leave. A counter, not an RWMutex, so that an operation that
	// calls another from within its transaction cannot deadlock a Close
	// waiting between the two.
	life     sync.Mutex
	idle     *sync.Cond // signalled when inflight drops to 0
	inflight int
	closed   bool
	// reads counts the keys read (Reads).
	reads atomic.Uint64
}

// Reads counts the keys read since the store was opened (each Get, GetRaw
// or Has, each key an iteration visits). It lets a test check that a path
// meant to be served from memory does not touch the database, and how much
// a page costs, without timing it.
func (s *Store) Reads() uint64 { return s.reads.Load() }

// Exists reports whether dir holds a profile.
func Exists(dir string) bool {
	_, err := os.Stat(filepath.Join(dir, "keyfile"))
	return err == nil
}

// Create makes a new profile in dir, protected by pass.
func Create(dir string, pass []byte) (*Store, error) {
	if len(pass) < MinPassphraseLen {
		return nil, ErrWeakPassphrase
	}
	privateUmask()
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return nil, fmt.Errorf("create profile directory: %w", err)
	}
	lock, err := lockProfile(dir)
	if err != nil {
		return nil, err
	}
	if Exists(dir) {
		unlockProfile(lock)
		return nil, ErrProfileExists
	}
	// A crash during an earlier Create can leave a database without a
	// keyfile; it holds nothing the user was told about, so start over.
	_ = os.RemoveAll(filepath.Join(dir, "db"))
	_ = os.RemoveAll(filepath.Join(dir, "journal"))
	dataKey := randBytes(32)
	k, err := wrapKey(pass, dataKey)
	if err != nil {
		unlockProfile(lock)
		return nil, err
	}
	s, err := openWithKey(dir, lock, dataKey)
	if err != nil {
		unlockProfile(lock)
		return nil, err
	}
	if err := s.Update(func(tx *Tx) error { return tx.PutMeta(MetaSchema, uint64(SchemaVersion)) }); err != nil {
		s.Close()
		return nil, err
	}
	// The keyfile is written last: its presence is what makes a profile.
	if err := writeKeyfile(dir, k); err != nil {
		s.Close()
		return nil, fmt.Errorf("write key file: %w", err)
	}
	return s, nil
}

// Open unlocks the profile in dir. A wrong passphrase or a profile open
// elsewhere returns an error before anything on disk is touched.
func Open(dir string, pass []byte) (*Store, error) {
	if !Exists(dir) {
		return nil, ErrNoProfile
	}
	privateUmask()
	lock, err := lockProfile(dir)
	if err != nil {
		return nil, err
	}
	k, err := readKeyfile(dir)
	if err != nil {
		unlockProfile(lock)
		return nil, err
	}
	dataKey, err := unwrapKey(pass, k)
	// Argon2id's 64 MiB are garbage now: give them back to the system
	// instead of letting an idle desktop app carry them.
	debug.FreeOSMemory()
	if err != nil {
		unlockProfile(lock)
		return nil, err
	}
	s, err := openWithKey(dir, lock, dataKey)
	if err != nil {
		unlockProfile(lock)
		return nil, err
	}
	var schema uint64
	if err := s.View(func(tx *Tx) error { return tx.GetMeta(MetaSchema, &schema) }); err != nil && !errors.Is(err, ErrNotFound) {
		s.Close()
		return nil, err
	}
	if schema > SchemaVersion {
		s.Close()
		return nil, ErrNewerSchema
	}
	return s, nil
}

// ChangePassphrase re-wraps the data key under a new passphrase. The data
// itself is not rewritten.
func (s *Store) ChangePassphrase(old, new []byte) error {
	if len(new) < MinPassphraseLen {
		return ErrWeakPassphrase
	}
	k, err := readKeyfile(s.dir)
	if err != nil {
		return err
	}
	dataKey, err := unwrapKey(old, k)
	if err != nil {
		return err
	}
	nk, err := wrapKey(new, dataKey)
	if err != nil {
		return err
	}
	return writeKeyfile(s.dir, nk)
}

// Badger's index cache: with encryption every table's index and Bloom
// filter (~6% of the table, measured) is decrypted into the index cache on
// each use, so once a store's indexes outgrow it (a hub of ten bodies
// holds ~300 MB of tables, ~18 MB of indexes) each point look-up decrypts
// indexes again, a cost per read that grows with the whole store (in
// BenchmarkShareOfTenBodies the pulls' index work fell from 0.90 s to
// 0.39 s of CPU with the cache sized). The cache is sized at open to the
// tables on disk, with room to grow; a desktop's year (~40 MB) keeps the
// small one. The block cache stays small: a pull reads each block of its
// share about once, and a bigger one measured no faster.
const (
	minIndexCache = 4 << 20
	maxIndexCache = 256 << 20
)

// indexCacheSize is the index cache for tables bytes of tables on disk.
func indexCacheSize(tables int64) int64 {
	return min(max(tables/8, minIndexCache), maxIndexCache)
}

// tablesSize is the size of the database's table files in dbDir.
func tablesSize(dbDir string) int64 {
	entries, err := os.ReadDir(dbDir)
	if err != nil {
		return 0
	}
	var n int64
	for _, e := range entries {
		if !strings.HasSuffix(e.Name(), ".sst") {
			continue
		}
		if info, err := e.Info(); err == nil {
			n += info.Size()
		}
	}
	return n
}

func badgerOptions(dir string, key []byte) badger.Options {
	return badger.DefaultOptions(filepath.Join(dir, "db")).
		// Every commit is made durable explicitly (Update syncs; a journaled
		// commit is covered by its fsynced journal record), so Badger's own
		// per-commit sync would only add a second, sequential flush to the
		// path of a saved answer.
		WithSyncWrites(false).
		WithEncryptionKey(key).
		WithEncryptionKeyRotationDuration(30 * 24 * time.Hour).
		// Without an index cache an encrypted DB panics at Close.
		WithIndexCacheSize(indexCacheSize(tablesSize(filepath.Join(dir, "db")))).
		WithBlockCacheSize(4 << 20).
		WithMemTableSize(8 << 20).
		WithNumMemtables(2).
		WithNumLevelZeroTables(2).
		WithNumLevelZeroTablesStall(8).
		WithBaseTableSize(2 << 20).
		WithValueLogFileSize(32 << 20).
		WithValueThreshold(4 << 10).
		WithNumCompactors(2).
		WithNumVersionsToKeep(1).
		WithLogger(slogLogger{slog.Default()})
}

func openWithKey(dir string, lock *os.File, dataKey []byte) (*Store, error) {
	if err := removeEmptyLogs(filepath.Join(dir, "db")); err != nil {
		return nil, fmt.Errorf("open database: %w", err)
	}
	// Before Badger opens: a restored profile's loose modes are fixed
	// before anything is read from it (see private.go).
	if err := privateTree(dir); err != nil {
		return nil, fmt.Errorf("make profile private: %w", err)
	}
	db, err := badger.Open(badgerOptions(dir, dataKey))
	if err != nil {
		return nil, fmt.Errorf("open database: %w", err)
	}
	j, rep, err := openJournal(filepath.Join(dir, "journal", "ops.log"), dataKey)
	if err != nil {
		db.Close()
		return nil, err
	}
	ctx, cancel := context.WithCancel(context.Background())
	s := &Store{dir: dir, lock: lock, db: db, journal: j, report: rep, stopGC: cancel, gcDone: make(chan struct{})}
	s.idle = sync.NewCond(&s.life)
	go s.gcLoop(ctx)
	return s, nil
}

// Dir is the profile directory.
func (s *Store) Dir() string { return s.dir }

// JournalReport tells what opening the journal found.
func (s *Store) JournalReport() JournalReport { return s.report }

// gcLoop reclaims value-log space in the background; Badger only returns
// space through value-log GC.
func (s *Store) gcLoop(ctx context.Context) {
	defer close(s.gcDone)
	t := time.NewTicker(10 * time.Minute)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
			for ctx.Err() == nil && s.db.RunValueLogGC(0.5) == nil {
			}
		}
	}
}

// ErrClosed is returned by an operation on a store that Close has begun
// to close: the work of a background job that outlived its window.
var ErrClosed = errors.New("store: the profile is closed")

// enter admits one operation unless Close has begun; leave must follow.
func (s *Store) enter() error {
	s.life.Lock()
	defer s.life.Unlock()
	if s.closed {
		return ErrClosed
	}
	s.inflight++
	return nil
}

func (s *Store) leave() {
	s.life.Lock()
	defer s.life.Unlock()
	if s.inflight--; s.inflight == 0 {
		s.idle.Broadcast()
	}
}

// guard runs fn as one admitted operation.
func (s *Store) guard(fn func() error) error {
	if err := s.enter(); err != nil {
		return err
	}
	defer s.leave()
	return fn()
}

// Close flushes and releases the profile, after waiting for the
// operations in flight; later ones get ErrClosed. It is safe to call twice.
func (s *Store) Close() error {
	s.life.Lock()
	if s.closed {
		s.life.Unlock()
		return nil
	}
	s.closed = true
	for s.inflight > 0 {
		s.idle.Wait()
	}
	s.life.Unlock()
	s.stopGC()
	<-s.gcDone
	err := s.db.Close()
	if jerr := s.journal.close(); err == nil {
		err = jerr
	}
	unlockProfile(s.lock)
	return err
}

// Tx is a read or read-write transaction.
type Tx struct {
	txn   *badger.Txn
	reads *atomic.Uint64 // the store's count of keys read
}

// View runs fn in a read-only transaction.
func (s *Store) View(fn func(*Tx) error) error {
	return s.guard(func() error {
		return s.db.View(func(txn *badger.Txn) error { return fn(&Tx{txn: txn, reads: &s.reads}) })
	})
}

// Update runs fn in a read-write transaction and commits it durably.
//
// It returns once the commit is on disk.
func (s *Store) Update(fn func(*Tx) error) error {
	return s.guard(func() error {
		if err := s.db.Update(func(txn *badger.Txn) error { return fn(&Tx{txn: txn, reads: &s.reads}) }); err != nil {
			return err
		}
		return s.db.Sync()
	})
}

// UpdateUnsynced commits like Update but returns before the commit is
// flushed to disk. It is for data that can be fetched again, such as pages
// of the hub's log: an operating-system crash may lose the latest of these
// commits, each whole (Badger replays its write-ahead log up to the last
// complete transaction), never part of one. Sync, or any later Update,
// makes them durable.
func (s *Store) UpdateUnsynced(fn func(*Tx) error) error {
	return s.guard(func() error {
		return s.db.Update(func(txn *badger.Txn) error { return fn(&Tx{txn: txn, reads: &s.reads}) })
	})
}

// Settle flushes what is in memory and compacts the database into as few
// levels as it will go: the state a long-running store reaches by itself,
// reached at once after a bulk load, so that reads are not served from
// (and do not compete with) a backlog of unmerged tables.
func (s *Store) Settle() error {
	return s.guard(func() error {
		if err := s.db.Flatten(2); err != nil {
			return err
		}
		return s.db.Sync()
	})
}

// Sync flushes every commit so far to disk.
func (s *Store) Sync() error { return s.guard(s.db.Sync) }

// CommitJournaled saves one local operation durably: fn applies it in a
// transaction (an error from fn aborts with nothing written anywhere); then
// the journal record and the transaction, which also advances the
// high-water mark to seq, are flushed in parallel. It returns once both are
// on disk.
func (s *Store) CommitJournaled(seq uint64, record []byte, fn func(*Tx) error) error {
	if err := s.enter(); err != nil {
		return err
	}
	defer s.leave()
	// The journal would refuse this record only after Badger had committed
	// (and moved the high-water mark back): refuse before writing anything.
	if err := s.journal.ready(seq); err != nil {
		return fmt.Errorf("save to journal: %w", err)
	}
	txn := s.db.NewTransaction(true)
	defer txn.Discard()
	tx := &Tx{txn: txn, reads: &s.reads}
	if err := fn(tx); err != nil {
		return err
	}
	if err := tx.PutMeta(MetaHWM, seq); err != nil {
		return err
	}
	jerr := make(chan error, 1)
	go func() { jerr <- s.journal.append(seq, record) }()
	cerr := txn.Commit()
	if err := <-jerr; err != nil {
		return fmt.Errorf("save to journal: %w", err)
	}
	if cerr != nil {
		// The journal has it: the next open restores it from there.
		return fmt.Errorf("save to database: %w", cerr)
	}
	return nil
}

// Recover returns the journal records that Badger has not confirmed (a
// sequence above the stored high-water mark), for the caller to re-apply
// with CommitRecovered.
func (s *Store) Recover() ([]JournalRecord, error) {
	var hwm uint64
	if err := s.View(func(tx *Tx) error { return tx.GetMeta(MetaHWM, &hwm) }); err != nil && !errors.Is(err, ErrNotFound) {
		return nil, err
	}
	recs, err := s.journal.after(hwm)
	s.report.Forged = s.journal.forged
	return recs, err
}

// CommitRecovered applies re-read journal records in one transaction and
// moves the high-water mark past them; nothing new is journaled.
func (s *Store) CommitRecovered(upTo uint64, fn func(*Tx) error) error {
	return s.Update(func(tx *Tx) error {
		if err := fn(tx); err != nil {
			return err
		}
		return tx.PutMeta(MetaHWM, upTo)
	})
}

// JournalLastSeq is the highest sequence in the journal.
func (s *Store) JournalLastSeq() uint64 { return s.journal.last() }

// Get reads the CBOR record under key into v.
func (tx *Tx) Get(key []byte, v any) error {
	tx.reads.Add(1)
	item, err := tx.txn.Get(key)
	if errors.Is(err, badger.ErrKeyNotFound) {
		return ErrNotFound
	}
	if err != nil {
		return err
	}
	return item.Value(func(b []byte) error { return codec.Unmarshal(b, v) })
}

// GetRaw returns a copy of the bytes under key.
func (tx *Tx) GetRaw(key []byte) ([]byte, error) {
	tx.reads.Add(1)
	item, err := tx.txn.Get(key)
	if errors.Is(err, badger.ErrKeyNotFound) {
		return nil, ErrNotFound
	}
	if err != nil {
		return nil, err
	}
	return item.ValueCopy(nil)
}

// Put stores v under key as CBOR.
func (tx *Tx) Put(key []byte, v any) error {
	b, err := codec.Marshal(v)
	if err != nil {
		return err
	}
	return tx.txn.Set(key, b)
}

// PutRaw stores bytes under key.
func (tx *Tx) PutRaw(key, val []byte) error { return tx.txn.Set(key, val) }

// Has reports whether key exists.
func (tx *Tx) Has(key []byte) (bool, error) {
	tx.reads.Add(1)
	_, err := tx.txn.Get(key)
	if errors.Is(err, badger.ErrKeyNotFound) {
		return false, nil
	}
	return err == nil, err
}

// Delete removes key.
func (tx *Tx) Delete(key []byte) error { return tx.txn.Delete(key) }

// Each calls fn with every key and value under prefix, in key order. The
// slices are only valid during the call.
func (tx *Tx) Each(prefix []byte, fn func(key, val []byte) error) error {
	return tx.EachFrom(prefix, prefix, func(k, v []byte) (bool, error) { return true, fn(k, v) })
}

// EachFrom calls fn with the keys and values under prefix starting at
// start, in key order, while fn returns true.
func (tx *Tx) EachFrom(prefix, start []byte, fn func(key, val []byte) (bool, error)) error {
	it := tx.txn.NewIterator(badger.IteratorOptions{Prefix: prefix, PrefetchValues: true, PrefetchSize: 64})
	defer it.Close()
	for it.Seek(start); it.ValidForPrefix(prefix); it.Next() {
		tx.reads.Add(1)
		item := it.Item()
		more := true
		err := item.Value(func(v []byte) error {
			var err error
			more, err = fn(item.Key(), v)
			return err
		})
		if err != nil {
			return err
		}
		if !more {
			return nil
		}
	}
	return nil
}

// WriteBatch writes key/value pairs in one batched, unsynchronised write
// (synced when it finishes): the cheapest way to put many records in, the
// floor that bulk paths are measured against.
func (s *Store) WriteBatch(keys, vals [][]byte) error {
	if err := s.enter(); err != nil {
		return err
	}
	defer s.leave()
	wb := s.db.NewWriteBatch()
	defer wb.Cancel()
	for i := range keys {
		if err := wb.Set(keys[i], vals[i]); err != nil {
			return err
		}
	}
	if err := wb.Flush(); err != nil {
		return err
	}
	return s.db.Sync()
}

// Meta names.
const (
	MetaSchema = "schema"
	MetaHWM    = "hwm"
)

// GetMeta reads a metadata value.
func (tx *Tx) GetMeta(name string, v any) error { return tx.Get(metaKey(name), v) }

// PutMeta writes a metadata value.
func (tx *Tx) PutMeta(name string, v any) error { return tx.Put(metaKey(name), v) }

func metaKey(name string) []byte { return append([]byte("meta/"), name...) }

// Key joins parts into a key: "kind/part1/part2". IDs never contain '/'.
func Key(parts ...string) []byte {
	var b bytes.Buffer
	for i, p := range parts {
		if i > 0 {
			b.WriteByte('/')
		}
		b.WriteString(p)
	}
	return b.Bytes()
}

// SeqKey is a key whose last part is a big-endian number, so that keys sort
// in numeric order.
func SeqKey(prefix string, n uint64) []byte {
	k := append([]byte(prefix), '/')
	return binary.BigEndian.AppendUint64(k, n)
}

type slogLogger struct{ l *slog.Logger }

func (s slogLogger) Errorf(f string, a ...any)   { s.l.Error(fmt.Sprintf("badger: "+f, a...)) }
func (s slogLogger) Warningf(f string, a ...any) { s.l.Warn(fmt.Sprintf("badger: "+f, a...)) }
func (slogLogger) Infof(string, ...any)          {}
func (slogLogger) Debugf(string, ...any)         {}

// removeEmptyLogs deletes empty write-ahead (.mem) and value (.vlog) log
// files. A process killed between creating such a file and sizing it leaves
// it empty, and Badger then refuses to open the directory ("Create a new
// file"). An empty file holds nothing, not even its header, so nothing is
// lost; Badger creates it again when it needs it.
func removeEmptyLogs(dbDir string) error {
	entries, err := os.ReadDir(dbDir)
	if err != nil {
		if errors.Is(err, os.ErrNotExist) {
			return nil
		}
		return err
	}
	for _, e := range entries {
		name := e.Name()
		if e.IsDir() || !(strings.HasSuffix(name, ".mem") || strings.HasSuffix(name, ".vlog")) {
			continue
		}
		info, err := e.Info()
		if err != nil {
			return err
		}
		if info.Size() == 0 {
			if err := os.Remove(filepath.Join(dbDir, name)); err != nil {
				return err
			}
		}
	}
	return nil
}
