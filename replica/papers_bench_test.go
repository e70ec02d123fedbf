package replica_test

import (
	"bytes"
	"context"
	"crypto/ed25519"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"io"
	"math/big"
	"net"
	"testing"
	"time"

	"github.com/ecabinet/ecabinet/core"
	"github.com/ecabinet/ecabinet/meetings"
	"github.com/ecabinet/ecabinet/papers"
	"github.com/ecabinet/ecabinet/replica/replicatest"
)

// benchPaperSize is the paper the transfer benchmark moves. The issue's
// figure is for 1 GiB in 20 files; on this shared two-core machine a
// 64 MiB paper gives the same ratio in a run that fits (the path is per
// chunk, so the ratio does not depend on the total).
const benchPaperSize = 64 << 20

// paperOnHub attaches a paper of the given bytes and pushes it; it returns
// the committee and the paper.
func paperOnHub(b *testing.B, file []byte) (*paperCommittee, papers.Paper) {
	c := newPaperCommittee(b)
	m, err := c.sec.CreateMeeting(core.MeetingInput{Title: "Phiên họp", Start: time.Now().Add(time.Hour)})
	if err != nil {
		b.Fatal(err)
	}
	it, err := c.sec.AddAgendaItem(m.ID, meetings.AgendaItem{Title: "Mục một", Minutes: 10})
	if err != nil {
		b.Fatal(err)
	}
	pp, err := c.sec.AddPaper(core.PaperInput{MeetingID: m.ID, ItemID: it.ID, FileName: "bao-cao.bin"}, bytes.NewReader(file))
	if err != nil {
		b.Fatal(err)
	}
	replicatest.Sync(b, c.sec)
	replicatest.Sync(b, c.devs[0])
	return c, pp
}

// BenchmarkPaperTransfer: a fresh device fetches a paper through the hub
// (mTLS, a request per chunk, each chunk checked and written atomically),
// against a raw TLS stream of the same number of bytes on loopback, both in
// the same run. x_floor is the paper's throughput over the floor's.
func BenchmarkPaperTransfer(b *testing.B) {
	file := paperBytes(benchPaperSize, 7)
	c, pp := paperOnHub(b, file)
	dev := c.devs[0]
	bs, err := dev.Blobs()
	if err != nil {
		b.Fatal(err)
	}
	cur, _ := pp.CurrentVersion()
	wire := cur.Size() + int64(len(cur.Manifest.Chunks))*33 // ciphertext: +1+24+16 per chunk
	floorAddr, stopFloor := rawTLSFloor(b, wire)
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
		if err != nil || rep.Offline != 1 {
			b.Fatalf("download: %+v, %v", rep, err)
		}
		t1 := time.Now()
		n := rawTLSRead(b, floorAddr)
		tFloor += time.Since(t1)
		if n != wire {
			b.Fatalf("floor read %d bytes, want %d", n, wire)
		}
	}
	mb := float64(cur.Size()) / (1 << 20) * float64(b.N)
	b.ReportMetric(mb/tPaper.Seconds(), "MiB/s_paper")
	b.ReportMetric(mb/tFloor.Seconds(), "MiB/s_floor")
	b.ReportMetric(tFloor.Seconds()/tPaper.Seconds(), "x_floor")
}

// BenchmarkPaperReplace: a new version that changed one place in the
// middle (a page edited in place) and one with bytes appended (an
// incremental PDF update) fetch only the chunks that changed. The metrics
// are the fraction of the new version's chunks fetched, and the bytes
// fetched over the bytes that changed.
func BenchmarkPaperReplace(b *testing.B) {
	file := paperBytes(benchPaperSize, 8)
	c, pp := paperOnHub(b, file)
	d := downloader(b, c.devs[0])
	if _, err := d.RunOnce(context.Background()); err != nil {
		b.Fatal(err)
	}
	var fracEdit, fracAppend, appendOver float64
	cur := file
	for i := 0; b.Loop(); i++ {
		edited := bytes.Clone(cur)
		copy(edited[len(edited)/2:], paperBytes(4000, uint64(100+i)))
		appended := append(bytes.Clone(edited), paperBytes(300<<10, uint64(200+i))...)
		for j, next := range [][]byte{edited, appended} {
			v, err := c.sec.ReplacePaper(pp.ID, "bao-cao.bin", bytes.NewReader(next))
			if err != nil {
				b.Fatal(err)
			}
			replicatest.Sync(b, c.sec)
			replicatest.Sync(b, c.devs[0])
			rep, err := d.RunOnce(context.Background())
			if err != nil {
				b.Fatal(err)
			}
			frac := float64(rep.Fetched) / float64(len(v.Manifest.Chunks))
			if j == 0 {
				fracEdit += frac
			} else {
				fracAppend += frac
				appendOver += float64(rep.Bytes) / float64(300<<10)
			}
		}
		cur = appended
	}
	n := float64(b.N)
	b.ReportMetric(fracEdit/n, "frac_chunks_edit")
	b.ReportMetric(fracAppend/n, "frac_chunks_append")
	b.ReportMetric(appendOver/n, "bytes/appended")
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
