package report_test

import (
	"bytes"
	"fmt"
	"time"

	"github.com/ecabinet/ecabinet/report"
)

// The application core fills in an Invitation from a meeting and writes it;
// here it is filled in by hand.
func ExampleWriteInvitation() {
	ict := time.FixedZone("ICT", 7*60*60)
	in := report.Invitation{
		Lang:     report.Vietnamese,
		Location: ict,
		Heading:  report.Heading{Body: "Ban Chỉ đạo Cải cách hành chính của Chính phủ", City: "Hà Nội", Date: time.Date(2023, 7, 12, 9, 0, 0, 0, ict)},
		Title:    "Phiên họp thứ năm",
		Start:    time.Date(2023, 7, 19, 8, 0, 0, 0, ict),
		Place:    "Trụ sở Chính phủ",
		Participants: []report.Person{
			{Name: "Phạm Thị Thanh Trà", Title: "Bộ trưởng Bộ Nội vụ"},
		},
		Agenda: []report.AgendaEntry{
			{Title: "Phát biểu khai mạc", Presenter: "Thủ tướng Chính phủ", Minutes: 10},
		},
		Signer: report.Signer{Name: "Thư ký Ban Chỉ đạo"},
	}
	var buf bytes.Buffer
	if err := report.WriteInvitation(&buf, in); err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(bytes.HasPrefix(buf.Bytes(), []byte("%PDF-")))
	fmt.Println(report.FileName(report.KindInvitation, in.Lang, in.Title, in.Start))
	// Output:
	// true
	// giay-moi-phien-hop-thu-nam-2023-07-19.pdf
}
