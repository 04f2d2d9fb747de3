package postgres

import (
	"errors"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"
)

// Pages keeps recent answers for their More results and Not helpful
// buttons, as store.Pages does in memory, for every replica: a button
// clicked on one pages the answer another gave. Answers older than the
// ttl are deleted as new ones are kept.
type Pages struct {
	db  *DB
	ttl time.Duration
}

// Pages returns the answers kept, each for ttl.
func (db *DB) Pages(ttl time.Duration) *Pages { return &Pages{db: db, ttl: ttl} }

// Put keeps an answer, and what /gaps may keep of its question (nil when
// nothing), under id, and deletes the answers that have expired.
func (p *Pages) Put(id string, answer, gap []byte, created time.Time) error {
	ctx, cancel := call()
	defer cancel()
	_, err := p.db.pool.Exec(ctx, `INSERT INTO answer_pages (id, created, answer, gap) VALUES ($1, $2, $3, $4)
		ON CONFLICT (id) DO UPDATE SET created = EXCLUDED.created, answer = EXCLUDED.answer, gap = EXCLUDED.gap`,
		id, created, answer, gap)
	if err == nil {
		_, err = p.db.pool.Exec(ctx, `DELETE FROM answer_pages WHERE created < $1::timestamptz - $2 * interval '1 microsecond'`,
			created, p.ttl.Microseconds())
	}
	if err != nil {
		return fmt.Errorf("answer pages: %w", err)
	}
	return nil
}

// Get returns the answer kept under id, nil when there is none or it is
// older than the ttl at now.
func (p *Pages) Get(id string, now time.Time) ([]byte, error) {
	ctx, cancel := call()
	defer cancel()
	var answer []byte
	err := p.db.pool.QueryRow(ctx, `SELECT answer FROM answer_pages WHERE id = $1 AND created >= $2::timestamptz - $3 * interval '1 microsecond'`,
		id, now, p.ttl.Microseconds()).Scan(&answer)
	if errors.Is(err, pgx.ErrNoRows) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("answer pages: %w", err)
	}
	return answer, nil
}

// TakeGap returns what /gaps may keep of the question of the answer under
// id and deletes it, so that of two replicas only one takes it; nil when
// it is gone or the answer has expired.
func (p *Pages) TakeGap(id string, now time.Time) ([]byte, error) {
	ctx, cancel := call()
	defer cancel()
	var gap []byte
	err := p.db.pool.QueryRow(ctx, `UPDATE answer_pages AS new SET gap = NULL
		FROM (SELECT id, gap FROM answer_pages WHERE id = $1 AND gap IS NOT NULL
			AND created >= $2::timestamptz - $3 * interval '1 microsecond' FOR UPDATE) AS old
		WHERE new.id = old.id RETURNING old.gap`, id, now, p.ttl.Microseconds()).Scan(&gap)
	if errors.Is(err, pgx.ErrNoRows) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("answer pages: %w", err)
	}
	return gap, nil
}
