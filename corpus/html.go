package corpus

import (
	"bytes"
	"errors"
	"fmt"
	"net/url"
	"regexp"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"golang.org/x/net/html"
	"golang.org/x/net/html/atom"
	"golang.org/x/net/html/charset"
)

// maxHTMLElements caps the tags a page may hold. Real pages hold a few
// thousand; the cap keeps a hostile file from building a tree that fills memory.
const maxHTMLElements = 200_000

// parseHTML reads a saved or fetched web page. It keeps the page's main
// content (headings become sections; paragraphs, list items, table rows and
// preformatted text become paragraphs) and drops what surrounds it on every
// page of a site: navigation, cookie banners, breadcrumbs, related links,
// feedback forms and footers. The title comes from <title> and the first
// <h1>, the source address from <link rel="canonical">, and the published
// date only from explicit metadata.
func parseHTML(data []byte) (parsed, error) { return parseSitePage(data, nil) }

// parseSitePage reads a web page as parseHTML does, first dropping what
// its site's template (when it has one) says repeats on every page; a
// page whose labelled fields make it a directory record becomes a service.
func parseSitePage(data []byte, site *SiteTemplate) (res parsed, err error) {
	defer func() {
		if r := recover(); r != nil {
			res, err = parsed{}, errors.New("web page could not be read: its HTML is too damaged to make sense of")
		}
	}()
	text, err := decodeHTML(data)
	if err != nil {
		return parsed{}, err
	}
	switch tags, doctype := countTags(text); {
	case tags == 0 && !doctype:
		return parsed{}, errors.New("file has no HTML tags, so it is not a web page; if it is plain text, give it the .txt extension")
	case tags > maxHTMLElements:
		return parsed{}, fmt.Errorf("web page has more than %d tags, far more than a real page; save only the part you need", maxHTMLElements)
	}
	doc, err := html.Parse(bytes.NewReader(text))
	if err != nil {
		if strings.Contains(err.Error(), "open stack") {
			return parsed{}, errors.New("web page nests its tags more than 512 deep, which no ordinary page does; it may be damaged")
		}
		return parsed{}, errors.New("web page could not be read as HTML")
	}
	var (
		record  *service
		removed int
	)
	if site != nil {
		record, removed = site.strip(doc)
	}
	pg := readPage(doc)
	blocks := pg.mainBlocks()
	m := pg.meta(blocks)
	// Markup says what a page is in so many words; a site's labels are
	// learned.
	if res, ok := pg.pageServices(blocks, m, m.Published != ""); ok {
		return res, nil
	}
	if record != nil {
		return record.page(m, blocks), nil
	}
	if !hasParagraph(blocks) {
		if removed > 0 {
			return parsed{}, errors.New("web page has no text of its own: all of it repeats on the other pages of its site (see " + SiteTemplateFile + ")")
		}
		if pg.info(pg.body).runes == 0 {
			return parsed{}, errors.New("web page has no text; a page built by JavaScript must be saved from the browser after it has loaded")
		}
		return parsed{}, errors.New("web page has no main text: everything on it is navigation, cookie notices, banners or footers")
	}
	res = single(m, blocks)
	res.Entries[0].pageDated = m.Published != ""
	return res, nil
}

// decodeHTML returns the page as UTF-8, decoding a page that carries a
// byte-order mark or declares another character set, or explains why the
// bytes are not a web page at all.
func decodeHTML(data []byte) ([]byte, error) {
	if bytes.HasPrefix(data, []byte("%PDF-")) {
		return nil, errors.New("file is a PDF document, not a web page; give it the .pdf extension")
	}
	utf16 := bytes.HasPrefix(data, []byte{0xfe, 0xff}) || bytes.HasPrefix(data, []byte{0xff, 0xfe})
	if !utf16 && looksBinary(data) {
		return nil, errors.New("file holds binary data, not a web page")
	}
	out := data
	if utf16 || !utf8.Valid(data) {
		// A BOM decides; otherwise a <meta charset> in the first 1024
		// bytes, else windows-1252, as browsers do. Valid UTF-8 is read
		// as UTF-8 whatever it declares: browsers' "save page" often
		// re-encodes a page without changing its declaration.
		enc, _, _ := charset.DetermineEncoding(data, "text/html")
		var err error
		if out, err = enc.NewDecoder().Bytes(data); err != nil {
			return nil, errors.New("web page's character set could not be decoded")
		}
		if looksBinary(out) {
			return nil, errors.New("file holds binary data, not a web page")
		}
	}
	return bytes.TrimPrefix(out, []byte("\ufeff")), nil
}

