package eval

import (
	"context"
	"math"
	"slices"

	"github.com/sendbot/sendbot/index"
)

// A model is learned from traced questions: each question is taken
// through the stages once (index.Trace), keeping its wide set of
// candidates and their features, and marked with which candidates' shown
// text answers it. The rank weights are then fitted to a listwise softmax
// loss over those candidates, and the decision by a logistic regression
// over the signals of each question's best passages, both by Newton's
// method (newton). Nothing is searched again while weights are tried.

// Traced is a question taken through the stages, with what answers it.
type Traced struct {
	Question Question
	Trace    *index.Trace
	// Relevant marks the passages whose shown text matches a gold
	// pattern; InWhole those whose whole text does, shown or not.
	Relevant []bool
	InWhole  []bool
	// DefinitionAnswers is set when the glossary meaning shown first
	// matches a gold pattern.
	DefinitionAnswers bool
	// Err is the search's error, when it failed (a question with no
	// words, an unknown area).
	Err error
	// Shorter are the question without the everyday words after it
	// (index.Trace.Shorter), traced against the same gold.
	Shorter []Traced
}

// TraceQuestions takes every question through the stages of ix, leaving
// out the components named in off.
func TraceQuestions(ctx context.Context, ix *index.Index, qs []Question, off ...string) ([]Traced, error) {
	out := make([]Traced, 0, len(qs))
	for _, q := range qs {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		tr := Traced{Question: q}
		t, err := ix.Trace(ctx, index.Query{Text: q.Text, Area: q.Area, K: depth}, off...)
		if err != nil {
			tr.Err = err
			out = append(out, tr)
			continue
		}
		tr = traced(q, t)
		for _, st := range t.Shorter {
			tr.Shorter = append(tr.Shorter, traced(q, st))
		}
		out = append(out, tr)
	}
	return out, nil
}

// traced is q's trace t with which of its passages answer q.
func traced(q Question, t *index.Trace) Traced {
	tr := Traced{Question: q, Trace: t}
	for _, p := range t.Passages {
		tr.Relevant = append(tr.Relevant, q.Matches(p.Text))
		tr.InWhole = append(tr.InWhole, q.Matches(p.Whole))
	}
	tr.DefinitionAnswers = t.Definition != nil && q.Matches(t.Definition.Text)
	return tr
}

// judged is how a model does on one traced question.
type judged struct {
	rank       int // of the first shown passage that answers, 1-based; 0 for none in depth
	answered   bool
	confidence float64
	order      []int
	// shorter is, when the judgement is of one of the question's shorter
	// readings, its place in tr.Shorter plus one; else 0.
	shorter int
}

// judge applies m to a traced question as Search answers it: when m
// declines the question, by the first of its shorter readings
// (Traced.Shorter) that m answers.
func judge(tr Traced, m *index.Model) judged {
	j := judgeOnce(tr, m)
	if j.answered {
		return j
	}
	for i, st := range tr.Shorter {
		if js := judgeOnce(st, m); js.answered {
			js.shorter = i + 1
			return js
		}
	}
	return j
}

// judgeOnce applies m to a traced question, as it reads.
func judgeOnce(tr Traced, m *index.Model) judged {
	if tr.Trace == nil {
		return judged{}
	}
	j := judged{order: tr.Trace.Order(m)}
	j.rank = rankIn(tr, j.order, depth)
	j.answered, j.confidence = tr.Trace.Answers(m, j.order)
	return j
}

// rankIn is the 1-based place, among the first `within` shown, of the
// first passage that answers, or 0.
func rankIn(tr Traced, order []int, within int) int {
	offset := 0
	if tr.Trace.Definition != nil {
		if tr.DefinitionAnswers {
			return 1
		}
		offset = 1
	}
	for i, p := range order {
		if i+offset >= within {
			break
		}
		if tr.Relevant[p] {
			return i + offset + 1
		}
	}
	return 0
}

