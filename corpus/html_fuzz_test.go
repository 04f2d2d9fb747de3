package corpus

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"unicode/utf8"
)

// FuzzParseHTML feeds arbitrary bytes to the web page reader: whatever the
// input, it must not panic, and it either explains in a sentence why the
// file is not a readable page or returns one document of well-formed blocks
// that chunk into valid passages.
func FuzzParseHTML(f *testing.F) {
	fixtures, _ := filepath.Glob("testdata/html/*.html")
	for _, p := range fixtures {
		if data, err := os.ReadFile(p); err == nil {
			f.Add(data)
		}
	}
	for _, seed := range []string{
		"<title>T | Site</title><h1>T</h1><p>Text.</p>",
		"<p>unclosed <b>bold <i>italic</p> text</b> more</i>",
		"<<<>>> </p></div><div <p =x>a</><!-- unclosed comment",
		"<table><tr><td>a<td>b<tr><td><table><td>nested</table></table>",
		"<ul><li>one<li>two<ul><li>three</ul></ul><dl><dd>orphan<dt>term</dl>",
		"<pre>\n  code\n\n</pre><br><br><hr><h2></h2><h3> </h3>",
		"<main><main><article id=content><header><nav>x</nav><h1>y</h1></header></article></main></main>",
		"<meta charset=windows-1252><p>\x93quoted\x94 \xa3</p>",
		"\xff\xfe<\x00p\x00>\x00h\x00i\x00",
		"\xef\xbb\xbf<p>bom</p>",
		"<link rel=canonical href=http://><meta property=article:published_time content=9999-99-99><p>x</p>",
		strings.Repeat("<div>", 511) + "deep but allowed",
		strings.Repeat("<div>", 513) + "too deep",
		strings.Repeat("<b><i><a>", 200) + "formatting",
		strings.Repeat("<p>para ", 2000),
		"<svg><p>breaks out of svg</p></svg><math><mtext><p>x</p></mtext></math>",
		"<h1><button>accordion</button></h1><p hidden>no</p><p aria-hidden=true>no</p><p>yes</p>",
		`<script type="application/ld+json">{"@type":"Service","name":"S","telephone":"1"}</script><h1>S</h1><p>x</p>`,
		`<script type="application/ld+json">{"@graph":[{"@type":["GovernmentService"],"name":"A","offers":{"price":"x"}},{"@type":"Event","name":"B","startDate":"2024-13-45"}]}</script><p>x</p>`,
		`<script type="application/ld+json">{"@type":"Service","name":</script><p>malformed</p>`,
		`<script type="application/ld+json">` + strings.Repeat("[", 20000) + `</script><p>deep</p>`,
		`<div itemscope itemtype="https://schema.org/Service"><span itemprop="name">A</span><div itemprop="address" itemscope><span itemprop="streetAddress">1 St</span></div></div>` +
			`<div itemscope itemtype="schema.org/Service"><meta itemprop="name" content="B"><a itemprop="email" href="mailto:b@x">b</a></div><p>list</p>`,
		strings.Repeat(`<div itemscope itemtype="https://schema.org/Service" itemprop="name">`, 300) + "nested items",
		"%PDF-1.4",
		"plain text, no tags",
	} {
		f.Add([]byte(seed))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		res, err := parseHTML(data)
		if err != nil {
			msg := err.Error()
			if msg == "" || strings.HasPrefix(msg, "html:") || !utf8.ValidString(msg) {
				t.Fatalf("error is not a sentence for a moderator: %q", msg)
			}
			return
		}
		switch {
		case len(res.Entries) == 0:
			t.Fatal("a page read without error must give a document")
		case len(res.Entries) == 1 && res.Entries[0].Meta.Kind != "service" && len(res.Skipped) != 0:
			t.Fatalf("an ordinary page has skips: %+v", res.Skipped)
		}
		for _, e := range res.Entries {
			if len(res.Entries) > 1 && (e.ID == "" || e.Meta.Kind != "service") {
				t.Fatalf("a page of many services gave an entry without an ID or kind: %+v", e.Meta)
			}
			checkHTMLEntry(t, e)
		}
	})
}

// checkHTMLEntry checks one entry of a page read without error: clean
// metadata, well-formed blocks, and passages.
func checkHTMLEntry(t *testing.T, e entry) {
	t.Helper()
	for _, s := range []string{e.Meta.Title, e.Meta.SourceURL, e.Meta.Publisher, e.Meta.Published} {
		if !utf8.ValidString(s) || s != strings.TrimSpace(s) || strings.Contains(s, "\n") {
			t.Fatalf("metadata field %q is not one clean line", s)
		}
	}
	if u := e.Meta.SourceURL; u != "" && !strings.HasPrefix(u, "http://") && !strings.HasPrefix(u, "https://") {
		t.Fatalf("source %q is not a web address", u)
	}
	if p := e.Meta.Published; p != "" {
		if _, err := parseDate(p); err != nil || len(p) != len("2006-01-02") {
			t.Fatalf("published %q is not YYYY-MM-DD", p)
		}
	}
	paragraphs := 0
	for _, b := range e.Blocks {
		if b.Level < 0 || b.Level > 6 || b.Page != 0 {
			t.Fatalf("bad block level %d or page %d", b.Level, b.Page)
		}
		if b.Level == 0 {
			paragraphs++
		}
		if !utf8.ValidString(b.Text) || strings.ContainsRune(b.Text, utf8.RuneError) {
			t.Fatalf("block text is not valid UTF-8: %q", b.Text)
		}
		for _, line := range strings.Split(b.Text, "\n") {
			if line == "" || line != strings.TrimSpace(line) || strings.Contains(line, "  ") {
				t.Fatalf("block %q has an empty line or stray spaces", b.Text)
			}
		}
		if b.Level > 0 && strings.Contains(b.Text, "\n") {
			t.Fatalf("heading %q spans lines", b.Text)
		}
	}
	if paragraphs == 0 {
		t.Fatal("a page read without error must have a paragraph")
	}
	passages := chunk("area/page.html", e.Meta.Title, e.Blocks)
	if len(passages) == 0 {
		t.Fatal("a page with a paragraph must give a passage")
	}
	for _, p := range passages {
		if strings.TrimSpace(p.Text) == "" || !utf8.ValidString(p.Text) || !utf8.ValidString(p.Section) {
			t.Fatalf("empty or invalid passage %q", p.Text)
		}
	}
}
