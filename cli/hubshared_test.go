package cli

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/ecabinet/ecabinet/core"
	"github.com/ecabinet/ecabinet/hublog/pglog"
	"github.com/ecabinet/ecabinet/internal/pgtest"
	"github.com/ecabinet/ecabinet/internal/s3test"
	"github.com/ecabinet/ecabinet/meetings"
	"github.com/ecabinet/ecabinet/replica"
	"github.com/ecabinet/ecabinet/replica/replicatest"
)

// The scaled-out hub's commands against a real PostgreSQL (internal/pgtest)
// and a real versitygw (internal/s3test).

func TestMain(m *testing.M) {
	os.Exit(pgtest.Around(func() int { return s3test.Main(m) }))
}

// s3Env gives the commands the test S3 server's keys, as an operator's
// environment would, and returns a --chunks URL for a new bucket.
func s3Env(t *testing.T) string {
	t.Helper()
	srv := s3test.Shared(t)
	bucket := s3test.NewBucket(t)
	t.Setenv("AWS_ACCESS_KEY_ID", srv.Access)
	t.Setenv("AWS_SECRET_ACCESS_KEY", srv.Secret)
	return "s3://" + bucket + "/hub?endpoint=" + srv.Endpoint
}

// lockedBuffer is stderr shared with a running `hub serve`.
type lockedBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (l *lockedBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *lockedBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}

// serveInProcess runs `ecabinet hub serve args…` until the returned stop,
// which returns its exit status and stderr; it waits for "hub ready".
func serveInProcess(t *testing.T, args ...string) (stop func() (int, string)) {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	old := serveContext
	serveContext = func() (context.Context, context.CancelFunc) { return ctx, cancel }
	t.Cleanup(func() { serveContext = old })
	var errb lockedBuffer
	done := make(chan int, 1)
	go func() {
		var out bytes.Buffer
		done <- Main(append([]string{"hub", "serve"}, args...), strings.NewReader(""), &out, &errb)
	}()
	for !strings.Contains(errb.String(), `"msg":"hub ready"`) {
		select {
		case code := <-done:
			t.Fatalf("hub serve %v exited %d before it was ready:\n%s", args, code, errb.String())
		case <-time.After(20 * time.Millisecond):
		}
	}
	return func() (int, string) {
		cancel()
		return <-done, errb.String()
	}
}

