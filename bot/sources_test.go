package bot

import (
	"encoding/json"
	"fmt"
	"maps"
	"strings"
	"testing"
	"testing/fstest"
	"unicode/utf8"

	"github.com/bwmarrin/discordgo"

	"github.com/sendbot/sendbot/index"
	"github.com/sendbot/sendbot/internal/discordtest"
)

// hostileTitle is a long title written to format, link and ping.
var hostileTitle = strings.Repeat("**Bold** @everyone <@12345> [click](http://evil.example) `code` # ", 8)

// sourcesCorpus is botCorpus with 22 more Testshire guides (25 documents
// there, three pages), a service directory of three services, and an
// Otherton page whose title and link are long and hostile.
func sourcesCorpus() fstest.MapFS {
	files := maps.Clone(botCorpus)
	// The swimming pages are for the paging tests of answers; without
	// them the list below is the one these tests were written for.
	for _, p := range []string{"testshire/swimming.md", "testshire/clubs.md", "testshire/pool.md"} {
		delete(files, p)
	}
	for n := 1; n <= 22; n++ {
		published := fmt.Sprintf("2025-01-%02d", n)
		if n%2 == 0 {
			published = "unknown"
		}
		files[fmt.Sprintf("testshire/guide-%02d.md", n)] = &fstest.MapFile{Data: []byte(fmt.Sprintf(
			"---\ntitle: Guide %02d to short breaks\nsource_url: https://testshire.example/guides/%02d\npublished: %s\nkind: guidance\n---\n# Guide %02d\n\nShort breaks give families a rest, part %d.\n",
			n, n, published, n, n))}
	}
	files["testshire/directory.csv"] = &fstest.MapFile{Data: []byte("name,description,website\n" +
		"Autism parents group,A peer support group for parents.,https://testshire.example/autism-group\n" +
		"Accessible swimming,Swimming sessions for disabled children.,https://testshire.example/swim\n" +
		"Sensory play,Play sessions in a sensory room.,https://testshire.example/sensory\n")}
	files["otherton/long.md"] = &fstest.MapFile{Data: []byte("---\ntitle: \"" + hostileTitle + "\"\nsource_url: https://otherton.example/" +
		strings.Repeat("very-long-path/", 40) + "\nkind: news\n---\n# Long\n\nA page about respite with a long title.\n")}
	return files
}

// runSources sends /sources with opts and returns the reply.
func runSources(t *testing.T, srv *discordtest.Server, opts ...discordtest.SlashOption) *discordtest.Response {
	t.Helper()
	return respond(t, srv, srv.SlashCommand("sources", opts...), 0)
}

// turnPage presses the button customID on msg and returns the reply.
func turnPage(t *testing.T, srv *discordtest.Server, msg *discordgo.Message, customID string) *discordtest.Response {
	t.Helper()
	resp := respond(t, srv, srv.ComponentInteraction(msg, customID), 0)
	if resp.CallbackType != discordgo.InteractionResponseUpdateMessage {
		t.Fatalf("a click on %q should update the message in place, got callback %v", customID, resp.CallbackType)
	}
	return resp
}

// sourceButtons returns the message's buttons by label.
func sourceButtons(t *testing.T, m *discordgo.Message) map[string]*discordgo.Button {
	t.Helper()
	out := map[string]*discordgo.Button{}
	for _, row := range m.Components {
		r, ok := row.(*discordgo.ActionsRow)
		if !ok {
			t.Fatalf("component %T is not a row", row)
		}
		for _, c := range r.Components {
			if b, ok := c.(*discordgo.Button); ok {
				out[b.Label] = b
			}
		}
	}
	return out
}

// sourcesEmbed returns the one embed of a /sources reply, checking it is
// within Discord's limits.
func sourcesEmbed(t *testing.T, m *discordgo.Message) *discordgo.MessageEmbed {
	t.Helper()
	if m == nil || len(m.Embeds) != 1 {
		t.Fatalf("want one embed, got %+v", m)
	}
	e := m.Embeds[0]
	checkEmbedLimits(t, e)
	return e
}

