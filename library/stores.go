package library

import (
	"time"

	"github.com/sendbot/sendbot/feedback"
	"github.com/sendbot/sendbot/gaps"
)

// OpenFeedback opens the file that keeps Helpful / Not helpful votes for
// the corpus: feedback/<corpus>/feedback.db under the data folder. (With
// DATABASE_URL, serve keeps them in PostgreSQL instead: store/postgres.)
func (l *Library) OpenFeedback() (*feedback.Store, error) {
	path, err := l.DataFile("feedback", "feedback.db")
	if err != nil {
		return nil, err
	}
	return feedback.Open(path)
}

// OpenGaps opens the file that keeps the words of declined and
// not-helpful questions for the corpus, gaps/<corpus>/gaps.db under the
// data folder, for keep; it keeps only the words vocab (the index) knows.
// With a keep of 0 (SENDBOT_GAPS_KEEP=0) it records nothing and deletes
// that file.
func (l *Library) OpenGaps(keep time.Duration, vocab gaps.Vocabulary) (*gaps.Store, error) {
	path, err := l.DataFile("gaps", "gaps.db")
	if err != nil {
		return nil, err
	}
	return gaps.Open(path, keep, vocab)
}
