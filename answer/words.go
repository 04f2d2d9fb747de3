package answer

import (
	"fmt"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/sendbot/sendbot/index"
)

// NotAdvice is said under every answer.
const NotAdvice = "sendbot quotes published documents with their sources; it is not advice."

// WhereInstead heads the list of where to ask when nothing answered.
const WhereInstead = "Where to ask instead:"

// maxListed is how many corrections or unknown words a sentence lists.
const maxListed = 8

// Marks are how a screen shows what a parent typed and what a document
// says: Plain for the terminal; bot's escape what would format or
// mention on Discord, and put words in italics.
type Marks struct {
	// Text shows text as it is written.
	Text func(string) string
	// Word shows one word as typed or searched.
	Word func(string) string
}

// Plain shows everything as it is, for the terminal.
var Plain = Marks{Text: same, Word: same}

func same(s string) string { return s }

// Numbers are the numbers hits are shown with, going on from first: a
// glossary meaning shown first is not numbered (0).
func Numbers(hits []index.Hit, first int) []int {
	out := make([]int, len(hits))
	n := first
	for i, h := range hits {
		if i == 0 && h.Kind == index.KindGlossary {
			continue
		}
		n++
		out[i] = n
	}
	return out
}

// StaleNote says, once under an answer, which of its passages are from
// documents published longer ago than maxAge: "⚠ 2 is from a document
// over 2 years old: check it is still current." It is "" when none is.
// numbers are the passages' numbers as shown, by hit; a hit numbered 0
// (a glossary meaning) is not counted.
func StaleNote(hits []index.Hit, numbers []int, now time.Time, maxAge time.Duration) string {
	var stale []string
	reason := ""
	for i, h := range hits {
		if i >= len(numbers) || numbers[i] == 0 {
			continue
		}
		if st := h.Staleness(now, maxAge); st.Stale {
			stale = append(stale, fmt.Sprint(numbers[i]))
			reason = st.Reason
		}
	}
	switch len(stale) {
	case 0:
		return ""
	case 1:
		return "⚠ " + stale[0] + " is from a document " + reason + ": check it is still current."
	}
	return "⚠ " + strings.Join(stale[:len(stale)-1], ", ") + " and " + stale[len(stale)-1] + " are from documents " + reason + ": check they are still current."
}

// DeclineSentence is the first sentence of a decline: plainly, why.
func DeclineSentence(res index.Result) string {
	switch {
	case res.Uncovered == "":
		return "I couldn't find an answer to that in the documents I have, so I won't guess."
	case index.InEngland(res.Country):
	case index.InUK(res.Country) && res.Country != res.Uncovered:
		return "My documents are about support for SEND in England, and " + res.Uncovered + " is in " + res.Country + ", which has its own system, so I can't answer that."
	case !index.InUK(res.Country):
		return "My documents are about support for SEND in England, so I can't answer about " + res.Uncovered + "."
	}
	return "I don't have documents about this for " + placeName(res) + " yet, so I won't guess."
}

// UncoveredNote says, above an answer asked in a place with no documents
// of its own, that its passages are England-wide; it is "" otherwise.
func UncoveredNote(res index.Result) string {
	if res.Uncovered == "" {
		return ""
	}
	return "I don't have documents about " + placeName(res) + " yet, so these are from documents for all of England."
}

// placeName is the place a result is about, with its council's area when
// that is named otherwise: "Cheltenham (Gloucestershire)".
func placeName(res index.Result) string {
	if res.UncoveredArea != "" && res.UncoveredArea != res.Uncovered {
		return res.Uncovered + " (" + res.UncoveredArea + ")"
	}
	return res.Uncovered
}

// SearchedNote is said above an answer whose words were corrected:
// "Searched for autism (you typed autisim)."; "" when none were.
func SearchedNote(cs []index.Correction, m Marks) string {
	if len(cs) == 0 {
		return ""
	}
	return "Searched for " + corrections(cs, "%s (you typed %s)", m) + "."
}

