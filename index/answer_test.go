package index

import (
	"context"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"testing/fstest"
	"time"

	"github.com/sendbot/sendbot/corpus"
)

// now is the date the answer tests are asked on.
var now = time.Date(2026, 6, 1, 0, 0, 0, 0, time.UTC)

// page is a Markdown document with front matter.
func page(title, url, published, kind, body string) *fstest.MapFile {
	return &fstest.MapFile{Data: []byte("---\ntitle: " + title + "\nsource_url: " + url + "\npublished: " + published + "\nkind: " + kind + "\n---\n" + body)}
}

// answerCorpus is a small invented corpus for two fictional areas and
// England, written so each test below can only pass for the reason it names.
var answerCorpus = fstest.MapFS{
	"testshire/plans.md": page("Plans in Testshire", "https://testshire.example/plans", "2025-09-01", "local-offer",
		"# Plans in Testshire\n\n## Writing the plan\n\nThe council writes the education, health and care plan with the family and the school, and sends a draft for comment within sixteen weeks.\n"),
	"testshire/senco.md": page("Talking to the school", "https://testshire.example/senco", "2025-09-01", "local-offer",
		"# Talking to the school\n\nStart by talking to the SENCO at your child's school about the support they give. Many parents find the ot toolkit useful.\n"),
	"testshire/respite.md": page("Respite for families", "https://testshire.example/respite", "2025-09-01", "local-offer",
		"# Respite for families\n\nRespite gives parent carers a rest while their disabled child enjoys a club or a sitter.\n"),
	"testshire/autism.md": page("Autism assessment in Testshire", "https://testshire.example/autism", "2025-09-01", "local-offer",
		"# Autism assessment in Testshire\n\nThe wait for an autism assessment is long. A community paediatrician sees most children first. Schools report on behaviour at home and in class.\n"),
	"testshire/local-offer.md": page("Testshire Local Offer", "https://testshire.example/local-offer", "unknown", "local-offer",
		"# Testshire Local Offer\n\nThe Testshire Local Offer lists services for children with SEND.\n"),
	"testshire/sendiass.md": page("Testshire SENDIASS", "https://testshire.example/sendiass", "unknown", "local-offer",
		"# Testshire SENDIASS\n\nThe SEND information, advice and support service is free and independent.\n"),
	"otherton/kites.md": page("Kite flying club in Otherton", "https://otherton.example/kites", "2025-09-01", "news",
		"# Kite flying club in Otherton\n\nThe kite flying club meets on Saturdays for disabled children.\n"),
	"england/law.md": page("The law on plans", "https://gov.example/plans", "2024-01-01", "guidance",
		"# The law on plans\n\nThe EHCP must describe the child's needs and the support to meet them.\n"),
}

// buildAnswerIndex builds a real index of files with glossary g in a
// temporary folder and opens it until the test ends.
func buildAnswerIndex(t *testing.T, files fstest.MapFS, g corpus.Glossary) *Index {
	t.Helper()
	c, err := corpus.Load(files)
	if err != nil {
		t.Fatal(err)
	}
	if len(c.Problems) > 0 {
		t.Fatalf("corpus problems: %+v", c.Problems)
	}
	return buildAndOpen(t, c.Documents, g)
}

// buildAndOpen builds an index of docs with glossary g and opens it.
func buildAndOpen(t *testing.T, docs []corpus.Document, g corpus.Glossary) *Index {
	t.Helper()
	dir := filepath.Join(t.TempDir(), "index")
	if err := Build(context.Background(), dir, docs, g, Source{Name: "test", Fingerprint: "abc"}); err != nil {
		t.Fatal(err)
	}
	ix, err := Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { ix.Close() })
	return ix
}

func ask(t *testing.T, ix *Index, q Query) Result {
	t.Helper()
	res, err := ix.Search(context.Background(), q)
	if err != nil {
		t.Fatalf("search %q: %v", q.Text, err)
	}
	return res
}

