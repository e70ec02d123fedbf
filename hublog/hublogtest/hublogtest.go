// Package hublogtest is the contract every hublog.Log keeps, as tests that
// each implementation's own test runs against the real store under it
// (Badger on disk, a real PostgreSQL server): numbering without gaps,
// rollback burning nothing, idempotent appends from two handles at once,
// paging and audiences, long-poll wake-ups, and a reader polling while two
// writers append seeing only contiguous positions.
package hublogtest

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/ecabinet/ecabinet/hublog"
)

// Open returns two handles on one new, empty log: for a store shared by
// processes, two independent handles (two pools, two listeners); for an
// embedded store, b may be a itself. The test closes them.
type Open func(t *testing.T) (a, b hublog.Log)

// Run runs the contract.
func Run(t *testing.T, open Open) {
	tests := []struct {
		name string
		fn   func(t *testing.T, a, b hublog.Log)
	}{
		{"NumbersFromOneWithoutGaps", numbers},
		{"RollbackBurnsNoNumber", rollback},
		{"TxHeadIsWhatAppendFollows", txHead},
		{"RepeatedKeyIsNotAddedAgain", idempotent},
		{"SameKeyFromTwoHandlesAtOnceIsStoredOnce", idempotentRace},
		{"InvalidEntriesAreRefused", invalid},
		{"PagesLimitsBytesAndAudiences", pages},
		{"WaitWakesOnTheOtherHandlesAppend", wait},
		{"ReaderSeesContiguousPositionsWhileTwoWritersAppend", contiguous},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			a, b := open(t)
			t.Cleanup(func() {
				a.Close()
				if b != a {
					b.Close()
				}
			})
			tt.fn(t, a, b)
		})
	}
}

// at is a fixed time with nanoseconds, which the log must keep.
var at = time.Date(2026, 3, 14, 9, 26, 53, 589793238, time.UTC)

// Entry builds a test entry.
func Entry(device string, devSeq uint64, audience ...string) hublog.Entry {
	return hublog.Entry{Device: device, DevSeq: devSeq, Op: []byte(fmt.Sprintf("op %s #%d", device, devSeq)), Audience: audience, At: at.Add(time.Duration(devSeq))}
}

func ctx(t *testing.T) context.Context {
	c, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	t.Cleanup(cancel)
	return c
}

func mustAppend(t *testing.T, l hublog.Log, es ...hublog.Entry) []hublog.Appended {
	t.Helper()
	got, err := l.Append(ctx(t), es...)
	if err != nil {
		t.Fatalf("append: %v", err)
	}
	if len(got) != len(es) {
		t.Fatalf("append of %d entries answered %d", len(es), len(got))
	}
	return got
}

func seqs(as []hublog.Appended) []uint64 {
	var s []uint64
	for _, a := range as {
		s = append(s, a.Seq)
	}
	return s
}

func readAll(t *testing.T, l hublog.Log) []hublog.Entry {
	t.Helper()
	p, err := l.Read(ctx(t), 0, hublog.Query{Limit: 1 << 20, All: true})
	if err != nil {
		t.Fatal(err)
	}
	return p.Entries
}

func head(t *testing.T, l hublog.Log) uint64 {
	t.Helper()
	h, err := l.Head(ctx(t))
	if err != nil {
		t.Fatal(err)
	}
	return h
}

