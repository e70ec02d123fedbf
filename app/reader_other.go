package app

import (
	"fmt"
	"image"
	_ "image/gif" // images shown inside the app
	_ "image/jpeg"
	_ "image/png"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"
)

// Files that are not PDFs. Images are decoded in memory and shown inside
// the app; anything else (DOCX, XLSX …) shows its details and can be opened
// with the system's viewer, which needs a readable copy on the disk — so
// only after a warning that says so.

// maxImagePixels bounds an image shown inside the app (a 50-megapixel scan
// is 200 MB decoded); larger ones go to the system viewer.
const maxImagePixels = 50 << 20

// isImage says whether the reader shows mt itself.
func isImage(mt string) bool {
	switch mt {
	case "image/png", "image/jpeg", "image/gif":
		return true
	}
	return false
}

// showOther shows a file that is not a PDF.
func (r *reader) showOther() {
	details := widget.NewForm(
		widget.NewFormItem(lang.X("reader.other.name", "File"), widget.NewLabel(r.fileName())),
		widget.NewFormItem(lang.X("reader.other.type", "Type"), widget.NewLabel(r.typeName())),
		widget.NewFormItem(lang.X("reader.other.size", "Size"), widget.NewLabel(fmtBytes(r.src.Size))),
	)
	open := widget.NewButtonWithIcon(lang.X("reader.other.open", "Open with another program…"), theme.FileApplicationIcon(), r.askOpenExternal)
	note := paragraph(lang.X("reader.other.note", "eCabinet shows PDF papers and images itself. This file opens in another program on this computer."),
		colorNameSubtle, theme.SizeNameText, fyne.TextStyle{})
	body := container.NewVBox(titleLine(r.src.Title), details, note, container.NewHBox(open))
	r.root.Objects = []fyne.CanvasObject{container.NewCenter(fixedWidth(520, card(body)))}
	r.root.Refresh()
	if isImage(r.src.MediaType) {
		r.showImage(body)
	}
}

// showImage decodes the image off the UI goroutine and shows it above the
// details.
func (r *reader) showImage(details fyne.CanvasObject) {
	var img image.Image
	r.u.background(func() error {
		cfg, _, err := image.DecodeConfig(io.NewSectionReader(r.src.ReaderAt, 0, r.src.Size))
		if err != nil {
			return err
		}
		if cfg.Width*cfg.Height > maxImagePixels {
			return problem(lang.X("reader.other.too_big", "The image is too large to show here; open it with another program."))
		}
		img, _, err = image.Decode(io.NewSectionReader(r.src.ReaderAt, 0, r.src.Size))
		return err
	}, func(err error) {
		if err != nil || r.closed {
			return // the details and the button stay
		}
		c := canvas.NewImageFromImage(img)
		c.FillMode = canvas.ImageFillContain
		c.ScaleMode = canvas.ImageScaleSmooth
		r.root.Objects = []fyne.CanvasObject{container.NewBorder(nil, padded(8, 8, 8, 8, details), nil, nil, c)}
		r.root.Refresh()
	})
}

// fileName is the name the system viewer gets: the imported name, else
// the title, never a path.
func (r *reader) fileName() string {
	name := filepath.Base(filepath.Clean("/" + strings.ReplaceAll(r.src.FileName, `\`, "/")))
	if name == "/" || name == "." || name == "" {
		name = r.src.Title
	}
	return name
}

// typeName names the file's kind in words a person knows.
func (r *reader) typeName() string {
	ext := strings.ToLower(filepath.Ext(r.fileName()))
	switch {
	case ext == ".docx" || ext == ".doc" || strings.Contains(r.src.MediaType, "wordprocessing") || r.src.MediaType == "application/msword":
		return lang.X("reader.type.word", "Word document")
	case ext == ".xlsx" || ext == ".xls" || strings.Contains(r.src.MediaType, "spreadsheet") || r.src.MediaType == "application/vnd.ms-excel":
		return lang.X("reader.type.excel", "Excel spreadsheet")
	case strings.HasPrefix(r.src.MediaType, "image/"):
		return lang.X("reader.type.image", "Image")
	case r.src.MediaType != "":
		return r.src.MediaType
	}
	return lang.X("reader.type.unknown", "Other file")
}

// askOpenExternal warns that a readable copy will be written outside the
// app, and only then writes it and opens it.
func (r *reader) askOpenExternal() {
	msg := lang.X("reader.other.warning", "To open this file in another program, eCabinet must write a readable, unencrypted copy of it on this computer, outside the app. That copy is not protected: anyone using this computer can read it, and it may stay after you close it. Open it only on your own computer.")
	if r.src.Confidential {
		msg += "\n\n" + lang.X("reader.other.warning_confidential", "This paper is confidential: the copy carries no watermark with your name.")
	}
	content := fixedWidth(420, paragraph(msg, theme.ColorNameForeground, theme.SizeNameText, fyne.TextStyle{}))
	d := newConfirmDialog(lang.X("reader.other.warning_title", "Write a readable copy outside eCabinet?"),
		lang.X("reader.other.confirm", "Write the copy and open it"), lang.X("app.cancel", "Cancel"), content, r.openExternal, r.opt.Win)
	d.SetConfirmImportance(widget.WarningImportance)
	d.Show()
	r.u.lastConfirm = d
}

// openExternal reads the file through its reader and hands it to the
// system viewer, off the UI goroutine.
func (r *reader) openExternal() {
	name := r.fileName()
	r.u.background(func() error {
		data := make([]byte, r.src.Size)
		if _, err := r.src.ReaderAt.ReadAt(data, 0); err != nil && err != io.EOF {
			return err
		}
		return r.opt.OpenExternal(name, data)
	}, func(err error) {
		if err != nil {
			showError(err, r.opt.Win)
		}
	})
}

// openWithSystem writes data to a new private folder in the system's
// temporary directory and opens it with the system's viewer. The person
// was told first: this is the one place a paper leaves the app readable.
func openWithSystem(name string, data []byte) error {
	dir, err := os.MkdirTemp("", "ecabinet-open-")
	if err != nil {
		return err
	}
	path := filepath.Join(dir, name)
	if err := os.WriteFile(path, data, 0o600); err != nil {
		return err
	}
	var cmd *exec.Cmd
	switch runtime.GOOS {
	case "windows":
		cmd = exec.Command("rundll32", "url.dll,FileProtocolHandler", path)
	case "darwin":
		cmd = exec.Command("open", path)
	default:
		cmd = exec.Command("xdg-open", path)
	}
	if err := cmd.Start(); err != nil {
		return err
	}
	go cmd.Wait() //nolint:errcheck // the viewer's exit is none of ours
	return nil
}

// fmtBytes is a size in bytes as people read it: "1,5 MB" / "1.5 MB".
func fmtBytes(n int64) string {
	units := []string{"B", "KB", "MB", "GB"}
	f := float64(n)
	i := 0
	for f >= 1000 && i < len(units)-1 {
		f /= 1000
		i++
	}
	s := fmt.Sprintf("%.0f %s", f, units[i])
	if i > 0 && f < 100 {
		s = fmt.Sprintf("%.1f %s", f, units[i])
	}
	if currentLang != langEN {
		s = strings.Replace(s, ".", ",", 1)
	}
	return s
}