// looksBinary reports NUL bytes anywhere, or many control characters near the start.
func looksBinary(data []byte) bool {
	if bytes.IndexByte(data, 0) >= 0 {
		return true
	}
	head := data[:min(len(data), 4096)]
	controls := 0
	for _, b := range head {
		if b < 0x20 && b != '\n' && b != '\r' && b != '\t' && b != '\f' {
			controls++
		}
	}
	return controls > len(head)/100+1
}

// countTags counts start tags with the tokenizer, which builds no tree,
// stopping past the cap; doctype reports a <!DOCTYPE>.
func countTags(data []byte) (tags int, doctype bool) {
	z := html.NewTokenizer(bytes.NewReader(data))
	for tags <= maxHTMLElements {
		switch z.Next() {
		case html.ErrorToken:
			return tags, doctype
		case html.StartTagToken, html.SelfClosingTagToken:
			tags++
		case html.DoctypeToken:
			doctype = true
		}
	}
	return tags, doctype
}

// nodeInfo is what the page reader knows about an element's subtree.
type nodeInfo struct {
	// runes counts the visible letters (not spaces) in the subtree; core
	// counts those outside navigation, asides, footers and the site banner.
	runes, core int
	// prefix is the start of the subtree's text, lower case with spaces
	// collapsed, for recognising "Was this page helpful?" and the like.
	prefix string
	// has says what the element is or holds; sub what its descendants hold.
	has, sub holds
}

type holds uint8

const (
	holdsH1 holds = 1 << iota
	holdsHeading
	holdsTable
	holdsNav
)

const prefixBytes = 64

// page is a parsed web page with what readPage measured about each element.
type page struct {
	doc, body *html.Node
	infos     map[*html.Node]*nodeInfo
	// main and content are the best containers of the page's own text: a
	// <main> (or role=main), else an <article> or an element whose id or
	// class says it holds the content; nil when there is none.
	main, content *html.Node
	// firstH1 is the first <h1> outside navigation and banners.
	firstH1 *html.Node
}

func readPage(doc *html.Node) *page {
	pg := &page{doc: doc, body: findBody(doc), infos: map[*html.Node]*nodeInfo{}}
	pg.measure(doc, scope{})
	pg.findContainers(doc, scope{})
	return pg
}

func (pg *page) info(n *html.Node) *nodeInfo {
	if i := pg.infos[n]; i != nil {
		return i
	}
	return &nodeInfo{}
}

func findBody(doc *html.Node) *html.Node {
	for n := doc.FirstChild; n != nil; n = n.NextSibling {
		if n.Type == html.ElementNode && n.DataAtom == atom.Html {
			for c := n.FirstChild; c != nil; c = c.NextSibling {
				if c.Type == html.ElementNode && c.DataAtom == atom.Body {
					return c
				}
			}
			return n // a frameset page: no body
		}
	}
	return doc
}

// scope is what an element's ancestors say about it.
type scope struct {
	// sectioned: inside article, aside, main, nav or section, so a
	// <header> here is a section's own header, not the site banner.
	sectioned bool
	// heading: inside h1–h6 or <summary>, where a <button> is an
	// accordion's title rather than a control.
	heading bool
	// chrome: inside navigation, an aside, a footer or the site banner.
	chrome bool
}

func (s scope) enter(n *html.Node, strong bool) scope {
	switch n.DataAtom {
	case atom.Article, atom.Aside, atom.Main, atom.Nav, atom.Section:
		s.sectioned = true
	case atom.H1, atom.H2, atom.H3, atom.H4, atom.H5, atom.H6, atom.Summary:
		s.heading = true
	}
	if lowerAttr(n, "role") == "main" {
		s.sectioned = true
	}
	s.chrome = s.chrome || strong
	return s
}

