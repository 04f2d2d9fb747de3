package index

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"iter"
	"math"
	"os"
	"path/filepath"
	"runtime"
	"runtime/debug"
	"sort"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/blevesearch/bleve/v2"
	"github.com/blevesearch/bleve/v2/index/scorch"
	"github.com/blevesearch/bleve/v2/index/scorch/mergeplan"
	bleveindex "github.com/blevesearch/bleve_index_api"

	"github.com/sendbot/sendbot/corpus"
)

var (
	// ErrNoIndex means there is no index in the folder yet.
	ErrNoIndex = errors.New("no index")
	// ErrOldMapping means the index was built by another version of sendbot
	// and must be rebuilt.
	ErrOldMapping = errors.New("index was built by a different version of sendbot")
	// ErrBuilding means another Rebuild of the same index is under way, in
	// this process or another one.
	ErrBuilding = errors.New("another sendbot is rebuilding this index")
)

// batchPassages is how many passages go to bleve in one batch. What a
// build holds at once is mostly its batches: three (two being written,
// see batchWriters, and one being filled), each passage with its words
// counted and placed, about 30 KB of heap a passage of bench/synth's
// corpus, and then the batch's new segment. Measured building 100,000
// passages, peak RSS 511-560 MiB in batches of 2,500, 400 MiB of 1,500,
// 290 MiB of 1,000, for the same CPU time within the noise (18.4-20.1 s):
// more, smaller segments cost the final merge little.
const batchPassages = 1000

// metaKey is where an index keeps its Info, in bleve's internal storage;
// glossaryKey is where it keeps the glossary it was built with.
var (
	metaKey     = []byte("sendbot.info")
	glossaryKey = []byte("sendbot.glossary")
)

// Source describes the corpus an index is built from.
type Source struct {
	// Name says where the corpus came from: a folder path, or "embedded default".
	Name string `json:"name"`
	// Fingerprint is corpus.Fingerprint of the corpus files.
	Fingerprint string `json:"fingerprint"`
}

// AreaCount is one area in an index and how much it holds.
type AreaCount struct {
	Name      string `json:"name"`
	Documents int    `json:"documents"`
	Passages  int    `json:"passages"`
}

// Info is what an index records about itself when it is built.
type Info struct {
	MappingVersion int         `json:"mapping_version"`
	Source         Source      `json:"source"`
	BuiltAt        time.Time   `json:"built_at"`
	Documents      int         `json:"documents"`
	Passages       int         `json:"passages"`
	Areas          []AreaCount `json:"areas"`
}

// Build writes a new index of docs into dir, which must not exist yet.
// The glossary is kept with the index: searches use it for synonyms,
// "What is X?" answers and the meanings shown beside quotes. On failure
// Build removes what it wrote.
func Build(ctx context.Context, dir string, docs []corpus.Document, g corpus.Glossary, src Source) error {
	return build(ctx, dir, commonWords(textAnalyzer(), docs), documentsOf(docs), g, src)
}

// build is Build of documents read one at a time, with the pairs field's
// common words found already. Of docs it holds only the batches being
// written.
func build(ctx context.Context, dir string, common []string, docs iter.Seq2[corpus.Document, error], g corpus.Glossary, src Source) error {
	if _, statErr := os.Stat(dir); statErr == nil {
		return fmt.Errorf("build index: %s already exists", dir)
	}
	if err := os.MkdirAll(filepath.Dir(dir), 0o755); err != nil {
		return fmt.Errorf("build index: %w", err)
	}
	create := func(dir string) (bleve.Index, error) {
		return bleve.NewUsing(dir, newMapping(common), scorch.Name, scorch.Name, writeConfig)
	}
	return write(ctx, dir, create, func(idx bleve.Index) error {
		t := newTally(Info{})
		catalogue, err := indexDocuments(ctx, idx, docs, t)
		if err != nil {
			return err
		}
		return record(idx, t.info(src), g, catalogue)
	})
}

