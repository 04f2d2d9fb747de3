package bot

import (
	"errors"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/sendbot/sendbot/index"
)

func TestAnswerEmbedStaysWithinDiscordLimits(t *testing.T) {
	long := strings.Repeat("Children wait ** too_long [for] assessments @everyone. ", 40)
	var hits []index.Hit
	for i := 0; i < 3; i++ {
		hits = append(hits, index.Hit{
			Title: strings.Repeat("Very long title ", 40), SourceURL: "https://example.org/a b(c)", Section: strings.Repeat("Section ", 50),
			Area: "Testshire", Published: "2024-02-29", Page: 7, Text: long,
			Matches: []index.Span{{Start: 9, End: 13}},
		})
	}
	e := answerEmbed(hits, 0, testDating)
	if n := utf8.RuneCountInString(e.Description); n > maxEmbedDescription {
		t.Errorf("description is %d characters, over %d", n, maxEmbedDescription)
	}
	if n := utf8.RuneCountInString(e.Title) + utf8.RuneCountInString(e.Description) + utf8.RuneCountInString(e.Footer.Text); n > 6000 {
		t.Errorf("embed totals %d characters, over 6000", n)
	}
	for i := 1; i <= 3; i++ {
		if !strings.Contains(e.Description, "**"+string(rune('0'+i))+". [Very long title") {
			t.Errorf("source %d missing from a long answer", i)
		}
	}
	if !strings.Contains(e.Description, "(https://example.org/a%20b%28c%29)") {
		t.Errorf("link target should be escaped: %s", e.Description[:300])
	}
	if !strings.Contains(e.Description, "29 February 2024 · page 7") || !strings.Contains(e.Description, "**wait**") {
		t.Errorf("date, page or bold word missing: %s", e.Description[:400])
	}
	if strings.Count(e.Description, "**")%2 != 0 {
		t.Errorf("unbalanced bold markers")
	}
}

// testDating dates answers on 1 June 2025 with the default two-year limit.
var testDating = dating{now: time.Date(2025, 6, 1, 12, 0, 0, 0, time.UTC), maxAge: index.DefaultMaxAge}

func TestAnswersMarkOldPassagesOnce(t *testing.T) {
	hit := func(title, published string) index.Hit {
		return index.Hit{Title: title, SourceURL: "https://testshire.example/" + title, Section: "Who can have one", Area: "Testshire", Published: published, Text: "Short breaks are offered."}
	}
	tests := []struct {
		name   string
		hits   []index.Hit
		maxAge time.Duration
		want   string // the note under the passages; "" for none
		header string // in the first passage's header
	}{
		{"one old", []index.Hit{hit("a", "2025-01-10"), hit("b", "2021-07-04")}, 0,
			"⚠ 2 is from a document over 2 years old: check it is still current.", "Who can have one · Testshire · 10 January 2025"},
		{"two old", []index.Hit{hit("a", "2021-07-04"), hit("b", "2025-01-10"), hit("c", "2020-02-02")}, 0,
			"⚠ 1 and 3 are from documents over 2 years old: check they are still current.", "Who can have one · Testshire · 4 July 2021\n"},
		{"undated is not marked", []index.Hit{hit("a", "")}, 0, "", "Who can have one · Testshire · date unknown\n"},
		{"current", []index.Hit{hit("a", "2025-01-10")}, 0, "", "Who can have one · Testshire · 10 January 2025\n"},
		{"shorter limit", []index.Hit{hit("a", "2025-01-10")}, 90 * 24 * time.Hour,
			"⚠ 1 is from a document over 3 months old: check it is still current.", "Who can have one · Testshire · 10 January 2025\n"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			d := testDating
			if tt.maxAge > 0 {
				d.maxAge = tt.maxAge
			}
			_, embeds := answerReply(index.Result{Answered: true, Hits: tt.hits}, nil, d, 0)
			got := embeds[0].Description
			if !strings.Contains(got, tt.header) {
				t.Errorf("want %q in the header:\n%s", tt.header, got)
			}
			switch {
			case tt.want == "" && strings.Contains(got, "⚠"):
				t.Errorf("marked, and should not be:\n%s", got)
			case tt.want != "" && !strings.HasSuffix(got, "\n\n"+tt.want):
				t.Errorf("want %q once, at the end:\n%s", tt.want, got)
			case strings.Count(got, "⚠") > 1:
				t.Errorf("marked more than once:\n%s", got)
			}
		})
	}
}

