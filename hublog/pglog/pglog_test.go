package pglog

import (
	"context"
	"errors"
	"fmt"
	"os"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"

	"github.com/ecabinet/ecabinet/hublog"
	"github.com/ecabinet/ecabinet/hublog/hublogtest"
	"github.com/ecabinet/ecabinet/internal/pgtest"
)

func TestMain(m *testing.M) { os.Exit(pgtest.Main(m)) }

// quiet: no resync poll within a test, so a wake-up can only come from a
// notification or a reconnect.
var quiet = Options{Resync: time.Hour}

func ctx(t *testing.T) context.Context {
	c, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	t.Cleanup(cancel)
	return c
}

// migrated returns a new database with the schema in place.
func migrated(t *testing.T) string {
	t.Helper()
	dsn := pgtest.NewDatabase(t)
	if _, _, err := Migrate(ctx(t), dsn); err != nil {
		t.Fatal(err)
	}
	return dsn
}

func open(t *testing.T, dsn string, opts Options) *Log {
	t.Helper()
	l, err := Open(ctx(t), dsn, opts)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { l.Close() })
	return l
}

// TestContract: two Logs on one database are two hub processes.
func TestContract(t *testing.T) {
	hublogtest.Run(t, func(t *testing.T) (hublog.Log, hublog.Log) {
		dsn := migrated(t)
		return open(t, dsn, quiet), open(t, dsn, quiet)
	})
}

// TestLogsInOneDatabaseAreIndependent: each log numbers its own entries and
// the same device key may appear in both.
func TestLogsInOneDatabaseAreIndependent(t *testing.T) {
	dsn := migrated(t)
	a, b := open(t, dsn, Options{LogID: 1, Resync: time.Hour}), open(t, dsn, Options{LogID: 2, Resync: time.Hour})
	for range 3 {
		if _, err := a.Append(ctx(t), hublogtest.Entry("d", uint64(a.head)+1)); err != nil {
			t.Fatal(err)
		}
	}
	got, err := b.Append(ctx(t), hublogtest.Entry("d", 1))
	if err != nil || got[0].Seq != 1 || got[0].Existed {
		t.Fatalf("log 2's first append = %+v, %v; want position 1, new", got, err)
	}
	short, cancel := context.WithTimeout(ctx(t), 100*time.Millisecond)
	defer cancel()
	if h, err := b.Wait(short, 1); err == nil {
		t.Errorf("log 2's waiter woke at %d on log 1's appends", h)
	}
}

// TestNotifyWakesWaiterInAnotherProcess: with no resync poll, a long-poll
// on one Log is woken by an append through another one, that is by
// PostgreSQL's notification.
func TestNotifyWakesWaiterInAnotherProcess(t *testing.T) {
	dsn := migrated(t)
	a, b := open(t, dsn, quiet), open(t, dsn, quiet)
	for i := uint64(1); i <= 5; i++ {
		got := make(chan uint64, 1)
		go func() {
			h, err := a.Wait(ctx(t), i-1)
			if err != nil {
				t.Error(err)
			}
			got <- h
		}()
		if _, err := b.Append(ctx(t), hublogtest.Entry("d", i)); err != nil {
			t.Fatal(err)
		}
		select {
		case h := <-got:
			if h != i {
				t.Fatalf("woken at head %d, want %d", h, i)
			}
		case <-time.After(30 * time.Second):
			t.Fatal("the waiter was not woken by the other Log's append")
		}
	}
}

// TestReconnectRereads: the listening connection is killed, an entry is
// appended while it is down (so its notification is lost: the listener is
// held before it LISTENs again), and the waiter still learns of it, from
// the head the listener re-reads once it listens again.
func TestReconnectRereads(t *testing.T) {
	dsn := migrated(t)
	a, b := open(t, dsn, quiet), open(t, dsn, quiet)
	if _, err := b.Append(ctx(t), hublogtest.Entry("d", 1)); err != nil {
		t.Fatal(err)
	}
	if _, err := a.Wait(ctx(t), 0); err != nil {
		t.Fatal(err)
	}
	held, release := make(chan struct{}), make(chan struct{})
	a.mu.Lock()
	a.beforeListen = func() { close(held); <-release }
	a.mu.Unlock()
	before := a.Reconnects()

	admin, err := pgx.Connect(ctx(t), dsn)
	if err != nil {
		t.Fatal(err)
	}
	defer admin.Close(context.Background())
	var killed int
	if err := admin.QueryRow(ctx(t), `SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity
		WHERE application_name = $1 AND datname = current_database()`, appName).Scan(&killed); err != nil {
		t.Fatal(err)
	}
	if killed != 2 {
		t.Fatalf("terminated %d listening connections, want 2 (one per Log)", killed)
	}
	select {
	case <-held:
	case <-time.After(30 * time.Second):
		t.Fatal("the listener did not try to reconnect")
	}
	got := make(chan uint64, 1)
	go func() {
		h, err := a.Wait(ctx(t), 1)
		if err != nil {
			t.Error(err)
		}
		got <- h
	}()
	if _, err := b.Append(ctx(t), hublogtest.Entry("d", 2)); err != nil {
		t.Fatal(err)
	}
	close(release)
	select {
	case h := <-got:
		if h != 2 {
			t.Fatalf("woken at %d, want 2", h)
		}
	case <-time.After(30 * time.Second):
		t.Fatal("the waiter missed the entry appended while the listener was down")
	}
	if a.Reconnects() != before+1 {
		t.Errorf("reconnects %d → %d, want one more", before, a.Reconnects())
	}
	p, err := a.Read(ctx(t), 1, hublog.Query{Limit: 10, All: true})
	if err != nil || len(p.Entries) != 1 || p.Entries[0].Seq != 2 {
		t.Fatalf("re-read from the checkpoint = %+v, %v; want entry 2", p, err)
	}
}

