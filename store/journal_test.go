package store

import (
	"bytes"
	"encoding/binary"
	"fmt"
	"hash/crc32"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func journalPath(t testing.TB) string {
	return filepath.Join(t.TempDir(), "journal", "ops.log")
}

func TestJournal_GivenRecords_ThenReopenReadsThemBack(t *testing.T) {
	path := journalPath(t)
	ends := writeJournal(t, path, keyA, 5)

	j, rep := mustOpenJournal(t, path, keyA)

	if got, want := rep, (JournalReport{Records: 5, LastSeq: 5}); got != want {
		t.Fatalf("report = %+v, want %+v", got, want)
	}
	checkRecords(t, j, []uint64{1, 2, 3, 4, 5}, nil)
	recs, err := j.after(3)
	if err != nil {
		t.Fatal(err)
	}
	if len(recs) != 2 || recs[0].Seq != 4 || recs[1].Seq != 5 || recs[0].End != ends[3] || recs[1].End != ends[4] {
		t.Fatalf("after(3) = %+v, want records 4 and 5 ending at %d, %d", recs, ends[3], ends[4])
	}
	if recs, err := j.after(5); err != nil || len(recs) != 0 {
		t.Fatalf("after(5) = %d records, %v; want none", len(recs), err)
	}
	if got, want := fileSize(t, path), ends[4]; got != want {
		t.Fatalf("file size = %d, want %d", got, want)
	}
}

func TestJournal_GivenTornTail_ThenCutAndAppendsContinue(t *testing.T) {
	tests := []struct {
		name     string
		cut      func(ends []int64) int64 // new file size
		wantRecs []uint64
	}{
		{"given a crash inside the last header then cut", func(e []int64) int64 { return e[3] + 3 }, []uint64{1, 2, 3, 4}},
		{"given a crash just after the last header then cut", func(e []int64) int64 { return e[3] + recordHeader }, []uint64{1, 2, 3, 4}},
		{"given a crash mid-body then cut", func(e []int64) int64 { return e[3] + 200 }, []uint64{1, 2, 3, 4}},
		{"given the last byte missing then cut", func(e []int64) int64 { return e[4] - 1 }, []uint64{1, 2, 3, 4}},
		{"given only part of the first record then cut to empty", func(e []int64) int64 { return journalHeader + 100 }, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			path := journalPath(t)
			ends := writeJournal(t, path, keyA, 5)
			size := tt.cut(ends)
			if err := os.Truncate(path, size); err != nil {
				t.Fatal(err)
			}
			goodEnd := int64(journalHeader)
			if n := len(tt.wantRecs); n > 0 {
				goodEnd = ends[n-1]
			}

			j, rep := mustOpenJournal(t, path, keyA)

			want := JournalReport{Records: len(tt.wantRecs), LastSeq: uint64(len(tt.wantRecs)), TornTail: true, DroppedAt: goodEnd}
			if rep != want {
				t.Fatalf("report = %+v, want %+v", rep, want)
			}
			if got := fileSize(t, path); got != goodEnd {
				t.Fatalf("file size after open = %d, want %d", got, goodEnd)
			}
			checkRecords(t, j, tt.wantRecs, nil)
			next := rep.LastSeq + 1
			fresh := []byte("bản ghi mới sau sự cố")
			if err := j.append(next, fresh); err != nil {
				t.Fatalf("append after cut: %v", err)
			}
			j.close()

			j2, rep2 := mustOpenJournal(t, path, keyA)
			if want := (JournalReport{Records: len(tt.wantRecs) + 1, LastSeq: next}); rep2 != want {
				t.Fatalf("report after reopen = %+v, want %+v", rep2, want)
			}
			checkRecords(t, j2, append(append([]uint64(nil), tt.wantRecs...), next), map[uint64][]byte{next: fresh})
		})
	}
}

