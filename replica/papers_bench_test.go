package replica_test

import (
	"bytes"
	"context"
	"crypto/ed25519"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"fmt"
	"io"
	"math/big"
	"net"
	"os"
	"path/filepath"
	"strconv"
	"testing"
	"time"

	"github.com/ecabinet/ecabinet/core"
	"github.com/ecabinet/ecabinet/internal/pdftest"
	"github.com/ecabinet/ecabinet/meetings"
	"github.com/ecabinet/ecabinet/papers"
	"github.com/ecabinet/ecabinet/replica"
	"github.com/ecabinet/ecabinet/replica/replicatest"
	"github.com/ecabinet/ecabinet/store/blob"
)

// benchSetMiB is the set the transfer benchmark moves: 1 GiB in
// benchFiles files, as the figure says. ECABINET_BENCH_SET_MIB
// makes it smaller (a quick look while changing the code: the path is per
// chunk, so the ratio hardly depends on the total); the figures in
// BENCHMARKS.md are for the default.
const (
	benchSetMiB = 1024
	benchFiles  = 20
)

func benchSetBytes(b *testing.B) int {
	mib := benchSetMiB
	if v := os.Getenv("ECABINET_BENCH_SET_MIB"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < benchFiles {
			b.Fatalf("ECABINET_BENCH_SET_MIB=%q: want a number of MiB, at least %d", v, benchFiles)
		}
		mib = n
	}
	return mib << 20
}

// paperSet is a meeting's papers on the hub and every chunk of them, with
// the first member's device synced (it knows the papers and holds their
// keys, but none of their chunks yet).
type paperSet struct {
	c     *paperCommittee
	ids   []string
	sizes []int
	// wire is the set's ciphertext: what a fresh device fetches.
	wire int64
}

// paperSetOnHub attaches files papers of each bytes (noise, seeded by their
// place) to a published meeting and pushes them.
func paperSetOnHub(b *testing.B, files, each int) *paperSet {
	c := newPaperCommittee(b)
	m, err := c.sec.CreateMeeting(core.MeetingInput{Title: "Phiên họp", Start: time.Now().Add(time.Hour)})
	if err != nil {
		b.Fatal(err)
	}
	it, err := c.sec.AddAgendaItem(m.ID, meetings.AgendaItem{Title: "Mục một", Minutes: 10})
	if err != nil {
		b.Fatal(err)
	}
	// Published: a draft reaches only the secretariat.
	if err := c.sec.SetMeetingStatus(m.ID, meetings.StatusPublished); err != nil {
		b.Fatal(err)
	}
	set := &paperSet{c: c}
	for i := range files {
		pp, err := c.sec.AddPaper(core.PaperInput{MeetingID: m.ID, ItemID: it.ID, FileName: fmt.Sprintf("tai-lieu-%02d.bin", i+1)},
			bytes.NewReader(paperBytes(each, uint64(1000+i))))
		if err != nil {
			b.Fatal(err)
		}
		cur, _ := pp.CurrentVersion()
		set.ids = append(set.ids, pp.ID)
		set.sizes = append(set.sizes, each)
		set.wire += cur.Size() + int64(len(papers.IDs(cur.Manifest)))*blob.Overhead
	}
	replicatest.Sync(b, c.sec) // uploads every chunk, then the ops
	replicatest.Sync(b, c.devs[0])
	return set
}

