package app

import (
	"bytes"
	"errors"
	"image"
	_ "image/jpeg" // scans may be JPEG
	_ "image/png"  // or PNG
	"io"
	"net/url"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/theme"

	"github.com/ecabinet/ecabinet/core"
)

// Viewing the scan of a paper answer: an image is shown in a dialog, scaled
// to fit the window; a PDF is saved where the person chooses and opened
// with the system's viewer (the app does not render PDFs yet). The scan is
// read and decoded off the UI goroutine, and a scan that cannot be decoded
// is said so in words.

// maxScanPixels bounds the decoded size of a scan image: a 2 MB file can
// declare an image far larger than memory (a "decompression bomb").
const maxScanPixels = 60_000_000

// openURL opens a file with the system viewer (tests replace it).
var openURL = func(a fyne.App, u *url.URL) error { return a.OpenURL(u) }

// scanKind is what a scan holds once read.
type scanKind int

const (
	scanImage scanKind = iota
	scanPDF
)

// decodeScan tells a PDF from an image and decodes the image. It never
// panics on a corrupt file: whatever goes wrong is a translated problem.
func decodeScan(data []byte) (kind scanKind, img image.Image, err error) {
	defer func() {
		if r := recover(); r != nil {
			kind, img, err = scanImage, nil, problem(lang.X("scan.view.corrupt", "The scan cannot be read: the file is damaged or is not a PDF, PNG or JPEG image. Ask the Office to attach it again."))
		}
	}()
	if bytes.HasPrefix(data, []byte("%PDF-")) {
		return scanPDF, nil, nil
	}
	corrupt := problem(lang.X("scan.view.corrupt", "The scan cannot be read: the file is damaged or is not a PDF, PNG or JPEG image. Ask the Office to attach it again."))
	cfg, _, err := image.DecodeConfig(bytes.NewReader(data))
	if err != nil || cfg.Width <= 0 || cfg.Height <= 0 {
		return scanImage, nil, corrupt
	}
	if cfg.Width*cfg.Height > maxScanPixels {
		return scanImage, nil, problem(lang.X("scan.view.too_large", "The scan is too large to show ({{.W}} × {{.H}} pixels).",
			map[string]any{"W": cfg.Width, "H": cfg.Height}))
	}
	img, _, err = image.Decode(bytes.NewReader(data))
	if err != nil {
		return scanImage, nil, corrupt
	}
	return scanImage, img, nil
}

// viewScan shows the scan attached to the paper answer answerID of member
// who to ballot ballotID.
func (s *shell) viewScan(ballotID, answerID, who string) {
	u, p := s.u, s.p
	var (
		data []byte
		kind scanKind
		img  image.Image
	)
	u.background(func() error {
		var err error
		data, err = p.AnswerScan(ballotID, answerID)
		if errors.Is(err, core.ErrNotFound) {
			return problem(lang.X("scan.view.missing", "No scan is attached to this paper answer on this computer."))
		}
		if err != nil {
			return err
		}
		kind, img, err = decodeScan(data)
		return err
	}, func(err error) {
		if err != nil {
			showError(err, u.win)
			return
		}
		title := lang.X("scan.view.title", "Scan of the paper answer — {{.Name}}", map[string]any{"Name": who})
		if kind == scanPDF {
			s.offerScanPDF(title, who, data)
			return
		}
		showScanImage(u, title, img)
	})
}

// showScanImage shows an image in a dialog, scaled to fit the window with
// its proportions kept.
func showScanImage(u *ui, title string, img image.Image) {
	ci := canvas.NewImageFromImage(img)
	ci.FillMode = canvas.ImageFillContain
	ci.ScaleMode = canvas.ImageScaleSmooth
	win := u.win.Canvas().Size()
	maxW, maxH := win.Width*0.8, win.Height*0.7
	b := img.Bounds()
	w, h := float32(b.Dx()), float32(b.Dy())
	scale := min(maxW/w, maxH/h, 1)
	ci.SetMinSize(fyne.NewSize(max(w*scale, 120), max(h*scale, 120)))
	d := newCustomDialog(title, lang.X("app.close", "Close"), ci, u.win)
	d.Show()
}

// offerScanPDF explains that a PDF scan opens in the system's viewer, then
// asks where to save it.
func (s *shell) offerScanPDF(title, who string, data []byte) {
	u := s.u
	u.confirm(title,
		lang.X("scan.view.pdf", "This scan is a PDF file. Save it to a file of your choice and open it with this computer's PDF viewer? The saved copy is not encrypted."),
		lang.X("scan.view.pdf.save", "Save and open"), false, func() {
			name := lang.X("scan.view.file", "scan") + "-" + fileSafe(who) + ".pdf"
			saveFile(u, name, ".pdf", func(w io.Writer) error {
				_, err := w.Write(data)
				return err
			}, func(uri fyne.URI) { openSavedScan(u, uri) })
		})
}

// openSavedScan opens a saved scan with the system viewer.
func openSavedScan(u *ui, uri fyne.URI) {
	link, err := url.Parse(uri.String())
	if err == nil {
		err = openURL(u.app, link)
	}
	if err != nil {
		showError(problem(lang.X("scan.view.open_failed", "The scan was saved to “{{.Name}}” but could not be opened: {{.Err}}",
			map[string]any{"Name": uri.Name(), "Err": err.Error()})), u.win)
	}
}

// fileSafe keeps a name usable in a file name.
func fileSafe(s string) string {
	out := []rune{}
	for _, r := range s {
		switch r {
		case '/', '\\', ':', '*', '?', '"', '<', '>', '|':
			r = '-'
		}
		out = append(out, r)
	}
	return string(out)
}

// scanIcon is the icon of "View the scan".
func scanIcon() fyne.Resource { return theme.VisibilityIcon() }
