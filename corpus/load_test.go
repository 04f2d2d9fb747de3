package corpus

import (
	"strings"
	"testing"
	"testing/fstest"
	"time"
)

const shortBreaksMD = `---
title: Short breaks in Testshire
source_url: https://example.org/short-breaks
publisher: Testshire Council
published: 2024-07-15
kind: local-offer
licence: Open Government Licence v3.0
---
# Short breaks in Testshire

Short breaks give disabled children time to do activities they enjoy, and give their parent carers a rest from caring. They can last a few hours or a whole weekend, and they are arranged by the council's **Children with Disabilities** team after an assessment of the family's needs.

## Who can get a short break

A child or young person aged 0 to 18 who lives in Testshire and has a disability that has a substantial effect on everyday life can be considered. See [the eligibility criteria](https://example.org/criteria) for the full rules, which are reviewed each year by the council.

- Targeted short breaks: clubs and activities open to families.
- Specialist short breaks: overnight stays after an assessment.
`

func TestLoadMarkdownWithFrontMatter(t *testing.T) {
	fsys := fstest.MapFS{"testshire/short-breaks.md": {Data: []byte(shortBreaksMD)}}
	c, err := Load(fsys)
	if err != nil {
		t.Fatal(err)
	}
	if len(c.Problems) != 0 {
		t.Fatalf("problems: %+v", c.Problems)
	}
	if len(c.Documents) != 1 {
		t.Fatalf("got %d documents, want 1", len(c.Documents))
	}
	d := c.Documents[0]
	want := Document{Path: "testshire/short-breaks.md", Format: "markdown", Title: "Short breaks in Testshire",
		SourceURL: "https://example.org/short-breaks", Publisher: "Testshire Council", Area: "Testshire",
		Kind: "local-offer", Licence: "Open Government Licence v3.0", Published: time.Date(2024, 7, 15, 0, 0, 0, 0, time.UTC)}
	got := d
	got.Passages = nil
	if got.Path != want.Path || got.Format != want.Format || got.Title != want.Title || got.SourceURL != want.SourceURL ||
		got.Publisher != want.Publisher || got.Area != want.Area || got.Kind != want.Kind || got.Licence != want.Licence ||
		!got.Published.Equal(want.Published) {
		t.Errorf("document metadata:\n got %+v\nwant %+v", got, want)
	}
	if len(d.Passages) != 2 {
		for _, p := range d.Passages {
			t.Logf("passage %q: %q", p.Section, p.Text)
		}
		t.Fatalf("got %d passages, want 2 (one per section)", len(d.Passages))
	}
	first, second := d.Passages[0], d.Passages[1]
	if first.Section != "" {
		t.Errorf("first passage section = %q; the title heading should not repeat as a section", first.Section)
	}
	if !strings.Contains(first.Text, "Children with Disabilities team") || strings.Contains(first.Text, "**") {
		t.Errorf("first passage should keep the words and drop the Markdown: %q", first.Text)
	}
	if second.Section != "Who can get a short break" {
		t.Errorf("second passage section = %q", second.Section)
	}
	if !strings.Contains(second.Text, "See the eligibility criteria for the full rules") {
		t.Errorf("link text should stay, URL should go: %q", second.Text)
	}
	if !strings.Contains(second.Text, "\n• Targeted short breaks: clubs and activities open to families.") {
		t.Errorf("list items should stay one per line with a bullet: %q", second.Text)
	}
}

func TestAreaFromFolderUnlessDocumentSays(t *testing.T) {
	fsys := fstest.MapFS{
		"north-lincolnshire/a.txt": {Data: []byte("Some text about the area that is long enough to matter for a parent.")},
		"herefordshire/b.md":       {Data: []byte("---\narea: Worcestershire\n---\nText that says it is about another area.")},
		"root.txt":                 {Data: []byte("A document at the top of the corpus has no area.")},
	}
	c, err := Load(fsys)
	if err != nil {
		t.Fatal(err)
	}
	areas := map[string]string{}
	for _, d := range c.Documents {
		areas[d.Path] = d.Area
	}
	want := map[string]string{"north-lincolnshire/a.txt": "North Lincolnshire", "herefordshire/b.md": "Worcestershire", "root.txt": ""}
	for p, a := range want {
		if areas[p] != a {
			t.Errorf("%s: area %q, want %q", p, areas[p], a)
		}
	}
}

