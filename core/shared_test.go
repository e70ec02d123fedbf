package core_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/ecabinet/ecabinet/codec"
	"github.com/ecabinet/ecabinet/core"
	"github.com/ecabinet/ecabinet/hublog"
	"github.com/ecabinet/ecabinet/hublog/badgerlog"
	"github.com/ecabinet/ecabinet/hublog/pglog"
	"github.com/ecabinet/ecabinet/identity"
	"github.com/ecabinet/ecabinet/internal/pgtest"
	"github.com/ecabinet/ecabinet/meetings"
	"github.com/ecabinet/ecabinet/ops"
	"github.com/ecabinet/ecabinet/store"
	"github.com/ecabinet/ecabinet/yeardata"
)

// Two hub processes on one shared log: two caches (two Profiles in two
// directories) and the log on a third store (badgerlog), or in a real
// PostgreSQL (pglog).

var sharedPass = []byte("shared log test passphrase")

// badgerLog is a shared log in a store of its own.
func badgerLog(t testing.TB) hublog.Log {
	t.Helper()
	st, err := store.Create(filepath.Join(t.TempDir(), "log"), sharedPass)
	if err != nil {
		t.Fatal(err)
	}
	l, err := badgerlog.New(st)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { l.Close(); st.Close() })
	return l
}

// postgresLog is a shared log in a fresh database of the test PostgreSQL.
func postgresLog(t testing.TB) hublog.Log {
	t.Helper()
	dsn := pgtest.NewDatabase(t)
	ctx := context.Background()
	if _, _, err := pglog.Migrate(ctx, dsn); err != nil {
		t.Fatal(err)
	}
	l, err := pglog.Open(ctx, dsn, pglog.Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { l.Close() })
	return l
}

// sharedHub is a hub made as a single machine, moved to the shared log l
// (its entries appended, as `hub export` does), and a second process's
// cache made from its identity.
type sharedHub struct {
	l    hublog.Log
	a, b *core.Profile
	dirB string
	sec  meetings.Member
}

func newSharedHub(t testing.TB, l hublog.Log) *sharedHub {
	t.Helper()
	ctx := context.Background()
	a, err := core.CreateHub(filepath.Join(t.TempDir(), "a"), sharedPass, "Văn phòng Chính phủ")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { a.Close() })
	ents, err := a.HubEntries(0, 1000)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := l.Append(ctx, ents...); err != nil {
		t.Fatal(err)
	}
	if err := a.ShareLog(ctx, l); err != nil {
		t.Fatal(err)
	}
	h := &sharedHub{l: l, a: a, dirB: filepath.Join(t.TempDir(), "b")}
	h.b = h.replica(t, h.dirB)
	if h.sec, err = h.b.AddMember(meetings.Member{Name: "Thư ký", Role: meetings.RoleSecretary}); err != nil {
		t.Fatal(err)
	}
	return h
}

// replica makes a new cache in dir for the hub and attaches it.
func (h *sharedHub) replica(t testing.TB, dir string) *core.Profile {
	t.Helper()
	id, err := h.a.HubIdentity()
	if err != nil {
		t.Fatal(err)
	}
	// The identity travels as CBOR (sealed in PostgreSQL).
	raw, err := codec.Marshal(id)
	if err != nil {
		t.Fatal(err)
	}
	var back core.HubIdentity
	if err := codec.Unmarshal(raw, &back); err != nil {
		t.Fatal(err)
	}
	p, err := core.CreateHubReplica(dir, sharedPass, back)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { p.Close() })
	if err := p.ShareLog(context.Background(), h.l); err != nil {
		t.Fatal(err)
	}
	return p
}

// year generates a body's year for the secretary and enrolls its device
// through the process via.
func (h *sharedHub) year(t testing.TB, via *core.Profile, body string, seed uint64) *yeardata.Data {
	t.Helper()
	return yearFor(t, via, h.sec.ID, body, seed)
}

