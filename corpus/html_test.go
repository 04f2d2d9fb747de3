package corpus

import (
	"bytes"
	"errors"
	"io/fs"
	"os"
	"path"
	"regexp"
	"strings"
	"testing"
	"testing/fstest"
	"time"

	"golang.org/x/net/html"
	"golang.org/x/net/html/atom"
	"golang.org/x/text/encoding/charmap"
	"golang.org/x/text/encoding/unicode"
)

// loadFixture loads one page from testdata/html as testshire/<name>.
func loadFixture(t *testing.T, name string) Document {
	t.Helper()
	data, err := os.ReadFile("testdata/html/" + name)
	if err != nil {
		t.Fatal(err)
	}
	c, err := Load(fstest.MapFS{"testshire/" + name: {Data: data}})
	if err != nil {
		t.Fatal(err)
	}
	if len(c.Problems) > 0 || len(c.Documents) != 1 {
		t.Fatalf("want one document and no problems; got %d documents, problems %+v", len(c.Documents), c.Problems)
	}
	return c.Documents[0]
}

// htmlBlocks parses a page that must be readable and returns its blocks.
func htmlBlocks(t *testing.T, page string) []block {
	t.Helper()
	res, err := parseHTML([]byte(page))
	if err != nil {
		t.Fatalf("parseHTML: %v", err)
	}
	return res.Entries[0].Blocks
}

func allText(d Document) string {
	var b strings.Builder
	for _, p := range d.Passages {
		b.WriteString(p.Text + "\n")
	}
	return b.String()
}

func TestHTMLCouncilPageKeepsContentAndDropsChrome(t *testing.T) {
	d := loadFixture(t, "short-breaks.html")
	if d.Format != "html" || d.Area != "Testshire" {
		t.Errorf("format %q, area %q; want html, Testshire", d.Format, d.Area)
	}
	if d.Title != "Short breaks for disabled children" {
		t.Errorf("title = %q; want the <title> without the council's name", d.Title)
	}
	if d.SourceURL != "https://www.testshire.example.org/send/short-breaks" {
		t.Errorf("source = %q; want the canonical address, not og:url", d.SourceURL)
	}
	if d.Publisher != "Testshire County Council" {
		t.Errorf("publisher = %q; want og:site_name", d.Publisher)
	}
	if want := time.Date(2024, 3, 18, 0, 0, 0, 0, time.UTC); !d.Published.Equal(want) {
		t.Errorf("published = %v; want 2024-03-18 from article:published_time", d.Published)
	}

	text := allText(d)
	for _, keep := range []string{
		"Short breaks give disabled children time to have fun away from home, and give their families a rest.",
		"can use universal short breaks without an assessment. Some families also need targeted or specialist breaks, which the Testshire Children’s Disability Team",
		"You do not need a diagnosis or an EHC plan to ask.\nRing the team on 01632 960123 or write to shortbreaks@testshire.example.org.",
		"• After-school and holiday clubs run by the Testshire Play Partnership\n• Overnight stays at Willowbrook House, a small home in Testford\n• Stays are planned with you in advance\n• Direct payments to buy your own support",
		"Charges in 2024 to 2025\n• Break — Who it is for — Charge\n• Universal clubs — Any disabled child — £3 a session\n• Overnight stay — After an assessment — Free",
		"Fill in the short breaks request form, or ask your school's SENCo to help you. The team replies within 20 working days.",
		"Opening hours: Monday to Friday, 9am to 5pm\nAddress: County Hall, Testford, TE1 1AA",
		"Page last updated on 18 March 2024.",
	} {
		if !strings.Contains(text, keep) {
			t.Errorf("passages lack %q; got:\n%s", keep, text)
		}
	}
	for _, drop := range []string{
		"Skip to main content", "cookie", "Accept all", "Bins and recycling", "Council tax", "Search Testshire",
		"Home", "SEND Local Offer", "Share on", "Was this page helpful", "Tell us how", "Related pages",
		"School transport", "Accessibility statement", "Privacy notice", "©", "All rights reserved",
		"dataLayer", "position:", "  ", " \n", "\n ",
	} {
		if strings.Contains(text, drop) {
			t.Errorf("passages should not contain %q; got:\n%s", drop, text)
		}
	}

	var sections []string
	for _, p := range d.Passages {
		sections = append(sections, p.Section)
	}
	want := []string{
		"",
		"Who can have a short break",
		"Who can have a short break › Kinds of break",
		"Who can have a short break › What it costs",
		"How to ask for a short break",
	}
	if strings.Join(sections, "|") != strings.Join(want, "|") {
		t.Errorf("sections = %q\nwant       %q", sections, want)
	}
}

