package postgres_test

import (
	"context"
	"strings"
	"sync"
	"testing"

	"github.com/jackc/pgx/v5"

	"github.com/sendbot/sendbot/internal/pgtest"
	"github.com/sendbot/sendbot/store/postgres"
)

func TestMigrationsApplyOnceWhenReplicasStartTogether(t *testing.T) {
	url := pgtest.NewDatabase(t)
	ctx := context.Background()
	const replicas = 4
	var wg sync.WaitGroup
	errs := make([]error, replicas)
	for i := range replicas {
		wg.Add(1)
		go func() {
			defer wg.Done()
			db, err := postgres.Open(ctx, url)
			if err == nil {
				db.Close()
			}
			errs[i] = err
		}()
	}
	wg.Wait()
	for i, err := range errs {
		if err != nil {
			t.Fatalf("replica %d: %v", i, err)
		}
	}
	conn, err := pgx.Connect(ctx, url)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close(ctx)
	var rows, newest int
	if err := conn.QueryRow(ctx, `SELECT count(*), max(version) FROM schema_migrations`).Scan(&rows, &newest); err != nil {
		t.Fatal(err)
	}
	if rows != newest || newest != postgres.SchemaVersion() || newest < 1 {
		t.Errorf("schema_migrations has %d rows up to version %d; want each of 1..%d once", rows, newest, postgres.SchemaVersion())
	}

	db, err := postgres.Open(ctx, url)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if v, err := db.Version(ctx); err != nil || v != postgres.SchemaVersion() {
		t.Errorf("Version = %d, %v; want %d", v, err, postgres.SchemaVersion())
	}
}

func TestNewerSchemaIsRefused(t *testing.T) {
	url := pgtest.NewDatabase(t)
	ctx := context.Background()
	db, err := postgres.Open(ctx, url)
	if err != nil {
		t.Fatal(err)
	}
	db.Close()
	conn, err := pgx.Connect(ctx, url)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close(ctx)
	if _, err := conn.Exec(ctx, `INSERT INTO schema_migrations (version, name) VALUES (9999, '9999_future.sql')`); err != nil {
		t.Fatal(err)
	}
	_, err = postgres.Open(ctx, url)
	if err == nil || !strings.Contains(err.Error(), "newer than this sendbot knows") {
		t.Errorf("opening a newer schema: %v", err)
	}
}

func TestBadURLsAreExplainedWithoutThePassword(t *testing.T) {
	const secret = "s3cretpw"
	cases := []struct {
		name, url, want string
	}{
		{"not postgres", "mysql://u:" + secret + "@db/x", `starts "mysql:", not postgres://`},
		{"no scheme", "u:" + secret + "@db:5432/x", "not postgres://"},
		{"no host", "postgres:///x", "names no host"},
		{"not a URL", "postgres://u:" + secret + "@db:port/x", "not a URL"},
		{"nobody listens", "postgres://u:" + secret + "@127.0.0.1:1/x?connect_timeout=5", "127.0.0.1"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			_, err := postgres.Open(context.Background(), c.url)
			if err == nil {
				t.Fatal("opened")
			}
			if !strings.Contains(err.Error(), c.want) {
				t.Errorf("error %q does not say %q", err, c.want)
			}
			if strings.Contains(err.Error(), secret) {
				t.Errorf("error %q shows the password", err)
			}
		})
	}
}
