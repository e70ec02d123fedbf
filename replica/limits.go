package replica

import (
	"context"
	"log/slog"
	"math"
	"net"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"time"
)

// The hub faces the network: every request's cost is bounded by the hub,
// not by what a client sends. An unauthenticated client (one without a
// device certificate: enrollment, health) gets a few KiB of body, a short
// read deadline, one request per connection, a few connections per
// address and a rate limit on enrollment attempts; an enrolled device gets
// MaxBody per request and MaxPushOps per push; everybody shares a cap on
// connections. Refusals are logged at most once per LogEvery per kind, with
// the count of those not logged.

// Limits are what the hub accepts; DefaultLimits are used unless a Hub's
// Limits are changed before Serve.
type Limits struct {
	// MaxConns caps open connections; further ones wait to be accepted
	// (0: no cap).
	MaxConns int
	// MaxAnonPerAddr caps unauthenticated connections per client address
	// (0: no cap).
	MaxAnonPerAddr int
	// EnrollBody bounds an enrollment request (a few hundred bytes in
	// practice).
	EnrollBody int64
	// AnonReadTimeout bounds reading an unauthenticated request's body.
	AnonReadTimeout time.Duration
	// ReadHeaderTimeout bounds the TLS handshake and a request's headers;
	// ReadTimeout a whole request; IdleTimeout a kept-alive connection.
	ReadHeaderTimeout, ReadTimeout, WriteTimeout, IdleTimeout time.Duration
	// EnrollBurst attempts per address may be made at once, then one
	// more every EnrollEvery; a successful enrollment gives its attempt
	// back (EnrollEvery 0: no limit).
	EnrollBurst int
	EnrollEvery time.Duration
	// LogEvery is how often at most one refusal of each kind is logged.
	LogEvery time.Duration
}

// MaxPushOps is the most operations the hub takes in one push (a device
// sends PushPage).
const MaxPushOps = 500

// DefaultLimits are the hub's limits in production.
func DefaultLimits() Limits {
	return Limits{
		MaxConns:          1024,
		MaxAnonPerAddr:    16,
		EnrollBody:        4 << 10,
		AnonReadTimeout:   5 * time.Second,
		ReadHeaderTimeout: 5 * time.Second,
		ReadTimeout:       30 * time.Second,
		WriteTimeout:      time.Minute,
		IdleTimeout:       time.Minute,
		EnrollBurst:       10,
		EnrollEvery:       2 * time.Second,
		LogEvery:          time.Minute,
	}
}

// limitListener accepts at most n connections at a time: Accept waits for
// one to close (as golang.org/x/net/netutil.LimitListener).
type limitListener struct {
	net.Listener
	sem chan struct{}
}

func newLimitListener(ln net.Listener, n int) net.Listener {
	return &limitListener{Listener: ln, sem: make(chan struct{}, n)}
}

func (l *limitListener) Accept() (net.Conn, error) {
	l.sem <- struct{}{}
	c, err := l.Listener.Accept()
	if err != nil {
		<-l.sem
		return nil, err
	}
	return &limitConn{Conn: c, release: func() { <-l.sem }}, nil
}

type limitConn struct {
	net.Conn
	once    sync.Once
	release func()
}

func (c *limitConn) Close() error {
	err := c.Conn.Close()
	c.once.Do(c.release)
	return err
}

// addrOf is the client address of a remote "host:port", the unit of the
// per-address limits.
func addrOf(remote string) string {
	host, _, err := net.SplitHostPort(remote)
	if err != nil {
		return remote
	}
	return host
}

// connInfo is the hub's state of one connection, in its requests'
// contexts.
type connInfo struct {
	addr string
	anon bool // counted as an unauthenticated connection of addr
}

type connKey struct{}

// anonConns counts unauthenticated connections per address.
type anonConns struct {
	mu     sync.Mutex
	max    int
	byAddr map[string]int
	conns  map[net.Conn]*connInfo
}

func newAnonConns(max int) *anonConns {
	return &anonConns{max: max, byAddr: map[string]int{}, conns: map[net.Conn]*connInfo{}}
}

// connContext attaches a connInfo to every request of c.
func (a *anonConns) connContext(ctx context.Context, c net.Conn) context.Context {
	ci := &connInfo{addr: addrOf(c.RemoteAddr().String())}
	a.mu.Lock()
	a.conns[c] = ci
	a.mu.Unlock()
	return context.WithValue(ctx, connKey{}, ci)
}

// connState forgets a connection when it ends.
func (a *anonConns) connState(c net.Conn, s http.ConnState) {
	if s != http.StateClosed && s != http.StateHijacked {
		return
	}
	a.mu.Lock()
	defer a.mu.Unlock()
	ci, ok := a.conns[c]
	if !ok {
		return
	}
	delete(a.conns, c)
	if ci.anon {
		if a.byAddr[ci.addr]--; a.byAddr[ci.addr] <= 0 {
			delete(a.byAddr, ci.addr)
		}
	}
}

