package e2e

import (
	"bytes"
	"context"
	"crypto/sha256"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/ecabinet/ecabinet/core"
	"github.com/ecabinet/ecabinet/hublog"
	"github.com/ecabinet/ecabinet/yeardata"
)

// exportSize is the data TestScale_ExportBadgerToPostgres moves: a
// twentieth of yeardata.Year (4 meetings × 10 items, 84 ballots × 30
// signed answers, every ballot closed with its signed result: ~2,900
// entries), so that the test stays within budget under -race on two
// shared cores; ECABINET_EXPORT_FULL_YEAR=1 moves the whole year (~52,000).
func exportSize() yeardata.Size {
	if os.Getenv("ECABINET_EXPORT_FULL_YEAR") == "1" {
		return yeardata.Year
	}
	return yeardata.Size{Meetings: 4, ItemsPerMeet: 10, Ballots: 84, Members: 30}
}

// TestScale_ExportBadgerToPostgres moves a single-machine hub holding a
// year of data and a paper to PostgreSQL and S3 with `hub export`, and
// serves it from a `hub serve --store` process at the same address: the
// log is the same entry for entry (each op byte for byte, the same hub_seq
// and acceptance time), every signature and the audit chain verify, and
// the devices enrolled before the move go on syncing without noticing:
// the same pinned certificate, nothing to pull again, their changes
// accepted; a device enrolled after the move gets the paper byte for byte.
func TestScale_ExportBadgerToPostgres(t *testing.T) {
	root := t.TempDir()
	data := filepath.Join(root, "hub")
	var init struct {
		Invite      string `json:"invite"`
		SecretaryID string `json:"secretary_id"`
		Fingerprint string `json:"fingerprint"`
	}
	ok(t, &init, "hub", "init", "--data", data, "--name", "Văn phòng Chính phủ")

	// The year, imported by the hub's own code as its devices had pushed it,
	// its past ballots closed and their results signed.
	p, err := core.Open(data, []byte(passphrase))
	if err != nil {
		t.Fatal(err)
	}
	year, err := yeardata.Generate(init.SecretaryID, exportSize(), 1)
	if err != nil {
		t.Fatal(err)
	}
	if err := p.EnrollDevice(init.SecretaryID, year.Secretary.Pub); err != nil {
		t.Fatal(err)
	}
	for i := 0; i < len(year.Ops); i += 500 {
		vs, err := p.HubImport(year.Ops[i:min(i+500, len(year.Ops))])
		if err != nil {
			t.Fatal(err)
		}
		for _, v := range vs {
			if !v.Accepted() {
				t.Fatalf("the hub refused a generated op: %+v", v)
			}
		}
	}
	if _, err := p.HubCloseDue(time.Now()); err != nil {
		t.Fatal(err)
	}
	if _, err := p.HubPublishResults(); err != nil {
		t.Fatal(err)
	}
	if err := p.Close(); err != nil {
		t.Fatal(err)
	}

	addr := freeAddr(t)
	old := &scaleHub{name: "badger", addr: addr, args: []string{"hub", "serve", "--data", data, "--listen", addr, "--metrics", freeAddr(t)}}
	t.Cleanup(func() { old.kill(syscall.SIGKILL) })
	old.start(t)
	url := "https://" + addr
	enroll := func(name, code string) device {
		t.Helper()
		d := device{t, filepath.Join(root, name)}
		var e enrollJSON
		ok(t, &e, "--profile", d.dir, "enroll", "--hub", url, "--invite", code)
		if e.Fingerprint != init.Fingerprint {
			t.Fatalf("%s sees fingerprint %s, the hub's is %s", name, e.Fingerprint, init.Fingerprint)
		}
		return d
	}
	S := enroll("secretary", init.Invite)
	S.sync()
	member := "m003" // yeardata's fourth voter
	var inv struct {
		Invite string `json:"invite"`
	}
	ok(t, &inv, "hub", "invite", "--data", data, "--member", member)
	M := enroll("member", inv.Invite)
	M.sync()
	S.sync()
	var m, item idJSON
	S.ok(&m, "meeting", "create", "--title", "Phiên họp chuyên đề về chuyển đổi số", "--start", time.Now().Add(72*time.Hour).UTC().Format(time.RFC3339))
	S.ok(&item, "agenda", "add", "--meeting", m.ID, "--title", "Đề án chuyển đổi số quốc gia", "--minutes", "30")
	file := filepath.Join(root, "de-an.pdf")
	orig := writeNoisePDF(t, file, 30, 14)
	var paper idJSON
	S.ok(&paper, "paper", "add", "--meeting", m.ID, "--item", item.ID, "--file", file)
	S.ok(nil, "meeting", "status", "--meeting", m.ID, "--to", "published")
	S.sync()
	M.sync()
	var fetched struct {
		Offline int `json:"offline"`
	}
	M.ok(&fetched, "paper", "fetch")
	if fetched.Offline != 1 {
		t.Fatalf("the member holds %d papers offline before the move, want 1", fetched.Offline)
	}
	var ballotsBefore []idJSON
	M.ok(&ballotsBefore, "ballot", "list")

	// The move: the old hub stops, its data goes to PostgreSQL and S3.
	old.kill(syscall.SIGTERM)
	s := newSharedStore(t)
	env := append(os.Environ(), append([]string{"ECABINET_PASSPHRASE=" + passphrase, "LANG=en_US.UTF-8"}, s.env...)...)
	r := runEnv(t, bin, env, "hub", "export", "--data", data, "--to", s.dsn, "--chunks", s.chunks, "--json")
	if r.code != 0 {
		t.Fatalf("hub export: exit %d\n%s", r.code, r.stderr)
	}
	var rep struct {
		Entries    uint64 `json:"entries"`
		Chunks     int    `json:"chunks"`
		Signatures int    `json:"signatures_verified"`
		Audit      int    `json:"audit_entries"`
	}
	decode(t, r.stdout, &rep)

	// Every record kept: the shared log is the old one, entry for entry.
	src, err := core.Open(data, []byte(passphrase))
	if err != nil {
		t.Fatal(err)
	}
	was, err := src.HubEntries(0, 1<<30)
	srcAudit, _ := src.AuditVerify()
	src.Close()
	if err != nil {
		t.Fatal(err)
	}
	got := pgEntries(t, s.dsn)
	if len(got) != len(was) || rep.Entries != uint64(len(was)) || rep.Signatures < len(was) || rep.Audit != srcAudit || rep.Chunks == 0 {
		t.Fatalf("export: %+v; the old log has %d entries and %d audit entries, the shared one %d", rep, len(was), srcAudit, len(got))
	}
	for i := range was {
		w, g := was[i], got[i]
		if w.Seq != g.Seq || w.Device != g.Device || w.DevSeq != g.DevSeq || !bytes.Equal(w.Op, g.Op) || !w.At.Equal(g.At) || strings.Join(w.Audience, ",") != strings.Join(g.Audience, ",") {
			t.Fatalf("entry %d moved as %+v, was %+v", i+1, g, w)
		}
	}

	// The new hub, at the same address, with a new cache.
	nu := s.hub(t, "moved", root)
	nu.addr = addr
	for i, a := range nu.args {
		if a == "--listen" {
			nu.args[i+1] = addr
		}
	}
	t.Cleanup(func() { nu.kill(syscall.SIGKILL) })
	nu.start(t)
	if !strings.Contains(nu.log.String(), init.Fingerprint) {
		t.Errorf("the moved hub does not announce the fingerprint %s:\n%s", init.Fingerprint, nu.log)
	}

	// The devices notice nothing: nothing to push or pull again, their
	// checkpoint is the shared log's head.
	for _, d := range []device{S, M} {
		if rep := d.sync(); rep.Pulled != 0 || rep.Pushed != 0 || rep.Pending != 0 {
			t.Errorf("%s's first sync after the move: %+v, want nothing to do", d.dir, rep)
		}
	}
	var ballotsAfter []idJSON
	M.ok(&ballotsAfter, "ballot", "list")
	if len(ballotsAfter) != len(ballotsBefore) || len(ballotsAfter) == 0 {
		t.Errorf("the member lists %d ballots after the move, %d before", len(ballotsAfter), len(ballotsBefore))
	}
	// And they go on working: a new ballot, answered by the member.
	var bl idJSON
	S.ok(&bl, "ballot", "issue", "--title", "Phiếu lấy ý kiến về Đề án", "--question", "Đồng ý thông qua Đề án?", "--deadline", time.Now().Add(48*time.Hour).UTC().Format(time.RFC3339))
	S.sync()
	M.sync()
	M.ok(nil, "ballot", "answer", "--ballot", bl.ID, "--choice", "agree")
	if rep := M.sync(); rep.Accepted != 1 || len(rep.Rejected) != 0 {
		t.Errorf("the member's answer after the move: %+v", rep)
	}
	S.sync()
	var tl tallyJSON
	S.ok(&tl, "ballot", "tally", "--ballot", bl.ID)
	if tl.Counts["agree"] != 1 {
		t.Errorf("the secretary's tally after the move: %+v", tl)
	}
	// A device enrolled after the move gets the paper from the bucket. The
	// invitation is asked of the moved hub by the secretary's device (the
	// secretariat's office, as the app does it).
	buildBot(t)
	sb := startBot(t, S.dir, "secretary")
	inv2 := sb.must(t, map[string]any{"cmd": "invite", "member": member})
	if inv2.Fingerprint != init.Fingerprint {
		t.Errorf("the moved hub's invitation carries the fingerprint %s, want %s", inv2.Fingerprint, init.Fingerprint)
	}
	sb.quit(t)
	N := enroll("member-new", inv2.ID)
	N.sync()
	S.sync() // the secretary's device wraps the paper's key for the new one
	N.sync()
	N.ok(&fetched, "paper", "fetch")
	if fetched.Offline != 1 {
		t.Errorf("the device enrolled after the move holds %d papers offline, want 1", fetched.Offline)
	}
	out := filepath.Join(root, "export.pdf")
	N.ok(nil, "paper", "export", "--paper", paper.ID, "--out", out)
	if b, err := os.ReadFile(out); err != nil || sha256.Sum256(b) != sha256.Sum256(orig) {
		t.Errorf("the paper exported by a device enrolled after the move differs from the file (%v)", err)
	}
	nu.kill(syscall.SIGTERM)
	verifySharedLog(t, s, root, len(was))
}

// pgEntries reads the shared log's table in hub_seq order.
func pgEntries(t *testing.T, dsn string) []hublog.Entry {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	c, err := pgx.Connect(ctx, dsn)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close(ctx)
	rows, err := c.Query(ctx, "SELECT hub_seq, device, dev_seq, op, audience, at_ns FROM hublog_entries WHERE log_id = 1 ORDER BY hub_seq")
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var out []hublog.Entry
	for rows.Next() {
		var seq, dseq, at int64
		var e hublog.Entry
		if err := rows.Scan(&seq, &e.Device, &dseq, &e.Op, &e.Audience, &at); err != nil {
			t.Fatal(err)
		}
		e.Seq, e.DevSeq, e.At = uint64(seq), uint64(dseq), time.Unix(0, at)
		out = append(out, e)
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	return out
}
