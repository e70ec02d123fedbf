package testproc

import (
	"errors"
	"fmt"
	"runtime"
	"testing"
)

type fakeServer struct{ closed int }

func (f *fakeServer) Close() { f.closed++ }

// recorder is a testing.TB whose Fatalf and Skipf record and stop the
// goroutine, as the real ones do, so that Get's verdicts can be checked.
type recorder struct {
	testing.TB
	fatal, skip string
}

func (r *recorder) Helper() {}
func (r *recorder) Fatalf(f string, a ...any) {
	r.fatal = fmt.Sprintf(f, a...)
	runtime.Goexit()
}
func (r *recorder) Skipf(f string, a ...any) {
	r.skip = fmt.Sprintf(f, a...)
	runtime.Goexit()
}

func get(l *Shared[*fakeServer], t testing.TB) (s *fakeServer, r *recorder) {
	r = &recorder{TB: t}
	done := make(chan struct{})
	go func() {
		defer close(done)
		s = l.Get(r)
	}()
	<-done
	return s, r
}

func TestShared_Get(t *testing.T) {
	boom := errors.New("initdb failed")
	for _, tc := range []struct {
		name       string
		inMain     bool
		err        error
		fatal      bool
		skip       bool
		wantStarts int
	}{
		{"given Main and a server then both calls get it, started once", true, nil, false, false, 1},
		{"given the variable off then the test is skipped", true, ErrOff, false, true, 1},
		{"given a server that cannot start then the test fails", true, boom, true, false, 1},
		{"given no Main then the test fails and nothing starts", false, nil, true, false, 0},
	} {
		t.Run(tc.name, func(t *testing.T) {
			starts := 0
			srv := &fakeServer{}
			l := &Shared[*fakeServer]{What: "Fake", Env: "ECABINET_TEST_FAKE", Pkg: "faketest",
				Start: func() (*fakeServer, error) {
					starts++
					if tc.err != nil {
						return nil, tc.err
					}
					return srv, nil
				}}
			l.inMain = tc.inMain
			for range 2 {
				s, r := get(l, t)
				if (r.fatal != "") != tc.fatal || (r.skip != "") != tc.skip {
					t.Fatalf("fatal %q, skip %q; want fatal %v, skip %v", r.fatal, r.skip, tc.fatal, tc.skip)
				}
				if !tc.fatal && !tc.skip && s != srv {
					t.Fatalf("Get returned %p, want the started server %p", s, srv)
				}
			}
			if starts != tc.wantStarts {
				t.Fatalf("started %d times, want %d", starts, tc.wantStarts)
			}
		})
	}
}
