package postgres

import (
	"context"
	"embed"
	"errors"
	"fmt"
	"io/fs"
	"net/url"
	"path"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
)

//go:embed migrations/*.sql
var migrations embed.FS

// migrateLock is the pg_advisory_lock key Open holds while it migrates,
// so that replicas starting together apply each migration once.
const migrateLock = 0x73656e64626f74 // "sendbot"

// callTimeout bounds each call of the stores, whose methods take no
// context (as their file counterparts do).
const callTimeout = 10 * time.Second

// DB is an open connection pool to sendbot's database, with its schema
// up to date. It is safe for concurrent use.
type DB struct {
	pool *pgxpool.Pool
}

// CheckURL says what is wrong with a DATABASE_URL, if anything: it must
// be a postgres:// (or postgresql://) URL with a host. The error never
// holds the password.
func CheckURL(raw string) error {
	u, err := url.Parse(raw)
	if err != nil {
		return errors.New("it is not a URL; use postgres://user:password@host:5432/database")
	}
	if u.Scheme != "postgres" && u.Scheme != "postgresql" {
		return fmt.Errorf("it starts %q, not postgres://; use postgres://user:password@host:5432/database", u.Scheme+":")
	}
	if u.Host == "" {
		return errors.New("it names no host; use postgres://user:password@host:5432/database")
	}
	return nil
}

// Redact is raw with its password, if any, replaced by "xxxxx", for logs
// and errors; text that is no URL gives "(not a URL)".
func Redact(raw string) string {
	u, err := url.Parse(raw)
	if err != nil {
		return "(not a URL)"
	}
	return u.Redacted()
}

// Open connects to the database at databaseURL (a postgres:// URL) and
// applies the migrations it lacks. Errors never hold the password.
func Open(ctx context.Context, databaseURL string) (*DB, error) {
	if err := CheckURL(databaseURL); err != nil {
		return nil, fmt.Errorf("DATABASE_URL: %w", err)
	}
	cfg, err := pgxpool.ParseConfig(databaseURL)
	if err != nil {
		return nil, fmt.Errorf("DATABASE_URL %s: %w", Redact(databaseURL), err)
	}
	pool, err := pgxpool.NewWithConfig(ctx, cfg)
	if err != nil {
		return nil, fmt.Errorf("DATABASE_URL %s: %w", Redact(databaseURL), err)
	}
	db := &DB{pool: pool}
	if err := db.migrate(ctx); err != nil {
		pool.Close()
		return nil, fmt.Errorf("database %s: %w", Redact(databaseURL), err)
	}
	return db, nil
}

// Close closes the pool.
func (db *DB) Close() { db.pool.Close() }

// Ping checks the database answers.
func (db *DB) Ping(ctx context.Context) error { return db.pool.Ping(ctx) }

// migration is one numbered SQL file.
type migration struct {
	version int
	name    string
	sql     string
}

// Migrations are the embedded migrations, in order.
func loadMigrations() ([]migration, error) {
	entries, err := fs.ReadDir(migrations, "migrations")
	if err != nil {
		return nil, err
	}
	var out []migration
	for _, e := range entries {
		num, _, ok := strings.Cut(e.Name(), "_")
		v, err := strconv.Atoi(num)
		if !ok || err != nil || v <= 0 {
			return nil, fmt.Errorf("migration %s: its name must start with a number and _", e.Name())
		}
		data, err := migrations.ReadFile(path.Join("migrations", e.Name()))
		if err != nil {
			return nil, err
		}
		out = append(out, migration{version: v, name: e.Name(), sql: string(data)})
	}
	slices.SortFunc(out, func(a, b migration) int { return a.version - b.version })
	return out, nil
}

// SchemaVersion is the version of the newest migration this sendbot has.
func SchemaVersion() int {
	ms, err := loadMigrations()
	if err != nil || len(ms) == 0 {
		return 0
	}
	return ms[len(ms)-1].version
}

