// Package feedback keeps parents' Helpful / Not helpful votes on quoted
// passages, anonymously: a vote is stored under a keyed hash of who voted
// on which answer, never a user ID, so each person has one vote per answer
// and nobody can read back who voted.
//
//	st, err := feedback.Open(filepath.Join(dataDir, "feedback.db"))
//	err = st.Vote(feedback.Vote{Voter: userID, Answer: answerID, Passage: ref, Helpful: true})
//	counts, err := st.Counts()
package feedback

import (
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"time"

	bolt "go.etcd.io/bbolt"
)

var (
	bucketVotes  = []byte("votes")  // hash(voter, answer) -> ballot
	bucketCounts = []byte("counts") // passage -> Count
	bucketMeta   = []byte("meta")
	keySecret    = []byte("secret")
)

// Store is an open feedback file. It is safe for concurrent use.
type Store struct {
	db     *bolt.DB
	secret []byte
}

// Open opens the feedback file at path, creating it (and a random secret
// for hashing voters) on first use.
func Open(path string) (*Store, error) {
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return nil, fmt.Errorf("feedback file %s: %w", path, err)
	}
	db, err := bolt.Open(path, 0o600, &bolt.Options{Timeout: 5 * time.Second})
	if err != nil {
		return nil, fmt.Errorf("open feedback file %s: %w (is another sendbot using it?)", path, err)
	}
	st := &Store{db: db}
	err = db.Update(func(tx *bolt.Tx) error {
		for _, b := range [][]byte{bucketVotes, bucketCounts, bucketMeta} {
			if _, err := tx.CreateBucketIfNotExists(b); err != nil {
				return err
			}
		}
		meta := tx.Bucket(bucketMeta)
		if s := meta.Get(keySecret); len(s) == 32 {
			st.secret = append([]byte(nil), s...)
			return nil
		}
		st.secret = make([]byte, 32)
		if _, err := rand.Read(st.secret); err != nil {
			return err
		}
		return meta.Put(keySecret, st.secret)
	})
	if err != nil {
		db.Close()
		return nil, fmt.Errorf("feedback file %s: %w", path, err)
	}
	return st, nil
}

// Close closes the file.
func (st *Store) Close() error { return st.db.Close() }

// Vote is one person's view of one passage of one answer.
type Vote struct {
	Voter  string // the Discord user ID; only its keyed hash is stored
	Answer string // the answer the passage was shown in
	// Passage names the passage (the index's passage ID).
	Passage string
	Helpful bool
}

// ballot is what is stored for a voter's vote on an answer.
type ballot struct {
	Passage string `json:"p"`
	Helpful bool   `json:"h"`
}

// Count is the votes one passage has had.
type Count struct {
	Passage    string `json:"passage"`
	Helpful    int    `json:"helpful"`
	NotHelpful int    `json:"not_helpful"`
}

// Check is nil for a vote a store may record, else says what it lacks:
// every store refuses a vote without a voter, an answer and a passage.
func (v Vote) Check() error {
	if v.Voter == "" || v.Answer == "" || v.Passage == "" {
		return errors.New("feedback: vote needs a voter, an answer and a passage")
	}
	return nil
}

// ErrAlreadyVoted means the person had already given exactly this vote.
var ErrAlreadyVoted = errors.New("already voted")

// Vote records v. A person has one vote per answer: voting again on the
// same answer replaces their earlier vote (on any of its passages), and
// repeating the same vote returns ErrAlreadyVoted.
func (st *Store) Vote(v Vote) error {
	if err := v.Check(); err != nil {
		return err
	}
	key := st.voterKey(v.Voter, v.Answer)
	return st.db.Update(func(tx *bolt.Tx) error {
		votes, counts := tx.Bucket(bucketVotes), tx.Bucket(bucketCounts)
		next := ballot{Passage: v.Passage, Helpful: v.Helpful}
		if old := votes.Get(key); old != nil {
			var prev ballot
			if json.Unmarshal(old, &prev) == nil {
				if prev == next {
					return ErrAlreadyVoted
				}
				if err := addCount(counts, prev, -1); err != nil {
					return err
				}
			}
		}
		data, err := json.Marshal(next)
		if err != nil {
			return err
		}
		if err := votes.Put(key, data); err != nil {
			return err
		}
		return addCount(counts, next, 1)
	})
}

func addCount(counts *bolt.Bucket, b ballot, delta int) error {
	c := Count{Passage: b.Passage}
	if data := counts.Get([]byte(b.Passage)); data != nil {
		if err := json.Unmarshal(data, &c); err != nil {
			return err
		}
	}
	if b.Helpful {
		c.Helpful = max(0, c.Helpful+delta)
	} else {
		c.NotHelpful = max(0, c.NotHelpful+delta)
	}
	data, err := json.Marshal(c)
	if err != nil {
		return err
	}
	return counts.Put([]byte(b.Passage), data)
}

// Counts returns every passage's votes, most "not helpful" first.
func (st *Store) Counts() ([]Count, error) {
	var out []Count
	err := st.db.View(func(tx *bolt.Tx) error {
		return tx.Bucket(bucketCounts).ForEach(func(_, v []byte) error {
			var c Count
			if err := json.Unmarshal(v, &c); err != nil {
				return err
			}
			out = append(out, c)
			return nil
		})
	})
	SortCounts(out)
	return out, err
}

// voterKey is the keyed hash a vote is stored under (see VoterKey).
func (st *Store) voterKey(voter, answer string) []byte {
	return []byte(VoterKey(st.secret, voter, answer))
}

// VoterKey is the keyed hash a vote is stored under, in hex: the same
// person and answer always give the same key, and the key cannot be
// turned back into the user ID without the secret. Every store of votes
// uses it, so none keeps a user ID.
func VoterKey(secret []byte, voter, answer string) string {
	m := hmac.New(sha256.New, secret)
	m.Write([]byte(voter))
	m.Write([]byte{0})
	m.Write([]byte(answer))
	return hex.EncodeToString(m.Sum(nil))
}

// SortCounts puts counts in the order Counts returns them: most "not
// helpful" first, then by passage.
func SortCounts(out []Count) {
	sort.Slice(out, func(i, j int) bool {
		if out[i].NotHelpful != out[j].NotHelpful {
			return out[i].NotHelpful > out[j].NotHelpful
		}
		return out[i].Passage < out[j].Passage
	})
}
