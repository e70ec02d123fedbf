package app

import (
	"os"
	"path/filepath"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"
)

// chooserFolder makes a folder of papers to choose from at a fixed place
// (the golden image shows its path), with fixed dates, and HOME beside it.
func chooserFolder(t *testing.T) (home, dir string) {
	t.Helper()
	home = filepath.Join(os.TempDir(), "ecabinet-filechooser-test")
	os.RemoveAll(home)
	t.Cleanup(func() { os.RemoveAll(home) })
	dir = filepath.Join(home, "Documents")
	when := time.Date(2026, 11, 20, 9, 30, 0, 0, time.Local)
	for _, f := range []struct {
		name string
		size int
	}{
		{"Báo cáo/phu-luc.pdf", 2048},
		{"to-trinh-du-thao-nghi-dinh.pdf", 184320},
		{"ghi-chu.txt", 10},
		{".an.pdf", 10},
		{"bang-tong-hop.pdf", 51200},
	} {
		path := filepath.Join(dir, f.name)
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, make([]byte, f.size), 0o644); err != nil {
			t.Fatal(err)
		}
		os.Chtimes(path, when, when)
	}
	t.Setenv("HOME", home)
	return home, dir
}

func chooserNames(fc *fileChooser) []string {
	var out []string
	for _, r := range fc.rows {
		n := r.name
		if r.dir {
			n += "/"
		}
		out = append(out, n)
	}
	return out
}

// The app's file chooser: in Vietnamese, folders then the files offered,
// Tab reaches the list, Enter opens a folder and chooses a file,
// Backspace goes up, and Esc closes it wherever the keyboard is — the
// list, a button, the file name.
func TestFileChooser_KeyboardAndEsc(t *testing.T) {
	_, dir := chooserFolder(t)
	e := newEnv(t, langVI, "")
	e.open(secretaryProfile(t))
	c := e.w.Canvas()
	over := func() int { return len(c.Overlays().List()) }
	e.test.Preferences().SetString(prefFileDir, dir)

	var got fyne.URI
	fc := chooseFileToOpen(e.u, "Chọn tệp để đính kèm", []string{".pdf"}, func(u fyne.URI) { got = u })
	e.l.waitFor(t, "the folder", func() bool { return fc.dir == dir })
	want := []string{"Báo cáo/", "bang-tong-hop.pdf", "to-trinh-du-thao-nghi-dinh.pdf"}
	if g := chooserNames(fc); len(g) != len(want) || g[0] != want[0] || g[1] != want[1] || g[2] != want[2] {
		t.Fatalf("listed %v, want %v (folders first, only PDFs, no hidden file)", g, want)
	}
	for _, w := range []string{"Chọn tệp để đính kèm", "Lên", "Thư mục nhà", "Tài liệu", "Hủy", "Mở", "Thư mục", "Tệp: .pdf"} {
		if !e.hasText(w) {
			t.Errorf("the chooser does not say %q", w)
		}
	}
	test.AssertImageMatches(t, "vi/file_chooser.png", e.overlayShot())

	// The list has the keyboard when the chooser opens, and Tab comes
	// back to it
	if c.Focused() != fyne.Focusable(fc.list) {
		t.Errorf("the chooser opens with the keyboard on %T, want the list", c.Focused())
	}
	c.FocusNext()
	for range 12 {
		if c.Focused() == fyne.Focusable(fc.list) {
			break
		}
		c.FocusNext()
	}
	if c.Focused() != fyne.Focusable(fc.list) {
		t.Fatalf("Tab never reaches the list of files (focus on %T)", c.Focused())
	}
	// Enter on the first row opens the folder; Backspace comes back
	e.key(fyne.KeyReturn)
	e.l.waitFor(t, "the sub-folder", func() bool { return fc.dir == filepath.Join(dir, "Báo cáo") })
	if g := chooserNames(fc); len(g) != 1 || g[0] != "phu-luc.pdf" {
		t.Fatalf("the sub-folder lists %v", g)
	}
	e.key(fyne.KeyBackspace)
	e.l.waitFor(t, "the folder again", func() bool { return fc.dir == dir && len(fc.rows) == 3 })
	// Down, then Enter chooses the file
	c.Focus(fc.list)
	e.key(fyne.KeyDown)
	e.key(fyne.KeyReturn)
	if got == nil || got.Path() != filepath.Join(dir, "bang-tong-hop.pdf") || over() != 0 {
		t.Fatalf("Down, Enter: chose %v with %d overlays, want bang-tong-hop.pdf and the chooser closed", got, over())
	}
	if d := e.test.Preferences().String(prefFileDir); d != dir {
		t.Errorf("remembered folder %q, want %q", d, dir)
	}

	// Esc closes it, with the keyboard on the list or on a button, and
	// chooses nothing
	for _, where := range []string{"list", "button"} {
		got = nil
		fc := chooseFileToOpen(e.u, "Chọn tệp", nil, func(u fyne.URI) { got = u })
		e.l.waitFor(t, "the folder", func() bool { return fc.dir == dir })
		if where == "list" {
			c.Focus(fc.list)
		} else {
			c.Focus(fc.up)
		}
		e.key(fyne.KeyEscape)
		if over() != 0 || got != nil {
			t.Errorf("Esc with the %s focused: %d overlays, chose %v; want it closed, nothing chosen", where, over(), got)
		}
	}
}

