package blob

import (
	"bytes"
	"io"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/ecabinet/ecabinet/papers"
)

// benchSize is the file the benchmarks move: a large paper.
const benchSize = 64 << 20

// rawWrite writes data to a new file in dir as a plain copy would (1 MiB
// writes, one fsync), the floor Put is measured against.
func rawWrite(b *testing.B, dir string, data []byte) {
	f, err := os.CreateTemp(dir, "raw-*")
	if err != nil {
		b.Fatal(err)
	}
	for off := 0; off < len(data); off += 1 << 20 {
		if _, err := f.Write(data[off:min(off+1<<20, len(data))]); err != nil {
			b.Fatal(err)
		}
	}
	if err := f.Sync(); err != nil {
		b.Fatal(err)
	}
	if err := f.Close(); err != nil {
		b.Fatal(err)
	}
	os.Remove(f.Name())
}

// BenchmarkPutVsRawWrite imports a 64 MiB paper (chunk, name, encrypt,
// write each chunk atomically) and, in the same iteration, writes the same
// bytes to a plain file with one fsync. It reports both throughputs and
// put/raw, the figure to watch: machines here are shared and noisy, so only
// the ratio of two side-by-side measures means anything.
func BenchmarkPutVsRawWrite(b *testing.B) {
	data := noise(40, benchSize)
	s := newStore(b, Options{})
	rawDir := b.TempDir()
	var putT, rawT time.Duration
	i := 0
	for b.Loop() {
		i++
		t0 := time.Now()
		rawWrite(b, rawDir, data)
		t1 := time.Now()
		m, err := s.Put(key(byte(i)), bytes.NewReader(data)) // a new lineage: nothing to deduplicate
		if err != nil {
			b.Fatal(err)
		}
		t2 := time.Now()
		rawT += t1.Sub(t0)
		putT += t2.Sub(t1)
		if _, err := s.Remove([]papers.Manifest{m}, nil); err != nil {
			b.Fatal(err)
		}
	}
	mb := float64(benchSize) * float64(i) / 1e6
	b.ReportMetric(mb/putT.Seconds(), "put-MB/s")
	b.ReportMetric(mb/rawT.Seconds(), "raw-MB/s")
	b.ReportMetric(rawT.Seconds()/putT.Seconds(), "put/raw")
}

// BenchmarkReadVsRawRead reads a stored 64 MiB paper from start to end
// through the Reader (decrypt and verify every chunk, whole-file hash) and,
// in the same iteration, the same bytes from a plain file (both from the
// page cache), reporting read/raw.
func BenchmarkReadVsRawRead(b *testing.B) {
	data := noise(41, benchSize)
	s := newStore(b, Options{})
	k := key(41)
	m := put(b, s, k, data)
	rawPath := filepath.Join(b.TempDir(), "raw")
	if err := os.WriteFile(rawPath, data, 0o600); err != nil {
		b.Fatal(err)
	}
	buf := make([]byte, 1<<20)
	var readT, rawT time.Duration
	i := 0
	for b.Loop() {
		i++
		t0 := time.Now()
		f, err := os.Open(rawPath)
		if err != nil {
			b.Fatal(err)
		}
		if n, err := io.CopyBuffer(io.Discard, struct{ io.Reader }{f}, buf); err != nil || n != benchSize {
			b.Fatal(n, err)
		}
		f.Close()
		t1 := time.Now()
		r, err := s.Open(k, m)
		if err != nil {
			b.Fatal(err)
		}
		if n, err := io.CopyBuffer(io.Discard, struct{ io.Reader }{r}, buf); err != nil || n != benchSize || !r.Verified() {
			b.Fatal(n, err)
		}
		r.Close()
		t2 := time.Now()
		rawT += t1.Sub(t0)
		readT += t2.Sub(t1)
	}
	mb := float64(benchSize) * float64(i) / 1e6
	b.ReportMetric(mb/readT.Seconds(), "read-MB/s")
	b.ReportMetric(mb/rawT.Seconds(), "raw-MB/s")
	b.ReportMetric(rawT.Seconds()/readT.Seconds(), "read/raw")
}

// BenchmarkAppendReuse stores a 64 MiB paper, then a new version with
// 512 KiB appended (an incremental update), and reports what the new
// version costs: the share of the old chunks it reuses, and the bytes it
// adds to the store (what a device downloads) per byte appended.
func BenchmarkAppendReuse(b *testing.B) {
	v1 := noise(42, benchSize)
	v2 := append(bytes.Clone(v1), noise(43, 512<<10)...)
	var reused, added float64
	i := 0
	for b.Loop() {
		i++
		s := newStore(b, Options{})
		k := key(byte(i))
		m1 := put(b, s, k, v1)
		m2 := put(b, s, k, v2)
		have := map[papers.ChunkID]bool{}
		for _, c := range m1.Chunks {
			have[c.ID] = true
		}
		var newBytes int64
		for _, c := range m2.Chunks {
			if !have[c.ID] {
				newBytes += int64(c.Len) + Overhead
			}
		}
		reused += float64(papers.Shared(m1, m2)) / float64(len(m1.Chunks))
		added += float64(newBytes) / float64(len(v2)-len(v1))
	}
	b.ReportMetric(reused/float64(i), "reused-of-old")
	b.ReportMetric(added/float64(i), "added/appended")
}