func TestJargonIsExplainedUnderTheQuote(t *testing.T) {
	h := index.Hit{
		Title: "Asking for an assessment", SourceURL: "https://testshire.example/ehc", Area: "Testshire", Published: "2025-01-10",
		Text:    "Ask the SENCO whether an EHCP_ would help.",
		Matches: []index.Span{{Start: 8, End: 13}},
		Jargon: []index.Jargon{
			{Term: "SENCO", Meaning: "Special educational needs co-ordinator: the teacher who organises SEN support in a school"},
			{Term: "EHCP_", Meaning: "Education, Health and Care *plan*"},
		},
	}
	_, embeds := answerReply(index.Result{Answered: true, Hits: []index.Hit{h}}, nil, testDating, 0)
	want := "> Ask the **SENCO** whether an EHCP\\_ would help.\n" +
		"SENCO: Special educational needs co-ordinator: the teacher who organises SEN support in a school · EHCP\\_: Education, Health and Care \\*plan\\*"
	if got := embeds[0].Description; !strings.HasSuffix(got, want) {
		t.Errorf("want the quote then the escaped jargon line:\n%s\ngot:\n%s", want, got)
	}
}

func TestFiveLongAnswersWithJargonStayWithinDiscordLimits(t *testing.T) {
	// As long as real passages get: MaxShownRunes of text full of
	// characters that need escaping, the longest titles and sections in
	// the shared corpus, and three terms of jargon each.
	text := "The EHCP, the SENCO and SEN support: " + strings.Repeat("help_children [with] needs ** @everyone. ", 30)
	text = string([]rune(text)[:index.MaxShownRunes])
	jargon := []index.Jargon{
		{Term: "EHCP", Meaning: "Education, Health and Care plan"},
		{Term: "SENCO", Meaning: "Special educational needs co-ordinator: the teacher who organises SEN support in a school"},
		{Term: "SEN support", Meaning: "Extra help a school or setting gives a child with SEN, without an EHC plan"},
	}
	var hits []index.Hit
	for i := 0; i < 5; i++ {
		hits = append(hits, index.Hit{
			Title:     "Education, Health and Care plans: a guide for Worcestershire families (compiled pages)",
			SourceURL: "https://www.worcestershire.gov.uk/council-services/schools-education-and-learning/send-local-offer",
			Section:   "Education, Health and Care plans › Asking for an EHC needs assessment › Who can ask",
			Area:      "Worcestershire", Published: "2019-02-28", Page: 12,
			Text: text, Matches: []index.Span{{Start: 4, End: 8}}, Jargon: jargon,
		})
	}
	hits[0].Kind, hits[0].Jargon = index.KindGlossary, nil
	e := answerEmbed(hits, 0, testDating)
	if n := utf8.RuneCountInString(e.Description); n > maxEmbedDescription {
		t.Errorf("description is %d characters, over %d", n, maxEmbedDescription)
	}
	if n := utf8.RuneCountInString(e.Title) + utf8.RuneCountInString(e.Description) + utf8.RuneCountInString(e.Footer.Text); n > 6000 {
		t.Errorf("embed totals %d characters, over 6000", n)
	}
	if got := strings.Count(e.Description, "\nEHCP: Education, Health and Care plan · SENCO: Special educational needs co-ordinator"); got != 4 {
		t.Errorf("want a jargon line under each of 4 passages, got %d:\n%s", got, e.Description)
	}
	if !strings.HasSuffix(e.Description, "\n\n⚠ 1, 2, 3 and 4 are from documents over 2 years old: check they are still current.") {
		t.Errorf("want one note for the 4 old passages at the end:\n%s", e.Description)
	}
	if !strings.Contains(e.Description, "**4. [Education, Health and Care plans") || strings.Count(e.Description, "**")%2 != 0 {
		t.Errorf("the last passage is missing or bold is unbalanced:\n%s", e.Description)
	}

	// Pathological headers (the longest title, section and address
	// allowed) still keep within the limits: the last passages give way.
	for i := range hits {
		hits[i].Title = strings.Repeat("Very_long title ", 20)
		hits[i].SourceURL = "https://example.org/" + strings.Repeat("x", 490)
		hits[i].Section = strings.Repeat("Section* ", 30)
	}
	e = answerEmbed(hits, 0, testDating)
	if n := utf8.RuneCountInString(e.Description); n > maxEmbedDescription || strings.Count(e.Description, "**")%2 != 0 {
		t.Errorf("description is %d characters (limit %d), or bold is unbalanced", n, maxEmbedDescription)
	}
}

