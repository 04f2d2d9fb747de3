package index

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"os"
	"path/filepath"
	"reflect"
	"runtime"
	"slices"
	"sort"
	"strings"
	"sync/atomic"
	"testing"
	"testing/fstest"
	"time"

	"github.com/blevesearch/bleve/v2"
	"github.com/blevesearch/bleve/v2/index/scorch"
	bleveindex "github.com/blevesearch/bleve_index_api"

	"github.com/sendbot/sendbot/corpus"
)

// testCorpus is a small two-area corpus in the real layout.
var testCorpus = fstest.MapFS{
	"testshire/assessment.md": {Data: []byte(`---
title: Asking for an EHC needs assessment in Testshire
source_url: https://testshire.example/ehc
published: 2024-03-01
kind: local-offer
---
# Asking for an EHC needs assessment in Testshire

## How to ask

A parent can write to the council's SEN team to request an education, health and care needs assessment. The council must tell you within six weeks whether it will assess your child, and a plan must be issued within twenty weeks of the request.
`)},
	"testshire/short-breaks.md": {Data: []byte(`---
title: Short breaks
source_url: https://testshire.example/short-breaks
kind: local-offer
---
# Short breaks

Short breaks give disabled children and young people the chance to enjoy activities away from their parent carers, and give families a rest. Targeted short breaks are clubs anyone eligible can join without an assessment.
`)},
	"otherton/waits.md": {Data: []byte(`---
title: Umbrella pathway waiting times
source_url: https://otherton.example/umbrella
published: 2025-07-04
kind: news
---
# Umbrella pathway waiting times

Children in Otherton wait more than two years for an autism assessment on the umbrella pathway, and councillors were told the waiting list had grown again this year.
`)},
}

// buildTestIndex indexes testCorpus with the built-in glossary.
func buildTestIndex(t *testing.T) *Index {
	t.Helper()
	return buildAnswerIndex(t, testCorpus, corpus.BuiltinGlossary())
}

func TestSearchFindsAndCites(t *testing.T) {
	ix := buildTestIndex(t)
	tests := []struct {
		name      string
		q         Query
		wantTitle string
		wantURL   string
		wantBold  string
	}{
		{"plain question", Query{Text: "when does the council decide whether to assess?"}, "Asking for an EHC needs assessment in Testshire", "https://testshire.example/ehc", "assess"},
		{"stemmed words", Query{Text: "waiting for autism assessments"}, "Umbrella pathway waiting times", "https://otherton.example/umbrella", "autism"},
		{"area filter, any case", Query{Text: "autism assessment waiting list", Area: "OTHERTON"}, "Umbrella pathway waiting times", "https://otherton.example/umbrella", "assessment"},
		{"title words count", Query{Text: "short breaks"}, "Short breaks", "https://testshire.example/short-breaks", "Short"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			res, err := ix.Search(context.Background(), tt.q)
			if err != nil {
				t.Fatal(err)
			}
			if !res.Answered || len(res.Hits) == 0 {
				t.Fatalf("not answered: %+v", res)
			}
			h := res.Hits[0]
			if h.Title != tt.wantTitle || h.SourceURL != tt.wantURL {
				t.Errorf("top hit %q <%s>, want %q <%s>", h.Title, h.SourceURL, tt.wantTitle, tt.wantURL)
			}
			var bold []string
			for _, m := range h.Matches {
				bold = append(bold, h.Text[m.Start:m.End])
			}
			if !contains(bold, tt.wantBold) {
				t.Errorf("matched words %q should include %q", bold, tt.wantBold)
			}
			if tt.q.Area != "" {
				for _, h := range res.Hits {
					if !strings.EqualFold(h.Area, tt.q.Area) {
						t.Errorf("hit from area %q with area filter %q", h.Area, tt.q.Area)
					}
				}
			}
		})
	}
}

// TestHitsNameTheirPassage wants a hit's PassageID to be its passage's
// own ID, whatever its document's path holds.
func TestHitsNameTheirPassage(t *testing.T) {
	docs := []corpus.Document{
		{Path: "testshire/c#sharp@club.md", Title: "Coding club", Area: "Testshire", Passages: []corpus.Passage{
			{ID: "0123456789abcdef", Text: "A coding club for disabled children on Saturdays."},
			{ID: "0123456789abcdef-2", Text: "The coding club also runs in the holidays."},
		}},
	}
	ix := buildAndOpen(t, docs, corpus.Glossary{})
	res, err := ix.Search(context.Background(), Query{Text: "coding club"})
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, h := range res.Hits {
		got = append(got, h.PassageID())
	}
	slices.Sort(got)
	if want := []string{"0123456789abcdef", "0123456789abcdef-2"}; !slices.Equal(got, want) {
		t.Errorf("the hits name passages %q, want %q", got, want)
	}
}