// FitOptions set what a fit may learn.
type FitOptions struct {
	// Frozen are features (index.Features) whose weight stays zero.
	Frozen []string
	// NoRerank keeps bleve's order: only the retrieval feature counts.
	NoRerank bool
	// AlwaysAnswer fits no decision: the bot answers whatever it finds.
	AlwaysAnswer bool
	// FrozenSignals are signals (index.Signals) the decision leaves out.
	FrozenSignals []string
}

// Fit learns a model from traced questions.
func Fit(ts []Traced, opts FitOptions) *index.Model {
	rank := fitRank(ts, opts)
	m, err := index.NewModel(rank, nil, 0, 0)
	if err != nil {
		panic("eval: a fitted model: " + err.Error()) // the fit only sets known features
	}
	if opts.AlwaysAnswer {
		return m
	}
	decide, bias, threshold := fitDecide(ts, m, opts.FrozenSignals)
	m, err = index.NewModel(rank, decide, bias, threshold)
	if err != nil {
		panic("eval: a fitted model: " + err.Error())
	}
	return m
}

// Rank fitting: a linear model over the standardised features, fitted by
// Newton's method to a listwise softmax loss (ListNet's top-one
// probability, Cao et al. 2007): for each question, the cross-entropy
// between the model's softmax over its candidates and a target that
// shares one unit among the passages that answer it. The loss is convex,
// so a fit is the same however it starts, and leaving a feature out
// measures the feature rather than the luck of a search; an L2 penalty
// keeps weights small where the questions say little.

// rankL2 is the ridge penalty of the rank fit, on standardised features.
const rankL2 = 1.0

// fitRank fits the rank weights.
func fitRank(ts []Traced, opts FitOptions) []float64 {
	n := len(index.Features)
	retrieval := slices.Index(index.Features[:], "retrieval")
	frozen := make([]bool, n)
	for i, f := range index.Features {
		frozen[i] = slices.Contains(opts.Frozen, f) || (opts.NoRerank && i != retrieval)
	}
	var train []Traced
	for _, tr := range ts {
		if tr.Trace != nil && !tr.Question.NoAnswer() && !tr.DefinitionAnswers && slices.Contains(tr.Relevant, true) {
			train = append(train, tr)
		}
	}
	mean, sd := featureScale(train, n)
	for i := range sd {
		if frozen[i] {
			sd[i] = 0 // a frozen feature takes no part
		}
	}
	raw := func(w []float64) []float64 {
		out := make([]float64, n)
		for i := range w {
			if sd[i] > 0 {
				out[i] = w[i] / sd[i]
			}
		}
		return out
	}
	w := make([]float64, n)
	if opts.NoRerank || len(train) == 0 {
		w[retrieval] = 1
		sd[retrieval] = 1
		return raw(w)
	}
	lists := rankLists(train, mean, sd)
	w = newton(n,
		func(w []float64) float64 { return listwiseLoss(lists, w) },
		func(w []float64) ([]float64, [][]float64) { return listwiseDerivs(lists, w) })
	return raw(w)
}

// rankList is one question's candidates, their features standardised, and
// its target: one unit shared among the passages that answer it.
type rankList struct {
	x      [][]float64
	target []float64
}

// rankLists are the questions' lists to fit.
func rankLists(train []Traced, mean, sd []float64) []rankList {
	lists := make([]rankList, 0, len(train))
	for _, tr := range train {
		var l rankList
		relevant := 0
		for _, r := range tr.Relevant {
			if r {
				relevant++
			}
		}
		for j, p := range tr.Trace.Passages {
			l.x = append(l.x, standardised(p.Features, mean, sd))
			t := 0.0
			if tr.Relevant[j] {
				t = 1 / float64(relevant)
			}
			l.target = append(l.target, t)
		}
		lists = append(lists, l)
	}
	return lists
}

// listwiseLoss is the cross-entropy of the lists' targets under the
// softmax of w·x, with the L2 penalty.
func listwiseLoss(lists []rankList, w []float64) float64 {
	total := 0.0
	for _, l := range lists {
		logp := logSoftmax(l.x, w)
		for j, t := range l.target {
			if t > 0 {
				total -= t * logp[j]
			}
		}
	}
	for _, x := range w {
		total += rankL2 / 2 * x * x
	}
	return total
}

