package store_test

import (
	"reflect"
	"testing"
	"time"

	"github.com/sendbot/sendbot/internal/pgtest"
	"github.com/sendbot/sendbot/library"
)

type auditLog interface {
	Record(library.AuditEntry) error
	Entries() ([]library.AuditEntry, error)
}

// auditLogs are the kinds of audit log: open gives one, and another on
// the same file or database.
var auditLogs = []struct {
	name string
	open func(t *testing.T) func() auditLog
}{
	{"file", func(t *testing.T) func() auditLog {
		lib, err := library.Open(library.Config{DataDir: t.TempDir()})
		if err != nil {
			t.Fatal(err)
		}
		return func() auditLog {
			a, err := lib.OpenAudit()
			if err != nil {
				t.Fatal(err)
			}
			return a
		}
	}},
	{"postgres", func(t *testing.T) func() auditLog {
		url := pgtest.NewDatabase(t)
		return func() auditLog { return openPostgres(t, url).Audit() }
	}},
}

func TestAuditLogKeepsEveryEntryInOrder(t *testing.T) {
	at := time.Date(2026, 6, 1, 12, 0, 0, 0, time.UTC)
	entries := []library.AuditEntry{
		{At: at, Who: "400000000000000111", Action: "reindex", Result: "done: 12 documents"},
		{At: at, Who: "400000000000000222", Action: "gaps", Detail: "remove a word", Result: "removed from 2 questions"},
		{At: at.Add(time.Second), Who: "400000000000000111", Action: "add-document", Detail: "policy.pdf", Result: "refused: too big"},
	}
	for _, impl := range auditLogs {
		t.Run(impl.name, func(t *testing.T) {
			open := impl.open(t)
			one, two := open(), open()
			if got, err := one.Entries(); err != nil || len(got) != 0 {
				t.Fatalf("a new log holds %+v, %v", got, err)
			}
			for n, e := range entries {
				// Alternate between the two, as replicas would.
				if err := []auditLog{one, two}[n%2].Record(e); err != nil {
					t.Fatal(err)
				}
			}
			for _, a := range []auditLog{one, two} {
				got, err := a.Entries()
				if err != nil {
					t.Fatal(err)
				}
				if !reflect.DeepEqual(got, entries) {
					t.Errorf("entries\n got %+v\nwant %+v", got, entries)
				}
			}
		})
	}
}
