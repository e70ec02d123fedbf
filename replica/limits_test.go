package replica

import (
	"bufio"
	"context"
	"crypto/tls"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/ecabinet/ecabinet/codec"
	"github.com/ecabinet/ecabinet/core"
)

// serveHubLimited is serveHub with the hub's limits changed before Serve.
func serveHubLimited(tb testing.TB, change func(*Limits)) *liveHub {
	tb.Helper()
	return serveHubWith(tb, faultPass, func(h *Hub) { change(&h.Limits) })
}

// holdEnroll opens an unauthenticated connection whose enrollment body
// never comes; it returns the connection and its first response line (empty
// while the hub waits for the body).
func holdEnroll(t *testing.T, addr string) (net.Conn, <-chan string) {
	t.Helper()
	c, err := tls.Dial("tcp", addr, &tls.Config{InsecureSkipVerify: true, MinVersion: tls.VersionTLS13})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.Close() })
	fmt.Fprintf(c, "POST %s HTTP/1.1\r\nHost: hub\r\nContent-Type: %s\r\nContent-Length: 100\r\n\r\n", PathEnroll, ContentType)
	line := make(chan string, 1)
	go func() {
		l, _ := bufio.NewReader(c).ReadString('\n')
		line <- l
	}()
	return c, line
}

// waitFor polls a condition of the hub's own state (never a duration).
func waitFor(t *testing.T, what string, cond func() bool) {
	t.Helper()
	for i := 0; !cond(); i++ {
		if i > 3000 {
			t.Fatalf("never: %s", what)
		}
		time.Sleep(5 * time.Millisecond)
	}
}

// TestHub_GivenStrangersFromOneAddress_ThenCappedAndDevicesServed: an
// address holds at most MaxAnonPerAddr unauthenticated connections; the
// next is told the hub is busy, a closed one frees its place, and an
// enrolled device from the same address is not counted.
func TestHub_GivenStrangersFromOneAddress_ThenCappedAndDevicesServed(t *testing.T) {
	hub := serveHubLimited(t, func(l *Limits) { l.MaxAnonPerAddr, l.EnrollBurst, l.AnonReadTimeout = 3, 100, time.Minute })
	p := hub.redeem(t, hub.code) // before the strangers come
	defer p.Close()
	addr := strings.TrimPrefix(hub.url, "https://")
	var held []net.Conn
	for range 3 {
		c, _ := holdEnroll(t, addr)
		held = append(held, c)
	}
	waitFor(t, "three strangers held", func() bool { return hub.h.anon.count("127.0.0.1") == 3 })

	_, line := holdEnroll(t, addr)
	if l := <-line; !strings.Contains(l, " 503 ") {
		t.Fatalf("fourth stranger from one address: %q, want 503", l)
	}
	// A device syncs meanwhile: it has a certificate, it is not a stranger.
	c, err := NewClient(p)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	if rep, err := c.SyncOnce(context.Background(), nil); err != nil || !rep.Done() {
		t.Fatalf("device sync beside the strangers: %+v, %v", rep, err)
	}
	held[0].Close()
	waitFor(t, "a closed stranger's place freed", func() bool { return hub.h.anon.count("127.0.0.1") == 2 })
	_, line = holdEnroll(t, addr)
	waitFor(t, "the next stranger admitted", func() bool { return hub.h.anon.count("127.0.0.1") == 3 })
	select {
	case l := <-line:
		t.Fatalf("admitted stranger answered before sending its body: %q", l)
	default:
	}
}

func TestSampler_GivenBurstOfOneKind_ThenOneLinePerIntervalWithCount(t *testing.T) {
	now := time.Date(2026, 12, 1, 9, 0, 0, 0, time.UTC)
	s := newSampler(time.Minute, func() time.Time { return now })
	steps := []struct {
		name       string
		advance    time.Duration
		kind       string
		want       bool
		suppressed int
	}{
		{"given the first refusal then logged", 0, "invite", true, 0},
		{"given a second within the interval then quiet", time.Second, "invite", false, 0},
		{"given a third within the interval then quiet", time.Second, "invite", false, 0},
		{"given another kind then logged on its own", 0, "revoked", true, 0},
		{"given the interval passed then logged with the quiet count", time.Minute, "invite", true, 2},
		{"given the next then quiet again", 0, "invite", false, 0},
	}
	for _, st := range steps {
		now = now.Add(st.advance)
		ok, n := s.allow(st.kind)
		if ok != st.want || n != st.suppressed {
			t.Fatalf("%s: allow = %v, %d; want %v, %d", st.name, ok, n, st.want, st.suppressed)
		}
	}
}