func numbers(t *testing.T, a, b hublog.Log) {
	if h := head(t, a); h != 0 {
		t.Fatalf("empty log's head = %d, want 0", h)
	}
	want := []hublog.Entry{Entry("d1", 1), Entry("d2", 1, "m2"), Entry("d1", 2), Entry("d3", 7, "m1", "body:x"), Entry("d2", 2)}
	var got []uint64
	got = append(got, seqs(mustAppend(t, a, want[0]))...)
	got = append(got, seqs(mustAppend(t, b, want[1]))...)
	got = append(got, seqs(mustAppend(t, a, want[2:]...))...)
	if !slices.Equal(got, []uint64{1, 2, 3, 4, 5}) {
		t.Fatalf("positions %v, want 1..5", got)
	}
	if h := head(t, b); h != 5 {
		t.Errorf("head = %d, want 5", h)
	}
	for _, l := range []hublog.Log{a, b} {
		es := readAll(t, l)
		if len(es) != len(want) {
			t.Fatalf("read %d entries, want %d", len(es), len(want))
		}
		for i, e := range es {
			w := want[i]
			w.Seq = uint64(i + 1)
			if !equal(e, w) {
				t.Errorf("entry %d = %+v, want %+v", i+1, e, w)
			}
		}
	}
	e, ok, err := b.Lookup(ctx(t), "d3", 7)
	if w := want[3]; err != nil || !ok || e.Seq != 4 || !equal(e, hublog.Entry{Seq: 4, Device: w.Device, DevSeq: w.DevSeq, Op: w.Op, Audience: w.Audience, At: w.At}) {
		t.Errorf("Lookup(d3, 7) = %+v, %v, %v; want entry 4", e, ok, err)
	}
	if _, ok, err := b.Lookup(ctx(t), "d3", 8); ok || err != nil {
		t.Errorf("Lookup of an absent key = %v, %v; want false, nil", ok, err)
	}
}

func equal(a, b hublog.Entry) bool {
	return a.Seq == b.Seq && a.Device == b.Device && a.DevSeq == b.DevSeq && bytes.Equal(a.Op, b.Op) &&
		slices.Equal(a.Audience, b.Audience) && a.At.Equal(b.At)
}

var errRollback = errors.New("roll back")

func rollback(t *testing.T, a, b hublog.Log) {
	mustAppend(t, a, Entry("d1", 1))
	err := a.Update(ctx(t), func(tx hublog.Tx) error {
		got, err := tx.Append(Entry("d1", 2), Entry("d1", 3))
		if err != nil {
			return err
		}
		if !slices.Equal(seqs(got), []uint64{2, 3}) {
			t.Errorf("in the transaction: positions %v, want [2 3]", seqs(got))
		}
		return errRollback
	})
	if !errors.Is(err, errRollback) {
		t.Fatalf("Update = %v, want fn's error", err)
	}
	if h := head(t, b); h != 1 {
		t.Errorf("head after a rolled-back append = %d, want 1", h)
	}
	if _, ok, _ := b.Lookup(ctx(t), "d1", 2); ok {
		t.Error("a rolled-back entry is in the log")
	}
	if got := seqs(mustAppend(t, b, Entry("d1", 2))); !slices.Equal(got, []uint64{2}) {
		t.Errorf("next append got %v, want [2]: the rollback burned a number", got)
	}
}

