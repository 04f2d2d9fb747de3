package library

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

	"github.com/sendbot/sendbot/corpus"
	"github.com/sendbot/sendbot/index"
)

// DefaultMaxUploadBytes is the largest file an upload may be unless
// Config.MaxUploadBytes says otherwise.
const DefaultMaxUploadBytes = 10 << 20

// Upload is a file a moderator adds.
type Upload struct {
	// Filename is the file's name as given; only its extension is used
	// (to tell the format), never as a path.
	Filename string
	Data     []byte
	// Title, Area, Kind and SourceURL are the moderator's options; empty
	// ones are taken from the file where it has them.
	Title, Area, Kind, SourceURL string
	// By is the moderator's Discord user ID, kept with the document.
	By string
	// Key, when set, names this upload wherever it came from, such as a
	// change handed from a replica to the builder: Add adds an upload of
	// a given Key once, so a change handed over twice (the builder
	// stopped before it could say it was done) is added once.
	Key string
}

// UploadResult is what adding or removing a document did.
type UploadResult struct {
	ID     string // the made-up name the document is known by
	Title  string
	Area   string
	Format string // "pdf", "markdown", "html", "text", "oruk"
	// Path is where the document is in the index and the corpus:
	// "uploaded/testshire/0a1b2c3d4e5f.pdf".
	Path string
	// Documents is more than one for a service directory feed.
	Documents int
	Passages  int
	// Problems are what in the file could not be read, and Skips the
	// entries of a feed left out; Add sets them.
	Problems []corpus.Problem
	Skips    []corpus.Skip
}

// UploadedDoc is one document added from Discord.
type UploadedDoc struct {
	ID, Title, Area string
	Added           time.Time
}

// stateName is the file in the uploads folder that lists the uploads
// with who added them and when. Its leading dot keeps corpus.Load from
// reading it.
const stateName = ".uploads.json"

// publisher is the publisher of an uploaded document that does not name its own.
const publisher = "added by a moderator"

// Uploads keeps the documents moderators add from Discord, and indexes
// each one without a full rebuild. It is safe for concurrent use; Add and
// Remove run one at a time and never while a reindex reads the corpus,
// and the index's build lock keeps them apart from rebuilds in another
// process.
//
// Uploaded files live in a corpus folder of their own (one folder per
// area, and a sources.yaml describing them), never in the moderator's
// corpus. Every file gets a name made up here; nothing of the name it was
// uploaded with reaches the file system. A full build reads the folder
// too (see Read), so uploaded documents stay through every reindex, at
// the same paths and with the same passages.
type Uploads struct {
	cfg     uploadsConfig
	mu      sync.Mutex
	records []record // oldest first
}

// uploadsConfig says where uploads are kept and how to reach the index.
type uploadsConfig struct {
	dir   string // the uploads folder, made by the first Add
	index string // the index folder Add and Remove update
	// target returns what a full build would record with the index now:
	// the glossary, and the source with a fingerprint that covers dir.
	target func() (corpus.Glossary, index.Source, error)
	// live is the serving index: its areas, what it recorded when it was
	// built (when the corpus had changed already, an update keeps the
	// old fingerprint, so that the next start or /reindex still rebuilds
	// it), and the switch to the updated index. nil: none.
	live Live
	// shelf, when set, is held while the folder and index change.
	shelf    sync.Locker
	maxBytes int64
	now      func() time.Time
}

// record is one uploaded file, as the state file keeps it.
type record struct {
	ID string `json:"id"`
	// Path is the file's path in the folder: "testshire/0a1b2c3d4e5f.pdf".
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
	// Key is the Upload's Key, "" when none.
	Key string `json:"key,omitempty"`
}

// OpenUploads opens the store of documents added from Discord, in
// UploadsDir, indexed into IndexDir, which live serves. The folder is
// made by the first Add, so that until then the corpus's fingerprint is
// as it was. Opening puts the folder right after a crash: sources.yaml is
// written again from the list of uploads, and files the list does not
// name are removed.
func (l *Library) OpenUploads(live Live) (*Uploads, error) {
	return openUploads(uploadsConfig{
		dir: l.uploaded, index: l.index, target: l.target, live: live, shelf: &l.shelf,
		maxBytes: l.cfg.MaxUploadBytes, now: time.Now,
	})
}

