package fetch

import (
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"testing"
)

// A site template learnt again from other counts of pages reads the same,
// and changes nothing; one that drops other blocks changes every page of
// its site, but not the pages of another site.
func TestChangesFollowTheSiteTemplate(t *testing.T) {
	dir := t.TempDir()
	write := func(name, data string) {
		t.Helper()
		p := filepath.Join(dir, filepath.FromSlash(name))
		if err := writeAtomic(p, []byte(data)); err != nil {
			t.Fatal(err)
		}
	}
	template := func(pages int, blocks string) string {
		return `{"version": 1, "pages": ` + strconv.Itoa(pages) + `, "min_pages": 2, "blocks": [` + blocks + `]}`
	}
	write("testshire/site/a.html", "<h1>A</h1><p>Page a.</p>")
	write("testshire/site/b.html", "<h1>B</h1><p>Page b.</p>")
	write("testshire/site/.site-template.json", template(3, `"00ff"`))
	write("testshire/other/c.html", "<h1>C</h1><p>Page c.</p>")
	write("sources.yaml", "documents:\n  - path: testshire/site/a.html\n    title: A\n    source_url: https://example.org/a\n    area: Testshire\n")
	snap := func() *snapshot {
		t.Helper()
		s, err := takeSnapshot(dir)
		if err != nil {
			t.Fatal(err)
		}
		return s
	}

	tests := []struct {
		name   string
		change func()
		want   Changes
	}{
		{"nothing", func() {}, Changes{Known: true}},
		{"the template learnt from fewer pages", func() { write("testshire/site/.site-template.json", template(2, `"00ff"`)) }, Changes{Known: true}},
		{"a new copy and a new page", func() {
			write("testshire/site/b.html", "<h1>B</h1><p>Page b, changed.</p>")
			write("testshire/other/d.html", "<h1>D</h1><p>Page d.</p>")
		}, Changes{Known: true, Added: []string{"testshire/other/d.html"}, Changed: []string{"testshire/site/b.html"}}},
		{"another title in sources.yaml", func() {
			write("sources.yaml", "documents:\n  - path: testshire/site/a.html\n    title: A again\n    source_url: https://example.org/a\n    area: Testshire\n")
		}, Changes{Known: true, Changed: []string{"testshire/site/a.html"}}},
		{"the template drops other blocks", func() { write("testshire/site/.site-template.json", template(2, `"00ff", "0aaa"`)) },
			Changes{Known: true, Changed: []string{"testshire/site/a.html", "testshire/site/b.html"}, Templates: []string{"testshire/site"}}},
		{"a page gone", func() { os.Remove(filepath.Join(dir, "testshire", "other", "c.html")) },
			Changes{Known: true, Removed: []string{"testshire/other/c.html"}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			before := snap()
			tt.change()
			got := changesSince(before, snap())
			if !slices.Equal(got.Added, tt.want.Added) || !slices.Equal(got.Changed, tt.want.Changed) ||
				!slices.Equal(got.Removed, tt.want.Removed) || !slices.Equal(got.Templates, tt.want.Templates) || !got.Known {
				t.Errorf("changes %+v, want %+v", got, tt.want)
			}
		})
	}
}
