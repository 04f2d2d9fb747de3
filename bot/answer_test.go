package bot

import (
	"errors"
	"strings"
	"testing"
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
	e := answerEmbed(hits)
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