// Saving: the name proposed has the keyboard, Esc closes from it; Enter
// saves into the folder shown, and an existing file is replaced only
// once confirmed.
func TestFileChooser_SaveAsksBeforeReplacing(t *testing.T) {
	_, dir := chooserFolder(t)
	e := newEnv(t, langEN, "")
	e.open(secretaryProfile(t))
	c := e.w.Canvas()
	over := func() int { return len(c.Overlays().List()) }
	e.test.Preferences().SetString(prefFileDir, dir)

	var got fyne.URI
	fc := chooseFileToSave(e.u, "tong-hop-y-kien.csv", ".csv", func(u fyne.URI) { got = u })
	e.l.waitFor(t, "the folder", func() bool { return fc.dir == dir })
	if c.Focused() != fyne.Focusable(fc.name) || fc.name.Text != "tong-hop-y-kien.csv" {
		t.Fatalf("focus on %T, name %q; want the file name proposed, with the keyboard", c.Focused(), fc.name.Text)
	}
	if len(fc.rows) != 1 || !fc.rows[0].dir {
		t.Errorf("saving a .csv lists %v, want the folder only", chooserNames(fc))
	}
	e.key(fyne.KeyEscape)
	if over() != 0 || got != nil {
		t.Fatalf("Esc in the file name: %d overlays, chose %v", over(), got)
	}

	fc = chooseFileToSave(e.u, "tong-hop-y-kien", ".csv", func(u fyne.URI) { got = u })
	e.l.waitFor(t, "the folder", func() bool { return fc.dir == dir })
	fc.name.OnSubmitted(fc.name.Text)
	if got == nil || got.Path() != filepath.Join(dir, "tong-hop-y-kien.csv") {
		t.Fatalf("saved to %v, want tong-hop-y-kien.csv in %s (the extension added)", got, dir)
	}

	got = nil
	fc = chooseFileToSave(e.u, "ghi-chu.txt", "", func(u fyne.URI) { got = u })
	e.l.waitFor(t, "the folder", func() bool { return fc.dir == dir })
	fc.confirm()
	if got != nil || e.u.lastConfirm == nil || !e.hasText("Replace the file?") {
		t.Fatalf("saving over ghi-chu.txt chose %v without asking", got)
	}
	e.u.lastConfirm.Confirm()
	if got == nil || got.Path() != filepath.Join(dir, "ghi-chu.txt") {
		t.Fatalf("after confirming: %v", got)
	}
}
