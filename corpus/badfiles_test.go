package corpus

import (
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

// TestBadFilesOnDisk covers what only a real folder can hold: links that
// loop, links to folders (including the corpus itself), dangling links,
// links that lead outside the folder, whatever their names, and a file
// over the size cap. Each is reported with its path and reason, nothing
// outside is read, and the good file beside them is still read.
func TestBadFilesOnDisk(t *testing.T) {
	dir := t.TempDir()
	outside := t.TempDir()
	must := func(err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	must(os.MkdirAll(filepath.Join(dir, "a"), 0o755))
	must(os.WriteFile(filepath.Join(dir, "a", "good.md"), []byte("# Good\n\nThis document is fine and should be indexed whatever else is in the folder."), 0o644))
	must(os.Symlink("loop2.md", filepath.Join(dir, "a", "loop1.md")))
	must(os.Symlink("loop1.md", filepath.Join(dir, "a", "loop2.md")))
	must(os.Symlink("..", filepath.Join(dir, "a", "up")))
	must(os.Symlink("nowhere.md", filepath.Join(dir, "a", "dangling.md")))
	must(os.Symlink("good.md", filepath.Join(dir, "a", "alias.md")))
	secret := filepath.Join(outside, ".env")
	must(os.WriteFile(secret, []byte("DISCORD_TOKEN=secret-token-that-must-never-be-quoted\n"), 0o600))
	must(os.MkdirAll(filepath.Join(outside, "more"), 0o755))
	must(os.WriteFile(filepath.Join(outside, "more", "notes.md"), []byte("# Notes\n\nsecret-token-that-must-never-be-quoted in a folder outside."), 0o644))
	must(os.Symlink(secret, filepath.Join(dir, "a", "passwd.txt")))                                                // absolute, out
	must(os.Symlink(filepath.Join("..", "..", filepath.Base(outside), ".env"), filepath.Join(dir, "a", "env.md"))) // relative, out
	must(os.Symlink(filepath.Join(outside, "more"), filepath.Join(dir, "a", "more")))                              // a folder out
	must(os.Symlink(filepath.Join(dir, "a", "good.md"), filepath.Join(dir, "a", "absolute.md")))                   // absolute, even to a file inside
	big, err := os.Create(filepath.Join(dir, "a", "huge.txt"))
	must(err)
	must(big.Truncate(MaxFileBytes + 1)) // sparse: costs no disk
	must(big.Close())

	fsys, err := OpenDir(dir)
	must(err)
	c, err := Load(fsys)
	if err != nil {
		t.Fatal(err)
	}
	if read := documentPaths(c); strings.Join(read, ",") != "a/alias.md,a/good.md" {
		t.Errorf("documents read = %v, want the good file and the link to it", read)
	}
	for _, d := range c.Documents {
		for _, p := range d.Passages {
			if strings.Contains(p.Text, "secret-token") {
				t.Errorf("%s quotes a file outside the folder: %q", d.Path, p.Text)
			}
		}
	}
	checkProblems(t, c, map[string]string{
		"a/loop1.md":    "looping link",
		"a/loop2.md":    "looping link",
		"a/dangling.md": `broken link: it leads to "nowhere.md", which does not exist`,
		"a/up":          "link to a folder; sendbot does not follow folder links",
		"a/huge.txt":    "file is 33554433 bytes, over the 32 MiB size limit",
		"a/passwd.txt":  "link that leads outside this folder (to " + strconv.Quote(secret) + "); sendbot reads only files inside it",
		"a/env.md":      "link that leads outside this folder",
		"a/more":        "link that leads outside this folder",
		"a/absolute.md": "link that leads outside this folder",
	})
	if len(c.Errors()) != 8 {
		t.Errorf("errors = %d, want 8 (the folder link inside is skipped, not an error): %+v", len(c.Errors()), c.Errors())
	}
	if fp, err := Fingerprint(fsys); err != nil || fp == "" {
		t.Errorf("fingerprint of a folder with links out: %q, %v", fp, err)
	}
}
