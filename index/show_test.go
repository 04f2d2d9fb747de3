package index

import (
	"context"
	"os"
	"slices"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/sendbot/sendbot/corpus"
)

// matchesOf marks every place text has one of words, as concept k of
// words' index (one concept a word).
func matchesOf(text string, words ...string) []conceptMatch {
	var out []conceptMatch
	for k, w := range words {
		for i := 0; ; {
			j := strings.Index(text[i:], w)
			if j < 0 {
				break
			}
			out = append(out, conceptMatch{concept: k, start: i + j, end: i + j + len(w)})
			i += j + len(w)
		}
	}
	// In order, as findConcepts gives them.
	slices.SortStableFunc(out, func(a, b conceptMatch) int { return a.start - b.start })
	return out
}

func TestExcerptEnds(t *testing.T) {
	filler := strings.Repeat("Families can find more about this in the guide. ", 6)
	tests := []struct {
		name     string
		text     string
		words    []string // the question's words, each its own concept
		heading  []bool   // which of them the heading says
		want     []string // in the excerpt
		wantNone []string // not in it
	}{
		{
			name:  "the list a colon leads into is finished",
			text:  filler + "The council may look at any of the following:\n• your child's attainment\n• the support already given\n• how much progress they have made\n" + filler,
			words: []string{"council", "look"},
			want:  []string{"may look at any of the following:", "• your child's attainment", "• how much progress they have made"},
		},
		{
			name:  "an item of a list comes with the line leading into it",
			text:  filler + "All of the following must apply:\n• you are 16 or over\n• you care for 35 hours a week\n• you earn £128 or less a week\n" + filler,
			words: []string{"earn"},
			want:  []string{"All of the following must apply:", "• you earn £128 or less a week"},
		},
		{
			name:  "the answer that follows its question is shown",
			text:  filler + "My council says I can drive my child to school because we have a car. The council must provide transport to the nearest suitable school for children who are eligible; having a car is not one of the criteria. " + filler,
			words: []string{"council", "drive", "car"},
			want:  []string{"I can drive my child", "having a car is not one of the criteria"},
		},
		{
			name:     "what the heading already says counts less",
			text:     "The annual review must be held every twelve months, and everyone is invited to it. " + filler + filler + "After the meeting the council must tell you its decision within four weeks.",
			words:    []string{"annual review", "weeks", "decision"},
			heading:  []bool{true, false, false},
			want:     []string{"decision within four weeks"},
			wantNone: []string{"must be held every twelve months"},
		},
		{
			name:  "a short passage is shown whole",
			text:  "Short breaks give families a rest.",
			words: []string{"breaks"},
			want:  []string{"Short breaks give families a rest."},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			weights := make([]float64, len(tt.words))
			for i := range weights {
				weights[i] = 1
			}
			got, spans := excerpt(tt.text, matchesOf(tt.text, tt.words...), weights, tt.heading, shownTarget, MaxShownRunes)
			if n := utf8.RuneCountInString(got); n > MaxShownRunes+2 {
				t.Errorf("%d characters, over %d", n, MaxShownRunes)
			}
			for _, w := range tt.want {
				if !strings.Contains(got, w) {
					t.Errorf("excerpt lacks %q:\n%s", w, got)
				}
			}
			for _, w := range tt.wantNone {
				if strings.Contains(got, w) {
					t.Errorf("excerpt has %q, which another sentence should have had the place of:\n%s", w, got)
				}
			}
			for _, s := range spans {
				if s.Start < 0 || s.End > len(got) || !slices.Contains(tt.words, got[s.Start:s.End]) {
					t.Errorf("span %v is %q, not a question word", s, got[max(0, s.Start):min(len(got), s.End)])
				}
			}
			if len(tt.text) > len(got) && !strings.Contains(got, ellipsis) {
				t.Errorf("cut, but no %q says so:\n%s", ellipsis, got)
			}
		})
	}
}

func TestUnits(t *testing.T) {
	text := "First sentence. Second one, e.g. this. Third!\nA line\n\n• an item"
	var texts []string
	for _, u := range units(text) {
		texts = append(texts, text[u.start:u.end])
	}
	want := []string{"First sentence.", "Second one, e.g. this.", "Third!", "A line", "• an item"}
	if strings.Join(texts, "|") != strings.Join(want, "|") {
		t.Errorf("units = %q, want %q", texts, want)
	}
}

// TestThreeQuotesFitAPhone asks the eval's questions and measures what a
// parent scrolls through: the three quotes of each answer. They fit in
// about 2,000 characters (the phone screen), and no quote is
// longer than MaxShownRunes. The built-in corpus is always measured,
// ../shared's with its questions when it is there.
func TestThreeQuotesFitAPhone(t *testing.T) {
	measure := func(t *testing.T, ix *Index, qs []evalQuestion) {
		var totals []int
		for _, q := range qs {
			res, err := ix.Search(context.Background(), Query{Text: q.Question, Area: q.Area})
			if err != nil || !res.Answered {
				continue
			}
			total := 0
			for _, h := range res.Hits {
				n := utf8.RuneCountInString(h.Text)
				if n > MaxShownRunes+2*utf8.RuneCountInString(ellipsis) {
					t.Errorf("%s: a quote of %d characters from %q", q.ID, n, h.Title)
				}
				total += n
			}
			totals = append(totals, total)
		}
		if len(totals) < len(qs)/2 {
			t.Fatalf("only %d of %d questions answered", len(totals), len(qs))
		}
		slices.Sort(totals)
		median, p90 := totals[len(totals)/2], totals[len(totals)*9/10]
		t.Logf("three quotes of %d answers: median %d characters, 90th percentile %d, longest %d", len(totals), median, p90, totals[len(totals)-1])
		if median > phoneQuotes || p90 > phoneQuotes+phoneQuotes/10 {
			t.Errorf("three quotes take a median %d characters and a 90th percentile %d: want about %d", median, p90, phoneQuotes)
		}
	}
	t.Run("built-in corpus", func(t *testing.T) {
		measure(t, builtinIndex(t), defaultQuestions(t))
	})
	t.Run("shared corpus", func(t *testing.T) {
		const shared = "../../shared"
		if _, err := os.Stat(shared + "/corpus"); err != nil {
			t.Skip("../shared not found; the built-in corpus was measured, the shared one is in CI")
		}
		c, err := corpus.Load(os.DirFS(shared + "/corpus"))
		if err != nil {
			t.Fatal(err)
		}
		ix := buildAndOpen(t, c.Documents, corpus.BuiltinGlossary().Merge(c.Glossary))
		var qs []evalQuestion
		for _, f := range []string{"dev-questions.jsonl", "parent-questions.jsonl"} {
			qs = append(qs, readEvalQuestions(t, shared+"/eval/"+f)...)
		}
		measure(t, ix, qs)
	})
}

// phoneQuotes is how many characters of quotes fit a phone's screen or
// two: the "about 2,000".
const phoneQuotes = 2000
