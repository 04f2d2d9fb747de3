package index

import (
	"sort"
	"time"

	"github.com/sendbot/sendbot/corpus"
)

// rank orders candidates by bleve's score, scaled by how much of the
// question each covers and by how recent its document is. When the
// question is asked in a local area, that area's own documents come
// before national ones that answer about as well.
func rank(cs []candidate, now time.Time, local bool) []candidate {
	for i := range cs {
		published, _ := cs[i].dm.Fields[fieldPublished].(string)
		// Squaring the coverage lets a passage that says one rare word
		// many times lose to one that answers the whole question; the
		// power was chosen on the eval questions (sendbot eval).
		cs[i].score = cs[i].dm.Score * cs[i].coverage * cs[i].coverage * freshness(published, now)
		if area, _ := cs[i].dm.Fields[fieldArea].(string); local && corpus.IsNational(area) {
			cs[i].score *= nationalInLocal
		}
	}
	// A passage that says what the asked-about term is, under a heading
	// that asks it or in a sentence that defines it, answers "What is
	// X?" better than any passage that only uses X.
	sort.SliceStable(cs, func(i, j int) bool {
		if cs[i].explains != cs[j].explains {
			return cs[i].explains
		}
		return cs[i].score > cs[j].score
	})
	return cs
}

// nationalInLocal scales national documents in a local area's answers.
const nationalInLocal = 0.7

// freshness scales a score by the document's age, so that of two passages
// that answer about equally well the newer one comes first, while a much
// better older passage still wins: documents up to a year old keep their
// score, older ones lose 2% a year down to 90%, and undated ones are
// ranked as if four years old.
func freshness(published string, now time.Time) float64 {
	t, err := time.Parse(time.DateOnly, published)
	if err != nil {
		return 1 - 0.02*3
	}
	years := now.Sub(t).Hours() / 24 / 365.25
	if years <= 1 {
		return 1
	}
	f := 1 - 0.02*(years-1)
	if f < 0.9 {
		f = 0.9
	}
	return f
}

// variety is how many of the first hits are kept to one passage per
// document, and mix a report with a service where both answer.
const variety = 3

// pick takes the first k of the ranked candidates, giving the first
// `variety` places to different documents unless no other document
// matches well enough to answer (coverage below minCoverage),
// and, where both a report or page and a service answer, to at least one
// of each: a finding and a service to contact beat two of one kind, so
// the last of those places goes to the other kind when the first ones
// are all one.
func pick(ranked []candidate, k int) []candidate {
	var out []candidate
	used := make([]bool, len(ranked))
	docs := map[string]bool{}
	take := func(i int) {
		used[i] = true
		docs[ranked[i].doc] = true
		out = append(out, ranked[i])
	}
	for len(out) < k && len(out) < len(ranked) {
		slot := len(out)
		best := -1
		if slot < variety {
			best = firstWhere(ranked, used, func(c candidate) bool {
				return !docs[c.doc] && c.coverage >= minCoverage
			})
			if slot == variety-1 && allOneKind(out) {
				if other := firstWhere(ranked, used, func(c candidate) bool {
					return c.service != out[0].service && !docs[c.doc] && c.coverage >= minCoverage
				}); other >= 0 {
					best = other
				}
			}
		}
		if best < 0 {
			best = firstWhere(ranked, used, func(candidate) bool { return true })
		}
		take(best)
	}
	return out
}

func firstWhere(cs []candidate, used []bool, ok func(candidate) bool) int {
	for i, c := range cs {
		if !used[i] && ok(c) {
			return i
		}
	}
	return -1
}

func allOneKind(cs []candidate) bool {
	for _, c := range cs[1:] {
		if c.service != cs[0].service {
			return false
		}
	}
	return true
}
