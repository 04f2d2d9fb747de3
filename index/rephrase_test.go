package index

import (
	"context"
	"testing"
)

// A question the bot declines only because of the everyday words a
// parent added after it gets the question without them as a suggestion,
// one the bot answers; a question whose last words are what it asks, or
// that asks nothing of the documents' subject, gets none.
func TestDeclineSuggestsTheQuestionWithoutWordsAddedAfterIt(t *testing.T) {
	ix := builtinIndex(t)
	ctx := context.Background()
	tests := []struct {
		q, want string
	}{
		// Thanks, a plea and chat words after the last SEND term.
		{"how do i get an ehcp thanks in advance", "how do i get an ehcp"},
		{"what is an ehcp pls help im so stressed", "what is an ehcp"},
		// No SEND term: nothing to keep.
		{"will it rain in bristol this weekend", ""},
		{"worcester cathedral opening times", ""},
		// The words after it are a sentence, or a question, of their own.
		{"my son is autistic. who won the football last night", ""},
		{"my son is autistic who won the football last night", ""},
	}
	for _, tt := range tests {
		t.Run(tt.q, func(t *testing.T) {
			res, err := ix.Search(ctx, Query{Text: tt.q})
			if err != nil {
				t.Fatal(err)
			}
			if res.Answered {
				t.Fatalf("answered (confidence %.3f): the test needs a question the bot declines", res.Confidence)
			}
			if res.Rephrased != tt.want {
				t.Fatalf("suggested %q, want %q", res.Rephrased, tt.want)
			}
			if tt.want == "" {
				return
			}
			again, err := ix.Search(ctx, Query{Text: res.Rephrased})
			if err != nil || !again.Answered || again.Rephrased != "" {
				t.Errorf("the suggestion %q: answered %v, suggested %q, err %v; want it answered", res.Rephrased, again.Answered, again.Rephrased, err)
			}
		})
	}
	if res, err := ix.Search(ctx, Query{Text: "how do i get an ehcp"}); err != nil || !res.Answered || res.Rephrased != "" {
		t.Errorf("an answered question: answered %v, suggested %q, err %v; want an answer and no suggestion", res.Answered, res.Rephrased, err)
	}
}
