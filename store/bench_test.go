package store

import (
	"path/filepath"
	"testing"
)

// BenchmarkJournalAppend measures one durable journal append: a 400-byte
// record (the size of a signed ballot answer) encrypted, checksummed,
// written and fsynced.
func BenchmarkJournalAppend(b *testing.B) {
	j, _, err := openJournal(filepath.Join(b.TempDir(), "journal", "ops.log"), keyA)
	if err != nil {
		b.Fatal(err)
	}
	defer j.close()
	rec := payload(1)
	b.SetBytes(int64(len(rec)))
	b.ReportAllocs()
	seq := uint64(0)
	for b.Loop() {
		seq++
		if err := j.append(seq, rec); err != nil {
			b.Fatal(err)
		}
	}
}
