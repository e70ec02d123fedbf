// Package replicatest runs a real hub, over TLS on 127.0.0.1, for the tests
// of packages that sync (core, app, the replica package's own external
// tests), and enrolls device profiles with it. Nothing is mocked: the hub
// is replica.Hub on an encrypted Badger store, and devices enroll through
// one-time invites as they do in real life.
package replicatest

import (
	"context"
	"io"
	"log/slog"
	"net"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/ecabinet/ecabinet/core"
	"github.com/ecabinet/ecabinet/replica"
)

// Hub is a hub serving on a local port for the length of a test.
type Hub struct {
	P    *core.Profile      // the hub's own replica
	Hub  *replica.Hub       // the server
	URL  string             // https://127.0.0.1:PORT
	Init replica.InitResult // the first secretary and their invite
	pass []byte
	stop func()
}

// Options change how Start makes the hub; the zero value is a committee of
// the Government Office with its secretary.
type Options struct {
	Org, Secretary string
	// Clock, when set, is the hub's clock.
	Clock func() time.Time
	// FinalizeEvery, when set, is how often the hub closes due ballots and
	// publishes results.
	FinalizeEvery time.Duration
}

// Start initialises a hub under tb's temporary directory, with pass as the
// passphrase of its data and of the devices Enroll makes, and serves it
// until the test ends (or Stop).
func Start(tb testing.TB, pass []byte, o Options) *Hub {
	tb.Helper()
	if o.Org == "" {
		o.Org = "Văn phòng Chính phủ"
	}
	if o.Secretary == "" {
		o.Secretary = "Thư ký Ban Chỉ đạo"
	}
	p, init, err := replica.InitHub(filepath.Join(tb.TempDir(), "hub"), pass, o.Org, o.Secretary, nil, 0)
	if err != nil {
		tb.Fatal(err)
	}
	if o.Clock != nil {
		p.SetClock(o.Clock)
	}
	h, err := replica.NewHub(p, slog.New(slog.NewTextHandler(io.Discard, nil)))
	if err != nil {
		p.Close()
		tb.Fatal(err)
	}
	if o.FinalizeEvery > 0 {
		h.FinalizeEvery = o.FinalizeEvery
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		p.Close()
		tb.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	served := make(chan error, 1)
	go func() { served <- h.Serve(ctx, ln) }()
	var once sync.Once
	hub := &Hub{P: p, Hub: h, URL: "https://" + ln.Addr().String(), Init: init, pass: pass,
		stop: func() { once.Do(func() { cancel(); <-served }) }}
	tb.Cleanup(func() { hub.stop(); p.Close() })
	return hub
}

// Stop stops serving, as a hub that went away; its data stays open for the
// test to read. Calling it again does nothing.
func (h *Hub) Stop() { h.stop() }

// Invite makes a one-time invite for a device of member.
func (h *Hub) Invite(tb testing.TB, member string) string {
	tb.Helper()
	code, _, err := replica.CreateInvite(h.P, member, time.Minute)
	if err != nil {
		tb.Fatal(err)
	}
	return code
}

// Enroll makes a device profile (in a new folder under tb's temporary
// directory) with the invite code, closed when the test ends.
func (h *Hub) Enroll(tb testing.TB, code string) *core.Profile {
	tb.Helper()
	res, err := replica.Enroll(context.Background(), h.URL, code, filepath.Join(tb.TempDir(), "device"), h.pass)
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { res.Profile.Close() })
	return res.Profile
}

// EnrollMember is Invite then Enroll: a new device of member.
func (h *Hub) EnrollMember(tb testing.TB, member string) *core.Profile {
	tb.Helper()
	return h.Enroll(tb, h.Invite(tb, member))
}

// Sync runs one sync round for p, which must leave nothing to push or pull.
func Sync(tb testing.TB, p *core.Profile) replica.Report {
	tb.Helper()
	c, err := replica.NewClient(p)
	if err != nil {
		tb.Fatal(err)
	}
	defer c.Close()
	rep, err := c.SyncOnce(context.Background(), nil)
	if err != nil {
		tb.Fatalf("sync of %s: %v", p.Self().Name, err)
	}
	if !rep.Done() {
		tb.Fatalf("sync of %s left work: %+v", p.Self().Name, rep)
	}
	return rep
}