// TestMigrate: a new database is brought to the current version, a second
// run changes nothing and keeps the data, and a database from a newer hub
// is refused, by Migrate and by Open.
func TestMigrate(t *testing.T) {
	dsn := pgtest.NewDatabase(t)
	if _, err := Open(ctx(t), dsn, quiet); !errors.Is(err, ErrSchema) {
		t.Fatalf("Open before Migrate = %v, want ErrSchema", err)
	}
	from, to, err := Migrate(ctx(t), dsn)
	if err != nil || from != 0 || to != SchemaVersion {
		t.Fatalf("first Migrate = %d→%d, %v; want 0→%d", from, to, err, SchemaVersion)
	}
	l := open(t, dsn, quiet)
	if _, err := l.Append(ctx(t), hublogtest.Entry("d", 1)); err != nil {
		t.Fatal(err)
	}
	c, err := pgx.Connect(ctx(t), dsn)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close(context.Background())
	oids := func() string {
		var s string
		if err := c.QueryRow(ctx(t), `SELECT string_agg(oid::text || relname, ',' ORDER BY relname) FROM pg_class WHERE relname LIKE 'hublog%'`).Scan(&s); err != nil {
			t.Fatal(err)
		}
		return s
	}
	before := oids()
	from, to, err = Migrate(ctx(t), dsn)
	if err != nil || from != SchemaVersion || to != SchemaVersion {
		t.Fatalf("second Migrate = %d→%d, %v; want %d→%d", from, to, err, SchemaVersion, SchemaVersion)
	}
	if after := oids(); after != before {
		t.Errorf("second Migrate changed the tables:\n%s\n%s", before, after)
	}
	if h, err := l.Head(ctx(t)); err != nil || h != 1 {
		t.Errorf("head after the second Migrate = %d, %v; want 1", h, err)
	}
	if _, err := c.Exec(ctx(t), `UPDATE hublog_schema SET version = version + 1`); err != nil {
		t.Fatal(err)
	}
	if _, _, err := Migrate(ctx(t), dsn); !errors.Is(err, ErrSchema) || !strings.Contains(err.Error(), "upgrade the hub") {
		t.Errorf("Migrate of a newer database = %v, want ErrSchema asking to upgrade the hub", err)
	}
	if _, err := Open(ctx(t), dsn, quiet); !errors.Is(err, ErrSchema) {
		t.Errorf("Open of a newer database = %v, want ErrSchema", err)
	}
}

// TestConcurrentMigrate: two hub processes starting at once both succeed
// and the schema is made once.
func TestConcurrentMigrate(t *testing.T) {
	dsn := pgtest.NewDatabase(t)
	errs := make(chan error, 2)
	for range 2 {
		go func() { _, _, err := Migrate(ctx(t), dsn); errs <- err }()
	}
	for range 2 {
		if err := <-errs; err != nil {
			t.Fatal(err)
		}
	}
	open(t, dsn, quiet)
}

// TestUnreachable: a database nobody listens on is a clear error from
// Open and from Migrate, not a hang.
func TestUnreachable(t *testing.T) {
	dsn := "postgres://ecab@127.0.0.1:1/none?sslmode=disable&connect_timeout=5"
	if _, err := Open(ctx(t), dsn, quiet); err == nil || !strings.Contains(err.Error(), "127.0.0.1") {
		t.Errorf("Open of an unreachable server = %v, want an error naming it", err)
	}
	if _, _, err := Migrate(ctx(t), dsn); err == nil || !strings.Contains(err.Error(), "connect") {
		t.Errorf("Migrate of an unreachable server = %v, want a connect error", err)
	}
}

// TestParsePayload covers the notification payload's forms.
func TestParsePayload(t *testing.T) {
	tests := []struct {
		in   string
		log  int64
		head uint64
		ok   bool
	}{
		{"1:42", 1, 42, true},
		{"7:0", 7, 0, true},
		{"1:", 0, 0, false},
		{":5", 0, 0, false},
		{"15", 0, 0, false},
		{"x:1", 0, 0, false},
		{"1:-1", 0, 0, false},
	}
	for _, tt := range tests {
		l, h, ok := parsePayload(tt.in)
		if ok != tt.ok || (ok && (l != tt.log || h != tt.head)) {
			t.Errorf("parsePayload(%q) = %d, %d, %v; want %d, %d, %v", tt.in, l, h, ok, tt.log, tt.head, tt.ok)
		}
	}
}

