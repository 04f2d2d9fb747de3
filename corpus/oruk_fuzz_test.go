package corpus

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"unicode/utf8"
)

// addTestdata seeds a fuzzer with the files of a testdata folder.
func addTestdata(f *testing.F, dir string) {
	files, _ := filepath.Glob(filepath.Join("testdata", dir, "*"))
	for _, name := range files {
		if data, err := os.ReadFile(name); err == nil {
			f.Add(data)
		}
	}
}

// checkDirectory asserts what every service directory reader promises,
// whatever its input: a one-line reason on failure; otherwise entries with
// unique IDs, a one-line title and non-empty valid text, and skips that
// name their entry and give a reason.
func checkDirectory(t *testing.T, res parsed, err error) {
	t.Helper()
	if err != nil {
		if msg := err.Error(); msg == "" || strings.Contains(msg, "\n") || !utf8.ValidString(msg) {
			t.Fatalf("reason must be one line of text: %q", msg)
		}
		return
	}
	ids := map[string]bool{}
	for _, e := range res.Entries {
		if e.ID == "" || ids[e.ID] {
			t.Fatalf("entry ID %q is empty or repeated", e.ID)
		}
		ids[e.ID] = true
		title := e.Meta.Title
		if strings.TrimSpace(title) == "" || strings.ContainsAny(title, "\n\r") || !utf8.ValidString(title) {
			t.Fatalf("entry %s: bad title %q", e.ID, title)
		}
		if len(e.Blocks) == 0 {
			t.Fatalf("entry %s has no text", e.ID)
		}
		for _, b := range e.Blocks {
			if b.Level != 0 || b.Page != 0 || strings.TrimSpace(b.Text) == "" || !utf8.ValidString(b.Text) {
				t.Fatalf("entry %s: bad block %+v", e.ID, b)
			}
		}
		if u := e.Meta.SourceURL; u != "" && !isWebURL(u) {
			t.Fatalf("entry %s: source %q is not a web address", e.ID, u)
		}
	}
	for _, s := range res.Skipped {
		if s.Entry == "" || s.Reason == "" || !utf8.ValidString(s.Entry) {
			t.Fatalf("skip without entry or reason: %+v", s)
		}
	}
}

func FuzzParseORUK(f *testing.F) {
	addTestdata(f, "oruk")
	for _, seed := range []string{
		`[]`, `{}`, `null`, `"text"`, `[1,"a",null,{}]`, `{"contents":[{"contents":[]}]}`,
		`[{"name":"<p>A &amp; B</p>","description":"<ul><li><p>x</li></ul>","url":"http://a b"}]`,
		`{"name":"x","services":[{"name":"y","description":"z"}]}`,
		`[{"id":1,"name":"A","description":"d"},{"id":"1","name":"B","description":"d"}]`,
		`[{"name":"A","description":"d","minimum_age":"x","cost_options":{"amount":"1e400"}}]`,
		`[` + strings.Repeat(`[`, 200) + strings.Repeat(`]`, 200) + `]`,
	} {
		f.Add([]byte(seed))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		res, err := parseORUK(data)
		checkDirectory(t, res, err)
	})
}

func FuzzParseCSV(f *testing.F) {
	addTestdata(f, "csv")
	for _, seed := range []string{
		"name\n", "name,description\nA,\"B\n", "\ufeffsep=\t\nName\tWebsite\nA\thttp://x\n",
		"name;id\n;1\nA;1\nA;1\n", "title,,,\n\"a\"\"b\",<b>x</b>,&amp;\n", "Name\n\xff\xfe\n",
		"name,min age,max age\nA,99999,-1\n",
	} {
		f.Add([]byte(seed))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		res, err := parseCSV(data)
		checkDirectory(t, res, err)
	})
}