func TestHTMLWindows1252Page(t *testing.T) {
	d := loadFixture(t, "fun-day-windows-1252.html")
	if d.Title != "Summer fun day" {
		t.Errorf("title = %q; want the h1, the forum's name removed from <title>", d.Title)
	}
	if want := time.Date(2023, 6, 2, 0, 0, 0, 0, time.UTC); !d.Published.Equal(want) {
		t.Errorf("published = %v; want 2023-06-02 from DC.date.issued", d.Published)
	}
	if d.SourceURL != "" {
		t.Errorf("source = %q; the page names none", d.SourceURL)
	}
	text := allText(d)
	for _, keep := range []string{
		"The Testshire Parent Carer Forum’s “Summer fun day” is on Saturday 15 July at Testford Park. Tickets cost £2 per family",
		"a calm space – ask a volunteer",
		"Blue Badge parking is beside the café.",
	} {
		if !strings.Contains(text, keep) {
			t.Errorf("passages lack %q; got:\n%s", keep, text)
		}
	}
	for _, drop := range []string{"Home", "Events", "Copyright", "©", "\ufffd"} {
		if strings.Contains(text, drop) {
			t.Errorf("passages should not contain %q; got:\n%s", drop, text)
		}
	}
	if d.Passages[len(d.Passages)-1].Section != "Getting there" {
		t.Errorf("last section = %q; want Getting there", d.Passages[len(d.Passages)-1].Section)
	}
}

func TestHTMLCharacterSets(t *testing.T) {
	const body = `<title>Café</title><p>Costs £5 – “free” for carers.</p>`
	const want = "Costs £5 – “free” for carers."
	latin1 := func(s string) []byte {
		b, err := charmap.Windows1252.NewEncoder().Bytes([]byte(s))
		if err != nil {
			t.Fatal(err)
		}
		return b
	}
	utf16 := func(s string) []byte {
		b, err := unicode.UTF16(unicode.LittleEndian, unicode.UseBOM).NewEncoder().Bytes([]byte(s))
		if err != nil {
			t.Fatal(err)
		}
		return b
	}
	tests := []struct {
		name string
		data []byte
	}{
		{"utf-8 without a declaration", []byte(body)},
		{"utf-8 with a byte-order mark", append([]byte("\ufeff"), body...)},
		{"utf-8 declaring windows-1252 (a re-saved page)", []byte(`<meta charset="windows-1252">` + body)},
		{"windows-1252 declared in meta charset", latin1(`<meta charset="windows-1252">` + body)},
		{"iso-8859-1 declared in http-equiv", latin1(`<meta http-equiv="Content-Type" content="text/html; charset=iso-8859-1">` + body)},
		{"undeclared legacy bytes", latin1(body)},
		{"utf-16 with a byte-order mark", utf16(body)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			res, err := parseHTML(tt.data)
			if err != nil {
				t.Fatalf("parseHTML: %v", err)
			}
			e := res.Entries[0]
			if got := e.Blocks[0].Text; got != want {
				t.Errorf("text = %q; want %q", got, want)
			}
			if e.Meta.Title != "Café" {
				t.Errorf("title = %q; want Café", e.Meta.Title)
			}
		})
	}
}

