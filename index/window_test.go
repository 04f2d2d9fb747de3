package index

import (
	"strings"
	"testing"
	"unicode/utf8"
)

func spansOf(text string, words ...string) []Span {
	var out []Span
	for _, w := range words {
		i := strings.Index(text, w)
		if i >= 0 {
			out = append(out, Span{Start: i, End: i + len(w)})
		}
	}
	return out
}

func TestWindowShortTextIsWhole(t *testing.T) {
	text := "A short passage about short breaks."
	got, spans := window(text, spansOf(text, "breaks"), 700)
	if got != text || len(spans) != 1 || got[spans[0].Start:spans[0].End] != "breaks" {
		t.Errorf("window = %q %v", got, spans)
	}
}

func TestWindowCentresOnMatchesAndCutsOnWords(t *testing.T) {
	filler := strings.Repeat("Parents told the council about many things in long meetings. ", 30) // ~1800 chars
	text := filler + "The wait for an autism assessment is over two years. " + filler
	got, spans := window(text, spansOf(text, "autism", "assessment"), 700)
	if n := utf8.RuneCountInString(got); n > 700 {
		t.Fatalf("window is %d runes, over 700", n)
	}
	if !strings.HasPrefix(got, "…") || !strings.HasSuffix(got, "…") {
		t.Errorf("a cut on both sides should show ellipses: %q", got[:40])
	}
	if !strings.Contains(got, "The wait for an autism assessment is over two years.") {
		t.Errorf("the matching sentence is missing")
	}
	body := strings.TrimSuffix(strings.TrimPrefix(got, "…"), "…")
	if !strings.HasPrefix(body, "Parents") || !strings.HasSuffix(body, ".") {
		t.Errorf("window should start and end on sentence boundaries: %q … %q", body[:20], body[len(body)-20:])
	}
	var bold []string
	for _, s := range spans {
		bold = append(bold, got[s.Start:s.End])
	}
	if strings.Join(bold, ",") != "autism,assessment" {
		t.Errorf("moved spans mark %q", bold)
	}
}

func TestWindowMultibyteAndNoSpaces(t *testing.T) {
	text := strings.Repeat("é", 2000)
	got, _ := window(text, nil, 700)
	if !utf8.ValidString(got) || utf8.RuneCountInString(got) > 700 {
		t.Errorf("window of one huge word: %d runes, valid=%v", utf8.RuneCountInString(got), utf8.ValidString(got))
	}
	// A span that does not sit on rune boundaries is dropped, not sliced.
	if _, spans := window("ééé", []Span{{Start: 1, End: 3}}, 700); len(spans) != 0 {
		t.Errorf("kept a span inside a rune: %v", spans)
	}
}

func TestShownDate(t *testing.T) {
	for published, want := range map[string]string{"2025-07-04": "4 July 2025", "": "date unknown", "soon": "date unknown"} {
		if got := (Hit{Published: published}).ShownDate(); got != want {
			t.Errorf("ShownDate(%q) = %q, want %q", published, got, want)
		}
	}
}
