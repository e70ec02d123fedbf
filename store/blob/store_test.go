package blob

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"os"
	"path/filepath"
	"slices"
	"testing"

	"github.com/ecabinet/ecabinet/papers"
)

func TestPutOpen_GivenFilesOfManySizes_WhenReadBack_ThenIdentical(t *testing.T) {
	s := newStore(t, Options{})
	tests := []struct {
		name string
		size int
	}{
		{"given an empty file", 0},
		{"given one byte", 1},
		{"given less than a minimum chunk", 256<<10 - 1},
		{"given a few chunks", 3 << 20},
		{"given many chunks", 9<<20 + 12345},
	}
	for i, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			k := key(byte(i + 1))
			data := noise(uint64(i), tt.size)
			m := put(t, s, k, data)
			if m.Size != int64(tt.size) || m.Chunker != papers.ChunkerFastCDC || m.Params != papers.DefaultChunkerParams {
				t.Fatalf("manifest %d bytes, %s %+v", m.Size, m.Chunker, m.Params)
			}
			if err := m.Validate(); err != nil {
				t.Fatal(err)
			}
			got, err := readAll(t, s, k, m)
			if err != nil || !bytes.Equal(got, data) {
				t.Fatalf("sequential read: %d bytes, %v", len(got), err)
			}
			r, err := s.Open(k, m)
			if err != nil {
				t.Fatal(err)
			}
			if !r.Verified() && tt.size == 0 {
				t.Error("an empty file is not verified at once")
			}
			rng := rand.New(rand.NewPCG(uint64(i), 9))
			for range 20 {
				if tt.size == 0 {
					break
				}
				off := rng.Int64N(int64(tt.size))
				n := rng.IntN(1<<20) + 1
				buf := make([]byte, n)
				got, err := r.ReadAt(buf, off)
				want := data[off:min(int(off)+n, tt.size)]
				if got != len(want) || !bytes.Equal(buf[:got], want) {
					t.Fatalf("ReadAt(%d, %d) = %d bytes, want %d", n, off, got, len(want))
				}
				if (got < n) != errors.Is(err, io.EOF) {
					t.Fatalf("ReadAt(%d, %d) = %d, %v", n, off, got, err)
				}
			}
			if err := r.Verify(); err != nil || !r.Verified() {
				t.Fatalf("Verify = %v, verified %v", err, r.Verified())
			}
		})
	}
}

func TestReader_GivenSeeks_ThenReadsFollowThem(t *testing.T) {
	s := newStore(t, Options{})
	k := key(1)
	data := noise(1, 5<<20)
	r, err := s.Open(k, put(t, s, k, data))
	if err != nil {
		t.Fatal(err)
	}
	var _ io.ReadSeeker = r
	var _ io.ReaderAt = r
	if pos, err := r.Seek(-100, io.SeekEnd); err != nil || pos != int64(len(data)-100) {
		t.Fatalf("Seek end = %d, %v", pos, err)
	}
	tail, err := io.ReadAll(r)
	if err != nil || !bytes.Equal(tail, data[len(data)-100:]) {
		t.Fatalf("tail: %d bytes, %v", len(tail), err)
	}
	if _, err := r.Seek(1<<20, io.SeekStart); err != nil {
		t.Fatal(err)
	}
	if _, err := r.Seek(10, io.SeekCurrent); err != nil {
		t.Fatal(err)
	}
	buf := make([]byte, 10)
	if _, err := io.ReadFull(r, buf); err != nil || !bytes.Equal(buf, data[1<<20+10:1<<20+20]) {
		t.Fatalf("read after seeks: %v", err)
	}
	if _, err := r.Seek(-1, io.SeekStart); err == nil {
		t.Error("seek before the start accepted")
	}
	if _, err := r.ReadAt(buf, -1); err == nil {
		t.Error("negative ReadAt accepted")
	}
}

// A known plaintext from a paper never appears in any byte under the
// store's directory, after import and after reading it back.
func TestNoPlaintextOnDisk(t *testing.T) {
	// A sentence of the sample report (shared/samples): the test must not
	// depend on a path outside the checkout.
	sample := []byte("Kết luận phiên họp thứ năm, Thủ tướng Chính phủ nhấn mạnh: các bộ, ngành, địa phương tiếp tục đẩy mạnh cải cách hành chính.")
	var doc bytes.Buffer
	for doc.Len() < 3<<20 {
		doc.Write(sample)
	}
	data := doc.Bytes()
	s := newStore(t, Options{})
	k := key(5)
	m := put(t, s, k, data)
	if got, err := readAll(t, s, k, m); err != nil || !bytes.Equal(got, data) {
		t.Fatalf("read back: %v", err)
	}
	probes := [][]byte{[]byte("Thủ tướng"), []byte("phiên họp"), data[:32], data[len(data)-32:]}
	found := 0
	for _, f := range files(t, s.dir.Root()) {
		found++
		b, err := os.ReadFile(filepath.Join(s.dir.Root(), f))
		if err != nil {
			t.Fatal(err)
		}
		for _, p := range probes {
			if bytes.Contains(b, p) {
				t.Errorf("%s holds plaintext %q", f, p)
			}
		}
	}
	if found != len(papers.IDs(m)) {
		t.Errorf("%d files for %d distinct chunks", found, len(papers.IDs(m)))
	}
}

func TestPut_GivenTheSameFileTwice_ThenStoredOnce(t *testing.T) {
	s := newStore(t, small)
	k := key(2)
	data := noise(2, 1<<20)
	m1 := put(t, s, k, data)
	before := files(t, s.dir.Root())
	m2 := put(t, s, k, data)
	if !slices.Equal(m1.Chunks, m2.Chunks) || m1.SHA256 != m2.SHA256 {
		t.Fatal("the same file gave two manifests")
	}
	if after := files(t, s.dir.Root()); !slices.Equal(before, after) {
		t.Fatalf("files changed: %d → %d", len(before), len(after))
	}
}

