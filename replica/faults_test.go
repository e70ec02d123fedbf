package replica

import (
	"bytes"
	"context"
	"crypto/tls"
	"errors"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/ecabinet/ecabinet/codec"
	"github.com/ecabinet/ecabinet/core"
	"github.com/ecabinet/ecabinet/meetings"
	"github.com/ecabinet/ecabinet/ops"
	"github.com/ecabinet/ecabinet/yeardata"
)

var faultPass = []byte("fault test passphrase")

// liveHub is a hub serving on a local port for one test or benchmark.
// (Tests outside this package use package replicatest, which this package's
// own tests cannot import.)
type liveHub struct {
	p     *core.Profile
	h     *Hub
	url   string
	secID string
	code  string // the first secretary's invite
	pass  []byte
}

func liveHubFor(t *testing.T) *liveHub { return serveHub(t, faultPass, 0) }

// serveHub initialises a hub with pass and serves it until tb ends;
// finalizeEvery, when set, is how often it closes due ballots.
func serveHub(tb testing.TB, pass []byte, finalizeEvery time.Duration) *liveHub {
	tb.Helper()
	return serveHubWith(tb, pass, func(h *Hub) {
		if finalizeEvery > 0 {
			h.FinalizeEvery = finalizeEvery
		}
	})
}

// serveHubWith initialises a hub with pass, lets configure change it
// before Serve, and serves it until tb ends.
func serveHubWith(tb testing.TB, pass []byte, configure func(*Hub)) *liveHub {
	tb.Helper()
	p, res, err := InitHub(filepath.Join(tb.TempDir(), "hub"), pass, "Văn phòng Chính phủ", "Thư ký", nil, 0)
	if err != nil {
		tb.Fatal(err)
	}
	lh := serveProfile(tb, p, pass, configure)
	lh.secID, lh.code = res.SecretaryID, res.Invite
	return lh
}

// serveProfile serves an opened hub profile until tb ends, closing it then.
func serveProfile(tb testing.TB, p *core.Profile, pass []byte, configure func(*Hub)) *liveHub {
	tb.Helper()
	h, err := NewHub(p, slog.New(slog.NewTextHandler(io.Discard, nil)))
	if err != nil {
		tb.Fatal(err)
	}
	configure(h)
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		tb.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- h.Serve(ctx, ln) }()
	tb.Cleanup(func() { cancel(); <-done; p.Close() })
	return &liveHub{p: p, h: h, url: "https://" + ln.Addr().String(), pass: pass}
}

// enroll makes a new device of member.
func (h *liveHub) enroll(tb testing.TB, member string) *core.Profile {
	tb.Helper()
	code, _, err := CreateInvite(h.p, member, time.Minute)
	if err != nil {
		tb.Fatal(err)
	}
	return h.redeem(tb, code)
}

// redeem enrolls a new device with the invite code.
func (h *liveHub) redeem(tb testing.TB, code string) *core.Profile {
	tb.Helper()
	res, err := Enroll(context.Background(), h.url, code, filepath.Join(tb.TempDir(), "dev"), h.pass)
	if err != nil {
		tb.Fatal(err)
	}
	return res.Profile
}

// failingTransport lets n requests through, then fails every later one as
// a vanished hub would.
type failingTransport struct {
	next http.RoundTripper
	left atomic.Int32
}

func (f *failingTransport) RoundTrip(r *http.Request) (*http.Response, error) {
	if f.left.Add(-1) < 0 {
		return nil, &net.OpError{Op: "dial", Net: "tcp", Err: errors.New("connection refused")}
	}
	return f.next.RoundTrip(r)
}

// TestSync_HubVanishesMidPull cuts the connection after a few pages of a
// long pull; the device resumes from its checkpoint and ends with exactly
// what a clean sync gives.
func TestSync_HubVanishesMidPull(t *testing.T) {
	hub := liveHubFor(t)
	data, err := yeardata.Generate(hub.secID, yeardata.Size{Meetings: 10, ItemsPerMeet: 5, Ballots: 60, Members: 20}, 3)
	if err != nil {
		t.Fatal(err)
	}
	if err := hub.p.EnrollDevice(hub.secID, data.Secretary.Pub); err != nil {
		t.Fatal(err)
	}
	for i := 0; i < len(data.Ops); i += 200 {
		if _, err := hub.p.HubImport(data.Ops[i:min(i+200, len(data.Ops))]); err != nil {
			t.Fatal(err)
		}
	}
	p := hub.redeem(t, hub.code)
	defer p.Close()
	c, _ := NewClient(p)
	c.PageSize = 200
	ft := &failingTransport{next: c.http.Transport}
	ft.left.Store(2)
	c.http.Transport = ft
	if _, err := c.SyncOnce(context.Background(), nil); err == nil {
		t.Fatal("sync went through a vanished hub")
	}
	cp := p.Checkpoint()
	head, _ := hub.p.HubHead()
	if cp == 0 || cp >= head {
		t.Fatalf("checkpoint after the cut: %d of %d; want part of the log applied", cp, head)
	}
	// the hub is back
	c2, _ := NewClient(p)
	defer c2.Close()
	rep, err := c2.SyncOnce(context.Background(), nil)
	if err != nil || !rep.Done() {
		t.Fatalf("resumed sync: %+v, %v", rep, err)
	}
	if got := len(p.Ballots()); got != 60 {
		t.Fatalf("after resuming: %d ballots, want 60", got)
	}
	total := 0
	for _, b := range p.Ballots() {
		_, as, err := p.Tally(b.ID)
		if err != nil {
			t.Fatal(err)
		}
		total += len(as)
	}
	if total != data.Answers {
		t.Fatalf("after resuming: %d answers, want exactly %d", total, data.Answers)
	}
}

