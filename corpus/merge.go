package corpus

import "sort"

// Merge adds other's documents, skipped entries and problems to c, with
// prefix and a slash in front of their paths, so that fetched copies read
// from a cache folder show as "fetched/herefordshire/page.html". Passage
// IDs hash the document's path, so Merge gives the moved passages new IDs
// that are as stable as the old ones and cannot clash with c's. An empty
// prefix leaves the paths as they are.
func (c *Corpus) Merge(other *Corpus, prefix string) {
	if other == nil {
		return
	}
	at := func(p string) string {
		if prefix == "" {
			return p
		}
		return prefix + "/" + p
	}
	for _, d := range other.Documents {
		d.Path = at(d.Path)
		d.Passages = append([]Passage(nil), d.Passages...)
		assignIDs(d.Key(), d.Passages)
		c.Documents = append(c.Documents, d)
	}
	for _, s := range other.Skips {
		s.Path = at(s.Path)
		c.Skips = append(c.Skips, s)
	}
	for _, p := range other.Problems {
		p.Path = at(p.Path)
		c.Problems = append(c.Problems, p)
	}
	sort.SliceStable(c.Problems, func(i, j int) bool { return c.Problems[i].Path < c.Problems[j].Path })
}
