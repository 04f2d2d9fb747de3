package corpus

import (
	"bytes"
	"encoding/json"
	"strconv"
	"strings"
	"time"

	"golang.org/x/net/html"
	"golang.org/x/net/html/atom"
)

// Limits on a page's schema.org markup. Real pages carry a few kilobytes
// of it; past these the rest is ignored, so hostile markup costs little
// and the page is still read as ordinary HTML.
const (
	maxLDScriptBytes = 256 << 10 // one <script type="application/ld+json">
	maxLDBytes       = 1 << 20   // all of a page's JSON-LD together
	maxMarkupValues  = 20_000    // objects, arrays and strings visited
	maxMarkupItems   = 2_000     // services one page may give
)

// markup collects the schema.org things a page describes, as JSON-LD
// objects (microdata is turned into the same shape), within its budget.
type markup struct {
	things []object
	// budget counts down the values visited.
	budget int
}

// pageServices reads the services a page describes in schema.org markup
// (JSON-LD or microdata): one service page becomes one service document,
// with the page's own text as its description when that says more; a
// list of services becomes one document per service. ok is false when
// the page describes no service, and it is then read as an ordinary page.
func (pg *page) pageServices(blocks []block, pm Meta, pageDated bool) (parsed, bool) {
	mk := &markup{budget: maxMarkupValues}
	mk.jsonLD(pg.doc)
	mk.microdata(pg.doc)
	h1 := ""
	for _, b := range blocks {
		if b.Level == 1 {
			h1 = b.Text
			break
		}
	}
	things := serviceThings(mk.things, h1, pm.Publisher)
	switch len(things) {
	case 0:
		return parsed{}, false
	case 1:
		return pg.oneService(things[0], blocks, pm, pageDated)
	}
	var l serviceList
	for i, o := range things {
		s := markupService(o)
		before := len(l.Entries)
		l.add(s, "item "+strconv.Itoa(i+1), nameID(s.Name))
		if len(l.Entries) > before {
			m := &l.Entries[before].Meta
			m.SourceURL = firstNonEmpty(m.SourceURL, pm.SourceURL)
			m.Publisher = firstNonEmpty(m.Publisher, pm.Publisher)
		}
	}
	if len(l.Entries) == 0 {
		return parsed{}, false
	}
	return l.parsed, true
}

// oneService is the document of a page about one service: its details
// and the page's text, or the markup's description when that says more.
func (pg *page) oneService(o object, blocks []block, pm Meta, pageDated bool) (parsed, bool) {
	s := markupService(o)
	s.Name = plainInline(htmlToText(clip(s.Name, maxNameBytes)))
	desc := descriptionBlocks(s.Description, s.Name)
	if hasParagraph(blocks) && blockWords(blocks) >= blockWords(desc) {
		desc = blocks
	}
	if s.skipReason(desc) != "" {
		return parsed{}, false
	}
	m := s.meta()
	m.SourceURL = firstNonEmpty(pm.SourceURL, m.SourceURL)
	m.Publisher = firstNonEmpty(m.Publisher, pm.Publisher)
	e := entry{Meta: m, Blocks: s.blocks(desc)}
	if m.Published == "" && pm.Published != "" {
		e.Meta.Published, e.pageDated = pm.Published, pageDated
	}
	return parsed{Entries: []entry{e}}, true
}

// jsonLD reads the page's <script type="application/ld+json"> blocks.
// A block that is too large or not valid JSON is ignored.
func (mk *markup) jsonLD(doc *html.Node) {
	total := 0
	var walk func(*html.Node)
	walk = func(n *html.Node) {
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			if c.Type != html.ElementNode {
				continue
			}
			if c.DataAtom == atom.Script {
				typ, _, _ := strings.Cut(lowerAttr(c, "type"), ";")
				if strings.TrimSpace(typ) == "application/ld+json" && c.FirstChild != nil && c.FirstChild.Type == html.TextNode {
					text := c.FirstChild.Data
					total += len(text)
					if len(text) <= maxLDScriptBytes && total <= maxLDBytes {
						mk.ldBlock([]byte(text))
					}
				}
				continue
			}
			walk(c)
		}
	}
	walk(doc)
}

