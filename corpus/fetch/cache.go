package fetch

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"net/url"
	"os"
	"path"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"gopkg.in/yaml.v3"

	"github.com/sendbot/sendbot/corpus"
)

// StateName is the file in the cache folder that remembers, per URL, the
// stored copy and the validators for conditional requests. Its name starts
// with a dot, so corpus.Load skips it.
const StateName = ".fetch-state.json"

// state is the cache folder's memory between runs.
type state struct {
	Version int                     `json:"version"`
	Sources map[string]*sourceState `json:"sources"`
	// Sites are the crawled sites, by start address.
	Sites map[string]*siteState `json:"sites,omitempty"`
}

// sourceState is what the cache knows about one remote source.
type sourceState struct {
	// File is the stored copy, slash-separated and relative to the cache folder.
	File string `json:"file"`
	// FinalURL is where the last good copy came from, after redirects.
	FinalURL     string    `json:"final_url,omitempty"`
	ETag         string    `json:"etag,omitempty"`
	LastModified string    `json:"last_modified,omitempty"`
	Fetched      time.Time `json:"fetched"`
	Bytes        int64     `json:"bytes"`
}

func readState(dir string) (*state, error) {
	st := &state{Version: 1, Sources: map[string]*sourceState{}, Sites: map[string]*siteState{}}
	data, err := os.ReadFile(filepath.Join(dir, StateName))
	if errors.Is(err, fs.ErrNotExist) {
		return st, nil
	}
	if err != nil {
		return nil, fmt.Errorf("read the fetch state: %w", err)
	}
	if err := json.Unmarshal(data, st); err != nil {
		// A damaged state file costs one full download of each source,
		// nothing more: start afresh rather than refuse to run.
		return &state{Version: 1, Sources: map[string]*sourceState{}, Sites: map[string]*siteState{}}, nil
	}
	if st.Sources == nil {
		st.Sources = map[string]*sourceState{}
	}
	if st.Sites == nil {
		st.Sites = map[string]*siteState{}
	}
	for _, ss := range st.Sites {
		if ss.Pages == nil {
			ss.Pages = map[string]*pageState{}
		}
	}
	return st, nil
}

// copyOf returns the state of a source whose stored copy is still on disk.
func (st *state) copyOf(dir, rawURL string) *sourceState {
	s := st.Sources[rawURL]
	if s == nil || s.File == "" {
		return nil
	}
	if info, err := os.Stat(filepath.Join(dir, filepath.FromSlash(s.File))); err != nil || !info.Mode().IsRegular() {
		return nil
	}
	return s
}

func writeState(dir string, st *state) error {
	data, err := json.MarshalIndent(st, "", "  ")
	if err != nil {
		return err
	}
	return writeIfChanged(filepath.Join(dir, StateName), append(data, '\n'))
}

// writeIfChanged replaces a file atomically, and leaves it alone (modification
// time and all) when it already holds data, so a run that changes nothing
// does not make the index look out of date.
func writeIfChanged(name string, data []byte) error {
	if old, err := os.ReadFile(name); err == nil && bytes.Equal(old, data) {
		return nil
	}
	return writeAtomic(name, data)
}

// writeAtomic writes data to a hidden temporary file beside name and
// renames it into place, so name always holds either the old or the new
// content, never a torn mix.
func writeAtomic(name string, data []byte) error {
	if err := os.MkdirAll(filepath.Dir(name), 0o755); err != nil {
		return err
	}
	tmp, err := os.CreateTemp(filepath.Dir(name), ".tmp-*")
	if err != nil {
		return err
	}
	defer os.Remove(tmp.Name()) // fails harmlessly once renamed
	if _, err := tmp.Write(data); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Sync(); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Close(); err != nil {
		return err
	}
	if err := os.Chmod(tmp.Name(), 0o644); err != nil {
		return err
	}
	return os.Rename(tmp.Name(), name)
}

// maxSlug bounds the length of a stored file's name.
const maxSlug = 80

