package main

import (
	"bufio"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/sendbot/sendbot/index"
)

const defaultQuestions = "../../eval/testdata/default-questions.jsonl"

func TestEvalScoresTheBuiltInCorpus(t *testing.T) {
	c := newCLI(t)
	out, logs, err := c.run("", "eval", "--questions", defaultQuestions)
	if err != nil {
		t.Fatalf("eval: %v\n%s", err, logs)
	}
	for _, want := range []string{"questions: 22 to answer, 8 to decline", "recall@1 ", "recall@3 ", "recall@5 ", "MRR ", "no-answer accuracy "} {
		if !strings.Contains(out, want) {
			t.Errorf("eval output lacks %q:\n%s", want, out)
		}
	}

	out, _, err = c.run("", "eval", "--questions", defaultQuestions, "--json")
	if err != nil {
		t.Fatal(err)
	}
	var rep struct {
		Questions int     `json:"questions"`
		Recall3   float64 `json:"recall_at_3"`
		Outcomes  []struct {
			ID string `json:"id"`
		} `json:"outcomes"`
	}
	if err := json.Unmarshal([]byte(out), &rep); err != nil || rep.Questions != 30 || len(rep.Outcomes) != 30 || rep.Recall3 <= 0 {
		t.Errorf("--json: %+v, %v\n%s", rep, err, out)
	}

	_, _, err = c.run("", "eval", "--questions", defaultQuestions, "--min-mrr", "1")
	if err == nil || !strings.Contains(err.Error(), "MRR") || !strings.Contains(err.Error(), "is below the floor 1.000") {
		t.Errorf("an unmet floor must fail and say which: %v", err)
	}
}

// --ceiling says what the fitted model finds in the first three and the
// most a search of its features' weights finds, on the same questions.
func TestEvalCeiling(t *testing.T) {
	c := newCLI(t)
	out, logs, err := c.run("", "eval", "--questions", defaultQuestions, "--ceiling")
	if err != nil {
		t.Fatalf("eval --ceiling: %v\n%s", err, logs)
	}
	var fit, most, of int
	for _, line := range strings.Split(out, "\n") {
		if before, after, ok := strings.Cut(line, ": "); ok {
			switch {
			case strings.HasPrefix(before, "found in the first 3, fitted on every question"):
				fmt.Sscanf(after, "%d of %d", &fit, &of)
			case strings.HasPrefix(before, "the most a search of the same features' weights finds"):
				fmt.Sscanf(after, "%d of %d", &most, &of)
			}
		}
	}
	if of != 22 || fit == 0 || most < fit || !strings.Contains(out, "with weights: bm25_text ") {
		t.Errorf("eval --ceiling: fitted %d, ceiling %d, of %d; want both of the 22 to answer, the ceiling no lower:\n%s", fit, most, of, out)
	}
}

func TestEvalBadInput(t *testing.T) {
	dir := t.TempDir()
	bad := filepath.Join(dir, "bad.jsonl")
	os.WriteFile(bad, []byte(`{"id": "a", "q": "what is x", "gold": ["x"]}`+"\n"+`{"id": "b", "q": "what is y", "gold": ["(y"]}`+"\n"), 0o644)
	tests := []struct {
		name string
		args []string
		want string
	}{
		{"no questions file", []string{"eval"}, "eval needs --questions FILE.jsonl"},
		{"missing file", []string{"eval", "--questions", filepath.Join(dir, "nope.jsonl")}, "questions file"},
		{"bad line", []string{"eval", "--questions", bad}, `line 2: question b: gold pattern "(y" is not a valid regular expression`},
		{"floor out of range", []string{"eval", "--questions", defaultQuestions, "--min-recall3", "90"}, "floors and limits are between 0 and 1"},
		{"stray argument", []string{"eval", "--questions", defaultQuestions, "extra"}, "eval takes no arguments"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, _, err := newCLI(t).run("", tt.args...)
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("error %v, want it to say %q", err, tt.want)
			}
		})
	}
}

func TestEvalWritesThePassagesItScores(t *testing.T) {
	c := newCLI(t)
	path := filepath.Join(t.TempDir(), "passages.jsonl")
	if _, logs, err := c.run("", "eval", "--questions", defaultQuestions, "--passages-out", path); err != nil {
		t.Fatalf("%v\n%s", err, logs)
	}
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	n, national, local := 0, 0, 0
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 1<<20), 1<<20)
	for sc.Scan() {
		var p struct {
			ID       string `json:"id"`
			Document string `json:"document"`
			Title    string `json:"title"`
			Text     string `json:"text"`
			Area     string `json:"area"`
			National bool   `json:"national"`
		}
		if err := json.Unmarshal(sc.Bytes(), &p); err != nil || p.ID == "" || p.Text == "" || p.Title == "" || p.Document == "" {
			t.Fatalf("bad passage line %q: %v", sc.Text(), err)
		}
		n++
		if p.National {
			national++
		} else if p.Area != "" {
			local++
		}
	}
	if n < 50 || national == 0 || local == 0 {
		t.Errorf("%d passages, %d national, %d local", n, national, local)
	}
}