// FuzzParsePayload: any payload (another program may notify on the
// channel) is read or refused, never a panic, and what is read round-trips.
func FuzzParsePayload(f *testing.F) {
	for _, s := range []string{"1:42", "", ":", "9223372036854775807:18446744073709551615", "-1:2"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		l, h, ok := parsePayload(s)
		if !ok {
			return
		}
		l2, h2, ok2 := parsePayload(fmt.Sprintf("%d:%d", l, h))
		if !ok2 || l2 != l || h2 != h {
			t.Errorf("parsePayload(%q) = %d, %d; its canonical form reads back as %d, %d, %v", s, l, h, l2, h2, ok2)
		}
	})
}

// TestHubRowsShareTheTransaction: rows the hub writes through Tx.PG commit
// and roll back with the entries of the same Update.
func TestHubRowsShareTheTransaction(t *testing.T) {
	dsn := migrated(t)
	l := open(t, dsn, quiet)
	if _, err := l.pool.Exec(ctx(t), `CREATE TABLE verdicts (device text, dev_seq bigint, hub_seq bigint)`); err != nil {
		t.Fatal(err)
	}
	update := func(devSeq uint64, fail error) error {
		return l.Update(ctx(t), func(htx hublog.Tx) error {
			got, err := htx.Append(hublogtest.Entry("d", devSeq))
			if err != nil {
				return err
			}
			if _, err := htx.(*Tx).PG().Exec(ctx(t), `INSERT INTO verdicts VALUES ('d', $1, $2)`, int64(devSeq), int64(got[0].Seq)); err != nil {
				return err
			}
			return fail
		})
	}
	if err := update(1, nil); err != nil {
		t.Fatal(err)
	}
	if err := update(2, errors.New("refused")); err == nil {
		t.Fatal("the failing Update returned nil")
	}
	var n, seq int64
	if err := l.pool.QueryRow(ctx(t), `SELECT count(*), max(hub_seq) FROM verdicts`).Scan(&n, &seq); err != nil {
		t.Fatal(err)
	}
	if h, _ := l.Head(ctx(t)); n != 1 || seq != 1 || h != 1 {
		t.Errorf("after one committed and one failed Update: %d verdict rows (last at %d), head %d; want 1, 1, 1", n, seq, h)
	}
}

// TestFrozenHolderLetsTheOthersGoOn: a process that froze (or lost the
// network) while it held the log's end does not stop the others. One
// waiting for the lock is told so past LockWait, instead of hanging; once
// the holder has sat idle past IdleInTx the server ends its session and
// rolls its transaction back, the others append again, and the holder,
// when it wakes, finds its Update failed: nothing of it is in the log.
func TestFrozenHolderLetsTheOthersGoOn(t *testing.T) {
	dsn := migrated(t)
	opts := Options{Resync: time.Hour, LockWait: 300 * time.Millisecond, IdleInTx: time.Second}
	a, b := open(t, dsn, opts), open(t, dsn, opts)
	locked, wake := make(chan struct{}), make(chan struct{})
	var once sync.Once
	unfreeze := func() { once.Do(func() { close(wake) }) }
	defer unfreeze() // on any failure too: the pools close only once it returns
	done := make(chan error, 1)
	go func() {
		done <- a.Update(ctx(t), func(tx hublog.Tx) error {
			if _, err := tx.Head(); err != nil {
				return err
			}
			close(locked)
			<-wake // frozen, the head locked
			_, err := tx.Append(hublogtest.Entry("a", 1))
			return err
		})
	}()
	select {
	case <-locked:
	case err := <-done:
		t.Fatalf("the holder's Update ended before it froze: %v", err)
	}
	// Bounded by far more than LockWait: without lock_timeout it would
	// wait for the holder.
	wctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	err := b.Update(wctx, func(tx hublog.Tx) error {
		_, err := tx.Head()
		return err
	})
	var pe *pgconn.PgError
	if !errors.As(err, &pe) || pe.Code != "55P03" { // lock_not_available
		t.Fatalf("waiting for a frozen holder's lock: %v; want lock_timeout's error", err)
	}
	// Counted tries, not a timed wait: the server ends the holder's
	// session once it has been idle past IdleInTx.
	var appended bool
	for range 100 {
		if _, err := b.Append(ctx(t), hublogtest.Entry("b", 1)); err == nil {
			appended = true
			break
		}
		time.Sleep(100 * time.Millisecond)
	}
	if !appended {
		t.Fatal("the other process never appended while the holder stayed frozen")
	}
	unfreeze()
	if err := <-done; err == nil {
		t.Fatal("the frozen holder's Update committed after its session was ended")
	}
	p, err := b.Read(ctx(t), 0, hublog.Query{Limit: 10, All: true})
	if err != nil {
		t.Fatal(err)
	}
	if len(p.Entries) != 1 || p.Entries[0].Device != "b" || p.Head != 1 {
		t.Errorf("the log after the frozen holder: %+v; want b's entry alone", p)
	}
}
