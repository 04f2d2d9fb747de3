package main

import (
	"context"
	"fmt"
	"slices"
	"strings"

	"github.com/sendbot/sendbot/eval"
	"github.com/sendbot/sendbot/index"
	"github.com/sendbot/sendbot/settings"
)

// runEval reads files of questions with known answers and has
// eval.Evaluate print the scores; with floors set, it fails when a score
// is below its floor. With --folds it cross-validates the model instead
// (eval/cv.go): each fold is scored by a model fitted on the others.
// --fit writes the model fitted on every question, and --ablation the
// table of what each component and feature is worth.
func runEval(ctx context.Context, env appEnv, args []string) error {
	cfg := settings.Read(env.getenv)
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
	ceiling := fs.Bool("ceiling", false, "also print the most answers a search of the rank features' weights finds in the first three, on the very questions it scores: about the most a better fit could reach")
	ablationOut := fs.String("ablation", "", "write the ablation table (each component and feature left out, cross-validated) to this Markdown file")
	builtin := fs.Bool("builtin-england", false, "also index the built-in documents about England beside --corpus, as serve does unless SENDBOT_BUILTIN_ENGLAND=off (off by default: the questions' answers are patterns of the corpus's own text)")
	var floors eval.Floors
	fs.Float64Var(&floors.Recall3, "min-recall3", 0, "fail when recall@3 is below this (with --folds: the folds' mean)")
	fs.Float64Var(&floors.MRR, "min-mrr", 0, "fail when MRR is below this (with --folds: the folds' mean)")
	fs.Float64Var(&floors.NoAnswer, "min-no-answer", 0, "fail when no-answer accuracy is below this")
	fs.Float64Var(&floors.MaxFalseDecline, "max-false-decline", 0, "with --folds: fail when more than this share of right answers are declined")
	fs.Float64Var(&floors.MaxFalseAnswer, "max-false-answer", 0, "with --folds: fail when more than this share of questions to decline are answered")
	fs.Float64Var(&floors.MaxTypoCost, "max-typo-cost", 0, "with --folds and --twins: fail when typos cost more than this much recall@3")
	fs.Usage = func() {
		fmt.Fprintln(env.stderr, "usage: sendbot eval --questions FILE.jsonl [--questions FILE2.jsonl] [--corpus DIR] [--folds K [--twins FILE]] [--fit FILE] [--ceiling] [--ablation FILE] [--json] [--min-recall3 X] [--min-mrr X] [--min-no-answer X]")
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
	if err := floors.Valid(); err != nil {
		return usageError{err.Error()}
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
	qs, err := eval.ReadQuestionFiles(questions)
	if err != nil {
		return err
	}
	var twinQs []eval.Question
	if *twins != "" {
		if twinQs, err = eval.ReadTwins(*twins, qs); err != nil {
			return err
		}
	}
	cfg.BuiltinEngland = "off"
	if *builtin {
		cfg.BuiltinEngland = "on"
	}
	lib, err := openLibrary(cfg, env.stderr)
	if err != nil {
		return err
	}
	if *passagesOut != "" {
		c, err := lib.Read()
		if err != nil {
			return err
		}
		if err := eval.WritePassagesFile(*passagesOut, c.Documents); err != nil {
			return err
		}
	}
	ix, err := lib.OpenIndex(ctx)
	if err != nil {
		return err
	}
	defer ix.Close()
	return eval.Evaluate(ctx, env.stdout, ix, qs, twinQs, eval.Options{Folds: *folds, FitOut: *fitOut, AblationOut: *ablationOut, JSON: *asJSON, Floors: floors, Without: leaveOut, Ceiling: *ceiling})
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