func TestSearchDeclinesAndRejects(t *testing.T) {
	ix := buildTestIndex(t)
	tests := []struct {
		name    string
		text    string
		area    string
		wantErr error
	}{
		{"empty", "   ", "", ErrNoWords},
		{"punctuation only", "?!... ---", "", ErrNoWords},
		{"stop words only", "what is the", "", ErrNoWords},
		{"too long", strings.Repeat("a", MaxQueryRunes+1), "", ErrTooLong},
		{"unknown area", "short breaks", "Atlantis", ErrUnknownArea},
		{"off topic", "cheap flights to spain", "", nil},
		{"query syntax is only words", `+title:x* ~ /re.*/ "`, "", nil},
		{"emoji and right-to-left", "🙂 مرحبا שלום", "", nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			res, err := ix.Search(context.Background(), Query{Text: tt.text, Area: tt.area})
			if tt.wantErr != nil {
				if !errors.Is(err, tt.wantErr) {
					t.Fatalf("err = %v, want %v", err, tt.wantErr)
				}
				return
			}
			if err != nil && !errors.Is(err, ErrNoWords) {
				t.Fatalf("unexpected error: %v", err)
			}
			if res.Answered {
				t.Errorf("answered an off-topic question with %q", res.Hits[0].Text)
			}
		})
	}
}

func TestUnknownAreaNamesTheKnownOnes(t *testing.T) {
	ix := buildTestIndex(t)
	_, err := ix.Search(context.Background(), Query{Text: "breaks", Area: "Atlantis"})
	if err == nil || !strings.Contains(err.Error(), "Otherton, Testshire") {
		t.Errorf("error should list the areas there are: %v", err)
	}
}

func TestInfoRecordsSourceAndAreas(t *testing.T) {
	ix := buildTestIndex(t)
	info := ix.Info()
	if info.Source.Fingerprint != "abc" || info.Documents != 3 || info.Passages != 3 || info.MappingVersion != MappingVersion {
		t.Errorf("info = %+v", info)
	}
	if got := strings.Join(ix.Areas(), ","); got != "Otherton,Testshire" {
		t.Errorf("areas = %s", got)
	}
}

func TestOpenMissingAndOldIndexes(t *testing.T) {
	if _, err := Open(filepath.Join(t.TempDir(), "nothing")); !errors.Is(err, ErrNoIndex) {
		t.Errorf("missing index: err = %v, want ErrNoIndex", err)
	}
	// An index made by plain bleve (or an older sendbot) has no sendbot info.
	dir := filepath.Join(t.TempDir(), "old")
	b, err := bleve.New(dir, bleve.NewIndexMapping())
	if err != nil {
		t.Fatal(err)
	}
	b.Close()
	if _, err := Open(dir); !errors.Is(err, ErrOldMapping) {
		t.Errorf("foreign index: err = %v, want ErrOldMapping", err)
	}
}

func TestRebuildReplacesIndex(t *testing.T) {
	c, _ := corpus.Load(testCorpus)
	dir := filepath.Join(t.TempDir(), "index")
	ctx := context.Background()
	if err := Rebuild(ctx, dir, c.Documents[:1], corpus.BuiltinGlossary(), Source{Fingerprint: "one"}); err != nil {
		t.Fatal(err)
	}
	if err := Rebuild(ctx, dir, c.Documents, corpus.BuiltinGlossary(), Source{Fingerprint: "two"}); err != nil {
		t.Fatal(err)
	}
	ix, err := Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	defer ix.Close()
	if ix.Info().Source.Fingerprint != "two" || ix.Info().Documents != 3 {
		t.Errorf("after rebuild: %+v", ix.Info())
	}
	// Only the lock file stays beside the index.
	left, _ := filepath.Glob(dir + ".*")
	if len(left) != 1 || left[0] != dir+".lock" {
		t.Errorf("rebuild left folders behind: %v", left)
	}
	// A cancelled build keeps the old index.
	cancelled, cancel := context.WithCancel(ctx)
	cancel()
	if err := Rebuild(cancelled, dir, c.Documents, corpus.BuiltinGlossary(), Source{Fingerprint: "three"}); err == nil {
		t.Fatal("cancelled rebuild succeeded")
	}
	ix2, err := Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	defer ix2.Close()
	if ix2.Info().Source.Fingerprint != "two" {
		t.Errorf("failed rebuild replaced the index: %+v", ix2.Info())
	}
}

