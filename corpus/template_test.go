package corpus

import (
	"fmt"
	"io/fs"
	"os"
	"path"
	"reflect"
	"strings"
	"testing"
	"testing/fstest"
)

// siteChrome is what every page of the generated site repeats, in
// elements today's per-page heuristics do not recognise by tag or class.
var siteChrome = []string{
	"Testshire County Council",
	"Working together for a greener Testshire",
	"Schools and learning",
	"Bins and recycling",
	"Council tax and benefits",
	"This site keeps small files on your device so that it works well",
	"Was this page useful?",
	"Tell us how we could make this page better",
	"County Hall, Spetchley Road, Testown TE1 1AA",
	"Open Government Licence",
}

// sectionMenus are menus that change by section: each is on a quarter of
// the pages, below the share a block of text needs, but always in the
// same place.
var sectionMenus = []string{
	"Apply for a school place Term dates School transport",
	"Care assessments Direct payments Carers' support",
	"Recycling centres Garden waste Bulky items",
	"Pay your council tax Single person discount Housing benefit",
}

// sitePage wraps main content in the site's template.
func sitePage(i int, title, main string) string {
	return `<!DOCTYPE html><html><head><title>` + title + ` | Testshire County Council</title></head><body>
<div class="l-top"><a href="/">Testshire County Council</a> <span>Working together for a greener Testshire</span></div>
<div class="l-links"><ul><li><a href="/">Home</a></li><li><a href="/s">Schools and learning</a></li><li><a href="/b">Bins and recycling</a></li><li><a href="/c">Council tax and benefits</a></li></ul></div>
<div class="l-notice"><p>This site keeps small files on your device so that it works well. You can accept them all or pick the ones you allow.</p><a href="/files">Accept</a> <a href="/files/choose">Choose</a></div>
<div class="l-wrap"><div class="l-section"><p>` + sectionMenus[i%len(sectionMenus)] + `</p></div>
<div class="l-body">` + main + `</div>
<div class="l-rate"><p>Was this page useful?</p><p><a href="/y">Yes</a> <a href="/n">No</a></p><p>Tell us how we could make this page better: it takes a minute.</p></div></div>
<div class="l-bottom"><p>County Hall, Spetchley Road, Testown TE1 1AA. Call us on 01632 960000.</p><p>All content is available under the Open Government Licence v3.0.</p></div>
</body></html>`
}

var (
	siteTopics = []string{"speech and language therapy", "school transport", "short breaks", "EHC needs assessments", "personal budgets",
		"home to school travel", "respite care", "sensory support", "educational psychology", "preparing for adulthood"}
	sitePlaces = []string{"Testown", "Norbridge", "Eastfold", "Wexley"}
)

// sharedParagraph is on two of the forty information pages: genuinely
// shared content, which must stay.
const sharedParagraph = "Parents who disagree with a decision can ask the SENDIASS helpline for free impartial advice before they appeal."

// infoPage is one of the site's forty information pages, its own text
// made different from the others'.
func infoPage(i int) string {
	topic, place := siteTopics[i%len(siteTopics)], sitePlaces[i%len(sitePlaces)]
	main := fmt.Sprintf(`<h1>%s in %s (page %d)</h1>
<p>Families living in %s can ask about %s from the age of %d. The team answers within %d working days and explains what happens next.</p>
<h2>What you can do</h2><p>You can write to the %s team at office %d, or ask your school's SENCO to refer your child for %s.</p>`,
		strings.ToUpper(topic[:1])+topic[1:], place, i, place, topic, i%19, 5+i%11, topic, 100+i, topic)
	if i == 7 || i == 23 {
		main += "<p>" + sharedParagraph + "</p>"
	}
	return sitePage(i, fmt.Sprintf("%s in %s (page %d)", topic, place, i), main)
}

// record is one service of the generated directory.
type record struct {
	name, contact, phone, email, street, town, postcode, cost, ages, who string
}

