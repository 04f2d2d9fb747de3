package corpus

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io/fs"
	"iter"
	"os"
	"path"
	"slices"
	"strings"
	"syscall"
	"unicode/utf8"
)

// MaxFileBytes is the largest file Load reads; bigger files are reported.
const MaxFileBytes = 32 << 20

var (
	errBadMeta = errors.New("bad metadata")
	errBadFile = errors.New("unreadable document")
	errOutside = errors.New("link leads outside the folder")
)

// entry is one document's worth of a file, as a reader produces it. Most
// files hold one document; a service directory holds one per service.
type entry struct {
	// ID names the entry within its file ("" for single-document files).
	ID     string
	Meta   Meta
	Blocks []block
	// pageDated says Meta.Published came from a web page's meta tags, not
	// from a person; an inspection report's own text wins over it.
	pageDated bool
}

// parsed is what a reader found in one file: its documents, and the
// entries it left out on purpose (empty or placeholder services), each
// with the reason.
type parsed struct {
	Entries []entry
	Skipped []Skip
}

// reader parses one file format.
type reader struct {
	format string
	// raw readers check their own bytes (a PDF is binary, a web page may
	// declare another character set); for the others Load first makes sure
	// the file is UTF-8 text.
	raw   bool
	parse func(data []byte) (parsed, error)
}

var readers = map[string]reader{
	".md":       {format: "markdown", parse: parseMarkdown},
	".markdown": {format: "markdown", parse: parseMarkdown},
	".txt":      {format: "text", parse: parseText},
	".html":     {format: "html", raw: true, parse: parseHTML},
	".htm":      {format: "html", raw: true, parse: parseHTML},
	".json":     {format: "oruk", parse: parseORUK},
	".csv":      {format: "csv", parse: parseCSV},
	".pdf":      {format: "pdf", raw: true, parse: parsePDF},
}

// single wraps one document's metadata and blocks as a reader's result.
func single(m Meta, blocks []block) parsed {
	return parsed{Entries: []entry{{Meta: m, Blocks: blocks}}}
}

func parseMarkdown(data []byte) (parsed, error) {
	m, body, err := splitFrontMatter(data)
	if err != nil {
		return parsed{}, err
	}
	return single(m, markdownBlocks(string(body))), nil
}

func parseText(data []byte) (parsed, error) {
	return single(Meta{}, textBlocks(string(bytes.TrimPrefix(data, []byte("\ufeff"))))), nil
}

// Load reads every document in fsys. Files it cannot read are listed in
// Corpus.Problems with a reason; every other file is still read. The error
// is non-nil only when fsys itself cannot be walked. Load is a Reader's
// documents collected: a corpus too large to hold is read with a Reader.
func Load(fsys fs.FS) (*Corpus, error) {
	r, err := NewReader(fsys, "")
	if err != nil {
		return nil, err
	}
	c := &Corpus{Glossary: r.Glossary}
	for d, err := range r.Documents() {
		if err != nil {
			return nil, err
		}
		c.Documents = append(c.Documents, d)
	}
	c.Skips, c.Problems = r.Skips(), r.Problems()
	return c, nil
}

// Reader reads the documents of a corpus folder one file at a time, so
// that a build holds only the file it is reading, however large the
// corpus. It gives what Load gives, in Load's order: NewReader reads what
// must be known before the first document (sources.yaml and
// glossary.yaml), Documents gives the documents, and once they have all
// been given, Skips and Problems list what Load lists.
//
//	r, err := corpus.NewReader(fsys, "")
//	for d, err := range r.Documents() { ... } // err: the folder cannot be walked
//	problems := r.Problems()
type Reader struct {
	// Glossary is the folder's own glossary.yaml, to be merged over
	// BuiltinGlossary; empty when it has none.
	Glossary Glossary

	fsys     fs.FS
	prefix   string
	manifest map[string]Meta
	// before are the problems of sources.yaml and glossary.yaml.
	before   []Problem
	skips    []Skip
	problems []Problem
	// sites are the site templates of the folders read so far.
	sites siteTemplates
}

// NewReader reads fsys's sources.yaml and glossary.yaml, and returns the
// reader of its documents. A prefix that is not empty is put with a
// slash in front of the paths of the documents, skips and problems it
// reads, and the documents' passages take IDs of their own, as Merge
// gives them. The error is non-nil only when fsys cannot be read.
func NewReader(fsys fs.FS, prefix string) (*Reader, error) {
	if _, err := fs.Stat(fsys, "."); err != nil {
		return nil, fmt.Errorf("read corpus folder: %w", err)
	}
	manifest, problems := readManifest(fsys)
	glossary, glossaryProblems := readGlossary(fsys)
	r := &Reader{Glossary: glossary, fsys: fsys, prefix: prefix, manifest: manifest}
	r.before = r.moveProblems(append(problems, glossaryProblems...))
	r.problems = slices.Clone(r.before)
	return r, nil
}

