// Package gaps keeps what the group's moderators need to see which
// information the bot is missing: words of the questions it declined,
// and of those whose answer a parent marked "Not helpful".
//
// Parents' questions are personal data, so a question is never stored
// whole, and nothing in it that could name or find someone is stored at
// all: Reduce keeps only the words the bot's own documents use as
// ordinary words (see Reduce for the rule), at most MaxWords, and the
// two-word phrases of neighbouring kept words; Record stores those as
// sorted sets, with the kind of gap and the time, never a user ID.
// Records are kept for the store's keep period and then deleted; Report
// adds them up, and shows only words and phrases that more than one
// question used; Remove forgets one word or phrase in every record.
//
//	st, err := gaps.Open(filepath.Join(dataDir, "gaps.db"), 30*24*time.Hour, live)
//	err = st.Record(gaps.Declined, st.Reduce(question), time.Now())
//	r, err := st.Report(time.Now().AddDate(0, 0, -7), time.Now())
//	removed, err := st.Remove("jack smith") // errors.Is(err, gaps.ErrNotAnEntry)
package gaps

import (
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strings"
	"sync"
	"time"
	"unicode"
	"unicode/utf8"

	bolt "go.etcd.io/bbolt"
)

// Kind is why a question is a gap.
type Kind uint8

const (
	// Declined is a question the bot found no answer to.
	Declined Kind = iota + 1
	// NotHelpful is a question whose answer a parent marked Not helpful.
	NotHelpful
)

func (k Kind) String() string {
	switch k {
	case Declined:
		return "declined"
	case NotHelpful:
		return "not helpful"
	}
	return fmt.Sprintf("Kind(%d)", k)
}

const (
	// MaxWords is how many words of a question are kept.
	MaxWords = 12
	// maxWordRunes drops longer "words": links, keyboard mashing.
	maxWordRunes = 30
	// TopWords and TopPhrases are how many of each a Report lists.
	TopWords   = 20
	TopPhrases = 10
	// MinQuestions is how many questions must have used a word or phrase
	// before a Report shows it, so that a word one parent typed once is
	// never shown.
	MinQuestions = 2
)

var (
	// ErrOff is what Report and Remove return when the store keeps nothing.
	ErrOff = errors.New("gap recording is off")
	// ErrNotAnEntry is what Remove returns for text that is not a word or
	// a two-word phrase as a Report shows them.
	ErrNotAnEntry = errors.New("not a word or a two-word phrase")
)

// Vocabulary tells the words the bot's documents use as ordinary words
// from the rest. *index.Index and *index.Live are ones.
type Vocabulary interface {
	// Knows reports whether word, written as the parent wrote it, is one
	// of the documents' or the glossary's own ordinary words, and not a
	// name: not one the documents only write with a capital ("Smith" of
	// "Smith House") or in an address, nor one the dictionary knows
	// only as a name ("Jane") or, written with a capital, as a name at
	// all ("Jack", "Green").
	Knows(word string) bool
}

var (
	bucketRecords = []byte("records") // time and sequence -> record
	bucketMeta    = []byte("meta")
	keyFormat     = []byte("format")
)

// format is the version of the records' rule. Records of the first
// version, with no format, kept every content word, names included; Open
// takes out of them what the rule of this one would not have kept.
const format = "2"

// Store is an open gaps file. It is safe for concurrent use.
type Store struct {
	path  string
	keep  time.Duration // 0 when recording is off
	vocab Vocabulary
	// mu is held to read by every use of db, and to write while compact
	// replaces it.
	mu sync.RWMutex
	db *bolt.DB // nil when recording is off, and once closed
}

// errClosed is what a closed store returns.
var errClosed = errors.New("the gaps file is closed")