// Two papers with the same bytes share nothing: not a chunk name, and not
// the cut points (the chunker is keyed), so chunk sizes do not betray that
// they hold the same document.
func TestPut_GivenTwoLineages_ThenNoNameAndNoCutPointInCommon(t *testing.T) {
	s := newStore(t, small)
	data := noise(3, 2<<20)
	a, b := put(t, s, key(3), data), put(t, s, key(4), data)
	if n := papers.Shared(a, b); n != 0 {
		t.Fatalf("%d chunk IDs in common", n)
	}
	cuts := func(m papers.Manifest) map[int64]bool {
		out := map[int64]bool{}
		for _, o := range m.Offsets()[1:len(m.Chunks)] {
			out[o] = true
		}
		return out
	}
	ca, cb := cuts(a), cuts(b)
	common := 0
	for o := range ca {
		if cb[o] {
			common++
		}
	}
	if len(ca) < 4 || common > len(ca)/4 {
		t.Fatalf("%d of %d cut points in common", common, len(ca))
	}
}

// A new version made by an incremental update (bytes appended to a real
// PDF) reuses every chunk of the old one but at most two.
func TestPut_GivenAnIncrementalPDFUpdate_ThenAllButTwoChunksReused(t *testing.T) {
	v1 := makePDF(t, 3, 9<<20)
	v2 := appendPages(t, v1, 3, 2, 400<<10)
	checkPDF(t, v1, 3, "Page 3")
	checkPDF(t, v2, 5, "Page 5")
	s := newStore(t, Options{})
	k := key(6)
	m1 := put(t, s, k, v1)
	before := len(files(t, s.dir.Root()))
	m2 := put(t, s, k, v2)
	added := len(files(t, s.dir.Root())) - before
	reused := papers.Shared(m1, m2)
	if len(m1.Chunks) < 5 {
		t.Fatalf("only %d chunks in version 1", len(m1.Chunks))
	}
	if len(m2.Chunks)-reused > 2+int(int64(len(v2)-len(v1))/int64(papers.DefaultChunkerParams.Min)) ||
		reused < len(m1.Chunks)-2 {
		t.Fatalf("version 2 reuses %d of version 1's %d chunks and has %d", reused, len(m1.Chunks), len(m2.Chunks))
	}
	if added != len(m2.Chunks)-reused {
		t.Fatalf("%d chunk files added for %d new chunks", added, len(m2.Chunks)-reused)
	}
	t.Logf("version 1: %d bytes, %d chunks; version 2: +%d bytes, %d chunks, %d reused, %d new",
		len(v1), len(m1.Chunks), len(v2)-len(v1), len(m2.Chunks), reused, len(m2.Chunks)-reused)
	if got, err := readAll(t, s, k, m2); err != nil || !bytes.Equal(got, v2) {
		t.Fatalf("version 2 read back: %v", err)
	}
}

func TestPut_GivenAFileOverTheLimit_ThenTooLargeAndNothingStored(t *testing.T) {
	s := newStore(t, Options{MaxFileSize: 2 << 20})
	_, err := s.Put(key(1), bytes.NewReader(noise(1, 5<<20)))
	if code(err) != "err.paper.too_large" {
		t.Fatalf("Put = %v", err)
	}
	if f := files(t, s.dir.Root()); len(f) != 0 {
		t.Fatalf("files left: %v", f)
	}
}

// failingReader returns its bytes, then an error: a file on a USB stick
// pulled out in the middle of the import.
type failingReader struct {
	r   io.Reader
	err error
}

func (f *failingReader) Read(p []byte) (int, error) {
	n, err := f.r.Read(p)
	if err == io.EOF {
		return n, f.err
	}
	return n, err
}

func TestPut_GivenAReadErrorMidway_ThenErrorAndNothingStored(t *testing.T) {
	s := newStore(t, small)
	boom := errors.New("device removed")
	_, err := s.Put(key(1), &failingReader{r: bytes.NewReader(noise(1, 2<<20)), err: boom})
	if !errors.Is(err, boom) {
		t.Fatalf("Put = %v", err)
	}
	if f := files(t, s.dir.Root()); len(f) != 0 {
		t.Fatalf("files left: %v", f)
	}
}

// ReadAt is safe for concurrent use, as io.ReaderAt promises: readers on
// several goroutines (a viewer rendering pages, a search indexing) each get
// their bytes while chunks are cached, evicted and prefetched under them.
func TestReader_GivenConcurrentReadAt_ThenEachGetsItsBytes(t *testing.T) {
	s := newStore(t, small)
	k := key(50)
	data := noise(50, 3<<20)
	r, err := s.Open(k, put(t, s, k, data))
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	errs := make(chan error, 4)
	for g := range 4 {
		go func() {
			rng := rand.New(rand.NewPCG(uint64(g), 1))
			for range 40 {
				off := rng.Int64N(int64(len(data)))
				buf := make([]byte, rng.IntN(300<<10)+1)
				n, err := r.ReadAt(buf, off)
				if err != nil && !errors.Is(err, io.EOF) {
					errs <- err
					return
				}
				if !bytes.Equal(buf[:n], data[off:off+int64(n)]) {
					errs <- fmt.Errorf("goroutine %d: wrong bytes at %d", g, off)
					return
				}
			}
			errs <- nil
		}()
	}
	for range 4 {
		if err := <-errs; err != nil {
			t.Fatal(err)
		}
	}
}