func directoryRecord(i int) record {
	costs := []string{"Free", "£5 per session", "£12 a term"}
	return record{
		name:     fmt.Sprintf("%s club %d", strings.Title(siteTopics[i%len(siteTopics)]), i), //nolint:staticcheck // ASCII names
		contact:  fmt.Sprintf("Sam Carer %d", i),
		phone:    fmt.Sprintf("01632 96%04d", 1000+i),
		email:    fmt.Sprintf("club%d@example.org", i),
		street:   fmt.Sprintf("%d Mill Lane", 10+i),
		town:     sitePlaces[i%len(sitePlaces)],
		postcode: fmt.Sprintf("TE%d %dAB", 1+i%9, i%10),
		cost:     costs[i%len(costs)],
		ages:     fmt.Sprintf("%d to %d", i%5, 18+i%8),
		who:      fmt.Sprintf("Children with %s needs in %s", siteTopics[(i+3)%len(siteTopics)], sitePlaces[i%len(sitePlaces)]),
	}
}

// directoryPage lays a record out as the directory's pages do: a
// description, then its fields as a definition list.
func directoryPage(i int, r record) string {
	main := fmt.Sprintf(`<h1>%s</h1><p>The %s meets every week in %s for children and young people who enjoy %s, with trained staff and volunteers %d.</p>
<dl class="details"><dt>Contact name</dt><dd>%s</dd><dt>Telephone</dt><dd>%s</dd><dt>Email</dt><dd><a href="mailto:%s">%s</a></dd>
<dt>Address</dt><dd>%s<br>%s<br>%s</dd><dt>Cost</dt><dd>%s</dd><dt>Age range</dt><dd>%s</dd><dt>Who is it for?</dt><dd>%s</dd></dl>`,
		r.name, r.name, r.town, siteTopics[i%len(siteTopics)], i, r.contact, r.phone, r.email, r.email, r.street, r.town, r.postcode, r.cost, r.ages, r.who)
	return sitePage(i, r.name, main)
}

// generatedSite is the site's forty information pages and fifty directory
// records, under site/, with a page from elsewhere beside it.
func generatedSite() fstest.MapFS {
	fsys := fstest.MapFS{
		"elsewhere.md": {Data: []byte("# Elsewhere\n\nA fact sheet about Testshire County Council, outside the site's folder, read as it is.")},
	}
	for i := range 40 {
		fsys[fmt.Sprintf("site/info/page-%02d.html", i)] = &fstest.MapFile{Data: []byte(infoPage(i))}
	}
	for i := range 50 {
		fsys[fmt.Sprintf("site/directory/record-%02d.html", i)] = &fstest.MapFile{Data: []byte(directoryPage(i, directoryRecord(i)))}
	}
	return fsys
}

// withTemplate learns dir's template and puts it in the folder.
func withTemplate(t *testing.T, fsys fstest.MapFS, dir string) *SiteTemplate {
	t.Helper()
	tmpl, err := LearnSiteTemplate(fsys, dir)
	if err != nil {
		t.Fatal(err)
	}
	fsys[path.Join(dir, SiteTemplateFile)] = &fstest.MapFile{Data: mustJSON(tmpl)}
	return tmpl
}

func mustLoad(t *testing.T, fsys fs.FS) *Corpus {
	t.Helper()
	c, err := Load(fsys)
	if err != nil {
		t.Fatal(err)
	}
	if errs := c.Errors(); len(errs) > 0 {
		t.Fatalf("problems: %v", errs)
	}
	return c
}

// passagesQuoting lists the passages that hold any of texts.
func passagesQuoting(c *Corpus, texts []string) []string {
	var out []string
	for _, d := range c.Documents {
		for _, p := range d.Passages {
			for _, s := range texts {
				if strings.Contains(p.Text, s) || strings.Contains(p.Section, s) {
					out = append(out, d.Key()+": "+s)
				}
			}
		}
	}
	return out
}

