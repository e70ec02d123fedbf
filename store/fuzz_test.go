package store

import (
	"bytes"
	"errors"
	"math"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/ecabinet/ecabinet/codec"
)

// FuzzJournalOpen writes the magic header and then arbitrary bytes as a
// journal, and opens it. Opening never panics and never fails on a file
// with the right magic; a set-aside file holds exactly the bytes found; no
// record is returned unless it authenticates (every authentic record in the
// corpus holds payload(seq)); and afterwards the file is a valid journal:
// an append succeeds, reads back, and a reopen finds it with no damage.
func FuzzJournalOpen(f *testing.F) {
	seedDir := f.TempDir()
	tail := func(name string, key []byte, n int, damage func(b []byte, ends []int64) []byte) {
		path := filepath.Join(seedDir, name, "ops.log")
		ends := writeJournal(f, path, key, n)
		b := readFile(f, path)
		if damage != nil {
			b = damage(b, ends)
		}
		f.Add(b[journalHeader:])
	}
	tail("empty", keyA, 0, nil)
	tail("three", keyA, 3, nil)
	tail("torn", keyA, 3, func(b []byte, e []int64) []byte { return b[:e[1]+50] })
	tail("middle", keyA, 3, func(b []byte, e []int64) []byte { b[e[0]+40] ^= 0xff; return b })
	tail("length", keyA, 3, func(b []byte, e []int64) []byte { b[e[0]+1] ^= 0x01; return b })
	tail("otherkey", keyB, 2, nil)
	tail("mixed", keyA, 2, func(b []byte, e []int64) []byte {
		other := filepath.Join(seedDir, "mixed-b", "ops.log")
		writeJournal(f, other, keyB, 3)
		ob := readFile(f, other)
		return append(b, ob[e[1]:]...) // keyB's record 3 after keyA's 1 and 2
	})
	f.Add([]byte{0, 0, 0, 0})
	f.Add(bytes.Repeat([]byte{0}, 600))

	dir := fuzzDir(f)
	path := filepath.Join(dir, "ops.log")
	f.Fuzz(func(t *testing.T, data []byte) {
		if olds, _ := filepath.Glob(path + ".damaged-*"); len(olds) > 0 {
			for _, o := range olds {
				os.Remove(o)
			}
		}
		found := append(append([]byte(nil), journalMagic...), data...)
		writeFile(t, path, found)

		j, rep, err := openJournal(path, keyA)
		if err != nil {
			t.Fatalf("openJournal: %v", err)
		}
		defer func() { j.close() }()
		if rep.Damaged != "" {
			if got := readFile(t, rep.Damaged); !bytes.Equal(got, found) {
				t.Fatalf("set-aside file holds %d bytes, want the %d found", len(got), len(found))
			}
		}
		if rep.Records != len(j.seqs) || rep.LastSeq != j.last() || fileSize(t, path) != j.size {
			t.Fatalf("report %+v disagrees with the journal: %d records, last %d, size %d of %d",
				rep, len(j.seqs), j.last(), j.size, fileSize(t, path))
		}
		recs, err := j.after(0)
		if err != nil && !strings.Contains(err.Error(), "authentication") {
			t.Fatalf("after(0): %v", err)
		}
		for i, r := range recs {
			if !bytes.Equal(r.Data, payload(r.Seq)) {
				t.Fatalf("record %d (seq %d) returned with data no one wrote: %q", i, r.Seq, r.Data)
			}
			if i > 0 && r.Seq <= recs[i-1].Seq {
				t.Fatalf("sequences out of order: %d after %d", r.Seq, recs[i-1].Seq)
			}
		}
		if rep.LastSeq == math.MaxUint64 {
			return // only a record with a forged checksum gets here; nothing can follow it
		}
		next := rep.LastSeq + 1
		fresh := []byte("bản ghi sau khi mở")
		if err := j.append(next, fresh); err != nil {
			t.Fatalf("append(%d) after open: %v", next, err)
		}
		got, err := j.after(rep.LastSeq)
		if err != nil || len(got) != 1 || got[0].Seq != next || !bytes.Equal(got[0].Data, fresh) {
			t.Fatalf("after(%d) = %+v, %v; want the appended record", rep.LastSeq, got, err)
		}
		j.close()
		j, rep2, err := openJournal(path, keyA)
		if err != nil {
			t.Fatalf("reopen: %v", err)
		}
		if want := (JournalReport{Records: rep.Records + 1, LastSeq: next}); rep2 != want {
			t.Fatalf("reopen report = %+v, want %+v", rep2, want)
		}
	})
}

