package core_test

import (
	"os"
	"path/filepath"
	"sync"
	"testing"

	"github.com/ecabinet/ecabinet/core"
	"github.com/ecabinet/ecabinet/yeardata"
)

// loadYear fills a secretary's profile with generated data.
func loadYear(t testing.TB, p *core.Profile, size yeardata.Size) *yeardata.Data {
	t.Helper()
	d, err := yeardata.Load(p, size, 1)
	if err != nil {
		t.Fatal(err)
	}
	return d
}

func TestApplyRemote_SmallYearLoadsAndTallies(t *testing.T) {
	p, err := core.Create(t.TempDir(), pass, memberSecretary())
	if err != nil {
		t.Fatal(err)
	}
	defer p.Close()
	size := yeardata.Size{Meetings: 3, ItemsPerMeet: 4, Ballots: 12, Members: 7}
	d := loadYear(t, p, size)
	if got := len(p.Meetings()); got != 3 {
		t.Fatalf("meetings: got %d, want 3", got)
	}
	for _, m := range p.Meetings() {
		if len(m.Agenda) != 4 {
			t.Fatalf("meeting %s has %d agenda items, want 4", m.ID, len(m.Agenda))
		}
	}
	bs := p.Ballots()
	if len(bs) != 12 {
		t.Fatalf("ballots: got %d, want 12", len(bs))
	}
	total := 0
	for _, b := range bs {
		res, answers, err := p.Tally(b.ID)
		if err != nil {
			t.Fatal(err)
		}
		total += len(answers)
		if res.Members != 7 || res.Unanswered != 0 {
			t.Fatalf("ballot %s: %+v, want 7 members all answered", b.ID, res)
		}
	}
	if total != d.Answers {
		t.Fatalf("answers: got %d, want %d", total, d.Answers)
	}
	// Applying the same page again changes nothing.
	res, err := p.ApplyRemote(d.Ops[:50])
	if err != nil || res.Applied != 0 || res.Already != 50 {
		t.Fatalf("re-applied page: %+v, %v; want 50 already applied", res, err)
	}
}

var (
	yearOnce sync.Once
	yearDir  string
	yearErr  error
)

// yearProfile builds, once per test binary, a profile holding a full year
// (75 meetings × 10 items, 1,670 ballots × 30 signed answers).
func yearProfile(b *testing.B) string {
	yearOnce.Do(func() {
		yearDir, yearErr = os.MkdirTemp("", "ecabinet-year-")
		if yearErr != nil {
			return
		}
		dir := filepath.Join(yearDir, "profile")
		p, err := core.Create(dir, pass, memberSecretary())
		if err != nil {
			yearErr = err
			return
		}
		loadYear(b, p, yeardata.Year)
		yearErr = p.Close()
	})
	if yearErr != nil {
		b.Fatal(yearErr)
	}
	return filepath.Join(yearDir, "profile")
}
