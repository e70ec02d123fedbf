package app

import (
	"sync"
	"time"

	"fyne.io/fyne/v2"

	"github.com/ecabinet/ecabinet/core"
)

// ui is one desktop session: the window, the profile once it is open, and
// the screen shown. Its fields other than mu's are used on the UI goroutine
// only.
type ui struct {
	app fyne.App
	win fyne.Window
	cfg Config
	dir string

	// do runs a function on the UI goroutine: fyne.Do in the app, a queue
	// the test drains in tests. Background goroutines reach widgets only
	// through it.
	do func(func())

	mu     sync.Mutex
	p      *core.Profile // set once opened or created
	closed bool          // the app is shutting down
	sync   *syncRunner   // the replicator, when the profile is enrolled
	joined *core.Profile // enrolled from the join screen, not yet shown
	bg     sync.WaitGroup

	shell *shell
	// syncOff keeps the replicator from starting (tests that need a still
	// status bar); syncState is the replicator's latest state.
	syncOff bool
	// booksOff keeps the meeting books from being made in the background
	// (tests whose screens must stay still).
	booksOff  bool
	syncState syncState
	// seenRej are the hub's refusals already known (shown or listed);
	// rejections is the list Settings shows.
	seenRej    map[uint64]bool
	rejections []core.OpState
	// form and lastConfirm are the dialogs shown last (tests answer them).
	form        *formDialog
	merge       *mergeDialog // the merge of a refused edit shown last
	lastConfirm *confirmDialog
	// calendar is the date picker's calendar opened last (tests drive it).
	calendar *calendar
	join     *joinScreen // the join screen shown last
}

func newUI(a fyne.App, w fyne.Window, cfg Config, dir string, do func(func())) *ui {
	return &ui{app: a, win: w, cfg: cfg, dir: dir, do: do, seenRej: map[uint64]bool{}}
}

// start shows the first screen: unlock when a profile exists, else the
// first-run screen.
func (u *ui) start() {
	if core.Exists(u.dir) {
		s := newUnlockScreen(u)
		u.win.SetContent(s.view())
		if len(u.cfg.Passphrase) > 0 {
			s.unlock(u.cfg.Passphrase)
		} else {
			u.win.Canvas().Focus(s.pass)
		}
		return
	}
	u.win.SetContent(newFirstRun(u).view())
}

// profile is the opened profile, or nil.
func (u *ui) profile() *core.Profile {
	u.mu.Lock()
	defer u.mu.Unlock()
	return u.p
}

// background runs work on its own goroutine and then done with its result
// on the UI goroutine. Nothing in work may touch a widget.
func (u *ui) background(work func() error, done func(error)) {
	u.bg.Add(1)
	go func() {
		defer u.bg.Done()
		err := work()
		u.post(func() { done(err) })
	}()
}

// post runs f on the UI goroutine unless the app is shutting down (Fyne
// runs late calls on the caller's goroutine once its loop has stopped).
func (u *ui) post(f func()) {
	u.do(func() {
		u.mu.Lock()
		closed := u.closed
		u.mu.Unlock()
		if !closed {
			f()
		}
	})
}

// openWith runs open (core.Open, core.Create, sample.CreateProfile) off the
// UI goroutine; on success the profile becomes the session's and the main
// shell appears; on failure onErr runs on the UI goroutine.
func (u *ui) openWith(open func() (*core.Profile, error), onErr func(error)) {
	u.bg.Add(1)
	go func() {
		defer u.bg.Done()
		p, err := open()
		if err == nil {
			u.mu.Lock()
			if u.closed {
				// The app quit while the profile was opening.
				u.mu.Unlock()
				_ = p.Close()
				return
			}
			u.p = p
			u.mu.Unlock()
		}
		u.post(func() {
			if err != nil {
				onErr(err)
				return
			}
			u.showShell(p)
		})
	}()
}

// showShell replaces the window's content with the main shell.
func (u *ui) showShell(p *core.Profile) {
	rememberProfile(u.app.Preferences(), u.dir, profileLabel(p))
	u.shell = newShell(u, p)
	u.win.SetContent(u.shell.view())
	u.startSync(p)
	if r := p.Recovered(); r.Restored > 0 {
		showRecovered(u.win, r)
	}
}

// rebuild builds the UI again in the current language, keeping the screen.
func (u *ui) rebuild() {
	if u.shell == nil {
		return
	}
	old := u.shell
	old.stop()
	u.win.Canvas().Unfocus()
	u.shell = newShell(u, old.p)
	u.shell.reopen(old)
	u.shell.show(old.current)
	u.win.SetContent(u.shell.view())
}

// shutdown stops the shell and closes the profile; it runs after the app
// has quit. An open still running gets a few seconds to finish, so that its
// profile is closed properly too.
func (u *ui) shutdown() {
	if u.shell != nil {
		u.shell.stop()
	}
	u.mu.Lock()
	u.closed = true
	u.mu.Unlock()
	done := make(chan struct{})
	go func() { u.bg.Wait(); close(done) }()
	select {
	case <-done:
	case <-time.After(5 * time.Second):
	}
	u.stopSync()
	u.mu.Lock()
	p, joined := u.p, u.joined
	u.p, u.joined = nil, nil
	u.mu.Unlock()
	if joined != nil && joined != p {
		if err := joined.Close(); err != nil {
			fyne.LogError("close profile", err)
		}
	}
	if p != nil {
		if err := p.Close(); err != nil {
			fyne.LogError("close profile", err)
		}
	}
}

// now is the profile's clock (tests fix it).
func (u *ui) now() time.Time {
	if p := u.profile(); p != nil {
		return p.Now()
	}
	return time.Now()
}
