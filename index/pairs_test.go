package index

import (
	"reflect"
	"testing"
)

func TestPairsOfCommonWords(t *testing.T) {
	m := newMapping([]string{"advic", "support", "servic", "mental", "health"})
	text := m.AnalyzerNamed(textIndexAnalyzer)
	pairs := m.AnalyzerNamed(pairsAnalyzer)
	plain := m.AnalyzerNamed(analyzer)
	in := []byte("Advice and support from the mental health service, and support services.")
	// The text field analyses as sendbot_en, whichever field goes first.
	for _, first := range []string{"text", "pairs"} {
		var got, gotPairs []string
		if first == "pairs" {
			for _, tk := range pairs.Analyze(in) {
				gotPairs = append(gotPairs, string(tk.Term))
			}
		}
		for _, tk := range text.Analyze(in) {
			got = append(got, string(tk.Term))
		}
		if first == "text" {
			for _, tk := range pairs.Analyze(in) {
				gotPairs = append(gotPairs, string(tk.Term))
			}
		}
		var want []string
		for _, tk := range plain.Analyze(in) {
			want = append(want, string(tk.Term))
		}
		if !reflect.DeepEqual(got, want) {
			t.Errorf("%s first: text field terms %q, want %q", first, got, want)
		}
		// Stop words between two words are kept as gaps.
		wantPairs := []string{"advic _ support", "support _ _ mental", "mental health", "health servic", "servic _ support", "support servic"}
		if !reflect.DeepEqual(gotPairs, wantPairs) {
			t.Errorf("%s first: pairs %q, want %q", first, gotPairs, wantPairs)
		}
	}
	ix := &Index{analyzer: plain, pairs: pairFilterOf(pairs)}
	if got, ok := ix.pairsOf("information, advice and support service"); ok {
		t.Errorf("pairsOf a phrase with an uncommon word = %q, want none", got)
	}
	got, ok := ix.pairsOf("advice and support service")
	if want := []string{"advic _ support", "support servic"}; !ok || !reflect.DeepEqual(got, want) {
		t.Errorf("pairsOf = %q %v, want %q", got, ok, want)
	}
	if got, want := pairWords("advic _ support"), []string{"advic", "support"}; !reflect.DeepEqual(got, want) {
		t.Errorf("pairWords = %q, want %q", got, want)
	}
}
