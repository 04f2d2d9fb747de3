package index

import (
	"context"
	"errors"
	"slices"
	"strings"
	"testing"
	"testing/fstest"

	bleveindex "github.com/blevesearch/bleve_index_api"

	"github.com/sendbot/sendbot/corpus"
	"github.com/sendbot/sendbot/internal/english"
)

func TestWriteOutContractions(t *testing.T) {
	tests := []struct {
		name, in, want string
	}{
		{"i'm", "im so stressed", "i'm so stressed"},
		{"haven't", "the council havent done the plan", "the council haven't done the plan"},
		{"don't and they'll", "dont know if theyll assess", "don't know if they'll assess"},
		{"keeping the capital", "Dont know", "Don't know"},
		{"a word as typed stays", "cant cope and wont sleep", "cant cope and wont sleep"},
		{"plurals stay", "my sons school and my daughters review", "my sons school and my daughters review"},
		{"not a contraction", "ehcp for my son", "ehcp for my son"},
		{"curly apostrophes", "I’m worried", "I'm worried"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := writeOutContractions(tt.in, english.Dictionary()); got != tt.want {
				t.Errorf("writeOutContractions(%q) = %q, want %q", tt.in, got, tt.want)
			}
		})
	}
}

// spellingCorpus has the words the spelling tests correct to, used as
// often as a corpus would use them.
var spellingCorpus = fstest.MapFS{
	"testshire/assess.md": page("Assessment", "https://testshire.example/assess", "2025-09-01", "local-offer",
		"# Assessment\n\nThe council must decide whether to assess your child within six weeks. An assessment looks at education, health and care needs. Ask the council to assess.\n"),
	"testshire/review.md": page("Annual review", "https://testshire.example/review", "2025-09-01", "local-offer",
		"# Annual review\n\nThe plan is reviewed every year at an annual review meeting. After the review the council must decide within four weeks.\n"),
	"testshire/forum.md": page("Parent carer forum", "https://testshire.example/forum", "2025-09-01", "local-offer",
		"# Parent carer forum\n\nThe parent carer forum speaks for families. Join the parent carer forum online.\n"),
	"testshire/forms.md": page("Forms", "https://testshire.example/forms", "2025-09-01", "local-offer",
		"# Forms\n\nFill in the form. The form is short. A form for transport and a form for short breaks. Every form is online.\n"),
	"testshire/coping.md": page("Coping strategies", "https://testshire.example/coping", "2025-09-01", "local-offer",
		"# Coping strategies\n\nCopies of the timetable are at reception. Ask for a copy of the school timetable.\n"),
	"testshire/umbrella.md": page("Umbrella pathway", "https://testshire.example/umbrella", "2025-09-01", "local-offer",
		"# Umbrella pathway\n\nThe umbrella pathway assesses children for autism. The umbrella pathway takes referrals from schools.\n"),
}

func TestSpelling(t *testing.T) {
	ix := buildAnswerIndex(t, spellingCorpus, corpus.BuiltinGlossary())
	tests := []struct {
		name     string
		question string
		want     []Correction // in order
	}{
		{"a slip of a word the documents use", "can the council refuse to asess my daughter", []Correction{{From: "asess", To: "assess"}}},
		{"two letters swapped", "when is the annual reveiw", []Correction{{From: "reveiw", To: "review"}}},
		{"a name the dictionary lacks", "can i refer to the umbrela pathway", []Correction{{From: "umbrela", To: "umbrella"}}},
		{"the neighbouring words choose", "is there a parent carer fourm", []Correction{{From: "fourm", To: "forum"}}},
		{"never a real word", "coping with the timetable", nil},
		{"never a chat contraction", "the council havent done the plan im so stressed", nil},
		{"short words are left alone", "pls help with the form", nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			res, err := ix.Search(context.Background(), Query{Text: tt.question})
			if err != nil {
				t.Fatal(err)
			}
			if !slices.Equal(res.Corrections, tt.want) {
				t.Errorf("%q: corrections %+v, want %+v", tt.question, res.Corrections, tt.want)
			}
		})
	}
}

