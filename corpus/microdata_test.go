package corpus

import (
	"strings"
	"testing"
	"testing/fstest"
	"time"
)

// htmlPage wraps head and body markup as a saved web page.
func htmlPage(head, body string) string {
	return "<!doctype html><html><head><title>Page | Testshire Directory</title>" +
		`<meta property="og:site_name" content="Testshire Directory">` + head + "</head><body>" + body + "</body></html>"
}

const siteOwnerLD = `<script type="application/ld+json">{"@context":"https://schema.org","@type":"Organization","name":"Testshire Directory","url":"https://directory.example.org/","telephone":"01632 960000","description":"The county's directory."}</script>`

const articleBody = `<main><h1>Short breaks at Brook House</h1>
<p>Brook House offers overnight short breaks for disabled children, with activities, trips and a sensory room. Families are referred by the children with disabilities team after an assessment.</p></main>`

func TestPageServices(t *testing.T) {
	tests := []struct {
		name, page string
		// want is each service's title and the lines its text must hold;
		// nil means the page is read as an ordinary page.
		want [][]string
	}{
		{
			name: "JSON-LD government service",
			page: htmlPage(`<link rel="canonical" href="https://directory.example.org/brook-house"><script type="application/ld+json">
{"@context":"https://schema.org","@type":"GovernmentService","name":"Short breaks at Brook House",
 "provider":{"@type":"GovernmentOrganization","name":"Testshire County Council","url":"https://testshire.example.gov.uk"},
 "telephone":"01632 960123","email":"mailto:shortbreaks@example.org",
 "address":{"@type":"PostalAddress","streetAddress":"1 Brook Lane","addressLocality":"Testbury","postalCode":"TE1 2ST"},
 "audience":{"@type":"PeopleAudience","audienceType":"Disabled children","suggestedMinAge":5,"suggestedMaxAge":17},
 "areaServed":{"@type":"AdministrativeArea","name":"Testshire"},
 "offers":{"@type":"Offer","price":"0","priceCurrency":"GBP"},
 "openingHours":"Mo-Fr 09:00-17:00"}
</script>`, articleBody),
			want: [][]string{{"Short breaks at Brook House",
				"overnight short breaks for disabled children",
				"Organisation: Testshire County Council", "Who it is for: Disabled children", "Ages: 5 to 17", "Cost: free",
				"Phone: 01632 960123", "Email: shortbreaks@example.org", "Where: 1 Brook Lane, Testbury, TE1 2ST",
				"Opening times: Monday to Friday 09:00 to 17:00", "Area served: Testshire"}},
		},
		{
			name: "@graph with the site's owner and a service",
			page: htmlPage(`<script type="application/ld+json">{"@context":"https://schema.org","@graph":[
 {"@type":"WebSite","name":"Testshire Directory"},
 {"@type":"Organization","name":"Testshire Directory"},
 {"@type":"WebPage","mainEntity":{"@type":["Service"],"name":"Short breaks at Brook House","telephone":"01632 960123"}}]}</script>`, articleBody),
			want: [][]string{{"Short breaks at Brook House", "Phone: 01632 960123", "sensory room"}},
		},
		{
			name: "microdata list of services",
			page: htmlPage("", `<main><h1>Holiday clubs</h1>
<div itemscope itemtype="https://schema.org/Service"><h2 itemprop="name">Splash club</h2>
 <p itemprop="description">Swimming sessions for children with additional needs.</p>
 <span itemprop="telephone">01632 960001</span>
 <div itemprop="offers" itemscope itemtype="https://schema.org/Offer"><meta itemprop="price" content="4.50"><meta itemprop="priceCurrency" content="GBP"></div></div>
<div itemscope itemtype="https://schema.org/Service"><h2 itemprop="name">Art club</h2>
 <p itemprop="description">Painting and clay on Saturday mornings.</p>
 <div itemprop="address" itemscope itemtype="https://schema.org/PostalAddress"><span itemprop="streetAddress">2 High Street</span>, <span itemprop="postalCode">TE2 3AB</span></div>
 <a itemprop="email" href="mailto:art@example.org">Email us</a></div>
</main>`),
			want: [][]string{
				{"Splash club", "Swimming sessions", "Phone: 01632 960001", "Cost: £4.50"},
				{"Art club", "Painting and clay", "Where: 2 High Street, TE2 3AB", "Email: art@example.org"},
			},
		},
		{
			name: "local business named by the page's heading",
			page: htmlPage(siteOwnerLD+`<script type="application/ld+json">{"@type":"LocalBusiness","name":"Short breaks at Brook House","telephone":"01632 960123"}</script>`, articleBody),
			want: [][]string{{"Short breaks at Brook House", "Phone: 01632 960123"}},
		},
		{
			name: "event",
			page: htmlPage(`<script type="application/ld+json">{"@type":"Event","name":"SEND coffee morning","startDate":"2024-06-01T10:00:00+01:00","endDate":"2024-06-01T12:00:00+01:00",
 "location":{"@type":"Place","name":"Testbury Library","address":"Market Square, Testbury"},"isAccessibleForFree":true,"description":"Meet other parent carers."}</script>`,
				`<main><h1>SEND coffee morning</h1><p>Meet other parent carers.</p></main>`),
			want: [][]string{{"SEND coffee morning", "Cost: free", "Where: Testbury Library, Market Square, Testbury",
				"Opening times: Saturday 1 June 2024, 10:00 to Saturday 1 June 2024, 12:00"}},
		},
		{name: "only the site's owner", page: htmlPage(siteOwnerLD, articleBody)},
		{name: "malformed JSON-LD", page: htmlPage(`<script type="application/ld+json">{"@type":"Service","name":"Brook House",</script>`, articleBody)},
		{name: "JSON-LD too large", page: htmlPage(`<script type="application/ld+json">{"@type":"Service","name":"Brook House","telephone":"01632 960123","x":"`+strings.Repeat("a", maxLDScriptBytes)+`"}</script>`, articleBody)},
		{name: "JSON-LD nested too deep", page: htmlPage(`<script type="application/ld+json">`+strings.Repeat(`{"@graph":[`, 40)+`{"@type":"Service","name":"Deep","telephone":"1"}`+strings.Repeat("]}", 40)+`</script>`, articleBody)},
		{name: "article markup", page: htmlPage(`<script type="application/ld+json">{"@type":"NewsArticle","headline":"News","publisher":{"@type":"Organization","name":"Testshire News","telephone":"01632 960999"}}</script>`, articleBody)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			res, err := parseHTML([]byte(tt.page))
			if err != nil {
				t.Fatal(err)
			}
			if tt.want == nil {
				if len(res.Entries) != 1 || res.Entries[0].Meta.Kind != "" || res.Entries[0].Meta.Title != "Short breaks at Brook House" {
					t.Fatalf("want the ordinary page, got %d entries, first %+v", len(res.Entries), res.Entries[0].Meta)
				}
				return
			}
			if len(res.Entries) != len(tt.want) {
				t.Fatalf("got %d entries, want %d: %+v", len(res.Entries), len(tt.want), res.Entries)
			}
			for i, want := range tt.want {
				e := res.Entries[i]
				if e.Meta.Title != want[0] || e.Meta.Kind != "service" {
					t.Errorf("entry %d: title %q kind %q, want %q, service", i, e.Meta.Title, e.Meta.Kind, want[0])
				}
				if (len(tt.want) > 1) != (e.ID != "") {
					t.Errorf("entry %d: ID %q; a list's entries need one, a page's own does not", i, e.ID)
				}
				text := blocksText(e.Blocks)
				for _, line := range want[1:] {
					if !strings.Contains(text, line) {
						t.Errorf("entry %d lacks %q:\n%s", i, line, text)
					}
				}
			}
		})
	}
}

