// Command ecabinet is the eCabinet desktop app, its hub, and its headless
// commands, in one binary. With no subcommand it opens the desktop app;
// `ecabinet help` lists the commands. cmd/ecabinet-hub is the same headless
// commands without the desktop, for servers.
package main

import (
	"fmt"
	"os"

	// The project has its own app package (the screens); only this file
	// touches Fyne's driver, so the screens test without a display.
	fyneapp "fyne.io/fyne/v2/app"

	"github.com/ecabinet/ecabinet/app"
	"github.com/ecabinet/ecabinet/cli"
	// Initialised before Fyne's lang: keeps it from logging about LANG=C.UTF-8.
	"github.com/ecabinet/ecabinet/internal/fynelocale"
	"github.com/ecabinet/ecabinet/replica"
)

func main() {
	// The version each device reports to the hub (the secretariat's
	// devices screen shows it).
	replica.AppVersion = cli.ReleaseVersion()
	args := os.Args[1:]
	// `ecabinet read [--confidential NAME] [--lang vi|en] FILE`: the paper
	// reader on a file, for developers (members open papers from the Papers
	// screen).
	if len(args) >= 2 && args[0] == "read" {
		var viewer, lang string
		rest := args[1:]
		for len(rest) > 2 && (rest[0] == "--confidential" || rest[0] == "--lang") {
			if rest[0] == "--lang" {
				lang = rest[1]
			} else {
				viewer = rest[1]
			}
			rest = rest[2:]
		}
		os.Exit(app.RunReader(fyneapp.NewWithID(app.ID), rest[len(rest)-1], viewer, lang))
	}
	if cli.IsCommand(args) {
		fynelocale.Restore()
		os.Exit(cli.Main(args, os.Stdin, os.Stdout, os.Stderr))
	}
	d, err := cli.DesktopConfig(args)
	if err != nil {
		fmt.Fprintln(os.Stderr, "ecabinet:", err)
		os.Exit(2)
	}
	os.Exit(app.Run(fyneapp.NewWithID(app.ID), app.Config{ProfileDir: d.ProfileDir, Passphrase: d.Passphrase, Lang: d.Lang}))
}
