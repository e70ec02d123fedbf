// Package pdftest writes real PDF files for tests and benchmarks of the
// papers' store and transfer: a PDF of pages with text and an image of
// noise (like a scanned annex), and a new version of it made by an
// incremental update (pages appended after the old bytes, which stay as
// they were), as a PDF editor saves an appended revision. Check asks
// poppler (pdfinfo, pdftotext) what it makes of a file.
package pdftest

import (
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
)

// writer writes a PDF one object at a time, remembering where each object
// starts, for the cross-reference table.
type writer struct {
	buf  bytes.Buffer
	offs map[int]int
}

func (w *writer) obj(n int, body string, stream []byte) {
	w.offs[n] = w.buf.Len()
	fmt.Fprintf(&w.buf, "%d 0 obj\n%s", n, body)
	if stream != nil {
		fmt.Fprintf(&w.buf, "\nstream\n")
		w.buf.Write(stream)
		w.buf.WriteString("\nendstream")
	}
	w.buf.WriteString("\nendobj\n")
}

// noise is n deterministic bytes from seed.
func noise(seed uint64, n int) []byte {
	b := make([]byte, n)
	var s [32]byte
	binary.LittleEndian.PutUint64(s[:], seed)
	rand.NewChaCha8(s).Read(b)
	return b
}

// page writes page number p as objects n (page), n+1 (text), n+2 (an image
// of imageBytes bytes of noise).
func (w *writer) page(n, p, imageBytes int) {
	side := 1
	for side*side < imageBytes {
		side++
	}
	w.obj(n, fmt.Sprintf("<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents %d 0 R "+
		"/Resources << /Font << /F1 3 0 R >> /XObject << /Im%d %d 0 R >> >> >>", n+1, p, n+2), nil)
	text := fmt.Sprintf("BT /F1 18 Tf 72 770 Td (Page %d of the draft decree) Tj ET\nq 450 0 0 450 72 200 cm /Im%d Do Q", p, p)
	w.obj(n+1, fmt.Sprintf("<< /Length %d >>", len(text)), []byte(text))
	img := noise(uint64(1000+p), side*side)
	w.obj(n+2, fmt.Sprintf("<< /Type /XObject /Subtype /Image /Width %d /Height %d /ColorSpace /DeviceGray /BitsPerComponent 8 /Length %d >>",
		side, side, len(img)), img)
}

func kids(first, pages int) string {
	var k []string
	for i := range pages {
		k = append(k, fmt.Sprintf("%d 0 R", first+3*i))
	}
	return strings.Join(k, " ")
}

// Make builds a PDF of the given pages, about size bytes in all; page p
// reads "Page p of the draft decree".
func Make(pages, size int) []byte {
	w := &writer{offs: map[int]int{}}
	w.buf.WriteString("%PDF-1.7\n%\xe2\xe3\xcf\xd3\n")
	w.obj(1, "<< /Type /Catalog /Pages 2 0 R >>", nil)
	w.obj(2, fmt.Sprintf("<< /Type /Pages /Kids [%s] /Count %d >>", kids(4, pages), pages), nil)
	w.obj(3, "<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>", nil)
	for i := range pages {
		w.page(4+3*i, i+1, size/pages)
	}
	start := w.buf.Len()
	last := 3 + 3*pages
	fmt.Fprintf(&w.buf, "xref\n0 %d\n0000000000 65535 f \n", last+1)
	for n := 1; n <= last; n++ {
		fmt.Fprintf(&w.buf, "%010d 00000 n \n", w.offs[n])
	}
	fmt.Fprintf(&w.buf, "trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n", last+1, start)
	return w.buf.Bytes()
}

// AppendPages makes a new version of a PDF of old pages (one Make wrote,
// or AppendPages) by an incremental update: add new pages of about size
// bytes in all, a new page tree and a new revision of the catalog,
// appended after the old bytes, which stay as they were.
func AppendPages(pdf []byte, old, add, size int) ([]byte, error) {
	i := bytes.LastIndex(pdf, []byte("startxref\n"))
	if i < 0 {
		return nil, errors.New("pdftest: no startxref")
	}
	f := strings.Fields(string(pdf[i+len("startxref\n"):]))
	if len(f) == 0 {
		return nil, errors.New("pdftest: no startxref offset")
	}
	prev, err := strconv.Atoi(f[0])
	if err != nil {
		return nil, err
	}
	w := &writer{offs: map[int]int{}}
	w.buf.Write(pdf)
	first := 4 + 3*old
	for j := range add {
		w.page(first+3*j, old+j+1, size/add)
	}
	last := first + 3*add
	w.obj(last, fmt.Sprintf("<< /Type /Pages /Kids [%s] /Count %d >>", kids(4, old+add), old+add), nil)
	// A new revision of the catalog (object 1) points at the new page tree.
	w.obj(1, fmt.Sprintf("<< /Type /Catalog /Pages %d 0 R >>", last), nil)
	start := w.buf.Len()
	fmt.Fprintf(&w.buf, "xref\n0 2\n0000000000 65535 f \n%010d 00000 n \n%d %d\n", w.offs[1], first, last-first+1)
	for n := first; n <= last; n++ {
		fmt.Fprintf(&w.buf, "%010d 00000 n \n", w.offs[n])
	}
	fmt.Fprintf(&w.buf, "trailer\n<< /Size %d /Root 1 0 R /Prev %d >>\nstartxref\n%d\n%%%%EOF\n", last+1, prev, start)
	return w.buf.Bytes(), nil
}

// Check asks poppler what it makes of the file: it must have the given
// pages, and its last page must contain lastText.
func Check(t testing.TB, pdf []byte, pages int, lastText string) {
	t.Helper()
	path := filepath.Join(t.TempDir(), "paper.pdf")
	if err := os.WriteFile(path, pdf, 0o600); err != nil {
		t.Fatal(err)
	}
	out, err := exec.Command("pdfinfo", path).CombinedOutput()
	if err != nil {
		t.Fatalf("pdfinfo: %v\n%s", err, out)
	}
	if !regexp.MustCompile(fmt.Sprintf(`(?m)^Pages:\s+%d$`, pages)).Match(out) {
		t.Fatalf("pdfinfo:\n%s\nwant %d pages", out, pages)
	}
	txt, err := exec.Command("pdftotext", "-f", strconv.Itoa(pages), "-l", strconv.Itoa(pages), path, "-").CombinedOutput()
	if err != nil || !strings.Contains(string(txt), lastText) {
		t.Fatalf("pdftotext last page: %v\n%s", err, txt)
	}
}
