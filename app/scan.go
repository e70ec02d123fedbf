package app

import (
	"io"
	"path/filepath"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/storage"

	"github.com/ecabinet/ecabinet/ops"
)

// scanExtensions are the files a paper answer's scan may be.
var scanExtensions = []string{".pdf", ".png", ".jpg", ".jpeg"}

// readScan reads and checks the scan of a paper answer: a PDF, PNG or JPEG
// file (by its name and its first bytes) of at most 2 MB. It reads from
// disk, so it runs off the UI goroutine.
func readScan(name string, r io.Reader) ([]byte, error) {
	ext := strings.ToLower(filepath.Ext(name))
	okExt := false
	for _, e := range scanExtensions {
		okExt = okExt || e == ext
	}
	if !okExt {
		return nil, problem(lang.X("scan.bad_format", "The scan must be a PDF, PNG or JPEG file."))
	}
	b, err := io.ReadAll(io.LimitReader(r, ops.MaxScan+1))
	if err != nil {
		return nil, err
	}
	if len(b) > ops.MaxScan {
		return nil, problem(lang.X("scan.too_large", "“{{.Name}}” is larger than 2 MB. Scan the paper at a lower resolution and attach it again.",
			map[string]any{"Name": filepath.Base(name)}))
	}
	for _, magic := range []string{"%PDF-", "\x89PNG\r\n\x1a\n", "\xff\xd8\xff"} {
		if strings.HasPrefix(string(b), magic) {
			return b, nil
		}
	}
	return nil, problem(lang.X("scan.bad_format", "The scan must be a PDF, PNG or JPEG file."))
}

// chooseScan lets the secretariat pick a scan; the file is read and
// checked off the UI goroutine, then done runs on it with the name and
// bytes (or shows what is wrong).
func chooseScan(u *ui, done func(name string, scan []byte)) {
	chooseFileToOpen(u, lang.X("scan.choose", "Choose the scan of the paper answer"), scanExtensions, func(uri fyne.URI) { // filechooser.go
		name := uri.Name()
		var scan []byte
		u.background(func() error {
			rc, err := storage.Reader(uri)
			if err != nil {
				return err
			}
			defer rc.Close()
			scan, err = readScan(name, rc)
			return err
		}, func(err error) {
			if err != nil {
				showError(err, u.win)
				return
			}
			done(name, scan)
		})
	})
}
