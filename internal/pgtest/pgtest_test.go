package pgtest

import (
	"context"
	"os"
	"testing"

	"github.com/jackc/pgx/v5"
)

func TestMain(m *testing.M) { os.Exit(Main(m)) }

// TestNewDatabase: each test gets its own empty database on a server that
// answers, and it is gone after the test.
func TestNewDatabase(t *testing.T) {
	ctx := context.Background()
	var name string
	t.Run("inner", func(t *testing.T) {
		dsn := NewDatabase(t)
		c, err := pgx.Connect(ctx, dsn)
		if err != nil {
			t.Fatal(err)
		}
		defer c.Close(ctx)
		if err := c.QueryRow(ctx, "select current_database()").Scan(&name); err != nil {
			t.Fatal(err)
		}
		var n int
		if err := c.QueryRow(ctx, "select count(*) from pg_tables where schemaname='public'").Scan(&n); err != nil || n != 0 {
			t.Fatalf("new database has %d tables (%v), want 0", n, err)
		}
	})
	c, err := pgx.Connect(ctx, Shared(t).DSN)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close(ctx)
	var exists bool
	if err := c.QueryRow(ctx, "select exists(select 1 from pg_database where datname=$1)", name).Scan(&exists); err != nil {
		t.Fatal(err)
	}
	if name == "" || exists {
		t.Errorf("database %q still exists after its test (or was never made)", name)
	}
}