// assertCallbackNoMentions is assertNoMentions for an interaction
// callback, whose message is in its data.
func assertCallbackNoMentions(t *testing.T, raw json.RawMessage) {
	t.Helper()
	var cb struct {
		Data json.RawMessage `json:"data"`
	}
	if err := json.Unmarshal(raw, &cb); err != nil {
		t.Fatalf("decode %s: %v", raw, err)
	}
	assertNoMentions(t, cb.Data)
}

func checkEmbedLimits(t *testing.T, e *discordgo.MessageEmbed) {
	t.Helper()
	n := utf8.RuneCountInString
	total := n(e.Title) + n(e.Description)
	if e.Footer != nil {
		total += n(e.Footer.Text)
	}
	if n(e.Title) > 256 || n(e.Description) > maxEmbedDescription || total > 6000 {
		t.Errorf("embed over Discord's limits: title %d, description %d, total %d", n(e.Title), n(e.Description), total)
	}
}

func TestSourcesListsAndPagesInPlace(t *testing.T) {
	srv, _ := startBotOn(t, sourcesCorpus(), nil)

	first := runSources(t, srv, discordtest.SlashOption{Name: "area", Value: "testshire"})
	if first.CallbackType != discordgo.InteractionResponseChannelMessageWithSource || first.Message.Flags&discordgo.MessageFlagsEphemeral == 0 {
		t.Fatalf("/sources should answer at once, to the asker only: %+v", first)
	}
	e := sourcesEmbed(t, first.Message)
	if e.Title != "Documents I quote from: Testshire" || e.Footer == nil || e.Footer.Text != "Page 1 of 3 · 25 documents · 3 services" {
		t.Errorf("title %q, footer %+v", e.Title, e.Footer)
	}
	for _, want := range []string{
		"**1. [Asking for an EHC needs assessment in Testshire](https://testshire.example/ehc)**\nlocal-offer · 1 March 2024 · Testshire",
		"**2. [Guide 01 to short breaks](https://testshire.example/guides/01)**\nguidance · 1 January 2025 · Testshire",
		"**3. [Guide 02 to short breaks](https://testshire.example/guides/02)**\nguidance · date unknown · Testshire",
		"**10. [Guide 09 to short breaks]",
		"**Service directories**: Testshire: 3 services",
	} {
		if !strings.Contains(e.Description, want) {
			t.Errorf("page 1 lacks %q:\n%s", want, e.Description)
		}
	}
	for _, unwanted := range []string{"**11.", "Sensory play", "Respite"} {
		if strings.Contains(e.Description, unwanted) {
			t.Errorf("page 1 shows %q:\n%s", unwanted, e.Description)
		}
	}
	bs := sourceButtons(t, first.Message)
	if prev, next := bs["Previous"], bs["Next"]; prev == nil || next == nil || !prev.Disabled || next.Disabled || next.CustomID != "sources:2:testshire" {
		t.Fatalf("page 1 buttons: %+v %+v", prev, next)
	}
	assertCallbackNoMentions(t, first.Raw[0])

	// Forward twice to the last page, and back one.
	second := turnPage(t, srv, first.Message, bs["Next"].CustomID)
	e = sourcesEmbed(t, second.Message)
	if e.Footer.Text != "Page 2 of 3 · 25 documents · 3 services" || !strings.Contains(e.Description, "**11. [Guide 10 to short breaks]") ||
		!strings.Contains(e.Description, "**20. [Guide 19 to short breaks]") {
		t.Errorf("page 2:\n%s\n%s", e.Description, e.Footer.Text)
	}
	bs = sourceButtons(t, second.Message)
	if bs["Previous"].Disabled || bs["Next"].Disabled || bs["Previous"].CustomID != "sources:1:testshire" {
		t.Errorf("page 2 buttons: %+v %+v", bs["Previous"], bs["Next"])
	}
	assertCallbackNoMentions(t, second.Raw[0])

	third := turnPage(t, srv, second.Message, bs["Next"].CustomID)
	e = sourcesEmbed(t, third.Message)
	if e.Footer.Text != "Page 3 of 3 · 25 documents · 3 services" || !strings.Contains(e.Description, "**25. [Testshire Local Offer](https://testshire.example/local-offer)**") {
		t.Errorf("page 3:\n%s\n%s", e.Description, e.Footer.Text)
	}
	bs = sourceButtons(t, third.Message)
	if bs["Previous"].Disabled || !bs["Next"].Disabled {
		t.Errorf("last page: Next should be disabled, Previous not: %+v %+v", bs["Previous"], bs["Next"])
	}

	back := turnPage(t, srv, third.Message, bs["Previous"].CustomID)
	if e := sourcesEmbed(t, back.Message); e.Footer.Text != "Page 2 of 3 · 25 documents · 3 services" || !strings.Contains(e.Description, "**11. ") {
		t.Errorf("back to page 2:\n%s\n%s", e.Description, e.Footer.Text)
	}
	if back.Message.Flags&discordgo.MessageFlagsEphemeral == 0 {
		t.Errorf("turning the page must keep the list private")
	}
}