func titles(hs []Hit) []string {
	var out []string
	for _, h := range hs {
		out = append(out, h.Title)
	}
	return out
}

func TestGlossaryFindsOtherNames(t *testing.T) {
	ix := buildAnswerIndex(t, answerCorpus, corpus.BuiltinGlossary())
	tests := []struct {
		name, q, area, want string
	}{
		{"acronym finds the words", "when is the ehcp drafted", "testshire", "Plans in Testshire"},
		{"words find the acronym", "what must an education, health and care plan describe", "", "The law on plans"},
		{"synonym", "short breaks for parent carers", "testshire", "Respite for families"},
		{"multi-word acronym", "who is the special educational needs co-ordinator", "testshire", "Talking to the school"},
		{"US spelling", "behavior at home", "testshire", "Autism assessment in Testshire"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			res := ask(t, ix, Query{Text: tt.q, Area: tt.area})
			if !res.Answered || len(res.Hits) == 0 || res.Hits[0].Title != tt.want {
				t.Fatalf("%q: answered=%v, hits %q; want %q first", tt.q, res.Answered, titles(res.Hits), tt.want)
			}
		})
	}
}

func TestTyposAndForms(t *testing.T) {
	ix := buildAnswerIndex(t, answerCorpus, corpus.BuiltinGlossary())
	tests := []struct {
		name, q, want, corrected string
		unknown                  string // a word no document or dictionary has
	}{
		{"misspelt", "autisim wait", "Autism assessment in Testshire", "autism", ""},
		{"two letters wrong", "paediatrition", "Autism assessment in Testshire", "paediatrician", ""},
		{"possessive plural", "ehcp's draft", "Plans in Testshire", "", ""},
		// Chat words, filler and a word no document or dictionary has do
		// not make the bot decline on their own.
		{"chat words and an unknown word", "autisim wait?? im so stressed pls help, zorbleck", "Autism assessment in Testshire", "autism", "zorbleck"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			res := ask(t, ix, Query{Text: tt.q, Area: "testshire"})
			if !res.Answered || res.Hits[0].Title != tt.want {
				t.Fatalf("%q: answered=%v, hits %q; want %q first", tt.q, res.Answered, titles(res.Hits), tt.want)
			}
			if tt.corrected != "" && (len(res.Corrections) != 1 || res.Corrections[0].To != tt.corrected) {
				t.Errorf("corrections %+v, want one to %q", res.Corrections, tt.corrected)
			}
			if tt.unknown != "" && !slices.Contains(res.Unknown, tt.unknown) {
				t.Errorf("unknown words %q, want %q among them", res.Unknown, tt.unknown)
			}
		})
	}
}

func TestWhatIsAnswersFromTheGlossary(t *testing.T) {
	ix := buildAnswerIndex(t, answerCorpus, corpus.BuiltinGlossary())
	for _, q := range []string{"What is an EHCP?", "what exactly is an EHCP", "what does ehcp stand for", "EHC plan meaning", "im new to all this. what is an ehcp?", "what does EHCP mean for my son", "can someone explain what an EHCP is"} {
		res := ask(t, ix, Query{Text: q, Area: "testshire"})
		h := res.Hits[0]
		if !res.Answered || h.Kind != KindGlossary || !strings.Contains(h.Text, "Education, Health and Care") || !strings.HasPrefix(h.SourceURL, "https://") || h.Title == "" {
			t.Errorf("%q: first hit %+v, want the glossary meaning with its source", q, h)
		}
		if len(res.Hits) < 2 || res.Hits[1].Kind == KindGlossary {
			t.Errorf("%q: want passages after the meaning, got %q", q, titles(res.Hits))
		}
	}
	res := ask(t, ix, Query{Text: "what is a kite", Area: "otherton"})
	if len(res.Hits) > 0 && res.Hits[0].Kind == KindGlossary {
		t.Errorf("a word not in the glossary got a glossary answer: %+v", res.Hits[0])
	}
}

