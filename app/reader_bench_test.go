package app

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"runtime"
	"runtime/debug"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/klippa-app/go-pdfium/requests"
	"github.com/klippa-app/go-pdfium/webassembly"
	"github.com/tetratelabs/wazero"
	"github.com/tetratelabs/wazero/api"
	"github.com/tetratelabs/wazero/experimental"

	"github.com/ecabinet/ecabinet/papers"
	"github.com/ecabinet/ecabinet/store/blob"
)

// storedPaper puts data into a real chunk store on disk (encrypted
// chunks) and returns a function that opens its decrypting reader.
func storedPaper(tb testing.TB, dir string, data []byte) func() *blob.Reader {
	tb.Helper()
	st, err := blob.OpenStore(dir, blob.Options{})
	if err != nil {
		tb.Fatal(err)
	}
	key, err := papers.NewLineageKey()
	if err != nil {
		tb.Fatal(err)
	}
	m, err := st.Put(key, bytes.NewReader(data))
	if err != nil {
		tb.Fatal(err)
	}
	return func() *blob.Reader {
		rd, err := st.Open(key, m)
		if err != nil {
			tb.Fatal(err)
		}
		return rd
	}
}

// showFirstPage opens the paper rd in the reader in e's window and waits,
// draining the UI queue, until page 1 is on screen; it returns the reader
// and the width page 1 was rendered at.
func showFirstPage(b *testing.B, e *env, rd *blob.Reader) (*reader, int) {
	r := newReader(e.u, ReaderSource{Title: "Báo cáo", Size: rd.Size(), ReaderAt: rd, MediaType: "application/pdf"},
		readerOptions{Win: e.w, Now: readerClock})
	e.w.SetContent(r.view())
	px := waitShown(b, e, r, 0)
	return r, px
}

// wake makes e's UI queue signal each function queued, so that waitShown
// runs it at once instead of polling (a poll's sleep would be timed too).
func wake(e *env) {
	ch := make(chan struct{}, 1)
	e.u.do = func(f func()) {
		e.l.do(f)
		select {
		case ch <- struct{}{}:
		default:
		}
	}
	wakeups[e] = ch
}

var wakeups = map[*env]chan struct{}{}

// waitShown waits until page p's slot shows its image.
func waitShown(b *testing.B, e *env, r *reader, p int) int {
	deadline := time.Now().Add(time.Minute)
	for {
		e.l.drain()
		if r.pv != nil {
			for _, s := range r.pv.slots {
				if s.page == p && s.img.Image != nil && s.img.Image.Bounds().Dx() == s.px {
					return s.px
				}
			}
		}
		if r.pv == nil && !strings.HasSuffix(r.status.Text, "…") {
			b.Fatalf("the reader did not open: %s", r.status.Text)
		}
		if time.Now().After(deadline) {
			b.Fatalf("page %d never showed", p+1)
		}
		select {
		case <-wakeups[e]:
		case <-time.After(10 * time.Millisecond):
		}
	}
}

