package store_test

import (
	"context"
	"errors"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/sendbot/sendbot/gaps"
	"github.com/sendbot/sendbot/internal/pgtest"
)

const day = 24 * time.Hour

// vocab knows the words of a list, in any case.
type vocab map[string]bool

func vocabOf(words string) vocab {
	v := vocab{}
	for _, w := range strings.Fields(words) {
		v[w] = true
	}
	return v
}

func (v vocab) Knows(w string) bool { return v[strings.ToLower(w)] }

// everyWord knows every word.
type everyWord struct{}

func (everyWord) Knows(string) bool { return true }

type gapStore interface {
	Reduce(question string) gaps.Gap
	Record(kind gaps.Kind, g gaps.Gap, at time.Time) error
	Report(since, now time.Time) (gaps.Report, error)
	Remove(entry string) (gaps.Removed, error)
	Purge(now time.Time) error
	Keep() time.Duration
}

// gapStores are the kinds of gap store: open gives one on a fresh file
// or database, and again opens another on the same (another replica;
// for the file, after closing the first).
var gapStores = []struct {
	name string
	open func(t *testing.T) (open func(keep time.Duration, v gaps.Vocabulary) gapStore)
}{
	{"file", func(t *testing.T) func(time.Duration, gaps.Vocabulary) gapStore {
		path := filepath.Join(t.TempDir(), "gaps.db")
		var last *gaps.Store
		return func(keep time.Duration, v gaps.Vocabulary) gapStore {
			if last != nil {
				last.Close()
			}
			st, err := gaps.Open(path, keep, v)
			if err != nil {
				t.Fatal(err)
			}
			last = st
			t.Cleanup(func() { st.Close() })
			return st
		}
	}},
	{"postgres", func(t *testing.T) func(time.Duration, gaps.Vocabulary) gapStore {
		url := pgtest.NewDatabase(t)
		return func(keep time.Duration, v gaps.Vocabulary) gapStore {
			st, err := openPostgres(t, url).Gaps(context.Background(), keep, v)
			if err != nil {
				t.Fatal(err)
			}
			return st
		}
	}},
}

func TestGapsReportAddsUpAndOrders(t *testing.T) {
	for _, impl := range gapStores {
		t.Run(impl.name, func(t *testing.T) {
			st := impl.open(t)(30*day, vocabOf("cheap flights spain weather tomorrow holidays autistic school transport teenagers appeal"))
			now := time.Date(2026, 6, 1, 12, 0, 0, 0, time.UTC)
			for _, q := range []struct {
				kind gaps.Kind
				text string
			}{
				{gaps.Declined, "cheap flights to spain"},
				{gaps.Declined, "weather tomorrow"},
				{gaps.Declined, "flights to Spain?"},
				{gaps.Declined, "Spain holidays for autistic children"},
				{gaps.NotHelpful, "school transport for autistic teenagers"},
				{gaps.NotHelpful, "School transport appeal"},
				{gaps.Declined, "what can I do?"},    // no content words: counted only
				{gaps.Declined, "zorbing for Jack?"}, // no known words: counted only
			} {
				if err := st.Record(q.kind, st.Reduce(q.text), now.Add(-time.Hour)); err != nil {
					t.Fatal(err)
				}
			}
			r, err := st.Report(now.Add(-day), now)
			if err != nil {
				t.Fatal(err)
			}
			want := gaps.Report{
				Declined: 6, NotHelpful: 2,
				Words: []gaps.Count{{Text: "spain", Questions: 3}, {Text: "autistic", Questions: 2}, {Text: "flights", Questions: 2},
					{Text: "school", Questions: 2}, {Text: "transport", Questions: 2}},
				Phrases: []gaps.Count{{Text: "flights spain", Questions: 2}, {Text: "school transport", Questions: 2}},
			}
			if !reflect.DeepEqual(r, want) {
				t.Errorf("report\n got %+v\nwant %+v", r, want)
			}
			if err := st.Record(gaps.Kind(9), gaps.Gap{}, now); err == nil {
				t.Errorf("a record of an unknown kind was taken")
			}
		})
	}
}

