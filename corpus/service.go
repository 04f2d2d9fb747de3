package corpus

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"net/url"
	"strconv"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"golang.org/x/net/html"
)

// service is one entry of a service directory (a Local Offer), as the Open
// Referral UK and CSV readers find it, before it is rendered into the text
// a parent reads. Every field may be empty; text fields hold what the
// source published, which may be HTML, Markdown or carry entities.
type service struct {
	// ID is the service's id in the source; "" when it has none.
	ID           string
	Name         string
	Description  string
	Organisation string
	Status       string
	// URL is the service's own web page; OrgURL is its organisation's,
	// shown only when the service has none.
	URL, OrgURL string
	Eligibility []string
	// MinAge and MaxAge are numbers as the source wrote them; Ages is a
	// free-text range ("0-25") and wins over them.
	MinAge, MaxAge, Ages string
	Costs                []string
	Emails, Phones       []string
	// Places holds one address per location, already joined into a line.
	Places []string
	Times  []string
	Access []string
	Types  []string
	Alert  string
	// Updated lists dates the source gives, best first; the first valid
	// one becomes the published date.
	Updated []string
	// Extra lines ("Header: value") carry what a reader has no field for.
	Extra []string
}

// Limits that keep hostile input cheap; real directories stay far below
// them. Longer text is cut, at a character boundary.
const (
	maxFieldBytes = 256 << 10 // a description or any other field
	maxNameBytes  = 1 << 10   // a service's name
	maxListItems  = 250       // locations, contacts, phones… of one service
)

// clip cuts s to at most n bytes without splitting a character.
func clip(s string, n int) string {
	if len(s) <= n {
		return s
	}
	for n > 0 && !utf8.RuneStart(s[n]) {
		n--
	}
	return s[:n]
}

// serviceList collects a directory's services as entries, skipping the
// empty, placeholder, withdrawn and duplicate ones with a reason.
type serviceList struct {
	parsed
	seen map[string]bool
	// next numbers the services that share a fallback ID (same name, no id).
	next map[string]int
}

// maxServices caps the entries one file may hold, so hostile input cannot
// make Load build millions of skips; real directories hold thousands.
const maxServices = 100_000

// add renders s and appends it, or records why it is left out. position
// names the entry when it has neither id nor name ("service 12", "row 12");
// fallbackID is its ID when it has no id of its own.
func (l *serviceList) add(s service, position, fallbackID string) {
	if l.seen == nil {
		l.seen, l.next = map[string]bool{}, map[string]int{}
	}
	s.ID = cleanLine(s.ID)
	s.Name = plainInline(htmlToText(clip(s.Name, maxNameBytes))) // one line, even when the source wrapped it
	label := firstNonEmpty(s.ID, s.Name, position)
	desc := descriptionBlocks(s.Description, s.Name)
	if reason := s.skipReason(desc); reason != "" {
		l.Skipped = append(l.Skipped, Skip{Entry: label, Reason: reason})
		return
	}
	id := s.ID
	if id != "" {
		if l.seen[id] {
			l.Skipped = append(l.Skipped, Skip{Entry: label, Reason: "same id as a service earlier in the file, which was kept"})
			return
		}
	} else {
		id = fallbackID
		for l.seen[id] {
			l.next[fallbackID]++
			id = fallbackID + "-" + strconv.Itoa(l.next[fallbackID]+1)
		}
	}
	l.seen[id] = true
	l.Entries = append(l.Entries, entry{ID: id, Meta: s.meta(), Blocks: s.blocks(desc)})
}

// nameID is the ID of a service without one: a stable hash of its name.
func nameID(name string) string {
	sum := sha256.Sum256([]byte(cleanLine(name)))
	return "name-" + hex.EncodeToString(sum[:6])
}

// skipReason says why s should not be indexed, or returns "".
func (s service) skipReason(desc []block) string {
	switch {
	case s.Name == "":
		return "no name"
	case isPlaceholder(s.Name):
		return "placeholder name " + strconv.Quote(s.Name)
	case strings.Contains(strings.ToLower(blocksText(desc)), "lorem ipsum"):
		return "placeholder description (lorem ipsum)"
	}
	if status := strings.ToLower(cleanLine(s.Status)); withdrawnStatus[status] {
		return "status is " + status
	}
	if len(desc) == 0 && !s.hasContact() {
		return "no description or contact details"
	}
	return ""
}