// Open opens the gaps file at path, creating it on first use, deletes the
// records older than keep, and copies the file afresh, so that nothing
// deleted stays in it. Words are kept only when vocab knows them (see
// Reduce); records from a version of sendbot with an older rule are
// reduced to what the rule would keep, the first time (see forgetOld).
// With keep 0 (or less) it returns a store that records nothing, and
// deletes any file left at path from when recording was on, so that
// nothing is kept longer than promised.
func Open(path string, keep time.Duration, vocab Vocabulary) (*Store, error) {
	if keep <= 0 {
		if err := os.Remove(path); err != nil && !errors.Is(err, os.ErrNotExist) {
			return nil, fmt.Errorf("gap recording is off, but the old gaps file %s could not be deleted: %w", path, err)
		}
		return &Store{}, nil
	}
	if vocab == nil {
		return nil, fmt.Errorf("gaps file %s: no vocabulary to tell the documents' words from names", path)
	}
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return nil, fmt.Errorf("gaps file %s: %w", path, err)
	}
	db, err := bolt.Open(path, 0o600, &bolt.Options{Timeout: 5 * time.Second})
	if err != nil {
		return nil, fmt.Errorf("open gaps file %s: %w (is another sendbot using it?)", path, err)
	}
	st := &Store{path: path, db: db, keep: keep, vocab: vocab}
	err = db.Update(func(tx *bolt.Tx) error {
		b, err := tx.CreateBucketIfNotExists(bucketRecords)
		if err != nil {
			return err
		}
		meta, err := tx.CreateBucketIfNotExists(bucketMeta)
		if err != nil {
			return err
		}
		if string(meta.Get(keyFormat)) != format {
			if err := forgetOld(b, vocab); err != nil {
				return err
			}
			if err := meta.Put(keyFormat, []byte(format)); err != nil {
				return err
			}
		}
		return purge(b, time.Now().Add(-keep))
	})
	if err == nil {
		// What was deleted while the bot last ran (records purged as
		// they aged) goes from the disk now, at the latest.
		err = st.compact()
	}
	if err != nil {
		st.Close()
		return nil, fmt.Errorf("gaps file %s: %w", path, err)
	}
	return st, nil
}

// compact copies the file into a new one that replaces it, so that what
// was deleted is gone from the disk too: bolt leaves deleted data in the
// file's free pages until it reuses them. The caller holds mu to write.
func (st *Store) compact() error {
	tmp := st.path + ".new"
	if err := os.Remove(tmp); err != nil && !errors.Is(err, os.ErrNotExist) {
		return fmt.Errorf("compact: %w", err)
	}
	dst, err := bolt.Open(tmp, 0o600, &bolt.Options{Timeout: 5 * time.Second})
	if err != nil {
		return fmt.Errorf("compact: %w", err)
	}
	if err := errors.Join(bolt.Compact(dst, st.db, 0), dst.Close()); err != nil {
		os.Remove(tmp)
		return fmt.Errorf("compact: %w", err)
	}
	if err := st.db.Close(); err != nil {
		os.Remove(tmp)
		return fmt.Errorf("compact: %w", err)
	}
	// From here on st.db is closed: reopen whichever file is in place.
	renameErr := os.Rename(tmp, st.path)
	st.db, err = bolt.Open(st.path, 0o600, &bolt.Options{Timeout: 5 * time.Second})
	if err != nil {
		st.db = nil
		return fmt.Errorf("compact: reopen: %w", errors.Join(renameErr, err))
	}
	if renameErr != nil {
		os.Remove(tmp)
		return fmt.Errorf("compact: %w", renameErr)
	}
	return nil
}

// Close closes the file.
func (st *Store) Close() error {
	st.mu.Lock()
	defer st.mu.Unlock()
	if st.db == nil {
		return nil
	}
	err := st.db.Close()
	st.db = nil
	return err
}

// Keep is how long records are kept; 0 means recording is off.
func (st *Store) Keep() time.Duration { return st.keep }

// record is what is stored for one question: never the question itself.
type record struct {
	Kind    Kind     `json:"k"`
	Words   []string `json:"w"` // sorted
	Phrases []string `json:"p"` // sorted
}

// Gap is what is kept of one question: the words and phrases Reduce
// keeps, never the question. Only Reduce makes one, so nothing else gets
// into the file.
type Gap struct {
	words   []string // in the question's order
	phrases []string
}

// Words are the words kept, in the question's order.
func (g Gap) Words() []string { return slices.Clone(g.words) }

// Phrases are the two-word phrases kept, in the question's order.
func (g Gap) Phrases() []string { return slices.Clone(g.phrases) }

// Reduce is Reduce(question, the store's vocabulary); when recording is
// off it keeps nothing, without looking a word up.
func (st *Store) Reduce(question string) Gap {
	if st.keep <= 0 {
		return Gap{}
	}
	return Reduce(question, st.vocab)
}

