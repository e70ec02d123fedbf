package replica

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"io"
	"log/slog"
	"net"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"

	"github.com/ecabinet/ecabinet/ballots"
	"github.com/ecabinet/ecabinet/core"
	"github.com/ecabinet/ecabinet/hublog/pglog"
	"github.com/ecabinet/ecabinet/hubstate"
	"github.com/ecabinet/ecabinet/internal/pgtest"
	"github.com/ecabinet/ecabinet/internal/s3test"
	"github.com/ecabinet/ecabinet/meetings"
	"github.com/ecabinet/ecabinet/ops"
	"github.com/ecabinet/ecabinet/papers"
	"github.com/ecabinet/ecabinet/store/blob/s3chunks"
)

// Two processes of a scaled-out hub in one test: two replica.Hub, each on
// its own cache, its own pglog connection pool and listener, its own S3
// client, serving over TLS on its own 127.0.0.1 port, on one real
// PostgreSQL (internal/pgtest) and one real versitygw (internal/s3test).
// Devices are told which process to talk to by their client's hub URL, as
// an L4 balancer would move them.

var sharedPass = []byte("mật khẩu máy chủ dùng chung")

// sharedProc is one hub process.
type sharedProc struct {
	h   *Hub
	p   *core.Profile
	l   *pglog.Log
	st  *hubstate.Postgres
	url string
}

// sharedSetup is the database and bucket the processes share.
type sharedSetup struct {
	dsn, bucket string
	s3          *s3test.Server
	init        InitResult
}

