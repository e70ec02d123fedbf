package report

import (
	"bytes"
	"fmt"
	"testing"
	"time"

	"github.com/go-pdf/fpdf"

	"github.com/ecabinet/ecabinet/assets"
	"github.com/ecabinet/ecabinet/meetings"
)

// The book's fixtures: papers made with fpdf (several pages, some with an
// outline of their own, one landscape), a Word file, and the fifth session
// of the committee as the meeting.

// paperSpec describes a generated paper.
type paperSpec struct {
	title     string
	pages     int
	outline   bool   // a bookmark per page ("Phần 1", …), the second nested
	landscape bool   // A4 landscape
	size      string // fpdf size name, "" for A4
}

// makePaper writes a paper: each page says its title and page number, so
// a test can find it in the book.
func makePaper(t testing.TB, s paperSpec) []byte {
	t.Helper()
	orient, size := "P", s.size
	if s.landscape {
		orient = "L"
	}
	if size == "" {
		size = "A4"
	}
	pdf := fpdf.New(orient, "mm", size, "")
	pdf.AddUTF8FontFromBytes("Noto", "", assets.NotoSansRegular)
	pdf.SetFont("Noto", "", 12)
	pdf.SetTitle(s.title, true)
	for i := 1; i <= s.pages; i++ {
		pdf.AddPage()
		if s.outline {
			level := 0
			if i%2 == 0 {
				level = 1
			}
			pdf.Bookmark(fmt.Sprintf("Phần %d của %s", i, s.title), level, -1)
		}
		pdf.MultiCell(0, 7, fmt.Sprintf("%s — trang %d của tài liệu.", s.title, i), "", "L", false)
		pdf.Ln(4)
		for range 8 {
			pdf.MultiCell(0, 6, "Đẩy mạnh cải cách thủ tục hành chính, số hóa hồ sơ, kết quả giải quyết thủ tục hành chính; nâng cao chất lượng phục vụ người dân và doanh nghiệp.", "", "J", false)
		}
	}
	var buf bytes.Buffer
	if err := pdf.Output(&buf); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func pdfPaper(title string, data []byte) BookPaper {
	return BookPaper{Title: title, FileName: Slug(title, 40) + ".pdf", MediaType: "application/pdf", Data: bytes.NewReader(data), Size: int64(len(data))}
}

var (
	bookDate   = time.Date(2023, 7, 17, 9, 0, 0, 0, ict)
	bookMember = Person{Name: "Phạm Thị Thanh Trà", Title: "Bộ trưởng Bộ Nội vụ"}
)

// fifthMeeting is the fifth session with agenda item IDs i1 … i5.
func fifthMeeting() meetings.Meeting {
	m := meetings.Meeting{ID: "m5", Title: fifthTitle, Start: fifthStart, Place: "Trụ sở Chính phủ, số 1 Hoàng Hoa Thám, Ba Đình, Hà Nội"}
	for i, a := range fifthAgenda {
		m.Agenda = append(m.Agenda, meetings.AgendaItem{ID: fmt.Sprint("i", i+1), Title: a.Title, Presenter: a.Presenter, Minutes: a.Minutes})
	}
	return m
}

// fifthBook is the member's book with: nothing for the opening, a report
// of 4 pages with its own outline and an annex of 2 for item 2, a
// landscape table of 3 and a Word file for item 3, nothing for 4, a
// one-page draft conclusion for 5.
func fifthBook(t testing.TB, l Lang) Book {
	docx := []byte("PK\x03\x04 not a PDF: a Word document")
	return Book{
		Lang: l, Location: ict, Body: heading.Body, Meeting: fifthMeeting(), Member: bookMember,
		Date: bookDate, Made: bookDate,
		Papers: map[string][]BookPaper{
			"i2": {
				pdfPaper("Báo cáo số 3412/BC-BNV về công tác cải cách hành chính 6 tháng đầu năm 2023", makePaper(t, paperSpec{title: "Báo cáo 3412", pages: 4, outline: true})),
				pdfPaper("Phụ lục: Chỉ số cải cách hành chính các bộ", makePaper(t, paperSpec{title: "Phụ lục chỉ số", pages: 2})),
			},
			"i3": {
				pdfPaper("Bảng tổng hợp kết quả giải quyết thủ tục hành chính", makePaper(t, paperSpec{title: "Bảng tổng hợp", pages: 3, landscape: true})),
				{Title: "Tham luận của UBND tỉnh Cà Mau", FileName: "tham-luan-ca-mau.docx",
					MediaType: "application/vnd.openxmlformats-officedocument.wordprocessingml.document", Data: bytes.NewReader(docx), Size: int64(len(docx))},
			},
			"i5": {pdfPaper("Dự thảo Thông báo kết luận", makePaper(t, paperSpec{title: "Dự thảo kết luận", pages: 1}))},
		},
	}
}
