package report

import (
	"bytes"
	"compress/gzip"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/go-pdf/fpdf"
	"github.com/pdfcpu/pdfcpu/pkg/api"
	"github.com/pdfcpu/pdfcpu/pkg/pdfcpu"
	"github.com/pdfcpu/pdfcpu/pkg/pdfcpu/model"

	"github.com/ecabinet/ecabinet/assets"
	"github.com/ecabinet/ecabinet/meetings"
)

// The book is checked as a member gets it: written to a file and read
// back with poppler (pdftotext, pdfinfo, pdftoppm) and, for the outline,
// which this poppler's pdfinfo cannot list, with pdfcpu's own reader.

func buildBook(t *testing.T, b Book) string {
	t.Helper()
	return render(t, func(buf *bytes.Buffer) error { return BuildBook(context.Background(), buf, b) })
}

// squeeze is s without white space: pdftotext gives the diagonal
// watermark a line per few letters.
func squeeze(s string) string { return strings.Join(strings.Fields(s), "") }

// rawText is page n as pdftotext -raw reads it (content order).
func rawText(t *testing.T, path string, n int) string {
	t.Helper()
	out, err := exec.Command("pdftotext", "-raw", "-enc", "UTF-8", "-f", strconv.Itoa(n), "-l", strconv.Itoa(n), path, "-").Output()
	if err != nil {
		t.Fatalf("pdftotext: %v", err)
	}
	return string(out)
}

// checkStamps checks, on every page, the footer with the member's name and
// the date, "Trang x/y", and the diagonal watermark.
func checkStamps(t *testing.T, path string, l Lang, footer, mark string) int {
	t.Helper()
	n := pdfPages(t, path)
	for i := 1; i <= n; i++ {
		page := pdfText(t, path, i)
		if !strings.Contains(page, footer) {
			t.Errorf("page %d lacks the footer %q", i, footer)
		}
		if want := fmt.Sprintf(labels[l]["page"], i, strconv.Itoa(n)); !strings.Contains(page, want) {
			t.Errorf("page %d of %d lacks %q", i, n, want)
		}
		// The footer holds the mark's text too; the diagonal is a second
		// copy.
		if got := strings.Count(squeeze(rawText(t, path, i)), squeeze(mark)); got < 2 {
			t.Errorf("page %d has the watermark %q %d times, want the diagonal and the footer", i, mark, got)
		}
	}
	return n
}

// outline reads the book's outline with pdfcpu as "title@page" lines,
// indented two spaces a level.
func outline(t *testing.T, path string) []string {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	bms, err := api.Bookmarks(f, model.NewDefaultConfiguration())
	if err != nil {
		t.Fatalf("bookmarks: %v", err)
	}
	var out []string
	var walk func([]pdfcpu.Bookmark, int)
	walk = func(bms []pdfcpu.Bookmark, depth int) {
		for _, b := range bms {
			out = append(out, fmt.Sprintf("%s%s@%d", strings.Repeat("  ", depth), b.Title, b.PageFrom))
			walk(b.Kids, depth+1)
		}
	}
	walk(bms, 0)
	return out
}

