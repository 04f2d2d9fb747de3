package library

import (
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"iter"
	"log/slog"
	"path"
	"slices"
	"strings"
	"time"

	"github.com/sendbot/sendbot/corpus"
	"github.com/sendbot/sendbot/corpus/fetch"
	"github.com/sendbot/sendbot/index"
)

// ErrNoDocuments means the corpus, with its fetched copies and uploads,
// has no document sendbot can read, so no index was built.
var ErrNoDocuments = errors.New("no documents sendbot can read")

// Read loads the corpus and, when they exist, the documents fetched from
// remote sources, under FetchedPrefix, and those added from Discord,
// under UploadedPrefix: everything an index of the library holds but the
// built-in England documents, read as a build reads it but held whole,
// for sendbot check.
func (l *Library) Read() (*corpus.Corpus, error) {
	fsys, _, err := l.corpusSource()
	if err != nil {
		return nil, err
	}
	return l.read(fsys)
}

func (l *Library) read(fsys fs.FS) (*corpus.Corpus, error) {
	rd, err := l.reading(fsys, false)
	if err != nil {
		return nil, err
	}
	c := &corpus.Corpus{Glossary: rd.glossary}
	for d, err := range rd.documents() {
		if err != nil {
			return nil, err
		}
		c.Documents = append(c.Documents, d)
	}
	t := rd.tally()
	c.Skips, c.Problems = t.Skips, t.Problems
	return c, nil
}

// Tally is what a build read. The build indexed the documents as it read
// them, a file at a time, and kept only these counts and findings.
type Tally struct {
	// Documents counts the documents read (each service of a directory
	// feed is one), Passages their passages, and Files the files they
	// were read from: the corpus's, fetched and uploaded ones.
	Documents, Passages, Files int
	// Builtin and BuiltinPassages count the built-in England documents
	// indexed beside them (Config.NoBuiltinEngland), and their passages.
	Builtin, BuiltinPassages int
	// Skips are the directory entries left out as empty or placeholders.
	Skips []corpus.Skip
	// Problems are the files that could not be read, or were skipped,
	// sorted by path.
	Problems []corpus.Problem
}

// WriteSummary writes what sendbot index says once a build of the
// corpus name into the index folder dir is done: what it indexed, in how
// long, and the areas the index holds.
func (t *Tally) WriteSummary(w io.Writer, name, dir string, took time.Duration, areas []index.AreaCount) {
	fmt.Fprintf(w, "Indexed %d documents (%d passages) from %s", t.Documents, t.Passages, name)
	if t.Builtin > 0 {
		fmt.Fprintf(w, ", and %d built-in documents about England (%d passages) for what they don't answer", t.Builtin, t.BuiltinPassages)
	}
	fmt.Fprintf(w, " in %s\nIndex: %s\n", took.Round(time.Millisecond), dir)
	if len(t.Skips) > 0 {
		fmt.Fprintf(w, "%d directory entries left out as empty or placeholders (sendbot check lists them)\n", len(t.Skips))
	}
	for _, a := range areas {
		fmt.Fprintf(w, "  %s: %d documents, %d passages\n", corpus.Printable(a.Name), a.Documents, a.Passages)
	}
}

// Errors returns the problems that are real errors (not merely skipped
// formats).
func (t *Tally) Errors() []corpus.Problem {
	var out []corpus.Problem
	for _, p := range t.Problems {
		if !p.Skipped() {
			out = append(out, p)
		}
	}
	return out
}

// folder is one of the folders a library's index is built from. The
// documents of a fallback folder answer only what the others do not.
type folder struct {
	reader            *corpus.Reader
	dir, prefix, what string
	fallback          bool
}

// libraryReader reads the library's documents one file at a time: the
// corpus, then the fetched copies under FetchedPrefix and the uploads
// under UploadedPrefix, each folder's documents in turn, as Merge would
// add them. Besides the documents it gives, it keeps only their counts,
// the skips and the problems.
type libraryReader struct {
	// glossary is the corpus's own glossary.yaml.
	glossary corpus.Glossary
	folders  []folder // the corpus first
	// unopened are the fetch cache or uploads folder when they could not
	// be opened; unread, those that could not be walked.
	unopened, unread []corpus.Problem
	counted          Tally
	lastPath         string
	err              error // the corpus folder could not be walked
}

// reading starts reading the library with the corpus in fsys: its
// sources.yaml and glossary.yaml now, its documents when ranged over;
// with builtin, the built-in England documents last, when the library
// keeps them beside the corpus.
func (l *Library) reading(fsys fs.FS, builtin bool) (*libraryReader, error) {
	r, err := corpus.NewReader(fsys, "")
	if err != nil {
		return nil, err
	}
	rd := &libraryReader{glossary: r.Glossary, folders: []folder{{reader: r}}}
	for _, extra := range []folder{
		{dir: l.fetched, prefix: FetchedPrefix, what: "the fetch cache"},
		{dir: l.uploaded, prefix: UploadedPrefix, what: "the documents added from Discord"},
	} {
		if !isDir(extra.dir) {
			continue
		}
		efs, err := corpus.OpenDir(extra.dir)
		if err == nil {
			extra.reader, err = corpus.NewReader(efs, extra.prefix)
		}
		if err != nil {
			rd.unopened = append(rd.unopened, cannotRead(extra, err))
			continue
		}
		rd.folders = append(rd.folders, extra)
	}
	if b := l.builtinEngland(); b != nil && builtin {
		br, err := corpus.NewReader(b, BuiltinPrefix)
		if err != nil {
			return nil, err // built into the binary: cannot fail
		}
		rd.folders = append(rd.folders, folder{reader: br, prefix: BuiltinPrefix, what: "the built-in England documents", fallback: true})
	}
	return rd, nil
}

