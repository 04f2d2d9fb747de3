package corpus

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"hash/fnv"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"unicode"

	"golang.org/x/net/html"
	"golang.org/x/net/html/atom"
)

// SiteTemplateFile is the file, in a folder of pages saved from one site,
// that holds what LearnSiteTemplate learned about the site's template. Its
// name starts with a dot, so Load never reads it as a document; Load uses
// it for every web page in its folder and the folders below.
const SiteTemplateFile = ".site-template.json"

// Thresholds for learning a site's template. A block is the site's when it
// is on at least templateShare of the pages, and on at least
// minTemplatePages of them: a site's navigation, banners and footers are on
// nearly every page, so half leaves room for the pages a crawler saved
// from other sections (error pages, a sub-site with its own menu), while
// text shared by a few pages (a paragraph two articles quote) is far below
// it. Two pages are never enough to tell a template from a shared
// paragraph, so a folder of fewer than three pages learns nothing.
const (
	templateShare    = 0.5
	minTemplatePages = 3
	// maxSignatureTexts is how many different texts one element position
	// may hold and still be a template position (a menu that shows each
	// section's own items); content positions hold one text per page and
	// are given up once they pass it.
	maxSignatureTexts = 32
)

// SiteTemplate is what repeats on the pages of one site: the blocks to
// drop from every page (by a hash of their text, so the file quotes none
// of it), and the labels of the fields its directory pages share.
type SiteTemplate struct {
	// Version is the file format's version, 1.
	Version int `json:"version"`
	// Pages is how many pages the template was learned from; MinPages is
	// how many of them a block had to be on.
	Pages    int `json:"pages"`
	MinPages int `json:"min_pages"`
	// Blocks are the FNV-1a hashes, in hex, of the normalised text
	// (lower case, white space collapsed) of the elements to drop.
	Blocks []string `json:"blocks"`
	// Labels are the field labels of the site's directory pages.
	Labels []Label `json:"labels,omitempty"`

	blocks map[uint64]bool
	labels map[string]Label
}

// Label is a short text the site puts before a value that changes from
// page to page ("Telephone", "Who is it for?"), in a given element.
type Label struct {
	// Tag is the element the label is written in: dt, th, strong, h3…
	Tag string `json:"tag"`
	// Text is the label, normalised: lower case, without a closing colon.
	Text string `json:"text"`
	// Field is the service field its values fill (see labelFields), or
	// "" when the value is kept as a "Label: value" line. It is learned
	// from the label's words and may be corrected by hand.
	Field string `json:"field"`
	// Pages counts the pages it was found on; Values the different values
	// it had (up to a cap).
	Pages  int `json:"pages"`
	Values int `json:"values"`
}

// ReadSiteTemplate reads dir's SiteTemplateFile from fsys.
func ReadSiteTemplate(fsys fs.FS, dir string) (*SiteTemplate, error) {
	data, err := fs.ReadFile(fsys, path.Join(dir, SiteTemplateFile))
	if err != nil {
		return nil, err
	}
	return decodeSiteTemplate(data)
}

// ReadsLike reports whether a page reads the same with t as with u: the
// same blocks dropped and the same labels read, whatever the counts of
// pages they were learnt from. A refresh that learns the template again
// needs to read the site's pages again only when it does not.
func (t *SiteTemplate) ReadsLike(u *SiteTemplate) bool {
	blocks := func(t *SiteTemplate) []string { return slices.Sorted(slices.Values(t.Blocks)) }
	labels := func(t *SiteTemplate) []string {
		var out []string
		for _, l := range t.Labels {
			out = append(out, labelKey(l.Tag, l.Text)+"\x00"+l.Field)
		}
		slices.Sort(out)
		return out
	}
	return t.Version == u.Version && slices.Equal(blocks(t), blocks(u)) && slices.Equal(labels(t), labels(u))
}

func decodeSiteTemplate(data []byte) (*SiteTemplate, error) {
	var t SiteTemplate
	if err := json.Unmarshal(data, &t); err != nil {
		return nil, fmt.Errorf("site template is not valid JSON: %w", err)
	}
	if t.Version != 1 {
		return nil, fmt.Errorf("site template has version %d; this sendbot reads version 1", t.Version)
	}
	t.blocks = make(map[uint64]bool, len(t.Blocks))
	for _, b := range t.Blocks {
		h, err := strconv.ParseUint(b, 16, 64)
		if err != nil {
			return nil, fmt.Errorf("site template block %q is not a hex hash", b)
		}
		t.blocks[h] = true
	}
	t.labels = make(map[string]Label, len(t.Labels))
	for _, l := range t.Labels {
		t.labels[labelKey(l.Tag, l.Text)] = l
	}
	return &t, nil
}

