package pdfrender

import (
	"bytes"
	"compress/gzip"
	"context"
	"encoding/json"
	"errors"
	"image"
	"image/draw"
	"image/png"
	"io"
	"io/fs"
	"math"
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/klippa-app/go-pdfium/requests"

	"github.com/ecabinet/ecabinet/assets"
	"github.com/ecabinet/ecabinet/meetings"
	"github.com/ecabinet/ecabinet/textindex"
)

func TestOpenErrors(t *testing.T) {
	good := makePDF(t, pdfSpec{pages: 2, compress: true})
	tests := []struct {
		name string
		data []byte
		want error
	}{
		{"empty", nil, ErrNotPDF},
		{"text", []byte("Biên bản phiên họp, không phải PDF"), ErrNotPDF},
		{"png", pngBytes(t), ErrNotPDF},
		{"header only", []byte("%PDF-1.7\n"), ErrCorrupt},
		{"header and garbage", append([]byte("%PDF-1.4\n"), bytes.Repeat([]byte{0xde, 0xad}, 4000)...), ErrCorrupt},
		{"password", makePDF(t, pdfSpec{pages: 1, compress: true, password: "mat-khau"}), ErrPassword},
		{"first half", good[:len(good)/2], nil}, // PDFium rebuilds a cut-off file's table when it can
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			d, err := engine.Open(context.Background(), &memReader{data: tt.data}, int64(len(tt.data)))
			if tt.want == nil {
				if err == nil {
					d.Close()
				} else if !errors.Is(err, ErrCorrupt) {
					t.Fatalf("err = %v, want nil or ErrCorrupt", err)
				}
				return
			}
			if err == nil {
				d.Close()
				t.Fatalf("opened, want %v", tt.want)
			}
			if !errors.Is(err, tt.want) {
				t.Fatalf("err = %v, want %v", err, tt.want)
			}
		})
	}
}

