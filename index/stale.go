package index

import (
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"time"
)

// DefaultMaxAge is how old a document may be before answers mark it as
// possibly out of date: two years.
const DefaultMaxAge = 2 * 365 * 24 * time.Hour

// Staleness says whether a hit may be out of date, and why, in words a
// parent reads beside the quote.
type Staleness struct {
	Stale bool
	// Reason is "date unknown", "over 2 years old" or "mentions 2019", or
	// "" when the hit is not stale.
	Reason string
}

// yearMention finds years a passage mentions, such as the year of a figure.
var yearMention = regexp.MustCompile(`\b(19[5-9][0-9]|20[0-9][0-9])\b`)

// Staleness marks a hit whose document has no known date, was published
// more than maxAge before now, or whose shown text mentions no year later
// than maxAge ago (its figures are likely older than that).
func (h Hit) Staleness(now time.Time, maxAge time.Duration) Staleness {
	if maxAge <= 0 {
		maxAge = DefaultMaxAge
	}
	cutoff := now.Add(-maxAge)
	published, err := time.Parse(time.DateOnly, h.Published)
	switch {
	case err != nil:
		return Staleness{Stale: true, Reason: "date unknown"}
	case published.Before(cutoff):
		return Staleness{Stale: true, Reason: "over " + FormatAge(maxAge) + " old"}
	}
	latest := 0
	for _, m := range yearMention.FindAllString(h.Text, -1) {
		if y, _ := strconv.Atoi(m); y > latest && y <= now.Year() {
			latest = y
		}
	}
	if latest > 0 && latest < cutoff.Year() {
		return Staleness{Stale: true, Reason: fmt.Sprintf("mentions %d", latest)}
	}
	return Staleness{}
}

// FormatAge writes an age as parents say it: "2 years", "18 months", "90 days".
func FormatAge(d time.Duration) string {
	days := int(d.Hours() / 24)
	plural := func(n int, unit string) string {
		if n == 1 {
			return "1 " + unit
		}
		return fmt.Sprintf("%d %ss", n, unit)
	}
	switch {
	case days >= 365 && days%365 == 0:
		return plural(days/365, "year")
	case days >= 30 && days%30 == 0:
		return plural(days/30, "month")
	}
	return plural(days, "day")
}

// ParseAge reads an age such as "2y", "18m", "90d" or "2 years"; it is how
// the staleness limit is configured.
func ParseAge(s string) (time.Duration, error) {
	t := strings.ToLower(strings.ReplaceAll(strings.TrimSpace(s), " ", ""))
	units := []struct {
		suffixes []string
		days     int
	}{{[]string{"years", "year", "y"}, 365}, {[]string{"months", "month", "m"}, 30}, {[]string{"days", "day", "d"}, 1}}
	for _, u := range units {
		for _, suf := range u.suffixes {
			num, ok := strings.CutSuffix(t, suf)
			if !ok {
				continue
			}
			n, err := strconv.Atoi(num)
			if err != nil || n <= 0 || n > 100*365/u.days {
				return 0, fmt.Errorf("age %q: write a whole number of years, months or days, such as 2y, 18m or 90d", s)
			}
			return time.Duration(n*u.days) * 24 * time.Hour, nil
		}
	}
	return 0, fmt.Errorf("age %q: write a whole number of years, months or days, such as 2y, 18m or 90d", s)
}
