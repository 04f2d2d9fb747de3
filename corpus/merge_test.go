package corpus

import (
	"testing"
	"testing/fstest"
)

func TestMergePrefixesPathsAndKeepsIDsUnique(t *testing.T) {
	text := []byte("# Transport\n\nChildren who live beyond walking distance of their nearest suitable school can get free travel to school in Testshire.\n")
	own, err := Load(fstest.MapFS{"testshire/transport.md": {Data: text}, "testshire/broken.md": {Data: nil}})
	if err != nil {
		t.Fatal(err)
	}
	// The same file under the same path in the fetch cache: only the
	// prefix tells the two apart.
	fetched, err := Load(fstest.MapFS{
		"testshire/transport.md": {Data: text},
		"testshire/report.xyz":   {Data: []byte("?")},
	})
	if err != nil {
		t.Fatal(err)
	}
	fetchedIDs := fetched.Documents[0].Passages[0].ID
	own.Merge(fetched, "fetched")

	if len(own.Documents) != 2 {
		t.Fatalf("got %d documents, want 2", len(own.Documents))
	}
	d := own.Documents[1]
	if d.Path != "fetched/testshire/transport.md" || d.Area != "Testshire" || d.Title != "Transport" {
		t.Errorf("merged document: path %q area %q title %q", d.Path, d.Area, d.Title)
	}
	if own.Documents[0].Passages[0].ID == d.Passages[0].ID {
		t.Errorf("two documents share passage ID %s", d.Passages[0].ID)
	}
	if fetched.Documents[0].Passages[0].ID != fetchedIDs {
		t.Errorf("Merge changed the other corpus's passages")
	}
	var paths []string
	for _, p := range own.Problems {
		paths = append(paths, p.Path)
	}
	if len(paths) != 2 || paths[0] != "fetched/testshire/report.xyz" || paths[1] != "testshire/broken.md" {
		t.Errorf("problems should be merged, prefixed and sorted: %v", paths)
	}

	again, _ := Load(fstest.MapFS{"testshire/transport.md": {Data: text}})
	again.Merge(fetched, "fetched")
	if again.Documents[1].Passages[0].ID != d.Passages[0].ID {
		t.Errorf("passage IDs of merged documents should be stable across runs")
	}
}