// Version is the newest migration applied to the database, 0 for none.
func (db *DB) Version(ctx context.Context) (int, error) {
	var v int
	err := db.pool.QueryRow(ctx, `SELECT COALESCE(max(version), 0) FROM schema_migrations`).Scan(&v)
	if err != nil {
		return 0, fmt.Errorf("schema version: %w", err)
	}
	return v, nil
}

// migrate applies each migration not yet in schema_migrations, each in a
// transaction of its own, holding an advisory lock so that two replicas
// starting at once do not both apply one.
func (db *DB) migrate(ctx context.Context) error {
	ms, err := loadMigrations()
	if err != nil {
		return err
	}
	conn, err := db.pool.Acquire(ctx)
	if err != nil {
		return fmt.Errorf("connect: %w", err)
	}
	defer conn.Release()
	if _, err := conn.Exec(ctx, `SELECT pg_advisory_lock($1)`, int64(migrateLock)); err != nil {
		return fmt.Errorf("migrate: lock: %w", err)
	}
	defer conn.Exec(context.WithoutCancel(ctx), `SELECT pg_advisory_unlock($1)`, int64(migrateLock))
	_, err = conn.Exec(ctx, `CREATE TABLE IF NOT EXISTS schema_migrations (
		version integer PRIMARY KEY,
		name text NOT NULL,
		applied_at timestamptz NOT NULL DEFAULT now())`)
	if err != nil {
		return fmt.Errorf("migrate: %w", err)
	}
	rows, err := conn.Query(ctx, `SELECT version FROM schema_migrations`)
	if err != nil {
		return fmt.Errorf("migrate: %w", err)
	}
	applied, err := pgx.CollectRows(rows, pgx.RowTo[int])
	if err != nil {
		return fmt.Errorf("migrate: %w", err)
	}
	if n := len(ms); n > 0 && slices.Max(append(applied, 0)) > ms[n-1].version {
		return fmt.Errorf("the schema is at version %d, newer than this sendbot knows (%d): run the newer sendbot", slices.Max(applied), ms[n-1].version)
	}
	for _, m := range ms {
		if slices.Contains(applied, m.version) {
			continue
		}
		err := pgx.BeginFunc(ctx, conn, func(tx pgx.Tx) error {
			if _, err := tx.Exec(ctx, m.sql); err != nil {
				return err
			}
			_, err := tx.Exec(ctx, `INSERT INTO schema_migrations (version, name) VALUES ($1, $2)`, m.version, m.name)
			return err
		})
		if err != nil {
			return fmt.Errorf("migration %s: %w", m.name, err)
		}
	}
	return nil
}

// call is a context for one call of a store.
func call() (context.Context, context.CancelFunc) {
	return context.WithTimeout(context.Background(), callTimeout)
}

// Check connects to the database at databaseURL without changing it and
// returns the newest migration applied to it (0 for none), for sendbot
// doctor. Errors never hold the password.
func Check(ctx context.Context, databaseURL string) (int, error) {
	if err := CheckURL(databaseURL); err != nil {
		return 0, fmt.Errorf("DATABASE_URL: %w", err)
	}
	conn, err := pgx.Connect(ctx, databaseURL)
	if err != nil {
		return 0, fmt.Errorf("connect to %s: %w", Redact(databaseURL), err)
	}
	defer conn.Close(context.WithoutCancel(ctx))
	var v int
	var exists bool
	err = conn.QueryRow(ctx, `SELECT to_regclass('schema_migrations') IS NOT NULL`).Scan(&exists)
	if err == nil && exists {
		err = conn.QueryRow(ctx, `SELECT COALESCE(max(version), 0) FROM schema_migrations`).Scan(&v)
	}
	if err != nil {
		return 0, fmt.Errorf("schema version of %s: %w", Redact(databaseURL), err)
	}
	return v, nil
}
