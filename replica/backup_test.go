package replica

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"log/slog"
	"net"
	"os"
	"path/filepath"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/ecabinet/ecabinet/core"
	"github.com/ecabinet/ecabinet/yeardata"
)

// backupSize is the data TestBackup_YearWhileServing backs up: a twentieth of
// yeardata.Year (4 meetings × 10 items, 84 ballots × 30 signed answers,
// ~2,800 operations), so that the test stays within CI's budget under
// -race on two shared cores. ECABINET_BACKUP_FULL_YEAR=1 runs it on the
// whole year (75 meetings, 1,670 ballots, ~52,000 operations).
func backupSize() yeardata.Size {
	if os.Getenv("ECABINET_BACKUP_FULL_YEAR") == "1" {
		return yeardata.Year
	}
	return yeardata.Size{Meetings: 4, ItemsPerMeet: 10, Ballots: 84, Members: 30}
}

// TestBackup_YearWhileServing backs up a hub holding a year's data through
// its admin socket while it serves a device that keeps pushing, restores
// the backup into a new directory, and checks that the restored hub is the
// snapshot: every operation's signature verifies, the audit chain verifies
// and is the source's up to where the backup was taken, every signed result
// verifies, and a fresh device syncs all of it from the restored hub and
// verifies it too.
func TestBackup_YearWhileServing(t *testing.T) {
	size := backupSize()
	hub := serveHub(t, faultPass, 0)
	data, err := yeardata.Generate(hub.secID, size, 1)
	if err != nil {
		t.Fatal(err)
	}
	if err := hub.p.EnrollDevice(hub.secID, data.Secretary.Pub); err != nil {
		t.Fatal(err)
	}
	for i := 0; i < len(data.Ops); i += 200 {
		vs, err := hub.p.HubImport(data.Ops[i:min(i+200, len(data.Ops))])
		if err != nil {
			t.Fatal(err)
		}
		for _, v := range vs {
			if !v.Accepted() {
				t.Fatalf("hub refused a generated op: %+v", v)
			}
		}
	}
	// Some results are signed as their closes are accepted; the last ten
	// ballots' deadlines (in 2023) are past, so the hub closes them too
	// (now, rather than at its next finalize tick), and signs the rest.
	if _, err := hub.p.HubCloseDue(time.Now()); err != nil {
		t.Fatal(err)
	}
	if _, err := hub.p.HubPublishResults(); err != nil {
		t.Fatal(err)
	}
	published := 0
	for _, b := range hub.p.Ballots() {
		if _, ok := hub.p.BallotResult(b.ID); ok {
			published++
		}
	}
	if published != size.Ballots {
		t.Fatalf("the hub holds %d signed results; want %d (every ballot, closed)", published, size.Ballots)
	}
	admin, err := ServeAdmin(hub.p.Dir(), hub.p)
	if err != nil {
		t.Fatal(err)
	}
	defer admin.Close()

	// A secretary's device keeps changing things and syncing while the
	// backup is made.
	sec := hub.enroll(t, hub.secID)
	defer sec.Close()
	c, err := NewClient(sec)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	var stop atomic.Bool
	var wg sync.WaitGroup
	var pushed atomic.Int64
	wg.Add(1)
	go func() {
		defer wg.Done()
		for i := 0; !stop.Load() && i < 500; i++ {
			if _, err := sec.CreateMeeting(core.MeetingInput{Title: fmt.Sprintf("Họp đột xuất %d", i), Start: time.Now().Add(time.Hour)}); err != nil {
				t.Error(err)
				return
			}
			if _, err := c.SyncOnce(context.Background(), nil); err != nil {
				t.Error(err)
				return
			}
			pushed.Add(1)
		}
	}()
	for pushed.Load() == 0 && !t.Failed() { // the writer is under way
		time.Sleep(10 * time.Millisecond)
	}
	headBefore, _ := hub.p.HubHead()
	var backup bytes.Buffer
	n, err := BackupRunning(hub.p.Dir(), &backup)
	stop.Store(true)
	wg.Wait()
	if err != nil {
		t.Fatalf("BackupRunning: %v", err)
	}
	headAfter, _ := hub.p.HubHead()
	if pushed.Load() < 2 || headAfter <= headBefore {
		t.Fatalf("the device pushed %d times (hub head %d → %d): the backup was not made while the hub took writes", pushed.Load(), headBefore, headAfter)
	}
	t.Logf("%d operations, backup of %d bytes; hub head %d before the backup, %d after", len(data.Ops), n, headBefore, headAfter)
	if err := core.CheckBackup(bytes.NewReader(backup.Bytes())); err != nil {
		t.Fatalf("CheckBackup: %v", err)
	}
	for _, plain := range []string{"Phiếu lấy ý kiến", "Nhất trí với dự thảo", "Văn phòng Chính phủ", "Họp đột xuất"} {
		if bytes.Contains(backup.Bytes(), []byte(plain)) {
			t.Fatalf("the backup holds %q in plaintext", plain)
		}
	}

	dir := filepath.Join(t.TempDir(), "restored")
	if err := core.Restore(dir, faultPass, bytes.NewReader(backup.Bytes())); err != nil {
		t.Fatalf("Restore: %v", err)
	}
	rp, err := core.Open(dir, faultPass)
	if err != nil {
		t.Fatal(err)
	}
	defer rp.Close()
	head, err := rp.HubHead()
	if err != nil || head < headBefore || head > headAfter {
		t.Fatalf("restored head %d, %v; want between %d and %d", head, err, headBefore, headAfter)
	}
	signed, err := rp.VerifyLog()
	if err != nil || uint64(signed) != head {
		t.Fatalf("VerifyLog: %d operations, %v; want all %d verified", signed, err, head)
	}
	// The audit chain (entries for the log's ballot and membership
	// operations) is the source's, up to the restored head.
	src, err := hub.p.AuditEntries()
	if err != nil {
		t.Fatal(err)
	}
	want := 0
	for want < len(src) && src[want].HubSeq <= head {
		want++
	}
	audit, err := rp.AuditVerify()
	if err != nil || audit != want || want == 0 {
		t.Fatalf("AuditVerify: %d entries, %v; want %d", audit, err, want)
	}
	got, err := rp.AuditEntries()
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(got[len(got)-1].Hash, src[len(got)-1].Hash) {
		t.Fatal("the restored audit chain is not the source's up to the backup")
	}
	results := 0
	for _, b := range rp.Ballots() {
		if rc, ok := rp.BallotResult(b.ID); ok {
			if !rc.Verified {
				t.Fatalf("ballot %s: restored result does not verify: %s", b.ID, rc.Problem)
			}
			results++
		}
	}
	if results != published {
		t.Fatalf("restored %d signed results, want %d", results, published)
	}

	// The restored hub serves: a new device of the secretary syncs it all,
	// verifying every signature and every result on its side.
	h2, err := NewHub(rp, slog.New(slog.NewTextHandler(io.Discard, nil)))
	if err != nil {
		t.Fatal(err)
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- h2.Serve(ctx, ln) }()
	defer func() { cancel(); <-done }()
	code, _, err := CreateInvite(rp, hub.secID, time.Minute)
	if err != nil {
		t.Fatal(err)
	}
	res, err := Enroll(context.Background(), "https://"+ln.Addr().String(), code, filepath.Join(t.TempDir(), "dev"), faultPass)
	if err != nil {
		t.Fatal(err)
	}
	dev := res.Profile
	defer dev.Close()
	dc, err := NewClient(dev)
	if err != nil {
		t.Fatal(err)
	}
	defer dc.Close()
	rep, err := dc.SyncOnce(context.Background(), nil)
	if err != nil || !rep.Done() || len(rep.Rejected) > 0 {
		t.Fatalf("sync from the restored hub: %+v, %v", rep, err)
	}
	if got := len(dev.Ballots()); got != size.Ballots {
		t.Fatalf("device has %d ballots, want %d", got, size.Ballots)
	}
	verified := 0
	for _, b := range dev.Ballots() {
		if rc, ok := dev.BallotResult(b.ID); ok {
			if !rc.Verified {
				t.Fatalf("ballot %s: the device does not verify the restored hub's result: %s", b.ID, rc.Problem)
			}
			verified++
		}
	}
	if verified != published {
		t.Fatalf("device verified %d results, want %d", verified, published)
	}
}

// TestBackupRunning_NoHub: with no hub serving the directory the caller is
// told so (and opens the directory itself).
func TestBackupRunning_NoHub(t *testing.T) {
	if _, err := BackupRunning(t.TempDir(), io.Discard); err != ErrHubNotRunning {
		t.Fatalf("BackupRunning = %v, want ErrHubNotRunning", err)
	}
}
