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

// Window geometry.
const windowWidth, windowHeight = 1200, 780

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
	w.Resize(fyne.NewSize(windowWidth, windowHeight))
	w.CenterOnScreen()

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
			fyne.Do(a.Quit)
		case <-quit:
		}
	}()

	u := newUI(a, w, cfg, dir, fyne.Do)
	u.start()
	w.ShowAndRun()
	u.shutdown()
	return 0
}
