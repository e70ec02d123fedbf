package app

import (
	"image/color"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/storage"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"
)

// The app's own file chooser, for attaching papers and scans and for
// saving exports. Fyne's (dialog.NewFileOpen/NewFileSave) cannot be made
// to close on Esc: its buttons, list and name field are plain widgets,
// private to it, and the GLFW driver gives a key to the focused widget
// only (keys.go), so once Tab or a click had put the focus in it Esc did
// nothing — the one dialog of the app that Esc did not close. This one is
// built from the app's keyButton, keyEntry and a list that passes Esc and
// F1 on, speaks the app's language, and is used from the keyboard: Tab
// reaches the list, arrows move in it, Space or Enter opens a folder or
// picks a file, Backspace goes up. Folders are read off the UI goroutine.

// prefFileDir remembers the folder a file was last chosen in.
const prefFileDir = "fileChooserDir"

// fileChooserSize is the dialog's list area: it fits a 768-px screen with
// the title, the places, the name field and the buttons.
var fileChooserSize = fyne.NewSize(820, 400)

// fileRow is one entry of the folder shown.
type fileRow struct {
	name string
	dir  bool
	size int64
	mod  time.Time
}

// fileChooser is an open file dialog: to open a file, or to save one.
type fileChooser struct {
	u    *ui
	save bool
	// exts are the extensions offered (lower case, with the dot); none:
	// every file.
	exts []string
	done func(fyne.URI)

	dir   string
	rows  []fileRow
	sel   int // the file picked in rows, -1 for none
	gen   int // counts folder reads: a late read of a folder left is dropped
	list  *fileList
	where *line
	note  *line
	name  *keyEntry // save: the file's name
	up    *keyButton
	ok    *keyButton
	d     *dialog.CustomDialog
}

// fileList is the chooser's list: a widget.List that leaves Esc and F1 to
// the window (as keyButton does) and opens the focused row on Enter.
type fileList struct {
	widget.List
	fc *fileChooser
}

// TypedKey: Esc and F1 go to the window; Enter picks the focused row (the
// list's own Space selects it, which picks it); Backspace goes up.
func (l *fileList) TypedKey(k *fyne.KeyEvent) {
	if windowKey(l, k) {
		return
	}
	switch k.Name {
	case fyne.KeyReturn, fyne.KeyEnter:
		// The list's own Space selects the focused row: a folder opens, a
		// file is picked, and Enter on a file also chooses it.
		l.fc.sel = -1
		l.List.UnselectAll()
		l.List.TypedKey(&fyne.KeyEvent{Name: fyne.KeySpace})
		if l.fc.sel >= 0 {
			l.fc.confirm()
		}
	case fyne.KeyBackspace:
		l.fc.goUp()
	default:
		l.List.TypedKey(k)
	}
}

// chooseFileToOpen asks for a file to open, of one of exts (none: any),
// then runs done with it on the UI goroutine; nothing when dismissed.
func chooseFileToOpen(u *ui, title string, exts []string, done func(fyne.URI)) *fileChooser {
	return newFileChooser(u, false, title, "", exts, done)
}

// chooseFileToSave asks where to save a file, proposing name, and asks
// before replacing one; then done runs with the file chosen.
func chooseFileToSave(u *ui, name, ext string, done func(fyne.URI)) *fileChooser {
	var exts []string
	if ext != "" {
		exts = []string{ext}
	}
	return newFileChooser(u, true, lang.X("chooser.save.title", "Save as"), name, exts, done)
}