func postRaw(t *testing.T, c *http.Client, url string, body []byte) (int, ErrorResponse) {
	t.Helper()
	res, err := c.Post(url, ContentType, bytes.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	var e ErrorResponse
	codec.Unmarshal(b, &e)
	return res.StatusCode, e
}

func TestHub_RefusesBadRequests(t *testing.T) {
	hub := liveHubFor(t)
	p := hub.redeem(t, hub.code)
	defer p.Close()
	c, _ := NewClient(p)
	defer c.Close()

	// another protocol version: told which side to update
	body, _ := codec.Marshal(PushRequest{Version: Version + 1})
	status, e := postRaw(t, c.http, hub.url+PathPush, body)
	if status != http.StatusConflict || e.Code != CodeVersion || !strings.Contains(e.Message, "update the hub") {
		t.Fatalf("newer device: %d %+v", status, e)
	}
	body, _ = codec.Marshal(PullRequest{Version: 0})
	if _, e := postRaw(t, c.http, hub.url+PathPull, body); !strings.Contains(e.Message, "update eCabinet on this device") {
		t.Fatalf("older device: %+v", e)
	}
	// oversized
	status, e = postRaw(t, c.http, hub.url+PathPush, make([]byte, MaxBody+10))
	if status != http.StatusRequestEntityTooLarge || e.Code != CodeMalformed {
		t.Fatalf("oversized: %d %+v", status, e)
	}
	// malformed
	if status, e = postRaw(t, c.http, hub.url+PathPush, []byte{0xff, 0x00}); status != http.StatusBadRequest || e.Code != CodeMalformed {
		t.Fatalf("malformed: %d %+v", status, e)
	}
	// unsigned operation: refused, and nothing stored
	m, _ := p.Member(p.Self().ID)
	raw, _ := codec.Marshal(ops.MemberPut{Member: m})
	opb, _ := codec.Marshal(ops.Op{Kind: ops.KindMemberPut, Device: p.DeviceID(), DevSeq: 77, Member: m.ID, At: time.Now().UTC(), Body: raw})
	unsigned, _ := ops.Signed{Op: opb}.Encode()
	before, _ := hub.p.HubHead()
	vs, err := hub.p.HubAccept(p.DeviceID(), [][]byte{unsigned})
	if err != nil || vs[0].Accepted() || vs[0].Code != "err.bad_signature" {
		t.Fatalf("unsigned op: %+v, %v", vs, err)
	}
	if after, _ := hub.p.HubHead(); after != before {
		t.Fatal("an unsigned op reached the log")
	}
	// no client certificate: refused on device endpoints
	anon := &http.Client{Transport: &http.Transport{TLSClientConfig: &tls.Config{InsecureSkipVerify: true, MinVersion: tls.VersionTLS13}}}
	body, _ = codec.Marshal(PullRequest{Version: Version})
	if status, e := postRaw(t, anon, hub.url+PathPull, body); status != http.StatusUnauthorized || e.Code != CodeUnauthorized {
		t.Fatalf("no certificate: %d %+v", status, e)
	}
	// TLS 1.2 is refused outright
	old := &http.Client{Transport: &http.Transport{TLSClientConfig: &tls.Config{InsecureSkipVerify: true, MaxVersion: tls.VersionTLS12}}}
	if _, err := old.Get(hub.url + PathHealth); err == nil {
		t.Fatal("hub accepted TLS 1.2")
	}
	// health answers; metrics are not served to strangers on the TLS
	// listener, only by MetricsHandler (its own listener, loopback)
	if r, err := anon.Get(hub.url + PathHealth); err != nil || r.StatusCode != 200 {
		t.Fatalf("healthz: %v %v", r, err)
	}
	if r, err := anon.Get(hub.url + PathMetrics); err != nil || r.StatusCode != http.StatusNotFound {
		t.Fatalf("metrics on the device listener: %v %v, want 404", r, err)
	}
	rec := httptest.NewRecorder()
	hub.h.MetricsHandler().ServeHTTP(rec, httptest.NewRequest(http.MethodGet, PathMetrics, nil))
	mb := rec.Body.Bytes()
	for _, name := range []string{"ecabinet_hub_pushes_total", "ecabinet_hub_rejections_total", "ecabinet_hub_connected_devices", "ecabinet_hub_enrollments_total 1"} {
		if !strings.Contains(string(mb), name) {
			t.Errorf("metrics lack %q", name)
		}
	}
}

func TestInvite_ExpiresAndBindsToMember(t *testing.T) {
	hub := liveHubFor(t)
	m, err := hub.p.AddMember(meetings.Member{Name: "Trần Lưu Quang", Role: meetings.RoleMember})
	if err != nil {
		t.Fatal(err)
	}
	code, _, err := CreateInvite(hub.p, m.ID, time.Millisecond)
	if err != nil {
		t.Fatal(err)
	}
	time.Sleep(5 * time.Millisecond)
	_, err = Enroll(context.Background(), hub.url, code, filepath.Join(t.TempDir(), "late"), faultPass)
	var he *Error
	if !errors.As(err, &he) || he.Code != CodeInviteOld {
		t.Fatalf("expired invite: %v", err)
	}
	// an invite for another hub (wrong pin) is refused before anything is sent
	code, _, _ = CreateInvite(hub.p, m.ID, time.Minute)
	secret, _, _ := strings.Cut(code, ".")
	_, err = Enroll(context.Background(), hub.url, secret+".aaaaaaaaaaaaaaaa", filepath.Join(t.TempDir(), "pin"), faultPass)
	if err == nil || !strings.Contains(err.Error(), "does not match the invite") {
		t.Fatalf("wrong pin: %v", err)
	}
	res, err := Enroll(context.Background(), hub.url, code, filepath.Join(t.TempDir(), "ok"), faultPass)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Profile.Close()
	if res.Profile.Self().ID != m.ID || res.Profile.Self().Role != meetings.RoleMember {
		t.Fatalf("enrolled as %+v, want the invite's member", res.Profile.Self())
	}
}

// lostAnswerTransport delivers requests to the hub but loses its answers,
// as when the connection drops after the push was written.
type lostAnswerTransport struct{ next http.RoundTripper }

func (l lostAnswerTransport) RoundTrip(r *http.Request) (*http.Response, error) {
	res, err := l.next.RoundTrip(r)
	if err != nil {
		return nil, err
	}
	res.Body.Close()
	return nil, &net.OpError{Op: "read", Net: "tcp", Err: errors.New("connection reset by peer")}
}

// A change is "sent" only once its push reached the hub: not when no
// connection could be made (it is still only saved here), and a push whose
// answer was lost is accepted once, on the next round.
func TestSync_SentOnlyWhenThePushReachedTheHub(t *testing.T) {
	hub := liveHubFor(t)
	p := hub.redeem(t, hub.code)
	defer p.Close()
	if _, err := p.AddMember(meetings.Member{Name: "Trần Lưu Quang", Role: meetings.RoleMember}); err != nil {
		t.Fatal(err)
	}
	items, err := p.Outbox(10)
	if err != nil || len(items) != 1 {
		t.Fatalf("outbox: %v, %v", items, err)
	}
	state := func() string {
		t.Helper()
		st, err := p.OpState(items[0].DevSeq)
		if err != nil {
			t.Fatal(err)
		}
		return st.State
	}
	c, _ := NewClient(p)
	defer c.Close()
	next := c.http.Transport
	ft := &failingTransport{next: next} // refuses every connection
	c.http.Transport = ft
	if _, err := c.SyncOnce(context.Background(), nil); err == nil {
		t.Fatal("sync went through an unreachable hub")
	}
	if got := state(); got != core.StateSaved {
		t.Fatalf("unreachable hub: state %q, want %q", got, core.StateSaved)
	}
	c.http.Transport = lostAnswerTransport{next: next}
	if _, err := c.SyncOnce(context.Background(), nil); err == nil {
		t.Fatal("sync reported success without the hub's answer")
	}
	if got := state(); got != core.StateSent {
		t.Fatalf("answer lost: state %q, want %q", got, core.StateSent)
	}
	c.http.Transport = next
	if rep, err := c.SyncOnce(context.Background(), nil); err != nil || !rep.Done() {
		t.Fatalf("next round: %+v, %v", rep, err)
	}
	if got := state(); got != core.StateAccepted {
		t.Fatalf("after the next round: state %q, want %q", got, core.StateAccepted)
	}
	n := 0
	for _, m := range hub.p.Members() {
		if m.Name == "Trần Lưu Quang" {
			n++
		}
	}
	if n != 1 {
		t.Fatalf("the hub holds the member %d times, want once", n)
	}
}