// WriteFile saves the template as dir's SiteTemplateFile, on disk.
func (t *SiteTemplate) WriteFile(dir string) error {
	data, err := json.MarshalIndent(t, "", "  ")
	if err != nil {
		return err
	}
	return os.WriteFile(filepath.Join(dir, SiteTemplateFile), append(data, '\n'), 0o644)
}

// siteCounts is what learning holds: hashes and counts, never page text,
// except the short label candidates.
type siteCounts struct {
	pages int
	// text counts the pages an element with each text hash is on.
	text map[uint64]int32
	// sigs are the element positions (path of tags, ids and classes).
	sigs map[uint64]*sigCount
	// labels are the label candidates by labelKey.
	labels map[string]*labelCount
}

type sigCount struct {
	pages int32
	// texts counts the pages the position held each text on; nil once the
	// position has held more than maxSignatureTexts texts.
	texts map[uint64]int32
}

type labelCount struct {
	tag, text string
	pages     int32
	// values counts the pages each following text was on, up to
	// maxLabelValues different ones.
	values map[uint64]int32
}

// LearnSiteTemplate reads the web pages under dir in fsys, one at a time,
// and learns what repeats on them: the blocks of text on at least half of
// them (and at least three), and the labels of the fields their directory
// pages share. Pages that cannot be read are passed over. The template
// holds hashes, not text; save it with WriteFile in dir, where Load finds it.
func LearnSiteTemplate(fsys fs.FS, dir string) (*SiteTemplate, error) {
	c := &siteCounts{text: map[uint64]int32{}, sigs: map[uint64]*sigCount{}, labels: map[string]*labelCount{}}
	err := fs.WalkDir(fsys, dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			if p == dir {
				return err
			}
			return nil
		}
		if p != dir && strings.HasPrefix(d.Name(), ".") {
			if d.IsDir() {
				return fs.SkipDir
			}
			return nil
		}
		if d.IsDir() || !isWebPage(p) {
			return nil
		}
		if info, err := d.Info(); err != nil || !info.Mode().IsRegular() || info.Size() > MaxFileBytes {
			return nil
		}
		data, err := fs.ReadFile(fsys, p)
		if err != nil {
			return nil
		}
		if doc := parsePageTree(data); doc != nil {
			c.add(doc)
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("learn site template in %q: %w", dir, err)
	}
	return c.template(), nil
}

func isWebPage(p string) bool {
	switch strings.ToLower(path.Ext(p)) {
	case ".html", ".htm":
		return true
	}
	return false
}

// parsePageTree parses a page as parseHTML does, or returns nil.
func parsePageTree(data []byte) (doc *html.Node) {
	defer func() {
		if recover() != nil {
			doc = nil
		}
	}()
	text, err := decodeHTML(data)
	if err != nil {
		return nil
	}
	if tags, _ := countTags(text); tags == 0 || tags > maxHTMLElements {
		return nil
	}
	doc, err = html.Parse(bytes.NewReader(text))
	if err != nil {
		return nil
	}
	return doc
}

// add counts one page.
func (c *siteCounts) add(doc *html.Node) {
	sp := scanPage(findBody(doc))
	c.pages++
	texts := map[uint64]bool{}
	type sigText struct{ sig, text uint64 }
	sigTexts := map[sigText]bool{}
	sigs := map[uint64]bool{}
	for _, e := range sp.elems {
		if !e.counted {
			continue
		}
		texts[e.text] = true
		sigs[e.sig] = true
		sigTexts[sigText{e.sig, e.text}] = true
	}
	for h := range texts {
		c.text[h]++
	}
	for s := range sigs {
		sc := c.sigs[s]
		if sc == nil {
			sc = &sigCount{texts: map[uint64]int32{}}
			c.sigs[s] = sc
		}
		sc.pages++
	}
	for st := range sigTexts {
		sc := c.sigs[st.sig]
		if sc.texts == nil {
			continue
		}
		sc.texts[st.text]++
		if len(sc.texts) > maxSignatureTexts {
			sc.texts = nil
		}
	}
	seen := map[string]bool{}
	for _, l := range sp.labels {
		key := labelKey(l.tag, l.text)
		if seen[key] {
			continue // a label counts once a page, with its first value
		}
		seen[key] = true
		lc := c.labels[key]
		if lc == nil {
			lc = &labelCount{tag: l.tag, text: l.text, values: map[uint64]int32{}}
			c.labels[key] = lc
		}
		lc.pages++
		if _, ok := lc.values[l.value]; ok || len(lc.values) < maxLabelValues {
			lc.values[l.value]++
		}
	}
}