// FuzzKeyfile opens a profile whose keyfile holds arbitrary bytes. Open
// never panics and fails with ErrCorruptKeyfile or ErrWrongPassphrase,
// except for the profile's own keyfile, which opens it. (Other encodings of
// the same fields would open it too; they are skipped as slow and
// uninteresting.)
func FuzzKeyfile(f *testing.F) {
	// Every fuzz worker is its own process with its own profile, and the
	// seed inputs come from another: the profile must be the same bytes in
	// all of them (fixed data key, salt and nonce).
	dir := filepath.Join(fuzzDir(f), "profile")
	fixed := cheapWrapWith(f, testPass, keyA, bytes.Repeat([]byte{1}, 16), bytes.Repeat([]byte{2}, 12))
	mustClose(f, createWithKeyfile(f, dir, keyA, fixed))
	path := filepath.Join(dir, "keyfile")
	orig := readFile(f, path)
	origK, err := readKeyfile(dir)
	if err != nil {
		f.Fatal(err)
	}
	f.Add(orig)
	f.Add(orig[:len(orig)/2])
	f.Add(append(append([]byte(nil), orig...), 0))
	for _, i := range []int{1, 5, 10, 30, len(orig) - 1} {
		b := append([]byte(nil), orig...)
		b[i] ^= 0xff
		f.Add(b)
	}
	real := origK
	real.Time, real.MemKiB, real.Threads = kdfTime, kdfMemKiB, kdfThreads
	if b, err := codec.Marshal(real); err == nil {
		f.Add(b) // skipped below as too slow, but mutated into what is not
	}
	f.Add([]byte{})
	f.Add([]byte{0xa0})

	f.Fuzz(func(t *testing.T, data []byte) {
		var k keyfile
		decoded := codec.Unmarshal(data, &k) == nil
		if decoded && k.Time <= maxKdfTime && k.MemKiB <= maxKdfMemKiB &&
			uint64(k.Time)*uint64(k.MemKiB) > 256 {
			// Within the accepted bounds the KDF really runs: past 256
			// KiB·pass it costs a millisecond to seconds per input, and
			// tests nothing the cheap parameters do not.
			t.Skip("KDF parameters accepted but too slow to fuzz")
		}
		same := decoded && reflect.DeepEqual(k, origK)
		if same && !bytes.Equal(data, orig) {
			// Another encoding of the profile's own keyfile: it opens the
			// profile (Badger and all, ~0.1 s), which proves nothing new.
			return
		}
		writeFile(t, path, data)
		s, err := Open(dir, testPass)
		if same {
			if err != nil {
				t.Fatalf("the profile's own keyfile does not open it: %v", err)
			}
			mustClose(t, s)
			return
		}
		if err == nil {
			s.Close()
			t.Fatalf("Open succeeded with a keyfile that is not the profile's: %+v", k)
		}
		if !errors.Is(err, ErrCorruptKeyfile) && !errors.Is(err, ErrWrongPassphrase) {
			t.Fatalf("Open = %v, want ErrCorruptKeyfile or ErrWrongPassphrase", err)
		}
	})
}

// fuzzDir is a scratch directory for fuzz bodies: in memory where the
// system has /dev/shm, so that the fsyncs the journal does on every open
// and append cost nothing, and a stall of a shared disk does not look like
// a hung fuzz worker.
func fuzzDir(f *testing.F) string {
	if st, err := os.Stat("/dev/shm"); err == nil && st.IsDir() {
		if d, err := os.MkdirTemp("/dev/shm", "ecabinet-fuzz-"); err == nil {
			f.Cleanup(func() { os.RemoveAll(d) })
			return d
		}
	}
	return f.TempDir()
}
