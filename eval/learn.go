package eval

import (
	"context"
	"fmt"
	"io"
	"os"

	"github.com/sendbot/sendbot/index"
)

// Options say what Evaluate and Learn do: score the questions, or fit,
// ablate and cross-validate the model on them, and how to report it.
type Options struct {
	// Folds cross-validates the model in this many folds; 0 does not.
	Folds int
	// FitOut is where the model fitted on every question is written; ""
	// writes none.
	FitOut string
	// AblationOut is where the ablation table is written, in Markdown;
	// "" writes none.
	AblationOut string
	// JSON writes the report as JSON, not text.
	JSON bool
	// Floors fail the report when a score is below its floor.
	Floors Floors
	// Without leaves out these components of the stages (index.Components).
	Without []string
	// Ceiling reports the most answers a search of the rank features'
	// weights finds in the first three (Ceiling), beside the fitted
	// model's.
	Ceiling bool
}

// ceilingRestarts is how many times Ceiling starts again from weights
// around the fitted model's.
const ceilingRestarts = 20

// Learn fits, ablates and cross-validates the model on qs, as o says,
// writing what it did and the cross-validation report to w. twins are
// the clean twins of the typo questions, to measure what typos cost.
func Learn(ctx context.Context, w io.Writer, ix *index.Index, qs, twins []Question, o Options) error {
	ts, err := TraceQuestions(ctx, ix, qs, o.Without...)
	if err != nil {
		return err
	}
	if o.FitOut != "" {
		m := Fit(ts, FitOptions{})
		m.Note = ModelNote(qs)
		data, err := m.MarshalIndent()
		if err != nil {
			return err
		}
		if err := os.WriteFile(o.FitOut, data, 0o644); err != nil {
			return fmt.Errorf("write the model: %w", err)
		}
		fmt.Fprintf(w, "wrote the model fitted on %d questions to %s\n", len(qs), o.FitOut)
	}
	if o.Ceiling {
		if err := writeCeiling(w, ts); err != nil {
			return err
		}
	}
	if o.AblationOut != "" {
		k := o.Folds
		if k == 0 {
			k = DefaultFolds
		}
		table, err := Ablate(ctx, ix, qs, twins, k)
		if err != nil {
			return err
		}
		if err := os.WriteFile(o.AblationOut, []byte(table), 0o644); err != nil {
			return fmt.Errorf("write the ablation table: %w", err)
		}
		fmt.Fprintf(w, "wrote the ablation table to %s\n", o.AblationOut)
	}
	if o.Folds == 0 {
		return nil
	}
	var tw []Traced
	if len(twins) > 0 {
		if tw, err = TraceQuestions(ctx, ix, twins, o.Without...); err != nil {
			return err
		}
	}
	cv := CrossValidate(ts, o.Folds, FitOptions{}, tw)
	if o.JSON {
		err = cv.WriteJSON(w)
	} else {
		err = cv.WriteText(w)
	}
	if err != nil {
		return err
	}
	return cv.Check(o.Floors)
}

// writeCeiling writes how many answers the model fitted on ts finds in
// the first three, and the most Ceiling's search of the same features'
// weights finds on the same questions.
func writeCeiling(w io.Writer, ts []Traced) error {
	m := Fit(ts, FitOptions{})
	n, best, err := Ceiling(ts, m, ceilingRestarts)
	if err != nil {
		return err
	}
	answerable := 0
	for _, tr := range ts {
		if !tr.Question.NoAnswer() {
			answerable++
		}
	}
	fit := Found(ts, m)
	fmt.Fprintf(w, "found in the first 3, fitted on every question and scored on them: %d of %d (%.3f)\n", fit, answerable, ratio(fit, answerable))
	fmt.Fprintf(w, "the most a search of the same features' weights finds (coordinate ascent on recall@3 over the same questions, %d restarts): %d of %d (%.3f)\n", ceilingRestarts, n, answerable, ratio(n, answerable))
	fmt.Fprintf(w, "with weights:")
	for _, name := range index.Features {
		fmt.Fprintf(w, " %s %.3g", name, best.Rank[name])
	}
	fmt.Fprintln(w)
	return nil
}
