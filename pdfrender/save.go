package pdfrender

import (
	"context"
	"fmt"
	"io"

	"github.com/klippa-app/go-pdfium/requests"
)

// Resave opens the PDF that r holds and writes it out again through
// PDFium (FPDF_SaveAsCopy, not incremental), in memory. PDFium reads many
// damaged files that stricter libraries reject (a broken cross-reference
// table, a truncated tail) and writes them back whole, so the meeting book
// hands it a paper pdfcpu cannot read and tries again with the result. The
// copy never touches the disk: it is returned, for the caller to read.
//
// Errors: those of Open (ErrNotPDF, ErrCorrupt, ErrPassword), or
// ErrCorrupt when PDFium cannot write the document.
func (e *Engine) Resave(ctx context.Context, r io.ReaderAt, size int64) ([]byte, error) {
	d, err := e.Open(ctx, r, size)
	if err != nil {
		return nil, err
	}
	defer d.Close()
	if err := d.lock(-1); err != nil {
		return nil, err
	}
	defer d.mu.Unlock()
	res, err := d.inst.FPDF_SaveAsCopy(&requests.FPDF_SaveAsCopy{Document: d.doc, Flags: requests.SaveFlagNoIncremental})
	if err != nil {
		return nil, fmt.Errorf("%w: save: %v", ErrCorrupt, err)
	}
	if res.FileBytes == nil || len(*res.FileBytes) == 0 {
		return nil, fmt.Errorf("%w: save: empty copy", ErrCorrupt)
	}
	return *res.FileBytes, nil
}