func TestJargonIsExplainedBesideQuotes(t *testing.T) {
	ix := buildAnswerIndex(t, answerCorpus, corpus.BuiltinGlossary())
	res := ask(t, ix, Query{Text: "talking to the school about support", Area: "testshire"})
	h := res.Hits[0]
	if h.Title != "Talking to the school" {
		t.Fatalf("hits %q", titles(res.Hits))
	}
	if len(h.Jargon) != 1 || h.Jargon[0].Term != "SENCO" || !strings.Contains(strings.ToLower(h.Jargon[0].Meaning), "co-ordinator") {
		t.Errorf("jargon %+v: want SENCO explained, and lower-case \"ot\" (a word, not OT) left alone", h.Jargon)
	}
}

func TestAreaDefaultAndNamed(t *testing.T) {
	ix := buildAnswerIndex(t, answerCorpus, corpus.BuiltinGlossary())
	t.Run("area and national documents", func(t *testing.T) {
		res := ask(t, ix, Query{Text: "what must the plan describe", Area: "Testshire", K: 5})
		for _, h := range res.Hits {
			if h.Area != "Testshire" && h.Area != "England" {
				t.Errorf("hit from %s in a Testshire answer", h.Area)
			}
		}
		if res.Area != "Testshire" {
			t.Errorf("area %q", res.Area)
		}
	})
	t.Run("never another area's documents, even when the area has nothing", func(t *testing.T) {
		res := ask(t, ix, Query{Text: "kite flying club", Area: "Testshire", K: 5})
		for _, h := range res.Hits {
			if h.Area == "Otherton" {
				t.Errorf("Otherton's %q shown for a Testshire question", h.Title)
			}
		}
	})
	t.Run("the area a question names wins", func(t *testing.T) {
		res := ask(t, ix, Query{Text: "kite flying club in Otherton", Area: "Testshire"})
		if res.Area != "Otherton" || len(res.Hits) == 0 || res.Hits[0].Area != "Otherton" {
			t.Fatalf("area %q hits %+v", res.Area, res.Hits)
		}
	})
}

func TestDecliningSignposts(t *testing.T) {
	ix := buildAnswerIndex(t, answerCorpus, corpus.BuiltinGlossary())
	res := ask(t, ix, Query{Text: "cheap flights to spain tomorrow", Area: "Testshire"})
	if res.Answered {
		t.Fatalf("answered an off-topic question with %q", titles(res.Hits))
	}
	got := map[string]string{}
	for _, s := range res.Signposts {
		got[s.What] = s.Hit.SourceURL
	}
	if got["Local Offer"] != "https://testshire.example/local-offer" || got["Independent SEND advice (SENDIASS)"] != "https://testshire.example/sendiass" {
		t.Errorf("signposts %+v", res.Signposts)
	}
	if res.Uncovered != "Spain" || res.Country != "Spain" {
		t.Errorf("uncovered %q in %q, want Spain: a place outside the UK", res.Uncovered, res.Country)
	}
	// Otherton's documents have neither: no signpost is made up.
	res = ask(t, ix, Query{Text: "cheap flights to spain tomorrow", Area: "Otherton"})
	if len(res.Signposts) != 0 {
		t.Errorf("signposts invented for Otherton: %+v", res.Signposts)
	}
}

