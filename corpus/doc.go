// Package corpus turns a folder of SEND documents into Documents and the
// Passages that sendbot quotes.
//
// A corpus is read through an io/fs.FS, so the same code reads a folder on
// disk (os.DirFS), the embedded default corpus (Default) and test fixtures
// (fstest.MapFS). The layout is one folder per area:
//
//	herefordshire/short-breaks.md     Markdown with a front-matter block
//	worcestershire/minutes.txt        plain text
//	sources.yaml                      metadata for files that cannot carry their own
//
// Load reads every file it understands and reports every file it cannot,
// with its path and a reason, so one bad file never hides the others:
//
//	c, err := corpus.Load(os.DirFS("corpus"))
//	if err != nil { ... }                 // only when the folder itself is unreadable
//	for _, d := range c.Documents { ... } // each with its Passages
//	for _, p := range c.Problems { ... }  // skipped or broken files
package corpus