// TestSiteTemplateDropsWhatRepeats learns the generated site's template
// and wants no passage to quote it, where without it many do, while the
// pages' own text and a paragraph two pages share stay.
func TestSiteTemplateDropsWhatRepeats(t *testing.T) {
	fsys := generatedSite()
	chrome := append(slices0(siteChrome), sectionMenus...)
	before := passagesQuoting(mustLoad(t, fsys), chrome)
	if len(before) < 90 {
		t.Fatalf("without a template only %d passages quote the site's template; the test site no longer tests it", len(before))
	}

	tmpl := withTemplate(t, fsys, "site")
	if tmpl.Pages != 90 || tmpl.MinPages != 45 {
		t.Errorf("template learned from %d pages, blocks on at least %d; want 90 and 45", tmpl.Pages, tmpl.MinPages)
	}
	c := mustLoad(t, fsys)
	after := passagesQuoting(c, chrome)
	if len(after) != 1 || after[0] != "elsewhere.md: Testshire County Council" {
		t.Errorf("%d passages quote the site's template (%d before), want only the document outside the site: %q", len(after), len(before), after)
	}

	texts := map[string]string{}
	for _, d := range c.Documents {
		for _, p := range d.Passages {
			texts[d.Path] += p.Section + "\n" + p.Text + "\n"
		}
	}
	if len(texts) != 91 {
		t.Fatalf("read %d documents, want 91", len(texts))
	}
	for i := range 40 {
		p := fmt.Sprintf("site/info/page-%02d.html", i)
		for _, want := range []string{
			fmt.Sprintf("office %d,", 100+i),
			"What you can do",
		} {
			if !strings.Contains(texts[p], want) {
				t.Errorf("%s lost its own text %q:\n%s", p, want, texts[p])
			}
		}
		if shared := strings.Contains(texts[p], sharedParagraph); shared != (i == 7 || i == 23) {
			t.Errorf("%s: holds the paragraph two pages share: %v", p, shared)
		}
	}
	if !strings.Contains(texts["elsewhere.md"], "Testshire County Council") {
		t.Errorf("a document outside the site's folder lost text: %q", texts["elsewhere.md"])
	}
}

func slices0(s []string) []string { return append([]string(nil), s...) }

// TestSiteTemplateThresholds puts a block on a given number of pages of a
// site and wants it dropped only when it is on half the pages and on at
// least three.
func TestSiteTemplateThresholds(t *testing.T) {
	const block = "A notice that some of the pages of this site carry in their body."
	tests := []struct {
		name        string
		pages, with int
		dropped     bool
	}{
		{"on half of 40 pages", 40, 20, true},
		{"on just under half of 40 pages", 40, 19, false},
		{"on 2 of 40 pages", 40, 2, false},
		{"on 5 of 40 pages, always in the same place", 40, 5, false},
		{"on all of 3 pages", 3, 3, true},
		{"on both of 2 pages", 2, 2, false},
		{"on 2 of 3 pages", 3, 2, false},
		{"on 3 of 4 pages", 4, 3, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			fsys := fstest.MapFS{}
			for i := range tt.pages {
				extra := ""
				if i < tt.with {
					extra = `<div class="note"><p>` + block + `</p></div>`
				}
				page := fmt.Sprintf(`<html><body><main><h1>Page %d</h1><p>This is page number %d, about topic %d, in its own words.</p>%s</main></body></html>`, i, i, i*7, extra)
				fsys[fmt.Sprintf("s/p%02d.html", i)] = &fstest.MapFile{Data: []byte(page)}
			}
			withTemplate(t, fsys, "s")
			c := mustLoad(t, fsys)
			kept := len(passagesQuoting(c, []string{block}))
			if want := tt.with; tt.dropped {
				want = 0
				if kept != want {
					t.Errorf("%d pages quote the block, want it dropped", kept)
				}
			} else if kept != want {
				t.Errorf("%d pages quote the block, want all %d to keep it", kept, want)
			}
		})
	}
}

