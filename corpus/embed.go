package corpus

import (
	"embed"
	"io/fs"
)

//go:embed default
var defaultFS embed.FS

// Default returns the corpus built into the binary: short fact sheets, in
// sendbot's own words, each fact linked to its public source. It lets a new
// install answer questions before anyone has added documents.
func Default() fs.FS {
	sub, err := fs.Sub(defaultFS, "default")
	if err != nil {
		panic("corpus: embedded default corpus is missing: " + err.Error()) // a build error, not a runtime one
	}
	return sub
}

// DefaultEngland returns the documents of the built-in corpus about
// England as a whole (its england folder, at the top of the returned
// folder): the law, national processes and where to get independent help,
// which a library keeps beside a group's own corpus.
func DefaultEngland() fs.FS {
	sub, err := fs.Sub(defaultFS, "default/england")
	if err != nil {
		panic("corpus: embedded default corpus is missing: " + err.Error())
	}
	return sub
}