// TestHubStore_MigrateInitExportServe: the operator's path from the
// README: the schema, a new hub in PostgreSQL, a single-machine hub with a
// paper moved there with every signature checked, and `hub serve --store`
// on the old hub's address, where its devices carry on as if nothing had
// changed; then the admin commands on --store.
func TestHubStore_MigrateInitExportServe(t *testing.T) {
	testEnv(t)
	ctx := context.Background()

	// hub migrate: 0 → current, then nothing to do.
	dsn := pgtest.NewDatabase(t)
	var mig struct{ From, To int }
	runJSON(t, &mig, "--json", "hub", "migrate", "--store", dsn)
	if mig.From != 0 || mig.To != pglog.SchemaVersion {
		t.Fatalf("first migrate: %+v", mig)
	}
	res := run(t, "hub", "migrate", "--store", dsn)
	if res.code != 0 || !strings.Contains(res.stdout, fmt.Sprintf("at schema version %d already", pglog.SchemaVersion)) {
		t.Fatalf("second migrate: %+v", res)
	}

	// hub init --store: a hub with its fingerprint and invite; a second is
	// refused.
	chunks := s3Env(t)
	var ini replica.InitResult
	runJSON(t, &ini, "--json", "hub", "init", "--store", dsn, "--chunks", chunks, "--org", "Văn phòng Chính phủ")
	if ini.Fingerprint == "" || ini.Invite == "" || ini.Org != "Văn phòng Chính phủ" {
		t.Fatalf("hub init --store: %+v", ini)
	}
	res = run(t, "hub", "init", "--store", dsn, "--org", "Bộ Tư pháp")
	if res.code != 1 || !strings.Contains(res.stderr, "already holds a hub") {
		t.Fatalf("second hub init --store: %+v", res)
	}

	// A single-machine hub with a secretary, a member and a paper.
	hub := replicatest.Start(t, []byte(testPass), replicatest.Options{})
	sec := hub.Enroll(t, hub.Init.Invite)
	replicatest.Sync(t, sec)
	mem, err := sec.AddMember(meetings.Member{Name: "Trần Lưu Quang", Title: "Phó Thủ tướng", Role: meetings.RoleMember})
	if err != nil {
		t.Fatal(err)
	}
	m, err := sec.CreateMeeting(core.MeetingInput{Title: "Phiên họp Chính phủ", Start: time.Now().Add(time.Hour)})
	if err != nil {
		t.Fatal(err)
	}
	it, _ := sec.AddAgendaItem(m.ID, meetings.AgendaItem{Title: "Tờ trình", Minutes: 10})
	if err := sec.SetMeetingStatus(m.ID, meetings.StatusPublished); err != nil {
		t.Fatal(err)
	}
	pp, err := sec.AddPaper(core.PaperInput{MeetingID: m.ID, ItemID: it.ID, FileName: "to-trinh.txt", Title: "Tờ trình"},
		bytes.NewReader(bytes.Repeat([]byte("Dự thảo Nghị định quy định chức năng, nhiệm vụ. "), 30000)))
	if err != nil {
		t.Fatal(err)
	}
	replicatest.Sync(t, sec)
	head, _ := hub.P.HubHead()
	hubDir, addr := hub.P.Dir(), strings.TrimPrefix(hub.URL, "https://")
	hub.Stop()
	hub.P.Close()

	// hub export into a new database and bucket.
	dsn2 := pgtest.NewDatabase(t)
	chunks2 := s3Env(t)
	var rep replica.ExportReport
	runJSON(t, &rep, "--json", "hub", "export", "--data", hubDir, "--to", dsn2, "--chunks", chunks2)
	if rep.Entries != head || rep.Signatures == 0 || rep.Chunks == 0 {
		t.Fatalf("export report %+v (source head %d)", rep, head)
	}
	res = run(t, "hub", "export", "--data", hubDir, "--to", dsn2, "--chunks", chunks2)
	if res.code != 1 || !strings.Contains(res.stderr, "already holds a hub or log entries") {
		t.Fatalf("export into a non-empty database: %+v", res)
	}

	// hub serve --store on the old address: the secretary's device syncs
	// as before, and a member enrolls with an invite made by `hub invite
	// --store` while it serves; both read the paper.
	cache := filepath.Join(t.TempDir(), "cache")
	stop := serveInProcess(t, "--store", dsn2, "--chunks", chunks2, "--cache", cache, "--listen", addr, "--metrics", "")
	served := false
	defer func() {
		if !served {
			stop()
		}
	}()
	if _, err := sec.AddAgendaItem(m.ID, meetings.AgendaItem{Title: "Báo cáo tình hình kinh tế - xã hội", Minutes: 20}); err != nil {
		t.Fatal(err)
	}
	replicatest.Sync(t, sec)
	var inv struct{ Invite string }
	// On an admin cache kept between commands (--cache): made by this
	// first one, caught up by the next.
	adminCache := filepath.Join(t.TempDir(), "admin-cache")
	runJSON(t, &inv, "--json", "hub", "invite", "--store", dsn2, "--cache", adminCache, "--member", mem.ID)
	if inv.Invite == "" {
		t.Fatal("hub invite --store gave no code")
	}
	r, err := replica.Enroll(ctx, hub.URL, inv.Invite, filepath.Join(t.TempDir(), "member"), []byte(testPass))
	if err != nil {
		t.Fatalf("a member enrolls with an invite made on --store: %v", err)
	}
	defer r.Profile.Close()
	replicatest.Sync(t, r.Profile)
	replicatest.Sync(t, sec) // learns the member's device
	if _, err := r.Profile.Paper(pp.ID); err != nil {
		t.Fatalf("the member's device after its first sync: %v", err)
	}
	if !core.Exists(adminCache) {
		t.Fatal("hub invite --store --cache kept no cache")
	}
	var devs []replica.DeviceRow
	runJSON(t, &devs, "--json", "hub", "devices", "--store", dsn2, "--cache", adminCache)
	if len(devs) != 2 {
		t.Fatalf("hub devices --store --cache, after the member enrolled: %+v; want the kept cache caught up", devs)
	}
	devs = nil
	runJSON(t, &devs, "--json", "hub", "devices", "--store", dsn2)
	if len(devs) != 2 {
		t.Fatalf("hub devices --store: %+v", devs)
	}
	runJSON(t, &struct{}{}, "--json", "hub", "revoke", "--store", dsn2, "--device", r.Profile.DeviceID())
	c, err := replica.NewClient(r.Profile)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	if _, err := c.SyncOnce(ctx, nil); err == nil {
		t.Fatal("a device revoked with hub revoke --store still syncs")
	}
	served = true
	if code, stderr := stop(); code != 0 {
		t.Fatalf("hub serve --store exited %d:\n%s", code, stderr)
	}

	// A second process on the same cache directory later: the cache is
	// reused, and it serves the same head.
	stop = serveInProcess(t, "--store", dsn2, "--chunks", chunks2, "--cache", cache, "--listen", addr, "--metrics", "")
	replicatest.Sync(t, sec)
	if code, stderr := stop(); code != 0 {
		t.Fatalf("hub serve --store again exited %d:\n%s", code, stderr)
	}
}