// TestSignpostsAreAboutTheService: what is signposted as the advice
// service is a page whose title or heading names it, or a directory's
// entry whose description does; a page that only mentions it in passing
// is not where to ask.
func TestSignpostsAreAboutTheService(t *testing.T) {
	files := fstest.MapFS{
		"england/transport.md": page("School transport in England", "https://advice.example/transport", "2025-01-01", "guidance",
			"# School transport in England\n\nSENDIASS guidance gives the walking distance as two miles for younger children.\n"),
		"testshire/advice.md": page("Help for families in Testshire", "https://testshire.example/help", "2025-01-01", "local-offer",
			"# Help for families in Testshire\n\n## SENDIASS\n\nThe service gives free and impartial advice to parents.\n"),
		"otherton/services.md": page("Otherton Parent Advice", "https://otherton.example/advice", "2025-01-01", "service",
			"# Otherton Parent Advice\n\nWe are the SENDIASS for Otherton: free, impartial advice on SEND for families.\n"),
		"otherton/swimming.md": page("Swimming in Otherton", "https://otherton.example/swim", "2025-01-01", "local-offer",
			"# Swimming in Otherton\n\nAsk SENDIASS about transport to the pool.\n"),
	}
	ix := buildAnswerIndex(t, files, corpus.BuiltinGlossary())
	for _, tt := range []struct{ area, want string }{
		{"", ""},
		{"Testshire", "https://testshire.example/help"},
		{"Otherton", "https://otherton.example/advice"},
	} {
		res := ask(t, ix, Query{Text: "cheap flights tomorrow", Area: tt.area})
		if res.Answered {
			t.Fatalf("answered an off-topic question with %q", titles(res.Hits))
		}
		got := ""
		for _, s := range res.Signposts {
			if s.What == "Independent SEND advice (SENDIASS)" {
				got = s.Hit.SourceURL
			}
		}
		if got != tt.want {
			t.Errorf("area %q: the advice service signposted is %q, want %q", tt.area, got, tt.want)
		}
	}
}

func TestRankingHeadingsAndDates(t *testing.T) {
	svc := func(name, text string) string {
		return `{"id":"` + name + `","name":"` + name + `","description":"` + text + `","email":"hello@example.org"}`
	}
	files := fstest.MapFS{
		"testshire/guide.md": page("Guide to swimming", "https://testshire.example/guide", "2025-09-01", "local-offer",
			"# Guide to swimming\n\n## Swimming lessons\n\nSwimming lessons for disabled children run on Mondays.\n\n## More swimming lessons\n\nSwimming lessons for disabled children also run on Tuesdays.\n\n## Even more swimming lessons\n\nSwimming lessons for disabled children run on Fridays too.\n"),
		"testshire/report.md": page("Inspection report", "https://testshire.example/report", "2025-09-01", "inspection",
			"# Inspection report\n\nInspectors found swimming lessons for disabled children were popular.\n"),
		"testshire/services.json": &fstest.MapFile{Data: []byte(`[` + svc("Splash club", "Swimming lessons for disabled children in a quiet pool.") + `]`)},
		"testshire/old.md": page("Old note", "https://testshire.example/old", "2015-01-01", "news",
			"# Old note\n\nThe trampoline park opens late for disabled children.\n"),
		"testshire/new.md": page("New note", "https://testshire.example/new", "2026-01-01", "news",
			"# New note\n\nThe trampoline park opens late for disabled children.\n"),
		"testshire/heading.md": page("Clubs", "https://testshire.example/clubs", "2025-09-01", "news",
			"# Clubs\n\n## Trampoline sessions\n\nSessions are on Sundays.\n\nThere is a waiting list for most clubs; ask the trampoline staff.\n"),
	}
	ix := buildAnswerIndex(t, files, corpus.Glossary{})
	t.Run("dates are kept and an old one is marked", func(t *testing.T) {
		res := ask(t, ix, Query{Text: "trampoline park opens late", Area: "testshire", K: 3})
		dates := map[string]string{}
		for _, h := range res.Hits {
			dates[h.Title] = h.Published
			if h.Title == "Old note" {
				if st := h.Staleness(now, DefaultMaxAge); !st.Stale || st.Reason != "over 2 years old" {
					t.Errorf("old note staleness %+v", st)
				}
			}
		}
		if dates["New note"] != "2026-01-01" || dates["Old note"] != "2015-01-01" {
			t.Errorf("hits %q with dates %v", titles(res.Hits), dates)
		}
	})
	t.Run("a heading match counts", func(t *testing.T) {
		res := ask(t, ix, Query{Text: "trampoline sessions", Area: "testshire"})
		if res.Hits[0].Title != "Clubs" || res.Hits[0].Section != "Trampoline sessions" {
			t.Errorf("hits %q, first section %q", titles(res.Hits), res.Hits[0].Section)
		}
	})
}