func TestBook(t *testing.T) {
	tests := []struct {
		lang           Lang
		footer, mark   string
		want           []string
		contents       []string
		outlineEntries []string
	}{
		{Vietnamese, "Tài liệu họp của Phạm Thị Thanh Trà · 17/07/2023", "Phạm Thị Thanh Trà · 17/07/2023",
			[]string{"BAN CHỈ ĐẠO CẢI CÁCH HÀNH CHÍNH CỦA CHÍNH PHỦ", "TẬP TÀI LIỆU HỌP", fifthTitle, "08:00, Thứ Tư, ngày 19/07/2023",
				"Tài liệu của đồng chí", "Phạm Thị Thanh Trà", "Bộ trưởng Bộ Nội vụ", "Gồm 5 tài liệu, 13 trang.",
				"Tài liệu phục vụ phiên họp. Không sao chụp, không chuyển cho người khác.", "Hà Nội, ngày 17 tháng 7 năm 2023",
				"CHƯƠNG TRÌNH HỌP", "Phát biểu khai mạc phiên họp", "08:10 – 08:35", "Tổng thời gian dự kiến: 1 giờ 15 phút.", "MỤC LỤC"},
			[]string{"1. Phát biểu khai mạc phiên họp", "Không có tài liệu.", "Báo cáo số 3412/BC-BNV về công tác cải cách hành chính 6 tháng",
				"Phụ lục: Chỉ số cải cách hành chính các bộ", "Tham luận của UBND tỉnh Cà Mau — không kèm theo (không phải tệp PDF)", "Dự thảo Thông báo kết luận"},
			[]string{"Bìa, chương trình và mục lục@1", "1. Phát biểu khai mạc phiên họp@3"}},
		{English, "Meeting book of Phạm Thị Thanh Trà · 17 July 2023", "Phạm Thị Thanh Trà · 17 July 2023",
			[]string{"MEETING BOOK", "Prepared for", "5 papers, 13 pages.", "For the meeting only.", "AGENDA", "CONTENTS", "Hà Nội, 17 July 2023"},
			[]string{"not included (not a PDF)", "No papers."},
			[]string{"Cover, agenda and contents@1"}},
	}
	for _, tt := range tests {
		t.Run(string(tt.lang), func(t *testing.T) {
			path := buildBook(t, fifthBook(t, tt.lang))
			if n := checkStamps(t, path, tt.lang, tt.footer, tt.mark); n != 13 {
				t.Fatalf("pages = %d, want 3 (front) + 4 + 2 + 3 + 1", n)
			}
			contains(t, pdfText(t, path, 0), tt.want...)
			contents := pdfText(t, path, 3)
			contains(t, contents, tt.contents...)
			// Each paper starts where the contents says: the number is the
			// last thing on the paper's line.
			for _, at := range []struct {
				title string
				page  int
				first string
			}{
				{"Phụ lục: Chỉ số cải cách hành chính các bộ", 8, "Phụ lục chỉ số — trang 1 của tài liệu."},
				{"Bảng tổng hợp kết quả giải quyết thủ tục hành chính", 10, "Bảng tổng hợp — trang 1 của tài liệu."},
				{"Dự thảo Thông báo kết luận", 13, "Dự thảo kết luận — trang 1 của tài liệu."},
			} {
				if !regexp.MustCompile(regexp.QuoteMeta(at.title) + ` \.+ ` + strconv.Itoa(at.page) + `\b`).MatchString(contents) {
					t.Errorf("the contents do not give %q page %d:\n%s", at.title, at.page, contents)
				}
				contains(t, pdfText(t, path, at.page), at.first)
			}
			contains(t, pdfText(t, path, 4), "Báo cáo 3412 — trang 1 của tài liệu.")
			contains(t, pdfText(t, path, 7), "Báo cáo 3412 — trang 4 của tài liệu.")

			got := strings.Join(outline(t, path), "\n")
			for _, w := range tt.outlineEntries {
				if !strings.Contains(got, w) {
					t.Errorf("outline lacks %q:\n%s", w, got)
				}
			}
			if tt.lang == Vietnamese {
				want := strings.Join([]string{
					"Bìa, chương trình và mục lục@1",
					"1. Phát biểu khai mạc phiên họp@3",
					"2. " + fifthAgenda[1].Title + "@4",
					"  Báo cáo số 3412/BC-BNV về công tác cải cách hành chính 6 tháng đầu năm 2023@4",
					"    Phần 1 của Báo cáo 3412@4",
					"      Phần 2 của Báo cáo 3412@5",
					"    Phần 3 của Báo cáo 3412@6",
					"      Phần 4 của Báo cáo 3412@7",
					"  Phụ lục: Chỉ số cải cách hành chính các bộ@8",
					"3. " + fifthAgenda[2].Title + "@10",
					"  Bảng tổng hợp kết quả giải quyết thủ tục hành chính@10",
					"4. " + fifthAgenda[3].Title + "@3",
					"5. Kết luận phiên họp@13",
					"  Dự thảo Thông báo kết luận@13",
				}, "\n")
				if got != want {
					t.Errorf("outline:\n%s\nwant:\n%s", got, want)
				}
			}
		})
	}
}