// cannotRead is the problem of a fetch cache or uploads folder that
// cannot be read: the rest of the library is read without it.
func cannotRead(f folder, err error) corpus.Problem {
	return corpus.Problem{Path: f.prefix, Reason: "cannot read " + f.what + " in " + f.dir + ": " + err.Error(), Err: err}
}

// documents gives the documents of each folder in turn, counting them.
// When the corpus folder cannot be walked it gives that error and stops;
// a fetch cache or uploads folder that cannot be is listed as a problem.
func (rd *libraryReader) documents() iter.Seq2[corpus.Document, error] {
	return func(yield func(corpus.Document, error) bool) {
		rd.counted, rd.lastPath, rd.unread, rd.err = Tally{}, "", nil, nil
		for i, f := range rd.folders {
			for d, err := range f.reader.Documents() {
				if err != nil && i == 0 {
					rd.err = err
					yield(corpus.Document{}, err)
					return
				}
				if err != nil {
					rd.unread = append(rd.unread, cannotRead(f, err))
					break
				}
				d.Fallback = f.fallback
				rd.count(d)
				if !yield(d, nil) {
					return
				}
			}
		}
	}
}

// count counts d in. A file's documents come one after another.
func (rd *libraryReader) count(d corpus.Document) {
	if d.Fallback {
		rd.counted.Builtin++
		rd.counted.BuiltinPassages += len(d.Passages)
		return
	}
	rd.counted.Documents++
	rd.counted.Passages += len(d.Passages)
	if d.Path != rd.lastPath {
		rd.counted.Files++
		rd.lastPath = d.Path
	}
}

// tally is what the documents read so far counted, with the skips and
// problems of every folder.
func (rd *libraryReader) tally() *Tally {
	t := rd.counted
	t.Skips, t.Problems = nil, nil
	for _, f := range rd.folders {
		t.Skips = append(t.Skips, f.reader.Skips()...)
		t.Problems = append(t.Problems, f.reader.Problems()...)
	}
	t.Problems = append(append(t.Problems, rd.unopened...), rd.unread...)
	slices.SortStableFunc(t.Problems, func(a, b corpus.Problem) int { return strings.Compare(a.Path, b.Path) })
	return &t
}

// OpenIndex opens the library's index, building it first when there is
// none, when it was built by another version of sendbot or from other
// files, or when it cannot be read.
func (l *Library) OpenIndex(ctx context.Context) (*index.Index, error) {
	st, err := l.state()
	if err != nil {
		return nil, err
	}
	// A build killed half-way may have left the index moved aside.
	if err := index.Recover(l.index); err != nil {
		l.log.Warn("could not tidy up after an interrupted index build", "index", l.index, "err", err)
	}
	ix, err := index.Open(l.index)
	var why string
	switch {
	case err == nil && ix.Info().Source.Fingerprint == st.source.Fingerprint:
		return ix, nil
	case err == nil:
		ix.Close()
		why = "the corpus has changed since the index was built"
	case errors.Is(err, index.ErrNoIndex):
		why = "there is no index yet"
	case errors.Is(err, index.ErrOldMapping):
		why = "the index was built by another version of sendbot"
	case errors.Is(err, index.ErrBusy):
		return nil, fmt.Errorf("%w: another sendbot is building it; try again when it finishes", err)
	default:
		why = "the index could not be read (" + err.Error() + ")"
	}
	l.log.Info("building the index", "reason", why, "corpus", l.name, "index", l.index)
	if _, err := l.build(ctx, st, l.log); err != nil {
		return nil, err
	}
	return index.Open(l.index)
}

// Build reads the corpus and builds its index, replacing any index
// already there only once the new one is complete. It reads the corpus a
// file at a time as it builds, and returns what it read, with its
// problems, even when the build fails.
func (l *Library) Build(ctx context.Context) (*Tally, error) {
	l.shelf.Lock()
	defer l.shelf.Unlock()
	st, err := l.state()
	if err != nil {
		return nil, err
	}
	return l.build(ctx, st, l.log)
}

