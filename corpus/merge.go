package corpus

import (
	"slices"
	"strings"
)

// Merge adds other's documents, skipped entries and problems to c, with
// prefix and a slash in front of their paths, so that fetched copies read
// from a cache folder show as "fetched/herefordshire/page.html". Passage
// IDs hash the document's path, so Merge gives the moved passages new IDs
// that are as stable as the old ones and cannot clash with c's. An empty
// prefix leaves the paths as they are. A Reader given the prefix reads a
// folder as Load and Merge would, a file at a time.
func (c *Corpus) Merge(other *Corpus, prefix string) {
	if other == nil {
		return
	}
	for _, d := range other.Documents {
		d.Passages = slices.Clone(d.Passages) // moved changes their IDs
		c.Documents = append(c.Documents, moved(d, prefix))
	}
	for _, s := range other.Skips {
		s.Path = under(prefix, s.Path)
		c.Skips = append(c.Skips, s)
	}
	for _, p := range other.Problems {
		p.Path = under(prefix, p.Path)
		c.Problems = append(c.Problems, p)
	}
	sortProblems(c.Problems)
}

// under is the path p shows as under prefix.
func under(prefix, p string) string {
	if prefix == "" {
		return p
	}
	return prefix + "/" + p
}

// moved is d under prefix, its passages' IDs (which it changes in
// place) hashing its new path. An empty prefix leaves d as it is: its
// IDs would not change.
func moved(d Document, prefix string) Document {
	if prefix == "" {
		return d
	}
	d.Path = under(prefix, d.Path)
	assignIDs(d.Key(), d.Passages)
	return d
}

// sortProblems sorts problems by path, keeping the order they were found
// in for each path.
func sortProblems(problems []Problem) {
	slices.SortStableFunc(problems, func(a, b Problem) int { return strings.Compare(a.Path, b.Path) })
}
