package gaps

import (
	"errors"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"
)

const day = 24 * time.Hour

func open(t *testing.T, path string, keep time.Duration) *Store {
	t.Helper()
	st, err := Open(path, keep)
	if err != nil {
		t.Fatal(err)
	}
	return st
}

func TestWords(t *testing.T) {
	tests := []struct {
		name, text string
		want       []string
	}{
		{"stop and question words go", "How do I get cheap flights to Spain?", []string{"cheap", "flights", "spain"}},
		{"numbers, punctuation and one letter go", "Is there a 2nd EHCP review in year 6, e.g. for Y6... HR4 9AB?!", []string{"ehcp", "review", "year"}},
		{"each word once", "Transport, transport and school transport", []string{"transport", "school"}},
		{"contractions", "My son can't get to school, we're stuck", []string{"school", "stuck"}},
		{"at most MaxWords", "one two three four five six seven eight nine ten eleven twelve thirteen fourteen",
			[]string{"one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten", "eleven", "twelve"}},
		{"nothing but stop words", "what can I do?", nil},
		{"other scripts", "École à Paris", []string{"école", "paris"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := Words(tt.text)
			if !reflect.DeepEqual(got, tt.want) {
				t.Errorf("Words(%q) = %q, want %q", tt.text, got, tt.want)
			}
			if again := Words(strings.Join(got, " ")); !reflect.DeepEqual(again, got) {
				t.Errorf("Words of its own result = %q, want %q", again, got)
			}
		})
	}
}

func TestReportAddsUpAndOrders(t *testing.T) {
	st := open(t, filepath.Join(t.TempDir(), "gaps.db"), 30*day)
	defer st.Close()
	now := time.Date(2026, 6, 1, 12, 0, 0, 0, time.UTC)
	for _, q := range []struct {
		kind Kind
		text string
	}{
		{Declined, "cheap flights to spain"},
		{Declined, "weather tomorrow"},
		{Declined, "flights to Spain?"},
		{Declined, "Spain holidays for autistic children"},
		{NotHelpful, "school transport for autistic teenagers"},
		{NotHelpful, "School transport appeal"},
		{Declined, "what can I do?"}, // no content words: not stored
	} {
		if err := st.Record(q.kind, q.text, now.Add(-time.Hour)); err != nil {
			t.Fatal(err)
		}
	}
	r, err := st.Report(now.Add(-day), now)
	if err != nil {
		t.Fatal(err)
	}
	want := Report{
		Declined: 4, NotHelpful: 2,
		// Ties alphabetically; words of one question only are not shown.
		Words:   []Count{{"spain", 3}, {"autistic", 2}, {"flights", 2}, {"school", 2}, {"transport", 2}},
		Phrases: []Count{{"flights spain", 2}, {"school transport", 2}},
	}
	if !reflect.DeepEqual(r, want) {
		t.Errorf("report\n got %+v\nwant %+v", r, want)
	}
}

func TestReportListsAtMostTheTop(t *testing.T) {
	st := open(t, filepath.Join(t.TempDir(), "gaps.db"), 30*day)
	defer st.Close()
	now := time.Date(2026, 6, 1, 12, 0, 0, 0, time.UTC)
	// 26 words, each in two questions: "aaa bbb", "ccc ddd", … twice.
	letters := "abcdefghijklmnopqrstuvwxyz"
	for round := 0; round < 2; round++ {
		for i := 0; i+1 < len(letters); i += 2 {
			w1, w2 := strings.Repeat(letters[i:i+1], 3), strings.Repeat(letters[i+1:i+2], 3)
			if err := st.Record(Declined, w1+" "+w2, now); err != nil {
				t.Fatal(err)
			}
		}
	}
	r, err := st.Report(now.Add(-day), now)
	if err != nil {
		t.Fatal(err)
	}
	if len(r.Words) != TopWords || r.Words[0].Text != "aaa" || r.Words[TopWords-1].Text != "ttt" {
		t.Errorf("words %+v", r.Words)
	}
	if len(r.Phrases) != TopPhrases || r.Phrases[0] != (Count{"aaa bbb", 2}) {
		t.Errorf("phrases %+v", r.Phrases)
	}
}

