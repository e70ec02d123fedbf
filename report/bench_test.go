package report

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"testing"
	"time"

	"github.com/go-pdf/fpdf"
	"github.com/pdfcpu/pdfcpu/pkg/api"

	"github.com/ecabinet/ecabinet/assets"
	"github.com/ecabinet/ecabinet/ballots"
)

// BenchmarkSummary30 writes the summary of opinions of a 30-member ballot
// (every member answered, one in three with a comment of a few lines)
// and, in the same loop, the floor: fpdf writing a one-page blank
// document with the same three fonts. Interleaving the two keeps them
// under the same load on a shared machine; x_blank is the ratio of their
// times. ns/op is both together.
func BenchmarkSummary30(b *testing.B) {
	in := summary30()
	var work, floor time.Duration
	for b.Loop() {
		t0 := time.Now()
		if err := blank(io.Discard); err != nil {
			b.Fatal(err)
		}
		t1 := time.Now()
		if err := WriteSummary(io.Discard, in); err != nil {
			b.Fatal(err)
		}
		work += time.Since(t1)
		floor += t1.Sub(t0)
	}
	b.ReportMetric(float64(work)/float64(floor), "x_blank")
	b.ReportMetric(float64(work.Microseconds())/float64(b.N)/1000, "summary_ms")
}

// blank is the floor: the same fonts, one empty page.
func blank(w io.Writer) error {
	pdf := fpdf.New("P", "mm", "A4", "")
	pdf.AddUTF8FontFromBytes(family, "", assets.NotoSansRegular)
	pdf.AddUTF8FontFromBytes(family, "B", assets.NotoSansBold)
	pdf.AddUTF8FontFromBytes(family, "I", assets.NotoSansItalic)
	pdf.AddPage()
	pdf.SetFont(family, "", bodySize)
	return pdf.Output(w)
}

func summary30() Summary {
	s := summary(Vietnamese, 0, "")
	b := &s.Ballot
	b.Eligible = ids(30)
	var answers []ballots.Answer
	s.Answers, s.Missing = nil, nil
	at := time.Date(2023, 7, 20, 9, 0, 0, 0, ict)
	for i, id := range b.Eligible {
		a := ballots.Answer{ID: fmt.Sprint("a", i), BallotID: b.ID, MemberID: id, Choice: ballots.ChoiceAgree, At: at.Add(time.Duration(i) * time.Hour), Seq: 1}
		if i%3 == 0 {
			a.Choice = ballots.ChoiceOther
			a.Comment = "Đề nghị cơ quan chủ trì rà soát, bổ sung chỉ tiêu về tỷ lệ hồ sơ thủ tục hành chính được số hóa và kết quả giải quyết được trả trực tuyến."
		}
		answers = append(answers, a)
		s.Answers = append(s.Answers, AnswerRow{Member: Person{Name: fmt.Sprintf("Thành viên số %d", i+1), Title: "Thứ trưởng Bộ Kế hoạch và Đầu tư"},
			Choice: a.Choice, Comment: a.Comment, SignedAt: a.At, Counted: true})
	}
	s.Result = ballots.Tally(*b, answers)
	return s
}

// BenchmarkBook20 makes a member's meeting book of 20 papers and 493 pages
// (19 generated papers of 25 pages, every other one with an outline of its
// own, and the real fontconfig manual of 15; 3 front pages) and, in the
// same loop, the floor: pdfcpu merely merging the same 20 papers from
// their readers (api.MergeRaw). rate_vs_merge is the book's page rate over
// the merge's (pages per second each); the target is at least 0.5.
func BenchmarkBook20(b *testing.B) {
	book, papers := book20(b)
	mergePages, bookPages := 490, 493
	var work, floor time.Duration
	for b.Loop() {
		t0 := time.Now()
		rs := make([]io.ReadSeeker, len(papers))
		for i, p := range papers {
			rs[i] = bytes.NewReader(p)
		}
		if err := api.MergeRaw(rs, io.Discard, false, pdfConfig()); err != nil {
			b.Fatal(err)
		}
		t1 := time.Now()
		// The book reads its papers through io.ReaderAt, which keeps no
		// position: the same readers serve every round.
		if err := BuildBook(context.Background(), io.Discard, book); err != nil {
			b.Fatal(err)
		}
		work += time.Since(t1)
		floor += t1.Sub(t0)
	}
	bookRate := float64(bookPages) / work.Seconds()
	mergeRate := float64(mergePages) / floor.Seconds()
	b.ReportMetric(bookRate/mergeRate, "rate_vs_merge")
	b.ReportMetric(float64(work.Microseconds())/float64(b.N)/1000, "book_ms")
	b.ReportMetric(float64(floor.Microseconds())/float64(b.N)/1000, "merge_ms")
}

// book20 is the benchmark's book, four papers per agenda item, and the
// papers' bytes in binding order.
func book20(b testing.TB) (Book, [][]byte) {
	book := fifthBook(b, Vietnamese)
	book.Papers = map[string][]BookPaper{}
	var all [][]byte
	n := 0
	for i := range 5 {
		id := fmt.Sprint("i", i+1)
		for range 4 {
			n++
			var data []byte
			if n == 20 {
				data = fontconfigManual(b)
			} else {
				data = makePaper(b, paperSpec{title: fmt.Sprintf("Tài liệu số %d", n), pages: 25, outline: n%2 == 0})
			}
			all = append(all, data)
			book.Papers[id] = append(book.Papers[id], pdfPaper(fmt.Sprintf("Tài liệu số %d của phiên họp", n), data))
		}
	}
	return book, all
}
