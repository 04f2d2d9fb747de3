package postgres

import (
	"context"
	"crypto/rand"
	"errors"
	"fmt"

	"github.com/jackc/pgx/v5"

	"github.com/sendbot/sendbot/feedback"
)

// Feedback keeps Helpful / Not helpful votes as feedback.Store does: a
// vote under a keyed hash of voter and answer, never a user ID; the key
// is made once and shared by every replica.
type Feedback struct {
	db     *DB
	secret []byte
}

// Feedback returns the votes, making the hashing key on first use.
func (db *DB) Feedback(ctx context.Context) (*Feedback, error) {
	secret := make([]byte, 32)
	if _, err := rand.Read(secret); err != nil {
		return nil, err
	}
	_, err := db.pool.Exec(ctx, `INSERT INTO feedback_secret (secret) VALUES ($1) ON CONFLICT DO NOTHING`, secret)
	if err == nil {
		err = db.pool.QueryRow(ctx, `SELECT secret FROM feedback_secret`).Scan(&secret)
	}
	if err != nil {
		return nil, fmt.Errorf("feedback: %w", err)
	}
	return &Feedback{db: db, secret: secret}, nil
}

// Vote records v as feedback.Store.Vote does: one vote per person per
// answer, a repeat is feedback.ErrAlreadyVoted.
func (f *Feedback) Vote(v feedback.Vote) error {
	if err := v.Check(); err != nil {
		return err
	}
	key := feedback.VoterKey(f.secret, v.Voter, v.Answer)
	ctx, cancel := call()
	defer cancel()
	err := pgx.BeginFunc(ctx, f.db.pool, func(tx pgx.Tx) error {
		// One vote of a person on an answer at a time, on every replica.
		if _, err := tx.Exec(ctx, `SELECT pg_advisory_xact_lock(hashtextextended($1, 0))`, key); err != nil {
			return err
		}
		var passage string
		var helpful bool
		err := tx.QueryRow(ctx, `SELECT passage, helpful FROM feedback_votes WHERE voter_key = $1`, key).Scan(&passage, &helpful)
		switch {
		case errors.Is(err, pgx.ErrNoRows):
		case err != nil:
			return err
		case passage == v.Passage && helpful == v.Helpful:
			return feedback.ErrAlreadyVoted
		default:
			if err := addCount(ctx, tx, passage, helpful, -1); err != nil {
				return err
			}
		}
		_, err = tx.Exec(ctx, `INSERT INTO feedback_votes (voter_key, passage, helpful) VALUES ($1, $2, $3)
			ON CONFLICT (voter_key) DO UPDATE SET passage = EXCLUDED.passage, helpful = EXCLUDED.helpful`, key, v.Passage, v.Helpful)
		if err != nil {
			return err
		}
		return addCount(ctx, tx, v.Passage, v.Helpful, 1)
	})
	if err != nil && !errors.Is(err, feedback.ErrAlreadyVoted) {
		return fmt.Errorf("feedback: vote: %w", err)
	}
	return err
}

// addCount adds delta to a passage's helpful or not helpful count, never
// below 0.
func addCount(ctx context.Context, tx pgx.Tx, passage string, helpful bool, delta int) error {
	h, n := 0, 0
	if helpful {
		h = max(0, delta)
	} else {
		n = max(0, delta)
	}
	_, err := tx.Exec(ctx, `INSERT INTO feedback_counts (passage, helpful, not_helpful) VALUES ($1, $2, $3)
		ON CONFLICT (passage) DO UPDATE SET
			helpful = greatest(0, feedback_counts.helpful + CASE WHEN $4 THEN $5::integer ELSE 0 END),
			not_helpful = greatest(0, feedback_counts.not_helpful + CASE WHEN $4 THEN 0 ELSE $5::integer END)`,
		passage, h, n, helpful, delta)
	return err
}

// Counts returns every passage's votes, most "not helpful" first.
func (f *Feedback) Counts() ([]feedback.Count, error) {
	ctx, cancel := call()
	defer cancel()
	rows, err := f.db.pool.Query(ctx, `SELECT passage, helpful, not_helpful FROM feedback_counts`)
	if err != nil {
		return nil, fmt.Errorf("feedback: counts: %w", err)
	}
	out, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (feedback.Count, error) {
		var c feedback.Count
		err := r.Scan(&c.Passage, &c.Helpful, &c.NotHelpful)
		return c, err
	})
	if err != nil {
		return nil, fmt.Errorf("feedback: counts: %w", err)
	}
	feedback.SortCounts(out)
	return out, nil
}
