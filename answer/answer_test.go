package answer

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/sendbot/sendbot/index"
)

var now = time.Date(2025, 6, 1, 12, 0, 0, 0, time.UTC)

func TestWriteText(t *testing.T) {
	tests := []struct {
		name string
		res  index.Result
		want []string // in the output, in order
		not  []string // nowhere in it
	}{
		{
			name: "an answer with a meaning first, a corrected word, jargon and an old passage",
			res: index.Result{Answered: true, Corrections: []index.Correction{{From: "asessment", To: "assessment"}}, Hits: []index.Hit{
				{Kind: index.KindGlossary, Title: "SEND glossary", Section: "What EHCP means", Text: "An education, health and care plan."},
				{Title: "Asking for an assessment", Section: "How to ask", Area: "Testshire", Published: "2021-03-01", Page: 4,
					SourceURL: "https://testshire.example/ehc", Text: "Write to the SEN team to ask for an assessment.",
					Matches: []index.Span{{Start: 40, End: 50}}, Jargon: []index.Jargon{{Term: "SEN", Meaning: "Special educational needs"}}},
			}},
			want: []string{
				"Searched for assessment (you typed asessment).\n\n",
				"What EHCP means\n   From SEND glossary · date unknown\n   │ An education, health and care plan.\n\n",
				"1. Asking for an assessment\n   How to ask · Testshire · 1 March 2021 · page 4\n   https://testshire.example/ehc\n",
				"   │ Write to the SEN team to ask for an assessment.\n   SEN: Special educational needs\n\n",
				"⚠ 1 is from a document over 2 years old: check it is still current.\n\n",
				NotAdvice + "\n",
			},
			not: []string{"\x1b["},
		},
		{
			name: "a decline with two signposts on one page",
			res: index.Result{Area: "Testshire", Unknown: []string{"zorbing"}, Signposts: []index.Signpost{
				{What: "Local Offer", Hit: index.Hit{Path: "t/who.md", Title: "Who runs SEND services", SourceURL: "https://testshire.example/who"}},
				{What: "Independent SEND advice (SENDIASS)", Hit: index.Hit{Path: "t/who.md", Title: "Who runs SEND services", SourceURL: "https://testshire.example/who"}},
			}},
			want: []string{
				"I couldn't find an answer to that in the documents I have, so I won't guess.\n",
				"My documents don't mention: zorbing.\n",
				"Try other words",
				"Where to ask instead:\n   Local Offer and Independent SEND advice (SENDIASS): Who runs SEND services\n   https://testshire.example/who\n",
			},
			not: []string{"1. "},
		},
		{
			name: "an answer to the question without the words after it",
			res: index.Result{Answered: true, Area: "Testshire", Rephrased: "how do i get an ehcp", LeftOut: "thanks in advance",
				Hits: []index.Hit{{Title: "Asking for an EHCP", Text: "Write to the SEN team."}}},
			want: []string{
				"I answered “how do i get an ehcp”, leaving out “thanks in advance”.\n\n",
				"1. Asking for an EHCP\n",
			},
			not: []string{"couldn't find", "Try other words"},
		},
		{
			name: "a decline with nowhere to point to",
			res:  index.Result{Area: "Testshire"},
			want: []string{"My documents don't include Testshire's Local Offer or independent SEND advice service (SENDIASS), so I can't point you to them.\n"},
		},
		{
			name: "a place with no documents in another country",
			res:  index.Result{Uncovered: "Cardiff", Country: "Wales"},
			want: []string{"My documents are about support for SEND in England, and Cardiff is in Wales, which has its own system, so I can't answer that.\n"},
			not:  []string{"Try other words", "Local Offer"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var b bytes.Buffer
			WriteText(&b, tt.res, TextOptions{Now: now, MaxAge: index.DefaultMaxAge})
			out, rest := b.String(), b.String()
			for _, w := range tt.want {
				i := strings.Index(rest, w)
				if i < 0 {
					t.Errorf("lacks %q (or not in order):\n%s", w, out)
					continue
				}
				rest = rest[i+len(w):]
			}
			for _, n := range tt.not {
				if strings.Contains(out, n) {
					t.Errorf("says %q:\n%s", n, out)
				}
			}
		})
	}
}

