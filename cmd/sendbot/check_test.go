package main

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestCheckQuotesHostileNames names files and an area folder with line
// breaks and terminal escape codes: the report must neither gain a forged
// line nor pass an escape code to the terminal.
func TestCheckQuotesHostileNames(t *testing.T) {
	dir := t.TempDir()
	area := "Testshire\x1b[2J"
	files := map[string]string{
		filepath.Join(area, "transport.md"):                                   "# Transport\n\nChildren who live beyond walking distance of their nearest suitable school can get free travel to school.\n",
		filepath.Join("otherby", "x.md\nok\tforged.md\tmarkdown, 9 passages"): "",
		filepath.Join("otherby", "bell\a.docx"):                               "PK\x03\x04",
	}
	for p, s := range files {
		if err := os.MkdirAll(filepath.Dir(filepath.Join(dir, p)), 0o755); err != nil {
			t.Skipf("this file system refuses the name: %v", err)
		}
		if err := os.WriteFile(filepath.Join(dir, p), []byte(s), 0o644); err != nil {
			t.Skipf("this file system refuses the name: %v", err)
		}
	}
	c := newCLI(t)
	for _, args := range [][]string{{"check", dir}, {"index", "--corpus", dir}} {
		out, _, _ := c.run("", args...)
		if strings.ContainsAny(out, "\x1b\a") {
			t.Errorf("%s passes control characters to the terminal:\n%q", args[0], out)
		}
		for _, line := range strings.Split(out, "\n") {
			if strings.HasPrefix(line, "ok") && strings.Contains(line, "forged") {
				t.Errorf("%s prints a forged line: %q", args[0], line)
			}
		}
		if !strings.Contains(out, `"otherby/x.md\nok\tforged.md\tmarkdown, 9 passages"`) {
			t.Errorf("%s does not quote the file name with a line break:\n%s", args[0], out)
		}
	}
	out, _, _ := c.run("", "check", dir)
	if !strings.Contains(out, `"Testshire\x1b[2`) {
		t.Errorf("check does not quote the area's name:\n%s", out)
	}
}

// TestLinksOutOfTheCorpusAreNotPublished links a file of the corpus to a
// password file and to the bot's .env outside it: check reports both,
// index leaves them out, and no answer quotes them.
func TestLinksOutOfTheCorpusAreNotPublished(t *testing.T) {
	dir, outside := t.TempDir(), t.TempDir()
	must := func(err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	must(os.MkdirAll(filepath.Join(dir, "testshire"), 0o755))
	must(os.WriteFile(filepath.Join(dir, "testshire", "transport.md"), []byte("# Transport\n\nChildren who live beyond walking distance of their nearest suitable school can get free travel to school.\n"), 0o644))
	must(os.WriteFile(filepath.Join(outside, "passwd"), []byte("root:x:0:0:root:/root:/bin/bash\ndaemon:x:1:1:daemon:/usr/sbin:/usr/sbin/nologin\n"), 0o644))
	must(os.WriteFile(filepath.Join(outside, ".env"), []byte("DISCORD_TOKEN=MTIzNDU2Nzg5.secret\n"), 0o600))
	must(os.Symlink(filepath.Join(outside, "passwd"), filepath.Join(dir, "testshire", "passwd.txt")))
	must(os.Symlink(filepath.Join(outside, ".env"), filepath.Join(dir, "testshire", "settings.txt")))
	c := newCLI(t)
	c.env["SENDBOT_CORPUS"] = dir

	out, _, err := c.run("", "check")
	if !errors.Is(err, errCorpusProblems) {
		t.Errorf("check: err %v, want it to fail on links out of the corpus", err)
	}
	for _, f := range []string{"testshire/passwd.txt", "testshire/settings.txt"} {
		if !strings.Contains(out, f) || !strings.Contains(out, "link that leads outside this folder") {
			t.Errorf("check does not report %s:\n%s", f, out)
		}
	}
	out, _, err = c.run("", "index")
	if err != nil || !strings.Contains(out, "Indexed 1 documents") {
		t.Fatalf("index: %v\n%s", err, out)
	}
	for _, q := range []string{"root bin bash nologin daemon", "discord token secret"} {
		out, _, _ = c.run("", "ask", q)
		if strings.Contains(out, "/bin/bash") || strings.Contains(out, "MTIzNDU2Nzg5") {
			t.Errorf("ask %q quotes a file outside the corpus:\n%s", q, out)
		}
	}
}
