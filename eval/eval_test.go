package eval

import (
	"bytes"
	"context"
	"errors"
	"math"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/sendbot/sendbot/corpus"
	"github.com/sendbot/sendbot/index"
)

func TestReadQuestionsRefusesBadLines(t *testing.T) {
	tests := []struct {
		name, file, want string
	}{
		{"not JSON", `{"id": "a", "q": "x", "gold": ["y"]}` + "\nnot json\n", "line 2: not a JSON object"},
		{"no id", `{"q": "x", "gold": ["y"]}`, `line 1: no "id"`},
		{"no question", `{"id": "a", "gold": ["y"]}`, `question a has no "q"`},
		{"no gold", `{"id": "a", "q": "x"}`, `question a has no "gold" patterns`},
		{"bad regex", `{"id": "a", "q": "x", "gold": ["(unclosed"]}`, `gold pattern "(unclosed" is not a valid regular expression`},
		{"bad expect", `{"id": "a", "q": "x", "expect": "maybe"}`, `"expect" must be "no-answer"`},
		{"gold on a no-answer", `{"id": "a", "q": "x", "gold": ["y"], "expect": "no-answer"}`, "expects no answer but has"},
		{"duplicate id", `{"id": "a", "q": "x", "gold": ["y"]}` + "\n" + `{"id": "a", "q": "z", "gold": ["y"]}`, `line 2: id "a" is also used on line 1`},
		{"empty", "# only a comment\n\n", "no questions in the file"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := ReadQuestions(strings.NewReader(tt.file))
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("error %v, want it to say %q", err, tt.want)
			}
		})
	}
	qs, err := ReadQuestions(strings.NewReader("# comment\n" + `{"id": "a", "q": " what is x ", "gold": ["Answer X"], "area": "Testshire"}` + "\n\n" + `{"id": "n", "q": "weather", "gold": [], "expect": "no-answer", "area": null}` + "\n"))
	if err != nil || len(qs) != 2 || qs[0].Text != "what is x" || qs[0].Area != "Testshire" || !qs[1].NoAnswer() || !qs[0].Matches("the answer x is") {
		t.Fatalf("good file: %+v, %v", qs, err)
	}
}

// fakeSearcher answers from a table, so scoring can be checked by hand.
type fakeSearcher map[string]index.Result

func (f fakeSearcher) Search(_ context.Context, q index.Query) (index.Result, error) {
	if q.Text == "broken" {
		return index.Result{}, errors.New("index unavailable")
	}
	return f[q.Text], nil
}

func hits(texts ...string) []index.Hit {
	var out []index.Hit
	for _, t := range texts {
		out = append(out, index.Hit{Title: "T " + t, Text: t, Coverage: 0.9})
	}
	return out
}

