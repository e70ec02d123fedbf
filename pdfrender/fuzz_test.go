package pdfrender

import (
	"context"
	"errors"
	"testing"
)

// FuzzOpen feeds Open arbitrary bytes: it must answer with a document or
// one of its errors, never panic, and a document it opens must render.
func FuzzOpen(f *testing.F) {
	good := makePDF(f, pdfSpec{pages: 2, compress: true})
	f.Add(good)
	f.Add(good[:len(good)/3])
	f.Add([]byte("%PDF-1.7\n1 0 obj << /Type /Catalog /Pages 2 0 R >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF"))
	f.Add([]byte("not a pdf"))
	f.Fuzz(func(t *testing.T, data []byte) {
		d, err := engine.Open(context.Background(), &memReader{data: data}, int64(len(data)))
		if err != nil {
			if !errors.Is(err, ErrNotPDF) && !errors.Is(err, ErrCorrupt) && !errors.Is(err, ErrPassword) {
				t.Fatalf("unexpected error %v", err)
			}
			return
		}
		defer d.Close()
		if d.PageCount() < 1 {
			t.Fatal("no pages")
		}
		if _, err := d.Render(context.Background(), 0, 64); err != nil && !errors.Is(err, ErrCorrupt) {
			t.Fatalf("render: %v", err)
		}
		d.Bookmarks()
		d.PageText(context.Background(), 0)
	})
}
