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