func TestHTMLTextLayout(t *testing.T) {
	tests := []struct {
		name, page string
		want       []block
	}{
		{"inline tags join without glued or doubled spaces",
			`<p>Call <a href="tel:01632960000">01632 960000</a>, or <b>write</b>  to&nbsp;&nbsp;us &amp; wait.</p>`,
			[]block{{Text: "Call 01632 960000, or write to us & wait."}}},
		{"words split only by tags stay one word, as a browser shows them",
			`<p>Testshire<span>Play</span> and <em>Note:</em>text</p>`,
			[]block{{Text: "TestshirePlay and Note:text"}}},
		{"block tags separate words",
			`<div>Intro text<p>A paragraph.</p>tail words</div><div>Next</div><section>Last</section>`,
			[]block{{Text: "Intro text"}, {Text: "A paragraph."}, {Text: "tail words"}, {Text: "Next"}, {Text: "Last"}}},
		{"br is a line break",
			`<p>County Hall<br>Testford<br/> TE1 1AA</p>`,
			[]block{{Text: "County Hall\nTestford\nTE1 1AA"}}},
		{"headings of every level become sections",
			`<h1>One</h1><p>a</p><h2>Two</h2><h3>Three</h3><h4>Four</h4><h5>Five</h5><h6>Six <small>(draft)</small></h6><p>b</p>`,
			[]block{{Level: 1, Text: "One"}, {Text: "a"}, {Level: 2, Text: "Two"}, {Level: 3, Text: "Three"},
				{Level: 4, Text: "Four"}, {Level: 5, Text: "Five"}, {Level: 6, Text: "Six (draft)"}, {Text: "b"}}},
		{"an accordion's button inside a heading keeps its title",
			`<h2><button aria-expanded="false">Who can apply</button></h2><p>Anyone.</p>`,
			[]block{{Level: 2, Text: "Who can apply"}, {Text: "Anyone."}}},
		{"list items are bulleted lines, nested lists too, paragraphs inside items stay on the line",
			`<p>You need:</p><ol><li>a form</li><li><p>a photo</p><p>of your child</p><ul><li>recent</li></ul></li></ol>`,
			[]block{{Text: "You need:"}, {Text: "• a form\n• a photo of your child\n• recent"}}},
		{"definition lists read as term: description",
			`<dl><dt>Phone</dt><dd>01632 960000</dd><dt>Open?</dt><dd>Weekdays</dd><dd>Not bank holidays</dd></dl>`,
			[]block{{Text: "Phone: 01632 960000\nOpen? Weekdays\nNot bank holidays"}}},
		{"data table rows join their cells, skipping empty ones",
			`<table><tr><th>Age</th><th></th><th>Cost</th></tr><tr><td>0–4</td><td> </td><td><p>Free</p><ul><li>with a card</li></ul></td></tr></table>`,
			[]block{{Text: "• Age — Cost\n• 0–4 — Free with a card"}}},
		{"a layout table with headings is read as blocks",
			`<table><tr><td><h2>Services</h2><p>We run clubs.</p></td><td><p>Side note</p></td></tr></table>`,
			[]block{{Level: 2, Text: "Services"}, {Text: "We run clubs."}, {Text: "Side note"}}},
		{"preformatted text keeps its lines",
			"<pre>Monday    9am\n\nTuesday   <b>10am</b>\n</pre>",
			[]block{{Text: "Monday 9am\nTuesday 10am"}}},
		{"blockquote is its own paragraph",
			`<p>Inspectors said:</p><blockquote><p>Leaders know the area well.</p></blockquote>`,
			[]block{{Text: "Inspectors said:"}, {Text: "Leaders know the area well."}}},
		{"entities, soft hyphens and zero-width spaces",
			"<p>Chil\u00addren&rsquo;s ser&shy;vices\u200b &lt;SEND&gt; &#163;4 &#x2013; &copy;right</p>",
			[]block{{Text: "Children’s services <SEND> £4 – ©right"}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := htmlBlocks(t, "<!DOCTYPE html><body>"+tt.page+"</body>")
			if !equalBlocks(got, tt.want) {
				t.Errorf("blocks:\n got %q\nwant %q", got, tt.want)
			}
		})
	}
}

func equalBlocks(a, b []block) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

