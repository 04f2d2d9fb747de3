package index

import (
	_ "embed"
	"encoding/json"
	"fmt"
	"math"
	"sync"
)

// Model is the learned part of a search: the weights rerank gives each
// feature of a passage, and the weights decide gives each signal of a
// question's best passages. `sendbot eval --fit` learns one from
// evaluation questions; the one built in (model.json) was learned from
// ../shared/eval's visible questions, and `sendbot eval --folds 5`
// measures how such a model does on questions it did not learn from.
type Model struct {
	// Rank weighs each feature of a passage, by name (Features).
	Rank map[string]float64 `json:"rank"`
	// Decide weighs each signal of an answer, by name (Signals), in a
	// logistic model of whether the answer is right to give; "bias" is
	// its constant. The bot answers when the model's probability is at
	// least Threshold.
	Decide    map[string]float64 `json:"decide"`
	Threshold float64            `json:"threshold"`
	// Note says how the model was made, for whoever reads the file.
	Note string `json:"note,omitempty"`

	rankW   []float64 // Rank, by feature number
	decideW []float64 // Decide, by signal number
}

//go:embed model.json
var builtinModel []byte

// DefaultModel is the model built into sendbot.
var DefaultModel = sync.OnceValue(func() *Model {
	m, err := ParseModel(builtinModel)
	if err != nil {
		panic("index: the built-in model.json: " + err.Error()) // a test reads it
	}
	return m
})

// ParseModel reads a model file. Every weight must name a feature or a
// signal this version has, so that a model from another version is
// refused rather than silently half used.
func ParseModel(data []byte) (*Model, error) {
	var m Model
	if err := json.Unmarshal(data, &m); err != nil {
		return nil, fmt.Errorf("model: %w", err)
	}
	if err := m.prepare(); err != nil {
		return nil, err
	}
	return &m, nil
}

// prepare checks the weights and puts them in feature order.
func (m *Model) prepare() error {
	var err error
	if m.rankW, err = byNumber("rank", m.Rank, Features[:]); err != nil {
		return err
	}
	if m.decideW, err = byNumber("decide", m.Decide, Signals[:]); err != nil {
		return err
	}
	if m.Threshold < 0 || m.Threshold > 1 || math.IsNaN(m.Threshold) {
		return fmt.Errorf("model: threshold %v is not a probability", m.Threshold)
	}
	return nil
}

// byNumber puts weights by name in the order of names, refusing a name
// it does not have (but the decision's bias) and a weight that is not a
// number.
func byNumber(what string, weights map[string]float64, names []string) ([]float64, error) {
	out := make([]float64, len(names))
	for name, w := range weights {
		if math.IsNaN(w) || math.IsInf(w, 0) {
			return nil, fmt.Errorf("model: %s weight %q is %v", what, name, w)
		}
		if name == biasName && what == "decide" {
			continue
		}
		i := indexOf(names, name)
		if i < 0 {
			return nil, fmt.Errorf("model: %s weight %q is not one this version has (%v)", what, name, names)
		}
		out[i] = w
	}
	return out, nil
}

// NewModel makes a model from weights by feature and signal number, as
// eval's fitting works with them.
func NewModel(rank, decide []float64, bias, threshold float64) (*Model, error) {
	m := &Model{Rank: map[string]float64{}, Decide: map[string]float64{biasName: bias}, Threshold: threshold}
	for i, w := range rank {
		if i < numFeatures && w != 0 {
			m.Rank[Features[i]] = w
		}
	}
	for i, w := range decide {
		if i < numSignals && w != 0 {
			m.Decide[Signals[i]] = w
		}
	}
	if err := m.prepare(); err != nil {
		return nil, err
	}
	return m, nil
}

// WithRank is m with other rank weights, by feature number, and the same
// decision.
func (m *Model) WithRank(rank []float64) (*Model, error) {
	return NewModel(rank, m.decideW, m.Decide[biasName], m.Threshold)
}

// MarshalIndent writes the model as its file.
func (m *Model) MarshalIndent() ([]byte, error) {
	data, err := json.MarshalIndent(m, "", "  ")
	if err != nil {
		return nil, err
	}
	return append(data, '\n'), nil
}

// score is a passage's score: its features, weighted.
func (m *Model) score(features []float64) float64 {
	s := 0.0
	for i, f := range features {
		s += m.rankW[i] * f
	}
	return s
}

// Score is what the model makes of a passage's features (Features order).
func (m *Model) Score(features []float64) float64 { return m.score(features) }

// Confidence is the model's probability that an answer with these
// signals (Signals order) is right to give.
func (m *Model) Confidence(signals []float64) float64 {
	z := m.Decide[biasName]
	for i, s := range signals {
		z += m.decideW[i] * s
	}
	return 1 / (1 + math.Exp(-z))
}

// biasName is the decide weight that is the logistic model's constant.
const biasName = "bias"

func indexOf(names []string, name string) int {
	for i, n := range names {
		if n == name {
			return i
		}
	}
	return -1
}
