package store

import (
	"crypto/cipher"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/binary"
	"fmt"
	"hash/crc32"
	"io"
	"os"
	"path/filepath"
	"sync"
	"time"
)

// The journal is an append-only file of encrypted, checksummed records, one
// per local operation, fsynced before the user is told "saved". It exists
// because Badger, after a kill and one corrupted byte in its write log,
// silently drops every later write on reopen (DESIGN.md §7).
//
// File: magic, then records of
//
//	u32 length of body | u32 CRC-32C of body | body
//	body = u64 seq | 12-byte nonce | AES-256-GCM(payload, aad = seq)

var journalMagic = []byte("ECJOURN1")

const (
	journalHeader    = 8
	recordHeader     = 8
	minRecordBody    = 8 + 12 + 16 // sequence, nonce, GCM tag
	maxJournalRecord = 8 << 20
)

var crcTable = crc32.MakeTable(crc32.Castagnoli)

// JournalRecord is one record read back from the journal.
type JournalRecord struct {
	Seq  uint64
	End  int64 // file offset just past this record
	Data []byte
}

// JournalReport says what opening the journal found.
type JournalReport struct {
	Records   int    // valid records
	LastSeq   uint64 // highest sequence in the journal
	TornTail  bool   // an incomplete last record was cut off (a crash mid-write)
	Damaged   string // non-empty when records past a damaged one were set aside in this file
	Forged    int    // records that fail authentication, skipped when recovering
	DroppedAt int64  // offset of the first bad record, when TornTail or Damaged
}

type journal struct {
	mu      sync.Mutex
	path    string
	f       *os.File
	aead    cipher.AEAD
	size    int64
	lastSeq uint64
	broken  error
	offsets []int64 // end offset of each record, parallel to seqs
	forged  int     // records skipped because they fail authentication
	seqs    []uint64
}

func journalKey(dataKey []byte) []byte {
	m := hmac.New(sha256.New, dataKey)
	m.Write([]byte("ecabinet journal v1"))
	return m.Sum(nil)
}

// openJournal opens (creating if needed) the journal, validates its
// structure, cuts a torn tail, and sets aside the rest of a damaged file.
func openJournal(path string, dataKey []byte) (*journal, JournalReport, error) {
	var rep JournalReport
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		return nil, rep, err
	}
	aead, err := newGCM(journalKey(dataKey))
	if err != nil {
		return nil, rep, err
	}
	f, err := os.OpenFile(path, os.O_CREATE|os.O_RDWR, 0o600)
	if err != nil {
		return nil, rep, fmt.Errorf("open journal: %w", err)
	}
	j := &journal{path: path, f: f, aead: aead}
	st, err := f.Stat()
	if err != nil {
		f.Close()
		return nil, rep, err
	}
	if st.Size() < journalHeader {
		// New, or a crash before the header reached the disk.
		if err := j.reset(); err != nil {
			f.Close()
			return nil, rep, err
		}
		return j, rep, nil
	}
	magic := make([]byte, journalHeader)
	if _, err := f.ReadAt(magic, 0); err != nil || string(magic) != string(journalMagic) {
		f.Close()
		return nil, rep, fmt.Errorf("journal %s: not an eCabinet journal", path)
	}
	good, bad := j.scan(st.Size())
	rep.Records = len(j.seqs)
	rep.LastSeq = j.lastSeq
	if bad >= 0 {
		rep.DroppedAt = bad
		if j.tailOnly(bad, st.Size()) {
			rep.TornTail = true
		} else {
			// Keep the damaged bytes for inspection; continue on a copy of
			// the good prefix so new records stay readable.
			aside := fmt.Sprintf("%s.damaged-%d", path, time.Now().Unix())
			if err := copyPrefix(path, aside, st.Size()); err != nil {
				f.Close()
				return nil, rep, err
			}
			rep.Damaged = aside
		}
		if err := f.Truncate(good); err != nil {
			f.Close()
			return nil, rep, err
		}
		if err := f.Sync(); err != nil {
			f.Close()
			return nil, rep, err
		}
	}
	j.size = good
	return j, rep, nil
}

// scan walks the records and returns the end of the valid prefix and the
// offset of the first bad record (-1 if none).
func (j *journal) scan(size int64) (good int64, bad int64) {
	off := int64(journalHeader)
	hdr := make([]byte, recordHeader)
	for off < size {
		if size-off < recordHeader {
			return off, off
		}
		if _, err := j.f.ReadAt(hdr, off); err != nil {
			return off, off
		}
		n := int64(binary.BigEndian.Uint32(hdr[0:4]))
		if n < minRecordBody || n > maxJournalRecord || off+recordHeader+n > size {
			return off, off
		}
		body := make([]byte, n)
		if _, err := j.f.ReadAt(body, off+recordHeader); err != nil {
			return off, off
		}
		if crc32.Checksum(body, crcTable) != binary.BigEndian.Uint32(hdr[4:8]) {
			return off, off
		}
		seq := binary.BigEndian.Uint64(body[:8])
		if seq <= j.lastSeq {
			return off, off // sequences only grow; anything else is damage
		}
		off += recordHeader + n
		j.lastSeq = seq
		j.seqs = append(j.seqs, seq)
		j.offsets = append(j.offsets, off)
	}
	return off, -1
}

