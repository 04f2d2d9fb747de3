package corpus

import (
	"regexp"
	"strings"
	"time"
)

// KindInspection is the kind of an inspection report. Such a document is
// dated from its own text, and an area SEND inspection's headline outcome
// is put first, under a heading naming the inspection and the area.
const KindInspection = "inspection"

// How much of a report is searched for its dates and outcome: the first
// pages of a PDF, or the first words of a document without pages.
const (
	inspectionPages = 4
	inspectionWords = 4000
)

// inspectionFacts is what the opening of an inspection report says of it.
type inspectionFacts struct {
	// Date is the inspection's last day, else the report's publication
	// date, as YYYY-MM-DD; "" when the text gives neither.
	Date string
	// DateText is the labelled date as the report words it
	// ("Inspection dates: 4 to 8 March 2024"); "" for a publication date.
	DateText string
	// Outcome is the sentence giving an area SEND inspection's outcome,
	// found on page OutcomePage (0 for a document without pages).
	Outcome     string
	OutcomePage int
}

// British date forms: "4 March 2024", "4th March 2024", "Monday 4 March
// 2024", "04/03/2024".
const (
	weekdayRE  = `(?:(?:mon|tues|wednes|thurs|fri|satur|sun)day,?\s+)?`
	dayRE      = `(\d{1,2})(?:st|nd|rd|th)?`
	monthRE    = `(jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|sept?(?:ember)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)\.?`
	yearRE     = `((?:19|20)\d\d)`
	numericRE  = `(\d{1,2})[/.](\d{1,2})[/.]((?:19|20)\d\d)`
	rangeSepRE = `\s*(?:to|and|until|till|-|–|—)\s*`
)

var (
	// fullDate is one whole date; its groups are day, month, year in
	// words, or day, month, year in figures.
	fullDate = regexp.MustCompile(`(?i)\b` + weekdayRE + `(?:` + dayRE + `\s+` + monthRE + `,?\s+` + yearRE + `|` + numericRE + `)\b`)
	// dateRange is a date or a range of dates as British reports write
	// them: "4 to 8 March 2024", "27 February to 3 March 2023",
	// "4 March 2024 to 8 March 2024", "04/03/2024 - 08/03/2024". The
	// range's last date is always whole.
	dateRange = regexp.MustCompile(`(?i)^[\s:–—-]*(?:(?:on|from|between)\s+)?(?:` + weekdayRE + `(?:` + dayRE + `(?:\s+` + monthRE + `)?(?:,?\s+` + yearRE + `)?|` + numericRE + `)` + rangeSepRE + `)?` +
		`(?P<last>` + weekdayRE + `(?:` + dayRE + `\s+` + monthRE + `,?\s+` + yearRE + `|` + numericRE + `))`)

	// inspectedLabel leads into the dates of the inspection itself.
	inspectedLabel = regexp.MustCompile(`(?i)\b(?:inspection dates?|dates? of (?:the )?inspection|inspected|inspection took place|inspection was carried out|(?:we|inspectors) visited(?: the (?:local )?area)?)\b`)
	lastDate       = dateRange.SubexpIndex("last")
	// publishedLabel leads into the report's publication date.
	publishedLabel = regexp.MustCompile(`(?i)\b(?:date of publication|publication date|date published|published(?: on)?)\b`)
	// betweenInspected is an old-framework letter's opening: "Between 4
	// March 2019 and 8 March 2019, Ofsted and the Care Quality Commission
	// (CQC) conducted a joint inspection…".
	betweenInspected = regexp.MustCompile(`(?i)\b(?:between|from)\s`)
	inspectVerb      = regexp.MustCompile(`(?i)\b(?:inspect|inspection|revisit|visited)`)
	earlierVisit     = regexp.MustCompile(`(?i)\b(?:previous|last|earlier|prior|next|first)\s+(?:\w+\s+)?(?:inspection|visit)`)
)