func TestJournal_GivenMiddleRecordDamaged_ThenGoodPrefixKeptAndDamageSetAside(t *testing.T) {
	// Record 3 of 5 is damaged at one byte. Offsets are within the record:
	// 0-3 length, 4-7 checksum, 8-15 sequence, 16-27 nonce, then the
	// ciphertext and the 16-byte tag.
	positions := []struct {
		name string
		off  int64
	}{
		{"length high byte", 0}, {"length byte 2", 1}, {"length byte 3", 2}, {"length low byte", 3},
		{"checksum first byte", 4}, {"checksum last byte", 7},
		{"sequence high byte", 8}, {"sequence low byte", 15},
		{"nonce first byte", 16}, {"nonce last byte", 27},
		{"ciphertext first byte", 28}, {"ciphertext middle", 200},
		{"tag last byte", 8 + 8 + 12 + 400 + 16 - 1},
	}
	for _, pos := range positions {
		for _, mask := range []byte{0x01, 0xff} {
			t.Run(fmt.Sprintf("given the %s flipped by %#x then damage set aside", pos.name, mask), func(t *testing.T) {
				path := journalPath(t)
				ends := writeJournal(t, path, keyA, 5)
				b := readFile(t, path)
				b[ends[1]+pos.off] ^= mask
				writeFile(t, path, b)

				j, rep := mustOpenJournal(t, path, keyA)

				if rep.TornTail || rep.Damaged == "" {
					t.Fatalf("report = %+v, want Damaged set and no torn tail", rep)
				}
				if rep.Records != 2 || rep.LastSeq != 2 || rep.DroppedAt != ends[1] {
					t.Fatalf("report = %+v, want 2 records, last 2, dropped at %d", rep, ends[1])
				}
				if got := readFile(t, rep.Damaged); !bytes.Equal(got, b) {
					t.Fatalf("set-aside file holds %d bytes, not the %d bytes found", len(got), len(b))
				}
				if !strings.HasPrefix(rep.Damaged, path+".damaged-") {
					t.Fatalf("set-aside file %s is not next to the journal", rep.Damaged)
				}
				if got := fileSize(t, path); got != ends[1] {
					t.Fatalf("journal size = %d, want the good prefix %d", got, ends[1])
				}
				checkRecords(t, j, []uint64{1, 2}, nil)
				if err := j.append(6, payload(6)); err != nil {
					t.Fatalf("append after damage: %v", err)
				}
				j.close()
				j2, rep2 := mustOpenJournal(t, path, keyA)
				if want := (JournalReport{Records: 3, LastSeq: 6}); rep2 != want {
					t.Fatalf("report after reopen = %+v, want %+v", rep2, want)
				}
				checkRecords(t, j2, []uint64{1, 2, 6}, nil)
			})
		}
	}
}

func TestJournal_GivenShortOrForeignFile_ThenFreshOrRefused(t *testing.T) {
	tests := []struct {
		name      string
		content   []byte
		wantErr   bool
		wantBytes []byte // file content after open
	}{
		{"given an empty file then a fresh journal", nil, false, journalMagic},
		{"given a header cut short by a crash then a fresh journal", journalMagic[:3], false, journalMagic},
		{"given another file format then refused and left untouched", []byte("SQLite format 3\x00 and more"), true, []byte("SQLite format 3\x00 and more")},
		{"given a journal of a future version then refused and left untouched", []byte("ECJOURN2........"), true, []byte("ECJOURN2........")},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			path := journalPath(t)
			if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
				t.Fatal(err)
			}
			writeFile(t, path, tt.content)
			j, rep, err := openJournal(path, keyA)
			if (err != nil) != tt.wantErr {
				t.Fatalf("openJournal error = %v, want error %v", err, tt.wantErr)
			}
			if err == nil {
				j.close()
				if rep != (JournalReport{}) {
					t.Fatalf("report = %+v, want zero", rep)
				}
			}
			if got := readFile(t, path); !bytes.Equal(got, tt.wantBytes) {
				t.Fatalf("file = %q, want %q", got, tt.wantBytes)
			}
		})
	}
}

func TestJournal_GivenPayload_ThenNoPlaintextOnDisk(t *testing.T) {
	path := journalPath(t)
	j, _ := mustOpenJournal(t, path, keyA)
	secrets := []string{"Nguyễn Văn Bí Mật", "đề nghị hoãn thông qua", "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"}
	for i, s := range secrets {
		if err := j.append(uint64(i+1), []byte(s)); err != nil {
			t.Fatal(err)
		}
	}
	file := readFile(t, path)
	for _, s := range append(secrets, string(keyA), string(journalKey(keyA))) {
		if bytes.Contains(file, []byte(s)[:16]) {
			t.Errorf("journal file holds %q in plaintext", s)
		}
	}
	checkRecords(t, j, []uint64{1, 2, 3}, map[uint64][]byte{1: []byte(secrets[0]), 2: []byte(secrets[1]), 3: []byte(secrets[2])})
}

// rewrite replaces record i (0-based) of the journal at path with change
// applied to its body, and fixes its checksum so that only authentication
// can notice.
func rewrite(t *testing.T, path string, ends []int64, i int, change func(body []byte)) {
	t.Helper()
	b := readFile(t, path)
	start := int64(journalHeader)
	if i > 0 {
		start = ends[i-1]
	}
	body := b[start+recordHeader : ends[i]]
	change(body)
	binary.BigEndian.PutUint32(b[start+4:start+8], crc32.Checksum(body, crcTable))
	writeFile(t, path, b)
}

