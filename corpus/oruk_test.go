package corpus

import (
	"os"
	"path"
	"regexp"
	"sort"
	"strings"
	"testing"
	"testing/fstest"
	"time"
)

// loadFixtures loads testdata files into a corpus, each under the
// folder "testshire", so that the area is Testshire.
func loadFixtures(t *testing.T, files ...string) *Corpus {
	t.Helper()
	fsys := fstest.MapFS{}
	for _, f := range files {
		data, err := os.ReadFile(path.Join("testdata", f))
		if err != nil {
			t.Fatal(err)
		}
		fsys["testshire/"+path.Base(f)] = &fstest.MapFile{Data: data}
	}
	c, err := Load(fsys)
	if err != nil {
		t.Fatal(err)
	}
	if len(c.Problems) != 0 {
		t.Fatalf("problems: %+v", c.Problems)
	}
	return c
}

// docByTitle finds a document, failing the test when it is absent.
func docByTitle(t *testing.T, c *Corpus, title string) Document {
	t.Helper()
	for _, d := range c.Documents {
		if d.Title == title {
			return d
		}
	}
	var titles []string
	for _, d := range c.Documents {
		titles = append(titles, d.Title)
	}
	t.Fatalf("no document titled %q; titles: %q", title, titles)
	return Document{}
}

func skipReasons(c *Corpus) map[string]string {
	out := map[string]string{}
	for _, s := range c.Skips {
		out[s.Entry] = s.Reason
	}
	return out
}

func TestORUKFullServiceRecord(t *testing.T) {
	c := loadFixtures(t, "oruk/full-record.json")
	if len(c.Documents) != 1 {
		t.Fatalf("got %d documents, want 1", len(c.Documents))
	}
	d := c.Documents[0]
	if d.Title != "Sunflower Saturday Club" || d.SourceURL != "https://www.example.org/testshire/sunflower-club" ||
		d.Publisher != "Testshire Play Trust" || d.Kind != "service" || d.Area != "Testshire" || d.Format != "oruk" ||
		d.Entry != "ts-001" || !d.Published.Equal(time.Date(2024, 9, 30, 0, 0, 0, 0, time.UTC)) {
		t.Errorf("metadata: %+v", d)
	}
	want := "Sunflower Saturday Club is a play and activity club for disabled children & young people in Testshire.\n\n" +
		"Activities include:\n• sensory play\n• cooking & baking\n• outdoor games\n\n" +
		"Staff are trained in Makaton.\n\n" +
		"Organisation: Testshire Play Trust\n" +
		"Who it is for: Children with a disability who live in Testshire\n" +
		"Ages: 5 to 18\n" +
		"Cost: Per session: £5 including lunch; Sibling place: free\n" +
		"Phone: 01632 960123\n" +
		"Email: sunflower@example.org\n" +
		"Website: https://www.example.org/testshire/sunflower-club\n" +
		"Where: Testshire Leisure Centre, 1 Meadow Lane, Testbury, TE1 2AB\n" +
		"Opening times: Saturday 10:00 to 15:00"
	if len(d.Passages) != 1 || d.Passages[0].Text != want {
		for _, p := range d.Passages {
			t.Logf("passage: %q", p.Text)
		}
		t.Fatalf("want one passage:\n%s", want)
	}
	if d.Passages[0].Section != "" || d.Passages[0].Page != 0 {
		t.Errorf("section %q page %d, want none", d.Passages[0].Section, d.Passages[0].Page)
	}
}

