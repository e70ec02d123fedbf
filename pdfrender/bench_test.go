package pdfrender

import (
	"context"
	"os"
	"path/filepath"
	"runtime"
	"runtime/debug"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/klippa-app/go-pdfium/requests"
	"github.com/klippa-app/go-pdfium/webassembly"
	"github.com/tetratelabs/wazero"
	"github.com/tetratelabs/wazero/api"
	"github.com/tetratelabs/wazero/experimental"
)

// BenchmarkFirstPage100 compares showing page 1 of a 100-page paper the way
// the reader does (Open through an io.ReaderAt that copies from memory, a
// stand-in for the decrypting chunk reader; render 1000 px wide; copy the
// image out; Close) with go-pdfium's own way of rendering the same page of
// the same file from disk (FilePath through a sandbox that mounts the
// file's directory). Both start a fresh instance per paper from the same
// compiled module. ratio = reader / floor, target <= 1.5.
func BenchmarkFirstPage100(b *testing.B) {
	data := makePDF(b, pdfSpec{pages: 100, compress: true})
	dir := b.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "paper.pdf"), data, 0o600); err != nil {
		b.Fatal(err)
	}
	rc := wazero.NewRuntimeConfig().WithCoreFeatures(api.CoreFeaturesV2 | experimental.CoreFeaturesExceptionHandling)
	cache, err := wazero.NewCompilationCacheWithDir(filepath.Join(os.TempDir(), "ecabinet-pdfrender-test-wasm-cache"))
	if err != nil {
		b.Fatal(err)
	}
	defer cache.Close(context.Background())
	floorPool, err := webassembly.Init(webassembly.Config{
		MaxTotal: 1, MaxIdle: 1,
		FSConfig:      wazero.NewFSConfig().WithDirMount(dir, "/"),
		RuntimeConfig: rc.WithCompilationCache(cache),
	})
	if err != nil {
		b.Fatal(err)
	}
	defer floorPool.Close()
	ctx := context.Background()
	path := "/paper.pdf"

	reader := func() {
		d, err := engine.Open(ctx, &memReader{data: data}, int64(len(data)))
		if err != nil {
			b.Fatal(err)
		}
		if _, err := d.Render(ctx, 0, 1000); err != nil {
			b.Fatal(err)
		}
		d.Close()
	}
	floor := func() {
		inst, err := floorPool.GetInstance(time.Minute)
		if err != nil {
			b.Fatal(err)
		}
		doc, err := inst.OpenDocument(&requests.OpenDocument{FilePath: &path})
		if err != nil {
			b.Fatal(err)
		}
		res, err := inst.RenderPageInPixels(&requests.RenderPageInPixels{
			Page:  requests.Page{ByIndex: &requests.PageByIndex{Document: doc.Document, Index: 0}},
			Width: 1000,
		})
		if err != nil {
			b.Fatal(err)
		}
		res.Cleanup()
		inst.FPDF_CloseDocument(&requests.FPDF_CloseDocument{Document: doc.Document})
		inst.Close()
	}
	reader()
	floor()
	var tr, tf time.Duration
	for b.Loop() {
		t0 := time.Now()
		reader()
		t1 := time.Now()
		floor()
		tf += time.Since(t1)
		tr += t1.Sub(t0)
	}
	b.ReportMetric(float64(tr.Microseconds())/float64(b.N)/1e3, "reader-ms/op")
	b.ReportMetric(float64(tf.Microseconds())/float64(b.N)/1e3, "floor-ms/op")
	b.ReportMetric(float64(tr)/float64(tf), "ratio")
}

// rss returns the process's resident set size in bytes (Linux).
func rss(b *testing.B) float64 {
	raw, err := os.ReadFile("/proc/self/statm")
	if err != nil {
		b.Skip("no /proc/self/statm on this system")
	}
	f := strings.Fields(string(raw))
	pages, _ := strconv.ParseFloat(f[1], 64)
	return pages * float64(os.Getpagesize())
}

// BenchmarkFlip100RSS opens a 100-page paper in a Renderer with its default
// cache, shows page 1 (1000 px wide), then flips through all 100 pages as a
// reader does, and compares the process's RSS after the last page with its
// RSS after the first. ratio target <= 1.5.
func BenchmarkFlip100RSS(b *testing.B) {
	data := makePDF(b, pdfSpec{pages: 100, compress: true})
	ctx := context.Background()
	var first, last float64
	for b.Loop() {
		d, err := engine.Open(ctx, &memReader{data: data}, int64(len(data)))
		if err != nil {
			b.Fatal(err)
		}
		r := NewRenderer(d, RendererOptions{})
		if _, err := r.Page(ctx, 0, 1000); err != nil {
			b.Fatal(err)
		}
		// The pages ahead are part of showing the first one.
		waitFor(b, func() bool { return r.Cached(3, 1000) != nil })
		runtime.GC()
		debug.FreeOSMemory()
		first += rss(b)
		for p := 1; p < d.PageCount(); p++ {
			if _, err := r.Page(ctx, p, 1000); err != nil {
				b.Fatal(err)
			}
		}
		runtime.GC()
		debug.FreeOSMemory()
		last += rss(b)
		r.Close()
		d.Close()
	}
	n := float64(b.N)
	b.ReportMetric(first/n/(1<<20), "first-MiB")
	b.ReportMetric(last/n/(1<<20), "after100-MiB")
	b.ReportMetric(last/first, "ratio")
}
