package index

import (
	"cmp"
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/blevesearch/bleve/v2"

	"github.com/sendbot/sendbot/corpus"
)

// catalogueKey is where an index keeps the list of its documents, in
// bleve's internal storage, so they can be listed without reading the
// corpus files or searching.
var catalogueKey = []byte("sendbot.catalogue")

// KindService is the Kind of a service directory entry (one service of
// an Open Referral UK feed or a directory CSV).
const KindService = "service"

// DocumentInfo is one indexed document as it is listed: what it is and
// where it comes from, without its text.
type DocumentInfo struct {
	Title     string `json:"title"`
	SourceURL string `json:"source_url"`
	Kind      string `json:"kind"`
	// Published is "2006-01-02", or "" when the date is not known.
	Published string `json:"published"`
	Area      string `json:"area"`
	// Path is the file's path in the corpus; the services of one
	// directory share it.
	Path string `json:"path"`
}

// ShownDate is the publication date as parents read it, "4 July 2025",
// or "date unknown".
func (d DocumentInfo) ShownDate() string { return Hit{Published: d.Published}.ShownDate() }

// catalogueEntry is d's entry in the list of documents.
func catalogueEntry(d corpus.Document) DocumentInfo {
	published := ""
	if !d.Published.IsZero() {
		published = d.Published.Format(time.DateOnly)
	}
	return DocumentInfo{Title: d.Title, SourceURL: d.SourceURL, Kind: d.Kind, Published: published, Area: d.Area, Path: d.Path}
}

// sortCatalogue puts a list of documents in the order Documents returns:
// by area, then ordinary documents before service directory entries, then
// by title.
func sortCatalogue(out []DocumentInfo) {
	slices.SortStableFunc(out, func(a, b DocumentInfo) int {
		return cmp.Or(
			cmp.Compare(corpus.AreaKey(a.Area), corpus.AreaKey(b.Area)),
			cmp.Compare(boolRank(a.Kind == KindService), boolRank(b.Kind == KindService)),
			cmp.Compare(strings.ToLower(a.Title), strings.ToLower(b.Title)),
			cmp.Compare(a.Title, b.Title),
			cmp.Compare(a.Path, b.Path),
		)
	})
}

func boolRank(b bool) int {
	if b {
		return 1
	}
	return 0
}

// storeCatalogue records the list of documents in the index being written.
func storeCatalogue(idx bleve.Index, catalogue []DocumentInfo) error {
	data, err := json.Marshal(catalogue)
	if err != nil {
		return err
	}
	if err := idx.SetInternal(catalogueKey, data); err != nil {
		return fmt.Errorf("record catalogue: %w", err)
	}
	return nil
}

// loadCatalogue reads the list of documents an index was built with.
func loadCatalogue(b bleve.Index) ([]DocumentInfo, error) {
	data, err := b.GetInternal(catalogueKey)
	if err != nil {
		return nil, err
	}
	var out []DocumentInfo
	if err := json.Unmarshal(data, &out); err != nil {
		return nil, err
	}
	return out, nil
}

// Documents lists the indexed documents of an area ("" for all areas,
// compared as corpus.AreaKey does): by area, then ordinary documents
// before service directory entries, then by title. An area the index has
// no documents for is an error wrapping ErrUnknownArea that names the
// areas it has. The list is the caller's to keep or change.
func (ix *Index) Documents(area string) ([]DocumentInfo, error) {
	if strings.TrimSpace(area) == "" {
		return slices.Clone(ix.catalogue), nil
	}
	key := corpus.AreaKey(area)
	if _, ok := ix.areas[key]; !ok {
		return nil, fmt.Errorf("%w %q: this index has %s", ErrUnknownArea, area, strings.Join(ix.Areas(), ", "))
	}
	var out []DocumentInfo
	for _, d := range ix.catalogue {
		if corpus.AreaKey(d.Area) == key {
			out = append(out, d)
		}
	}
	return out, nil
}
