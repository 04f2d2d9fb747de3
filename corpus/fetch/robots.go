package fetch

import (
	"net/url"
	"strconv"
	"strings"
	"time"
)

// productToken is the name robots.txt files use for sendbot's rules.
const productToken = "sendbot"

// maxRobotsBytes is how much of a robots.txt is read; RFC 9309 asks
// crawlers to parse at least the first 500 KiB.
const maxRobotsBytes = 500 << 10

// maxCrawlDelay caps the Crawl-delay sendbot obeys, so one odd robots.txt
// cannot stall a run for hours. Longer delays are treated as this one.
const maxCrawlDelay = time.Minute

// robots is the part of one host's robots.txt that applies to sendbot.
type robots struct {
	rules      []rule
	crawlDelay time.Duration
	// blocked, when set, says why everything on the host is off limits
	// (the robots.txt could not be read).
	blocked string
	// sitemaps are the Sitemap: lines, which apply whatever the group.
	sitemaps []string
}

type rule struct {
	allow   bool
	pattern string
}

// parseRobots reads a robots.txt (RFC 9309) and keeps the rules of the
// groups for sendbot, or of the "*" groups when none names sendbot.
// Unknown lines are ignored, as the RFC asks.
func parseRobots(data []byte) robots {
	type group struct {
		agents []string
		rules  []rule
		delay  time.Duration
	}
	var (
		groups    []*group
		cur       *group
		lastAgent bool // the previous line was a user-agent line
		sitemaps  []string
	)
	for _, line := range strings.Split(string(data), "\n") {
		if i := strings.IndexByte(line, '#'); i >= 0 {
			line = line[:i]
		}
		key, value, ok := strings.Cut(line, ":")
		if !ok {
			continue
		}
		key = strings.ToLower(strings.TrimSpace(key))
		value = strings.TrimSpace(value)
		switch key {
		case "user-agent":
			if cur == nil || !lastAgent {
				cur = &group{}
				groups = append(groups, cur)
			}
			cur.agents = append(cur.agents, agentToken(value))
			lastAgent = true
			continue
		case "allow", "disallow":
			if cur != nil && value != "" {
				cur.rules = append(cur.rules, rule{allow: key == "allow", pattern: value})
			}
		case "sitemap":
			if value != "" && len(sitemaps) < maxSitemaps {
				sitemaps = append(sitemaps, value)
			}
		case "crawl-delay":
			if cur != nil {
				if s, err := strconv.ParseFloat(value, 64); err == nil && s > 0 {
					cur.delay = time.Duration(min(s, maxCrawlDelay.Seconds()) * float64(time.Second))
				}
			}
		}
		lastAgent = false
	}
	pick := func(token string) (robots, bool) {
		var r robots
		found := false
		for _, g := range groups {
			for _, a := range g.agents {
				if a == token {
					found = true
					r.rules = append(r.rules, g.rules...)
					r.crawlDelay = max(r.crawlDelay, g.delay)
					break
				}
			}
		}
		return r, found
	}
	r, ok := pick(productToken)
	if !ok {
		r, _ = pick("*")
	}
	r.sitemaps = sitemaps
	return r
}

// agentToken is the product token of a user-agent line, lower-cased:
// "SendBot/1.0" is "sendbot".
func agentToken(v string) string {
	if i := strings.IndexAny(v, "/ \t"); i >= 0 {
		v = v[:i]
	}
	return strings.ToLower(v)
}

// allowed reports whether u may be fetched: the longest matching rule
// wins, and an Allow wins a tie with a Disallow. /robots.txt itself is
// always allowed.
func (r robots) allowed(u *url.URL) bool {
	if r.blocked != "" {
		return false
	}
	target := u.EscapedPath()
	if target == "" {
		target = "/"
	}
	if target == "/robots.txt" {
		return true
	}
	if u.RawQuery != "" {
		target += "?" + u.RawQuery
	}
	best, allow := -1, true
	for _, rl := range r.rules {
		if !patternMatches(rl.pattern, target) {
			continue
		}
		n := len(rl.pattern)
		if n > best || (n == best && rl.allow) {
			best, allow = n, rl.allow
		}
	}
	return allow
}

// patternMatches reports whether a robots.txt path pattern matches the
// start of target: "*" stands for any characters and a final "$" anchors
// the pattern at the end. It runs in time proportional to
// len(pattern)*len(target) at worst, whatever the pattern.
func patternMatches(pattern, target string) bool {
	anchored := strings.HasSuffix(pattern, "$")
	if anchored {
		pattern = pattern[:len(pattern)-1]
	}
	pattern = normalizeEscapes(pattern)
	target = normalizeEscapes(target)
	// Classic wildcard matching with one backtrack point: the last "*".
	p, t := 0, 0
	star, mark := -1, 0
	for t < len(target) {
		switch {
		case p < len(pattern) && pattern[p] == '*':
			star, mark = p, t
			p++
		case p < len(pattern) && pattern[p] == target[t]:
			p++
			t++
		case p == len(pattern) && !anchored:
			return true // the pattern matched a prefix of target
		case star >= 0:
			p = star + 1
			mark++
			t = mark
		default:
			return false
		}
	}
	for p < len(pattern) && pattern[p] == '*' {
		p++
	}
	return p == len(pattern)
}

// normalizeEscapes upper-cases percent escapes and encodes bytes outside
// printable ASCII, so "/caf%c3%a9", "/caf%C3%A9" and "/café" compare equal.
func normalizeEscapes(s string) string {
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c == '%' && i+2 < len(s) && isHex(s[i+1]) && isHex(s[i+2]):
			b.WriteByte('%')
			b.WriteString(strings.ToUpper(s[i+1 : i+3]))
			i += 2
		case c <= ' ' || c >= 0x7f:
			b.WriteString("%" + strings.ToUpper(strconv.FormatUint(uint64(c)|0x100, 16)[1:]))
		default:
			b.WriteByte(c)
		}
	}
	return b.String()
}

func isHex(c byte) bool {
	return '0' <= c && c <= '9' || 'a' <= c && c <= 'f' || 'A' <= c && c <= 'F'
}