// Record notes that a question, reduced to g, asked at at, is a gap of
// the given kind, and deletes the records that at makes too old. A
// question of which no word was kept is still counted; when recording is
// off nothing is.
func (st *Store) Record(kind Kind, g Gap, at time.Time) error {
	if st.keep <= 0 {
		return nil
	}
	if kind != Declined && kind != NotHelpful {
		return fmt.Errorf("gaps: unknown kind %d", kind)
	}
	r := record{Kind: kind, Words: slices.Clone(g.words), Phrases: slices.Clone(g.phrases)}
	slices.Sort(r.Words)
	slices.Sort(r.Phrases)
	data, err := json.Marshal(r)
	if err != nil {
		return err
	}
	st.mu.RLock()
	defer st.mu.RUnlock()
	if st.db == nil {
		return errClosed
	}
	return st.db.Update(func(tx *bolt.Tx) error {
		b := tx.Bucket(bucketRecords)
		seq, err := b.NextSequence()
		if err != nil {
			return err
		}
		if err := b.Put(recordKey(at, seq), data); err != nil {
			return err
		}
		// Keys sort by time, so this costs one step unless some are due.
		return purge(b, at.Add(-st.keep))
	})
}

// Removed is what Remove took out.
type Removed struct {
	// Entry is the word or phrase, as a Report shows it.
	Entry string
	// Phrase is set when Entry is a two-word phrase.
	Phrase bool
	// Questions is how many questions' records held it; 0 when none did.
	Questions int
}

// Remove deletes a word or a two-word phrase, written as a Report shows
// it ("jack", "jack smith"; case, punctuation and counts are left out),
// from every record, whatever its age: a word with the phrases that have
// it, a phrase alone; then it copies the file into a new one, so nothing
// of it is left on the disk. The questions stay counted. It returns
// ErrNotAnEntry for text that is no word or more than two, and ErrOff
// when recording is off.
func (st *Store) Remove(entry string) (Removed, error) {
	if st.keep <= 0 {
		return Removed{}, ErrOff
	}
	rm, err := ParseEntry(entry)
	if err != nil {
		return Removed{}, err
	}
	st.mu.Lock()
	defer st.mu.Unlock()
	if st.db == nil {
		return Removed{}, errClosed
	}
	err = st.db.Update(func(tx *bolt.Tx) error {
		return rewrite(tx.Bucket(bucketRecords), func(r record) (record, bool) {
			out := r
			if rm.Phrase {
				out.Phrases = slices.DeleteFunc(slices.Clone(r.Phrases), func(p string) bool { return p == rm.Entry })
			} else {
				out.Words = slices.DeleteFunc(slices.Clone(r.Words), func(w string) bool { return w == rm.Entry })
				out.Phrases = slices.DeleteFunc(slices.Clone(r.Phrases), func(p string) bool {
					a, b, _ := strings.Cut(p, " ")
					return a == rm.Entry || b == rm.Entry
				})
			}
			changed := len(out.Words) != len(r.Words) || len(out.Phrases) != len(r.Phrases)
			if changed {
				rm.Questions++
			}
			return out, changed
		})
	})
	if err == nil && rm.Questions > 0 {
		err = st.compact()
	}
	if err != nil {
		return Removed{}, fmt.Errorf("gaps: remove: %w", err)
	}
	return rm, nil
}

// ParseEntry reads a word or a two-word phrase as Remove takes it
// ("Jack", "Jack Smith (2)": case, punctuation and counts are left out),
// into a Removed that has removed nothing yet; ErrNotAnEntry for text
// that is no word or more than two.
func ParseEntry(entry string) (Removed, error) {
	words := strings.FieldsFunc(strings.ToLower(entry), func(r rune) bool { return !unicode.IsLetter(r) })
	if len(words) == 0 || len(words) > 2 {
		return Removed{}, ErrNotAnEntry
	}
	return Removed{Entry: strings.Join(words, " "), Phrase: len(words) == 2}, nil
}

// rewrite puts back each record that change changed.
func rewrite(b *bolt.Bucket, change func(record) (record, bool)) error {
	updates := map[string][]byte{} // key -> new value
	err := b.ForEach(func(k, v []byte) error {
		var r record
		if err := json.Unmarshal(v, &r); err != nil {
			return fmt.Errorf("record %x: %w", k, err)
		}
		if out, changed := change(r); changed {
			data, err := json.Marshal(out)
			if err != nil {
				return err
			}
			updates[string(k)] = data
		}
		return nil
	})
	if err != nil {
		return err
	}
	for k, v := range updates {
		if err := b.Put([]byte(k), v); err != nil {
			return err
		}
	}
	return nil
}