// TestHTMLChromeHeuristics checks what is dropped as page furniture and,
// as important, what is not.
func TestHTMLChromeHeuristics(t *testing.T) {
	long := strings.Repeat("Testshire runs holiday clubs for disabled children every summer. ", 12)
	tests := []struct {
		name, page string
		keep, drop []string
	}{
		{"wrapper classes that name furniture do not drop the content they wrap",
			`<body class="cookie-consent-given"><div class="layout has-sidebar"><div class="menu-open"><p>` + long + `</p></div></div><div class="sidebar"><p>Sidebar text</p></div></body>`,
			[]string{"holiday clubs"}, []string{"Sidebar text"}},
		{"a form wrapping the whole page (ASP.NET) is kept",
			`<form id="aspnetForm"><nav><a>Home</a></nav><div><p>` + long + `</p></div><div class="feedback-form"><label>Rate this page</label></div></form>`,
			[]string{"holiday clubs"}, []string{"Home", "Rate this page"}},
		{"hidden, aria-hidden and display:none elements",
			`<p>Visible words.</p><p hidden>Hidden words</p><div aria-hidden="true">Decorative words</div><div style="display: none">Collapsed words</div>`,
			[]string{"Visible words."}, []string{"Hidden", "Decorative", "Collapsed"}},
		{"an article's own header keeps its h1; the site header with its logo and menu goes",
			`<header><h1 class="logo">Testshire Council</h1><nav><a>Menu</a></nav></header><article><header><h1>Respite care</h1><p>Standfirst words.</p></header><p>Body words.</p><footer>Tags: respite</footer></article>`,
			[]string{"Respite care", "Standfirst words.", "Body words."}, []string{"Testshire Council", "Menu", "Tags"}},
		{"a plain header holding the page's h1 and no menu stays",
			`<header><h1>Respite care</h1></header><p>Body words.</p>`,
			[]string{"Respite care", "Body words."}, nil},
		{"roles and class names of furniture",
			`<div role="navigation">Nav words</div><div role="banner">Banner words</div><div role="contentinfo">Footer words</div><div role="search">Search words</div><div role="complementary">Aside words</div>` +
				`<ul class="govuk-breadcrumbs"><li>Crumb words</li></ul><div class="newsletter-signup">Sign up words</div><nav class="pagination">Page 2</nav><a class="back-to-top" href="#top">Top words</a><div class="social-links">Social words</div><div class="gdpr-notice">Notice words</div>` +
				`<p>Kept words.</p>`,
			[]string{"Kept words."}, []string{"Nav", "Banner", "Footer", "Search", "Aside", "Crumb", "Sign up", "Page 2", "Top", "Social", "Notice"}},
		{"class names that only contain a furniture word stay",
			`<div class="shared-care"><p>Shared care words.</p></div><div class="renumbered"><p>Numbered words.</p></div><p>Kept words.</p>`,
			[]string{"Shared care words.", "Numbered words."}, nil},
		{"small elements opening with a furniture phrase",
			`<p>Kept words.</p><div><a href="#c">Skip to content</a></div><div><p>Was this page helpful?</p><p>Yes No</p></div><p>© Testshire 2024</p><div>We use cookies to improve the site. Accept?</div>`,
			[]string{"Kept words."}, []string{"Skip", "helpful", "Yes No", "©", "cookies"}},
		{"a teaser article smaller than the page's own text does not become the page",
			`<div><p>` + long + `</p></div><div class="promo"><article><p>Teaser words.</p></article></div>`,
			[]string{"holiday clubs", "Teaser words."}, nil},
		{"main is preferred to the body; the largest main wins",
			`<p>Outside words.</p><main><p>Small main.</p></main><main><p>` + long + `</p></main>`,
			[]string{"holiday clubs"}, []string{"Outside", "Small main"}},
		{"a content id is used when it holds the page",
			`<div class="header-strip">Strip words</div><div id="content"><p>` + long + `</p></div><div class="foot">Foot words</div>`,
			[]string{"holiday clubs"}, []string{"Strip", "Foot"}},
		{"a main inside navigation is not the page",
			`<nav><main><p>Menu words.</p></main></nav><p>Kept words.</p>`,
			[]string{"Kept words."}, []string{"Menu words"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var text []string
			for _, b := range htmlBlocks(t, "<!DOCTYPE html><html><body>"+tt.page+"</body></html>") {
				text = append(text, b.Text)
			}
			got := strings.Join(text, "\n")
			for _, k := range tt.keep {
				if !strings.Contains(got, k) {
					t.Errorf("text should keep %q; got:\n%s", k, got)
				}
			}
			for _, d := range tt.drop {
				if strings.Contains(got, d) {
					t.Errorf("text should drop %q; got:\n%s", d, got)
				}
			}
		})
	}
}