// need is how many pages a block must be on to be the site's.
func need(pages int) int {
	return max(minTemplatePages, int((float64(pages)*templateShare)+0.999999))
}

func (c *siteCounts) template() *SiteTemplate {
	t := &SiteTemplate{Version: 1, Pages: c.pages, MinPages: need(c.pages)}
	blocks := map[uint64]bool{}
	if c.pages >= minTemplatePages {
		for h, n := range c.text {
			if int(n) >= t.MinPages {
				blocks[h] = true
			}
		}
		// A position on most pages that holds one of a few texts, each on
		// several pages, is a menu or banner that changes by section.
		for _, sc := range c.sigs {
			if int(sc.pages) < t.MinPages || sc.texts == nil {
				continue
			}
			covered := 0
			for _, n := range sc.texts {
				if n >= minTemplatePages {
					covered += int(n)
				}
			}
			if covered < t.MinPages {
				continue
			}
			for h, n := range sc.texts {
				if n >= minTemplatePages {
					blocks[h] = true
				}
			}
		}
	}
	delete(blocks, emptyTextHash)
	for h := range blocks {
		t.Blocks = append(t.Blocks, strconv.FormatUint(h, 16))
	}
	slices.Sort(t.Blocks)
	t.Labels = c.learnedLabels()
	// Round-trip so the template is ready to use.
	out, _ := decodeSiteTemplate(mustJSON(t))
	return out
}

func mustJSON(v any) []byte {
	data, err := json.Marshal(v)
	if err != nil {
		panic(err)
	}
	return data
}

// pageScan is what the template needs from one page: its elements' text
// hashes and positions, and its label candidates.
type pageScan struct {
	words  []string
	elems  []elemScan
	index  map[*html.Node]int // element → elems index
	labels []labelSeen
}

type elemScan struct {
	node *html.Node
	// start and end are the element's words in pageScan.words.
	start, end int
	text, sig  uint64
	// counted elements are the ones a template may drop: block elements
	// and elements with an id or class, holding some text.
	counted bool
	// chrome: inside navigation, a banner, an aside or a footer.
	chrome bool
}

type labelSeen struct {
	node      *html.Node
	tag, text string // text normalised
	// value is the hash of the text that follows the label; follow are
	// the nodes it comes from.
	value  uint64
	follow []*html.Node
}

var emptyTextHash = hashWords(nil)

// scanPage reads the words of every element under root, skipping what is
// never shown (scripts, styles, hidden elements), and finds the label
// candidates.
func scanPage(root *html.Node) *pageScan {
	sp := &pageScan{index: map[*html.Node]int{}}
	var walk func(n *html.Node, sig uint64, s scope)
	walk = func(n *html.Node, sig uint64, s scope) {
		i := len(sp.elems)
		sp.elems = append(sp.elems, elemScan{node: n, start: len(sp.words), sig: sig, chrome: s.chrome})
		sp.index[n] = i
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			switch {
			case c.Type == html.TextNode:
				for _, w := range strings.Fields(strings.ToLower(strings.Map(dropInvisible, c.Data))) {
					sp.words = append(sp.words, w)
				}
			case c.Type == html.ElementNode && !hardDrop(c, s):
				walk(c, sigHash(sig, c), s.enter(c, templateChrome(c)))
			}
		}
		e := &sp.elems[i]
		e.end = len(sp.words)
		e.text = hashWords(sp.words[e.start:e.end])
		e.counted = e.end > e.start && n != root && (isBlock(n.DataAtom) || len(idAndClasses(n)) > 0)
	}
	walk(root, 0, scope{})
	sp.findLabels()
	return sp
}