// forgetOld reduces each record of the first version to what Reduce would
// have kept; the question stays counted. How a word was written
// was not kept, so each is judged as if written with a capital, the
// strictest reading: "green" goes, for it might have been Mrs Green. A
// street or title is found from the phrases ("acacia road", "mrs
// green"), which held each pair of neighbouring words.
func forgetOld(b *bolt.Bucket, vocab Vocabulary) error {
	return rewrite(b, func(r record) (record, bool) {
		dropped := map[string]bool{}
		for _, p := range r.Phrases {
			first, second, _ := strings.Cut(p, " ")
			if streetWords[second] || capitalStreetWords[second] {
				dropped[first], dropped[second] = true, true
			}
			if titles[first] {
				dropped[second] = true
			}
		}
		out := record{Kind: r.Kind}
		for _, w := range r.Words {
			if !dropped[w] && !titles[w] && isContentWord(w) && vocab.Knows(capitalised(w)) {
				out.Words = append(out.Words, w)
			}
		}
		for _, p := range r.Phrases {
			first, second, _ := strings.Cut(p, " ")
			if first != second && slices.Contains(out.Words, first) && slices.Contains(out.Words, second) {
				out.Phrases = append(out.Phrases, p)
			}
		}
		return out, !slices.Equal(out.Words, r.Words) || !slices.Equal(out.Phrases, r.Phrases)
	})
}

// capitalised is w with a capital first letter.
func capitalised(w string) string {
	r, n := utf8.DecodeRuneInString(w)
	return string(unicode.ToUpper(r)) + w[n:]
}

// Purge deletes the records older than the keep period at now. Open and
// Record purge too, so this is for a long quiet spell.
func (st *Store) Purge(now time.Time) error {
	if st.keep <= 0 {
		return nil
	}
	st.mu.RLock()
	defer st.mu.RUnlock()
	if st.db == nil {
		return errClosed
	}
	return st.db.Update(func(tx *bolt.Tx) error {
		return purge(tx.Bucket(bucketRecords), now.Add(-st.keep))
	})
}

// purge deletes the records from before cutoff; one at cutoff stays.
func purge(b *bolt.Bucket, cutoff time.Time) error {
	end := timeKey(cutoff)
	c := b.Cursor()
	for k, _ := c.First(); k != nil && string(k[:8]) < string(end); k, _ = c.First() {
		if err := c.Delete(); err != nil {
			return err
		}
	}
	return nil
}

// recordKey sorts records by time; the sequence number keeps two records
// of the same instant apart.
func recordKey(at time.Time, seq uint64) []byte {
	return binary.BigEndian.AppendUint64(timeKey(at), seq)
}

// timeKey is at as 8 bytes that sort as the times do (times before 1970
// count as 1970).
func timeKey(at time.Time) []byte {
	return binary.BigEndian.AppendUint64(nil, uint64(max(0, at.UnixNano())))
}

// Count is how many questions used a word or phrase.
type Count struct {
	Text      string
	Questions int
}

// Report adds up the gaps of a period.
type Report struct {
	// Declined and NotHelpful are how many questions of each kind there were.
	Declined, NotHelpful int
	// Words are the content words most questions used, at most TopWords,
	// and Phrases the two-word phrases, at most TopPhrases: most used
	// first, ties alphabetically, each used by at least MinQuestions.
	Words   []Count
	Phrases []Count
}

// Empty reports whether no question was recorded in the period.
func (r Report) Empty() bool { return r.Declined == 0 && r.NotHelpful == 0 }