// TestBookRealPDF binds a real-world PDF (the fontconfig manual, pdfTeX
// with hyperref: Type 1 fonts, links, an outline of its own) beside a
// generated one: its pages come through, numbered and watermarked, and its
// own outline sits under its entry.
func TestBookRealPDF(t *testing.T) {
	real := fontconfigManual(t)
	b := fifthBook(t, Vietnamese)
	b.Papers["i4"] = []BookPaper{pdfPaper("Hướng dẫn sử dụng fontconfig (tài liệu thật)", real)}
	path := buildBook(t, b)
	n := checkStamps(t, path, Vietnamese, "Tài liệu họp của Phạm Thị Thanh Trà · 17/07/2023", "Phạm Thị Thanh Trà · 17/07/2023")
	if n != 13+15 {
		t.Fatalf("pages = %d, want 28 (the manual has 15)", n)
	}
	// Item 4's paper comes after item 3's 3 pages: pages 13-27.
	contains(t, pdfText(t, path, 13), "fonts.conf — Font configuration files")
	lines := outline(t, path)
	joined := strings.Join(lines, "\n")
	if !strings.Contains(joined, "4. "+fifthAgenda[3].Title+"@13\n  Hướng dẫn sử dụng fontconfig (tài liệu thật)@13\n    ") {
		t.Errorf("the manual's entry or its own outline is missing:\n%s", joined)
	}
	// The manual's own links still work: pdfcpu kept its annotations.
	if out, err := exec.Command("pdfinfo", "-f", "1", "-l", strconv.Itoa(n), path).CombinedOutput(); err != nil {
		t.Fatalf("pdfinfo: %v\n%s", err, out)
	}
}

func fontconfigManual(t testing.TB) []byte {
	t.Helper()
	f, err := os.Open(filepath.Join("testdata", "fontconfig-user.pdf.gz"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	z, err := gzip.NewReader(f)
	if err != nil {
		t.Fatal(err)
	}
	data, err := io.ReadAll(z)
	if err != nil {
		t.Fatal(err)
	}
	return data
}

// TestBookRotated: a paper page with /Rotate 90 gets its footer upright
// along the bottom of the page as shown.
func TestBookRotated(t *testing.T) {
	var rotated bytes.Buffer
	plain := makePaper(t, paperSpec{title: "Trang xoay", pages: 2})
	if err := api.Rotate(bytes.NewReader(plain), &rotated, 90, []string{"1"}, nil); err != nil {
		t.Fatal(err)
	}
	b := fifthBook(t, Vietnamese)
	b.Papers = map[string][]BookPaper{"i1": {pdfPaper("Trang xoay", rotated.Bytes())}}
	path := buildBook(t, b)
	n := checkStamps(t, path, Vietnamese, "Tài liệu họp của Phạm Thị Thanh Trà · 17/07/2023", "Phạm Thị Thanh Trà · 17/07/2023")
	// pdftotext -bbox gives words in the page's coordinates as shown
	// (origin top left): turned a quarter, the page shows 842 wide and 595
	// high, and the footer runs along its bottom, the number at the right.
	out, err := exec.Command("pdftotext", "-bbox", "-f", strconv.Itoa(n-1), "-l", strconv.Itoa(n-1), path, "-").Output()
	if err != nil {
		t.Fatal(err)
	}
	word := func(w string) (x, y float64) {
		m := regexp.MustCompile(`xMin="([0-9.]+)" yMin="[0-9.]+" xMax="[0-9.]+" yMax="([0-9.]+)">` + regexp.QuoteMeta(w) + `<`).FindSubmatch(out)
		if m == nil {
			t.Fatalf("no word %q on the rotated page:\n%s", w, out)
		}
		x, _ = strconv.ParseFloat(string(m[1]), 64)
		y, _ = strconv.ParseFloat(string(m[2]), 64)
		return x, y
	}
	if x, y := word("Tài"); x > 40 || y < 570 || y > 595 {
		t.Errorf("the footer starts at (%.0f, %.0f), want the bottom left of a landscape page", x, y)
	}
	if x, y := word(fmt.Sprintf("%d/%d", n-1, n)); x < 700 || y < 570 || y > 595 {
		t.Errorf("the page number is at (%.0f, %.0f), want the bottom right of a landscape page", x, y)
	}
}

func TestBookBadPapers(t *testing.T) {
	good := makePaper(t, paperSpec{title: "Tốt", pages: 2})
	encrypted := func() []byte {
		pdf := fpdf.New("P", "mm", "A4", "")
		pdf.SetProtection(0, "mật-khẩu", "chủ")
		pdf.AddUTF8FontFromBytes("Noto", "", assets.NotoSansRegular)
		pdf.SetFont("Noto", "", 12)
		pdf.AddPage()
		pdf.Cell(0, 10, "Tài liệu mật")
		var buf bytes.Buffer
		if err := pdf.Output(&buf); err != nil {
			t.Fatal(err)
		}
		return buf.Bytes()
	}()
	tests := []struct {
		name  string
		paper BookPaper
		code  string
	}{
		{"garbage", pdfPaper("Tờ trình hỏng", []byte("%PDF-1.7\n\x00\x01 rác rưởi, không phải PDF")), ErrBookUnreadable.Code},
		{"not even a header", pdfPaper("Tờ trình hỏng", []byte("rác rưởi")), ErrBookUnreadable.Code},
		{"truncated", pdfPaper("Tờ trình hỏng", good[:len(good)/3]), ErrBookUnreadable.Code},
		{"empty", pdfPaper("Tờ trình hỏng", nil), ErrBookUnreadable.Code},
		{"password", pdfPaper("Tờ trình hỏng", encrypted), ErrBookPassword.Code},
		{"unreadable reader", BookPaper{Title: "Tờ trình hỏng", MediaType: "application/pdf", Data: failingReader{}, Size: 5000}, ErrBookRead.Code},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			b := fifthBook(t, Vietnamese)
			b.Papers["i4"] = []BookPaper{tt.paper}
			var out bytes.Buffer
			err := BuildBook(context.Background(), &out, b)
			var me *meetings.Error
			if !errors.As(err, &me) || me.Code != tt.code || me.Args["paper"] != "Tờ trình hỏng" {
				t.Fatalf("err = %v (%#v), want %s naming the paper", err, me, tt.code)
			}
			if out.Len() != 0 {
				t.Errorf("%d bytes were written for a book that failed", out.Len())
			}
		})
	}
}

