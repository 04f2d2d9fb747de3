// Package synth writes the synthetic corpora sendbot's benchmarks measure
// at the sizes a regional or national deployment reaches: Markdown files
// of passages made from the word and heading bigrams of a real corpus
// (../shared/corpus), never its whole sentences, spread over twenty
// fictional areas and a few national files, from a fixed seed. It also
// holds the parent-style questions the benchmarks ask of them.
//
//	v, err := synth.Learn("../shared/corpus")
//	err = synth.Generate(dir, v, 100000, 7)
//	for _, q := range synth.Questions { ... q.Text, q.Area ... }
package synth

import (
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"
	"unicode"

	"github.com/sendbot/sendbot/corpus"
)

// Areas is how many fictional areas the passages are spread over;
// PerFile is how many passages (one per section) each Markdown file holds.
const (
	Areas   = 20
	PerFile = 300
)

// Question is one of the fixed parent-style questions.
type Question struct {
	Text string `json:"text"`
	Area string `json:"area"`
}

// Questions are the benchmarks' questions, asked in this order. About a
// third name an area, as a server with a default area would.
var Questions = []Question{
	{"how do i get an ehcp", ""},
	{"autism assessment waiting time", "Area 03"},
	{"short breaks for disabled children", ""},
	{"what is the local offer", "Area 07"},
	{"how do I ask for an EHC needs assessment?", ""},
	{"my child is not getting the support in their plan", "Area 12"},
	{"school transport for a child with SEND", ""},
	{"speech and language therapy referral", "Area 01"},
	{"can I appeal to the tribunal about the school named", ""},
	{"annual review of an education health and care plan", ""},
	{"who is the SENCO and what do they do", "Area 15"},
	{"personal budget for my son", ""},
	{"mental health support for young people CAMHS", "Area 20"},
	{"preparing for adulthood after 16", ""},
	{"help with behaviour at school exclusion", "Area 09"},
	{"occupational therapy sensory needs", ""},
	{"what does SEN support mean in a mainstream school", ""},
	{"respite care for parents of disabled children", "Area 05"},
	{"how long does the council have to decide", ""},
	{"special school places and admissions", ""},
	{"ADHD diagnosis for my daughter", "Area 11"},
	{"parent carer forum near me", ""},
	{"independent advice and support service SENDIASS", ""},
	{"mediation before an appeal", "Area 18"},
	{"home to school travel assistance eligibility", ""},
	{"funding for a teaching assistant in the classroom", ""},
	{"early years support for a child under five", "Area 02"},
	{"what happens at an inspection of SEND services", ""},
	{"disability living allowance for children", ""},
	{"my child refuses to go to school anxiety", "Area 14"},
}

// chain is a bigram model: for each word, the words seen after it, as
// often as they were seen. "" starts and ends a run.
type chain struct{ next map[string][]string }

func (c *chain) learn(words []string) {
	prev := ""
	for _, w := range words {
		c.next[prev] = append(c.next[prev], w)
		prev = w
	}
	c.next[prev] = append(c.next[prev], "")
}

// say walks the chain from the start for between lo and hi words,
// restarting when it reaches an end.
func (c *chain) say(rng *rand.Rand, lo, hi int) []string {
	n := lo + rng.IntN(hi-lo+1)
	out := make([]string, 0, n)
	prev := ""
	for len(out) < n {
		options := c.next[prev]
		w := options[rng.IntN(len(options))]
		if w == "" {
			prev = ""
			continue
		}
		out = append(out, w)
		prev = w
	}
	return out
}

// Vocabulary is what the generator learnt from the real corpus: sentences
// of passage text, headings and titles, each as a bigram chain.
type Vocabulary struct{ text, heading, title chain }

// Learn learns the vocabulary of the corpus in dir.
func Learn(dir string) (*Vocabulary, error) {
	real, err := corpus.Load(os.DirFS(dir))
	if err != nil {
		return nil, fmt.Errorf("read %s: %w", dir, err)
	}
	return learn(real.Documents), nil
}

// Words is how many distinct words of passage text v has learnt.
func (v *Vocabulary) Words() int { return len(v.text.next) }

func learn(docs []corpus.Document) *Vocabulary {
	v := &Vocabulary{chain{map[string][]string{}}, chain{map[string][]string{}}, chain{map[string][]string{}}}
	for _, d := range docs {
		v.title.learn(words(d.Title))
		for _, p := range d.Passages {
			if i := strings.LastIndex(p.Section, corpus.SectionSeparator); i >= 0 {
				v.heading.learn(words(p.Section[i+len(corpus.SectionSeparator):]))
			} else if p.Section != "" {
				v.heading.learn(words(p.Section))
			}
			for _, s := range strings.Split(p.Text, ". ") {
				if w := words(s); len(w) > 2 {
					v.text.learn(w)
				}
			}
		}
	}
	for _, c := range []*chain{&v.text, &v.heading, &v.title} {
		if len(c.next[""]) == 0 {
			c.learn([]string{"support"})
		}
	}
	return v
}

// words splits s into words of letters and digits (with inner
// apostrophes and hyphens), keeping their case.
func words(s string) []string {
	return strings.FieldsFunc(s, func(r rune) bool {
		return !unicode.IsLetter(r) && !unicode.IsDigit(r) && r != '\'' && r != '-'
	})
}

// Generate writes n passages as Markdown files under dir: one file in
// Areas+1 to a national folder, the rest spread over the areas, PerFile
// sections a file, each section one passage of 60 to 140 words. The
// same seed and n give the same files.
func Generate(dir string, v *Vocabulary, n int, seed uint64) error {
	rng := rand.New(rand.NewPCG(seed, uint64(n)))
	// At least one file per area and a national one, so small sizes
	// still hold every area the questions name.
	files := max((n+PerFile-1)/PerFile, Areas+2)
	each := (n + files - 1) / files
	left := n
	for f := range files {
		area, folder := "England", "england"
		if f%(Areas+1) != Areas { // one file in Areas+1 is national
			a := f - f/(Areas+1)
			area, folder = fmt.Sprintf("Area %02d", a%Areas+1), fmt.Sprintf("area-%02d", a%Areas+1)
		}
		title := sentence(v.title.say(rng, 3, 8), false)
		var b strings.Builder
		fmt.Fprintf(&b, "---\ntitle: %s\nsource_url: https://example.org/%s/doc-%06d\npublisher: Synthetic (bench/perf)\n"+
			"published: unknown\narea: %s\nkind: local-offer\nlicence: synthetic\n---\n# %s\n\n", title, folder, f, area, title)
		for range min(each, left) {
			fmt.Fprintf(&b, "## %s\n\n", sentence(v.heading.say(rng, 2, 6), false))
			words := 0
			for words < 60 {
				s := v.text.say(rng, 8, 24)
				words += len(s)
				b.WriteString(sentence(s, true) + " ")
			}
			b.WriteString("\n\n")
			left--
		}
		path := filepath.Join(dir, folder, fmt.Sprintf("doc-%06d.md", f))
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			return err
		}
		if err := os.WriteFile(path, []byte(b.String()), 0o644); err != nil {
			return err
		}
	}
	return nil
}

// sentence joins words with a capital first letter, and a full stop when stop.
func sentence(w []string, stop bool) string {
	s := strings.Join(w, " ")
	if s != "" {
		r := []rune(s)
		r[0] = unicode.ToUpper(r[0])
		s = string(r)
	}
	if stop {
		s += "."
	}
	return s
}
