package replica

import (
	"context"
	"crypto/ed25519"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"io"
	"log"
	"log/slog"
	"net"
	"net/http"
	"sync"
	"sync/atomic"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/promhttp"

	"github.com/ecabinet/ecabinet/codec"
	"github.com/ecabinet/ecabinet/core"
	"github.com/ecabinet/ecabinet/hublog"
	"github.com/ecabinet/ecabinet/hubstate"
	"github.com/ecabinet/ecabinet/identity"
	"github.com/ecabinet/ecabinet/store/blob"
)

// Hub serves one organisation's replica to its enrolled devices.
type Hub struct {
	p        *core.Profile
	log      *slog.Logger
	keys     hubKeys
	ca       *authority
	enrollMu sync.Mutex
	finalMu  sync.Mutex
	m        *metrics
	now      func() time.Time
	// FinalizeEvery is how often the hub closes ballots past their deadline
	// and signs pending results.
	FinalizeEvery time.Duration
	// Limits bound what clients can make the hub do (limits.go); change
	// them before the first call of Serve or Handler.
	Limits Limits

	limitsOnce sync.Once
	anon       *anonConns
	enrolls    *rateLimiter
	sample     *sampler

	// st keeps the hub's settings, chunk offers and devices' last pulls:
	// the profile on one machine, PostgreSQL for a scaled-out hub
	// (package hubstate).
	st hubstate.Store
	// chunks holds the papers' encrypted chunks (chunks.go).
	chunks blob.ChunkStore
	seen   seenLog // devices' last pulls (secretariat.go)

	// changed wakes long-polling pulls when the log may have grown;
	// polling counts the pulls waiting, pollWoken and pollTimedOut how
	// their waits ended (for tests, which must know a pull is waiting and
	// was woken, not timed out).
	changed waker
	polling atomic.Int64
	// stopping: Serve is shutting down, and a long poll must not hold
	// the shutdown (set before changed is woken, so a pull either sees it
	// or is woken).
	stopping                atomic.Bool
	pollWoken, pollTimedOut atomic.Int64
	// catchUp, in a scaled-out hub, brings this process's cache up to the
	// shared log's head before a pull is served (shared.go); nil on one
	// machine, where the profile is the log.
	catchUp func(ctx context.Context) error
	// shared is the shared log of a scaled-out hub, nil on one machine;
	// Serve runs a follower on it (shared.go).
	shared hublog.Log
	// checks are readiness checks beyond the profile's (the database and
	// the bucket of a scaled-out hub), by name.
	checks []readiness
}

// readiness is one thing /healthz checks.
type readiness struct {
	name  string
	check func(ctx context.Context) error
}

// waker wakes every goroutine waiting on it: the current channel is closed
// and replaced.
type waker struct {
	mu sync.Mutex
	ch chan struct{}
}

// C is the channel the next wake closes.
func (w *waker) C() <-chan struct{} {
	w.mu.Lock()
	defer w.mu.Unlock()
	if w.ch == nil {
		w.ch = make(chan struct{})
	}
	return w.ch
}

// wake wakes everyone waiting on C.
func (w *waker) wake() {
	w.mu.Lock()
	defer w.mu.Unlock()
	if w.ch != nil {
		close(w.ch)
		w.ch = nil
	}
}

type metrics struct {
	reg        *prometheus.Registry
	pushes     prometheus.Counter
	pushedOps  prometheus.Counter
	pulls      prometheus.Counter
	rejections *prometheus.CounterVec
	enrolls    prometheus.Counter
	connected  prometheus.Gauge
	chunkIn    prometheus.Counter
	chunkOut   prometheus.Counter
	dbLatency  prometheus.Histogram
	replayLag  prometheus.Gauge
	seenMu     sync.Mutex
	seen       map[string]time.Time
}