func TestManifestGivesMetadataToPlainText(t *testing.T) {
	fsys := fstest.MapFS{
		"sources.yaml": {Data: []byte(`documents:
  - path: testshire/minutes.txt
    title: "Cabinet minutes"
    source_url: "https://example.org/minutes"
    area: "Testshire"
    kind: "news"
    published: "unknown"
  - path: ../../etc/passwd
    title: "escape"
  - path: testshire/missing.txt
    title: "gone"
  - url: https://example.org/remote
`)},
		"testshire/minutes.txt": {Data: []byte("Findings\n\nThe inspection took three weeks and included two weeks on site.\n")},
	}
	c, err := Load(fsys)
	if err != nil {
		t.Fatal(err)
	}
	if len(c.Documents) != 1 {
		t.Fatalf("got %d documents", len(c.Documents))
	}
	d := c.Documents[0]
	if d.Title != "Cabinet minutes" || d.SourceURL != "https://example.org/minutes" || d.Kind != "news" || !d.Published.IsZero() {
		t.Errorf("manifest metadata not applied: %+v", d)
	}
	reasons := problemReasons(c)
	for _, want := range []string{`"../../etc/passwd" is outside the corpus folder`, `"testshire/missing.txt": no such file`} {
		if !strings.Contains(reasons, want) {
			t.Errorf("problems should mention %q; got:\n%s", want, reasons)
		}
	}
	if len(c.Problems) != 2 || strings.Contains(reasons, "example.org/remote") {
		t.Errorf("a remote entry is for sendbot fetch, not a problem of Load; problems = %+v", c.Problems)
	}
}

func TestBadFilesAreReportedAndOthersStillRead(t *testing.T) {
	fsys := fstest.MapFS{
		"a/good.md":          {Data: []byte("# Good\n\nThis document is fine and should be indexed whatever else is wrong.")},
		"a/empty.md":         {Data: []byte("")},
		"a/binary.md":        {Data: []byte("\x89PNG\r\n\x1a\n\x00\x00\x00")},
		"a/latin1.txt":       {Data: []byte("caf\xe9 au lait")},
		"a/report.pdf":       {Data: []byte("%PDF-1.4")},
		"a/page.html":        {Data: []byte("<html></html>")},
		"a/photo.jpg":        {Data: []byte("jpg")},
		"a/unclosed.md":      {Data: []byte("---\ntitle: x\nno end here\n")},
		"a/bad-date.md":      {Data: []byte("---\npublished: last tuesday\n---\nA document with a date nobody can read.")},
		"a/.DS_Store":        {Data: []byte("junk")},
		".git/config":        {Data: []byte("[core]")},
		"a/headings-only.md": {Data: []byte("# Title\n\n## Another\n")},
	}
	c, err := Load(fsys)
	if err != nil {
		t.Fatal(err)
	}
	if paths := documentPaths(c); strings.Join(paths, ",") != "a/bad-date.md,a/good.md" {
		t.Errorf("documents read = %v, want the good file and the one with a bad date", paths)
	}
	want := map[string]string{
		"a/empty.md":         "file is empty",
		"a/binary.md":        "binary data",
		"a/latin1.txt":       "not valid UTF-8",
		"a/report.pdf":       "PDF is incomplete",
		"a/page.html":        "web page has no text",
		"a/photo.jpg":        "not a document format",
		"a/unclosed.md":      "never ends",
		"a/bad-date.md":      `"last tuesday" is not a date`,
		"a/headings-only.md": "no text found",
	}
	checkProblems(t, c, want)
}

// documentPaths lists the paths of the documents Load read, in order.
func documentPaths(c *Corpus) []string {
	var paths []string
	for _, d := range c.Documents {
		paths = append(paths, d.Path)
	}
	return paths
}

// checkProblems fails t unless c reports exactly the files in want, each
// with a reason that contains want's text, as a moderator reads it.
func checkProblems(t *testing.T, c *Corpus, want map[string]string) {
	t.Helper()
	got := map[string]string{}
	for _, p := range c.Problems {
		got[p.Path] = p.Reason
	}
	for p, reason := range want {
		if !strings.Contains(got[p], reason) {
			t.Errorf("%s: reason %q, want it to say %q", p, got[p], reason)
		}
	}
	if len(got) != len(want) {
		t.Errorf("problems for %d files, want %d: %v", len(got), len(want), got)
	}
}

