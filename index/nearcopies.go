package index

import (
	"strings"
	"unicode"
)

// Near-copies, after the rerank stage. The same text is often published
// twice (a council's page and its copy in a directory, a policy and its
// summary): shown twice, it wastes one of a parent's three passages. A
// candidate among the first five that shares at least half of its
// three-word runs with a better one is moved below the first five, where
// the next different passage takes its place. The share was chosen on the
// evaluation questions (docs/ranking.md); at 0.6 and above no question
// changed.

const (
	// nearCopyShare is the share of a passage's three-word runs a better
	// one must have for it to be a near-copy.
	nearCopyShare = 0.5
	// nearCopyWindow is how many passages, from the best, are kept free
	// of near-copies: more than are shown (three, or five to search).
	nearCopyWindow = 5
)

// wordRuns is the set of a text's runs of three words.
type wordRuns map[[3]string]bool

// threeWordRuns are the runs of three words of text, in lower case,
// punctuation left out.
func threeWordRuns(text string) wordRuns {
	words := strings.FieldsFunc(strings.ToLower(text), func(r rune) bool {
		return !unicode.IsLetter(r) && !unicode.IsDigit(r)
	})
	runs := wordRuns{}
	for i := 2; i < len(words); i++ {
		runs[[3]string{words[i-2], words[i-1], words[i]}] = true
	}
	return runs
}

// nearCopyOf reports whether at least nearCopyShare of a's runs are also
// better's. A text of fewer than three words is no one's copy.
func nearCopyOf(a, better wordRuns) bool {
	if len(a) == 0 {
		return false
	}
	shared := 0
	for r := range a {
		if better[r] {
			shared++
		}
	}
	return float64(shared) >= nearCopyShare*float64(len(a))
}

// nearCopiesMoved is the order, as places in a ranking of n, that moves
// each near-copy of a better passage out of the first nearCopyWindow,
// putting it just after them; the rest keep their order. runs(i) is the
// i-th's three-word runs, asked for only as far as the window reaches.
func nearCopiesMoved(n int, runs func(int) wordRuns) []int {
	var kept, moved []int
	var keptRuns []wordRuns
	i := 0
	for ; i < n && len(kept) < nearCopyWindow; i++ {
		ri := runs(i)
		isCopy := false
		for _, rk := range keptRuns {
			if nearCopyOf(ri, rk) {
				isCopy = true
				break
			}
		}
		if isCopy {
			moved = append(moved, i)
			continue
		}
		kept = append(kept, i)
		keptRuns = append(keptRuns, ri)
	}
	order := append(kept, moved...)
	for ; i < n; i++ {
		order = append(order, i)
	}
	return order
}

// moveNearCopies reorders ranked candidates (see nearCopiesMoved), with
// runs(c) a candidate's three-word runs.
func moveNearCopies(cs []candidate, runs func(c *candidate) wordRuns) {
	order := nearCopiesMoved(len(cs), func(i int) wordRuns { return runs(&cs[i]) })
	moved := make([]candidate, len(cs))
	for i, j := range order {
		moved[i] = cs[j]
	}
	copy(cs, moved)
}
