package replica

import (
	"bytes"
	"context"
	"crypto/ed25519"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptrace"
	"net/url"
	"sync/atomic"
	"time"

	"github.com/ecabinet/ecabinet/codec"
	"github.com/ecabinet/ecabinet/core"
	"github.com/ecabinet/ecabinet/identity"
)

const settingHub = "sync/hub"

// hubLink is what a device keeps about its hub (setting "sync/hub").
type hubLink struct {
	URL  string `cbor:"1,keyasint"`
	CA   []byte `cbor:"2,keyasint"` // DER
	Cert []byte `cbor:"3,keyasint"` // DER, this device's client certificate
	Org  string `cbor:"4,keyasint"`
}

// Client talks to the hub for one device profile.
type Client struct {
	p    *core.Profile
	link hubLink
	http *http.Client
	// stream shares http's connections without its overall timeout, for
	// the batch downloads, which bound a stall instead (fetchBatch).
	stream *http.Client
	// noBatch: the hub answers no batch request (an older hub); chunks
	// are asked for one by one (fetchChunks).
	noBatch atomic.Bool
	// PageSize is how many log entries one pull asks for.
	PageSize int
	// uploaded counts the chunks this client uploaded (tests, benchmarks).
	uploaded atomic.Int64
	// received counts the bytes read from the hub's connections.
	received *atomic.Int64
}

// ErrNotEnrolled is returned for a profile that has no hub.
var ErrNotEnrolled = errors.New("this profile is not enrolled with a hub")

// NewClient prepares a client from the profile's enrollment.
func NewClient(p *core.Profile) (*Client, error) {
	var link hubLink
	if err := p.Setting(settingHub, &link); err != nil {
		if errors.Is(err, core.ErrNoSetting) {
			return nil, ErrNotEnrolled
		}
		return nil, err
	}
	ca, err := x509.ParseCertificate(link.CA)
	if err != nil {
		return nil, fmt.Errorf("stored hub certificate: %w", err)
	}
	pool := x509.NewCertPool()
	pool.AddCert(ca)
	cfg := &tls.Config{
		MinVersion:   tls.VersionTLS13,
		RootCAs:      pool,
		Certificates: []tls.Certificate{{Certificate: [][]byte{link.Cert}, PrivateKey: p.DeviceSigner()}},
	}
	received := new(atomic.Int64)
	hc := newHTTP(cfg)
	hc.Transport.(*http.Transport).DialContext = countingDial(hc.Transport.(*http.Transport).DialContext, received)
	return &Client{p: p, link: link, http: hc, stream: &http.Client{Transport: hc.Transport}, PageSize: PullPage, received: received}, nil
}

// Received counts the bytes this client read from the hub's connections,
// as sent on the wire (TLS records, HTTP headers and all): what a sync or
// a download cost in transfer.
func (c *Client) Received() int64 { return c.received.Load() }

// countingDial wraps dial so that every connection adds what it reads to n.
func countingDial(dial func(ctx context.Context, network, addr string) (net.Conn, error), n *atomic.Int64) func(ctx context.Context, network, addr string) (net.Conn, error) {
	return func(ctx context.Context, network, addr string) (net.Conn, error) {
		conn, err := dial(ctx, network, addr)
		if err != nil {
			return nil, err
		}
		return &countingConn{Conn: conn, n: n}, nil
	}
}

type countingConn struct {
	net.Conn
	n *atomic.Int64
}

func (c *countingConn) Read(p []byte) (int, error) {
	k, err := c.Conn.Read(p)
	c.n.Add(int64(k))
	return k, err
}

func newHTTP(cfg *tls.Config) *http.Client {
	return &http.Client{
		Timeout: 2 * time.Minute,
		Transport: &http.Transport{
			TLSClientConfig:     cfg,
			DialContext:         (&net.Dialer{Timeout: 10 * time.Second}).DialContext,
			TLSHandshakeTimeout: 10 * time.Second,
			// As many as the downloader's streams (defaultStreams) and a
			// sync beside them.
			MaxIdleConnsPerHost: defaultStreams + 2,
			IdleConnTimeout:     90 * time.Second,
		},
	}
}

// HubURL is the hub this device syncs with.
func (c *Client) HubURL() string { return c.link.URL }

// Org is the organisation the hub serves.
func (c *Client) Org() string { return c.link.Org }

// Close releases idle connections.
func (c *Client) Close() { c.http.CloseIdleConnections() }

