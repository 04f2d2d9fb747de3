package library

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/netip"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/sendbot/sendbot/corpus"
	"github.com/sendbot/sendbot/index"
	"github.com/sendbot/sendbot/internal/testkit"
)

// localOffer is a council's Local Offer of ten pages on loopback, with a
// sitemap whose lastmod says which pages changed. Each page has a fact
// of its own, and the site's banner and footer.
type localOffer struct {
	*httptest.Server
	mu sync.Mutex
	// facts are the pages' facts by number; status answers a page with
	// an error instead; modified are the pages changed since the start.
	facts    map[int]string
	status   map[int]int
	modified map[int]bool
}

var localOfferFacts = []string{
	"The Testshire short breaks team arranges overnight stays at Willow Lodge for disabled children.",
	"Children with an EHC plan who live beyond walking distance get free school travel from Testshire.",
	"The Testshire SENDIASS helpline gives impartial advice to parents about support at school.",
	"Holiday clubs at Brook Park welcome children with SEND during the summer holidays.",
	"The portage service visits families at home to support the learning of children under five.",
	"Hydrotherapy sessions run at the Meadow Centre pool on weekday mornings.",
	"The sensory loan library lends weighted blankets and ear defenders to families.",
	"Parent carer forum coffee mornings meet on the first Tuesday of every month.",
	"Speech and language therapists run drop-in clinics at Testshire children's centres.",
	"Young people aged 14 to 19 can ask for independent travel training from the travel team.",
}

func newLocalOffer(t *testing.T) *localOffer {
	lo := &localOffer{facts: map[int]string{}, status: map[int]int{}, modified: map[int]bool{}}
	for i, f := range localOfferFacts {
		lo.facts[i] = f
	}
	lo.Server = httptest.NewServer(http.HandlerFunc(lo.serve))
	t.Cleanup(lo.Close)
	return lo
}

// change gives page i a new fact, dated later in the sitemap.
func (lo *localOffer) change(i int, fact string) {
	lo.mu.Lock()
	defer lo.mu.Unlock()
	lo.facts[i], lo.modified[i] = fact, true
}

// fail makes page i answer with status from now on.
func (lo *localOffer) fail(i, status int) {
	lo.mu.Lock()
	defer lo.mu.Unlock()
	lo.status[i] = status
	lo.modified[i] = true // so that the crawl asks for it again
}

func (lo *localOffer) serve(w http.ResponseWriter, r *http.Request) {
	lo.mu.Lock()
	defer lo.mu.Unlock()
	switch p := r.URL.Path; {
	case p == "/robots.txt":
		fmt.Fprintf(w, "User-agent: *\nSitemap: %s/sitemap.xml\n", lo.URL)
	case p == "/sitemap.xml":
		w.Header().Set("Content-Type", "application/xml")
		fmt.Fprint(w, `<?xml version="1.0"?><urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">`)
		for i := range localOfferFacts {
			mod := "2024-01-01"
			if lo.modified[i] {
				mod = "2024-06-01"
			}
			fmt.Fprintf(w, "<url><loc>%s/local-offer/page-%d</loc><lastmod>%s</lastmod></url>", lo.URL, i, mod)
		}
		fmt.Fprint(w, `</urlset>`)
	case strings.HasPrefix(p, "/local-offer/page-"):
		var i int
		if _, err := fmt.Sscanf(p, "/local-offer/page-%d", &i); err != nil || lo.facts[i] == "" {
			http.NotFound(w, r)
			return
		}
		if s := lo.status[i]; s != 0 {
			http.Error(w, http.StatusText(s), s)
			return
		}
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		fmt.Fprintf(w, `<!doctype html><html><head><title>Page %d | Testshire Local Offer</title></head><body>
<div class="x1"><p>The Testshire Local Offer brings together information for families of children and young people with special educational needs.</p></div>
<h1>Local Offer page %d</h1><p>%s</p>
<div class="x2"><p>Tell us what you think of these pages, so that we can make them better for the families who read them.</p></div>
</body></html>`, i, i, lo.facts[i])
	default:
		http.NotFound(w, r)
	}
}

// refreshFixture is a library whose corpus lists the Local Offer as a
// site, with its index built and served.
type refreshFixture struct {
	lo        *localOffer
	corpusDir string
	cfg       Config
	lib       *Library
	live      *index.Live
	r         *Reindexer
}

