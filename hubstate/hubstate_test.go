package hubstate_test

import (
	"bytes"
	"context"
	"errors"
	"os"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/ecabinet/ecabinet/core"
	"github.com/ecabinet/ecabinet/hublog/pglog"
	"github.com/ecabinet/ecabinet/hubstate"
	"github.com/ecabinet/ecabinet/internal/pgtest"
	"github.com/ecabinet/ecabinet/store"
)

func TestMain(m *testing.M) { os.Exit(pgtest.Main(m)) }

var pass = []byte("mật khẩu của máy chủ")

func openLog(t *testing.T, dsn string) *pglog.Log {
	t.Helper()
	l, err := pglog.Open(context.Background(), dsn, pglog.Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { l.Close() })
	return l
}

func newDB(t *testing.T) string {
	t.Helper()
	dsn := pgtest.NewDatabase(t)
	if _, _, err := pglog.Migrate(context.Background(), dsn); err != nil {
		t.Fatal(err)
	}
	return dsn
}

type rec struct {
	Member  string    `cbor:"1,keyasint"`
	Expires time.Time `cbor:"2,keyasint"`
	Used    bool      `cbor:"3,keyasint,omitempty"`
}

// TestStores_SameContract: the profile and PostgreSQL keep settings,
// offers and last pulls alike.
func TestStores_SameContract(t *testing.T) {
	ctx := context.Background()
	hub, err := core.CreateHub(filepath.Join(t.TempDir(), "hub"), pass, "Văn phòng Chính phủ")
	if err != nil {
		t.Fatal(err)
	}
	defer hub.Close()
	pg, err := hubstate.OnPostgres(openLog(t, newDB(t)), hubstate.NewMasterKey())
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name string
		st   hubstate.Store
	}{{"profile", hubstate.OnProfile(hub)}, {"postgres", pg}} {
		t.Run(tc.name, func(t *testing.T) {
			st := tc.st
			want := rec{Member: "m1", Expires: time.Date(2026, 12, 2, 8, 0, 0, 0, time.UTC)}
			if ok, err := st.Get(ctx, "invite/a", &rec{}); ok || err != nil {
				t.Fatalf("Get of nothing: %v, %v", ok, err)
			}
			if err := st.Put(ctx, "invite/a", want); err != nil {
				t.Fatal(err)
			}
			if err := st.Put(ctx, "revoked/d1", time.Now().UTC()); err != nil {
				t.Fatal(err)
			}
			var got rec
			if ok, err := st.Get(ctx, "invite/a", &got); !ok || err != nil || got != want {
				t.Fatalf("Get = %+v, %v, %v", got, ok, err)
			}
			if ok, err := st.Has(ctx, "revoked/d1"); !ok || err != nil {
				t.Fatalf("Has = %v, %v", ok, err)
			}
			if ok, err := st.Has(ctx, "revoked/d2"); ok || err != nil {
				t.Fatalf("Has of nothing = %v, %v", ok, err)
			}
			names, err := st.Names(ctx, "invite/")
			if err != nil || len(names) != 1 || names[0] != "invite/a" {
				t.Fatalf("Names = %v, %v", names, err)
			}
			use := func(v *rec, found bool) error {
				if !found || v.Used {
					return errors.New("not usable")
				}
				v.Used = true
				return nil
			}
			if err := hubstate.Update(ctx, st, "invite/a", use); err != nil {
				t.Fatal(err)
			}
			if err := hubstate.Update(ctx, st, "invite/a", use); err == nil {
				t.Fatal("an invite used twice")
			}
			if err := hubstate.Update(ctx, st, "invite/none", use); err == nil {
				t.Fatal("an invite that does not exist was used")
			}
			if ok, _ := st.Has(ctx, "invite/none"); ok {
				t.Fatal("a refused Update wrote")
			}

			if err := st.Offer(ctx, "d1", map[string]int64{"c1": 100, "c2": 200}, 3); err != nil {
				t.Fatal(err)
			}
			if err := st.Offer(ctx, "d1", map[string]int64{"c3": 1, "c4": 1}, 3); !errors.Is(err, hubstate.ErrTooManyOffers) {
				t.Fatalf("offers past the bound: %v", err)
			}
			if err := st.Offer(ctx, "d1", map[string]int64{"c2": 200, "c3": 1}, 3); err != nil {
				t.Fatalf("an offer again counts once: %v", err)
			}
			if n, ok, err := st.Offered(ctx, "d1", "c2"); n != 200 || !ok || err != nil {
				t.Fatalf("Offered = %d, %v, %v", n, ok, err)
			}
			if _, ok, _ := st.Offered(ctx, "d2", "c2"); ok {
				t.Fatal("another device's offer")
			}
			if err := st.Uploaded(ctx, "d1", "c2"); err != nil {
				t.Fatal(err)
			}
			if _, ok, _ := st.Offered(ctx, "d1", "c2"); ok {
				t.Fatal("an uploaded chunk is still offered")
			}

			at := time.Date(2026, 12, 2, 9, 30, 0, 123456789, time.UTC)
			if err := st.NoteSeen(ctx, "d1", at, "1.4.0"); err != nil {
				t.Fatal(err)
			}
			s, ok, err := st.LastSeen(ctx, "d1")
			if !ok || err != nil || !s.At.Equal(at) || s.App != "1.4.0" {
				t.Fatalf("LastSeen = %+v, %v, %v", s, ok, err)
			}
		})
	}
}

