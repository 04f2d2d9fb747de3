package eval

import (
	"cmp"
	"fmt"
	"hash/fnv"
	"io"
	"math"
	"slices"
	"strings"

	"github.com/sendbot/sendbot/index"
)

// Cross-validation: the questions are split into k folds; for each fold,
// a model is fitted on the other folds and scored on it, so every
// question is scored by a model that never saw it. The folds are fixed
// by the questions' ids (a hash), with the questions to decline spread
// over them as evenly as the rest, so a run can be repeated exactly.

// Folds splits questions into k folds: the fold of each, by position.
// Each repeat (0, 1, …) splits them another way.
func Folds(ts []Traced, k, repeat int) []int {
	type keyed struct {
		i    int
		hash uint64
	}
	fold := make([]int, len(ts))
	for _, decline := range []bool{false, true} {
		var group []keyed
		for i, tr := range ts {
			if tr.Question.NoAnswer() == decline {
				h := fnv.New64a()
				h.Write([]byte(tr.Question.ID))
				if repeat > 0 {
					fmt.Fprintf(h, "#%d", repeat)
				}
				group = append(group, keyed{i, h.Sum64()})
			}
		}
		slices.SortFunc(group, func(a, b keyed) int { return cmp.Compare(a.hash, b.hash) })
		for n, g := range group {
			fold[g.i] = n % k
		}
	}
	return fold
}

// FoldScore is how the model fitted without one fold did on it.
type FoldScore struct {
	Fold       int
	Answerable int
	Recall1    float64
	Recall3    float64
	Recall5    float64
	MRR        float64
	// FalseDecline is the share of questions whose answer the model found
	// in its first three that it declined; FalseAnswer the share of
	// questions to decline that it answered.
	FalseDecline float64
	FalseAnswer  float64
	Found        int // answerable questions whose answer was in the first three, answered or not
	Declinable   int
}

// CV is the report of a cross-validation.
type CV struct {
	K     int
	Folds []FoldScore
	// Held is every question as scored by the model that did not see it.
	Held Report
	// Found3 is the share of answerable questions whose answer was in
	// the first three shown, whether or not the bot then answered.
	Found3 float64
	// FalseDecline and FalseAnswer pool the folds' errors.
	FalseDecline, FalseAnswer float64
	// Twins compares typo questions with their clean twins: recall@3 of
	// each, over the twins of answerable questions.
	Twins *TwinScore
}

// TwinScore is recall@3 on typo questions and on their clean twins.
type TwinScore struct {
	N            int
	Typo, Clean  float64
	TypoFound    int
	CleanFound   int
	Differences  []string // ids whose typo and clean versions differ
	CleanOutcome []Outcome
	// Declinable counts the twins of questions to decline, and Answered
	// those of them the model answers: said in another way, a question
	// nothing answers should still be declined.
	Declinable, Answered int
}

// CrossValidate fits a model on k-1 folds and scores the k-th, for each
// fold. twins, when given, are clean twins of some questions (same ID),
// each scored by the model of its question's fold.
func CrossValidate(ts []Traced, k int, opts FitOptions, twins []Traced) CV {
	return crossValidate(ts, k, 0, opts, twins)
}

// crossValidate is CrossValidate with the folds of one repeat.
func crossValidate(ts []Traced, k, repeat int, opts FitOptions, twins []Traced) CV {
	folds := Folds(ts, k, repeat)
	cv := CV{K: k}
	held := make([]Outcome, len(ts))
	models := make([]*index.Model, k)
	for f := 0; f < k; f++ {
		var train []Traced
		for i, tr := range ts {
			if folds[i] != f {
				train = append(train, tr)
			}
		}
		m := Fit(train, opts)
		models[f] = m
		var fold []Outcome
		for i, tr := range ts {
			if folds[i] == f {
				held[i] = outcomeOf(tr, judge(tr, m))
				fold = append(fold, held[i])
			}
		}
		cv.Folds = append(cv.Folds, foldScore(f, fold))
	}
	cv.Held = report(held)
	var found int
	found, cv.FalseDecline, cv.FalseAnswer = decisionErrors(held)
	cv.Found3 = ratio(found, cv.Held.Answerable)
	if len(twins) > 0 {
		cv.Twins = twinScore(ts, folds, models, held, twins)
	}
	return cv
}

