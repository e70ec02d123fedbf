package replica

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/ecabinet/ecabinet/yeardata"
)

// BenchmarkShareOfTenBodies measures what issue 9 asks of pulling: a fresh
// device of an ordinary member of one body pulls its share from a hub
// holding ten bodies, each with a year of data, in about the time it takes
// from a hub holding only that body. ten/one is the ratio (target ≤ 1.3).
// Both hubs are built once per run (importing ten years of signed ops
// takes minutes on two cores) and are not part of what is timed.
func BenchmarkShareOfTenBodies(b *testing.B) {
	one := serveHub(b, benchPass, 24*time.Hour)
	ten := serveHub(b, benchPass, 24*time.Hour)
	importYear(b, one, "body0", 1)
	for i := range 10 {
		importYear(b, ten, fmt.Sprintf("body%d", i), uint64(i+1))
	}
	member := "body0-m005"
	var tOne, tTen time.Duration
	var pulledOne, pulledTen int
	for b.Loop() {
		for _, h := range []*liveHub{one, ten} {
			dev := h.enroll(b, member)
			c, err := NewClient(dev)
			if err != nil {
				b.Fatal(err)
			}
			t0 := time.Now()
			rep, err := c.SyncOnce(context.Background(), nil)
			el := time.Since(t0)
			if err != nil || !rep.Done() || len(dev.Ballots()) != yeardata.Year.Ballots || len(dev.Meetings()) != yeardata.Year.Meetings {
				b.Fatalf("sync: %+v, %v, %d ballots, %d meetings", rep, err, len(dev.Ballots()), len(dev.Meetings()))
			}
			if h == one {
				tOne += el
				pulledOne = rep.Pulled
			} else {
				tTen += el
				pulledTen = rep.Pulled
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
}

// importYear loads a year of one body into a hub, as its devices had
// pushed it.
func importYear(b *testing.B, h *liveHub, body string, seed uint64) {
	b.Helper()
	size := yeardata.Year
	size.Body = body
	data, err := yeardata.Generate(h.secID, size, seed)
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
}