// measure fills in nodeInfo for n's subtree and returns n's own.
func (pg *page) measure(n *html.Node, s scope) *nodeInfo {
	switch n.Type {
	case html.TextNode:
		k := visibleRunes(n.Data)
		return &nodeInfo{runes: k, core: k, prefix: textPrefix(n.Data)}
	case html.ElementNode, html.DocumentNode:
	default:
		return &nodeInfo{}
	}
	if n.Type == html.ElementNode && hardDrop(n, s) {
		return &nodeInfo{}
	}
	info := &nodeInfo{}
	inner := s.enter(n, false)
	var prefix strings.Builder
	for c := n.FirstChild; c != nil; c = c.NextSibling {
		ci := pg.measure(c, inner)
		info.runes += ci.runes
		info.core += ci.core
		info.sub |= ci.has
		if prefix.Len() < prefixBytes && ci.prefix != "" {
			prefix.WriteString(" " + ci.prefix)
		}
	}
	info.prefix = textPrefix(prefix.String())
	info.has = info.sub | ownHolds(n)
	if strongChrome(n, s, info) {
		info.core = 0
	}
	pg.infos[n] = info
	return info
}

func ownHolds(n *html.Node) holds {
	switch n.DataAtom {
	case atom.H1:
		return holdsH1 | holdsHeading
	case atom.H2, atom.H3, atom.H4, atom.H5, atom.H6:
		return holdsHeading
	case atom.Table:
		return holdsTable
	case atom.Nav:
		return holdsNav
	}
	return 0
}

// findContainers records the best <main>, the best other content
// container and the first <h1>, none of them inside navigation or banners.
func (pg *page) findContainers(n *html.Node, s scope) {
	for c := n.FirstChild; c != nil; c = c.NextSibling {
		if c.Type != html.ElementNode || hardDrop(c, s) {
			continue
		}
		info := pg.info(c)
		strong := strongChrome(c, s, info)
		if !strong && !s.chrome {
			switch {
			case c.DataAtom == atom.H1:
				if pg.firstH1 == nil {
					pg.firstH1 = c
				}
			case c.DataAtom == atom.Main || lowerAttr(c, "role") == "main":
				pg.main = pg.larger(pg.main, c)
			case c.DataAtom == atom.Article || contentLike(c):
				pg.content = pg.larger(pg.content, c)
			}
		}
		pg.findContainers(c, s.enter(c, strong))
	}
}

// larger picks the container with more text; on a tie the later one,
// which is the inner one when they are nested.
func (pg *page) larger(best, n *html.Node) *html.Node {
	if pg.info(n).core == 0 || best != nil && pg.info(best).core > pg.info(n).core {
		return best
	}
	return n
}

// contentNames are ids and classes (lower case, without - and _) that
// sites give the element holding a page's own text.
var contentNames = map[string]bool{
	"main": true, "maincontent": true, "content": true, "pagecontent": true, "primarycontent": true,
	"contentmain": true, "articlebody": true, "articlecontent": true, "postcontent": true,
	"entrycontent": true, "bodycontent": true, "contentbody": true, "contentarea": true, "maincolumn": true,
}

func contentLike(n *html.Node) bool {
	for _, tok := range idAndClasses(n) {
		if contentNames[strings.NewReplacer("-", "", "_", "").Replace(tok)] {
			return true
		}
	}
	return false
}

// mainBlocks returns the blocks of the page's main content: those of its
// <main>; else those of its best other content container when that holds
// at least half the words the whole body would give; else the body's.
func (pg *page) mainBlocks() []block {
	if pg.main != nil {
		return pg.blocksOf(pg.main)
	}
	body := pg.blocksOf(pg.body)
	if pg.content != nil {
		if blocks := pg.blocksOf(pg.content); 2*blockWords(blocks) >= blockWords(body) {
			return blocks
		}
	}
	return body
}

func blockWords(blocks []block) int {
	n := 0
	for _, b := range blocks {
		n += wordCount(b.Text)
	}
	return n
}

func hasParagraph(blocks []block) bool {
	for _, b := range blocks {
		if b.Level == 0 {
			return true
		}
	}
	return false
}

