package main

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"slices"
	"strings"

	"github.com/sendbot/sendbot/corpus"
	"github.com/sendbot/sendbot/eval"
	"github.com/sendbot/sendbot/index"
)

// runEval asks a file of questions with known answers and prints the
// scores; with floors set, it fails when a score is below its floor.
// With --folds it cross-validates the model instead (eval/cv.go): each
// fold is scored by a model fitted on the others. --fit writes the model
// fitted on every question, and --ablation the table of what each
// component and feature is worth.
func runEval(ctx context.Context, env appEnv, args []string) error {
	cfg := configFromEnv(env.getenv)
	fs := newFlags("eval", &cfg, env.stderr)
	var questions fileList
	fs.Var(&questions, "questions", "questions file, one JSON object per line (required; repeat it, or separate files with commas, to ask several)")
	asJSON := fs.Bool("json", false, "print the report as JSON")
	passagesOut := fs.String("passages-out", "", "also write every passage of the corpus to this file, one JSON object per line (for comparing other search engines)")
	folds := fs.Int("folds", 0, "cross-validate: fit the model on all folds but one and score it on that one, for each of this many folds")
	twins := fs.String("twins", "", "with --folds: clean twins of the typo questions (JSON Lines of id and q), to compare recall@3 with and without the typos")
	fitOut := fs.String("fit", "", "fit the model on every question and write it to this file (index/model.json is the built-in one)")
	var leaveOut fileList
	fs.Var(&leaveOut, "without", "with --folds: leave out these components of the stages ("+strings.Join(index.Components, ", ")+"), to see what each does")
	ablationOut := fs.String("ablation", "", "write the ablation table (each component and feature left out, cross-validated) to this Markdown file")
	var floors eval.Floors
	fs.Float64Var(&floors.Recall3, "min-recall3", 0, "fail when recall@3 is below this (with --folds: the folds' mean)")
	fs.Float64Var(&floors.MRR, "min-mrr", 0, "fail when MRR is below this (with --folds: the folds' mean)")
	fs.Float64Var(&floors.NoAnswer, "min-no-answer", 0, "fail when no-answer accuracy is below this")
	fs.Float64Var(&floors.MaxFalseDecline, "max-false-decline", 0, "with --folds: fail when more than this share of right answers are declined")
	fs.Float64Var(&floors.MaxFalseAnswer, "max-false-answer", 0, "with --folds: fail when more than this share of questions to decline are answered")
	fs.Float64Var(&floors.MaxTypoCost, "max-typo-cost", 0, "with --folds and --twins: fail when typos cost more than this much recall@3")
	fs.Usage = func() {
		fmt.Fprintln(env.stderr, "usage: sendbot eval --questions FILE.jsonl [--questions FILE2.jsonl] [--corpus DIR] [--folds K [--twins FILE]] [--fit FILE] [--ablation FILE] [--json] [--min-recall3 X] [--min-mrr X] [--min-no-answer X]")
		fs.PrintDefaults()
	}
	rest, err := parseFlags(fs, args)
	if err != nil {
		return err
	}
	if len(rest) > 0 {
		return usageError{fmt.Sprintf("eval takes no arguments, only flags (got %q)", rest[0])}
	}
	if len(questions) == 0 {
		fs.Usage()
		return usageError{"eval needs --questions FILE.jsonl"}
	}
	for _, f := range []float64{floors.Recall3, floors.MRR, floors.NoAnswer, floors.MaxFalseDecline, floors.MaxFalseAnswer, floors.MaxTypoCost} {
		if f < 0 || f > 1 {
			return usageError{fmt.Sprintf("floors and limits are between 0 and 1, not %g", f)}
		}
	}
	if *folds == 1 || *folds < 0 || *folds > 20 {
		return usageError{fmt.Sprintf("--folds is between 2 and 20, not %d", *folds)}
	}
	if *twins != "" && *folds == 0 && *ablationOut == "" {
		return usageError{"--twins needs --folds or --ablation"}
	}
	for _, c := range leaveOut {
		if !slices.Contains(index.Components, c) {
			return usageError{fmt.Sprintf("--without %q: the components are %s", c, strings.Join(index.Components, ", "))}
		}
	}
	qs, err := readQuestionFiles(questions)
	if err != nil {
		return err
	}
	var twinQs []eval.Question
	if *twins != "" {
		if twinQs, err = eval.ReadTwins(*twins, qs); err != nil {
			return err
		}
	}
	if *passagesOut != "" {
		if err := writePassages(cfg, env, *passagesOut); err != nil {
			return err
		}
	}
	ix, err := openForQueries(ctx, cfg, env)
	if err != nil {
		return err
	}
	defer ix.Close()

	if *fitOut != "" || *ablationOut != "" || *folds > 0 {
		return learn(ctx, env, ix, qs, twinQs, learnOptions{folds: *folds, fitOut: *fitOut, ablationOut: *ablationOut, asJSON: *asJSON, floors: floors, without: leaveOut})
	}
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

// learnOptions are what eval's learning flags ask for.
type learnOptions struct {
	folds               int
	fitOut, ablationOut string
	asJSON              bool
	floors              eval.Floors
	without             []string
}

// learn fits, cross-validates and ablates the model on qs.
func learn(ctx context.Context, env appEnv, ix *index.Index, qs, twins []eval.Question, o learnOptions) error {
	ts, err := eval.TraceQuestions(ctx, ix, qs, o.without...)
	if err != nil {
		return err
	}
	if o.fitOut != "" {
		m := eval.Fit(ts, eval.FitOptions{})
		m.Note = eval.ModelNote(qs)
		data, err := m.MarshalIndent()
		if err != nil {
			return err
		}
		if err := os.WriteFile(o.fitOut, data, 0o644); err != nil {
			return fmt.Errorf("write the model: %w", err)
		}
		fmt.Fprintf(env.stdout, "wrote the model fitted on %d questions to %s\n", len(qs), o.fitOut)
	}
	if o.ablationOut != "" {
		k := o.folds
		if k == 0 {
			k = eval.DefaultFolds
		}
		table, err := eval.Ablate(ctx, ix, qs, twins, k)
		if err != nil {
			return err
		}
		if err := os.WriteFile(o.ablationOut, []byte(table), 0o644); err != nil {
			return fmt.Errorf("write the ablation table: %w", err)
		}
		fmt.Fprintf(env.stdout, "wrote the ablation table to %s\n", o.ablationOut)
	}
	if o.folds == 0 {
		return nil
	}
	var tw []eval.Traced
	if len(twins) > 0 {
		if tw, err = eval.TraceQuestions(ctx, ix, twins, o.without...); err != nil {
			return err
		}
	}
	cv := eval.CrossValidate(ts, o.folds, eval.FitOptions{}, tw)
	if o.asJSON {
		err = cv.WriteJSON(env.stdout)
	} else {
		err = cv.WriteText(env.stdout)
	}
	if err != nil {
		return err
	}
	return cv.Check(o.floors)
}

// fileList is a flag that may be given several times, or as a list
// separated by commas.
type fileList []string

func (f *fileList) String() string { return strings.Join(*f, ",") }

func (f *fileList) Set(v string) error {
	for _, p := range strings.Split(v, ",") {
		if p = strings.TrimSpace(p); p != "" {
			*f = append(*f, p)
		}
	}
	return nil
}

// readQuestionFiles reads every questions file; an id may be used once
// across them all.
func readQuestionFiles(paths []string) ([]eval.Question, error) {
	var all []eval.Question
	seen := map[string]string{}
	for _, path := range paths {
		f, err := os.Open(path)
		if err != nil {
			return nil, fmt.Errorf("questions file: %w", err)
		}
		qs, err := eval.ReadQuestions(f)
		f.Close()
		if err != nil {
			return nil, fmt.Errorf("questions file %s: %w", path, err)
		}
		for _, q := range qs {
			if other, ok := seen[q.ID]; ok {
				return nil, fmt.Errorf("questions file %s: id %q is also used in %s", path, q.ID, other)
			}
			seen[q.ID] = path
		}
		all = append(all, qs...)
	}
	return all, nil
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
func writePassages(cfg config, env appEnv, path string) error {
	lib, err := openLibrary(cfg, env.stderr)
	if err != nil {
		return err
	}
	c, err := lib.Read()
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
