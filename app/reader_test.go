package app

import (
	"bytes"
	"fmt"
	"image"
	"image/png"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/driver/desktop"
	"fyne.io/fyne/v2/test"
	"github.com/go-pdf/fpdf"
	"golang.org/x/text/unicode/norm"

	"github.com/ecabinet/ecabinet/assets"
)

// The tests share the app's PDFium engine, with its compiled code kept
// between runs where pdfrender's tests keep theirs.
func init() {
	engineOpts.CacheDir = filepath.Join(os.TempDir(), "ecabinet-pdfrender-test-wasm-cache")
}

// readerMarker is in the paper's bytes in the clear (a core font writes
// text as it is), to look for in every file the test process writes.
const readerMarker = "MarkerKhongDuocGhiRaDia"

// readerPaper describes a generated paper.
type readerPaper struct {
	pages    int
	outline  bool
	marker   bool
	compress bool
}

// readerHeadings are the first pages' headings (bookmarked when outline).
var readerHeadings = []string{
	"Phần I. Đánh giá kết quả cải cách hành chính",
	"Phần II. Chuyển đổi số và dịch vụ công trực tuyến",
	"Phần III. Luật Đất đai (sửa đổi)",
}

// readerBody is real Vietnamese without "đất đai", which only page 3 has.
const readerBody = "Thủ tướng Chính phủ, Trưởng Ban Chỉ đạo Cải cách hành chính của Chính phủ " +
	"Phạm Minh Chính chủ trì phiên họp thứ năm của Ban Chỉ đạo. Các bộ, ngành, địa phương " +
	"tiếp tục đẩy mạnh phân cấp, phân quyền, cắt giảm thủ tục hành chính, nâng cao chất " +
	"lượng phục vụ người dân và doanh nghiệp."

// makeReaderPDF writes a Vietnamese paper with fpdf and Noto Sans: each
// page a heading and the body; page 3 speaks of "đất đai" twice (once
// broken across two lines).
func makeReaderPDF(tb testing.TB, spec readerPaper) []byte {
	tb.Helper()
	f := fpdf.New("P", "mm", "A4", "")
	f.SetCompression(spec.compress)
	f.AddUTF8FontFromBytes("noto", "", assets.NotoSansRegular)
	f.SetFooterFunc(func() {
		f.SetY(-20)
		f.SetFont("noto", "", 10)
		f.CellFormat(0, 7, fmt.Sprintf("Trang %d", f.PageNo()), "", 0, "C", false, 0, "")
	})
	for p := 0; p < spec.pages; p++ {
		f.AddPage()
		title := fmt.Sprintf("Trang %d của báo cáo", p+1)
		if p < len(readerHeadings) {
			title = readerHeadings[p]
		}
		title = norm.NFC.String(title)
		f.SetFont("noto", "", 18)
		if spec.outline && p < len(readerHeadings) {
			f.Bookmark(title, 0, -1)
		}
		f.MultiCell(0, 10, title, "", "L", false)
		f.SetFont("noto", "", 12)
		if spec.outline && p == 2 {
			f.Bookmark("Điều 1. Phạm vi điều chỉnh", 1, -1)
		}
		f.MultiCell(0, 7, norm.NFC.String(readerBody), "", "J", false)
		if p == 2 {
			f.Ln(4)
			f.MultiCell(0, 7, norm.NFC.String("Hoàn thiện thể chế về đất đai, nhà ở và kinh doanh bất động sản."), "", "L", false)
			f.CellFormat(0, 7, norm.NFC.String("Ý kiến về chính sách Đất"), "", 1, "L", false, 0, "")
			f.CellFormat(0, 7, norm.NFC.String("đai và bồi thường."), "", 1, "L", false, 0, "")
		}
		if spec.marker {
			f.SetFont("Helvetica", "", 12)
			f.CellFormat(0, 7, readerMarker, "", 1, "L", false, 0, "")
		}
	}
	var buf bytes.Buffer
	if err := f.Output(&buf); err != nil {
		tb.Fatal(err)
	}
	return buf.Bytes()
}

// readerClock is the watermark's date in tests.
var readerClock = func() time.Time { return time.Date(2023, 7, 19, 9, 0, 0, 0, vnTime) }

