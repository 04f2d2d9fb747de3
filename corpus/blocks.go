package corpus

import (
	"regexp"
	"strings"
)

// block is one structural piece of a document, as every reader produces it:
// a heading (Level 1–6) or a paragraph (Level 0). List items keep one line
// each, prefixed with a bullet.
type block struct {
	Level int
	Text  string
	Page  int
}

var (
	atxHeading   = regexp.MustCompile(`^ {0,3}(#{1,6})[ \t]+(.*?)[ \t#]*$`)
	listItem     = regexp.MustCompile(`^\s*(?:[-*+•▪◦]|\d{1,3}[.)])\s+(.*)$`)
	tableRule    = regexp.MustCompile(`^\s*\|?\s*:?-{2,}:?\s*(\|\s*:?-{2,}:?\s*)*\|?\s*$`)
	thematic     = regexp.MustCompile(`^\s*([-*_])(\s*([-*_])){2,}\s*$`)
	image        = regexp.MustCompile(`!\[([^\]]*)\]\([^)]*\)`)
	link         = regexp.MustCompile(`\[([^\]]+)\]\(([^)\s]*)[^)]*\)`)
	refLink      = regexp.MustCompile(`\[([^\]]+)\]\[[^\]]*\]`)
	autoLink     = regexp.MustCompile(`<(https?://[^>\s]+)>`)
	htmlTag      = regexp.MustCompile(`</?[a-zA-Z][^>]*>|<!--.*?-->`)
	strongEm     = regexp.MustCompile(`(\*\*\*|\*\*|__)(\S(?:.*?\S)?)(\*\*\*|\*\*|__)`)
	em           = regexp.MustCompile(`(^|[\s(])[*_](\S(?:[^*_]*?\S)?)[*_]([\s).,;:!?]|$)`)
	code         = regexp.MustCompile("`+([^`]*)`+")
	backslashEsc = regexp.MustCompile(`\\([\\` + "`" + `*_{}\[\]()#+\-.!|>])`)
	linkDef      = regexp.MustCompile(`^\s{0,3}\[[^\]]+\]:\s+\S+`)
)

// markdownBlocks parses the subset of Markdown that council pages and fact
// sheets use into blocks, with inline markup reduced to plain text.
func markdownBlocks(body string) []block {
	var (
		blocks []block
		para   []string
		inList bool
		fence  string
	)
	flush := func() {
		if len(para) > 0 {
			sep := " "
			if inList {
				sep = "\n"
			}
			if t := strings.TrimSpace(strings.Join(para, sep)); t != "" {
				blocks = append(blocks, block{Text: t})
			}
		}
		para, inList = nil, false
	}
	lines := strings.Split(strings.ReplaceAll(body, "\r\n", "\n"), "\n")
	for i := 0; i < len(lines); i++ {
		line := lines[i]
		trimmed := strings.TrimSpace(line)
		if fence != "" {
			if strings.HasPrefix(trimmed, fence) {
				fence = ""
				flush()
				continue
			}
			para = append(para, trimmed)
			continue
		}
		switch {
		case strings.HasPrefix(trimmed, "```") || strings.HasPrefix(trimmed, "~~~"):
			flush()
			fence = trimmed[:3]
		case trimmed == "":
			flush()
		case atxHeading.MatchString(line):
			flush()
			m := atxHeading.FindStringSubmatch(line)
			if t := inlineText(m[2]); t != "" {
				blocks = append(blocks, block{Level: len(m[1]), Text: t})
			}
		case len(para) == 1 && !inList && isSetextRule(trimmed):
			level := 1
			if trimmed[0] == '-' {
				level = 2
			}
			blocks = append(blocks, block{Level: level, Text: inlineText(para[0])})
			para = nil
		case thematic.MatchString(trimmed), linkDef.MatchString(line), tableRule.MatchString(trimmed):
			// Rules, link definitions and table separator rows carry no text.
		case strings.HasPrefix(trimmed, "|"):
			if !inList {
				flush()
				inList = true
			}
			para = append(para, tableRow(trimmed))
		case listItem.MatchString(line):
			if !inList {
				flush()
				inList = true
			}
			para = append(para, "• "+inlineText(listItem.FindStringSubmatch(line)[1]))
		default:
			text := inlineText(strings.TrimLeft(trimmed, "> "))
			if strings.HasPrefix(trimmed, "Source:") {
				text = citationText(trimmed)
			}
			if inList && len(para) > 0 && startsIndented(line) {
				para[len(para)-1] += " " + text // a list item's continuation line
				continue
			}
			if inList {
				flush()
			}
			if text != "" {
				para = append(para, text)
			}
		}
	}
	flush()
	return blocks
}