func newFileChooser(u *ui, save bool, title, name string, exts []string, done func(fyne.URI)) *fileChooser {
	fc := &fileChooser{u: u, save: save, done: done, sel: -1}
	for _, e := range exts {
		fc.exts = append(fc.exts, strings.ToLower(e))
	}
	fc.list = &fileList{fc: fc}
	fc.list.Length = func() int { return len(fc.rows) }
	fc.list.CreateItem = newFileRowView
	fc.list.UpdateItem = func(id widget.ListItemID, o fyne.CanvasObject) {
		if id < len(fc.rows) {
			o.(*fileRowView).set(fc.rows[id])
		}
	}
	fc.list.OnSelected = fc.selected
	fc.list.ExtendBaseWidget(fc.list)

	fc.where = newLine("", theme.ColorNameForeground, theme.SizeNameText, fyne.TextStyle{Bold: true})
	fc.note = newLine("", colorNameSubtle, theme.SizeNameText, fyne.TextStyle{})
	fc.note.Truncation = fyne.TextTruncateOff
	fc.up = newKeyButton(lang.X("chooser.up", "Up"), theme.MoveUpIcon(), fc.goUp)
	places := container.NewHBox(fc.up)
	for _, pl := range filePlaces() {
		dir := pl.dir
		places.Add(newKeyButton(pl.label, pl.icon, func() { fc.open(dir) }))
	}
	filter := lang.X("chooser.filter.any", "All files")
	if len(fc.exts) > 0 {
		filter = lang.X("chooser.filter", "Files: {{.Exts}}", map[string]any{"Exts": strings.Join(fc.exts, ", ")})
	}
	size := canvas.NewRectangle(color.Transparent)
	size.SetMinSize(fileChooserSize)
	top := container.NewVBox(places, fc.where)
	bottom := container.NewVBox(subtleLine(filter))
	if save {
		fc.name = newEntry()
		fc.name.SetText(name)
		fc.name.OnChanged = func(string) { fc.refreshOK() }
		fc.name.OnSubmitted = func(string) { fc.confirm() }
		bottom.Add(widget.NewForm(widget.NewFormItem(lang.X("chooser.name", "File name"), fc.name)))
	}
	body := container.NewBorder(top, bottom, nil, nil,
		container.NewStack(size, fc.list, container.NewCenter(fc.note)))

	okText := lang.X("chooser.open", "Open")
	if save {
		okText = lang.X("chooser.save", "Save")
	}
	fc.d = dialog.NewCustomWithoutButtons(title, body, u.win)
	fc.ok = primaryKeyButton(okText, theme.ConfirmIcon(), fc.confirm)
	fc.d.SetButtons([]fyne.CanvasObject{newKeyButton(lang.X("chooser.cancel", "Cancel"), theme.CancelIcon(), fc.d.Hide), fc.ok})
	fc.refreshOK()
	fc.d.Show()
	// The keyboard starts where the choice is made: the name to save
	// under, or the list (arrows, then Enter).
	if save {
		u.win.Canvas().Focus(fc.name)
	} else {
		u.win.Canvas().Focus(fc.list)
	}
	fc.open(startDir(u))
	return fc
}

// startDir is the folder last chosen in, else the home folder.
func startDir(u *ui) string {
	if a := fyne.CurrentApp(); a != nil {
		if d := a.Preferences().String(prefFileDir); d != "" {
			if fi, err := os.Stat(d); err == nil && fi.IsDir() {
				return d
			}
		}
	}
	if h, err := os.UserHomeDir(); err == nil {
		return h
	}
	return string(filepath.Separator)
}

// filePlace is a button beside "Up": the home folder and the usual ones
// in it that exist.
type filePlace struct {
	label string
	icon  fyne.Resource
	dir   string
}

func filePlaces() []filePlace {
	home, err := os.UserHomeDir()
	if err != nil {
		return nil
	}
	out := []filePlace{{lang.X("chooser.place.home", "Home"), theme.HomeIcon(), home}}
	for _, pl := range []filePlace{
		{lang.X("chooser.place.desktop", "Desktop"), theme.ComputerIcon(), "Desktop"},
		{lang.X("chooser.place.documents", "Documents"), theme.DocumentIcon(), "Documents"},
		{lang.X("chooser.place.downloads", "Downloads"), theme.DownloadIcon(), "Downloads"},
	} {
		dir := filepath.Join(home, pl.dir)
		if fi, err := os.Stat(dir); err == nil && fi.IsDir() {
			pl.dir = dir
			out = append(out, pl)
		}
	}
	return out
}

// open shows folder dir, read off the UI goroutine.
func (fc *fileChooser) open(dir string) {
	fc.gen++
	gen := fc.gen
	fc.where.setText(dir)
	fc.note.setText(lang.X("chooser.reading", "Reading the folder…"))
	fc.note.Show()
	var rows []fileRow
	exts := fc.exts
	fc.u.background(func() error {
		var err error
		rows, err = readFolder(dir, exts)
		return err
	}, func(err error) {
		if gen != fc.gen {
			return // another folder was opened meanwhile
		}
		fc.dir, fc.rows, fc.sel = dir, rows, -1
		fc.list.UnselectAll()
		fc.list.Refresh()
		fc.list.ScrollToTop()
		switch {
		case err != nil:
			fc.note.setText(lang.X("chooser.read_failed", "This folder cannot be read: {{.Err}}", map[string]any{"Err": err.Error()}))
		case len(rows) == 0:
			fc.note.setText(lang.X("chooser.empty", "No folder or matching file here."))
		default:
			fc.note.setText("")
			fc.note.Hide()
		}
		fc.up.Enable()
		if filepath.Dir(dir) == dir {
			fc.up.Disable()
		}
		fc.refreshOK()
	})
}

