package index

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"iter"
	"os"
	"path/filepath"

	"github.com/blevesearch/bleve/v2"

	"github.com/sendbot/sendbot/corpus"
)

// Update changes the index in dir without rebuilding it from the corpus:
// it takes out every passage of the documents whose path is in
// removePaths, and puts in the documents of add (replacing any already
// indexed under the same path). The glossary and src replace those the
// index recorded, and its Info and list of documents are counted again.
//
// It works on a copy beside dir and swaps it in as Rebuild does, under the
// same lock (a second Update or Rebuild meanwhile fails with an error
// wrapping ErrBuilding) and with the same crash safety: dir always holds
// the old index or the new one. When ctx ends first, dir is left as it
// was. There must be an index in dir already (else ErrNoIndex), built by
// this version of sendbot (else ErrOldMapping: rebuild it).
func Update(ctx context.Context, dir string, add []corpus.Document, removePaths []string, g corpus.Glossary, src Source) error {
	return UpdateFrom(ctx, dir, documentsOf(add), removePaths, g, src)
}

// UpdateFrom is Update of documents read one at a time instead of held
// in memory, as RebuildFrom is of Rebuild: it ranges over add once, after
// taking out the passages of removePaths, and every document it gives
// replaces any indexed under the same path. An error add yields stops
// the update, and dir is left as it was.
func UpdateFrom(ctx context.Context, dir string, add iter.Seq2[corpus.Document, error], removePaths []string, g corpus.Glossary, src Source) error {
	dir = filepath.Clean(dir)
	return replace(dir, func(fresh string) error {
		if err := copyIndex(dir, fresh); err != nil {
			os.RemoveAll(fresh)
			return err
		}
		return write(ctx, fresh, bleve.Open, func(idx bleve.Index) error {
			return change(ctx, idx, add, removePaths, g, src)
		})
	})
}

// change is Update's work on the open copy.
func change(ctx context.Context, idx bleve.Index, add iter.Seq2[corpus.Document, error], removePaths []string, g corpus.Glossary, src Source) error {
	data, err := idx.GetInternal(metaKey)
	var info Info
	if err == nil {
		err = json.Unmarshal(data, &info)
	}
	if err != nil || info.MappingVersion != MappingVersion {
		return fmt.Errorf("update index (mapping version %d, want %d): %w", info.MappingVersion, MappingVersion, ErrOldMapping)
	}
	catalogue, err := loadCatalogue(idx)
	if err != nil {
		return fmt.Errorf("update index: its list of documents cannot be read: %w", ErrOldMapping)
	}
	gone := map[string]bool{}
	for _, p := range removePaths {
		gone[p] = true
	}
	t := newTally(info)
	// The documents of add replace those at their paths: taken out as
	// each path first comes.
	replaced := map[string]bool{}
	var takeOut []string
	remove := func(p string) error {
		if replaced[p] {
			return nil
		}
		replaced[p] = true
		takeOut = append(takeOut, p)
		return deletePath(ctx, idx, p, t)
	}
	for p := range gone {
		if err := remove(p); err != nil {
			return err
		}
	}
	var addErr error
	added, err := indexDocuments(ctx, idx, func(yield func(corpus.Document, error) bool) {
		for d, err := range add {
			if err == nil {
				err = remove(d.Path)
			}
			if err != nil {
				addErr = err
			}
			if !yield(d, err) || err != nil {
				return
			}
		}
	}, t)
	if addErr != nil {
		return addErr
	}
	if err != nil {
		return err
	}
	out := map[string]bool{}
	for _, p := range takeOut {
		out[p] = true
	}
	kept := catalogue[:0]
	for _, d := range catalogue {
		if out[d.Path] {
			t.remove(d.Area)
			continue
		}
		kept = append(kept, d)
	}
	kept = append(kept, added...)
	sortCatalogue(kept)
	return record(idx, t.info(src), g, kept)
}

// deletePath takes every passage of the file at path out of idx,
// counting them out of t.
func deletePath(ctx context.Context, idx bleve.Index, path string, t *tally) error {
	q := bleve.NewTermQuery(path)
	q.SetField(fieldPath)
	n, err := idx.DocCount()
	if err != nil {
		return fmt.Errorf("update index: %w", err)
	}
	req := bleve.NewSearchRequestOptions(q, int(n), 0, false)
	req.Fields = []string{fieldArea}
	res, err := idx.SearchInContext(ctx, req)
	if err != nil {
		return fmt.Errorf("find the passages of %s: %w", path, err)
	}
	batch := idx.NewBatch()
	for _, h := range res.Hits {
		batch.Delete(h.ID)
		area, _ := h.Fields[fieldArea].(string)
		t.passage(area, -1)
	}
	if err := idx.Batch(batch); err != nil {
		return fmt.Errorf("remove the passages of %s: %w", path, err)
	}
	return nil
}

// copyIndex copies the index folder dir to fresh, which must not exist.
func copyIndex(dir, fresh string) error {
	if _, err := os.Stat(dir); errors.Is(err, os.ErrNotExist) {
		return fmt.Errorf("update index %q: %w", dir, ErrNoIndex)
	}
	err := filepath.WalkDir(dir, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, err := filepath.Rel(dir, path)
		if err != nil {
			return err
		}
		to := filepath.Join(fresh, rel)
		switch {
		case d.IsDir():
			return os.Mkdir(to, 0o755)
		case !d.Type().IsRegular():
			return fmt.Errorf("%s is not a regular file", path)
		}
		return copyFile(path, to)
	})
	if err != nil {
		return fmt.Errorf("copy index %q to update it: %w", dir, err)
	}
	return nil
}

func copyFile(from, to string) error {
	in, err := os.Open(from)
	if err != nil {
		return err
	}
	defer in.Close()
	out, err := os.OpenFile(to, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o644)
	if err != nil {
		return err
	}
	if _, err := io.Copy(out, in); err != nil {
		out.Close()
		return err
	}
	return out.Close()
}
