package pdfrender

import (
	"errors"

	pdfiumerrors "github.com/klippa-app/go-pdfium/errors"

	"github.com/ecabinet/ecabinet/meetings"
)

// Errors a reader shows to a person. They are *meetings.Error values, so
// their codes are translation keys (assets/translations/domain.*.json) and
// core.ErrorKey passes them through unchanged; compare with errors.Is.
var (
	// ErrNotPDF: the file is not a PDF at all (no %PDF- header).
	ErrNotPDF = &meetings.Error{Code: "err.pdf.not_pdf"}
	// ErrCorrupt: the file says it is a PDF but PDFium cannot read it.
	ErrCorrupt = &meetings.Error{Code: "err.pdf.corrupt"}
	// ErrPassword: the PDF is protected with a password or an encryption
	// PDFium does not support; the reader does not ask for passwords, since
	// a paper handed out to members must open without one.
	ErrPassword = &meetings.Error{Code: "err.pdf.password"}
	// ErrPage: a page number outside the document.
	ErrPage = &meetings.Error{Code: "err.pdf.page"}
	// ErrClosed: the document or engine was closed.
	ErrClosed = errors.New("pdfrender: document is closed")
)

// openError maps PDFium's error on opening a document to ours.
func openError(err error) error {
	switch {
	case errors.Is(err, pdfiumerrors.ErrPassword), errors.Is(err, pdfiumerrors.ErrSecurity):
		return ErrPassword
	default:
		return ErrCorrupt
	}
}