func newMetrics() *metrics {
	m := &metrics{
		reg:        prometheus.NewRegistry(),
		pushes:     prometheus.NewCounter(prometheus.CounterOpts{Name: "ecabinet_hub_pushes_total", Help: "Push requests served."}),
		pushedOps:  prometheus.NewCounter(prometheus.CounterOpts{Name: "ecabinet_hub_pushed_operations_total", Help: "Operations received in pushes."}),
		pulls:      prometheus.NewCounter(prometheus.CounterOpts{Name: "ecabinet_hub_pulls_total", Help: "Pull requests served."}),
		rejections: prometheus.NewCounterVec(prometheus.CounterOpts{Name: "ecabinet_hub_rejections_total", Help: "Operations or requests refused, by reason."}, []string{"code"}),
		enrolls:    prometheus.NewCounter(prometheus.CounterOpts{Name: "ecabinet_hub_enrollments_total", Help: "Devices enrolled."}),
		connected:  prometheus.NewGauge(prometheus.GaugeOpts{Name: "ecabinet_hub_connected_devices", Help: "Devices seen in the last five minutes."}),
		chunkIn:    prometheus.NewCounter(prometheus.CounterOpts{Name: "ecabinet_hub_chunk_bytes_in_total", Help: "Paper chunk bytes uploaded by devices."}),
		chunkOut:   prometheus.NewCounter(prometheus.CounterOpts{Name: "ecabinet_hub_chunk_bytes_out_total", Help: "Paper chunk bytes served to devices."}),
		dbLatency: prometheus.NewHistogram(prometheus.HistogramOpts{Name: "ecabinet_hub_database_seconds", Help: "Time of each call to the shared log's database (scaled-out hub).",
			Buckets: prometheus.ExponentialBuckets(0.0005, 2, 14)}),
		replayLag: prometheus.NewGauge(prometheus.GaugeOpts{Name: "ecabinet_hub_replay_lag_entries", Help: "Entries of the shared log this process's cache has not replayed yet (scaled-out hub)."}),
		seen:      map[string]time.Time{},
	}
	m.reg.MustRegister(m.pushes, m.pushedOps, m.pulls, m.rejections, m.enrolls, m.connected, m.chunkIn, m.chunkOut, m.dbLatency, m.replayLag)
	return m
}

func (m *metrics) saw(dev string, now time.Time) {
	m.seenMu.Lock()
	defer m.seenMu.Unlock()
	m.seen[dev] = now
	n := 0
	for d, t := range m.seen {
		if now.Sub(t) > 5*time.Minute {
			delete(m.seen, d)
			continue
		}
		n++
	}
	m.connected.Set(float64(n))
}

// NewHub prepares the hub on an opened hub replica.
func NewHub(p *core.Profile, log *slog.Logger) (*Hub, error) {
	h, err := newHub(p, hubstate.OnProfile(p), log)
	if err != nil {
		return nil, err
	}
	if err := h.openChunks(); err != nil {
		return nil, fmt.Errorf("open the hub's chunk store: %w", err)
	}
	return h, nil
}

// newHub prepares a hub on replica p with its state in st; its chunks are
// the caller's to set.
func newHub(p *core.Profile, st hubstate.Store, log *slog.Logger) (*Hub, error) {
	if !p.IsHub() {
		return nil, errors.New("this data directory is a device profile, not a hub")
	}
	k, err := loadKeysIn(st)
	if err != nil {
		return nil, err
	}
	ca, err := k.authority()
	if err != nil {
		return nil, err
	}
	if log == nil {
		log = slog.Default()
	}
	return &Hub{p: p, st: st, log: log, keys: k, ca: ca, m: newMetrics(), now: time.Now, FinalizeEvery: 30 * time.Second, Limits: DefaultLimits()}, nil
}

// setLimits makes the hub's counters for its Limits, once.
func (h *Hub) setLimits() { h.limitsOnce.Do(h.makeLimits) }

func (h *Hub) makeLimits() {
	h.anon = newAnonConns(h.Limits.MaxAnonPerAddr)
	h.enrolls = newRateLimiter(h.Limits.EnrollBurst, h.Limits.EnrollEvery)
	h.sample = newSampler(h.Limits.LogEvery, time.Now)
}

