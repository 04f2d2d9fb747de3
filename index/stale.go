package index

import (
	"fmt"
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
	// Reason is "over 2 years old", or "" when the hit is not stale.
	Reason string
}

// Staleness marks a hit whose document was published more than maxAge
// before now. A hit whose date is not known is not marked: marking every
// undated page made the mark mean nothing, and its date already says
// "date unknown".
func (h Hit) Staleness(now time.Time, maxAge time.Duration) Staleness {
	if maxAge <= 0 {
		maxAge = DefaultMaxAge
	}
	published, err := time.Parse(time.DateOnly, h.Published)
	if err == nil && published.Before(now.Add(-maxAge)) {
		return Staleness{Stale: true, Reason: "over " + FormatAge(maxAge) + " old"}
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
