package corpus

import (
	"bytes"
	"errors"
	"fmt"
	"io/fs"
	"net/url"
	"path"
	"strings"
	"time"

	"gopkg.in/yaml.v3"
)

// Meta is the metadata a document carries in its front matter, or that
// sources.yaml gives for it. Every field is optional.
type Meta struct {
	Path      string `yaml:"path"`
	Title     string `yaml:"title"`
	SourceURL string `yaml:"source_url"`
	Publisher string `yaml:"publisher"`
	Published string `yaml:"published"`
	Area      string `yaml:"area"`
	Kind      string `yaml:"kind"`
	Licence   string `yaml:"licence"`
	// URL is a remote source for `sendbot fetch` to download; Format says
	// what it serves when that is not plain from the response ("oruk" for
	// an Open Referral UK API base).
	URL    string `yaml:"url"`
	Format string `yaml:"format"`
	// Override, in a sources.yaml entry only, makes the entry's title,
	// source_url, area and kind win over the file's own (front matter, a
	// PDF's or a web page's title), as for a document a moderator added
	// and described; the other fields still only fill gaps. In a file of
	// many entries (a service directory) only area wins: each service
	// keeps its own name, link and kind.
	Override bool `yaml:"override"`
}

// fill copies into m every field that m leaves empty and other sets.
func (m *Meta) fill(other Meta) {
	for _, f := range []struct{ dst, src *string }{
		{&m.Title, &other.Title}, {&m.SourceURL, &other.SourceURL},
		{&m.Publisher, &other.Publisher}, {&m.Published, &other.Published},
		{&m.Area, &other.Area}, {&m.Kind, &other.Kind}, {&m.Licence, &other.Licence},
	} {
		if strings.TrimSpace(*f.dst) == "" {
			*f.dst = *f.src
		}
	}
}

// merged is the metadata of an entry whose own is m, given listed from
// sources.yaml: m's fields first, except those listed overrides.
func (m Meta) merged(listed Meta, manyEntries bool) Meta {
	if listed.Override {
		over := []struct{ dst, src *string }{{&m.Area, &listed.Area}}
		if !manyEntries {
			over = append(over, []struct{ dst, src *string }{{&m.Title, &listed.Title}, {&m.SourceURL, &listed.SourceURL}, {&m.Kind, &listed.Kind}}...)
		}
		for _, f := range over {
			if strings.TrimSpace(*f.src) != "" {
				*f.dst = *f.src
			}
		}
	}
	m.fill(listed)
	return m
}

// ManifestName is the optional metadata file at the root of a corpus.
const ManifestName = "sources.yaml"

type manifestFile struct {
	Documents []Meta `yaml:"documents"`
}

// readManifestFile parses sources.yaml. A corpus without one has no entries.
func readManifestFile(fsys fs.FS) (manifestFile, *Problem) {
	var mf manifestFile
	data, err := fs.ReadFile(fsys, ManifestName)
	if err != nil {
		if errors.Is(err, fs.ErrNotExist) {
			return mf, nil
		}
		return mf, &Problem{Path: ManifestName, Reason: "cannot read: " + err.Error(), Err: err}
	}
	if err := yaml.Unmarshal(data, &mf); err != nil {
		return mf, &Problem{Path: ManifestName, Reason: "not valid YAML: " + err.Error(), Err: err}
	}
	return mf, nil
}

// manifestEntry names an entry of sources.yaml in a Problem.
func manifestEntry(i int) string {
	return fmt.Sprintf("%s (documents entry %d)", ManifestName, i+1)
}

// isRemote reports whether a sources.yaml entry is a remote source for
// `sendbot fetch` rather than metadata for a file in the corpus.
func (m Meta) isRemote() bool {
	return strings.TrimSpace(m.Path) == "" && strings.TrimSpace(m.URL) != ""
}

// readManifest reads sources.yaml, if there is one, and returns the metadata
// it gives per file path. Entries it cannot use are returned as problems;
// the rest still apply. Remote sources (url without path) are left to
// RemoteSources: Load reads what `sendbot fetch` stored, not the web.
func readManifest(fsys fs.FS) (map[string]Meta, []Problem) {
	mf, prob := readManifestFile(fsys)
	if prob != nil {
		return nil, []Problem{*prob}
	}
	entries := make(map[string]Meta, len(mf.Documents))
	var problems []Problem
	for i, m := range mf.Documents {
		where := manifestEntry(i)
		switch {
		case m.isRemote():
			continue
		case m.Path == "":
			problems = append(problems, Problem{Path: where, Reason: "entry has no path", Err: errBadMeta})
			continue
		}
		p, ok := cleanCorpusPath(m.Path)
		if !ok {
			problems = append(problems, Problem{Path: where, Reason: fmt.Sprintf("path %q is outside the corpus folder", m.Path), Err: errBadMeta})
			continue
		}
		if _, dup := entries[p]; dup {
			problems = append(problems, Problem{Path: where, Reason: fmt.Sprintf("path %q is listed twice; the first entry is used", m.Path), Err: errBadMeta})
			continue
		}
		if _, err := fs.Stat(fsys, p); err != nil {
			problems = append(problems, Problem{Path: where, Reason: fmt.Sprintf("path %q: no such file in the corpus", m.Path), Err: errBadMeta})
			continue
		}
		m.Path = p
		entries[p] = m
	}
	return entries, problems
}