// call posts a request and decodes the response (or the hub's error).
func call(ctx context.Context, hc *http.Client, base, path string, req, resp any) error {
	body, err := codec.Marshal(req)
	if err != nil {
		return err
	}
	r, err := http.NewRequestWithContext(ctx, http.MethodPost, base+path, bytes.NewReader(body))
	if err != nil {
		return err
	}
	r.Header.Set("Content-Type", ContentType)
	r.Header.Set(HeaderApp, appVersion())
	res, err := hc.Do(r)
	if err != nil {
		return err
	}
	defer res.Body.Close()
	b, err := io.ReadAll(io.LimitReader(res.Body, MaxBody+1))
	if err != nil {
		return err
	}
	if len(b) > MaxBody {
		return &Error{Status: res.StatusCode, Code: CodeMalformed, Message: "hub reply too large"}
	}
	if res.StatusCode != http.StatusOK {
		var e ErrorResponse
		if codec.Unmarshal(b, &e) != nil {
			return &Error{Status: res.StatusCode, Code: CodeInternal, Message: fmt.Sprintf("hub answered %s", res.Status)}
		}
		if e.Code == CodeVersion && e.Version != Version {
			e.Message = versionError(e.Version, Version, false)
		}
		return &Error{Status: res.StatusCode, Code: e.Code, Message: e.Message}
	}
	if err := codec.Unmarshal(b, resp); err != nil {
		return &Error{Status: res.StatusCode, Code: CodeMalformed, Message: "malformed hub reply: " + err.Error()}
	}
	return nil
}

// Report says what one sync round did.
type Report struct {
	Pushed   int            `json:"pushed"`
	Accepted int            `json:"accepted"`
	Rejected []core.Verdict `json:"rejected,omitempty"`
	Pulled   int            `json:"pulled"`
	Applied  int            `json:"applied"`
	Repaired int            `json:"repaired"`
	Pending  int            `json:"pending"`
	Behind   uint64         `json:"behind"`
}

// Done reports whether nothing is left to push or pull.
func (r Report) Done() bool { return r.Pending == 0 && r.Behind == 0 }

// Progress is called during a round with work done and known total.
type Progress func(done, total int)

// SyncOnce pushes the outbox, pulls the log up to the hub's head and
// repairs diverged records. It stops at the first network error; what was
// done until then is kept, and the next round resumes from there.
func (c *Client) SyncOnce(ctx context.Context, progress Progress) (Report, error) {
	var rep Report
	if progress == nil {
		progress = func(int, int) {}
	}
	total := c.p.Pending()
	done := 0
	// A paper the hub cannot take now holds back only its own op and
	// those after it: the pull still brings what others sent (answers,
	// edits), and the round ends with the paper's error.
	var held *UploadHeldError
	if err := c.push(ctx, &rep, &done, total, progress); err != nil && !errors.As(err, &held) {
		return rep, err
	}
	// Pull, in three stages running at once: the page after next is
	// fetched and the next one's signatures are checked while this one is
	// applied. Each page is applied with its checkpoint in one transaction,
	// so stopping anywhere (a network error, the hub gone) loses nothing.
	pctx, cancel := context.WithCancel(ctx)
	pages := c.checkPages(pctx, c.fetchPages(pctx, c.p.Checkpoint()))
	defer func() {
		// The stages read the profile: they are over before we return, so
		// the caller may close it.
		cancel()
		for range pages {
		}
		_ = c.p.FlushPulled() // after an error too (the normal end reports its own)
	}()
	for pg := range pages {
		if pg.err != nil {
			return rep, pg.err
		}
		resp := pg.resp
		res, err := c.p.ApplyChecked(pg.checked)
		if err != nil {
			return rep, err
		}
		rep.Pulled += len(resp.Entries)
		rep.Applied += res.Applied
		rep.Behind = resp.Head - resp.Next
		progress(done+int(resp.Next), total+int(resp.Head))
	}
	if err := c.p.FlushPulled(); err != nil {
		return rep, err
	}
	ents, err := c.p.NeedSnapshots()
	if err != nil {
		return rep, err
	}
	for _, e := range ents {
		var resp SnapshotResponse
		if err := call(ctx, c.http, c.link.URL, PathSnapshot, SnapshotRequest{Version: Version, Entity: e}, &resp); err != nil {
			return rep, err
		}
		if resp.Snapshot.Entity != e {
			return rep, &Error{Code: CodeMalformed, Message: "hub sent a snapshot of another record"}
		}
		if err := c.p.ApplySnapshot(resp.Snapshot); err != nil {
			return rep, err
		}
		rep.Repaired++
	}
	// Keys that devices enrolled since lack: a paper's key from a
	// secretary's device (core/papers_rewrap.go), the member's note key from
	// another of the member's devices (core/notes.go). Both are pushed in
	// this round; applied here already, they leave nothing to share next.
	rewrapped, err := c.p.RewrapPapers()
	if err != nil {
		return rep, err
	}
	shared, err := c.p.ShareNoteKeys()
	if err != nil {
		return rep, err
	}
	if rewrapped+shared > 0 && held == nil {
		if err := c.push(ctx, &rep, &done, total, progress); err != nil {
			return rep, err
		}
	}
	rep.Pending = c.p.Pending()
	if held != nil {
		return rep, held
	}
	return rep, nil
}

