package app

import (
	"bytes"
	"encoding/binary"
	"hash/crc32"
	"image"
	"image/color"
	"image/png"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/storage"
	"fyne.io/fyne/v2/test"

	"github.com/ecabinet/ecabinet/ballots"
)

// paperScanPNG draws something like a scanned answer sheet: a page with
// lines of text, a ticked box and a signature stroke.
func paperScanPNG(t *testing.T) []byte {
	t.Helper()
	img := image.NewRGBA(image.Rect(0, 0, 620, 877))
	for y := range 877 {
		for x := range 620 {
			img.Set(x, y, color.RGBA{250, 248, 240, 255})
		}
	}
	ink := color.RGBA{40, 40, 60, 255}
	for i, w := range []int{420, 520, 500, 380, 510, 300} {
		for y := 90 + i*46; y < 98+i*46; y++ {
			for x := 60; x < 60+w; x++ {
				img.Set(x, y, ink)
			}
		}
	}
	for d := range 40 { // a box and a tick
		img.Set(60+d, 420, ink)
		img.Set(60+d, 460, ink)
		img.Set(60, 420+d, ink)
		img.Set(100, 420+d, ink)
		img.Set(68+d/3, 440+d/3, ink)
		img.Set(81+d/2, 453-d, ink)
	}
	for x := 380; x < 560; x++ { // a signature
		y := 700 + int(18*float64((x%40)-20)/20)
		img.Set(x, y, ink)
		img.Set(x, y+1, ink)
	}
	var buf bytes.Buffer
	if err := png.Encode(&buf, img); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// whoRowOf finds the results row of a member.
func whoRowOf(e *env, name string) *whoItem {
	o := e.find(func(o fyneObject) bool { w, ok := o.(*whoItem); return ok && strings.HasPrefix(w.name.seg.Text, name) })
	if o == nil {
		return nil
	}
	return o.(*whoItem)
}

func TestScan_ViewImageCorruptAndPDF(t *testing.T) {
	p := secretaryProfile(t)
	b := fixtureOpenBallot(t, p)
	var names []string
	for _, id := range b.Eligible {
		m, err := p.Member(id)
		if err != nil {
			t.Fatal(err)
		}
		names = append(names, m.Name)
	}
	if len(names) < 4 {
		t.Fatal("the fixture ballot has too few members")
	}
	// given paper answers with a PNG scan, a damaged "PNG", a PDF, and none
	scans := [][]byte{
		paperScanPNG(t),
		append([]byte("\x89PNG\r\n\x1a\n"), bytes.Repeat([]byte{0xde, 0xad}, 64)...),
		testPDF,
		nil,
	}
	for i, scan := range scans {
		if _, err := p.RecordPaperAnswer(b.ID, b.Eligible[i], ballots.ChoiceAgree, "", scan); err != nil {
			t.Fatal(err)
		}
	}
	e := newEnv(t, langVI, "")
	s := e.open(p)
	bs := openBallot(t, s, b.ID)
	bs.detail.tabs.SelectIndex(1)
	e.w.Resize(fyne.NewSize(testWindowWidth, 1300)) // room for every row
	e.l.waitFor(t, "the results", func() bool { return whoRowOf(e, names[0]) != nil })
	saveShot(t, "scan-rows-vi.png", e.shot())
	rows := make([]*whoItem, 4)
	for i := range rows {
		rows[i] = whoRowOf(e, names[i])
	}
	if rows[0] == nil || !rows[0].scanBox.Visible() || rows[0].scan.Text != "Xem bản quét" {
		t.Fatal("“Xem bản quét” should show on a paper answer with a scan")
	}
	if rows[3] != nil && rows[3].scanBox.Visible() {
		t.Error("“Xem bản quét” on a paper answer without a scan")
	}
	for i := 1; i < 3; i++ {
		if rows[i] == nil || !rows[i].scanBox.Visible() {
			t.Fatalf("no scan button on the row of %s", names[i])
		}
	}

	// when the image scan is opened, it shows, scaled to fit the window
	test.Tap(rows[0].scan)
	var shown *canvas.Image
	e.l.waitFor(t, "the image", func() bool {
		o := e.find(func(o fyneObject) bool {
			ci, ok := o.(*canvas.Image)
			return ok && ci.Image != nil && ci.Image.Bounds().Dx() == 620
		})
		if o != nil {
			shown = o.(*canvas.Image)
		}
		return shown != nil
	})
	win := e.w.Canvas().Size()
	if ms := shown.MinSize(); ms.Width > win.Width || ms.Height > win.Height || ms.Height < 300 {
		t.Errorf("image shown at %v in a window of %v", ms, win)
	}
	if !e.hasText("Bản quét phiếu giấy — " + names[0]) {
		t.Error("the dialog does not name the member")
	}
	saveShot(t, "scan-image-vi.png", e.shot())
	closeOverlays(e)

	// a damaged scan is said in words
	test.Tap(rows[1].scan)
	e.l.waitFor(t, "the error", func() bool { return e.hasText("Không đọc được bản quét: tệp bị hỏng") })
	saveShot(t, "scan-corrupt-vi.png", e.shot())
	closeOverlays(e)

	// a PDF is offered to be saved and opened with the system viewer
	test.Tap(rows[2].scan)
	e.l.waitFor(t, "the offer", func() bool { return e.hasText("Bản quét là tệp PDF.") })
	if e.button("Lưu và mở") == nil {
		t.Fatal("no “Lưu và mở”")
	}
	closeOverlays(e)
	var opened *url.URL
	openURL = func(_ fyne.App, u *url.URL) error { opened = u; return nil }
	t.Cleanup(func() { openURL = func(a fyne.App, u *url.URL) error { return a.OpenURL(u) } })
	path := filepath.Join(t.TempDir(), "ban-quet.pdf")
	if err := os.WriteFile(path, testPDF, 0o600); err != nil {
		t.Fatal(err)
	}
	openSavedScan(e.u, storage.NewFileURI(path))
	if opened == nil || opened.Scheme != "file" || opened.Path != path {
		t.Errorf("opened %v, want file://%s", opened, path)
	}
}

func TestScan_DecodeNeverPanics(t *testing.T) {
	setLanguage(langVI)
	for _, tc := range []struct {
		name string
		data []byte
		kind scanKind
		ok   bool
	}{
		{"png", paperScanPNG(t), scanImage, true},
		{"pdf", []byte("%PDF-1.4\n…"), scanPDF, true},
		{"truncated png", paperScanPNG(t)[:100], scanImage, false},
		{"jpeg header only", []byte("\xff\xd8\xff\xe0"), scanImage, false},
		{"empty", nil, scanImage, false},
		{"huge declared size", hugePNGHeader(), scanImage, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			kind, img, err := decodeScan(tc.data)
			if kind != tc.kind || (err == nil) != tc.ok || (tc.kind == scanImage && tc.ok && img == nil) {
				t.Fatalf("kind %v, image %v, err %v", kind, img != nil, err)
			}
			want := "Không đọc được bản quét: tệp bị hỏng"
			if tc.name == "huge declared size" {
				want = "Bản quét quá lớn để hiển thị (100000 × 100000 điểm ảnh)."
			}
			if err != nil && !strings.HasPrefix(errorText(err), want) {
				t.Errorf("error %q, want %q", errorText(err), want)
			}
		})
	}
}

// hugePNGHeader is a valid PNG header declaring a 100000 × 100000 image.
func hugePNGHeader() []byte {
	var buf bytes.Buffer
	_ = png.Encode(&buf, image.NewGray(image.Rect(0, 0, 1, 1)))
	b := buf.Bytes()
	// IHDR's type, width and height sit at bytes 12–23, its CRC at 29–32.
	for i, v := range []byte{0, 1, 0x86, 0xa0, 0, 1, 0x86, 0xa0} {
		b[16+i] = v
	}
	binary.BigEndian.PutUint32(b[29:33], crc32.ChecksumIEEE(b[12:29]))
	return b
}

// closeOverlays dismisses the dialogs shown.
func closeOverlays(e *env) {
	for _, o := range e.w.Canvas().Overlays().List() {
		e.w.Canvas().Overlays().Remove(o)
	}
}