func (mk *markup) ldBlock(text []byte) {
	dec := json.NewDecoder(bytes.NewReader(bytes.TrimSpace(text)))
	dec.UseNumber()
	var v any
	if err := dec.Decode(&v); err != nil {
		return
	}
	mk.visit(v, 0)
}

// containerKeys lead from a page, list or graph to the things it holds;
// other properties (publisher, author, provider…) describe the thing
// they belong to and are not things of the page's own.
var containerKeys = []string{"@graph", "mainEntity", "itemListElement", "item", "hasPart"}

// visit collects the typed things in v that a page presents, within the budget.
func (mk *markup) visit(v any, depth int) {
	if mk.budget <= 0 || depth > 16 || len(mk.things) >= maxMarkupItems {
		return
	}
	mk.budget--
	switch v := v.(type) {
	case []any:
		for _, x := range v {
			mk.visit(x, depth+1)
		}
	case map[string]any:
		if serviceType(v) != notService {
			mk.things = append(mk.things, v)
			return
		}
		for _, k := range containerKeys {
			if x, ok := v[k]; ok {
				mk.visit(x, depth+1)
			}
		}
	}
}

// microdata reads the page's top-level schema.org items (itemscope
// without itemprop) into JSON-LD's shape.
func (mk *markup) microdata(doc *html.Node) {
	var walk func(*html.Node)
	walk = func(n *html.Node) {
		for c := n.FirstChild; c != nil && mk.budget > 0; c = c.NextSibling {
			if c.Type != html.ElementNode {
				continue
			}
			if hasAttr(c, "itemscope") && !hasAttr(c, "itemprop") {
				mk.visit(mk.item(c), 0)
			}
			walk(c) // items nested without itemprop are items of their own
		}
	}
	walk(doc)
}

// item turns one microdata item into an object: "@type" from its
// itemtype, and each itemprop's values in a list.
func (mk *markup) item(n *html.Node) object {
	o := object{}
	var types []any
	for _, t := range strings.Fields(attr(n, "itemtype")) {
		types = append(types, t)
	}
	o["@type"] = types
	var walk func(*html.Node)
	walk = func(n *html.Node) {
		for c := n.FirstChild; c != nil && mk.budget > 0; c = c.NextSibling {
			if c.Type != html.ElementNode {
				continue
			}
			mk.budget--
			props := strings.Fields(attr(c, "itemprop"))
			scoped := hasAttr(c, "itemscope")
			if len(props) > 0 {
				var v any
				if scoped {
					v = mk.item(c)
				} else {
					v = propValue(c)
				}
				for _, p := range props {
					if vs, _ := o[p].([]any); len(vs) < maxListItems {
						o[p] = append(vs, v)
					}
				}
			}
			if !scoped {
				walk(c)
			}
		}
	}
	walk(n)
	return o
}

// propValue is a microdata property's value, as HTML defines it.
func propValue(n *html.Node) string {
	switch n.DataAtom {
	case atom.Meta:
		return attr(n, "content")
	case atom.Audio, atom.Embed, atom.Iframe, atom.Img, atom.Source, atom.Track, atom.Video:
		return attr(n, "src")
	case atom.A, atom.Area, atom.Link:
		return attr(n, "href")
	case atom.Object:
		return attr(n, "data")
	case atom.Data, atom.Meter:
		return attr(n, "value")
	case atom.Time:
		if d := attr(n, "datetime"); d != "" {
			return d
		}
	}
	var b strings.Builder
	var walk func(*html.Node)
	walk = func(n *html.Node) {
		for c := n.FirstChild; c != nil && b.Len() < maxFieldBytes; c = c.NextSibling {
			switch {
			case c.Type == html.TextNode:
				b.WriteString(c.Data)
			case c.Type == html.ElementNode && c.DataAtom == atom.Br:
				b.WriteString("\n")
			case c.Type == html.ElementNode && !hardDropTags[c.DataAtom]:
				b.WriteString(" ")
				walk(c)
				if isBlock(c.DataAtom) {
					b.WriteString("\n")
				}
			}
		}
	}
	walk(n)
	return strings.TrimSpace(strings.Map(dropInvisible, b.String()))
}