func isSetextRule(s string) bool {
	return len(s) >= 2 && (strings.Trim(s, "=") == "" || strings.Trim(s, "-") == "")
}

func startsIndented(line string) bool {
	return strings.HasPrefix(line, "  ") || strings.HasPrefix(line, "\t")
}

func tableRow(line string) string {
	cells := strings.Split(strings.Trim(line, "| "), "|")
	var out []string
	for _, c := range cells {
		if t := inlineText(c); t != "" {
			out = append(out, t)
		}
	}
	return "• " + strings.Join(out, " — ")
}

// inlineText strips inline Markdown and HTML, leaving the words a reader sees.
func inlineText(s string) string {
	// Most lines have no markup at all; skipping the expressions for them
	// halves the time a large corpus takes to read.
	if strings.ContainsAny(s, inlineMarks) {
		s = stripInline(s)
	}
	return strings.Join(strings.Fields(s), " ")
}

// inlineMarks are the characters without which stripInline changes nothing.
const inlineMarks = "[<`*_\\&"

// stripInline removes inline Markdown and HTML and decodes the common
// entities.
func stripInline(s string) string {
	s = image.ReplaceAllString(s, "")
	s = link.ReplaceAllString(s, "$1")
	s = refLink.ReplaceAllString(s, "$1")
	s = autoLink.ReplaceAllString(s, "$1")
	s = htmlTag.ReplaceAllString(s, "")
	s = code.ReplaceAllString(s, "$1")
	s = strongEm.ReplaceAllString(s, "$2")
	s = em.ReplaceAllString(s, "$1$2$3")
	s = backslashEsc.ReplaceAllString(s, "$1")
	return entities.Replace(s)
}

var entities = strings.NewReplacer("&nbsp;", " ", "&amp;", "&", "&lt;", "<", "&gt;", ">", "&quot;", `"`, "&#39;", "'")

// citationText is inlineText for a "Source: [title](url)" line: a quoted
// fact keeps the address it came from.
func citationText(s string) string {
	return inlineText(link.ReplaceAllStringFunc(s, func(m string) string {
		sub := link.FindStringSubmatch(m)
		if strings.HasPrefix(sub[2], "http://") || strings.HasPrefix(sub[2], "https://") {
			return sub[1] + " (" + sub[2] + ")"
		}
		return sub[1]
	}))
}

// textBlocks reads plain text: paragraphs are separated by blank lines, and a
// lone short line without closing punctuation is taken as a heading.
func textBlocks(body string) []block {
	var blocks []block
	for _, para := range splitParagraphs(body) {
		lines := strings.Split(para, "\n")
		if len(lines) == 1 && looksLikeHeading(lines[0]) {
			level := 2
			if len(blocks) == 0 {
				level = 1
			}
			blocks = append(blocks, block{Level: level, Text: strings.TrimSpace(lines[0])})
			continue
		}
		var out []string
		for _, l := range lines {
			l = strings.TrimSpace(l)
			if m := listItem.FindStringSubmatch(l); m != nil {
				out = append(out, "\n• "+strings.Join(strings.Fields(m[1]), " "))
				continue
			}
			out = append(out, " "+strings.Join(strings.Fields(l), " "))
		}
		if t := strings.TrimSpace(strings.Join(out, "")); t != "" {
			blocks = append(blocks, block{Text: t})
		}
	}
	return blocks
}

func splitParagraphs(body string) []string {
	body = strings.ReplaceAll(body, "\r\n", "\n")
	var paras []string
	var cur []string
	for _, l := range strings.Split(body, "\n") {
		if strings.TrimSpace(l) == "" {
			if len(cur) > 0 {
				paras = append(paras, strings.Join(cur, "\n"))
				cur = nil
			}
			continue
		}
		cur = append(cur, l)
	}
	if len(cur) > 0 {
		paras = append(paras, strings.Join(cur, "\n"))
	}
	return paras
}

// looksLikeHeading is the plain-text heading rule: one line, at most twelve
// words, starting with a capital or digit, not ending like a sentence.
func looksLikeHeading(line string) bool {
	t := strings.TrimSpace(line)
	if t == "" || len(t) > 100 || len(strings.Fields(t)) > 12 || listItem.MatchString(t) {
		return false
	}
	first := []rune(t)[0]
	if !(first >= 'A' && first <= 'Z' || first >= '0' && first <= '9') {
		return false
	}
	return !strings.ContainsAny(t[len(t)-1:], ".,;:!")
}
