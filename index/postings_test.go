package index

import (
	"context"
	"fmt"
	"math/rand/v2"
	"path/filepath"
	"reflect"
	"sort"
	"strings"
	"testing"

	"github.com/blevesearch/bleve/v2"
	"github.com/blevesearch/bleve/v2/index/scorch"
	"github.com/blevesearch/bleve/v2/search"
	"github.com/blevesearch/bleve/v2/search/query"
	bleveindex "github.com/blevesearch/bleve_index_api"

	"github.com/sendbot/sendbot/corpus"
)

// Postings are read by the zapx of third_party/zapx, whose Advance jumps
// over whole chunks of postings instead of walking them one by one (see
// its SENDBOT.md). These tests hold it to what the postings hold.

// postingsPassages are the passages of the postings tests: words as
// common as every passage, every other one and every third (several
// chunks of postings each), one that fills a run of passages only, and
// rarer ones down to a word of one passage, each written a varying number
// of times.
const postingsPassages = 6000

// postingsText is passage i's text.
func postingsText(i int) string {
	var words []string
	add := func(w string, times int) {
		for range times {
			words = append(words, w)
		}
	}
	add("vell", 1)
	if i%2 == 0 {
		add("dax", 1+i%4)
	}
	if i%3 == 1 {
		add("mox", 1+i%3)
	}
	if i >= 2000 && i < 3100 {
		add("burg", 1+i%2)
	}
	if i%7 == 3 {
		add("flen", 1)
	}
	if i%50 == 0 {
		add("quib", 2)
	}
	if i == 4321 {
		add("zork", 1)
	}
	// Other words between them, so that positions and offsets vary.
	add("the plan says", i%3)
	add("vell", i%5/4)
	return strings.Join(words, " ")
}

var postingsWords = []string{"vell", "dax", "mox", "burg", "flen", "quib", "zork"}

// postingsLayouts are the indexes the postings tests read: one segment,
// as every built index is, and several with passages deleted, whole
// chunks of them and the one passage with "zork" included.
var postingsLayouts = []struct {
	name  string
	batch int
	del   func(int) bool
}{
	{"one segment", postingsPassages, nil},
	{"segments with deletions", 1500, func(i int) bool {
		return (i >= 200 && i < 1400) || (i >= 3000 && i < 4500 && i%5 == 0) || i == 4321
	}},
}

// posting is one passage's entry in a term's postings.
type posting struct {
	id      string // the passage's ID
	num     uint64 // bleve's number for it
	freq    uint64
	norm    float64
	vectors []bleveindex.TermFieldVector
}

// postingsIndex writes the test passages to a new index, in batches of
// batch passages (one segment each), then deletes the passages del says
// to, and returns it open.
func postingsIndex(t *testing.T, batch int, del func(int) bool) bleve.Index {
	t.Helper()
	idx, err := bleve.NewUsing(filepath.Join(t.TempDir(), "index"), newMapping(nil), scorch.Name, scorch.Name, writeConfig)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { idx.Close() })
	d := corpus.Document{Path: "testshire/postings.md", Title: "Postings", Area: "Testshire"}
	id := func(i int) string { return passageID(d, corpus.Passage{ID: fmt.Sprintf("p%04d", i)}) }
	for start := 0; start < postingsPassages; start += batch {
		b := idx.NewBatch()
		for i := start; i < min(start+batch, postingsPassages); i++ {
			p := corpus.Passage{ID: fmt.Sprintf("p%04d", i), Text: postingsText(i)}
			if err := b.Index(id(i), passageFields(d, p)); err != nil {
				t.Fatal(err)
			}
		}
		if err := idx.Batch(b); err != nil {
			t.Fatal(err)
		}
	}
	if del != nil {
		b := idx.NewBatch()
		for i := range postingsPassages {
			if del(i) {
				b.Delete(id(i))
			}
		}
		if err := idx.Batch(b); err != nil {
			t.Fatal(err)
		}
	}
	return idx
}