func TestWhatIsQuestionsShowTheMeaningFirst(t *testing.T) {
	res := index.Result{Answered: true, Hits: []index.Hit{
		{Kind: index.KindGlossary, Title: "Request an EHC assessment", SourceURL: "https://www.herefordshire.gov.uk/local-offer/about-send/3",
			Section: "What EHCP means", Published: "2024-09-01", Text: "EHCP (EHC plan): An Education, Health and Care plan is a legal document."},
		{Title: "EHC plans in Testshire", SourceURL: "https://testshire.example/ehc", Area: "Testshire", Published: "2025-01-10", Text: "An EHC plan sets out the support."},
	}}
	_, embeds := answerReply(res, nil, testDating, 0)
	want := "**What EHCP means**\n" +
		"From [Request an EHC assessment](https://www.herefordshire.gov.uk/local-offer/about-send/3) · 1 September 2024\n" +
		"> EHCP \\(EHC plan\\): An Education, Health and Care plan is a legal document.\n\n" +
		"**1. [EHC plans in Testshire](https://testshire.example/ehc)**\nTestshire · 10 January 2025\n> An EHC plan sets out the support."
	if got := embeds[0].Description; got != want {
		t.Errorf("got:\n%s\nwant:\n%s", got, want)
	}
}

func TestPlacesWithoutDocumentsAreSaidPlainly(t *testing.T) {
	t.Run("asked in an area with none: national documents, said so", func(t *testing.T) {
		res := index.Result{Answered: true, Uncovered: "Cornwall", UncoveredArea: "Cornwall", Country: "England", Hits: []index.Hit{
			{Title: "Short breaks in England", Area: "England", Published: "2025-01-10", Text: "Every council offers short breaks."},
		}}
		content, embeds := answerReply(res, nil, testDating, 0)
		if content != "I don't have documents about Cornwall yet, so these are from documents for all of England." {
			t.Errorf("content = %q", content)
		}
		if !strings.Contains(embeds[0].Description, "\nEngland · 10 January 2025") {
			t.Errorf("the passage should say it is England's:\n%s", embeds[0].Description)
		}
	})
	tests := []struct {
		name string
		res  index.Result
		want string
	}{
		{"a town of an area without documents", index.Result{Uncovered: "Cheltenham", UncoveredArea: "Gloucestershire", Country: "England"},
			"I don't have documents about this for Cheltenham \\(Gloucestershire\\) yet, so I won't guess."},
		{"an area without documents", index.Result{Uncovered: "Leeds", UncoveredArea: "Leeds", Country: "England"},
			"I don't have documents about this for Leeds yet, so I won't guess."},
		{"another nation of the UK", index.Result{Uncovered: "Cardiff", UncoveredArea: "Cardiff", Country: "Wales"},
			"My documents are about support for SEND in England, and Cardiff is in Wales, which has its own system, so I can't answer that."},
		{"abroad", index.Result{Uncovered: "Spain", UncoveredArea: "Spain", Country: "Spain"},
			"My documents are about support for SEND in England, so I can't answer about Spain."},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			content, embeds := answerReply(tt.res, nil, testDating, 0)
			if len(embeds) != 0 || !strings.HasPrefix(content, tt.want) {
				t.Errorf("reply:\n%s\nwant it to start %q", content, tt.want)
			}
			if strings.Contains(content, "Try other words") || strings.Contains(content, "don't include") {
				t.Errorf("reply asks for other words, or says what the documents lack, of a place they do not cover:\n%s", content)
			}
		})
	}
}

func TestCorrectedAndUnknownWordsAreShown(t *testing.T) {
	res := index.Result{Answered: true, Corrections: []index.Correction{{From: "autisim", To: "autism"}, {From: "asessment", To: "assessment"}},
		Unknown: []string{"zebra_"}, Hits: []index.Hit{{Title: "Autism", Published: "2025-01-10", Text: "An autism assessment."}}}
	content, _ := answerReply(res, nil, testDating, 0)
	// Words no document uses are not listed beside an answer: most are a
	// parent's own words ("stressed", "daughter"), which need no reply.
	if want := "Searched for *autism* (you typed *autisim*), *assessment* (you typed *asessment*)."; content != want {
		t.Errorf("content = %q, want %q", content, want)
	}
}

