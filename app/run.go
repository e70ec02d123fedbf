package app

import "fyne.io/fyne/v2"

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

// Run shows the main window and blocks until the app quits; it returns the
// process exit code. TODO(ui): implement.
func Run(a fyne.App, cfg Config) int {
	_ = a
	_ = cfg
	return 0
}