// target is what a full build would record with its index now: the
// glossary and the source.
func (l *Library) target() (corpus.Glossary, index.Source, error) {
	st, err := l.state()
	if err != nil {
		return corpus.Glossary{}, index.Source{}, err
	}
	g, err := l.glossary(st.fsys)
	return g, st.source, err
}

func openUploads(cfg uploadsConfig) (*Uploads, error) {
	s := &Uploads{cfg: cfg}
	if _, err := os.Stat(cfg.dir); errors.Is(err, fs.ErrNotExist) {
		return s, nil
	}
	data, err := os.ReadFile(filepath.Join(cfg.dir, stateName))
	switch {
	case errors.Is(err, fs.ErrNotExist):
	case err != nil:
		return nil, fmt.Errorf("read the list of uploads: %w", err)
	default:
		if err := json.Unmarshal(data, &s.records); err != nil {
			return nil, fmt.Errorf("read the list of uploads %s: %w", filepath.Join(cfg.dir, stateName), err)
		}
	}
	if err := s.tidy(); err != nil {
		return nil, fmt.Errorf("tidy the uploads folder %s: %w", cfg.dir, err)
	}
	return s, nil
}

// tidy makes the folder match the list: records whose file is gone are
// dropped, files no record names are removed, and sources.yaml and the
// list are written again if they change (only then, so an unchanged
// folder keeps its fingerprint).
func (s *Uploads) tidy() error {
	listed := map[string]bool{}
	kept := s.records[:0]
	for _, r := range s.records {
		if info, err := os.Stat(filepath.Join(s.cfg.dir, filepath.FromSlash(r.Path))); err == nil && info.Mode().IsRegular() {
			kept = append(kept, r)
			listed[r.Path] = true
		}
	}
	s.records = kept
	var stray []string
	err := filepath.WalkDir(s.cfg.dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil || p == s.cfg.dir {
			return err
		}
		rel, err := filepath.Rel(s.cfg.dir, p)
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
func (s *Uploads) save() error {
	manifest, err := s.manifest()
	if err != nil {
		return err
	}
	if err := writeIfChanged(filepath.Join(s.cfg.dir, corpus.ManifestName), manifest); err != nil {
		return err
	}
	list, err := json.MarshalIndent(s.records, "", "  ")
	if err != nil {
		return err
	}
	return writeIfChanged(filepath.Join(s.cfg.dir, stateName), append(list, '\n'))
}

// manifest is the sources.yaml that describes the uploads.
func (s *Uploads) manifest() ([]byte, error) {
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
func (s *Uploads) Uploaded() []UploadedDoc {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.uploaded()
}

func (s *Uploads) uploaded() []UploadedDoc {
	out := make([]UploadedDoc, 0, len(s.records))
	for _, r := range slices.Backward(s.records) {
		out = append(out, UploadedDoc{ID: r.ID, Title: r.Title, Area: r.Area, Added: r.AddedAt})
	}
	slices.SortStableFunc(out, func(a, b UploadedDoc) int { return b.Added.Compare(a.Added) })
	return out
}

// Add checks u, saves it under a made-up name and indexes it. A file it
// will not take is refused with a *Refusal. An upload whose Key an
// earlier Add was given already is not added again: Add returns what
// that one added.
func (s *Uploads) Add(ctx context.Context, u Upload) (UploadResult, error) {
	ext, opts, err := s.checkUpload(u)
	if err != nil {
		return UploadResult{}, err
	}
	s.lock()
	defer s.unlock()
	if i := slices.IndexFunc(s.records, func(r record) bool { return u.Key != "" && r.Key == u.Key }); i >= 0 {
		return s.records[i].result(), nil
	}
	p, err := s.prepare(u, ext, opts)
	if err != nil {
		return UploadResult{}, err
	}
	id, rel, indexed, rec, res := p.id, p.rel, p.indexed, p.rec, p.res
	target := filepath.Join(s.cfg.dir, filepath.FromSlash(rel))
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
		return UploadResult{}, err
	}
	return res, s.reload()
}

// Check refuses, with a *Refusal, an upload Add would refuse, saving
// nothing: a replica checks a file so before it hands it to the builder.
func (s *Uploads) Check(u Upload) error {
	ext, opts, err := s.checkUpload(u)
	if err != nil {
		return err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	_, err = s.prepare(u, ext, opts)
	return err
}

func (s *Uploads) checkUpload(u Upload) (string, options, error) {
	ext, err := s.checkFile(u)
	if err != nil {
		return "", options{}, err
	}
	opts, err := checkOptions(u)
	return ext, opts, err
}

// prepared is an upload read and checked, not yet saved.
type prepared struct {
	id, rel string
	indexed *corpus.Corpus
	rec     record
	res     UploadResult
}

// prepare reads and checks an upload, with s.mu held, and works out where
// it will be kept and what it adds.
func (s *Uploads) prepare(u Upload, ext string, opts options) (*prepared, error) {
	id, err := s.newID()
	if err != nil {
		return nil, err
	}
	known := s.knownAreas()
	area := ""
	if opts.area != "" {
		if area, err = resolveArea(opts.area, known); err != nil {
			return nil, err
		}
	}
	c, err := s.read(id+ext, u.Data, describe(id+ext, opts.title, opts.sourceURL, area, opts.kind))
	if err != nil {
		return nil, err
	}
	problems := ownProblems(c)
	if len(c.Documents) == 0 {
		return nil, &Refusal{Why: NoText, Problems: problems, Skips: c.Skips}
	}
	if t := c.Documents[0].Title; len(c.Documents) == 1 && strings.EqualFold(t, id) {
		return nil, &Refusal{Why: NoTitle}
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
			return nil, &Refusal{Why: NoArea, Areas: distinctAreas(known)}
		}
		if area, err = resolveArea(area, known); err != nil {
			return nil, err
		}
	}
	// Where it is kept, as a full build will read it: the area is set in
	// sources.yaml, so the folder only groups the files.
	rel := folderName(area) + "/" + id + ext
	indexed := &corpus.Corpus{}
	indexed.Merge(c, UploadedPrefix+"/"+folderName(area))
	for i := range indexed.Documents {
		indexed.Documents[i].Area = area
	}
	rec := record{ID: id, Path: rel, Format: indexed.Documents[0].Format, Title: indexed.Documents[0].Title, Area: area,
		Documents: len(indexed.Documents), GivenTitle: opts.title, Kind: opts.kind, SourceURL: opts.sourceURL,
		AddedBy: opts.by, AddedAt: s.cfg.now().UTC(), Key: u.Key}
	for _, d := range indexed.Documents {
		rec.Passages += len(d.Passages)
	}
	if len(indexed.Documents) > 1 {
		rec.Title = fmt.Sprintf("%d services", len(indexed.Documents))
		if opts.title != "" {
			rec.Title = opts.title + " (" + rec.Title + ")"
		}
	}
	res := rec.result()
	res.Problems, res.Skips = problems, c.Skips
	return &prepared{id: id, rel: rel, indexed: indexed, rec: rec, res: res}, nil
}

// result is what adding or removing r did, without the problems found in
// the file, which are not kept.
func (r record) result() UploadResult {
	return UploadResult{ID: r.ID, Title: r.Title, Area: r.Area, Format: r.Format, Documents: r.Documents, Passages: r.Passages,
		Path: UploadedPrefix + "/" + r.Path}
}

// Remove takes the uploaded document id out of the folder and the index.
func (s *Uploads) Remove(ctx context.Context, id string) (UploadResult, error) {
	id = strings.ToLower(strings.TrimSpace(id))
	s.lock()
	defer s.unlock()
	i := slices.IndexFunc(s.records, func(r record) bool { return r.ID == id })
	if i < 0 {
		if len(s.records) == 0 {
			return UploadResult{}, &Refusal{Why: NothingUploaded, ID: id}
		}
		return UploadResult{}, &Refusal{Why: NoSuchUpload, ID: id, Uploaded: s.uploaded()}
	}
	rec := s.records[i]
	path := filepath.Join(s.cfg.dir, filepath.FromSlash(rec.Path))
	data, err := os.ReadFile(path)
	if err != nil {
		return UploadResult{}, fmt.Errorf("read %s before removing it: %w", path, err)
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
	}, undo, nil, []string{UploadedPrefix + "/" + rec.Path})
	if err != nil {
		return UploadResult{}, err
	}
	return rec.result(), s.reload()
}

// lock keeps Add and Remove apart from each other and from a reindex
// reading the corpus: the shelf first, as a reindex takes it.
func (s *Uploads) lock() {
	if s.cfg.shelf != nil {
		s.cfg.shelf.Lock()
	}
	s.mu.Lock()
}

func (s *Uploads) unlock() {
	s.mu.Unlock()
	if s.cfg.shelf != nil {
		s.cfg.shelf.Unlock()
	}
}

// change changes the folder with do, then the index to match (adding add,
// removing the files at remove). If either fails, undo puts the folder
// back as it was, and the index is as it was.
func (s *Uploads) change(ctx context.Context, do func() error, undo func(), add []corpus.Document, remove []string) error {
	_, before, err := s.cfg.target()
	if err != nil {
		return err
	}
	fail := func(err error) error {
		undo()
		if errors.Is(err, index.ErrBuilding) {
			return &Refusal{Why: Rebuilding}
		}
		return err
	}
	if err := do(); err != nil {
		return fail(fmt.Errorf("save in the uploads folder: %w", err))
	}
	g, after, err := s.cfg.target()
	if err != nil {
		return fail(err)
	}
	if s.cfg.live != nil {
		if was := s.cfg.live.Info().Source.Fingerprint; was != before.Fingerprint {
			// The index was out of date already: keep it looking so.
			after.Fingerprint = was
		}
	}
	if err := index.Update(ctx, s.cfg.index, add, remove, g, after); err != nil {
		return fail(fmt.Errorf("update the index: %w", err))
	}
	return nil
}

// ErrNotSwitched means an upload or removal is saved and indexed, but the
// serving index could not switch to the updated one; it will at the next
// reindex or restart.
var ErrNotSwitched = errors.New("the index was updated but the bot could not switch to it (it will at the next /reindex or restart)")

func (s *Uploads) reload() error {
	if s.cfg.live == nil {
		return nil
	}
	if err := s.cfg.live.Reload(); err != nil {
		return fmt.Errorf("%w: %w", ErrNotSwitched, err)
	}
	return nil
}

// read parses data as the file name would be read in the uploads folder
// with the sources.yaml entry e: in a folder of its own, with only that
// file and that entry, through corpus.Load as a full build reads it.
//
// The folder is a temporary one elsewhere: until the upload is accepted,
// nothing in the uploads folder changes (not even its existence, which
// the corpus's fingerprint sees).
func (s *Uploads) read(name string, data []byte, e manifestEntry) (*corpus.Corpus, error) {
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

func (s *Uploads) knownAreas() []string {
	var known []string
	if s.cfg.live != nil {
		known = slices.Clone(s.cfg.live.Areas())
	}
	for _, r := range s.records {
		known = append(known, r.Area)
	}
	return known
}

// newID makes up a name for an upload: 12 random hex digits.
func (s *Uploads) newID() (string, error) {
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

// ownProblems are the problems Load found in an upload, without those of
// the sources.yaml written here, which are not the moderator's.
func ownProblems(c *corpus.Corpus) []corpus.Problem {
	var out []corpus.Problem
	for _, p := range c.Problems {
		if !strings.HasPrefix(p.Path, corpus.ManifestName) {
			out = append(out, p)
		}
	}
	return out
}
