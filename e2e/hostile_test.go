package e2e

import (
	"bufio"
	"bytes"
	"crypto/tls"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"
	"net"
	"net/http"
	"net/http/httptrace"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/ecabinet/ecabinet/codec"
	"github.com/ecabinet/ecabinet/identity"
	"github.com/ecabinet/ecabinet/meetings"
	"github.com/ecabinet/ecabinet/ops"
	"github.com/ecabinet/ecabinet/replica"
)

// The hostile-client suite: a real `ecabinet hub serve` process with its
// production limits, attacked by a client of the test's own (its own TLS
// stack and keys, speaking the protocol byte by byte), the way an insider
// holding one legitimate invitation, or a stranger on the network, would.
// Strangers dial from their own loopback addresses (127.0.0.0/8 is all
// local on Linux), since the hub's limits are per address.

// liveHub is a hub process for the hostile tests: its log goes to a file
// (read while it runs) and its metrics to their own loopback listener.
type liveHub struct {
	data, addr, metrics string
	logPath             string
	cmd                 *exec.Cmd
	init                struct {
		Invite      string `json:"invite"`
		SecretaryID string `json:"secretary_id"`
	}
}

func startHostileHub(t *testing.T) *liveHub {
	t.Helper()
	root := t.TempDir()
	h := &liveHub{data: filepath.Join(root, "hub"), addr: freeAddr(t), metrics: freeAddr(t), logPath: filepath.Join(root, "hub.log")}
	ok(t, &h.init, "hub", "init", "--data", h.data, "--name", "Văn phòng Chính phủ")
	logf, err := os.Create(h.logPath)
	if err != nil {
		t.Fatal(err)
	}
	defer logf.Close()
	h.cmd = exec.Command(bin, "hub", "serve", "--data", h.data, "--listen", h.addr, "--metrics", h.metrics)
	h.cmd.Env = append(os.Environ(), "ECABINET_PASSPHRASE="+passphrase)
	h.cmd.Stdout, h.cmd.Stderr = logf, logf
	if err := h.cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		h.cmd.Process.Signal(syscall.SIGTERM)
		h.cmd.Wait()
	})
	deadline := time.Now().Add(30 * time.Second)
	for {
		if r, err := http.Get("http://" + h.metrics + replica.PathMetrics); err == nil {
			r.Body.Close()
			return h
		}
		if time.Now().After(deadline) {
			t.Fatalf("hub never served:\n%s", h.logText(t))
		}
		time.Sleep(100 * time.Millisecond)
	}
}

func (h *liveHub) url() string { return "https://" + h.addr }