// RemoteSources lists the remote sources in fsys's sources.yaml: entries
// with a url and no path, for `sendbot fetch` to download. Each needs an
// absolute http or https URL without a user name or password in it, and
// an area (so parents can filter by it); format is empty or "oruk" (an
// Open Referral UK API base). Entries that break these rules, and second
// entries for a URL already listed, are returned as problems and left out.
func RemoteSources(fsys fs.FS) ([]Meta, []Problem) {
	mf, prob := readManifestFile(fsys)
	if prob != nil {
		return nil, []Problem{*prob}
	}
	var (
		sources  []Meta
		problems []Problem
		seen     = map[string]bool{}
	)
	for i, m := range mf.Documents {
		if !m.isRemote() {
			continue
		}
		bad := func(reason string) {
			problems = append(problems, Problem{Path: manifestEntry(i), Reason: reason, Err: errBadMeta})
		}
		u, reason := checkSourceURL(m.URL)
		m.Format = strings.ToLower(strings.TrimSpace(m.Format))
		switch {
		case reason != "":
			bad(reason)
		case m.Format != "" && m.Format != "oruk":
			bad(fmt.Sprintf("url %s: format %q is not one sendbot fetches; use format: oruk for an Open Referral UK API, or leave format out", u, m.Format))
		case strings.TrimSpace(m.Area) == "":
			bad(fmt.Sprintf("url %s has no area; add area: (e.g. area: Herefordshire) so parents can find it", u))
		case seen[u]:
			bad(fmt.Sprintf("url %s is listed twice; the first entry is used", u))
		default:
			seen[u] = true
			m.URL = u
			sources = append(sources, m)
		}
	}
	return sources, problems
}

// checkSourceURL cleans a remote source's URL, or says why sendbot will not fetch it.
func checkSourceURL(raw string) (string, string) {
	raw = strings.TrimSpace(raw)
	u, err := url.Parse(raw)
	switch {
	case err != nil:
		return "", fmt.Sprintf("url %q is not a web address", raw)
	case u.Scheme != "http" && u.Scheme != "https":
		return "", fmt.Sprintf("url %q must start with https:// (or http://)", raw)
	case u.Host == "" || u.Hostname() == "":
		return "", fmt.Sprintf("url %q has no host name", raw)
	case u.User != nil:
		return "", fmt.Sprintf("url for host %s holds a user name or password; sendbot fetches public pages only, so remove it", u.Hostname())
	}
	u.Host = strings.ToLower(u.Host)
	u.Fragment, u.RawFragment = "", ""
	return u.String(), ""
}

// cleanCorpusPath turns a path from sources.yaml into an fs.FS path, refusing
// anything that would leave the corpus folder.
func cleanCorpusPath(p string) (string, bool) {
	p = strings.ReplaceAll(strings.TrimSpace(p), "\\", "/")
	if p == "" || strings.HasPrefix(p, "/") {
		return "", false
	}
	clean := path.Clean(p)
	if !fs.ValidPath(clean) || clean == "." {
		return "", false
	}
	return clean, true
}

// splitFrontMatter separates a leading "---" YAML block from the body.
// A document without one returns empty metadata and the whole input.
func splitFrontMatter(data []byte) (Meta, []byte, error) {
	rest, ok := cutLine(data, "---")
	if !ok {
		return Meta{}, data, nil
	}
	end := -1
	for off := 0; off < len(rest); {
		nl := bytes.IndexByte(rest[off:], '\n')
		line := rest[off:]
		if nl >= 0 {
			line = rest[off : off+nl]
		}
		if t := strings.TrimRight(string(line), " \t\r"); t == "---" || t == "..." {
			end = off
			break
		}
		if nl < 0 {
			break
		}
		off += nl + 1
	}
	if end < 0 {
		return Meta{}, data, fmt.Errorf("front matter starts with --- but never ends")
	}
	var m Meta
	if err := yaml.Unmarshal(rest[:end], &m); err != nil {
		return Meta{}, data, fmt.Errorf("front matter is not valid YAML: %w", err)
	}
	body := rest[end:]
	if nl := bytes.IndexByte(body, '\n'); nl >= 0 {
		body = body[nl+1:]
	} else {
		body = nil
	}
	return m, body, nil
}

// cutLine reports whether data starts with the given line, and returns what follows it.
func cutLine(data []byte, line string) ([]byte, bool) {
	data = bytes.TrimPrefix(data, []byte("\ufeff"))
	nl := bytes.IndexByte(data, '\n')
	if nl < 0 || strings.TrimRight(string(data[:nl]), " \t\r") != line {
		return nil, false
	}
	return data[nl+1:], true
}

// parseDate reads the published dates found in front matter and sources.yaml.
// "unknown" and "" mean not known and return the zero time without error.
func parseDate(s string) (time.Time, error) {
	s = strings.TrimSpace(s)
	switch strings.ToLower(s) {
	case "", "unknown", "n/a", "none", "date not stated":
		return time.Time{}, nil
	}
	for _, layout := range []string{"2006-01-02", time.RFC3339, "2006-01-02 15:04:05", "2006-01", "2 January 2006", "January 2006", "2006"} {
		if t, err := time.Parse(layout, s); err == nil {
			return t.UTC(), nil
		}
	}
	return time.Time{}, fmt.Errorf("published date %q is not a date like 2024-05-31 or \"unknown\"", s)
}
