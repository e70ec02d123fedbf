package core_test

import (
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/ecabinet/ecabinet/ballots"
	"github.com/ecabinet/ecabinet/codec"
	"github.com/ecabinet/ecabinet/core"
	"github.com/ecabinet/ecabinet/identity"
	"github.com/ecabinet/ecabinet/ops"
)

// BenchmarkDurableAnswer measures saving one answer — validate, sign,
// journal (fsync) and commit (synced) — against its floor: signing the same
// operation and one fsynced write of its bytes to a file. The two are
// interleaved in one loop so that the shared machine's noise hits both; the
// answer/floor metric is the ratio (target ≤ 2).
func BenchmarkDurableAnswer(b *testing.B) {
	dir := b.TempDir()
	p, ms := newSecretary(b, filepath.Join(dir, "profile"))
	defer p.Close()
	bl, err := p.IssueBallot(core.BallotInput{Title: "Phiếu", Question: "Thông qua?", Deadline: time.Now().Add(time.Hour)})
	if err != nil {
		b.Fatal(err)
	}
	// The floor's payload: an answer operation of the same shape.
	dev, _ := identity.New()
	body, _ := codec.Marshal(ops.BallotAnswer{Answer: ballots.Answer{ID: identity.NewID(), BallotID: bl.ID, MemberID: ms[0].ID,
		Choice: ballots.ChoiceAgree, Comment: "Nhất trí", At: time.Now().UTC()}})
	f, err := os.Create(filepath.Join(dir, "floor.log"))
	if err != nil {
		b.Fatal(err)
	}
	defer f.Close()
	var tAnswer, tFloor time.Duration
	var seq uint64
	for b.Loop() {
		seq++
		t0 := time.Now()
		s, err := ops.Sign(dev, ops.Op{Kind: ops.KindBallotAnswer, Device: dev.ID, DevSeq: seq, Member: ms[0].ID, At: t0.UTC(), Body: body})
		if err != nil {
			b.Fatal(err)
		}
		rec, _ := s.Encode()
		if _, err := f.Write(rec); err != nil {
			b.Fatal(err)
		}
		if err := f.Sync(); err != nil {
			b.Fatal(err)
		}
		t1 := time.Now()
		if _, err := p.RecordAnswerFor(bl.ID, ms[seq%3].ID, ballots.ChoiceAgree, "Nhất trí"); err != nil {
			b.Fatal(err)
		}
		tAnswer += time.Since(t1)
		tFloor += t1.Sub(t0)
	}
	n := float64(b.N)
	b.ReportMetric(float64(tAnswer.Nanoseconds())/n, "ns/answer")
	b.ReportMetric(float64(tFloor.Nanoseconds())/n, "ns/floor")
	b.ReportMetric(float64(tAnswer)/float64(tFloor), "answer/floor")
}

// BenchmarkOpenYear opens a profile holding a year of data and lists its
// meetings and ballots, against opening an empty profile (whose cost is
// mostly the Argon2id key derivation), interleaved. year/empty is the ratio.
func BenchmarkOpenYear(b *testing.B) {
	year := yearProfile(b)
	empty := filepath.Join(b.TempDir(), "empty")
	p, err := core.Create(empty, pass, memberSecretary())
	if err != nil {
		b.Fatal(err)
	}
	p.Close()
	var tYear, tEmpty time.Duration
	for b.Loop() {
		t0 := time.Now()
		pe, err := core.Open(empty, pass)
		if err != nil {
			b.Fatal(err)
		}
		_ = pe.Meetings()
		pe.Close()
		t1 := time.Now()
		py, err := core.Open(year, pass)
		if err != nil {
			b.Fatal(err)
		}
		if n := len(py.Meetings()); n != 75 {
			b.Fatalf("year profile lists %d meetings, want 75", n)
		}
		if n := len(py.Ballots()); n != 1670 {
			b.Fatalf("year profile lists %d ballots, want 1670", n)
		}
		py.Close()
		tYear += time.Since(t1)
		tEmpty += t1.Sub(t0)
	}
	n := float64(b.N)
	b.ReportMetric(float64(tYear.Nanoseconds())/n, "ns/open-year")
	b.ReportMetric(float64(tEmpty.Nanoseconds())/n, "ns/open-empty")
	b.ReportMetric(float64(tYear)/float64(tEmpty), "year/empty")
}

// BenchmarkListMeetings measures listing a year's meetings from memory, as
// a screen refresh does.
func BenchmarkListMeetings(b *testing.B) {
	p, err := core.Open(yearProfile(b), pass)
	if err != nil {
		b.Fatal(err)
	}
	defer p.Close()
	for b.Loop() {
		if len(p.Meetings()) != 75 || len(p.Ballots()) != 1670 {
			b.Fatal("wrong counts")
		}
	}
}

// BenchmarkTallyStored reads, verifies and tallies one ballot's 30 answers.
func BenchmarkTallyStored(b *testing.B) {
	p, err := core.Open(yearProfile(b), pass)
	if err != nil {
		b.Fatal(err)
	}
	defer p.Close()
	id := p.Ballots()[0].ID
	for b.Loop() {
		if _, as, err := p.Tally(id); err != nil || len(as) != 30 {
			b.Fatalf("tally: %d answers, %v", len(as), err)
		}
	}
}
