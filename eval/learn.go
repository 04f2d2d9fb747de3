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
}

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