// yearFor generates a body's year for the secretary secID of the hub p
// and enrolls its device there.
func yearFor(t testing.TB, p *core.Profile, secID, body string, seed uint64) *yeardata.Data {
	t.Helper()
	data, err := yeardata.Generate(secID, yeardata.Size{Meetings: 3, ItemsPerMeet: 2, Ballots: 8, Members: 4, Body: body}, seed)
	if err != nil {
		t.Fatal(err)
	}
	if err := p.EnrollDevice(secID, data.Secretary.Pub); err != nil {
		t.Fatal(err)
	}
	return data
}

// pushAlternating pushes ops in pages of n, through a and b in turn, and
// returns every verdict.
func pushAlternating(t testing.TB, procs []*core.Profile, page [][]byte, n int) []core.Verdict {
	t.Helper()
	var all []core.Verdict
	for i := 0; len(page) > 0; i++ {
		k := min(n, len(page))
		vs, err := procs[i%len(procs)].HubImport(page[:k])
		if err != nil {
			t.Fatal(err)
		}
		for j, v := range vs {
			if !v.Accepted() {
				t.Fatalf("op %d refused: %+v", j, v)
			}
		}
		all = append(all, vs...)
		page = page[k:]
	}
	return all
}

// viewer enrolls a new device for member through p and returns its ID.
func viewer(t testing.TB, p *core.Profile, member string) string {
	t.Helper()
	d, err := identity.New()
	if err != nil {
		t.Fatal(err)
	}
	if err := p.EnrollDevice(member, d.Pub); err != nil {
		t.Fatal(err)
	}
	return d.ID
}

