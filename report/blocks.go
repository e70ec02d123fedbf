package report

import (
	"strings"
	"time"
)

// Heading is the top of an administrative document: who issues it, its
// register number and where and when.
type Heading struct {
	// Body is the issuing body ("Ban Chỉ đạo Cải cách hành chính của Chính
	// phủ"); it is printed in capitals.
	Body string
	// Number is the register number the clerk gives the document ("12");
	// empty leaves the blank that is filled in when it is registered.
	Number string
	// City is where it is issued ("Hà Nội"); Date when.
	City string
	Date time.Time
}

// Signer is who the document is issued by. The document leaves room for a
// signature and says it is not signed: eCabinet prints, it does not sign.
type Signer struct {
	// Capacity is the line above the signature ("THƯ KÝ", "TM. BAN CHỈ
	// ĐẠO"); empty prints the word for secretary.
	Capacity string
	Name     string
}

// Person is a member as a document names them.
type Person struct {
	Name  string
	Title string
}

// String is "Name, Title", or the name alone.
func (p Person) String() string {
	if strings.TrimSpace(p.Title) == "" {
		return p.Name
	}
	return p.Name + ", " + p.Title
}

// header writes the two columns at the top: issuing body and number on the
// left, national motto and place and date on the right, as Decree 30 lays
// them out, then the kind of document and its subject centred.
func (p *page) header(h Heading, code, kind, subject string) {
	pdf := p.pdf
	const leftW, rightW = 72.0, 98.0
	top := pdf.GetY()
	rightX := pageW - marginR - rightW

	// Left: the issuing body, a short rule, the number.
	p.font("B", 11)
	pdf.SetXY(marginL-8, top)
	pdf.MultiCell(leftW, 5.2, clean(upper(h.Body)), "", "C", false)
	y := pdf.GetY() + 0.8
	pdf.SetLineWidth(0.3)
	pdf.Line(marginL-8+leftW/2-12, y, marginL-8+leftW/2+12, y)
	num := h.Number
	if num == "" {
		num = "       "
	}
	p.font("", 11)
	pdf.SetXY(marginL-8, y+2)
	pdf.CellFormat(leftW, 5.2, clean(p.t("number")+" "+num+"/"+code), "", 1, "C", false, 0, "")
	leftEnd := pdf.GetY()

	// Right: the national name and motto, the motto underlined as long as
	// it is, then the place and date in italics.
	p.font("B", 11)
	pdf.SetXY(rightX, top)
	pdf.CellFormat(rightW, 5.2, p.t("nation"), "", 1, "C", false, 0, "")
	p.font("B", 12)
	pdf.SetX(rightX)
	pdf.CellFormat(rightW, 5.6, p.t("motto"), "", 1, "C", false, 0, "")
	mw := pdf.GetStringWidth(p.t("motto"))
	y = pdf.GetY() + 0.6
	pdf.Line(rightX+(rightW-mw)/2, y, rightX+(rightW+mw)/2, y)
	p.font("I", 11.5)
	pdf.SetXY(rightX, y+2)
	pdf.CellFormat(rightW, 5.6, clean(p.placeDate(h.City, h.Date)), "", 1, "C", false, 0, "")
	rightEnd := pdf.GetY()

	pdf.SetXY(marginL, max(leftEnd, rightEnd)+8)
	p.font("B", 14)
	pdf.CellFormat(0, 7, kind, "", 1, "C", false, 0, "")
	if subject != "" {
		p.paraAlign("B", 12.5, "C", subject)
	}
	y = pdf.GetY() + 1
	pdf.Line(pageW/2-20, y, pageW/2+20, y)
	pdf.SetY(y + 5)
}