func contains(list []string, want string) bool {
	for _, s := range list {
		if strings.EqualFold(s, want) {
			return true
		}
	}
	return false
}

// manyBatches is how many batches writeInBatches writes, and per how many
// passages each holds.
const manyBatches, per = 40, 50

// writeInBatches writes manyBatches small batches to idx, as a large build
// does, and closes it.
func writeInBatches(t *testing.T, idx bleve.Index) {
	t.Helper()
	for i := range manyBatches {
		b := idx.NewBatch()
		for j := range per {
			d := corpus.Document{Path: fmt.Sprintf("testshire/doc-%03d.md", i), Title: "Leaflet", Area: "Testshire"}
			p := corpus.Passage{ID: fmt.Sprintf("p%d", j), Text: fmt.Sprintf("Passage %d of leaflet %d about short breaks.", j, i)}
			if err := b.Index(passageID(d, p), passageFields(d, p)); err != nil {
				t.Fatal(err)
			}
		}
		if err := idx.Batch(b); err != nil {
			t.Fatal(err)
		}
	}
	if err := idx.Close(); err != nil {
		t.Fatal(err)
	}
}

// readerOf is a reader of idx's current snapshot, closed when the test ends.
func readerOf(t *testing.T, idx bleve.Index) bleveindex.IndexReader {
	t.Helper()
	adv, err := idx.Advanced()
	if err != nil {
		t.Fatal(err)
	}
	r, err := adv.Reader()
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { r.Close() })
	return r
}

// scorchOf is idx's scorch index, for its segments and statistics.
func scorchOf(t *testing.T, idx bleve.Index) *scorch.Scorch {
	t.Helper()
	adv, err := idx.Advanced()
	if err != nil {
		t.Fatal(err)
	}
	s, ok := adv.(*scorch.Scorch)
	if !ok {
		t.Fatalf("index is a %T", adv)
	}
	return s
}

// TestWritingDoesNotMergeInTheBackground writes an index in many small
// batches with the configuration Build and Update write with, and wants
// bleve to have planned no merge of segment files meanwhile: compact
// merges them all at the end, so a merge before it writes the same
// passages twice. bleve's default plans merges once a tier has ten
// segments; this writes forty.
func TestWritingDoesNotMergeInTheBackground(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "index")
	idx, err := bleve.NewUsing(dir, newMapping(nil), scorch.Name, scorch.Name, writeConfig)
	if err != nil {
		t.Fatal(err)
	}
	stats := scorchOf(t, idx).Stats().(*scorch.Stats)
	writeInBatches(t, idx)
	if planned := atomic.LoadUint64(&stats.TotFileMergePlan); planned == 0 {
		t.Fatal("bleve's merger never looked at the index: the test shows nothing")
	}
	if tasks := atomic.LoadUint64(&stats.TotFileMergePlanTasks); tasks != 0 {
		t.Errorf("bleve planned %d merges while the batches went in, want none", tasks)
	}
}

// TestCompactLeavesOneSegment writes an index in many small batches, as a
// large build does and with its configuration, so that compact finds all
// forty segments unmerged, and checks that compacting it leaves one
// segment and no other segment file on disk: once, one round of merging
// left two halves of a 100,000-passage index, doubling its size on disk.
func TestCompactLeavesOneSegment(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "index")
	idx, err := bleve.NewUsing(dir, newMapping(nil), scorch.Name, scorch.Name, writeConfig)
	if err != nil {
		t.Fatal(err)
	}
	writeInBatches(t, idx)
	if err := compact(t.Context(), dir); err != nil {
		t.Fatal(err)
	}
	files, err := filepath.Glob(filepath.Join(dir, "store", "*.zap"))
	if err != nil || len(files) != 1 {
		t.Errorf("segment files on disk after compacting: %d %v, want 1", len(files), err)
	}
	idx, err = bleve.Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	defer idx.Close()
	if files, err := segmentFiles(scorchOf(t, idx)); err != nil || len(files) != 1 {
		t.Errorf("segments after compacting: %d %v, want 1", len(files), err)
	}
	if n, err := idx.DocCount(); err != nil || n != manyBatches*per {
		t.Errorf("passages after compacting: %d %v, want %d", n, err, manyBatches*per)
	}
}

