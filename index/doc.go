// Package index owns sendbot's bleve full-text index: its mapping, building
// it from a corpus, searching it, and replacing it safely.
//
// An index lives in one folder on disk and remembers the mapping version
// and the corpus it was built from, so callers can tell when to rebuild:
//
//	c, _ := corpus.Load(os.DirFS("corpus"))
//	info := index.Source{Name: "corpus", Fingerprint: fp}
//	if err := index.Build(ctx, dir, c.Documents, corpus.BuiltinGlossary().Merge(c.Glossary), info); err != nil { ... }
//	ix, err := index.Open(dir) // errors.Is(err, index.ErrNoIndex), index.ErrOldMapping
//	res, err := ix.Search(ctx, index.Query{Text: "how do I ask for an EHC needs assessment", Area: "Herefordshire"})
//	for _, h := range res.Hits { fmt.Println(h.Title, h.SourceURL, h.Text) }
//
// The user's words are only ever analysed as plain text: nothing a parent
// types is parsed as bleve query syntax.
package index