type failingReader struct{}

func (failingReader) ReadAt([]byte, int64) (int, error) { return 0, errors.New("chunk 7 is missing") }

// TestBookRepair: a paper pdfcpu rejects is handed to the Repairer (PDFium
// in the app) with its reader, and the book binds what it returns.
func TestBookRepair(t *testing.T) {
	broken := []byte("%PDF-1.4\nthis paper needs repair")
	fixed := makePaper(t, paperSpec{title: "Đã sửa", pages: 2})
	b := fifthBook(t, Vietnamese)
	b.Papers = map[string][]BookPaper{"i1": {pdfPaper("Tờ trình cần sửa", broken)}}
	calls := 0
	b.Repair = func(_ context.Context, r io.ReaderAt, size int64) ([]byte, error) {
		calls++
		got := make([]byte, size)
		if _, err := r.ReadAt(got, 0); err != nil || !bytes.Equal(got, broken) {
			t.Errorf("the repairer read %q, %v", got, err)
		}
		return fixed, nil
	}
	path := buildBook(t, b)
	if calls != 1 {
		t.Errorf("repair called %d times, want 1", calls)
	}
	contains(t, pdfText(t, path, 4), "Đã sửa — trang 1 của tài liệu.")

	// A repairer that fails too: the paper is named, PDFium's word added.
	b.Repair = func(context.Context, io.ReaderAt, int64) ([]byte, error) {
		return nil, errors.New("PDFium could not open it")
	}
	err := BuildBook(context.Background(), io.Discard, b)
	var me *meetings.Error
	if !errors.As(err, &me) || me.Code != ErrBookUnreadable.Code || !strings.Contains(fmt.Sprint(me.Args["err"]), "PDFium could not open it") {
		t.Fatalf("err = %v, want unreadable with PDFium's reason", err)
	}
}

func TestBookProgressAndCancel(t *testing.T) {
	b := fifthBook(t, Vietnamese)
	var seen []BookProgress
	b.Progress = func(p BookProgress) { seen = append(seen, p) }
	if err := BuildBook(context.Background(), io.Discard, b); err != nil {
		t.Fatal(err)
	}
	if first := seen[0]; first != (BookProgress{Stage: StageRead, Total: 5}) {
		t.Errorf("first report %+v, want reading 0/5", first)
	}
	if last := seen[len(seen)-1]; last != (BookProgress{Stage: StageWrite, Done: 13, Total: 13}) {
		t.Errorf("last report %+v, want written 13/13", last)
	}
	for i := 1; i < len(seen); i++ {
		if seen[i].Stage == seen[i-1].Stage && seen[i].Done < seen[i-1].Done {
			t.Errorf("progress went back: %+v after %+v", seen[i], seen[i-1])
		}
	}

	// Cancelled while reading the third paper: the context's error, and
	// nothing written.
	ctx, cancel := context.WithCancel(context.Background())
	b.Progress = func(p BookProgress) {
		if p.Stage == StageRead && p.Done == 2 {
			cancel()
		}
	}
	var out bytes.Buffer
	if err := BuildBook(ctx, &out, b); !errors.Is(err, context.Canceled) || out.Len() != 0 {
		t.Fatalf("err = %v, %d bytes written; want context.Canceled and nothing", err, out.Len())
	}
}