func TestJournal_GivenRecordsThatFailAuthentication_ThenSkippedAndCounted(t *testing.T) {
	tests := []struct {
		name   string
		key    []byte
		change func(t *testing.T, path string, ends []int64)
		forged int
	}{
		{"given another profile's data key then all skipped", keyB, func(*testing.T, string, []int64) {}, 5},
		{"given a ciphertext byte changed and the checksum fixed then that record skipped", keyA, func(t *testing.T, path string, ends []int64) {
			rewrite(t, path, ends, 2, func(body []byte) { body[30] ^= 1 })
		}, 1},
		{"given records relabelled with other sequences and the checksum fixed then they are skipped", keyA, func(t *testing.T, path string, ends []int64) {
			rewrite(t, path, ends, 2, func(body []byte) { body[7] = 3 + 1 })
			rewrite(t, path, ends, 3, func(body []byte) { body[7] = 4 + 1 })
			rewrite(t, path, ends, 4, func(body []byte) { body[7] = 5 + 1 })
		}, 3},
		{"given a nonce byte changed and the checksum fixed then that record skipped", keyA, func(t *testing.T, path string, ends []int64) {
			rewrite(t, path, ends, 2, func(body []byte) { body[8] ^= 0x80 })
		}, 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			path := journalPath(t)
			ends := writeJournal(t, path, keyA, 5)
			tt.change(t, path, ends)

			j, _ := mustOpenJournal(t, path, tt.key)

			recs, err := j.after(0)
			if err != nil {
				t.Fatalf("after(0): %v; forged records must not lock the profile", err)
			}
			if got, want := len(recs), 5-tt.forged; got != want {
				t.Fatalf("after(0) returned %d genuine records, want %d", got, want)
			}
			if j.forged != tt.forged {
				t.Fatalf("counted %d forged records, want %d", j.forged, tt.forged)
			}
		})
	}
}

func TestJournal_GivenSequenceNotAfterLast_ThenAppendRefusedAndFileUnchanged(t *testing.T) {
	path := journalPath(t)
	writeJournal(t, path, keyA, 5)
	j, _ := mustOpenJournal(t, path, keyA)
	before := readFile(t, path)
	for _, seq := range []uint64{0, 1, 4, 5} {
		if err := j.append(seq, payload(seq)); err == nil {
			t.Fatalf("append(%d) after 5 succeeded, want an error", seq)
		}
	}
	if got := readFile(t, path); !bytes.Equal(got, before) {
		t.Fatal("a refused append changed the file")
	}
	if err := j.append(9, payload(9)); err != nil {
		t.Fatalf("append(9): %v", err)
	}
	checkRecords(t, j, []uint64{1, 2, 3, 4, 5, 9}, nil)
	if got := j.last(); got != 9 {
		t.Fatalf("last() = %d, want 9", got)
	}
}

func TestJournal_GivenPayloadTooLarge_ThenRefusedAndJournalUsable(t *testing.T) {
	path := journalPath(t)
	j, _ := mustOpenJournal(t, path, keyA)
	if err := j.append(1, make([]byte, maxJournalRecord)); err == nil {
		t.Fatal("append of an oversize record succeeded")
	}
	if err := j.append(1, payload(1)); err != nil {
		t.Fatalf("append after a refused oversize record: %v", err)
	}
	checkRecords(t, j, []uint64{1}, nil)
}

func TestJournal_GivenLastRecordDamagedButComplete_ThenSetAsideNotCut(t *testing.T) {
	// A crash tears only the end of a record. A last record that is whole
	// but has a damaged length or a sequence that goes backwards was
	// damaged after it was written: keep its bytes for inspection.
	tests := []struct {
		name   string
		damage func(t *testing.T, path string, ends []int64)
	}{
		{"given the last record's length made longer then set aside", func(t *testing.T, path string, ends []int64) {
			b := readFile(t, path)
			b[ends[3]+2] = 0x03 // length 0x01b4 -> 0x03b4: past the end of the file
			writeFile(t, path, b)
		}},
		{"given the last record's sequence made older and its checksum fixed then set aside", func(t *testing.T, path string, ends []int64) {
			rewrite(t, path, ends, 4, func(body []byte) { body[7] = 2 })
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			path := journalPath(t)
			ends := writeJournal(t, path, keyA, 5)
			tt.damage(t, path, ends)
			found := readFile(t, path)

			j, rep := mustOpenJournal(t, path, keyA)

			if rep.TornTail || rep.Damaged == "" || rep.Records != 4 || rep.DroppedAt != ends[3] {
				t.Fatalf("report = %+v, want Damaged, 4 records, dropped at %d", rep, ends[3])
			}
			if got := readFile(t, rep.Damaged); !bytes.Equal(got, found) {
				t.Fatal("the set-aside file does not hold the bytes found")
			}
			checkRecords(t, j, []uint64{1, 2, 3, 4}, nil)
		})
	}
}