func TestRunScores(t *testing.T) {
	qs, err := ReadQuestions(strings.NewReader(strings.Join([]string{
		`{"id": "first", "q": "q1", "gold": ["gold"]}`,
		`{"id": "third", "q": "q3", "gold": ["gold"]}`,
		`{"id": "missed", "q": "q4", "gold": ["gold"]}`,
		`{"id": "declined", "q": "q5", "gold": ["gold"]}`,
		`{"id": "broken", "q": "broken", "gold": ["gold"]}`,
		`{"id": "no", "q": "off topic", "expect": "no-answer"}`,
		`{"id": "wrongly", "q": "off topic 2", "expect": "no-answer"}`,
	}, "\n")))
	if err != nil {
		t.Fatal(err)
	}
	s := fakeSearcher{
		"q1":          {Answered: true, Hits: hits("the GOLD", "x", "y")},
		"q3":          {Answered: true, Hits: hits("x", "y", "gold", "gold")},
		"q4":          {Answered: true, Hits: hits("x", "y", "z", "w", "v", "gold")}, // sixth: beyond the first five
		"q5":          {Answered: false, Hits: hits("gold")},                         // declined: nothing shown
		"off topic":   {Answered: false},
		"off topic 2": {Answered: true, Hits: hits("x")},
	}
	rep, err := Run(context.Background(), s, qs)
	if err != nil {
		t.Fatal(err)
	}
	near := func(a, b float64) bool { return math.Abs(a-b) < 1e-9 }
	if rep.Answerable != 5 || rep.Found != [5]int{1, 1, 2, 2, 2} || !near(rep.Recall1, 0.2) || !near(rep.Recall3, 0.4) || !near(rep.Recall5, 0.4) || !near(rep.MRR, (1+1.0/3)/5) {
		t.Errorf("scores %+v", rep)
	}
	// Correct: first, third, missed (answered, as they should be) and no;
	// wrong: declined, broken, wrongly.
	if rep.Correct != 4 || !near(rep.NoAnswer, 4.0/7) || rep.Declined != 1 || rep.Declinable != 2 {
		t.Errorf("no-answer: correct %d, accuracy %v, declined %d of %d", rep.Correct, rep.NoAnswer, rep.Declined, rep.Declinable)
	}
	var text bytes.Buffer
	if err := rep.WriteText(&text); err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"recall@3            0.400  (2 of 5)", "MRR                 0.267", "no-answer accuracy  0.571  (4 of 7; declined 1 of 2 that should be)",
		"missed q4: no match in the first 5", "declined q5: declined", "broken broken: error: index unavailable", "wrongly off topic 2: answered, but should have declined"} {
		if !strings.Contains(strings.Join(strings.Fields(text.String()), " "), strings.Join(strings.Fields(want), " ")) {
			t.Errorf("report lacks %q:\n%s", want, text.String())
		}
	}
	if strings.Contains(text.String(), "third") {
		t.Errorf("a question answered at 3 is listed as missed:\n%s", text.String())
	}
	if err := rep.Check(Floors{Recall3: 0.4, NoAnswer: 0.5}); err != nil {
		t.Errorf("floors met, got %v", err)
	}
	err = rep.Check(Floors{Recall3: 0.9, MRR: 0.1, NoAnswer: 0.9})
	if err == nil || !strings.Contains(err.Error(), "recall@3 0.400 is below the floor 0.900") || !strings.Contains(err.Error(), "no-answer accuracy 0.571 is below the floor 0.900") || strings.Contains(err.Error(), "MRR") {
		t.Errorf("floors error %v", err)
	}
}

// Floors for the questions about the built-in corpus: set from the
// scores measured when they were written (recall@3 0.909, MRR 0.780,
// no-answer 0.967), a little below so a tie broken differently does not
// fail; raise them as answers improve, never lower them.
var defaultFloors = Floors{Recall3: 0.86, MRR: 0.72, NoAnswer: 0.93}

func TestBuiltInCorpusAnswersItsQuestions(t *testing.T) {
	ix, qs := builtIn(t)
	rep, err := Run(context.Background(), ix, qs)
	if err != nil {
		t.Fatal(err)
	}
	var out bytes.Buffer
	rep.WriteText(&out)
	t.Logf("\n%s", out.String())
	if err := rep.Check(defaultFloors); err != nil {
		t.Errorf("%v\n%s", err, out.String())
	}
}

// TestSayingWhoItIsForCostsNothing: parents say who they ask for ("for
// my son", "my daughter is 8."). Said about every built-in question, it
// may cost at most one question of recall@3, and an off-topic question
// is still declined. (Before the question's person was read as who it is
// asked for, "for my son" cost 4 of 22 and "My daughter is 8." 5: "son"
// is a word no built-in document uses.)
func TestSayingWhoItIsForCostsNothing(t *testing.T) {
	saidSoCostsAtMostOne(t,
		func(q string) string { return q + " for my son" },
		func(q string) string { return "My daughter is 8. " + q },
	)
}

