package eval

import (
	"bufio"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"regexp"
	"strings"
)

// Question is one line of a questions file (JSON Lines):
//
//	{"id": "d01", "q": "what does ehcp stand for", "gold": ["Education,? Health and Care Plan"], "area": null}
//	{"id": "dn1", "q": "cheap flights to spain", "gold": [], "expect": "no-answer"}
type Question struct {
	ID string `json:"id"`
	// Text is the question as a parent would type it.
	Text string `json:"q"`
	// Gold are regular expressions; a passage whose shown text matches any
	// of them (ignoring case) answers the question.
	Gold []string `json:"gold"`
	// Area, when set, is the area the question is asked in, as a server's
	// default area would set it.
	Area string `json:"area"`
	// Expect is "no-answer" for questions the bot should decline.
	Expect string `json:"expect"`
	// Kind is what the question is about ("service", "rights",
	// "off-topic"…) and Style how it is written ("typo", "lay",
	// "short"…), for reporting recall by each; both may be empty.
	Kind  string `json:"kind"`
	Style string `json:"style"`

	gold []*regexp.Regexp
}

// NoAnswer reports whether the bot should decline the question.
func (q Question) NoAnswer() bool { return q.Expect == expectNoAnswer }

const expectNoAnswer = "no-answer"

// Matches reports whether text answers the question.
func (q Question) Matches(text string) bool {
	for _, re := range q.gold {
		if re.MatchString(text) {
			return true
		}
	}
	return false
}

// ReadQuestions reads a JSON Lines questions file. Blank lines and lines
// starting with # are ignored. Every mistake is reported with its line
// number, and none is skipped silently: a file with any bad line is
// refused, so a typo cannot quietly make the scores look better.
func ReadQuestions(r io.Reader) ([]Question, error) {
	var (
		out  []Question
		errs []error
		seen = map[string]int{}
	)
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 64*1024), 1<<20)
	for n := 1; sc.Scan(); n++ {
		line := strings.TrimSpace(sc.Text())
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		q, err := parseQuestion(line)
		if err == nil && seen[q.ID] > 0 {
			err = fmt.Errorf("id %q is also used on line %d", q.ID, seen[q.ID])
		}
		if err != nil {
			errs = append(errs, fmt.Errorf("line %d: %w", n, err))
			continue
		}
		seen[q.ID] = n
		out = append(out, q)
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("read questions: %w", err)
	}
	if len(errs) > 0 {
		return nil, errors.Join(errs...)
	}
	if len(out) == 0 {
		return nil, errors.New("no questions in the file (each line should be a JSON object with \"id\", \"q\" and \"gold\")")
	}
	return out, nil
}

func parseQuestion(line string) (Question, error) {
	var q Question
	dec := json.NewDecoder(strings.NewReader(line))
	if err := dec.Decode(&q); err != nil {
		return q, fmt.Errorf("not a JSON object: %v", err)
	}
	q.ID = strings.TrimSpace(q.ID)
	q.Text = strings.TrimSpace(q.Text)
	q.Area = strings.TrimSpace(q.Area)
	switch {
	case q.ID == "":
		return q, errors.New(`no "id"`)
	case q.Text == "":
		return q, fmt.Errorf(`question %s has no "q" (the question text)`, q.ID)
	case q.Expect != "" && q.Expect != expectNoAnswer:
		return q, fmt.Errorf(`question %s: "expect" must be %q or left out, not %q`, q.ID, expectNoAnswer, q.Expect)
	case q.NoAnswer() && len(q.Gold) > 0:
		return q, fmt.Errorf(`question %s expects no answer but has "gold" patterns`, q.ID)
	case !q.NoAnswer() && len(q.Gold) == 0:
		return q, fmt.Errorf(`question %s has no "gold" patterns (or add "expect": "no-answer")`, q.ID)
	}
	for _, g := range q.Gold {
		re, err := regexp.Compile("(?i)" + g)
		if err != nil {
			return q, fmt.Errorf("question %s: gold pattern %q is not a valid regular expression: %v", q.ID, g, err)
		}
		q.gold = append(q.gold, re)
	}
	return q, nil
}

// ReadTwins reads clean twins of typo questions: JSON Lines of an "id"
// of one of qs and its "q" written without the typos. Each twin is its
// question with the clean text, so it is scored against the same gold.
func ReadTwins(path string, qs []Question) ([]Question, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("twins file: %w", err)
	}
	byID := map[string]Question{}
	for _, q := range qs {
		byID[q.ID] = q
	}
	var out []Question
	var errs []error
	for n, line := range strings.Split(string(data), "\n") {
		line = strings.TrimSpace(line)
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		var tw struct {
			ID string `json:"id"`
			Q  string `json:"q"`
		}
		if err := json.Unmarshal([]byte(line), &tw); err != nil {
			errs = append(errs, fmt.Errorf("line %d: not a JSON object: %v", n+1, err))
			continue
		}
		q, ok := byID[tw.ID]
		switch {
		case !ok:
			errs = append(errs, fmt.Errorf("line %d: no question has id %q", n+1, tw.ID))
			continue
		case strings.TrimSpace(tw.Q) == "":
			errs = append(errs, fmt.Errorf("line %d: twin of %s has no \"q\"", n+1, tw.ID))
			continue
		}
		q.Text = strings.TrimSpace(tw.Q)
		out = append(out, q)
	}
	if len(errs) > 0 {
		return nil, fmt.Errorf("twins file %s: %w", path, errors.Join(errs...))
	}
	if len(out) == 0 {
		return nil, fmt.Errorf("twins file %s: no twins", path)
	}
	return out, nil
}

// ReadQuestionFiles reads every questions file at paths; an id may be
// used once across them all.
func ReadQuestionFiles(paths []string) ([]Question, error) {
	var all []Question
	seen := map[string]string{}
	for _, path := range paths {
		f, err := os.Open(path)
		if err != nil {
			return nil, fmt.Errorf("questions file: %w", err)
		}
		qs, err := ReadQuestions(f)
		f.Close()
		if err != nil {
			return nil, fmt.Errorf("questions file %s: %w", path, err)
		}
		for _, q := range qs {
			if other, ok := seen[q.ID]; ok {
				return nil, fmt.Errorf("questions file %s: id %q is also used in %s", path, q.ID, other)
			}
			seen[q.ID] = path
		}
		all = append(all, qs...)
	}
	return all, nil
}
