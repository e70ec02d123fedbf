package replica_test

import (
	"bytes"
	"context"
	"errors"
	"io"
	"math/rand/v2"
	"net"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/ecabinet/ecabinet/core"
	"github.com/ecabinet/ecabinet/meetings"
	"github.com/ecabinet/ecabinet/ops"
	"github.com/ecabinet/ecabinet/papers"
	"github.com/ecabinet/ecabinet/replica"
	"github.com/ecabinet/ecabinet/replica/replicatest"
	"github.com/ecabinet/ecabinet/store/blob"
)

// paperSecret is carried in clear by the test paper, many times over. It
// is made at run time so that the test binary does not hold it.
var paperSecret = strings.ToUpper("bao-cao-mat-so-42-khong-duoc-lo")

// paperBytes makes n bytes of incompressible content with paperSecret
// every 64 KiB.
func paperBytes(n int, seed uint64) []byte {
	r := rand.New(rand.NewPCG(seed, seed))
	b := make([]byte, n)
	for i := 0; i+8 <= n; i += 8 {
		v := r.Uint64()
		for j := range 8 {
			b[i+j] = byte(v >> (8 * j))
		}
	}
	for i := 0; i+len(paperSecret) < n; i += 64 << 10 {
		copy(b[i:], paperSecret)
	}
	return b
}

// paperCommittee is a hub with a secretary's device and three members' devices,
// every device known to the secretary (so the paper's key is wrapped for
// them).
type paperCommittee struct {
	hub     *replicatest.Hub
	sec     *core.Profile
	members []meetings.Member
	devs    []*core.Profile
}

func newPaperCommittee(t testing.TB) *paperCommittee {
	t.Helper()
	hub := replicatest.Start(t, pass, replicatest.Options{Secretary: "Thư ký Chính phủ"})
	init := hub.Init
	c := &paperCommittee{hub: hub, sec: hub.Enroll(t, init.Invite)}
	replicatest.Sync(t, c.sec)
	for _, name := range []string{"Trần Lưu Quang", "Phạm Thị Thanh Trà", "Lê Thành Long"} {
		m, err := c.sec.AddMember(meetings.Member{Name: name, Title: "Phó Thủ tướng", Role: meetings.RoleMember})
		if err != nil {
			t.Fatal(err)
		}
		c.members = append(c.members, m)
	}
	replicatest.Sync(t, c.sec)
	for _, m := range c.members {
		d := hub.EnrollMember(t, m.ID)
		replicatest.Sync(t, d)
		c.devs = append(c.devs, d)
	}
	replicatest.Sync(t, c.sec) // learns the members' devices
	return c
}

func downloader(t testing.TB, p *core.Profile) *replica.Downloader {
	t.Helper()
	c, err := replica.NewClient(p)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(c.Close)
	return replica.NewDownloader(p, c)
}

func readPaper(t *testing.T, p *core.Profile, id string) []byte {
	t.Helper()
	r, _, err := p.OpenPaper(id, 0)
	if err != nil {
		t.Fatalf("%s opens the paper: %v", p.Self().Name, err)
	}
	defer r.Close()
	b, err := io.ReadAll(io.NewSectionReader(r, 0, r.Size()))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// restart serves the hub's replica again on the address it had.
func restart(t *testing.T, h *replicatest.Hub) {
	t.Helper()
	addr := h.URL[len("https://"):]
	var ln net.Listener
	var err error
	for range 50 { // the old listener's port is free once its Serve returned
		if ln, err = net.Listen("tcp", addr); err == nil {
			break
		}
		time.Sleep(20 * time.Millisecond)
	}
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- h.Hub.Serve(ctx, ln) }()
	t.Cleanup(func() { cancel(); <-done })
}

