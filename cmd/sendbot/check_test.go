package main

import (
	"errors"
	"fmt"
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

// TestCheckLearnsASavedSitesTemplate saves five pages of one site, each
// with the same strapline in a plain element, and wants check
// --learn-template to learn it, so that no answer quotes it.
func TestCheckLearnsASavedSitesTemplate(t *testing.T) {
	dir := t.TempDir()
	site := filepath.Join(dir, "testshire", "local-offer")
	if err := os.MkdirAll(site, 0o755); err != nil {
		t.Fatal(err)
	}
	const strapline = "The Testshire Local Offer brings together information for families of children and young people with special educational needs."
	topics := []string{"Short breaks give parent carers a rest from caring", "Free travel to school for children who live beyond walking distance",
		"Speech and language therapy for children in Testshire schools", "Portage visits families of young disabled children at home",
		"The parent carer forum meets every month in Testshire"}
	for i, topic := range topics {
		page := fmt.Sprintf("<html><head><title>Page %d</title></head><body><div class=\"a\"><p>%s</p></div><div class=\"b\"><h1>Page %d</h1><p>%s, as the council's page explains in full.</p></div></body></html>", i, strapline, i, topic)
		if err := os.WriteFile(filepath.Join(site, fmt.Sprintf("page-%d.html", i)), []byte(page), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	c := newCLI(t)
	quoted := func() bool {
		out, _, err := c.run("", "search", "--json", "--corpus", dir, "--k", "5", "testshire local offer brings together information")
		if err != nil {
			t.Fatal(err)
		}
		return strings.Contains(out, "for families of children and young people with special educational needs")
	}
	if !quoted() {
		t.Fatal("without a template the strapline should be quoted; the test shows nothing")
	}
	out, _, err := c.run("", "check", "--learn-template", site, dir)
	if err != nil || !strings.Contains(out, "Learnt the template of 5 web pages in "+site) {
		t.Fatalf("check --learn-template: %v\n%s", err, out)
	}
	if _, err := os.Stat(filepath.Join(site, ".site-template.json")); err != nil {
		t.Fatal(err)
	}
	if quoted() {
		t.Error("the strapline is still quoted after its template was learnt")
	}
	if _, _, err := c.run("", "check", "--learn-template", filepath.Join(dir, "nope"), dir); err == nil || !strings.Contains(err.Error(), "learn the template of") {
		t.Errorf("--learn-template of a missing folder: %v", err)
	}
}