func newRefreshFixture(t *testing.T) *refreshFixture {
	t.Helper()
	f := &refreshFixture{lo: newLocalOffer(t)}
	f.corpusDir = testkit.WriteCorpus(t, map[string]string{
		"testshire/breaks.md": "# Short breaks\n\nShort breaks give families a rest from caring.\n",
		"sources.yaml":        "documents:\n  - site: " + f.lo.URL + "/local-offer\n    area: Testshire\n    kind: local-offer\n    publisher: Testshire Council\n",
	})
	f.cfg = Config{Corpus: f.corpusDir, DataDir: t.TempDir(),
		FetchAllow: []netip.Prefix{netip.MustParsePrefix("127.0.0.0/8")}, FetchInterval: 1} // the site is on loopback
	f.lib = open(t, f.cfg)
	ctx := context.Background()
	// As `sendbot fetch` then serve's start: the site crawled, the index
	// built whole.
	if _, err := f.lib.Fetch(ctx, mustRemoteSources(t, f.lib), nil); err != nil {
		t.Fatal(err)
	}
	ix, err := f.lib.OpenIndex(ctx)
	if err != nil {
		t.Fatal(err)
	}
	ix.Close()
	if f.live, err = index.OpenLive(f.lib.IndexDir()); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { f.live.Close() })
	f.r = f.lib.Reindexer(f.live)
	return f
}

func mustRemoteSources(t *testing.T, lib *Library) []corpus.Meta {
	t.Helper()
	sources, problems, err := lib.RemoteSources()
	if err != nil || len(problems) > 0 || len(sources) != 1 {
		t.Fatalf("remote sources %+v, problems %+v, %v", sources, problems, err)
	}
	return sources
}

// reindex runs a reindex and returns its report and the stages it went
// through.
func (f *refreshFixture) reindex(t *testing.T) (Report, []Stage, error) {
	t.Helper()
	var stages []Stage
	rep, err := f.r.Reindex(context.Background(), func(p Progress) {
		if len(stages) == 0 || stages[len(stages)-1] != p.Stage {
			stages = append(stages, p.Stage)
		}
	})
	return rep, stages, err
}

// answer is the page of the Local Offer that answers question, from the
// index being served: "page-3", or "" when no page of the site does.
func (f *refreshFixture) answer(t *testing.T, question string) string {
	t.Helper()
	res, err := f.live.Search(context.Background(), index.Query{Text: question})
	if err != nil {
		t.Fatal(err)
	}
	if !res.Answered || len(res.Hits) == 0 {
		return ""
	}
	page, ok := strings.CutPrefix(res.Hits[0].SourceURL, f.lo.URL+"/local-offer/")
	if !ok {
		return ""
	}
	return page
}