// storedPath is where a source's copy lives in the cache: the area's folder
// and a name made from the URL's host and path, of the characters a-z, 0-9
// and "-" only, so no URL can name a file outside the cache. URLs with a
// query, or too long to show whole, get a short hash of the whole URL so
// that different URLs get different names.
func storedPath(area, rawURL, ext string) string {
	folder := slug(area)
	if folder == "" {
		folder = "no-area"
	}
	u, err := url.Parse(rawURL)
	if err != nil {
		return folder + "/" + "source-" + shortHash(rawURL) + ext
	}
	p := u.Path
	if e := path.Ext(p); e != "" && len(e) <= 6 {
		p = strings.TrimSuffix(p, e) // "report.pdf" → "report", before ".pdf" is added back
	}
	name := slug(strings.TrimPrefix(strings.ToLower(u.Hostname()), "www.") + "/" + p)
	if u.RawQuery != "" || len(name) > maxSlug || name == "" {
		if len(name) > maxSlug {
			name = strings.TrimRight(name[:maxSlug], "-")
		}
		name = strings.TrimPrefix(name+"-"+shortHash(rawURL), "-")
	}
	return folder + "/" + name + ext
}

// slug keeps letters and digits, lower-cased, and joins the runs between
// them with single hyphens.
func slug(s string) string {
	var b strings.Builder
	hyphen := false
	for _, r := range strings.ToLower(s) {
		if ('a' <= r && r <= 'z') || ('0' <= r && r <= '9') {
			if hyphen && b.Len() > 0 {
				b.WriteByte('-')
			}
			hyphen = false
			b.WriteRune(r)
			continue
		}
		hyphen = true
	}
	return b.String()
}

func shortHash(s string) string {
	sum := sha256.Sum256([]byte(s))
	return hex.EncodeToString(sum[:4])
}

// manifestEntry is one document of the cache's generated sources.yaml.
type manifestEntry struct {
	Path      string `yaml:"path"`
	Title     string `yaml:"title,omitempty"`
	SourceURL string `yaml:"source_url"`
	Publisher string `yaml:"publisher,omitempty"`
	Published string `yaml:"published,omitempty"`
	// Modified is a crawled page's date as the site gives it (sitemap
	// lastmod, Last-Modified): weaker than a published date, so that an
	// inspection report is dated from its own text.
	Modified string `yaml:"modified,omitempty"`
	Area     string `yaml:"area"`
	Kind     string `yaml:"kind,omitempty"`
	Licence  string `yaml:"licence,omitempty"`
	// Override keeps a linked document's title, which names the page
	// that links to it, over the document's own.
	Override bool `yaml:"override,omitempty"`
}

const manifestHeader = "# Written by sendbot fetch from the url and site entries of the corpus's sources.yaml.\n# Edit that file, not this one: the next fetch rewrites it.\n"

// writeManifest writes the cache's sources.yaml, giving every stored copy
// the metadata of its entry in the corpus's sources.yaml. The source URL
// is the entry's source_url, else the URL it was fetched from; the
// published date is only ever the entry's own.
func writeManifest(dir string, sources []corpus.Meta, st *state) error {
	var docs []manifestEntry
	for _, m := range sources {
		if m.Site != "" {
			docs = append(docs, siteEntries(m, st.Sites[m.Site])...)
			continue
		}
		s := st.copyOf(dir, m.URL)
		if s == nil {
			continue
		}
		src := strings.TrimSpace(m.SourceURL)
		if src == "" {
			src = m.URL
		}
		docs = append(docs, manifestEntry{
			Path: s.File, Title: m.Title, SourceURL: src, Publisher: m.Publisher,
			Published: m.Published, Area: m.Area, Kind: m.Kind, Licence: m.Licence,
		})
	}
	data, err := yaml.Marshal(struct {
		Documents []manifestEntry `yaml:"documents"`
	}{docs})
	if err != nil {
		return err
	}
	return writeIfChanged(filepath.Join(dir, corpus.ManifestName), append([]byte(manifestHeader), data...))
}

// siteEntries are the generated sources.yaml entries of a crawled site's
// stored pages, in the order of their files: each cited with its
// canonical address and dated by its sitemap lastmod or Last-Modified,
// with the site entry's area, kind, publisher and licence.
func siteEntries(m corpus.Meta, ss *siteState) []manifestEntry {
	if ss == nil {
		return nil
	}
	var out []manifestEntry
	for key, p := range ss.Pages {
		if p.File == "" {
			continue
		}
		out = append(out, manifestEntry{
			Path: p.File, Title: p.Title, SourceURL: key, Publisher: m.Publisher, Published: m.Published, Modified: p.Published,
			Area: m.Area, Kind: m.Kind, Licence: m.Licence, Override: p.Document,
		})
	}
	slices.SortFunc(out, func(a, b manifestEntry) int { return strings.Compare(a.Path, b.Path) })
	return out
}
