package replica

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"io"
	"net"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/ecabinet/ecabinet/ballots"
	"github.com/ecabinet/ecabinet/core"
	"github.com/ecabinet/ecabinet/hublog/pglog"
	"github.com/ecabinet/ecabinet/internal/pdftest"
	"github.com/ecabinet/ecabinet/meetings"
	"github.com/ecabinet/ecabinet/ops"
	"github.com/ecabinet/ecabinet/store/blob/s3chunks"
)

// cutProxy passes TCP through to target until Cut, after which it closes
// every connection open through it and each new one as it comes: the
// object store gone from the hub's network. Restore lets them through again.
type cutProxy struct {
	ln     net.Listener
	target string
	mu     sync.Mutex
	cut    bool
	open   map[net.Conn]bool
}

func newCutProxy(t *testing.T, target string) *cutProxy {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	p := &cutProxy{ln: ln, target: target, open: map[net.Conn]bool{}}
	t.Cleanup(func() { ln.Close(); p.Cut() })
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			go p.serve(c)
		}
	}()
	return p
}

func (p *cutProxy) serve(c net.Conn) {
	p.mu.Lock()
	if p.cut {
		p.mu.Unlock()
		c.Close()
		return
	}
	up, err := net.Dial("tcp", p.target)
	if err != nil {
		p.mu.Unlock()
		c.Close()
		return
	}
	p.open[c], p.open[up] = true, true
	p.mu.Unlock()
	done := make(chan struct{}, 2)
	go func() { io.Copy(up, c); done <- struct{}{} }()
	go func() { io.Copy(c, up); done <- struct{}{} }()
	<-done
	c.Close()
	up.Close()
	p.mu.Lock()
	delete(p.open, c)
	delete(p.open, up)
	p.mu.Unlock()
}

// Cut closes every connection and refuses new ones.
func (p *cutProxy) Cut() {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.cut = true
	for c := range p.open {
		c.Close()
	}
}

// Restore passes new connections through again.
func (p *cutProxy) Restore() {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.cut = false
}

// faultCommittee is what both fault tests start from, through process a:
// the secretary's device, one member with a device of their own, and an
// open ballot for that member.
type faultCommittee struct {
	sec, quang *core.Profile
	member     meetings.Member
	ballot     ballots.Ballot
}

// newDevice enrolls one more device of member through a, invited by the
// secretary's device.
func (c *faultCommittee) newDevice(t *testing.T, a *sharedProc) *core.Profile {
	t.Helper()
	inv, err := clientAt(t, c.sec, a).Invite(context.Background(), c.member.ID, time.Hour)
	if err != nil {
		t.Fatal(err)
	}
	p, err := enrollAt(t, a, inv.Code)
	if err != nil {
		t.Fatal(err)
	}
	return p
}

func newFaultCommittee(t *testing.T, s *sharedSetup, a *sharedProc) *faultCommittee {
	t.Helper()
	sec, err := enrollAt(t, a, s.init.Invite)
	if err != nil {
		t.Fatal(err)
	}
	syncAt(t, sec, a)
	c := &faultCommittee{sec: sec}
	if c.member, err = sec.AddMember(meetings.Member{Name: "Trần Lưu Quang", Title: "Phó Thủ tướng", Role: meetings.RoleMember}); err != nil {
		t.Fatal(err)
	}
	if c.ballot, err = sec.IssueBallot(core.BallotInput{Title: "Phiếu lấy ý kiến", Question: "Thông qua tờ trình?", Deadline: time.Now().Add(24 * time.Hour),
		Eligible: []string{c.member.ID}}); err != nil {
		t.Fatal(err)
	}
	syncAt(t, sec, a)
	c.quang = c.newDevice(t, a)
	syncAt(t, c.quang, a)
	return c
}

