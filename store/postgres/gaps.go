package postgres

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/sendbot/sendbot/gaps"
)

// Gaps keeps the words of declined and not-helpful questions as
// gaps.Store does, and no more, for every replica: the keep period is
// enforced in SQL, by Gaps when it opens and by each Record.
type Gaps struct {
	db    *DB
	keep  time.Duration // 0 when recording is off
	vocab gaps.Vocabulary
}

// Gaps returns the gap records kept for keep, with words vocab knows
// (see gaps.Reduce); it deletes the records older than keep. With keep 0
// (or less) it records nothing and deletes every record, so that nothing
// is kept longer than promised.
func (db *DB) Gaps(ctx context.Context, keep time.Duration, vocab gaps.Vocabulary) (*Gaps, error) {
	if keep <= 0 {
		if _, err := db.pool.Exec(ctx, `DELETE FROM gap_records`); err != nil {
			return nil, fmt.Errorf("gap recording is off, but the old gap records could not be deleted: %w", err)
		}
		return &Gaps{db: db}, nil
	}
	if vocab == nil {
		return nil, errors.New("gaps: no vocabulary to tell the documents' words from names")
	}
	g := &Gaps{db: db, keep: keep, vocab: vocab}
	if err := g.purge(ctx, time.Now()); err != nil {
		return nil, err
	}
	return g, nil
}

// Keep is how long records are kept; 0 means recording is off.
func (g *Gaps) Keep() time.Duration { return g.keep }

// Reduce keeps of a question only what gaps.Reduce keeps; when
// recording is off, nothing.
func (g *Gaps) Reduce(question string) gaps.Gap {
	if g.keep <= 0 {
		return gaps.Gap{}
	}
	return gaps.Reduce(question, g.vocab)
}

// keepMicros is the keep period as SQL takes it: $n * interval '1 microsecond'.
func (g *Gaps) keepMicros() int64 { return g.keep.Microseconds() }

// purge deletes the records from before now less the keep period.
func (g *Gaps) purge(ctx context.Context, now time.Time) error {
	_, err := g.db.pool.Exec(ctx, `DELETE FROM gap_records WHERE at < $1::timestamptz - $2 * interval '1 microsecond'`, now, g.keepMicros())
	if err != nil {
		return fmt.Errorf("gaps: purge: %w", err)
	}
	return nil
}

// Purge deletes the records older than the keep period at now.
func (g *Gaps) Purge(now time.Time) error {
	if g.keep <= 0 {
		return nil
	}
	ctx, cancel := call()
	defer cancel()
	return g.purge(ctx, now)
}

// Record notes that a question, reduced to gap, asked at at, is a gap of
// the given kind, and deletes the records that at makes too old.
func (g *Gaps) Record(kind gaps.Kind, gap gaps.Gap, at time.Time) error {
	if g.keep <= 0 {
		return nil
	}
	if kind != gaps.Declined && kind != gaps.NotHelpful {
		return fmt.Errorf("gaps: unknown kind %d", kind)
	}
	ctx, cancel := call()
	defer cancel()
	// Sorted, as gaps.Store keeps them: the question's order is not kept.
	words, phrases := nonNil(gap.Words()), nonNil(gap.Phrases())
	slices.Sort(words)
	slices.Sort(phrases)
	_, err := g.db.pool.Exec(ctx, `INSERT INTO gap_records (at, kind, words, phrases) VALUES ($1, $2, $3, $4)`,
		at, int16(kind), words, phrases)
	if err != nil {
		return fmt.Errorf("gaps: record: %w", err)
	}
	return g.purge(ctx, at)
}

func nonNil(s []string) []string {
	if s == nil {
		return []string{}
	}
	return s
}

// Report adds up the records from since to now, both included, that are
// no older than the keep period at now, as gaps.Store.Report does.
func (g *Gaps) Report(since, now time.Time) (gaps.Report, error) {
	var r gaps.Report
	if g.keep <= 0 {
		return r, gaps.ErrOff
	}
	if cutoff := now.Add(-g.keep); since.Before(cutoff) {
		since = cutoff
	}
	ctx, cancel := call()
	defer cancel()
	err := g.db.pool.QueryRow(ctx, `SELECT count(*) FILTER (WHERE kind = 1), count(*) FILTER (WHERE kind = 2)
		FROM gap_records WHERE at >= $1 AND at <= $2`, since, now).Scan(&r.Declined, &r.NotHelpful)
	if err == nil {
		r.Words, err = g.top(ctx, "words", since, now, gaps.TopWords)
	}
	if err == nil {
		r.Phrases, err = g.top(ctx, "phrases", since, now, gaps.TopPhrases)
	}
	if err != nil {
		return gaps.Report{}, fmt.Errorf("gaps report: %w", err)
	}
	return r, nil
}

// top is the n texts of column (words or phrases) most questions used,
// each by at least gaps.MinQuestions, most first, ties alphabetically.
func (g *Gaps) top(ctx context.Context, column string, since, now time.Time, n int) ([]gaps.Count, error) {
	rows, err := g.db.pool.Query(ctx, `SELECT t, count(*) FROM gap_records, unnest(`+column+`) AS t
		WHERE at >= $1 AND at <= $2 GROUP BY t HAVING count(*) >= $3
		ORDER BY count(*) DESC, t COLLATE "C" LIMIT $4`, since, now, gaps.MinQuestions, n)
	if err != nil {
		return nil, err
	}
	out, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (gaps.Count, error) {
		var c gaps.Count
		err := r.Scan(&c.Text, &c.Questions)
		return c, err
	})
	if len(out) == 0 {
		out = nil
	}
	return out, err
}

// Remove deletes a word (with every phrase that has it) or a two-word
// phrase from every record, whatever its age, as gaps.Store.Remove does,
// then has PostgreSQL vacuum the table so the old rows' space is
// reclaimed.
func (g *Gaps) Remove(entry string) (gaps.Removed, error) {
	if g.keep <= 0 {
		return gaps.Removed{}, gaps.ErrOff
	}
	rm, err := gaps.ParseEntry(entry)
	if err != nil {
		return gaps.Removed{}, err
	}
	ctx, cancel := call()
	defer cancel()
	query := `WITH changed AS (
		UPDATE gap_records SET words = array_remove(words, $1),
			phrases = ARRAY(SELECT p FROM unnest(phrases) WITH ORDINALITY AS x(p, n)
				WHERE split_part(p, ' ', 1) <> $1 AND split_part(p, ' ', 2) <> $1 ORDER BY n)
		WHERE $1 = ANY(words) OR EXISTS (SELECT 1 FROM unnest(phrases) AS p
			WHERE split_part(p, ' ', 1) = $1 OR split_part(p, ' ', 2) = $1)
		RETURNING 1) SELECT count(*) FROM changed`
	if rm.Phrase {
		query = `WITH changed AS (
			UPDATE gap_records SET phrases = array_remove(phrases, $1) WHERE $1 = ANY(phrases)
			RETURNING 1) SELECT count(*) FROM changed`
	}
	if err := g.db.pool.QueryRow(ctx, query, rm.Entry).Scan(&rm.Questions); err != nil {
		return gaps.Removed{}, fmt.Errorf("gaps: remove: %w", err)
	}
	if rm.Questions > 0 {
		if _, err := g.db.pool.Exec(ctx, `VACUUM gap_records`); err != nil {
			return rm, fmt.Errorf("gaps: removed, but vacuum: %w", err)
		}
	}
	return rm, nil
}
