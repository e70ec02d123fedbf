// Package cli holds the headless commands of the ecabinet binary: the same
// use cases as the desktop screens, carried out through the application
// core, with --json output for scripts.
package cli

import (
	"io"

	"github.com/ecabinet/ecabinet/app"
)

// IsCommand reports whether args name a subcommand (rather than only
// desktop flags such as --profile). TODO(cli): implement.
func IsCommand(args []string) bool { return len(args) > 0 && args[0] != "" && args[0][0] != '-' }

// Main runs a subcommand and returns the exit code: 0 success, 2 usage
// error, 1 any other error. TODO(cli): implement.
func Main(args []string, stdin io.Reader, stdout, stderr io.Writer) int { return 2 }

// DesktopConfig parses the desktop app's flags and environment.
// TODO(cli): implement.
func DesktopConfig(args []string) (app.Config, error) { return app.Config{}, nil }