func TestGapsRetention(t *testing.T) {
	for _, impl := range gapStores {
		t.Run(impl.name, func(t *testing.T) {
			open := impl.open(t)
			st := open(30*day, everyWord{})
			now := time.Date(2026, 6, 1, 12, 0, 0, 0, time.UTC)
			for _, r := range []struct {
				q  string
				at time.Time
			}{
				{"respite overnight", now.Add(-30*day - time.Second)}, // older than keep
				{"respite weekends", now.Add(-30 * day)},              // exactly keep old: kept
				{"respite holidays", now.Add(-2 * day)},
				{"respite evenings", now},
			} {
				if err := st.Record(gaps.Declined, st.Reduce(r.q), r.at); err != nil {
					t.Fatal(err)
				}
			}
			count := func(since, now time.Time) int {
				t.Helper()
				r, err := st.Report(since, now)
				if err != nil {
					t.Fatal(err)
				}
				return r.Declined
			}
			if got := count(time.Time{}, now); got != 3 {
				t.Errorf("over the whole keep period: %d questions, want 3", got)
			}
			if got := count(now.Add(-2*day), now); got != 2 {
				t.Errorf("over two days: %d questions, want 2 (since is included)", got)
			}
			if got := count(now.Add(time.Second), now); got != 0 {
				t.Errorf("from the future: %d questions", got)
			}
			later := now.Add(day)
			if got := count(time.Time{}, later); got != 2 {
				t.Errorf("a day later, before purging: %d questions, want 2", got)
			}
			if err := st.Purge(later); err != nil {
				t.Fatal(err)
			}
			if got := count(time.Time{}, now); got != 2 {
				t.Errorf("after Purge, looking back from before it: %d, want the purged one gone", got)
			}
			// Opened with keep 0, everything kept is deleted: opened
			// again with a keep, nothing is left.
			off := open(0, everyWord{})
			if _, err := off.Report(time.Time{}, now); !errors.Is(err, gaps.ErrOff) {
				t.Errorf("keep 0: Report: %v", err)
			}
			if err := off.Record(gaps.Declined, off.Reduce("respite again"), now); err != nil {
				t.Fatal(err)
			}
			if got := questionsKept(t, open(30*day, everyWord{}), now); got != 0 {
				t.Errorf("after keep 0, %d questions are still kept", got)
			}
		})
	}
}

// questionsKept is how many questions st keeps, of any age it keeps.
func questionsKept(t *testing.T, st gapStore, now time.Time) int {
	t.Helper()
	r, err := st.Report(time.Time{}, now)
	if err != nil {
		t.Fatal(err)
	}
	return r.Declined + r.NotHelpful
}

func TestGapsRemove(t *testing.T) {
	for _, impl := range gapStores {
		t.Run(impl.name, func(t *testing.T) {
			open := impl.open(t)
			st := open(30*day, everyWord{})
			now := time.Date(2026, 6, 1, 12, 0, 0, 0, time.UTC)
			if err := st.Record(gaps.Declined, st.Reduce("speech therapy"), now); err != nil {
				t.Fatal(err)
			}
			// Older than keep, but not purged yet: Record purges what is
			// too old at the time it records.
			for _, q := range []string{"grace hope trampoline", "grace hope trampoline", "grace swimming", "speech therapy waits"} {
				if err := st.Record(gaps.Declined, st.Reduce(q), now.Add(-40*day)); err != nil {
					t.Fatal(err)
				}
			}
			tests := []struct {
				name, entry string
				want        gaps.Removed
				wantErr     error
			}{
				{"empty", "  ", gaps.Removed{}, gaps.ErrNotAnEntry},
				{"three words", "grace hope trampoline", gaps.Removed{}, gaps.ErrNotAnEntry},
				{"not kept", "zorbing", gaps.Removed{Entry: "zorbing"}, nil},
				{"a phrase, copied from /gaps", "Grace Hope (2)", gaps.Removed{Entry: "grace hope", Phrase: true, Questions: 2}, nil},
				{"a phrase, again", "grace hope", gaps.Removed{Entry: "grace hope", Phrase: true}, nil},
				{"a word with its phrases", "hope", gaps.Removed{Entry: "hope", Questions: 2}, nil},
				{"a word in all its questions, whatever their age", "grace", gaps.Removed{Entry: "grace", Questions: 3}, nil},
			}
			for _, tt := range tests {
				got, err := st.Remove(tt.entry)
				if !errors.Is(err, tt.wantErr) || got != tt.want {
					t.Errorf("%s: Remove(%q) = %+v, %v; want %+v, %v", tt.name, tt.entry, got, err, tt.want, tt.wantErr)
				}
			}
			// Another replica (or the file reopened) with a long keep sees
			// the old records too, without what was removed.
			long := open(1000*day, everyWord{})
			r, err := long.Report(time.Time{}, now)
			if err != nil {
				t.Fatal(err)
			}
			want := gaps.Report{Declined: 5, // the questions stay counted
				Words:   []gaps.Count{{Text: "speech", Questions: 2}, {Text: "therapy", Questions: 2}, {Text: "trampoline", Questions: 2}},
				Phrases: []gaps.Count{{Text: "speech therapy", Questions: 2}}}
			if !reflect.DeepEqual(r, want) {
				t.Errorf("after removing\n got %+v\nwant %+v", r, want)
			}
		})
	}
}