// readAhead ranges over docs on a goroutine of its own, a few documents
// ahead of the caller of next, so that reading them (parsing files) runs
// beside the build, and returns what gives them one at a time, as
// iter.Pull2 does. stop ends the reading, and returns once docs has
// returned. (iter.Pull2's coroutine ran the reading and the build on one
// core: a build of 100,000 passages took 18.8 s instead of 11.)
func readAhead(docs iter.Seq2[corpus.Document, error]) (next func() (corpus.Document, error, bool), stop func()) {
	type read struct {
		doc corpus.Document
		err error
	}
	ahead, quit, done := make(chan read, readAheadDocuments), make(chan struct{}), make(chan struct{})
	go func() {
		defer close(done)
		defer close(ahead)
		for d, err := range docs {
			select {
			case ahead <- read{d, err}:
			case <-quit:
				return
			}
		}
	}()
	next = func() (corpus.Document, error, bool) {
		r, ok := <-ahead
		return r.doc, r.err, ok
	}
	stop = sync.OnceFunc(func() {
		close(quit)
		<-done
	})
	return next, stop
}

// readAheadDocuments is how many documents readAhead reads ahead.
const readAheadDocuments = 4

// documentsOf gives docs one at a time, as build reads them.
func documentsOf(docs []corpus.Document) iter.Seq2[corpus.Document, error] {
	return func(yield func(corpus.Document, error) bool) {
		for _, d := range docs {
			if !yield(d, nil) {
				return
			}
		}
	}
}

// write opens the index in dir with open, lets change fill it, then
// closes and compacts it. On failure it removes dir.
func write(ctx context.Context, dir string, open func(string) (bleve.Index, error), change func(bleve.Index) error) (err error) {
	idx, err := open(dir)
	if err != nil {
		os.RemoveAll(dir)
		return fmt.Errorf("open index %q to write it: %w", dir, err)
	}
	defer func() {
		if cerr := idx.Close(); err == nil && cerr != nil {
			err = fmt.Errorf("close index %q: %w", dir, cerr)
		}
		if err == nil {
			err = compact(ctx, dir)
		}
		if err != nil {
			os.RemoveAll(dir)
		}
	}()
	return change(idx)
}

// tally counts what an index holds, in all and by area, as documents go
// in and come out, for its Info.
type tally struct {
	documents, passages int
	areas               map[string]*AreaCount // by corpus.AreaKey
}

// newTally starts from what an existing index recorded (Info{} for a new one).
func newTally(info Info) *tally {
	t := &tally{documents: info.Documents, passages: info.Passages, areas: map[string]*AreaCount{}}
	for _, a := range info.Areas {
		t.areas[corpus.AreaKey(a.Name)] = &a
	}
	return t
}

func (t *tally) area(name string) *AreaCount {
	ac := t.areas[corpus.AreaKey(name)]
	if ac == nil {
		ac = &AreaCount{Name: name}
		t.areas[corpus.AreaKey(name)] = ac
	}
	return ac
}

// add counts a document going in, without its passages (see passage).
func (t *tally) add(d corpus.Document) {
	t.documents++
	t.area(d.Area).Documents++
}

// passage counts one passage of a document in area going in (n = 1) or
// coming out (n = -1).
func (t *tally) passage(area string, n int) {
	t.passages += n
	t.area(area).Passages += n
}

// remove counts a document of area coming out, without its passages.
func (t *tally) remove(area string) {
	t.documents--
	t.area(area).Documents--
}

// info is the Info of an index holding what t counted, built now from src.
func (t *tally) info(src Source) Info {
	info := Info{MappingVersion: MappingVersion, Source: src, BuiltAt: time.Now().UTC(), Documents: t.documents, Passages: t.passages}
	for _, a := range t.areas {
		if a.Name != "" && a.Documents > 0 {
			info.Areas = append(info.Areas, *a)
		}
	}
	sort.Slice(info.Areas, func(i, j int) bool { return info.Areas[i].Name < info.Areas[j].Name })
	return info
}

