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
