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

// Changes hands documents added or removed on a replica, and its
// reindexes and sites added or removed, to the builder
// (library.CommandQueue), in the pending_changes table; with the
// builder's progress in change_progress and its sites in builder_sites.
type Changes struct{ db *DB }

// Changes returns the queue of changes handed to the builder.
func (db *DB) Changes() *Changes { return &Changes{db: db} }

// Submit saves c as pending and returns its ID.
func (q *Changes) Submit(ctx context.Context, c library.Change) (int64, error) {
	return q.insert(ctx, c, library.ChangePending)
}

// Propose saves c, a site to add, as proposed, and returns its ID.
func (q *Changes) Propose(ctx context.Context, c library.Change) (int64, error) {
	return q.insert(ctx, c, "proposed")
}

func (q *Changes) insert(ctx context.Context, c library.Change, state string) (int64, error) {
	action, data := c.Kind, c.Upload.Data
	if action != library.ChangeAddDocument {
		data = nil
	}
	var site []byte
	if action == library.ChangeAddSource || action == library.ChangeRemoveSource {
		var err error
		if site, err = json.Marshal(c.Site); err != nil {
			return 0, err
		}
	}
	u := c.Upload
	var id int64
	err := q.db.pool.QueryRow(ctx, `INSERT INTO pending_changes
		(action, filename, data, title, area, kind, source_url, document, by_user, created, state, site)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12) RETURNING id`,
		action, u.Filename, data, u.Title, u.Area, u.Kind, u.SourceURL, c.Remove, u.By, time.Now().UTC(), state, site).Scan(&id)
	if err != nil {
		return 0, fmt.Errorf("save the change for the builder: %w", err)
	}
	return id, nil
}

// proposalTTL is how long a proposed site waits for its Confirm, as a
// builder's own proposals do.
const proposalTTL = 24 * time.Hour

// Confirm makes the proposed site id pending, as added by by.
func (q *Changes) Confirm(ctx context.Context, id int64, by string) (library.Change, error) {
	return q.decide(ctx, id, library.ChangePending, by)
}

// Cancel makes the proposed site id cancelled.
func (q *Changes) Cancel(ctx context.Context, id int64) (library.Change, error) {
	return q.decide(ctx, id, "cancelled", "")
}

// decide moves the proposal id on to state, once: a second Confirm or
// Cancel, or one a day later, is refused as library.ProposalGone.
func (q *Changes) decide(ctx context.Context, id int64, state, by string) (library.Change, error) {
	c := library.Change{ID: id, Kind: library.ChangeAddSource}
	var site []byte
	err := q.db.pool.QueryRow(ctx, `UPDATE pending_changes SET state = $2, by_user = CASE WHEN $3 = '' THEN by_user ELSE $3 END
		WHERE id = $1 AND state = 'proposed' AND created > $4 RETURNING site, by_user`,
		id, state, by, time.Now().UTC().Add(-proposalTTL)).Scan(&site, &c.Upload.By)
	if errors.Is(err, pgx.ErrNoRows) {
		return c, &library.Refusal{Why: library.ProposalGone}
	}
	if err != nil {
		return c, fmt.Errorf("proposed site %d: %w", id, err)
	}
	if err := json.Unmarshal(site, &c.Site); err != nil {
		return c, fmt.Errorf("proposed site %d: %w", id, err)
	}
	return c, nil
}

// SetProgress keeps how far the builder has got with change id.
func (q *Changes) SetProgress(ctx context.Context, id int64, p library.Progress) error {
	data, err := json.Marshal(p)
	if err != nil {
		return err
	}
	_, err = q.db.pool.Exec(ctx, `INSERT INTO change_progress (id, progress, updated) VALUES ($1, $2, $3)
		ON CONFLICT (id) DO UPDATE SET progress = EXCLUDED.progress, updated = EXCLUDED.updated`, id, data, time.Now().UTC())
	if err != nil {
		return fmt.Errorf("keep change %d's progress: %w", id, err)
	}
	return nil
}