// indexDocuments adds the passages of docs to idx, in batches of
// batchPassages, counting them in t, and returns the docs' entries in the
// list of documents, in order (see sortCatalogue). Every partPassages
// passages, once their batches are written, it merges the segments they
// made into one (mergeSmallSegments), so that no merge reads more than a
// part's segments, however large the corpus.
//
// Two batches are written at once: bleve analyses a batch's passages on
// every core but then builds its segment on one, so a second batch keeps
// the other core busy meanwhile.
func indexDocuments(ctx context.Context, idx bleve.Index, docs iter.Seq2[corpus.Document, error], t *tally) ([]DocumentInfo, error) {
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	docsOf, err := newDocumentMaker(idx.Mapping())
	if err != nil {
		return nil, fmt.Errorf("build index: %w", err)
	}
	var catalogue []DocumentInfo
	w := writeBatches(ctx, cancel, idx)
	batch, inPart := idx.NewBatch(), 0
	err = func() error {
		for d, err := range docs {
			if err != nil {
				return fmt.Errorf("build index: %w", err)
			}
			if ctx.Err() != nil {
				return nil // the writers' error, or the caller's, is reported below
			}
			t.add(d)
			catalogue = append(catalogue, catalogueEntry(d))
			shared := docsOf.documentFields(d)
			for _, p := range d.Passages {
				if err := batch.IndexAdvanced(docsOf.document(d, shared, p)); err != nil {
					return fmt.Errorf("index %s: %w", d.Path, err)
				}
				t.passage(d.Area, 1)
				inPart++
				if batch.Size() < batchPassages && inPart < partPassages {
					continue
				}
				w.send(ctx, batch)
				batch = idx.NewBatch()
				if inPart < partPassages {
					continue
				}
				if err := w.wait(); err != nil {
					return err
				}
				if err := mergeSmallSegments(ctx, idx); err != nil {
					return fmt.Errorf("build index: %w", err)
				}
				w, inPart = writeBatches(ctx, cancel, idx), 0
			}
		}
		if batch.Size() > 0 {
			w.send(ctx, batch)
		}
		return nil
	}()
	if werr := w.wait(); err == nil {
		err = werr
	}
	if err != nil {
		return nil, err
	}
	if err := ctx.Err(); err != nil {
		return nil, fmt.Errorf("build index: %w", err)
	}
	sortCatalogue(catalogue)
	return catalogue, nil
}

// batchWriter writes batches to an index, batchWriters at once.
type batchWriter struct {
	batches chan *bleve.Batch
	errs    chan error
	wg      sync.WaitGroup
	waited  bool
	err     error
}

// writeBatches starts writing the batches sent to the returned writer to
// idx. The first batch that fails cancels ctx with cancel.
func writeBatches(ctx context.Context, cancel func(), idx bleve.Index) *batchWriter {
	w := &batchWriter{batches: make(chan *bleve.Batch), errs: make(chan error, batchWriters)}
	for range batchWriters {
		w.wg.Go(func() {
			for b := range w.batches {
				if err := idx.Batch(b); err != nil {
					w.errs <- fmt.Errorf("write index batch: %w", err)
					cancel()
					return
				}
			}
		})
	}
	return w
}

// send hands b to a writer, once one is free, unless ctx ends first.
func (w *batchWriter) send(ctx context.Context, b *bleve.Batch) {
	select {
	case w.batches <- b:
	case <-ctx.Done(): // the writer's error, or the caller's, is reported by wait
	}
}

// wait waits for the batches sent to be written, and returns the first
// writer's error. After it, w takes no more batches.
func (w *batchWriter) wait() error {
	if !w.waited {
		w.waited = true
		close(w.batches)
		w.wg.Wait()
		close(w.errs)
		w.err = <-w.errs
	}
	return w.err
}