func TestMarksShowWordsAsAScreenDoes(t *testing.T) {
	star := Marks{Text: func(s string) string { return strings.ReplaceAll(s, "*", `\*`) }, Word: func(w string) string { return "*" + w + "*" }}
	var cs []index.Correction
	for i := range 10 {
		cs = append(cs, index.Correction{From: fmt.Sprintf("wrod%d", i), To: fmt.Sprintf("word%d", i)})
	}
	if got := SearchedNote(cs[:1], star); got != "Searched for *word0* (you typed *wrod0*)." {
		t.Errorf("SearchedNote = %q", got)
	}
	if got := InsteadNote(cs, Plain); !strings.HasSuffix(got, "word7 instead of wrod7, and 2 more.") {
		t.Errorf("InsteadNote lists more than eight: %q", got)
	}
	if got := Jargon([]index.Jargon{{Term: "S*N", Meaning: strings.Repeat("long ", 100)}}, star); !strings.HasPrefix(got, `S\*N: long`) || len(got) > 160 {
		t.Errorf("Jargon = %q", got)
	}
	long := "what is an *ehcp* " + strings.Repeat("x", 300)
	if got, want := RephrasedNote(index.Result{Rephrased: long, LeftOut: "*thanks*"}, star), "I answered “"+strings.ReplaceAll(long, "*", `\*`)+"”, leaving out “\\*thanks\\*”."; got != want {
		t.Errorf("RephrasedNote = %q, want the question whole, as the screen shows text", got)
	}
	if got := UnknownNote(nil, Plain) + SearchedNote(nil, Plain) + InsteadNote(nil, Plain) + RephrasedNote(index.Result{}, Plain); got != "" {
		t.Errorf("nothing to say, but said %q", got)
	}
}

func ExampleWriteText() {
	res := index.Result{Area: "Testshire", Corrections: []index.Correction{{From: "zorbbing", To: "zorbing"}}}
	WriteText(os.Stdout, res, TextOptions{Now: now, MaxAge: index.DefaultMaxAge})
	// Output:
	// I couldn't find an answer to that in the documents I have, so I won't guess.
	// I searched for zorbing instead of zorbbing.
	// Try other words (for example EHCP, short breaks, autism assessment) or --area.
	//
	// My documents don't include Testshire's Local Offer or independent SEND advice service (SENDIASS), so I can't point you to them.
}

func TestNewJSONLine(t *testing.T) {
	res := index.Result{Answered: true, Area: "Testshire", Hits: []index.Hit{
		{Title: "Old", Published: "2020-01-01", Text: "a"}, {Title: "Undated", Text: "b"},
	}, Signposts: []index.Signpost{{What: "Local Offer", Hit: index.Hit{Title: "Who runs it", SourceURL: "https://testshire.example"}}}}
	line := NewJSONLine("q", res, nil, now, index.DefaultMaxAge)
	if shorter := NewJSONLine("q thanks", index.Result{Answered: true, Rephrased: "q", LeftOut: "thanks"}, nil, now, index.DefaultMaxAge); shorter.Rephrased != "q" || shorter.LeftOut != "thanks" {
		t.Errorf("the line of an answer to the shorter question lacks it or the words left out: %+v", shorter)
	}
	if !line.Answered || line.Area != "Testshire" || len(line.Results) != 2 || !line.Results[0].Stale ||
		line.Results[0].StaleReason != "over 2 years old" || line.Results[1].Stale || line.Signposts[0].Title != "Who runs it" {
		t.Errorf("line %+v", line)
	}
	failed := NewJSONLine("?!", res, errors.New("that question has no words to search for"), now, index.DefaultMaxAge)
	data, _ := json.Marshal(failed)
	if !strings.Contains(string(data), `"results":[]`) || !strings.Contains(string(data), `"error":"that question has no words to search for"`) || failed.Answered {
		t.Errorf("a question that could not be searched: %s", data)
	}
}

func TestSearchError(t *testing.T) {
	tooLong := fmt.Errorf("%w: 2000 characters, at most 1000", index.ErrTooLong)
	broken := errors.New("disk on fire")
	tests := []struct {
		name string
		err  error
		want string
		is   error
	}{
		{"no words", index.ErrNoWords, `that question has no words to search for; try e.g. "what are short breaks?"`, nil},
		{"too long, as it is", tooLong, tooLong.Error(), index.ErrTooLong},
		{"anything else failed", broken, "search failed: disk on fire", broken},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := SearchError(tt.err)
			if got.Error() != tt.want || (tt.is != nil && !errors.Is(got, tt.is)) {
				t.Errorf("SearchError(%v) = %v, want %q wrapping %v", tt.err, got, tt.want, tt.is)
			}
		})
	}
}