// TLSConfig is TLS 1.3 only. A client certificate is verified when given
// (enrollment is the one call made without one) and every connection,
// resumed ones included, is refused for a revoked device. When the state
// cannot tell (a scaled-out hub's database down), the handshake of a
// certificate our CA issued goes on and every request on the connection
// is answered 503 by device(), which asks again: a TLS refusal would tell
// the device it is not trusted, where it only has to try again later.
func (h *Hub) TLSConfig() (*tls.Config, error) {
	h.setLimits()
	cert, err := h.keys.serverCertificate()
	if err != nil {
		return nil, err
	}
	pool := x509.NewCertPool()
	pool.AddCert(h.ca.cert)
	return &tls.Config{
		MinVersion:   tls.VersionTLS13,
		Certificates: []tls.Certificate{cert},
		ClientAuth:   tls.VerifyClientCertIfGiven,
		ClientCAs:    pool,
		VerifyConnection: func(cs tls.ConnectionState) error {
			if len(cs.PeerCertificates) == 0 {
				return nil
			}
			dev, err := deviceOf(cs.PeerCertificates[0])
			if err != nil {
				return err
			}
			revoked, err := revocationIn(h.st, dev)
			if err != nil {
				h.sample.log(h.log, slog.LevelError, "revocation", "cannot check revocation; the device's requests get 503", "device", dev, "err", err)
				return nil
			}
			if revoked {
				h.m.rejections.WithLabelValues(CodeRevoked).Inc()
				h.sample.log(h.log, slog.LevelWarn, "revoked", "refused revoked device", "device", dev)
				return fmt.Errorf("device %s is revoked", dev)
			}
			return nil
		},
	}, nil
}

// Handler routes the protocol's endpoints. Metrics are not among them:
// they are served only where the operator chooses (MetricsHandler).
func (h *Hub) Handler() http.Handler {
	h.setLimits()
	mux := http.NewServeMux()
	mux.HandleFunc("POST "+PathEnroll, h.enroll)
	mux.HandleFunc("POST "+PathPush, h.device(h.push))
	mux.HandleFunc("POST "+PathPull, h.device(h.pull))
	mux.HandleFunc("POST "+PathSnapshot, h.device(h.snapshot))
	mux.HandleFunc("POST "+PathChunkOffer, h.device(h.chunkOffer))
	mux.HandleFunc("PUT "+PathChunks+"{chunk}", h.device(h.chunkPut))
	mux.HandleFunc("GET "+PathChunks+"{paper}/{chunk}", h.device(h.chunkGet))
	mux.HandleFunc("POST "+PathChunkBatch, h.device(h.chunkBatch))
	mux.HandleFunc("POST "+PathSecretariat, h.device(h.secretariat))
	mux.HandleFunc("GET "+PathHealth, h.health)
	return h.stranger(mux)
}

// stranger bounds what a client without a device certificate gets: one
// request per connection, and only a few such connections per address.
func (h *Hub) stranger(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.TLS != nil && len(r.TLS.PeerCertificates) > 0 {
			next.ServeHTTP(w, r)
			return
		}
		w.Header().Set("Connection", "close")
		if !h.anon.admit(r) {
			h.sample.log(h.log, slog.LevelWarn, "anon.busy", "refused unauthenticated connection: too many from one address", "remote", addrOf(r.RemoteAddr))
			w.Header().Set("Retry-After", "1")
			h.fail(w, &Error{Status: http.StatusServiceUnavailable, Code: CodeBusy, Message: "too many connections from this address; try again in a moment"})
			return
		}
		next.ServeHTTP(w, r)
	})
}

// MetricsHandler serves the hub's Prometheus metrics. Serve does not
// expose it; `hub serve` puts it on its own listener, loopback by default.
func (h *Hub) MetricsHandler() http.Handler {
	mux := http.NewServeMux()
	mux.Handle("GET "+PathMetrics, promhttp.HandlerFor(h.m.reg, promhttp.HandlerOpts{}))
	return mux
}

// ServeMetrics serves MetricsHandler over plain HTTP on ln until ctx is
// done.
func (h *Hub) ServeMetrics(ctx context.Context, ln net.Listener) error {
	h.setLimits()
	srv := &http.Server{Handler: h.MetricsHandler(), ReadHeaderTimeout: 5 * time.Second, ReadTimeout: 10 * time.Second, WriteTimeout: 10 * time.Second,
		ErrorLog: log.New(sampledWriter{h.sample, h.log}, "", 0)}
	go func() {
		<-ctx.Done()
		srv.Close()
	}()
	if err := srv.Serve(ln); !errors.Is(err, http.ErrServerClosed) {
		return err
	}
	return nil
}

