package pdfrender_test

import (
	"fmt"

	"github.com/ecabinet/ecabinet/pdfrender"
)

// A page's text as PDFium gives it: characters with their rectangles, and
// a line break PDFium inferred (no rectangle) between "Đất" and "đai".
func ExamplePageText_Find() {
	pt := &pdfrender.PageText{Size: pdfrender.Size{Width: 595, Height: 842}}
	x := 50.0
	for _, ch := range []string{"Đ", "ấ", "t", "\r", "\n", "đ", "a", "i"} {
		c := pdfrender.Char{Text: ch}
		if ch != "\r" && ch != "\n" {
			c.Rect = pdfrender.Rect{X0: x, Y0: 100, X1: x + 8, Y1: 112}
			x += 8
		}
		if ch == "\n" {
			x = 50 // the next line
		}
		pt.Chars = append(pt.Chars, c)
	}
	// Next line: move the last three characters down.
	for i := 5; i < 8; i++ {
		pt.Chars[i].Rect.Y0 += 14
		pt.Chars[i].Rect.Y1 += 14
	}
	for _, m := range pt.Find("dat dai") {
		fmt.Println(m.Page, m.Rects)
	}
	// Output:
	// 0 [{50 100 74 112} {50 114 74 126}]
}
