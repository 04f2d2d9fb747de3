// Package gaps keeps what the group's moderators need to see which
// information the bot is missing: the words of the questions it declined,
// and of those whose answer a parent marked "Not helpful".
//
// Parents' questions are personal data, so a question is never stored
// whole: Record reduces it to at most MaxWords content words (lower case,
// without stop words, question words, numbers or punctuation) and the
// two-word phrases of neighbouring content words, and stores those as
// sorted sets, with the kind of gap and the time, never a user ID. Records
// are kept for the store's keep period and then deleted; Report adds them
// up, and shows only words and phrases that more than one question used.
//
//	st, err := gaps.Open(filepath.Join(dataDir, "gaps.db"), 30*24*time.Hour)
//	err = st.Record(gaps.Declined, question, time.Now())
//	r, err := st.Report(time.Now().AddDate(0, 0, -7), time.Now())
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
	// MaxWords is how many content words of a question are kept.
	MaxWords = 12
	// maxWordRunes drops longer "words": links, keyboard mashing.
	maxWordRunes = 30
	// TopWords and TopPhrases are how many of each a Report lists.
	TopWords   = 20
	TopPhrases = 10
	// MinQuestions is how many questions must have used a word or phrase
	// before a Report shows it, so that a word one parent typed once (a
	// child's name, a school) is never shown.
	MinQuestions = 2
)

// ErrOff is what Report returns when the store keeps nothing.
var ErrOff = errors.New("gap recording is off")

var bucketRecords = []byte("records") // time and sequence -> record

// Store is an open gaps file. It is safe for concurrent use.
type Store struct {
	db   *bolt.DB // nil when recording is off
	keep time.Duration
}

// Open opens the gaps file at path, creating it on first use, and deletes
// the records older than keep. With keep 0 (or less) it returns a store
// that records nothing, and deletes any file left at path from when
// recording was on, so that nothing is kept longer than promised.
func Open(path string, keep time.Duration) (*Store, error) {
	if keep <= 0 {
		if err := os.Remove(path); err != nil && !errors.Is(err, os.ErrNotExist) {
			return nil, fmt.Errorf("gap recording is off, but the old gaps file %s could not be deleted: %w", path, err)
		}
		return &Store{}, nil
	}
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return nil, fmt.Errorf("gaps file %s: %w", path, err)
	}
	db, err := bolt.Open(path, 0o600, &bolt.Options{Timeout: 5 * time.Second})
	if err != nil {
		return nil, fmt.Errorf("open gaps file %s: %w (is another sendbot using it?)", path, err)
	}
	st := &Store{db: db, keep: keep}
	err = db.Update(func(tx *bolt.Tx) error {
		b, err := tx.CreateBucketIfNotExists(bucketRecords)
		if err != nil {
			return err
		}
		return purge(b, time.Now().Add(-keep))
	})
	if err != nil {
		db.Close()
		return nil, fmt.Errorf("gaps file %s: %w", path, err)
	}
	return st, nil
}

// Close closes the file.
func (st *Store) Close() error {
	if st.db == nil {
		return nil
	}
	return st.db.Close()
}

// Keep is how long records are kept; 0 means recording is off.
func (st *Store) Keep() time.Duration { return st.keep }

// record is what is stored for one question: never the question itself.
type record struct {
	Kind    Kind     `json:"k"`
	Words   []string `json:"w"` // sorted
	Phrases []string `json:"p"` // sorted
}

// Record notes that question, asked at at, is a gap of the given kind: it
// stores only the question's content words and phrases (see Words), and
// deletes the records that at makes too old. A question with no content
// words is not stored; when recording is off nothing is.
func (st *Store) Record(kind Kind, question string, at time.Time) error {
	if st.db == nil {
		return nil
	}
	if kind != Declined && kind != NotHelpful {
		return fmt.Errorf("gaps: unknown kind %d", kind)
	}
	words := Words(question)
	if len(words) == 0 {
		return nil
	}
	r := record{Kind: kind, Words: slices.Clone(words), Phrases: phrases(words)}
	slices.Sort(r.Words)
	slices.Sort(r.Phrases)
	data, err := json.Marshal(r)
	if err != nil {
		return err
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

// Purge deletes the records older than the keep period at now. Open and
// Record purge too, so this is for a long quiet spell.
func (st *Store) Purge(now time.Time) error {
	if st.db == nil {
		return nil
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
	if st.db == nil {
		return r, ErrOff
	}
	if cutoff := now.Add(-st.keep); since.Before(cutoff) {
		since = cutoff
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

// Words reduces text to its content words, in order, each once and at
// most MaxWords of them: lower case, without stop words, question words,
// words of one letter, and anything with a digit in it. Words of its own
// result gives the same words back, so a caller may keep them instead of
// the text and Record them later.
func Words(text string) []string {
	var out []string
	seen := map[string]bool{}
	for _, w := range strings.FieldsFunc(strings.ToLower(text), func(r rune) bool { return !unicode.IsLetter(r) && !unicode.IsDigit(r) }) {
		n := utf8.RuneCountInString(w)
		if n < 2 || n > maxWordRunes || stopWords[w] || seen[w] || strings.IndexFunc(w, unicode.IsDigit) >= 0 {
			continue
		}
		seen[w] = true
		out = append(out, w)
		if len(out) == MaxWords {
			break
		}
	}
	return out
}

// phrases are the pairs of neighbouring content words, each once.
func phrases(words []string) []string {
	var out []string
	for i := 1; i < len(words); i++ {
		if p := words[i-1] + " " + words[i]; !slices.Contains(out, p) {
			out = append(out, p)
		}
	}
	return out
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
