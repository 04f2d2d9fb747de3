package index

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"time"

	"github.com/blevesearch/bleve/v2"
	"github.com/blevesearch/bleve/v2/index/scorch"
	"github.com/blevesearch/bleve/v2/index/scorch/mergeplan"

	"github.com/sendbot/sendbot/corpus"
)

var (
	// ErrNoIndex means there is no index in the folder yet.
	ErrNoIndex = errors.New("no index")
	// ErrOldMapping means the index was built by another version of sendbot
	// and must be rebuilt.
	ErrOldMapping = errors.New("index was built by a different version of sendbot")
)

// batchSize is how many passages go to bleve in one batch.
const batchSize = 500

// metaKey is where an index keeps its Info, in bleve's internal storage;
// glossaryKey is where it keeps the glossary it was built with.
var (
	metaKey     = []byte("sendbot.info")
	glossaryKey = []byte("sendbot.glossary")
)

// Source describes the corpus an index is built from.
type Source struct {
	// Name says where the corpus came from: a folder path, or "embedded default".
	Name string `json:"name"`
	// Fingerprint is corpus.Fingerprint of the corpus files.
	Fingerprint string `json:"fingerprint"`
}

// AreaCount is one area in an index and how much it holds.
type AreaCount struct {
	Name      string `json:"name"`
	Documents int    `json:"documents"`
	Passages  int    `json:"passages"`
}

// Info is what an index records about itself when it is built.
type Info struct {
	MappingVersion int         `json:"mapping_version"`
	Source         Source      `json:"source"`
	BuiltAt        time.Time   `json:"built_at"`
	Documents      int         `json:"documents"`
	Passages       int         `json:"passages"`
	Areas          []AreaCount `json:"areas"`
}

// Build writes a new index of docs into dir, which must not exist yet.
// The glossary is kept with the index: searches use it for synonyms,
// "What is X?" answers and the meanings shown beside quotes. On failure
// Build removes what it wrote.
func Build(ctx context.Context, dir string, docs []corpus.Document, g corpus.Glossary, src Source) (err error) {
	if _, statErr := os.Stat(dir); statErr == nil {
		return fmt.Errorf("build index: %s already exists", dir)
	}
	if err := os.MkdirAll(filepath.Dir(dir), 0o755); err != nil {
		return fmt.Errorf("build index: %w", err)
	}
	idx, err := bleve.New(dir, newMapping())
	if err != nil {
		return fmt.Errorf("create index %q: %w", dir, err)
	}
	defer func() {
		if cerr := idx.Close(); err == nil && cerr != nil {
			err = fmt.Errorf("close index %q: %w", dir, cerr)
		}
		if err == nil {
			err = compact(ctx, dir)
		}
		if err != nil {
			os.RemoveAll(dir)
		}
	}()

	info := Info{MappingVersion: MappingVersion, Source: src, BuiltAt: time.Now().UTC()}
	areas := map[string]*AreaCount{}
	batch := idx.NewBatch()
	for _, d := range docs {
		if err := ctx.Err(); err != nil {
			return fmt.Errorf("build index: %w", err)
		}
		info.Documents++
		ac := areas[corpus.AreaKey(d.Area)]
		if ac == nil {
			ac = &AreaCount{Name: d.Area}
			areas[corpus.AreaKey(d.Area)] = ac
		}
		ac.Documents++
		for _, p := range d.Passages {
			if err := batch.Index(p.ID+"@"+d.Path, passageFields(d, p)); err != nil {
				return fmt.Errorf("index %s: %w", d.Path, err)
			}
			info.Passages++
			ac.Passages++
			if batch.Size() >= batchSize {
				if err := idx.Batch(batch); err != nil {
					return fmt.Errorf("write index batch: %w", err)
				}
				batch.Reset()
			}
		}
	}
	if batch.Size() > 0 {
		if err := idx.Batch(batch); err != nil {
			return fmt.Errorf("write index batch: %w", err)
		}
	}
	for _, a := range areas {
		if a.Name != "" {
			info.Areas = append(info.Areas, *a)
		}
	}
	sort.Slice(info.Areas, func(i, j int) bool { return info.Areas[i].Name < info.Areas[j].Name })
	data, err := json.Marshal(info)
	if err != nil {
		return err
	}
	if err := idx.SetInternal(metaKey, data); err != nil {
		return fmt.Errorf("record index info: %w", err)
	}
	if data, err = json.Marshal(g); err != nil {
		return err
	}
	if err := idx.SetInternal(glossaryKey, data); err != nil {
		return fmt.Errorf("record glossary: %w", err)
	}
	return storeCatalogue(idx, docs)
}

// compact merges the index's segments into one. Scoring reads field
// statistics per segment, and how batches end up in segments depends on
// timing, so without this two builds of the same corpus could rank a
// near tie differently; with it, the same corpus always gives the same
// answers.
func compact(ctx context.Context, dir string) error {
	idx, err := bleve.Open(dir)
	if err != nil {
		return fmt.Errorf("reopen index %q to compact it: %w", dir, err)
	}
	adv, err := idx.Advanced()
	if err == nil {
		if s, ok := adv.(*scorch.Scorch); ok {
			err = s.ForceMerge(ctx, &mergeplan.SingleSegmentMergePlanOptions)
		}
	}
	if cerr := idx.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return fmt.Errorf("compact index %q: %w", dir, err)
	}
	return nil
}

func scope(area string) string {
	if corpus.IsNational(area) {
		return scopeNational
	}
	return "local"
}

func passageFields(d corpus.Document, p corpus.Passage) map[string]any {
	published := ""
	if !d.Published.IsZero() {
		published = d.Published.Format(time.DateOnly)
	}
	return map[string]any{
		fieldText:      p.Text,
		fieldTitle:     d.Title,
		fieldSection:   p.Section,
		fieldArea:      d.Area,
		fieldAreaKey:   corpus.AreaKey(d.Area),
		fieldKind:      d.Kind,
		fieldPublished: published,
		fieldPublisher: d.Publisher,
		fieldSourceURL: d.SourceURL,
		fieldPath:      d.Path,
		fieldPage:      float64(p.Page),
		fieldScope:     scope(d.Area),
	}
}

// Rebuild builds a new index of docs beside dir and then moves it into
// place, so that dir always holds either the old index or the new one,
// never a half-built one. An index open on the old folder keeps answering
// until it is closed.
func Rebuild(ctx context.Context, dir string, docs []corpus.Document, g corpus.Glossary, src Source) error {
	dir = filepath.Clean(dir)
	stamp := strconv.FormatInt(time.Now().UnixNano(), 36)
	fresh := dir + ".building-" + stamp
	if err := Build(ctx, fresh, docs, g, src); err != nil {
		return err
	}
	old := dir + ".old-" + stamp
	hadOld := true
	if err := os.Rename(dir, old); err != nil {
		if !errors.Is(err, os.ErrNotExist) {
			os.RemoveAll(fresh)
			return fmt.Errorf("move old index aside: %w", err)
		}
		hadOld = false
	}
	if err := os.Rename(fresh, dir); err != nil {
		if hadOld {
			os.Rename(old, dir)
		}
		os.RemoveAll(fresh)
		return fmt.Errorf("move new index into place: %w", err)
	}
	if hadOld {
		os.RemoveAll(old)
	}
	return nil
}