// TestSiteTemplateKeepsRepeatedHeadings: a heading on every page over
// text that changes is the pages' structure, and stays with its text.
func TestSiteTemplateKeepsRepeatedHeadings(t *testing.T) {
	fsys := fstest.MapFS{}
	for i := range 12 {
		page := fmt.Sprintf(`<html><body><div class="menu-x"><p>Home About Contact</p></div><div class="c"><h1>Topic %d</h1>
<p>An introduction to topic %d, which only this page covers in full.</p><h2>What you can do</h2><p>Ask team %d for help with topic %d.</p></div></body></html>`, i, i, i, i)
		fsys[fmt.Sprintf("s/p%02d.html", i)] = &fstest.MapFile{Data: []byte(page)}
	}
	withTemplate(t, fsys, "s")
	c := mustLoad(t, fsys)
	if got := passagesQuoting(c, []string{"Home About Contact"}); len(got) > 0 {
		t.Errorf("the menu is still quoted: %v", got)
	}
	if got := passagesQuoting(c, []string{"What you can do"}); len(got) != 12 {
		t.Errorf("%d pages keep their repeated heading over their own text, want 12", len(got))
	}
}

// TestSiteTemplateApplies checks where a template is used: in its folder
// and the folders below, not beside it, and a broken one is reported.
func TestSiteTemplateApplies(t *testing.T) {
	fsys := generatedSite()
	withTemplate(t, fsys, "site/info")
	fsys["other/page.html"] = &fstest.MapFile{Data: []byte(infoPage(3))}
	c := mustLoad(t, fsys)
	chrome := []string{"Bins and recycling"}
	var where []string
	for _, q := range passagesQuoting(c, chrome) {
		where = append(where, path.Dir(strings.SplitN(q, ":", 2)[0]))
	}
	for _, w := range where {
		if w == "site/info" {
			t.Errorf("a page under the template's folder quotes its template")
		}
	}
	if !slicesContain(where, "other") || !slicesContain(where, "site/directory") {
		t.Errorf("pages outside the template's folder should be read as before; the template's text is quoted in %v", where)
	}

	fsys["site/info/"+SiteTemplateFile] = &fstest.MapFile{Data: []byte(`{"version": 9}`)}
	c, err := Load(fsys)
	if err != nil {
		t.Fatal(err)
	}
	if got := problemReasons(c); !strings.Contains(got, "site/info/"+SiteTemplateFile) || !strings.Contains(got, "version 9") {
		t.Errorf("a broken template should be reported once, got %q", got)
	}
	if n := strings.Count(problemReasons(c), SiteTemplateFile); n != 1 {
		t.Errorf("the broken template is reported %d times, want once", n)
	}
}

func slicesContain(s []string, v string) bool {
	for _, x := range s {
		if x == v {
			return true
		}
	}
	return false
}

// TestSiteTemplateFileRoundTrips saves a template and reads it back.
func TestSiteTemplateFileRoundTrips(t *testing.T) {
	fsys := generatedSite()
	tmpl, err := LearnSiteTemplate(fsys, "site")
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	if err := tmpl.WriteFile(dir); err != nil {
		t.Fatal(err)
	}
	back, err := ReadSiteTemplate(os.DirFS(dir), ".")
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(back, tmpl) {
		t.Errorf("read back %+v, saved %+v", back, tmpl)
	}
	data, _ := os.ReadFile(dir + "/" + SiteTemplateFile)
	if strings.Contains(string(data), "greener") {
		t.Errorf("the template file quotes the site's text; it should hold hashes")
	}
}