// writeConfig is the scorch configuration of an index being written. A
// write merges its segments itself, a part at a time and at the end
// (mergeSmallSegments), so bleve's background merges while batches go in
// are work thrown away: they rewrite passages that those merges write
// again, and would make which passages share a segment depend on timing.
//
// bleve's planner merges when there are more segments than its budget:
// the total passages over the smallest segment's, with segments smaller
// than FloorSegmentSize counted as that size, and at most
// MaxSegmentsPerTier a tier. A floor of one passage makes the budget at
// least the number of segments, for up to 1,000 of them (a part's 250
// batches and up to 750 parts before it), so bleve merges nothing itself.
// Measured building 100,000 passages four times each, turn about:
// 14.7–15.1 s (26.4–27.2 s of CPU) with background merges, 13.7–14.6 s
// (24.4–25.7 s) without.
//
// bleve keeps this configuration with the index, so an Update of it does
// not merge in the background either, and compact merges it at the end;
// a searched index is opened read-only and never merges.
//
// bleve reads these over its default plan, so only what differs is given.
var writeConfig = map[string]any{"scorchMergePlanOptions": map[string]any{
	"MaxSegmentsPerTier": 1000,
	"FloorSegmentSize":   1,
}}

// passagesIn counts the passages of docs.
func passagesIn(docs []corpus.Document) int {
	n := 0
	for _, d := range docs {
		n += len(d.Passages)
	}
	return n
}

// batchWriters is how many batches are written at once.
const batchWriters = 2

// passageID is a passage's ID in the index: unique across the corpus.
// The document's path comes first, so that the IDs of a document's
// passages share their start. Every segment keeps its IDs in a
// dictionary (a vellum FST), and the final merge builds one of all of
// them; IDs sharing their start make it smaller and quicker to build.
// Measured on the bench's 100,000 passages: the dictionary of their IDs
// took 0.27-0.32 s and 1.97 MB, against 0.59-0.77 s and 2.99 MB with the
// passage's own ID first.
func passageID(d corpus.Document, p corpus.Passage) string { return d.Path + "#" + p.ID }

// record keeps with the index what it is (info), the glossary it answers
// with and the list of its documents.
func record(idx bleve.Index, info Info, g corpus.Glossary, catalogue []DocumentInfo) error {
	data, err := json.Marshal(info)
	if err != nil {
		return err
	}
	if err := idx.SetInternal(metaKey, data); err != nil {
		return fmt.Errorf("record index info: %w", err)
	}
	if data, err = json.Marshal(g); err != nil {
		return err
	}
	if err := idx.SetInternal(glossaryKey, data); err != nil {
		return fmt.Errorf("record glossary: %w", err)
	}
	return storeCatalogue(idx, catalogue)
}

// compact merges the segments an index was written in: every segment of
// fewer than partPassages passages into one (mergeSmallSegments). Scoring
// reads field statistics per segment, and how batches end up in segments
// depends on timing, so without this two builds of the same corpus could
// rank a near tie differently; with it, the same corpus always gives the
// same segments, and the same answers: one segment up to partPassages
// passages, and above that one of each partPassages, in the order the
// passages went in, and one of the rest. It waits until bleve has saved
// them, and then removes the files of the segments merged away.
func compact(ctx context.Context, dir string) error {
	idx, err := bleve.Open(dir)
	if err != nil {
		return fmt.Errorf("reopen index %q to compact it: %w", dir, err)
	}
	err = mergeSmallSegments(ctx, idx)
	if cerr := idx.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = dropUnusedSegments(dir)
	}
	if err != nil {
		return fmt.Errorf("compact index %q: %w", dir, err)
	}
	return nil
}