// Report adds up the records from since to now, both included, that are
// no older than the keep period at now. It returns ErrOff when recording
// is off.
func (st *Store) Report(since, now time.Time) (Report, error) {
	var r Report
	if st.keep <= 0 {
		return r, ErrOff
	}
	if cutoff := now.Add(-st.keep); since.Before(cutoff) {
		since = cutoff
	}
	st.mu.RLock()
	defer st.mu.RUnlock()
	if st.db == nil {
		return r, errClosed
	}
	words, phrases := map[string]int{}, map[string]int{}
	err := st.db.View(func(tx *bolt.Tx) error {
		c := tx.Bucket(bucketRecords).Cursor()
		end := timeKey(now)
		for k, v := c.Seek(timeKey(since)); k != nil && string(k[:8]) <= string(end); k, v = c.Next() {
			var rec record
			if err := json.Unmarshal(v, &rec); err != nil {
				return fmt.Errorf("record %x: %w", k, err)
			}
			switch rec.Kind {
			case Declined:
				r.Declined++
			case NotHelpful:
				r.NotHelpful++
			}
			for _, w := range rec.Words {
				words[w]++
			}
			for _, p := range rec.Phrases {
				phrases[p]++
			}
		}
		return nil
	})
	if err != nil {
		return Report{}, fmt.Errorf("gaps report: %w", err)
	}
	r.Words, r.Phrases = top(words, TopWords), top(phrases, TopPhrases)
	return r, nil
}

// top is the n most counted texts used by at least MinQuestions
// questions, most first, ties alphabetically.
func top(counts map[string]int, n int) []Count {
	var out []Count
	for text, q := range counts {
		if q >= MinQuestions {
			out = append(out, Count{Text: text, Questions: q})
		}
	}
	sort.Slice(out, func(i, j int) bool {
		if out[i].Questions != out[j].Questions {
			return out[i].Questions > out[j].Questions
		}
		return out[i].Text < out[j].Text
	})
	return out[:min(n, len(out))]
}

// Reduce keeps of a question only words that say what a parent was
// looking for and nothing about who they are or where they live. A word
// is kept when
//
//   - it is a content word: letters only, 2 to 30 of them, not a stop
//     word or question word ("what", "my", "son");
//   - the run of text it is in, between spaces, has no digit, @, slash
//     or dot between letters, so no part of a number, date, house
//     number, postcode, phone number, email or web address is kept
//     ("12", "BS1 4DJ", "07700 900123", "jane.doe@example.com");
//   - it is not part of a street name, a street word after another word
//     ("Acacia Road", "station road", "Mill Close"), nor a name after a
//     title ("Mrs Green");
//   - and vocab knows it: the documents or the glossary use it as an
//     ordinary word, and it is not a name (Vocabulary.Knows), so "Jack",
//     "Smith" and "Acacia" go even when a document names a Smith House
//     on Acacia Road.
//
// Each word is kept once, at most MaxWords of them. The phrases are the
// pairs of kept words that were neighbours in the question, stop words
// between them aside; a word that was not kept parts its neighbours, so a
// phrase never joins across a name or a number. When both words of every
// phrase are kept words, no phrase holds what a word may not.
func Reduce(question string, vocab Vocabulary) Gap {
	var g Gap
	seq := contentWords(question)
	kept := make([]bool, len(seq))
	for i, w := range seq {
		if w.dropped || !vocab.Knows(w.written) {
			continue
		}
		if !slices.Contains(g.words, w.lower) {
			if len(g.words) == MaxWords {
				break
			}
			g.words = append(g.words, w.lower)
		}
		kept[i] = true
	}
	for i := 1; i < len(seq); i++ {
		a, b := seq[i-1].lower, seq[i].lower
		if !kept[i-1] || !kept[i] || a == b {
			continue
		}
		if p := a + " " + b; !slices.Contains(g.phrases, p) {
			g.phrases = append(g.phrases, p)
		}
	}
	return g
}

// contentWord is a word of a question that is not a stop word, as
// written and in lower case; dropped marks one that may not be kept,
// and parts the words either side of it.
type contentWord struct {
	written, lower string
	dropped        bool
}