// readFolder lists dir: its folders, then its files with one of exts
// (any when none), each sorted by name; hidden ones are left out.
func readFolder(dir string, exts []string) ([]fileRow, error) {
	ents, err := os.ReadDir(dir)
	if err != nil {
		return nil, err
	}
	var rows []fileRow
	for _, e := range ents {
		name := e.Name()
		if strings.HasPrefix(name, ".") {
			continue
		}
		fi, err := e.Info()
		if err != nil {
			continue // gone meanwhile
		}
		isDir := fi.IsDir()
		if fi.Mode()&os.ModeSymlink != 0 {
			if st, err := os.Stat(filepath.Join(dir, name)); err == nil {
				fi, isDir = st, st.IsDir()
			}
		}
		if !isDir && len(exts) > 0 && !hasExt(name, exts) {
			continue
		}
		rows = append(rows, fileRow{name: name, dir: isDir, size: fi.Size(), mod: fi.ModTime()})
	}
	sort.SliceStable(rows, func(i, j int) bool {
		if rows[i].dir != rows[j].dir {
			return rows[i].dir
		}
		return fold(rows[i].name) < fold(rows[j].name)
	})
	return rows, nil
}

func hasExt(name string, exts []string) bool {
	ext := strings.ToLower(filepath.Ext(name))
	for _, e := range exts {
		if ext == e {
			return true
		}
	}
	return false
}

// selected: a folder opens, a file is picked (and names the file to
// save).
func (fc *fileChooser) selected(id widget.ListItemID) {
	if id < 0 || id >= len(fc.rows) {
		return
	}
	r := fc.rows[id]
	if r.dir {
		fc.sel = -1
		fc.refreshOK()
		fc.open(filepath.Join(fc.dir, r.name))
		return
	}
	fc.sel = id
	if fc.save {
		fc.name.SetText(r.name)
	}
	fc.refreshOK()
}

func (fc *fileChooser) goUp() {
	if fc.dir == "" {
		return
	}
	if parent := filepath.Dir(fc.dir); parent != fc.dir {
		fc.open(parent)
	}
}

// target is the file chosen, "" when none yet.
func (fc *fileChooser) target() string {
	if fc.dir == "" {
		return ""
	}
	if fc.save {
		name := strings.TrimSpace(fc.name.Text)
		if name == "" || strings.ContainsAny(name, `/\`) {
			return ""
		}
		if len(fc.exts) == 1 && !hasExt(name, fc.exts) {
			name += fc.exts[0]
		}
		return filepath.Join(fc.dir, name)
	}
	if fc.sel < 0 || fc.sel >= len(fc.rows) {
		return ""
	}
	return filepath.Join(fc.dir, fc.rows[fc.sel].name)
}

func (fc *fileChooser) refreshOK() {
	if fc.target() == "" {
		fc.ok.Disable()
	} else {
		fc.ok.Enable()
	}
}

// confirm chooses the file: remembers its folder, asks before replacing
// an existing file, closes the dialog and hands the file on.
func (fc *fileChooser) confirm() {
	path := fc.target()
	if path == "" {
		return
	}
	finish := func() {
		if a := fyne.CurrentApp(); a != nil {
			a.Preferences().SetString(prefFileDir, fc.dir)
		}
		fc.d.Hide()
		fc.done(storage.NewFileURI(path))
	}
	if fc.save {
		if fi, err := os.Stat(path); err == nil {
			if fi.IsDir() {
				showError(problem(lang.X("chooser.is_folder", "“{{.Name}}” is a folder: choose another name.", map[string]any{"Name": filepath.Base(path)})), fc.u.win)
				return
			}
			fc.u.confirm(lang.X("chooser.replace.title", "Replace the file?"),
				lang.X("chooser.replace.body", "“{{.Name}}” already exists in this folder. Replacing it loses what it holds.", map[string]any{"Name": filepath.Base(path)}),
				lang.X("chooser.replace.yes", "Replace"), true, finish)
			return
		}
	}
	finish()
}

// fileRowView is one row: an icon, the name, and for a file its size and
// date.
type fileRowView struct {
	widget.BaseWidget
	icon *widget.Icon
	name *line
	info *line
	root fyne.CanvasObject
}

func newFileRowView() fyne.CanvasObject {
	v := &fileRowView{icon: widget.NewIcon(theme.FolderIcon()), name: newLine("", theme.ColorNameForeground, theme.SizeNameText, fyne.TextStyle{}), info: subtleLine("")}
	v.info.Truncation = fyne.TextTruncateOff // the name gives way, not the size
	v.root = container.NewBorder(nil, nil, v.icon, v.info, v.name)
	v.ExtendBaseWidget(v)
	return v
}

func (v *fileRowView) CreateRenderer() fyne.WidgetRenderer { return widget.NewSimpleRenderer(v.root) }

func (v *fileRowView) set(r fileRow) {
	v.name.setText(r.name)
	if r.dir {
		v.icon.SetResource(theme.FolderIcon())
		v.info.setText(lang.X("chooser.folder", "Folder"))
	} else {
		v.icon.SetResource(theme.FileIcon())
		v.info.setText(fmtBytes(r.size) + " · " + fmtDateTime(r.mod))
	}
	v.Refresh()
}
