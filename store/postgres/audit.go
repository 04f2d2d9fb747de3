package postgres

import (
	"fmt"

	"github.com/jackc/pgx/v5"

	"github.com/sendbot/sendbot/library"
)

// Audit is the moderators' audit log, as library.Audit keeps it in a
// file, shared by every replica.
type Audit struct{ db *DB }

// Audit returns the audit log.
func (db *DB) Audit() *Audit { return &Audit{db: db} }

// Record appends e to the log.
func (a *Audit) Record(e library.AuditEntry) error {
	ctx, cancel := call()
	defer cancel()
	_, err := a.db.pool.Exec(ctx, `INSERT INTO audit_log (at, who, action, detail, result) VALUES ($1, $2, $3, $4, $5)`,
		e.At, e.Who, e.Action, e.Detail, e.Result)
	if err != nil {
		return fmt.Errorf("audit log: %w", err)
	}
	return nil
}

// Entries reads the log back, oldest first.
func (a *Audit) Entries() ([]library.AuditEntry, error) {
	ctx, cancel := call()
	defer cancel()
	rows, err := a.db.pool.Query(ctx, `SELECT at, who, action, detail, result FROM audit_log ORDER BY id`)
	if err != nil {
		return nil, fmt.Errorf("audit log: %w", err)
	}
	out, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (library.AuditEntry, error) {
		var e library.AuditEntry
		err := r.Scan(&e.At, &e.Who, &e.Action, &e.Detail, &e.Result)
		e.At = e.At.UTC()
		return e, err
	})
	if err != nil {
		return nil, fmt.Errorf("audit log: %w", err)
	}
	return out, nil
}