// A service page loads as a service document citing the page, dated by
// its markup; a list page as one document per service.
func TestLoadMarkupServices(t *testing.T) {
	page := htmlPage(`<link rel="canonical" href="https://directory.example.org/brook-house"><script type="application/ld+json">
{"@type":"Service","name":"Short breaks at Brook House","telephone":"01632 960123","dateModified":"2024-02-01","url":"https://brookhouse.example.org/"}</script>`, articleBody)
	list := htmlPage("", `<main><h1>Clubs</h1>`+`<div itemscope itemtype="http://schema.org/SportsClub"><b itemprop="name">Little Kickers</b><p itemprop="description">Football for all abilities.</p></div>`+
		`<div itemscope itemtype="http://schema.org/SportsClub"><b itemprop="name">Riverside Rovers</b><p itemprop="description">Football for all abilities.</p></div>`+
		`<div itemscope itemtype="http://schema.org/SportsClub"><b itemprop="name">Test</b><p itemprop="description">Placeholder.</p></div></main>`)
	fsys := fstest.MapFS{
		"testshire/brook-house.html": {Data: []byte(page)},
		"testshire/clubs.html":       {Data: []byte(list)},
		ManifestName:                 {Data: []byte("documents:\n  - path: testshire/clubs.html\n    source_url: https://directory.example.org/clubs\n")},
	}
	c, err := Load(fsys)
	if err != nil || len(c.Problems) != 0 {
		t.Fatalf("Load: %v, problems %+v", err, c.Problems)
	}
	if len(c.Documents) != 3 {
		t.Fatalf("got %d documents, want 3", len(c.Documents))
	}
	d := c.Documents[0]
	if d.Kind != "service" || d.SourceURL != "https://directory.example.org/brook-house" || d.Area != "Testshire" ||
		!d.Published.Equal(time.Date(2024, 2, 1, 0, 0, 0, 0, time.UTC)) {
		t.Errorf("service page: %+v", d)
	}
	if !strings.Contains(d.Passages[0].Text, "Website: https://brookhouse.example.org/") {
		t.Errorf("service page's passage lacks its website: %q", d.Passages[0].Text)
	}
	for _, d := range c.Documents[1:] {
		if d.Kind != "service" || d.Entry == "" || d.SourceURL != "https://directory.example.org/clubs" {
			t.Errorf("list entry: %+v", d)
		}
	}
	if len(c.Skips) != 1 || c.Skips[0].Entry != "Test" {
		t.Errorf("skips %+v, want the placeholder", c.Skips)
	}
}
