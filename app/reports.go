package app

import (
	"bytes"
	"context"
	"net/url"
	"os"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/lang"

	"github.com/ecabinet/ecabinet/core"
	"github.com/ecabinet/ecabinet/pdfrender"
	"github.com/ecabinet/ecabinet/report"
)

// bookEngineOptions are the PDFium options of a book's repairs: the
// reader's, with one instance (a repair re-saves one paper at a time).
func bookEngineOptions() pdfrender.Options {
	opt := pdfiumOptions()
	opt.Instances = 1
	return opt
}

// The PDF documents (giấy mời, biên bản, tổng hợp ý kiến, and each
// member's tập tài liệu họp) are saved the way
// the command line saves them, through core.SaveReport, in the language
// of the screens, under a name that says what they are.

// exportReport asks where to save a document of the given kind about a
// meeting or ballot and makes it off the UI goroutine; when it is saved
// the secretary can open it.
func exportReport(u *ui, p *core.Profile, kind report.Kind, id string) {
	l := report.Lang(currentLang)
	saveTo(u, p.ReportFileName(kind, id, l), ".pdf", func(wc fyne.URIWriteCloser) error {
		return saveReport(p, kind, id, l, wc)
	}, func(uri fyne.URI) { savedDocument(u, uri) })
}

// savedDocument says where a document was saved and offers to open it
// with the system's viewer.
func savedDocument(u *ui, uri fyne.URI) {
	d := dialog.NewConfirm(lang.X("report.export.done.title", "Document saved"),
		lang.X("report.export.done", "The document was saved to “{{.Name}}”.", map[string]any{"Name": uri.Name()}),
		func(open bool) {
			if !open {
				return
			}
			if err := openURL(fyne.CurrentApp(), &url.URL{Scheme: "file", Path: uri.Path()}); err != nil {
				showError(err, u.win)
			}
		}, u.win)
	d.SetConfirmText(lang.X("report.export.open", "Open"))
	d.SetDismissText(lang.X("app.close", "Close"))
	d.Show()
}

// saveReport writes the document to the file the dialog chose. A local
// file is replaced whole through core.SaveReport (the dialog has already
// created it empty; a failure removes that empty file again rather than
// leave a document that is not one). Elsewhere (a portal's URI) the
// document is made in memory first and then written.
func saveReport(p *core.Profile, kind report.Kind, id string, l report.Lang, wc fyne.URIWriteCloser) error {
	save := func(path string) error { return p.SaveReport(kind, id, l, path) }
	write := func(buf *bytes.Buffer) error { return p.WriteReport(kind, id, l, buf) }
	if kind == report.KindBook {
		// The member's own book, from the papers on this computer; a paper
		// the PDF library cannot read is re-saved through PDFium.
		opt := core.BookOptions{Lang: l, Repair: pdfrender.Repair(bookEngineOptions())}
		save = func(path string) error { return p.SaveBook(context.Background(), id, opt, path) }
		write = func(buf *bytes.Buffer) error { return p.WriteBook(context.Background(), id, opt, buf) }
	}
	uri := wc.URI()
	if uri.Scheme() == "file" {
		wc.Close()
		err := save(uri.Path())
		if st, serr := os.Stat(uri.Path()); err != nil && serr == nil && st.Size() == 0 {
			os.Remove(uri.Path())
		}
		return err
	}
	var buf bytes.Buffer
	if err := write(&buf); err != nil {
		wc.Close()
		return err
	}
	_, err := wc.Write(buf.Bytes())
	if cerr := wc.Close(); err == nil {
		err = cerr
	}
	return err
}