func TestStaleness(t *testing.T) {
	tests := []struct {
		name, published, text string
		maxAge                time.Duration
		want                  Staleness
	}{
		{"recent", "2025-09-01", "Waits are 18 weeks.", DefaultMaxAge, Staleness{}},
		{"undated: its date says so, no mark", "", "Waits are 18 weeks.", DefaultMaxAge, Staleness{}},
		{"old", "2023-01-01", "Waits are 18 weeks.", DefaultMaxAge, Staleness{true, "over 2 years old"}},
		{"shorter limit", "2025-09-01", "Waits are 18 weeks.", 180 * 24 * time.Hour, Staleness{true, "over 6 months old"}},
		{"a new document that mentions an old year", "2025-09-01", "In 2019, 40% waited over a year.", DefaultMaxAge, Staleness{}},
		{"recent figures", "2025-09-01", "In 2019 and 2025 waits grew.", DefaultMaxAge, Staleness{}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := Hit{Published: tt.published, Text: tt.text}.Staleness(now, tt.maxAge)
			if got != tt.want {
				t.Errorf("got %+v, want %+v", got, tt.want)
			}
		})
	}
}

func TestParseAge(t *testing.T) {
	for in, want := range map[string]time.Duration{"2y": DefaultMaxAge, "18m": 540 * 24 * time.Hour, "90d": 90 * 24 * time.Hour, "1 year": 365 * 24 * time.Hour} {
		if got, err := ParseAge(in); err != nil || got != want {
			t.Errorf("ParseAge(%q) = %v, %v; want %v", in, got, err, want)
		}
	}
	for _, bad := range []string{"", "two years", "-1y", "0d", "5w", "2.5y"} {
		if _, err := ParseAge(bad); err == nil || !strings.Contains(err.Error(), "such as 2y, 18m or 90d") {
			t.Errorf("ParseAge(%q) error %v", bad, err)
		}
	}
}

func TestModeratorsGlossaryIsUsed(t *testing.T) {
	g := corpus.BuiltinGlossary().Merge(corpus.Glossary{Entries: []corpus.GlossaryEntry{
		{Terms: []string{"kite flying club", "sky sessions"}, Short: "Otherton's Saturday kite club",
			Meaning: "A club for disabled children.", Source: corpus.GlossarySource{Title: "Kite flying club in Otherton", URL: "https://otherton.example/kites"}},
	}})
	ix := buildAnswerIndex(t, answerCorpus, g)
	res := ask(t, ix, Query{Text: "when are sky sessions", Area: "Otherton"})
	if !res.Answered || res.Hits[0].Title != "Kite flying club in Otherton" || len(res.Hits[0].Jargon) != 1 || res.Hits[0].Jargon[0].Meaning != "Otherton's Saturday kite club" {
		t.Fatalf("answered=%v hits %+v", res.Answered, res.Hits)
	}
	res = ask(t, ix, Query{Text: "what are sky sessions", Area: "Otherton"})
	if res.Hits[0].Kind != KindGlossary || res.Hits[0].SourceURL != "https://otherton.example/kites" {
		t.Errorf("What-is from a moderator's entry: %+v", res.Hits[0])
	}
}