// TestBuildWritesEveryBatch builds a corpus of several batches, which are
// written two at a time, and finds passages from the first and the last.
func TestBuildWritesEveryBatch(t *testing.T) {
	n := batchPassages*2 + 500 // three batches, the last a short one
	var docs []corpus.Document
	for i := 0; i < n/100; i++ {
		d := corpus.Document{Path: fmt.Sprintf("testshire/doc-%03d.md", i), Title: fmt.Sprintf("Leaflet %d", i), Area: "Testshire", Kind: "local-offer"}
		for j := range 100 {
			d.Passages = append(d.Passages, corpus.Passage{ID: fmt.Sprintf("p%d", j), Text: fmt.Sprintf("Passage %d of leaflet %d about short breaks.", j, i)})
		}
		docs = append(docs, d)
	}
	docs[0].Passages[0].Text = "Kestrel club runs on Saturdays."
	docs[len(docs)-1].Passages[99].Text = "Osprey group meets after school."
	dir := filepath.Join(t.TempDir(), "index")
	if err := Build(t.Context(), dir, docs, corpus.BuiltinGlossary(), Source{}); err != nil {
		t.Fatal(err)
	}
	ix, err := Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	defer ix.Close()
	if got := ix.Info().Passages; got != n {
		t.Errorf("Info().Passages = %d, want %d", got, n)
	}
	if count, err := ix.bleve.DocCount(); err != nil || count != uint64(n) {
		t.Errorf("index holds %d passages (%v), want %d", count, err, n)
	}
	for _, q := range []string{"kestrel club", "osprey group"} {
		res, err := ix.Search(t.Context(), Query{Text: q})
		if err != nil || len(res.Hits) == 0 || !strings.Contains(strings.ToLower(res.Hits[0].Text), q) {
			t.Errorf("%q: %+v, %v", q, res.Hits, err)
		}
	}
}

// TestSayNoMeansRefuse: a parent asks whether the council can "say no";
// documents say "refuse". The passage that merely has the council saying
// something must not come first.
// TestRebuildHandsBackItsMemory rebuilds an index of 10,000 passages and
// wants the memory the build took and no longer uses handed back to the
// system when Rebuild returns, not left for Go to collect and hand back
// bit by bit while the searches that follow are answered.
func TestRebuildHandsBackItsMemory(t *testing.T) {
	if testing.Short() {
		t.Skip("builds 10,000 passages")
	}
	words := strings.Fields("plan school support child needs assessment council health care transport therapy " +
		"parent carer forum review annual tribunal appeal mediation budget respite break travel eligibility")
	var docs []corpus.Document
	for d := range 100 {
		doc := corpus.Document{Path: fmt.Sprintf("testshire/doc%03d.md", d), Title: "Document " + words[d%len(words)], Area: "Testshire"}
		for p := range 100 {
			var text []string
			for w := range 60 {
				text = append(text, words[(d*7+p*13+w*w)%len(words)])
			}
			doc.Passages = append(doc.Passages, corpus.Passage{ID: fmt.Sprintf("p%03d", p), Text: strings.Join(text, " ")})
		}
		docs = append(docs, doc)
	}
	dir := filepath.Join(t.TempDir(), "index")
	if err := Rebuild(context.Background(), dir, docs, corpus.BuiltinGlossary(), Source{}); err != nil {
		t.Fatal(err)
	}
	// Right after Rebuild, Go should hold from the system little more
	// than the heap still in use once the garbage is collected.
	var after, live runtime.MemStats
	runtime.ReadMemStats(&after)
	runtime.GC()
	runtime.ReadMemStats(&live)
	runtime.KeepAlive(docs) // in use throughout, as a caller's corpus is
	held := after.HeapSys - after.HeapReleased
	t.Logf("after the rebuild Go holds %d MiB of heap from the system; %d MiB are in use once collected", held>>20, live.HeapInuse>>20)
	if held > live.HeapInuse+32<<20 {
		t.Errorf("after the rebuild Go holds %d MiB of heap from the system, and only %d MiB are in use once collected", held>>20, live.HeapInuse>>20)
	}
}

