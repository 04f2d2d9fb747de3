package corpus_test

import (
	"fmt"
	"testing/fstest"

	"github.com/sendbot/sendbot/corpus"
)

func ExampleLoad() {
	fsys := fstest.MapFS{
		"testshire/short-breaks.md": {Data: []byte("---\ntitle: Short breaks\nsource_url: https://testshire.example/sb\n---\n# Short breaks\n\n## Who can have one\n\nDisabled children and young people up to 18 who live in Testshire.\n")},
		"testshire/report.docx":     {Data: []byte("PK\x03\x04")},
	}
	c, err := corpus.Load(fsys)
	if err != nil {
		panic(err)
	}
	for _, d := range c.Documents {
		fmt.Printf("%s (%s, %s): %d passage(s)\n", d.Title, d.Area, d.SourceURL, len(d.Passages))
		fmt.Printf("  [%s] %s\n", d.Passages[0].Section, d.Passages[0].Text)
	}
	for _, p := range c.Problems {
		fmt.Printf("skipped %s: %s\n", p.Path, p.Reason)
	}
	// Output:
	// Short breaks (Testshire, https://testshire.example/sb): 1 passage(s)
	//   [Who can have one] Disabled children and young people up to 18 who live in Testshire.
	// skipped testshire/report.docx: not a document format sendbot reads (".docx")
}

// A Reader gives a folder's documents one file at a time, for a build
// that must not hold the whole corpus; what it could not read is listed
// once it has read everything.
func ExampleReader() {
	fsys := fstest.MapFS{
		"testshire/short-breaks.md": {Data: []byte("# Short breaks\n\nDisabled children and young people up to 18 who live in Testshire.\n")},
		"testshire/transport.md":    {Data: []byte("# Transport\n\nFree travel to school for children who live beyond walking distance.\n")},
		"testshire/report.docx":     {Data: []byte("PK\x03\x04")},
	}
	r, err := corpus.NewReader(fsys, "fetched")
	if err != nil {
		panic(err)
	}
	for d, err := range r.Documents() {
		if err != nil {
			panic(err) // the folder itself cannot be read
		}
		fmt.Printf("%s: %s\n", d.Path, d.Title)
	}
	for _, p := range r.Problems() {
		fmt.Printf("skipped %s: %s\n", p.Path, p.Reason)
	}
	// Output:
	// fetched/testshire/short-breaks.md: Short breaks
	// fetched/testshire/transport.md: Transport
	// skipped fetched/testshire/report.docx: not a document format sendbot reads (".docx")
}
