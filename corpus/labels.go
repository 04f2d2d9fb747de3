package corpus

import (
	"slices"
	"strings"
	"unicode"

	"golang.org/x/net/html"
	"golang.org/x/net/html/atom"
)

// Label learning. A label is a short text ("Telephone", "Who is it for?")
// in its own element, followed by text that changes from page to page.
// It must be on minLabelPages pages (a directory may be a small part of a
// site, so no share of the site is asked for) with minLabelValues
// different values, which a menu item or a repeated heading followed by
// the same text never has.
const (
	minLabelPages  = 3
	minLabelValues = 3
	maxLabelValues = 16 // values counted per label; more tell nothing new
	maxLabelWords  = 6
	maxLabelRunes  = 40
	// maxExtraWords is the longest value an unmapped label keeps as a
	// "Label: value" line; a longer one is a section of the description
	// under its heading, and stays there.
	maxExtraWords = 30
)

// labelTags are the elements a label is written in: a definition term,
// a table header or first cell, bold text, a small heading, or a short
// element of its own.
var labelTags = map[atom.Atom]bool{
	atom.Dt: true, atom.Th: true, atom.Td: true, atom.Strong: true, atom.B: true, atom.Label: true,
	atom.H2: true, atom.H3: true, atom.H4: true, atom.H5: true, atom.H6: true,
	atom.Span: true, atom.P: true, atom.Div: true, atom.Li: true,
}

func labelKey(tag, text string) string { return tag + "\x00" + text }

// findLabels finds the label candidates of a scanned page: short elements
// outside the site's furniture followed by some text.
func (sp *pageScan) findLabels() {
	for i := range sp.elems {
		e := &sp.elems[i]
		n := e.node
		if e.chrome || n.Type != html.ElementNode || !labelTags[n.DataAtom] || n.Parent == nil {
			continue
		}
		text := normalLabel(sp.words[e.start:e.end])
		if text == "" {
			continue
		}
		follow, from, to := sp.following(n, e.end)
		if to <= from {
			continue
		}
		sp.labels = append(sp.labels, labelSeen{
			node: n, tag: n.Data, text: text, value: hashWords(sp.words[from:to]), follow: follow,
		})
	}
}

// following is what a label's value is: the next element when it is of
// the label's own kind (a <td> after a <td>, a <p> after a <p>);
// otherwise the label's later siblings up to the next one of its kind or
// the next heading (a <dd> up to the next <dt>, the text after <strong>
// to the end of its paragraph). from and to are its words.
func (sp *pageScan) following(n *html.Node, end int) (follow []*html.Node, from, to int) {
	parent := sp.elems[sp.index[n.Parent]]
	from, to = end, parent.end
	for c := n.NextSibling; c != nil; c = c.NextSibling {
		i, isElem := sp.index[c]
		if c.Type == html.ElementNode && !isElem {
			continue // never shown
		}
		if c.Type == html.ElementNode {
			ce := sp.elems[i]
			if c.DataAtom == n.DataAtom && onlySpace(follow) {
				if ce.end == ce.start {
					return nil, 0, 0
				}
				return []*html.Node{c}, ce.start, ce.end
			}
			if c.DataAtom == n.DataAtom || htmlHeadingLevel(c.DataAtom) > 0 {
				return follow, from, ce.start
			}
		}
		follow = append(follow, c)
	}
	return follow, from, to
}

func onlySpace(nodes []*html.Node) bool {
	for _, n := range nodes {
		if n.Type != html.TextNode || strings.TrimSpace(n.Data) != "" {
			return false
		}
	}
	return true
}

// learnedLabels are the candidates that recur with changing values.
func (c *siteCounts) learnedLabels() []Label {
	var out []Label
	for _, lc := range c.labels {
		if int(lc.pages) >= minLabelPages && len(lc.values) >= minLabelValues {
			out = append(out, Label{Tag: lc.tag, Text: lc.text, Field: labelField(lc.text), Pages: int(lc.pages), Values: len(lc.values)})
		}
	}
	slices.SortFunc(out, func(a, b Label) int {
		return strings.Compare(labelKey(a.Tag, a.Text), labelKey(b.Tag, b.Text))
	})
	return out
}

// Service fields a label can fill.
const (
	fieldPhone       = "phone"
	fieldEmail       = "email"
	fieldWebsite     = "website"
	fieldPlace       = "place"
	fieldCost        = "cost"
	fieldAge         = "age"
	fieldEligibility = "eligibility"
	fieldTimes       = "times"
	fieldAccess      = "access"
)

// labelFields map a label's words to the service field its value fills,
// first match winning, so "Email address" is an email and "Web address" a
// website, not a place. They are the words directories use for these
// fields everywhere, not any one site's.
var labelFields = []struct {
	field string
	words []string
	// prefixes match the start of a word ("eligib" in "eligibility").
	prefixes []string
	// phrases match anywhere in the label.
	phrases []string
}{
	{field: fieldEmail, words: []string{"email", "e-mail", "emails"}},
	{field: fieldPhone, words: []string{"phone", "telephone", "tel", "mobile", "phones", "helpline"}},
	{field: fieldWebsite, words: []string{"website", "web", "url", "site"}},
	{field: fieldPlace, words: []string{"address", "venue", "location", "locations", "postcode", "where"}},
	{field: fieldCost, words: []string{"cost", "costs", "fee", "fees", "price", "prices", "charge", "charges"}},
	{field: fieldAge, words: []string{"age", "ages"}},
	{field: fieldEligibility, prefixes: []string{"eligib"}, phrases: []string{"who is it for", "who it is for", "who can use", "who can access", "suitable for"}},
	{field: fieldTimes, words: []string{"opening", "hours", "times", "when"}},
	{field: fieldAccess, words: []string{"referral", "referrals", "refer"}, phrases: []string{"how to access", "how to apply", "how to get"}},
}

