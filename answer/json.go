package answer

import (
	"encoding/json"
	"io"
	"time"

	"github.com/sendbot/sendbot/index"
)

// JSONLine is one line of `sendbot search --json`: a question and what
// the search made of it, for programs (bench/fts5 compares engines with
// it).
type JSONLine struct {
	Query    string    `json:"query"`
	TookMS   float64   `json:"took_ms"`
	Answered bool      `json:"answered"`
	Results  []JSONHit `json:"results"`
	// Error says why the question could not be searched; the rest is
	// then empty.
	Error string `json:"error,omitempty"`
	// Area is the area searched first, as the index shows it.
	Area string `json:"area,omitempty"`
	// Confidence is the model's probability that answering is right.
	Confidence float64 `json:"confidence"`
	// Uncovered is the place the question is about when the documents
	// have nothing local there, and Country that place's country.
	Uncovered   string             `json:"uncovered,omitempty"`
	Country     string             `json:"country,omitempty"`
	Corrections []index.Correction `json:"corrections,omitempty"`
	Unknown     []string           `json:"unknown,omitempty"`
	// Signposts are, when the search declines, where to ask instead.
	Signposts []JSONSignpost `json:"signposts,omitempty"`
	// Rephrased is, when the search answered the question without the
	// everyday words after it, the question it answered, and LeftOut
	// those words (index.Result.Rephrased).
	Rephrased string `json:"rephrased,omitempty"`
	LeftOut   string `json:"left_out,omitempty"`
}

// JSONHit is one passage of a JSONLine.
type JSONHit struct {
	Title     string  `json:"title"`
	SourceURL string  `json:"source_url"`
	Area      string  `json:"area"`
	Kind      string  `json:"kind"`
	Published string  `json:"published"`
	Section   string  `json:"section"`
	Page      int     `json:"page"`
	Path      string  `json:"path"`
	Text      string  `json:"text"`
	Score     float64 `json:"score"`
	// Stale marks a passage from a document published longer ago than
	// the limit (SENDBOT_STALE_AFTER), and StaleReason says so: "over 2
	// years old"; it is "" when Stale is false.
	Stale       bool           `json:"stale"`
	StaleReason string         `json:"stale_reason"`
	Jargon      []index.Jargon `json:"jargon,omitempty"`
}

// JSONSignpost is one place to ask instead.
type JSONSignpost struct {
	What      string `json:"what"`
	Title     string `json:"title"`
	SourceURL string `json:"source_url"`
}

// Write writes the line as one line of JSON.
func (l JSONLine) Write(w io.Writer) error {
	data, err := json.Marshal(l)
	if err != nil {
		return err
	}
	_, err = w.Write(append(data, '\n'))
	return err
}

// NewJSONLine is the line for query: its result, with passages dated
// against now and maxAge, or, when err is set, its Error.
func NewJSONLine(query string, res index.Result, err error, now time.Time, maxAge time.Duration) JSONLine {
	line := JSONLine{Query: query, Results: []JSONHit{}}
	if err != nil {
		line.Error = err.Error()
		return line
	}
	line.Answered, line.Area, line.Confidence = res.Answered, res.Area, res.Confidence
	line.Uncovered, line.Country = res.Uncovered, res.Country
	line.Corrections, line.Unknown = res.Corrections, res.Unknown
	line.Rephrased, line.LeftOut = res.Rephrased, res.LeftOut
	for _, s := range res.Signposts {
		line.Signposts = append(line.Signposts, JSONSignpost{What: s.What, Title: s.Hit.Title, SourceURL: s.Hit.SourceURL})
	}
	for _, h := range res.Hits {
		st := h.Staleness(now, maxAge)
		line.Results = append(line.Results, JSONHit{
			Title: h.Title, SourceURL: h.SourceURL, Area: h.Area, Kind: h.Kind, Published: h.Published,
			Section: h.Section, Page: h.Page, Path: h.Path, Text: h.Text, Score: h.Score,
			Stale: st.Stale, StaleReason: st.Reason, Jargon: h.Jargon,
		})
	}
	return line
}
