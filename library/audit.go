package library

import (
	"bufio"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"sync"
	"time"
)

// AuditEntry is one moderator action, as the audit log keeps it.
type AuditEntry struct {
	At     time.Time `json:"at"`
	Who    string    `json:"who"` // Discord user ID
	Action string    `json:"action"`
	Detail string    `json:"detail,omitempty"`
	Result string    `json:"result"`
}

// Audit is the library's audit log: moderator actions appended to a file,
// one JSON object a line, that only its owner can read.
type Audit struct {
	mu   sync.Mutex
	path string
}

// OpenAudit returns the audit log, audit/<corpus>/audit.log under the
// data folder; the file is made by the first Record.
func (l *Library) OpenAudit() (*Audit, error) {
	path, err := l.DataFile("audit", "audit.log")
	if err != nil {
		return nil, err
	}
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return nil, fmt.Errorf("audit log folder: %w", err)
	}
	return &Audit{path: path}, nil
}

// Path is the audit log's file.
func (a *Audit) Path() string { return a.path }

// Record appends e to the log.
func (a *Audit) Record(e AuditEntry) error {
	line, err := json.Marshal(e)
	if err != nil {
		return err
	}
	a.mu.Lock()
	defer a.mu.Unlock()
	f, err := os.OpenFile(a.path, os.O_APPEND|os.O_CREATE|os.O_WRONLY, 0o600)
	if err != nil {
		return err
	}
	if _, err := f.Write(append(line, '\n')); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}

// Entries reads the log back, oldest first; none before the first Record.
func (a *Audit) Entries() ([]AuditEntry, error) {
	a.mu.Lock()
	defer a.mu.Unlock()
	f, err := os.Open(a.path)
	if errors.Is(err, os.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	defer f.Close()
	var out []AuditEntry
	sc := bufio.NewScanner(f)
	sc.Buffer(nil, 1<<20)
	for sc.Scan() {
		var e AuditEntry
		if err := json.Unmarshal(sc.Bytes(), &e); err != nil {
			return nil, fmt.Errorf("audit log %s: %w", a.path, err)
		}
		out = append(out, e)
	}
	return out, sc.Err()
}