// contentWords are a question's content words, in order, with those
// that may not be kept, whatever the vocabulary, marked dropped (see
// Reduce). A run of text that is a number or an address is one dropped
// word.
func contentWords(text string) []contentWord {
	var words []contentWord
	for _, run := range strings.Fields(text) {
		if strings.IndexFunc(run, unicode.IsDigit) >= 0 || addressLike(run) {
			words = append(words, contentWord{dropped: true})
			continue
		}
		for _, w := range strings.FieldsFunc(run, func(r rune) bool { return !unicode.IsLetter(r) }) {
			words = append(words, contentWord{written: w, lower: strings.ToLower(w)})
		}
	}
	// A street word after a word, and the word; the word after a title.
	for i := range words {
		w := &words[i]
		if titles[w.lower] {
			w.dropped = true
			if i+1 < len(words) {
				words[i+1].dropped = true
			}
		}
		street := streetWords[w.lower] || (capitalStreetWords[w.lower] && w.written != w.lower)
		if street && i > 0 && words[i-1].lower != "" && !stopWords[words[i-1].lower] {
			w.dropped, words[i-1].dropped = true, true
		}
	}
	out := words[:0]
	for _, w := range words {
		if w.dropped || isContentWord(w.lower) {
			out = append(out, w)
		}
	}
	return out
}

// isContentWord reports whether a lower-case word of letters may say
// what a parent was looking for: 2 to 30 letters, not a stop word.
func isContentWord(w string) bool {
	n := utf8.RuneCountInString(w)
	return n >= 2 && n <= maxWordRunes && !stopWords[w] && strings.IndexFunc(w, func(r rune) bool { return !unicode.IsLetter(r) }) < 0
}

// addressLike reports whether a run of text without spaces is, or holds,
// a web or email address or a handle: it has an @ or a slash, starts
// with www. or has a dot between letters ("jane.doe", "example.org").
func addressLike(s string) bool {
	if strings.ContainsAny(s, "@/") || strings.HasPrefix(strings.ToLower(strings.TrimLeft(s, "(<[\"'")), "www.") {
		return true
	}
	prev, before := rune(0), rune(0)
	for _, r := range s {
		if prev == '.' && unicode.IsLetter(r) && unicode.IsLetter(before) {
			return true
		}
		before, prev = prev, r
	}
	return false
}

// streetWords end a street's name in any case ("Acacia Road", "station
// road"); capitalStreetWords only when written with a capital, since in
// lower case they are everyday words ("close to school", "a school
// place").
var (
	streetWords = setOf(`road rd street lane avenue ave crescent terrace mews grove boulevard`)

	capitalStreetWords = setOf(`close drive way place court square gardens walk row hill rise parade view`)
	// titles come before a name: the word after one is not kept.
	titles = setOf(`mr mrs ms mx dr`)
)

// setOf is the set of the words of s.
func setOf(s string) map[string]bool {
	m := map[string]bool{}
	for _, w := range strings.Fields(s) {
		m[w] = true
	}
	return m
}

// stopWords are words that say nothing about what a parent was looking
// for: English function words, question words, greetings, the leftovers
// of contractions, and the words almost every parent's question has
// ("child", "son"), which would crowd out the rest.
var stopWords = func() map[string]bool {
	m := map[string]bool{}
	for _, w := range strings.Fields(`
		a an the and or but nor if then than so as of to in on at by for from with without into onto
		about above after against before below between during over under up down out off again
		is are was were be been being am do does did doing done have has had having
		will would shall should can could may might must ought
		not no yes very too also just only even still ever
		i me my mine myself we us our ours you your yours he him his she her hers they them their theirs
		it its itself this that these those there here such
		what which who whom whose when where why how whether
		any anyone anything some someone something all each every other another both either neither
		get gets got getting go goes going make makes find know tell need want wants
		please thanks thank hi hello hey help dear ok okay
		don doesn didn isn aren wasn weren haven hasn hadn won wouldn couldn shouldn mustn ll ve re
		im ive id
		child son daughter kid kids
	`) {
		m[w] = true
	}
	return m
}()

// gapJSON is how a Gap is written for a store that keeps it until a vote
// (see MarshalJSON).
type gapJSON struct {
	Words   []string `json:"w,omitempty"`
	Phrases []string `json:"p,omitempty"`
}

// MarshalJSON writes the words and phrases kept, so that the answer a
// Gap belongs to can be kept by another store, until a Not helpful vote
// records it; never the question.
func (g Gap) MarshalJSON() ([]byte, error) {
	return json.Marshal(gapJSON{Words: g.words, Phrases: g.phrases})
}

// UnmarshalJSON reads back what MarshalJSON wrote.
func (g *Gap) UnmarshalJSON(data []byte) error {
	var j gapJSON
	if err := json.Unmarshal(data, &j); err != nil {
		return err
	}
	g.words, g.phrases = j.Words, j.Phrases
	return nil
}