// Serve runs the hub on ln until ctx is done, then shuts down gracefully.
func (h *Hub) Serve(ctx context.Context, ln net.Listener) error {
	cfg, err := h.TLSConfig()
	if err != nil {
		return err
	}
	h.setLimits()
	l := h.Limits
	srv := &http.Server{
		Handler:           h.Handler(),
		TLSConfig:         cfg,
		ReadHeaderTimeout: l.ReadHeaderTimeout,
		ReadTimeout:       l.ReadTimeout,
		WriteTimeout:      l.WriteTimeout,
		IdleTimeout:       l.IdleTimeout,
		ConnContext:       h.anon.connContext,
		ConnState:         h.anon.connState,
		ErrorLog:          log.New(sampledWriter{h.sample, h.log}, "", 0),
	}
	errc := make(chan error, 1)
	if l.MaxConns > 0 {
		ln = newLimitListener(ln, l.MaxConns)
	}
	go func() { errc <- srv.Serve(tls.NewListener(ln, cfg)) }()
	h.log.Info("hub serving", "address", ln.Addr().String())
	if h.shared != nil {
		fctx, stopFollow := context.WithCancel(ctx)
		followed := make(chan struct{})
		go func() { defer close(followed); h.follow(fctx) }()
		defer func() { stopFollow(); <-followed }()
	}
	h.finalize(h.now())
	tick := time.NewTicker(h.FinalizeEvery)
	defer tick.Stop()
wait:
	for {
		select {
		case err := <-errc:
			return err
		case <-ctx.Done():
			break wait
		case <-tick.C:
			h.finalize(h.now())
		}
	}
	h.log.Info("hub shutting down")
	h.stopping.Store(true)
	h.changed.wake()
	sctx, cancel := context.WithTimeout(context.Background(), 15*time.Second)
	defer cancel()
	return srv.Shutdown(sctx)
}

// readBody decodes a request body strictly, within limit bytes (MaxBody
// for a device), and checks the protocol version. A body announced or
// found larger is refused before more of it is read.
func readBody(w http.ResponseWriter, r *http.Request, limit int64, v interface{ version() int }) *Error {
	tooLarge := &Error{Status: http.StatusRequestEntityTooLarge, Code: CodeMalformed, Message: "request too large"}
	if r.ContentLength > limit {
		return tooLarge
	}
	b, err := io.ReadAll(http.MaxBytesReader(w, r.Body, limit))
	var mbe *http.MaxBytesError
	if errors.As(err, &mbe) {
		return tooLarge
	}
	if err != nil {
		return &Error{Status: http.StatusBadRequest, Code: CodeMalformed, Message: "request body could not be read"}
	}
	if err := codec.Unmarshal(b, v); err != nil {
		return &Error{Status: http.StatusBadRequest, Code: CodeMalformed, Message: "malformed request: " + err.Error()}
	}
	if v.version() != Version {
		return &Error{Status: http.StatusConflict, Code: CodeVersion, Message: versionError(v.version(), Version, true)}
	}
	return nil
}

func (r *PushRequest) version() int     { return r.Version }
func (r *PullRequest) version() int     { return r.Version }
func (r *SnapshotRequest) version() int { return r.Version }
func (r *EnrollRequest) version() int   { return r.Version }

func (h *Hub) reply(w http.ResponseWriter, v any) {
	b, err := codec.Marshal(v)
	if err != nil {
		h.fail(w, &Error{Status: http.StatusInternalServerError, Code: CodeInternal, Message: "could not encode the reply"})
		return
	}
	w.Header().Set("Content-Type", ContentType)
	w.Write(b)
}

func (h *Hub) fail(w http.ResponseWriter, e *Error) {
	h.m.rejections.WithLabelValues(e.Code).Inc()
	b, _ := codec.Marshal(ErrorResponse{Version: Version, Code: e.Code, Message: e.Message})
	w.Header().Set("Content-Type", ContentType)
	w.WriteHeader(e.Status)
	w.Write(b)
}

