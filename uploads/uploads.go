// Package uploads keeps the documents moderators add from Discord with
// /add-document, and indexes each one without a full rebuild. It is the
// bot.Uploader behind /add-document and /remove-document.
//
// Uploaded files live in a corpus folder of their own (one folder per
// area, and a sources.yaml describing them), never in the moderator's
// corpus, which may be read-only. Every file gets a name made up here;
// nothing of the name it was uploaded with reaches the file system. A
// full rebuild reads the folder too (corpus.Load, then Corpus.Merge under
// Prefix), so uploaded documents stay through every reindex, at the same
// paths and with the same passages.
//
//	st, err := uploads.Open(uploads.Config{Dir: dir, Index: indexDir, Target: target, Areas: live.Areas, Indexed: live.Info, Reload: live.Reload})
//	res, err := st.Add(ctx, bot.Upload{Filename: "guide.pdf", Data: data, Area: "Herefordshire", By: userID})
//	var r *uploads.Refusal
//	if errors.As(err, &r) { /* r.Error() is a sentence for the moderator */ }
//	res, err = st.Remove(ctx, res.ID)
package uploads

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"time"

	"gopkg.in/yaml.v3"

	"github.com/sendbot/sendbot/bot"
	"github.com/sendbot/sendbot/corpus"
	"github.com/sendbot/sendbot/index"
)

// Prefix is the folder uploaded documents appear under in the index and
// in `sendbot check`, beside the corpus's own: "uploaded/testshire/0a1b2c3d4e5f.pdf".
const Prefix = "uploaded"

// DefaultMaxBytes is the largest file Add accepts unless Config says otherwise.
const DefaultMaxBytes = 10 << 20

// stateName is the file in Dir that lists the uploads with who added them
// and when. Its leading dot keeps corpus.Load from reading it.
const stateName = ".uploads.json"

// publisher is the publisher of an uploaded document that does not name its own.
const publisher = "added by a moderator"

// Config says where uploads are kept and indexed.
type Config struct {
	// Dir is the folder uploaded files are kept in, a corpus of their own.
	// Required; created when missing. Nothing else should write to it:
	// Open removes files it does not list.
	Dir string
	// Index is the index folder Add and Remove update. Required.
	Index string
	// Target returns what a full rebuild would record with the index now:
	// the glossary, and the source with a fingerprint that covers Dir.
	// Required.
	Target func() (corpus.Glossary, index.Source, error)
	// Indexed returns what the serving index recorded when it was built;
	// nil means it is taken to be up to date. When the corpus had changed
	// already, an update keeps the index's old fingerprint, so that it
	// still looks out of date and the next start or /reindex rebuilds it.
	Indexed func() index.Info
	// Areas returns the areas the index has documents for; nil means none.
	Areas func() []string
	// Reload switches the serving index to the updated one; nil means
	// there is nothing to switch.
	Reload func() error
	// MaxBytes is the largest file Add accepts; zero means DefaultMaxBytes.
	MaxBytes int64
	// Now tells the time; nil means time.Now.
	Now func() time.Time
}

// Refusal is an upload or removal refused for a reason the moderator can
// put right. Its Error is a sentence for them.
type Refusal struct{ Reason string }

func (r *Refusal) Error() string { return r.Reason }

func refuse(format string, args ...any) error {
	return &Refusal{Reason: fmt.Sprintf(format, args...)}
}

// record is one uploaded file, as the state file keeps it.
type record struct {
	ID string `json:"id"`
	// Path is the file's path in Dir: "testshire/0a1b2c3d4e5f.pdf".
	Path   string `json:"path"`
	Format string `json:"format"`
	// Title and Area are as indexed.
	Title     string `json:"title"`
	Area      string `json:"area"`
	Documents int    `json:"documents"`
	Passages  int    `json:"passages"`
	// GivenTitle, Kind and SourceURL are the moderator's options as
	// given, "" when not; sources.yaml says them.
	GivenTitle string    `json:"given_title,omitempty"`
	Kind       string    `json:"kind,omitempty"`
	SourceURL  string    `json:"source_url,omitempty"`
	AddedBy    string    `json:"added_by"`
	AddedAt    time.Time `json:"added_at"`
}

