// Package corpus turns a folder of SEND documents into Documents and the
// Passages that sendbot quotes.
//
// A corpus is read through an io/fs.FS, so the same code reads a folder on
// disk (OpenDir, which never follows a link out of the folder), the embedded default corpus (Default) and test fixtures
// (fstest.MapFS). The layout is one folder per area:
//
//	herefordshire/short-breaks.md     Markdown with a front-matter block
//	worcestershire/minutes.txt        plain text
//	worcestershire/inspection.pdf     PDF, cited by page
//	herefordshire/transport.html      a saved or fetched web page
//	bristol/services.json             an Open Referral UK feed: one document per service
//	testshire/directory.csv           a directory export: one document per row
//	sources.yaml                      metadata for files that cannot carry their own
//
// Load reads every file it understands and reports every file it cannot,
// with its path and a reason, so one bad file never hides the others:
//
//	fsys, err := corpus.OpenDir("corpus")
//	c, err := corpus.Load(fsys)
//	if err != nil { ... }                 // only when the folder itself is unreadable
//	for _, d := range c.Documents { ... } // each with its Passages
//	for _, s := range c.Skips { ... }     // services left out as empty or placeholders
//	for _, p := range c.Problems { ... }  // skipped or broken files
//	c.WriteReport(os.Stdout, false)       // what sendbot check prints
//
// A corpus too large to hold in memory is read a file at a time with a
// Reader, which gives the same documents, skips and problems:
//
//	r, err := corpus.NewReader(fsys, "")
//	for d, err := range r.Documents() { ... } // build as they come
//	r.Problems()                              // once all are read
//
// Remote sources listed in sources.yaml are downloaded by package
// corpus/fetch into a cache folder that is itself a corpus.
package corpus