// saidSoCostsAtMostOne says every built-in question in each of the ways
// given, and wants recall@3 at most one question below the questions as
// asked and no-answer accuracy no lower.
func saidSoCostsAtMostOne(t *testing.T, says ...func(string) string) {
	t.Helper()
	ix, qs := builtIn(t)
	plain, err := Run(context.Background(), ix, qs)
	if err != nil {
		t.Fatal(err)
	}
	for _, say := range says {
		said := make([]Question, len(qs))
		for i, q := range qs {
			said[i] = q
			said[i].Text = say(q.Text)
		}
		rep, err := Run(context.Background(), ix, said)
		if err != nil {
			t.Fatal(err)
		}
		var out bytes.Buffer
		rep.WriteText(&out)
		if rep.Recall3 < plain.Recall3-1.0/float64(rep.Answerable) || rep.NoAnswer < plain.NoAnswer {
			t.Errorf("%q: recall@3 %.3f and no-answer %.3f against %.3f and %.3f as asked\n%s",
				say("what …"), rep.Recall3, rep.NoAnswer, plain.Recall3, plain.NoAnswer, out.String())
		}
	}
}

// builtIn is an index of the built-in corpus and its questions.
func builtIn(t *testing.T) (*index.Index, []Question) {
	t.Helper()
	c, err := corpus.Load(corpus.Default())
	if err != nil {
		t.Fatal(err)
	}
	dir := filepath.Join(t.TempDir(), "index")
	if err := index.Build(context.Background(), dir, c.Documents, corpus.BuiltinGlossary().Merge(c.Glossary), index.Source{Name: "default"}); err != nil {
		t.Fatal(err)
	}
	ix, err := index.Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { ix.Close() })
	f, err := os.Open("testdata/default-questions.jsonl")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	qs, err := ReadQuestions(f)
	if err != nil {
		t.Fatal(err)
	}
	return ix, qs
}

// A greeting, an apology or thanks in a clause of its own costs nothing:
// the bot decides whether to answer on the clauses that ask (index's
// asides). Said so about every built-in question, it may cost at most one
// question of recall@3, and an off-topic question is still declined.
// (Only a clause that asks, with "?" or a question word, is known to be
// the question: "sorry if this is silly, salt in herefordshire" is
// weighed whole, and declined.)
func TestGreetingsAndThanksCostNothing(t *testing.T) {
	saidSoCostsAtMostOne(t,
		func(q string) string { return "Hi all, " + q },
		func(q string) string { return strings.TrimSuffix(q, "?") + "? Thanks in advance" },
		func(q string) string { return "Sorry if this is a silly question, " + strings.TrimSuffix(q, "?") + "?" },
	)
}

// A question run on from an apology or from context with no comma ("I'm
// new to all this so apologies but how do I …") is read from its question
// word: what comes before weighs as an aside. Said so about every
// built-in question that starts with a question word, it may cost at
// most one question of recall@3. (Before, the apology's words weighed as
// what was asked, and most of them were declined.)
func TestQuestionRunOnFromAnApologyCostsNothing(t *testing.T) {
	saidSoCostsAtMostOne(t, func(q string) string {
		first, _, _ := strings.Cut(q, " ")
		switch first {
		case "how", "what", "what's", "who", "when", "where", "why", "which":
			return "I'm new to all this so apologies but " + q
		}
		return q
	})
}