func TestDeclinesAreKindAndSignpost(t *testing.T) {
	localOffer := index.Signpost{What: "Local Offer", Hit: index.Hit{Title: "Herefordshire Local Offer", SourceURL: "https://www.herefordshire.gov.uk/local-offer"}}
	advice := index.Signpost{What: "Independent SEND advice (SENDIASS)", Hit: index.Hit{Title: "Advice service page"}} // no address: no link
	tests := []struct {
		name     string
		res      index.Result
		want     []string
		wantNone []string
	}{
		{
			name: "corrected, unknown words and signposts",
			res: index.Result{Area: "Herefordshire", Corrections: []index.Correction{{From: "autisim", To: "autism"}},
				Unknown: []string{"weather", "@everyone"}, Signposts: []index.Signpost{localOffer, advice, {What: "Independent SEND advice (SENDIASS)", Hit: localOffer.Hit}}},
			want: []string{
				"I couldn't find an answer to that in the documents I have, so I won't guess.",
				"I searched for *autism* instead of *autisim*.",
				"My documents don't mention: weather, @\u200beveryone.",
				"Try other words, for example *EHCP*",
				"Areas I have documents for: England, Herefordshire.",
				"Where to ask instead:\n" +
					"**Local Offer** and **Independent SEND advice \\(SENDIASS\\)**: [Herefordshire Local Offer](<https://www.herefordshire.gov.uk/local-offer>)\n" +
					"**Independent SEND advice \\(SENDIASS\\)**: Advice service page",
			},
			wantNone: []string{"don't include"},
		},
		{
			name:     "no signposts in the area's documents",
			res:      index.Result{Area: "Herefordshire", Hits: []index.Hit{{Title: "Weak match", SourceURL: "https://weak.example"}}},
			want:     []string{"won't guess", "My documents don't include Herefordshire's Local Offer or independent SEND advice service (SENDIASS), so I can't point you to them."},
			wantNone: []string{"http", "Where to ask", "searched for", "don't mention", "Weak match"},
		},
		{
			name: "no signposts and no area",
			res:  index.Result{},
			want: []string{"My documents don't include a Local Offer or independent SEND advice service (SENDIASS)"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			content, embeds := answerReply(tt.res, []string{"England", "Herefordshire"}, testDating, 0)
			if len(embeds) != 0 {
				t.Errorf("a decline must not show passages: %+v", embeds[0])
			}
			for _, w := range tt.want {
				if !strings.Contains(content, w) {
					t.Errorf("reply lacks %q:\n%s", w, content)
				}
			}
			for _, w := range tt.wantNone {
				if strings.Contains(content, w) {
					t.Errorf("reply should not have %q:\n%s", w, content)
				}
			}
		})
	}
}

// An answer to the question without the words after it says so above
// the passages, in the parent's words, which cannot format or mention.
func TestAnswerSaysWhatItLeftOut(t *testing.T) {
	res := index.Result{Answered: true, Area: "Herefordshire", Rephrased: "what is an *ehcp* @everyone", LeftOut: "thanks **x**",
		Hits: []index.Hit{{Title: "EHCPs", Text: "An education, health and care plan."}}}
	content, embeds := answerReply(res, []string{"Herefordshire"}, testDating, 0)
	want := "I answered “what is an \\*ehcp\\* @\u200beveryone”, leaving out “thanks \\*\\*x\\*\\*”."
	if content != want || len(embeds) != 1 {
		t.Errorf("content %q and %d embeds; want %q above the answer", content, len(embeds), want)
	}
}

func TestQuoteKeepsURLsClickable(t *testing.T) {
	h := index.Hit{Text: "Source: Guide (https://example.org/local_offer/x), as of 2024.", Matches: []index.Span{{Start: 35, End: 40}}}
	got := quote(h, 700)
	if !strings.Contains(got, "<https://example.org/local_offer/x>") || strings.Contains(got, "**offer") {
		t.Errorf("URL was escaped or bolded: %s", got)
	}
}

func TestErrorRepliesAreKind(t *testing.T) {
	tests := []struct {
		err  error
		want string
	}{
		{index.ErrNoWords, "couldn't find any words"},
		{index.ErrTooLong, "fewer than 1000 characters"},
		{errTimeout, "took too long"},
		{errors.New("bleve: segment 0x1f corrupt"), "something went wrong"},
	}
	for _, tt := range tests {
		got := errorReply(tt.err, []string{"Testshire"})
		if !strings.Contains(got, tt.want) || strings.Contains(got, "bleve") {
			t.Errorf("errorReply(%v) = %q", tt.err, got)
		}
	}
}

func TestCheckToken(t *testing.T) {
	tests := []struct {
		name, token string
		want        error
	}{
		{"missing", "", ErrNoToken},
		{"spaces", "   ", ErrNoToken},
		{"one word", "hunter2", ErrBadToken},
		{"quoted", `"MTAwMDAwMDAwMDAwMDAwMDAwMQ.GfAkE0.c2VuZGJvdC1mYWtlLXRva2VuLWZvci10ZXN0cw"`, ErrBadToken},
		{"well formed", "MTAwMDAwMDAwMDAwMDAwMDAwMQ.GfAkE0.c2VuZGJvdC1mYWtlLXRva2VuLWZvci10ZXN0cw", nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := CheckToken(tt.token)
			if !errors.Is(err, tt.want) {
				t.Fatalf("CheckToken = %v, want %v", err, tt.want)
			}
			if err != nil && (!strings.Contains(err.Error(), "developers/applications") || (strings.TrimSpace(tt.token) != "" && strings.Contains(err.Error(), strings.TrimSpace(tt.token)))) {
				t.Errorf("error should say where to get a token and never echo it: %v", err)
			}
		})
	}
	if got := NormalizeToken("  Bot abc.def.ghi "); got != "abc.def.ghi" {
		t.Errorf("NormalizeToken = %q", got)
	}
}