type thingKind int

const (
	notService thingKind = iota
	// aService is a service or event by its type; anOrganisation is an
	// organisation or place, which is also the site's owner on most pages.
	aService
	anOrganisation
)

// typeNames are a thing's schema.org types without their prefix
// ("https://schema.org/Service", "schema:Service" → "Service").
func typeNames(o object) []string {
	var out []string
	for _, t := range texts(o["@type"]) {
		if i := strings.LastIndexAny(t, "/:#"); i >= 0 {
			t = t[i+1:]
		}
		if t = strings.TrimSpace(t); t != "" {
			out = append(out, t)
		}
	}
	return out
}

// organisationTypes are the place and organisation types, beyond those
// whose names end in Organization, Business, Clinic or School, that a
// service directory describes its entries with.
var organisationTypes = map[string]bool{
	"NGO": true, "Place": true, "ChildCare": true, "Library": true, "Hospital": true, "Physician": true,
	"Dentist": true, "Pharmacy": true, "CivicStructure": true, "SportsActivityLocation": true,
	"CommunityHealth": true, "Preschool": true, "CollegeOrUniversity": true, "Playground": true,
	"Park": true, "Optician": true, "MedicalClinic": true, "SportsClub": true, "LocalBusiness": true,
	"Corporation": true, "Consortium": true, "Project": true, "FundingScheme": true,
}

func serviceType(o object) thingKind {
	kind := notService
	for _, t := range typeNames(o) {
		switch {
		case strings.HasSuffix(t, "Service"), strings.HasSuffix(t, "Event"):
			return aService
		case organisationTypes[t], strings.HasSuffix(t, "Organization"), strings.HasSuffix(t, "Organisation"),
			strings.HasSuffix(t, "Business"), strings.HasSuffix(t, "Clinic"), strings.HasSuffix(t, "School"):
			kind = anOrganisation
		}
	}
	return kind
}

// serviceThings picks the page's services among its things. Services and
// events always count. Organisations and places count when no service
// does and they are the page's subject: the one its main heading names,
// or a list of them, leaving out the site's owner (siteName), whose
// markup many sites put on every page.
func serviceThings(things []object, h1, siteName string) []object {
	var services, orgs []object
	for _, o := range things {
		if ldText(o, "name") == "" {
			continue
		}
		switch serviceType(o) {
		case aService:
			services = append(services, o)
		case anOrganisation:
			orgs = append(orgs, o)
		}
	}
	if len(services) > 0 {
		return services
	}
	var named, listed []object
	for _, o := range orgs {
		name := ldText(o, "name")
		switch {
		case h1 != "" && strings.EqualFold(collapse(name), collapse(h1)):
			named = append(named, o)
		case siteName == "" || !strings.EqualFold(collapse(name), collapse(siteName)):
			listed = append(listed, o)
		}
	}
	switch {
	case len(named) > 0:
		return named[:1]
	case len(listed) >= 2:
		return listed
	}
	return nil
}

// texts flattens a JSON-LD or microdata value into strings: strings and
// numbers as they are, a value object's @value, another object's name.
func texts(v any) []string {
	var out []string
	var add func(any, int)
	add = func(v any, depth int) {
		if depth > 4 || len(out) >= maxListItems {
			return
		}
		switch v := v.(type) {
		case string:
			if v = strings.TrimSpace(v); v != "" {
				out = append(out, clip(v, maxFieldBytes))
			}
		case json.Number:
			out = append(out, v.String())
		case bool:
			out = append(out, strconv.FormatBool(v))
		case []any:
			for _, x := range v {
				add(x, depth+1)
			}
		case map[string]any:
			if x, ok := v["@value"]; ok {
				add(x, depth+1)
			} else if x, ok := v["name"]; ok {
				add(x, depth+1)
			}
		}
	}
	add(v, 0)
	return out
}