// Documents reads the folder's files in lexical order, as fs.WalkDir
// walks them, and gives their documents one at a time. It gives an error,
// and nothing more, only when the folder itself cannot be walked. Each
// time it is ranged over it reads the folder again, and Skips and
// Problems start afresh.
func (r *Reader) Documents() iter.Seq2[Document, error] {
	return func(yield func(Document, error) bool) {
		r.skips, r.problems = nil, slices.Clone(r.before)
		r.sites = siteTemplates{fsys: r.fsys}
		stopped := false
		err := fs.WalkDir(r.fsys, ".", func(p string, d fs.DirEntry, err error) error {
			if err != nil {
				if p == "." {
					return err
				}
				r.problem(Problem{Path: p, Reason: "cannot read: " + err.Error(), Err: err})
				return nil
			}
			if p != "." && strings.HasPrefix(d.Name(), ".") {
				if d.IsDir() {
					return fs.SkipDir
				}
				return nil
			}
			if d.IsDir() || p == ManifestName || p == GlossaryName {
				return nil
			}
			if d.Type()&fs.ModeSymlink != 0 {
				// Links to files inside the folder are followed; links to
				// folders are not walked, so a link loop cannot trap the walk.
				// A folder opened with OpenDir refuses links that lead out.
				info, err := fs.Stat(r.fsys, p)
				switch {
				case err != nil:
					r.problem(linkProblem(r.fsys, p, err))
					return nil
				case info.IsDir():
					r.problem(Problem{Path: p, Reason: "link to a folder; sendbot does not follow folder links (copy or move the folder into the corpus instead)", Err: ErrUnsupported})
					return nil
				}
			}
			site := r.sites.forFile(p)
			for _, prob := range r.sites.problems {
				r.problem(prob)
			}
			r.sites.problems = nil
			docs, skipped, probs := loadFile(r.fsys, p, r.manifest[p], site)
			for _, s := range skipped {
				s.Path = r.at(s.Path)
				r.skips = append(r.skips, s)
			}
			r.problems = append(r.problems, r.moveProblems(probs)...)
			for _, doc := range docs {
				if !yield(moved(doc, r.prefix), nil) {
					stopped = true
					return fs.SkipAll
				}
			}
			return nil
		})
		if err != nil && !stopped {
			yield(Document{}, fmt.Errorf("read corpus folder: %w", err))
		}
	}
}

// Skips are the entries left out on purpose by the files read so far.
func (r *Reader) Skips() []Skip { return slices.Clone(r.skips) }

// Problems are the problems of the folder's sources.yaml and
// glossary.yaml and of the files read so far, sorted by path.
func (r *Reader) Problems() []Problem {
	problems := slices.Clone(r.problems)
	sortProblems(problems)
	return problems
}

// problem records p, found at a path inside the folder.
func (r *Reader) problem(p Problem) {
	p.Path = r.at(p.Path)
	r.problems = append(r.problems, p)
}

// moveProblems puts the reader's prefix in front of the problems' paths.
func (r *Reader) moveProblems(problems []Problem) []Problem {
	for i := range problems {
		problems[i].Path = r.at(problems[i].Path)
	}
	return problems
}

// at is the path p inside the folder shows as.
func (r *Reader) at(p string) string { return under(r.prefix, p) }

// OpenDir is the folder dir as Load reads it: its files, and links
// between them, but never a file or folder a link leads to outside it
// (an absolute link, or one through ".."), so that a link to /etc/passwd
// or to the bot's .env is never published. Load lists such a link as a
// problem.
func OpenDir(dir string) (fs.FS, error) {
	root, err := os.OpenRoot(dir)
	if err != nil {
		return nil, err
	}
	return root.FS(), nil // the root's file is closed when it is no longer used
}