var withdrawnStatus = map[string]bool{
	"inactive": true, "defunct": true, "withdrawn": true, "closed": true,
	"deleted": true, "archived": true, "discontinued": true,
}

func (s service) hasContact() bool {
	return len(cleanLines(s.Emails)) > 0 || len(cleanLines(s.Phones)) > 0 ||
		cleanLine(s.URL) != "" || len(cleanLines(s.Places)) > 0
}

// placeholderWords are the words test and placeholder entries are named
// with; strongPlaceholder marks the ones that make a name a placeholder
// (so "New service" stays and "New test service" goes).
var (
	placeholderWords = wordSet("test testing tester tests placeholder tbc tba tbd dummy delete deleted " +
		"sample example asdf ignore lorem ipsum xxx new service services entry record page " +
		"name title please this is a an only me do not use dont")
	strongPlaceholder = wordSet("test testing tester tests placeholder tbc tba tbd dummy delete deleted " +
		"sample example asdf ignore lorem ipsum xxx")
	placeholderPhrases = []string{"do not use", "don't use", "dont use", "lorem ipsum", "to be deleted", "please delete"}
)

func wordSet(words string) map[string]bool {
	m := map[string]bool{}
	for _, w := range strings.Fields(words) {
		m[w] = true
	}
	return m
}

// isPlaceholder reports whether a cleaned name is a test or placeholder
// entry: "Test", "TEST 2", "xxxx", "Placeholder – do not use".
func isPlaceholder(name string) bool {
	lower := strings.ToLower(name)
	for _, p := range placeholderPhrases {
		if strings.Contains(lower, p) {
			return true
		}
	}
	words := strings.FieldsFunc(lower, func(r rune) bool { return !unicode.IsLetter(r) && !unicode.IsDigit(r) && r != '\'' })
	if len(words) == 0 {
		return true // only punctuation: "-", "..."
	}
	strong := false
	for _, w := range words {
		w = strings.Trim(w, "'")
		switch {
		case strings.Trim(w, "x") == "" && len(w) >= 2:
			strong = true
		case strongPlaceholder[w]:
			strong = true
		case placeholderWords[w], strings.Trim(w, "0123456789") == "":
		default:
			return false
		}
	}
	return strong
}

// meta is the document metadata a service gives: its name, its own web
// page when that is an absolute address, its organisation and its date.
func (s service) meta() Meta {
	m := Meta{Title: s.Name, Publisher: cleanLine(s.Organisation), Kind: "service"}
	if u := cleanLine(s.URL); isWebURL(u) {
		m.SourceURL = u
	}
	for _, d := range s.Updated {
		if day, ok := isoDay(d); ok {
			m.Published = day
			break
		}
	}
	return m
}

func isWebURL(s string) bool {
	u, err := url.Parse(s)
	return err == nil && (u.Scheme == "http" || u.Scheme == "https") && u.Host != "" && !strings.ContainsAny(s, " \t\n")
}

// isoDay turns the dates directories use into YYYY-MM-DD: ISO dates and
// timestamps, and the day-first dates of UK spreadsheets.
func isoDay(s string) (string, bool) {
	s = strings.TrimSpace(s)
	if len(s) >= 10 {
		if t, err := time.Parse("2006-01-02", s[:10]); err == nil && (len(s) == 10 || s[10] == 'T' || s[10] == ' ') {
			return t.Format("2006-01-02"), true
		}
	}
	for _, layout := range []string{"02/01/2006", "2/1/2006", "02-01-2006", "02.01.2006", "2 January 2006", "2 Jan 2006", "02/01/2006 15:04", "02/01/2006 15:04:05"} {
		if t, err := time.Parse(layout, s); err == nil {
			return t.Format("2006-01-02"), true
		}
	}
	return "", false
}

// blocks renders a service as a parent reads it: the description, with
// the labelled details (who it is for, cost, how to get in touch, where)
// after its first hundred or so words, so that they are quoted with the
// service even when the description runs on.
func (s service) blocks(desc []block) []block {
	details := strings.Join(s.details(), "\n")
	if details == "" {
		return desc
	}
	at := detailsAt(desc)
	out := make([]block, 0, len(desc)+1)
	out = append(out, desc[:at]...)
	out = append(out, block{Text: details})
	return append(out, desc[at:]...)
}