// listwiseDerivs are listwiseLoss's gradient and Hessian at w.
func listwiseDerivs(lists []rankList, w []float64) ([]float64, [][]float64) {
	n := len(w)
	grad, hess := make([]float64, n), square(n)
	for _, l := range lists {
		p := logSoftmax(l.x, w)
		for j := range p {
			p[j] = math.Exp(p[j])
		}
		mu := make([]float64, n) // the features' mean under the softmax
		for j, x := range l.x {
			for i, v := range x {
				mu[i] += p[j] * v
				grad[i] += (p[j] - l.target[j]) * v
			}
		}
		for j, x := range l.x {
			for a := 0; a < n; a++ {
				da := x[a] - mu[a]
				if da == 0 {
					continue
				}
				for b := 0; b < n; b++ {
					hess[a][b] += p[j] * da * (x[b] - mu[b])
				}
			}
		}
	}
	for i := range w {
		grad[i] += rankL2 * w[i]
		hess[i][i] += rankL2
	}
	return grad, hess
}

// logSoftmax is the log of the softmax of the scores w·x of a question's
// candidates, computed without overflowing.
func logSoftmax(x [][]float64, w []float64) []float64 {
	out := make([]float64, len(x))
	top := math.Inf(-1)
	for j, row := range x {
		for i, v := range row {
			out[j] += w[i] * v
		}
		top = max(top, out[j])
	}
	sum := 0.0
	for _, s := range out {
		sum += math.Exp(s - top)
	}
	logSum := top + math.Log(sum)
	for j := range out {
		out[j] -= logSum
	}
	return out
}

// featureScale is the mean and standard deviation of each feature over
// the candidates of ts.
func featureScale(ts []Traced, n int) (mean, sd []float64) {
	var rows [][]float64
	for _, tr := range ts {
		for _, p := range tr.Trace.Passages {
			rows = append(rows, p.Features)
		}
	}
	return scale(rows, n)
}

// scale is the mean and standard deviation of each of n columns of rows;
// a column that hardly varies has a standard deviation of zero.
func scale(rows [][]float64, n int) (mean, sd []float64) {
	mean, sd = make([]float64, n), make([]float64, n)
	if len(rows) == 0 {
		return mean, sd
	}
	for _, row := range rows {
		for i, v := range row {
			mean[i] += v
		}
	}
	for i := range mean {
		mean[i] /= float64(len(rows))
	}
	for _, row := range rows {
		for i, v := range row {
			sd[i] += (v - mean[i]) * (v - mean[i])
		}
	}
	for i := range sd {
		sd[i] = math.Sqrt(sd[i] / float64(len(rows)))
		if sd[i] < 1e-9 {
			sd[i] = 0
		}
	}
	return mean, sd
}

// standardised is row with each column's mean taken away and divided by
// its standard deviation; a column of no deviation is zero.
func standardised(row, mean, sd []float64) []float64 {
	out := make([]float64, len(mean))
	for i, v := range row {
		if sd[i] > 0 {
			out[i] = (v - mean[i]) / sd[i]
		}
	}
	return out
}

// Decision fitting.
const (
	// logisticL2 is the ridge penalty of the decision's logistic
	// regression, on standardised signals.
	logisticL2 = 1.0
	// Targets for the decision's two errors: right answers declined, and
	// questions that should be declined answered. The threshold is chosen
	// to keep both small relative to these.
	targetFalseDecline = 0.03
	targetFalseAnswer  = 0.10
)

// decisionSample is one question's signals and whether answering is right.
type decisionSample struct {
	signals []float64
	answer  bool
}

