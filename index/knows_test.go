package index

import (
	"path/filepath"
	"testing"
	"testing/fstest"

	"github.com/sendbot/sendbot/corpus"
)

// knowsCorpus names a person, a street and an email address the way a
// service directory does, beside ordinary words.
var knowsCorpus = fstest.MapFS{
	"testshire/bounce.md": page("Bounce trampoline club", "https://testshire.example/bounce", "2026-01-01", "local-offer",
		"# Bounce trampoline club\n\nSmith House, 12 Acacia Road, Testshire TS1 4DJ. Contact Jack Smith on 07700 900123 or jack.smith@bounce.example, "+
			"or see www.oliverhall.example/patel.\n\nA trampoline club for disabled children, with quiet sessions on the green and road safety "+
			"walks. Ask for jane at the desk.\n"),
}

func TestKnowsOnlyTheDocumentsOrdinaryWords(t *testing.T) {
	ix := buildAnswerIndex(t, knowsCorpus, corpus.BuiltinGlossary())
	tests := []struct {
		name, word string
		want       bool
	}{
		{"a word the documents write in lower case", "trampoline", true},
		{"capitalised at the start of a question", "Trampoline", true},
		{"another form of it", "trampolines", true},
		{"a street word", "road", true},
		{"a word the documents never use", "zorbing", false},
		{"a stop word", "the", false},
		{"nothing", "", false},
		{"a surname the documents write with a capital", "smith", false},
		{"and in an email address", "Smith", false},
		{"a first name in an email address", "jack", false},
		{"a street name", "acacia", false},
		{"a word in a web address", "oliverhall", false},
		{"a name only, though a document writes it in lower case", "jane", false},
		{"a name the documents write in a web address", "patel", false},
		{"a word and a name, in lower case", "green", true},
		{"a word and a name, capitalised", "Green", false},
		{"a glossary term that is a name too", "SEN", true},
		{"the same, typed in lower case", "sen", true},
		{"a word of a glossary term", "independence", true},
		{"the same, capitalised: a name too", "Independence", false},
		{"a postcode's part", "dj", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			for range 2 { // the second answer is remembered
				if got := ix.Knows(tt.word); got != tt.want {
					t.Fatalf("Knows(%q) = %v, want %v", tt.word, got, tt.want)
				}
			}
		})
	}
}

func TestLiveKnowsNothingOnceClosed(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "index")
	c, err := corpus.Load(knowsCorpus)
	if err != nil {
		t.Fatal(err)
	}
	if err := Build(t.Context(), dir, c.Documents, corpus.BuiltinGlossary(), Source{Name: "test"}); err != nil {
		t.Fatal(err)
	}
	l, err := OpenLive(dir)
	if err != nil {
		t.Fatal(err)
	}
	if !l.Knows("trampoline") || l.Knows("acacia") {
		t.Errorf("Knows trampoline %v, acacia %v; want true, false", l.Knows("trampoline"), l.Knows("acacia"))
	}
	l.Close()
	if l.Knows("trampoline") {
		t.Errorf("a closed index knows trampoline")
	}
}

func TestAddressLike(t *testing.T) {
	tests := []struct {
		text string
		want bool
	}{
		{"jane.doe@example.com", true},
		{"@jackbounces", true},
		{"https://example.org/x", true},
		{"www.example.org", true},
		{"(www.example.org)", true},
		{"example.org,", true},
		{"road.", false},
		{"road,", false},
		{"carers", false},
	}
	for _, tt := range tests {
		if got := addressLike(tt.text); got != tt.want {
			t.Errorf("addressLike(%q) = %v, want %v", tt.text, got, tt.want)
		}
	}
}