// leadWords is how much of a description comes before a service's details.
const leadWords = 100

// detailsAt is where the details go among the description's blocks: after
// leadWords words, but never between a lead-in ("…include:") or a list
// and the list items that follow.
func detailsAt(desc []block) int {
	at, words := 0, 0
	for at < len(desc) && words < leadWords {
		words += wordCount(desc[at].Text)
		at++
	}
	for at > 0 && at < len(desc) && (strings.HasPrefix(desc[at].Text, "• ") || strings.HasSuffix(desc[at-1].Text, ":")) {
		at++
	}
	return at
}

// details are the short labelled lines of a service.
func (s service) details() []string {
	var lines []string
	add := func(label string, values ...string) {
		if v := joinClauses(cleanLines(values)); v != "" {
			lines = append(lines, label+": "+v)
		}
	}
	if org := cleanLine(s.Organisation); !strings.EqualFold(org, s.Name) {
		add("Organisation", org)
	}
	add("Who it is for", s.Eligibility...)
	add("Ages", s.ages())
	add("Cost", s.Costs...)
	add("Phone", s.Phones...)
	add("Email", s.Emails...)
	if cleanLine(s.URL) != "" {
		add("Website", s.URL)
	} else {
		add("Website", s.OrgURL)
	}
	for _, p := range cleanLines(s.Places) {
		add("Where", p)
	}
	add("Opening times", s.Times...)
	add("How to access", s.Access...)
	add("Type", s.Types...)
	add("Note", s.Alert)
	if st := strings.ToLower(cleanLine(s.Status)); st != "" && st != "active" {
		add("Status", st)
	}
	for _, e := range cleanLines(s.Extra) {
		lines = append(lines, e)
	}
	return lines
}

// ages says what the data says about ages: "0 to 25", "from 5", "up to 18".
func (s service) ages() string {
	if a := cleanLine(s.Ages); a != "" {
		return a
	}
	lo, hasLo := age(s.MinAge)
	hi, hasHi := age(s.MaxAge)
	if hasHi && hi == "0" {
		hasHi = false // 0 as a maximum means "not set"
	}
	switch {
	case hasLo && hasHi:
		return lo + " to " + hi
	case hasHi:
		return "up to " + hi
	case hasLo && lo != "0":
		return "from " + lo
	}
	return ""
}

func age(s string) (string, bool) {
	f, err := strconv.ParseFloat(strings.TrimSpace(s), 64)
	if err != nil || f < 0 || f > 130 {
		return "", false
	}
	return strconv.FormatFloat(f, 'f', -1, 64), true
}

// costText renders one cost option: "Under 18s: £35 per session", or
// "free" when the amount is zero.
func costText(option, amount, currency, about string) string {
	var price string
	if f, err := strconv.ParseFloat(strings.TrimSpace(amount), 64); err == nil && f >= 0 {
		switch cur := strings.ToUpper(strings.TrimSpace(currency)); {
		case f == 0:
			price = "free"
		case cur == "" || cur == "GBP" || cur == "£":
			price = "£" + money(f)
		default:
			price = money(f) + " " + cur
		}
	} else {
		price = strings.TrimSpace(amount)
	}
	price = strings.TrimSpace(price + " " + cleanLine(about))
	option = cleanLine(option)
	switch {
	case option == "":
		return price
	case price == "":
		return option
	}
	return option + ": " + price
}

func money(f float64) string {
	if f == float64(int64(f)) {
		return strconv.FormatInt(int64(f), 10)
	}
	return strconv.FormatFloat(f, 'f', 2, 64)
}

