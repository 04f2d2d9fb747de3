package index

import (
	"fmt"

	"github.com/blevesearch/bleve/v2"
	"github.com/blevesearch/bleve/v2/document"
	"github.com/blevesearch/bleve/v2/index/scorch"
	"github.com/blevesearch/bleve/v2/search"
	bleveindex "github.com/blevesearch/bleve_index_api"
)

// loadStored sets each hit's Fields to the stored fields of req.Fields,
// as bleve's LoadAndHighlightFields does, but read straight from the
// passage's segment by its number. bleve's looks the passage up again by
// its ID first, and builds a whole document before it picks the fields:
// for a search's 60 candidates that was a tenth of a search's time, all
// of it after the parts of the search had finished.
//
// A reader that is not a scorch snapshot is left to bleve.
func loadStored(r bleveindex.IndexReader, hits search.DocumentMatchCollection, req *bleve.SearchRequest) error {
	snap, ok := r.(*scorch.IndexSnapshot)
	if !ok {
		for _, h := range hits {
			if err, _ := bleve.LoadAndHighlightFields(h, req, "", r, nil); err != nil {
				return err
			}
		}
		return nil
	}
	want := make(map[string]bool, len(req.Fields))
	for _, f := range req.Fields {
		want[f] = true
	}
	segs := snap.Segments()
	offsets := segmentFirsts(segs)
	for _, h := range hits {
		if h.Fields != nil {
			continue
		}
		num := h.IndexInternalID.Value()
		i := segmentOf(offsets, num)
		if i < 0 {
			return fmt.Errorf("passage number %d is in no segment", num)
		}
		// Made at its size: grown field by field, it was an eighth of
		// loading a hit.
		h.Fields = make(map[string]any, len(want))
		var err error
		visitErr := segs[i].VisitDocument(num-offsets[i], func(name string, typ byte, val []byte, _ []uint64) bool {
			if !want[name] {
				return true
			}
			switch typ {
			case 't':
				h.AddFieldValue(name, string(val))
			case 'n':
				n, nerr := document.NewNumericFieldFromBytes(name, nil, val).Number()
				if nerr != nil {
					err = fmt.Errorf("passage %s: field %s: %w", h.ID, name, nerr)
					return false
				}
				h.AddFieldValue(name, n)
			}
			return true
		})
		if visitErr != nil {
			return fmt.Errorf("passage %s: %w", h.ID, visitErr)
		}
		if err != nil {
			return err
		}
		if len(h.Fields) == 0 {
			h.Fields = nil // as bleve leaves a hit with none of the fields
		}
	}
	return nil
}