// admit counts the connection of an unauthenticated request; false when
// its address has too many already.
func (a *anonConns) admit(r *http.Request) bool {
	ci, _ := r.Context().Value(connKey{}).(*connInfo)
	if ci == nil {
		return true // not served by Serve (a handler under test)
	}
	a.mu.Lock()
	defer a.mu.Unlock()
	if ci.anon {
		return true
	}
	if a.max > 0 && a.byAddr[ci.addr] >= a.max {
		return false
	}
	ci.anon = true
	a.byAddr[ci.addr]++
	return true
}

func (a *anonConns) count(addr string) int {
	a.mu.Lock()
	defer a.mu.Unlock()
	return a.byAddr[addr]
}

// rateLimiter is a token bucket per address.
type rateLimiter struct {
	mu      sync.Mutex
	burst   float64
	every   time.Duration
	buckets map[string]*bucket
	prune   int // size of buckets at which full ones are dropped
}

type bucket struct {
	tokens float64
	at     time.Time
}

func newRateLimiter(burst int, every time.Duration) *rateLimiter {
	return &rateLimiter{burst: float64(max(burst, 1)), every: every, buckets: map[string]*bucket{}, prune: 1024}
}

func (l *rateLimiter) refill(b *bucket, now time.Time) {
	if l.every > 0 {
		b.tokens = min(l.burst, b.tokens+float64(now.Sub(b.at))/float64(l.every))
	}
	b.at = now
}

// take spends one attempt of addr; when none is left it returns how long
// until there is one.
func (l *rateLimiter) take(addr string, now time.Time) (bool, time.Duration) {
	if l.every <= 0 {
		return true, 0 // no rate limit
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	b, ok := l.buckets[addr]
	if !ok {
		if len(l.buckets) >= l.prune {
			// Addresses whose bucket refilled are as good as unseen:
			// dropping them keeps the map as small as the addresses
			// actually trying.
			for a, ob := range l.buckets {
				if l.refill(ob, now); ob.tokens >= l.burst {
					delete(l.buckets, a)
				}
			}
			l.prune = max(1024, 2*len(l.buckets))
		}
		b = &bucket{tokens: l.burst, at: now}
		l.buckets[addr] = b
	}
	l.refill(b, now)
	if b.tokens >= 1 {
		b.tokens--
		return true, 0
	}
	return false, time.Duration((1 - b.tokens) * float64(l.every))
}

// give returns an attempt (an enrollment that succeeded costs nothing).
func (l *rateLimiter) give(addr string) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if b, ok := l.buckets[addr]; ok {
		b.tokens = min(l.burst, b.tokens+1)
	}
}

// retryAfter is a Retry-After value in whole seconds, at least 1.
func retryAfter(d time.Duration) string {
	return strconv.Itoa(int(math.Ceil(max(d, time.Second).Seconds())))
}

// sampler logs a kind of event at most once per interval, with how many
// were not logged since: an unauthenticated client cannot make the log
// grow one line per request.
type sampler struct {
	mu    sync.Mutex
	every time.Duration
	now   func() time.Time
	last  map[string]time.Time
	quiet map[string]int
}

func newSampler(every time.Duration, now func() time.Time) *sampler {
	return &sampler{every: every, now: now, last: map[string]time.Time{}, quiet: map[string]int{}}
}

// allow reports whether an event of kind is logged now, and how many of
// that kind were suppressed before it. Kinds are fixed strings of the hub,
// never client input, so the maps stay small.
func (s *sampler) allow(kind string) (bool, int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	now := s.now()
	if t, ok := s.last[kind]; ok && now.Sub(t) < s.every {
		s.quiet[kind]++
		return false, 0
	}
	n := s.quiet[kind]
	s.last[kind] = now
	delete(s.quiet, kind)
	return true, n
}

// log writes msg through l at level when the sampler allows its kind.
func (s *sampler) log(l *slog.Logger, level slog.Level, kind, msg string, args ...any) {
	ok, n := s.allow(kind)
	if !ok {
		return
	}
	if n > 0 {
		args = append(args, "suppressed", n)
	}
	l.Log(context.Background(), level, msg, args...)
}

// sampledWriter is the http.Server's error log (TLS handshake failures,
// mostly: one per stranger), sampled like the hub's own refusals.
type sampledWriter struct {
	s   *sampler
	log *slog.Logger
}

func (w sampledWriter) Write(b []byte) (int, error) {
	msg := strings.TrimSpace(string(b))
	kind := "http"
	if strings.Contains(msg, "TLS handshake error") {
		kind = "http.tls"
	}
	w.s.log(w.log, slog.LevelWarn, kind, msg)
	return len(b), nil
}