// descriptionBlocks turns a published description (HTML, Markdown or
// plain text, often with entities and a repeat of the service's name)
// into plain paragraphs. Line breaks the author made (addresses, opening
// times) are kept; a line that carries on a sentence is joined to it; list
// items become "• " lines.
func descriptionBlocks(desc, name string) []block {
	text := stripLeadingName(htmlToText(clip(desc, maxFieldBytes)), name)
	text = strings.ReplaceAll(strings.ReplaceAll(text, "\r\n", "\n"), "\r", "\n")
	// Each paragraph is a list of lines, each line a list of pieces joined
	// with spaces at the end, so that long runs of joins stay linear.
	var paras [][][]string
	lastPiece := func() string {
		lines := paras[len(paras)-1]
		pieces := lines[len(lines)-1]
		return pieces[len(pieces)-1]
	}
	for _, para := range splitParagraphs(text) {
		var lines [][]string
		for _, l := range strings.Split(para, "\n") {
			l = descriptionLine(l)
			switch n := len(lines); {
			case !hasWords(l):
			case n > 0 && continues(lines[n-1][len(lines[n-1])-1], l):
				lines[n-1] = append(lines[n-1], l)
			default:
				lines = append(lines, []string{l})
			}
		}
		switch {
		case len(lines) == 0:
		case len(paras) > 0 && continues(lastPiece(), lines[0][0]):
			prev := paras[len(paras)-1]
			prev[len(prev)-1] = append(prev[len(prev)-1], lines[0]...)
			paras[len(paras)-1] = append(prev, lines[1:]...)
		default:
			paras = append(paras, lines)
		}
	}
	out := make([]block, 0, len(paras))
	for _, lines := range paras {
		text := make([]string, len(lines))
		for i, pieces := range lines {
			text[i] = strings.Join(pieces, " ")
		}
		out = append(out, block{Text: strings.Join(text, "\n")})
	}
	if len(out) == 1 && len(strings.Fields(out[0].Text)) <= 4 && isPlaceholder(out[0].Text) {
		return nil // "TBC", "test description"
	}
	return out
}

// descriptionLine reduces one line of a description to plain text.
func descriptionLine(l string) string {
	l = strings.TrimSpace(l)
	if !hasWords(l) {
		return ""
	}
	if l[0] == '#' {
		if m := atxHeading.FindStringSubmatch(l); m != nil {
			l = m[2]
		}
	}
	if m := maybeListItem(l); m != "" {
		if t := plainInline(m); t != "" {
			return "• " + t
		}
		return ""
	}
	return plainInline(l)
}

// maybeListItem returns the text of a list item line, or "".
func maybeListItem(l string) string {
	if r, _ := utf8.DecodeRuneInString(l); !strings.ContainsRune("-*+•▪◦0123456789", r) {
		return ""
	}
	if m := listItem.FindStringSubmatch(l); m != nil {
		return m[1]
	}
	return ""
}

// plainInline is inlineText, skipping its work for text with no markup.
func plainInline(s string) string {
	if !strings.ContainsAny(s, "<>[]*_`\\&!") {
		return strings.Join(strings.Fields(s), " ")
	}
	return inlineText(s)
}

// continues reports whether next carries on the sentence prev ends with:
// prev has no closing punctuation and next starts in lower case.
func continues(prev, next string) bool {
	last, _ := utf8.DecodeLastRuneInString(prev)
	first, _ := utf8.DecodeRuneInString(next)
	return unicode.IsLower(first) && !strings.ContainsRune(".!?:;", last)
}

func hasWords(s string) bool {
	return strings.IndexFunc(s, func(r rune) bool { return unicode.IsLetter(r) || unicode.IsDigit(r) }) >= 0
}

func blocksText(bs []block) string {
	var b strings.Builder
	for _, x := range bs {
		b.WriteString(x.Text)
		b.WriteByte('\n')
	}
	return b.String()
}

// stripLeadingName drops the service's name from the start of its
// description when it stands alone there ("Name\nText…") or is repeated
// ("Name Name is a…"), as directory exports often do.
func stripLeadingName(text, name string) string {
	t := strings.TrimLeft(text, " \t\r\n")
	n := len(name)
	if n == 0 || len(t) < n || !strings.EqualFold(t[:n], name) || (n < len(t) && !utf8.RuneStart(t[n])) {
		return text
	}
	rest := t[n:]
	after := strings.TrimLeft(rest, " \t")
	switch {
	case strings.TrimSpace(rest) == "", strings.HasPrefix(strings.TrimLeft(rest, " \t\r"), "\n"):
		return rest
	case len(after) >= n && strings.EqualFold(after[:n], name):
		return after
	}
	return text
}

// invisible removes zero-width characters that editors leave in text.
var invisible = strings.NewReplacer("\u200b", "", "\u200c", "", "\u200d", "", "\u2060", "", "\ufeff", "", "\u00ad", "")