// blocksOf extracts the blocks inside root, dropping page furniture.
func (pg *page) blocksOf(root *html.Node) []block {
	var s scope
	var path []*html.Node
	for a := root; a != nil; a = a.Parent {
		path = append(path, a)
	}
	for i := len(path) - 1; i >= 0; i-- {
		s = s.enter(path[i], false)
	}
	x := &extractor{pg: pg, rootCore: pg.info(root).core}
	x.children(root, s)
	x.w.endBlock()
	return x.w.blocks
}

// extractor walks a container, writing its text as blocks.
type extractor struct {
	pg       *page
	w        textWriter
	rootCore int
	// flat writes everything as one line (a heading's text).
	flat bool
	// list and table count the lists and data tables we are inside: there,
	// paragraphs and headings only separate words, they do not start blocks.
	list, table int
}

func (x *extractor) children(n *html.Node, s scope) {
	for c := n.FirstChild; c != nil; c = c.NextSibling {
		x.node(c, s)
	}
}

func (x *extractor) node(n *html.Node, s scope) {
	switch n.Type {
	case html.TextNode:
		x.w.text(n.Data)
		return
	case html.ElementNode:
	default:
		return
	}
	if x.dropped(n, s) {
		x.w.gap() // a dropped element still separates the words either side
		return
	}
	s = s.enter(n, false)
	tag := n.DataAtom
	inItem := x.flat || x.list > 0 || x.table > 0
	switch {
	case x.flat || x.table > 0 && !isTablePart(tag):
		if tag == atom.Br || isBlock(tag) {
			x.w.gap()
			x.children(n, s)
			x.w.gap()
			return
		}
		x.children(n, s)
	case htmlHeadingLevel(tag) > 0 && !inItem:
		x.w.endBlock()
		if t := x.flatText(n, s); t != "" {
			x.w.blocks = append(x.w.blocks, block{Level: htmlHeadingLevel(tag), Text: t})
		}
	case tag == atom.Br:
		x.w.lineBreak()
	case tag == atom.Ul || tag == atom.Ol || tag == atom.Menu || tag == atom.Dl:
		x.around(func() { x.list++; x.children(n, s); x.list-- })
	case tag == atom.Li:
		x.w.lineBreak()
		x.w.bullet = true
		x.list++
		x.children(n, s)
		x.list--
		x.w.lineBreak()
	case tag == atom.Dt:
		x.w.lineBreak()
		x.children(n, s)
	case tag == atom.Dd:
		x.w.joinTerm()
		x.children(n, s)
		x.w.lineBreak()
	case tag == atom.Table && x.dataTable(n):
		x.around(func() { x.table++; x.children(n, s); x.table-- })
	case tag == atom.Tr && x.table > 0:
		x.w.lineBreak()
		x.w.bullet = true
		x.children(n, s)
		x.w.lineBreak()
	case (tag == atom.Td || tag == atom.Th) && x.table > 0:
		x.w.sep = tableCellSep
		x.children(n, s)
	case tag == atom.Caption && x.table > 0:
		x.w.lineBreak()
		x.children(n, s)
		x.w.lineBreak()
	case tag == atom.Pre && !inItem:
		x.w.endBlock()
		for _, l := range strings.Split(x.pg.rawText(n, s), "\n") {
			if l = strings.Join(strings.Fields(l), " "); l != "" {
				x.w.lines = append(x.w.lines, l)
			}
		}
		x.w.endBlock()
	case isBlock(tag) && inItem:
		x.w.gap()
		x.children(n, s)
		x.w.gap()
	case isBlock(tag):
		x.w.endBlock()
		x.children(n, s)
		x.w.endBlock()
	default:
		x.children(n, s)
	}
}

// tableCellSep joins a table row's cells, as the Markdown reader does.
const tableCellSep = " — "

// around runs f as a block of its own, or as lines of the current item when
// it is nested in a list or table.
func (x *extractor) around(f func()) {
	if x.list > 0 || x.table > 0 {
		x.w.lineBreak()
		f()
		x.w.lineBreak()
		return
	}
	x.w.endBlock()
	f()
	x.w.endBlock()
}

// flatText is an element's text on one line, for headings.
func (x *extractor) flatText(n *html.Node, s scope) string {
	sub := &extractor{pg: x.pg, rootCore: x.rootCore, flat: true}
	sub.children(n, s)
	sub.w.lineBreak()
	return strings.Join(sub.w.lines, " ")
}