// TestBookNoPapers: a meeting with no papers yet (the CLI today), and one
// with no agenda at all, still make a book: the front alone.
func TestBookNoPapers(t *testing.T) {
	b := fifthBook(t, Vietnamese)
	b.Papers = nil
	path := buildBook(t, b)
	if n := checkStamps(t, path, Vietnamese, "Tài liệu họp của Phạm Thị Thanh Trà", "Phạm Thị Thanh Trà · 17/07/2023"); n != 3 {
		t.Errorf("pages = %d, want the front's 3", n)
	}
	contains(t, pdfText(t, path, 0), "Gồm 0 tài liệu, 3 trang.", "Không có tài liệu.")

	b.Meeting.Agenda = nil
	path = buildBook(t, b)
	contains(t, pdfText(t, path, 0), "Chương trình họp sẽ được gửi sau.")
}

func TestBookGolden(t *testing.T) {
	path := buildBook(t, fifthBook(t, Vietnamese))
	for _, page := range []int{1, 3} {
		golden(t, path, page, fmt.Sprintf("book-%d", page))
	}
}

// golden compares page n, rendered at 50 dpi, with testdata/name.png, as
// TestGolden does.
func golden(t *testing.T, path string, n int, name string) {
	t.Helper()
	prefix := filepath.Join(t.TempDir(), "page")
	if out, err := exec.Command("pdftoppm", "-png", "-r", "50", "-f", strconv.Itoa(n), "-l", strconv.Itoa(n), "-singlefile", path, prefix).CombinedOutput(); err != nil {
		t.Fatalf("pdftoppm: %v\n%s", err, out)
	}
	got, err := os.ReadFile(prefix + ".png")
	if err != nil {
		t.Fatal(err)
	}
	file := filepath.Join("testdata", name+".png")
	want, err := os.ReadFile(file)
	diff := 255.0
	if err == nil {
		diff, err = meanDiff(got, want)
	}
	if err != nil || diff > 0.5 {
		failed := filepath.Join("testdata", "failed", name+".png")
		_ = os.MkdirAll(filepath.Dir(failed), 0o755)
		_ = os.WriteFile(failed, got, 0o644)
		t.Errorf("page %d differs from %s (mean difference %.2f, err %v); the new image is %s", n, file, diff, err, failed)
	}
}

// FuzzBookPaper: whatever bytes a paper holds, the book is made or a
// translated error names the paper; nothing panics.
func FuzzBookPaper(f *testing.F) {
	good := makePaper(f, paperSpec{title: "Mầm", pages: 2, outline: true})
	f.Add(good)
	f.Add(good[:len(good)/2])
	f.Add([]byte("%PDF-1.7\n1 0 obj << /Type /Catalog /Pages 2 0 R >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF"))
	f.Add(fontconfigManual(f)[:4096])
	f.Fuzz(func(t *testing.T, data []byte) {
		b := Book{Lang: Vietnamese, Location: ict, Body: heading.Body, Meeting: fifthMeeting(), Member: bookMember, Date: bookDate,
			Papers: map[string][]BookPaper{"i2": {pdfPaper("Tài liệu thử", data)}}}
		var out bytes.Buffer
		err := BuildBook(context.Background(), &out, b)
		if err != nil {
			var me *meetings.Error
			if !errors.As(err, &me) || me.Args["paper"] != "Tài liệu thử" {
				t.Fatalf("err = %v, want a translated error naming the paper", err)
			}
			if out.Len() != 0 {
				t.Fatal("a failed book wrote bytes")
			}
			return
		}
		if !bytes.HasPrefix(out.Bytes(), []byte("%PDF-")) {
			t.Fatal("the book is not a PDF")
		}
	})
}

// TestBookCodesTranslated: every error the book returns has a message in
// Vietnamese and in English.
func TestBookCodesTranslated(t *testing.T) {
	for _, l := range []string{"vi", "en"} {
		raw, err := assets.Translations.ReadFile("translations/domain." + l + ".json")
		if err != nil {
			t.Fatal(err)
		}
		var cat map[string]string
		if err := json.Unmarshal(raw, &cat); err != nil {
			t.Fatal(err)
		}
		for _, c := range BookCodes {
			if strings.TrimSpace(cat[c]) == "" || !strings.Contains(cat[c], "{{.paper}}") {
				t.Errorf("%s: %s has no message naming the paper", l, c)
			}
		}
	}
}
