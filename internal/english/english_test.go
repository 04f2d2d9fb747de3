package english

import (
	"slices"
	"testing"
)

func TestDictionary(t *testing.T) {
	d := Dictionary()
	tests := []struct {
		word               string
		has, common, named bool
	}{
		{"coping", true, true, false},
		{"timetable", true, true, false},
		{"asses", true, true, false},
		{"Daughter", true, true, false}, // any case
		{"haven't", true, true, false},
		{"havent", false, false, false},
		{"asess", false, false, false},
		{"reading", true, true, false},
		{"leeds", true, false, true}, // only a name
		{"smith", true, true, true},  // a name and a word
		{"Jane", true, false, true},
		{"ehcp", false, false, false},
	}
	for _, tt := range tests {
		t.Run(tt.word, func(t *testing.T) {
			if got := d.Has(tt.word); got != tt.has {
				t.Errorf("Has(%q) = %v, want %v", tt.word, got, tt.has)
			}
			if got := d.Common(tt.word); got != tt.common {
				t.Errorf("Common(%q) = %v, want %v", tt.word, got, tt.common)
			}
			if got := d.Named(tt.word); got != tt.named {
				t.Errorf("Named(%q) = %v, want %v", tt.word, got, tt.named)
			}
		})
	}
}

func TestDistance(t *testing.T) {
	tests := []struct {
		a, b  string
		limit int
		want  int
	}{
		{"reveiw", "review", 2, 1}, // a swap is one edit
		{"asess", "assess", 2, 1},
		{"mediaton", "mediation", 2, 1},
		{"worcestshire", "worcestershire", 2, 2},
		{"abc", "abc", 0, 0},
		{"kitten", "sitting", 3, 3},
		{"kitten", "sitting", 1, 2}, // over the limit: limit+1
		{"", "ab", 2, 2},
	}
	for _, tt := range tests {
		if got := Distance(tt.a, tt.b, tt.limit); got != tt.want {
			t.Errorf("Distance(%q, %q, %d) = %d, want %d", tt.a, tt.b, tt.limit, got, tt.want)
		}
	}
}

func TestNear(t *testing.T) {
	d := New([]string{"assess", "asses", "asset", "bassess", "Assam", "review"})
	var got []string
	for _, c := range d.Near("asess", 1) {
		got = append(got, c.Word)
	}
	slices.Sort(got)
	if want := []string{"asses", "assess"}; !slices.Equal(got, want) {
		t.Errorf("Near(asess, 1) = %v, want %v (same first letter, one edit)", got, want)
	}
	if c := d.Near("reveiw", 1); len(c) != 1 || c[0].Word != "review" || c[0].Edits != 1 {
		t.Errorf("Near(reveiw, 1) = %v, want review at 1", c)
	}
}

func TestEveryday(t *testing.T) {
	for _, w := range []string{"actually", "Daughter", "weekend", "school"} {
		if !Everyday(w) {
			t.Errorf("Everyday(%q) = false, want true: one of the most common words", w)
		}
	}
	for _, w := range []string{"respite", "tribunal", "stammering", "ehcp"} {
		if Everyday(w) {
			t.Errorf("Everyday(%q) = true, want false: not among the most common words", w)
		}
	}
}

func TestPerson(t *testing.T) {
	for _, w := range []string{"son", "Daughter", "daughters", "children", "kids", "teacher", "parent"} {
		if !Person(w) {
			t.Errorf("Person(%q) = false, want true: an everyday noun for a person", w)
		}
	}
	for _, w := range []string{"school", "help", "assessment", "autistic", "tribunal", "plan", "ehcp"} {
		if Person(w) {
			t.Errorf("Person(%q) = true, want false: not a person", w)
		}
	}
}