// outcomePhrases name the published outcomes of area SEND inspections:
// the three of the framework since 2023, and the written statement of
// action and revisit findings of the 2016–2022 framework. A sentence
// holding one is the report's outcome; the earliest such sentence wins.
var outcomePhrases = []*regexp.Regexp{
	regexp.MustCompile(`(?i)\btypically leads? to positive experiences and outcomes\b`),
	regexp.MustCompile(`(?i)\bleads? to inconsistent experiences and outcomes\b`),
	regexp.MustCompile(`(?i)\bwidespread\s+(?:and/or|and|or)\s+systemic\s+failings\b`),
	regexp.MustCompile(`(?i)\bwritten statement of action\b.*\b(?:is|was|are|not)\s+(?:required|needed)\b|\brequired to produce (?:and submit )?a written statement of action\b`),
	regexp.MustCompile(`(?i)\b(?:has|have)\s+(?:not\s+)?made sufficient progress in addressing\b`),
}

// readInspection finds an inspection report's dates and outcome in the
// opening of its text.
func readInspection(blocks []block) inspectionFacts {
	var f inspectionFacts
	var inspected, published string
	words := 0
	for _, b := range blocks {
		if b.Page > inspectionPages || words > inspectionWords {
			break
		}
		words += wordCount(b.Text)
		for _, line := range strings.Split(b.Text, "\n") {
			if inspected == "" {
				if d, text := labelledDate(line, inspectedLabel); d != "" {
					inspected, f.DateText = d, text
				} else if d, text := betweenDate(line); d != "" {
					inspected, f.DateText = d, text
				}
			}
			if published == "" {
				published, _ = labelledDate(line, publishedLabel)
			}
			if f.Outcome == "" {
				f.Outcome, f.OutcomePage = outcomeSentence(line), b.Page
			}
		}
	}
	f.Date = firstNonEmpty(inspected, published)
	return f
}

// labelledDate finds a label in line and the date or range of dates that
// follows it, returning the (last) date as YYYY-MM-DD and the label with
// its dates as the line words them.
func labelledDate(line string, label *regexp.Regexp) (string, string) {
	for _, loc := range label.FindAllStringIndex(line, 4) {
		rest := line[loc[1]:]
		m := dateRange.FindStringSubmatchIndex(rest)
		if m == nil {
			continue
		}
		last := rest[m[2*lastDate]:m[2*lastDate+1]]
		if d := britishDate(last); d != "" {
			return d, strings.TrimSpace(strings.TrimRight(line[loc[0]:loc[1]]+rest[:m[1]], " ,;"))
		}
	}
	return "", ""
}

// betweenDate reads "Between 4 and 8 March 2024, inspectors…" in a
// sentence about the inspection, not an earlier or later one.
func betweenDate(line string) (string, string) {
	for _, s := range sentences(line) {
		if !inspectVerb.MatchString(s) || earlierVisit.MatchString(s) {
			continue
		}
		for _, loc := range betweenInspected.FindAllStringIndex(s, 4) {
			rest := s[loc[0]:]
			m := dateRange.FindStringSubmatchIndex(rest)
			if m == nil {
				continue
			}
			if d := britishDate(rest[m[2*lastDate]:m[2*lastDate+1]]); d != "" {
				return d, strings.TrimRight(rest[:m[1]], " ,;")
			}
		}
	}
	return "", ""
}

var monthNumbers = map[string]time.Month{
	"jan": time.January, "feb": time.February, "mar": time.March, "apr": time.April, "may": time.May, "jun": time.June,
	"jul": time.July, "aug": time.August, "sep": time.September, "oct": time.October, "nov": time.November, "dec": time.December,
}

// britishDate reads one whole British date ("4th March 2024",
// "04/03/2024", day first) as YYYY-MM-DD, or "" when it is no real date.
func britishDate(s string) string {
	m := fullDate.FindStringSubmatch(s)
	if m == nil {
		return ""
	}
	var day, month, year int
	if m[1] != "" {
		day, year = atoi(m[1]), atoi(m[3])
		month = int(monthNumbers[strings.ToLower(m[2])[:3]])
	} else {
		day, month, year = atoi(m[4]), atoi(m[5]), atoi(m[6])
	}
	if month < 1 || month > 12 || day < 1 {
		return ""
	}
	t := time.Date(year, time.Month(month), day, 0, 0, 0, 0, time.UTC)
	if t.Day() != day { // 31 April
		return ""
	}
	return t.Format("2006-01-02")
}

