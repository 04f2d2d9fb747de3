package corpus

import (
	"fmt"
	"strings"
	"testing"
)

func sentence(n int, word string) string {
	return strings.TrimSpace(strings.Repeat(word+" ", n-1)) + " end."
}

func TestChunkSizesAndSentenceBoundaries(t *testing.T) {
	// One long paragraph of 30 ten-word sentences (300 words) must be split
	// between sentences into passages no longer than MaxWords.
	var sents []string
	for i := 0; i < 30; i++ {
		sents = append(sents, fmt.Sprintf("Sentence %d has exactly ten words in it, the end.", i))
	}
	long := strings.Join(sents, " ")
	blocks := []block{{Level: 1, Text: "Title"}, {Level: 2, Text: "Waiting times"}, {Text: long}}
	ps := chunk("a.md", "Title", blocks)
	if len(ps) < 2 {
		t.Fatalf("a 300-word paragraph gave %d passage(s)", len(ps))
	}
	for _, p := range ps {
		n := wordCount(p.Text)
		if n > MaxWords || n < MinWords {
			t.Errorf("passage of %d words, want %d–%d: %q", n, MinWords, MaxWords, p.Text)
		}
		if !strings.HasPrefix(p.Text, "Sentence ") || !strings.HasSuffix(p.Text, "the end.") {
			t.Errorf("passage cut mid-sentence: %q", p.Text)
		}
		if p.Section != "Waiting times" {
			t.Errorf("section = %q", p.Section)
		}
	}
}

func TestChunkJoinsShortParagraphsWithinASection(t *testing.T) {
	blocks := []block{
		{Level: 2, Text: "Contact"},
		{Text: sentence(10, "alpha")},
		{Text: sentence(10, "beta")},
		{Text: sentence(10, "gamma")},
		{Level: 2, Text: "Next"},
		{Text: sentence(60, "delta")},
	}
	ps := chunk("a.md", "T", blocks)
	if len(ps) != 2 {
		t.Fatalf("got %d passages, want 2: %+v", len(ps), ps)
	}
	if !strings.Contains(ps[0].Text, "alpha") || !strings.Contains(ps[0].Text, "gamma") || ps[0].Section != "Contact" {
		t.Errorf("short paragraphs of one section should form one passage: %+v", ps[0])
	}
	if strings.Contains(ps[0].Text, "delta") {
		t.Errorf("passages must not cross headings: %q", ps[0].Text)
	}
}

func TestChunkHeadingTrail(t *testing.T) {
	blocks := []block{
		{Level: 1, Text: "Guide"},
		{Level: 2, Text: "Assessments"},
		{Level: 3, Text: "Autism"},
		{Text: sentence(45, "a")},
		{Level: 2, Text: "Transport"},
		{Text: sentence(45, "b")},
	}
	ps := chunk("a.md", "Some other title", blocks)
	got := []string{ps[0].Section, ps[1].Section}
	want := []string{"Guide › Assessments › Autism", "Guide › Transport"}
	if strings.Join(got, "|") != strings.Join(want, "|") {
		t.Errorf("sections = %q, want %q", got, want)
	}
}

func TestSentences(t *testing.T) {
	tests := []struct {
		name string
		in   string
		want []string
	}{
		{"plain", "One thing. Another thing! A question? Yes.", []string{"One thing.", "Another thing!", "A question?", "Yes."}},
		{"abbreviations", "Ask a professional, e.g. Dr. Smith, for help. Then wait.", []string{"Ask a professional, e.g. Dr. Smith, for help.", "Then wait."}},
		{"lower case after dot", "Costs 2.5 million. it continues", []string{"Costs 2.5 million. it continues"}},
		{"quote starts sentence", `He said so. "Waiting lists remain" a concern.`, []string{"He said so.", `"Waiting lists remain" a concern.`}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := sentences(tt.in)
			if strings.Join(got, "|") != strings.Join(tt.want, "|") {
				t.Errorf("sentences(%q) = %q, want %q", tt.in, got, tt.want)
			}
		})
	}
}

func TestMarkdownBlocks(t *testing.T) {
	in := "Intro line one\ncontinues here.\n\nSetext\n------\n\n| Age | Service |\n|---|---|\n| 0-5 | Portage |\n\n1. first\n2. second\n   continued\n\n> quoted *text* and `code`\n\n<!-- hidden -->\n"
	got := markdownBlocks(in)
	want := []block{
		{Text: "Intro line one continues here."},
		{Level: 2, Text: "Setext"},
		{Text: "• Age — Service\n• 0-5 — Portage"},
		{Text: "• first\n• second continued"},
		{Text: "quoted text and code"},
	}
	if fmt.Sprint(got) != fmt.Sprint(want) {
		t.Errorf("markdownBlocks:\n got %+v\nwant %+v", got, want)
	}
}

func TestTextBlocksFindHeadingsAndLists(t *testing.T) {
	in := "Home education\n\nEducation is compulsory. Parents are responsible.\n\nYour choice to home educate\n\nStrengths included:\n  • Strong leadership.\n  • Good relationships.\n\nMinutes:\n"
	got := textBlocks(in)
	want := []block{
		{Level: 1, Text: "Home education"},
		{Text: "Education is compulsory. Parents are responsible."},
		{Level: 2, Text: "Your choice to home educate"},
		{Text: "Strengths included:\n• Strong leadership.\n• Good relationships."},
		{Text: "Minutes:"},
	}
	if fmt.Sprint(got) != fmt.Sprint(want) {
		t.Errorf("textBlocks:\n got %+v\nwant %+v", got, want)
	}
}

func TestChunkKeepsLeadInWithItsList(t *testing.T) {
	lead := sentence(90, "context") + " The council should pay attention to:"
	list := "• " + sentence(30, "one") + "\n• " + sentence(30, "two") + "\n• " + sentence(30, "three")
	ps := chunk("a.md", "T", []block{{Text: lead}, {Text: list}})
	if len(ps) != 1 {
		t.Fatalf("lead-in and list split into %d passages: %+v", len(ps), ps)
	}
	if !strings.Contains(ps[0].Text, "attention to:\n• ") {
		t.Errorf("list should follow its lead-in on the next line: %q", ps[0].Text)
	}
}

func TestCitationLinesKeepTheirAddress(t *testing.T) {
	in := "The council must decide within six weeks.\nSource: [EHC guide](https://example.org/ehc), as of 2024-05-01.\n\nSee [the rules](https://example.org/rules) for more."
	got := markdownBlocks(in)
	want := []block{
		{Text: "The council must decide within six weeks. Source: EHC guide (https://example.org/ehc), as of 2024-05-01."},
		{Text: "See the rules for more."},
	}
	if fmt.Sprint(got) != fmt.Sprint(want) {
		t.Errorf("markdownBlocks:\n got %+v\nwant %+v", got, want)
	}
}