// Store keeps the uploaded documents. It is safe for concurrent use; Add
// and Remove run one at a time, and the index's build lock keeps them
// apart from rebuilds in this process or another.
type Store struct {
	cfg     Config
	mu      sync.Mutex
	records []record // oldest first
}

var _ bot.Uploader = (*Store)(nil)

// Open opens the store in cfg.Dir; the folder is made by the first Add,
// so that until then the corpus's fingerprint is as it was. Open puts the
// folder right after a crash: sources.yaml is written again from the list
// of uploads, and files the list does not name are removed.
func Open(cfg Config) (*Store, error) {
	switch {
	case cfg.Dir == "" || cfg.Index == "":
		return nil, errors.New("uploads: Dir and Index are required")
	case cfg.Target == nil:
		return nil, errors.New("uploads: Target is required")
	}
	if cfg.MaxBytes <= 0 {
		cfg.MaxBytes = DefaultMaxBytes
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	s := &Store{cfg: cfg}
	if _, err := os.Stat(cfg.Dir); errors.Is(err, fs.ErrNotExist) {
		return s, nil
	}
	data, err := os.ReadFile(filepath.Join(cfg.Dir, stateName))
	switch {
	case errors.Is(err, fs.ErrNotExist):
	case err != nil:
		return nil, fmt.Errorf("read the list of uploads: %w", err)
	default:
		if err := json.Unmarshal(data, &s.records); err != nil {
			return nil, fmt.Errorf("read the list of uploads %s: %w", filepath.Join(cfg.Dir, stateName), err)
		}
	}
	if err := s.tidy(); err != nil {
		return nil, fmt.Errorf("tidy the uploads folder %s: %w", cfg.Dir, err)
	}
	return s, nil
}

// tidy makes the folder match the list: records whose file is gone are
// dropped, files no record names are removed, and sources.yaml and the
// list are written again if they change (only then, so an unchanged
// folder keeps its fingerprint).
func (s *Store) tidy() error {
	listed := map[string]bool{}
	kept := s.records[:0]
	for _, r := range s.records {
		if info, err := os.Stat(filepath.Join(s.cfg.Dir, filepath.FromSlash(r.Path))); err == nil && info.Mode().IsRegular() {
			kept = append(kept, r)
			listed[r.Path] = true
		}
	}
	s.records = kept
	var stray []string
	err := filepath.WalkDir(s.cfg.Dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil || p == s.cfg.Dir {
			return err
		}
		rel, err := filepath.Rel(s.cfg.Dir, p)
		if err != nil {
			return err
		}
		rel = filepath.ToSlash(rel)
		switch {
		case d.IsDir() && strings.HasPrefix(d.Name(), "."):
			stray = append(stray, p) // not one Add makes
			return fs.SkipDir
		case d.IsDir(), rel == stateName, rel == corpus.ManifestName, listed[rel]:
			return nil
		}
		stray = append(stray, p)
		return nil
	})
	if err != nil {
		return err
	}
	for _, p := range stray {
		if err := os.RemoveAll(p); err != nil {
			return err
		}
	}
	return s.save()
}

// save writes sources.yaml and the list from s.records, each only if it
// changes.
func (s *Store) save() error {
	manifest, err := s.manifest()
	if err != nil {
		return err
	}
	if err := writeIfChanged(filepath.Join(s.cfg.Dir, corpus.ManifestName), manifest); err != nil {
		return err
	}
	list, err := json.MarshalIndent(s.records, "", "  ")
	if err != nil {
		return err
	}
	return writeIfChanged(filepath.Join(s.cfg.Dir, stateName), append(list, '\n'))
}

