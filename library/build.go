package library

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"log/slog"
	"time"

	"github.com/sendbot/sendbot/corpus"
	"github.com/sendbot/sendbot/index"
)

// ErrNoDocuments means the corpus, with its fetched copies and uploads,
// has no document sendbot can read, so no index was built.
var ErrNoDocuments = errors.New("no documents sendbot can read")

// Read loads the corpus and, when they exist, the documents fetched from
// remote sources, under FetchedPrefix, and those added from Discord,
// under UploadedPrefix: everything an index of the library holds.
func (l *Library) Read() (*corpus.Corpus, error) {
	fsys, _, err := l.corpusSource()
	if err != nil {
		return nil, err
	}
	return l.read(fsys)
}

func (l *Library) read(fsys fs.FS) (*corpus.Corpus, error) {
	c, err := corpus.Load(fsys)
	if err != nil {
		return c, err
	}
	for _, extra := range []struct{ dir, prefix, what string }{
		{l.fetched, FetchedPrefix, "the fetch cache"},
		{l.uploaded, UploadedPrefix, "the documents added from Discord"},
	} {
		if !isDir(extra.dir) {
			continue
		}
		efs, err := corpus.OpenDir(extra.dir)
		var ec *corpus.Corpus
		if err == nil {
			ec, err = corpus.Load(efs)
		}
		if err != nil {
			c.Problems = append(c.Problems, corpus.Problem{Path: extra.prefix, Reason: "cannot read " + extra.what + " in " + extra.dir + ": " + err.Error(), Err: err})
			continue
		}
		c.Merge(ec, extra.prefix)
	}
	return c, nil
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
// already there only once the new one is complete. It returns what it
// read, with its problems, even when the build fails.
func (l *Library) Build(ctx context.Context) (*corpus.Corpus, error) {
	l.shelf.Lock()
	defer l.shelf.Unlock()
	st, err := l.state()
	if err != nil {
		return nil, err
	}
	return l.build(ctx, st, l.log)
}

// build is Build for a corpus as st found it, logging to log.
func (l *Library) build(ctx context.Context, st shelfState, log *slog.Logger) (*corpus.Corpus, error) {
	if index.Building(l.index) {
		return nil, l.buildingError()
	}
	start := time.Now()
	c, err := l.read(st.fsys)
	if err != nil {
		return nil, err
	}
	passages := 0
	for _, d := range c.Documents {
		passages += len(d.Passages)
	}
	if len(c.Documents) == 0 {
		return c, fmt.Errorf("the corpus %s has %w (run sendbot check to see why)", l.name, ErrNoDocuments)
	}
	g := corpus.BuiltinGlossary().Merge(c.Glossary)
	err = index.Rebuild(ctx, l.index, c.Documents, g, st.source)
	if errors.Is(err, index.ErrBuilding) {
		return c, l.buildingError()
	}
	if err != nil {
		return c, err
	}
	log.Info("index built", "documents", len(c.Documents), "passages", passages,
		"skipped", len(c.Problems)-len(c.Errors()), "errors", len(c.Errors()), "took", time.Since(start).Round(time.Millisecond))
	return c, nil
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
