package report

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"runtime"
	"strings"
	"sync"
	"time"

	"github.com/ecabinet/ecabinet/meetings"
)

// The meeting book (tập tài liệu họp): a cover, the agenda and a contents
// page made with fpdf like the other documents, then every paper the
// member may see, in agenda order, merged with pdfcpu (bookpdf.go). The
// whole book is assembled in memory from the papers' readers: no paper is
// ever written to disk in the clear, and only the finished book leaves
// BuildBook, through the caller's writer (which writes it to a temporary
// file and renames it, core.SaveBook).

// BookPaper is one paper as the book receives it: its title and its bytes,
// read through Data (the chunk store's decrypting reader) and never copied
// to a file.
type BookPaper struct {
	Title string
	// Confidential: the paper is marked confidential (the agenda says so
	// after its title).
	Confidential bool
	// FileName and MediaType say what the file is; a paper whose media
	// type is given and is not PDF, or whose bytes do not start as a PDF
	// does, is listed in the contents as not included instead of failing
	// the book.
	FileName  string
	MediaType string
	Data      io.ReaderAt
	Size      int64
}

// Repairer re-writes a PDF that pdfcpu cannot read (PDFium's
// FPDF_SaveAsCopy: pdfrender.Engine.Resave) and returns the new file in
// memory. It is given the paper's reader, never a path.
type Repairer func(ctx context.Context, r io.ReaderAt, size int64) ([]byte, error)

// BookStage is the part of the work a progress report is about.
type BookStage string

// The stages of building a book, in order.
const (
	// StageRead: reading the papers; Done and Total count papers.
	StageRead BookStage = "read"
	// StageStamp: numbering and watermarking; Done and Total count pages.
	StageStamp BookStage = "stamp"
	// StageWrite: writing the finished book; Done is Total (pages) once done.
	StageWrite BookStage = "write"
)

// BookProgress is a report of how far a book has come.
type BookProgress struct {
	Stage       BookStage
	Done, Total int
}

// Book is what a member's meeting book holds.
type Book struct {
	Lang Lang
	// Location is the time zone times are printed in (nil: the computer's).
	Location *time.Location
	// Body is the organisation the meeting is of ("Ban Chỉ đạo Cải cách
	// hành chính của Chính phủ").
	Body    string
	Meeting meetings.Meeting
	// Member is whom the book is for: their name is on the cover and in
	// the watermark on every page.
	Member Person
	// Date is the day the book is made for (the watermark's date), Made
	// when it was made (the PDF's dates; zero: Date).
	Date, Made time.Time
	// Papers are the papers of each agenda item the member may see, by
	// agenda item ID, in the order they are bound; the items come in the
	// meeting's agenda order.
	Papers map[string][]BookPaper
	// Repair, if set, is tried on a paper pdfcpu cannot read.
	Repair Repairer
	// Progress, if set, is called as the book is built, on the building
	// goroutine.
	Progress func(BookProgress)
}

// BookError is the translated error for a paper the book cannot include;
// Code is the translation key, Paper its title.
func bookError(code, paper string, cause error) error {
	args := map[string]any{"paper": paper}
	if cause != nil {
		args["err"] = cause.Error()
	}
	return &meetings.Error{Code: code, Field: "paper", Args: args}
}

// The errors of the book (translation keys in assets/translations).
var (
	// ErrBookUnreadable: a PDF paper that neither pdfcpu nor, re-saved,
	// PDFium could read.
	ErrBookUnreadable = &meetings.Error{Code: "err.report.book_unreadable"}
	// ErrBookPassword: a paper protected by a password.
	ErrBookPassword = &meetings.Error{Code: "err.report.book_password"}
	// ErrBookRead: a paper's bytes could not be read (removed while the
	// book was being made, a chunk missing).
	ErrBookRead = &meetings.Error{Code: "err.report.book_read"}
)

// BookCodes lists every translation key the book returns.
var BookCodes = []string{ErrBookUnreadable.Code, ErrBookPassword.Code, ErrBookRead.Code}

// bookEntry is one paper placed in the book.
type bookEntry struct {
	paper  BookPaper
	notPDF bool
	doc    *paperDoc
	start  int // first page in the book, from 1; 0 when not included
}

// bookItem is one agenda item with its papers.
type bookItem struct {
	item    meetings.AgendaItem
	entries []*bookEntry
	start   int // page of its first paper, or 0
}