func TestRetention(t *testing.T) {
	path := filepath.Join(t.TempDir(), "gaps.db")
	st := open(t, path, 30*day)
	defer st.Close()
	now := time.Date(2026, 6, 1, 12, 0, 0, 0, time.UTC)
	record := func(q string, at time.Time) {
		t.Helper()
		if err := st.Record(Declined, q, at); err != nil {
			t.Fatal(err)
		}
	}
	record("respite overnight", now.Add(-30*day-time.Second)) // older than keep
	record("respite weekends", now.Add(-30*day))              // exactly keep old: kept
	record("respite holidays", now.Add(-2*day))
	record("respite evenings", now)

	count := func(since time.Time) int {
		t.Helper()
		r, err := st.Report(since, now)
		if err != nil {
			t.Fatal(err)
		}
		return r.Declined
	}
	// Record at now has already purged the first.
	if got := count(time.Time{}); got != 3 {
		t.Errorf("over the whole keep period: %d questions, want 3", got)
	}
	if got := count(now.Add(-2 * day)); got != 2 {
		t.Errorf("over two days: %d questions, want 2 (since is included)", got)
	}
	if got := count(now.Add(time.Second)); got != 0 {
		t.Errorf("from the future: %d questions", got)
	}

	// A day later the one at the boundary is too old, even before a purge.
	later := now.Add(day)
	r, err := st.Report(time.Time{}, later)
	if err != nil || r.Declined != 2 {
		t.Errorf("a day later, before purging: %+v %v, want 2 questions", r, err)
	}
	if err := st.Purge(later); err != nil {
		t.Fatal(err)
	}
	r, err = st.Report(time.Time{}, now)
	if err != nil || r.Declined != 2 {
		t.Errorf("after Purge, looking back from before it: %+v %v, want the purged one gone", r, err)
	}
}

func TestReopenKeepsDataAndPurges(t *testing.T) {
	path := filepath.Join(t.TempDir(), "gaps.db")
	st := open(t, path, 30*day)
	now := time.Now()
	for _, at := range []time.Time{now.Add(-40 * day), now.Add(-time.Hour), now.Add(-time.Minute)} {
		if err := st.Record(NotHelpful, "sensory rooms", at); err != nil {
			t.Fatal(err)
		}
	}
	st.Close()

	st = open(t, path, 30*day)
	defer st.Close()
	// Report leaves out what is older than keep anyway; to see that Open
	// deleted the old record, look further back than keep.
	st.keep = 1000 * day
	r, err := st.Report(time.Time{}, now)
	if err != nil {
		t.Fatal(err)
	}
	if r.NotHelpful != 2 || len(r.Words) != 2 || r.Words[0] != (Count{"rooms", 2}) {
		t.Errorf("after reopening: %+v, want the two recent records (Open purged the old one)", r)
	}
}

func TestKeepZeroRecordsNothing(t *testing.T) {
	path := filepath.Join(t.TempDir(), "gaps.db")
	st := open(t, path, 30*day)
	if err := st.Record(Declined, "sensory rooms", time.Now()); err != nil {
		t.Fatal(err)
	}
	st.Close()

	st = open(t, path, 0)
	defer st.Close()
	if err := st.Record(Declined, "sensory rooms", time.Now()); err != nil {
		t.Errorf("Record when off: %v", err)
	}
	if _, err := st.Report(time.Time{}, time.Now()); !errors.Is(err, ErrOff) || err.Error() != "gap recording is off" {
		t.Errorf("Report when off: %v", err)
	}
	if st.Keep() != 0 {
		t.Errorf("Keep = %v", st.Keep())
	}
	if _, err := os.Stat(path); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("the file from when recording was on is still there: %v", err)
	}
}

func TestFileHoldsNoWholeQuestion(t *testing.T) {
	path := filepath.Join(t.TempDir(), "gaps.db")
	st := open(t, path, 30*day)
	questions := []string{
		"Where can I find cheap flights to Spain for my son Tom Smith?",
		"How do I appeal the EHCP for my daughter at St Mary's, HR4 9AB, phone 01234 567890",
	}
	for _, q := range questions {
		if err := st.Record(Declined, q, time.Now()); err != nil {
			t.Fatal(err)
		}
	}
	st.Close()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	file := strings.ToLower(string(data))
	for _, q := range questions {
		for _, part := range []string{
			strings.ToLower(q),
			strings.Join(strings.Fields(strings.ToLower(q))[:4], " "), // its opening
			strings.Join(Words(q), " "),                               // its content words in order
		} {
			if strings.Contains(file, part) {
				t.Errorf("the file holds %q", part)
			}
		}
	}
	for _, gone := range []string{"01234", "567890", "hr4", "9ab", "where", "my son"} {
		if strings.Contains(file, gone) {
			t.Errorf("the file holds %q", gone)
		}
	}
	if !strings.Contains(file, `"spain"`) || !strings.Contains(file, `"flights spain"`) {
		t.Errorf("the words themselves should be stored")
	}
}