func TestPlacesInQuestions(t *testing.T) {
	pl := newPlaceList([]string{"Testshire", "England"}, english.Dictionary())
	used := func(word string) bool { return word == "reading" || word == "bath" } // everyday words the documents use
	tests := []struct {
		question string
		want     []string // place, its council, its country
	}{
		{"how do i apply for an ehcp in leeds", []string{"Leeds", "Leeds", "England"}},
		{"tourettes support near scunthorpe", []string{"Scunthorpe", "North Lincolnshire", "England"}},
		{"parent carer forum south glos", []string{"South Glos", "South Gloucestershire", "England"}},
		{"what were worcestershire's priority actions", []string{"Worcestershire", "Worcestershire", "England"}},
		{"short breaks for disabled kids in cheltenham", []string{"Cheltenham", "Gloucestershire", "England"}},
		{"my son has an IDP in cardiff, how do i challenge it", []string{"Cardiff", "Cardiff", "Wales"}},
		{"does edinburgh council do ehcps", []string{"Edinburgh", "City of Edinburgh", "Scotland"}},
		{"surrey autism assessment wait times", []string{"Surrey", "Surrey", "England"}}, // a word, but not the documents'
		{"short breaks in testshire", []string{"Testshire", "Testshire", "England"}},     // the index's own area
		{"cheap flights to spain", []string{"Spain", "Spain", "Spain"}},
		{"help with reading at school", nil},                              // the documents' everyday word
		{"we live in reading", []string{"Reading", "Reading", "England"}}, // after "in", a place
		{"my daughter india is autistic", nil},                            // a country only after "in", "to"…
		{"can the council refuse to assess", nil},
	}
	for _, tt := range tests {
		t.Run(tt.question, func(t *testing.T) {
			found := pl.find(tt.question, used)
			var got []string
			if len(found) > 0 {
				p := found[0].place
				got = []string{p.name, p.authority, p.country}
				if tt.question[found[0].start:found[0].end] == "" {
					t.Errorf("empty span")
				}
			}
			if !slices.Equal(got, tt.want) {
				t.Errorf("find = %q, want %q", got, tt.want)
			}
		})
	}
}

func TestAreasAnswerFromTheirOwnDocuments(t *testing.T) {
	ix := buildAnswerIndex(t, answerCorpus, corpus.BuiltinGlossary())
	t.Run("a named place the documents do not cover is declined plainly", func(t *testing.T) {
		res := ask(t, ix, Query{Text: "how do I ask for an education, health and care plan in Leeds"})
		if res.Answered || res.Uncovered != "Leeds" || res.UncoveredArea != "Leeds" || res.Country != "England" {
			t.Errorf("answered %v, uncovered %q in %q (%q): want a decline about Leeds", res.Answered, res.Uncovered, res.UncoveredArea, res.Country)
		}
		var advice []string
		for _, s := range res.Signposts {
			if s.What == "National advice on this" {
				advice = append(advice, s.Hit.Title)
			}
			if s.Hit.Area != "England" {
				t.Errorf("signposted %s's %q for a question about Leeds", s.Hit.Area, s.Hit.Title)
			}
		}
		if len(advice) == 0 || len(advice) > maxNationalAdvice || advice[0] != "The law on plans" {
			t.Errorf("national advice %q: want England's page on plans, at most %d", advice, maxNationalAdvice)
		}
	})
	t.Run("a place outside England: no England-wide advice", func(t *testing.T) {
		res := ask(t, ix, Query{Text: "how do I ask for an education, health and care plan in Cardiff"})
		if res.Answered || res.Country != "Wales" {
			t.Errorf("answered %v in %q: want a decline about Wales", res.Answered, res.Country)
		}
		for _, s := range res.Signposts {
			if s.What == "National advice on this" {
				t.Errorf("England's %q signposted for a question about Cardiff", s.Hit.Title)
			}
		}
	})
	t.Run("asked in a place without documents: the national ones only", func(t *testing.T) {
		res := ask(t, ix, Query{Text: "what must the plan describe", Area: "Cornwall", K: 5})
		if res.Uncovered != "Cornwall" || res.Area != "" {
			t.Errorf("uncovered %q, area %q: want Cornwall without an area of its own", res.Uncovered, res.Area)
		}
		for _, h := range res.Hits {
			if h.Area != "England" {
				t.Errorf("%s's %q shown for a question asked in Cornwall", h.Area, h.Title)
			}
		}
		if !res.Answered || len(res.Hits) == 0 || res.Hits[0].Title != "The law on plans" {
			t.Errorf("answered %v with %q: want the national page", res.Answered, titles(res.Hits))
		}
	})
	t.Run("an area that is no place at all is an error", func(t *testing.T) {
		_, err := ix.Search(context.Background(), Query{Text: "short breaks", Area: "Atlantis"})
		if !errors.Is(err, ErrUnknownArea) || !strings.Contains(err.Error(), "Otherton, Testshire") {
			t.Errorf("err %v: want ErrUnknownArea naming the areas", err)
		}
	})
}

func TestKindIntentFromTheDocumentsWords(t *testing.T) {
	files := fstest.MapFS{
		"testshire/report.md": page("Inspection report", "https://testshire.example/report", "2025-09-01", "inspection",
			"# Inspection report\n\nInspectors found waits too long. Inspectors found leaders knew the problems. Inspectors praised the forum.\n"),
		"testshire/news.md": page("Inspection news", "https://testshire.example/news", "2025-09-01", "inspection",
			"# Inspection news\n\nThe inspectors will return next year, inspectors said.\n"),
		"testshire/services.json": &fstest.MapFile{Data: []byte(`[` +
			`{"id":"a","name":"Splash club","description":"Swimming club on Saturdays for disabled children.","email":"a@example.org"},` +
			`{"id":"b","name":"Kite club","description":"A kite club on Saturdays.","email":"b@example.org"},` +
			`{"id":"c","name":"Drama club","description":"Drama on Saturdays for young people.","email":"c@example.org"}]`)},
		"testshire/guide.md": page("Guide", "https://testshire.example/guide", "2025-09-01", "local-offer",
			"# Guide\n\nThe council explains the forum, the plan and the club for families.\n"),
	}
	ix := buildAnswerIndex(t, files, corpus.Glossary{})
	for _, tt := range []struct {
		question, kind string
	}{
		{"a club on saturdays", KindService},
		{"what did the inspectors say", "inspection"},
	} {
		r, err := ix.reader()
		if err != nil {
			t.Fatal(err)
		}
		qu := understood(t, ix, r, tt.question)
		r.Close()
		best, bestLift := "", 0.0
		for kind, lift := range qu.intent {
			if lift > bestLift {
				best, bestLift = kind, lift
			}
		}
		if best != tt.kind || bestLift <= 1 {
			t.Errorf("%q: intent %v, want %s most likely, above its share of passages", tt.question, qu.intent, tt.kind)
		}
	}
}