// dataTable tells a table of data, read row by row, from a table used for
// layout, whose cells are read as blocks.
func (x *extractor) dataTable(n *html.Node) bool {
	return x.pg.info(n).sub&(holdsHeading|holdsTable) == 0 && lowerAttr(n, "role") != "presentation"
}

func (x *extractor) dropped(n *html.Node, s scope) bool {
	info := x.pg.info(n)
	switch {
	case hardDrop(n, s), strongChrome(n, s, info):
		return true
	case softChrome(n, info):
		// A class or phrase is only a hint: an element holding at least
		// half the text (a wrapper whose class says "has-sidebar") stays.
		return 2*info.core < x.rootCore
	}
	return false
}

// rawText is the text of a <pre>, with its line breaks.
func (pg *page) rawText(n *html.Node, s scope) string {
	var b strings.Builder
	var walk func(*html.Node)
	walk = func(n *html.Node) {
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			switch {
			case c.Type == html.TextNode:
				b.WriteString(c.Data)
			case c.Type == html.ElementNode && c.DataAtom == atom.Br:
				b.WriteByte('\n')
			case c.Type == html.ElementNode && !hardDrop(c, s):
				walk(c)
			}
		}
	}
	walk(n)
	return strings.Map(dropInvisible, b.String())
}

// hardDropTags never hold a page's readable text.
var hardDropTags = map[atom.Atom]bool{
	atom.Head: true, atom.Script: true, atom.Style: true, atom.Noscript: true, atom.Template: true,
	atom.Svg: true, atom.Math: true, atom.Iframe: true, atom.Object: true, atom.Embed: true,
	atom.Canvas: true, atom.Video: true, atom.Audio: true, atom.Map: true, atom.Select: true,
	atom.Input: true, atom.Textarea: true, atom.Button: true, atom.Title: true,
}

func hardDrop(n *html.Node, s scope) bool {
	if n.DataAtom == atom.Button {
		return !s.heading // an accordion's title is a button inside a heading
	}
	return hardDropTags[n.DataAtom] || n.Namespace != "" || hasAttr(n, "hidden")
}

// strongChrome is page furniture by its tag or role: navigation, asides,
// footers, and the site banner (a <header> outside any section that holds
// navigation or no <h1>; an article's own header holding its h1 stays).
func strongChrome(n *html.Node, s scope, info *nodeInfo) bool {
	switch lowerAttr(n, "role") {
	case "navigation", "banner", "contentinfo", "search", "complementary":
		return true
	}
	switch n.DataAtom {
	case atom.Nav, atom.Aside, atom.Footer:
		return true
	case atom.Header:
		return !s.sectioned && (info.sub&holdsNav != 0 || info.sub&holdsH1 == 0)
	}
	return false
}

// softChrome is what is probably page furniture: forms, dialogs, hidden
// elements, elements whose class or id names furniture, and small ones
// that open with a furniture phrase.
func softChrome(n *html.Node, info *nodeInfo) bool {
	switch n.DataAtom {
	case atom.Form, atom.Dialog:
		return true
	}
	switch lowerAttr(n, "role") {
	case "dialog", "alertdialog":
		return true
	}
	if lowerAttr(n, "aria-hidden") == "true" {
		return true
	}
	style := strings.ReplaceAll(lowerAttr(n, "style"), " ", "")
	if strings.Contains(style, "display:none") || strings.Contains(style, "visibility:hidden") {
		return true
	}
	for _, tok := range idAndClasses(n) {
		if chromeToken(tok) {
			return true
		}
	}
	if info.runes <= 400 {
		for _, p := range chromePhrases {
			if strings.HasPrefix(info.prefix, p) {
				return true
			}
		}
	}
	return false
}

