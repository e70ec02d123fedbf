package app

import (
	"fmt"
	"os"
	"os/signal"
	"syscall"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/lang"

	"github.com/ecabinet/ecabinet/assets"
	"github.com/ecabinet/ecabinet/core"
	"github.com/ecabinet/ecabinet/instance"
)

// ID is the application ID (preferences and notifications need one).
const ID = "vn.ecabinet.desktop"

// Config is what the command line and environment say about the desktop
// session.
type Config struct {
	// ProfileDir is the profile directory (--profile, ECABINET_PROFILE, or
	// the default under the user's configuration directory).
	ProfileDir string
	// Passphrase, when set (ECABINET_PASSPHRASE), unlocks the profile
	// without asking: for scripted runs such as the smoke test.
	Passphrase []byte
	// Lang is "vi" or "en"; empty means the saved choice, else Vietnamese.
	Lang string
}

// Window geometry. The default fits the work area of a 1366×768 laptop,
// still the most common screen in ministries: 768 px less a taskbar (about
// 40 px) and a title bar (about 30 px) leaves some 698 px. Fyne 2.7 cannot
// ask the screen for its size, so the default is what fits the smallest
// screen we serve, and the size a person chooses is remembered (UI state,
// so preferences). The content of every screen stays within minWindow
// (see window_test.go): a long title wraps or is clamped, never widens the
// window, so the window keeps the size it was given.
var (
	defaultWindow = fyne.NewSize(1240, 660)
	// minWindow is the smallest size every screen is usable at: 1280×720
	// less a taskbar and a title bar.
	minWindow = fyne.NewSize(1024, 640)
)

// Preferences that remember the window's size.
const (
	prefWindowWidth  = "window.width"
	prefWindowHeight = "window.height"
)

// windowSize is the size to open the window at: the one remembered, else
// the default; never below minWindow.
func windowSize(prefs fyne.Preferences) fyne.Size {
	w := float32(prefs.FloatWithFallback(prefWindowWidth, float64(defaultWindow.Width)))
	h := float32(prefs.FloatWithFallback(prefWindowHeight, float64(defaultWindow.Height)))
	return fyne.NewSize(max(w, minWindow.Width), max(h, minWindow.Height))
}

// rememberWindowSize keeps the window's size for the next start. Fyne
// saves preferences before the app exits.
func rememberWindowSize(prefs fyne.Preferences, s fyne.Size) {
	if s.Width < minWindow.Width/2 || s.Height < minWindow.Height/2 {
		return // minimised or not yet shown: keep what was remembered
	}
	prefs.SetFloat(prefWindowWidth, float64(s.Width))
	prefs.SetFloat(prefWindowHeight, float64(s.Height))
}

// appIcon is the eCabinet icon as a Fyne resource.
var appIcon = fyne.NewStaticResource("icon.png", assets.Icon)

// Run shows the main window and blocks until the app quits; it returns the
// process exit code: 0 after a normal quit (window closed, SIGINT or
// SIGTERM), 1 when another eCabinet already has this profile open (it is
// asked to bring its window forward) or the profile folder cannot be found.
func Run(a fyne.App, cfg Config) int {
	if err := loadTranslations(); err != nil {
		fyne.LogError("load translations", err)
	}
	setLanguage(chooseLanguage(cfg.Lang, a.Preferences()))

	dir := cfg.ProfileDir
	if d := a.Preferences().String(prefProfileDir); dir == "" && d != "" && core.Exists(d) {
		dir = d // the profile joined last
	}
	if dir == "" {
		d, err := core.DefaultDir()
		if err != nil {
			fmt.Fprintln(os.Stderr, "ecabinet:", errorText(err))
			return 1
		}
		dir = d
	}
	if instance.Signal(dir) {
		fmt.Fprintln(os.Stderr, "ecabinet:", lang.X("app.already_running",
			"eCabinet is already open with this profile; its window has been brought to the front."))
		return 1
	}

	a.Settings().SetTheme(newTheme())
	a.SetIcon(appIcon)
	w := a.NewWindow("eCabinet")
	w.SetIcon(appIcon)
	w.SetMaster()
	w.SetPadded(false) // the rail and the status bar run to the window's edges
	// Fyne 2.7 has no call to place a window, so it opens centred (within
	// the screen, at this size) rather than where it was last.
	w.Resize(windowSize(a.Preferences()))
	w.CenterOnScreen()
	w.SetCloseIntercept(func() {
		rememberWindowSize(a.Preferences(), w.Canvas().Size())
		w.Close()
	})

	if ln, err := instance.Listen(dir, func() {
		fyne.Do(func() {
			w.Show()
			w.RequestFocus()
		})
	}); err != nil {
		fyne.LogError("listen for a second start", err)
	} else {
		defer ln.Close()
	}

	// SIGINT and SIGTERM quit like closing the window: the profile is
	// closed properly and the exit status is 0.
	sigs := make(chan os.Signal, 1)
	signal.Notify(sigs, os.Interrupt, syscall.SIGTERM)
	defer signal.Stop(sigs)
	quit := make(chan struct{})
	defer close(quit)
	go func() {
		select {
		case <-sigs:
			fyne.Do(func() {
				rememberWindowSize(a.Preferences(), w.Canvas().Size())
				a.Quit()
			})
		case <-quit:
		}
	}()

	u := newUI(a, w, cfg, dir, fyne.Do)
	u.start()
	w.ShowAndRun()
	u.shutdown()
	return 0
}
