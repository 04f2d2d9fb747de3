package index

import (
	"testing"

	"github.com/sendbot/sendbot/corpus"
)

// A "What is X?" question is read as one however it is put, and a passage
// explains X when its heading asks what X is or its text says what X is,
// whether or not X is in the glossary.
func TestDefinitionQuestions(t *testing.T) {
	for _, tt := range []struct{ question, subject string }{
		{"What is an EHCP?", "ehcp"},
		{"what exactly is a sensory room", "sensory room"},
		{"what actually are short breaks", "short breaks"},
		{"what does camhs stand for", "camhs"},
		{"sensory room meaning", "sensory room"},
		{"what does eotas mean for my daughter", "eotas"},
		{"what do people mean by short breaks", "short breaks"},
		{"can someone explain what an EHCP is", "ehcp"},
		{"Sorry if this is a silly question, what is an EHCP? thanks", "ehcp"},
		{"im new to all this. what is an EHCP?", "ehcp"},
		{"My son is 7. What is a SENCO? Can they help?", ""},
		{"school keeps mentioning the graduated approach. what is it?", ""},
		{"what is that", ""},
		{"what support is there for autism", ""},
		{"what time does the club open", ""},
	} {
		if got := definitionSubject(tt.question); got != tt.subject {
			t.Errorf("definitionSubject(%q) = %q, want %q", tt.question, got, tt.subject)
		}
	}

	ix := buildAnswerIndex(t, answerCorpus, corpus.BuiltinGlossary())
	r, err := ix.reader()
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	qu := understood(t, ix, r, "what exactly is a sensory room?")
	if qu.subject != nil {
		t.Fatalf("sensory room is not in the glossary, yet the question's subject is %q", qu.subject.Terms[0])
	}
	for _, tt := range []struct {
		heading, text string
		explains      bool
	}{
		{"What is a sensory room?", "It has soft lights.", true},
		{"Rooms", "A sensory room is a quiet space with soft lights.", true},
		{"Rooms", "Sensory rooms are a place where a child can calm down.", true},
		{"Rooms", "The sensory room opens at nine.", false},
		{"What is a sensory garden?", "It has plants.", false},
	} {
		if got := ix.explains(qu, tt.heading, tt.text); got != tt.explains {
			t.Errorf("explains(%q, %q) = %v, want %v", tt.heading, tt.text, got, tt.explains)
		}
	}
}