// chromeWords name furniture wherever they appear in a class or id
// ("govuk-breadcrumbs", "cookieBanner"); chromeParts only as a whole part
// between hyphens or underscores, since "share" is also in "shared".
var (
	chromeWords = []string{
		"cookie", "consent", "gdpr", "breadcrumb", "skiplink", "skipto", "newsletter", "pagination",
		"backtotop", "sidebar", "siteheader", "sitefooter", "masthead", "copyright", "navbar",
	}
	chromeParts = map[string]bool{
		"skip": true, "related": true, "share": true, "sharing": true, "social": true, "feedback": true,
		"helpful": true, "useful": true, "menu": true, "pager": true, "nav": true, "navigation": true,
	}
	chromePhrases = []string{
		"skip to ", "was this page helpful", "was this page useful", "is this page useful",
		"did you find this page useful", "was this information helpful", "did you find what you were looking for",
		"is there anything wrong with this page", "report a problem with this page", "we use cookies",
		"this website uses cookies", "this site uses cookies", "cookies on ", "©", "copyright ©",
		"back to top", "share this page",
	}
)

func chromeToken(tok string) bool {
	joined := strings.NewReplacer("-", "", "_", "").Replace(tok)
	for _, w := range chromeWords {
		if strings.Contains(joined, w) {
			return true
		}
	}
	for _, part := range strings.FieldsFunc(tok, func(r rune) bool { return r == '-' || r == '_' }) {
		if chromeParts[part] {
			return true
		}
	}
	return false
}

func idAndClasses(n *html.Node) []string {
	var out []string
	for _, a := range n.Attr {
		if a.Namespace == "" && (a.Key == "class" || a.Key == "id") {
			out = append(out, strings.Fields(strings.ToLower(a.Val))...)
		}
	}
	return out
}

// isBlock reports elements that start a new block of text.
func isBlock(a atom.Atom) bool {
	switch a {
	case atom.Address, atom.Article, atom.Aside, atom.Blockquote, atom.Body, atom.Caption, atom.Center,
		atom.Details, atom.Dialog, atom.Dd, atom.Div, atom.Dl, atom.Dt, atom.Fieldset, atom.Figcaption,
		atom.Figure, atom.Footer, atom.Form, atom.H1, atom.H2, atom.H3, atom.H4, atom.H5, atom.H6,
		atom.Header, atom.Hgroup, atom.Hr, atom.Html, atom.Legend, atom.Li, atom.Main, atom.Menu, atom.Nav,
		atom.Ol, atom.Option, atom.P, atom.Pre, atom.Section, atom.Summary, atom.Table, atom.Tbody,
		atom.Td, atom.Tfoot, atom.Th, atom.Thead, atom.Tr, atom.Ul:
		return true
	}
	return false
}

func isTablePart(a atom.Atom) bool {
	switch a {
	case atom.Tr, atom.Td, atom.Th, atom.Caption, atom.Tbody, atom.Thead, atom.Tfoot:
		return true
	}
	return false
}

func htmlHeadingLevel(a atom.Atom) int {
	switch a {
	case atom.H1:
		return 1
	case atom.H2:
		return 2
	case atom.H3:
		return 3
	case atom.H4:
		return 4
	case atom.H5:
		return 5
	case atom.H6:
		return 6
	}
	return 0
}

// textWriter collects words into lines and lines into blocks, collapsing
// white space the way a browser shows it.
type textWriter struct {
	blocks []block
	lines  []string
	line   strings.Builder
	// space: a space is due before the next word on this line.
	space bool
	// sep, when set, is written before the next word instead of a space
	// (between table cells, after a definition's term).
	sep string
	// bullet: the next line is a list item.
	bullet bool
}

func (w *textWriter) text(s string) {
	for s != "" {
		if r, size := utf8.DecodeRuneInString(s); unicode.IsSpace(r) {
			w.gap()
			s = s[size:]
			continue
		}
		end := strings.IndexFunc(s, unicode.IsSpace)
		if end < 0 {
			end = len(s)
		}
		if word := strings.Map(dropInvisible, s[:end]); word != "" {
			w.word(word)
		}
		s = s[end:]
	}
}

func (w *textWriter) word(f string) {
	switch {
	case w.line.Len() == 0:
		if w.bullet {
			w.line.WriteString("• ")
		}
	case w.sep != "":
		w.line.WriteString(w.sep)
	case w.space:
		w.line.WriteByte(' ')
	}
	w.line.WriteString(f)
	w.space, w.sep, w.bullet = false, "", false
}

// gap separates the words either side, as a block boundary inside a line does.
func (w *textWriter) gap() { w.space = true }