// BuildBook writes the member's meeting book to w. It stops with the
// context's error when ctx ends, and with a translated error naming the
// paper when a PDF paper cannot be read; nothing is written to w then.
func BuildBook(ctx context.Context, w io.Writer, b Book) error {
	if !b.Lang.Valid() {
		return fmt.Errorf("%w %q", ErrLanguage, b.Lang)
	}
	if b.Location == nil {
		b.Location = time.Local
	}
	if b.Made.IsZero() {
		b.Made = b.Date
	}
	progress := b.Progress
	if progress == nil {
		progress = func(BookProgress) {}
	}
	items, all := bookItems(b)

	// Read every paper first: the contents page needs their page counts.
	if err := readPapers(ctx, all, b.Repair, progress); err != nil {
		return err
	}

	// The contents give page numbers, which depend on how long the front
	// is: lay it out for the usual three pages (cover, agenda, contents)
	// and again, once, if it came out longer. The numbers have a column of
	// their own, so they do not change the length.
	n := 3
	var front []byte
	var widths [sheetPages]float64
	for {
		var m int
		var err error
		front, widths, m, err = layoutBook(b, items, numberPages(items, n))
		if err != nil {
			return err
		}
		if m == n {
			break
		}
		if m < n {
			return fmt.Errorf("report: book front shrank from %d to %d pages", n, m)
		}
		n = m
	}
	if err := ctx.Err(); err != nil {
		return err
	}
	return assemble(ctx, w, b, front, widths, n, items, progress)
}

// bookItems orders the papers by agenda item.
func bookItems(b Book) ([]*bookItem, []*bookEntry) {
	var items []*bookItem
	var all []*bookEntry
	for _, it := range b.Meeting.Agenda {
		bi := &bookItem{item: it}
		for _, p := range b.Papers[it.ID] {
			e := &bookEntry{paper: p}
			bi.entries = append(bi.entries, e)
			all = append(all, e)
		}
		items = append(items, bi)
	}
	return items, all
}

// numberPages gives each included paper its first page after a front of
// n pages, and returns the book's page count.
func numberPages(items []*bookItem, n int) int {
	next := n + 1
	for _, it := range items {
		it.start = 0
		for _, e := range it.entries {
			e.start = 0
			if e.doc == nil {
				continue
			}
			e.start = next
			if it.start == 0 {
				it.start = next
			}
			next += e.doc.pages
		}
	}
	return next - 1
}

// layoutBook writes the front of the book: the cover, the agenda and the
// contents, and after them the sheet of forms (addSheet) that assemble
// takes off again; it returns the front's own page count. total is the book's page count (0 while it is not yet known:
// the numbers then print as blanks of the same width).
func layoutBook(b Book, items []*bookItem, total int) ([]byte, [sheetPages]float64, int, error) {
	var widths [sheetPages]float64
	p, err := newPage(b.Lang, b.Location, p0(b.Lang, "book.kind")+" — "+b.Meeting.Title, b.Made)
	if err != nil {
		return nil, widths, 0, err
	}
	pdf := p.pdf
	// The book's own footer (name, date, page x/y) is stamped on every
	// page afterwards, the papers' pages too.
	pdf.SetFooterFunc(func() {})
	// The front's page streams are left uncompressed: a few kilobytes of
	// text, where fpdf allocates a fresh zlib writer (about a megabyte,
	// cleared) for each of its two dozen pages, the sheet's included —
	// measured as a fifth of the book's own time (BenchmarkBook20).
	pdf.SetCompression(false)
	pdf.SetAuthor(clean(b.Body), true)
	pdf.SetSubject(clean(b.Member.Name), true)

	p.cover(b, items, total)
	pdf.AddPage()
	p.bookAgenda(b)
	pdf.AddPage()
	p.contents(items, total)
	n := pdf.PageCount()
	widths = addSheet(p, b)
	var buf bytes.Buffer
	if err := p.write(&buf); err != nil {
		return nil, widths, 0, err
	}
	return buf.Bytes(), widths, n, nil
}