// BenchmarkReaderFirstPage100 compares showing page 1 of a 100-page
// Vietnamese paper in the reader — read from a real chunk store through
// blob.Reader (chunk files read, XChaCha20-Poly1305 opened, names
// checked), opened on a fresh PDFium instance with its page sizes and
// outline, rendered at the window's fit width, copied out and drawn into
// the page's slot — with go-pdfium rendering the same page at the same
// width from a plaintext file of the same paper (FilePath, its directory
// mounted), also on a fresh instance from the same compiled module.
// ratio = reader / floor, target <= 1.5.
func BenchmarkReaderFirstPage100(b *testing.B) {
	data := makeReaderPDF(b, readerPaper{pages: 100, compress: true})
	dir := b.TempDir()
	open := storedPaper(b, filepath.Join(dir, "store"), data)
	plain := filepath.Join(dir, "plain")
	if err := os.MkdirAll(plain, 0o700); err != nil {
		b.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(plain, "paper.pdf"), data, 0o600); err != nil {
		b.Fatal(err)
	}
	rc := wazero.NewRuntimeConfig().WithCoreFeatures(api.CoreFeaturesV2 | experimental.CoreFeaturesExceptionHandling)
	cache, err := wazero.NewCompilationCacheWithDir(engineOpts.CacheDir)
	if err != nil {
		b.Fatal(err)
	}
	defer cache.Close(context.Background())
	floorPool, err := webassembly.Init(webassembly.Config{
		MaxTotal: 1, MaxIdle: 1,
		FSConfig:      wazero.NewFSConfig().WithDirMount(plain, "/"),
		RuntimeConfig: rc.WithCompilationCache(cache),
	})
	if err != nil {
		b.Fatal(err)
	}
	defer floorPool.Close()
	path := "/paper.pdf"

	e := newEnv(b, langVI, dir)
	wake(e)
	px := 0
	reader := func() {
		rd := open()
		r, w := showFirstPage(b, e, rd)
		px = w
		r.close()
		e.l.settle(e.u) // the pages ahead and the close finish outside the timing
		rd.Close()
	}
	var starts []time.Duration // the floor's instance start alone
	floor := func() {
		t0 := time.Now()
		inst, err := floorPool.GetInstance(time.Minute)
		if err != nil {
			b.Fatal(err)
		}
		starts = append(starts, time.Since(t0))
		doc, err := inst.OpenDocument(&requests.OpenDocument{FilePath: &path})
		if err != nil {
			b.Fatal(err)
		}
		res, err := inst.RenderPageInPixels(&requests.RenderPageInPixels{
			Page:  requests.Page{ByIndex: &requests.PageByIndex{Document: doc.Document, Index: 0}},
			Width: px,
		})
		if err != nil {
			b.Fatal(err)
		}
		res.Cleanup()
		inst.FPDF_CloseDocument(&requests.FPDF_CloseDocument{Document: doc.Document})
		inst.Close()
	}
	eng, err := readerEngine()
	if err != nil {
		b.Fatal(err)
	}
	// The reader's next instance is started ahead (pdfrender.Options.Spare)
	// after each paper closes: it must be ready before either side is
	// timed, so that starting it never runs beside a timed round.
	spare := func() {
		if err := eng.WaitSpare(context.Background()); err != nil {
			b.Fatal(err)
		}
	}
	reader() // warm up both, and learn the width
	floor()
	var tr, tf []time.Duration
	for b.Loop() {
		spare()
		t0 := time.Now()
		rd := open()
		r, _ := showFirstPage(b, e, rd)
		tr = append(tr, time.Since(t0))
		r.close()
		e.l.settle(e.u)
		rd.Close()
		spare()
		t1 := time.Now()
		floor()
		tf = append(tf, time.Since(t1))
	}
	// Medians: on a shared machine a few rounds land on a busy moment;
	// the means are reported too.
	b.ReportMetric(float64(px), "px")
	b.ReportMetric(ms(median(tr)), "reader-ms")
	b.ReportMetric(ms(median(tf)), "floor-ms")
	b.ReportMetric(ms(median(starts)), "floor-start-ms")
	b.ReportMetric(float64(median(tr))/float64(median(tf)), "ratio")
	b.ReportMetric(float64(sum(tr))/float64(sum(tf)), "mean-ratio")
}

func median(ds []time.Duration) time.Duration {
	s := slices.Clone(ds)
	slices.Sort(s)
	return s[len(s)/2]
}

func sum(ds []time.Duration) (t time.Duration) {
	for _, d := range ds {
		t += d
	}
	return t
}

func ms(d time.Duration) float64 { return float64(d.Microseconds()) / 1e3 }

// rssBytes is the process's resident set size (Linux).
func rssBytes(b *testing.B) float64 {
	raw, err := os.ReadFile("/proc/self/statm")
	if err != nil {
		b.Skip("no /proc/self/statm on this system")
	}
	f := strings.Fields(string(raw))
	pages, _ := strconv.ParseFloat(f[1], 64)
	return pages * float64(os.Getpagesize())
}

// BenchmarkReaderFlip100RSS shows page 1 of a 100-page paper from a real
// chunk store in the reader, then goes through every page as a person
// paging down does (each page on screen before the next key), and compares
// the process's RSS and Go heap in use after the last page with those
// after the first. rss-ratio target <= 1.5.
func BenchmarkReaderFlip100RSS(b *testing.B) {
	data := makeReaderPDF(b, readerPaper{pages: 100, compress: true})
	dir := b.TempDir()
	open := storedPaper(b, filepath.Join(dir, "store"), data)
	e := newEnv(b, langVI, dir)
	wake(e)
	measure := func() (rss, heap float64) {
		runtime.GC()
		debug.FreeOSMemory()
		var ms runtime.MemStats
		runtime.ReadMemStats(&ms)
		return rssBytes(b), float64(ms.HeapInuse)
	}
	var r1, r100, h1, h100 float64
	for b.Loop() {
		rd := open()
		r, _ := showFirstPage(b, e, rd)
		// The pages ahead are part of showing the first one.
		for range 50 {
			e.l.drain()
			time.Sleep(10 * time.Millisecond)
		}
		rs, hs := measure()
		r1, h1 = r1+rs, h1+hs
		for p := 1; p < 100; p++ {
			r.goTo(p)
			waitShown(b, e, r, p)
		}
		rs, hs = measure()
		r100, h100 = r100+rs, h100+hs
		r.close()
		e.l.settle(e.u)
		rd.Close()
	}
	n := float64(b.N)
	b.ReportMetric(r1/n/(1<<20), "first-MiB")
	b.ReportMetric(r100/n/(1<<20), "after100-MiB")
	b.ReportMetric(r100/r1, "rss-ratio")
	b.ReportMetric(h100/h1, "heap-ratio")
}