// linkProblem explains a link whose target cannot be read.
func linkProblem(fsys fs.FS, p string, err error) Problem {
	target, _ := fs.ReadLink(fsys, p)
	switch {
	case errors.Is(err, fs.ErrNotExist):
		return Problem{Path: p, Reason: fmt.Sprintf("broken link: it leads to %q, which does not exist", target), Err: errBadFile}
	case errors.Is(err, syscall.ELOOP):
		return Problem{Path: p, Reason: "looping link: it leads back to itself", Err: errBadFile}
	case errors.Is(err, fs.ErrPermission):
		return Problem{Path: p, Reason: "cannot read: permission denied", Err: err}
	}
	return Problem{Path: p, Reason: fmt.Sprintf("link that leads outside this folder (to %q); sendbot reads only files inside it, so copy the file in instead", target), Err: errOutside}
}

// loadFile reads the documents in one file. It may return documents and
// problems together: a readable document with a bad date is indexed with
// the date unknown. A web page is read without its site's template when
// site is not nil.
func loadFile(fsys fs.FS, p string, listed Meta, site *SiteTemplate) ([]Document, []Skip, []Problem) {
	fail := func(reason string, err error) ([]Document, []Skip, []Problem) {
		return nil, nil, []Problem{{Path: p, Reason: reason, Err: err}}
	}
	ext := strings.ToLower(path.Ext(p))
	rd, ok := readers[ext]
	if !ok {
		return fail(fmt.Sprintf("not a document format sendbot reads (%q)", ext), ErrUnsupported)
	}
	info, err := fs.Stat(fsys, p)
	if err != nil {
		return fail("cannot read: "+err.Error(), err)
	}
	if !info.Mode().IsRegular() {
		return fail("not a regular file", errBadFile)
	}
	if info.Size() > MaxFileBytes {
		return fail(fmt.Sprintf("file is %d bytes, over the %d MiB size limit", info.Size(), MaxFileBytes>>20), errBadFile)
	}
	data, err := fs.ReadFile(fsys, p)
	if err != nil {
		return fail("cannot read: "+err.Error(), err)
	}
	if len(bytes.TrimSpace(data)) == 0 {
		return fail("file is empty", errBadFile)
	}
	if !rd.raw {
		if reason := notText(data); reason != "" {
			return fail(reason, errBadFile)
		}
	}
	parse := rd.parse
	if site != nil && rd.format == "html" {
		parse = func(data []byte) (parsed, error) { return parseSitePage(data, site) }
	}
	res, err := parse(data)
	if err != nil {
		return fail(err.Error(), errBadFile)
	}
	var (
		docs     []Document
		problems []Problem
	)
	skipped := res.Skipped
	for i := range skipped {
		skipped[i].Path = p
	}
	for _, e := range res.Entries {
		doc, prob := newDocument(p, rd.format, e, listed)
		switch {
		case doc == nil && e.ID != "":
			skipped = append(skipped, Skip{Path: p, Entry: e.ID, Reason: "no text found"})
		case doc == nil:
			problems = append(problems, Problem{Path: p, Reason: "no text found", Err: errBadFile})
		default:
			docs = append(docs, *doc)
		}
		if prob != nil {
			problems = append(problems, *prob)
		}
	}
	if len(docs) == 0 && len(problems) == 0 {
		problems = append(problems, Problem{Path: p, Reason: "no documents found", Err: errBadFile})
	}
	return docs, skipped, problems
}

// newDocument turns one parsed entry into a Document, taking what its own
// metadata leaves empty from sources.yaml (listed) and the file's place in
// the corpus. It returns nil when the entry has no text.
func newDocument(p, format string, e entry, listed Meta) (*Document, *Problem) {
	meta := e.Meta.merged(listed, e.ID != "")
	doc := &Document{
		Path:      p,
		Entry:     e.ID,
		Format:    format,
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
		doc.Title = firstHeading(e.Blocks)
	}
	if doc.Title == "" {
		doc.Title = titleFromName(p)
	}
	doc.Passages = chunk(doc.Key(), doc.Title, e.Blocks)
	if len(doc.Passages) == 0 {
		return nil, nil
	}
	date := meta.Published
	if strings.TrimSpace(date) == "" {
		date = meta.Modified
	}
	published, err := parseDate(date)
	doc.Published = published
	if doc.Kind == KindInspection {
		doc.inspected(e.Blocks, writtenDate(e, listed))
	}
	if err != nil {
		where := p
		if e.ID != "" {
			where += " (entry " + e.ID + ")"
		}
		fallback := "; indexed with the date unknown"
		if !doc.Published.IsZero() {
			fallback = "; dated from the report's own text instead"
		}
		return doc, &Problem{Path: where, Reason: err.Error() + fallback, Err: errBadMeta}
	}
	return doc, nil
}

// notText explains why data cannot be a text document, or returns "".
func notText(data []byte) string {
	switch {
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
