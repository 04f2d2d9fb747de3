package gaps

import (
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"

	bolt "go.etcd.io/bbolt"
)

const day = 24 * time.Hour

// vocab is a Vocabulary for the tests: it knows the words of known in
// any case, except those of lowerOnly, which it knows only written in
// lower case (as index.Index knows "green" but not "Green").
type vocab struct{ known, lowerOnly map[string]bool }

func vocabOf(known string) vocab { return vocab{known: setOf(known)} }

func (v vocab) Knows(w string) bool {
	l := strings.ToLower(w)
	return v.known[l] && (w == l || !v.lowerOnly[l])
}

// everyWord knows every word, as if the documents used them all: what is
// kept then is what the rules of Reduce alone keep.
type everyWord struct{}

func (everyWord) Knows(string) bool { return true }

func open(t *testing.T, path string, keep time.Duration, v Vocabulary) *Store {
	t.Helper()
	st, err := Open(path, keep, v)
	if err != nil {
		t.Fatal(err)
	}
	return st
}

func TestReduce(t *testing.T) {
	tests := []struct {
		name, text    string
		vocab         Vocabulary
		words, phrase []string
	}{
		{"stop, question and unknown words go", "How do I get cheap flights to Spain for a zorbing trip?",
			vocabOf("cheap flights spain trip"), []string{"cheap", "flights", "spain", "trip"}, []string{"cheap flights", "flights spain"}},
		{"a word not kept parts its neighbours", "trampoline Jack parks", vocabOf("trampoline parks"),
			[]string{"trampoline", "parks"}, nil},
		{"numbers, phone numbers and postcodes go, whatever the vocabulary", "call me on 07700 900123 about respite, we live at BS1 4DJ in flat 3b, Y6",
			everyWord{}, []string{"call", "respite", "live", "flat"}, []string{"respite live"}},
		{"email and web addresses go", "email jane.doe@example.com or @janedoe, see www.example.org or example.org/jack about respite",
			everyWord{}, []string{"email", "see", "respite"}, nil},
		{"street names go", "my son lives at 12 Acacia Road near station road, by Mill Close, close to school",
			everyWord{}, []string{"lives", "near", "close", "school"}, []string{"close school"}},
		{"a street word alone stays", "the road to a diagnosis", everyWord{}, []string{"road", "diagnosis"}, []string{"road diagnosis"}},
		{"a name after a title goes", "Mrs Green said dr patel knows respite", everyWord{},
			[]string{"said", "knows", "respite"}, []string{"knows respite"}},
		{"the vocabulary is asked about words as written", "Grace Green likes the green", vocab{known: setOf("green likes"), lowerOnly: setOf("green")},
			[]string{"likes", "green"}, []string{"likes green"}},
		{"each word and phrase once", "Transport, transport and school transport, school transport", vocabOf("transport school"),
			[]string{"transport", "school"}, []string{"transport school", "school transport"}},
		{"contractions", "My son can't get to school, we're stuck", everyWord{}, []string{"school", "stuck"}, []string{"school stuck"}},
		{"at most MaxWords", "one two three four five six seven eight nine ten eleven twelve thirteen fourteen", everyWord{},
			[]string{"one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten", "eleven", "twelve"},
			[]string{"one two", "two three", "three four", "four five", "five six", "six seven", "seven eight", "eight nine", "nine ten", "ten eleven", "eleven twelve"}},
		{"nothing but stop words", "what can I do?", everyWord{}, nil, nil},
		{"other scripts", "École à Paris", everyWord{}, []string{"école", "paris"}, []string{"école paris"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			g := Reduce(tt.text, tt.vocab)
			if !reflect.DeepEqual(g.Words(), tt.words) || !reflect.DeepEqual(g.Phrases(), tt.phrase) {
				t.Errorf("Reduce(%q) = %q, %q; want %q, %q", tt.text, g.Words(), g.Phrases(), tt.words, tt.phrase)
			}
		})
	}
}

