package report_test

import (
	"bytes"
	"context"
	"fmt"
	"time"

	"github.com/ecabinet/ecabinet/meetings"
	"github.com/ecabinet/ecabinet/report"
)

// The core gives BuildBook the meeting, the member and, per agenda item,
// the papers they may see with a reader of each; a Word file is listed in
// the contents as not included. Here there is no PDF paper, so the book
// is its cover, agenda and contents.
func ExampleBuildBook() {
	ict := time.FixedZone("ICT", 7*60*60)
	word := []byte("PK\x03\x04 a Word document")
	b := report.Book{
		Lang: report.Vietnamese, Location: ict,
		Body: "Ban Chỉ đạo Cải cách hành chính của Chính phủ",
		Meeting: meetings.Meeting{ID: "m5", Title: "Phiên họp thứ năm", Start: time.Date(2023, 7, 19, 8, 0, 0, 0, ict),
			Agenda: []meetings.AgendaItem{{ID: "i1", Title: "Tham luận của UBND tỉnh Cà Mau", Minutes: 15}}},
		Member: report.Person{Name: "Phạm Thị Thanh Trà", Title: "Bộ trưởng Bộ Nội vụ"},
		Date:   time.Date(2023, 7, 17, 9, 0, 0, 0, ict),
		Papers: map[string][]report.BookPaper{"i1": {{Title: "Tham luận", FileName: "tham-luan.docx",
			MediaType: "application/vnd.openxmlformats-officedocument.wordprocessingml.document", Data: bytes.NewReader(word), Size: int64(len(word))}}},
		Progress: func(p report.BookProgress) {
			if p.Stage == report.StageWrite {
				fmt.Printf("%d/%d pages\n", p.Done, p.Total)
			}
		},
	}
	var buf bytes.Buffer
	if err := report.BuildBook(context.Background(), &buf, b); err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(bytes.HasPrefix(buf.Bytes(), []byte("%PDF-")))
	fmt.Println(report.FileName(report.KindBook, b.Lang, b.Meeting.Title, b.Meeting.Start))
	// Output:
	// 3/3 pages
	// true
	// tap-tai-lieu-hop-phien-hop-thu-nam-2023-07-19.pdf
}