// partPassages is the most passages a build merges at once: a merge maps
// every segment it reads into memory and reads all of it, so its resident
// memory grows with what it merges (about 1.7 KB a passage of bench/synth's
// corpus, read from segments of one batch each). An index of more
// passages is left in several segments, each of partPassages but the
// last. Scoring is the same either way where a field's distinct words,
// summed over the segments, are fewer than its passages (BM25's average
// length, as bleve reckons it, is then 1), as in every corpus of
// passages this large measured: bench/synth's at 1,000,000. (A variable
// only so that tests can build parts of a few passages.)
var partPassages = 250_000

// mergeSmallSegments merges every segment of idx with fewer than
// partPassages live passages into one, and returns once bleve has saved
// it. A forced merge is one round of bleve's merge planner, which can
// leave several segments (at 100,000 passages one round left two of
// 50,000), so it merges until at most one such segment is left.
func mergeSmallSegments(ctx context.Context, idx bleve.Index) error {
	adv, err := idx.Advanced()
	if err != nil {
		return err
	}
	s, ok := adv.(*scorch.Scorch)
	if !ok {
		return nil
	}
	for n := math.MaxInt; ; {
		small, err := smallSegments(s)
		if err != nil {
			return err
		}
		if small <= 1 {
			break
		}
		if small >= n {
			return fmt.Errorf("merging left %d segments of under %d passages, as before", small, partPassages)
		}
		n = small
		plan := smallMerge()
		if err := s.ForceMerge(ctx, &plan); err != nil {
			return err
		}
		if err := ctx.Err(); err != nil {
			return err
		}
	}
	stats, ok := s.Stats().(*scorch.Stats)
	if !ok {
		return nil
	}
	for atomic.LoadUint64(&stats.LastPersistedEpoch) < atomic.LoadUint64(&stats.CurRootEpoch) {
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(5 * time.Millisecond):
		}
	}
	return nil
}

// smallSegments counts the segments of s's current snapshot with fewer
// than partPassages live passages.
func smallSegments(s *scorch.Scorch) (int, error) {
	r, err := s.Reader()
	if err != nil {
		return 0, err
	}
	defer r.Close()
	snap, ok := r.(*scorch.IndexSnapshot)
	if !ok {
		return 0, fmt.Errorf("index reader is a %T, not a scorch snapshot", r)
	}
	n := 0
	for _, seg := range snap.Segments() {
		if seg.LiveSize() < int64(partPassages) {
			n++
		}
	}
	return n, nil
}

// smallMerge is bleve's plan for merging to one segment, made to merge
// every segment of fewer than partPassages passages (a segment is
// eligible below half of MaxSegmentSize) in one merge: bleve's own merges
// at most ten at once, so it took two rounds, writing most of the index
// twice. Measured compacting 100,000 passages (11 segments): 3.3 s in two
// rounds, 2.2–2.6 s in one; 1,000,000 (21 segments): 35.3 s in two
// rounds, 31.4 s in one.
//
// bleve's plan also favours merges that reclaim deleted passages, so
// after an Update it could pick the old segment alone, to drop what the
// Update replaced, and leave the new one beside it; with no background
// merges (writeConfig) nothing merged the two afterwards. Without that
// weight the merge of every small segment is always the plan's best.
func smallMerge() mergeplan.MergePlanOptions {
	o := mergeplan.SingleSegmentMergePlanOptions
	o.SegmentsPerMergeTask = 1 << 16
	o.ReclaimDeletesWeight = 0
	o.MaxSegmentSize = int64(2 * partPassages)
	return o
}

// segmentFiles are the names of the segment files that ix's current
// snapshot reads.
func segmentFiles(ix bleveindex.Index) (map[string]bool, error) {
	r, err := ix.Reader()
	if err != nil {
		return nil, err
	}
	defer r.Close()
	snap, ok := r.(*scorch.IndexSnapshot)
	if !ok {
		return nil, fmt.Errorf("index reader is a %T, not a scorch snapshot", r)
	}
	out := map[string]bool{}
	for _, s := range snap.Segments() {
		out[fmt.Sprintf("%012x.zap", s.Id())] = true
	}
	return out, nil
}