func atoi(s string) int {
	n := 0
	for _, r := range s {
		n = n*10 + int(r-'0')
	}
	return n
}

// outcomeSentence is the sentence of line that gives an area SEND
// inspection's outcome, or "".
func outcomeSentence(line string) string {
	best, at := "", -1
	for _, p := range outcomePhrases {
		loc := p.FindStringIndex(line)
		if loc != nil && (at < 0 || loc[0] < at) {
			at = loc[0]
		}
	}
	if at < 0 {
		return ""
	}
	start := 0
	for _, s := range sentences(line) {
		i := strings.Index(line[start:], s)
		if i < 0 {
			continue
		}
		begin := start + i
		start = begin + len(s)
		if at < start {
			best = s
			break
		}
	}
	// A quoted outcome loses its quotation marks: it is shown as the
	// report's own sentence.
	trimmed := strings.TrimLeft(best, "•‘'“\" ")
	if trimmed != strings.TrimLeft(best, "• ") {
		trimmed = strings.TrimRight(trimmed, "’'”\" ")
	}
	return strings.TrimSpace(trimmed)
}

// inspectionHeading names an area SEND inspection's outcome in the words
// a parent asks with ("what did Ofsted say about Testshire?").
func inspectionHeading(area string) string {
	if area == "" || IsNational(area) {
		return "Ofsted and CQC area SEND inspection: outcome"
	}
	return "Ofsted and CQC area SEND inspection of " + area + ": outcome"
}

// writtenDate is the published date a person wrote for an entry: its
// own front matter's, else its sources.yaml entry's, but never one a web
// page's publishing software put in its meta tags.
func writtenDate(e entry, listed Meta) string {
	if own := strings.TrimSpace(e.Meta.Published); own != "" && !e.pageDated {
		return own
	}
	return strings.TrimSpace(listed.Published)
}

// inspected dates an inspection document and puts its outcome first. A
// date a person wrote (written) wins; else the inspection's last day, or
// the publication date, in the report's own text; else the date the
// document already has (a web page's meta tags). The outcome sentence
// opens the document's first passage, with the report's opening
// paragraphs (who inspected, when), under a heading naming the
// inspection and the area.
func (d *Document) inspected(blocks []block, written string) {
	f := readInspection(blocks)
	if t, err := parseDate(written); err == nil && !t.IsZero() {
		d.Published = t
	} else if t, err := time.Parse("2006-01-02", f.Date); err == nil {
		d.Published = t
	}
	if f.Outcome == "" {
		return
	}
	opening, rest := openingParagraphs(blocks)
	lead := f.Outcome
	if f.DateText != "" && !strings.Contains(blocksText(opening), f.DateText) {
		lead += "\n" + f.DateText
	}
	head := append([]block{{Level: 1, Text: inspectionHeading(d.Area)}, {Text: lead, Page: f.OutcomePage}}, opening...)
	d.Passages = append(chunk(d.Key(), d.Title, head), chunk(d.Key(), d.Title, rest)...)
	assignIDs(d.Key(), d.Passages)
}

// openingParagraphs splits off the paragraphs a document opens with,
// before its first heading after them, up to a passage's worth of words;
// rest is every other block, headings included, in order.
func openingParagraphs(blocks []block) (opening, rest []block) {
	words, open := 0, true
	for _, b := range blocks {
		switch {
		case b.Level > 0 && len(opening) > 0:
			open = false
		case b.Level == 0 && open && words+wordCount(b.Text) <= TargetWords:
			opening = append(opening, b)
			words += wordCount(b.Text)
			continue
		case b.Level == 0:
			open = false
		}
		rest = append(rest, b)
	}
	return opening, rest
}