// decisionSamples are the questions the decision learns from: a question
// whose answer m finds in its first three (answering is right) or one
// that should be declined. Questions the stages decline or answer
// whatever the model (a place the documents do not cover, a glossary
// meaning) and those whose answer m does not find say nothing of it.
func decisionSamples(ts []Traced, m *index.Model) (out []decisionSample, settledAnswer, settledDecline int) {
	for _, tr := range ts {
		if tr.Trace == nil {
			continue
		}
		if tr.Trace.Declined || tr.Trace.Definition != nil {
			// Settled whatever the model: they count in the error rates
			// the threshold keeps low, always on the right side.
			if tr.Question.NoAnswer() && tr.Trace.Declined {
				settledDecline++
			} else if !tr.Question.NoAnswer() && tr.Trace.Definition != nil {
				settledAnswer++
			}
			continue
		}
		order := tr.Trace.Order(m)
		if len(order) == 0 {
			continue
		}
		r := rankIn(tr, order, 3)
		if !tr.Question.NoAnswer() && r == 0 {
			continue
		}
		out = append(out, decisionSample{signals: tr.Trace.Signals(m, order), answer: !tr.Question.NoAnswer()})
	}
	return out, settledAnswer, settledDecline
}

// fitDecide fits the decision's logistic regression and threshold.
func fitDecide(ts []Traced, m *index.Model, frozen []string) (weights []float64, bias, threshold float64) {
	samples, settledAnswer, settledDecline := decisionSamples(ts, m)
	n := len(index.Signals)
	weights = make([]float64, n)
	var pos, neg float64
	for _, s := range samples {
		if s.answer {
			pos++
		} else {
			neg++
		}
	}
	if pos == 0 || neg == 0 {
		return weights, 10, 0.5 // nothing to tell apart: answer
	}
	// Standardise the signals; each class weighs half.
	rows := make([][]float64, len(samples))
	for k, s := range samples {
		rows[k] = s.signals
	}
	mean, sd := scale(rows, n)
	for i := range sd {
		if slices.Contains(frozen, index.Signals[i]) {
			sd[i] = 0 // left out: it takes no part
		}
	}
	x := make([][]float64, len(samples))
	y := make([]float64, len(samples))
	cw := make([]float64, len(samples))
	for k, s := range samples {
		x[k] = standardised(s.signals, mean, sd)
		if s.answer {
			y[k], cw[k] = 1, float64(len(samples))/(2*pos)
		} else {
			cw[k] = float64(len(samples)) / (2 * neg)
		}
	}
	beta, b0 := logistic(x, y, cw, logisticL2)
	for i := range weights {
		if sd[i] > 0 {
			weights[i] = beta[i] / sd[i]
			b0 -= beta[i] * mean[i] / sd[i]
		}
	}
	// The threshold: the one that best keeps both errors small on the
	// questions learned from, halfway between the probabilities it falls
	// between.
	fitted, err := index.NewModel(nil, weights, b0, 0)
	if err != nil {
		panic("eval: a fitted decision: " + err.Error()) // the fit only sets known signals
	}
	probs := make([]float64, len(samples))
	for k, s := range samples {
		probs[k] = fitted.Confidence(s.signals)
	}
	return weights, b0, chooseThreshold(samples, probs, pos+float64(settledAnswer), neg+float64(settledDecline))
}

// chooseThreshold is the threshold, halfway between two of the samples'
// probabilities, whose worse error rate against its target is lowest:
// right answers declined and questions to decline answered, each over
// every question of its kind (answerable, toDecline), the settled ones
// included.
func chooseThreshold(samples []decisionSample, probs []float64, answerable, toDecline float64) float64 {
	cuts := append([]float64{0}, probs...)
	slices.Sort(cuts)
	cuts = slices.Compact(cuts)
	bestCost := math.Inf(1)
	threshold := 0.5
	for i, c := range cuts {
		t := c
		if i+1 < len(cuts) {
			t = (c + cuts[i+1]) / 2
		} else {
			t = min(1, c+1e-6)
		}
		var fd, fa float64
		for k := range samples {
			answered := probs[k] >= t
			switch {
			case samples[k].answer && !answered:
				fd++
			case !samples[k].answer && answered:
				fa++
			}
		}
		fdr := fd / answerable / targetFalseDecline
		far := fa / toDecline / targetFalseAnswer
		cost := max(fdr, far) + 1e-3*(fdr+far)
		if cost < bestCost-1e-12 {
			bestCost, threshold = cost, t
		}
	}
	return threshold
}