// device authenticates a request by its client certificate: the device
// must be enrolled here and not revoked.
func (h *Hub) device(next func(w http.ResponseWriter, r *http.Request, dev string)) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		if r.TLS == nil || len(r.TLS.PeerCertificates) == 0 {
			h.fail(w, &Error{Status: http.StatusUnauthorized, Code: CodeUnauthorized, Message: "a device certificate is required"})
			return
		}
		dev, err := deviceOf(r.TLS.PeerCertificates[0])
		if err != nil {
			h.fail(w, &Error{Status: http.StatusUnauthorized, Code: CodeUnauthorized, Message: err.Error()})
			return
		}
		// Asked on every request, whatever the handshake found: it is
		// what refuses a connection whose handshake could not check.
		revoked, err := revocationIn(h.st, dev)
		if err != nil {
			h.fail(w, &Error{Status: http.StatusServiceUnavailable, Code: CodeInternal, Message: "the hub cannot reach its database; try again"})
			return
		}
		if revoked {
			h.fail(w, &Error{Status: http.StatusForbidden, Code: CodeRevoked, Message: "this device was revoked"})
			return
		}
		if _, err := h.p.DeviceMember(dev); err != nil {
			// A scaled-out hub's device may have enrolled through another
			// process a moment ago: this cache learns of it by catching up.
			if h.catchUp == nil || h.catchUp(r.Context()) != nil {
				h.fail(w, &Error{Status: http.StatusUnauthorized, Code: CodeUnauthorized, Message: "device is not enrolled"})
				return
			}
			if _, err := h.p.DeviceMember(dev); err != nil {
				h.fail(w, &Error{Status: http.StatusUnauthorized, Code: CodeUnauthorized, Message: "device is not enrolled"})
				return
			}
		}
		h.m.saw(dev, h.now())
		next(w, r, dev)
	}
}

func (h *Hub) push(w http.ResponseWriter, r *http.Request, dev string) {
	var req PushRequest
	if e := readBody(w, r, MaxBody, &req); e != nil {
		h.fail(w, e)
		return
	}
	if len(req.Ops) > MaxPushOps {
		h.fail(w, &Error{Status: http.StatusRequestEntityTooLarge, Code: CodeTooLarge, Message: fmt.Sprintf("a push carries at most %d operations", MaxPushOps)})
		return
	}
	h.m.pushes.Inc()
	h.m.pushedOps.Add(float64(len(req.Ops)))
	vs, err := h.p.HubAccept(dev, req.Ops)
	if err != nil {
		h.log.Error("push failed", "device", dev, "err", err)
		h.fail(w, &Error{Status: http.StatusServiceUnavailable, Code: CodeInternal, Message: "the hub could not save; try again"})
		return
	}
	dropRepeatedSnapshots(vs)
	refused := map[string]int{}
	for _, v := range vs {
		if !v.Accepted() {
			h.m.rejections.WithLabelValues(v.Code).Inc()
			refused[v.Code]++
		}
	}
	for code, n := range refused {
		h.sample.log(h.log, slog.LevelInfo, "refused "+code, "operations refused", "device", dev, "code", code, "count", n)
	}
	h.reply(w, PushResponse{Version: Version, Verdicts: vs})
	h.changed.wake()
	if h.p.ResultsPending() {
		go h.finalize(h.now())
	}
}

// dropRepeatedSnapshots keeps, of the snapshots of one record taken at one
// head, only the first: a run of refusals about one large record would
// otherwise make the reply that record's size times the run's length. The
// device lands on the same state (applying one snapshot twice is applying
// it once, and the same head means nothing was accepted in between).
func dropRepeatedSnapshots(vs []core.Verdict) {
	type at struct {
		entity string
		head   uint64
	}
	seen := map[at]bool{}
	for i := range vs {
		s := vs[i].Snapshot
		if s == nil {
			continue
		}
		k := at{s.Entity, s.HubSeq}
		if seen[k] {
			vs[i].Snapshot = nil
		}
		seen[k] = true
	}
}