// outcomeOf turns a judged question into its Outcome.
func outcomeOf(tr Traced, j judged) Outcome {
	if j.shorter > 0 {
		tr = tr.Shorter[j.shorter-1]
	}
	q := tr.Question
	o := q.outcome()
	if tr.Err != nil {
		o.Error = tr.Err.Error()
		o.Correct = q.NoAnswer()
		return o
	}
	o.Answered, o.Confidence = j.answered, j.confidence
	if tr.Trace.Definition != nil {
		o.Shown = append(o.Shown, tr.Trace.Definition.Title)
	}
	for _, p := range j.order {
		if len(o.Shown) == depth {
			break
		}
		o.Shown = append(o.Shown, tr.Trace.Passages[p].Title)
	}
	o.Found3 = j.rank > 0 && j.rank <= 3
	o.Candidates = len(j.order)
	o.Candidate = rankIn(tr, j.order, len(j.order)+1)
	for i, p := range j.order {
		if tr.Relevant[p] {
			break
		}
		if tr.InWhole[p] {
			o.Unshown = i + 1
			break
		}
	}
	if o.Answered {
		o.Rank = j.rank
	}
	o.Correct = o.Answered != q.NoAnswer()
	return o
}

func foldScore(f int, outs []Outcome) FoldScore {
	r := report(outs)
	s := FoldScore{Fold: f, Answerable: r.Answerable, Recall1: r.Recall1, Recall3: r.Recall3, Recall5: r.Recall5, MRR: r.MRR, Declinable: r.Declinable}
	s.Found, s.FalseDecline, s.FalseAnswer = decisionErrors(outs)
	return s
}

// decisionErrors counts the questions to answer whose answer was in the
// first three shown (found), and gives the share of those the bot
// declined and the share of questions to decline it answered.
func decisionErrors(outs []Outcome) (found int, falseDecline, falseAnswer float64) {
	var declined, declinable, answered int
	for _, o := range outs {
		switch {
		case o.NoAnswer:
			declinable++
			if o.Answered {
				answered++
			}
		case o.Found3:
			found++
			if !o.Answered {
				declined++
			}
		}
	}
	return found, ratio(declined, found), ratio(answered, declinable)
}

// twinScore scores each clean twin with its question's fold's model.
func twinScore(ts []Traced, folds []int, models []*index.Model, held []Outcome, twins []Traced) *TwinScore {
	at := map[string]int{}
	for i, tr := range ts {
		at[tr.Question.ID] = i
	}
	s := &TwinScore{}
	for _, tw := range twins {
		i, ok := at[tw.Question.ID]
		if !ok {
			continue
		}
		if tw.Question.NoAnswer() {
			s.Declinable++
			if judge(tw, models[folds[i]]).answered {
				s.Answered++
			}
			continue
		}
		o := outcomeOf(tw, judge(tw, models[folds[i]]))
		s.CleanOutcome = append(s.CleanOutcome, o)
		s.N++
		typo, clean := held[i].answeredIn3(), o.answeredIn3()
		if typo {
			s.TypoFound++
		}
		if clean {
			s.CleanFound++
		}
		if typo != clean {
			s.Differences = append(s.Differences, tw.Question.ID)
		}
	}
	s.Typo, s.Clean = ratio(s.TypoFound, s.N), ratio(s.CleanFound, s.N)
	return s
}

// meanSD is the mean and standard deviation of the folds' values.
func meanSD(folds []FoldScore, f func(FoldScore) float64) (mean, sd float64) {
	if len(folds) == 0 {
		return 0, 0
	}
	for _, s := range folds {
		mean += f(s)
	}
	mean /= float64(len(folds))
	for _, s := range folds {
		sd += (f(s) - mean) * (f(s) - mean)
	}
	if len(folds) > 1 {
		sd = math.Sqrt(sd / float64(len(folds)-1))
	}
	return mean, sd
}

// Recall3 is the folds' mean recall@3 and its spread.
func (cv CV) Recall3() (mean, sd float64) {
	return meanSD(cv.Folds, func(s FoldScore) float64 { return s.Recall3 })
}