func TestJargonSkipsAddressesEverydayWordsAndBrokenPhrases(t *testing.T) {
	ix := buildAnswerIndex(t, answerCorpus, corpus.BuiltinGlossary())
	tests := []struct {
		name, text string
		want       []string // terms explained, in order
	}{
		{"an acronym and a phrase", "Ask the SENCO about an EHC plan.", []string{"SENCO", "EHC plan"}},
		{"a web address is not a use", "See https://example.org/ehc-plan/ipsea for more.", nil},
		{"a bracket breaks a phrase", "the education, health and care) plan", nil},
		{"everyday synonyms are not jargon", "The council heard the appeal.", nil},
		{"a meaning that repeats the word", "The council's SEND team.", []string{"SEND"}},
		{"lower-case acronyms are words", "the ot and ep sessions", nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var got []string
			for _, j := range ix.vocab.jargon(ix.analyzer, tt.text) {
				got = append(got, j.Term)
			}
			if strings.Join(got, "|") != strings.Join(tt.want, "|") {
				t.Errorf("%q: explained %q, want %q", tt.text, got, tt.want)
			}
		})
	}
}

// TestLawIsNeverSignposted: a regulation is not a place to ask. Asked
// about a place the documents do not cover, the national advice
// signposted is the advice page, though the regulation says more of the
// question's words, and the national Local Offer signpost skips a
// regulation whose title says "local offer".
func TestLawIsNeverSignposted(t *testing.T) {
	files := fstest.MapFS{
		"england/regulations.md": page("The Special Educational Needs and Disability Regulations and the local offer", "https://www.legislation.gov.uk/uksi/2014/1530/contents", "2014-09-01", "guidance",
			"# The local offer\n\nA local authority must publish its local offer. An education, health and care needs assessment is requested of the local authority, which must decide whether to carry out an education, health and care needs assessment within six weeks.\n"),
		"england/advice.md": page("Asking for an assessment", "https://advice.example/assessment", "2025-01-01", "guidance",
			"# Asking for an assessment\n\nYou can ask the council for an education, health and care needs assessment yourself, in writing.\n"),
		"england/offer.md": page("Find your council's local offer", "https://gov.example/local-offer", "2025-01-01", "guidance",
			"# Find your council's local offer\n\nEvery council publishes a local offer of SEND services.\n"),
		"testshire/plans.md": page("Plans in Testshire", "https://testshire.example/plans", "2025-09-01", "local-offer",
			"# Plans in Testshire\n\nThe council writes the plan with the family.\n"),
	}
	ix := buildAnswerIndex(t, files, corpus.BuiltinGlossary())
	res := ask(t, ix, Query{Text: "how do I ask for an education, health and care needs assessment in Leeds"})
	if res.Answered || res.Uncovered != "Leeds" {
		t.Fatalf("answered %v about %q: want a decline about Leeds", res.Answered, res.Uncovered)
	}
	var advice []string
	for _, s := range res.Signposts {
		if strings.Contains(s.Hit.SourceURL, "legislation.gov.uk") {
			t.Errorf("signposted the regulation as %q", s.What)
		}
		if s.What == "National advice on this" {
			advice = append(advice, s.Hit.Title)
		}
	}
	if !slices.Contains(advice, "Asking for an assessment") {
		t.Errorf("national advice %q: want the advice page", advice)
	}
}

// National advice is signposted for a question about a place the
// documents do not cover only when the national documents would answer
// it: a weather question about Bristol gets none, however much of it a
// page about CAMHS happens to say (it was given two, CAMHS and DLA).
func TestNoNationalAdviceOnAQuestionTheyDoNotAnswer(t *testing.T) {
	ix := builtinIndex(t)
	advice := func(q string) []string {
		res := ask(t, ix, Query{Text: q})
		if res.Answered || res.Uncovered == "" {
			t.Fatalf("%q: answered %v, uncovered %q; the test needs a decline about a place without documents", q, res.Answered, res.Uncovered)
		}
		var out []string
		for _, s := range res.Signposts {
			if s.What == "National advice on this" {
				out = append(out, s.Hit.Title)
			}
		}
		return out
	}
	if got := advice("will it rain in bristol this weekend"); len(got) != 0 {
		t.Errorf("a weather question was given national advice: %q", got)
	}
	if got := advice("how do i get an ehcp in leeds"); len(got) == 0 {
		t.Errorf("a question the national documents answer was given no national advice")
	}
}