// A glossary phrase says which kind a question wants as its words do:
// "SEND inspection" is the inspection report's, "say" the news's, and
// the phrase makes the report likelier than its share of passages.
func TestKindIntentFromAGlossaryPhrase(t *testing.T) {
	files := fstest.MapFS{
		"testshire/report.md": page("Area report", "https://testshire.example/report", "2025-09-01", "inspection",
			"# Area report\n\nThe SEND inspection found long waits.\n\n## Leaders\n\nThe SEND inspection found that leaders knew the problems.\n"),
		"testshire/news1.md": page("Forum news", "https://testshire.example/news1", "2025-09-01", "news",
			"# Forum news\n\nParents say the forum helps, and say so often.\n"),
		"testshire/news2.md": page("Club news", "https://testshire.example/news2", "2025-09-01", "news",
			"# Club news\n\nFamilies say the club is good.\n"),
		"testshire/guide.md": page("Guide", "https://testshire.example/guide", "2025-09-01", "local-offer",
			"# Guide\n\nThe council explains the forum, the plan and the club for families.\n"),
	}
	ix := buildAnswerIndex(t, files, corpus.BuiltinGlossary())
	r, err := ix.reader()
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	qu := understood(t, ix, r, "what did the SEND inspection say")
	if qu.intent["inspection"] <= 1 || qu.intent["news"] <= 1 {
		t.Errorf("intent %v: want the inspection report and the news each likelier than their share", qu.intent)
	}
}

// understood is text as the understand stage reads it, counting with r.
func understood(t *testing.T, ix *Index, r bleveindex.IndexReader, text string) question {
	t.Helper()
	qu, err := ix.understand(context.Background(), r, Query{Text: text}, nil)
	if err != nil {
		t.Fatal(err)
	}
	return qu
}

func TestAskedFor(t *testing.T) {
	ix := buildAnswerIndex(t, answerCorpus, corpus.BuiltinGlossary())
	for _, tt := range []struct {
		question string
		who      []string
	}{
		{"is mediation free for my son", []string{"son"}},
		{"can our disabled daughter get transport", []string{"daughter"}},
		{"my 16 yr old son is hearing voices", []string{"son"}},
		{"my sons school wont follow his ehcp", []string{"sons"}},
		{"short breaks for my kids and their children", []string{"kids", "children"}},
		{"can a parent ask for an assessment", nil},
		{"my autistic son's annual review", []string{"son's"}},
		{"her ehcp is late", nil},
		{"my school won't help", nil},
		{"how do i get her to see a doctor", nil},
	} {
		who := spanTexts(tt.question, askedFor(tt.question, tokenize(ix.analyzer, tt.question)))
		if !slices.Equal(who, tt.who) {
			t.Errorf("askedFor(%q) = %q, want %q", tt.question, who, tt.who)
		}
	}

	// Who it is for helps rank but is not needed: "son", a word one page
	// here uses in passing, does not pull the answer away from what is
	// asked.
	files := fstest.MapFS{
		"testshire/transport.md": page("School transport in Testshire", "https://testshire.example/transport", "2025-09-01", "local-offer",
			"# School transport in Testshire\n\nThe council gives free school transport to a child who cannot walk to school because of their special educational needs. School transport is arranged by the council's transport team.\n"),
		"testshire/club.md": page("Saturday club", "https://testshire.example/club", "2025-09-01", "local-offer",
			"# Saturday club\n\nBring your son or daughter to the club for games, with free transport on school holiday trips.\n"),
	}
	ix = buildAnswerIndex(t, files, corpus.BuiltinGlossary())
	for _, q := range []string{"free school transport", "free school transport for my son"} {
		res := ask(t, ix, Query{Text: q, Area: "Testshire"})
		if !res.Answered || res.Hits[0].Title != "School transport in Testshire" {
			t.Errorf("%q: answered %v with %q first, want the transport page", q, res.Answered, titles(res.Hits))
		}
	}
}

// spanTexts are the pieces of text that spans (byte ranges) cover.
func spanTexts(text string, spans [][2]int) []string {
	var out []string
	for _, s := range spans {
		out = append(out, text[s[0]:s[1]])
	}
	return out
}
