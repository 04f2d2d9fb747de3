package corpus

import (
	"errors"
	"strings"
	"testing"
	"testing/fstest"
)

func TestRemoteSourcesListsURLEntries(t *testing.T) {
	fsys := fstest.MapFS{
		"sources.yaml": {Data: []byte(`documents:
  - path: testshire/minutes.txt
    title: "A local file, not a remote source"
  - url: https://Example.org/testshire/short-breaks#who
    title: Short breaks in Testshire
    area: Testshire
    source_url: https://example.org/testshire/short-breaks-page
  - url: https://directory.example.org/oruk
    format: ORUK
    area: Testshire
  - url: https://example.org/testshire/short-breaks
    area: Testshire
  - url: ftp://example.org/file.txt
    area: Testshire
  - url: /relative/page
    area: Testshire
  - url: https://user:secret@example.org/private
    area: Testshire
  - url: https://example.org/no-area
  - url: https://example.org/feed
    format: rss
    area: Testshire
`)},
		"testshire/minutes.txt": {Data: []byte("Minutes of a meeting about short breaks in Testshire.")},
	}
	sources, problems := RemoteSources(fsys)
	var got []string
	for _, s := range sources {
		got = append(got, s.URL+" "+s.Format+" "+s.Area)
	}
	want := []string{
		"https://example.org/testshire/short-breaks  Testshire",
		"https://directory.example.org/oruk oruk Testshire",
	}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("sources:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	if len(sources) > 0 && (sources[0].Title != "Short breaks in Testshire" || sources[0].SourceURL != "https://example.org/testshire/short-breaks-page") {
		t.Errorf("metadata lost: %+v", sources[0])
	}
	wantProblems := []struct{ entry, reason string }{
		{"entry 4", "url https://example.org/testshire/short-breaks is listed twice"},
		{"entry 5", `url "ftp://example.org/file.txt" must start with https://`},
		{"entry 6", `url "/relative/page" must start with https://`},
		{"entry 7", "holds a user name or password"},
		{"entry 8", "url https://example.org/no-area has no area; add area:"},
		{"entry 9", `format "rss" is not one sendbot fetches`},
	}
	if len(problems) != len(wantProblems) {
		t.Errorf("got %d problems, want %d: %+v", len(problems), len(wantProblems), problems)
	}
	for i, w := range wantProblems {
		if i >= len(problems) {
			break
		}
		p := problems[i]
		if !strings.Contains(p.Path, w.entry) || !strings.Contains(p.Reason, w.reason) || p.Skipped() {
			t.Errorf("problem %d = %s: %s; want %s: %s (an error, not a skip)", i, p.Path, p.Reason, w.entry, w.reason)
		}
		if strings.Contains(p.Reason, "secret") {
			t.Errorf("a password reached a problem's reason: %s", p.Reason)
		}
	}

	c, err := Load(fsys)
	if err != nil {
		t.Fatal(err)
	}
	if len(c.Problems) != 0 || len(c.Documents) != 1 {
		t.Errorf("Load should read the local file and leave url entries to fetch: %d documents, problems %+v", len(c.Documents), c.Problems)
	}
}

func TestRemoteSourcesWithoutManifest(t *testing.T) {
	sources, problems := RemoteSources(fstest.MapFS{"a/b.md": {Data: []byte("text")}})
	if len(sources) != 0 || len(problems) != 0 {
		t.Errorf("no sources.yaml: %+v %+v", sources, problems)
	}
	_, problems = RemoteSources(fstest.MapFS{"sources.yaml": {Data: []byte("documents: [")}})
	if len(problems) != 1 || !strings.Contains(problems[0].Reason, "not valid YAML") {
		t.Errorf("broken sources.yaml: %+v", problems)
	}
}

