package pglog

import (
	"context"
	"fmt"
	"path/filepath"
	"testing"
	"time"

	"github.com/ecabinet/ecabinet/hublog"
	"github.com/ecabinet/ecabinet/hublog/badgerlog"
	"github.com/ecabinet/ecabinet/internal/pgtest"
	"github.com/ecabinet/ecabinet/store"
)

// BenchmarkAppendRead appends N entries of 400 bytes (a signed ballot
// answer) to the PostgreSQL log and to the Badger one, in transactions of
// `batch` entries (1: one device's push of one answer; 100: a page of a
// push or an import), then reads them back in pages of 500 as a puller
// does, the two logs interleaved in one loop (in alternating order). Both
// are durable: the cluster is a fresh one with PostgreSQL's default fsync
// and synchronous commit (not the tests' fsync=off), and Badger syncs each
// commit. Metrics: each phase's time per entry and the pg/badger ratios.
func BenchmarkAppendRead(b *testing.B) {
	ctx := context.Background()
	srv, err := pgtest.StartCluster(true)
	if err != nil {
		b.Fatal(err)
	}
	defer srv.Close()
	if _, _, err := Migrate(ctx, srv.DSN); err != nil {
		b.Fatal(err)
	}
	pg, err := Open(ctx, srv.DSN, Options{Resync: time.Hour})
	if err != nil {
		b.Fatal(err)
	}
	defer pg.Close()
	st, err := store.Create(filepath.Join(b.TempDir(), "hub"), []byte("correct horse battery staple"))
	if err != nil {
		b.Fatal(err)
	}
	defer st.Close()
	bl, err := badgerlog.New(st)
	if err != nil {
		b.Fatal(err)
	}
	op := make([]byte, 400)
	for i := range op {
		op[i] = byte(i * 7)
	}
	run := 0 // names each round's device: the logs outlive the sub-benchmark's repeated runs
	for _, tt := range []struct{ batch, n int }{{1, 300}, {100, 5000}} {
		b.Run(fmt.Sprintf("batch=%d/n=%d", tt.batch, tt.n), func(b *testing.B) {
			logs := []hublog.Log{pg, bl}
			var app, read [2]time.Duration
			iter := 0
			for b.Loop() {
				iter++
				run++
				dev := fmt.Sprintf("dev-%d", run)
				for k := range 2 {
					i := (k + iter) % 2 // alternate which goes first
					a, r := appendRead(b, logs[i], dev, op, tt.n, tt.batch)
					app[i] += a
					read[i] += r
				}
			}
			per := func(d time.Duration) float64 { return float64(d.Microseconds()) / float64(iter*tt.n) }
			b.ReportMetric(per(app[0]), "pg-append-µs/entry")
			b.ReportMetric(per(app[1]), "badger-append-µs/entry")
			b.ReportMetric(per(read[0]), "pg-read-µs/entry")
			b.ReportMetric(per(read[1]), "badger-read-µs/entry")
			b.ReportMetric(float64(app[0])/float64(app[1]), "append-pg/badger")
			b.ReportMetric(float64(read[0])/float64(read[1]), "read-pg/badger")
		})
	}
}

// appendRead appends n entries of device dev in transactions of batch and
// reads them back, returning the time of each phase.
func appendRead(b *testing.B, l hublog.Log, dev string, op []byte, n, batch int) (app, read time.Duration) {
	ctx := context.Background()
	start, err := l.Head(ctx)
	if err != nil {
		b.Fatal(err)
	}
	t0 := time.Now()
	es := make([]hublog.Entry, 0, batch)
	for i := 1; i <= n; i++ {
		es = append(es, hublog.Entry{Device: dev, DevSeq: uint64(i), Op: op, At: time.Now()})
		if len(es) == batch || i == n {
			if _, err := l.Append(ctx, es...); err != nil {
				b.Fatal(err)
			}
			es = es[:0]
		}
	}
	t1 := time.Now()
	got, since := 0, start
	for {
		p, err := l.Read(ctx, since, hublog.Query{Limit: 500, All: true})
		if err != nil {
			b.Fatal(err)
		}
		got += len(p.Entries)
		if p.Next == since {
			break
		}
		since = p.Next
	}
	if got != n {
		b.Fatalf("read back %d entries, want %d", got, n)
	}
	return t1.Sub(t0), time.Since(t1)
}