// signature writes the closing of the document: recipients on the left,
// the signer on the right with room left for a signature and a note that
// none was made.
func (p *page) signature(s Signer, recipients []string) {
	pdf := p.pdf
	p.keep(50)
	p.gap(4)
	top := pdf.GetY()
	const leftW, rightW = 78.0, 80.0
	rightX := pageW - marginR - rightW

	p.font("B", 10.5)
	pdf.SetXY(marginL, top)
	pdf.CellFormat(leftW, 5, p.t("recipients"), "", 1, "L", false, 0, "")
	p.font("", 9.5)
	for _, r := range append(recipients, p.t("recipients.file")) {
		pdf.SetX(marginL)
		pdf.MultiCell(leftW, 4.6, clean(r), "", "L", false)
	}

	capacity := s.Capacity
	if strings.TrimSpace(capacity) == "" {
		capacity = p.t("secretary")
	}
	p.font("B", 12)
	pdf.SetXY(rightX, top)
	pdf.MultiCell(rightW, 6, clean(upper(capacity)), "", "C", false)
	p.font("I", 10)
	pdf.SetX(rightX)
	pdf.MultiCell(rightW, 5, p.t("unsigned"), "", "C", false)
	pdf.SetY(pdf.GetY() + 18)
	p.font("B", 12)
	pdf.SetX(rightX)
	pdf.MultiCell(rightW, 6, clean(s.Name), "", "C", false)
	pdf.SetX(marginL)
}

// column is one column of a table: its heading, width in millimetres and
// alignment.
type column struct {
	title string
	w     float64
	align string
}

// table writes rows under a heading row, wrapping each cell to its column
// with SplitText. A row that does not fit goes on the next page, and one
// taller than a page (a 5,000-character comment) is split across pages; on
// every new page the heading row is repeated.
func (p *page) table(cols []column, rows [][]string) {
	pdf := p.pdf
	const size, lh, pad = 10.0, 4.8, 1.2
	bottom := pageH - marginB - 4
	head := func() {
		p.font("B", size)
		pdf.SetFillColor(230, 230, 230)
		lines := make([][]string, len(cols))
		n := 1
		for i, c := range cols {
			lines[i] = pdf.SplitText(c.title, c.w)
			n = max(n, len(lines[i]))
		}
		h := float64(n)*lh + 2*pad
		x, y := marginL, pdf.GetY()
		for i, c := range cols {
			pdf.Rect(x, y, c.w, h, "FD")
			for j, l := range lines[i] {
				pdf.SetXY(x, y+pad+float64(j)*lh)
				pdf.CellFormat(c.w, lh, l, "", 0, "C", false, 0, "")
			}
			x += c.w
		}
		pdf.SetXY(marginL, y+h)
	}
	pdf.SetLineWidth(0.2)
	p.keep(20)
	head()
	for _, row := range rows {
		p.font("", size)
		lines := make([][]string, len(cols))
		n := 1
		for i, c := range cols {
			if i < len(row) {
				for _, para := range strings.Split(clean(row[i]), "\n") {
					split := pdf.SplitText(para, c.w)
					if len(split) == 0 {
						split = []string{""}
					}
					lines[i] = append(lines[i], split...)
				}
			}
			n = max(n, len(lines[i]))
		}
		// Lay the row down in slices, one per page it spans.
		for from := 0; from < n; {
			room := int((bottom - pdf.GetY() - 2*pad) / lh)
			if room < min(n-from, 3) {
				pdf.AddPage()
				head()
				p.font("", size)
				continue
			}
			to := min(n, from+room)
			h := float64(to-from)*lh + 2*pad
			x, y := marginL, pdf.GetY()
			for i, c := range cols {
				pdf.Rect(x, y, c.w, h, "D")
				for j := from; j < to && j < len(lines[i]); j++ {
					pdf.SetXY(x, y+pad+float64(j-from)*lh)
					pdf.CellFormat(c.w, lh, lines[i][j], "", 0, c.align, false, 0, "")
				}
				x += c.w
			}
			pdf.SetXY(marginL, y+h)
			from = to
		}
	}
	pdf.Ln(2)
}