func TestORUKServiceListSkipsWhatIsNotAService(t *testing.T) {
	c := loadFixtures(t, "oruk/services.json")
	var got []string
	for _, d := range c.Documents {
		got = append(got, d.Entry+" "+d.Title+" <"+d.SourceURL+">")
	}
	want := []string{
		"ts-101 Testshire Parent Carer Forum <>", // "www.example.org/…" is not an absolute URL
		nameID("Testbury Sibling Group") + " Testbury Sibling Group <>",
		"ts-107 Testing Times Youth Club <https://www.example.org/testshire/testing-times>",
	}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("documents:\n got %q\nwant %q", got, want)
	}
	wantSkips := map[string]string{
		"ts-102": `placeholder name "Test"`,
		"ts-101": "same id as a service earlier in the file, which was kept",
		"ts-103": "status is inactive",
		"ts-104": "no description or contact details",
		"ts-105": "placeholder description (lorem ipsum)",
		"ts-106": "no name",
		"ts-108": `placeholder name "TBC - do not use"`,
		"ts-109": `placeholder name "XXXX"`,
	}
	if got := skipReasons(c); len(c.Skips) != len(wantSkips) || !mapsEqual(got, wantSkips) {
		t.Errorf("skips:\n got %v\nwant %v", got, wantSkips)
	}
	for _, s := range c.Skips {
		if s.Path != "testshire/services.json" {
			t.Errorf("skip %s has path %q", s.Entry, s.Path)
		}
	}

	forum := docByTitle(t, c, "Testshire Parent Carer Forum")
	wantText := "We are a group of parent carers of children with SEND. We meet every month in Testbury.\n" +
		"• Coffee mornings\n• Training on EHC plans\n\n" +
		"Who it is for: Parent carers; Carers\n" +
		"Email: forum@example.org\n" +
		"Website: www.example.org/testshire/forum\n" +
		"How to access: Venue; Drop-in"
	if len(forum.Passages) != 1 || forum.Passages[0].Text != wantText {
		t.Errorf("forum passages %q\nwant %q", forum.Passages, wantText)
	}
	if !forum.Published.Equal(time.Date(2024, 2, 3, 0, 0, 0, 0, time.UTC)) {
		t.Errorf("forum published %v, want the date it was last modified, 2024-02-03", forum.Published)
	}
	youth := docByTitle(t, c, "Testing Times Youth Club")
	if !strings.HasSuffix(youth.Passages[0].Text, "\n\nCost: £2 a session\nWebsite: https://www.example.org/testshire/testing-times") {
		t.Errorf("youth club text %q", youth.Passages[0].Text)
	}
}

func TestORUKPaginatedResponse(t *testing.T) {
	c := loadFixtures(t, "oruk/page.json")
	if len(c.Documents) != 2 || len(c.Skips) != 0 {
		t.Fatalf("got %d documents and skips %+v, want 2 and none", len(c.Documents), c.Skips)
	}
	speech := docByTitle(t, c, "Testshire Speech and Language Drop-in")
	want := "Bring your child to talk to a speech and language therapist. No appointment needed.\n\n" +
		"Organisation: Testshire Children's Therapy Service\n" +
		"Ages: 0 to 5\n" +
		"Phone: 01632 960456\n" +
		"Email: speech@example.org\n" +
		"Website: https://www.example.org/testshire/speech-drop-in\n" +
		"Where: Testbury Family Hub, 4 Station Road, Testbury, TE1 4EF\n" +
		"Opening times: Tuesday, Thursday 09:30 to 11:30"
	if speech.Passages[0].Text != want {
		t.Errorf("text %q\nwant %q", speech.Passages[0].Text, want)
	}
	if !speech.Published.Equal(time.Date(2024, 3, 1, 0, 0, 0, 0, time.UTC)) {
		t.Errorf("published %v: an unreadable last_modified should fall back to assured_date", speech.Published)
	}
	advice := docByTitle(t, c, "Testshire SEND Information, Advice and Support")
	if want := "Cost: Advice: free\nPhone: 01632 960789\nEmail: sendiass@example.org"; !strings.Contains(advice.Passages[0].Text, want) {
		t.Errorf("advice text %q lacks %q", advice.Passages[0].Text, want)
	}
}

