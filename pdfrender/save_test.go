package pdfrender

import (
	"bytes"
	"context"
	"errors"
	"regexp"
	"testing"

	"github.com/pdfcpu/pdfcpu/pkg/api"
	"github.com/pdfcpu/pdfcpu/pkg/pdfcpu/model"
)

// damageXref breaks a PDF as a careless tool does: every cross-reference
// offset is wrong. pdfcpu gives up on it; PDFium rebuilds the table.
func damageXref(b []byte) []byte {
	i := bytes.LastIndex(b, []byte("\nxref"))
	head, tail := b[:i], b[i:]
	tail = regexp.MustCompile(`(?m)^\d{10} 00000 n`).ReplaceAll(tail, []byte("0000000007 00000 n"))
	return append(append([]byte{}, head...), tail...)
}

func pdfcpuReads(b []byte) error {
	conf := model.NewDefaultConfiguration()
	conf.ValidationMode = model.ValidationRelaxed
	_, err := api.ReadAndValidate(bytes.NewReader(b), conf)
	return err
}

// TestResave: PDFium writes a damaged paper out whole, pdfcpu reads the
// copy, and it keeps the paper's pages.
func TestResave(t *testing.T) {
	api.DisableConfigDir()
	good := makePDF(t, pdfSpec{pages: 3, compress: true})
	bad := damageXref(good)
	if err := pdfcpuReads(bad); err == nil {
		t.Fatal("pdfcpu reads the damaged file: the test proves nothing")
	}
	fixed, err := engine.Resave(context.Background(), &memReader{data: bad}, int64(len(bad)))
	if err != nil {
		t.Fatalf("resave: %v", err)
	}
	if err := pdfcpuReads(fixed); err != nil {
		t.Fatalf("pdfcpu cannot read the copy: %v", err)
	}
	if got := open(t, fixed).PageCount(); got != 3 {
		t.Errorf("the copy has %d pages, want 3", got)
	}
	if _, err := engine.Resave(context.Background(), &memReader{data: []byte("not a pdf")}, 9); !errors.Is(err, ErrNotPDF) {
		t.Errorf("err = %v, want ErrNotPDF", err)
	}
}