// BenchmarkPaperTransfer: the transfer figures, on one set of 20
// papers (1 GiB in all) attached to a published meeting.
//
// fresh_device: a device that holds none of the chunks fetches the set
// through the hub (mTLS, a request per chunk, several streams, each chunk
// opened and checked under its paper's key, then written and made durable
// in batches), against a raw TLS 1.3 stream of the same number of bytes on
// loopback, both in the same loop. x_floor is the set's throughput over
// the floor's.
//
// one_changed: one of the 20 papers gets a new version (new content of the
// same size: the worst case), and the device syncs and downloads. The
// metric is every byte the device read from the hub for it (the pull and
// the chunks, TLS records and HTTP headers included) over the paper's size.
func BenchmarkPaperTransfer(b *testing.B) {
	total := benchSetBytes(b)
	set := paperSetOnHub(b, benchFiles, total/benchFiles)
	dev := set.c.devs[0]
	bs, err := dev.Blobs()
	if err != nil {
		b.Fatal(err)
	}
	b.Run("fresh_device", func(b *testing.B) {
		floorAddr, stopFloor := rawTLSFloor(b, set.wire)
		defer stopFloor()
		diskDir := filepath.Join(dev.Dir(), "papers") // the disk the chunks land on
		var tPaper, tFloor, tDisk, tCached time.Duration
		var cPaper, cFloor time.Duration // CPU time of the whole process (hub, device, floor server)
		for b.Loop() {
			if _, _, err := bs.Sweep(nil); err != nil { // a fresh device: nothing here
				b.Fatal(err)
			}
			d := downloader(b, dev)
			if n := os.Getenv("ECABINET_BENCH_STREAMS"); n != "" { // to compare stream counts
				d.Streams, _ = strconv.Atoi(n)
			}
			t0, c0 := time.Now(), processCPU()
			rep, err := d.RunOnce(context.Background())
			tPaper += time.Since(t0)
			cPaper += processCPU() - c0
			if err != nil || rep.Offline != benchFiles || rep.Bytes != set.wire {
				b.Fatalf("download: %+v, %v; want %d papers, %d bytes", rep, err, benchFiles, set.wire)
			}
			t1, c1 := time.Now(), processCPU()
			n := rawTLSRead(b, floorAddr)
			tFloor += time.Since(t1)
			cFloor += processCPU() - c1
			if n != set.wire {
				b.Fatalf("floor read %d bytes, want %d", n, set.wire)
			}
			tDisk += durableWrite(b, diskDir, set.wire, true)
			tCached += durableWrite(b, diskDir, set.wire, false)
		}
		mb := float64(set.wire) / (1 << 20) * float64(b.N)
		b.ReportMetric(mb/tPaper.Seconds(), "MiB/s_paper")
		b.ReportMetric(mb/tFloor.Seconds(), "MiB/s_floor")
		b.ReportMetric(tFloor.Seconds()/tPaper.Seconds(), "x_floor")
		// CPU per byte, both ends in this process: on a machine whose
		// cores are all busy (other work beside the benchmark), the
		// throughputs follow the CPU each byte costs, and x_floor tends to
		// cpu_x_floor, the floor's CPU over the download's.
		b.ReportMetric(cPaper.Seconds()*1000/mb, "cpu_ms/MiB_paper")
		b.ReportMetric(cFloor.Seconds()*1000/mb, "cpu_ms/MiB_floor")
		b.ReportMetric(cFloor.Seconds()/cPaper.Seconds(), "cpu_x_floor")
		// The second floor: the disk's durable bandwidth, one file of the
		// same bytes written and synced where the chunks go, straight to
		// the disk as the downloader writes where it can (direct I/O). A
		// download that keeps what it counts durable cannot beat it by
		// much (its syncs overlap its fetching; this file's one sync is
		// the last thing timed).
		b.ReportMetric(mb/tDisk.Seconds(), "MiB/s_disk")
		b.ReportMetric(tDisk.Seconds()/tPaper.Seconds(), "x_disk")
		// The same through the page cache, as the downloader wrote before:
		// on a VM whose free memory the host takes back, filling fresh
		// page-cache pages is what costs.
		b.ReportMetric(mb/tCached.Seconds(), "MiB/s_disk_cached")
	})
	b.Run("one_changed", func(b *testing.B) {
		ctx := context.Background()
		if _, err := downloader(b, dev).RunOnce(ctx); err != nil { // the whole set is here
			b.Fatal(err)
		}
		var ratio float64
		for i := 0; b.Loop(); i++ {
			k := i % len(set.ids)
			v, err := set.c.sec.ReplacePaper(set.ids[k], fmt.Sprintf("tai-lieu-%02d.bin", k+1), bytes.NewReader(paperBytes(set.sizes[k], uint64(5000+i))))
			if err != nil {
				b.Fatal(err)
			}
			replicatest.Sync(b, set.c.sec)
			cl, err := replica.NewClient(dev)
			if err != nil {
				b.Fatal(err)
			}
			if _, err := cl.SyncOnce(ctx, nil); err != nil {
				b.Fatal(err)
			}
			rep, err := replica.NewDownloader(dev, cl).RunOnce(ctx)
			cl.Close()
			if err != nil || rep.Fetched != len(papers.IDs(v.Manifest)) || rep.Offline != benchFiles {
				b.Fatalf("after one change: %+v, %v; want the %d chunks of the new version only", rep, err, len(papers.IDs(v.Manifest)))
			}
			ratio += float64(cl.Received()) / float64(set.sizes[k])
		}
		b.ReportMetric(ratio/float64(b.N), "bytes/paper")
	})
}

