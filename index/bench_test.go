package index

import (
	"context"
	"fmt"
	"math/rand/v2"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/sendbot/sendbot/corpus"
)

// benchPassages is the size of the generated corpus the benchmarks use:
// big enough that bleve's costs show, small enough for -benchtime 1x in a
// few seconds. bench/perf measures the sizes of issue 7.
const benchPassages = 3000

// benchWords is the vocabulary of the generated corpus: the words parents
// and SEND documents use, and some common filler.
var benchWords = strings.Fields(`
	education health care plan ehcp needs assessment autism adhd school
	support special educational disabilities local offer short breaks
	respite transport tribunal appeal annual review senco mainstream
	speech language therapy occupational sensory mental camhs parent carer
	forum personal budget preparing adulthood college apprenticeship early
	years nursery diagnosis waiting list referral council inspection
	exclusion behaviour anxiety attendance funding teaching assistant
	mediation advice information service family child young people help
	the and of to for with your their can will when about from who what
	must should may after before each every month week year team contact`)

// benchAreas are the areas the generated documents are in.
var benchAreas = []string{"Northshire", "Southby", "Eastwick", "Westford", "England"}

// benchDocs generates benchPassages passages in documents of fifty, the
// same on every run.
func benchDocs() []corpus.Document {
	rng := rand.New(rand.NewPCG(1, 2))
	say := func(n int) string {
		w := make([]string, n)
		for i := range w {
			w[i] = benchWords[rng.IntN(len(benchWords))]
		}
		return strings.Join(w, " ")
	}
	var docs []corpus.Document
	for i := 0; i < benchPassages/50; i++ {
		d := corpus.Document{
			Path:      fmt.Sprintf("doc-%03d.md", i),
			Format:    "markdown",
			Title:     say(5),
			SourceURL: fmt.Sprintf("https://example.org/doc-%03d", i),
			Area:      benchAreas[i%len(benchAreas)],
			Kind:      "local-offer",
		}
		for j := range 50 {
			d.Passages = append(d.Passages, corpus.Passage{
				ID:      fmt.Sprintf("p%02d", j),
				Section: say(3),
				Text:    say(60 + rng.IntN(80)),
			})
		}
		docs = append(docs, d)
	}
	return docs
}

// BenchmarkBuild times Rebuild, the bot's whole build path, on the
// generated corpus:
//
//	go test -run '^$' -bench Build -benchtime 1x ./index
func BenchmarkBuild(b *testing.B) {
	docs := benchDocs()
	dir := filepath.Join(b.TempDir(), "index")
	g := corpus.BuiltinGlossary()
	var took time.Duration
	for b.Loop() {
		start := time.Now()
		if err := Rebuild(context.Background(), dir, docs, g, Source{}); err != nil {
			b.Fatal(err)
		}
		took += time.Since(start)
	}
	b.ReportMetric(float64(benchPassages*b.N)/took.Seconds(), "passages/s")
}

// benchQueries are parent-style questions, some with an area, as the bot
// asks them.
var benchQueries = []Query{
	{Text: "how do i get an ehcp"},
	{Text: "autism assessment waiting list", Area: "Northshire"},
	{Text: "short breaks for disabled children"},
	{Text: "what is the local offer", Area: "Southby"},
	{Text: "speech and language therapy referral"},
	{Text: "annual review of an education health and care plan", Area: "Eastwick"},
	{Text: "school transport for my child"},
	{Text: "appeal to the tribunal"},
}

// BenchmarkSearch times Live.Search, the bot's path (area filter, synonyms,
// highlighting), one question per iteration in turn:
//
//	go test -run '^$' -bench Search -benchtime 1x ./index
func BenchmarkSearch(b *testing.B) {
	dir := filepath.Join(b.TempDir(), "index")
	if err := Rebuild(context.Background(), dir, benchDocs(), corpus.BuiltinGlossary(), Source{}); err != nil {
		b.Fatal(err)
	}
	live, err := OpenLive(dir)
	if err != nil {
		b.Fatal(err)
	}
	defer live.Close()
	ctx := context.Background()
	i := 0
	for b.Loop() {
		q := benchQueries[i%len(benchQueries)]
		res, err := live.Search(ctx, q)
		if err != nil {
			b.Fatalf("search %q: %v", q.Text, err)
		}
		if len(res.Hits) == 0 {
			b.Fatalf("search %q: no hits", q.Text)
		}
		i++
	}
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "searches/s")
}

// BenchmarkKnows times Knows on a word it has not been asked before, as
// /gaps asks of each word of a declined or answered question, for a word
// most passages use and one none does:
//
//	go test -run '^$' -bench Knows ./index
func BenchmarkKnows(b *testing.B) {
	dir := filepath.Join(b.TempDir(), "index")
	if err := Rebuild(context.Background(), dir, benchDocs(), corpus.BuiltinGlossary(), Source{}); err != nil {
		b.Fatal(err)
	}
	ix, err := Open(dir)
	if err != nil {
		b.Fatal(err)
	}
	defer ix.Close()
	for _, word := range []string{"funding", "zorbing"} {
		b.Run(word, func(b *testing.B) {
			for b.Loop() {
				if ix.knows(word) != (word == "funding") {
					b.Fatalf("knows(%q) = %v", word, !(word == "funding"))
				}
			}
		})
	}
}