// TestPostgres_SealedAtRest: nothing readable in the table; a value opens
// only under its hub's key and at its own name.
func TestPostgres_SealedAtRest(t *testing.T) {
	ctx := context.Background()
	l := openLog(t, newDB(t))
	master := hubstate.NewMasterKey()
	st, err := hubstate.OnPostgres(l, master)
	if err != nil {
		t.Fatal(err)
	}
	secret := "khóa-bí-mật-của-CA"
	if err := st.Put(ctx, "hub/keys", secret); err != nil {
		t.Fatal(err)
	}
	var raw []byte
	if err := l.Pool().QueryRow(ctx, `SELECT value FROM hub_settings WHERE name = 'hub/keys'`).Scan(&raw); err != nil {
		t.Fatal(err)
	}
	if bytes.Contains(raw, []byte(secret)) {
		t.Fatal("the setting is stored in plaintext")
	}
	other, _ := hubstate.OnPostgres(l, hubstate.NewMasterKey())
	var s string
	if _, err := other.Get(ctx, "hub/keys", &s); !errors.Is(err, hubstate.ErrSealed) {
		t.Fatalf("another hub's key opens the setting: %v", err)
	}
	if _, err := l.Pool().Exec(ctx, `INSERT INTO hub_settings (log_id, name, value) SELECT log_id, 'revoked/x', value FROM hub_settings WHERE name = 'hub/keys'`); err != nil {
		t.Fatal(err)
	}
	if _, err := st.Get(ctx, "revoked/x", &s); !errors.Is(err, hubstate.ErrSealed) {
		t.Fatalf("a value copied to another name opens: %v", err)
	}
}

// TestSecret: recorded once, opened only with the passphrase.
func TestSecret(t *testing.T) {
	ctx := context.Background()
	l := openLog(t, newDB(t))
	if _, err := hubstate.UnlockSecret(ctx, l, pass); !errors.Is(err, hubstate.ErrNoHub) {
		t.Fatalf("unlock with no hub: %v", err)
	}
	master := hubstate.NewMasterKey()
	if err := hubstate.RecordSecret(ctx, l, pass, master); err != nil {
		t.Fatal(err)
	}
	if err := hubstate.RecordSecret(ctx, l, pass, hubstate.NewMasterKey()); !errors.Is(err, hubstate.ErrHubExists) {
		t.Fatalf("a second secret: %v", err)
	}
	if _, err := hubstate.UnlockSecret(ctx, l, []byte("không phải mật khẩu")); !errors.Is(err, store.ErrWrongPassphrase) {
		t.Fatalf("wrong passphrase: %v", err)
	}
	got, err := hubstate.UnlockSecret(ctx, l, pass)
	if err != nil || !bytes.Equal(got, master) {
		t.Fatalf("unlock: %v", err)
	}
	var sealed []byte
	if err := l.Pool().QueryRow(ctx, `SELECT sealed FROM hub_secret`).Scan(&sealed); err != nil {
		t.Fatal(err)
	}
	if bytes.Contains(sealed, master) {
		t.Fatal("the master key is stored in plaintext")
	}
	if ok, err := hubstate.HasHub(ctx, l); !ok || err != nil {
		t.Fatalf("HasHub = %v, %v", ok, err)
	}
	if a, b := hubstate.CachePassphrase(master), hubstate.CachePassphrase(hubstate.NewMasterKey()); bytes.Equal(a, b) || len(a) < store.MinPassphraseLen {
		t.Fatal("cache passphrases")
	}
}

// TestPostgres_UpdateOnceAcrossProcesses: an invite used by many
// goroutines through two connection pools at once is used exactly once.
func TestPostgres_UpdateOnceAcrossProcesses(t *testing.T) {
	ctx := context.Background()
	dsn := newDB(t)
	master := hubstate.NewMasterKey()
	var stores []hubstate.Store
	for range 2 {
		st, err := hubstate.OnPostgres(openLog(t, dsn), master)
		if err != nil {
			t.Fatal(err)
		}
		stores = append(stores, st)
	}
	if err := stores[0].Put(ctx, "invite/x", rec{Member: "m1"}); err != nil {
		t.Fatal(err)
	}
	var wg sync.WaitGroup
	var mu sync.Mutex
	used, refused := 0, 0
	for i := range 16 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			err := hubstate.Update(ctx, stores[i%2], "invite/x", func(v *rec, found bool) error {
				if !found || v.Used {
					return errors.New("used")
				}
				v.Used = true
				return nil
			})
			mu.Lock()
			defer mu.Unlock()
			if err == nil {
				used++
			} else {
				refused++
			}
		}()
	}
	wg.Wait()
	if used != 1 || refused != 15 {
		t.Fatalf("16 redemptions through two pools: %d used, %d refused; want 1 and 15", used, refused)
	}
}