func TestPapers_ReachOnlyTheList_ResumeReplaceRecall(t *testing.T) {
	tmp := t.TempDir()
	t.Setenv("TMPDIR", tmp) // whatever the code writes to a temporary file lands here
	c := newPaperCommittee(t)
	ctx := context.Background()
	m, err := c.sec.CreateMeeting(core.MeetingInput{Title: "Phiên họp Chính phủ thường kỳ tháng 12", Start: time.Now().Add(48 * time.Hour)})
	if err != nil {
		t.Fatal(err)
	}
	it, err := c.sec.AddAgendaItem(m.ID, meetings.AgendaItem{Title: "Dự thảo Nghị định", Minutes: 30})
	if err != nil {
		t.Fatal(err)
	}
	// Published: a draft reaches only the secretariat (audience.go).
	if err := c.sec.SetMeetingStatus(m.ID, meetings.StatusPublished); err != nil {
		t.Fatal(err)
	}
	file := paperBytes(12<<20, 1)
	to := []string{c.members[0].ID, c.members[1].ID}
	pp, err := c.sec.AddPaper(core.PaperInput{MeetingID: m.ID, ItemID: it.ID, FileName: "bao-cao.bin", Title: "Báo cáo", To: to, Confidential: true}, bytes.NewReader(file))
	if err != nil {
		t.Fatal(err)
	}
	cur, _ := pp.CurrentVersion()
	total := len(papers.IDs(cur.Manifest))
	if total < 6 {
		t.Fatalf("the paper has %d chunks; the test needs several", total)
	}
	replicatest.Sync(t, c.sec) // uploads the chunks, then the op
	for _, d := range c.devs {
		replicatest.Sync(t, d)
	}

	// the first member's download is cut when the hub goes away
	d0 := downloader(t, c.devs[0])
	d0.Streams = 1
	d0.Unflushed = 1 // each chunk committed before the next is fetched: the cut lands mid-way
	progress, stop := d0.Subscribe()
	defer stop()
	errc := make(chan error, 1)
	go func() { _, err := d0.RunOnce(ctx); errc <- err }()
	// Wait for three chunks; a download that ends first (nothing to
	// fetch, an error) fails the test instead of leaving it waiting.
wait:
	for {
		select {
		case st, ok := <-progress:
			if !ok || st.Done >= 3 {
				break wait
			}
		case err := <-errc:
			t.Fatalf("the download ended before three chunks arrived: %v", err)
		}
	}
	c.hub.Stop()
	if err := <-errc; err == nil {
		t.Fatal("the download finished although the hub stopped")
	}
	bs0, _ := c.devs[0].Blobs()
	u, _ := bs0.Usage(cur.Manifest)
	if u.Present < 3 || u.Present >= total {
		t.Fatalf("after the cut %d of %d chunks are here", u.Present, total)
	}
	if _, _, err := c.devs[0].OpenPaper(pp.ID, 0); !errors.Is(err, core.ErrPaperNotOffline) {
		t.Fatalf("opening a half-fetched paper: %v", err)
	}
	restart(t, c.hub)
	rep, err := d0.RunOnce(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if rep.Fetched != total-u.Present {
		t.Fatalf("resumed download fetched %d chunks, want only the %d missing", rep.Fetched, total-u.Present)
	}
	d1 := downloader(t, c.devs[1])
	if _, err := d1.RunOnce(ctx); err != nil {
		t.Fatal(err)
	}
	for _, d := range c.devs[:2] {
		if !bytes.Equal(readPaper(t, d, pp.ID), file) {
			t.Fatalf("%s reads different bytes", d.Self().Name)
		}
	}

	// the third member holds nothing and is refused as for a chunk that does not exist
	d2 := downloader(t, c.devs[2])
	if rep, err := d2.RunOnce(ctx); err != nil || rep.Fetched != 0 {
		t.Fatalf("third member's round: %+v, %v", rep, err)
	}
	cl, _ := replica.NewClient(c.devs[2])
	defer cl.Close()
	if _, err := cl.FetchChunk(ctx, pp.ID, cur.Manifest.Chunks[0].ID); !errors.Is(err, replica.ErrChunkNotFound) {
		t.Fatalf("third member's direct request: %v, want not found", err)
	}
	if _, err := cl.FetchChunk(ctx, "no-such-paper", papers.ChunkID{1}); !errors.Is(err, replica.ErrChunkNotFound) {
		t.Fatalf("request for a chunk that does not exist: %v", err)
	}
	// within a batch too: the refused chunk and the one that does not
	// exist get the same absent frame, while a listed member gets the
	// chunk's bytes, as a single request gives them
	c0 := cur.Manifest.Chunks[0].ID
	want := []replica.ChunkWant{{Paper: pp.ID, Chunk: c0}, {Paper: "no-such-paper", Chunk: papers.ChunkID{1}}, {Paper: pp.ID, Chunk: papers.ChunkID{2}}}
	st, body, err := cl.BatchAnswer(ctx, want)
	if err != nil || st != 200 || !bytes.Equal(body, make([]byte, 15)) {
		t.Fatalf("third member's batch: %d, %x (%v); want three absent frames, nothing else", st, body[:min(len(body), 32)], err)
	}
	cl0, _ := replica.NewClient(c.devs[0])
	defer cl0.Close()
	ct, err := cl0.FetchChunk(ctx, pp.ID, c0)
	if err != nil {
		t.Fatal(err)
	}
	st, body, err = cl0.BatchAnswer(ctx, want)
	frame := append([]byte{1, byte(len(ct) >> 24), byte(len(ct) >> 16), byte(len(ct) >> 8), byte(len(ct))}, ct...)
	if err != nil || st != 200 || !bytes.Equal(body, append(frame, make([]byte, 10)...)) {
		t.Fatalf("listed member's batch: %d, %d bytes (%v); want the chunk's %d bytes, then two absent frames", st, len(body), err, len(ct))
	}
	if st, _, _ := cl0.BatchAnswer(ctx, make([]replica.ChunkWant, replica.MaxBatchChunks+1)); st != 400 {
		t.Fatalf("a batch of %d chunks: %d, want 400", replica.MaxBatchChunks+1, st)
	}
	if n := countFiles(t, filepath.Join(c.devs[2].Dir(), "papers", "chunks")); n != 0 {
		t.Fatalf("the third member's device holds %d chunk files", n)
	}
	if _, err := c.devs[2].PaperView(pp.ID); !errors.Is(err, core.ErrNotFound) {
		t.Fatalf("the third member sees the paper: %v", err)
	}

	// a new version that changed one place fetches only the changed chunks
	next := bytes.Clone(file)
	copy(next[6<<20:], paperBytes(2000, 9))
	if _, err := c.sec.ReplacePaper(pp.ID, "bao-cao.bin", bytes.NewReader(next)); err != nil {
		t.Fatal(err)
	}
	replicatest.Sync(t, c.sec)
	replicatest.Sync(t, c.devs[0])
	if v, _ := c.devs[0].PaperView(pp.ID); v.Read != papers.ReadUpdated {
		t.Fatalf("after a new version the member's paper reads %q, want updated", v.Read)
	}
	rep, err = d0.RunOnce(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if rep.Fetched < 1 || rep.Fetched > 2 {
		t.Fatalf("a one-place change fetched %d of %d chunks, want 1 or 2", rep.Fetched, total)
	}
	t.Logf("replace: fetched %d of %d chunks", rep.Fetched, total)
	if !bytes.Equal(readPaper(t, c.devs[0], pp.ID), next) {
		t.Fatal("the new version reads different bytes")
	}

	// recall: removed from the devices at their next sync
	if err := c.sec.RecallPaper(pp.ID); err != nil {
		t.Fatal(err)
	}
	replicatest.Sync(t, c.sec)
	for i, d := range c.devs[:2] {
		replicatest.Sync(t, d)
		dl := d0
		if i == 1 {
			dl = d1
		}
		rep, err := dl.RunOnce(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if n := countFiles(t, filepath.Join(d.Dir(), "papers", "chunks")); n != 0 || rep.Removed == 0 {
			t.Fatalf("%s after the recall: %d chunk files, %d removed", d.Self().Name, n, rep.Removed)
		}
	}
	if _, err := cl.FetchChunk(ctx, pp.ID, cur.Manifest.Chunks[0].ID); !errors.Is(err, replica.ErrChunkNotFound) {
		t.Fatalf("a recalled paper's chunk: %v", err)
	}
	// the secretariat keeps the record: its device keeps the recalled paper
	if _, err := downloader(t, c.sec).RunOnce(ctx); err != nil {
		t.Fatal(err)
	}
	if n := countFiles(t, filepath.Join(c.sec.Dir(), "papers", "chunks")); n == 0 {
		t.Fatal("the secretary's device dropped the recalled paper")
	}

	// no plaintext anywhere: profiles, the hub, the temporary directory
	dirs := []string{c.hub.P.Dir(), c.sec.Dir(), tmp}
	for _, d := range c.devs {
		dirs = append(dirs, d.Dir())
	}
	for _, dir := range dirs {
		filepath.Walk(dir, func(path string, info os.FileInfo, err error) error {
			if err != nil || info.IsDir() || !info.Mode().IsRegular() {
				return nil
			}
			b, err := os.ReadFile(path)
			if err == nil && bytes.Contains(b, []byte(paperSecret)) {
				t.Errorf("plaintext of the paper found in %s", path)
			}
			return nil
		})
	}
}

// countFiles counts the regular files under dir.
func countFiles(t *testing.T, dir string) int {
	t.Helper()
	n := 0
	filepath.Walk(dir, func(_ string, info os.FileInfo, err error) error {
		if err == nil && info.Mode().IsRegular() {
			n++
		}
		return nil
	})
	return n
}

// TestPapers_HubRefusesOpWithoutChunks: the hub accepts a paper op only
// when it holds every chunk the op names; the device uploads them first,
// and a device that cannot (its chunks are gone) pushes nothing.
func TestPapers_HubRefusesOpWithoutChunks(t *testing.T) {
	c := newPaperCommittee(t)
	m, _ := c.sec.CreateMeeting(core.MeetingInput{Title: "Phiên họp", Start: time.Now().Add(time.Hour)})
	it, _ := c.sec.AddAgendaItem(m.ID, meetings.AgendaItem{Title: "Mục một", Minutes: 10})
	replicatest.Sync(t, c.sec)
	if _, err := c.sec.AddPaper(core.PaperInput{MeetingID: m.ID, ItemID: it.ID, FileName: "a.txt"}, bytes.NewReader([]byte("Tờ trình số một"))); err != nil {
		t.Fatal(err)
	}
	// pushed straight to the hub's replica, without the upload: refused
	items, err := c.sec.Outbox(10)
	if err != nil || len(items) != 1 {
		t.Fatalf("outbox %d, %v", len(items), err)
	}
	vs, err := c.hub.P.HubAccept(c.sec.DeviceID(), [][]byte{items[0].Op})
	if err != nil || len(vs) != 1 || vs[0].Accepted() || vs[0].Code != "err.paper.chunks_missing" {
		t.Fatalf("hub verdict on a paper op without its chunks: %+v, %v", vs, err)
	}
	// the chunks gone from the secretary's device: the sync fails before the push
	os.RemoveAll(filepath.Join(c.sec.Dir(), "papers", "chunks"))
	cl, _ := replica.NewClient(c.sec)
	defer cl.Close()
	if _, err := cl.SyncOnce(context.Background(), nil); err == nil {
		t.Fatal("a paper op was pushed without its chunks")
	}
	if n := countFiles(t, filepath.Join(c.hub.P.Dir(), "chunks", "chunks")); n != 0 {
		t.Fatalf("the hub holds %d chunks", n)
	}
	_, op, _ := ops.Decode(items[0].Op)
	if id, _, ok := core.PaperOpManifest(op); !ok {
		t.Fatal("the outbox op adds no paper")
	} else if _, err := c.hub.P.Paper(id); !errors.Is(err, core.ErrNotFound) {
		t.Fatalf("the hub holds the paper: %v", err)
	}
}

// TestPapers_GivenPagesAppended_ThenTransferWithinAppendedBytesPlusTwoChunks:
// a new version of a real PDF made by an incremental update (two pages
// appended, poppler reads all of them) costs the member's device the
// appended bytes plus two chunks at most, counting every byte it read from
// the hub for it (pull, chunks, TLS, HTTP). The two chunks: the old
// version's last chunk, which ended where the old file did and is cut again
// with the appended bytes (exactly those bytes are fetched again: every
// chunk before it is reused), and one chunk's worth (the chunker's average)
// for all the rest. Three revisions in a row, as a paper grows.
func TestPapers_GivenPagesAppended_ThenTransferWithinAppendedBytesPlusTwoChunks(t *testing.T) {
	f := appendPaperOnHub(t, 6, 8<<20)
	avg := int64(papers.DefaultChunkerParams.Avg)
	for i := range 3 {
		r := f.appendPages(t, 2, 400<<10)
		plain := r.chunks - int64(r.fetched)*blob.Overhead
		t.Logf("revision %d: +%d bytes, fetched %d chunks, %d bytes of plaintext (old last chunk %d), %d on the wire; appended + 2 average chunks: %d",
			i+1, r.appended, r.fetched, plain, r.lastOld, r.wire, r.bound)
		if plain != r.appended+r.lastOld {
			t.Fatalf("revision %d fetched %d bytes of chunks, want the %d appended and the %d of the old last chunk", i+1, plain, r.appended, r.lastOld)
		}
		if limit := r.appended + r.lastOld + avg; r.wire > limit {
			t.Fatalf("revision %d: the device read %d bytes from the hub, over the appended %d plus two chunks (%d and %d)", i+1, r.wire, r.appended, r.lastOld, avg)
		}
	}
	if !bytes.Equal(readPaper(t, f.c.devs[0], f.paper), f.pdf) {
		t.Fatal("the member's device reads different bytes")
	}
}

// A paper of a draft meeting reaches its listed members only when the
// meeting is published: until then the hub answers a direct request for its
// chunks as for chunks that do not exist, since serving them would tell
// that the paper exists.
func TestPapers_GivenADraftMeeting_ThenItsChunksAreRefusedUntilPublished(t *testing.T) {
	c := newPaperCommittee(t)
	ctx := context.Background()
	m, err := c.sec.CreateMeeting(core.MeetingInput{Title: "Phiên họp chuyên đề (dự thảo)", Start: time.Now().Add(72 * time.Hour)})
	if err != nil {
		t.Fatal(err)
	}
	it, err := c.sec.AddAgendaItem(m.ID, meetings.AgendaItem{Title: "Tờ trình", Minutes: 20})
	if err != nil {
		t.Fatal(err)
	}
	pp, err := c.sec.AddPaper(core.PaperInput{MeetingID: m.ID, ItemID: it.ID, FileName: "to-trinh.bin", Title: "Tờ trình", To: []string{c.members[0].ID}}, bytes.NewReader(paperBytes(1<<20, 3)))
	if err != nil {
		t.Fatal(err)
	}
	cur, _ := pp.CurrentVersion()
	replicatest.Sync(t, c.sec)
	replicatest.Sync(t, c.devs[0])
	cl, err := replica.NewClient(c.devs[0])
	if err != nil {
		t.Fatal(err)
	}
	defer cl.Close()
	if _, err := cl.FetchChunk(ctx, pp.ID, cur.Manifest.Chunks[0].ID); !errors.Is(err, replica.ErrChunkNotFound) {
		t.Fatalf("a listed member's request for a draft meeting's chunk: %v, want not found", err)
	}
	if err := c.sec.SetMeetingStatus(m.ID, meetings.StatusPublished); err != nil {
		t.Fatal(err)
	}
	replicatest.Sync(t, c.sec)
	if _, err := cl.FetchChunk(ctx, pp.ID, cur.Manifest.Chunks[0].ID); err != nil {
		t.Fatalf("after publication the listed member's request: %v", err)
	}
}