// A refresh where pages changed, one vanished and one failed updates the
// index with those pages alone, and parents get answers from the new
// text, none from the vanished page, and the failed page's kept copy.
func TestARefreshUpdatesOnlyTheChangedPages(t *testing.T) {
	f := newRefreshFixture(t)
	if got := f.answer(t, "who arranges overnight stays at Willow Lodge"); got != "page-0" {
		t.Fatalf("before the refresh, the short breaks question is answered from %q", got)
	}
	f.lo.change(0, "The Testshire short breaks team now arranges weekend stays at Orchard House instead.")
	f.lo.change(1, "From September the travel team gives bus passes to pupils with an EHC plan.")
	f.lo.change(2, "The SENDIASS helpline now also answers questions by text message on Saturdays.")
	f.lo.fail(4, http.StatusNotFound)
	f.lo.fail(5, http.StatusInternalServerError)
	builtAt := f.live.Info().BuiltAt

	rep, stages, err := f.reindex(t)
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(stages, []Stage{Fetching, Updating, Switching}) {
		t.Errorf("stages %v: want the index updated, not rebuilt", stages)
	}
	if rep.Updated == nil || rep.Updated.Files != 3 || rep.Updated.Documents != 3 || rep.Updated.Removed != 1 {
		t.Fatalf("report: updated %+v, want 3 files read again and 1 removed", rep.Updated)
	}
	if s := rep.Fetched.Summary(); s != "1 site: 11 pages found, 3 fetched, 5 unchanged, 1 failed, 1 dropped" {
		t.Errorf("fetch summary %q", s)
	}
	// 1 corpus document and 9 pages, beside the built-in ones.
	if b, _ := f.lib.builtinCounts(); rep.Documents != 10 || rep.Builtin != b || b == 0 || len(rep.Problems) != 0 {
		t.Errorf("report: %d documents, %d built-in (want 10, %d), problems %+v", rep.Documents, rep.Builtin, b, rep.Problems)
	}
	if f.live.Info().BuiltAt.Equal(builtAt) {
		t.Error("the serving index was not switched to the updated one")
	}
	for _, tt := range []struct{ question, want string }{
		{"where are weekend stays at Orchard House", "page-0"},
		{"bus passes for pupils with an EHC plan from September", "page-1"},
		{"can the SENDIASS helpline answer by text message on Saturdays", "page-2"},
		{"when do holiday clubs at Brook Park welcome children", "page-3"},  // unchanged
		{"hydrotherapy sessions at the Meadow Centre pool", "page-5"},       // failed: its copy kept
		{"does portage visit families at home for children under five", ""}, // vanished (404)
		{"overnight stays at Willow Lodge for disabled children", ""},       // the old text
	} {
		if got := f.answer(t, tt.question); got != tt.want {
			t.Errorf("%q is answered from %q, want %q", tt.question, got, tt.want)
		}
	}

	// A restart finds the index up to date: no rebuild.
	ix, err := open(t, f.cfg).OpenIndex(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if !ix.Info().BuiltAt.Equal(f.live.Info().BuiltAt) {
		t.Error("a restart rebuilt the updated index")
	}
	ix.Close()

	// The updated index holds what a full rebuild makes of the same files.
	updated, info := documentPaths(t, f.lib), f.live.Info()
	if _, err := f.lib.Build(context.Background()); err != nil {
		t.Fatal(err)
	}
	rebuilt, err := index.Open(f.lib.IndexDir())
	if err != nil {
		t.Fatal(err)
	}
	defer rebuilt.Close()
	if got := documentPaths(t, f.lib); !slices.Equal(got, updated) || rebuilt.Info().Passages != info.Passages ||
		rebuilt.Info().Documents != info.Documents || !slices.Equal(rebuilt.Info().Areas, info.Areas) {
		t.Errorf("updated index: %q, %+v\nrebuilt whole: %q, %+v", updated, info, got, rebuilt.Info())
	}
}

// A refresh while the corpus folder itself has changed rebuilds the
// index whole, and so does one whose update fails.
func TestARefreshRebuildsWhenItCannotUpdate(t *testing.T) {
	tests := []struct {
		name   string
		stages []Stage
		setup  func(t *testing.T, f *refreshFixture)
	}{
		{"the corpus folder changed", []Stage{Fetching, Building, Switching}, func(t *testing.T, f *refreshFixture) {
			if err := os.WriteFile(filepath.Join(f.corpusDir, "testshire", "forum.md"),
				[]byte("# Parent carer forum\n\nThe forum's annual conference is in the town hall in March.\n"), 0o644); err != nil {
				t.Fatal(err)
			}
		}},
		{"the update fails", []Stage{Fetching, Updating, Building, Switching}, func(t *testing.T, f *refreshFixture) {
			// A file the update cannot copy with the index.
			if err := os.Symlink("nowhere", filepath.Join(f.lib.IndexDir(), "stray-link")); err != nil {
				t.Skip("no symbolic links here:", err)
			}
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := newRefreshFixture(t)
			f.lo.change(0, "The Testshire short breaks team now arranges weekend stays at Orchard House instead.")
			tt.setup(t, f)
			rep, stages, err := f.reindex(t)
			if err != nil {
				t.Fatal(err)
			}
			if !slices.Equal(stages, tt.stages) || rep.Updated != nil {
				t.Errorf("stages %v, updated %+v: want a full rebuild", stages, rep.Updated)
			}
			if got := f.answer(t, "where are weekend stays at Orchard House"); got != "page-0" {
				t.Errorf("the changed page's text is answered from %q", got)
			}
			if _, err := os.Lstat(filepath.Join(f.lib.IndexDir(), "stray-link")); err == nil {
				t.Error("the index was not rebuilt whole")
			}
		})
	}
}