// TestHubStore_ConfigFile: `hub serve --config FILE` takes the store, the
// bucket, the cache and the keys from the file.
func TestHubStore_ConfigFile(t *testing.T) {
	testEnv(t)
	dsn := pgtest.NewDatabase(t)
	chunks := s3Env(t)
	runJSON(t, &replica.InitResult{}, "--json", "hub", "init", "--store", dsn, "--org", "Văn phòng Chính phủ")
	srv := s3test.Shared(t)
	t.Setenv("AWS_ACCESS_KEY_ID", "")
	t.Setenv("AWS_SECRET_ACCESS_KEY", "")
	conf := filepath.Join(t.TempDir(), "hub.conf")
	text := fmt.Sprintf("# the hub\nstore = %s\nchunks = %s\ncache = %s\nlisten = 127.0.0.1:0\nmetrics =\ns3-access-key = %s\ns3-secret-key = %s\n",
		dsn, chunks, filepath.Join(t.TempDir(), "cache"), srv.Access, srv.Secret)
	if err := os.WriteFile(conf, []byte(text), 0o600); err != nil {
		t.Fatal(err)
	}
	stop := serveInProcess(t, "--config", conf)
	if code, stderr := stop(); code != 0 {
		t.Fatalf("hub serve --config exited %d:\n%s", code, stderr)
	}
	if err := os.WriteFile(conf, []byte("stor = x\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	res := run(t, "hub", "serve", "--config", conf)
	if res.code != 1 || !strings.Contains(res.stderr, `line 1: unknown setting "stor"`) {
		t.Fatalf("a config file with a typo: %+v", res)
	}
}

// TestHubStore_BadInput: each mistake an operator makes is told in words,
// in both languages, and changes nothing.
func TestHubStore_BadInput(t *testing.T) {
	testEnv(t)
	chunks := s3Env(t)
	srv := s3test.Shared(t)
	hubDSN := pgtest.NewDatabase(t)
	runJSON(t, &replica.InitResult{}, "--json", "hub", "init", "--store", hubDSN, "--org", "Văn phòng Chính phủ")
	empty := pgtest.NewDatabase(t) // migrated, no hub
	run(t, "hub", "migrate", "--store", empty)
	bare := pgtest.NewDatabase(t) // not migrated
	cache := func() string { return filepath.Join(t.TempDir(), "cache") }
	cases := []struct {
		name string
		env  map[string]string
		args []string
		en   string
		vi   string
	}{
		{"dsn typo", nil, []string{"hub", "serve", "--store", "postgress://ecab@127.0.0.1/x", "--chunks", chunks, "--cache", cache()},
			"The database address postgress://ecab@127.0.0.1/x is not valid", "Địa chỉ cơ sở dữ liệu postgress://ecab@127.0.0.1/x không hợp lệ"},
		{"dsn bad port", nil, []string{"hub", "migrate", "--store", "postgres://ecab@127.0.0.1:port/x"},
			"is not valid", "không hợp lệ"},
		{"unreachable database", nil, []string{"hub", "serve", "--store", "postgres://ecab@127.0.0.1:1/x?connect_timeout=5", "--chunks", chunks, "--cache", cache()},
			"Cannot reach the database postgres://ecab@127.0.0.1:1/x", "Không kết nối được cơ sở dữ liệu"},
		{"password hidden", nil, []string{"hub", "migrate", "--store", "postgres://ecab:s3cret@127.0.0.1:1/x?connect_timeout=5"},
			"postgres://ecab:***@127.0.0.1:1", "postgres://ecab:***@127.0.0.1:1"},
		{"schema not made", nil, []string{"hub", "serve", "--store", bare, "--chunks", chunks, "--cache", cache()},
			"is not at the schema version this hub needs", "không đúng phiên bản máy chủ này cần"},
		{"no hub yet", nil, []string{"hub", "serve", "--store", empty, "--chunks", chunks, "--cache", cache()},
			"holds no hub yet", "chưa có máy chủ nào"},
		{"wrong passphrase", map[string]string{envPass: "không phải mật khẩu"}, []string{"hub", "serve", "--store", hubDSN, "--chunks", chunks, "--cache", cache()},
			"Wrong passphrase", "Sai mật khẩu"},
		{"missing bucket", nil, []string{"hub", "serve", "--store", hubDSN, "--chunks", "s3://no-such-bucket-here?endpoint=" + srv.Endpoint, "--cache", cache()},
			`Cannot use the bucket`, "Không dùng được kho tệp"},
		{"keys in the URL", nil, []string{"hub", "serve", "--store", hubDSN, "--chunks", "s3://AKIA:secret@bucket?endpoint=" + srv.Endpoint, "--cache", cache()},
			"The bucket address", "Địa chỉ kho tệp"},
		{"no keys", map[string]string{"AWS_ACCESS_KEY_ID": "", "AWS_SECRET_ACCESS_KEY": ""}, []string{"hub", "serve", "--store", hubDSN, "--chunks", chunks, "--cache", cache()},
			"No keys for the S3 bucket", "Thiếu khóa truy cập kho S3"},
		{"invite on an empty database", nil, []string{"hub", "invite", "--store", empty, "--member", "m"},
			"holds no hub yet", "chưa có máy chủ nào"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			for k, v := range c.env {
				t.Setenv(k, v)
			}
			for _, lang := range []string{"en", "vi"} {
				res := run(t, append([]string{"--lang", lang}, c.args...)...)
				want := c.en
				if lang == "vi" {
					want = c.vi
				}
				if res.code != 1 || res.stdout != "" || !strings.Contains(res.stderr, want) {
					t.Errorf("%s: exit %d, stdout %q, stderr:\n%s\nwant exit 1 and %q", lang, res.code, res.stdout, res.stderr, want)
				}
				if strings.Contains(res.stderr, "s3cret") {
					t.Errorf("%s: the password is in the message: %s", lang, res.stderr)
				}
			}
		})
	}
	// Nothing was made in the empty database by the refusals.
	l, err := pglog.Open(context.Background(), empty, pglog.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	if h, err := l.Head(context.Background()); err != nil || h != 0 {
		t.Fatalf("the empty database's head after the refusals: %d, %v", h, err)
	}
}