func TestRemoteSourcesListsSiteEntries(t *testing.T) {
	fsys := fstest.MapFS{
		"sources.yaml": {Data: []byte(`documents:
  - site: https://Example.org:443/testshire/local-offer
    area: Testshire
    kind: local-offer
  - site: https://example.org/send/index.html
    area: Testshire
    max_pages: 50
  - site: https://council.example.org/
    scope: https://council.example.org/send/
    area: Testshire
  - site: https://example.org/testshire/local-offer/short-breaks
    area: Testshire
  - site: https://example.org/testshire/local-offer
    scope: https://example.org/other
    area: Testshire
  - site: https://example.org/a
    area: Testshire
    max_pages: lots
  - site: https://example.org/b
    area: Testshire
    max_pages: 0
  - site: https://example.org/c
  - site: ftp://example.org/d
    area: Testshire
  - site: https://example.org/e
    url: https://example.org/e
    area: Testshire
  - site: https://example.org/x/
    scope: https://example.org/x
    area: Testshire
  - site: https://example.org/x
    area: Testshire
`)},
	}
	sources, problems := RemoteSources(fsys)
	var got []string
	for _, s := range sources {
		got = append(got, s.Site+" in "+s.Scope+" max "+s.MaxPages)
	}
	want := []string{
		"https://example.org:443/testshire/local-offer in https://example.org/testshire/local-offer max 2000",
		"https://example.org/send/index.html in https://example.org/send max 50",
		"https://example.org/testshire/local-offer/short-breaks in https://example.org/testshire/local-offer/short-breaks max 2000",
		"https://example.org/x/ in https://example.org/x max 2000",
	}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("sites:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	wantProblems := []struct{ entry, reason string }{
		{"entry 3", "site https://council.example.org/ is outside its scope https://council.example.org/send"},
		{"entry 5", "is outside its scope https://example.org/other"},
		{"entry 6", `max_pages "lots" is not a whole number from 1 to 100000`},
		{"entry 7", `max_pages "0" is not a whole number`},
		{"entry 8", "site https://example.org/c has no area"},
		{"entry 9", `site "ftp://example.org/d" must start with https://`},
		{"entry 10", "also has a url"},
		{"entry 12", "crawls https://example.org/x, as entry 11 already does"},
	}
	if len(problems) != len(wantProblems) {
		t.Errorf("got %d problems, want %d: %+v", len(problems), len(wantProblems), problems)
	}
	for i, w := range wantProblems {
		if i < len(problems) && (!strings.Contains(problems[i].Path, w.entry+")") || !strings.Contains(problems[i].Reason, w.reason)) {
			t.Errorf("problem %d = %s: %s; want %s: %s", i, problems[i].Path, problems[i].Reason, w.entry, w.reason)
		}
	}
	if c, err := Load(fsys); err != nil || len(c.Problems) != 0 {
		t.Errorf("Load should leave site entries to fetch: %v %+v", err, c.Problems)
	}
}

// CheckSite refuses what RemoteSources would leave out, naming the field
// at fault, and cleans what it takes.
func TestCheckSite(t *testing.T) {
	tests := []struct {
		name  string
		in    Meta
		field string // "" when taken
		want  Meta
	}{
		{name: "scope filled in", in: Meta{Site: "https://Example.org/local-offer", Area: "Testshire"},
			want: Meta{Site: "https://example.org/local-offer", Scope: "https://example.org/local-offer", MaxPages: "2000", Area: "Testshire"}},
		{name: "scope above the start", in: Meta{Site: "https://example.org/send/a.html", Scope: "https://example.org/send/", MaxPages: " 40 ", Area: "Testshire"},
			want: Meta{Site: "https://example.org/send/a.html", Scope: "https://example.org/send", MaxPages: "40", Area: "Testshire"}},
		{name: "not a web address", in: Meta{Site: "javascript:alert(1)", Area: "Testshire"}, field: "site"},
		{name: "no area", in: Meta{Site: "https://example.org/"}, field: "area"},
		{name: "max_pages not a number", in: Meta{Site: "https://example.org/", Area: "Testshire", MaxPages: "lots"}, field: "max_pages"},
		{name: "start outside its scope", in: Meta{Site: "https://example.org/a", Scope: "https://example.org/b", Area: "Testshire"}, field: "scope"},
		{name: "a url as well", in: Meta{Site: "https://example.org/", URL: "https://example.org/x.pdf", Area: "Testshire"}, field: "url"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := CheckSite(tt.in)
			var p *SiteProblem
			switch {
			case tt.field == "" && err != nil:
				t.Fatalf("refused: %v", err)
			case tt.field == "" && got != tt.want:
				t.Errorf("got %+v\nwant %+v", got, tt.want)
			case tt.field != "" && (!errors.As(err, &p) || p.Field != tt.field || p.Reason == ""):
				t.Errorf("got %+v, %v; want a problem with %s", got, err, tt.field)
			}
		})
	}
}
