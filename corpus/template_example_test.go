package corpus_test

import (
	"encoding/json"
	"fmt"
	"testing/fstest"

	"github.com/sendbot/sendbot/corpus"
)

// A site's menu, on every page in a <div> no heuristic names, is learned
// and dropped; each page keeps its own text.
func ExampleLearnSiteTemplate() {
	fsys := fstest.MapFS{}
	for i := range 4 {
		page := fmt.Sprintf(`<html><body><div class="top"><p>Home · Schools · Bins · Council tax</p></div>
<div class="c"><h1>Page %d</h1><p>What page %d says, in its own words.</p></div></body></html>`, i, i)
		fsys[fmt.Sprintf("site/p%d.html", i)] = &fstest.MapFile{Data: []byte(page)}
	}
	tmpl, err := corpus.LearnSiteTemplate(fsys, "site")
	if err != nil {
		panic(err)
	}
	// On disk: tmpl.WriteFile("corpus/site"). Here, into the test folder:
	data, _ := json.Marshal(tmpl)
	fsys["site/"+corpus.SiteTemplateFile] = &fstest.MapFile{Data: data}

	c, _ := corpus.Load(fsys)
	fmt.Println(tmpl.Pages, "pages,", len(tmpl.Blocks), "template block(s)")
	fmt.Println(c.Documents[0].Passages[0].Text)
	// Output:
	// 4 pages, 1 template block(s)
	// What page 0 says, in its own words.
}
