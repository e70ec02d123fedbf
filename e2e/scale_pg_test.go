package e2e

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"syscall"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/ecabinet/ecabinet/hublog/pglog"
	"github.com/ecabinet/ecabinet/hubstate"
	"github.com/ecabinet/ecabinet/internal/pgtest"
	"github.com/ecabinet/ecabinet/internal/s3test"
	"github.com/ecabinet/ecabinet/ops"
	"github.com/ecabinet/ecabinet/replica"
)

// sharedStore is a scaled-out hub's database and bucket, made empty for a
// test, and the environment its processes need to reach the bucket.
type sharedStore struct {
	dsn, chunks string
	env         []string
}

func newSharedStore(t *testing.T) sharedStore {
	t.Helper()
	dsn := pgtest.NewDatabase(t)
	s3 := s3test.Shared(t)
	bucket := s3test.NewBucket(t)
	return sharedStore{
		dsn:    dsn,
		chunks: fmt.Sprintf("s3://%s?endpoint=%s&region=%s", bucket, s3.Endpoint, s3test.Region),
		env:    []string{"AWS_ACCESS_KEY_ID=" + s3.Access, "AWS_SECRET_ACCESS_KEY=" + s3.Secret},
	}
}

// sharedHub is one `hub serve --store` process of s, with its own cache.
func (s sharedStore) hub(t *testing.T, name, root string) *scaleHub {
	addr := freeAddr(t)
	return &scaleHub{name: name, addr: addr, env: s.env, args: []string{"hub", "serve", "--store", s.dsn, "--chunks", s.chunks,
		"--cache", filepath.Join(root, "cache-"+name), "--listen", addr, "--metrics", freeAddr(t)}}
}

// TestScale_PostgresTwoHubs is the scale-out scenario on the scaled-out
// layout: one PostgreSQL, one S3 server (versitygw), two hub processes on
// two loopback ports behind the proxy, which moves the devices' connections
// between them and cuts them, both killed and restarted at seeded moments.
func TestScale_PostgresTwoHubs(t *testing.T) {
	root := t.TempDir()
	s := newSharedStore(t)
	var init struct {
		Invite string `json:"invite"`
	}
	r := runEnv(t, bin, append(os.Environ(), append([]string{"ECABINET_PASSPHRASE=" + passphrase}, s.env...)...), "hub", "init", "--store", s.dsn, "--chunks", s.chunks, "--org", "Văn phòng Chính phủ", "--json")
	if r.code != 0 {
		t.Fatalf("hub init --store: exit %d\n%s", r.code, r.stderr)
	}
	decode(t, r.stdout, &init)
	a, b := s.hub(t, "a", root), s.hub(t, "b", root)
	runScale(t, root, scaleLayout{
		hubs:      []*scaleHub{a, b},
		secInvite: init.Invite,
		checkLog: func(t *testing.T, secDevice string, accepted map[devSeq]uint64, refused map[devSeq]bool) {
			a.kill(syscall.SIGTERM)
			b.kill(syscall.SIGTERM)
			seqs, keys := pgLog(t, s.dsn)
			checkLogEntries(t, seqs, keys, accepted, refused)
			verifySharedLog(t, s, root, len(seqs))
		},
	})
}

// pgLog reads the shared log's table in hub_seq order, checking that each
// row's device and dev_seq are those of the signed op it holds.
func pgLog(t *testing.T, dsn string) ([]uint64, []devSeq) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	c, err := pgx.Connect(ctx, dsn)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close(ctx)
	rows, err := c.Query(ctx, "SELECT hub_seq, device, dev_seq, op FROM hublog_entries WHERE log_id = 1 ORDER BY hub_seq")
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var seqs []uint64
	var keys []devSeq
	for rows.Next() {
		var seq, dseq int64
		var dev string
		var raw []byte
		if err := rows.Scan(&seq, &dev, &dseq, &raw); err != nil {
			t.Fatal(err)
		}
		_, op, err := ops.Decode(raw)
		if err != nil {
			t.Fatalf("log entry %d: %v", seq, err)
		}
		if op.Device != dev || op.DevSeq != uint64(dseq) {
			t.Errorf("log entry %d is filed as (%s, %d) but holds (%s, %d)", seq, dev, dseq, op.Device, op.DevSeq)
		}
		seqs = append(seqs, uint64(seq))
		keys = append(keys, devSeq{dev, uint64(dseq)})
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	return seqs, keys
}

// verifySharedLog starts one more hub process on a new, empty cache,
// which it fills from the shared log alone (replaying every entry, papers
// included, before it listens), stops it, and checks on that cache every
// signature of the log (VerifyLog) and the audit chain (AuditVerify).
func verifySharedLog(t *testing.T, s sharedStore, root string, entries int) {
	t.Helper()
	c := s.hub(t, "fresh", root)
	if err := c.startErr(); err != nil {
		t.Fatal(err)
	}
	c.kill(syscall.SIGTERM)
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	l, err := pglog.Open(ctx, s.dsn, pglog.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	master, err := hubstate.UnlockSecret(ctx, l, []byte(passphrase))
	if err != nil {
		t.Fatal(err)
	}
	st, err := hubstate.OnPostgres(l, master)
	if err != nil {
		t.Fatal(err)
	}
	p, err := replica.OpenCache(filepath.Join(root, "cache-fresh"), master, st)
	if err != nil {
		t.Fatal(err)
	}
	defer p.Close()
	if h, err := p.HubHead(); err != nil || h < uint64(entries) {
		t.Errorf("the new process's cache ends at %d, the log at %d (%v)", h, entries, err)
	}
	if n, err := p.VerifyLog(); err != nil || n < entries {
		t.Errorf("the cache rebuilt from the shared log verifies %d of %d entries: %v", n, entries, err)
	}
	if n, err := p.AuditVerify(); err != nil || n == 0 {
		t.Errorf("the audit chain rebuilt from the shared log: %d entries, %v", n, err)
	}
}
