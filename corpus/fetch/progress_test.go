package fetch

import (
	"bytes"
	"testing"
)

func TestProgressLineRewritesOneLineOnATerminal(t *testing.T) {
	var buf bytes.Buffer
	pl := NewProgressWriter(&buf, true)
	pl.Show(Progress{Source: "https://example.org/send", Sources: 2, Found: 12, Fetched: 3})
	pl.Show(Progress{Source: "https://example.org/send", Sources: 2, Found: 9, Fetched: 4})
	pl.Done()
	want := "\r0 of 2 sources done; https://example.org/send: 12 pages found, 3 fetched, 0 unchanged, 0 failed, 0 dropped" +
		"\r0 of 2 sources done; https://example.org/send: 9 pages found, 4 fetched, 0 unchanged, 0 failed, 0 dropped \n"
	if buf.String() != want {
		t.Errorf("terminal progress:\n%q\nwant\n%q", buf.String(), want)
	}
}