func TestSourcesAllAreasAndOneArea(t *testing.T) {
	srv, _ := startBotOn(t, sourcesCorpus(), nil)
	tests := []struct {
		name, area string
		title      string
		footer     string
		contains   string
	}{
		{"all areas", "", "Documents I quote from", "Page 1 of 3 · 27 documents · 3 services", "**3. [Asking for an EHC needs assessment in Testshire]"},
		{"one area, as typed", "OTHERTON", "Documents I quote from: Otherton", "Page 1 of 1 · 2 documents", "**2. [Respite "},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var opts []discordtest.SlashOption
			if tt.area != "" {
				opts = append(opts, discordtest.SlashOption{Name: "area", Value: tt.area})
			}
			resp := runSources(t, srv, opts...)
			e := sourcesEmbed(t, resp.Message)
			if e.Title != tt.title || e.Footer.Text != tt.footer || !strings.HasPrefix(e.Description, "**1. \\*\\*Bold\\*\\* @\u200beveryone") ||
				!strings.Contains(e.Description, tt.contains) {
				t.Errorf("title %q, footer %q, description:\n%s", e.Title, e.Footer.Text, e.Description)
			}
		})
	}
	// One page has no buttons to turn it.
	if resp := runSources(t, srv, discordtest.SlashOption{Name: "area", Value: "Otherton"}); len(resp.Message.Components) != 0 {
		t.Errorf("a one-page list should have no buttons: %+v", resp.Message.Components)
	}
}

func TestSourcesUnknownAreaIsAKindPrivateMessage(t *testing.T) {
	srv, _ := startBot(t)
	resp := runSources(t, srv, discordtest.SlashOption{Name: "area", Value: "Atlantis"})
	m := resp.Message
	if m.Content != "I don't have documents for that area yet. Areas I have documents for: Otherton, Testshire." ||
		len(m.Embeds) != 0 || m.Flags&discordgo.MessageFlagsEphemeral == 0 {
		t.Errorf("unknown area reply: %+v", m)
	}
}

