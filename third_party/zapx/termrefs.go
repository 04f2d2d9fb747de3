package zap

// This file is sendbot's (see SENDBOT.md): while a segment is built,
// realloc finds each document's terms in their field's dictionary to size
// the postings, and keeps what it found, so that process, which fills
// them, need not read each document's term maps and look every term up
// again.

import (
	index "github.com/blevesearch/bleve_index_api"
)

// termRef is a term of a document's field, as realloc found it.
type termRef struct {
	tf  *index.TokenFreq
	pid uint64 // the term's postings list
	fid uint16 // the field
}

// docTerms are the terms realloc found, document by document.
type docTerms struct {
	refs []termRef
	ends []int // document -> the end of its terms in refs
	// merged are the documents with two fields of one name, whose terms
	// process merges as upstream does, from the fields themselves.
	merged map[uint32]bool
	seen   []uint32 // field ID -> the document it was last seen in, + 1
}

// field notes that document docNum has the field fid, and whether it had
// it already.
func (d *docTerms) field(docNum int, fid uint16) {
	for int(fid) >= len(d.seen) {
		d.seen = append(d.seen, 0)
	}
	if d.seen[fid] == uint32(docNum)+1 {
		if d.merged == nil {
			d.merged = map[uint32]bool{}
		}
		d.merged[uint32(docNum)] = true
	}
	d.seen[fid] = uint32(docNum) + 1
}

// endDocument ends the terms of the document started last.
func (d *docTerms) endDocument() { d.ends = append(d.ends, len(d.refs)) }

// of returns document docNum's terms, or false if process must read them
// from its fields.
func (d *docTerms) of(docNum uint32) ([]termRef, bool) {
	if int(docNum) >= len(d.ends) || d.merged[docNum] {
		return nil, false
	}
	start := 0
	if docNum > 0 {
		start = d.ends[docNum-1]
	}
	return d.refs[start:d.ends[docNum]], true
}

// reset forgets every document, and the token frequencies it points to.
func (d *docTerms) reset() {
	clear(d.refs)
	d.refs, d.ends, d.merged = d.refs[:0], d.ends[:0], nil
	clear(d.seen)
}