// joinTerm continues a definition list's term with its description, as
// "Phone: 01632 960000", or starts a new line when there is no term.
func (w *textWriter) joinTerm() {
	switch line := w.line.String(); {
	case line == "":
	case strings.HasSuffix(line, ":"), strings.HasSuffix(line, "?"):
		w.sep = " "
	default:
		w.sep = ": "
	}
}

func (w *textWriter) lineBreak() {
	if w.line.Len() > 0 {
		w.lines = append(w.lines, w.line.String())
		w.line.Reset()
	}
	w.space, w.sep, w.bullet = false, "", false
}

func (w *textWriter) endBlock() {
	w.lineBreak()
	if len(w.lines) > 0 {
		w.blocks = append(w.blocks, block{Text: strings.Join(w.lines, "\n")})
		w.lines = nil
	}
}

// dropInvisible removes soft hyphens, zero-width characters and invalid
// bytes, which would otherwise split or glue words unseen.
func dropInvisible(r rune) rune {
	switch r {
	case '\u00ad', '\u200b', '\u200c', '\u200d', '\u2060', '\ufeff', utf8.RuneError:
		return -1
	}
	return r
}

func visibleRunes(s string) int {
	n := 0
	for _, r := range s {
		if !unicode.IsSpace(r) {
			n++
		}
	}
	return n
}

// textPrefix is the start of s, lower case with white space collapsed.
func textPrefix(s string) string {
	if len(s) > 4*prefixBytes {
		s = s[:4*prefixBytes]
	}
	s = strings.ToLower(strings.Join(strings.Fields(strings.ToValidUTF8(s, "")), " "))
	if len(s) > prefixBytes {
		cut := prefixBytes
		for cut > 0 && !utf8.RuneStart(s[cut]) {
			cut--
		}
		s = s[:cut]
	}
	return s
}

// meta reads the page's title, source address, publisher and published
// date from its <head> and the blocks found for it.
func (pg *page) meta(blocks []block) Meta {
	var (
		title, canonical string
		metas            = map[string]string{}
	)
	var walk func(*html.Node)
	walk = func(n *html.Node) {
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			if c.Type != html.ElementNode || c.Namespace != "" {
				continue
			}
			switch c.DataAtom {
			case atom.Title:
				if title == "" {
					title = collapse(textOf(c))
				}
			case atom.Link:
				if canonical == "" && hasToken(lowerAttr(c, "rel"), "canonical") {
					canonical = webAddress(attr(c, "href"))
				}
			case atom.Meta:
				key := lowerAttr(c, "property")
				if key == "" {
					key = lowerAttr(c, "name")
				}
				if _, seen := metas[key]; key != "" && !seen {
					metas[key] = collapse(attr(c, "content"))
				}
			}
			walk(c)
		}
	}
	walk(pg.doc)
	if canonical == "" {
		canonical = webAddress(metas["og:url"])
	}
	var h1 string
	var headings []string
	for _, b := range blocks {
		if b.Level == 1 && h1 == "" {
			h1 = b.Text
		}
		if b.Level > 0 {
			headings = append(headings, b.Text)
		}
	}
	if h1 == "" && pg.firstH1 != nil {
		h1 = (&extractor{pg: pg}).flatText(pg.firstH1, scope{heading: true})
	}
	m := Meta{
		Title:     pageTitle(title, h1, metas["og:site_name"], headings),
		SourceURL: canonical,
		Publisher: metas["og:site_name"],
	}
	for _, key := range []string{"article:published_time", "dc.date.issued", "dcterms.issued", "date"} {
		if d := metaDate(metas[key]); d != "" {
			m.Published = d
			break
		}
	}
	return m
}

func textOf(n *html.Node) string {
	var b strings.Builder
	for c := n.FirstChild; c != nil; c = c.NextSibling {
		if c.Type == html.TextNode {
			b.WriteString(c.Data)
		}
	}
	return b.String()
}

func collapse(s string) string {
	return strings.Join(strings.Fields(strings.Map(dropInvisible, s)), " ")
}

// webAddress returns s when it is an absolute http or https address.
func webAddress(s string) string {
	s = strings.TrimSpace(s)
	u, err := url.Parse(s)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return ""
	}
	return s
}

