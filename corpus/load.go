package corpus

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io/fs"
	"path"
	"sort"
	"strings"
	"unicode/utf8"
)

// MaxFileBytes is the largest file Load reads; bigger files are reported.
const MaxFileBytes = 32 << 20

var (
	errBadMeta = errors.New("bad metadata")
	errBadFile = errors.New("unreadable document")
)

// reader parses one file format into metadata and blocks.
type reader struct {
	format string
	parse  func(data []byte) (Meta, []block, error)
}

var readers = map[string]reader{
	".md":       {"markdown", parseMarkdown},
	".markdown": {"markdown", parseMarkdown},
	".txt":      {"text", parseText},
}

// notYet names formats that later versions read; until then they are skipped.
var notYet = map[string]string{
	".pdf": "PDF", ".html": "HTML", ".htm": "HTML", ".json": "Open Referral JSON", ".csv": "CSV",
}

func parseMarkdown(data []byte) (Meta, []block, error) {
	m, body, err := splitFrontMatter(data)
	if err != nil {
		return Meta{}, nil, err
	}
	return m, markdownBlocks(string(body)), nil
}

func parseText(data []byte) (Meta, []block, error) {
	return Meta{}, textBlocks(string(bytes.TrimPrefix(data, []byte("\ufeff")))), nil
}

// Load reads every document in fsys. Files it cannot read are listed in
// Corpus.Problems with a reason; every other file is still read. The error
// is non-nil only when fsys itself cannot be walked.
func Load(fsys fs.FS) (*Corpus, error) {
	if _, err := fs.Stat(fsys, "."); err != nil {
		return nil, fmt.Errorf("read corpus folder: %w", err)
	}
	manifest, problems := readManifest(fsys)
	c := &Corpus{Problems: problems}
	err := fs.WalkDir(fsys, ".", func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			if p == "." {
				return err
			}
			c.Problems = append(c.Problems, Problem{Path: p, Reason: "cannot read: " + err.Error(), Err: err})
			return nil
		}
		if p != "." && strings.HasPrefix(d.Name(), ".") {
			if d.IsDir() {
				return fs.SkipDir
			}
			return nil
		}
		if d.IsDir() || p == ManifestName {
			return nil
		}
		doc, prob := loadFile(fsys, p, manifest[p])
		if prob != nil {
			c.Problems = append(c.Problems, *prob)
		}
		if doc != nil {
			c.Documents = append(c.Documents, *doc)
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("read corpus folder: %w", err)
	}
	sort.Slice(c.Problems, func(i, j int) bool { return c.Problems[i].Path < c.Problems[j].Path })
	return c, nil
}

// loadFile reads one document. It may return both a document and a problem:
// a readable document with a bad date is indexed with the date unknown.
func loadFile(fsys fs.FS, p string, listed Meta) (*Document, *Problem) {
	ext := strings.ToLower(path.Ext(p))
	rd, ok := readers[ext]
	if !ok {
		if name, later := notYet[ext]; later {
			return nil, &Problem{Path: p, Reason: name + " is not yet supported", Err: ErrUnsupported}
		}
		return nil, &Problem{Path: p, Reason: fmt.Sprintf("not a document format sendbot reads (%q)", ext), Err: ErrUnsupported}
	}
	info, err := fs.Stat(fsys, p)
	if err != nil {
		return nil, &Problem{Path: p, Reason: "cannot read: " + err.Error(), Err: err}
	}
	if !info.Mode().IsRegular() {
		return nil, &Problem{Path: p, Reason: "not a regular file", Err: errBadFile}
	}
	if info.Size() > MaxFileBytes {
		return nil, &Problem{Path: p, Reason: fmt.Sprintf("file is %d MiB, over the %d MiB limit", info.Size()>>20, MaxFileBytes>>20), Err: errBadFile}
	}
	data, err := fs.ReadFile(fsys, p)
	if err != nil {
		return nil, &Problem{Path: p, Reason: "cannot read: " + err.Error(), Err: err}
	}
	if reason := notText(data); reason != "" {
		return nil, &Problem{Path: p, Reason: reason, Err: errBadFile}
	}
	meta, blocks, err := rd.parse(data)
	if err != nil {
		return nil, &Problem{Path: p, Reason: err.Error(), Err: errBadFile}
	}
	meta.fill(listed)
	doc := &Document{
		Path:      p,
		Format:    rd.format,
		Title:     strings.TrimSpace(meta.Title),
		SourceURL: strings.TrimSpace(meta.SourceURL),
		Publisher: strings.TrimSpace(meta.Publisher),
		Area:      strings.TrimSpace(meta.Area),
		Kind:      strings.ToLower(strings.TrimSpace(meta.Kind)),
		Licence:   strings.TrimSpace(meta.Licence),
	}
	if doc.Area == "" {
		if dir, _, nested := strings.Cut(p, "/"); nested {
			doc.Area = AreaName(dir)
		}
	}
	if doc.Title == "" {
		doc.Title = firstHeading(blocks)
	}
	if doc.Title == "" {
		doc.Title = titleFromName(p)
	}
	doc.Passages = chunk(p, doc.Title, blocks)
	if len(doc.Passages) == 0 {
		return nil, &Problem{Path: p, Reason: "no text found", Err: errBadFile}
	}
	published, err := parseDate(meta.Published)
	doc.Published = published
	if err != nil {
		return doc, &Problem{Path: p, Reason: err.Error() + "; indexed with the date unknown", Err: errBadMeta}
	}
	return doc, nil
}

// notText explains why data cannot be a text document, or returns "".
func notText(data []byte) string {
	switch {
	case len(bytes.TrimSpace(data)) == 0:
		return "file is empty"
	case bytes.IndexByte(data, 0) >= 0:
		return "file holds binary data, not text"
	case !utf8.Valid(data):
		return "file is not valid UTF-8 text"
	}
	return ""
}

func firstHeading(blocks []block) string {
	for _, b := range blocks {
		if b.Level > 0 {
			return b.Text
		}
	}
	return ""
}

func titleFromName(p string) string {
	base := strings.TrimSuffix(path.Base(p), path.Ext(p))
	base = strings.Join(strings.FieldsFunc(base, func(r rune) bool { return r == '-' || r == '_' }), " ")
	if base == "" {
		return p
	}
	return strings.ToUpper(base[:1]) + base[1:]
}

// Fingerprint summarises the corpus files' names, sizes and modification
// times (or contents, where the file system has no times, as in an
// embedded corpus), so an index can tell whether it is out of date.
func Fingerprint(fsys fs.FS) (string, error) {
	h := sha256.New()
	err := fs.WalkDir(fsys, ".", func(p string, d fs.DirEntry, err error) error {
		if err != nil && p == "." {
			return err
		}
		if err != nil || d.IsDir() {
			return nil // unreadable entries are reported by Load, not here
		}
		info, err := d.Info()
		if err != nil {
			fmt.Fprintf(h, "%s\x00unreadable\n", p)
			return nil
		}
		fmt.Fprintf(h, "%s\x00%d\x00", p, info.Size())
		if info.ModTime().IsZero() {
			data, _ := fs.ReadFile(fsys, p)
			sum := sha256.Sum256(data)
			h.Write(sum[:])
		} else {
			fmt.Fprintf(h, "%d", info.ModTime().UnixNano())
		}
		h.Write([]byte{'\n'})
		return nil
	})
	if err != nil {
		return "", fmt.Errorf("fingerprint corpus: %w", err)
	}
	return hex.EncodeToString(h.Sum(nil)[:16]), nil
}
