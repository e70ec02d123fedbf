package app

import (
	"image"
	"os"
	"strings"
	"sync"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/ecabinet/ecabinet/core"
	"github.com/ecabinet/ecabinet/meetings"
)

var testPass = []byte("mật khẩu thử nghiệm")

// The golden images of the screens that came before the window was made to
// fit a 768-px screen are drawn at the size the window had then, so that
// they change only when their screens do; window_test.go checks every
// screen at the sizes the app opens at now.
const testWindowWidth, testWindowHeight = 1200, 780

// fixedNow is the tests' clock: two days after the sample committee's fifth
// session, while its opinion ballot is open.
var fixedNow = time.Date(2023, 7, 21, 9, 0, 0, 0, vnTime)

func TestMain(m *testing.M) {
	if err := loadTranslations(); err != nil {
		panic(err)
	}
	os.Exit(m.Run())
}

// loop stands in for Fyne's UI goroutine: background work queues its
// results here, and the test goroutine runs them when it waits. So widgets
// are only ever touched by the test goroutine, as they would be only by
// Fyne's in the app.
type loop struct {
	mu sync.Mutex
	q  []func()
}

func (l *loop) do(f func()) {
	l.mu.Lock()
	l.q = append(l.q, f)
	l.mu.Unlock()
}

// drain runs what is queued, including what that queues.
func (l *loop) drain() {
	for {
		l.mu.Lock()
		q := l.q
		l.q = nil
		l.mu.Unlock()
		if len(q) == 0 {
			return
		}
		for _, f := range q {
			f()
		}
	}
}

// waitFor runs queued UI work until cond holds, for up to 5 s.
func (l *loop) waitFor(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(5 * time.Second)
	for {
		l.drain()
		if cond() {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(5 * time.Millisecond)
	}
}

// settle lets queued work and pending events arrive and run.
func (l *loop) settle(u *ui) {
	done := make(chan struct{})
	go func() { u.bg.Wait(); close(done) }()
	select {
	case <-done:
	case <-time.After(5 * time.Second):
	}
	for range 4 {
		time.Sleep(15 * time.Millisecond)
		l.drain()
	}
}

// env is a desktop session under test.
type env struct {
	t    testing.TB
	u    *ui
	l    *loop
	w    fyne.Window
	p    *core.Profile
	test fyne.App
}

// newEnv starts a test app with the eCabinet theme (light) in language
// code, and a window of the app's size. (t may be a benchmark's.)
func newEnv(t testing.TB, code, dir string) *env {
	t.Helper()
	a := test.NewTempApp(t)
	if tt, ok := t.(*testing.T); ok {
		test.ApplyTheme(tt, newThemeVariant(theme.VariantLight))
	} else {
		a.Settings().SetTheme(newThemeVariant(theme.VariantLight)) // the app is the benchmark's own
	}
	setLanguage(code)
	t.Cleanup(func() { setLanguage(langVI) })
	w := test.NewTempWindow(t, widget.NewLabel(""))
	w.SetPadded(false)
	w.Resize(fyne.NewSize(testWindowWidth, testWindowHeight))
	l := &loop{}
	u := newUI(a, w, Config{ProfileDir: dir}, dir, l.do)
	// The replicator stays off unless a test turns it on (liveSync): its
	// clock and timing would move golden images.
	u.syncOff = true
	u.booksOff = true // the meeting books likewise (book_panel_test.go turns them on)
	e := &env{t: t, u: u, l: l, w: w, test: a}
	t.Cleanup(func() {
		if u.shell != nil {
			u.shell.stop()
		}
		l.settle(u)
	})
	return e
}

// open shows the main shell on an opened profile.
func (e *env) open(p *core.Profile) *shell {
	e.p = p
	e.u.mu.Lock()
	e.u.p = p
	e.u.mu.Unlock()
	e.u.showShell(p)
	// Before the profile is closed (cleanups run last first).
	e.t.Cleanup(func() {
		if e.u.shell != nil {
			e.u.shell.stop()
		}
		e.u.stopSync()
	})
	e.l.settle(e.u) // the count of waiting changes arrives from a goroutine
	return e.u.shell
}

// secretaryProfile is the tests' committee seen by its secretary, on the
// fixed clock.
func secretaryProfile(t testing.TB) *core.Profile {
	t.Helper()
	p, err := core.Create(t.TempDir(), testPass, meetings.Member{
		Name: "Thư ký Ban Chỉ đạo", Title: "Vụ Cải cách hành chính, Bộ Nội vụ", Role: meetings.RoleSecretary,
	})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { p.Close() })
	buildCommittee(t, p, 0)
	return p
}

// find walks the window, its overlays included, for the first object that
// satisfies match.
func (e *env) find(match func(fyne.CanvasObject) bool) fyne.CanvasObject {
	var found fyne.CanvasObject
	var walk func(o fyne.CanvasObject)
	walk = func(o fyne.CanvasObject) {
		if found != nil || o == nil || !o.Visible() {
			return
		}
		if match(o) {
			found = o
			return
		}
		switch x := o.(type) {
		case *fyne.Container:
			for _, c := range x.Objects {
				walk(c)
			}
		case fyne.Widget:
			r := test.WidgetRenderer(x)
			for _, c := range r.Objects() {
				walk(c)
			}
		}
	}
	for _, o := range e.w.Canvas().Overlays().List() {
		walk(o)
	}
	walk(e.w.Canvas().Content())
	return found
}

// button finds a visible button by its text.
func (e *env) button(text string) *widget.Button {
	o := e.find(func(o fyne.CanvasObject) bool {
		switch b := o.(type) {
		case *widget.Button:
			return b.Text == text
		case *keyButton: // a dialog's button (keys.go)
			return b.Text == text
		}
		return false
	})
	switch b := o.(type) {
	case *widget.Button:
		return b
	case *keyButton:
		return &b.Button
	}
	return nil
}

// hasText reports whether some visible text on the window contains s.
func (e *env) hasText(s string) bool {
	return e.find(func(o fyne.CanvasObject) bool {
		switch x := o.(type) {
		case *widget.Label:
			return strings.Contains(x.Text, s)
		case *line:
			return strings.Contains(x.seg.Text, s)
		case *widget.RichText:
			return strings.Contains(x.String(), s)
		case *canvas.Text:
			return strings.Contains(x.Text, s)
		}
		return false
	}) != nil
}

type fyneObject = fyne.CanvasObject

// newThemeVariant returns the eCabinet theme fixed to one variant: golden
// images are drawn in the light one whatever the test app says.
func newThemeVariant(v fyne.ThemeVariant) fyne.Theme { return &ecTheme{forced: true, variant: v} }

// shot renders the window as a person would see it. Fyne's window lays out
// again, every frame, the containers whose children's minimum size changed
// (wrapped text learns its height only once it knows its width); the test
// canvas does not, so the content is refreshed, which lays it out again,
// before the capture.
func (e *env) shot() image.Image {
	for range 2 {
		e.w.Canvas().Content().Refresh()
	}
	return e.w.Canvas().Capture()
}