// dropUnusedSegments removes the segment files of dir's closed index that
// its saved snapshot no longer uses. bleve deletes them in the background
// while an index is open, and closing it can come first: after a build,
// segments already merged away could stay beside the merged one, up to
// doubling the index's size on disk. The snapshot is read back from disk,
// so only files that a reopened index would not read are removed.
func dropUnusedSegments(dir string) error {
	idx, err := bleve.Open(dir)
	if err != nil {
		return err
	}
	var used map[string]bool
	adv, err := idx.Advanced()
	if err == nil {
		used, err = segmentFiles(adv)
	}
	if cerr := idx.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return err
	}
	store := filepath.Join(dir, "store")
	files, err := os.ReadDir(store)
	if err != nil {
		return err
	}
	for _, f := range files {
		if filepath.Ext(f.Name()) == ".zap" && !used[f.Name()] {
			if err := os.Remove(filepath.Join(store, f.Name())); err != nil {
				return err
			}
		}
	}
	return nil
}

// scope is the scope field of d's passages.
func scope(d corpus.Document) string {
	switch {
	case corpus.IsNational(d.Area) && d.Fallback:
		return scopeFallback
	case corpus.IsNational(d.Area):
		return scopeNational
	}
	return scopeLocal
}

// Rebuild builds a new index of docs beside dir and then moves it into
// place, so that dir always holds either the old index or the new one,
// never a half-built one. An index open on the old folder keeps answering
// until it is closed.
//
// Only one Rebuild of a folder runs at a time, across processes: while
// one runs, another fails at once with an error wrapping ErrBuilding.
// If the process dies at any moment, either dir or a dir.old-* folder
// holds a complete index, and Recover puts it back.
func Rebuild(ctx context.Context, dir string, docs []corpus.Document, g corpus.Glossary, src Source) error {
	return replace(dir, func(fresh string) error { return Build(ctx, fresh, docs, g, src) })
}

// RebuildFrom is Rebuild of documents read one at a time instead of held
// in memory, such as a corpus read from disk file by file: it ranges over
// docs once, and holds only the documents of the batches being written,
// so a build's memory does not grow with the corpus. An error docs yields
// stops the build.
//
// The pairs field's common words are counted in the first documents, up
// to 2×commonSample passages, which it holds until they are written: in
// a corpus of fewer passages, all of them, as Rebuild counts them; in a
// larger one, the first of them rather than passages spread over the
// whole corpus, which it would have to read twice for.
func RebuildFrom(ctx context.Context, dir string, docs iter.Seq2[corpus.Document, error], g corpus.Glossary, src Source) error {
	return replace(dir, func(fresh string) error {
		next, stop := readAhead(docs)
		defer stop()
		var first []corpus.Document
		for passages := 0; passages < 2*commonSample; {
			d, err, ok := next()
			if !ok {
				break
			}
			if err != nil {
				return fmt.Errorf("build index: %w", err)
			}
			first = append(first, d)
			passages += len(d.Passages)
		}
		common := commonWords(textAnalyzer(), first)
		all := func(yield func(corpus.Document, error) bool) {
			for i := range first {
				d := first[i]
				first[i] = corpus.Document{} // written once yielded: not held longer
				if !yield(d, nil) {
					return
				}
			}
			for {
				d, err, ok := next()
				if !ok || !yield(d, err) {
					return
				}
			}
		}
		return build(ctx, fresh, common, all, g, src)
	})
}