// ldTexts are the strings under each of o's keys, in order.
func ldTexts(o object, keys ...string) []string {
	var out []string
	for _, k := range keys {
		out = append(out, texts(o[k])...)
	}
	return out
}

// ldText is the first string under o's keys, or "".
func ldText(o object, keys ...string) string {
	if t := ldTexts(o, keys...); len(t) > 0 {
		return t[0]
	}
	return ""
}

// ldObjects are the objects under o's keys (a lone object, or those in a list).
func ldObjects(o object, keys ...string) []object {
	var out []object
	for _, k := range keys {
		for _, v := range list(o[k]) {
			if m, ok := v.(map[string]any); ok && len(out) < maxListItems {
				out = append(out, m)
			}
		}
	}
	return out
}

// markupService gathers what a parent needs from a schema.org Service,
// Organization, Place or Event, the way orukService does from a directory.
func markupService(o object) service {
	s := service{
		ID:          ldText(o, "identifier"),
		Name:        ldText(o, "name", "legalName", "alternateName"),
		Description: ldText(o, "description", "disambiguatingDescription", "abstract"),
		URL:         ldText(o, "url"),
		Updated:     ldTexts(o, "dateModified", "datePublished"),
		Types:       ldTexts(o, "serviceType", "category"),
	}
	if strings.ContainsAny(s.ID, " \t\n") || len(s.ID) > 200 {
		s.ID = ""
	}
	if orgs := ldObjects(o, "provider", "organizer", "parentOrganization", "brand", "operator"); len(orgs) > 0 {
		s.Organisation, s.OrgURL = ldText(orgs[0], "name"), ldText(orgs[0], "url")
	} else {
		s.Organisation = ldText(o, "provider", "organizer")
	}

	contacts := ldObjects(o, "contactPoint")
	for _, ch := range ldObjects(o, "availableChannel") {
		contacts = append(contacts, ldObjects(ch, "servicePhone")...)
		s.URL = firstNonEmpty(s.URL, ldText(ch, "serviceUrl"))
		for _, loc := range ldObjects(ch, "serviceLocation") {
			s.Places = append(s.Places, placeLine(loc))
		}
	}
	s.Phones = ldTexts(o, "telephone")
	s.Emails = ldTexts(o, "email")
	for _, c := range contacts {
		s.Phones = append(s.Phones, ldTexts(c, "telephone")...)
		s.Emails = append(s.Emails, ldTexts(c, "email")...)
		for _, h := range ldObjects(c, "hoursAvailable") {
			s.Times = append(s.Times, hoursText(h))
		}
	}
	for i, e := range s.Emails {
		s.Emails[i] = strings.TrimPrefix(strings.TrimSpace(e), "mailto:")
	}
	for i, p := range s.Phones {
		s.Phones[i] = strings.TrimPrefix(strings.TrimSpace(p), "tel:")
	}

	for _, k := range []string{"address", "location"} {
		for _, v := range list(o[k]) {
			if m, ok := v.(map[string]any); ok {
				s.Places = append(s.Places, placeLine(m))
			}
		}
		if str, ok := o[k].(string); ok {
			s.Places = append(s.Places, str)
		}
		for _, v := range asList(o[k]) {
			if str, ok := v.(string); ok {
				s.Places = append(s.Places, str)
			}
		}
	}

	s.Times = append(s.Times, openingHours(ldTexts(o, "openingHours")...)...)
	for _, h := range ldObjects(o, "openingHoursSpecification", "hoursAvailable") {
		s.Times = append(s.Times, hoursText(h))
	}
	if start := when(ldText(o, "startDate")); start != "" {
		if end := when(ldText(o, "endDate")); end != "" && end != start {
			start += " to " + end
		}
		s.Times = append(s.Times, start)
	}

	for _, a := range ldObjects(o, "audience") {
		s.Eligibility = append(s.Eligibility, ldTexts(a, "audienceType", "name", "description")...)
		if s.MinAge == "" && s.MaxAge == "" {
			s.MinAge = ldText(a, "suggestedMinAge", "requiredMinAge")
			s.MaxAge = ldText(a, "suggestedMaxAge", "requiredMaxAge")
		}
	}
	if _, ok := o["audience"].(string); ok {
		s.Eligibility = append(s.Eligibility, ldText(o, "audience"))
	}
	s.Ages = ldText(o, "typicalAgeRange")

	for _, of := range ldObjects(o, "offers") {
		s.Costs = append(s.Costs, costText(ldText(of, "name"), ldText(of, "price"), ldText(of, "priceCurrency"), ldText(of, "description")))
	}
	if strings.EqualFold(ldText(o, "isAccessibleForFree"), "true") {
		s.Costs = append(s.Costs, "free")
	}
	s.Costs = append(s.Costs, ldTexts(o, "priceRange")...)

	if areas := cleanLines(ldTexts(o, "areaServed")); len(areas) > 0 {
		s.Extra = append(s.Extra, "Area served: "+strings.Join(areas, ", "))
	}
	return s
}

