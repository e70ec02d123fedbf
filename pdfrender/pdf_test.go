package pdfrender

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"fyne.io/fyne/v2/theme"
	"github.com/go-pdf/fpdf"
	"golang.org/x/text/unicode/norm"
)

// engine is the one Engine of the test binary: compiling PDFium takes
// seconds, so every test shares it (and its compilation cache, kept between
// runs in the system's temporary directory).
var engine *Engine

func TestMain(m *testing.M) {
	var err error
	engine, err = NewEngine(context.Background(), Options{
		CacheDir:  filepath.Join(os.TempDir(), "ecabinet-pdfrender-test-wasm-cache"),
		Instances: 4,
	})
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	code := m.Run()
	engine.Close()
	os.Exit(code)
}

// notoSans is Fyne's bundled NotoSans, which has every Vietnamese letter.
func notoSans() []byte { return theme.DefaultTextFont().Content() }

// sections are the headings of the generated paper, one page each (then
// repeated), with bookmarks.
var sections = []string{
	"Phần I. Đánh giá kết quả cải cách hành chính",
	"Phần II. Luật Đất đai (sửa đổi)",
	"Phần III. Chuyển đổi số và dịch vụ công trực tuyến",
}

// body is real Vietnamese text (from the shared sample report).
const body = "Thủ tướng Chính phủ, Trưởng Ban Chỉ đạo Cải cách hành chính của Chính phủ " +
	"Phạm Minh Chính chủ trì phiên họp thứ năm của Ban Chỉ đạo. Các bộ, ngành, địa phương " +
	"tiếp tục đẩy mạnh phân cấp, phân quyền, cắt giảm thủ tục hành chính, nâng cao chất " +
	"lượng phục vụ người dân và doanh nghiệp; ưu tiên hoàn thiện thể chế về đất đai, " +
	"nhà ở và kinh doanh bất động sản."

// marker is a string that appears in the uncompressed paper's bytes, to
// look for in files the process writes.
const marker = "MarkerKhongDuocGhiRaDia"

type pdfSpec struct {
	pages      int
	compress   bool
	password   string
	noOutlines bool
	marker     bool
}

// makePDF writes a Vietnamese paper with fpdf: spec.pages pages, each with a
// heading (bookmarked: the headings of sections at level 0, a sub-heading
// at level 1 on the second page), the body text, and on page 2 "Đất đai"
// broken across two lines.
func makePDF(tb testing.TB, spec pdfSpec) []byte {
	tb.Helper()
	f := fpdf.New("P", "mm", "A4", "")
	f.SetCompression(spec.compress)
	f.AddUTF8FontFromBytes("noto", "", notoSans())
	if spec.password != "" {
		f.SetProtection(fpdf.CnProtectPrint, spec.password, "owner-"+spec.password)
	}
	f.SetFont("noto", "", 12)
	f.SetFooterFunc(func() {
		f.SetY(-20)
		f.SetFont("noto", "", 10)
		f.CellFormat(0, 7, fmt.Sprintf("Trang %d", f.PageNo()), "", 0, "C", false, 0, "")
	})
	for p := 0; p < spec.pages; p++ {
		f.AddPage()
		title := norm.NFC.String(sections[p%len(sections)])
		if p >= len(sections) {
			title = fmt.Sprintf("%s (trang %d)", title, p+1)
		}
		f.SetFont("noto", "", 16)
		if !spec.noOutlines && p < len(sections) {
			f.Bookmark(title, 0, -1)
		}
		f.MultiCell(0, 9, title, "", "L", false)
		f.SetFont("noto", "", 12)
		if !spec.noOutlines && p == 1 {
			f.Bookmark("Điều 1. Phạm vi điều chỉnh", 1, -1)
		}
		f.MultiCell(0, 7, norm.NFC.String(body), "", "J", false)
		if p == 1 {
			f.Ln(4)
			f.CellFormat(0, 7, "Ý kiến về chính sách Đất", "", 1, "L", false, 0, "")
			f.CellFormat(0, 7, "đai và bồi thường.", "", 1, "L", false, 0, "")
		}
		if spec.marker {
			// A core font writes the string as it is (a UTF-8 font writes
			// glyph numbers), so it is in the file's bytes in the clear.
			f.SetFont("Helvetica", "", 12)
			f.CellFormat(0, 7, marker, "", 1, "L", false, 0, "")
		}
	}
	var buf bytes.Buffer
	if err := f.Output(&buf); err != nil {
		tb.Fatal(err)
	}
	return buf.Bytes()
}

// memReader is an io.ReaderAt that copies out of memory in 1 MiB chunks, a
// stand-in for the chunk store's decrypting reader.
type memReader struct {
	data  []byte
	reads int
}

func (m *memReader) ReadAt(p []byte, off int64) (int, error) {
	m.reads++
	r := bytes.NewReader(m.data)
	return r.ReadAt(p, off)
}

func open(tb testing.TB, data []byte) *Document {
	tb.Helper()
	d, err := engine.Open(context.Background(), &memReader{data: data}, int64(len(data)))
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { d.Close() })
	return d
}

// writeTemp writes data to a temporary file for the poppler tools.
func writeTemp(tb testing.TB, data []byte) string {
	tb.Helper()
	p := filepath.Join(tb.TempDir(), "paper.pdf")
	if err := os.WriteFile(p, data, 0o600); err != nil {
		tb.Fatal(err)
	}
	return p
}

func squash(s string) string { return strings.Join(strings.Fields(s), " ") }
