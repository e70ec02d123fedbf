package badgerlog

import (
	"context"
	"path/filepath"
	"testing"

	"github.com/ecabinet/ecabinet/hublog"
	"github.com/ecabinet/ecabinet/hublog/hublogtest"
	"github.com/ecabinet/ecabinet/store"
)

var pass = []byte("correct horse battery staple")

func newStore(t testing.TB) *store.Store {
	t.Helper()
	st, err := store.Create(filepath.Join(t.TempDir(), "hub"), pass)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	return st
}

// TestContract: one process owns a Badger store, so both handles are one Log.
func TestContract(t *testing.T) {
	hublogtest.Run(t, func(t *testing.T) (hublog.Log, hublog.Log) {
		l, err := New(newStore(t))
		if err != nil {
			t.Fatal(err)
		}
		return l, l
	})
}

// TestReopen: the log, its head and its idempotency index survive closing
// and reopening the store.
func TestReopen(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "hub")
	st, err := store.Create(dir, pass)
	if err != nil {
		t.Fatal(err)
	}
	l, err := New(st)
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	if _, err := l.Append(ctx, hublogtest.Entry("d", 1), hublogtest.Entry("d", 2)); err != nil {
		t.Fatal(err)
	}
	l.Close()
	st.Close()
	st, err = store.Open(dir, pass)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	l, err = New(st)
	if err != nil {
		t.Fatal(err)
	}
	if h, _ := l.Head(ctx); h != 2 {
		t.Fatalf("head after reopening = %d, want 2", h)
	}
	got, err := l.Append(ctx, hublogtest.Entry("d", 2), hublogtest.Entry("d", 3))
	if err != nil || !got[0].Existed || got[0].Seq != 2 || got[1].Seq != 3 || got[1].Existed {
		t.Fatalf("append after reopening = %+v, %v; want d#2 existing at 2, d#3 new at 3", got, err)
	}
}