func TestEvalCrossValidatesFitsAndAblates(t *testing.T) {
	c := newCLI(t)
	out, logs, err := c.run("", "eval", "--questions", defaultQuestions, "--folds", "3")
	if err != nil {
		t.Fatalf("eval --folds: %v\n%s", err, logs)
	}
	for _, want := range []string{"3-fold cross-validation: each fold scored by a model fitted on the other 2",
		"\n   1  ", "\n   2  ", "\n   3  ", "mean ± sd over folds:", "recall@3                 ", "all held-out questions together: recall@3 ",
		"by kind (right in the first 3, or rightly declined):", "by style:"} {
		if !strings.Contains(out, want) {
			t.Errorf("eval --folds 3 output lacks %q:\n%s", want, out)
		}
	}

	out, _, err = c.run("", "eval", "--questions", defaultQuestions, "--folds", "3", "--json")
	if err != nil {
		t.Fatal(err)
	}
	var cv struct {
		K     int
		Folds []struct{ Fold, Answerable int }
		Held  struct {
			Questions int `json:"questions"`
		}
	}
	if err := json.Unmarshal([]byte(out), &cv); err != nil || cv.K != 3 || len(cv.Folds) != 3 || cv.Held.Questions != 30 {
		t.Errorf("--folds 3 --json: %+v, %v", cv, err)
	}

	_, _, err = c.run("", "eval", "--questions", defaultQuestions, "--folds", "3", "--min-recall3", "1")
	if err == nil || !strings.Contains(err.Error(), "cross-validated recall@3") {
		t.Errorf("an unmet cross-validated floor must fail and say which: %v", err)
	}

	dir := t.TempDir()
	modelPath := filepath.Join(dir, "model.json")
	if out, logs, err := c.run("", "eval", "--questions", defaultQuestions, "--fit", modelPath); err != nil || !strings.Contains(out, "wrote the model fitted on 30 questions") {
		t.Fatalf("eval --fit: %v\n%s%s", err, out, logs)
	}
	data, err := os.ReadFile(modelPath)
	if err != nil {
		t.Fatal(err)
	}
	m, err := index.ParseModel(data)
	if err != nil {
		t.Fatalf("the fitted model is not one sendbot reads: %v\n%s", err, data)
	}
	if len(m.Rank) == 0 || !strings.Contains(m.Note, "30 questions (22 to answer, 8 to decline)") {
		t.Errorf("fitted model %+v: want rank weights and a note of what it was fitted on", m)
	}

	tablePath := filepath.Join(dir, "ablation.md")
	if _, logs, err := c.run("", "eval", "--questions", defaultQuestions, "--folds", "2", "--ablation", tablePath); err != nil {
		t.Fatalf("eval --ablation: %v\n%s", err, logs)
	}
	table, err := os.ReadFile(tablePath)
	if err != nil {
		t.Fatal(err)
	}
	var rows []string
	rows = append(rows, index.Components...)
	rows = append(rows, index.Features[:]...)
	rows = append(rows, index.Signals[:]...)
	rows = append(rows, "nothing (the whole model)", "rerank (bleve's order)", "decide (always answer)")
	for _, r := range rows {
		if !strings.Contains(string(table), "\n| "+r+" | ") {
			t.Errorf("the ablation table has no row for %q:\n%s", r, table)
		}
	}
}

func TestEvalLearningBadInput(t *testing.T) {
	tests := []struct {
		name string
		args []string
		want string
	}{
		{"one fold", []string{"--folds", "1"}, "--folds is between 2 and 20, not 1"},
		{"too many folds", []string{"--folds", "50"}, "--folds is between 2 and 20, not 50"},
		{"not a component", []string{"--folds", "3", "--without", "magic"}, `--without "magic": the components are contractions, spelling`},
		{"twins alone", []string{"--twins", "twins.jsonl"}, "--twins needs --folds or --ablation"},
		{"missing twins file", []string{"--folds", "3", "--twins", filepath.Join(t.TempDir(), "nope.jsonl")}, "twins file"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, _, err := newCLI(t).run("", append([]string{"eval", "--questions", defaultQuestions}, tt.args...)...)
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("error %v, want it to say %q", err, tt.want)
			}
		})
	}
}