// push sends the outbox until it is empty, a paper's chunks before the op
// that names them.
func (c *Client) push(ctx context.Context, rep *Report, done *int, total int, progress Progress) error {
	for {
		items, err := c.p.Outbox(PushPage)
		if err != nil {
			return err
		}
		if len(items) == 0 {
			break
		}
		items = pushRun(fitPush(items))
		// A paper's chunks go first: the hub refuses an op naming chunks
		// it lacks.
		if err := c.uploadPapers(ctx, items); err != nil {
			return err
		}
		req := PushRequest{Version: Version}
		for _, it := range items {
			req.Ops = append(req.Ops, it.Op)
		}
		var resp PushResponse
		var wrote atomic.Bool
		tctx := httptrace.WithClientTrace(ctx, &httptrace.ClientTrace{
			WroteRequest: func(i httptrace.WroteRequestInfo) { wrote.Store(i.Err == nil) },
		})
		if err := call(tctx, c.http, c.link.URL, PathPush, req, &resp); err != nil {
			// Sent: the changes reached the hub and only its answer is
			// missing. Not when no connection was made, nor when the hub
			// refused the request as a whole: then they are still only
			// saved here.
			var herr *Error
			if wrote.Load() && !errors.As(err, &herr) {
				if merr := c.p.MarkSent(items); merr != nil {
					return errors.Join(err, merr)
				}
			}
			return err
		}
		if len(resp.Verdicts) != len(items) {
			return &Error{Code: CodeMalformed, Message: "hub answered a different number of verdicts"}
		}
		for i := range resp.Verdicts {
			resp.Verdicts[i].DevSeq = items[i].DevSeq // the hub's word is about what we sent
			if resp.Verdicts[i].Accepted() {
				rep.Accepted++
			} else {
				rep.Rejected = append(rep.Rejected, resp.Verdicts[i])
			}
		}
		if err := c.p.RecordVerdicts(resp.Verdicts); err != nil {
			return err
		}
		rep.Pushed += len(items)
		*done += len(items)
		progress(*done, max(total, *done))
	}
	return nil
}

// pushRun cuts a page of the outbox before its second paper op, and
// before its first when others come ahead of it: a paper's upload then
// delays only its own op and those after it, never the changes made
// before it (an answer recorded on paper, an agenda edit), and a paper the
// hub cannot take holds back nothing that came earlier.
func pushRun(items []core.OutboxItem) []core.OutboxItem {
	for i := 1; i < len(items); i++ {
		if _, ok := core.PaperOfOp(items[i].Op); ok {
			return items[:i]
		}
	}
	return items
}

// fitPush keeps the first items that fit one push request within the
// hub's MaxBody (always the first: an operation is at most a codec
// message, and a push of one fits).
func fitPush(items []core.OutboxItem) []core.OutboxItem {
	size := 0
	for i, it := range items {
		size += len(it.Op) + 16 // CBOR framing of each byte string
		if i > 0 && size > MaxBody-(64<<10) {
			return items[:i]
		}
	}
	return items
}

type page struct {
	resp    PullResponse
	checked *core.CheckedPage // set by checkPages
	err     error
}

// checkPages verifies the signatures of each fetched page, one page ahead
// of the consumer that applies them.
func (c *Client) checkPages(ctx context.Context, in <-chan page) <-chan page {
	out := make(chan page, 1)
	go func() {
		defer close(out)
		defer func() {
			for range in { // until the fetcher has stopped too
			}
		}()
		v := c.p.NewPullVerifier()
		for pg := range in {
			switch {
			case pg.err != nil:
			case ctx.Err() != nil:
				pg.err = ctx.Err()
			default:
				pg.checked = v.Check(pg.resp.Entries, pg.resp.Next)
			}
			select {
			case out <- pg:
			case <-ctx.Done():
				return
			}
		}
	}()
	return out
}

// fetchPages requests pages of the log from since on, one ahead of the
// consumer, until the hub's head; a failure is sent as the last page.
func (c *Client) fetchPages(ctx context.Context, since uint64) <-chan page {
	out := make(chan page, 1)
	go func() {
		defer close(out)
		for {
			var resp PullResponse
			err := call(ctx, c.http, c.link.URL, PathPull, PullRequest{Version: Version, Since: since, Limit: c.PageSize}, &resp)
			if err == nil && (resp.Next < since || resp.Next > resp.Head) {
				err = &Error{Code: CodeMalformed, Message: "hub sent an impossible checkpoint"}
			}
			select {
			case out <- page{resp: resp, err: err}:
			case <-ctx.Done():
				return
			}
			if err != nil || resp.Next == since || resp.Next >= resp.Head {
				return
			}
			since = resp.Next
		}
	}()
	return out
}

