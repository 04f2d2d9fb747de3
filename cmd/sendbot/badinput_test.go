package main

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// badInputCorpus writes a corpus folder holding one good document beside
// every kind of bad input the check and index commands must report, and
// returns the folder and the reason expected for each bad path.
func badInputCorpus(t *testing.T) (string, map[string]string) {
	t.Helper()
	dir := t.TempDir()
	write := func(p string, data []byte) {
		t.Helper()
		full := filepath.Join(dir, p)
		if err := os.MkdirAll(filepath.Dir(full), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(full, data, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	write("testshire/transport.md", []byte("---\ntitle: Transport\nsource_url: https://testshire.example/t\n---\n# Transport\n\nChildren who live beyond walking distance of their nearest suitable school can get free travel to school.\n"))
	write("testshire/empty.md", nil)
	write("testshire/photo.md", []byte("\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR"))
	write("testshire/latin1.txt", []byte("Caf\xe9 and short breaks for families in Testshire."))
	write("sources.yaml", []byte("documents:\n  - path: ../../etc/passwd\n    title: Not ours\n"))
	for _, name := range []string{"testshire-guide.pdf", "encrypted-rc4.pdf", "truncated.pdf", "no-text-layer.pdf"} {
		data, err := os.ReadFile(filepath.Join("..", "..", "corpus", "testdata", "pdf", name))
		if err != nil {
			t.Fatal(err)
		}
		write("testshire/"+name, data)
	}
	if err := os.Symlink("loop-b.md", filepath.Join(dir, "testshire", "loop-a.md")); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink("loop-a.md", filepath.Join(dir, "testshire", "loop-b.md")); err != nil {
		t.Fatal(err)
	}
	big, err := os.Create(filepath.Join(dir, "testshire", "huge.txt"))
	if err != nil {
		t.Fatal(err)
	}
	if err := big.Truncate(33 << 20); err != nil {
		t.Fatal(err)
	}
	big.Close()
	return dir, map[string]string{
		"testshire/empty.md":               "file is empty",
		"testshire/photo.md":               "file holds binary data, not text",
		"testshire/latin1.txt":             "file is not valid UTF-8 text",
		"testshire/loop-a.md":              "looping link",
		"testshire/loop-b.md":              "looping link",
		"testshire/huge.txt":               "over the 32 MiB size limit",
		"sources.yaml (documents entry 1)": `path "../../etc/passwd" is outside the corpus folder`,
		"testshire/encrypted-rc4.pdf":      "PDF is encrypted (password protected); save a copy without a password",
		"testshire/truncated.pdf":          "PDF is incomplete",
		"testshire/no-text-layer.pdf":      "PDF has no text layer",
	}
}

// TestBadInputIsReportedAndLosesNothingElse runs check and index over a
// corpus of bad files: each is reported with its path and reason, check
// exits with an error, and the good document is still indexed and found.
func TestBadInputIsReportedAndLosesNothingElse(t *testing.T) {
	dir, want := badInputCorpus(t)
	c := newCLI(t)
	c.env["SENDBOT_CORPUS"] = dir

	checkOut, _, err := c.run("", "check")
	if !errors.Is(err, errCorpusProblems) {
		t.Errorf("check of a corpus with broken files: err = %v, want errCorpusProblems", err)
	}
	indexOut, _, err := c.run("", "index")
	if err != nil {
		t.Fatalf("index must still build from the good files: %v\n%s", err, indexOut)
	}
	for name, out := range map[string]string{"check": checkOut, "index": indexOut} {
		lines := strings.Split(out, "\n")
		for path, reason := range want {
			found := false
			for _, l := range lines {
				if strings.HasPrefix(l, "error") && strings.Contains(l, path) && strings.Contains(l, reason) {
					found = true
				}
			}
			if !found {
				t.Errorf("%s does not report %s with %q:\n%s", name, path, reason, out)
			}
		}
	}
	if !strings.Contains(indexOut, "Indexed 2 documents (") {
		t.Errorf("index should hold the two good documents:\n%s", indexOut)
	}
	out, _, err := c.run("", "ask", "free travel to school")
	if err != nil || !strings.Contains(out, "https://testshire.example/t") {
		t.Errorf("the good Markdown document is not answered from: %v\n%s", err, out)
	}
	// The good PDF is answered from, citing the page the passage is on.
	out, _, err = c.run("", "ask", "what should I pack for an overnight stay?")
	if err != nil || !strings.Contains(out, "Short breaks in Testshire: a guide for families") || !strings.Contains(out, "page 3") ||
		!strings.Contains(out, "medicines") || strings.Contains(out, "Page 3 of 4") {
		t.Errorf("the PDF's answer should quote page 3 and cite it, without the running footer:\n%s", out)
	}
}