func TestHTMLPageTitle(t *testing.T) {
	tests := []struct {
		name, title, h1, site string
		headings              []string
		want                  string
	}{
		{"site name after a bar", "Short breaks | Testshire County Council", "Short breaks", "", nil, "Short breaks"},
		{"site name before a dash", "Testshire County Council - Short breaks", "Short breaks", "", nil, "Short breaks"},
		{"several site parts", "Short breaks – SEND Local Offer – Testshire", "Short breaks", "", nil, "Short breaks"},
		{"a part that is one of the page's headings stays", "Children with SEND – Extra help", "Children with SEND", "", []string{"Children with SEND", "Extra help"}, "Children with SEND – Extra help"},
		{"a part that is not a name stays", "Umbrella Pathway – information for professionals", "Umbrella Pathway", "", nil, "Umbrella Pathway – information for professionals"},
		{"a title adding to the h1 stays", "Short breaks and respite (Testshire)", "Short breaks and respite", "", nil, "Short breaks and respite (Testshire)"},
		{"a title that is only the site name gives way to the h1", "Testshire County Council", "Short breaks", "", nil, "Short breaks"},
		{"a title disagreeing with the h1 gives way to it", "Welcome", "Short breaks", "", nil, "Short breaks"},
		{"no title", "", "Short breaks", "", nil, "Short breaks"},
		{"no h1: og:site_name is removed", "Short breaks | Testshire County Council", "", "Testshire County Council", nil, "Short breaks"},
		{"no h1 and no site name: nothing is guessed", "Short breaks | Testshire County Council", "", "", nil, "Short breaks | Testshire County Council"},
		{"no h1 and the title is the site name", "Testshire County Council", "", "Testshire County Council", nil, ""},
		{"a hyphen inside a word is no separator", "Co-production | Testshire", "Co-production", "", nil, "Co-production"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := pageTitle(tt.title, tt.h1, tt.site, tt.headings); got != tt.want {
				t.Errorf("pageTitle(%q, h1 %q) = %q; want %q", tt.title, tt.h1, got, tt.want)
			}
		})
	}
}

func TestHTMLMetadata(t *testing.T) {
	tests := []struct {
		name, head            string
		source, published, pb string
	}{
		{"canonical beats og:url", `<link rel="canonical" href="https://example.org/a"><meta property="og:url" content="https://example.org/b">`, "https://example.org/a", "", ""},
		{"relative canonical falls back to og:url", `<link rel="canonical" href="/a"><meta property="og:url" content="http://example.org/b">`, "http://example.org/b", "", ""},
		{"empty canonical and no og:url", `<link rel="canonical" href="">`, "", "", ""},
		{"rel with several tokens, any case", `<link rel="Canonical alternate" href=" https://example.org/c ">`, "https://example.org/c", "", ""},
		{"not a web address", `<link rel="canonical" href="javascript:alert(1)"><meta property="og:url" content="ftp://example.org/x">`, "", "", ""},
		{"article:published_time", `<meta property="article:published_time" content="2024-05-31T10:00:00Z">`, "", "2024-05-31", ""},
		{"DC.date.issued", `<meta name="DC.date.issued" content="2023-01-09">`, "", "2023-01-09", ""},
		{"dcterms.issued", `<meta name="dcterms.issued" content="2022-11-30 08:00">`, "", "2022-11-30", ""},
		{"meta name=date", `<meta name="date" content="7 March 2021">`, "", "2021-03-07", ""},
		{"published_time beats the others", `<meta name="date" content="2020-01-01"><meta property="article:published_time" content="2021-02-02">`, "", "2021-02-02", ""},
		{"modified dates are not publication dates", `<meta property="article:modified_time" content="2024-05-31"><meta name="DC.date.modified" content="2024-05-31">`, "", "", ""},
		{"an unreadable date is left out, not guessed", `<meta name="date" content="03/04/2021"><meta name="dcterms.issued" content="2021-13-45">`, "", "", ""},
		{"publisher from og:site_name", `<meta property="og:site_name" content="Testshire County Council">`, "", "", "Testshire County Council"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			res, err := parseHTML([]byte("<html><head>" + tt.head + "</head><body><h1>Page</h1><p>Words. <time datetime=\"2019-01-01\">1 January 2019</time></p></body></html>"))
			if err != nil {
				t.Fatal(err)
			}
			m := res.Entries[0].Meta
			if m.SourceURL != tt.source || m.Published != tt.published || m.Publisher != tt.pb {
				t.Errorf("source %q, published %q, publisher %q; want %q, %q, %q", m.SourceURL, m.Published, m.Publisher, tt.source, tt.published, tt.pb)
			}
		})
	}
}