func pngBytes(t *testing.T) []byte {
	var b bytes.Buffer
	if err := png.Encode(&b, image.NewRGBA(image.Rect(0, 0, 4, 4))); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

func TestPagesAndSizes(t *testing.T) {
	d := open(t, makePDF(t, pdfSpec{pages: 5, compress: true}))
	if d.PageCount() != 5 {
		t.Fatalf("PageCount = %d", d.PageCount())
	}
	s, err := d.PageSize(4)
	if err != nil {
		t.Fatal(err)
	}
	// A4 is 210 × 297 mm = 595.28 × 841.89 pt.
	if math.Abs(s.Width-595.28) > 0.5 || math.Abs(s.Height-841.89) > 0.5 {
		t.Errorf("PageSize = %+v, want A4", s)
	}
	for _, p := range []int{-1, 5, 100} {
		if _, err := d.PageSize(p); !errors.Is(err, ErrPage) {
			t.Errorf("PageSize(%d) err = %v, want ErrPage", p, err)
		}
		if _, err := d.Render(context.Background(), p, 100); !errors.Is(err, ErrPage) {
			t.Errorf("Render(%d) err = %v, want ErrPage", p, err)
		}
	}
	img, err := d.RenderScale(context.Background(), 0, 0.5)
	if err != nil {
		t.Fatal(err)
	}
	if w, h := img.Bounds().Dx(), img.Bounds().Dy(); w != 298 || h < 420 || h > 422 {
		t.Errorf("RenderScale(0.5) = %d×%d, want 298×421", w, h)
	}
	d.Close()
	if _, err := d.Render(context.Background(), 0, 100); !errors.Is(err, ErrClosed) {
		t.Errorf("after Close err = %v", err)
	}
	if err := d.Close(); err != nil {
		t.Errorf("second Close: %v", err)
	}
}

func TestBookmarks(t *testing.T) {
	d := open(t, makePDF(t, pdfSpec{pages: 4, compress: true}))
	got, err := d.Bookmarks()
	if err != nil {
		t.Fatal(err)
	}
	want := []Bookmark{
		{Title: sections[0], Page: 0},
		{Title: sections[1], Page: 1, Children: []Bookmark{{Title: "Điều 1. Phạm vi điều chỉnh", Page: 1}}},
		{Title: sections[2], Page: 2},
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("Bookmarks =\n%#v\nwant\n%#v", got, want)
	}
	plain := open(t, makePDF(t, pdfSpec{pages: 2, compress: true, noOutlines: true}))
	if got, err := plain.Bookmarks(); err != nil || len(got) != 0 {
		t.Errorf("no outline: %v, %v", got, err)
	}
}

func TestPageTextMatchesPdftotext(t *testing.T) {
	data := makePDF(t, pdfSpec{pages: 3, compress: true})
	d := open(t, data)
	for p := 0; p < 3; p++ {
		pt, err := d.PageText(context.Background(), p)
		if err != nil {
			t.Fatal(err)
		}
		out, err := exec.Command("pdftotext", "-f", strconv.Itoa(p+1), "-l", strconv.Itoa(p+1), writeTemp(t, data), "-").Output()
		if err != nil {
			t.Fatalf("pdftotext: %v", err)
		}
		if got, want := squash(pt.String()), squash(string(out)); got != want {
			t.Errorf("page %d text:\n%q\npdftotext:\n%q", p+1, got, want)
		}
		plain, err := d.PlainText(context.Background(), p)
		if err != nil {
			t.Fatal(err)
		}
		if got, want := squash(plain), squash(pt.String()); got != want {
			t.Errorf("page %d plain text:\n%q\nstructured:\n%q", p+1, got, want)
		}
		if !strings.Contains(pt.String(), "Thủ tướng Chính phủ") {
			t.Errorf("page %d lost its diacritics: %q", p+1, pt.String())
		}
		for _, c := range pt.Chars {
			r := c.Rect
			if r != (Rect{}) && (r.X0 < 0 || r.Y0 < 0 || r.X1 > pt.Size.Width || r.Y1 > pt.Size.Height || r.X1 < r.X0 || r.Y1 < r.Y0) {
				t.Fatalf("char %q has rect %+v outside the page", c.Text, r)
			}
		}
	}
}

func TestFind(t *testing.T) {
	d := open(t, makePDF(t, pdfSpec{pages: 3, compress: true}))
	ctx := context.Background()
	tests := []struct {
		query     string
		perPage   map[int]int // page -> matches
		lineBreak bool        // the match on page 1 spans two lines
	}{
		{"dat dai", map[int]int{0: 1, 1: 3, 2: 1}, true}, // body once a page, heading and broken line on page 1
		{"ĐẤT ĐAI", map[int]int{0: 1, 1: 3, 2: 1}, true},
		{"đất đai", map[int]int{0: 1, 1: 3, 2: 1}, true},
		{"luat dat", map[int]int{1: 1}, false},
		{"thu tuong chinh phu", map[int]int{0: 1, 1: 1, 2: 1}, false},
		{"chuyen doi so", map[int]int{2: 1}, false},
		{"khong co dau", map[int]int{}, false},
		{"", map[int]int{}, false},
	}
	for _, tt := range tests {
		t.Run(tt.query, func(t *testing.T) {
			ms, err := d.Find(ctx, tt.query)
			if err != nil {
				t.Fatal(err)
			}
			got := map[int]int{}
			spans := false
			for _, m := range ms {
				got[m.Page]++
				if len(m.Rects) == 0 {
					t.Errorf("match on page %d has no rectangle", m.Page)
				}
				if len(m.Rects) == 2 && m.Page == 1 {
					spans = true
					if m.Rects[1].Y0 <= m.Rects[0].Y1-1 {
						t.Errorf("second line %+v is not below the first %+v", m.Rects[1], m.Rects[0])
					}
				}
				for _, r := range m.Rects {
					if r.X0 < 0 || r.X1 > 596 || r.Y0 < 0 || r.Y1 > 842 || r.X1-r.X0 < 5 || r.Y1-r.Y0 < 5 {
						t.Errorf("rect %+v is not a word on an A4 page", r)
					}
				}
			}
			if !reflect.DeepEqual(got, tt.perPage) {
				t.Errorf("matches per page = %v, want %v", got, tt.perPage)
			}
			if spans != tt.lineBreak {
				t.Errorf("match across the line break: %v, want %v", spans, tt.lineBreak)
			}
		})
	}
}

func TestFindRectCoversTheWords(t *testing.T) {
	// The heading on page 2 starts at the left margin (10 mm = 28.3 pt) and
	// its line is the first one (top margin 10 mm, 9 mm high).
	d := open(t, makePDF(t, pdfSpec{pages: 2, compress: true}))
	pt, err := d.PageText(context.Background(), 1)
	if err != nil {
		t.Fatal(err)
	}
	ms := pt.Find("phan ii")
	if len(ms) != 1 || len(ms[0].Rects) != 1 {
		t.Fatalf("Find = %+v", ms)
	}
	r := ms[0].Rects[0]
	if math.Abs(r.X0-28.35) > 6 || r.Y0 < 28 || r.Y1 > 28.35+25.5 {
		t.Errorf("rect %+v is not at the top-left heading", r)
	}
}

// meanDiff returns the mean absolute difference of two images' RGB
// channels, from 0 to 255, or +Inf when their sizes differ.
func meanDiff(a, b image.Image) float64 {
	if a.Bounds().Size() != b.Bounds().Size() {
		return math.Inf(1)
	}
	pa, pb := toRGBA(a), toRGBA(b)
	var sum int64
	for i := 0; i < len(pa.Pix); i += 4 {
		for c := 0; c < 3; c++ {
			d := int64(pa.Pix[i+c]) - int64(pb.Pix[i+c])
			sum += max(d, -d)
		}
	}
	return float64(sum) / float64(3*len(pa.Pix)/4)
}

// toRGBA returns img as an *image.RGBA at the origin, converting if needed.
func toRGBA(img image.Image) *image.RGBA {
	if r, ok := img.(*image.RGBA); ok && r.Rect.Min == (image.Point{}) && r.Stride == 4*r.Rect.Dx() {
		return r
	}
	b := img.Bounds()
	out := image.NewRGBA(image.Rect(0, 0, b.Dx(), b.Dy()))
	draw.Draw(out, out.Rect, img, b.Min, draw.Src)
	return out
}

// golden compares img with testdata/name; a missing or different master is
// written to testdata/failed/name for a person to look at.
func golden(t *testing.T, name string, img image.Image, tolerance float64) {
	t.Helper()
	want, err := readPNG(filepath.Join("testdata", name))
	if err == nil {
		if d := meanDiff(img, want); d <= tolerance {
			return
		} else {
			t.Errorf("%s: mean difference %.3f > %.3f", name, d, tolerance)
		}
	} else {
		t.Errorf("%s: %v", name, err)
	}
	os.MkdirAll(filepath.Join("testdata", "failed"), 0o755)
	writePNG(t, filepath.Join("testdata", "failed", name), img)
}

func readPNG(path string) (image.Image, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	return png.Decode(f)
}

func writePNG(t *testing.T, path string, img image.Image) {
	f, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if err := png.Encode(f, img); err != nil {
		t.Fatal(err)
	}
}

func TestRenderGolden(t *testing.T) {
	data := makePDF(t, pdfSpec{pages: 3, compress: true})
	d := open(t, data)
	img, err := d.Render(context.Background(), 0, 600)
	if err != nil {
		t.Fatal(err)
	}
	golden(t, "page1.png", img, 1)

	// The same page from poppler, at the same size: another renderer
	// agrees on what the page looks like (diacritics included), up to
	// anti-aliasing.
	dir := t.TempDir()
	if out, err := exec.Command("pdftoppm", "-png", "-f", "1", "-l", "1", "-scale-to-x", "600", "-scale-to-y", strconv.Itoa(img.Bounds().Dy()),
		writeTemp(t, data), filepath.Join(dir, "p")).CombinedOutput(); err != nil {
		t.Fatalf("pdftoppm: %v %s", err, out)
	}
	matches, _ := filepath.Glob(filepath.Join(dir, "p*.png"))
	if len(matches) != 1 {
		t.Fatalf("pdftoppm wrote %v", matches)
	}
	poppler, err := readPNG(matches[0])
	if err != nil {
		t.Fatal(err)
	}
	if diff := meanDiff(img, poppler); diff > 4 {
		t.Errorf("PDFium and poppler differ by %.2f on average", diff)
	}
	blank := image.NewRGBA(img.Bounds())
	for i := range blank.Pix {
		blank.Pix[i] = 0xff
	}
	if diff := meanDiff(img, blank); diff < 2 {
		t.Errorf("page 1 is nearly blank (%.2f from white)", diff)
	}

	w, err := NewWatermark(notoSans())
	if err != nil {
		t.Fatal(err)
	}
	marked := image.NewRGBA(img.Rect)
	copy(marked.Pix, img.Pix)
	if err := w.Apply(marked, "Nguyễn Văn Thành · 01/12/2026"); err != nil {
		t.Fatal(err)
	}
	golden(t, "page1-watermark.png", marked, 1)
	if diff := meanDiff(img, marked); diff < 0.2 {
		t.Errorf("the watermark changed almost nothing (%.2f)", diff)
	}
	// The watermark covers the whole page: each quarter of it is marked.
	b := img.Bounds()
	for _, q := range []image.Rectangle{
		image.Rect(0, 0, b.Dx()/2, b.Dy()/2), image.Rect(b.Dx()/2, 0, b.Dx(), b.Dy()/2),
		image.Rect(0, b.Dy()/2, b.Dx()/2, b.Dy()), image.Rect(b.Dx()/2, b.Dy()/2, b.Dx(), b.Dy()),
	} {
		if diff := meanDiff(img.SubImage(q), marked.SubImage(q)); diff < 0.3 {
			t.Errorf("quarter %v is barely marked (%.2f)", q, diff)
		}
	}
}

func TestRenderer(t *testing.T) {
	d := open(t, makePDF(t, pdfSpec{pages: 12, compress: true}))
	one, err := d.Render(context.Background(), 0, 200)
	if err != nil {
		t.Fatal(err)
	}
	pageBytes := int64(len(one.Pix))
	r := NewRenderer(d, RendererOptions{Ahead: 2, MaxBytes: 4 * pageBytes})
	defer r.Close()
	ctx := context.Background()

	img, err := r.Page(ctx, 0, 200)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(img.Pix, one.Pix) {
		t.Error("the Renderer's page 1 differs from Document.Render's")
	}
	// Pages 2 and 3 are rendered ahead without being asked for.
	waitFor(t, func() bool { return r.Cached(1, 200) != nil && r.Cached(2, 200) != nil })
	if r.Cached(3, 200) != nil {
		t.Error("page 4 was rendered although only 2 ahead were asked for")
	}
	// Flipping through every page keeps the cache within its bound.
	for p := 0; p < d.PageCount(); p++ {
		if _, err := r.Page(ctx, p, 200); err != nil {
			t.Fatal(err)
		}
		if b := r.CacheBytes(); b > 4*pageBytes {
			t.Fatalf("cache holds %d bytes, bound %d", b, 4*pageBytes)
		}
	}
	if r.Cached(0, 200) != nil {
		t.Error("page 1 is still cached after flipping 12 pages through a 4-page cache")
	}
	// A request whose context has ended is not rendered.
	cancelled, cancel := context.WithCancel(ctx)
	cancel()
	if _, err := r.Page(cancelled, 5, 333); !errors.Is(err, context.Canceled) {
		t.Errorf("cancelled request: %v", err)
	}
	done := make(chan error, 1)
	r.Request(cancelled, 6, 333, func(_ *image.RGBA, err error) { done <- err })
	if err := <-done; !errors.Is(err, context.Canceled) {
		t.Errorf("cancelled Request: %v", err)
	}
	if r.Cached(6, 333) != nil {
		t.Error("a cancelled page was rendered")
	}
	r.Close()
	if _, err := r.Page(ctx, 1, 50); !errors.Is(err, ErrClosed) {
		t.Errorf("after Close: %v", err)
	}
}

func TestRendererWatermark(t *testing.T) {
	d := open(t, makePDF(t, pdfSpec{pages: 3, compress: true}))
	w, err := NewWatermark(notoSans())
	if err != nil {
		t.Fatal(err)
	}
	label := "Nguyễn Văn Thành · 01/12/2026"
	r := NewRenderer(d, RendererOptions{Watermark: w, Label: label})
	defer r.Close()
	got, err := r.Page(context.Background(), 0, 600)
	if err != nil {
		t.Fatal(err)
	}
	want, err := d.Render(context.Background(), 0, 600)
	if err != nil {
		t.Fatal(err)
	}
	if err := w.Apply(want, label); err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(got.Pix, want.Pix) {
		t.Error("the Renderer's page is not the watermarked page")
	}
	golden(t, "page1-watermark.png", got, 1)
}

// waitFor waits until cond holds (background work has caught up); it fails
// the test only if that never happens within a very generous time.
func waitFor(t testing.TB, cond func() bool) {
	t.Helper()
	for end := time.Now().Add(time.Minute); time.Now().Before(end); time.Sleep(5 * time.Millisecond) {
		if cond() {
			return
		}
	}
	t.Fatal("condition never held")
}

// TestNoPlaintextInFiles opens and renders a paper whose bytes hold a known
// string (uncompressed) with a fresh compilation cache, and looks for the
// string in every file under the cache and the temporary directory.
func TestNoPlaintextInFiles(t *testing.T) {
	shared := filepath.Join(os.TempDir(), "ecabinet-pdfrender-test-wasm-cache")
	tmp := t.TempDir()
	t.Setenv("TMPDIR", tmp)
	// Start from a copy of the shared engine's cache (a cold compile takes
	// many seconds); whatever this engine adds is looked at too.
	cacheDir := filepath.Join(tmp, "cache")
	if err := os.CopyFS(cacheDir, os.DirFS(shared)); err != nil {
		t.Fatal(err)
	}
	e, err := NewEngine(context.Background(), Options{CacheDir: cacheDir, Instances: 1})
	if err != nil {
		t.Fatal(err)
	}
	data := makePDF(t, pdfSpec{pages: 2, marker: true})
	if !bytes.Contains(data, []byte(marker)) {
		t.Fatal("the test paper does not hold the marker in the clear")
	}
	d, err := e.Open(context.Background(), &memReader{data: data}, int64(len(data)))
	if err != nil {
		t.Fatal(err)
	}
	pt, err := d.PageText(context.Background(), 0)
	if err != nil || !strings.Contains(pt.String(), marker) {
		t.Fatalf("page text %v lacks the marker: %v", pt, err)
	}
	if _, err := d.Render(context.Background(), 1, 400); err != nil {
		t.Fatal(err)
	}
	d.Close()
	e.Close()
	files := 0
	filepath.WalkDir(tmp, func(path string, de fs.DirEntry, err error) error {
		if err != nil || de.IsDir() {
			return err
		}
		files++
		b, err := os.ReadFile(path)
		if err != nil {
			t.Error(err)
		}
		if bytes.Contains(b, []byte(marker)) {
			t.Errorf("%s holds the paper's text", path)
		}
		return nil
	})
	if files == 0 {
		t.Error("the compilation cache wrote nothing")
	}
}

func readMaybeGzip(path string) ([]byte, error) {
	data, err := os.ReadFile(path)
	if err != nil || !strings.HasSuffix(path, ".gz") {
		return data, err
	}
	zr, err := gzip.NewReader(bytes.NewReader(data))
	if err != nil {
		return nil, err
	}
	return io.ReadAll(zr)
}

// TestSandboxSeesNoFiles opens a real PDF file by its path from inside one
// of the engine's instances: the sandbox has nothing mounted, so PDFium
// cannot reach it (or any other file).
func TestSandboxSeesNoFiles(t *testing.T) {
	path := writeTemp(t, makePDF(t, pdfSpec{pages: 1, compress: true}))
	inst, err := engine.pool.GetInstance(time.Minute)
	if err != nil {
		t.Fatal(err)
	}
	defer inst.Close()
	for _, p := range []string{path, "/etc/passwd", "/"} {
		if doc, err := inst.OpenDocument(&requests.OpenDocument{FilePath: &p}); err == nil {
			inst.FPDF_CloseDocument(&requests.FPDF_CloseDocument{Document: doc.Document})
			t.Errorf("PDFium opened %s from inside the sandbox", p)
		}
	}
	// The same file through a reader opens.
	data, _ := os.ReadFile(path)
	d := open(t, data)
	if d.PageCount() != 1 {
		t.Errorf("PageCount = %d", d.PageCount())
	}
}

// TestSystemPDFs opens the PDFs Debian's packages ship in /usr/share/doc
// (whatever is installed) and renders their first page: real files from
// other producers than fpdf.
func TestSystemPDFs(t *testing.T) {
	paths, _ := filepath.Glob("/usr/share/doc/*/*.pdf")
	gz, _ := filepath.Glob("/usr/share/doc/*/*.pdf.gz")
	for _, p := range append(paths, gz...) {
		data, err := readMaybeGzip(p)
		if err != nil {
			t.Error(err)
			continue
		}
		d, err := engine.Open(context.Background(), &memReader{data: data}, int64(len(data)))
		if err != nil {
			t.Errorf("%s: %v", p, err)
			continue
		}
		img, err := d.Render(context.Background(), 0, 300)
		if err != nil {
			t.Errorf("%s: %v", p, err)
		} else if img.Bounds().Dx() != 300 {
			t.Errorf("%s: rendered %v", p, img.Bounds())
		}
		t.Logf("%s: %d pages", p, d.PageCount())
		d.Close()
	}
}

// TestErrorsTranslated checks that every error a reader shows has words in
// both languages.
func TestErrorsTranslated(t *testing.T) {
	for _, lang := range []string{"vi", "en"} {
		raw, err := assets.Translations.ReadFile("translations/domain." + lang + ".json")
		if err != nil {
			t.Fatal(err)
		}
		var words map[string]string
		if err := json.Unmarshal(raw, &words); err != nil {
			t.Fatal(err)
		}
		for _, e := range []*meetings.Error{ErrNotPDF, ErrCorrupt, ErrPassword, ErrPage} {
			if strings.TrimSpace(words[e.Code]) == "" {
				t.Errorf("%s has no %s translation", e.Code, lang)
			}
		}
	}
}

func TestAddToIndex(t *testing.T) {
	d := open(t, makePDF(t, pdfSpec{pages: 4, compress: true}))
	ix := textindex.New()
	if err := d.AddToIndex(context.Background(), ix, "v1"); err != nil {
		t.Fatal(err)
	}
	got := ix.Search("luat dat dai ", 0)
	want := []textindex.Page{{Doc: "v1", Page: 1}}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("Search = %v, want %v", got, want)
	}
	// The phrase broken across two lines on page 2 is found too.
	if got := ix.Search("chinh sach dat dai va boi", 0); !reflect.DeepEqual(got, want) {
		t.Errorf("Search across a line break = %v, want %v", got, want)
	}
	cancelled, cancel := context.WithCancel(context.Background())
	cancel()
	if err := d.AddToIndex(cancelled, textindex.New(), "v1"); !errors.Is(err, context.Canceled) {
		t.Errorf("cancelled: %v", err)
	}
}
