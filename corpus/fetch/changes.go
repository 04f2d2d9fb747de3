package fetch

import (
	"bytes"
	"errors"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"slices"
	"strings"
	"testing/fstest"

	"gopkg.in/yaml.v3"

	"github.com/sendbot/sendbot/corpus"
)

// Changes are the files of the cache a Fetch added, changed or removed,
// relative to Dir with slashes and sorted: what an index of the cache
// must read again, or take out, to hold what a full build of it would.
// A file is changed when its copy was replaced, when its entry in the
// generated sources.yaml says something else of it (its title, date or
// area), or when the site template of its folder changed, which changes
// the text read from every page of the site.
type Changes struct {
	// Known is set when the Fetch compared the cache before and after;
	// when it is not, the lists are empty and say nothing.
	Known                   bool
	Added, Changed, Removed []string
	// Templates are the site folders whose learnt template changed; their
	// files are all in Changed (or Added).
	Templates []string
}

// Count is how many files were added, changed or removed.
func (c Changes) Count() int { return len(c.Added) + len(c.Changed) + len(c.Removed) }

// snapshot is what the cache held at one moment: its documents' files,
// the generated sources.yaml's entries, and the site templates.
type snapshot struct {
	files     map[string]fs.FileInfo
	entries   map[string]manifestEntry
	templates map[string]template // by folder
}

// template is a site template file as a snapshot keeps it: its bytes,
// and what they read as, when they can be.
type template struct {
	data []byte
	read *corpus.SiteTemplate
}

// readsLike reports whether pages read with t read as with u.
func (t template) readsLike(u template) bool {
	if t.read != nil && u.read != nil {
		return t.read.ReadsLike(u.read)
	}
	return bytes.Equal(t.data, u.data)
}

// takeSnapshot looks at the cache in dir as corpus reads it: files and
// folders whose names start with a dot are not documents (a folder's
// site template is kept apart), nor is sources.yaml.
func takeSnapshot(dir string) (*snapshot, error) {
	s := &snapshot{files: map[string]fs.FileInfo{}, entries: map[string]manifestEntry{}, templates: map[string]template{}}
	err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if errors.Is(err, fs.ErrNotExist) && p == dir {
			return fs.SkipAll // no cache yet
		}
		if err != nil {
			return err
		}
		rel, err := filepath.Rel(dir, p)
		if err != nil {
			return err
		}
		rel = filepath.ToSlash(rel)
		switch {
		case rel == ".":
			return nil
		case d.Name() == corpus.SiteTemplateFile && !d.IsDir():
			data, err := os.ReadFile(p)
			if err != nil {
				return err
			}
			read, _ := corpus.ReadSiteTemplate(fstest.MapFS{corpus.SiteTemplateFile: {Data: data}}, ".")
			s.templates[path.Dir(rel)] = template{data: data, read: read}
			return nil
		case strings.HasPrefix(d.Name(), "."):
			if d.IsDir() {
				return fs.SkipDir
			}
			return nil
		case d.IsDir(), rel == corpus.ManifestName:
			return nil
		}
		info, err := d.Info()
		if err != nil {
			return err
		}
		s.files[rel] = info
		return nil
	})
	if err != nil {
		return nil, err
	}
	data, err := os.ReadFile(filepath.Join(dir, corpus.ManifestName))
	switch {
	case errors.Is(err, fs.ErrNotExist):
	case err != nil:
		return nil, err
	default:
		var m struct {
			Documents []manifestEntry `yaml:"documents"`
		}
		if err := yaml.Unmarshal(data, &m); err != nil {
			return nil, err
		}
		for _, e := range m.Documents {
			s.entries[e.Path] = e
		}
	}
	return s, nil
}

// changesSince compares the cache now (after) with before.
func changesSince(before, after *snapshot) Changes {
	c := Changes{Known: true}
	for folder, t := range after.templates {
		if old, ok := before.templates[folder]; !ok || !old.readsLike(t) {
			c.Templates = append(c.Templates, folder)
		}
	}
	for folder := range before.templates {
		if _, ok := after.templates[folder]; !ok {
			c.Templates = append(c.Templates, folder)
		}
	}
	slices.Sort(c.Templates)
	newTemplate := func(file string) bool {
		for _, folder := range c.Templates {
			if folder == "." || strings.HasPrefix(file, folder+"/") {
				return true
			}
		}
		return false
	}
	for p, info := range after.files {
		old, ok := before.files[p]
		switch {
		case !ok:
			c.Added = append(c.Added, p)
		case !os.SameFile(old, info) || old.Size() != info.Size() || !old.ModTime().Equal(info.ModTime()) ||
			before.entries[p] != after.entries[p] || newTemplate(p):
			c.Changed = append(c.Changed, p)
		}
	}
	for p := range before.files {
		if _, ok := after.files[p]; !ok {
			c.Removed = append(c.Removed, p)
		}
	}
	slices.Sort(c.Added)
	slices.Sort(c.Changed)
	slices.Sort(c.Removed)
	return c
}
