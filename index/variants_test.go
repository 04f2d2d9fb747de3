package index

import (
	"context"
	"slices"
	"testing"
	"testing/fstest"

	"github.com/sendbot/sendbot/corpus"
)

func TestVariantsOf(t *testing.T) {
	// An index's text terms, Porter-stemmed and in order.
	vocab := []string{"anxieti", "anxiou", "assess", "assist", "complain", "complaint", "complet", "council", "counsel", "counsellor", "educ", "exclud", "exclus", "referr", "transpar", "transport", "tribun"}
	tests := []struct {
		name, stem string
		want       []string
	}{
		{"a derivation the stemmer keeps apart", "complain", []string{"complaint", "complet"}},
		{"from the longer word to the shorter", "complaint", []string{"complain"}},
		{"a stem of seven letters", "council", []string{"counsel", "counsellor"}},
		{"a stem no document uses", "transported", []string{"transport"}},
		{"a six-letter stem gets none", "exclus", nil},
		{"anxious stems to six letters", "anxiou", nil},
		{"a short word", "educ", nil},
		{"a stop word's length", "the", nil},
		{"nothing shares it", "mediation", nil},
		{"not a word", "ehcp2024", nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := variantsOf(tt.stem, vocab); !slices.Equal(got, tt.want) {
				t.Errorf("variantsOf(%q) = %q, want %q", tt.stem, got, tt.want)
			}
		})
	}
}

// variantsCorpus says "complaint" and "disagreement" where parents
// would ask how to complain or whether they can disagree.
var variantsCorpus = fstest.MapFS{
	"testshire/complaints.md": page("Complaints", "https://testshire.example/complaints", "2025-09-01", "local-offer",
		"# Complaints\n\nMake a complaint to the council in writing. A complaint is answered within 20 working days.\n"),
	"testshire/disagree.md": page("Disagreements", "https://testshire.example/disagree", "2025-09-01", "local-offer",
		"# Disagreements\n\nA disagreement resolution service helps when you and the school disagree.\n"),
	"testshire/forms.md": page("Forms", "https://testshire.example/forms", "2025-09-01", "local-offer",
		"# Forms\n\nFill in the form online. Ask the council for a paper form.\n"),
}

func TestVariantsSearched(t *testing.T) {
	ix := buildAnswerIndex(t, variantsCorpus, corpus.Glossary{})
	tests := []struct {
		name, question string
		want, notWant  []string // index terms searched, or not
	}{
		{"the documents' noun for the parent's verb", "how do i complain about the council", []string{"complain", "complaint"}, nil},
		{"a stem under seven letters gets none", "fill in the form", []string{"form"}, []string{"formal"}},
		{"ordinary short words get none", "can i ask online", []string{"ask", "onlin"}, []string{"asked"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			res := ask(t, ix, Query{Text: tt.question})
			for _, w := range tt.want {
				if !slices.Contains(res.Terms, w) {
					t.Errorf("%q searched %q, want %q among them", tt.question, res.Terms, w)
				}
			}
			for _, w := range tt.notWant {
				if slices.Contains(res.Terms, w) {
					t.Errorf("%q searched %q, want no %q", tt.question, res.Terms, w)
				}
			}
		})
	}
	t.Run("left out", func(t *testing.T) {
		tr, err := ix.Trace(context.Background(), Query{Text: "how do i complain about the council"}, Variants)
		if err != nil {
			t.Fatal(err)
		}
		if slices.Contains(tr.Result.Terms, "complaint") {
			t.Errorf("without variants searched %q, want no %q", tr.Result.Terms, "complaint")
		}
	})
}
