package replica

import (
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/ecabinet/ecabinet/core"
	"github.com/ecabinet/ecabinet/yeardata"
)

// BenchmarkShareOfTenBodies measures what issue 9 asks of pulling: a fresh
// device of an ordinary member of one body pulls its share from a hub
// holding ten bodies, each with a year of data, in about the time it takes
// from a hub holding only that body. ten/one is the ratio (target ≤ 1.3).
//
// Building the two hubs (about 600,000 signed ops, each verified, applied
// and logged by the hub's own import) takes many minutes on two cores, so
// they are built once into a cache directory and copied from there for
// each run: $ECABINET_BENCH_CACHE, else ecabinet-bench under os.TempDir(),
// in a subdirectory named by benchHubVersion. Delete it (or bump the
// version when the generator or the hub's log changes) to rebuild. The
// hubs are settled (compacted) when built, as a long-running hub's store
// would be; only the pulls are timed, interleaved (alternating which goes
// first). Run with -benchtime 4x or more, -count 3 (the hubs are copied
// once per count).
func BenchmarkShareOfTenBodies(b *testing.B) {
	one := cachedHub(b, "one", 1)
	ten := cachedHub(b, "ten", 10)
	member := "body0-m005"
	var tOne, tTen time.Duration
	var pulledOne, pulledTen int
	var readsOne, readsTen uint64
	i := 0
	for b.Loop() {
		// Alternate which hub goes first, so that neither always pays
		// for what the other left behind (garbage, a cold connection).
		order := []*liveHub{one, ten}
		if i%2 == 1 {
			order = []*liveHub{ten, one}
		}
		i++
		for _, h := range order {
			dev := h.enroll(b, member)
			c, err := NewClient(dev)
			if err != nil {
				b.Fatal(err)
			}
			r0 := h.p.StoreReads()
			t0 := time.Now()
			rep, err := c.SyncOnce(context.Background(), nil)
			el := time.Since(t0)
			reads := h.p.StoreReads() - r0
			if err != nil || !rep.Done() || len(dev.Ballots()) != yeardata.Year.Ballots || len(dev.Meetings()) != yeardata.Year.Meetings {
				b.Fatalf("sync: %+v, %v, %d ballots, %d meetings", rep, err, len(dev.Ballots()), len(dev.Meetings()))
			}
			if h == one {
				tOne += el
				pulledOne, readsOne = rep.Pulled, reads
			} else {
				tTen += el
				pulledTen, readsTen = rep.Pulled, reads
			}
			c.Close()
			dev.Close()
		}
	}
	n := float64(b.N)
	b.ReportMetric(float64(tOne.Milliseconds())/n, "ms/one-body")
	b.ReportMetric(float64(tTen.Milliseconds())/n, "ms/ten-bodies")
	b.ReportMetric(float64(tTen)/float64(tOne), "ten/one")
	b.ReportMetric(float64(pulledOne), "pulled/one")
	b.ReportMetric(float64(pulledTen), "pulled/ten")
	// What makes it hold: the keys the hub read to serve each pull.
	b.ReportMetric(float64(readsOne), "hubreads/one")
	b.ReportMetric(float64(readsTen), "hubreads/ten")
}

// benchHubVersion names the cached hubs: bump it when yeardata's output,
// the bodies imported or the hub's log layout change, so that a stale
// cache is never measured.
const benchHubVersion = "share-v1-year75x10-1670x30"

// benchCacheDir is where built benchmark hubs are kept between runs.
func benchCacheDir() string {
	if d := os.Getenv("ECABINET_BENCH_CACHE"); d != "" {
		return filepath.Join(d, benchHubVersion)
	}
	return filepath.Join(os.TempDir(), "ecabinet-bench", benchHubVersion)
}