// TestLargeBuildsAreMergedInParts builds a corpus of more passages than
// a part holds (partPassages, made small here, but several batches) twice,
// and wants each build to leave one segment of each part's passages, in
// the order they went in, and one of the rest, holding the same passages
// both times: then two builds of a corpus score its passages the same.
func TestLargeBuildsAreMergedInParts(t *testing.T) {
	defer func(saved int) { partPassages = saved }(partPassages)
	partPassages = batchPassages*2 + 500
	var docs []corpus.Document
	for i := range (partPassages*2 + batchPassages) / 50 {
		d := corpus.Document{Path: fmt.Sprintf("testshire/doc-%03d.md", i), Title: fmt.Sprintf("Leaflet %d", i), Area: "Testshire", Kind: "local-offer"}
		for j := range 50 {
			d.Passages = append(d.Passages, corpus.Passage{ID: fmt.Sprintf("p%02d", j), Text: fmt.Sprintf("Passage %d of leaflet %d about short breaks.", j, i)})
		}
		docs = append(docs, d)
	}
	// The passages of each part, as they went in.
	want := make([][]string, 3)
	n := 0
	for _, d := range docs {
		for _, p := range d.Passages {
			want[min(n/partPassages, 2)] = append(want[min(n/partPassages, 2)], passageID(d, p))
			n++
		}
	}
	for i := range want {
		sort.Strings(want[i])
	}
	for build := range 2 {
		ix := buildAndOpen(t, docs, corpus.BuiltinGlossary())
		r, err := ix.reader()
		if err != nil {
			t.Fatal(err)
		}
		var got [][]string
		for _, s := range r.(*scorch.IndexSnapshot).Segments() {
			var ids []string
			for num := range s.Count() {
				id, err := s.DocID(num)
				if err != nil {
					t.Fatal(err)
				}
				ids = append(ids, string(id))
			}
			sort.Strings(ids)
			got = append(got, ids)
		}
		r.Close()
		sort.Slice(got, func(i, j int) bool { return got[i][0] < got[j][0] })
		if !reflect.DeepEqual(got, want) {
			sizes := func(parts [][]string) (out []int) {
				for _, p := range parts {
					out = append(out, len(p))
				}
				return out
			}
			t.Errorf("build %d: segments of %v passages, want the parts' %v", build, sizes(got), sizes(want))
		}
	}
}

// TestRebuildFromReadsOnceAndBuildsWhatRebuildBuilds rebuilds the
// built-in corpus from its documents one at a time, and wants the
// iterator ranged over once, the same common words, the same record and
// the same answers to the built-in eval's questions as Rebuild gives.
func TestRebuildFromReadsOnceAndBuildsWhatRebuildBuilds(t *testing.T) {
	c, err := corpus.Load(corpus.Default())
	if err != nil {
		t.Fatal(err)
	}
	g := corpus.BuiltinGlossary().Merge(c.Glossary)
	src := Source{Name: "default", Fingerprint: "abc"}
	held, streamed := filepath.Join(t.TempDir(), "held"), filepath.Join(t.TempDir(), "streamed")
	if err := Rebuild(t.Context(), held, c.Documents, g, src); err != nil {
		t.Fatal(err)
	}
	ranged := 0
	docs := func(yield func(corpus.Document, error) bool) {
		ranged++
		for _, d := range c.Documents {
			if !yield(d, nil) {
				return
			}
		}
	}
	if err := RebuildFrom(t.Context(), streamed, docs, g, src); err != nil {
		t.Fatal(err)
	}
	if ranged != 1 {
		t.Errorf("RebuildFrom ranged over the documents %d times, want once", ranged)
	}
	a, err := Open(held)
	if err != nil {
		t.Fatal(err)
	}
	defer a.Close()
	b, err := Open(streamed)
	if err != nil {
		t.Fatal(err)
	}
	defer b.Close()
	if wa, wb := slices.Sorted(maps.Keys(a.pairs.common)), slices.Sorted(maps.Keys(b.pairs.common)); !slices.Equal(wa, wb) || len(wa) == 0 {
		t.Errorf("common words %v, Rebuild's %v", wb, wa)
	}
	ia, ib := a.Info(), b.Info()
	ia.BuiltAt, ib.BuiltAt = time.Time{}, time.Time{}
	if !reflect.DeepEqual(ia, ib) {
		t.Errorf("RebuildFrom recorded %+v, Rebuild %+v", ib, ia)
	}
	da, err := a.Documents("")
	if err != nil {
		t.Fatal(err)
	}
	db, err := b.Documents("")
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(da, db) || len(da) == 0 {
		t.Errorf("RebuildFrom listed %d documents, Rebuild %d, or not the same", len(db), len(da))
	}
	asked := 0
	for _, q := range defaultQuestions(t) {
		want, err := a.Search(t.Context(), Query{Text: q.Question, Area: q.Area})
		if err != nil {
			continue // no words to search for, or an area of another corpus
		}
		got, err := b.Search(t.Context(), Query{Text: q.Question, Area: q.Area})
		if err != nil {
			t.Fatal(err)
		}
		asked++
		if shown(got) != shown(want) {
			t.Errorf("%s %q: RebuildFrom's index shows\n%s\nRebuild's\n%s", q.ID, q.Question, shown(got), shown(want))
		}
	}
	if asked < 20 {
		t.Errorf("only %d questions compared", asked)
	}
}