func TestRateLimiter_GivenBurstSpent_ThenWaitUntilRefilled(t *testing.T) {
	t0 := time.Date(2026, 12, 1, 9, 0, 0, 0, time.UTC)
	l := newRateLimiter(2, 2*time.Second)
	steps := []struct {
		name string
		addr string
		at   time.Duration
		give bool
		ok   bool
		wait time.Duration
	}{
		{"given a fresh address then allowed", "a", 0, false, true, 0},
		{"given the burst's second then allowed", "a", 0, false, true, 0},
		{"given the burst spent then a wait of one refill", "a", 0, false, false, 2 * time.Second},
		{"given another address then its own burst", "b", 0, false, true, 0},
		{"given half a refill then the rest to wait", "a", time.Second, false, false, time.Second},
		{"given a refill then allowed", "a", 2 * time.Second, false, true, 0},
		{"given a success gave its attempt back then allowed", "a", 2 * time.Second, true, true, 0},
	}
	for _, st := range steps {
		if st.give {
			l.give(st.addr)
		}
		ok, wait := l.take(st.addr, t0.Add(st.at))
		if ok != st.ok || wait != st.wait {
			t.Fatalf("%s: take = %v, %v; want %v, %v", st.name, ok, wait, st.ok, st.wait)
		}
	}
	if got := retryAfter(1500 * time.Millisecond); got != "2" {
		t.Errorf("Retry-After of 1.5 s = %q, want 2", got)
	}
	if got := retryAfter(0); got != "1" {
		t.Errorf("Retry-After of 0 = %q, want 1", got)
	}
}

// TestHandler_GivenEnrollBodyOverLimit_ThenRefusedBeforeRead: the body is
// cut at EnrollBody, announced or not.
func TestHandler_GivenEnrollBodyOverLimit_ThenRefusedBeforeRead(t *testing.T) {
	hub := liveHubFor(t)
	h := hub.h.Handler()
	ok, _ := codec.Marshal(EnrollRequest{Version: Version, Invite: "x", PubKey: make([]byte, 32)})
	big := make([]byte, DefaultLimits().EnrollBody+1)
	tests := []struct {
		name   string
		body   io.Reader
		length int64
		want   int
	}{
		{"given a small body then judged (invite refused)", strings.NewReader(string(ok)), int64(len(ok)), http.StatusForbidden},
		{"given a body announced too large then 413", strings.NewReader(""), 8 << 20, http.StatusRequestEntityTooLarge},
		{"given an unannounced body over the limit then 413", strings.NewReader(string(big)), -1, http.StatusRequestEntityTooLarge},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r, _ := http.NewRequest(http.MethodPost, PathEnroll, tt.body)
			r.ContentLength = tt.length
			r.RemoteAddr = "192.0.2.1:1234"
			w := httptest.NewRecorder()
			h.ServeHTTP(w, r)
			if w.Code != tt.want {
				t.Fatalf("status %d, want %d", w.Code, tt.want)
			}
		})
	}
}

func TestDropRepeatedSnapshots_GivenRunOfRefusals_ThenEachRecordAndHeadOnce(t *testing.T) {
	snap := func(entity string, head uint64) *core.Snapshot {
		return &core.Snapshot{Entity: entity, Value: []byte(entity), HubSeq: head}
	}
	tests := []struct {
		name string
		in   []*core.Snapshot
		keep []bool
	}{
		{"given one record at one head then the first only", []*core.Snapshot{snap("meeting/m", 5), snap("meeting/m", 5), snap("meeting/m", 5)}, []bool{true, false, false}},
		{"given the head moved then kept again", []*core.Snapshot{snap("meeting/m", 5), snap("meeting/m", 6)}, []bool{true, true}},
		{"given other records then each kept", []*core.Snapshot{snap("meeting/m", 5), snap("ballot/b", 5), nil, snap("meeting/m", 5)}, []bool{true, true, false, false}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			vs := make([]core.Verdict, len(tt.in))
			for i, s := range tt.in {
				vs[i] = core.Verdict{DevSeq: uint64(i + 1), Code: "err.forbidden", Snapshot: s}
			}
			dropRepeatedSnapshots(vs)
			for i := range vs {
				if (vs[i].Snapshot != nil) != tt.keep[i] {
					t.Errorf("verdict %d: snapshot kept %v, want %v", i, vs[i].Snapshot != nil, tt.keep[i])
				}
			}
		})
	}
}