func txHead(t *testing.T, a, _ hublog.Log) {
	mustAppend(t, a, Entry("d1", 1), Entry("d1", 2))
	err := a.Update(ctx(t), func(tx hublog.Tx) error {
		h, err := tx.Head()
		if err != nil {
			return err
		}
		got, err := tx.Append(Entry("d2", 1))
		if err != nil {
			return err
		}
		if h != 2 || got[0].Seq != h+1 {
			t.Errorf("tx head %d, then append at %d; want 2 then 3", h, got[0].Seq)
		}
		if h2, err := tx.Head(); err != nil || h2 != 3 {
			t.Errorf("tx head after the append = %d, %v; want 3", h2, err)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}

func idempotent(t *testing.T, a, b hublog.Log) {
	first := mustAppend(t, a, Entry("d1", 1))[0]
	again := Entry("d1", 1)
	again.Op, again.At = []byte("another op under the same key"), at.Add(time.Hour)
	for _, l := range []hublog.Log{a, b} {
		got := mustAppend(t, l, again)[0]
		if !got.Existed || got.Seq != first.Seq || !got.At.Equal(first.At) {
			t.Errorf("repeat = %+v, want the first append's %+v, existed", got, first)
		}
	}
	// A batch holding a stored key, a new one twice and a new one.
	got := mustAppend(t, b, Entry("d1", 1), Entry("d2", 1), Entry("d2", 1), Entry("d2", 2))
	want := []hublog.Appended{{Seq: 1, At: first.At, Existed: true}, {Seq: 2, At: Entry("d2", 1).At}, {Seq: 2, At: Entry("d2", 1).At, Existed: true}, {Seq: 3, At: Entry("d2", 2).At}}
	for i := range want {
		if got[i].Seq != want[i].Seq || got[i].Existed != want[i].Existed || !got[i].At.Equal(want[i].At) {
			t.Errorf("batch answer %d = %+v, want %+v", i, got[i], want[i])
		}
	}
	if h := head(t, a); h != 3 {
		t.Errorf("head = %d, want 3", h)
	}
	if e, _, _ := a.Lookup(ctx(t), "d1", 1); !bytes.Equal(e.Op, Entry("d1", 1).Op) {
		t.Errorf("stored op = %q, want the first one", e.Op)
	}
}

func idempotentRace(t *testing.T, a, b hublog.Log) {
	const keys = 40
	var wg sync.WaitGroup
	answers := [2][]hublog.Appended{}
	for i, l := range []hublog.Log{a, b} {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for k := range uint64(keys) {
				got, err := l.Append(ctx(t), Entry("d", k+1))
				if err != nil {
					t.Error(err)
					return
				}
				answers[i] = append(answers[i], got[0])
			}
		}()
	}
	wg.Wait()
	if t.Failed() {
		return
	}
	for k := range keys {
		x, y := answers[0][k], answers[1][k]
		if x.Seq != y.Seq || x.Existed == y.Existed {
			t.Errorf("key %d: answers %+v and %+v; want one new, one existing, same position", k+1, x, y)
		}
	}
	if h := head(t, a); h != keys {
		t.Errorf("head = %d, want %d: a key was stored twice", h, keys)
	}
}

func invalid(t *testing.T, a, _ hublog.Log) {
	for _, e := range []hublog.Entry{
		{DevSeq: 1, Op: []byte("x")},
		{Device: "d", Op: []byte("x")},
		{Device: "d", DevSeq: 1},
		{Device: "d", DevSeq: 1 << 63, Op: []byte("x")},
	} {
		if _, err := a.Append(ctx(t), Entry("ok", 1), e); !errors.Is(err, hublog.ErrInvalid) {
			t.Errorf("Append(%+v) = %v, want ErrInvalid", e, err)
		}
	}
	if h := head(t, a); h != 0 {
		t.Errorf("head = %d after refused batches, want 0 (a batch is all or nothing)", h)
	}
}

func pages(t *testing.T, a, b hublog.Log) {
	// 1 all, 2 m1, 3 m2, 4 all, 5 m2, 6 m1+body, 7 all (big)
	es := []hublog.Entry{Entry("d", 1), Entry("d", 2, "m1"), Entry("d", 3, "m2"), Entry("d", 4), Entry("d", 5, "m2"), Entry("d", 6, "m1", "body:x"), Entry("d", 7)}
	es[6].Op = bytes.Repeat([]byte("b"), 5000)
	mustAppend(t, a, es...)
	type page struct {
		seqs []uint64
		next uint64
	}
	tests := []struct {
		name  string
		since uint64
		q     hublog.Query
		want  []page
	}{
		{"all, two at a time", 0, hublog.Query{Limit: 2, All: true}, []page{{[]uint64{1, 2}, 2}, {[]uint64{3, 4}, 4}, {[]uint64{5, 6}, 6}, {[]uint64{7}, 7}, {nil, 7}}},
		{"member m1", 0, hublog.Query{Limit: 10, Labels: []string{"m1"}}, []page{{[]uint64{1, 2, 4, 6, 7}, 7}}},
		{"body x, one at a time", 0, hublog.Query{Limit: 1, Labels: []string{"body:x"}}, []page{{[]uint64{1}, 1}, {[]uint64{4}, 4}, {[]uint64{6}, 6}, {[]uint64{7}, 7}, {nil, 7}}},
		{"no labels: public only, next past the rest", 2, hublog.Query{Limit: 10}, []page{{[]uint64{4, 7}, 7}}},
		{"member m2 after 5: skipped to the head", 5, hublog.Query{Limit: 10, Labels: []string{"m2"}, MaxBytes: 1}, []page{{[]uint64{7}, 7}}},
		{"bytes: the big one alone", 5, hublog.Query{Limit: 10, All: true, MaxBytes: 100}, []page{{[]uint64{6}, 6}, {[]uint64{7}, 7}}},
		{"past the head", 9, hublog.Query{Limit: 10, All: true}, []page{{nil, 9}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			since := tt.since
			for i, w := range tt.want {
				p, err := b.Read(ctx(t), since, tt.q)
				if err != nil {
					t.Fatal(err)
				}
				var got []uint64
				for _, e := range p.Entries {
					got = append(got, e.Seq)
				}
				if !slices.Equal(got, w.seqs) || p.Next != w.next || p.Head != 7 {
					t.Fatalf("page %d after %d: entries %v next %d head %d; want %v next %d head 7", i, since, got, p.Next, p.Head, w.seqs, w.next)
				}
				since = p.Next
			}
		})
	}
}

func wait(t *testing.T, a, b hublog.Log) {
	mustAppend(t, a, Entry("d", 1))
	if h, err := a.Wait(ctx(t), 0); err != nil || h != 1 {
		t.Fatalf("Wait(0) with head 1 = %d, %v; want 1 at once", h, err)
	}
	short, cancel := context.WithTimeout(ctx(t), 50*time.Millisecond)
	defer cancel()
	if _, err := a.Wait(short, 1); !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("Wait with nothing new = %v, want the context's deadline", err)
	}
	got := make(chan error, 1)
	var h uint64
	go func() {
		var err error
		h, err = a.Wait(ctx(t), 1)
		got <- err
	}()
	time.Sleep(20 * time.Millisecond) // most likely waiting by now; either way it must return 2
	mustAppend(t, b, Entry("d", 2))
	if err := <-got; err != nil || h != 2 {
		t.Fatalf("Wait(1) = %d, %v; want 2", h, err)
	}
}

func contiguous(t *testing.T, a, b hublog.Log) {
	const perWriter, batch = 150, 3
	done := make(chan struct{})
	var wg sync.WaitGroup
	for w, l := range []hublog.Log{a, b} {
		wg.Add(1)
		go func() {
			defer wg.Done()
			dev := fmt.Sprintf("writer%d", w)
			for i := uint64(0); i < perWriter; i += batch {
				var es []hublog.Entry
				for j := range uint64(batch) {
					es = append(es, Entry(dev, i+j+1))
				}
				if _, err := l.Append(ctx(t), es...); err != nil {
					t.Error(err)
					return
				}
			}
		}()
	}
	go func() { wg.Wait(); close(done) }()
	// The reader polls as the writers go, like a puller: any page must
	// hold exactly the positions after its checkpoint, in order.
	var since uint64
	reads, finished := 0, false
	for !finished {
		select {
		case <-done:
			finished = true // one last read below catches the tail
		default:
		}
		for {
			p, err := a.Read(ctx(t), since, hublog.Query{Limit: 7, All: true})
			if err != nil {
				t.Fatal(err)
			}
			reads++
			for i, e := range p.Entries {
				if e.Seq != since+uint64(i)+1 {
					t.Fatalf("read after %d: entry %d has position %d, want %d (a hole or disorder a puller would skip)", since, i, e.Seq, since+uint64(i)+1)
				}
			}
			if len(p.Entries) > 0 && p.Next != p.Entries[len(p.Entries)-1].Seq {
				t.Fatalf("next %d, last entry %d", p.Next, p.Entries[len(p.Entries)-1].Seq)
			}
			if p.Next == since {
				break
			}
			since = p.Next
		}
	}
	if since != 2*perWriter || head(t, b) != 2*perWriter {
		t.Fatalf("reader reached %d, head %d; want %d", since, head(t, b), 2*perWriter)
	}
	// Each writer's entries are in its own order too.
	last := map[string]uint64{}
	for _, e := range readAll(t, b) {
		if e.DevSeq != last[e.Device]+1 {
			t.Errorf("%s #%d after #%d", e.Device, e.DevSeq, last[e.Device])
		}
		last[e.Device] = e.DevSeq
	}
	t.Logf("%d reads while appending", reads)
}
