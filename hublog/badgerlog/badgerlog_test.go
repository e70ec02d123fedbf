package badgerlog

import (
	"context"
	"errors"
	"fmt"
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

// TestHubRecordsShareTheTransaction: records the hub writes through
// Tx.Store commit and roll back with the entries of the same Update.
func TestHubRecordsShareTheTransaction(t *testing.T) {
	st := newStore(t)
	l, err := New(st)
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	update := func(devSeq uint64, fail error) error {
		return l.Update(ctx, func(htx hublog.Tx) error {
			if _, err := htx.Append(hublogtest.Entry("d", devSeq)); err != nil {
				return err
			}
			if err := htx.(*Tx).Store().PutRaw(store.Key("verdict", "d", fmt.Sprint(devSeq)), []byte("ok")); err != nil {
				return err
			}
			return fail
		})
	}
	if err := update(1, nil); err != nil {
		t.Fatal(err)
	}
	if err := update(2, errors.New("refused")); err == nil {
		t.Fatal("the failing Update returned nil")
	}
	var has1, has2 bool
	st.View(func(tx *store.Tx) error {
		has1, _ = tx.Has(store.Key("verdict", "d", "1"))
		has2, _ = tx.Has(store.Key("verdict", "d", "2"))
		return nil
	})
	if h, _ := l.Head(ctx); !has1 || has2 || h != 1 {
		t.Errorf("after one committed and one failed Update: verdict 1 %v, verdict 2 %v, head %d; want true, false, 1", has1, has2, h)
	}
}
