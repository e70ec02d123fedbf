package blob

import (
	"testing"

	"github.com/ecabinet/ecabinet/internal/pdftest"
)

// makePDF builds a real PDF of the given pages, size bytes in all (about).
func makePDF(t *testing.T, pages, size int) []byte {
	t.Helper()
	return pdftest.Make(pages, size)
}

// appendPages makes a new version of a PDF of old pages by an incremental
// update: new pages and a new page tree appended after the old bytes, which
// stay as they were.
func appendPages(t *testing.T, pdf []byte, old, add, size int) []byte {
	t.Helper()
	b, err := pdftest.AppendPages(pdf, old, add, size)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// checkPDF asks poppler what it makes of the file: the page count, and the
// text of the last page.
func checkPDF(t *testing.T, pdf []byte, pages int, lastText string) {
	t.Helper()
	pdftest.Check(t, pdf, pages, lastText)
}