// replace is the safe swap that Rebuild and Update share: under dir's
// build lock, after putting right an earlier build that died, it has
// write make a complete index in a new folder beside dir, flushes it to
// disk and moves it into place. write removes what it wrote on failure.
func replace(dir string, write func(fresh string) error) error {
	dir = filepath.Clean(dir)
	if err := os.MkdirAll(filepath.Dir(dir), 0o755); err != nil {
		return fmt.Errorf("rebuild index: %w", err)
	}
	unlock, err := lockBuild(dir)
	if err != nil {
		return err
	}
	defer unlock()
	// A build that died earlier may have left its work behind.
	if err := recoverLocked(dir); err != nil {
		return err
	}
	stamp := strconv.FormatInt(time.Now().UnixNano(), 36)
	fresh := dir + buildingInfix + stamp
	err = write(fresh)
	// Writing an index takes memory that is garbage once it is written:
	// hundreds of MiB at 100,000 passages. Go hands such memory back to
	// the system bit by bit in the background, for seconds, and searches
	// answered meanwhile were slower: at 100,000 passages, p95 6.5-7.7 ms
	// in the seconds after a build in the same process, 5.8-6.3 ms with
	// the memory handed back at once. It also leaves serve's memory after
	// a reindex as it was before. zap keeps its buffers for building
	// segments in a sync.Pool, which one collection only sets aside, so
	// two are needed before the memory is handed back.
	runtime.GC()
	debug.FreeOSMemory()
	if err != nil {
		return err
	}
	// The manifest is written last, so an index that has one is complete;
	// replicas check it before they open the index (OpenPublished).
	if err := writeManifest(fresh); err != nil {
		os.RemoveAll(fresh)
		return err
	}
	if err := syncTree(fresh); err != nil {
		os.RemoveAll(fresh)
		return fmt.Errorf("write new index to disk: %w", err)
	}
	if beforeSwap != nil {
		beforeSwap()
	}
	return swap(dir, fresh, dir+oldInfix+stamp)
}

// Building reports whether a Rebuild of dir is under way, in this process
// or another, so a builder can say so before it spends time reading the
// corpus. It takes the build lock for an instant: call it only where a
// Rebuild would follow.
func Building(dir string) bool {
	unlock, err := lockBuild(filepath.Clean(dir))
	if err != nil {
		return errors.Is(err, ErrBuilding)
	}
	unlock()
	return false
}

// beforeSwap, when set by a test, runs after Rebuild has built the new
// index and before it moves it into place.
var beforeSwap func()

// Names of the folders a Rebuild leaves beside dir while it runs:
// dir.building-<stamp> is the new index being written, dir.old-<stamp>
// the previous index moved aside. The stamp orders them by time.
const (
	buildingInfix = ".building-"
	oldInfix      = ".old-"
)

// swap moves the complete index in fresh to dir, and the index in dir (if
// any) aside to old and then away. Each rename is synced before the next
// step, so that at every instant dir or old holds a complete index.
func swap(dir, fresh, old string) error {
	parent := filepath.Dir(dir)
	hadOld := true
	if err := os.Rename(dir, old); err != nil {
		if !errors.Is(err, os.ErrNotExist) {
			os.RemoveAll(fresh)
			return fmt.Errorf("move old index aside: %w", err)
		}
		hadOld = false
	}
	// Until the next rename, old holds the only complete index.
	if err := syncDir(parent); err != nil {
		if hadOld {
			os.Rename(old, dir)
		}
		os.RemoveAll(fresh)
		return fmt.Errorf("move old index aside: %w", err)
	}
	if err := os.Rename(fresh, dir); err != nil {
		if hadOld {
			os.Rename(old, dir)
		}
		os.RemoveAll(fresh)
		return fmt.Errorf("move new index into place: %w", err)
	}
	if err := syncDir(parent); err != nil {
		return fmt.Errorf("move new index into place: %w", err)
	}
	if hadOld {
		removeReplaced(dir, old, time.Now())
	}
	return nil
}

// syncTree flushes every file and folder under root to disk, so that a
// power cut after the rename cannot leave dir naming unwritten files.
func syncTree(root string) error {
	return filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() {
			return syncDir(path)
		}
		return syncFile(path)
	})
}