// templateChrome is furniture by its tag or role, where field labels are
// never looked for.
func templateChrome(n *html.Node) bool {
	switch lowerAttr(n, "role") {
	case "navigation", "banner", "contentinfo", "search", "complementary":
		return true
	}
	switch n.DataAtom {
	case atom.Nav, atom.Aside, atom.Footer, atom.Header:
		return true
	}
	return false
}

// sigHash is the position of n below the position parent: its tag, id
// and classes.
func sigHash(parent uint64, n *html.Node) uint64 {
	h := fnv.New64a()
	var b [8]byte
	for i := range b {
		b[i] = byte(parent >> (8 * i))
	}
	h.Write(b[:])
	h.Write([]byte(n.Data))
	for _, tok := range idAndClasses(n) {
		h.Write([]byte{0})
		h.Write([]byte(tok))
	}
	return h.Sum64()
}

// hashWords is the FNV-1a hash of words joined by spaces.
func hashWords(words []string) uint64 {
	h := fnv.New64a()
	for i, w := range words {
		if i > 0 {
			h.Write([]byte{' '})
		}
		h.Write([]byte(w))
	}
	return h.Sum64()
}

// strip drops the site's template from a parsed page and, when the page
// is a directory record by its labelled fields, takes those fields out of
// it as a service. removed counts the elements dropped.
func (t *SiteTemplate) strip(doc *html.Node) (record *service, removed int) {
	sp := scanPage(findBody(doc))
	var drop []*html.Node
	if rec, used := t.record(sp); rec != nil {
		record = rec
		for _, l := range used {
			drop = append(drop, l.node)
			drop = append(drop, l.follow...)
		}
	}
	// A label repeats but heads text that changes (a "What you can do"
	// heading on every page): it is the page's structure, not the site's.
	labels := map[*html.Node]bool{}
	for _, l := range sp.labels {
		if _, ok := t.labels[labelKey(l.tag, l.text)]; ok {
			labels[l.node] = true
		}
	}
	var walk func(n *html.Node)
	walk = func(n *html.Node) {
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			i, ok := sp.index[c]
			if !ok || labels[c] {
				continue
			}
			if e := sp.elems[i]; e.counted && t.blocks[e.text] {
				drop = append(drop, c)
				removed++
				continue
			}
			walk(c)
		}
	}
	walk(findBody(doc))
	for _, n := range drop {
		if n.Parent != nil {
			n.Parent.RemoveChild(n)
		}
	}
	return record, removed
}

// siteTemplates finds the template of each folder of a corpus: the
// nearest SiteTemplateFile in the folder or a folder above it.
type siteTemplates struct {
	fsys fs.FS
	// byDir holds each folder's own template, nil when it has none.
	byDir map[string]*SiteTemplate
	// problems are templates that could not be read.
	problems []Problem
}

func (st *siteTemplates) forFile(p string) *SiteTemplate {
	if !isWebPage(p) {
		return nil
	}
	for dir := path.Dir(p); ; dir = path.Dir(dir) {
		t, ok := st.byDir[dir]
		if !ok {
			t = st.read(dir)
			if st.byDir == nil {
				st.byDir = map[string]*SiteTemplate{}
			}
			st.byDir[dir] = t
		}
		if t != nil || dir == "." {
			return t
		}
	}
}

func (st *siteTemplates) read(dir string) *SiteTemplate {
	t, err := ReadSiteTemplate(st.fsys, dir)
	switch {
	case errors.Is(err, fs.ErrNotExist):
		return nil
	case err != nil:
		st.problems = append(st.problems, Problem{
			Path:   path.Join(dir, SiteTemplateFile),
			Reason: "site template could not be read, so the pages in its folder keep the site's menus and footers: " + err.Error(),
			Err:    errBadMeta,
		})
		return nil
	}
	return t
}

// normalLabel is a label's text as it is compared: lower case, white space
// collapsed, without a closing colon; "" when it is not a label's shape.
func normalLabel(words []string) string {
	if len(words) == 0 || len(words) > maxLabelWords {
		return ""
	}
	s := strings.TrimRight(strings.Join(words, " "), ": ")
	if s == "" || len([]rune(s)) > maxLabelRunes || strings.IndexFunc(s, unicode.IsLetter) < 0 {
		return ""
	}
	return s
}