// InsteadNote is said in a decline whose words were corrected: "I
// searched for autism instead of autisim."; "" when none were.
func InsteadNote(cs []index.Correction, m Marks) string {
	if len(cs) == 0 {
		return ""
	}
	return "I searched for " + corrections(cs, "%s instead of %s", m) + "."
}

// corrections writes corrections with format, given the searched word
// and the typed one, at most maxListed of them.
func corrections(cs []index.Correction, format string, m Marks) string {
	var parts []string
	for i, c := range cs {
		if i == maxListed {
			parts = append(parts, fmt.Sprintf("and %d more", len(cs)-i))
			break
		}
		parts = append(parts, fmt.Sprintf(format, m.Word(word(c.To)), m.Word(word(c.From))))
	}
	return strings.Join(parts, ", ")
}

func word(w string) string { return Shorten(strings.TrimSpace(w), 40) }

// RephrasedNote says, above an answer, that the bot answered the
// question without the everyday words after it: "I answered “how do i
// get an EHCP”, leaving out “thanks in advance”."; "" when it did not.
func RephrasedNote(res index.Result, m Marks) string {
	if res.Rephrased == "" {
		return ""
	}
	// Whole, however long: a question cut short is another question.
	return "I answered “" + m.Text(res.Rephrased) + "”, leaving out “" + m.Text(res.LeftOut) + "”."
}

// UnknownNote names the words of a question the documents never use:
// "My documents don't mention: zorbing, jetski."; "" when there are none.
func UnknownNote(words []string, m Marks) string {
	if len(words) == 0 {
		return ""
	}
	var parts []string
	for i, w := range words {
		if i == maxListed {
			parts = append(parts, fmt.Sprintf("and %d more", len(words)-i))
			break
		}
		parts = append(parts, m.Text(Shorten(w, 40)))
	}
	return "My documents don't mention: " + strings.Join(parts, ", ") + "."
}

// Jargon explains the glossary terms a quote uses, in a line under it:
// "EHCP: Education, Health and Care plan · SENCO: …".
func Jargon(js []index.Jargon, m Marks) string {
	var parts []string
	for _, j := range js {
		parts = append(parts, m.Text(Shorten(j.Term, 60))+": "+m.Text(Shorten(j.Meaning, 150)))
	}
	return strings.Join(parts, " · ")
}

// Signpost is one document to ask instead, with what it is for: a page
// that is both the Local Offer and the advice service's is listed once.
type Signpost struct {
	Whats []string // "Local Offer", "Independent SEND advice (SENDIASS)"
	Hit   index.Hit
}

// Signposts lists each signposted document once, in order.
func Signposts(ss []index.Signpost) []Signpost {
	var out []Signpost
	at := map[string]int{}
	for _, s := range ss {
		key := s.Hit.Path + "|" + s.Hit.Title + "|" + s.Hit.SourceURL
		if i, ok := at[key]; ok {
			out[i].Whats = append(out[i].Whats, s.What)
			continue
		}
		at[key] = len(out)
		out = append(out, Signpost{Whats: []string{s.What}, Hit: s.Hit})
	}
	return out
}

// NoSignposts says that the documents name nowhere to ask instead, for
// the area asked in ("" for none).
func NoSignposts(area string, m Marks) string {
	whose := "a"
	if area != "" {
		whose = m.Text(area) + "'s"
	}
	return "My documents don't include " + whose + " Local Offer or independent SEND advice service (SENDIASS), so I can't point you to them."
}

// Shorten cuts s to at most max characters, on a word boundary when it can.
func Shorten(s string, max int) string {
	if utf8.RuneCountInString(s) <= max {
		return s
	}
	r := []rune(s)[:max]
	cut := strings.LastIndexAny(string(r), " \n")
	if cut > len(string(r))/2 {
		return strings.TrimRight(string(r)[:cut], " \n")
	}
	return string(r)
}