// finalize closes ballots whose deadline passed and signs the results of
// closed ballots; one pass at a time.
func (h *Hub) finalize(now time.Time) {
	h.finalMu.Lock()
	defer h.finalMu.Unlock()
	if n, err := h.p.HubCloseDue(now); err != nil {
		h.log.Error("closing ballots at their deadline failed", "err", err)
	} else if n > 0 {
		h.log.Info("closed ballots at their deadline", "count", n)
	}
	if n, err := h.p.HubPublishResults(); err != nil {
		h.log.Error("publishing ballot results failed", "err", err)
	} else if n > 0 {
		h.log.Info("published signed ballot results", "count", n)
	}
	h.changed.wake()
}

func (h *Hub) pull(w http.ResponseWriter, r *http.Request, dev string) {
	var req PullRequest
	if e := readBody(w, r, MaxBody, &req); e != nil {
		h.fail(w, e)
		return
	}
	h.m.pulls.Inc()
	h.noteSeen(r, dev)
	if req.Wait < 0 {
		h.fail(w, &Error{Status: http.StatusBadRequest, Code: CodeMalformed, Message: "wait must not be negative"})
		return
	}
	// Taken before the log is read: a write after this read wakes us.
	woken := h.changed.C()
	if !h.caughtUp(w, r, dev) {
		return
	}
	head, err := h.p.HubHead()
	if err != nil {
		h.log.Error("pull failed", "device", dev, "err", err)
		h.fail(w, &Error{Status: http.StatusServiceUnavailable, Code: CodeInternal, Message: "the hub could not read its log; try again"})
		return
	}
	// A checkpoint past the head is not one this hub gave (2^64-1 would
	// wrap around to the start of the log); a page size is the hub's to
	// bound, 0 meaning "as many as the hub sends".
	if req.Since > head || req.Limit < 0 || req.Limit > PullPage {
		h.fail(w, &Error{Status: http.StatusBadRequest, Code: CodeMalformed,
			Message: fmt.Sprintf("since must be at most the head (%d) and limit between 0 and %d", head, PullPage)})
		return
	}
	limit := req.Limit
	if limit == 0 {
		limit = PullPage
	}
	entries, next, head, err := h.p.HubPull(dev, req.Since, limit)
	if err == nil && len(entries) == 0 && next >= head && req.Wait > 0 && !h.stopping.Load() {
		// Nothing new: a long poll waits, bounded by the hub, for a write
		// here or (through the follower) at another process, then reads
		// again from the same checkpoint. A wake-up is only a hint.
		t := time.NewTimer(min(req.Wait, MaxPullWait))
		h.polling.Add(1)
		select {
		case <-woken:
			h.pollWoken.Add(1)
		case <-t.C:
			h.pollTimedOut.Add(1)
		case <-r.Context().Done():
		}
		h.polling.Add(-1)
		t.Stop()
		if !h.caughtUp(w, r, dev) {
			return
		}
		entries, next, head, err = h.p.HubPull(dev, req.Since, limit)
	}
	if err != nil {
		h.log.Error("pull failed", "device", dev, "err", err)
		h.fail(w, &Error{Status: http.StatusServiceUnavailable, Code: CodeInternal, Message: "the hub could not read its log; try again"})
		return
	}
	h.reply(w, PullResponse{Version: Version, Entries: entries, Next: next, Head: head})
}

// MaxPullWait bounds how long a long-polling pull is held (PullRequest.Wait),
// well inside the hub's write timeout.
const MaxPullWait = 25 * time.Second

// caughtUp brings a scaled-out hub's cache up to the shared log before a
// pull is answered from it, or answers 503; always true on one machine.
func (h *Hub) caughtUp(w http.ResponseWriter, r *http.Request, dev string) bool {
	if h.catchUp == nil {
		return true
	}
	if err := h.catchUp(r.Context()); err != nil {
		h.log.Error("pull failed: catching up with the shared log", "device", dev, "err", err)
		h.fail(w, &Error{Status: http.StatusServiceUnavailable, Code: CodeInternal, Message: "the hub could not read its log; try again"})
		return false
	}
	return true
}

func (h *Hub) snapshot(w http.ResponseWriter, r *http.Request, dev string) {
	var req SnapshotRequest
	if e := readBody(w, r, MaxBody, &req); e != nil {
		h.fail(w, e)
		return
	}
	if !h.caughtUp(w, r, dev) {
		return
	}
	s, err := h.p.HubSnapshot(dev, req.Entity)
	if err != nil {
		h.fail(w, &Error{Status: http.StatusNotFound, Code: CodeNotFound, Message: "no such record"})
		return
	}
	h.reply(w, SnapshotResponse{Version: Version, Snapshot: s})
}