// TestORUKShapes covers the ways a directory's services can be wrapped.
func TestORUKShapes(t *testing.T) {
	svc := func(id, name string) string {
		return `{"id":"` + id + `","name":"` + name + `","description":"A service in Testshire for families.","email":"a@example.org"}`
	}
	tests := []struct {
		name, json string
		want       []string // entry IDs
	}{
		{"plain array", "[" + svc("1", "One") + "," + svc("2", "Two") + "]", []string{"1", "2"}},
		{"ORUK page", `{"total_items":2,"contents":[` + svc("1", "One") + "," + svc("2", "Two") + `]}`, []string{"1", "2"}},
		{"ORUK v1 page", `{"totalElements":1,"content":[` + svc("1", "One") + `],"number":0}`, []string{"1"}},
		{"items page", `{"items":[` + svc("1", "One") + `],"page":1}`, []string{"1"}},
		{"pages one after another", `{"contents":[` + svc("1", "One") + `]}` + "\n" + `{"contents":[` + svc("2", "Two") + `]}`, []string{"1", "2"}},
		{"array of pages", `[{"contents":[` + svc("1", "One") + `]},{"contents":[` + svc("2", "Two") + `]}]`, []string{"1", "2"}},
		{"one service", svc("7", "Seven"), []string{"7"}},
		{"newline-delimited services", svc("1", "One") + "\n" + svc("2", "Two") + "\n", []string{"1", "2"}},
		{"organisation with services", `{"id":"o","name":"Testshire Trust","services":[` + svc("1", "One") + `]}`, []string{"1"}},
		{"service at location", `{"contents":[{"id":"sal","service":` + svc("1", "One") + `,"location":{"name":"Testbury Hall"}}]}`, []string{"1"}},
		{"numeric ids", `[{"id":12,"name":"Twelve","description":"A service.","email":"a@example.org"}]`, []string{"12"}},
		{"byte order mark", "\ufeff[" + svc("1", "One") + "]", []string{"1"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			res, err := parseORUK([]byte(tt.json))
			if err != nil {
				t.Fatal(err)
			}
			var ids []string
			for _, e := range res.Entries {
				ids = append(ids, e.ID)
			}
			if strings.Join(ids, ",") != strings.Join(tt.want, ",") {
				t.Errorf("entries %v, want %v (skips %+v)", ids, tt.want, res.Skipped)
			}
		})
	}
	t.Run("organisation of a listed service", func(t *testing.T) {
		res, _ := parseORUK([]byte(`{"name":"Testshire Trust","services":[` + svc("1", "One") + `]}`))
		if len(res.Entries) != 1 || res.Entries[0].Meta.Publisher != "Testshire Trust" {
			t.Errorf("entries %+v", res.Entries)
		}
	})
	t.Run("location of a service-at-location record", func(t *testing.T) {
		res, _ := parseORUK([]byte(`[{"service":` + svc("1", "One") + `,"location":{"name":"Testbury Hall","addresses":[{"address_1":"2 Hill Road","postal_code":"TE3 1ZZ"}]}}]`))
		if len(res.Entries) != 1 || !strings.Contains(blocksText(res.Entries[0].Blocks), "Where: Testbury Hall, 2 Hill Road, TE3 1ZZ") {
			t.Errorf("entries %+v", res.Entries)
		}
	})
}

func TestDescriptionText(t *testing.T) {
	tests := []struct {
		name, desc, want string
	}{
		{"entities and tags", "<p>Help &amp; advice for&nbsp;families.</p><p>Call us &ndash; we&rsquo;re here.</p>",
			"Help & advice for families.\n\nCall us – we’re here."},
		{"entities escaped twice", "Sport &amp;amp; leisure &amp;nbsp;clubs", "Sport & leisure clubs"},
		{"escaped tags", "&lt;p&gt;Swimming lessons&lt;/p&gt;", "Swimming lessons"},
		{"line breaks kept", "<p>Testbury Hall<br>2 Hill Road<br>TE3 1ZZ</p>", "Testbury Hall\n2 Hill Road\nTE3 1ZZ"},
		{"sentence carried over a line break", "<p>We help families who<br>live in Testshire.</p>", "We help families who live in Testshire."},
		{"heading split over tags", "<h4>We work with young people who are</h4><h4>leaving care in Testshire,</h4><h4>Testbury and Testford.</h4><p>Next.</p>",
			"We work with young people who are leaving care in Testshire, Testbury and Testford.\n\nNext."},
		{"list items", "<p>We offer:</p><ul><li><p>play</p></li><li>cooking</li><li></li></ul>", "We offer:\n\n• play\n• cooking"},
		{"scripts, styles and empty paragraphs dropped", "<style>p{color:red}</style><p><br></p><p>Text.</p><script>x()</script>", "Text."},
		{"markdown", "**Drop-in** sessions, see [our page](https://www.example.org/x).\r\n\r\n* one\r\n* two", "Drop-in sessions, see our page.\n\n• one\n• two"},
		{"repeated whitespace", "Lots   of\t\tspace  here.", "Lots of space here."},
		{"name on its own line", "Testbury Club\r\nA club for children.", "A club for children."},
		{"name repeated", "Testbury Club Testbury Club is a club for children.", "Testbury Club is a club for children."},
		{"name starting a sentence is kept", "Testbury Club is a club for children.", "Testbury Club is a club for children."},
		{"zero-width characters", "Fun\u200b days\u200b.", "Fun days."},
		{"placeholder description", "TBC", ""},
		{"unclosed tag", "<p>Text <b", "Text"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var got []string
			for _, b := range descriptionBlocks(tt.desc, "Testbury Club") {
				got = append(got, b.Text)
			}
			if g := strings.Join(got, "\n\n"); g != tt.want {
				t.Errorf("got  %q\nwant %q", g, tt.want)
			}
		})
	}
}

