// Command ecabinet-hub is eCabinet's headless commands (the hub, and the
// secretariat's and members' scripted operations) without the desktop app:
// no Fyne and no cgo, so that it builds as a static Linux binary for a
// server with no graphics libraries:
//
//	CGO_ENABLED=0 go build -o bin/ecabinet-hub ./cmd/ecabinet-hub
//
// It runs the very same commands as `ecabinet`; only opening the desktop
// app is missing (with no command it prints the help).
package main

import (
	"os"

	"github.com/ecabinet/ecabinet/cli"
)

func main() {
	args := os.Args[1:]
	if !cli.IsCommand(args) {
		args = append([]string{"help"}, args...)
	}
	os.Exit(cli.Main(args, os.Stdin, os.Stdout, os.Stderr))
}
