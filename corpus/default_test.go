package corpus

import (
	"io/fs"
	"os"
	"regexp"
	"strings"
	"testing"
)

var citation = regexp.MustCompile(`Source: .+ \(https?://[^\s)]+\), as of (\d{4}-\d{2}-\d{2}|[A-Za-z0-9 ]+)\.`)

func TestDefaultCorpusIsCleanAndCited(t *testing.T) {
	c, err := Load(Default())
	if err != nil {
		t.Fatal(err)
	}
	if len(c.Problems) > 0 {
		t.Fatalf("embedded default corpus has problems: %+v", c.Problems)
	}
	areas := map[string]int{}
	for _, d := range c.Documents {
		areas[d.Area]++
		if !strings.HasPrefix(d.SourceURL, "https://") && !strings.HasPrefix(d.SourceURL, "http://") {
			t.Errorf("%s: source_url %q is not a web address", d.Path, d.SourceURL)
		}
		if d.Kind != "fact-sheet" {
			t.Errorf("%s: kind %q, want fact-sheet", d.Path, d.Kind)
		}
		for _, p := range d.Passages {
			if !citation.MatchString(p.Text) {
				t.Errorf("%s [%s]: passage has no cited source: %q", d.Path, p.Section, p.Text)
			}
		}
	}
	for _, a := range []string{"Herefordshire", "Worcestershire", "England"} {
		if areas[a] == 0 {
			t.Errorf("default corpus has no documents for %s", a)
		}
	}
}

// TestDefaultCorpusIsInOurOwnWords checks that no run of eight words in the
// fact sheets (outside their citation lines) appears in the shared corpus
// they summarise.
func TestDefaultCorpusIsInOurOwnWords(t *testing.T) {
	const shared = "../../shared/corpus"
	if _, err := os.Stat(shared); err != nil {
		t.Skip("../shared/corpus is absent: the copied-text check needs the shared test corpus")
	}
	const n = 8
	sharedRuns := map[string]string{}
	err := fs.WalkDir(os.DirFS(shared), ".", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || strings.HasSuffix(p, ".pdf") || strings.HasSuffix(p, ".json") {
			return err
		}
		data, err := os.ReadFile(shared + "/" + p)
		if err != nil {
			return err
		}
		for _, run := range wordRuns(htmlTag.ReplaceAllString(string(data), " "), n) {
			sharedRuns[run] = p
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	err = fs.WalkDir(Default(), ".", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		data, err := fs.ReadFile(Default(), p)
		if err != nil {
			return err
		}
		var prose []string
		for _, line := range strings.Split(string(data), "\n") {
			if strings.HasPrefix(line, "Source:") || strings.HasPrefix(line, "source_url:") {
				continue
			}
			prose = append(prose, line)
		}
		for _, run := range wordRuns(strings.Join(prose, "\n"), n) {
			if from, ok := sharedRuns[run]; ok {
				t.Errorf("%s repeats %q from %s", p, run, from)
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}

var nonWord = regexp.MustCompile(`[^\p{L}\p{N}]+`)

func wordRuns(text string, n int) []string {
	words := strings.Fields(nonWord.ReplaceAllString(strings.ToLower(text), " "))
	var runs []string
	for i := 0; i+n <= len(words); i++ {
		runs = append(runs, strings.Join(words[i:i+n], " "))
	}
	return runs
}