// TestSharedHub_GivenTheBucketDown_ThenOnlyThePaperWaits is SCALE.md §6.6's
// object-store fault on the scaled-out hub (real PostgreSQL, real
// versitygw, the hub's S3 connections through a proxy that cuts them):
// while the bucket cannot be reached, a member's answer still goes through
// the hub, and so does the secretary's change made before a new paper; the
// paper and the change after it wait on the secretary's computer, the sync
// says which paper, and the pull still brings the member's answer. Once
// the bucket is back, the next sync sends both, and the member's device
// fetches the paper whole.
func TestSharedHub_GivenTheBucketDown_ThenOnlyThePaperWaits(t *testing.T) {
	s := newSharedSetup(t)
	ep, err := url.Parse(s.s3.Endpoint)
	if err != nil {
		t.Fatal(err)
	}
	proxy := newCutProxy(t, ep.Host)
	cs, err := s3chunks.Open(context.Background(), s3chunks.Config{Endpoint: "http://" + proxy.ln.Addr().String(), Bucket: s.bucket,
		AccessKey: s.s3.Access, SecretKey: s.s3.Secret})
	if err != nil {
		t.Fatal(err)
	}
	a := s.startWith(t, cs)
	ctx := context.Background()

	c := newFaultCommittee(t, s, a)
	sec, quang, member, bal := c.sec, c.quang, c.member, c.ballot
	m, err := sec.CreateMeeting(core.MeetingInput{Title: "Phiên họp thường kỳ", Start: time.Now().Add(48 * time.Hour), Participants: []string{member.ID}})
	if err != nil {
		t.Fatal(err)
	}
	item, err := sec.AddAgendaItem(m.ID, meetings.AgendaItem{Title: "Dự thảo Nghị định", Minutes: 20})
	if err != nil {
		t.Fatal(err)
	}
	if err := sec.SetMeetingStatus(m.ID, meetings.StatusPublished); err != nil {
		t.Fatal(err)
	}
	syncAt(t, sec, a)
	syncAt(t, quang, a)
	syncAt(t, sec, a) // learns the member's device, to give it the paper's key

	proxy.Cut()
	// The member's answer needs no chunk: it goes through.
	if _, err := quang.AnswerBallot(bal.ID, ballots.ChoiceAgree, "Nhất trí"); err != nil {
		t.Fatal(err)
	}
	syncAt(t, quang, a)
	// The secretary: a change, a paper, a change.
	before, err := sec.AddAgendaItem(m.ID, meetings.AgendaItem{Title: "Báo cáo tình hình", Minutes: 10})
	if err != nil {
		t.Fatal(err)
	}
	pdf := pdftest.Make(6, 3<<20)
	pp, err := sec.AddPaper(core.PaperInput{MeetingID: m.ID, ItemID: item.ID, Title: "Tờ trình dự thảo Nghị định", FileName: "to-trinh.pdf"}, bytes.NewReader(pdf))
	if err != nil {
		t.Fatal(err)
	}
	after, err := sec.AddAgendaItem(m.ID, meetings.AgendaItem{Title: "Kết luận", Minutes: 5})
	if err != nil {
		t.Fatal(err)
	}
	rep, err := clientAt(t, sec, a).SyncOnce(ctx, nil)
	var held *UploadHeldError
	if !errors.As(err, &held) || held.Paper != pp.Title {
		t.Fatalf("sync with the bucket down: %v (%T); want the paper %q held", err, err, pp.Title)
	}
	if d := held.Domain(); d.Code != "err.paper.upload_held" || d.Args["paper"] != pp.Title {
		t.Errorf("the held paper's error for the screens: %+v", d)
	}
	if rep.Accepted != 1 || rep.Pending < 2 {
		t.Errorf("sync with the bucket down: %+v; want the change before the paper accepted and the paper and the change after it pending", rep)
	}
	if res, _, err := sec.Tally(bal.ID); err != nil || res.Counts[ballots.ChoiceAgree] != 1 {
		t.Errorf("the member's answer did not reach the secretary while the bucket was down: %+v, %v", res, err)
	}
	agendaAt := func(p *core.Profile) map[string]bool {
		t.Helper()
		got, err := p.Meeting(m.ID)
		if err != nil {
			t.Fatal(err)
		}
		out := map[string]bool{}
		for _, it := range got.Agenda {
			out[it.ID] = true
		}
		return out
	}
	syncAt(t, quang, a)
	if got := agendaAt(quang); !got[before.ID] || got[after.ID] {
		t.Errorf("the member's agenda with the bucket down: %v; want the item added before the paper, not the one after", got)
	}
	if _, err := quang.PaperView(pp.ID); !errors.Is(err, core.ErrNotFound) {
		t.Errorf("the member knows of the paper that has not reached the hub: %v", err)
	}

	proxy.Restore()
	syncAt(t, sec, a)
	syncAt(t, quang, a)
	if got := agendaAt(quang); !got[before.ID] || !got[after.ID] {
		t.Errorf("the member's agenda with the bucket back: %v", got)
	}
	cl := clientAt(t, quang, a)
	if r, err := NewDownloader(quang, cl).RunOnce(ctx); err != nil || r.Offline != 1 {
		t.Fatalf("the member fetches the paper: %+v, %v", r, err)
	}
	rd, _, err := quang.OpenPaper(pp.ID, 0)
	if err != nil {
		t.Fatal(err)
	}
	defer rd.Close()
	got, err := io.ReadAll(io.NewSectionReader(rd, 0, rd.Size()))
	if err != nil || !bytes.Equal(got, pdf) {
		t.Fatalf("the paper on the member's device: %d bytes, %v; want the %d bytes attached", len(got), err, len(pdf))
	}
}