// durableWrite writes n bytes to a new file in dir, 1 MiB at a time,
// straight to the disk where the system allows it (direct: O_DIRECT, from
// an aligned buffer) or through the page cache, syncs it, removes it, and
// returns how long the write and sync took.
func durableWrite(b *testing.B, dir string, n int64, direct bool) time.Duration {
	buf := blob.ChunkBuffer(1 << 20)
	rand.Read(buf)
	flag := os.O_RDWR | os.O_CREATE | os.O_EXCL
	if direct {
		flag |= oDirect
	}
	name := filepath.Join(dir, fmt.Sprintf("disk-floor-%d", time.Now().UnixNano()))
	f, err := os.OpenFile(name, flag, 0o600)
	if err != nil {
		b.Fatal(err)
	}
	defer os.Remove(name)
	defer f.Close()
	t0 := time.Now()
	for left := n; left > 0; {
		k := min(left, int64(len(buf)))
		if direct && k < int64(len(buf)) { // the tail, not whole blocks: through the page cache
			f.Close()
			if f, err = os.OpenFile(name, os.O_WRONLY|os.O_APPEND, 0); err != nil {
				b.Fatal(err)
			}
			defer f.Close()
		}
		if _, err := f.Write(buf[:k]); err != nil {
			b.Fatal(err)
		}
		left -= k
	}
	if err := f.Sync(); err != nil {
		b.Fatal(err)
	}
	return time.Since(t0)
}

// rawTLSFloor serves n bytes to every TLS connection on loopback.
func rawTLSFloor(b *testing.B, n int64) (string, func()) {
	pub, priv, _ := ed25519.GenerateKey(rand.Reader)
	tmpl := &x509.Certificate{SerialNumber: big.NewInt(1), NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(time.Hour),
		IPAddresses: []net.IP{net.IPv4(127, 0, 0, 1)}}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, pub, priv)
	if err != nil {
		b.Fatal(err)
	}
	floorCert = der
	ln, err := tls.Listen("tcp", "127.0.0.1:0", &tls.Config{MinVersion: tls.VersionTLS13,
		Certificates: []tls.Certificate{{Certificate: [][]byte{der}, PrivateKey: priv}}})
	if err != nil {
		b.Fatal(err)
	}
	buf := make([]byte, 1<<20)
	rand.Read(buf)
	go func() {
		for {
			conn, err := ln.Accept()
			if err != nil {
				return
			}
			go func() {
				defer conn.Close()
				for left := n; left > 0; {
					k := min(left, int64(len(buf)))
					if _, err := conn.Write(buf[:k]); err != nil {
						return
					}
					left -= k
				}
			}()
		}
	}()
	return ln.Addr().String(), func() { ln.Close() }
}

var floorCert []byte

func rawTLSRead(b *testing.B, addr string) int64 {
	cert, _ := x509.ParseCertificate(floorCert)
	pool := x509.NewCertPool()
	pool.AddCert(cert)
	conn, err := tls.Dial("tcp", addr, &tls.Config{RootCAs: pool, MinVersion: tls.VersionTLS13})
	if err != nil {
		b.Fatal(err)
	}
	defer conn.Close()
	n, err := io.Copy(io.Discard, conn)
	if err != nil {
		b.Fatal(err)
	}
	return n
}

// appendFixture is a real PDF paper on the hub and on a member's device,
// for the incremental-update figures.
type appendFixture struct {
	c     *paperCommittee
	paper string
	pdf   []byte
	pages int
}

// appendPaperOnHub attaches a real PDF of pages pages (about size bytes:
// text and a scanned-like image on each) to a published meeting, and has
// the first member's device fetch it.
func appendPaperOnHub(tb testing.TB, pages, size int) *appendFixture {
	c := newPaperCommittee(tb)
	m, err := c.sec.CreateMeeting(core.MeetingInput{Title: "Phiên họp", Start: time.Now().Add(time.Hour)})
	if err != nil {
		tb.Fatal(err)
	}
	it, err := c.sec.AddAgendaItem(m.ID, meetings.AgendaItem{Title: "Dự thảo Nghị định", Minutes: 10})
	if err != nil {
		tb.Fatal(err)
	}
	if err := c.sec.SetMeetingStatus(m.ID, meetings.StatusPublished); err != nil {
		tb.Fatal(err)
	}
	pdf := pdftest.Make(pages, size)
	pp, err := c.sec.AddPaper(core.PaperInput{MeetingID: m.ID, ItemID: it.ID, FileName: "du-thao.pdf"}, bytes.NewReader(pdf))
	if err != nil {
		tb.Fatal(err)
	}
	replicatest.Sync(tb, c.sec)
	replicatest.Sync(tb, c.devs[0])
	if _, err := downloader(tb, c.devs[0]).RunOnce(context.Background()); err != nil {
		tb.Fatal(err)
	}
	return &appendFixture{c: c, paper: pp.ID, pdf: pdf, pages: pages}
}

