package doctor

import (
	"context"
	"time"

	"github.com/sendbot/sendbot/store/postgres"
)

// checkDatabase connects to DATABASE_URL, when it is set, and compares
// its schema with the one this sendbot migrates it to; it changes
// nothing.
func (d *doctor) checkDatabase(ctx context.Context) {
	url := d.cfg.DatabaseURL
	if url == "" {
		d.ok("database", "none: votes, gaps and the audit log are kept in files under SENDBOT_DATA (DATABASE_URL is unset)")
		return
	}
	if postgres.CheckURL(url) != nil {
		return // told among the settings
	}
	ctx, cancel := context.WithTimeout(ctx, 15*time.Second)
	defer cancel()
	have, err := postgres.Check(ctx, url)
	want := postgres.SchemaVersion()
	switch {
	case err != nil:
		d.fix("database", "%v (check DATABASE_URL, and that the database server is running and reachable)", err)
	case have > want:
		d.fix("database", "%s is at schema version %d, newer than this sendbot's %d: run the newer sendbot", postgres.Redact(url), have, want)
	case have < want:
		d.ok("database", "%s answers; its schema (version %d) is brought to version %d when serve starts", postgres.Redact(url), have, want)
	default:
		d.ok("database", "%s answers, schema version %d", postgres.Redact(url), have)
	}
}