// Recover puts the index in dir right after a Rebuild was interrupted at
// any moment (the process killed, the machine stopped): when dir is
// missing it moves back the newest dir.old-* folder that opens, and when
// dir is there it removes the leftover dir.building-* and dir.old-*
// folders. It never removes the only complete index. While a Rebuild of
// dir is running, in this process or another, Recover does nothing: the
// folders beside dir are that build's work in progress.
//
// Open does not call Recover, so read-only commands never move or remove
// anything; OpenLive does, and so does Rebuild before it starts.
func Recover(dir string) error {
	dir = filepath.Clean(dir)
	l, err := leftoversOf(dir)
	if err != nil || (len(l.old) == 0 && len(l.building) == 0) {
		return err
	}
	unlock, err := lockBuild(dir)
	if errors.Is(err, ErrBuilding) {
		return nil
	}
	if err != nil {
		return err
	}
	defer unlock()
	return recoverLocked(dir)
}

// recoverLocked is Recover for a caller holding dir's build lock.
func recoverLocked(dir string) error {
	l, err := leftoversOf(dir)
	if err != nil {
		return err
	}
	var errs []error
	_, err = os.Lstat(dir)
	switch {
	case err == nil:
		// dir only ever appears complete (it is renamed into place), so
		// whatever is beside it is either unfinished or already replaced:
		// removed, once KeepReplaced's grace has passed.
		for _, o := range l.old {
			errs = append(errs, removeReplaced(dir, o, stampTime(dir, o)))
		}
	case errors.Is(err, os.ErrNotExist):
		// Killed between the two renames of a swap: the index moved aside
		// is the good one. Old folders that do not open stay until dir
		// exists again, and are removed then.
		for _, o := range l.old {
			if !opens(o) {
				continue
			}
			if err := os.Rename(o, dir); err != nil {
				return fmt.Errorf("restore index %q from %q: %w", dir, o, err)
			}
			if err := syncDir(filepath.Dir(dir)); err != nil {
				return fmt.Errorf("restore index %q: %w", dir, err)
			}
			break
		}
	default:
		return fmt.Errorf("recover index %q: %w", dir, err)
	}
	// A building folder may be complete, but nothing says so: the next
	// build starts again.
	for _, b := range l.building {
		errs = append(errs, os.RemoveAll(b))
	}
	if err := errors.Join(errs...); err != nil {
		return fmt.Errorf("recover index %q: remove leftovers: %w", dir, err)
	}
	return nil
}

// opens reports whether the folder holds an index sendbot can search.
func opens(dir string) bool {
	ix, err := Open(dir)
	if err != nil {
		return false
	}
	ix.Close()
	return true
}

// leftovers are the folders a Rebuild leaves beside its index while it runs.
type leftovers struct {
	building []string
	old      []string // newest first
}

func leftoversOf(dir string) (leftovers, error) {
	var l leftovers
	entries, err := os.ReadDir(filepath.Dir(dir))
	if errors.Is(err, os.ErrNotExist) {
		return l, nil
	}
	if err != nil {
		return l, fmt.Errorf("look for unfinished builds of %q: %w", dir, err)
	}
	base := filepath.Base(dir)
	stamps := map[string]int64{}
	for _, e := range entries {
		name := e.Name()
		if stamp, ok := strings.CutPrefix(name, base+buildingInfix); ok && stamp != "" {
			l.building = append(l.building, filepath.Join(filepath.Dir(dir), name))
		} else if stamp, ok := strings.CutPrefix(name, base+oldInfix); ok && stamp != "" {
			path := filepath.Join(filepath.Dir(dir), name)
			stamps[path], _ = strconv.ParseInt(stamp, 36, 64)
			l.old = append(l.old, path)
		}
	}
	sort.Slice(l.old, func(i, j int) bool { return stamps[l.old[i]] > stamps[l.old[j]] })
	return l, nil
}

// syncFile flushes one file's contents to disk.
func syncFile(path string) error {
	f, err := os.Open(path)
	if err != nil {
		return err
	}
	err = f.Sync()
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	return err
}