// contactFields are the fields that tell a parent how to reach a service.
var contactFields = map[string]bool{fieldPhone: true, fieldEmail: true, fieldWebsite: true, fieldPlace: true}

// minRecordFields is how many different fields a page's labels must fill
// to make it a service, one of them a way to get in touch: an article
// may carry one labelled "Address" or "Cost", while a directory record
// carries several, and a service a parent cannot contact is no record.
const minRecordFields = 2

// labelField is the field a label's text names, or "".
func labelField(text string) string {
	words := strings.FieldsFunc(strings.ToLower(text), func(r rune) bool {
		return !unicode.IsLetter(r) && !unicode.IsDigit(r) && r != '-'
	})
	for _, f := range labelFields {
		for _, w := range words {
			if slices.Contains(f.words, w) {
				return f.field
			}
			for _, p := range f.prefixes {
				if strings.HasPrefix(w, p) {
					return f.field
				}
			}
		}
		joined := " " + strings.Join(words, " ") + " "
		for _, p := range f.phrases {
			if strings.Contains(joined, " "+p+" ") {
				return f.field
			}
		}
	}
	return ""
}

// record reads the page's labelled fields into a service when they are
// enough to make it a directory record, and returns the labels it used.
func (t *SiteTemplate) record(sp *pageScan) (*service, []labelSeen) {
	if len(t.labels) == 0 {
		return nil, nil
	}
	var (
		s      service
		used   []labelSeen
		filled = map[string]bool{}
	)
	for _, l := range sp.labels {
		label, ok := t.labels[labelKey(l.tag, l.text)]
		if !ok {
			continue
		}
		lines := valueLines(l.follow)
		if len(lines) == 0 {
			continue
		}
		one := joinClauses(lines)
		switch label.Field {
		case fieldPhone:
			s.Phones = append(s.Phones, lines...)
		case fieldEmail:
			s.Emails = append(s.Emails, lines...)
		case fieldWebsite:
			if u := firstWebAddress(lines, l.follow); u != "" && s.URL == "" {
				s.URL = u
			} else {
				s.Extra = append(s.Extra, labelText(l.node)+": "+one)
			}
		case fieldPlace:
			s.Places = append(s.Places, strings.Join(lines, ", "))
		case fieldCost:
			s.Costs = append(s.Costs, one)
		case fieldAge:
			s.Ages = firstNonEmpty(s.Ages, one)
		case fieldEligibility:
			s.Eligibility = append(s.Eligibility, one)
		case fieldTimes:
			s.Times = append(s.Times, one)
		case fieldAccess:
			s.Access = append(s.Access, one)
		default:
			if wordCount(one) > maxExtraWords {
				continue
			}
			s.Extra = append(s.Extra, labelText(l.node)+": "+one)
		}
		if label.Field != "" {
			filled[label.Field] = true
		}
		used = append(used, l)
	}
	contact := false
	for f := range filled {
		contact = contact || contactFields[f]
	}
	if len(filled) < minRecordFields || !contact {
		return nil, nil
	}
	return &s, used
}

// valueLines is the text of a label's value, a line for each line break
// or block in it.
func valueLines(nodes []*html.Node) []string {
	var w textWriter
	var walk func(n *html.Node)
	walk = func(n *html.Node) {
		switch {
		case n.Type == html.TextNode:
			w.text(n.Data)
		case n.Type != html.ElementNode || hardDrop(n, scope{}):
		case n.DataAtom == atom.Br:
			w.lineBreak()
		case isBlock(n.DataAtom):
			w.lineBreak()
			for c := n.FirstChild; c != nil; c = c.NextSibling {
				walk(c)
			}
			w.lineBreak()
		default:
			for c := n.FirstChild; c != nil; c = c.NextSibling {
				walk(c)
			}
		}
	}
	for _, n := range nodes {
		walk(n)
	}
	w.lineBreak()
	var out []string
	for _, l := range w.lines {
		if l = strings.TrimSpace(strings.TrimLeft(l, ":")); hasWords(l) {
			out = append(out, l)
		}
	}
	return out
}

// firstWebAddress is the first line that is a web address, else the
// first link to one.
func firstWebAddress(lines []string, nodes []*html.Node) string {
	for _, l := range lines {
		if isWebURL(l) {
			return l
		}
	}
	var found string
	var walk func(n *html.Node)
	walk = func(n *html.Node) {
		if found != "" {
			return
		}
		if n.Type == html.ElementNode && n.DataAtom == atom.A && isWebURL(attr(n, "href")) {
			found = attr(n, "href")
			return
		}
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			walk(c)
		}
	}
	for _, n := range nodes {
		walk(n)
	}
	return found
}

// labelText is a label as the page writes it, without its closing colon.
func labelText(n *html.Node) string {
	var b strings.Builder
	var walk func(n *html.Node)
	walk = func(n *html.Node) {
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			if c.Type == html.TextNode {
				b.WriteString(c.Data + " ")
			} else if c.Type == html.ElementNode && !hardDrop(c, scope{}) {
				walk(c)
			}
		}
	}
	walk(n)
	return strings.TrimRight(collapse(b.String()), ": ")
}

// page renders a directory record as the document a parent reads: the
// page's title as the service's name, its labelled fields as the
// service's details, and the rest of its main text as the description.
func (s *service) page(m Meta, blocks []block) parsed {
	s.Name = m.Title
	m.Kind = "service"
	return single(m, s.blocks(blocks))
}