func TestSourcesButtonsWorkAfterARestart(t *testing.T) {
	before, _ := startBotOn(t, sourcesCorpus(), nil)
	old := runSources(t, before, discordtest.SlashOption{Name: "area", Value: "Testshire"})
	next := sourceButtons(t, old.Message)["Next"]
	if next == nil || next.CustomID != sourcesID(2, "testshire") {
		t.Fatalf("Next button: %+v", next)
	}

	// A new bot, knowing nothing of the first, is clicked on the old message.
	after, _ := startBotOn(t, sourcesCorpus(), nil)
	resp := turnPage(t, after, old.Message, "sources:2:testshire")
	if e := sourcesEmbed(t, resp.Message); e.Footer.Text != "Page 2 of 3 · 25 documents · 3 services" || !strings.Contains(e.Description, "**11. [Guide 10 to short breaks]") {
		t.Errorf("page 2 after a restart:\n%s\n%s", e.Description, e.Footer.Text)
	}

	// The list has shrunk since: page 3 of a one-page area shows its last
	// page, and says why. A page that is no number shows the first.
	tests := []struct {
		name, id, footer, note string
	}{
		{"page beyond the end", "sources:3:otherton", "Page 1 of 1 · 2 documents", msgPageGone},
		{"far beyond", "sources:99999:", "Page 3 of 3 · 27 documents · 3 services", msgPageGone},
		{"not a number", "sources:x:testshire", "Page 1 of 3 · 25 documents · 3 services", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			resp := turnPage(t, after, old.Message, tt.id)
			e := sourcesEmbed(t, resp.Message)
			if e.Footer.Text != tt.footer || strings.HasPrefix(e.Description, msgPageGone) != (tt.note != "") {
				t.Errorf("footer %q, description:\n%s", e.Footer.Text, e.Description)
			}
		})
	}

	// An area the index no longer has is said kindly; the buttons go.
	resp = turnPage(t, after, old.Message, "sources:2:atlantis")
	if resp.Message.Content != msgAreaGone || len(resp.Message.Embeds) != 0 || len(resp.Message.Components) != 0 {
		t.Errorf("gone area: %+v", resp.Message)
	}
	assertCallbackNoMentions(t, resp.Raw[0])
}

func TestSourcesHostileTitleCannotFormatOrPing(t *testing.T) {
	srv, _ := startBotOn(t, sourcesCorpus(), nil)
	resp := runSources(t, srv, discordtest.SlashOption{Name: "area", Value: "Otherton"})
	d := sourcesEmbed(t, resp.Message).Description
	for _, bad := range []string{"@everyone", "<@12345>", "[click](http://evil.example)", "**Bold**", "`code`", "**now**", "otherton.example/very-long-path"} {
		if strings.Contains(d, bad) {
			t.Errorf("title markup %q reached the list unescaped:\n%s", bad, d)
		}
	}
	for _, want := range []string{`\*\*Bold\*\* @` + "\u200b" + `everyone \<@12345\> \[click\]\(http://evil.example\)`, "**1. ", "**2. [Respite "} {
		if !strings.Contains(d, want) {
			t.Errorf("list should show %q:\n%s", want, d)
		}
	}
	assertCallbackNoMentions(t, resp.Raw[0])
}

func TestSourcesAreaIsAutocompleted(t *testing.T) {
	srv, _ := startBot(t)
	resp := respond(t, srv, srv.Autocomplete("sources", discordtest.SlashOption{Name: "area", Value: "oth", Focused: true}), 0)
	if len(resp.Choices) != 1 || resp.Choices[0].Name != "Otherton" {
		t.Errorf("choices = %+v", resp.Choices)
	}
}

// manyDocuments is n ordinary documents with long titles and links, in
// three areas, and a large service directory in one.
func manyDocuments(n, services int) []index.DocumentInfo {
	var docs []index.DocumentInfo
	areas := []string{"Alphashire", "Betashire", "Gammashire"}
	for k := 0; k < n; k++ {
		docs = append(docs, index.DocumentInfo{
			Title:     fmt.Sprintf("%03d ", k+1) + strings.Repeat("*_[x]", 60),
			SourceURL: "https://example.org/" + strings.Repeat("a", 300+k),
			Kind:      "local-offer",
			Published: "2025-07-04",
			Area:      areas[k*len(areas)/n],
		})
	}
	for k := 0; k < services; k++ {
		docs = append(docs, index.DocumentInfo{Title: fmt.Sprintf("Service %d", k), Kind: index.KindService, Area: "Gammashire"})
	}
	return docs
}