func (h *liveHub) logText(t *testing.T) string {
	b, err := os.ReadFile(h.logPath)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// rss is the hub process's resident memory in bytes (VmRSS).
func (h *liveHub) rss() (int64, error) {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", h.cmd.Process.Pid))
	if err != nil {
		return 0, err
	}
	for _, line := range strings.Split(string(b), "\n") {
		if f := strings.Fields(line); len(f) == 3 && f[0] == "VmRSS:" {
			kb, err := strconv.ParseInt(f[1], 10, 64)
			return kb << 10, err
		}
	}
	return 0, fmt.Errorf("no VmRSS in /proc/%d/status", h.cmd.Process.Pid)
}

func (h *liveHub) invite(t *testing.T, member string) string {
	t.Helper()
	var inv struct {
		Invite string `json:"invite"`
	}
	ok(t, &inv, "hub", "invite", "--data", h.data, "--member", member)
	return inv.Invite
}

func (h *liveHub) devices(t *testing.T) map[string]replica.DeviceRow {
	t.Helper()
	var rows []replica.DeviceRow
	ok(t, &rows, "hub", "devices", "--data", h.data)
	out := map[string]replica.DeviceRow{}
	for _, r := range rows {
		out[r.ID] = r
	}
	return out
}

// enrollDevice enrolls a real device profile with the ecabinet binary.
func (h *liveHub) enrollDevice(t *testing.T, name, code string) (device, enrollJSON) {
	t.Helper()
	d := device{t, filepath.Join(t.TempDir(), name)}
	var e enrollJSON
	ok(t, &e, "--profile", d.dir, "enroll", "--hub", h.url(), "--invite", code)
	return d, e
}

// attacker is the hostile client: its own key, its own TLS configuration,
// its own source address.
type attacker struct {
	t    *testing.T
	base string
	from string
	dev  *identity.Device
	// After enrollment:
	member  meetings.Member
	hubPub  []byte
	hc      *http.Client
	tr      *http.Transport
	resumed bool // whether the last handshake resumed a session
	mu      sync.Mutex
	seq     uint64
}

func newAttacker(t *testing.T, h *liveHub, from string) *attacker {
	t.Helper()
	dev, err := identity.New()
	if err != nil {
		t.Fatal(err)
	}
	a := &attacker{t: t, base: h.url(), from: from, dev: dev}
	a.tr = a.transport(nil)
	a.hc = &http.Client{Transport: a.tr, Timeout: 30 * time.Second}
	t.Cleanup(a.tr.CloseIdleConnections)
	return a
}

func (a *attacker) dialer() *net.Dialer {
	return &net.Dialer{LocalAddr: &net.TCPAddr{IP: net.ParseIP(a.from)}, Timeout: 10 * time.Second}
}

func (a *attacker) tlsConfig(cert *tls.Certificate) *tls.Config {
	cfg := &tls.Config{
		MinVersion:         tls.VersionTLS13,
		InsecureSkipVerify: true, // an attacker trusts whatever answers
		ClientSessionCache: tls.NewLRUClientSessionCache(8),
		VerifyConnection: func(cs tls.ConnectionState) error {
			a.mu.Lock()
			a.resumed = cs.DidResume
			a.mu.Unlock()
			return nil
		},
	}
	if cert != nil {
		cfg.Certificates = []tls.Certificate{*cert}
	}
	return cfg
}

func (a *attacker) transport(cert *tls.Certificate) *http.Transport {
	return &http.Transport{TLSClientConfig: a.tlsConfig(cert), DialContext: a.dialer().DialContext, MaxIdleConnsPerHost: 1, ForceAttemptHTTP2: false}
}

// post sends a CBOR body and returns the status and the decoded error, if
// any; into receives a 200 reply.
func (a *attacker) post(path string, req, into any) (int, replica.ErrorResponse, http.Header, error) {
	body, ok := req.([]byte)
	if !ok {
		var err error
		if body, err = codec.Marshal(req); err != nil {
			a.t.Fatal(err)
		}
	}
	res, err := a.hc.Post(a.base+path, replica.ContentType, bytes.NewReader(body))
	if err != nil {
		return 0, replica.ErrorResponse{}, nil, err
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	var e replica.ErrorResponse
	if res.StatusCode != http.StatusOK {
		codec.Unmarshal(b, &e)
	} else if into != nil {
		if err := codec.Unmarshal(b, into); err != nil {
			a.t.Fatalf("%s: undecodable reply: %v", path, err)
		}
	}
	return res.StatusCode, e, res.Header, nil
}

// redeem tries an invite for pub (this attacker's key when nil).
func (a *attacker) redeem(code string, pub []byte) (int, replica.EnrollResponse, replica.ErrorResponse) {
	a.t.Helper()
	if pub == nil {
		pub = a.dev.Pub
	}
	var resp replica.EnrollResponse
	status, e, _, err := a.post(replica.PathEnroll, replica.EnrollRequest{Version: replica.Version, Invite: code, PubKey: pub}, &resp)
	if err != nil {
		a.t.Fatalf("enroll: %v", err)
	}
	return status, resp, e
}

// enroll redeems code for this attacker's own key and switches to its
// certificate.
func (a *attacker) enroll(code string) {
	a.t.Helper()
	status, resp, e := a.redeem(code, nil)
	if status != http.StatusOK {
		a.t.Fatalf("attacker enrollment: %d %+v", status, e)
	}
	a.member, a.hubPub = resp.Member, resp.HubPub
	a.tr.CloseIdleConnections()
	a.tr = a.transport(&tls.Certificate{Certificate: [][]byte{resp.Cert}, PrivateKey: a.dev.Signer()})
	a.hc = &http.Client{Transport: a.tr, Timeout: 30 * time.Second}
	a.t.Cleanup(a.tr.CloseIdleConnections)
}

// sign makes this device's next operation.
func (a *attacker) sign(kind ops.Kind, body any) []byte {
	a.t.Helper()
	raw, err := codec.Marshal(body)
	if err != nil {
		a.t.Fatal(err)
	}
	a.seq++
	s, err := ops.Sign(a.dev, ops.Op{Kind: kind, Device: a.dev.ID, DevSeq: a.seq, Member: a.member.ID, At: time.Now().UTC(), Body: raw})
	if err != nil {
		a.t.Fatal(err)
	}
	b, err := s.Encode()
	if err != nil {
		a.t.Fatal(err)
	}
	return b
}

func (a *attacker) push(opsRaw ...[]byte) []replicaVerdict {
	a.t.Helper()
	var resp replica.PushResponse
	status, e, _, err := a.post(replica.PathPush, replica.PushRequest{Version: replica.Version, Ops: opsRaw}, &resp)
	if err != nil || status != http.StatusOK {
		a.t.Fatalf("push: %d %+v %v", status, e, err)
	}
	out := make([]replicaVerdict, len(resp.Verdicts))
	for i, v := range resp.Verdicts {
		out[i] = replicaVerdict{v.DevSeq, v.HubSeq, v.Code, v.Reason}
	}
	return out
}

type replicaVerdict struct {
	DevSeq, HubSeq uint64
	Code, Reason   string
}

// pull reads the whole log this device may see.
func (a *attacker) pullAll() []replica.PullResponse {
	a.t.Helper()
	var pages []replica.PullResponse
	since := uint64(0)
	for {
		var resp replica.PullResponse
		status, e, _, err := a.post(replica.PathPull, replica.PullRequest{Version: replica.Version, Since: since}, &resp)
		if err != nil || status != http.StatusOK {
			a.t.Fatalf("pull: %d %+v %v", status, e, err)
		}
		pages = append(pages, resp)
		if resp.Next >= resp.Head || resp.Next == since {
			return pages
		}
		since = resp.Next
	}
}

// enrolledKeys reads every device key the log introduces, by member: what
// any enrolled device learns.
func (a *attacker) enrolledKeys() map[string][]byte {
	keys := map[string][]byte{}
	for _, pg := range a.pullAll() {
		for _, e := range pg.Entries {
			_, op, err := ops.Decode(e.Op)
			if err != nil || op.Kind != ops.KindDeviceEnroll {
				continue
			}
			var b ops.DeviceEnroll
			if op.DecodeBody(&b) == nil {
				keys[b.MemberID] = b.PubKey
			}
		}
	}
	return keys
}

// TestHostile_EnrollmentCannotTakeOverADevice is finding 1: an insider
// redeems an invitation with keys that are already enrolled, and a
// secretary's device signs device.enroll operations for them.
func TestHostile_EnrollmentCannotTakeOverADevice(t *testing.T) {
	h := startHostileHub(t)
	S, se := h.enrollDevice(t, "secretary", h.init.Invite)
	var victim, insider idJSON
	S.ok(&victim, "member", "add", "--name", "Nguyễn Văn An", "--role", "member")
	S.ok(&insider, "member", "add", "--name", "Lê Thị Bình", "--role", "member")
	S.sync()
	V, ve := h.enrollDevice(t, "victim", h.invite(t, victim.ID))

	// The insider's own second laptop, legitimately; it learns every key.
	in := newAttacker(t, h, "127.0.0.11")
	in.enroll(h.invite(t, insider.ID))
	keys := in.enrolledKeys()
	if len(keys[victim.ID]) == 0 || len(keys[h.init.SecretaryID]) == 0 {
		t.Fatalf("the insider did not learn the keys it needs from the log: %d keys", len(keys))
	}
	// A device of the insider's that the hub revoked.
	gone := newAttacker(t, h, "127.0.0.11")
	gone.enroll(h.invite(t, insider.ID))
	ok(t, nil, "hub", "revoke", "--data", h.data, "--device", gone.dev.ID)

	code := h.invite(t, insider.ID)
	tests := []struct {
		name string
		pub  []byte
	}{
		{"the victim's device key", keys[victim.ID]},
		{"the secretary's device key", keys[h.init.SecretaryID]},
		{"the hub's own key", in.hubPub},
		{"a revoked key", gone.dev.Pub},
		{"the insider's own enrolled key", in.dev.Pub},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			status, _, e := in.redeem(code, tt.pub)
			if status != http.StatusConflict || e.Code != replica.CodeDeviceKnown {
				t.Fatalf("redeemed with %s: %d %+v, want 409 %s", tt.name, status, e, replica.CodeDeviceKnown)
			}
		})
	}
	// The invitation was not spent by the refusals: a new key enrolls.
	fresh := newAttacker(t, h, "127.0.0.12")
	fresh.enroll(code)

	// The replica-wide rule: a secretary's device (the attacker enrolled
	// as the secretary's second device) signs device.enroll for known keys.
	sec := newAttacker(t, h, "127.0.0.13")
	sec.enroll(h.invite(t, h.init.SecretaryID))
	vs := sec.push(
		sec.sign(ops.KindDeviceEnroll, ops.DeviceEnroll{MemberID: h.init.SecretaryID, PubKey: keys[victim.ID]}),
		sec.sign(ops.KindDeviceEnroll, ops.DeviceEnroll{MemberID: h.init.SecretaryID, PubKey: in.hubPub}),
		sec.sign(ops.KindDeviceEnroll, ops.DeviceEnroll{MemberID: insider.ID, PubKey: gone.dev.Pub}),
	)
	for i, v := range vs {
		if v.HubSeq != 0 || v.Code != "err.device.already_enrolled" {
			t.Errorf("device.enroll %d of a known key: %+v, want refused err.device.already_enrolled", i, v)
		}
	}

	// hub devices: every device under its own member.
	want := map[string]string{se.Device: h.init.SecretaryID, ve.Device: victim.ID, in.dev.ID: insider.ID,
		gone.dev.ID: insider.ID, fresh.dev.ID: insider.ID, sec.dev.ID: h.init.SecretaryID}
	devs := h.devices(t)
	if len(devs) != len(want) {
		t.Errorf("hub devices lists %d devices, want %d: %+v", len(devs), len(want), devs)
	}
	for dev, member := range want {
		if devs[dev].Member != member {
			t.Errorf("device %s listed under %q, want %q", dev, devs[dev].Member, member)
		}
	}
	if !devs[gone.dev.ID].Revoked {
		t.Error("the revoked device is no longer listed as revoked")
	}

	// The victim still answers as itself; the hub still enrolls devices
	// and signs results.
	var bl idJSON
	S.ok(&bl, "ballot", "issue", "--title", "Phiếu lấy ý kiến về dự thảo Nghị định", "--question", "Đồng ý?", "--deadline", time.Now().Add(24*time.Hour).UTC().Format(time.RFC3339))
	S.sync()
	V.sync()
	V.ok(nil, "ballot", "answer", "--ballot", bl.ID, "--choice", "agree", "--comment", "Nhất trí")
	if rep := V.sync(); rep.Accepted != 1 || len(rep.Rejected) != 0 {
		t.Fatalf("the victim's answer after the attempts: %+v", rep)
	}
	newcomer := newAttacker(t, h, "127.0.0.14")
	newcomer.enroll(h.invite(t, victim.ID)) // the hub signs its device.enroll as before
	S.ok(nil, "ballot", "close", "--ballot", bl.ID)
	S.sync()
	S.waitSignedResult(bl.ID, 20*time.Second, func() string { return h.logText(t) })
}