// manifest is the sources.yaml that describes the uploads.
func (s *Store) manifest() ([]byte, error) {
	var m struct {
		Documents []manifestEntry `yaml:"documents"`
	}
	m.Documents = []manifestEntry{}
	for _, r := range s.records {
		m.Documents = append(m.Documents, describe(r.Path, r.GivenTitle, r.SourceURL, r.Area, r.Kind))
	}
	data, err := yaml.Marshal(m)
	if err != nil {
		return nil, err
	}
	return append([]byte("# Written by sendbot for the documents moderators added from Discord; do not edit.\n"), data...), nil
}

// describe is the sources.yaml entry of an uploaded file: what the
// moderator said of it wins over the file's own (override), and a file
// that names no publisher or date gets "added by a moderator" and
// "unknown".
func describe(path, title, sourceURL, area, kind string) manifestEntry {
	return manifestEntry{Path: path, Title: title, SourceURL: sourceURL, Area: area, Kind: kind,
		Publisher: publisher, Published: "unknown", Override: true}
}

// manifestEntry is one entry of the generated sources.yaml (see corpus.Meta).
type manifestEntry struct {
	Path      string `yaml:"path"`
	Title     string `yaml:"title,omitempty"`
	SourceURL string `yaml:"source_url,omitempty"`
	Area      string `yaml:"area"`
	Kind      string `yaml:"kind,omitempty"`
	Publisher string `yaml:"publisher"`
	Published string `yaml:"published"`
	Override  bool   `yaml:"override"`
}

// Uploaded lists the documents added from Discord, newest first.
func (s *Store) Uploaded() []bot.UploadedDoc {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := make([]bot.UploadedDoc, 0, len(s.records))
	for _, r := range slices.Backward(s.records) {
		out = append(out, bot.UploadedDoc{ID: r.ID, Title: r.Title, Area: r.Area, Added: r.AddedAt})
	}
	slices.SortStableFunc(out, func(a, b bot.UploadedDoc) int { return b.Added.Compare(a.Added) })
	return out
}

