package corpus

import (
	"strings"
	"testing"
	"testing/fstest"
	"unicode/utf8"
)

// FuzzLoadMarkdown feeds arbitrary bytes to the Markdown and text readers
// through Load: whatever the input, Load must not panic, and every passage
// it returns must be non-empty valid text with a unique ID.
func FuzzLoadMarkdown(f *testing.F) {
	f.Add([]byte(shortBreaksMD))
	f.Add([]byte("---\ntitle: x\n---\n# A\n\n## B\n\n- one\n- two\n\n| a | b |\n|---|---|\n"))
	f.Add([]byte("---\nunclosed front matter"))
	f.Add([]byte("Heading\n\nA paragraph. Another sentence!\n\n  • bullet\n"))
	f.Add([]byte("\xff\xfe\x00binary"))
	f.Add([]byte("```\ncode fence never closed"))
	f.Add([]byte(strings.Repeat("word ", 600)))
	f.Fuzz(func(t *testing.T, data []byte) {
		fsys := fstest.MapFS{"area/doc.md": {Data: data}, "area/doc.txt": {Data: data}}
		c, err := Load(fsys)
		if err != nil {
			t.Fatalf("Load failed on the folder itself: %v", err)
		}
		if len(c.Documents)+countPaths(c.Problems) < 2 {
			t.Fatalf("each file must be either read or reported: %d documents, problems %+v", len(c.Documents), c.Problems)
		}
		for _, d := range c.Documents {
			seen := map[string]bool{}
			for _, p := range d.Passages {
				if strings.TrimSpace(p.Text) == "" || !utf8.ValidString(p.Text) {
					t.Fatalf("%s: empty or invalid passage %q", d.Path, p.Text)
				}
				if seen[p.ID] {
					t.Fatalf("%s: duplicate passage ID %s", d.Path, p.ID)
				}
				seen[p.ID] = true
			}
		}
	})
}

// countPaths counts the distinct files problems were reported for, not
// counting documents that were read despite a problem.
func countPaths(ps []Problem) int {
	paths := map[string]bool{}
	for _, p := range ps {
		paths[p.Path] = true
	}
	return len(paths)
}

// FuzzInlineText checks that inlineText, which skips the Markdown
// expressions for text without markup, reads every text as running them
// would.
func FuzzInlineText(f *testing.F) {
	for _, s := range []string{
		"plain words only", "**bold** and _em_", "a [link](https://x.example) b",
		"<b>tag</b>", "`code`", `esc\*aped`, "fish &amp; chips", "snake_case_word",
		"![img](a.png) text", "<https://x.example>", "  spaced\tout  ",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		want := strings.Join(strings.Fields(stripInline(s)), " ")
		if got := inlineText(s); got != want {
			t.Errorf("inlineText(%q) = %q, want %q", s, got, want)
		}
	})
}