// appendResult is what one appended revision cost the member's device.
type appendResult struct {
	appended int64 // bytes the revision added to the file
	chunks   int64 // ciphertext of the chunks fetched
	wire     int64 // every byte read from the hub: pull and chunks, TLS and HTTP included
	fetched  int   // chunks fetched
	// lastOld is the old version's last chunk: cut where the old file
	// ended, it is the one chunk of old bytes that content-defined
	// chunking cuts again with the appended bytes.
	lastOld int64
	bound   int64 // appended bytes plus two chunks (the chunker's average size)
}

// appendPages makes the next version by an incremental update (add pages
// of about size bytes appended after the old bytes, checked with poppler),
// replaces the paper with it and has the member's device sync and fetch.
func (f *appendFixture) appendPages(tb testing.TB, add, size int) appendResult {
	tb.Helper()
	next, err := pdftest.AppendPages(f.pdf, f.pages, add, size)
	if err != nil {
		tb.Fatal(err)
	}
	pdftest.Check(tb, next, f.pages+add, fmt.Sprintf("Page %d", f.pages+add))
	pp, err := f.c.sec.Paper(f.paper)
	if err != nil {
		tb.Fatal(err)
	}
	old, _ := pp.CurrentVersion()
	v, err := f.c.sec.ReplacePaper(f.paper, "du-thao.pdf", bytes.NewReader(next))
	if err != nil {
		tb.Fatal(err)
	}
	if v.Pages != f.pages+add {
		tb.Fatalf("the new version has %d pages, want %d", v.Pages, f.pages+add)
	}
	replicatest.Sync(tb, f.c.sec)
	ctx := context.Background()
	cl, err := replica.NewClient(f.c.devs[0])
	if err != nil {
		tb.Fatal(err)
	}
	defer cl.Close()
	if _, err := cl.SyncOnce(ctx, nil); err != nil {
		tb.Fatal(err)
	}
	rep, err := replica.NewDownloader(f.c.devs[0], cl).RunOnce(ctx)
	if err != nil || rep.Offline != 1 {
		tb.Fatalf("download of the new version: %+v, %v", rep, err)
	}
	r := appendResult{appended: int64(len(next) - len(f.pdf)), chunks: rep.Bytes, wire: cl.Received(), fetched: rep.Fetched,
		lastOld: int64(old.Manifest.Chunks[len(old.Manifest.Chunks)-1].Len)}
	r.bound = r.appended + 2*int64(v.Manifest.Params.Avg)
	f.pdf, f.pages = next, f.pages+add
	return r
}

// BenchmarkPaperReplace: a new version of a real 24 MB PDF made by
// appending two pages (about 600 KB, an incremental update, as a PDF editor
// saves an appended revision), checked with poppler, replaced by the
// secretary and fetched by a member. bytes/bound is what the member's
// device read from the hub for it (the pull and the chunks, TLS and HTTP
// included) over the bound, the appended bytes plus two chunks (the
// chunker's average size, 1 MiB); chunks/bound counts the chunks'
// ciphertext alone. Bytes, not time: the figures are exact, and
// TestPapers_GivenPagesAppended_ThenTransferWithinAppendedBytesPlusTwoChunks
// asserts them.
func BenchmarkPaperReplace(b *testing.B) {
	f := appendPaperOnHub(b, 12, 24<<20)
	var wire, chunks, appended, fetched float64
	for b.Loop() {
		r := f.appendPages(b, 2, 600<<10)
		wire += float64(r.wire) / float64(r.bound)
		chunks += float64(r.chunks) / float64(r.bound)
		appended += float64(r.appended)
		fetched += float64(r.fetched)
	}
	n := float64(b.N)
	b.ReportMetric(wire/n, "bytes/bound")
	b.ReportMetric(chunks/n, "chunks/bound")
	b.ReportMetric(appended/n, "appended_bytes")
	b.ReportMetric(fetched/n, "chunks_fetched")
}
