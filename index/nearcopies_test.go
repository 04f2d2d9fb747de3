package index

import (
	"slices"
	"testing"
)

func TestNearCopyOf(t *testing.T) {
	tests := []struct {
		name, text, better string
		want               bool
	}{
		{"the same text", "The council must reply within six weeks.", "The council must reply within six weeks.", true},
		{"case and punctuation differ", "the council, must reply within SIX weeks", "The council must reply within six weeks.", true},
		{"half its runs shared", "the council must reply within a month", "Write to the council. The council must reply within six weeks.", true},
		{"a summary of a longer text", "Ask for an assessment. The council must reply within six weeks.", "Ask for an assessment in writing. The council must reply within six weeks. It must tell you why if it says no.", true},
		{"under half shared", "the council must decide what support your child needs at school", "The council must reply within six weeks.", false},
		{"the same words in another order", "weeks six within reply must council the", "The council must reply within six weeks.", false},
		{"shorter than three words", "Short breaks", "Short breaks for disabled children", false},
		{"nothing shared", "Direct payments pay for a personal assistant.", "The council must reply within six weeks.", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := nearCopyOf(threeWordRuns(tt.text), threeWordRuns(tt.better)); got != tt.want {
				t.Errorf("nearCopyOf(%q, %q) = %v, want %v", tt.text, tt.better, got, tt.want)
			}
		})
	}
}

func TestNearCopiesMoved(t *testing.T) {
	const (
		a = "The council must reply within six weeks of your request."
		b = "Direct payments can pay for a personal assistant for your child."
		c = "Short breaks give parent carers a rest from caring."
		d = "The local offer lists every service for children with SEND."
		e = "A tribunal hears appeals against the council's decisions."
		f = "Mediation must be considered before an appeal to the tribunal."
		g = "Transport to school is free for some children over eight."
	)
	tests := []struct {
		name  string
		texts []string
		want  []int
	}{
		{"no copies", []string{a, b, c, d, e, f}, []int{0, 1, 2, 3, 4, 5}},
		{"a copy second goes after the first five", []string{a, a, b, c, d, e, f}, []int{0, 2, 3, 4, 5, 1, 6}},
		{"a copy of a worse one stays", []string{a, b, "Direct payments can pay for a personal assistant.", c}, []int{0, 1, 3, 2}},
		{"two copies of one", []string{b, a, b, b, c, d, e, f, g}, []int{0, 1, 4, 5, 6, 2, 3, 7, 8}},
		{"a copy past the first five stays", []string{a, b, c, d, e, a, f}, []int{0, 1, 2, 3, 4, 5, 6}},
		{"fewer than five, all copies", []string{a, a, a}, []int{0, 1, 2}},
		{"none", nil, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := nearCopiesMoved(len(tt.texts), func(i int) wordRuns { return threeWordRuns(tt.texts[i]) })
			if !slices.Equal(got, tt.want) {
				t.Errorf("nearCopiesMoved = %v, want %v", got, tt.want)
			}
		})
	}
}
