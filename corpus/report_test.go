package corpus

import (
	"bytes"
	"errors"
	"strings"
	"testing"
)

// TestCheckReportListsServicesAndTotals drives the report with a corpus
// holding a fact sheet, a service feed with a left-out entry, a skipped
// format and a broken file, and checks what a moderator reads.
func TestCheckReportListsServicesAndTotals(t *testing.T) {
	c := &Corpus{
		Documents: []Document{
			{Path: "testshire/transport.md", Format: "markdown", Title: "Transport", Area: "Testshire", Passages: make([]Passage, 2)},
			{Path: "testshire/services.json", Entry: "svc-1", Format: "oruk", Title: "Chatterbox group", Area: "Testshire", Passages: make([]Passage, 1)},
			{Path: "testshire/services.json", Entry: "svc-2", Format: "oruk", Title: "Sensory play", Area: "Testshire", Passages: make([]Passage, 3)},
			{Path: "otherby/guide.md", Format: "markdown", Title: "Guide", Area: "Otherby", Passages: make([]Passage, 1)},
		},
		Skips: []Skip{{Path: "testshire/services.json", Entry: "svc-3", Reason: `placeholder name "test"`}},
		Problems: []Problem{
			{Path: "testshire/notes.docx", Reason: "not a document format sendbot reads", Err: ErrUnsupported},
			{Path: "testshire/empty.md", Reason: "file is empty", Err: errors.New("bad")},
		},
	}
	var full, brief bytes.Buffer
	c.WriteReport(&full, false)
	c.WriteReport(&brief, true)

	// Columns are padded, so compare lines with their spacing collapsed.
	squash := func(s string) string { return strings.Join(strings.Fields(s), " ") }
	lines := strings.Split(full.String(), "\n")
	wantLines := []string{
		`ok       testshire/services.json  oruk, 2 services read, 1 left out, 4 passages`,
		`service svc-1  "Chatterbox group", 1 passage`,
		`service svc-2  "Sensory play", 3 passages`,
		`left out svc-3  placeholder name "test"`,
		`error    testshire/empty.md       file is empty`,
		`skipped  testshire/notes.docx     not a document format sendbot reads`,
		`ok       testshire/transport.md   markdown, 2 passages, "Transport"`,
		`Otherby    1         -     1          0         1`,
		`Testshire  1         2     1          2         6`,
		`2 documents and 2 services, 7 passages; 1 entries left out, 1 files skipped, 1 errors`,
	}
	for _, want := range wantLines {
		found := false
		for _, l := range lines {
			if strings.Contains(squash(l), squash(want)) {
				found = true
			}
		}
		if !found {
			t.Errorf("report lacks a line with %q:\n%s", want, full.String())
		}
	}
	if got := brief.String(); strings.Contains(got, "svc-1") || strings.Contains(got, "transport.md") || !strings.Contains(got, "file is empty") {
		t.Errorf("--summary lists every document, or hides a problem:\n%s", got)
	}
}

func TestPrintableQuotesWhatWouldDriveTheTerminal(t *testing.T) {
	tests := []struct{ in, want string }{
		{"testshire/transport.md", "testshire/transport.md"},
		{"Café & ’quotes’", "Café & ’quotes’"},
		{"x.md\nok\tforged.md", `"x.md\nok\tforged.md"`},
		{"Testshire\x1b[2J", `"Testshire\x1b[2J"`},
		{"bad \xff byte", `"bad \xff byte"`},
	}
	for _, tt := range tests {
		if got := Printable(tt.in); got != tt.want {
			t.Errorf("Printable(%q) = %s, want %s", tt.in, got, tt.want)
		}
	}
}