// htmlToText reduces HTML to text with paragraph breaks (blank lines),
// line breaks and "- " list items, entities decoded, scripts and styles
// dropped. Text without tags or entities is returned as it is.
func htmlToText(s string) string {
	s = invisible.Replace(strings.ToValidUTF8(s, "\uFFFD"))
	if !strings.ContainsAny(s, "<&") {
		return s
	}
	z := html.NewTokenizer(strings.NewReader(s))
	var b bytes.Buffer
	hidden := 0 // inside <script> or <style>
	items := 0  // inside <li>: its paragraphs stay on its line
	// Editors often wrap each line of a long heading in its own tag
	// (<h4>…who are</h4><h4>homeless…</h4>): such runs are joined.
	lastHeading, textSince := "", false
	for {
		tt := z.Next()
		switch tt {
		case html.ErrorToken:
			return invisible.Replace(strings.ToValidUTF8(b.String(), "\uFFFD"))
		case html.TextToken:
			if hidden == 0 {
				// Decode again: exports often escape entities twice ("&amp;nbsp;").
				t := html.UnescapeString(string(z.Text()))
				b.WriteString(t)
				textSince = textSince || strings.TrimSpace(t) != ""
			}
		case html.StartTagToken, html.EndTagToken, html.SelfClosingTagToken:
			name, _ := z.TagName()
			start, end := tt == html.StartTagToken, tt == html.EndTagToken
			switch string(name) {
			case "script", "style":
				if start {
					hidden++
				} else if end && hidden > 0 {
					hidden--
				}
			case "br":
				b.WriteString("\n")
			case "li":
				if start {
					items++
					b.WriteString("\n- ")
				} else if end && items > 0 {
					items--
				}
			case "td", "th":
				b.WriteString(" ")
			case "tr":
				b.WriteString("\n")
			case "h1", "h2", "h3", "h4", "h5", "h6":
				switch {
				case items > 0:
					b.WriteString(" ")
				case start && string(name) == lastHeading && !textSince:
					b.Truncate(len(bytes.TrimRight(b.Bytes(), " \t\r\n")))
					b.WriteString(" ")
				default:
					b.WriteString("\n\n")
				}
				if end {
					lastHeading, textSince = string(name), false
				}
			case "p", "div", "ul", "ol", "table",
				"section", "article", "blockquote", "hr", "dl", "dt", "dd", "header", "footer", "pre", "figure":
				if items > 0 {
					b.WriteString(" ")
				} else {
					b.WriteString("\n\n")
				}
			}
		}
	}
}

// cleanLine reduces a short field to one line of plain text: tags and
// Markdown stripped, entities decoded, whitespace collapsed. A field of
// several lines or list items becomes clauses joined with "; ".
func cleanLine(s string) string {
	if s == "" {
		return ""
	}
	var parts []string
	for _, l := range strings.Split(htmlToText(clip(s, maxFieldBytes)), "\n") {
		l = strings.TrimSpace(l)
		if m := maybeListItem(l); m != "" {
			l = m
		}
		if t := plainInline(l); hasWords(t) {
			parts = append(parts, t)
		}
	}
	return joinClauses(parts)
}

// cleanLines cleans each value and drops empty ones and repeats.
func cleanLines(values []string) []string {
	var out []string
	seen := map[string]bool{}
	for _, v := range values {
		c := cleanLine(v)
		if k := strings.ToLower(c); c != "" && !seen[k] {
			seen[k] = true
			out = append(out, c)
		}
	}
	return out
}

// joinClauses joins parts with "; ", or a space after a part that already
// ends in punctuation.
func joinClauses(parts []string) string {
	var b strings.Builder
	for i, p := range parts {
		if i > 0 {
			if strings.ContainsAny(parts[i-1][len(parts[i-1])-1:], ".!?;:,") {
				b.WriteString(" ")
			} else {
				b.WriteString("; ")
			}
		}
		b.WriteString(p)
	}
	return b.String()
}

// joinParts joins the non-empty parts of an address with ", ", dropping
// a part that repeats one before it.
func joinParts(parts ...string) string {
	var out []string
	for _, p := range parts {
		p = cleanLine(p)
		if p == "" {
			continue
		}
		dup := false
		for _, q := range out {
			dup = dup || strings.EqualFold(p, q)
		}
		if !dup {
			out = append(out, p)
		}
	}
	return strings.Join(out, ", ")
}

func firstNonEmpty(values ...string) string {
	for _, v := range values {
		if v = strings.TrimSpace(v); v != "" {
			return v
		}
	}
	return ""
}
