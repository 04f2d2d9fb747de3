package index

import (
	"io/fs"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/sendbot/sendbot/corpus"
)

// An area SEND inspection report, invented in this project's words with
// the headings of Ofsted and the CQC's reports since 2023 and one of
// that framework's three published outcomes.
const testshireReport = `---
title: Area SEND inspection of Testshire Local Area Partnership
source_url: https://reports.example/testshire-area-send.pdf
publisher: Ofsted and the Care Quality Commission
area: Testshire
kind: inspection
---
# Area SEND inspection of Testshire Local Area Partnership

Inspection dates: 4 to 8 March 2024

Dates of previous inspection: 10 to 14 June 2019

## Inspection outcome

The local area partnership's special educational needs and/or disabilities (SEND) arrangements lead to inconsistent experiences and outcomes for children and young people with SEND. The local area partnership must work jointly to make improvements.

The next full reinspection will be within approximately three years, and the partnership is asked to update and publish its strategic plan in the light of this report.

## Information about the local area partnership

Testshire County Council and the NHS Testshire Integrated Care Board are jointly responsible for planning and commissioning services for children and young people with SEND in Testshire.

## What is it like to be a child or young person with SEND in this area?

Many children are well supported in their early years settings. Too many wait a long time for an assessment of their needs, and some families feel they must fight for the help their child needs. Some children wait more than a year for speech and language therapy.

## What is the area partnership doing that is effective?

Leaders share an understanding of the area's strengths and weaknesses. The parent carer forum helps to plan services.

## What does the area partnership need to do better?

Too few education, health and care plans are issued within twenty weeks.
`

// testshireNews is local news from the same area, one item about
// another of Ofsted's inspections: a school's.
var testshireNews = map[string]string{
	"school.md":  "# Village primary praised\n\nOfsted said the primary school in the village is good.\n",
	"club.md":    "# Saturday club opens\n\nA new Saturday club for disabled children opens at the leisure centre in March.\n",
	"buses.md":   "# Council reviews school buses\n\nThe council is asking families what they think of its school transport for pupils with SEND.\n",
	"forum.md":   "# Parent carer forum meets\n\nThe parent carer forum meets at the library each month to talk about SEND services.\n",
	"therapy.md": "# Therapy waits\n\nFamilies say they wait months for occupational therapy.\n",
	"respite.md": "# More respite\n\nThe council has funded more overnight respite for families of disabled children.\n",
}

// TestInspectionOutcomeIsFound: the headline outcome of an area's SEND
// inspection report answers a parent who asks about the inspection in
// everyday words, among the built-in documents and the area's news
// (issue 26, point 5).
func TestInspectionOutcomeIsFound(t *testing.T) {
	files := fstest.MapFS{"testshire/area-send-inspection.md": {Data: []byte(testshireReport)}}
	for name, body := range testshireNews {
		files["testshire/news/"+name] = &fstest.MapFile{Data: []byte("---\nsource_url: https://news.example/" + name + "\npublished: 2025-05-01\narea: Testshire\nkind: news\n---\n" + body)}
	}
	err := fs.WalkDir(corpus.Default(), ".", func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		data, err := fs.ReadFile(corpus.Default(), path)
		files[path] = &fstest.MapFile{Data: data}
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	ix := buildAnswerIndex(t, files, corpus.BuiltinGlossary())
	const outcome = "inconsistent experiences and outcomes"
	// What Ofsted "said" or "found" may be another inspection's news;
	// how the area did in its SEND inspection is the outcome.
	tests := []struct {
		q     string
		first bool // the outcome must be the first passage
	}{
		{"what did ofsted say about testshire", false},
		{"what did ofsted find in testshire", false},
		{"ofsted report testshire", false},
		{"testshire send inspection outcome", true},
		{"how did testshire do in its send inspection", true},
		{"what did the send inspection say about testshire", false},
		{"how did testshire do in the ofsted inspection", true},
	}
	for _, tt := range tests {
		res := ask(t, ix, Query{Text: tt.q})
		at := -1
		for i, h := range res.Hits {
			if strings.Contains(h.Text, outcome) {
				at = i
				break
			}
		}
		switch {
		case !res.Answered || at < 0:
			t.Errorf("%q: the outcome is not shown:\n%s", tt.q, shown(res))
		case tt.first && at > 0:
			t.Errorf("%q: the outcome is shown %d, want first:\n%s", tt.q, at+1, shown(res))
		case res.Hits[at].ShownDate() != "8 March 2024":
			t.Errorf("%q: the outcome is dated %q, want the inspection's last day", tt.q, res.Hits[at].ShownDate())
		}
	}
}