// asList is v's elements when it is a list, else nothing.
func asList(v any) []any {
	l, _ := v.([]any)
	return l
}

// placeLine is one line for a Place or PostalAddress: its name, then its
// street, town, region and postcode.
func placeLine(o object) string {
	name := ""
	if !typeIsAddress(o) {
		name = ldText(o, "name")
	}
	addr := o
	if as := ldObjects(o, "address"); len(as) > 0 {
		addr = as[0]
	} else if a := ldText(o, "address"); a != "" {
		return joinParts(name, a)
	}
	return joinParts(name, ldText(addr, "streetAddress"), ldText(addr, "addressLocality"),
		ldText(addr, "addressRegion"), ldText(addr, "postalCode"))
}

func typeIsAddress(o object) bool {
	for _, t := range typeNames(o) {
		if t == "PostalAddress" {
			return true
		}
	}
	return false
}

// hoursText renders an OpeningHoursSpecification: "Monday, Tuesday 09:00 to 17:00".
func hoursText(h object) string {
	var days []string
	for _, d := range ldTexts(h, "dayOfWeek") {
		if i := strings.LastIndexAny(d, "/:#"); i >= 0 {
			d = d[i+1:]
		}
		days = append(days, d)
	}
	return openingText(days, ldText(h, "opens"), ldText(h, "closes"))
}

// openingHours renders schema.org's "Mo-Fr 09:00-17:00" as "Monday to
// Friday 09:00 to 17:00"; anything else is kept as written.
func openingHours(values ...string) []string {
	var out []string
	for _, v := range values {
		f := strings.Fields(v)
		if len(f) == 0 {
			continue
		}
		var days []string
		ok := true
		for _, part := range strings.Split(f[0], ",") {
			from, to, isRange := strings.Cut(part, "-")
			a, b := dayNames[strings.ToUpper(from)], dayNames[strings.ToUpper(to)]
			switch {
			case a == "" || isRange && b == "":
				ok = false
			case isRange:
				days = append(days, a+" to "+b)
			default:
				days = append(days, a)
			}
		}
		if !ok {
			out = append(out, v)
			continue
		}
		line := strings.Join(days, ", ")
		for _, t := range f[1:] {
			line += " " + strings.Replace(t, "-", " to ", 1)
		}
		out = append(out, line)
	}
	return out
}

// when renders an event's date and time for a parent: "Saturday 1 June
// 2024, 10:00"; text that is not an ISO date is kept as written.
func when(s string) string {
	s = strings.TrimSpace(s)
	for _, layout := range []string{time.RFC3339, "2006-01-02T15:04:05", "2006-01-02T15:04"} {
		if t, err := time.Parse(layout, s); err == nil {
			return t.Format("Monday 2 January 2006, 15:04")
		}
	}
	if t, err := time.Parse("2006-01-02", s); err == nil {
		return t.Format("Monday 2 January 2006")
	}
	return s
}