func TestSourcesPageRendering(t *testing.T) {
	docs := manyDocuments(40, 815)
	seen := map[int]bool{}
	for page := 1; page <= 4; page++ {
		e, comps := sourcesPage(docs, "", page, "")
		checkEmbedLimits(t, e)
		if want := fmt.Sprintf("Page %d of 4 · 40 documents · 815 services", page); e.Footer.Text != want {
			t.Errorf("footer %q, want %q", e.Footer.Text, want)
		}
		if !strings.HasSuffix(e.Description, "**Service directories**: Gammashire: 815 services\nI quote these services too, but don't list them one by one: ask about one with `/ask`.") {
			t.Errorf("page %d should count the services:\n%s", page, e.Description)
		}
		if strings.Contains(e.Description, "Service 1") {
			t.Errorf("page %d lists services one by one", page)
		}
		for n := 1; n <= 40; n++ {
			if strings.Contains(e.Description, fmt.Sprintf("**%d. ", n)) {
				if seen[n] {
					t.Errorf("document %d shown twice", n)
				}
				seen[n] = true
			}
		}
		if len(comps) != 1 {
			t.Fatalf("page %d: want one row of buttons, got %d", page, len(comps))
		}
		row := comps[0].(discordgo.ActionsRow)
		prev, next := row.Components[0].(discordgo.Button), row.Components[1].(discordgo.Button)
		if prev.Disabled != (page == 1) || next.Disabled != (page == 4) || next.CustomID != fmt.Sprintf("sources:%d:", page+1) {
			t.Errorf("page %d buttons: %+v %+v", page, prev, next)
		}
	}
	if len(seen) != 40 {
		t.Errorf("%d of 40 documents shown over the pages", len(seen))
	}

	// Short links fit beside long titles; links too long to fit give way.
	short := manyDocuments(10, 0)
	for k := range short {
		short[k].SourceURL = "https://example.org/doc"
	}
	e, _ := sourcesPage(short, "Alphashire", 1, "")
	if strings.Count(e.Description, "](https://example.org/doc)**") != 10 {
		t.Errorf("every short link should be kept:\n%s", e.Description)
	}

	e, _ = sourcesPage(docs, "", 5, "")
	if !strings.HasPrefix(e.Description, msgPageGone) || !strings.HasPrefix(e.Footer.Text, "Page 4 of 4") {
		t.Errorf("a page past the end should show the last, kindly:\n%s", e.Description)
	}
	e, comps := sourcesPage(docs[40:], "Gammashire", 1, "")
	if !strings.HasPrefix(e.Description, msgOnlySvcs) || e.Footer.Text != "Page 1 of 1 · 0 documents · 815 services" || len(comps) != 0 {
		t.Errorf("only services: %q %q %d", e.Description, e.Footer.Text, len(comps))
	}
}

func TestSourcesCustomIDFitsAndFindsItsArea(t *testing.T) {
	long := strings.Repeat("Very Long Area Name ", 8) + "Shire"
	areas := []string{"Testshire", long, "Otherton"}
	id := sourcesID(12345, "very long area name "+strings.Repeat("very long area name ", 7)+"shire")
	if utf8.RuneCountInString(id) > maxCustomID {
		t.Fatalf("custom ID is %d characters: %q", utf8.RuneCountInString(id), id)
	}
	prefix, rest, _ := strings.Cut(id, ":")
	page, key, cut := parseSourcesID(rest)
	if prefix != sourcesPrefix || page != 12345 || !cut {
		t.Errorf("parsed %q as %q, page %d, cut %v", id, prefix, page, cut)
	}
	if got, ok := areaFromKey(key, cut, areas); !ok || got != long {
		t.Errorf("cut key %q found %q, %v", key, got, ok)
	}
	// A whole key stands only for its own area, never one it begins.
	if got, ok := areaFromKey("test", false, areas); ok {
		t.Errorf("key %q should not stand for %q", "test", got)
	}
	if got, ok := areaFromKey("testshire", false, areas); !ok || got != "Testshire" {
		t.Errorf("testshire → %q, %v", got, ok)
	}
	// Multi-byte area names are cut on a character boundary.
	if id := sourcesID(1, strings.Repeat("é", 200)); !utf8.ValidString(id) || utf8.RuneCountInString(id) != maxCustomID {
		t.Errorf("cut multi-byte key: %q", id)
	}
}
