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
	"strconv"
	"testing"
	"time"

	"github.com/ecabinet/ecabinet/core"
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
		var tPaper, tFloor time.Duration
		for b.Loop() {
			if _, _, err := bs.Sweep(nil); err != nil { // a fresh device: nothing here
				b.Fatal(err)
			}
			d := downloader(b, dev)
			t0 := time.Now()
			rep, err := d.RunOnce(context.Background())
			tPaper += time.Since(t0)
			if err != nil || rep.Offline != benchFiles || rep.Bytes != set.wire {
				b.Fatalf("download: %+v, %v; want %d papers, %d bytes", rep, err, benchFiles, set.wire)
			}
			t1 := time.Now()
			n := rawTLSRead(b, floorAddr)
			tFloor += time.Since(t1)
			if n != set.wire {
				b.Fatalf("floor read %d bytes, want %d", n, set.wire)
			}
		}
		mb := float64(set.wire) / (1 << 20) * float64(b.N)
		b.ReportMetric(mb/tPaper.Seconds(), "MiB/s_paper")
		b.ReportMetric(mb/tFloor.Seconds(), "MiB/s_floor")
		b.ReportMetric(tFloor.Seconds()/tPaper.Seconds(), "x_floor")
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
