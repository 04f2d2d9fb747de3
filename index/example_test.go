package index_test

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"testing/fstest"

	"github.com/sendbot/sendbot/corpus"
	"github.com/sendbot/sendbot/index"
)

func ExampleIndex_Search() {
	c, _ := corpus.Load(fstest.MapFS{
		"testshire/transport.md": {Data: []byte("---\ntitle: School transport\nsource_url: https://testshire.example/transport\n---\n# School transport\n\nChildren who live beyond walking distance of their nearest suitable school can have free travel.\n")},
	})
	tmp, _ := os.MkdirTemp("", "sendbot-example")
	defer os.RemoveAll(tmp)
	dir := filepath.Join(tmp, "index")
	ctx := context.Background()
	if err := index.Build(ctx, dir, c.Documents, corpus.BuiltinGlossary(), index.Source{Name: "example"}); err != nil {
		panic(err)
	}
	ix, err := index.Open(dir)
	if err != nil {
		panic(err)
	}
	defer ix.Close()
	res, err := ix.Search(ctx, index.Query{Text: "how far from school for free transport?", Area: "testshire"})
	if err != nil {
		panic(err)
	}
	h := res.Hits[0]
	fmt.Println(res.Answered, h.Title, h.SourceURL)
	for _, m := range h.Matches {
		fmt.Print(h.Text[m.Start:m.End], " ")
	}
	fmt.Println()
	// Output:
	// true School transport https://testshire.example/transport
	// distance school free
}