// build is Build for a corpus as st found it, logging to log.
func (l *Library) build(ctx context.Context, st shelfState, log *slog.Logger) (*Tally, error) {
	if index.Building(l.index) {
		return nil, l.buildingError()
	}
	start := time.Now()
	rd, err := l.reading(st.fsys, true)
	if err != nil {
		return nil, err
	}
	// With no document to index, the build fails, and the index there
	// stays. The built-in England documents do not count: a corpus folder
	// with nothing sendbot can read is a mistake to tell.
	noDocuments := fmt.Errorf("the corpus %s has %w (run sendbot check to see why)", l.name, ErrNoDocuments)
	docs := func(yield func(corpus.Document, error) bool) {
		for d, err := range rd.documents() {
			if !yield(d, err) || err != nil {
				return
			}
		}
		if rd.counted.Documents == 0 {
			yield(corpus.Document{}, noDocuments)
		}
	}
	g := corpus.BuiltinGlossary().Merge(rd.glossary)
	err = index.RebuildFrom(ctx, l.index, docs, g, st.source)
	// RebuildFrom has stopped ranging over docs: what they counted is settled.
	if rd.err != nil {
		return nil, rd.err
	}
	t := rd.tally()
	switch {
	case errors.Is(err, ErrNoDocuments):
		return t, noDocuments
	case errors.Is(err, index.ErrBuilding):
		return t, l.buildingError()
	case err != nil:
		return t, err
	}
	log.Info("index built", "documents", t.Documents, "passages", t.Passages,
		"skipped", len(t.Problems)-len(t.Errors()), "errors", len(t.Errors()), "took", time.Since(start).Round(time.Millisecond))
	return t, nil
}

// buildingError says that another sendbot is building the index.
func (l *Library) buildingError() error {
	return fmt.Errorf("%w (%s); wait for it to finish, then try again if you still need to", index.ErrBuilding, l.index)
}

// glossary is the glossary a full build would index now: the built-in
// one with the corpus's own, if it has one.
func (l *Library) glossary(fsys fs.FS) (corpus.Glossary, error) {
	g := corpus.BuiltinGlossary()
	data, err := fs.ReadFile(fsys, corpus.GlossaryName)
	switch {
	case errors.Is(err, fs.ErrNotExist):
	case err != nil:
		return g, fmt.Errorf("read the corpus's %s: %w", corpus.GlossaryName, err)
	default:
		own, _ := corpus.ParseGlossary(data) // its problems are for sendbot check
		g = g.Merge(own)
	}
	return g, nil
}

// updateFetched updates the index with the changes a fetch made to the
// cache alone: it reads again the files added or changed, as a full
// build reads them (with the cache's sources.yaml and the site's
// template), takes out the documents of those changed or removed, and
// records st's source. It returns what it read.
func (l *Library) updateFetched(ctx context.Context, st shelfState, ch fetch.Changes) (*Tally, error) {
	efs, err := corpus.OpenDir(l.fetched)
	if err != nil {
		return nil, fmt.Errorf("open the fetch cache %s: %w", l.fetched, err)
	}
	rd, err := corpus.NewReader(onlyFiles(efs, slices.Concat(ch.Added, ch.Changed)), FetchedPrefix)
	if err != nil {
		return nil, err
	}
	g, err := l.glossary(st.fsys)
	if err != nil {
		return nil, err
	}
	var remove []string
	for _, p := range slices.Concat(ch.Changed, ch.Removed) {
		remove = append(remove, FetchedPrefix+"/"+p)
	}
	counted := &libraryReader{}
	docs := func(yield func(corpus.Document, error) bool) {
		for d, err := range rd.Documents() {
			if err == nil {
				counted.count(d)
			}
			if !yield(d, err) {
				return
			}
		}
	}
	err = index.UpdateFrom(ctx, l.index, docs, remove, g, st.source)
	t := counted.counted
	t.Skips, t.Problems = rd.Skips(), rd.Problems()
	if errors.Is(err, index.ErrBuilding) {
		return &t, l.buildingError()
	}
	return &t, err
}

// onlyFiles is fsys with only the files named listed in its folders, so
// that a corpus.Reader reads those alone, with the sources.yaml and site
// templates they are read with.
func onlyFiles(fsys fs.FS, files []string) fs.FS {
	o := filtered{FS: fsys, keep: map[string]bool{}}
	for _, f := range files {
		for p := f; p != "." && !o.keep[p]; p = path.Dir(p) {
			o.keep[p] = true
		}
	}
	return o
}

type filtered struct {
	fs.FS
	keep map[string]bool // the files kept, and the folders they are in
}

func (f filtered) ReadDir(name string) ([]fs.DirEntry, error) {
	entries, err := fs.ReadDir(f.FS, name)
	return slices.DeleteFunc(entries, func(e fs.DirEntry) bool { return !f.keep[path.Join(name, e.Name())] }), err
}

// builtinCounts counts the built-in England documents kept beside the
// corpus, and their passages: 0 when there are none.
func (l *Library) builtinCounts() (documents, passages int) {
	b := l.builtinEngland()
	if b == nil {
		return 0, 0
	}
	r, err := corpus.NewReader(b, BuiltinPrefix)
	if err != nil {
		return 0, 0
	}
	for d, err := range r.Documents() {
		if err == nil {
			documents++
			passages += len(d.Passages)
		}
	}
	return documents, passages
}
