package index

import (
	"context"
	"io/fs"
	"os"
	"path/filepath"
	"testing"

	"github.com/sendbot/sendbot/corpus"
)

// BenchmarkUpdateVsRebuild compares adding one document with Update to
// rebuilding the whole index, on the corpus in $SENDBOT_BENCH_CORPUS:
//
//	SENDBOT_BENCH_CORPUS=../../shared/corpus go test ./index -run '^$' -bench UpdateVsRebuild -benchtime 3x
func BenchmarkUpdateVsRebuild(b *testing.B) {
	folder := os.Getenv("SENDBOT_BENCH_CORPUS")
	if folder == "" {
		b.Skip("set SENDBOT_BENCH_CORPUS to a corpus folder")
	}
	c, err := corpus.Load(os.DirFS(folder))
	if err != nil {
		b.Fatal(err)
	}
	added := loadDocsB(b, hydrotherapy)
	all := append(append([]corpus.Document(nil), c.Documents...), added...)
	g := corpus.BuiltinGlossary().Merge(c.Glossary)
	dir := filepath.Join(b.TempDir(), "index")
	if err := Rebuild(context.Background(), dir, c.Documents, g, Source{}); err != nil {
		b.Fatal(err)
	}
	b.Logf("%d documents", len(c.Documents))
	b.Run("rebuild", func(b *testing.B) {
		for b.Loop() {
			if err := Rebuild(context.Background(), dir, all, g, Source{}); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("update one document", func(b *testing.B) {
		for b.Loop() {
			if err := Update(context.Background(), dir, added, nil, g, Source{}); err != nil {
				b.Fatal(err)
			}
		}
	})
}

func loadDocsB(b *testing.B, fsys fs.FS) []corpus.Document {
	c, err := corpus.Load(fsys)
	if err != nil {
		b.Fatal(err)
	}
	return c.Documents
}