// openTestReader shows data in the reader in e's window and waits until
// its first pages are on screen.
func openTestReader(t testing.TB, e *env, src ReaderSource, opt readerOptions) *reader {
	t.Helper()
	if opt.Win == nil {
		opt.Win = e.w
	}
	if opt.Now == nil {
		opt.Now = readerClock
	}
	r := newReader(e.u, src, opt)
	e.w.SetContent(r.view())
	wireReaderKeys(e.w.Canvas(), r)
	t.Cleanup(func() {
		r.close()
		e.l.settle(e.u)
	})
	if tt, ok := t.(*testing.T); ok {
		waitLong(tt, e, "the reader to open", func() bool { return r.pv != nil || !strings.HasSuffix(r.status.Text, "…") })
		if r.pv == nil {
			tt.Fatalf("the reader did not open: %q", r.status.Text)
		}
		waitPages(tt, e, r)
	}
	return r
}

// waitLong is loop.waitFor with room for PDFium: starting it, and
// rendering under the race detector on a loaded machine, can take far
// longer than a screen's own work (a deadline, not a timing).
func waitLong(t *testing.T, e *env, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(2 * time.Minute)
	for {
		e.l.drain()
		if cond() {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(5 * time.Millisecond)
	}
}

// pdfSource is a ReaderSource over data in memory.
func pdfSource(title string, data []byte) ReaderSource {
	return ReaderSource{Title: title, Size: int64(len(data)), ReaderAt: bytes.NewReader(data), MediaType: "application/pdf"}
}

// waitPages waits until every page slot and thumbnail in use shows its
// image.
func waitPages(t *testing.T, e *env, r *reader) {
	t.Helper()
	waitLong(t, e, "the pages shown to render", func() bool {
		for _, s := range r.pv.slots {
			if s.page >= 0 && (s.img.Image == nil || s.img.Image.Bounds().Dx() != s.px) {
				return false
			}
		}
		return e.find(func(o fyne.CanvasObject) bool {
			ti, ok := o.(*thumbItem)
			return ok && ti.page >= 0 && ti.img.Image == nil
		}) == nil
	})
}

// shownPage is the page a slot shows at the top of the view.
func topSlotPage(r *reader) int {
	best, page := float32(1e9), -1
	off := r.pv.scroll.Offset.Y
	for _, s := range r.pv.slots {
		if s.page < 0 || !s.box.Visible() {
			continue
		}
		if d := abs32(s.box.Position().Y - off); d < best {
			best, page = d, s.page
		}
	}
	return page
}

func abs32(f float32) float32 {
	if f < 0 {
		return -f
	}
	return f
}

func typeKey(e *env, k fyne.KeyName) {
	e.w.Canvas().Focused().TypedKey(&fyne.KeyEvent{Name: k})
}

func typeShortcut(e *env, k fyne.KeyName) {
	s := &desktop.CustomShortcut{KeyName: k, Modifier: fyne.KeyModifierShortcutDefault}
	if f, ok := e.w.Canvas().Focused().(fyne.Shortcutable); ok {
		f.TypedShortcut(s)
		return
	}
	e.w.Canvas().(fyne.Shortcutable).TypedShortcut(s)
}

func TestReader_KeysAndPageNumberMovePages(t *testing.T) {
	e := newEnv(t, langVI, t.TempDir())
	r := openTestReader(t, e, pdfSource("Báo cáo", makeReaderPDF(t, readerPaper{pages: 12})), readerOptions{})
	// given the paper open on page 1, with the keyboard on the pages
	if _, ok := e.w.Canvas().Focused().(*pagesView); !ok {
		t.Fatalf("the focus is on %T, want the pages", e.w.Canvas().Focused())
	}
	if !e.hasText("Trang") || r.pageOf.Text != "/ 12" || r.pageNo.Text != "1" {
		t.Fatalf("bar: %q %q", r.pageNo.Text, r.pageOf.Text)
	}
	// and the reader fits the smallest window the app opens at
	if w := r.view().MinSize().Width; w > minWindow.Width {
		t.Fatalf("the reader needs %v wide, more than the %v of the smallest window", w, minWindow.Width)
	}
	for _, tc := range []struct {
		key  fyne.KeyName
		want int
	}{
		{fyne.KeyPageDown, 1}, {fyne.KeyPageDown, 2}, {fyne.KeyRight, 3}, {fyne.KeyPageUp, 2},
		{fyne.KeyLeft, 1}, {fyne.KeyEnd, 11}, {fyne.KeyPageDown, 11}, {fyne.KeyHome, 0}, {fyne.KeyPageUp, 0},
	} {
		// when a key is typed
		typeKey(e, tc.key)
		e.l.drain()
		// then the reader is on the page, and says so
		if r.cur != tc.want || r.pageNo.Text != fmt.Sprint(tc.want+1) {
			t.Fatalf("after %s: page %d (entry %q), want %d", tc.key, r.cur+1, r.pageNo.Text, tc.want+1)
		}
		if tc.key != fyne.KeyEnd && tc.want != 11 {
			if got := topSlotPage(r); got != tc.want {
				t.Fatalf("after %s: the top of the view shows page %d, want %d", tc.key, got+1, tc.want+1)
			}
		}
		if sel := r.thumbList; sel == nil {
			t.Fatal("no thumbnails")
		}
	}
	// the arrows scroll within the page
	y := r.pv.scroll.Offset.Y
	typeKey(e, fyne.KeyDown)
	if r.pv.scroll.Offset.Y <= y {
		t.Fatalf("Down did not scroll: %v -> %v", y, r.pv.scroll.Offset.Y)
	}

	// when a page number is typed in the entry
	r.pageNo.SetText("")
	test.Type(r.pageNo, "7")
	r.pageNo.TypedKey(&fyne.KeyEvent{Name: fyne.KeyReturn})
	waitPages(t, e, r)
	if r.cur != 6 || topSlotPage(r) != 6 {
		t.Fatalf("entry 7: page %d, top %d", r.cur+1, topSlotPage(r)+1)
	}
	// a number out of range puts the current page back
	r.pageNo.SetText("99")
	r.pageNo.TypedKey(&fyne.KeyEvent{Name: fyne.KeyReturn})
	if r.cur != 6 || r.pageNo.Text != "7" {
		t.Fatalf("entry 99: page %d, entry %q", r.cur+1, r.pageNo.Text)
	}
	// and the thumbnail of page 2 goes to page 2
	r.thumbList.Select(1)
	if r.cur != 1 {
		t.Fatalf("thumbnail 2: page %d", r.cur+1)
	}
}

func TestReader_OnlyVisiblePagesHaveObjects(t *testing.T) {
	e := newEnv(t, langVI, t.TempDir())
	r := openTestReader(t, e, pdfSource("Dài", makeReaderPDF(t, readerPaper{pages: 300, compress: true})), readerOptions{})
	// when a 300-page paper is flipped through from the start to the end
	for _, p := range []int{50, 150, 299, 0} {
		r.goTo(p)
		waitPages(t, e, r)
	}
	// then a handful of slots served every page
	if n := len(r.pv.slots); n > 6 {
		t.Fatalf("%d page slots for a 300-page paper", n)
	}
	if n := len(r.pv.content.Objects); n > 7 {
		t.Fatalf("%d objects in the pages' content", n)
	}
	// and the cache stayed within its bound
	if b := r.pages.CacheBytes(); b > 40<<20 {
		t.Fatalf("page cache %d bytes", b)
	}
}

func TestReader_Zoom(t *testing.T) {
	e := newEnv(t, langVI, t.TempDir())
	r := openTestReader(t, e, pdfSource("Báo cáo", makeReaderPDF(t, readerPaper{pages: 4})), readerOptions{})
	view := r.pv.Size()
	pageW := func() float32 { return r.pv.sizes[0].Width }
	// given fit width: the page fills the view's width
	if got, want := pageW(), view.Width-2*pagePad; abs32(got-want) > 1 {
		t.Fatalf("fit width: page %v wide in a view %v wide", got, view.Width)
	}
	fit := r.zoom()
	// when zoomed in with Ctrl+=
	typeShortcut(e, fyne.KeyEqual)
	if r.mode != zoomCustom || r.zoom() <= fit {
		t.Fatalf("Ctrl+=: zoom %v (fit %v)", r.zoom(), fit)
	}
	in := r.zoom()
	waitPages(t, e, r)
	if img := r.pv.slots[0].img.Image; img.Bounds().Dx() < int(pageW()) {
		t.Fatalf("zoomed page rendered %d px for %v units", img.Bounds().Dx(), pageW())
	}
	// and out twice with Ctrl+-
	typeShortcut(e, fyne.KeyMinus)
	typeShortcut(e, fyne.KeyMinus)
	if r.zoom() >= in || r.zoom() >= fit {
		t.Fatalf("Ctrl+- twice: zoom %v (was %v, fit %v)", r.zoom(), in, fit)
	}
	if !strings.HasSuffix(r.zoomText.Text, " %") || r.zoomText.Text == fmt.Sprintf("%d %%", int(in*100+0.5)) {
		t.Fatalf("zoom label %q", r.zoomText.Text)
	}
	// when fit page: the whole page is in the view
	r.setMode(zoomFitPage)
	if h := r.pv.sizes[0].Height; h > view.Height-2*pagePad+1 {
		t.Fatalf("fit page: page %v tall in a view %v tall", h, view.Height)
	}
	// and fit width again follows a smaller window
	r.setMode(zoomFitWidth)
	e.w.Resize(fyne.NewSize(900, 700))
	e.l.drain()
	if got, want := pageW(), r.pv.Size().Width-2*pagePad; abs32(got-want) > 1 || r.pv.Size().Width >= view.Width {
		t.Fatalf("after resize: page %v in view %v", got, r.pv.Size().Width)
	}
}

func TestReader_FindWithoutDiacritics(t *testing.T) {
	for _, tc := range []struct{ query, count string }{
		{"dat dai", "1/3"}, // the heading, the body, and across two lines
		{"ĐẤT ĐAI", "1/3"},
		{"chinh sach dat", "1/1"},
		{"không có ở đâu", ""},
	} {
		t.Run(tc.query, func(t *testing.T) {
			e := newEnv(t, langVI, t.TempDir())
			r := openTestReader(t, e, pdfSource("Báo cáo", makeReaderPDF(t, readerPaper{pages: 6})), readerOptions{})
			// when Ctrl+F is typed and the query entered
			typeShortcut(e, fyne.KeyF)
			if !r.findBar.Visible() || e.w.Canvas().Focused() != r.findText {
				t.Fatal("Ctrl+F did not open the find bar with the focus in it")
			}
			test.Type(r.findText, tc.query)
			r.findText.TypedKey(&fyne.KeyEvent{Name: fyne.KeyReturn})
			waitLong(t, e, "the find", func() bool { return r.finding == nil })
			if tc.count == "" {
				// then nothing found says so
				if r.findInfo.Text != "Không tìm thấy" || len(r.matches) != 0 {
					t.Fatalf("info %q, %d matches", r.findInfo.Text, len(r.matches))
				}
				return
			}
			// then the reader is on page 3, which has "đất đai", says "1/3"
			// and highlights the place on the page
			if r.cur != 2 || r.findInfo.Text != tc.count {
				t.Fatalf("page %d, info %q; want page 3, %q", r.cur+1, r.findInfo.Text, tc.count)
			}
			waitPages(t, e, r)
			var lit int
			for _, s := range r.pv.slots {
				for _, h := range s.hl {
					if s.page == 2 && h.Visible() && h.Size().Width > 10 {
						lit++
					}
				}
			}
			if lit == 0 {
				t.Fatal("no highlight on page 3")
			}
			if tc.count == "1/3" {
				// Enter again: the next place; the up arrow: back
				r.findText.TypedKey(&fyne.KeyEvent{Name: fyne.KeyReturn})
				if r.findInfo.Text != "2/3" || r.hit != 1 {
					t.Fatalf("next: %q", r.findInfo.Text)
				}
				r.findNext(-1)
				r.findNext(-1)
				if r.findInfo.Text != "3/3" {
					t.Fatalf("previous from the first wraps to the last: %q", r.findInfo.Text)
				}
				r.findNext(1)
				if r.findInfo.Text != "1/3" {
					t.Fatalf("previous: %q", r.findInfo.Text)
				}
			}
			// Esc closes the bar and its highlights
			r.findText.TypedKey(&fyne.KeyEvent{Name: fyne.KeyEscape})
			if r.findBar.Visible() || len(r.matches) != 0 {
				t.Fatal("Esc left the find bar open")
			}
		})
	}
}

func TestReader_ContentsFromBookmarks(t *testing.T) {
	e := newEnv(t, langVI, t.TempDir())
	r := openTestReader(t, e, pdfSource("Báo cáo", makeReaderPDF(t, readerPaper{pages: 5, outline: true})), readerOptions{})
	// given a paper with an outline: the contents list its headings
	if r.contents == nil {
		t.Fatal("no contents for a paper with an outline")
	}
	for _, h := range append(readerHeadings, "Điều 1. Phạm vi điều chỉnh") {
		if !e.hasText(h) {
			t.Errorf("the contents do not show %q", h)
		}
	}
	// when a heading is chosen, the reader goes to its page
	r.contents.Select("2")
	if r.cur != 2 {
		t.Fatalf("chose Phần III: page %d", r.cur+1)
	}
	r.contents.Select("0")
	if r.cur != 0 {
		t.Fatalf("chose Phần I: page %d", r.cur+1)
	}

	// and a paper without an outline says it has none
	e2 := newEnv(t, langVI, t.TempDir())
	r2 := openTestReader(t, e2, pdfSource("Không mục lục", makeReaderPDF(t, readerPaper{pages: 2})), readerOptions{})
	if r2.contents != nil {
		t.Fatal("contents for a paper without an outline")
	}
	tabs := e2.find(func(o fyne.CanvasObject) bool { _, ok := o.(*container.AppTabs); return ok })
	if tabs == nil {
		t.Fatal("no sidebar tabs")
	}
	tabs.(*container.AppTabs).SelectIndex(1)
	if !e2.hasText("Không có mục lục.") {
		t.Fatal("no 'Không có mục lục.'")
	}
}

func TestReader_EnglishBar(t *testing.T) {
	e := newEnv(t, langEN, t.TempDir())
	r := openTestReader(t, e, pdfSource("Report", makeReaderPDF(t, readerPaper{pages: 3})), readerOptions{})
	if !e.hasText("Page") || r.pageOf.Text != "of 3" || e.button("Fit width") == nil || e.button("Find") == nil {
		t.Fatalf("English bar: %q", r.pageOf.Text)
	}
}

func TestReader_NotAPDF(t *testing.T) {
	e := newEnv(t, langVI, t.TempDir())
	data := []byte("PK\x03\x04 not really a docx, only its bytes")
	// OpenExternal runs off the UI goroutine (it writes a file).
	type copyMade struct {
		name string
		data []byte
	}
	made := make(chan copyMade, 2)
	src := ReaderSource{Title: "Dự thảo Tờ trình", FileName: "to-trinh.docx", Size: int64(len(data)), ReaderAt: bytes.NewReader(data),
		MediaType: "application/vnd.openxmlformats-officedocument.wordprocessingml.document"}
	r := newReader(e.u, src, readerOptions{Win: e.w, OpenExternal: func(name string, b []byte) error {
		made <- copyMade{name, b}
		return nil
	}})
	e.w.SetContent(r.view())
	// then its details show, with a button to open it elsewhere
	for _, s := range []string{"to-trinh.docx", "Văn bản Word", "Dung lượng"} {
		if !e.hasText(s) {
			t.Errorf("no %q", s)
		}
	}
	b := e.button("Mở bằng chương trình khác…")
	if b == nil {
		t.Fatal("no button to open with another program")
	}
	// when it is tapped, a warning comes first; cancelling writes nothing
	test.Tap(b)
	if r.u.lastConfirm == nil || !e.hasText("không mã hóa") {
		t.Fatal("no warning before writing a readable copy")
	}
	r.u.lastConfirm.Dismiss()
	e.l.settle(e.u)
	if len(made) != 0 {
		t.Fatal("cancelling the warning still wrote the copy")
	}
	// confirming hands the bytes to the system viewer
	test.Tap(b)
	r.u.lastConfirm.Confirm()
	var got copyMade
	waitLong(t, e, "the copy", func() bool {
		select {
		case got = <-made:
			return true
		default:
			return false
		}
	})
	if !bytes.Equal(got.data, data) || got.name != "to-trinh.docx" {
		t.Fatalf("opened %q (%d bytes)", got.name, len(got.data))
	}
}

// TestReader_WritesNoPlaintext opens a paper, flips through it, zooms and
// finds in it, and then looks through every file under the temporary,
// home and cache directories the process was given (and the compiled
// PDFium cache) for a string that is in the paper's bytes.
func TestReader_WritesNoPlaintext(t *testing.T) {
	root := t.TempDir()
	dirs := map[string]string{}
	for _, v := range []string{"TMPDIR", "HOME", "XDG_CACHE_HOME", "XDG_CONFIG_HOME", "XDG_DATA_HOME"} {
		d := filepath.Join(root, v)
		if err := os.MkdirAll(d, 0o700); err != nil {
			t.Fatal(err)
		}
		t.Setenv(v, d)
		dirs[v] = d
	}
	data := makeReaderPDF(t, readerPaper{pages: 8, marker: true})
	if !bytes.Contains(data, []byte(readerMarker)) {
		t.Fatal("the marker is not in the paper's bytes: the test would prove nothing")
	}
	e := newEnv(t, langVI, filepath.Join(dirs["HOME"], "profile"))
	src := pdfSource("Mật", data)
	src.Confidential, src.Viewer = true, "Trần Lưu Quang"
	r := openTestReader(t, e, src, readerOptions{})
	for i := range 8 {
		r.goTo(i)
		waitPages(t, e, r)
	}
	typeShortcut(e, fyne.KeyEqual)
	waitPages(t, e, r)
	test.Type(r.findText, "Marker")
	r.findNext(1)
	waitLong(t, e, "the find", func() bool { return r.finding == nil })
	if len(r.matches) != 8 {
		t.Fatalf("found the marker %d times, want 8", len(r.matches))
	}
	r.close()
	e.l.settle(e.u)

	walk := []string{root, engineOpts.CacheDir}
	files := 0
	for _, d := range walk {
		err := filepath.Walk(d, func(path string, info os.FileInfo, err error) error {
			if err != nil || info.IsDir() {
				return err
			}
			files++
			b, err := os.ReadFile(path)
			if err != nil {
				return err
			}
			if bytes.Contains(b, []byte(readerMarker)) {
				t.Errorf("%s holds text of the paper", path)
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
	}
	if files == 0 {
		t.Fatal("walked no file at all (not even the compiled PDFium): is the walk right?")
	}
}

func TestReader_Golden(t *testing.T) {
	// The plain paper has an outline (the contents show); the
	// confidential one has none (the thumbnails show, watermarked too).
	for _, tc := range []struct {
		name    string
		viewer  string
		outline bool
	}{
		{"vi/reader.png", "", true},
		{"vi/reader_confidential.png", "Phạm Thị Thanh Trà", false},
	} {
		data := makeReaderPDF(t, readerPaper{pages: 3, outline: tc.outline})
		t.Run(tc.name, func(t *testing.T) {
			e := newEnv(t, langVI, t.TempDir())
			e.w.Resize(fyne.NewSize(1100, 700))
			src := pdfSource("Báo cáo kết quả cải cách hành chính", data)
			src.Confidential, src.Viewer = tc.viewer != "", tc.viewer
			r := openTestReader(t, e, src, readerOptions{})
			r.setMode(zoomFitPage)
			r.goTo(2)
			waitPages(t, e, r)
			test.AssertImageMatches(t, tc.name, e.shot())
		})
	}
}

func TestReader_OwnWindowClosesThePaper(t *testing.T) {
	e := newEnv(t, langVI, t.TempDir())
	// when a paper opens in a window of its own
	r := openReaderWindow(e.u, pdfSource("Báo cáo", makeReaderPDF(t, readerPaper{pages: 3})), readerOptions{Now: readerClock})
	w := r.opt.Win
	if w == e.w {
		t.Fatal("the reader opened in the main window")
	}
	waitLong(t, e, "the reader to open", func() bool { return r.pv != nil })
	// then its keys are the reader's even with nothing focused
	w.Canvas().Unfocus()
	w.Canvas().OnTypedKey()(&fyne.KeyEvent{Name: fyne.KeyEnd})
	if r.cur != 2 {
		t.Fatalf("End with nothing focused: page %d", r.cur+1)
	}
	w.Canvas().(fyne.Shortcutable).TypedShortcut(&desktop.CustomShortcut{KeyName: fyne.KeyF, Modifier: fyne.KeyModifierShortcutDefault})
	if !r.findBar.Visible() {
		t.Fatal("Ctrl+F on the window did not open the find bar")
	}
	// and closing the window closes the paper
	w.Close()
	e.l.settle(e.u)
	if !r.closed || r.ctx.Err() == nil {
		t.Fatal("closing the window left the paper open")
	}
	if _, err := r.doc.PageSize(0); err == nil {
		t.Fatal("the document is still open after its window closed")
	}
}

func TestReader_ShowsImagesInside(t *testing.T) {
	e := newEnv(t, langVI, t.TempDir())
	var buf bytes.Buffer
	img := image.NewRGBA(image.Rect(0, 0, 40, 30))
	if err := png.Encode(&buf, img); err != nil {
		t.Fatal(err)
	}
	data := buf.Bytes()
	r := newReader(e.u, ReaderSource{Title: "Sơ đồ tổ chức", FileName: "so-do.png", Size: int64(len(data)),
		ReaderAt: bytes.NewReader(data), MediaType: "image/png"}, readerOptions{Win: e.w})
	e.w.SetContent(r.view())
	waitLong(t, e, "the image", func() bool {
		return e.find(func(o fyne.CanvasObject) bool {
			c, ok := o.(*canvas.Image)
			return ok && c.Image != nil && c.Image.Bounds().Dx() == 40
		}) != nil
	})
	if !e.hasText("Hình ảnh") || e.button("Mở bằng chương trình khác…") == nil {
		t.Fatal("the image's details are gone")
	}
}

func TestReader_IsPDF(t *testing.T) {
	pdf := []byte("%PDF-1.7\n...")
	for _, tc := range []struct {
		mt   string
		data []byte
		want bool
	}{
		{"application/pdf", []byte("anything"), true},
		{"", pdf, true},
		{"application/octet-stream", pdf, true},
		{"", []byte("PK\x03\x04"), false},
		{"image/png", pdf, false},
	} {
		src := ReaderSource{MediaType: tc.mt, Size: int64(len(tc.data)), ReaderAt: bytes.NewReader(tc.data)}
		if got := isPDF(src); got != tc.want {
			t.Errorf("isPDF(%q, %q) = %v", tc.mt, tc.data, got)
		}
	}
}

func TestReader_FmtBytes(t *testing.T) {
	for _, tc := range []struct {
		lang string
		n    int64
		want string
	}{
		{langVI, 512, "512 B"},
		{langVI, 1_500_000, "1,5 MB"},
		{langEN, 1_500_000, "1.5 MB"},
		{langEN, 250_000, "250 KB"},
		{langVI, 3_200_000_000, "3,2 GB"},
	} {
		setLanguage(tc.lang)
		if got := fmtBytes(tc.n); got != tc.want {
			t.Errorf("%s %d: %q, want %q", tc.lang, tc.n, got, tc.want)
		}
	}
	setLanguage(langVI)
}

func TestReader_FirstPageStartsAtTheWidthTheViewAsks(t *testing.T) {
	e := newEnv(t, langVI, t.TempDir())
	data := makeReaderPDF(t, readerPaper{pages: 4})
	openTestReader(t, e, pdfSource("Một", data), readerOptions{})
	// given a paper shown once at fit width, the next one's page 1 is
	// rendered while its view is built, at the width that view then asks
	r := openTestReader(t, e, pdfSource("Hai", data), readerOptions{})
	guess := firstPagePx(r.sizes)
	var asked int
	for _, s := range r.pv.slots {
		if s.page == 0 {
			asked = s.px
		}
	}
	if guess == 0 || guess != asked {
		t.Fatalf("page 1 started at %d px, the view asked for %d", guess, asked)
	}
}
