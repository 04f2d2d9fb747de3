package main

import (
	"context"
	"encoding/json"
	"fmt"
	"os"

	"github.com/sendbot/sendbot/corpus"
	"github.com/sendbot/sendbot/eval"
)

// runEval asks a file of questions with known answers and prints the
// scores; with floors set, it fails when a score is below its floor.
func runEval(ctx context.Context, env appEnv, args []string) error {
	cfg := configFromEnv(env.getenv)
	fs := newFlags("eval", &cfg, env.stderr)
	questions := fs.String("questions", "", "questions file, one JSON object per line (required)")
	asJSON := fs.Bool("json", false, "print the report as JSON")
	passagesOut := fs.String("passages-out", "", "also write every passage of the corpus to this file, one JSON object per line (for comparing other search engines)")
	var floors eval.Floors
	fs.Float64Var(&floors.Recall3, "min-recall3", 0, "fail when recall@3 is below this")
	fs.Float64Var(&floors.MRR, "min-mrr", 0, "fail when MRR is below this")
	fs.Float64Var(&floors.NoAnswer, "min-no-answer", 0, "fail when no-answer accuracy is below this")
	fs.Usage = func() {
		fmt.Fprintln(env.stderr, "usage: sendbot eval --questions FILE.jsonl [--corpus DIR] [--json] [--min-recall3 X] [--min-mrr X] [--min-no-answer X]")
		fs.PrintDefaults()
	}
	rest, err := parseFlags(fs, args)
	if err != nil {
		return err
	}
	if len(rest) > 0 {
		return usageError{fmt.Sprintf("eval takes no arguments, only flags (got %q)", rest[0])}
	}
	if *questions == "" {
		fs.Usage()
		return usageError{"eval needs --questions FILE.jsonl"}
	}
	for _, f := range []float64{floors.Recall3, floors.MRR, floors.NoAnswer} {
		if f < 0 || f > 1 {
			return usageError{fmt.Sprintf("floors are between 0 and 1, not %g", f)}
		}
	}
	f, err := os.Open(*questions)
	if err != nil {
		return fmt.Errorf("questions file: %w", err)
	}
	qs, err := eval.ReadQuestions(f)
	f.Close()
	if err != nil {
		return fmt.Errorf("questions file %s: %w", *questions, err)
	}
	if *passagesOut != "" {
		if err := writePassages(cfg, *passagesOut); err != nil {
			return err
		}
	}
	ix, err := openForQueries(ctx, cfg, env)
	if err != nil {
		return err
	}
	defer ix.Close()
	rep, err := eval.Run(ctx, ix, qs)
	if err != nil {
		return err
	}
	if *asJSON {
		err = rep.WriteJSON(env.stdout)
	} else {
		err = rep.WriteText(env.stdout)
	}
	if err != nil {
		return err
	}
	return rep.Check(floors)
}

// passageLine is one line of eval --passages-out.
type passageLine struct {
	ID       string `json:"id"`
	Document string `json:"document"`
	Title    string `json:"title"`
	Section  string `json:"section"`
	Text     string `json:"text"`
	Area     string `json:"area"`
	National bool   `json:"national"`
	Kind     string `json:"kind"`
}

// writePassages writes the passages the index is built from, so another
// engine can be scored on exactly the same text.
func writePassages(cfg config, path string) error {
	t, err := locate(cfg)
	if err != nil {
		return err
	}
	c, err := readCorpus(t.fsys, t.fetched, t.uploaded)
	if err != nil {
		return err
	}
	out, err := os.Create(path)
	if err != nil {
		return fmt.Errorf("passages file: %w", err)
	}
	enc := json.NewEncoder(out)
	for _, d := range c.Documents {
		for _, p := range d.Passages {
			line := passageLine{ID: p.ID, Document: d.Key(), Title: d.Title, Section: p.Section, Text: p.Text,
				Area: d.Area, National: corpus.IsNational(d.Area), Kind: d.Kind}
			if err := enc.Encode(line); err != nil {
				out.Close()
				return fmt.Errorf("passages file: %w", err)
			}
		}
	}
	return out.Close()
}