// cover is the first page: issuing body, the kind of document, the
// meeting, and whom the book is for.
func (p *page) cover(b Book, items []*bookItem, total int) {
	pdf := p.pdf
	body := strings.TrimSpace(b.Body)
	p.font("B", 12)
	pdf.SetY(marginT + 4)
	pdf.MultiCell(0, 6, clean(upper(body)), "", "C", false)
	y := pdf.GetY() + 1
	pdf.SetLineWidth(0.3)
	pdf.Line(pageW/2-20, y, pageW/2+20, y)

	pdf.SetY(95)
	p.font("B", 24)
	pdf.CellFormat(0, 12, p.t("book.kind"), "", 1, "C", false, 0, "")
	pdf.Ln(6)
	p.paraAlign("B", 15, "C", b.Meeting.Title)
	pdf.Ln(6)
	p.font("", 12)
	pdf.CellFormat(0, 6, clean(p.longDateTime(b.Meeting.Start)), "", 1, "C", false, 0, "")
	if place := strings.TrimSpace(b.Meeting.Place); place != "" {
		p.paraAlign("", 12, "C", place)
	}

	// Whom the book is for, in a framed block.
	pdf.SetY(175)
	x, w := marginL+20, contentW-40
	top := pdf.GetY()
	pdf.SetX(x)
	p.font("", 11)
	pdf.CellFormat(w, 7, p.t("book.for"), "", 1, "C", false, 0, "")
	pdf.SetX(x)
	p.font("B", 14)
	pdf.MultiCell(w, 7, clean(b.Member.Name), "", "C", false)
	if strings.TrimSpace(b.Member.Title) != "" {
		pdf.SetX(x)
		p.font("I", 11)
		pdf.MultiCell(w, 6, clean(b.Member.Title), "", "C", false)
	}
	pdf.SetX(x)
	p.font("", 10)
	papers := 0
	for _, it := range items {
		papers += len(it.entries)
	}
	count := p.t("book.count", papers)
	if total > 0 {
		count = p.t("book.count_pages", papers, total)
	}
	pdf.CellFormat(w, 7, count, "", 1, "C", false, 0, "")
	pdf.Rect(x, top-3, w, pdf.GetY()-top+6, "D")

	pdf.SetY(pageH - marginB - 30)
	p.font("I", 10)
	pdf.MultiCell(0, 5, p.t("book.notice"), "", "C", false)
	p.font("", 11)
	pdf.CellFormat(0, 6, clean(p.placeDate(reportCityOf(b), b.Date)), "", 1, "C", false, 0, "")
}

// reportCityOf is where the book says it is made: Hà Nội, as the other
// documents.
func reportCityOf(Book) string { return "Hà Nội" }

// bookAgenda is the agenda as the invitation prints it.
func (p *page) bookAgenda(b Book) {
	p.font("B", 14)
	p.pdf.CellFormat(0, 8, p.t("book.agenda"), "", 1, "C", false, 0, "")
	p.paraAlign("", 12, "C", b.Meeting.Title)
	p.gap(4)
	if len(b.Meeting.Agenda) == 0 {
		p.para("I", p.t("inv.no_agenda"))
		return
	}
	entries := make([]AgendaEntry, len(b.Meeting.Agenda))
	for i, it := range b.Meeting.Agenda {
		entries[i] = AgendaEntry{Title: it.Title, Presenter: it.Presenter, Minutes: it.Minutes}
		for _, pp := range b.Papers[it.ID] {
			entries[i].Papers = append(entries[i].Papers, AgendaPaper{Title: pp.Title, Confidential: pp.Confidential})
		}
	}
	p.table(agendaColumns(p), agendaRows(p, b.Meeting.Start, entries))
	if total := totalMinutes(entries); total > 0 {
		p.para("I", p.t("inv.total", p.duration(total)))
	}
}

// contents lists every item and paper with the page it starts on; a paper
// that is not a PDF is listed as not included.
func (p *page) contents(items []*bookItem, total int) {
	pdf := p.pdf
	p.font("B", 14)
	pdf.CellFormat(0, 8, p.t("book.contents"), "", 1, "C", false, 0, "")
	p.gap(4)
	const numW = 16.0
	num := func(n int) string {
		if total == 0 || n == 0 {
			return ""
		}
		return fmt.Sprint(n)
	}
	line := func(indent float64, style string, size float64, title, page string) {
		p.font(style, size)
		lines := pdf.SplitText(clean(title), contentW-indent-numW-4)
		if len(lines) == 0 {
			lines = []string{""}
		}
		p.keep(float64(len(lines)) * lineH)
		for i, l := range lines {
			pdf.SetX(marginL + indent)
			w := contentW - indent - numW
			if i < len(lines)-1 {
				pdf.CellFormat(w, lineH, l, "", 1, "L", false, 0, "")
				continue
			}
			pdf.CellFormat(w, lineH, l, "", 0, "L", false, 0, "")
			// Dots lead the eye from the title to its page.
			tw := pdf.GetStringWidth(l)
			p.font("", size)
			dots := ""
			if page != "" {
				dw := pdf.GetStringWidth(".")
				n := int((w - tw - 3) / dw)
				if n > 0 {
					dots = strings.Repeat(".", n)
				}
			}
			pdf.SetX(marginL + indent + tw + 1.5)
			pdf.CellFormat(w-tw-1.5, lineH, dots, "", 0, "L", false, 0, "")
			p.font(style, size)
			pdf.SetX(marginL + contentW - numW)
			pdf.CellFormat(numW, lineH, page, "", 1, "R", false, 0, "")
		}
	}
	if len(items) == 0 {
		p.para("I", p.t("inv.no_agenda"))
		return
	}
	for i, it := range items {
		p.gap(1.5)
		line(0, "B", bodySize, fmt.Sprintf("%d. %s", i+1, it.item.Title), num(it.start))
		if len(it.entries) == 0 {
			p.font("I", 10.5)
			pdf.SetX(marginL + 8)
			pdf.CellFormat(0, lineH, p.t("book.no_papers"), "", 1, "L", false, 0, "")
			continue
		}
		for _, e := range it.entries {
			if e.notPDF {
				line(8, "", 11, e.paper.Title+" — "+p.t("book.not_pdf"), "")
				continue
			}
			line(8, "", 11, e.paper.Title, num(e.start))
		}
	}
}