func TestPlaceholderNames(t *testing.T) {
	for _, name := range []string{"test", "Test", "TEST 2", "testing testing 123", "Placeholder", "tbc", "TBA", "Dummy service",
		"Do not use - old entry", "Delete", "xxx", "XXXXX", "Example service", "This is a test", "-", "Lorem ipsum"} {
		if !isPlaceholder(name) {
			t.Errorf("%q should be a placeholder", name)
		}
	}
	for _, name := range []string{"Testing Times Youth Club", "Hearing test clinic", "New Horizons", "Example Road Surgery",
		"Testbury Short Breaks", "Dyslexia testing", "Sensory service", "A Picture of Health", "TBC Football Club"} {
		if isPlaceholder(name) {
			t.Errorf("%q is a real name, not a placeholder", name)
		}
	}
}

func TestServiceAges(t *testing.T) {
	tests := []struct{ min, max, text, want string }{
		{"0", "25", "", "0 to 25"},
		{"5", "", "", "from 5"},
		{"", "18", "", "up to 18"},
		{"0", "0", "", ""},
		{"0", "", "", ""},
		{"", "", "", ""},
		{"-3", "abc", "", ""},
		{"11.5", "19", "", "11.5 to 19"},
		{"1", "2", "0-25 years", "0-25 years"},
	}
	for _, tt := range tests {
		if got := (service{MinAge: tt.min, MaxAge: tt.max, Ages: tt.text}).ages(); got != tt.want {
			t.Errorf("ages(min %q, max %q, text %q) = %q, want %q", tt.min, tt.max, tt.text, got, tt.want)
		}
	}
}

// TestServiceDirectoryBadInput checks that broken directory files are
// reported with a reason a moderator can act on, and that every other
// file is still read.
func TestServiceDirectoryBadInput(t *testing.T) {
	good := `[{"id":"1","name":"Testshire Play Club","description":"Play sessions for disabled children.","email":"play@example.org"}]`
	fsys := fstest.MapFS{
		"testshire/good.json":       {Data: []byte(good)},
		"testshire/good.csv":        {Data: []byte("Name,Description\nTestshire Swim Club,Swimming for children with additional needs.\n")},
		"testshire/broken.json":     {Data: []byte("[{\"id\": \"1\",\n \"name\": }]")},
		"testshire/cut-short.json":  {Data: []byte(`[{"id": "1", "name": "Testshire`)},
		"testshire/not-oruk.json":   {Data: []byte(`{"weather": "sunny", "temperature": 21}`)},
		"testshire/numbers.json":    {Data: []byte(`[1, 2, 3]`)},
		"testshire/empty.json":      {Data: []byte("")},
		"testshire/empty.csv":       {Data: []byte("")},
		"testshire/no-name.csv":     {Data: []byte("Provider,Summary,Phone\nTestshire Trust,Advice,01632 960000\n")},
		"testshire/header-only.csv": {Data: []byte("Name,Description\n")},
		"testshire/latin1.csv":      {Data: []byte("Name,Description\nCaf\xe9 club,Coffee\n")},
	}
	c, err := Load(fsys)
	if err != nil {
		t.Fatal(err)
	}
	var titles []string
	for _, d := range c.Documents {
		titles = append(titles, d.Title)
	}
	sort.Strings(titles)
	if strings.Join(titles, ",") != "Testshire Play Club,Testshire Swim Club" {
		t.Errorf("documents read: %q, want the two good files' services", titles)
	}
	checkProblems(t, c, map[string]string{
		"testshire/broken.json":     "file is not valid JSON: invalid character '}' looking for beginning of value (line 2)",
		"testshire/cut-short.json":  "file is not valid JSON: it ends in the middle of a value (was the download cut short?)",
		"testshire/not-oruk.json":   `JSON file is not an Open Referral UK service list: expected an array of services or {"contents": [...]}`,
		"testshire/numbers.json":    `JSON file is not an Open Referral UK service list: expected an array of services or {"contents": [...]}`,
		"testshire/empty.json":      "file is empty",
		"testshire/empty.csv":       "file is empty",
		"testshire/no-name.csv":     `CSV has no column for the service name: the columns are "Provider", "Summary", "Phone"; call one of them "name", "service name", "service" or "title"`,
		"testshire/header-only.csv": "CSV has a header row but no services",
		"testshire/latin1.csv":      "file is not valid UTF-8 text",
	})
	if len(c.Errors()) != len(c.Problems) {
		t.Errorf("some bad files are reported as skipped formats, not errors: %+v", c.Problems)
	}
}

func mapsEqual(a, b map[string]string) bool {
	if len(a) != len(b) {
		return false
	}
	for k, v := range a {
		if bv, ok := b[k]; !ok || bv != v {
			return false
		}
	}
	return true
}

var markupLeft = regexp.MustCompile(`</?[a-zA-Z][a-zA-Z0-9]*(\s[^>]*)?/?>|&[a-zA-Z]{2,8};|&#x?[0-9a-fA-F]+;`)