// TestSharedHub_GivenTheDatabaseDown_ThenDevicesRetryAndNothingIsLost is
// SCALE.md §6.6's database fault on the scaled-out hub (real PostgreSQL
// reached through a proxy that cuts every connection, as a restart of the
// server would): while the database cannot be reached, the hub says it is
// unavailable (503, and /healthz names the database), never that the
// device is unknown or revoked; the member's answer stays saved on the
// member's computer. Once the database is back, the same hub process,
// without a restart, takes the answer, and the shared log holds it once.
func TestSharedHub_GivenTheDatabaseDown_ThenDevicesRetryAndNothingIsLost(t *testing.T) {
	s := newSharedSetup(t)
	u, err := url.Parse(s.dsn)
	if err != nil {
		t.Fatal(err)
	}
	proxy := newCutProxy(t, u.Host)
	u.Host = proxy.ln.Addr().String()
	var he *Error
	a := s.startOn(t, u.String(), s.chunks(t))
	ctx := context.Background()

	c := newFaultCommittee(t, s, a)
	sec, quang, member, bal := c.sec, c.quang, c.member, c.ballot
	// A second device of the member's, revoked (a laptop lost): while
	// the database is down it is told to try again, and given nothing.
	lost := c.newDevice(t, a)
	if err := clientAt(t, sec, a).RevokeDevice(ctx, lost.DeviceID()); err != nil {
		t.Fatal(err)
	}

	proxy.Cut()
	for _, path := range []string{PathPull, PathSnapshot, PathChunkOffer} {
		var resp PullResponse
		err := call(ctx, clientAt(t, lost, a).http, a.url, path, PullRequest{Version: Version}, &resp)
		if !errors.As(err, &he) || he.Status != 503 {
			t.Errorf("the revoked device's %s with the database down: %v; want 503 and nothing else", path, err)
		}
	}
	if _, err := quang.AnswerBallot(bal.ID, ballots.ChoiceAgree, "Nhất trí"); err != nil {
		t.Fatal(err)
	}
	_, err = clientAt(t, quang, a).SyncOnce(ctx, nil)
	if !errors.As(err, &he) || he.Status != 503 {
		t.Fatalf("a sync with the database down: %v; want the hub's 503", err)
	}
	if he.Code == CodeUnauthorized || he.Code == CodeRevoked {
		t.Fatalf("with the database down the hub told the device it is not enrolled: %v", he)
	}
	if n := quang.Pending(); n != 1 {
		t.Errorf("%d changes saved on the member's computer with the database down, want the answer", n)
	}
	if st, err := health(t, a); err != nil || st.Status == "ok" || !strings.HasPrefix(st.Error, "database: ") {
		t.Errorf("/healthz with the database down: %+v, %v; want it to name the database", st, err)
	}

	proxy.Restore()
	// The hub's pool learns of the database's return at its next
	// connection; each round is retried as the app's replicator would,
	// boundedly (counted, not timed).
	var rep Report
	for range 40 {
		if rep, err = clientAt(t, quang, a).SyncOnce(ctx, nil); err == nil {
			break
		}
		time.Sleep(250 * time.Millisecond)
	}
	if err != nil || rep.Accepted != 1 || quang.Pending() != 0 {
		t.Fatalf("the member's sync once the database is back: %+v, %v", rep, err)
	}
	syncAt(t, sec, a)
	if res, _, err := sec.Tally(bal.ID); err != nil || res.Counts[ballots.ChoiceAgree] != 1 {
		t.Fatalf("tally at the secretary: %+v, %v", res, err)
	}
	// With the database back, the revoked device is refused as before.
	if _, err := clientAt(t, lost, a).SyncOnce(ctx, nil); err == nil || errors.As(err, &he) && he.Status == 503 {
		t.Errorf("the revoked device's sync with the database back: %v; want it refused", err)
	}
	// The answer is in the shared log exactly once.
	l, err := pglog.Open(ctx, s.dsn, pglog.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	rows, err := l.Pool().Query(ctx, "SELECT op FROM hublog_entries WHERE log_id = $1", l.ID())
	if err != nil {
		t.Fatal(err)
	}
	times := 0
	for rows.Next() {
		var raw []byte
		if err := rows.Scan(&raw); err != nil {
			t.Fatal(err)
		}
		if _, op, err := ops.Decode(raw); err == nil && op.Kind == ops.KindBallotAnswer && op.Member == member.ID {
			times++
		}
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	if times != 1 {
		t.Errorf("the member's answer is %d times in the shared log, want once", times)
	}
}

// health asks process p's /healthz.
func health(t *testing.T, p *sharedProc) (Health, error) {
	t.Helper()
	rec := httptest.NewRecorder()
	p.h.Handler().ServeHTTP(rec, httptest.NewRequest("GET", PathHealth, nil))
	var out Health
	err := json.Unmarshal(rec.Body.Bytes(), &out)
	return out, err
}
