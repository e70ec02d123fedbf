package core_test

import (
	"path/filepath"
	"testing"
	"time"

	"github.com/ecabinet/ecabinet/ballots"
	"github.com/ecabinet/ecabinet/codec"
	"github.com/ecabinet/ecabinet/core"
	"github.com/ecabinet/ecabinet/hublog"
	"github.com/ecabinet/ecabinet/identity"
	"github.com/ecabinet/ecabinet/meetings"
	"github.com/ecabinet/ecabinet/ops"
)

// BenchmarkSharedLogPush measures what the shared log's critical section
// costs a push (shared.go): one answer pushed to a hub process on a shared
// log on badgerlog (the lock, the catch-up check, the prepared
// transaction, the log's own synced commit, then the cache's) against the
// same answer
// pushed to a single-machine hub holding the same data; and the same on
// PostgreSQL (pglog, the test server: fsync off, so its own commit costs
// less than a production server's). The two are interleaved in one loop
// so that the machine's noise hits both; shared/plain is the ratio.
func BenchmarkSharedLogPush(b *testing.B) {
	b.Run("badgerlog", func(b *testing.B) { benchSharedPush(b, badgerLog(b)) })
	b.Run("postgres", func(b *testing.B) { benchSharedPush(b, postgresLog(b)) })
}

func benchSharedPush(b *testing.B, l hublog.Log) {
	// The plain hub, with the same year as the shared one.
	plain, err := core.CreateHub(filepath.Join(b.TempDir(), "plain"), sharedPass, "Văn phòng Chính phủ")
	if err != nil {
		b.Fatal(err)
	}
	defer plain.Close()
	sec, err := plain.AddMember(meetings.Member{Name: "Thư ký", Role: meetings.RoleSecretary})
	if err != nil {
		b.Fatal(err)
	}
	h := newSharedHub(b, l)
	hubs := []*core.Profile{plain, h.a}
	// The same year on both (its member IDs are fixed by its seed).
	d := yearFor(b, plain, sec.ID, "body0", 11)
	pushAlternating(b, []*core.Profile{plain}, d.Ops, 50)
	d = h.year(b, h.a, "body0", 11)
	pushAlternating(b, []*core.Profile{h.a}, d.Ops, 50)
	var ballot ballots.Ballot
	for _, bl := range plain.Ballots() {
		if bl.Status == ballots.StatusOpen {
			ballot = bl
		}
	}
	if ballot.ID == "" {
		b.Fatal("no open ballot")
	}
	dev, err := identity.New()
	if err != nil {
		b.Fatal(err)
	}
	const member = "body0-m001"
	for _, p := range hubs {
		if err := p.EnrollDevice(member, dev.Pub); err != nil {
			b.Fatal(err)
		}
	}
	var seq uint64
	var took [2]time.Duration
	for b.Loop() {
		seq++
		at := ballot.Deadline.Add(-time.Hour)
		body, _ := codec.Marshal(ops.BallotAnswer{Answer: ballots.Answer{ID: identity.NewID(), BallotID: ballot.ID, MemberID: member,
			Choice: ballots.ChoiceAgree, At: at, Seq: seq}})
		s, err := ops.Sign(dev, ops.Op{Kind: ops.KindBallotAnswer, Device: dev.ID, DevSeq: seq, Member: member, At: at, Body: body})
		if err != nil {
			b.Fatal(err)
		}
		raw, _ := s.Encode()
		for i, p := range hubs {
			t0 := time.Now()
			vs, err := p.HubAccept(dev.ID, [][]byte{raw})
			took[i] += time.Since(t0)
			if err != nil {
				b.Fatal(err)
			}
			if !vs[0].Accepted() {
				b.Fatalf("hub %d refused the answer: %+v", i, vs[0])
			}
		}
	}
	n := float64(b.N)
	b.ReportMetric(float64(took[0].Microseconds())/n, "plain-µs/push")
	b.ReportMetric(float64(took[1].Microseconds())/n, "shared-µs/push")
	b.ReportMetric(float64(took[1])/float64(took[0]), "shared/plain")
}
