package testproc

import (
	"errors"
	"fmt"
	"os"
	"sync"
	"testing"
)

// Shared is one server a test package starts on first use and stops after
// its tests: the life cycle pgtest and s3test share, so that "started by the
// first test that needs it, failed (never skipped) when it cannot start,
// skipped only when a developer said off" is written once.
//
// Declare one as a package variable, call Main from TestMain and Get from
// each test that needs the server.
type Shared[S interface{ Close() }] struct {
	What  string            // the server's name in messages: "PostgreSQL", "S3"
	Env   string            // its environment variable, named when it is off
	Pkg   string            // the package, named in messages: "pgtest"
	Start func() (S, error) // returns ErrOff when the variable says off

	once    sync.Once
	inMain  bool
	server  S
	started bool
	err     error
}

// Main runs the package's tests and stops the server if one was started:
// call it from TestMain as os.Exit(x.Main(m)). Benchmarks, examples and
// fuzzing workers that never call Get start none.
func (l *Shared[S]) Main(m *testing.M) int { return l.Around(m.Run) }

// Around is Main around any run of the tests, so that a package needing
// two servers nests them: pgtest.Around(func() int { return
// s3test.Main(m) }).
func (l *Shared[S]) Around(run func() int) int {
	l.inMain = true
	code := run()
	if l.started {
		l.server.Close()
	}
	return code
}

// Get returns the server, starting it on first use, and fails t if there is
// none (skips it only when the variable says off).
func (l *Shared[S]) Get(t testing.TB) S {
	t.Helper()
	if !l.inMain {
		// Without Main nothing would stop the server after the tests.
		t.Fatalf("%s: TestMain must call Main", l.Pkg)
	}
	l.once.Do(func() {
		l.server, l.err = l.Start()
		l.started = l.err == nil
		if l.err != nil && !errors.Is(l.err, ErrOff) {
			fmt.Fprintf(os.Stderr, "%s: %v\n", l.Pkg, l.err)
		}
	})
	switch {
	case errors.Is(l.err, ErrOff):
		t.Skipf("%s tests turned off (%s=off)", l.What, l.Env)
	case l.err != nil:
		t.Fatalf("no %s server for this test: %v", l.What, l.err)
	}
	return l.server
}