// pulled is a device's whole view of a cache, encoded: what must be
// byte-identical between the caches.
func pulled(t *testing.T, p *core.Profile, device string) []byte {
	t.Helper()
	var all []core.Pulled
	var since uint64
	for {
		ents, next, head, err := p.HubPull(device, since, 50)
		if err != nil {
			t.Fatal(err)
		}
		all = append(all, ents...)
		if next >= head || next == since {
			break
		}
		since = next
	}
	b, err := codec.Marshal(all)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// catchUp brings every cache to the log's head.
func catchUp(t *testing.T, procs ...*core.Profile) {
	t.Helper()
	for _, p := range procs {
		if _, err := p.HubCatchUp(context.Background()); err != nil {
			t.Fatal(err)
		}
	}
}

// sameCaches checks that the caches hold the shared log's entries, gap
// free, each (device, dev_seq) once, identical to the ns, and give the
// viewers byte-identical pulls.
func sameCaches(t *testing.T, l hublog.Log, viewers []string, procs ...*core.Profile) []hublog.Entry {
	t.Helper()
	catchUp(t, procs...)
	ctx := context.Background()
	head, err := l.Head(ctx)
	if err != nil {
		t.Fatal(err)
	}
	var shared []hublog.Entry
	for since := uint64(0); since < head; {
		pg, err := l.Read(ctx, since, hublog.Query{All: true, Limit: 500})
		if err != nil {
			t.Fatal(err)
		}
		shared = append(shared, pg.Entries...)
		since = pg.Next
	}
	seen := map[hublog.Key]bool{}
	for i, e := range shared {
		if e.Seq != uint64(i+1) {
			t.Fatalf("shared entry %d has seq %d", i+1, e.Seq)
		}
		if seen[hublog.KeyOf(e)] {
			t.Fatalf("(%s, %d) twice in the log", e.Device, e.DevSeq)
		}
		seen[hublog.KeyOf(e)] = true
	}
	for _, p := range procs {
		own, err := p.HubEntries(0, 1<<30)
		if err != nil {
			t.Fatal(err)
		}
		if len(own) != len(shared) {
			t.Fatalf("a cache holds %d entries, the log %d", len(own), len(shared))
		}
		for i := range own {
			if err := sameEntry(own[i], shared[i]); err != nil {
				t.Fatalf("entry %d: %v", i+1, err)
			}
		}
	}
	for _, v := range viewers {
		want := pulled(t, procs[0], v)
		for _, p := range procs[1:] {
			if got := pulled(t, p, v); !bytes.Equal(got, want) {
				t.Fatalf("device %s pulls %d bytes from one cache, %d from another", v, len(want), len(got))
			}
		}
	}
	return shared
}

func sameEntry(a, b hublog.Entry) error {
	switch {
	case a.Seq != b.Seq || a.Device != b.Device || a.DevSeq != b.DevSeq:
		return fmt.Errorf("%d %s #%d vs %d %s #%d", a.Seq, a.Device, a.DevSeq, b.Seq, b.Device, b.DevSeq)
	case !bytes.Equal(a.Op, b.Op):
		return errors.New("op bytes differ")
	case !a.At.Equal(b.At):
		return fmt.Errorf("at %v vs %v", a.At, b.At)
	case fmt.Sprint(a.Audience) != fmt.Sprint(b.Audience):
		return fmt.Errorf("audience %v vs %v", a.Audience, b.Audience)
	}
	return nil
}

// kindsIn counts the log's ops of a kind by the record they name.
func kindsIn(t *testing.T, entries []hublog.Entry, kind ops.Kind) map[string]int {
	t.Helper()
	n := map[string]int{}
	for _, e := range entries {
		_, op, err := ops.Decode(e.Op)
		if err != nil {
			t.Fatal(err)
		}
		if op.Kind != kind {
			continue
		}
		_, rec, _ := ops.RecordOf(op)
		n[rec.ID]++
	}
	return n
}

// Pushes through A and B in turn: the caches agree entry for entry with
// the log and give every viewer the same bytes; a re-push through the
// other process gets the identical verdict and receipt.
func TestSharedLog_PushesThroughTwoProcesses(t *testing.T) {
	for _, c := range []struct {
		name string
		log  func(testing.TB) hublog.Log
	}{
		{"badgerlog", badgerLog},
		{"postgres", postgresLog},
	} {
		t.Run(c.name, func(t *testing.T) {
			h := newSharedHub(t, c.log(t))
			data := h.year(t, h.a, "body0", 1)
			first := pushAlternating(t, []*core.Profile{h.a, h.b}, data.Ops, 7)
			data1 := h.year(t, h.b, "body1", 2)
			pushAlternating(t, []*core.Profile{h.b, h.a}, data1.Ops, 11)
			viewers := []string{viewer(t, h.a, h.sec.ID), viewer(t, h.b, "body0-m002"), viewer(t, h.a, "body1-m001")}
			sameCaches(t, h.l, viewers, h.a, h.b)
			// Re-pushed through the other process: the same verdicts.
			again := pushAlternating(t, []*core.Profile{h.b, h.a}, data.Ops, 7)
			for i := range first {
				if !bytes.Equal(mustCBOR(t, first[i]), mustCBOR(t, again[i])) {
					t.Fatalf("op %d: verdict %+v, re-pushed %+v", i, first[i], again[i])
				}
			}
			// Hub-made ops (enrollments, progress) numbered once each,
			// from both processes.
			sameCaches(t, h.l, viewers, h.a, h.b)
			if n, err := h.b.VerifyLog(); err != nil || n == 0 {
				t.Fatalf("verify log: %d %v", n, err)
			}
		})
	}
}

func mustCBOR(t *testing.T, v any) []byte {
	t.Helper()
	b, err := codec.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// Closing ballots at their deadline and signing their results run on both
// processes at once: each happens once.
func TestSharedLog_CloseAndPublishOnBothAtOnce(t *testing.T) {
	for name, log := range map[string]func(testing.TB) hublog.Log{"badgerlog": badgerLog, "postgres": postgresLog} {
		t.Run(name, func(t *testing.T) {
			h := newSharedHub(t, log(t))
			data := h.year(t, h.a, "body0", 3)
			pushAlternating(t, []*core.Profile{h.a, h.b}, data.Ops, 20)
			catchUp(t, h.a, h.b)
			open := 0
			for _, b := range h.a.Ballots() {
				if b.Status == "open" {
					open++
				}
			}
			if open == 0 {
				t.Fatal("no open ballot to close")
			}
			later := time.Now().Add(400 * 24 * time.Hour)
			var wg sync.WaitGroup
			closed := make([]int, 2)
			errs := make([]error, 4)
			for i, p := range []*core.Profile{h.a, h.b} {
				wg.Add(1)
				go func() {
					defer wg.Done()
					closed[i], errs[i] = p.HubCloseDue(later)
					if errs[i] == nil {
						_, errs[2+i] = p.HubPublishResults()
					}
				}()
			}
			wg.Wait()
			for _, err := range errs {
				if err != nil {
					t.Fatal(err)
				}
			}
			if closed[0]+closed[1] != open {
				t.Errorf("closed %d+%d ballots, %d were open", closed[0], closed[1], open)
			}
			entries := sameCaches(t, h.l, []string{viewer(t, h.a, "body0-m001")}, h.a, h.b)
			closes, results := kindsIn(t, entries, ops.KindBallotClose), kindsIn(t, entries, ops.KindBallotResult)
			for _, b := range h.b.Ballots() {
				if b.Status != "closed" {
					t.Errorf("ballot %s is %s", b.ID, b.Status)
				}
				if closes[b.ID] > 1 || results[b.ID] != 1 {
					t.Errorf("ballot %s: closed %d times, %d results", b.ID, closes[b.ID], results[b.ID])
				}
			}
			if _, err := h.a.AuditVerify(); err != nil {
				t.Fatal(err)
			}

		})
	}
}

// A member of one body joins another with a year of records through A,
// one reveal per transaction; A may stop after making some of them: B's
// next write makes the rest, each once, and the member's pull is the same
// from both. A member removed before their reveals were made gets none,
// and the queue item is settled in the log for both caches.
func TestSharedLog_RevealsOwedAreMadeOnceByWhoeverWritesNext(t *testing.T) {
	defer core.SetRevealTxnBytes(1)()
	for _, c := range []struct {
		name      string
		failAfter int  // A's writes that pass (the change, then reveals); 0: all
		remove    bool // the member is removed through B before B writes
	}{
		{name: "made by A"},
		{name: "A stops after the change, B makes them", failAfter: 1},
		{name: "A stops after one reveal, B makes the rest", failAfter: 2},
		{name: "A stops, the member is removed, B settles", failAfter: 1, remove: true},
	} {
		t.Run(c.name, func(t *testing.T) {
			h := newSharedHub(t, badgerLog(t))
			d0 := h.year(t, h.a, "body0", 5)
			pushAlternating(t, []*core.Profile{h.a, h.b}, d0.Ops, 25)
			d1 := h.year(t, h.b, "body1", 6)
			pushAlternating(t, []*core.Profile{h.b, h.a}, d1.Ops, 25)
			catchUp(t, h.a)
			joiner := "body1-m002"
			dev := viewer(t, h.a, joiner)
			writes := 0
			if c.failAfter > 0 {
				restore := core.SetHubFault(func(stage string) error {
					if stage != "before" {
						return nil
					}
					if writes++; writes > c.failAfter {
						return errors.New("process stopped")
					}
					return nil
				})
				err := h.a.SetMembership(joiner, "body0", meetings.RoleMember)
				restore()
				if err == nil {
					t.Fatal("the reveals did not fail")
				}
				if n, err := h.a.HubRevealsOwed(); err != nil || n != 1 {
					t.Fatalf("owed %d (%v), want the change's item", n, err)
				}
			} else if err := h.a.SetMembership(joiner, "body0", meetings.RoleMember); err != nil {
				t.Fatal(err)
			}
			if c.remove {
				if err := h.b.RemoveMember(joiner); err != nil {
					t.Fatal(err)
				}
			}
			viewer(t, h.b, "body0-m001") // B writes next
			entries := sameCaches(t, h.l, []string{dev}, h.a, h.b)
			for _, p := range []*core.Profile{h.a, h.b} {
				if n, err := p.HubRevealsOwed(); err != nil || n != 0 {
					t.Fatalf("a cache still owes %d (%v)", n, err)
				}
			}
			revealed, settled := map[string]int{}, 0
			for _, e := range entries {
				_, op, _ := ops.Decode(e.Op)
				if op.Kind != ops.KindRecordReveal {
					continue
				}
				var r ops.RecordReveal
				if err := op.DecodeBody(&r); err != nil {
					t.Fatal(err)
				}
				if len(r.To) == 0 {
					settled++
				}
				for _, to := range r.To {
					// body1's meetings were revealed to its members as
					// they were published, with the year.
					if to == joiner && strings.Contains(r.Entity, "/body0-") {
						revealed[r.Entity]++
					}
				}
			}
			if c.remove {
				if len(revealed) != 0 || settled != 1 {
					t.Fatalf("revealed %v to a removed member, %d settlements", revealed, settled)
				}
				return
			}
			// body0's meetings (its ballots' audience is their eligible
			// members, fixed when they opened).
			if len(revealed) != 3 || settled != 0 {
				t.Fatalf("revealed %v to the joiner (%d settlements), want body0's 3 meetings", revealed, settled)
			}
			for e, n := range revealed {
				if n != 1 {
					t.Errorf("%s revealed %d times", e, n)
				}
			}
		})
	}
}

// The crash windows: the cache's commit failing after the shared log
// committed (A is behind, catches up, loses nothing), and the shared log
// failing before its commit (nothing anywhere; the re-push is taken once).
// Then a cache deleted and rebuilt equals the other, and its log verifies.
func TestSharedLog_CrashWindows(t *testing.T) {
	h := newSharedHub(t, badgerLog(t))
	data := h.year(t, h.a, "body0", 9)
	half := len(data.Ops) / 2
	pushAlternating(t, []*core.Profile{h.a, h.b}, data.Ops[:half], 9)
	for _, c := range []struct {
		stage string
		inLog bool
	}{
		{"after", true},
		{"before", false},
	} {
		t.Run(c.stage, func(t *testing.T) {
			page := data.Ops[half : half+5]
			half += 5
			headBefore, _ := h.l.Head(context.Background())
			restore := core.SetHubFault(func(stage string) error {
				if stage == c.stage {
					return errors.New("crash")
				}
				return nil
			})
			_, err := h.a.HubImport(page)
			restore()
			if err == nil {
				t.Fatal("the fault did not fail the push")
			}
			headAfter, _ := h.l.Head(context.Background())
			if got := headAfter > headBefore; got != c.inLog {
				t.Fatalf("in the log: %v (head %d -> %d), want %v", got, headBefore, headAfter, c.inLog)
			}
			// The device retries through either process: taken once.
			vs := pushAlternating(t, []*core.Profile{h.a}, page, 5)
			vb := pushAlternating(t, []*core.Profile{h.b}, page, 5)
			for i := range vs {
				if !bytes.Equal(mustCBOR(t, vs[i]), mustCBOR(t, vb[i])) {
					t.Fatalf("op %d: %+v through A, %+v through B", i, vs[i], vb[i])
				}
			}
			sameCaches(t, h.l, nil, h.a, h.b)
		})
	}
	pushAlternating(t, []*core.Profile{h.b, h.a}, data.Ops[half:], 9)
	viewers := []string{viewer(t, h.a, h.sec.ID), viewer(t, h.b, "body0-m003")}
	sameCaches(t, h.l, viewers, h.a, h.b)
	// B's cache is deleted and rebuilt from the log.
	if err := h.b.Close(); err != nil {
		t.Fatal(err)
	}
	if err := os.RemoveAll(h.dirB); err != nil {
		t.Fatal(err)
	}
	h.b = h.replica(t, h.dirB)
	sameCaches(t, h.l, viewers, h.a, h.b)
	if n, err := h.b.VerifyLog(); err != nil || n == 0 {
		t.Fatalf("verify log of the rebuilt cache: %d %v", n, err)
	}
	an, err := h.b.AuditVerify()
	if err != nil {
		t.Fatal(err)
	}
	if am, _ := h.a.AuditVerify(); am != an || an == 0 {
		t.Fatalf("audit chains of %d and %d entries", am, an)
	}
	if ha, hb := fmt.Sprint(h.a.AuditHead()), fmt.Sprint(h.b.AuditHead()); ha != hb {
		t.Fatalf("audit heads differ: %s vs %s", ha, hb)
	}
	// The rebuilt cache numbers the hub's next ops after those it replayed.
	viewers = append(viewers, viewer(t, h.b, "body0-m002"), viewer(t, h.a, "body0-m001"))
	sameCaches(t, h.l, viewers, h.a, h.b)
}

// Two years pushed at the same time, one through each process: the log
// interleaves them, the hub's own ops (enrollments, progress counts) made
// by both get distinct numbers, and the caches agree.
func TestSharedLog_ConcurrentPushes(t *testing.T) {
	for name, log := range map[string]func(testing.TB) hublog.Log{"badgerlog": badgerLog, "postgres": postgresLog} {
		t.Run(name, func(t *testing.T) {
			h := newSharedHub(t, log(t))
			d0 := h.year(t, h.a, "body0", 21)
			d1 := h.year(t, h.b, "body1", 22)
			var wg sync.WaitGroup
			errs := make([]error, 2)
			for i, job := range []struct {
				p   *core.Profile
				ops [][]byte
			}{{h.a, d0.Ops}, {h.b, d1.Ops}} {
				wg.Add(1)
				go func() {
					defer wg.Done()
					for page := job.ops; len(page) > 0; {
						k := min(3, len(page))
						vs, err := job.p.HubImport(page[:k])
						if err != nil {
							errs[i] = err
							return
						}
						for _, v := range vs {
							if !v.Accepted() {
								errs[i] = fmt.Errorf("refused: %+v", v)
								return
							}
						}
						page = page[k:]
					}
				}()
			}
			wg.Wait()
			for _, err := range errs {
				if err != nil {
					t.Fatal(err)
				}
			}
			viewers := []string{viewer(t, h.b, h.sec.ID), viewer(t, h.a, "body0-m001"), viewer(t, h.b, "body1-m003")}
			entries := sameCaches(t, h.l, viewers, h.a, h.b)
			hubSeqs := map[uint64]bool{}
			hubDev := h.a.DeviceID()
			for _, e := range entries {
				if e.Device == hubDev {
					if hubSeqs[e.DevSeq] {
						t.Fatalf("hub op #%d twice", e.DevSeq)
					}
					hubSeqs[e.DevSeq] = true
				}
			}
			if len(kindsIn(t, entries, ops.KindBallotProgress)) == 0 && len(hubSeqs) < 5 {
				t.Fatalf("only %d hub-made ops: the test made none of its own", len(hubSeqs))
			}
		})
	}
}

// A shared cache reopened without its log refuses to write, and a cache
// of another log is refused by ShareLog.
func TestSharedLog_CacheWritesOnlyThroughItsLog(t *testing.T) {
	h := newSharedHub(t, badgerLog(t))
	dir := h.a.Dir()
	if err := h.a.Close(); err != nil {
		t.Fatal(err)
	}
	a, err := core.Open(dir, sharedPass)
	if err != nil {
		t.Fatal(err)
	}
	defer a.Close()
	if _, err := a.AddMember(meetings.Member{Name: "Người mới", Role: meetings.RoleMember}); err == nil {
		t.Fatal("a detached shared cache wrote")
	}
	other := newSharedHub(t, badgerLog(t))
	if err := a.ShareLog(context.Background(), other.l); err == nil {
		t.Fatal("a cache attached to another hub's log")
	}
	if err := a.ShareLog(context.Background(), h.l); err != nil {
		t.Fatal(err)
	}
	if _, err := a.AddMember(meetings.Member{Name: "Người mới", Role: meetings.RoleMember}); err != nil {
		t.Fatal(err)
	}
	h.a = a
	sameCaches(t, h.l, nil, h.a, h.b)
}
