package app

import (
	"io"
	"strings"
	"time"
	"unicode"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/storage"
)

// exportResults asks where to save the ballot's results as CSV and writes
// them there off the UI goroutine.
func (r *resultsView) exportResults() {
	r.exportTo(".csv", r.fileBase(), r.d.s.p.WriteBallotCSV)
}

// exportSigned asks where to save the ballot's results as JSON signed by
// this device, the same file as the command line's `ballot export`.
func (r *resultsView) exportSigned() {
	r.exportTo(".json", r.fileBase(), r.d.s.p.WriteBallotJSON)
}

// fileBase is the name an export is offered under.
func (r *resultsView) fileBase() string {
	return exportName(lang.X("result.export.file", "opinion-summary"), r.d.b.Title, r.d.s.u.now())
}

// exportName is a file name that says what the file is, in letters every
// file system and mail client keeps: "tong-hop-y-kien-<ballot>-<date>",
// the ballot's title without diacritics, cut at a word within maxSlug
// letters, and the day of the export.
func exportName(what, title string, day time.Time) string {
	var b strings.Builder
	dash := false
	for _, r := range fold(title) {
		if unicode.IsLetter(r) && r < unicode.MaxASCII || unicode.IsDigit(r) {
			if dash && b.Len() > 0 {
				b.WriteByte('-')
			}
			b.WriteRune(r)
			dash = false
		} else {
			dash = true
		}
	}
	slug := b.String()
	if len(slug) > maxSlug {
		slug = slug[:maxSlug]
		if i := strings.LastIndexByte(slug, '-'); i > 0 {
			slug = slug[:i]
		}
	}
	name := what
	if slug != "" {
		name += "-" + slug
	}
	return name + "-" + inVN(day).Format("2006-01-02")
}

// maxSlug bounds the title's part of an export's name.
const maxSlug = 60

// exportTo asks for a file and writes the ballot's results there with write,
// which tallies the ballot and so runs off the UI goroutine.
func (r *resultsView) exportTo(ext, base string, write func(id string, w io.Writer) error) {
	u := r.d.s.u
	id := r.d.id
	saveFile(u, base+ext, ext, func(w io.Writer) error { return write(id, w) }, func(uri fyne.URI) {
		dialog.ShowInformation(lang.X("result.export.done.title", "Results exported"),
			lang.X("result.export.done", "The results were saved to “{{.Name}}”.", map[string]any{"Name": uri.Name()}), u.win)
	})
}

// saveFile asks where to save a file named name, writes it with write off
// the UI goroutine, and then runs done with the file chosen (or shows what
// went wrong).
func saveFile(u *ui, name, ext string, write func(io.Writer) error, done func(fyne.URI)) {
	saveTo(u, name, ext, func(wc fyne.URIWriteCloser) error {
		err := write(wc)
		if cerr := wc.Close(); err == nil {
			err = cerr
		}
		return err
	}, done)
}

// saveTo asks where to save a file named name and hands the chosen file to
// save off the UI goroutine; save must close it. Then done runs with the
// file chosen, or what went wrong is shown.
func saveTo(u *ui, name, ext string, save func(fyne.URIWriteCloser) error, done func(fyne.URI)) {
	chooseFileToSave(u, name, ext, func(uri fyne.URI) { // filechooser.go
		u.background(func() error {
			wc, err := storage.Writer(uri)
			if err != nil {
				return err
			}
			return save(wc)
		}, func(err error) {
			if err != nil {
				showError(err, u.win)
				return
			}
			done(uri)
		})
	})
}
