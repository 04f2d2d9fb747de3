// Package index owns sendbot's bleve full-text index: its mapping, building
// it from a corpus, searching it, and replacing it safely.
//
// A search answers a question in five stages, a file each, read top to
// bottom from Search in search.go: understand.go (the question's concepts,
// the place it names, spelling, asides, "What is X?"), retrieve.go (bleve's best 50 passages),
// rerank.go (features of each, weighted by the learned Model in
// model.json), decide.go (answer, or decline and signpost) and show.go
// (the sentences of each passage that answer). `sendbot eval --folds 5`
// measures the model on questions it did not learn from, and Trace gives
// eval what it learns from.
//
// An index lives in one folder on disk and remembers the mapping version
// and the corpus it was built from, so callers can tell when to rebuild:
//
//	c, _ := corpus.Load(fsys) // fsys, _ := corpus.OpenDir("corpus")
//	info := index.Source{Name: "corpus", Fingerprint: fp}
//	if err := index.Build(ctx, dir, c.Documents, corpus.BuiltinGlossary().Merge(c.Glossary), info); err != nil { ... }
//	ix, err := index.Open(dir) // errors.Is(err, index.ErrNoIndex), index.ErrOldMapping
//	res, err := ix.Search(ctx, index.Query{Text: "how do I ask for an EHC needs assessment", Area: "Herefordshire"})
//	for _, h := range res.Hits { fmt.Println(h.Title, h.SourceURL, h.Text) }
//
// A running bot answers from a Live index, which Reload replaces in one
// step after Rebuild has built a new index beside the old one:
//
//	live, err := index.OpenLive(dir) // Recover first: a build killed half-way is put right
//	err = index.Rebuild(ctx, dir, docs, g, info) // errors.Is(err, index.ErrBuilding): another sendbot is at it
//	err = index.RebuildFrom(ctx, dir, seq, g, info) // seq: iter.Seq2[corpus.Document, error], read one at a time
//	err = live.Reload() // searches in flight finish on the old index; on error the old one keeps answering
//
// Update changes an index in the same safe way without reading the whole
// corpus again, for a document added or taken out:
//
//	err = index.Update(ctx, dir, added, []string{"uploaded/testshire/0a1b2c3d4e5f.pdf"}, g, info)
//
// The user's words are only ever analysed as plain text: nothing a parent
// types is parsed as bleve query syntax.
package index