// Add checks u, saves it under a made-up name and indexes it. A file it
// will not take is refused with a *Refusal.
func (s *Store) Add(ctx context.Context, u bot.Upload) (bot.UploadResult, error) {
	ext, err := s.checkFile(u)
	if err != nil {
		return bot.UploadResult{}, err
	}
	opts, err := checkOptions(u)
	if err != nil {
		return bot.UploadResult{}, err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	id, err := s.newID()
	if err != nil {
		return bot.UploadResult{}, err
	}
	known := s.knownAreas()
	area := ""
	if opts.area != "" {
		if area, err = resolveArea(opts.area, known); err != nil {
			return bot.UploadResult{}, err
		}
	}
	c, err := s.read(id+ext, u.Data, describe(id+ext, opts.title, opts.sourceURL, area, opts.kind))
	if err != nil {
		return bot.UploadResult{}, err
	}
	if len(c.Documents) == 0 {
		return bot.UploadResult{}, refuse("sendbot could not read any text in this file: %s.", strings.Join(reasons(c), "; "))
	}
	if t := c.Documents[0].Title; len(c.Documents) == 1 && strings.EqualFold(t, id) {
		return bot.UploadResult{}, refuse("This file has no title of its own; give it one with the title option.")
	}
	if area == "" {
		// No area option: the file's own, if it says one.
		for _, d := range c.Documents {
			if d.Area != "" {
				area = d.Area
				break
			}
		}
		if area == "" {
			return bot.UploadResult{}, refuse("Choose an area for this document with the area option%s.", areasHint(known))
		}
		if area, err = resolveArea(area, known); err != nil {
			return bot.UploadResult{}, err
		}
	}
	// Where it is kept, as a full rebuild will read it: the area is set
	// in sources.yaml, so the folder only groups the files.
	rel := folderName(area) + "/" + id + ext
	indexed := &corpus.Corpus{}
	indexed.Merge(c, Prefix+"/"+folderName(area))
	for i := range indexed.Documents {
		indexed.Documents[i].Area = area
	}
	rec := record{ID: id, Path: rel, Format: indexed.Documents[0].Format, Title: indexed.Documents[0].Title, Area: area,
		Documents: len(indexed.Documents), GivenTitle: opts.title, Kind: opts.kind, SourceURL: opts.sourceURL,
		AddedBy: opts.by, AddedAt: s.cfg.Now().UTC()}
	for _, d := range indexed.Documents {
		rec.Passages += len(d.Passages)
	}
	if len(indexed.Documents) > 1 {
		rec.Title = fmt.Sprintf("%d services", len(indexed.Documents))
		if opts.title != "" {
			rec.Title = opts.title + " (" + rec.Title + ")"
		}
	}
	res := bot.UploadResult{ID: id, Title: rec.Title, Area: area, Format: rec.Format, Documents: rec.Documents, Passages: rec.Passages, Problems: reasons(c)}

	target := filepath.Join(s.cfg.Dir, filepath.FromSlash(rel))
	undo := func() {
		os.Remove(target)
		os.Remove(filepath.Dir(target)) // only when empty
		s.records = slices.DeleteFunc(s.records, func(r record) bool { return r.ID == id })
		s.save()
	}
	err = s.change(ctx, func() error {
		if err := os.MkdirAll(filepath.Dir(target), 0o755); err != nil {
			return err
		}
		if err := writeAtomic(target, u.Data); err != nil {
			return err
		}
		s.records = append(s.records, rec)
		return s.save()
	}, undo, indexed.Documents, nil)
	if err != nil {
		return bot.UploadResult{}, err
	}
	return res, s.reload()
}

// Remove takes the uploaded document id out of the folder and the index.
func (s *Store) Remove(ctx context.Context, id string) (bot.UploadResult, error) {
	id = strings.ToLower(strings.TrimSpace(id))
	s.mu.Lock()
	defer s.mu.Unlock()
	i := slices.IndexFunc(s.records, func(r record) bool { return r.ID == id })
	if i < 0 {
		return bot.UploadResult{}, s.unknown(id)
	}
	rec := s.records[i]
	path := filepath.Join(s.cfg.Dir, filepath.FromSlash(rec.Path))
	data, err := os.ReadFile(path)
	if err != nil {
		return bot.UploadResult{}, fmt.Errorf("read %s before removing it: %w", path, err)
	}
	before := slices.Clone(s.records)
	undo := func() {
		os.MkdirAll(filepath.Dir(path), 0o755)
		writeAtomic(path, data)
		s.records = before
		s.save()
	}
	err = s.change(ctx, func() error {
		s.records = slices.Delete(s.records, i, i+1)
		if err := os.Remove(path); err != nil {
			return err
		}
		os.Remove(filepath.Dir(path)) // only when empty
		return s.save()
	}, undo, nil, []string{Prefix + "/" + rec.Path})
	if err != nil {
		return bot.UploadResult{}, err
	}
	res := bot.UploadResult{ID: rec.ID, Title: rec.Title, Area: rec.Area, Format: rec.Format, Documents: rec.Documents, Passages: rec.Passages}
	return res, s.reload()
}

// change changes the folder with do, then the index to match (adding add,
// removing the files at remove). If either fails, undo puts the folder
// back as it was, and the index is as it was.
func (s *Store) change(ctx context.Context, do func() error, undo func(), add []corpus.Document, remove []string) error {
	_, before, err := s.cfg.Target()
	if err != nil {
		return err
	}
	fail := func(err error) error {
		undo()
		if errors.Is(err, index.ErrBuilding) {
			return refuse("The index is being rebuilt (a /reindex is running); nothing was changed. Try again when it has finished.")
		}
		return err
	}
	if err := do(); err != nil {
		return fail(fmt.Errorf("save in the uploads folder: %w", err))
	}
	g, after, err := s.cfg.Target()
	if err != nil {
		return fail(err)
	}
	if s.cfg.Indexed != nil {
		if was := s.cfg.Indexed().Source.Fingerprint; was != before.Fingerprint {
			// The index was out of date already: keep it looking so.
			after.Fingerprint = was
		}
	}
	if err := index.Update(ctx, s.cfg.Index, add, remove, g, after); err != nil {
		return fail(fmt.Errorf("update the index: %w", err))
	}
	return nil
}

func (s *Store) reload() error {
	if s.cfg.Reload == nil {
		return nil
	}
	if err := s.cfg.Reload(); err != nil {
		return fmt.Errorf("the index was updated but the bot could not switch to it (it will at the next /reindex or restart): %w", err)
	}
	return nil
}

// unknown says there is no upload id, and which there are.
func (s *Store) unknown(id string) error {
	if len(s.records) == 0 {
		return refuse("No documents have been added from Discord, so there is nothing to remove.")
	}
	var list []string
	for _, r := range slices.Backward(s.records) {
		if len(list) == 10 {
			list = append(list, fmt.Sprintf("and %d more", len(s.records)-10))
			break
		}
		list = append(list, fmt.Sprintf("%s (%s, %s)", r.ID, r.Title, r.Area))
	}
	shown := id
	if len(shown) > 40 || strings.ContainsFunc(shown, func(r rune) bool { return !strings.ContainsRune("0123456789abcdef", r) }) {
		return refuse("That is not the ID of a document added from Discord. The documents added, newest first: %s.", strings.Join(list, "; "))
	}
	return refuse("No document added from Discord has the ID %s. The documents added, newest first: %s.", shown, strings.Join(list, "; "))
}

// read parses data as the file name would be read in the uploads folder
// with the sources.yaml entry e: in a folder of its own, with only that
// file and that entry, through corpus.Load as a full rebuild reads it.
//
// The folder is a temporary one elsewhere: until the upload is accepted,
// nothing in Dir changes (not even its existence, which the corpus's
// fingerprint sees).
func (s *Store) read(name string, data []byte, e manifestEntry) (*corpus.Corpus, error) {
	staging, err := os.MkdirTemp("", "sendbot-upload-")
	if err != nil {
		return nil, fmt.Errorf("read the upload: %w", err)
	}
	defer os.RemoveAll(staging)
	manifest, err := yaml.Marshal(map[string][]manifestEntry{"documents": {e}})
	if err != nil {
		return nil, err
	}
	if err := os.WriteFile(filepath.Join(staging, corpus.ManifestName), manifest, 0o644); err != nil {
		return nil, fmt.Errorf("read the upload: %w", err)
	}
	if err := os.WriteFile(filepath.Join(staging, name), data, 0o644); err != nil {
		return nil, fmt.Errorf("read the upload: %w", err)
	}
	fsys, err := corpus.OpenDir(staging)
	if err != nil {
		return nil, fmt.Errorf("read the upload: %w", err)
	}
	return corpus.Load(fsys)
}

func (s *Store) knownAreas() []string {
	if s.cfg.Areas == nil {
		return nil
	}
	known := slices.Clone(s.cfg.Areas())
	for _, r := range s.records {
		known = append(known, r.Area)
	}
	return known
}

// newID makes up a name for an upload: 12 random hex digits.
func (s *Store) newID() (string, error) {
	for {
		var b [6]byte
		if _, err := rand.Read(b[:]); err != nil {
			return "", err
		}
		id := hex.EncodeToString(b[:])
		if !slices.ContainsFunc(s.records, func(r record) bool { return r.ID == id }) {
			return id, nil
		}
	}
}

// reasons are the problems Load found in an upload, and the entries it
// left out, as sentences without the made-up file name.
func reasons(c *corpus.Corpus) []string {
	var out []string
	for _, p := range c.Problems {
		if strings.HasPrefix(p.Path, corpus.ManifestName) {
			continue // sources.yaml is written here; its problems are not the moderator's
		}
		out = append(out, p.Reason)
	}
	const most = 10
	for i, sk := range c.Skips {
		if i == most {
			out = append(out, fmt.Sprintf("and %d more entries left out", len(c.Skips)-most))
			break
		}
		out = append(out, fmt.Sprintf("left out the entry %s: %s", sk.Entry, sk.Reason))
	}
	return out
}