func TestHTMLBadFilesAreReportedAndOthersStillRead(t *testing.T) {
	fsys := fstest.MapFS{
		"a/good.html":        {Data: []byte("<title>Good</title><main><p>This page is fine and should be indexed whatever else is wrong.</p></main>")},
		"a/good.md":          {Data: []byte("# Good\n\nThis document is fine too.")},
		"a/empty.html":       {Data: []byte("")},
		"a/blank.htm":        {Data: []byte(" \n\t ")},
		"a/photo.html":       {Data: []byte("\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR")},
		"a/control.html":     {Data: []byte(strings.Repeat("\x01\x02\x03\x04<p>x</p>", 50))},
		"a/report.html":      {Data: []byte("%PDF-1.7\n1 0 obj\n<< /Type /Catalog >>\nendobj\n")},
		"a/notes.html":       {Data: []byte("Just some notes saved with the wrong name.\nNo tags at all.")},
		"a/no-text.html":     {Data: []byte("<!DOCTYPE html><html><head><title>App</title><script>render()</script></head><body><div id=root></div></body></html>")},
		"a/chrome-only.html": {Data: []byte("<body><header><nav><a href=/>Home</a></nav></header><footer>© Testshire</footer></body>")},
		"a/deep.html":        {Data: []byte(strings.Repeat("<div>", 600) + "deep")},
		"a/huge.html":        {Data: []byte(strings.Repeat("<i>", maxHTMLElements+1))},
	}
	c, err := Load(fsys)
	if err != nil {
		t.Fatal(err)
	}
	if paths := documentPaths(c); strings.Join(paths, ",") != "a/good.html,a/good.md" {
		t.Errorf("documents read = %v; want the two good files", paths)
	}
	checkProblems(t, c, map[string]string{
		"a/empty.html":       "file is empty",
		"a/blank.htm":        "file is empty",
		"a/photo.html":       "file holds binary data, not a web page",
		"a/control.html":     "file holds binary data, not a web page",
		"a/report.html":      "file is a PDF document, not a web page; give it the .pdf extension",
		"a/notes.html":       "file has no HTML tags, so it is not a web page",
		"a/no-text.html":     "web page has no text; a page built by JavaScript must be saved from the browser after it has loaded",
		"a/chrome-only.html": "web page has no main text: everything on it is navigation, cookie notices, banners or footers",
		"a/deep.html":        "web page nests its tags more than 512 deep",
		"a/huge.html":        "web page has more than 200000 tags",
	})
	if len(c.Errors()) != len(c.Problems) {
		t.Errorf("some bad pages are reported as unsupported formats, not broken files: %+v", c.Problems)
	}
}