// wantPostings are term's postings in the text field as the passages'
// analysed text gives them, by passage ID, without the norms.
func wantPostings(term string, del func(int) bool) map[string]posting {
	a := textAnalyzer()
	d := corpus.Document{Path: "testshire/postings.md"}
	out := map[string]posting{}
	for i := range postingsPassages {
		if del != nil && del(i) {
			continue
		}
		var p posting
		for _, tok := range a.Analyze([]byte(postingsText(i))) {
			if string(tok.Term) == term {
				p.freq++
				p.vectors = append(p.vectors, bleveindex.TermFieldVector{Field: fieldText, Pos: uint64(tok.Position), Start: uint64(tok.Start), End: uint64(tok.End)})
			}
		}
		if p.freq > 0 {
			p.id = passageID(d, corpus.Passage{ID: fmt.Sprintf("p%04d", i)})
			out[p.id] = p
		}
	}
	return out
}

// read turns a term field reader's entry into a posting.
func read(t *testing.T, r bleveindex.IndexReader, tfd *bleveindex.TermFieldDoc) posting {
	t.Helper()
	id, err := r.ExternalID(tfd.ID)
	if err != nil {
		t.Fatal(err)
	}
	p := posting{id: id, num: tfd.ID.Value(), freq: tfd.Freq, norm: tfd.Norm}
	for _, v := range tfd.Vectors {
		p.vectors = append(p.vectors, bleveindex.TermFieldVector{Field: v.Field, Pos: v.Pos, Start: v.Start, End: v.End})
	}
	return p
}

// TestAdvanceFindsWhatWalkingFinds reads every test word's postings by
// walking them with Next, and checks them against the passages' text;
// then it jumps through them with Advance, to random places near and far
// (within a chunk, across several, back to where it is, past the end),
// mixed with Next, and wants each jump to land on the posting the walk
// found there, with the same frequency, norm and locations.
//
// It does so in an index of one segment, as every built index is, and in
// one of several segments with passages deleted, whole chunks of them
// included, where zapx walks the postings of all passages beside those
// of the live ones; with and without locations, as phrases and bare
// clauses read them.
func TestAdvanceFindsWhatWalkingFinds(t *testing.T) {
	for _, c := range postingsLayouts {
		t.Run(c.name, func(t *testing.T) {
			r := readerOf(t, postingsIndex(t, c.batch, c.del))
			for _, word := range postingsWords {
				term := string(textAnalyzer().Analyze([]byte(word))[0].Term)
				want := wantPostings(term, c.del)
				for _, locations := range []bool{true, false} {
					walked := walkPostings(t, r, term, locations)
					checkPostings(t, fmt.Sprintf("%s (locations %v)", term, locations), walked, want, locations)
					jumpPostings(t, r, term, locations, walked)
				}
			}
		})
	}
}

// walkPostings reads term's postings in the text field with Next.
func walkPostings(t *testing.T, r bleveindex.IndexReader, term string, locations bool) []posting {
	t.Helper()
	tfr, err := r.TermFieldReader(context.Background(), []byte(term), fieldText, true, true, locations)
	if err != nil {
		t.Fatal(err)
	}
	defer tfr.Close()
	var out []posting
	for {
		tfd, err := tfr.Next(nil)
		if err != nil {
			t.Fatal(err)
		}
		if tfd == nil {
			return out
		}
		out = append(out, read(t, r, tfd))
	}
}

// checkPostings compares walked postings with the passages' text.
func checkPostings(t *testing.T, label string, walked []posting, want map[string]posting, locations bool) {
	t.Helper()
	if len(walked) != len(want) {
		t.Fatalf("%s: %d postings, want %d", label, len(walked), len(want))
	}
	for _, got := range walked {
		w, ok := want[got.id]
		if !ok {
			t.Fatalf("%s: %s has no such word", label, got.id)
		}
		if !locations {
			w.vectors = nil
		}
		if got.freq != w.freq || !reflect.DeepEqual(got.vectors, w.vectors) {
			t.Fatalf("%s: %s read %d times at %v, want %d at %v", label, got.id, got.freq, got.vectors, w.freq, w.vectors)
		}
	}
}