// tailOnly reports whether the bad bytes from off look like one record cut
// short by a crash, rather than damage followed by more data.
//
// A crash can only cut the last record, and a whole header it left is one
// append wrote: a possible length, longer than what follows it. A damaged
// length field can look the same, so one more test: a complete body whose
// checksum matches at a shorter length is a record with a damaged length,
// not a torn one, and must not be cut away unseen.
func (j *journal) tailOnly(off, size int64) bool {
	hdr := make([]byte, recordHeader)
	if size-off < recordHeader {
		return true
	}
	if _, err := j.f.ReadAt(hdr, off); err != nil {
		return true
	}
	n := int64(binary.BigEndian.Uint32(hdr[0:4]))
	if off+recordHeader+n < size {
		return false
	}
	if n < minRecordBody || n > maxJournalRecord {
		return false
	}
	body := make([]byte, min(size-off-recordHeader, maxJournalRecord))
	if _, err := j.f.ReadAt(body, off+recordHeader); err != nil {
		return true
	}
	want := binary.BigEndian.Uint32(hdr[4:8])
	if len(body) < minRecordBody {
		return true
	}
	crc := crc32.Update(0, crcTable, body[:minRecordBody-1])
	for l := minRecordBody; l <= len(body); l++ {
		crc = crc32.Update(crc, crcTable, body[l-1:l])
		if crc == want {
			return false
		}
	}
	return true
}

func (j *journal) reset() error {
	if err := j.f.Truncate(0); err != nil {
		return err
	}
	if _, err := j.f.WriteAt(journalMagic, 0); err != nil {
		return err
	}
	if err := j.f.Sync(); err != nil {
		return err
	}
	j.size = journalHeader
	return syncDir(filepath.Dir(j.path))
}

func copyPrefix(src, dst string, n int64) error {
	in, err := os.Open(src)
	if err != nil {
		return err
	}
	defer in.Close()
	out, err := os.OpenFile(dst, os.O_CREATE|os.O_TRUNC|os.O_WRONLY, 0o600)
	if err != nil {
		return err
	}
	if _, err := io.CopyN(out, in, n); err != nil {
		out.Close()
		return err
	}
	if err := out.Sync(); err != nil {
		out.Close()
		return err
	}
	return out.Close()
}

// ready reports whether append(seq, ...) would be attempted: the journal
// is not broken and seq is past the last record.
func (j *journal) ready(seq uint64) error {
	j.mu.Lock()
	defer j.mu.Unlock()
	return j.readyLocked(seq)
}

// readyLocked is ready with j.mu held.
func (j *journal) readyLocked(seq uint64) error {
	if j.broken != nil {
		return j.broken
	}
	if seq <= j.lastSeq {
		return fmt.Errorf("journal: sequence %d not after %d", seq, j.lastSeq)
	}
	return nil
}

// append writes one record and fsyncs. Sequences must grow. After a failed
// write the journal refuses further appends until reopened, so a gap or torn
// record can never sit in the middle of the file.
func (j *journal) append(seq uint64, payload []byte) error {
	j.mu.Lock()
	defer j.mu.Unlock()
	if err := j.readyLocked(seq); err != nil {
		return err
	}
	var seqb [8]byte
	binary.BigEndian.PutUint64(seqb[:], seq)
	nonce := randBytes(12)
	body := make([]byte, 0, 8+12+len(payload)+16)
	body = append(body, seqb[:]...)
	body = append(body, nonce...)
	body = j.aead.Seal(body, nonce, payload, seqb[:])
	if len(body) > maxJournalRecord {
		return fmt.Errorf("journal: record of %d bytes too large", len(body))
	}
	rec := make([]byte, recordHeader, recordHeader+len(body))
	binary.BigEndian.PutUint32(rec[0:4], uint32(len(body)))
	binary.BigEndian.PutUint32(rec[4:8], crc32.Checksum(body, crcTable))
	rec = append(rec, body...)
	if _, err := j.f.WriteAt(rec, j.size); err != nil {
		j.broken = fmt.Errorf("journal write failed: %w", err)
		return j.broken
	}
	if err := j.f.Sync(); err != nil {
		j.broken = fmt.Errorf("journal sync failed: %w", err)
		return j.broken
	}
	j.size += int64(len(rec))
	j.lastSeq = seq
	j.seqs = append(j.seqs, seq)
	j.offsets = append(j.offsets, j.size)
	return nil
}

// after returns the decrypted records with a sequence greater than seq.
func (j *journal) after(seq uint64) ([]JournalRecord, error) {
	j.mu.Lock()
	defer j.mu.Unlock()
	// Records are in sequence order; find the first one past seq.
	i := 0
	for i < len(j.seqs) && j.seqs[i] <= seq {
		i++
	}
	var out []JournalRecord
	for ; i < len(j.seqs); i++ {
		start := int64(journalHeader)
		if i > 0 {
			start = j.offsets[i-1]
		}
		buf := make([]byte, j.offsets[i]-start)
		if _, err := j.f.ReadAt(buf, start); err != nil {
			return nil, fmt.Errorf("read journal: %w", err)
		}
		body := buf[recordHeader:]
		seqb, nonce, ct := body[:8], body[8:20], body[20:]
		pt, err := j.aead.Open(nil, nonce, ct, seqb)
		if err != nil {
			// Not written with this profile's key: a forged or foreign
			// record. It is skipped (and counted) rather than allowed to
			// lock the user out of their profile.
			j.forged++
			continue
		}
		out = append(out, JournalRecord{Seq: j.seqs[i], End: j.offsets[i], Data: pt})
	}
	return out, nil
}

func (j *journal) last() uint64 {
	j.mu.Lock()
	defer j.mu.Unlock()
	return j.lastSeq
}

func (j *journal) close() error {
	j.mu.Lock()
	defer j.mu.Unlock()
	return j.f.Close()
}