// TestSharedHTMLPages reads every web page in the shared test corpus and
// checks what a parent would see: a real title, the canonical source, and
// passages free of the site's furniture.
func TestSharedHTMLPages(t *testing.T) {
	const dir = "../../shared/corpus"
	if _, err := os.Stat(dir); err != nil {
		t.Skip("../shared/corpus not found; the shared test corpus is not checked out beside this one")
	}
	fsys := os.DirFS(dir)
	c, err := Load(fsys)
	if err != nil {
		t.Fatal(err)
	}
	docs := map[string]Document{}
	for _, d := range c.Documents {
		docs[d.Path] = d
	}
	for _, p := range c.Problems {
		if isHTMLPath(p.Path) {
			t.Errorf("%s: %s", p.Path, p.Reason)
		}
	}
	var (
		canonical = regexp.MustCompile(`<link rel="canonical" href="([^"]*)"`)
		h1        = regexp.MustCompile(`<h1[^>]*>([^<]*)</h1>`)
		chrome    = []string{"cookie", "Cookie", "Skip to main content", "Accept all", "Home >", "Home ›", "Home »", "©",
			"Was this page helpful", "Related pages", "Privacy notice", "Search this site"}
		n int
	)
	err = fs.WalkDir(fsys, ".", func(p string, e fs.DirEntry, err error) error {
		if err != nil || e.IsDir() || !isHTMLPath(p) {
			return err
		}
		n++
		t.Run(p, func(t *testing.T) {
			raw, err := fs.ReadFile(fsys, p)
			if err != nil {
				t.Fatal(err)
			}
			d, ok := docs[p]
			if !ok {
				t.Fatal("not read")
			}
			if len(d.Passages) == 0 {
				t.Fatal("no passages")
			}
			if m := h1.FindSubmatch(raw); m != nil && !strings.Contains(d.Title, collapse(string(m[1]))) {
				t.Errorf("title %q does not contain the page's h1 %q", d.Title, m[1])
			}
			if d.Title == "" || d.Publisher != "" && d.Title == d.Publisher {
				t.Errorf("title %q is empty or the bare site name", d.Title)
			}
			if m := canonical.FindSubmatch(raw); m != nil && webAddress(string(m[1])) != "" && d.SourceURL != string(m[1]) {
				t.Errorf("source %q; want the canonical %q", d.SourceURL, m[1])
			}
			for _, psg := range d.Passages {
				for _, c := range chrome {
					if strings.Contains(psg.Text, c) || strings.Contains(psg.Section, c) {
						t.Errorf("passage holds page furniture %q: %q", c, psg.Text)
					}
				}
			}
			kept := 0
			for _, psg := range d.Passages {
				kept += wordCount(psg.Text)
			}
			t.Logf("title %q; %d passages; %d words kept of %d in the page", d.Title, len(d.Passages), kept, pageWords(t, raw))
		})
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if n == 0 {
		t.Skip("no .html files in the shared corpus")
	}
}

// pageWords counts every word a browser would show for the page, furniture included.
func pageWords(t *testing.T, raw []byte) int {
	doc, err := html.Parse(bytes.NewReader(raw))
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	for node := range doc.Descendants() {
		if node.Type == html.TextNode && node.Parent.DataAtom != atom.Script && node.Parent.DataAtom != atom.Style && node.Parent.DataAtom != atom.Title {
			n += wordCount(node.Data)
		}
	}
	return n
}

func isHTMLPath(p string) bool {
	ext := strings.ToLower(path.Ext(p))
	return ext == ".html" || ext == ".htm"
}

func TestHTMLParserNeverPanics(t *testing.T) {
	// html.Parse reports too-deep pages by panicking internally; make sure
	// whatever escapes a library becomes a sentence, not a crash.
	for _, page := range []string{
		strings.Repeat("<table><tr><td>", 300),
		strings.Repeat("<b><i>", 400) + "x",
		"<svg><foreignObject><p>x</p></foreignObject></svg><math><mi>y</mi></math>",
		"<frameset><frame src=a></frameset>",
		"<template><p>inside</p></template><p>outside</p>",
	} {
		_, err := parseHTML([]byte(page))
		if err != nil && strings.HasPrefix(err.Error(), "html:") {
			t.Errorf("error speaks the library's language: %v", err)
		}
	}
	if _, err := parseHTML([]byte("<p>x</p>")); errors.Is(err, ErrUnsupported) {
		t.Error("a web page must not be reported as unsupported")
	}
}