// TestHostile_EnrolledDeviceWorkIsBounded is findings 3 and 7, plus the
// already-correct behaviours no test covered: revocation on a kept-alive
// connection and on a resumed TLS session, one invitation redeemed by
// many at once, slow bodies, metrics, the enrollment rate limit and the
// sampled log.
func TestHostile_EnrolledDeviceWorkIsBounded(t *testing.T) {
	h := startHostileHub(t)
	sec := h.init.SecretaryID
	// The attacker holds an invitation for a second device of the
	// secretary: the most an insider can have.
	a := newAttacker(t, h, "127.0.0.21")
	a.enroll(h.invite(t, sec))

	t.Run("push and pull limits", func(t *testing.T) {
		garbage := make([][]byte, replica.MaxPushOps+1)
		for i := range garbage {
			garbage[i] = []byte{0x80}
		}
		status, e, _, err := a.post(replica.PathPush, replica.PushRequest{Version: replica.Version, Ops: garbage}, nil)
		if err != nil || status != http.StatusRequestEntityTooLarge || e.Code != replica.CodeTooLarge {
			t.Errorf("push of %d operations: %d %+v %v, want 413 %s", len(garbage), status, e, err, replica.CodeTooLarge)
		}
		status, e, _, err = a.post(replica.PathPush, make([]byte, replica.MaxBody+1), nil)
		if err != nil || status != http.StatusRequestEntityTooLarge {
			t.Errorf("push over MaxBody: %d %+v %v, want 413", status, e, err)
		}
		for _, tt := range []struct {
			name  string
			since uint64
			limit int
			want  int
		}{
			{"since 2^64-1 does not wrap", math.MaxUint64, 0, http.StatusBadRequest},
			{"since past the head", 1 << 40, 0, http.StatusBadRequest},
			{"negative limit", 0, -1, http.StatusBadRequest},
			{"limit over the page", 0, replica.PullPage + 1, http.StatusBadRequest},
			{"the start, the hub's page", 0, 0, http.StatusOK},
			{"a small page", 0, 1, http.StatusOK},
		} {
			var resp replica.PullResponse
			status, e, _, err := a.post(replica.PathPull, replica.PullRequest{Version: replica.Version, Since: tt.since, Limit: tt.limit}, &resp)
			if err != nil || status != tt.want {
				t.Errorf("%s: %d %+v %v, want %d", tt.name, status, e, err, tt.want)
			}
			if tt.want == http.StatusBadRequest && e.Code != replica.CodeMalformed {
				t.Errorf("%s: code %q, want %s", tt.name, e.Code, replica.CodeMalformed)
			}
			if tt.want == http.StatusOK && (len(resp.Entries) == 0 || resp.Entries[0].HubSeq != 1 || (tt.limit > 0 && len(resp.Entries) > tt.limit)) {
				t.Errorf("%s: %d entries from %+v", tt.name, len(resp.Entries), resp.Entries[:min(1, len(resp.Entries))])
			}
		}
	})

	t.Run("refusals are kept bounded and pushes stay idempotent", func(t *testing.T) {
		// A secretary's device re-binding the hub's key, 600 times: each
		// refused by the device.enroll rule, each verdict worth keeping.
		plain := newAttacker(t, h, "127.0.0.22")
		plain.enroll(h.invite(t, sec))
		known := plain.hubPub
		const n = 600
		var first, last replicaVerdict
		for done := 0; done < n; {
			page := make([][]byte, 0, replica.PushPage)
			for len(page) < replica.PushPage && done+len(page) < n {
				page = append(page, plain.sign(ops.KindDeviceEnroll, ops.DeviceEnroll{MemberID: sec, PubKey: known}))
			}
			vs := plain.push(page...)
			for _, v := range vs {
				if v.HubSeq != 0 {
					t.Fatalf("a re-bind was accepted: %+v", v)
				}
			}
			if done == 0 {
				first = vs[0]
			}
			last = vs[len(vs)-1]
			done += len(page)
		}
		// The newest refusal is answered again exactly as the first time.
		again := plain.push(resign(t, plain, last.DevSeq, known, sec))
		if again[0] != last {
			t.Errorf("re-push of a kept refusal: %+v, first answer %+v", again[0], last)
		}
		// The oldest's details were let go: still refused, never judged again.
		again = plain.push(resign(t, plain, first.DevSeq, known, sec))
		if again[0].HubSeq != 0 || again[0].Code != "err.sync.refused" || !strings.Contains(again[0].Reason, "no longer keeps") {
			t.Errorf("re-push of a forgotten refusal: %+v", again[0])
		}
	})

	t.Run("revocation on a kept-alive connection and a resumed session", func(t *testing.T) {
		r := newAttacker(t, h, "127.0.0.23")
		r.enroll(h.invite(t, sec))
		pull := func() (int, string, bool, error) {
			reused := false
			req, _ := http.NewRequest(http.MethodPost, r.base+replica.PathPull, bytes.NewReader(mustCBOR(t, replica.PullRequest{Version: replica.Version})))
			req = req.WithContext(httptrace.WithClientTrace(req.Context(), &httptrace.ClientTrace{GotConn: func(i httptrace.GotConnInfo) { reused = i.Reused }}))
			res, err := r.hc.Do(req)
			if err != nil {
				return 0, "", reused, err
			}
			defer res.Body.Close()
			b, _ := io.ReadAll(res.Body)
			var e replica.ErrorResponse
			codec.Unmarshal(b, &e)
			return res.StatusCode, e.Code, reused, nil
		}
		if st, _, _, err := pull(); st != http.StatusOK || err != nil {
			t.Fatalf("first pull: %d %v", st, err)
		}
		if st, _, reused, err := pull(); st != http.StatusOK || err != nil || !reused {
			t.Fatalf("second pull: %d reused=%v %v; want the kept-alive connection", st, reused, err)
		}
		r.tr.CloseIdleConnections()
		if st, _, reused, err := pull(); st != http.StatusOK || err != nil || reused || !r.resumed {
			t.Fatalf("pull on a new connection: %d reused=%v resumed=%v %v; want a resumed TLS session", st, reused, r.resumed, err)
		}
		ok(t, nil, "hub", "revoke", "--data", h.data, "--device", r.dev.ID)
		if st, code, reused, err := pull(); !reused || err != nil || st != http.StatusForbidden || code != replica.CodeRevoked {
			t.Errorf("revoked, on the kept-alive connection: %d %q reused=%v %v; want 403 %s", st, code, reused, err, replica.CodeRevoked)
		}
		r.tr.CloseIdleConnections()
		r.mu.Lock()
		r.resumed = false
		r.mu.Unlock()
		st, code, _, err := pull()
		if !r.resumed {
			t.Error("the client did not resume its TLS session: the test checks nothing")
		}
		if err == nil && st == http.StatusOK {
			t.Errorf("revoked, on a resumed session: %d %q, want refused", st, code)
		}
	})

	t.Run("one invitation redeemed by many at once", func(t *testing.T) {
		code := h.invite(t, sec)
		before := len(h.devices(t))
		const n = 8
		statuses := make([]int, n)
		codes := make([]string, n)
		var wg sync.WaitGroup
		for i := range n {
			c := newAttacker(t, h, "127.0.0.24")
			wg.Add(1)
			go func() {
				defer wg.Done()
				var resp replica.EnrollResponse
				st, e, _, err := c.post(replica.PathEnroll, replica.EnrollRequest{Version: replica.Version, Invite: code, PubKey: c.dev.Pub}, &resp)
				if err != nil {
					t.Error(err)
				}
				statuses[i], codes[i] = st, e.Code
			}()
		}
		wg.Wait()
		won := 0
		for i := range n {
			switch {
			case statuses[i] == http.StatusOK:
				won++
			case statuses[i] != http.StatusForbidden || codes[i] != replica.CodeInviteUsed:
				t.Errorf("redemption %d: %d %q, want 200 or 403 %s", i, statuses[i], codes[i], replica.CodeInviteUsed)
			}
		}
		if won != 1 {
			t.Errorf("%d redemptions of one invitation won, want exactly 1", won)
		}
		if after := len(h.devices(t)); after != before+1 {
			t.Errorf("hub devices went from %d to %d, want one more", before, after)
		}
	})

	t.Run("a trickled body is cut off", func(t *testing.T) {
		c, err := tls.DialWithDialer((&attacker{from: "127.0.0.25"}).dialer(), "tcp", h.addr, &tls.Config{InsecureSkipVerify: true, MinVersion: tls.VersionTLS13})
		if err != nil {
			t.Fatal(err)
		}
		defer c.Close()
		fmt.Fprintf(c, "POST %s HTTP/1.1\r\nHost: hub\r\nContent-Type: %s\r\nContent-Length: 4000\r\n\r\n", replica.PathEnroll, replica.ContentType)
		answered := make(chan string, 1)
		go func() {
			line, _ := bufio.NewReader(c).ReadString('\n')
			answered <- line
		}()
		sent := 0
		var line string
	trickle:
		for ; sent < 4000; sent++ {
			select {
			case line = <-answered:
				break trickle
			case <-time.After(250 * time.Millisecond):
			}
			if _, err := c.Write([]byte{0xa0}); err != nil {
				line = <-answered
				break
			}
		}
		// 4,000 bytes at this pace would hold the connection for 1,000 s;
		// the hub cuts it long before the body is complete.
		if sent >= 4000 {
			t.Fatal("the hub read a trickled body to its end")
		}
		if line != "" && !strings.Contains(line, " 400 ") && !strings.Contains(line, " 408 ") {
			t.Errorf("trickled body answered %q", line)
		}
	})

	t.Run("metrics only on their own loopback listener", func(t *testing.T) {
		anon := newAttacker(t, h, "127.0.0.26")
		res, err := anon.hc.Get(h.url() + replica.PathMetrics)
		if err != nil {
			t.Fatal(err)
		}
		res.Body.Close()
		if res.StatusCode != http.StatusNotFound {
			t.Errorf("metrics on the device listener: %d, want 404", res.StatusCode)
		}
		res, err = http.Get("http://" + h.metrics + replica.PathMetrics)
		if err != nil {
			t.Fatal(err)
		}
		b, _ := io.ReadAll(res.Body)
		res.Body.Close()
		for _, want := range []string{"ecabinet_hub_enrollments_total", `ecabinet_hub_rejections_total{code="err.device.already_enrolled"}`} {
			if !strings.Contains(string(b), want) {
				t.Errorf("metrics lack %s", want)
			}
		}
	})

	t.Run("enrollment attempts are rate-limited and their refusals sampled", func(t *testing.T) {
		g := newAttacker(t, h, "127.0.0.27")
		refused, limited := 0, 0
		for i := range 40 {
			code := fmt.Sprintf("%016d.%s", i, strings.Repeat("a", 16))
			status, e, hdr, err := g.post(replica.PathEnroll, replica.EnrollRequest{Version: replica.Version, Invite: code, PubKey: g.dev.Pub}, nil)
			if err != nil {
				t.Fatal(err)
			}
			switch {
			case status == http.StatusForbidden && e.Code == replica.CodeInvite:
				refused++
			case status == http.StatusTooManyRequests && e.Code == replica.CodeRateLimited:
				limited++
				if s, err := strconv.Atoi(hdr.Get("Retry-After")); err != nil || s < 1 {
					t.Errorf("429 without a Retry-After in seconds: %q", hdr.Get("Retry-After"))
				}
			default:
				t.Errorf("guess %d: %d %+v", i, status, e)
			}
		}
		if refused == 0 || limited < 20 || refused > replica.DefaultLimits().EnrollBurst+2 {
			t.Errorf("40 guesses: %d refused, %d rate-limited; want a burst refused then 429s", refused, limited)
		}
		// The log has at most a line per interval for each kind, however
		// many refusals there were.
		lines := map[string]int{}
		for _, line := range strings.Split(h.logText(t), "\n") {
			var rec map[string]any
			if json.Unmarshal([]byte(line), &rec) != nil {
				continue
			}
			if msg, _ := rec["msg"].(string); msg != "" {
				lines[msg]++
			}
		}
		for _, msg := range []string{"enrollment refused", "enrollment attempts rate-limited"} {
			if lines[msg] == 0 || lines[msg] > 3 {
				t.Errorf("%d log lines %q after %d refusals and %d rate-limited attempts; want 1 to 3", lines[msg], msg, refused, limited)
			}
		}
	})
}

