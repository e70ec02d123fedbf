// Command ecabinet is the eCabinet desktop app, its hub, and its headless
// commands, in one binary. With no subcommand it opens the desktop app;
// `ecabinet help` lists the commands.
package main

import (
	"fmt"
	"os"

	// The project has its own app package (the screens); only this file
	// touches Fyne's driver, so the screens test without a display.
	fyneapp "fyne.io/fyne/v2/app"

	"github.com/ecabinet/ecabinet/app"
	"github.com/ecabinet/ecabinet/cli"
)

func main() {
	args := os.Args[1:]
	if cli.IsCommand(args) {
		os.Exit(cli.Main(args, os.Stdin, os.Stdout, os.Stderr))
	}
	cfg, err := cli.DesktopConfig(args)
	if err != nil {
		fmt.Fprintln(os.Stderr, "ecabinet:", err)
		os.Exit(2)
	}
	os.Exit(app.Run(fyneapp.NewWithID(app.ID), cfg))
}