var isoDate = regexp.MustCompile(`^(\d{4}-\d{2}-\d{2})(?:[T ]|$)`)

// metaDate turns an explicit date from metadata into YYYY-MM-DD, or "".
func metaDate(s string) string {
	if m := isoDate.FindStringSubmatch(s); m != nil {
		if _, err := time.Parse("2006-01-02", m[1]); err == nil {
			return m[1]
		}
	}
	for _, layout := range []string{"2 January 2006", "2 Jan 2006"} {
		if t, err := time.Parse(layout, s); err == nil {
			return t.Format("2006-01-02")
		}
	}
	return ""
}

// titleSep splits a <title> into the page's name and the site's.
var titleSep = regexp.MustCompile(`\s+(?:\||-|–|—|::|»|·|~)\s+`)

// pageTitle cleans the <title> of a site name before or after it when what
// remains agrees with the <h1> ("Short breaks | Testshire Council" with
// h1 "Short breaks"). A title that only adds to the h1 ("… – Extra help",
// where "Extra help" is a heading or not a name) stays whole; a title that
// disagrees with the h1 gives way to it. Without an h1, only og:site_name
// is removed.
func pageTitle(title, h1, siteName string, headings []string) string {
	if title == "" || siteName != "" && strings.EqualFold(title, siteName) {
		return h1
	}
	isSite := func(s string) bool {
		switch {
		case siteName != "" && strings.EqualFold(s, siteName):
			return true
		case h1 == "", strings.EqualFold(s, h1):
			return false
		}
		return looksLikeSiteName(s, headings)
	}
	parts, seps := splitTitle(title)
	for len(parts) > 1 && isSite(parts[len(parts)-1]) {
		parts, seps = parts[:len(parts)-1], seps[:len(seps)-1]
	}
	for len(parts) > 1 && isSite(parts[0]) {
		parts, seps = parts[1:], seps[1:]
	}
	cleaned := parts[0]
	for i, p := range parts[1:] {
		cleaned += seps[i] + p
	}
	switch {
	case h1 == "", strings.EqualFold(cleaned, h1):
		return cleaned
	case strings.HasPrefix(strings.ToLower(cleaned), strings.ToLower(h1)),
		strings.HasSuffix(strings.ToLower(cleaned), strings.ToLower(h1)):
		return cleaned // the title adds to the h1: keep what it adds
	}
	return h1
}

func splitTitle(title string) (parts, seps []string) {
	last := 0
	for _, loc := range titleSep.FindAllStringIndex(title, -1) {
		parts = append(parts, title[last:loc[0]])
		seps = append(seps, title[loc[0]:loc[1]])
		last = loc[1]
	}
	return append(parts, title[last:]), seps
}

// looksLikeSiteName: a short name in title case ("Testshire County
// Council", "Talk Community Directory") or a domain ("GOV.UK"), and not
// one of the page's own headings.
func looksLikeSiteName(s string, headings []string) bool {
	for _, h := range headings {
		if strings.EqualFold(s, h) {
			return false
		}
	}
	words := strings.Fields(s)
	if len(words) == 0 || len(words) > 6 {
		return false
	}
	for _, w := range words {
		r, _ := utf8.DecodeRuneInString(w)
		switch strings.ToLower(w) {
		case "and", "of", "the", "for", "in", "on", "upon", "&":
			continue
		}
		if unicode.IsLetter(r) && !unicode.IsUpper(r) {
			return false
		}
	}
	return true
}

// attr is an attribute's value with surrounding spaces removed; lowerAttr
// is the same in lower case, for keywords such as role.
func attr(n *html.Node, key string) string {
	for _, a := range n.Attr {
		if a.Namespace == "" && a.Key == key {
			return strings.TrimSpace(a.Val)
		}
	}
	return ""
}

func lowerAttr(n *html.Node, key string) string { return strings.ToLower(attr(n, key)) }

func hasAttr(n *html.Node, key string) bool {
	for _, a := range n.Attr {
		if a.Namespace == "" && a.Key == key {
			return true
		}
	}
	return false
}

func hasToken(list, token string) bool {
	for _, t := range strings.Fields(list) {
		if t == token {
			return true
		}
	}
	return false
}
