package index

import (
	"errors"
	"fmt"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/sendbot/sendbot/corpus"
)

// catalogueCorpus has ordinary documents, one without a date, and a
// small service directory, in two areas and England.
var catalogueCorpus = fstest.MapFS{
	"testshire/plans.md": page("Plans in Testshire", "https://testshire.example/plans", "2025-09-01", "local-offer",
		"# Plans in Testshire\n\nThe council writes the plan with the family.\n"),
	"testshire/about.md": page("about short breaks", "https://testshire.example/breaks", "unknown", "guidance",
		"# About short breaks\n\nShort breaks give families a rest.\n"),
	"testshire/directory.csv": {Data: []byte("name,description,website\n" +
		"Autism parents group,A peer support group for parents.,https://testshire.example/autism-group\n" +
		"Accessible swimming,Swimming sessions for disabled children.,https://testshire.example/swim\n")},
	"north-otherton/kites.md": page("Kite flying club", "https://otherton.example/kites", "2024-03-02", "news",
		"# Kite flying club\n\nThe kite flying club meets on Saturdays.\n"),
	"england/law.md": page("The law on plans", "https://gov.example/plans", "2024-01-01", "guidance",
		"# The law on plans\n\nThe EHCP must describe the child's needs.\n"),
}

func TestDocumentsListsTheCatalogueWithoutReadingFiles(t *testing.T) {
	ix := buildAnswerIndex(t, catalogueCorpus, corpus.BuiltinGlossary())
	show := func(ds []DocumentInfo) string {
		var lines []string
		for _, d := range ds {
			lines = append(lines, fmt.Sprintf("%s | %s | %s | %s | %s | %s", d.Area, d.Kind, d.Title, d.ShownDate(), d.SourceURL, d.Path))
		}
		return strings.Join(lines, "\n")
	}
	tests := []struct {
		name, area string
		want       []string
	}{
		{"all areas, services after documents", "", []string{
			"England | guidance | The law on plans | 1 January 2024 | https://gov.example/plans | england/law.md",
			"North Otherton | news | Kite flying club | 2 March 2024 | https://otherton.example/kites | north-otherton/kites.md",
			"Testshire | guidance | about short breaks | date unknown | https://testshire.example/breaks | testshire/about.md",
			"Testshire | local-offer | Plans in Testshire | 1 September 2025 | https://testshire.example/plans | testshire/plans.md",
			"Testshire | service | Accessible swimming | date unknown | https://testshire.example/swim | testshire/directory.csv",
			"Testshire | service | Autism parents group | date unknown | https://testshire.example/autism-group | testshire/directory.csv",
		}},
		{"one area", "Testshire", []string{
			"Testshire | guidance | about short breaks | date unknown | https://testshire.example/breaks | testshire/about.md",
			"Testshire | local-offer | Plans in Testshire | 1 September 2025 | https://testshire.example/plans | testshire/plans.md",
			"Testshire | service | Accessible swimming | date unknown | https://testshire.example/swim | testshire/directory.csv",
			"Testshire | service | Autism parents group | date unknown | https://testshire.example/autism-group | testshire/directory.csv",
		}},
		{"area written as its folder", "north-otherton", []string{
			"North Otherton | news | Kite flying club | 2 March 2024 | https://otherton.example/kites | north-otherton/kites.md",
		}},
		{"national area alone", "ENGLAND", []string{
			"England | guidance | The law on plans | 1 January 2024 | https://gov.example/plans | england/law.md",
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := ix.Documents(tt.area)
			if err != nil {
				t.Fatal(err)
			}
			if show(got) != strings.Join(tt.want, "\n") {
				t.Errorf("Documents(%q):\n%s\nwant\n%s", tt.area, show(got), strings.Join(tt.want, "\n"))
			}
		})
	}

	_, err := ix.Documents("Atlantis")
	if !errors.Is(err, ErrUnknownArea) || !strings.Contains(err.Error(), "England, North Otherton, Testshire") {
		t.Errorf("an unknown area should be named with the known ones: %v", err)
	}

	// The list is the caller's: changing it leaves the index's alone.
	all, _ := ix.Documents("")
	all[0].Title = "changed"
	if again, _ := ix.Documents(""); again[0].Title != "The law on plans" {
		t.Errorf("Documents shares its list with callers: %q", again[0].Title)
	}
}