// EnrollResult is what a device learns when it enrolls.
type EnrollResult struct {
	Profile     *core.Profile
	Org         string
	Fingerprint string
	Member      string
	Role        string
}

// Enroll redeems an invite at the hub and creates this device's profile in
// dir, bound to the invite's member. The hub's certificate must match the
// pin carried in the invite before anything is sent.
func Enroll(ctx context.Context, hubURL, code, dir string, pass []byte) (EnrollResult, error) {
	u, err := url.Parse(hubURL)
	if err != nil || u.Scheme != "https" || u.Host == "" {
		return EnrollResult{}, &Error{Code: CodeHubAddress, Message: "hub address must look like https://host:port"}
	}
	_, pin, err := splitInvite(code)
	if err != nil {
		return EnrollResult{}, &Error{Code: CodeInvite, Message: "this invite code is malformed"}
	}
	if core.Exists(dir) {
		return EnrollResult{}, fmt.Errorf("%s already holds a profile: choose another --profile folder", dir)
	}
	dev, err := identity.New()
	if err != nil {
		return EnrollResult{}, err
	}
	host := u.Hostname()
	cfg := &tls.Config{
		MinVersion: tls.VersionTLS13,
		// The chain is checked below against the CA pinned by the invite,
		// since the device has no CA yet.
		InsecureSkipVerify: true,
		VerifyConnection: func(cs tls.ConnectionState) error {
			return verifyPinned(cs.PeerCertificates, pin, host)
		},
	}
	hc := newHTTP(cfg)
	defer hc.CloseIdleConnections()
	var resp EnrollResponse
	base := "https://" + u.Host
	if err := call(ctx, hc, base, PathEnroll, EnrollRequest{Version: Version, Invite: code, PubKey: dev.Pub}, &resp); err != nil {
		return EnrollResult{}, err
	}
	if got, _ := pinOf(resp.CA); got != pin {
		return EnrollResult{}, errors.New("the hub's certificate authority does not match the invite")
	}
	cert, err := x509.ParseCertificate(resp.Cert)
	if err != nil {
		return EnrollResult{}, fmt.Errorf("hub sent an unreadable certificate: %w", err)
	}
	if pub, ok := cert.PublicKey.(ed25519.PublicKey); !ok || !pub.Equal(dev.Pub) {
		return EnrollResult{}, errors.New("hub certified another key than this device's")
	}
	p, err := core.CreateEnrolled(dir, pass, dev, resp.Member, core.HubTrust{Device: resp.HubDevice, Pub: resp.HubPub})
	if err != nil {
		return EnrollResult{}, err
	}
	if err := p.PutSetting(settingHub, hubLink{URL: base, CA: resp.CA, Cert: resp.Cert, Org: resp.Org}); err != nil {
		p.Close()
		return EnrollResult{}, err
	}
	fp, _ := Fingerprint(resp.CA)
	return EnrollResult{Profile: p, Org: resp.Org, Fingerprint: fp, Member: resp.Member.Name, Role: string(resp.Member.Role)}, nil
}

// verifyPinned checks a server chain against the CA whose key hash the
// invite carries.
func verifyPinned(chain []*x509.Certificate, pin, host string) error {
	if len(chain) == 0 {
		return errors.New("hub sent no certificate")
	}
	for _, c := range chain[1:] {
		if keyPin(c) != pin {
			continue
		}
		roots := x509.NewCertPool()
		roots.AddCert(c)
		_, err := chain[0].Verify(x509.VerifyOptions{Roots: roots, DNSName: host, KeyUsages: []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth}})
		return err
	}
	return errors.New("the hub's certificate does not match the invite: this is not the hub that issued it")
}

// Await long-polls the hub (PullRequest.Wait) until it holds an entry
// after since that this device may see, returning true, or until ctx is
// done or the hub answers with an error. Entries it may not see only move
// its own position on. It applies nothing: the caller syncs when told.
func (c *Client) Await(ctx context.Context, since uint64) (bool, error) {
	for ctx.Err() == nil {
		var r PullResponse
		err := call(ctx, c.http, c.link.URL, PathPull, PullRequest{Version: Version, Since: since, Limit: 1, Wait: MaxPullWait}, &r)
		if err != nil {
			return false, err
		}
		if len(r.Entries) > 0 {
			return true, nil
		}
		if r.Next < since || r.Next > r.Head {
			return false, &Error{Code: CodeMalformed, Message: "hub sent an impossible checkpoint"}
		}
		since = r.Next
	}
	return false, ctx.Err()
}
