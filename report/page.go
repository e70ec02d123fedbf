package report

import (
	"errors"
	"fmt"
	"io"
	"strings"
	"time"
	"unicode"

	"github.com/go-pdf/fpdf"
	"golang.org/x/text/unicode/norm"

	"github.com/ecabinet/ecabinet/assets"
)

// The page: A4 portrait with the margins of Decree 30/2020/NĐ-CP (a wide
// left margin for binding), Noto Sans at 12 pt. fpdf does no shaping, so
// every string goes through clean first (NFC, no runes the font table cannot
// hold); the page number is left-aligned at a fixed place because fpdf
// measures the "{nb}" alias, not the digits that replace it.

const (
	pageW, pageH = 210.0, 297.0
	marginL      = 30.0
	marginR      = 15.0
	marginT      = 20.0
	marginB      = 20.0
	contentW     = pageW - marginL - marginR
	bodySize     = 12.0
	lineH        = 6.0
	family       = "NotoSans"
)

// ErrLanguage is returned for a document asked for in a language it is not
// written in.
var ErrLanguage = errors.New("report: unknown language")

// page wraps the fpdf document being written.
type page struct {
	pdf  *fpdf.Fpdf
	lang Lang
	loc  *time.Location
}

// newPage starts a document in language l with its fonts, footer and
// metadata. made is when it is made (shown in the footer, and the PDF's
// creation date, so the same input gives the same document).
func newPage(l Lang, loc *time.Location, title string, made time.Time) (*page, error) {
	if !l.Valid() {
		return nil, fmt.Errorf("%w %q", ErrLanguage, l)
	}
	if loc == nil {
		loc = time.Local
	}
	pdf := fpdf.New("P", "mm", "A4", "")
	pdf.AddUTF8FontFromBytes(family, "", assets.NotoSansRegular)
	pdf.AddUTF8FontFromBytes(family, "B", assets.NotoSansBold)
	pdf.AddUTF8FontFromBytes(family, "I", assets.NotoSansItalic)
	pdf.SetMargins(marginL, marginT, marginR)
	pdf.SetAutoPageBreak(true, marginB+4)
	pdf.AliasNbPages("{nb}")
	pdf.SetTitle(clean(title), true)
	pdf.SetCreator("eCabinet", true)
	pdf.SetProducer("eCabinet (fpdf)", true)
	if !made.IsZero() {
		pdf.SetCreationDate(made)
		pdf.SetModificationDate(made)
	}
	p := &page{pdf: pdf, lang: l, loc: loc}
	note := ""
	if !made.IsZero() {
		note = p.t("made_by", p.dateTime(made))
	}
	pdf.SetFooterFunc(func() {
		pdf.SetY(-(marginB - 2))
		pdf.SetFont(family, "", 8)
		pdf.SetTextColor(110, 110, 110)
		pdf.SetX(marginL)
		pdf.CellFormat(contentW-30, 4, note, "", 0, "L", false, 0, "")
		// Left-aligned in a fixed cell: see the comment at the top.
		pdf.SetX(pageW - marginR - 24)
		pdf.CellFormat(24, 4, fmt.Sprintf(labels[l]["page"], pdf.PageNo(), "{nb}"), "", 0, "L", false, 0, "")
		pdf.SetTextColor(0, 0, 0)
	})
	pdf.AddPage()
	return p, pdf.Error()
}

// t is a label of the document's language.
func (p *page) t(key string, args ...any) string { return text(p.lang, key, args...) }

// write finishes the document into w.
func (p *page) write(w io.Writer) error {
	if err := p.pdf.Error(); err != nil {
		return err
	}
	return p.pdf.Output(w)
}

// clean makes s safe and correct for fpdf: NFC, so that text pasted from
// macOS or Word with decomposed marks prints its letters whole; tabs become
// spaces, other control characters go (line feeds stay, for comments
// written in paragraphs); runes beyond the Basic Multilingual Plane (emoji),
// which fpdf's width table cannot index, become "?".
func clean(s string) string {
	s = norm.NFC.String(s)
	return strings.Map(func(r rune) rune {
		switch {
		case r == '\n':
			return r
		case r == '\t':
			return ' '
		case unicode.IsControl(r), r == '\u2028', r == '\u2029', r == '\ufeff':
			if r == '\u2028' || r == '\u2029' {
				return '\n'
			}
			return -1
		case r > 0xFFFF:
			return '?'
		}
		return r
	}, s)
}

// font selects the text face: style "", "B" or "I".
func (p *page) font(style string, size float64) { p.pdf.SetFont(family, style, size) }

