package eval

import (
	"math/rand/v2"

	"github.com/sendbot/sendbot/index"
)

// The ceiling answers one question before any new fit or loss is tried:
// could another weighting of today's features find more answers in the
// first three? Fit minimises a smooth loss; the ceiling searches the
// weights for the most questions found, on the very questions it scores
// (in-sample, so above what cross-validation of those weights gives). It
// is a search, not a proof that no weights do better; when what it finds
// is close to what the fitted model finds, a better fit is unlikely to
// help, and a feature that tells answers apart in a new way is needed.

// Ceiling is the most answerable questions of ts found in the first
// three that coordinate ascent over the rank weights reaches, starting
// from start's weights and from restarts around them, and the weights
// that do it (with start's decision). It is deterministic.
func Ceiling(ts []Traced, start *index.Model, restarts int) (int, *index.Model, error) {
	w0 := make([]float64, len(index.Features))
	for i, name := range index.Features {
		w0[i] = start.Rank[name]
	}
	var err error
	found := func(w []float64) int {
		m, e := start.WithRank(w)
		if e != nil {
			err = e
			return 0
		}
		return Found(ts, m)
	}
	rng := rand.New(rand.NewPCG(1, 2))
	best, bestW := found(w0), w0
	for r := 0; r <= restarts; r++ {
		w := append([]float64(nil), w0...)
		if r > 0 {
			for i := range w {
				w[i] *= 1 + rng.NormFloat64()
			}
		}
		if n := climb(w, found(w), found); n > best {
			best, bestW = n, w
		}
	}
	if err != nil {
		return 0, nil, err
	}
	m, err := start.WithRank(bestW)
	return best, m, err
}

// Found counts the answerable questions of ts that m finds in the first
// three, answered or not.
func Found(ts []Traced, m *index.Model) int {
	n := 0
	for _, tr := range ts {
		if tr.Trace != nil && !tr.Question.NoAnswer() && rankIn(tr, tr.Trace.Order(m), 3) > 0 {
			n++
		}
	}
	return n
}

// ceilingMoves are what coordinate ascent multiplies a weight by; a
// weight at zero is tried at ± these instead.
var ceilingMoves = []float64{0, 0.25, 0.5, 0.8, 1.25, 2, 4}

// climb changes w in place, one weight at a time, while a change finds
// more, for at most a few sweeps, and returns what it finds.
func climb(w []float64, n int, found func([]float64) int) int {
	for sweep := 0; sweep < 4; sweep++ {
		better := false
		for i := range w {
			for _, move := range ceilingMoves {
				for _, sign := range []float64{1, -1} {
					old := w[i]
					if old != 0 {
						if sign < 0 {
							continue
						}
						w[i] = old * move
					} else {
						w[i] = sign * move
					}
					if m := found(w); m > n {
						n, better = m, true
					} else {
						w[i] = old
					}
				}
			}
		}
		if !better {
			break
		}
	}
	return n
}