// logistic fits a weighted, L2-penalised logistic regression; the
// constant is not penalised.
func logistic(x [][]float64, y, cw []float64, lambda float64) (beta []float64, b0 float64) {
	dim := len(x[0]) + 1 // the constant first, then a weight a column
	z := func(w, row []float64) float64 {
		s := w[0]
		for i, v := range row {
			s += w[i+1] * v
		}
		return s
	}
	loss := func(w []float64) float64 {
		total := 0.0
		for k, row := range x {
			// −log of the likelihood, written to keep from overflowing.
			zk := z(w, row)
			total += cw[k] * (math.Max(zk, 0) - y[k]*zk + math.Log1p(math.Exp(-math.Abs(zk))))
		}
		for _, v := range w[1:] {
			total += lambda / 2 * v * v
		}
		return total
	}
	derivs := func(w []float64) ([]float64, [][]float64) {
		grad, hess := make([]float64, dim), square(dim)
		for k, row := range x {
			p := 1 / (1 + math.Exp(-z(w, row)))
			g := cw[k] * (p - y[k])
			h := cw[k] * p * (1 - p)
			xs := append([]float64{1}, row...)
			for i := range xs {
				grad[i] += g * xs[i]
				for j := range xs {
					hess[i][j] += h * xs[i] * xs[j]
				}
			}
		}
		for i := 1; i < dim; i++ {
			grad[i] += lambda * w[i]
			hess[i][i] += lambda
		}
		return grad, hess
	}
	w := newton(dim, loss, derivs)
	return w[1:], w[0]
}

// newton minimises a convex function of dim variables from zero by
// Newton's method, halving a step until the function goes down, until a
// step is too small to matter.
func newton(dim int, f func([]float64) float64, derivs func([]float64) ([]float64, [][]float64)) []float64 {
	w := make([]float64, dim)
	current := f(w)
	for iter := 0; iter < 100; iter++ {
		grad, hess := derivs(w)
		step := solve(hess, grad)
		if step == nil {
			break
		}
		moved := false
		for scale := 1.0; scale > 1e-6; scale /= 2 {
			next := make([]float64, dim)
			for i := range w {
				next[i] = w[i] - scale*step[i]
			}
			if v := f(next); v < current {
				w, current, moved = next, v, true
				break
			}
		}
		size := 0.0
		for _, v := range step {
			size += v * v
		}
		if !moved || size < 1e-12 {
			break
		}
	}
	return w
}

// square is an n×n matrix of zeros.
func square(n int) [][]float64 {
	out := make([][]float64, n)
	for i := range out {
		out[i] = make([]float64, n)
	}
	return out
}

// solve solves a·x = b by Gaussian elimination with partial pivoting, or
// returns nil when a is singular.
func solve(a [][]float64, b []float64) []float64 {
	n := len(b)
	m := make([][]float64, n)
	for i := range a {
		m[i] = append(append([]float64(nil), a[i]...), b[i])
	}
	for col := 0; col < n; col++ {
		pivot := col
		for r := col + 1; r < n; r++ {
			if math.Abs(m[r][col]) > math.Abs(m[pivot][col]) {
				pivot = r
			}
		}
		if math.Abs(m[pivot][col]) < 1e-12 {
			return nil
		}
		m[col], m[pivot] = m[pivot], m[col]
		for r := col + 1; r < n; r++ {
			f := m[r][col] / m[col][col]
			for c := col; c <= n; c++ {
				m[r][c] -= f * m[col][c]
			}
		}
	}
	x := make([]float64, n)
	for i := n - 1; i >= 0; i-- {
		s := m[i][n]
		for j := i + 1; j < n; j++ {
			s -= m[i][j] * x[j]
		}
		x[i] = s / m[i][i]
	}
	return x
}
