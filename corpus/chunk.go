package corpus

import (
	"crypto/sha256"
	"encoding/hex"
	"strconv"
	"strings"
	"unicode"
)

// Passage sizes, in words. Passages are built from whole paragraphs (and,
// for long paragraphs, whole sentences) until they reach TargetWords; a
// passage is only longer than MaxWords when one sentence is.
const (
	MinWords    = 40
	TargetWords = 150
	MaxWords    = 250
)

// SectionSeparator joins the heading trail in Passage.Section.
const SectionSeparator = " › "

type unit struct {
	text  string
	words int
	page  int
}

// chunk splits a document's blocks into passages at headings and paragraphs,
// never mid-sentence, keeping the heading trail as each passage's section.
// A top-level heading equal to the title is left out of the trail.
func chunk(docPath, title string, blocks []block) []Passage {
	var (
		passages []Passage
		trail    []string // trail[i] is the heading at level i+1
		units    []unit
	)
	emit := func() {
		section := sectionOf(trail, title)
		for _, text := range pack(units) {
			passages = append(passages, Passage{Section: section, Text: text.text, Page: text.page})
		}
		units = nil
	}
	for _, b := range blocks {
		if b.Level > 0 {
			emit()
			for len(trail) < b.Level {
				trail = append(trail, "")
			}
			trail = trail[:b.Level]
			trail[b.Level-1] = b.Text
			continue
		}
		units = append(units, splitLong(b)...)
	}
	emit()
	assignIDs(docPath, passages)
	return passages
}

func sectionOf(trail []string, title string) string {
	var parts []string
	for i, h := range trail {
		if h == "" || (i == 0 && strings.EqualFold(h, title)) {
			continue
		}
		parts = append(parts, h)
	}
	return strings.Join(parts, SectionSeparator)
}

// splitLong turns a paragraph into units of at most MaxWords, cutting only
// between sentences (or, for a list, between items).
func splitLong(b block) []unit {
	n := wordCount(b.Text)
	if n <= MaxWords {
		return []unit{{text: b.Text, words: n, page: b.Page}}
	}
	pieces, sep := sentences(b.Text), " "
	if strings.Contains(b.Text, "\n") { // a list: cut between items
		pieces, sep = strings.Split(b.Text, "\n"), "\n"
	}
	var out []unit
	var cur []string
	words := 0
	for _, p := range pieces {
		w := wordCount(p)
		if words > 0 && words+w > TargetWords {
			out = append(out, unit{text: strings.Join(cur, sep), words: words, page: b.Page})
			cur, words = nil, 0
		}
		cur = append(cur, p)
		words += w
	}
	if len(cur) > 0 {
		out = append(out, unit{text: strings.Join(cur, sep), words: words, page: b.Page})
	}
	return out
}

// pack joins consecutive units of one section into passages of roughly
// MinWords to TargetWords, keeps a lead-in ending in ":" with what follows,
// and folds a short tail into the passage before it.
func pack(units []unit) []unit {
	var out []unit
	for _, u := range units {
		if len(out) > 0 {
			last := &out[len(out)-1]
			leadIn := strings.HasSuffix(last.text, ":") // keep "…include:" with its list
			if (last.words < MinWords || leadIn) && last.words+u.words <= MaxWords || last.words+u.words <= TargetWords {
				last.text += joinerFor(last.text, u.text) + u.text
				last.words += u.words
				continue
			}
		}
		out = append(out, u)
	}
	if n := len(out); n >= 2 && out[n-1].words < MinWords && out[n-2].words+out[n-1].words <= MaxWords {
		out[n-2].text += joinerFor(out[n-2].text, out[n-1].text) + out[n-1].text
		out[n-2].words += out[n-1].words
		out = out[:n-1]
	}
	return out
}

// joinerFor keeps list lines on their own lines and prose as one paragraph break.
func joinerFor(prev, next string) string {
	if strings.HasPrefix(next, "• ") || strings.HasSuffix(prev, ":") {
		return "\n"
	}
	return "\n\n"
}

// sentences splits prose after ., ! or ? when the next word starts a new
// sentence, keeping common abbreviations ("e.g.", "Dr.") intact.
func sentences(text string) []string {
	var out []string
	runes := []rune(text)
	start := 0
	for i := 0; i < len(runes)-2; i++ {
		if !strings.ContainsRune(".!?", runes[i]) || !unicode.IsSpace(runes[i+1]) {
			continue
		}
		j := i + 1
		for j < len(runes) && unicode.IsSpace(runes[j]) {
			j++
		}
		if j >= len(runes) || !(unicode.IsUpper(runes[j]) || unicode.IsDigit(runes[j]) || strings.ContainsRune("\"“‘('", runes[j])) {
			continue
		}
		if runes[i] == '.' && isAbbreviation(string(runes[start:i+1])) {
			continue
		}
		out = append(out, strings.TrimSpace(string(runes[start:i+1])))
		start = j
	}
	if rest := strings.TrimSpace(string(runes[start:])); rest != "" {
		out = append(out, rest)
	}
	return out
}

func isAbbreviation(upToDot string) bool {
	f := strings.Fields(upToDot)
	if len(f) == 0 {
		return false
	}
	last := strings.ToLower(strings.TrimLeft(f[len(f)-1], "(\"“"))
	switch last {
	case "e.g.", "i.e.", "etc.", "mr.", "mrs.", "ms.", "dr.", "st.", "no.", "vs.", "approx.", "inc.", "ltd.", "co.":
		return true
	}
	return len(last) == 2 && unicode.IsUpper([]rune(f[len(f)-1])[0]) // an initial: "J. Smith"
}

func wordCount(s string) int { return len(strings.Fields(s)) }

// assignIDs gives each passage an ID derived from its file, section and text,
// so rebuilding an unchanged corpus gives the same IDs.
func assignIDs(docPath string, passages []Passage) {
	seen := make(map[string]int, len(passages))
	for i := range passages {
		sum := sha256.Sum256([]byte(docPath + "\x00" + passages[i].Section + "\x00" + passages[i].Text))
		id := hex.EncodeToString(sum[:8])
		if n := seen[id]; n > 0 {
			seen[id] = n + 1
			id += "-" + strconv.Itoa(n+1)
		} else {
			seen[id] = 1
		}
		passages[i].ID = id
	}
}
