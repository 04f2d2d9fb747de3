package index

import (
	"math"

	"github.com/sendbot/sendbot/index/internal/maxscore"
)

// Stage 4 of 5: decide whether to answer.
//
// The bot quotes; when nothing it has answers the question, it says so
// rather than showing the nearest words. The decision is one logistic
// model over a few signals of the question and its best passages, learned
// on the folds of the evaluation questions with the rest of the model: a
// word no document uses (a chat word, a name, a slip) never makes the bot
// decline on its own; how much of what the question asks the best
// passage says does. A question about a place the documents do not
// cover is declined, with where to ask instead.

// Signals of a question's answer, in the order of Signals.
const (
	sigEnglishUnknown = iota
	sigWords
	sigCoveredWeight
	sigEveryday
	sigAnswerType
	sigTopScore
	numSignals
)

// Signals names each signal of an answer, as the model file does.
var Signals = [numSignals]string{
	sigEnglishUnknown: "english_unknown_share",
	sigWords:          "words",
	sigCoveredWeight:  "covered_weight",
	sigEveryday:       "everyday_share",
	sigAnswerType:     "top_answer_type",
	sigTopScore:       "top_score",
}

// signalsOf describes a question's ranked candidates for the decision. Each
// means the same in a corpus of a hundred passages and of a million.
func signalsOf(qu question, ranked []candidate, passages int) []float64 {
	s := make([]float64, numSignals)
	words, englishUnknown := 0.0, 0.0
	for _, c := range qu.concepts {
		if c.optional {
			continue
		}
		words++
		if !c.known && c.english {
			englishUnknown++
		}
	}
	if words > 0 {
		// Words of the question that are English but that no document
		// uses: its subject may be something the documents never mention
		// ("mortgage"). (Counting only the words that are not everyday
		// ones was measured too: more off-topic questions were answered.)
		s[sigEnglishUnknown] = englishUnknown / words
	}
	s[sigWords] = math.Log1p(words)
	// How much of what the documents know of the question is in everyday
	// words ("weekend", "times", "home") rather than the words of SEND
	// ("camhs", "tribunal", a glossary term): off-topic questions are
	// mostly everyday words the documents happen to use.
	total := qu.knownWeight()
	if total > 0 {
		everyday := 0.0
		for _, c := range qu.concepts {
			if c.known && !c.optional && c.everyday() {
				everyday += c.counts()
			}
		}
		s[sigEveryday] = everyday / total
	}
	if len(ranked) == 0 {
		return s
	}
	top := ranked[0]
	// How much the best passage says, not only what share: a question
	// whose only known words are common ones is covered cheaply. In rare
	// words' worth, so that it means the same in a small corpus and a
	// large one.
	if rarest := maxscore.IDF(float64(passages), 1); rarest > 0 {
		s[sigCoveredWeight] = top.features[featCover] * total / rarest
	}
	s[sigAnswerType] = top.features[featAnswerType]
	s[sigTopScore] = top.score
	return s
}

// decide reports whether the ranked candidates answer the question, and
// with what confidence.
func (m *Model) decide(qu question, ranked []candidate, passages int) (bool, float64) {
	if qu.aboutUncovered() {
		return false, 0
	}
	if len(ranked) == 0 {
		return false, 0
	}
	p := m.Confidence(m.signals(qu, ranked, passages))
	return p >= m.Threshold, p
}

// signals are the decision's signals for the ranked candidates, for what
// the question asks (question.asking): "hi all," or "thanks in advance"
// makes an answer neither likelier nor less likely.
func (m *Model) signals(qu question, ranked []candidate, passages int) []float64 {
	if len(ranked) > 0 && ranked[0].asking != nil {
		top := ranked[0]
		asking, _ := qu.asking(top.says)
		top.features, top.score = top.asking, m.score(top.asking)
		return signalsOf(asking, []candidate{top}, passages)
	}
	return signalsOf(qu, ranked, passages)
}