// jumpPostings moves through term's postings with random Advances and
// Nexts, and wants each to land where walked says.
func jumpPostings(t *testing.T, r bleveindex.IndexReader, term string, locations bool, walked []posting) {
	t.Helper()
	if len(walked) == 0 { // a word whose passages are all deleted
		tfr, err := r.TermFieldReader(context.Background(), []byte(term), fieldText, true, true, locations)
		if err != nil {
			t.Fatal(err)
		}
		defer tfr.Close()
		if tfd, err := tfr.Advance(bleveindex.NewIndexInternalID(nil, 0), nil); err != nil || tfd != nil {
			t.Fatalf("%s: Advance gives %v (%v) where no passage has it", term, tfd, err)
		}
		return
	}
	last := walked[len(walked)-1].num
	rng := rand.New(rand.NewPCG(uint64(len(term)), uint64(len(walked))))
	for run := range 20 {
		tfr, err := r.TermFieldReader(context.Background(), []byte(term), fieldText, true, true, locations)
		if err != nil {
			t.Fatal(err)
		}
		at := -1 // the index in walked of the last posting read
		target := uint64(0)
		for step := 0; step < 200 && at < len(walked); step++ {
			var tfd *bleveindex.TermFieldDoc
			var what string
			if at >= 0 && rng.IntN(4) == 0 {
				what = "Next"
				tfd, err = tfr.Next(nil)
				at++
			} else {
				switch rng.IntN(5) {
				case 0: // where it is, or just after
					target = walked[max(at, 0)].num + uint64(rng.IntN(2))
				case 1: // within a chunk
					target += uint64(1 + rng.IntN(40))
				case 2: // across a chunk or two
					target += uint64(300 + rng.IntN(1500))
				case 3: // far
					target += uint64(rng.IntN(int(last) + 1))
				case 4: // past the end, now and then
					target = last + 1 + uint64(rng.IntN(3))
				}
				what = fmt.Sprintf("Advance(%d)", target)
				tfd, err = tfr.Advance(bleveindex.NewIndexInternalID(nil, target), nil)
				at = sort.Search(len(walked), func(i int) bool { return walked[i].num >= target })
			}
			if err != nil {
				t.Fatal(err)
			}
			label := fmt.Sprintf("%s (locations %v), run %d, step %d: %s", term, locations, run, step, what)
			if at >= len(walked) {
				if tfd != nil {
					t.Fatalf("%s gives passage %d, want none", label, tfd.ID.Value())
				}
				break
			}
			if tfd == nil {
				t.Fatalf("%s gives none, want passage %d", label, walked[at].num)
			}
			if got := read(t, r, tfd); !reflect.DeepEqual(got, walked[at]) {
				t.Fatalf("%s gives\n%+v\nwant\n%+v", label, got, walked[at])
			}
			target = walked[at].num
		}
		tfr.Close()
	}
}

// TestConjunctionsFindWhatTheyFoundBefore searches pairs of the test
// words, as bleve's conjunction searcher (which phrases use) does, with
// bleve's optimisation that makes zapx skip postings off (as zapx
// upstream reads them) and on, and wants the same passages, scores and
// locations.
func TestConjunctionsFindWhatTheyFoundBefore(t *testing.T) {
	defer func(saved bool) { scorch.OptimizeConjunction = saved }(scorch.OptimizeConjunction)
	for _, c := range postingsLayouts {
		t.Run(c.name, func(t *testing.T) {
			idx := postingsIndex(t, c.batch, c.del)
			compared := 0
			for i, a := range postingsWords {
				for _, b := range postingsWords[i+1:] {
					q := bleve.NewConjunctionQuery(textQuery(a), textQuery(b))
					req := bleve.NewSearchRequestOptions(q, postingsPassages, 0, false)
					req.IncludeLocations = true
					scorch.OptimizeConjunction = false
					want, err := idx.Search(req)
					if err != nil {
						t.Fatal(err)
					}
					scorch.OptimizeConjunction = true
					got, err := idx.Search(req)
					if err != nil {
						t.Fatal(err)
					}
					sameHits(t, a+" and "+b, got.Hits, want.Hits)
					compared += len(want.Hits)
				}
			}
			if compared < 1000 {
				t.Fatalf("%d passages compared: the test shows little", compared)
			}
		})
	}
}

func textQuery(word string) *query.TermQuery {
	q := bleve.NewTermQuery(string(textAnalyzer().Analyze([]byte(word))[0].Term))
	q.SetField(fieldText)
	return q
}

func sameHits(t *testing.T, label string, got, want search.DocumentMatchCollection) {
	t.Helper()
	if len(got) != len(want) {
		t.Fatalf("%s: %d passages, want %d", label, len(got), len(want))
	}
	for i := range want {
		if got[i].ID != want[i].ID || got[i].Score != want[i].Score || !reflect.DeepEqual(got[i].Locations, want[i].Locations) {
			t.Fatalf("%s #%d: %s %v %v, want %s %v %v", label, i, got[i].ID, got[i].Score, got[i].Locations, want[i].ID, want[i].Score, want[i].Locations)
		}
	}
}