// TestNoTemplateReadsAsBefore loads corpora with an empty template at
// their root and wants exactly what Load gives without one: the hook
// changes nothing a template does not ask for.
func TestNoTemplateReadsAsBefore(t *testing.T) {
	dirs := []string{"testdata"}
	if _, err := os.Stat(sharedCorpus); err == nil {
		dirs = append(dirs, sharedCorpus)
	} else {
		t.Log("../shared/corpus is absent: only testdata is compared")
	}
	empty := mustJSON(&SiteTemplate{Version: 1})
	for _, dir := range dirs {
		t.Run(dir, func(t *testing.T) {
			plain := copyFS(t, dir)
			withEmpty := copyFS(t, dir)
			withEmpty[SiteTemplateFile] = &fstest.MapFile{Data: empty}
			a, errA := Load(plain)
			b, errB := Load(withEmpty)
			if errA != nil || errB != nil {
				t.Fatal(errA, errB)
			}
			if !reflect.DeepEqual(a, b) {
				t.Errorf("an empty template changed what Load reads from %s", dir)
			}
		})
	}
}

// copyFS reads a folder's regular files into memory.
func copyFS(t *testing.T, dir string) fstest.MapFS {
	t.Helper()
	out := fstest.MapFS{}
	err := fs.WalkDir(os.DirFS(dir), ".", func(p string, d fs.DirEntry, err error) error {
		if err != nil || !d.Type().IsRegular() {
			return err
		}
		data, err := os.ReadFile(path.Join(dir, p))
		out[p] = &fstest.MapFile{Data: data}
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

// TestSharedSiteTemplate learns the template of each area's saved web
// pages in ../shared and counts the passages that quote a line found
// on three or more of the pages (repeated chrome) before and after; the
// pages' own lines must all stay.
func TestSharedSiteTemplate(t *testing.T) {
	const shared = sharedCorpus
	if _, err := os.Stat(shared); err != nil {
		t.Skip("../shared/corpus is absent: no saved council pages to learn from")
	}
	for _, area := range []string{"herefordshire", "worcestershire", "england"} {
		t.Run(area, func(t *testing.T) {
			fsys := fstest.MapFS{}
			for p, f := range copyFS(t, path.Join(shared, area)) {
				if isWebPage(p) {
					fsys[path.Join(area, p)] = f
				}
			}
			before := mustLoad(t, fsys)
			tmpl := withTemplate(t, fsys, area)
			after := mustLoad(t, fsys)
			repeatedBefore, repeatedAfter := repeatedLinePassages(before), repeatedLinePassages(after)
			t.Logf("%d pages, %d template blocks, %d labels; passages quoting a line on 3+ pages: %d before, %d after",
				tmpl.Pages, len(tmpl.Blocks), len(tmpl.Labels), repeatedBefore, repeatedAfter)
			if repeatedAfter > 0 {
				t.Errorf("%d passages still quote a line repeated on 3+ pages", repeatedAfter)
			}
			kept := map[string]bool{}
			for _, d := range after.Documents {
				for _, p := range d.Passages {
					for _, l := range strings.Split(p.Text, "\n") {
						kept[d.Path+"\x00"+l] = true
					}
				}
			}
			repeated := linesOnPages(before)
			for _, d := range before.Documents {
				for _, p := range d.Passages {
					for _, l := range strings.Split(p.Text, "\n") {
						if !kept[d.Path+"\x00"+l] && len(repeated[l]) < minTemplatePages {
							t.Errorf("%s lost its own line %q", d.Path, l)
						}
					}
				}
			}
		})
	}
}

// linesOnPages maps each passage line to the documents it is in.
func linesOnPages(c *Corpus) map[string]map[string]bool {
	on := map[string]map[string]bool{}
	for _, d := range c.Documents {
		for _, p := range d.Passages {
			for _, l := range strings.Split(p.Text, "\n") {
				if strings.TrimSpace(l) == "" {
					continue
				}
				if on[l] == nil {
					on[l] = map[string]bool{}
				}
				on[l][d.Path] = true
			}
		}
	}
	return on
}

// repeatedLinePassages counts passages holding a line that is on three or
// more documents.
func repeatedLinePassages(c *Corpus) int {
	on := linesOnPages(c)
	n := 0
	for _, d := range c.Documents {
		for _, p := range d.Passages {
			for _, l := range strings.Split(p.Text, "\n") {
				if len(on[l]) >= minTemplatePages {
					n++
					break
				}
			}
		}
	}
	return n
}
