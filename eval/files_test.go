package eval

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/sendbot/sendbot/corpus"
)

func TestReadQuestionFilesKeepsIDsApart(t *testing.T) {
	dir := t.TempDir()
	write := func(name, text string) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
		return p
	}
	a := write("a.jsonl", `{"id": "q1", "q": "what is an ehcp", "gold": ["plan"]}`+"\n")
	b := write("b.jsonl", `{"id": "q2", "q": "cheap flights", "gold": [], "expect": "no-answer"}`+"\n")
	again := write("c.jsonl", `{"id": "q1", "q": "what is a senco", "gold": ["coordinator"]}`+"\n")
	qs, err := ReadQuestionFiles([]string{a, b})
	if err != nil || len(qs) != 2 || qs[0].ID != "q1" || !qs[1].NoAnswer() {
		t.Errorf("two files: %+v, %v", qs, err)
	}
	if _, err := ReadQuestionFiles([]string{a, again}); err == nil || !strings.Contains(err.Error(), `id "q1" is also used in `+a) {
		t.Errorf("an id used twice: %v", err)
	}
	if _, err := ReadQuestionFiles([]string{filepath.Join(dir, "none.jsonl")}); err == nil || !strings.Contains(err.Error(), "questions file") {
		t.Errorf("a missing file: %v", err)
	}
}

func TestWritePassagesWritesOneLineEach(t *testing.T) {
	docs := []corpus.Document{
		{Path: "testshire/breaks.md", Title: "Short breaks", Area: "Testshire", Kind: "local-offer",
			Passages: []corpus.Passage{{ID: "p1", Section: "Who", Text: "Short breaks give families a rest."}, {ID: "p2", Text: "Clubs run on Saturdays."}}},
		{Path: "england/code.md", Title: "SEND code of practice", Area: "England", Passages: []corpus.Passage{{ID: "p3", Text: "The code says what councils must do."}}},
	}
	var b bytes.Buffer
	if err := WritePassages(&b, docs); err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimSpace(b.String()), "\n")
	if len(lines) != 3 {
		t.Fatalf("%d lines:\n%s", len(lines), b.String())
	}
	var first, last passageLine
	json.Unmarshal([]byte(lines[0]), &first)
	json.Unmarshal([]byte(lines[2]), &last)
	if first.ID != "p1" || first.Section != "Who" || first.Title != "Short breaks" || first.Area != "Testshire" || first.National || first.Document == "" {
		t.Errorf("first line %+v", first)
	}
	if last.ID != "p3" || !last.National {
		t.Errorf("an England-wide passage %+v", last)
	}

	path := filepath.Join(t.TempDir(), "passages.jsonl")
	if err := WritePassagesFile(path, docs); err != nil {
		t.Fatal(err)
	}
	if got, err := os.ReadFile(path); err != nil || string(got) != b.String() {
		t.Errorf("the passages file holds %q (%v), want %q", got, err, b.String())
	}
	if err := WritePassagesFile(filepath.Join(path, "inside-a-file.jsonl"), docs); err == nil || !strings.HasPrefix(err.Error(), "passages file: ") {
		t.Errorf("a file that cannot be made: %v", err)
	}
}