// Progress is how far the builder has got with change id; false before
// it has started.
func (q *Changes) Progress(ctx context.Context, id int64) (library.Progress, bool, error) {
	var p library.Progress
	var data []byte
	err := q.db.pool.QueryRow(ctx, `SELECT progress FROM change_progress WHERE id = $1`, id).Scan(&data)
	if errors.Is(err, pgx.ErrNoRows) {
		return p, false, nil
	}
	if err == nil {
		err = json.Unmarshal(data, &p)
	}
	if err != nil {
		return p, false, fmt.Errorf("change %d's progress: %w", id, err)
	}
	return p, true, nil
}

// PublishSites keeps the sites the builder crawls, for the replicas.
func (q *Changes) PublishSites(ctx context.Context, s library.SharedSites) error {
	data, err := json.Marshal(s)
	if err != nil {
		return err
	}
	_, err = q.db.pool.Exec(ctx, `INSERT INTO builder_sites (id, sites, updated) VALUES (1, $1, $2)
		ON CONFLICT (id) DO UPDATE SET sites = EXCLUDED.sites, updated = EXCLUDED.updated`, data, time.Now().UTC())
	if err != nil {
		return fmt.Errorf("keep the builder's sites: %w", err)
	}
	return nil
}

// Sites reads the sites the builder crawls; none before it has kept them.
func (q *Changes) Sites(ctx context.Context) (library.SharedSites, error) {
	var s library.SharedSites
	var data []byte
	err := q.db.pool.QueryRow(ctx, `SELECT sites FROM builder_sites WHERE id = 1`).Scan(&data)
	if errors.Is(err, pgx.ErrNoRows) {
		return s, nil
	}
	if err == nil {
		err = json.Unmarshal(data, &s)
	}
	if err != nil {
		return s, fmt.Errorf("the builder's sites: %w", err)
	}
	return s, nil
}

// Outcome is what the builder did with the change id so far.
func (q *Changes) Outcome(ctx context.Context, id int64) (library.Outcome, error) {
	var out library.Outcome
	var result, refusal, outcome []byte
	err := q.db.pool.QueryRow(ctx, `SELECT state, result, refusal, error, outcome FROM pending_changes WHERE id = $1`, id).
		Scan(&out.State, &result, &refusal, &out.Err, &outcome)
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
	if outcome != nil {
		out.Command = &library.CommandResult{}
		if err := json.Unmarshal(outcome, out.Command); err != nil {
			return out, fmt.Errorf("change %d: what it did: %w", id, err)
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
		var site []byte
		err := tx.QueryRow(ctx, `SELECT id, action, filename, COALESCE(data, ''::bytea), title, area, kind, source_url, document, by_user, site
			FROM pending_changes WHERE state = 'pending' ORDER BY id LIMIT 1 FOR UPDATE SKIP LOCKED`).
			Scan(&c.ID, &c.Kind, &c.Upload.Filename, &c.Upload.Data, &c.Upload.Title, &c.Upload.Area, &c.Upload.Kind,
				&c.Upload.SourceURL, &c.Remove, &c.Upload.By, &site)
		if err == nil && site != nil {
			err = json.Unmarshal(site, &c.Site)
		}
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
		var result, refusal, outcome []byte
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
		if out.Command != nil {
			if outcome, err = json.Marshal(out.Command); err != nil {
				return err
			}
		}
		_, err = tx.Exec(ctx, `UPDATE pending_changes SET state = $2, finished = $3, result = $4, refusal = $5, error = $6, outcome = $7, data = NULL
			WHERE id = $1`, c.ID, out.State, time.Now().UTC(), result, refusal, out.Err, outcome)
		if err == nil {
			_, err = tx.Exec(ctx, `DELETE FROM change_progress WHERE id = $1`, c.ID)
		}
		return err
	})
	if err != nil {
		return false, fmt.Errorf("changes handed to the builder: %w", err)
	}
	return took, nil
}