// Cross-validation scores a question as Search answers it: when a
// fold's model declines it and answers it without the everyday words
// after it, by that answer (Traced.Shorter).
func TestCrossValidationLeavesOutWordsAsSearchDoes(t *testing.T) {
	ix, qs := builtIn(t)
	ctx := context.Background()
	ts, err := TraceQuestions(ctx, ix, qs)
	if err != nil {
		t.Fatal(err)
	}
	said := make([]Question, len(qs))
	for i, q := range qs {
		said[i] = q
		said[i].Text = strings.TrimSuffix(q.Text, "?") + " thanks in advance"
	}
	twins, err := TraceQuestions(ctx, ix, said)
	if err != nil {
		t.Fatal(err)
	}
	var whole []Traced
	for _, tw := range twins {
		tw.Shorter = nil
		whole = append(whole, tw)
	}
	with, without := CrossValidate(ts, 5, FitOptions{}, twins).Twins, CrossValidate(ts, 5, FitOptions{}, whole).Twins
	t.Logf("said so, found %d of %d (without the shorter reading %d); to decline answered %d of %d (%d)",
		with.CleanFound, with.N, without.CleanFound, with.Answered, with.Declinable, without.Answered)
	if with.CleanFound < without.CleanFound+3 || with.Answered > without.Answered {
		t.Errorf("said so, found %d (%d without the shorter reading) and %d to decline answered (%d); want 3 more found and no more answered",
			with.CleanFound, without.CleanFound, with.Answered, without.Answered)
	}
}

// Words added after a question with no mark between ("… thanks in
// advance") can make the bot decline it: nothing in the words tells
// them from a question's crux (docs/ranking.md). The bot then answers
// the question without them, when it answers that (index's
// rephrase.go). Said so about every built-in question, in three ways,
// the answer is found for 57 of the 63 (21 answered as asked, three
// ways), 24 of them without some of the words after (51 and 18 when
// only the words after its last SEND term could be left out, all at
// once); the floors are a little below. A question to decline is still
// declined.
func TestWordsAfterAQuestionAreLeftOutOfADecline(t *testing.T) {
	ix, qs := builtIn(t)
	var found, leftOut int
	for _, frame := range []string{"{} thanks in advance", "{} any advice would be appreciated", "{} pls help im so stressed"} {
		f, l := foundSaidSo(t, ix, qs, frame)
		found, leftOut = found+f, leftOut+l
	}
	if found < 54 || leftOut < 21 {
		t.Errorf("the answer found for %d of the questions said three ways, %d of them without the words after; want at least 54 and 21", found, leftOut)
	}
}

// foundSaidSo asks every question said in frame ("{}" is the question,
// without its "?"), and counts those answered with a right passage and,
// of them, those answered without some of the words the frame adds. A
// question to decline must still be declined.
func foundSaidSo(t *testing.T, ix *index.Index, qs []Question, frame string) (found, leftOut int) {
	t.Helper()
	for _, q := range qs {
		res, err := ix.Search(context.Background(), index.Query{Text: strings.Replace(frame, "{}", strings.TrimSuffix(q.Text, "?"), 1), Area: q.Area, K: 3})
		if err != nil {
			t.Fatal(err)
		}
		if q.NoAnswer() {
			if res.Answered {
				t.Errorf("%q, to decline, said %q: answered %q", q.Text, frame, res.Rephrased)
			}
			continue
		}
		if res.Answered && slices.ContainsFunc(res.Hits, func(h index.Hit) bool { return q.Matches(h.Text) }) {
			found++
			if res.Rephrased != "" {
				leftOut++
			}
		}
	}
	t.Logf("%s: found %d, left out %d", frame, found, leftOut)
	return found, leftOut
}

// The same before a question: an apology run on into it with no comma
// ("sorry if this is a silly question but can i …") is left out when the
// bot would decline the whole. Said so about every built-in question,
// the answer is found for 20 of 21 (21 answered as asked), 5 of them
// without words before; the floors are a little below. A question to
// decline is still declined.
func TestWordsBeforeAQuestionAreLeftOutOfADecline(t *testing.T) {
	ix, qs := builtIn(t)
	if found, leftOut := foundSaidSo(t, ix, qs, "sorry if this is a silly question but {}"); found < 19 || leftOut < 4 {
		t.Errorf("the answer found for %d of the questions said so, %d of them without the words before; want at least 19 and 4", found, leftOut)
	}
}