func TestReportAddsUpAndOrders(t *testing.T) {
	st := open(t, filepath.Join(t.TempDir(), "gaps.db"), 30*day, vocabOf("cheap flights spain weather tomorrow holidays autistic school transport teenagers appeal"))
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
		{Declined, "what can I do?"},    // no content words: counted only
		{Declined, "zorbing for Jack?"}, // no known words: counted only
	} {
		if err := st.Record(q.kind, st.Reduce(q.text), now.Add(-time.Hour)); err != nil {
			t.Fatal(err)
		}
	}
	r, err := st.Report(now.Add(-day), now)
	if err != nil {
		t.Fatal(err)
	}
	want := Report{
		Declined: 6, NotHelpful: 2,
		// Ties alphabetically; words of one question only are not shown.
		Words:   []Count{{"spain", 3}, {"autistic", 2}, {"flights", 2}, {"school", 2}, {"transport", 2}},
		Phrases: []Count{{"flights spain", 2}, {"school transport", 2}},
	}
	if !reflect.DeepEqual(r, want) {
		t.Errorf("report\n got %+v\nwant %+v", r, want)
	}
}

func TestReportListsAtMostTheTop(t *testing.T) {
	st := open(t, filepath.Join(t.TempDir(), "gaps.db"), 30*day, everyWord{})
	defer st.Close()
	now := time.Date(2026, 6, 1, 12, 0, 0, 0, time.UTC)
	// 26 words, each in two questions: "aaa bbb", "ccc ddd", … twice.
	letters := "abcdefghijklmnopqrstuvwxyz"
	for round := 0; round < 2; round++ {
		for i := 0; i+1 < len(letters); i += 2 {
			w1, w2 := strings.Repeat(letters[i:i+1], 3), strings.Repeat(letters[i+1:i+2], 3)
			if err := st.Record(Declined, st.Reduce(w1+" "+w2), now); err != nil {
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
	st := open(t, path, 30*day, everyWord{})
	defer st.Close()
	now := time.Date(2026, 6, 1, 12, 0, 0, 0, time.UTC)
	record := func(q string, at time.Time) {
		t.Helper()
		if err := st.Record(Declined, st.Reduce(q), at); err != nil {
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
	st := open(t, path, 30*day, everyWord{})
	now := time.Now()
	for _, at := range []time.Time{now.Add(-40 * day), now.Add(-time.Hour), now.Add(-time.Minute)} {
		if err := st.Record(NotHelpful, st.Reduce("sensory rooms"), at); err != nil {
			t.Fatal(err)
		}
	}
	st.Close()

	st = open(t, path, 30*day, everyWord{})
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

func TestReopenLeavesNothingDeletedInTheFile(t *testing.T) {
	path := filepath.Join(t.TempDir(), "gaps.db")
	st := open(t, path, 30*day, everyWord{})
	now := time.Now()
	// Enough old records to fill several of bolt's pages, so the pages
	// they leave free are not all written over by chance.
	for range 200 {
		if err := st.Record(Declined, st.Reduce("overnight respite for autistic teenagers in the holidays"), now.Add(-40*day)); err != nil {
			t.Fatal(err)
		}
	}
	// Recording now purges the old records while the file is open.
	if err := st.Record(Declined, st.Reduce("sensory rooms"), now); err != nil {
		t.Fatal(err)
	}
	st.Close()
	st = open(t, path, 30*day, everyWord{})
	st.Close()
	if got := fileHolds(t, path, "overnight", "respite"); len(got) > 0 {
		t.Errorf("after reopening, the file still holds the purged records' %q", got)
	}
	if got := fileHolds(t, path, "sensory", "rooms"); len(got) != 2 {
		t.Errorf("after reopening, the file holds only %q of the kept record", got)
	}
}

func TestKeepZeroRecordsNothing(t *testing.T) {
	path := filepath.Join(t.TempDir(), "gaps.db")
	st := open(t, path, 30*day, everyWord{})
	if err := st.Record(Declined, st.Reduce("sensory rooms"), time.Now()); err != nil {
		t.Fatal(err)
	}
	st.Close()

	st = open(t, path, 0, nil)
	defer st.Close()
	if g := st.Reduce("sensory rooms"); len(g.Words()) != 0 {
		t.Errorf("Reduce when off keeps %q", g.Words())
	}
	if err := st.Record(Declined, Reduce("sensory rooms", everyWord{}), time.Now()); err != nil {
		t.Errorf("Record when off: %v", err)
	}
	if _, err := st.Report(time.Time{}, time.Now()); !errors.Is(err, ErrOff) || err.Error() != "gap recording is off" {
		t.Errorf("Report when off: %v", err)
	}
	if _, err := st.Remove("rooms"); !errors.Is(err, ErrOff) {
		t.Errorf("Remove when off: %v", err)
	}
	if st.Keep() != 0 {
		t.Errorf("Keep = %v", st.Keep())
	}
	if _, err := os.Stat(path); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("the file from when recording was on is still there: %v", err)
	}
}

func TestOpenNeedsAVocabulary(t *testing.T) {
	if _, err := Open(filepath.Join(t.TempDir(), "gaps.db"), 30*day, nil); err == nil || !strings.Contains(err.Error(), "no vocabulary") {
		t.Errorf("Open without a vocabulary: %v", err)
	}
}

// fileHolds reports which of parts the file at path holds, in any case.
func fileHolds(t *testing.T, path string, parts ...string) []string {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	file := strings.ToLower(string(data))
	var out []string
	for _, p := range parts {
		if strings.Contains(file, strings.ToLower(p)) {
			out = append(out, p)
		}
	}
	return out
}

func TestFileHoldsNoWholeQuestionNorNumbersNorAddresses(t *testing.T) {
	path := filepath.Join(t.TempDir(), "gaps.db")
	// Even were every word one the documents use, the rules keep out
	// what is not a word.
	st := open(t, path, 30*day, everyWord{})
	questions := []string{
		"Where can I find cheap flights to Spain for my son, 14 Acacia Road?",
		"How do I appeal the EHCP at St Mary's, HR4 9AB, phone 01234 567890 or jane.doe@example.com",
	}
	for _, q := range questions {
		if err := st.Record(Declined, st.Reduce(q), time.Now()); err != nil {
			t.Fatal(err)
		}
	}
	st.Close()
	for _, q := range questions {
		words := strings.Fields(q)
		if got := fileHolds(t, path, q, strings.Join(words[:4], " ")); len(got) > 0 {
			t.Errorf("the file holds %q", got)
		}
	}
	if got := fileHolds(t, path, "01234", "567890", "hr4", "9ab", "acacia", "road", "jane", "doe", "example", "where", "my son"); len(got) > 0 {
		t.Errorf("the file holds %q", got)
	}
	if got := fileHolds(t, path, `"spain"`, `"flights spain"`, `"ehcp"`); len(got) != 3 {
		t.Errorf("the words themselves should be stored; found only %q", got)
	}
}

func TestRemove(t *testing.T) {
	path := filepath.Join(t.TempDir(), "gaps.db")
	st := open(t, path, 30*day, everyWord{})
	defer st.Close()
	now := time.Date(2026, 6, 1, 12, 0, 0, 0, time.UTC)
	if err := st.Record(Declined, st.Reduce("speech therapy"), now); err != nil {
		t.Fatal(err)
	}
	// Older than keep, but not purged yet: Record purges what is too
	// old at the time it records.
	for _, q := range []string{"grace hope trampoline", "grace hope trampoline", "grace swimming", "speech therapy waits"} {
		if err := st.Record(Declined, st.Reduce(q), now.Add(-40*day)); err != nil {
			t.Fatal(err)
		}
	}

	tests := []struct {
		name, entry string
		want        Removed
		wantErr     error
	}{
		{"empty", "  ", Removed{}, ErrNotAnEntry},
		{"no letters", "(2)", Removed{}, ErrNotAnEntry},
		{"three words", "grace hope trampoline", Removed{}, ErrNotAnEntry},
		{"not kept", "zorbing", Removed{Entry: "zorbing"}, nil},
		{"a phrase, copied from /gaps", "Grace Hope (2)", Removed{Entry: "grace hope", Phrase: true, Questions: 2}, nil},
		{"a phrase, again", "grace hope", Removed{Entry: "grace hope", Phrase: true}, nil},
		{"a word with its phrases", "hope", Removed{Entry: "hope", Questions: 2}, nil},
		{"a word in all its questions, whatever their age", "grace", Removed{Entry: "grace", Questions: 3}, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := st.Remove(tt.entry)
			if !errors.Is(err, tt.wantErr) || got != tt.want {
				t.Errorf("Remove(%q) = %+v, %v; want %+v, %v", tt.entry, got, err, tt.want, tt.wantErr)
			}
		})
	}
	st.keep = 1000 * day // see the records older than keep too
	r, err := st.Report(time.Time{}, now)
	st.keep = 30 * day
	if err != nil {
		t.Fatal(err)
	}
	want := Report{Declined: 5, // the questions stay counted
		Words:   []Count{{"speech", 2}, {"therapy", 2}, {"trampoline", 2}},
		Phrases: []Count{{"speech therapy", 2}}}
	if !reflect.DeepEqual(r, want) {
		t.Errorf("after removing\n got %+v\nwant %+v", r, want)
	}
	if got := fileHolds(t, path, "grace", "hope"); len(got) > 0 {
		t.Errorf("the file still holds %q: removed entries must not stay in its free pages", got)
	}
	// The store works on after the file was copied.
	if err := st.Record(NotHelpful, st.Reduce("speech therapy"), now); err != nil {
		t.Fatal(err)
	}
	if r, err := st.Report(now.Add(-day), now); err != nil || r.NotHelpful != 1 || len(r.Words) == 0 || r.Words[0] != (Count{"speech", 2}) {
		t.Errorf("after removing, a new record: %+v %v", r, err)
	}
}

// writeOldFile writes records as the first version of the store did:
// every content word and phrase, without a format.
func writeOldFile(t *testing.T, path string, at time.Time, records ...record) {
	t.Helper()
	db, err := bolt.Open(path, 0o600, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	err = db.Update(func(tx *bolt.Tx) error {
		b, err := tx.CreateBucket(bucketRecords)
		if err != nil {
			return err
		}
		for i, r := range records {
			data, err := json.Marshal(r)
			if err != nil {
				return err
			}
			if err := b.Put(recordKey(at, uint64(i+1)), data); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}

func TestOpenForgetsWhatOldRecordsMayNotKeep(t *testing.T) {
	path := filepath.Join(t.TempDir(), "gaps.db")
	now := time.Now()
	writeOldFile(t, path, now.Add(-time.Hour),
		record{Kind: Declined, Words: []string{"acacia", "jack", "road", "smith", "trampoline", "zorbing"},
			Phrases: []string{"acacia road", "jack smith", "road trampoline", "smith acacia", "trampoline zorbing"}},
		record{Kind: NotHelpful, Words: []string{"green", "mrs", "respite", "trampoline"},
			Phrases: []string{"green respite", "mrs green", "respite trampoline"}},
		record{Kind: Declined, Words: []string{"grace", "green"}, Phrases: []string{"grace green"}},
		record{Kind: Declined, Words: []string{"jack", "smith"}, Phrases: []string{"jack smith"}},
	)
	// The documents use all but the names and "zorbing"; "green" only in
	// lower case, and the old records do not say how it was written.
	v := vocab{known: setOf("acacia road trampoline respite green mrs"), lowerOnly: setOf("green")}
	st := open(t, path, 30*day, v)
	r, err := st.Report(now.Add(-day), now)
	if err != nil {
		t.Fatal(err)
	}
	want := Report{Declined: 3, NotHelpful: 1, // the last two keep no word, but are counted
		Words:   []Count{{"trampoline", 2}},
		Phrases: nil}
	if !reflect.DeepEqual(r, want) {
		t.Errorf("after opening an old file\n got %+v\nwant %+v", r, want)
	}
	st.Close()
	if got := fileHolds(t, path, "acacia", "jack", "smith", "zorbing", "green", "grace", "mrs"); len(got) > 0 {
		t.Errorf("the file still holds %q", got)
	}
	if got := fileHolds(t, path, "respite", "trampoline"); len(got) != 2 {
		t.Errorf("the file lost the ordinary words: holds only %q", got)
	}

	// The file is read as this version's from now on: a record of it is
	// not judged again.
	st = open(t, path, 30*day, everyWord{})
	if err := st.Record(Declined, Reduce("grace green", everyWord{}), now); err != nil {
		t.Fatal(err)
	}
	st.Close()
	st = open(t, path, 30*day, vocabOf(""))
	defer st.Close()
	if r, err := st.Report(now.Add(-day), now); err != nil || r.Declined != 4 {
		t.Errorf("reopened: %+v %v, want the new record kept", r, err)
	}
}