// resign signs again, with the same sequence, an operation like the one
// pushed: what a device that lost its verdict would push.
func resign(t *testing.T, a *attacker, seq uint64, pub []byte, member string) []byte {
	t.Helper()
	saved := a.seq
	a.seq = seq - 1
	b := a.sign(ops.KindDeviceEnroll, ops.DeviceEnroll{MemberID: member, PubKey: pub})
	a.seq = saved
	return b
}

func mustCBOR(t *testing.T, v any) []byte {
	t.Helper()
	b, err := codec.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// TestHostile_StrangersCannotBloatTheHub is finding 2: 500 unauthenticated
// connections, from 50 addresses, each trying to send the hub an 8 MiB
// enrollment at once. The hub's resident memory stays within 100 MiB of
// its idle size, and a legitimate device syncs meanwhile.
func TestHostile_StrangersCannotBloatTheHub(t *testing.T) {
	h := startHostileHub(t)
	S, _ := h.enrollDevice(t, "secretary", h.init.Invite)
	S.sync()
	idle, err := h.rss()
	if err != nil {
		t.Fatal(err)
	}

	var peak int64
	var rssErr error
	stop := make(chan struct{})
	sampled := make(chan struct{})
	go func() {
		defer close(sampled)
		for {
			n, err := h.rss()
			peak, rssErr = max(peak, n), errors.Join(rssErr, err)
			select {
			case <-stop:
				return
			case <-time.After(10 * time.Millisecond):
			}
		}
	}()

	const conns, addrs = 500, 50
	ready := make(chan struct{})
	var dialed, refused sync.WaitGroup
	var mu sync.Mutex
	outcomes := map[string]int{}
	dialed.Add(conns)
	refused.Add(conns)
	for i := range conns {
		go func() {
			defer refused.Done()
			from := fmt.Sprintf("127.0.1.%d", 1+i%addrs)
			c, err := tls.DialWithDialer((&attacker{from: from}).dialer(), "tcp", h.addr, &tls.Config{InsecureSkipVerify: true, MinVersion: tls.VersionTLS13})
			dialed.Done()
			if err != nil {
				mu.Lock()
				outcomes["dial: "+err.Error()]++
				mu.Unlock()
				return
			}
			defer c.Close()
			// Half announce their size, half send it chunked without one.
			if i%2 == 0 {
				fmt.Fprintf(c, "POST %s HTTP/1.1\r\nHost: hub\r\nContent-Type: %s\r\nContent-Length: %d\r\n\r\n", replica.PathEnroll, replica.ContentType, 8<<20)
			} else {
				fmt.Fprintf(c, "POST %s HTTP/1.1\r\nHost: hub\r\nContent-Type: %s\r\nTransfer-Encoding: chunked\r\n\r\n", replica.PathEnroll, replica.ContentType)
			}
			<-ready
			chunk := bytes.Repeat([]byte{0x41}, 64<<10)
			go func() {
				for sent := 0; sent < 8<<20; sent += len(chunk) {
					var err error
					if i%2 == 0 {
						_, err = c.Write(chunk)
					} else {
						_, err = fmt.Fprintf(c, "%x\r\n%s\r\n", len(chunk), chunk)
					}
					if err != nil {
						return
					}
				}
			}()
			c.SetReadDeadline(time.Now().Add(time.Minute))
			line, err := bufio.NewReader(c).ReadString('\n')
			mu.Lock()
			if err != nil && line == "" {
				outcomes["closed"]++
			} else {
				outcomes[strings.TrimSpace(line)]++
			}
			mu.Unlock()
		}()
	}
	dialed.Wait()
	close(ready)
	// Meanwhile, the secretary works and syncs.
	S.ok(nil, "member", "add", "--name", "Trần Văn Dũng", "--role", "member")
	rep := S.sync()
	refused.Wait()
	close(stop)
	<-sampled
	if rssErr != nil {
		t.Fatal(rssErr)
	}

	t.Logf("hub RSS: idle %.1f MiB, peak under attack %.1f MiB (+%.1f MiB); answers: %v",
		float64(idle)/(1<<20), float64(peak)/(1<<20), float64(peak-idle)/(1<<20), outcomes)
	if rep.Accepted != 1 || rep.Pending != 0 {
		t.Errorf("the secretary's sync under attack: %+v", rep)
	}
	if peak-idle > 100<<20 {
		t.Errorf("hub RSS grew by %.1f MiB under attack (idle %.1f MiB), want at most 100 MiB", float64(peak-idle)/(1<<20), float64(idle)/(1<<20))
	}
	for o := range outcomes {
		if strings.Contains(o, " 200 ") {
			t.Errorf("a stranger was answered %q", o)
		}
	}
}