// TestSharedORUKFeeds reads the real, messy Open Referral feeds in
// ../shared/corpus (Bristol and North Lincolnshire, an Open Place export).
func TestSharedORUKFeeds(t *testing.T) {
	const shared = "../../shared/corpus"
	if _, err := os.Stat(shared); err != nil {
		t.Skip("../shared/corpus not found; the real Open Referral feeds are only on the CI machines")
	}
	manifest, _ := os.ReadFile(path.Join(shared, ManifestName))
	for _, area := range []string{"bristol", "north-lincolnshire"} {
		t.Run(area, func(t *testing.T) {
			p := area + "/services.json"
			data, err := os.ReadFile(path.Join(shared, p))
			if err != nil {
				t.Skipf("%s not found: %v", p, err)
			}
			// Services without a web page of their own take the feed's
			// address from sources.yaml; the shared one may not list the
			// feed, so list it here when it does not.
			feedURL := "https://feeds.example.org/" + area
			sources := "documents:\n  - path: " + p + "\n    source_url: " + feedURL + "\n"
			if strings.Contains(string(manifest), "path: "+p) {
				sources = string(manifest)
				feedURL = ""
			}
			fsys := fstest.MapFS{p: {Data: data}, ManifestName: {Data: []byte(sources)}}
			start := time.Now()
			c, err := Load(fsys)
			took := time.Since(start)
			if err != nil {
				t.Fatal(err)
			}
			if errs := c.Errors(); len(errs) > 0 {
				t.Fatalf("errors: %+v", errs)
			}
			tally := map[string]int{}
			for _, s := range c.Skips {
				if s.Entry == "" || s.Reason == "" {
					t.Errorf("skip without entry or reason: %+v", s)
				}
				reason := s.Reason
				if i := strings.IndexAny(reason, `"`); i > 0 {
					reason = reason[:i] + "…"
				}
				tally[reason]++
			}
			t.Logf("%s: %d services read, %d skipped %v, in %s", p, len(c.Documents), len(c.Skips), tally, took.Round(time.Millisecond))
			if len(c.Documents) < 100 {
				t.Errorf("only %d services read", len(c.Documents))
			}
			withOwnURL := 0
			for _, d := range c.Documents {
				if d.Title == "" || d.SourceURL == "" {
					t.Errorf("%s: title %q, source %q", d.Key(), d.Title, d.SourceURL)
				}
				if d.SourceURL != feedURL {
					withOwnURL++
				}
				if d.Kind != "service" || d.Area == "" {
					t.Errorf("%s: kind %q area %q", d.Key(), d.Kind, d.Area)
				}
				for _, ps := range d.Passages {
					if m := markupLeft.FindString(ps.Text); m != "" {
						t.Errorf("%s: passage keeps markup %q: %q", d.Key(), m, ps.Text)
					}
				}
			}
			if withOwnURL == 0 {
				t.Errorf("no service kept its own web page as its source")
			}
		})
	}
}

// TestDirectoryLimits checks that input far beyond any real directory is
// refused with a reason rather than read at any cost.
func TestDirectoryLimits(t *testing.T) {
	tests := []struct {
		name string
		read func([]byte) (parsed, error)
		data string
		want string
	}{
		{"too many JSON records", parseORUK, "[" + strings.Repeat("{},", maxServices) + "{}]",
			"JSON file holds more than 100000 records; split it into smaller files"},
		{"JSON nested too deeply", parseORUK, strings.Repeat("[", 20000) + strings.Repeat("]", 20000),
			"JSON is nested too deeply to be a service list"},
		{"too many CSV rows", parseCSV, "name\n" + strings.Repeat("a\n", maxServices+1),
			"CSV has more than 100000 rows; split it into smaller files"},
		{"too many CSV columns", parseCSV, "name" + strings.Repeat(",x", maxColumns) + "\n",
			"CSV has 1001 columns; a directory export has at most 1000"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if _, err := tt.read([]byte(tt.data)); err == nil || err.Error() != tt.want {
				t.Errorf("error %v, want %q", err, tt.want)
			}
		})
	}
	t.Run("long description is cut", func(t *testing.T) {
		res, err := parseORUK([]byte(`[{"name":"Testbury Club","description":"` + strings.Repeat("Fun. ", maxFieldBytes) + `"}]`))
		if err != nil || len(res.Entries) != 1 || len(blocksText(res.Entries[0].Blocks)) > maxFieldBytes+1 {
			t.Errorf("err %v, entries %d", err, len(res.Entries))
		}
	})
}
