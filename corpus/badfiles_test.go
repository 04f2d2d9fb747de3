package corpus

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestBadFilesOnDisk covers what only a real folder can hold: links that
// loop, links to folders (including the corpus itself), dangling links and
// a file over the size cap. Each is reported with its path and reason and
// the good file beside them is still read.
func TestBadFilesOnDisk(t *testing.T) {
	dir := t.TempDir()
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
	big, err := os.Create(filepath.Join(dir, "a", "huge.txt"))
	must(err)
	must(big.Truncate(MaxFileBytes + 1)) // sparse: costs no disk
	must(big.Close())

	c, err := Load(os.DirFS(dir))
	if err != nil {
		t.Fatal(err)
	}
	if read := documentPaths(c); strings.Join(read, ",") != "a/alias.md,a/good.md" {
		t.Errorf("documents read = %v, want the good file and the link to it", read)
	}
	checkProblems(t, c, map[string]string{
		"a/loop1.md":    "too many levels of symbolic links",
		"a/loop2.md":    "too many levels of symbolic links",
		"a/dangling.md": "broken or looping link: no such file",
		"a/up":          "link to a folder; sendbot does not follow folder links",
		"a/huge.txt":    "file is 33554433 bytes, over the 32 MiB size limit",
	})
	if len(c.Errors()) != 4 {
		t.Errorf("errors = %d, want 4 (the folder link is skipped, not an error): %+v", len(c.Errors()), c.Errors())
	}
}
