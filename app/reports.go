package app

import (
	"bytes"
	"net/url"
	"os"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/lang"

	"github.com/ecabinet/ecabinet/core"
	"github.com/ecabinet/ecabinet/report"
)

// The PDF documents (giấy mời, biên bản, tổng hợp ý kiến) are saved the way
// the command line saves them, through core.SaveReport, in the language
// of the screens, under a name that says what they are.

// exportReport asks where to save a document of the given kind about a
// meeting or ballot and makes it off the UI goroutine; when it is saved
// the secretary can open it.
func exportReport(u *ui, p *core.Profile, kind report.Kind, id string) {
	l := report.Lang(currentLang)
	saveTo(u, p.ReportFileName(kind, id, l), ".pdf", func(wc fyne.URIWriteCloser) error {
		return saveReport(p, kind, id, l, wc)
	}, func(uri fyne.URI) {
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
	})
}

// saveReport writes the document to the file the dialog chose. A local
// file is replaced whole through core.SaveReport (the dialog has already
// created it empty; a failure removes that empty file again rather than
// leave a document that is not one). Elsewhere (a portal's URI) the
// document is made in memory first and then written.
func saveReport(p *core.Profile, kind report.Kind, id string, l report.Lang, wc fyne.URIWriteCloser) error {
	uri := wc.URI()
	if uri.Scheme() == "file" {
		wc.Close()
		err := p.SaveReport(kind, id, l, uri.Path())
		if st, serr := os.Stat(uri.Path()); err != nil && serr == nil && st.Size() == 0 {
			os.Remove(uri.Path())
		}
		return err
	}
	var buf bytes.Buffer
	if err := p.WriteReport(kind, id, l, &buf); err != nil {
		wc.Close()
		return err
	}
	_, err := wc.Write(buf.Bytes())
	if cerr := wc.Close(); err == nil {
		err = cerr
	}
	return err
}
