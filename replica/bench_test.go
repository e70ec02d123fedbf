package replica

import (
	"context"
	"crypto/ed25519"
	"fmt"
	"path/filepath"
	"sort"
	"sync"
	"testing"
	"time"

	"github.com/ecabinet/ecabinet/ballots"
	"github.com/ecabinet/ecabinet/core"
	"github.com/ecabinet/ecabinet/identity"
	"github.com/ecabinet/ecabinet/meetings"
	"github.com/ecabinet/ecabinet/ops"
	"github.com/ecabinet/ecabinet/store"
	"github.com/ecabinet/ecabinet/yeardata"
)

var benchPass = []byte("bench hub passphrase")

// BenchmarkFullSyncYear measures a fresh secretary device's first sync of
// a year of data (75 meetings × 10 items, 1,670 ballots × 30 signed
// answers) from a hub over loopback TLS, against its floor: verifying the
// same signatures plus one batched write of the same records into an
// encrypted store. sync/floor is the ratio (target ≤ 1.5).
func BenchmarkFullSyncYear(b *testing.B) {
	// The year as generated: the hub does not add signed results while the
	// benchmark runs (they would be records the floor does not have).
	h := serveHub(b, benchPass, 24*time.Hour)
	data, err := yeardata.Generate(h.secID, yeardata.Year, 1)
	if err != nil {
		b.Fatal(err)
	}
	if err := h.p.EnrollDevice(h.secID, data.Secretary.Pub); err != nil {
		b.Fatal(err)
	}
	for i := 0; i < len(data.Ops); i += 200 {
		vs, err := h.p.HubImport(data.Ops[i:min(i+200, len(data.Ops))])
		if err != nil {
			b.Fatal(err)
		}
		for _, v := range vs {
			if !v.Accepted() {
				b.Fatalf("hub refused a generated op: %+v", v)
			}
		}
	}
	// The floor's inputs: every op with its signer's key.
	keys := map[string]ed25519.PublicKey{}
	decoded := make([]struct {
		s  ops.Signed
		op ops.Op
	}, len(data.Ops))
	for i, raw := range data.Ops {
		s, op, err := ops.Decode(raw)
		if err != nil {
			b.Fatal(err)
		}
		decoded[i].s, decoded[i].op = s, op
		if op.Kind == ops.KindDeviceEnroll {
			var e ops.DeviceEnroll
			op.DecodeBody(&e)
			keys[identity.IDOf(e.PubKey)] = e.PubKey
		}
	}
	keys[data.Secretary.ID] = data.Secretary.Pub
	var tSync, tFloor time.Duration
	for b.Loop() {
		dev := h.enroll(b, h.secID)
		c, err := NewClient(dev)
		if err != nil {
			b.Fatal(err)
		}
		t0 := time.Now()
		rep, err := c.SyncOnce(context.Background(), nil)
		tSync += time.Since(t0)
		if err != nil || !rep.Done() || len(dev.Ballots()) != 1670 {
			b.Fatalf("sync: %+v, %v, %d ballots", rep, err, len(dev.Ballots()))
		}
		c.Close()
		dev.Close()

		fs, err := store.Create(filepath.Join(b.TempDir(), "floor"), benchPass)
		if err != nil {
			b.Fatal(err)
		}
		t1 := time.Now()
		ks := make([][]byte, len(data.Ops))
		for i, d := range decoded {
			if err := d.s.Verify(keys[d.op.Device], d.op); err != nil {
				b.Fatal(err)
			}
			ks[i] = store.SeqKey("floor", uint64(i+1))
		}
		if err := fs.WriteBatch(ks, data.Ops); err != nil {
			b.Fatal(err)
		}
		tFloor += time.Since(t1)
		fs.Close()
	}
	n := float64(b.N)
	b.ReportMetric(float64(tSync.Milliseconds())/n, "ms/sync")
	b.ReportMetric(float64(tFloor.Milliseconds())/n, "ms/floor")
	b.ReportMetric(float64(tSync)/float64(tFloor), "sync/floor")
	b.ReportMetric(float64(len(data.Ops)), "ops")
}

// BenchmarkPushLatency30 has 30 member devices answer at once and measures
// push-to-acknowledgement latency (one answer per push, each acknowledged
// only after the hub's synced write).
func BenchmarkPushLatency30(b *testing.B) {
	h := serveHub(b, benchPass, 30*time.Second)
	sec := h.enroll(b, h.secID)
	var members []meetings.Member
	for i := 0; i < 30; i++ {
		m, err := sec.AddMember(meetings.Member{Name: fmt.Sprintf("Thành viên %d", i+1), Role: meetings.RoleMember})
		if err != nil {
			b.Fatal(err)
		}
		members = append(members, m)
	}
	bl, err := sec.IssueBallot(core.BallotInput{Title: "Phiếu", Question: "Thông qua?", Deadline: time.Now().Add(time.Hour)})
	if err != nil {
		b.Fatal(err)
	}
	sc, _ := NewClient(sec)
	if _, err := sc.SyncOnce(context.Background(), nil); err != nil {
		b.Fatal(err)
	}
	type device struct {
		p *core.Profile
		c *Client
	}
	devs := make([]device, len(members))
	for i, m := range members {
		p := h.enroll(b, m.ID)
		c, _ := NewClient(p)
		if _, err := c.SyncOnce(context.Background(), nil); err != nil {
			b.Fatal(err)
		}
		devs[i] = device{p, c}
	}
	var mu sync.Mutex
	var lat []time.Duration
	for b.Loop() {
		var wg sync.WaitGroup
		for _, d := range devs {
			wg.Add(1)
			go func() {
				defer wg.Done()
				if _, err := d.p.AnswerBallot(bl.ID, ballots.ChoiceAgree, ""); err != nil {
					b.Error(err)
					return
				}
				items, _ := d.p.Outbox(1)
				t0 := time.Now()
				var resp PushResponse
				err := call(context.Background(), d.c.http, h.url, PathPush, PushRequest{Version: Version, Ops: [][]byte{items[0].Op}}, &resp)
				el := time.Since(t0)
				if err != nil || !resp.Verdicts[0].Accepted() {
					b.Errorf("push: %v %+v", err, resp)
					return
				}
				resp.Verdicts[0].DevSeq = items[0].DevSeq
				d.p.RecordVerdicts(resp.Verdicts)
				mu.Lock()
				lat = append(lat, el)
				mu.Unlock()
			}()
		}
		wg.Wait()
	}
	sort.Slice(lat, func(i, j int) bool { return lat[i] < lat[j] })
	pct := func(q float64) float64 { return float64(lat[int(q*float64(len(lat)-1))].Microseconds()) / 1000 }
	b.ReportMetric(pct(0.50), "ms-p50")
	b.ReportMetric(pct(0.99), "ms-p99")
	for _, d := range devs {
		d.c.Close()
		d.p.Close()
	}
	sc.Close()
	sec.Close()
}
