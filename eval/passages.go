package eval

import (
	"encoding/json"
	"fmt"
	"io"
	"os"

	"github.com/sendbot/sendbot/corpus"
)

// passageLine is one passage as WritePassages writes it.
type passageLine struct {
	ID       string `json:"id"`
	Document string `json:"document"`
	Title    string `json:"title"`
	Section  string `json:"section"`
	Text     string `json:"text"`
	Area     string `json:"area"`
	National bool   `json:"national"`
	Kind     string `json:"kind"`
}

// WritePassages writes every passage of docs to w, one JSON object a
// line, so that another search engine can be scored on exactly the text
// the index is built from (bench/fts5).
func WritePassages(w io.Writer, docs []corpus.Document) error {
	enc := json.NewEncoder(w)
	for _, d := range docs {
		for _, p := range d.Passages {
			line := passageLine{ID: p.ID, Document: d.Key(), Title: d.Title, Section: p.Section, Text: p.Text,
				Area: d.Area, National: corpus.IsNational(d.Area), Kind: d.Kind}
			if err := enc.Encode(line); err != nil {
				return err
			}
		}
	}
	return nil
}

// WritePassagesFile writes every passage of docs, as WritePassages does,
// to a new file at path (sendbot eval --passages-out).
func WritePassagesFile(path string, docs []corpus.Document) error {
	f, err := os.Create(path)
	if err != nil {
		return fmt.Errorf("passages file: %w", err)
	}
	if err := WritePassages(f, docs); err != nil {
		f.Close()
		return fmt.Errorf("passages file: %w", err)
	}
	return f.Close()
}
