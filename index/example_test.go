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
	res, err := ix.Search(ctx, index.Query{Text: "free travel to school for my child", Area: "testshire"})
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
	// school free travel
}

func ExampleLive() {
	load := func(text string) []corpus.Document {
		c, _ := corpus.Load(fstest.MapFS{
			"testshire/transport.md": {Data: []byte("---\ntitle: School transport\nsource_url: https://testshire.example/transport\n---\n# School transport\n\n" + text + "\n")},
		})
		return c.Documents
	}
	tmp, _ := os.MkdirTemp("", "sendbot-example")
	defer os.RemoveAll(tmp)
	dir := filepath.Join(tmp, "index")
	ctx := context.Background()
	g := corpus.BuiltinGlossary()
	if err := index.Rebuild(ctx, dir, load("Children who live beyond walking distance of their nearest suitable school can have free travel."), g, index.Source{Fingerprint: "2024"}); err != nil {
		panic(err)
	}
	live, err := index.OpenLive(dir) // puts right a rebuild that was killed half-way
	if err != nil {
		panic(err)
	}
	defer live.Close()

	// A moderator asks for the new documents: build beside the index,
	// swap it into the folder, then into the searches.
	if err := index.Rebuild(ctx, dir, load("Apply for free school travel by 30 June for a place in September."), g, index.Source{Fingerprint: "2025"}); err != nil {
		panic(err) // errors.Is(err, index.ErrBuilding) when another sendbot is rebuilding
	}
	fmt.Println(live.Changed(), live.Info().Source.Fingerprint)
	if err := live.Reload(); err != nil {
		panic(err) // the previous index keeps answering
	}
	res, _ := live.Search(ctx, index.Query{Text: "when to apply for school travel?"})
	fmt.Println(live.Changed(), live.Info().Source.Fingerprint, res.Hits[0].Text)
	// Output:
	// true 2024
	// false 2025 Apply for free school travel by 30 June for a place in September.
}

func ExampleIndex_Knows() {
	c, _ := corpus.Load(fstest.MapFS{
		"testshire/bounce.md": {Data: []byte("---\ntitle: Bounce\nsource_url: https://testshire.example/bounce\n---\n# Bounce\n\n" +
			"Smith House, 12 Acacia Road. A trampoline club for disabled children, with road safety walks.\n")},
	})
	tmp, _ := os.MkdirTemp("", "sendbot-example")
	defer os.RemoveAll(tmp)
	dir := filepath.Join(tmp, "index")
	if err := index.Build(context.Background(), dir, c.Documents, corpus.BuiltinGlossary(), index.Source{Name: "example"}); err != nil {
		panic(err)
	}
	ix, err := index.Open(dir)
	if err != nil {
		panic(err)
	}
	defer ix.Close()
	// The documents' own words, not the names they write with capitals.
	for _, w := range []string{"trampoline", "road", "SEN", "Smith", "acacia", "zorbing"} {
		fmt.Print(w, ":", ix.Knows(w), " ")
	}
	fmt.Println()
	// Output:
	// trampoline:true road:true SEN:true Smith:false acacia:false zorbing:false
}
