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

// Repair returns a function that resaves one document on an engine of its
// own, started when it is called and closed after: for the meeting book,
// which needs PDFium only for the rare paper pdfcpu cannot read (its type
// matches report.Repairer). Starting an engine takes seconds without
// opt.CacheDir.
func Repair(opt Options) func(ctx context.Context, r io.ReaderAt, size int64) ([]byte, error) {
	return func(ctx context.Context, r io.ReaderAt, size int64) ([]byte, error) {
		e, err := NewEngine(ctx, opt)
		if err != nil {
			return nil, err
		}
		defer e.Close()
		return e.Resave(ctx, r, size)
	}
}