func (h *Hub) enroll(w http.ResponseWriter, r *http.Request) {
	addr := addrOf(r.RemoteAddr)
	// An attempt is spent before the body is read, and given back when
	// the device is enrolled: guessing invites costs time, enrolling
	// nothing.
	if ok, wait := h.enrolls.take(addr, time.Now()); !ok {
		h.sample.log(h.log, slog.LevelWarn, "enroll.rate", "enrollment attempts rate-limited", "remote", addr)
		w.Header().Set("Retry-After", retryAfter(wait))
		h.fail(w, &Error{Status: http.StatusTooManyRequests, Code: CodeRateLimited, Message: "too many enrollment attempts from this address; try again later"})
		return
	}
	if d := h.Limits.AnonReadTimeout; d > 0 {
		// A body trickled byte by byte is cut off, as a few KiB take no time.
		_ = http.NewResponseController(w).SetReadDeadline(time.Now().Add(d))
	}
	var req EnrollRequest
	if e := readBody(w, r, h.Limits.EnrollBody, &req); e != nil {
		h.fail(w, e)
		return
	}
	if len(req.PubKey) != ed25519.PublicKeySize {
		h.fail(w, &Error{Status: http.StatusBadRequest, Code: CodeMalformed, Message: "device key must be Ed25519"})
		return
	}
	h.enrollMu.Lock()
	defer h.enrollMu.Unlock()
	pub := ed25519.PublicKey(req.PubKey)
	dev := identity.IDOf(pub)
	if h.catchUp != nil {
		// The key check below reads the devices this cache knows: every
		// enrollment any process made must be in it.
		if err := h.catchUp(r.Context()); err != nil {
			h.log.Error("enroll failed: catching up with the shared log", "err", err)
			h.fail(w, &Error{Status: http.StatusServiceUnavailable, Code: CodeInternal, Message: "the hub could not enroll the device; try again"})
			return
		}
	}
	memberID, err := redeem(h.st, h.p, req.Invite, pub, h.now())
	if err != nil {
		var ei errInvite
		if errors.As(err, &ei) {
			h.sample.log(h.log, slog.LevelWarn, "invite "+string(ei), "enrollment refused", "code", string(ei), "remote", addr)
			status := http.StatusForbidden
			if ei == errInvite(CodeDeviceKnown) {
				status = http.StatusConflict
			}
			h.fail(w, &Error{Status: status, Code: string(ei), Message: inviteMessage(string(ei))})
			return
		}
		h.log.Error("enroll failed", "err", err)
		h.fail(w, &Error{Status: http.StatusServiceUnavailable, Code: CodeInternal, Message: "the hub could not enroll the device; try again"})
		return
	}
	member, err := h.p.Member(memberID)
	if err == nil {
		err = h.p.EnrollDevice(memberID, pub)
	}
	var certDER []byte
	if err == nil {
		certDER, err = h.ca.issueDevice(pub, member.Name)
	}
	if err != nil {
		h.log.Error("enroll failed", "err", err)
		h.fail(w, &Error{Status: http.StatusServiceUnavailable, Code: CodeInternal, Message: "the hub could not enroll the device: " + err.Error()})
		return
	}
	h.changed.wake()
	h.enrolls.give(addr)
	h.m.enrolls.Inc()
	h.log.Info("device enrolled", "device", dev, "member", memberID)
	h.reply(w, EnrollResponse{Version: Version, Cert: certDER, CA: h.keys.CACert, Member: member,
		HubDevice: h.p.DeviceID(), HubPub: h.p.DevicePublicKey(), Org: h.keys.Org})
}

func inviteMessage(code string) string {
	switch code {
	case CodeInviteUsed:
		return "this invite was already used; ask the secretariat for a new one"
	case CodeInviteOld:
		return "this invite has expired; ask the secretariat for a new one"
	case CodeDeviceKnown:
		return "this device key is already enrolled; a new device needs a key of its own (the invite was not used)"
	}
	return "this invite is not valid for this hub"
}