// TestRebuildFromStopsAtAnError has the documents fail half-way and wants
// the error back and the folder left without an index.
func TestRebuildFromStopsAtAnError(t *testing.T) {
	c, err := corpus.Load(corpus.Default())
	if err != nil {
		t.Fatal(err)
	}
	broken := errors.New("disk on fire")
	docs := func(yield func(corpus.Document, error) bool) {
		for i, d := range c.Documents {
			if i == len(c.Documents)/2 {
				yield(corpus.Document{}, broken)
				return
			}
			if !yield(d, nil) {
				return
			}
		}
	}
	dir := filepath.Join(t.TempDir(), "index")
	if err := RebuildFrom(t.Context(), dir, docs, corpus.BuiltinGlossary(), Source{}); !errors.Is(err, broken) {
		t.Fatalf("RebuildFrom gave %v, want the documents' error", err)
	}
	if _, err := Open(dir); !errors.Is(err, ErrNoIndex) {
		t.Errorf("after a failed RebuildFrom, Open gives %v, want ErrNoIndex", err)
	}
	entries, _ := os.ReadDir(filepath.Dir(dir))
	for _, e := range entries {
		if strings.Contains(e.Name(), buildingInfix) {
			t.Errorf("%s is left behind", e.Name())
		}
	}
}

// TestDocumentsOfOneFileKeepTheirOwnFields builds two documents of one
// file, as a service directory gives each service, and wants each
// passage shown with its own document's title, area and kind: a build
// makes the fields a document's passages share once per document, not
// once per file.
func TestDocumentsOfOneFileKeepTheirOwnFields(t *testing.T) {
	docs := []corpus.Document{
		{Path: "testshire/services.json", Title: "Kestrel club", Area: "Testshire", Kind: "service",
			Passages: []corpus.Passage{{ID: "s1", Text: "A Saturday club for disabled children, with games and a snack."}}},
		{Path: "testshire/services.json", Title: "Osprey sensory room", Area: "Otherton", Kind: "local-offer",
			Passages: []corpus.Passage{{ID: "s2", Text: "A sensory room for disabled children to book by the hour."}}},
	}
	ix := buildAndOpen(t, docs, corpus.BuiltinGlossary())
	for _, want := range []struct{ query, title, area, kind string }{
		{"saturday club games snack", "Kestrel club", "Testshire", "service"},
		{"sensory room book by the hour", "Osprey sensory room", "Otherton", "local-offer"},
	} {
		res, err := ix.Search(t.Context(), Query{Text: want.query, K: 1})
		if err != nil {
			t.Fatal(err)
		}
		if len(res.Hits) == 0 {
			t.Fatalf("%q: no hits", want.query)
		}
		if h := res.Hits[0]; h.Title != want.title || h.Area != want.area || h.Kind != want.kind {
			t.Errorf("%q: %q in %s (%s), want %q in %s (%s)", want.query, h.Title, h.Area, h.Kind, want.title, want.area, want.kind)
		}
	}
}