// cachedHub serves a copy of a hub holding bodies years (body0 … bodyN-1),
// building it into the cache first when it is not there. The secretary's
// member ID is kept beside the hub; its presence marks a finished build.
func cachedHub(b *testing.B, name string, bodies int) *liveHub {
	b.Helper()
	dir := filepath.Join(benchCacheDir(), name)
	secFile := filepath.Join(dir, "secretary")
	sec, err := os.ReadFile(secFile)
	if errors.Is(err, os.ErrNotExist) {
		b.Logf("building the %s hub into %s (once; later runs copy it)", name, dir)
		t0 := time.Now()
		if err := buildBenchHub(dir, bodies); err != nil {
			b.Fatal(err)
		}
		b.Logf("built the %s hub in %v", name, time.Since(t0).Round(time.Second))
		sec, err = os.ReadFile(secFile)
	}
	if err != nil {
		b.Fatal(err)
	}
	hubDir := filepath.Join(b.TempDir(), "hub")
	if err := os.CopyFS(hubDir, os.DirFS(filepath.Join(dir, "hub"))); err != nil {
		b.Fatal(err)
	}
	p, err := core.Open(hubDir, benchPass)
	if err != nil {
		b.Fatal(err)
	}
	h := serveQuiet(b, p)
	h.secID = strings.TrimSpace(string(sec))
	return h
}

// buildBenchHub makes a hub in dir/hub holding bodies years, imported as
// their devices had pushed them (HubImportUnsynced: every op verified,
// applied and logged by the hub's own code, flushed once at the end).
func buildBenchHub(dir string, bodies int) error {
	tmp := dir + ".building"
	if err := os.RemoveAll(tmp); err != nil {
		return err
	}
	p, res, err := InitHub(filepath.Join(tmp, "hub"), benchPass, "Văn phòng Chính phủ", "Thư ký", nil, 0)
	if err != nil {
		return err
	}
	for i := range bodies {
		size := yeardata.Year
		size.Body = fmt.Sprintf("body%d", i)
		data, err := yeardata.Generate(res.SecretaryID, size, uint64(i+1))
		if err != nil {
			p.Close()
			return err
		}
		if err := p.EnrollDevice(res.SecretaryID, data.Secretary.Pub); err != nil {
			p.Close()
			return err
		}
		for j := 0; j < len(data.Ops); j += 200 {
			vs, err := p.HubImportUnsynced(data.Ops[j:min(j+200, len(data.Ops))])
			if err != nil {
				p.Close()
				return err
			}
			for _, v := range vs {
				if !v.Accepted() {
					p.Close()
					return fmt.Errorf("hub refused a generated op: %+v", v)
				}
			}
		}
	}
	// Settled as a long-running hub's store is, not mid-compaction.
	if err := errors.Join(p.HubSync(), p.HubSettle(), p.Close()); err != nil {
		return err
	}
	if err := os.WriteFile(filepath.Join(tmp, "secretary"), []byte(res.SecretaryID+"\n"), 0o600); err != nil {
		return err
	}
	if err := os.RemoveAll(dir); err != nil {
		return err
	}
	return os.Rename(tmp, dir)
}

// serveQuiet serves a hub's protocol over TLS as Serve does, without
// Serve's pass that closes due ballots and signs their results: the
// benchmark measures the year as generated, on both hubs alike.
func serveQuiet(tb testing.TB, p *core.Profile) *liveHub {
	tb.Helper()
	h, err := NewHub(p, slog.New(slog.NewTextHandler(io.Discard, nil)))
	if err != nil {
		tb.Fatal(err)
	}
	cfg, err := h.TLSConfig()
	if err != nil {
		tb.Fatal(err)
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		tb.Fatal(err)
	}
	srv := &http.Server{Handler: h.Handler(), TLSConfig: cfg, ReadHeaderTimeout: time.Minute}
	done := make(chan error, 1)
	go func() { done <- srv.Serve(tls.NewListener(ln, cfg)) }()
	tb.Cleanup(func() { srv.Close(); <-done; p.Close() })
	return &liveHub{p: p, h: h, url: "https://" + ln.Addr().String(), pass: benchPass}
}