func TestPassageIDsAreStable(t *testing.T) {
	fsys := fstest.MapFS{"t/a.md": {Data: []byte(shortBreaksMD)}}
	ids := func(fsys fstest.MapFS) []string {
		c, err := Load(fsys)
		if err != nil {
			t.Fatal(err)
		}
		var out []string
		for _, p := range c.Documents[0].Passages {
			out = append(out, p.ID)
		}
		return out
	}
	a, b := ids(fsys), ids(fsys)
	if strings.Join(a, ",") != strings.Join(b, ",") {
		t.Fatalf("IDs changed between loads: %v vs %v", a, b)
	}
	if a[0] == a[1] {
		t.Fatalf("two passages share ID %s", a[0])
	}
	changed := fstest.MapFS{"t/a.md": {Data: []byte(strings.Replace(shortBreaksMD, "0 to 18", "0 to 25", 1))}}
	c := ids(changed)
	if c[0] != a[0] || c[1] == a[1] {
		t.Errorf("editing the second section should change only its ID: before %v after %v", a, c)
	}
}

func TestFingerprintChangesWithContent(t *testing.T) {
	a := fstest.MapFS{"x/a.md": {Data: []byte("one")}}
	b := fstest.MapFS{"x/a.md": {Data: []byte("two")}}
	fa, err := Fingerprint(a)
	if err != nil {
		t.Fatal(err)
	}
	fa2, _ := Fingerprint(a)
	fb, _ := Fingerprint(b)
	if fa != fa2 || fa == fb {
		t.Errorf("fingerprints: a=%s a again=%s b=%s", fa, fa2, fb)
	}
}

func TestAreaKeyAndName(t *testing.T) {
	tests := []struct{ in, key, name string }{
		{"north-lincolnshire", "north lincolnshire", "North Lincolnshire"},
		{"HEREFORDSHIRE", "herefordshire", "Herefordshire"},
		{"Bath_and North-East somerset", "bath and north east somerset", "Bath and North East Somerset"},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			if got := AreaKey(tt.in); got != tt.key {
				t.Errorf("AreaKey = %q, want %q", got, tt.key)
			}
			if got := AreaName(tt.in); got != tt.name {
				t.Errorf("AreaName = %q, want %q", got, tt.name)
			}
		})
	}
}

func problemReasons(c *Corpus) string {
	var b strings.Builder
	for _, p := range c.Problems {
		b.WriteString(p.Path + ": " + p.Reason + "\n")
	}
	return b.String()
}

func TestManifestOverrideWinsOverTheFilesOwnMetadata(t *testing.T) {
	feed := `[{"id": "ts-1", "name": "Testbury Sibling Group", "description": "A monthly group for brothers and sisters of disabled children.", "email": "siblings@example.org"}]`
	tests := []struct {
		name     string
		file     string
		data     string
		override bool
		want     Document // Title, SourceURL, Area, Kind, Publisher
	}{
		{"front matter first without override", "testshire/breaks.md", shortBreaksMD, false,
			Document{Title: "Short breaks in Testshire", SourceURL: "https://example.org/short-breaks", Area: "Otherton", Kind: "local-offer", Publisher: "Testshire Council"}}, // no area of its own
		{"the entry first with override", "testshire/breaks.md", shortBreaksMD, true,
			Document{Title: "Moderator's title", SourceURL: "https://example.org/moderator", Area: "Otherton", Kind: "guidance", Publisher: "Testshire Council"}},
		{"a feed's services keep their own name and kind", "testshire/feed.json", feed, true,
			Document{Title: "Testbury Sibling Group", SourceURL: "https://example.org/moderator", Area: "Otherton", Kind: "service", Publisher: "added by a moderator"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			manifest := "documents:\n  - path: " + tt.file + `
    title: "Moderator's title"
    source_url: https://example.org/moderator
    area: Otherton
    kind: guidance
    publisher: added by a moderator
    published: unknown
`
			if tt.override {
				manifest += "    override: true\n"
			}
			c, err := Load(fstest.MapFS{"sources.yaml": {Data: []byte(manifest)}, tt.file: {Data: []byte(tt.data)}})
			if err != nil || len(c.Documents) != 1 {
				t.Fatalf("Load: %v, %d documents, problems %+v", err, len(c.Documents), c.Problems)
			}
			d := c.Documents[0]
			got := Document{Title: d.Title, SourceURL: d.SourceURL, Area: d.Area, Kind: d.Kind, Publisher: d.Publisher}
			if got.Title != tt.want.Title || got.SourceURL != tt.want.SourceURL || got.Area != tt.want.Area || got.Kind != tt.want.Kind || got.Publisher != tt.want.Publisher {
				t.Errorf("got  %+v\nwant %+v", got, tt.want)
			}
		})
	}
}
