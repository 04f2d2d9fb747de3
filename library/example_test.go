package library_test

import (
	"context"
	"fmt"
	"log"
	"os"
	"path/filepath"

	"github.com/sendbot/sendbot/library"
)

func Example() {
	dir, _ := os.MkdirTemp("", "corpus")
	defer os.RemoveAll(dir)
	data, _ := os.MkdirTemp("", "data")
	defer os.RemoveAll(data)
	os.MkdirAll(filepath.Join(dir, "testshire"), 0o755)
	os.WriteFile(filepath.Join(dir, "testshire", "breaks.md"), []byte("# Short breaks\n\nShort breaks give families a rest.\n"), 0o644)

	lib, err := library.Open(library.Config{Corpus: dir, DataDir: data})
	if err != nil {
		log.Fatal(err)
	}
	ix, err := lib.OpenIndex(context.Background()) // built, as there is none yet
	if err != nil {
		log.Fatal(err)
	}
	defer ix.Close()
	// Beside the folder's one document are the built-in documents about
	// England (Config.NoBuiltinEngland leaves them out).
	for _, a := range ix.Info().Areas {
		fmt.Println(a.Name+":", a.Documents, "documents")
	}
	rel, _ := filepath.Rel(data, lib.IndexDir())
	fmt.Println(filepath.Dir(filepath.ToSlash(rel)))
	// Output:
	// England: 6 documents
	// Testshire: 1 documents
	// indexes
}
