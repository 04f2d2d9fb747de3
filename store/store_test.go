package store_test

import (
	"context"
	"errors"
	"path/filepath"
	"testing"

	"github.com/sendbot/sendbot/feedback"
	"github.com/sendbot/sendbot/internal/pgtest"
	"github.com/sendbot/sendbot/store/postgres"
)

// openPostgres opens the database at url as a replica would, closed when
// t ends.
func openPostgres(t *testing.T, url string) *postgres.DB {
	t.Helper()
	db, err := postgres.Open(context.Background(), url)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(db.Close)
	return db
}

type votes interface {
	Vote(feedback.Vote) error
	Counts() ([]feedback.Count, error)
}

// voteStores are the kinds of vote store: open gives a fresh one and a
// way to open it again, as after a restart or on another replica.
var voteStores = []struct {
	name string
	open func(t *testing.T) (votes, func() votes)
}{
	{"file", func(t *testing.T) (votes, func() votes) {
		path := filepath.Join(t.TempDir(), "feedback.db")
		st, err := feedback.Open(path)
		if err != nil {
			t.Fatal(err)
		}
		return st, func() votes {
			st.Close()
			again, err := feedback.Open(path)
			if err != nil {
				t.Fatal(err)
			}
			t.Cleanup(func() { again.Close() })
			return again
		}
	}},
	{"postgres", func(t *testing.T) (votes, func() votes) {
		url := pgtest.NewDatabase(t)
		open := func() votes {
			st, err := openPostgres(t, url).Feedback(context.Background())
			if err != nil {
				t.Fatal(err)
			}
			return st
		}
		return open(), open
	}},
}

func TestVotesAreOnePerPersonPerAnswer(t *testing.T) {
	const ann, bob = "400000000000000111", "400000000000000222"
	for _, impl := range voteStores {
		t.Run(impl.name, func(t *testing.T) {
			st, reopen := impl.open(t)
			steps := []struct {
				name string
				v    feedback.Vote
				err  error
			}{
				{"ann: passage 1 helpful", feedback.Vote{Voter: ann, Answer: "a1", Passage: "p1", Helpful: true}, nil},
				{"ann again, same vote", feedback.Vote{Voter: ann, Answer: "a1", Passage: "p1", Helpful: true}, feedback.ErrAlreadyVoted},
				{"ann changes her mind", feedback.Vote{Voter: ann, Answer: "a1", Passage: "p1", Helpful: false}, nil},
				{"ann votes on another passage of the same answer", feedback.Vote{Voter: ann, Answer: "a1", Passage: "p2", Helpful: true}, nil},
				{"bob: passage 1 not helpful", feedback.Vote{Voter: bob, Answer: "a1", Passage: "p1", Helpful: false}, nil},
				{"ann on another answer", feedback.Vote{Voter: ann, Answer: "a2", Passage: "p1", Helpful: false}, nil},
				{"ann moves it to passage 3", feedback.Vote{Voter: ann, Answer: "a2", Passage: "p3", Helpful: false}, nil},
			}
			for _, s := range steps {
				if err := st.Vote(s.v); !errors.Is(err, s.err) {
					t.Fatalf("%s: %v, want %v", s.name, err, s.err)
				}
			}
			if err := st.Vote(feedback.Vote{Answer: "a1", Passage: "p1"}); err == nil {
				t.Errorf("a vote with no voter was taken")
			}
			// p1: bob no (ann's votes moved on); p2: ann yes; p3: ann no.
			want := []feedback.Count{{Passage: "p1", Helpful: 0, NotHelpful: 1}, {Passage: "p3", Helpful: 0, NotHelpful: 1}, {Passage: "p2", Helpful: 1, NotHelpful: 0}}
			assertCounts(t, st, want)

			// Opened again (restarted, or another replica), the key is
			// the same: Ann's earlier vote is still hers.
			again := reopen()
			assertCounts(t, again, want)
			if err := again.Vote(feedback.Vote{Voter: ann, Answer: "a2", Passage: "p3", Helpful: false}); !errors.Is(err, feedback.ErrAlreadyVoted) {
				t.Errorf("opened again, a repeated vote: %v", err)
			}
			if err := again.Vote(feedback.Vote{Voter: bob, Answer: "a2", Passage: "p3", Helpful: true}); err != nil {
				t.Fatal(err)
			}
			assertCounts(t, again, []feedback.Count{{Passage: "p1", Helpful: 0, NotHelpful: 1}, {Passage: "p3", Helpful: 1, NotHelpful: 1}, {Passage: "p2", Helpful: 1, NotHelpful: 0}})
		})
	}
}

func assertCounts(t *testing.T, st votes, want []feedback.Count) {
	t.Helper()
	got, err := st.Counts()
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != len(want) {
		t.Fatalf("counts %+v, want %+v", got, want)
	}
	for i := range got {
		if got[i] != want[i] {
			t.Fatalf("counts %+v, want %+v", got, want)
		}
	}
}
