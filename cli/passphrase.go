package cli

import (
	"bytes"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"syscall"

	"golang.org/x/term"
)

// The passphrase comes from ECABINET_PASSPHRASE, else from the terminal
// without echo; a command run with neither (a script, a pipe) stops with a
// clear message rather than waiting for input nobody will give.

// passphrase returns the passphrase of an existing profile.
func (r *runner) passphrase() ([]byte, error) {
	if p := os.Getenv(envPass); p != "" {
		return []byte(p), nil
	}
	fd, ok := r.terminal()
	if !ok {
		return nil, failf("cli.err.no_passphrase")
	}
	return r.prompt(fd, "cli.prompt.passphrase")
}

// newPassphrase returns a passphrase for a new profile or a changed one:
// from the environment variable env, else typed twice on the terminal.
func (r *runner) newPassphrase(env, promptKey string) ([]byte, error) {
	if p := os.Getenv(env); p != "" {
		return []byte(p), nil
	}
	fd, ok := r.terminal()
	if !ok {
		return nil, failf("cli.err.no_new_passphrase", "env", env)
	}
	first, err := r.prompt(fd, promptKey)
	if err != nil {
		return nil, err
	}
	again, err := r.prompt(fd, "cli.prompt.repeat")
	if err != nil {
		return nil, err
	}
	if !bytes.Equal(first, again) {
		return nil, failf("cli.err.passphrase_mismatch")
	}
	return first, nil
}

// terminal reports whether stdin is a terminal, and its descriptor.
func (r *runner) terminal() (int, bool) {
	f, ok := r.stdin.(*os.File)
	if !ok {
		return 0, false
	}
	fd := int(f.Fd())
	return fd, term.IsTerminal(fd)
}

// prompt reads one line from the terminal without echo. If the user
// interrupts (Ctrl-C) or the process is told to stop, the terminal's echo
// is put back before the process ends.
func (r *runner) prompt(fd int, key string) ([]byte, error) {
	fmt.Fprint(r.stderr, r.T(key)+" ")
	state, err := term.GetState(fd)
	if err != nil {
		return nil, err
	}
	sig := make(chan os.Signal, 1)
	done := make(chan struct{})
	signal.Notify(sig, os.Interrupt, syscall.SIGTERM)
	go func() {
		select {
		case <-sig:
			_ = term.Restore(fd, state)
			fmt.Fprintln(r.stderr)
			os.Exit(130)
		case <-done:
		}
	}()
	pass, err := term.ReadPassword(fd)
	close(done)
	signal.Stop(sig)
	fmt.Fprintln(r.stderr)
	if err != nil {
		return nil, err
	}
	return pass, nil
}

// passphrase change: the old passphrase from ECABINET_PASSPHRASE (or the
// terminal), the new one from ECABINET_NEW_PASSPHRASE (or typed twice). Only
// the key file is rewritten.
func definePassphraseChange(fs *flag.FlagSet) action {
	return func(r *runner) error {
		if _, tty := r.terminal(); !tty && os.Getenv(envNewPass) == "" {
			// Say so before the slow unlock, not after.
			return failf("cli.err.no_new_passphrase", "env", envNewPass)
		}
		p, old, err := r.unlock()
		if err != nil {
			return err
		}
		dir := p.Dir()
		newPass, err := r.newPassphrase(envNewPass, "cli.prompt.new_passphrase")
		if err != nil {
			return err
		}
		if err := p.ChangePassphrase(old, newPass); err != nil {
			return err
		}
		return r.emit(map[string]any{"profile": dir, "changed": true}, func(w io.Writer) {
			fmt.Fprintln(w, r.T("cli.out.passphrase_changed", map[string]any{"profile": dir}))
		})
	}
}
