package postgres

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/sendbot/sendbot/library"
)

// Changes hands documents added or removed on a replica to the builder
// (library.ChangeQueue), in the pending_changes table.
type Changes struct{ db *DB }

// Changes returns the queue of changes handed to the builder.
func (db *DB) Changes() *Changes { return &Changes{db: db} }

// Submit saves c as pending and returns its ID.
func (q *Changes) Submit(ctx context.Context, c library.Change) (int64, error) {
	action, data := "add-document", c.Upload.Data
	if c.Remove != "" {
		action, data = "remove-document", nil
	}
	u := c.Upload
	var id int64
	err := q.db.pool.QueryRow(ctx, `INSERT INTO pending_changes
		(action, filename, data, title, area, kind, source_url, document, by_user, created)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) RETURNING id`,
		action, u.Filename, data, u.Title, u.Area, u.Kind, u.SourceURL, c.Remove, u.By, time.Now().UTC()).Scan(&id)
	if err != nil {
		return 0, fmt.Errorf("save the change for the builder: %w", err)
	}
	return id, nil
}

// Outcome is what the builder did with the change id so far.
func (q *Changes) Outcome(ctx context.Context, id int64) (library.Outcome, error) {
	var out library.Outcome
	var result, refusal []byte
	err := q.db.pool.QueryRow(ctx, `SELECT state, result, refusal, error FROM pending_changes WHERE id = $1`, id).
		Scan(&out.State, &result, &refusal, &out.Err)
	if errors.Is(err, pgx.ErrNoRows) {
		return out, fmt.Errorf("change %d: no such change", id)
	}
	if err != nil {
		return out, fmt.Errorf("change %d: %w", id, err)
	}
	if result != nil {
		if err := json.Unmarshal(result, &out.Result); err != nil {
			return out, fmt.Errorf("change %d: its result: %w", id, err)
		}
	}
	if refusal != nil {
		out.Refusal = &library.Refusal{}
		if err := json.Unmarshal(refusal, out.Refusal); err != nil {
			return out, fmt.Errorf("change %d: its refusal: %w", id, err)
		}
	}
	return out, nil
}

// Take hands the oldest pending change to apply, and records the outcome
// apply returns, in one transaction that holds the change's row: a
// builder killed meanwhile leaves it pending (PostgreSQL ends the
// transaction with the connection), and a second builder skips it.
func (q *Changes) Take(ctx context.Context, apply func(library.Change) library.Outcome) (bool, error) {
	took := false
	err := pgx.BeginFunc(ctx, q.db.pool, func(tx pgx.Tx) error {
		var c library.Change
		var action string
		err := tx.QueryRow(ctx, `SELECT id, action, filename, COALESCE(data, ''::bytea), title, area, kind, source_url, document, by_user
			FROM pending_changes WHERE state = 'pending' ORDER BY id LIMIT 1 FOR UPDATE SKIP LOCKED`).
			Scan(&c.ID, &action, &c.Upload.Filename, &c.Upload.Data, &c.Upload.Title, &c.Upload.Area, &c.Upload.Kind,
				&c.Upload.SourceURL, &c.Remove, &c.Upload.By)
		if errors.Is(err, pgx.ErrNoRows) {
			return nil
		}
		if err != nil {
			return err
		}
		took = true
		out := apply(c)
		if out.State == library.ChangePending {
			took = false // tried again at the next look
			return nil
		}
		var result, refusal []byte
		if out.State == library.ChangeDone {
			if result, err = json.Marshal(out.Result); err != nil {
				return err
			}
		}
		if out.Refusal != nil {
			if refusal, err = json.Marshal(out.Refusal); err != nil {
				return err
			}
		}
		_, err = tx.Exec(ctx, `UPDATE pending_changes SET state = $2, finished = $3, result = $4, refusal = $5, error = $6, data = NULL
			WHERE id = $1`, c.ID, out.State, time.Now().UTC(), result, refusal, out.Err)
		return err
	})
	if err != nil {
		return false, fmt.Errorf("changes handed to the builder: %w", err)
	}
	return took, nil
}