func newSharedSetup(t *testing.T) *sharedSetup {
	t.Helper()
	ctx := context.Background()
	s := &sharedSetup{dsn: pgtest.NewDatabase(t), bucket: s3test.NewBucket(t), s3: s3test.Shared(t)}
	if _, _, err := pglog.Migrate(ctx, s.dsn); err != nil {
		t.Fatal(err)
	}
	l, err := pglog.Open(ctx, s.dsn, pglog.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	if s.init, err = InitSharedHub(ctx, l, sharedPass, "Văn phòng Chính phủ", "Thư ký Chính phủ", nil, time.Hour); err != nil {
		t.Fatal(err)
	}
	return s
}

func (s *sharedSetup) chunks(t *testing.T) *s3chunks.Store {
	t.Helper()
	cs, err := s3chunks.Open(context.Background(), s3chunks.Config{Endpoint: s.s3.Endpoint, Bucket: s.bucket, AccessKey: s.s3.Access, SecretKey: s.s3.Secret})
	if err != nil {
		t.Fatal(err)
	}
	return cs
}

// openProc opens one more scaled-out hub process on dsn as `hub serve
// --store` does (the log, the shared state unlocked with pass, a new
// cache, the hub), not yet serving; the caller closes its cache and log.
func openProc(tb testing.TB, dsn string, pass []byte, chunks *s3chunks.Store) *sharedProc {
	tb.Helper()
	ctx := context.Background()
	l, err := pglog.Open(ctx, dsn, pglog.Options{})
	if err != nil {
		tb.Fatal(err)
	}
	master, err := hubstate.UnlockSecret(ctx, l, pass)
	if err != nil {
		tb.Fatal(err)
	}
	st, err := hubstate.OnPostgres(l, master)
	if err != nil {
		tb.Fatal(err)
	}
	p, err := OpenCache(filepath.Join(tb.TempDir(), "cache"), master, st)
	if err != nil {
		tb.Fatal(err)
	}
	h, err := NewSharedHub(ctx, p, Shared{Log: l, State: st, Chunks: chunks}, slog.New(slog.NewTextHandler(io.Discard, nil)))
	if err != nil {
		tb.Fatal(err)
	}
	return &sharedProc{h: h, p: p, l: l, st: st}
}

// start runs one more hub process until the test ends.
func (s *sharedSetup) start(t *testing.T) *sharedProc { return s.startWith(t, s.chunks(t)) }

// startWith is start with the given chunk store.
func (s *sharedSetup) startWith(t *testing.T, chunks *s3chunks.Store) *sharedProc {
	t.Helper()
	return s.startOn(t, s.dsn, chunks)
}

// startOn is start reaching the database at dsn (s.dsn through a proxy),
// with the given chunk store.
func (s *sharedSetup) startOn(t *testing.T, dsn string, chunks *s3chunks.Store) *sharedProc {
	t.Helper()
	ctx := context.Background()
	sp := openProc(t, dsn, sharedPass, chunks)
	h, p, l := sp.h, sp.p, sp.l
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	sctx, cancel := context.WithCancel(ctx)
	done := make(chan error, 1)
	go func() { done <- h.Serve(sctx, ln) }()
	t.Cleanup(func() {
		cancel()
		if err := <-done; err != nil {
			t.Errorf("serve: %v", err)
		}
		p.Close()
		l.Close()
	})
	sp.url = "https://" + ln.Addr().String()
	return sp
}

// enrollAt enrolls a new device through process at.
func enrollAt(t *testing.T, at *sharedProc, code string) (*core.Profile, error) {
	t.Helper()
	res, err := Enroll(context.Background(), at.url, code, filepath.Join(t.TempDir(), "device"), sharedPass)
	if err != nil {
		return nil, err
	}
	t.Cleanup(func() { res.Profile.Close() })
	return res.Profile, nil
}

// clientAt is p's client talking to process at.
func clientAt(t *testing.T, p *core.Profile, at *sharedProc) *Client {
	t.Helper()
	c, err := NewClient(p)
	if err != nil {
		t.Fatal(err)
	}
	c.link.URL = at.url
	t.Cleanup(c.Close)
	return c
}

// syncAt runs one complete sync round of p through process at.
func syncAt(t *testing.T, p *core.Profile, at *sharedProc) Report {
	t.Helper()
	rep, err := clientAt(t, p, at).SyncOnce(context.Background(), nil)
	if err != nil {
		t.Fatalf("sync of %s through %s: %v", p.Self().Name, at.url, err)
	}
	if !rep.Done() || len(rep.Rejected) > 0 {
		t.Fatalf("sync of %s through %s: %+v", p.Self().Name, at.url, rep)
	}
	return rep
}

// TestSharedHub_TwoProcessesAreOneHub: what a device does through one
// process, the other process serves; what must happen once (an invite's
// use, a revocation) holds across both.
func TestSharedHub_TwoProcessesAreOneHub(t *testing.T) {
	s := newSharedSetup(t)
	a, b := s.start(t), s.start(t)
	ctx := context.Background()

	// The secretary enrolls through A, adds two members, pushes through A.
	sec, err := enrollAt(t, a, s.init.Invite)
	if err != nil {
		t.Fatal(err)
	}
	syncAt(t, sec, a)
	var members []meetings.Member
	for _, name := range []string{"Trần Lưu Quang", "Lê Thành Long"} {
		m, err := sec.AddMember(meetings.Member{Name: name, Title: "Phó Thủ tướng", Role: meetings.RoleMember})
		if err != nil {
			t.Fatal(err)
		}
		members = append(members, m)
	}
	syncAt(t, sec, a)

	// An invitation asked of B (which learns of the members by catching
	// up), redeemed through A; the same code through B is refused.
	inv, err := clientAt(t, sec, b).Invite(ctx, members[0].ID, time.Hour)
	if err != nil {
		t.Fatalf("invite through B: %v", err)
	}
	quang, err := enrollAt(t, a, inv.Code)
	if err != nil {
		t.Fatalf("enroll through A with B's invite: %v", err)
	}
	var he *Error
	if _, err := enrollAt(t, b, inv.Code); !errors.As(err, &he) || he.Code != CodeInviteUsed {
		t.Fatalf("the used invite again through B: %v, want %s", err, CodeInviteUsed)
	}

	// One invite, two devices racing through A and B at once: exactly one
	// is enrolled, the other told the invite is used.
	code2, _, err := CreateInviteIn(a.st, a.p, members[1].ID, time.Hour)
	if err != nil {
		t.Fatal(err)
	}
	var wg sync.WaitGroup
	profiles := make([]*core.Profile, 2)
	errs := make([]error, 2)
	for i, at := range []*sharedProc{a, b} {
		wg.Add(1)
		go func() {
			defer wg.Done()
			res, err := Enroll(ctx, at.url, code2, filepath.Join(t.TempDir(), "race"), sharedPass)
			profiles[i], errs[i] = res.Profile, err
		}()
	}
	wg.Wait()
	var long *core.Profile
	used := 0
	for i := range 2 {
		switch {
		case errs[i] == nil:
			long = profiles[i]
			t.Cleanup(func() { long.Close() })
		case errors.As(errs[i], &he) && he.Code == CodeInviteUsed:
			used++
		default:
			t.Fatalf("racing enrollment %d: %v", i, errs[i])
		}
	}
	if long == nil || used != 1 {
		t.Fatalf("one invite redeemed through two processes at once: %d enrolled, %d refused as used; want 1 and 1", 2-used, used)
	}

	// A ballot pushed through A reaches a member pulling through B; the
	// answer pushed through B is counted at A.
	syncAt(t, sec, a) // learns the members' devices
	bal, err := sec.IssueBallot(core.BallotInput{Title: "Phiếu lấy ý kiến", Question: "Thông qua tờ trình?", Deadline: time.Now().Add(24 * time.Hour),
		Eligible: []string{members[0].ID, members[1].ID}})
	if err != nil {
		t.Fatal(err)
	}
	syncAt(t, sec, a)
	syncAt(t, quang, b)
	if _, err := quang.AnswerBallot(bal.ID, ballots.ChoiceAgree, ""); err != nil {
		t.Fatalf("the member answers the ballot pulled through B: %v", err)
	}
	syncAt(t, quang, b)
	syncAt(t, sec, a)
	if res, _, err := sec.Tally(bal.ID); err != nil || res.Counts[ballots.ChoiceAgree] != 1 {
		t.Fatalf("tally at the secretary after pulling through A: %+v, %v", res, err)
	}
	for _, p := range []*sharedProc{a, b} {
		if _, err := p.p.HubCatchUp(ctx); err != nil {
			t.Fatal(err)
		}
	}
	ha, _ := a.p.HubHead()
	hb, _ := b.p.HubHead()
	hl, _ := a.l.Head(ctx)
	if ha != hl || hb != hl {
		t.Fatalf("heads: cache A %d, cache B %d, shared log %d", ha, hb, hl)
	}

	// A long poll at B is woken by a push through A.
	cb := clientAt(t, long, b)
	syncAt(t, long, b)
	since := long.Checkpoint()
	type answer struct {
		resp PullResponse
		err  error
	}
	got := make(chan answer, 1)
	go func() {
		var resp PullResponse
		err := call(ctx, cb.http, b.url, PathPull, PullRequest{Version: Version, Since: since, Wait: MaxPullWait}, &resp)
		got <- answer{resp, err}
	}()
	for b.h.polling.Load() == 0 {
		select {
		case ans := <-got:
			t.Fatalf("the long poll answered before anything was pushed: %+v, %v", ans.resp, ans.err)
		case <-time.After(5 * time.Millisecond):
		}
	}
	if _, err := long.AnswerBallot(bal.ID, ballots.ChoiceDisagree, "Đề nghị bổ sung"); err != nil {
		t.Fatal(err)
	}
	if rep, err := clientAt(t, long, a).SyncOnce(ctx, nil); err != nil || rep.Accepted != 1 {
		t.Fatalf("push through A: %+v, %v", rep, err)
	}
	ans := <-got
	if ans.err != nil || len(ans.resp.Entries) == 0 {
		t.Fatalf("the long poll at B: %d entries, %v", len(ans.resp.Entries), ans.err)
	}
	if w, to := b.h.pollWoken.Load(), b.h.pollTimedOut.Load(); w != 1 || to != 0 {
		t.Fatalf("B's long polls: %d woken, %d timed out; want 1 and 0", w, to)
	}

	// A revocation written through A: B refuses the device at its next
	// request, whatever connection it comes on.
	if err := RevokeIn(a.st, a.p, quang.DeviceID()); err != nil {
		t.Fatal(err)
	}
	if _, err := clientAt(t, quang, b).SyncOnce(ctx, nil); err == nil {
		t.Fatal("a device revoked through A synced through B")
	}
	if !isRevokedIn(b.st, quang.DeviceID()) {
		t.Fatal("B does not see the revocation")
	}
	rows, err := DevicesIn(b.st, b.p)
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range rows {
		if r.ID == quang.DeviceID() && !r.Revoked {
			t.Fatalf("hub devices through B: %+v not revoked", r)
		}
	}

	// A paper: offered through A, its chunks uploaded through B, the op
	// pushed through A; both processes serve the chunks to a member.
	m, err := sec.CreateMeeting(core.MeetingInput{Title: "Phiên họp thường kỳ", Start: time.Now().Add(time.Hour)})
	if err != nil {
		t.Fatal(err)
	}
	it, err := sec.AddAgendaItem(m.ID, meetings.AgendaItem{Title: "Tờ trình", Minutes: 10})
	if err != nil {
		t.Fatal(err)
	}
	// Published: a draft reaches only the secretariat.
	if err := sec.SetMeetingStatus(m.ID, meetings.StatusPublished); err != nil {
		t.Fatal(err)
	}
	syncAt(t, sec, a)
	file := bytes.Repeat([]byte("Tờ trình về dự án Luật Tổ chức Chính phủ (sửa đổi). "), 20000)
	pp, err := sec.AddPaper(core.PaperInput{MeetingID: m.ID, ItemID: it.ID, FileName: "to-trinh.txt", Title: "Tờ trình"}, bytes.NewReader(file))
	if err != nil {
		t.Fatal(err)
	}
	items, err := sec.Outbox(10)
	if err != nil {
		t.Fatal(err)
	}
	ca, cbSec := clientAt(t, sec, a), clientAt(t, sec, b)
	bs, err := sec.Blobs()
	if err != nil {
		t.Fatal(err)
	}
	uploaded := 0
	var ids []papers.ChunkID
	for _, item := range items {
		_, op, err := ops.Decode(item.Op)
		if err != nil || op.Kind != ops.KindPaperAdd {
			continue
		}
		var resp ChunkOfferResponse
		if err := call(ctx, ca.http, a.url, PathChunkOffer, ChunkOfferRequest{Version: Version, Op: item.Op}, &resp); err != nil {
			t.Fatalf("offer through A: %v", err)
		}
		for _, id := range resp.Missing {
			ct, err := bs.Chunks().Get(ctx, id)
			if err != nil {
				t.Fatal(err)
			}
			if err := cbSec.putChunk(ctx, id, ct); err != nil {
				t.Fatalf("upload through B of a chunk offered through A: %v", err)
			}
			uploaded++
			ids = append(ids, id)
		}
	}
	if uploaded == 0 {
		t.Fatal("no chunk was offered")
	}
	syncAt(t, sec, a) // offers again through A: nothing missing; pushes the op
	for _, at := range []*sharedProc{a, b} {
		c := clientAt(t, long, at)
		for _, id := range ids {
			got, err := c.FetchChunk(ctx, pp.ID, id)
			if err != nil {
				t.Fatalf("chunk %s through %s: %v", id, at.url, err)
			}
			want, _ := bs.Chunks().Get(ctx, id)
			if !bytes.Equal(got, want) {
				t.Fatalf("chunk %s through %s: other bytes", id, at.url)
			}
		}
	}
	syncAt(t, long, b)
	if _, err := long.Paper(pp.ID); err != nil {
		t.Fatalf("the member's device knows the paper after pulling through B: %v", err)
	}
}

// TestSharedHub_HealthNamesWhatIsDown: /healthz is 200 while the database
// and the bucket answer, and 503 naming the bucket once it is gone, the
// database once the process's connection to it is; /metrics carries the
// scaled-out hub's figures.
func TestSharedHub_HealthNamesWhatIsDown(t *testing.T) {
	s := newSharedSetup(t)
	a := s.start(t)
	health := func() (int, Health) {
		t.Helper()
		rec := httptest.NewRecorder()
		a.h.Handler().ServeHTTP(rec, httptest.NewRequest("GET", PathHealth, nil))
		var out Health
		if err := json.Unmarshal(rec.Body.Bytes(), &out); err != nil {
			t.Fatalf("healthz body %q: %v", rec.Body.String(), err)
		}
		return rec.Code, out
	}
	if code, out := health(); code != 200 || out.Status != "ok" {
		t.Fatalf("healthy hub: %d %+v", code, out)
	}
	rec := httptest.NewRecorder()
	a.h.MetricsHandler().ServeHTTP(rec, httptest.NewRequest("GET", PathMetrics, nil))
	for _, name := range []string{"ecabinet_hub_pushes_total", "ecabinet_hub_pulls_total", "ecabinet_hub_chunk_bytes_in_total", "ecabinet_hub_chunk_bytes_out_total",
		"ecabinet_hub_database_seconds_bucket", "ecabinet_hub_replay_lag_entries"} {
		if !strings.Contains(rec.Body.String(), name) {
			t.Errorf("/metrics lacks %s", name)
		}
	}

	c := s.s3.Client()
	ctx := context.Background()
	if _, err := c.DeleteBucket(ctx, &s3.DeleteBucketInput{Bucket: aws.String(s.bucket)}); err != nil {
		t.Fatal(err)
	}
	code, out := health()
	if code != 503 || !strings.HasPrefix(out.Error, "bucket: ") {
		t.Fatalf("bucket gone: %d %+v, want 503 naming the bucket", code, out)
	}
	// s3test's cleanup removes the bucket it made: give it one back.
	t.Cleanup(func() { c.CreateBucket(ctx, &s3.CreateBucketInput{Bucket: aws.String(s.bucket)}) })
	if _, err := c.CreateBucket(ctx, &s3.CreateBucketInput{Bucket: aws.String(s.bucket)}); err != nil {
		t.Fatal(err)
	}
	if code, _ := health(); code != 200 {
		t.Fatalf("bucket back: %d", code)
	}
	a.l.Close()
	code, out = health()
	if code != 503 || !strings.HasPrefix(out.Error, "database: ") {
		t.Fatalf("database gone: %d %+v, want 503 naming the database", code, out)
	}
}