// bookLabels are the words of the book, added to labels (and so checked
// by TestLabelsComplete) at init.
var bookLabels = map[Lang]map[string]string{
	Vietnamese: {
		"book.kind":        "TẬP TÀI LIỆU HỌP",
		"book.file":        "tap-tai-lieu-hop",
		"book.for":         "Tài liệu của đồng chí",
		"book.count":       "Gồm %d tài liệu.",
		"book.count_pages": "Gồm %d tài liệu, %d trang.",
		"book.notice":      "Tài liệu phục vụ phiên họp. Không sao chụp, không chuyển cho người khác.",
		"book.agenda":      "CHƯƠNG TRÌNH HỌP",
		"book.contents":    "MỤC LỤC",
		"book.no_papers":   "Không có tài liệu.",
		"book.not_pdf":     "không kèm theo (không phải tệp PDF)",
		"book.footer":      "Tài liệu họp của %s · %s",
		"book.page_prefix": "Trang ",
		"book.outline":     "%d. %s",
		"book.front":       "Bìa, chương trình và mục lục",
	},
	English: {
		"book.kind":        "MEETING BOOK",
		"book.file":        "meeting-book",
		"book.for":         "Prepared for",
		"book.count":       "%d papers.",
		"book.count_pages": "%d papers, %d pages.",
		"book.notice":      "For the meeting only. Do not copy or pass on.",
		"book.agenda":      "AGENDA",
		"book.contents":    "CONTENTS",
		"book.no_papers":   "No papers.",
		"book.not_pdf":     "not included (not a PDF)",
		"book.footer":      "Meeting book of %s · %s",
		"book.page_prefix": "Page ",
		"book.outline":     "%d. %s",
		"book.front":       "Cover, agenda and contents",
	},
}

func init() {
	for l, m := range bookLabels {
		for k, v := range m {
			labels[l][k] = v
		}
	}
	fileWords[Vietnamese][KindBook] = bookLabels[Vietnamese]["book.file"]
	fileWords[English][KindBook] = bookLabels[English]["book.file"]
}

// KindBook is the member's meeting book.
const KindBook Kind = "book"

// readPapers reads the papers, a few at a time (pdfcpu parses each on its
// own, so the book reads them on every core while the floor it is measured
// against, api.MergeRaw, reads one after another). Progress is reported
// here, on the caller's goroutine, as each paper is done; the error of the
// first paper in binding order that failed wins, so the same bad book
// always names the same paper.
func readPapers(parent context.Context, all []*bookEntry, repair Repairer, progress func(BookProgress)) error {
	progress(BookProgress{Stage: StageRead, Total: len(all)})
	if len(all) == 0 {
		return parent.Err()
	}
	ctx, cancel := context.WithCancel(parent)
	defer cancel()
	type result struct {
		i      int
		doc    *paperDoc
		notPDF bool
		err    error
	}
	jobs, out := make(chan int), make(chan result)
	var wg sync.WaitGroup
	for range min(runtime.GOMAXPROCS(0), 4, len(all)) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range jobs {
				doc, notPDF, err := readPaper(ctx, all[i].paper, repair)
				out <- result{i, doc, notPDF, err}
			}
		}()
	}
	go func() {
		defer close(jobs)
		for i := range all {
			select {
			case jobs <- i:
			case <-ctx.Done():
				return
			}
		}
	}()
	go func() { wg.Wait(); close(out) }()
	errs := make([]error, len(all))
	done := 0
	for r := range out {
		if r.err != nil {
			errs[r.i] = r.err
			cancel()
			continue
		}
		all[r.i].doc, all[r.i].notPDF = r.doc, r.notPDF
		done++
		progress(BookProgress{Stage: StageRead, Done: done, Total: len(all)})
	}
	if err := parent.Err(); err != nil {
		return err
	}
	// A paper stopped because another failed reports the cancellation:
	// not the cause.
	for _, err := range errs {
		if err != nil && !errors.Is(err, context.Canceled) {
			return err
		}
	}
	return nil
}