// para writes a paragraph over the text width.
func (p *page) para(style, s string) {
	p.font(style, bodySize)
	p.pdf.MultiCell(0, lineH, clean(s), "", "J", false)
}

// paraAlign writes a paragraph with the given alignment ("L", "C", "R", "J").
func (p *page) paraAlign(style string, size float64, align, s string) {
	p.font(style, size)
	p.pdf.MultiCell(0, size*0.5, clean(s), "", align, false)
}

// labelled writes "label value" with the label in bold, wrapping under the
// value's own indent.
func (p *page) labelled(label, value string) {
	p.font("B", bodySize)
	lw := p.pdf.GetStringWidth(label) + 2
	y := p.pdf.GetY()
	p.pdf.CellFormat(lw, lineH, clean(label), "", 0, "L", false, 0, "")
	p.font("", bodySize)
	p.pdf.SetXY(marginL+lw, y)
	p.pdf.MultiCell(contentW-lw, lineH, clean(value), "", "L", false)
}

// bullets writes one line per item, each after a dash.
func (p *page) bullets(items []string) {
	p.font("", bodySize)
	for _, it := range items {
		p.pdf.SetX(marginL + 6)
		p.pdf.MultiCell(contentW-6, lineH, "- "+clean(it), "", "L", false)
	}
}

// heading writes a section heading.
func (p *page) heading(s string) {
	p.gap(2)
	p.font("B", bodySize)
	p.keep(3 * lineH)
	p.pdf.MultiCell(0, lineH, clean(s), "", "L", false)
}

// gap moves down by h millimetres.
func (p *page) gap(h float64) { p.pdf.Ln(h) }

// keep starts a new page unless h millimetres still fit on this one, so a
// heading is not left alone at the bottom of a page.
func (p *page) keep(h float64) {
	if p.pdf.GetY()+h > pageH-marginB-4 {
		p.pdf.AddPage()
	}
}

// date is a date in the document's language: "19/07/2023", "19 July 2023".
func (p *page) date(t time.Time) string {
	t = t.In(p.loc)
	if p.lang == English {
		return t.Format("2 January 2006")
	}
	return t.Format("02/01/2006")
}

// dateTime is a date with the time of day: "08:00, 19/07/2023".
func (p *page) dateTime(t time.Time) string {
	return t.In(p.loc).Format("15:04") + ", " + p.date(t)
}

// clock is the time of day, 24-hour.
func (p *page) clock(t time.Time) string { return t.In(p.loc).Format("15:04") }

var weekdays = map[Lang][7]string{
	Vietnamese: {"Chủ nhật", "Thứ Hai", "Thứ Ba", "Thứ Tư", "Thứ Năm", "Thứ Sáu", "Thứ Bảy"},
	English:    {"Sunday", "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday"},
}

// longDateTime is "08:00, Thứ Tư, ngày 19/07/2023".
func (p *page) longDateTime(t time.Time) string {
	t = t.In(p.loc)
	wd := weekdays[p.lang][t.Weekday()]
	if p.lang == English {
		return t.Format("15:04") + ", " + wd + ", " + p.date(t)
	}
	return t.Format("15:04") + ", " + wd + ", ngày " + p.date(t)
}

// placeDate is the line under the motto: "Hà Nội, ngày 05 tháng 7 năm
// 2023". Decree 30 writes days below 10 and the months January and February
// with a leading zero.
func (p *page) placeDate(city string, t time.Time) string {
	t = t.In(p.loc)
	if p.lang == English {
		if city == "" {
			return t.Format("2 January 2006")
		}
		return city + ", " + t.Format("2 January 2006")
	}
	month := fmt.Sprint(int(t.Month()))
	if t.Month() <= 2 {
		month = "0" + month
	}
	s := fmt.Sprintf("ngày %02d tháng %s năm %d", t.Day(), month, t.Year())
	if city == "" {
		return strings.ToUpper(s[:1]) + s[1:]
	}
	return city + ", " + s
}

// duration is a length in minutes: "1 giờ 30 phút", "1 h 30 min".
func (p *page) duration(minutes int) string {
	h, m := minutes/60, minutes%60
	switch {
	case h == 0:
		return p.t("minutes_unit", m)
	case p.lang == English && m == 0:
		return fmt.Sprintf("%d h", h)
	case p.lang == English:
		return fmt.Sprintf("%d h %d min", h, m)
	case m == 0:
		return fmt.Sprintf("%d giờ", h)
	}
	return fmt.Sprintf("%d giờ %d phút", h, m)
}