// WriteText writes the cross-validation: each fold, the mean and spread,
// the pooled held-out scores, recall by kind and style, and the misses.
func (cv CV) WriteText(w io.Writer) error {
	ew := &errWriter{w: w}
	ew.printf("%d-fold cross-validation: each fold scored by a model fitted on the other %d\n\n", cv.K, cv.K-1)
	ew.printf("fold  answerable  recall@1  recall@3  recall@5    MRR  right answers declined  to-decline answered\n")
	for _, f := range cv.Folds {
		ew.printf("%4d  %10d  %8.3f  %8.3f  %8.3f  %5.3f  %12.3f (of %3d)  %12.3f (of %2d)\n",
			f.Fold+1, f.Answerable, f.Recall1, f.Recall3, f.Recall5, f.MRR, f.FalseDecline, f.Found, f.FalseAnswer, f.Declinable)
	}
	line := func(name string, get func(FoldScore) float64) {
		m, sd := meanSD(cv.Folds, get)
		ew.printf("%-24s %.3f ± %.3f\n", name, m, sd)
	}
	ew.printf("\nmean ± sd over folds:\n")
	line("recall@1", func(s FoldScore) float64 { return s.Recall1 })
	line("recall@3", func(s FoldScore) float64 { return s.Recall3 })
	line("recall@5", func(s FoldScore) float64 { return s.Recall5 })
	line("MRR", func(s FoldScore) float64 { return s.MRR })
	line("right answers declined", func(s FoldScore) float64 { return s.FalseDecline })
	line("to-decline answered", func(s FoldScore) float64 { return s.FalseAnswer })
	h := cv.Held
	ew.printf("\nall held-out questions together: recall@3 %.3f (%d of %d), found in the first 3 (answered or not) %.3f, "+
		"right answers declined %.3f, to-decline answered %.3f (%d of %d declined)\n",
		h.Recall3, h.Found[2], h.Answerable, cv.Found3, cv.FalseDecline, cv.FalseAnswer, h.Declined, h.Declinable)
	if cv.Twins != nil {
		t := cv.Twins
		ew.printf("typo questions and their clean twins (%d): recall@3 %.3f with the typos, %.3f without (%+.1f points)",
			t.N, t.Typo, t.Clean, (t.Typo-t.Clean)*100)
		if len(t.Differences) > 0 {
			ew.printf("; differ: %s", strings.Join(t.Differences, ", "))
		}
		if t.Declinable > 0 {
			ew.printf("; twins of questions to decline answered: %d of %d", t.Answered, t.Declinable)
		}
		ew.printf("\n")
	}
	ew.printf("\nby kind (right in the first 3, or rightly declined):\n%s", breakdown(h.Outcomes, func(o Outcome) string { return o.Kind }))
	ew.printf("by style:\n%s", breakdown(h.Outcomes, func(o Outcome) string { return o.Style }))
	ew.err = cmp.Or(ew.err, writeMisses(w, h))
	return ew.err
}

// breakdown counts, for each value of key, the questions answered right
// in the first three or rightly declined.
func breakdown(outs []Outcome, key func(Outcome) string) string {
	type count struct{ right, all int }
	by := map[string]*count{}
	for _, o := range outs {
		k := cmp.Or(key(o), "(unlabelled)")
		if by[k] == nil {
			by[k] = &count{}
		}
		by[k].all++
		if o.right() {
			by[k].right++
		}
	}
	keys := make([]string, 0, len(by))
	for k := range by {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	var b strings.Builder
	for _, k := range keys {
		fmt.Fprintf(&b, "  %-16s %3d of %3d  %.3f\n", k, by[k].right, by[k].all, ratio(by[k].right, by[k].all))
	}
	return b.String()
}

// Check returns an error naming every score of the cross-validation
// below its floor or above its limit: recall@3 and MRR are the folds'
// means; the error rates are pooled over the folds.
func (cv CV) Check(f Floors) error {
	var fs failures
	r3, _ := cv.Recall3()
	mrr, _ := meanSD(cv.Folds, func(s FoldScore) float64 { return s.MRR })
	fs.below("cross-validated recall@3", r3, f.Recall3)
	fs.below("cross-validated MRR", mrr, f.MRR)
	fs.below("no-answer accuracy", cv.Held.NoAnswer, f.NoAnswer)
	fs.above("%.3f of right answers declined", cv.FalseDecline, f.MaxFalseDecline)
	fs.above("%.3f of questions to decline answered", cv.FalseAnswer, f.MaxFalseAnswer)
	if cv.Twins != nil {
		fs.above("typos cost %.3f of recall@3 against their clean twins", cv.Twins.Clean-cv.Twins.Typo, f.MaxTypoCost)
	}
	return fs.err()
}

// WriteJSON writes the cross-validation as one indented JSON object.
func (cv CV) WriteJSON(w io.Writer) error { return writeJSON(w, cv) }
