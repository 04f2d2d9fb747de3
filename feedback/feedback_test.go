package feedback

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestVotesAreOnePerPersonPerAnswerAndAnonymous(t *testing.T) {
	path := filepath.Join(t.TempDir(), "feedback.db")
	st, err := Open(path)
	if err != nil {
		t.Fatal(err)
	}
	const ann, bob = "400000000000000111", "400000000000000222"
	steps := []struct {
		name string
		v    Vote
		err  error
	}{
		{"ann: passage 1 helpful", Vote{Voter: ann, Answer: "a1", Passage: "p1", Helpful: true}, nil},
		{"ann again, same vote", Vote{Voter: ann, Answer: "a1", Passage: "p1", Helpful: true}, ErrAlreadyVoted},
		{"ann changes her mind", Vote{Voter: ann, Answer: "a1", Passage: "p1", Helpful: false}, nil},
		{"ann votes on another passage of the same answer", Vote{Voter: ann, Answer: "a1", Passage: "p2", Helpful: true}, nil},
		{"bob: passage 1 not helpful", Vote{Voter: bob, Answer: "a1", Passage: "p1", Helpful: false}, nil},
		{"ann on another answer", Vote{Voter: ann, Answer: "a2", Passage: "p1", Helpful: false}, nil},
	}
	for _, s := range steps {
		if err := st.Vote(s.v); !errors.Is(err, s.err) {
			t.Fatalf("%s: %v, want %v", s.name, err, s.err)
		}
	}
	got, err := st.Counts()
	if err != nil {
		t.Fatal(err)
	}
	// p1: bob no, ann (a2) no; ann's a1 vote moved to p2.
	want := []Count{{"p1", 0, 2}, {"p2", 1, 0}}
	if len(got) != 2 || got[0] != want[0] || got[1] != want[1] {
		t.Errorf("counts %+v, want %+v", got, want)
	}
	if err := st.Vote(Vote{Answer: "a1", Passage: "p1"}); err == nil {
		t.Errorf("a vote with no voter was taken")
	}
	st.Close()

	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if strings.Contains(string(data), ann) || strings.Contains(string(data), bob) {
		t.Errorf("a user ID is stored in clear in %s", path)
	}

	// Reopened, the secret is the same: Ann's earlier vote is still hers.
	st, err = Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	if err := st.Vote(Vote{Voter: ann, Answer: "a2", Passage: "p1", Helpful: false}); !errors.Is(err, ErrAlreadyVoted) {
		t.Errorf("after reopening, a repeated vote: %v", err)
	}
}
