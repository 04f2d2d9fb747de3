package corpus

import (
	"strings"
	"testing"
	"testing/fstest"
	"time"
)

// The sentences below are invented, in the forms area SEND inspection
// reports and letters use; no report's text is copied.

func TestReadInspectionDates(t *testing.T) {
	tests := []struct {
		name, text   string
		want, wantAs string
	}{
		{"range in one month", "Inspection dates: 4 to 8 March 2024", "2024-03-08", "Inspection dates: 4 to 8 March 2024"},
		{"range across months", "Dates of inspection: 27 February to 3 March 2023", "2023-03-03", "Dates of inspection: 27 February to 3 March 2023"},
		{"ordinals and weekdays", "Inspection dates: Monday 4th March 2024 to Friday 8th March 2024", "2024-03-08", "Inspection dates: Monday 4th March 2024 to Friday 8th March 2024"},
		{"figures", "Inspection dates 04/03/2024 - 08/03/2024", "2024-03-08", "Inspection dates 04/03/2024 - 08/03/2024"},
		{"table cell", "Inspection dates — 11 to 15 November 2024", "2024-11-15", "Inspection dates — 11 to 15 November 2024"},
		{"one day", "Inspection date: 9 October 2023", "2023-10-09", "Inspection date: 9 October 2023"},
		{"abbreviated month", "Dates of inspection: 2 to 6 Sept 2024", "2024-09-06", "Dates of inspection: 2 to 6 Sept 2024"},
		{"inspected between", "The Testshire local area partnership was inspected between 20 and 24 January 2025 by Ofsted and the CQC.", "2025-01-24", "inspected between 20 and 24 January 2025"},
		{"took place from", "This inspection took place from 30 September to 4 October 2024.", "2024-10-04", "inspection took place from 30 September to 4 October 2024"},
		{"old letter", "Between 14 May 2018 and 18 May 2018, Ofsted and the Care Quality Commission (CQC) conducted a joint inspection of the local area.", "2018-05-18", "Between 14 May 2018 and 18 May 2018"},
		{"publication only", "Date of publication: 19 April 2024", "2024-04-19", ""},
		{"published on", "This report was published on 3rd June 2024.", "2024-06-03", ""},
		{"no date", "The inspection looked at how the area identifies needs.", "", ""},
		{"impossible date", "Inspection dates: 30 to 31 February 2024", "", ""},
		{"an earlier inspection is not this one", "Between 1 and 5 May 2017, inspectors carried out the previous inspection of the area.", "", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := readInspection([]block{{Text: tt.text}})
			if f.Date != tt.want || f.DateText != tt.wantAs {
				t.Errorf("readInspection(%q) = %q, %q; want %q, %q", tt.text, f.Date, f.DateText, tt.want, tt.wantAs)
			}
		})
	}
}

func TestReadInspectionPrefersInspectionOverPublication(t *testing.T) {
	f := readInspection([]block{
		{Text: "Date of publication: 19 April 2024"},
		{Text: "Inspection dates: 4 to 8 March 2024"},
	})
	if f.Date != "2024-03-08" {
		t.Errorf("date %q, want the inspection's last day 2024-03-08 over the publication date", f.Date)
	}
}

func TestReadInspectionOnlyOpeningPages(t *testing.T) {
	f := readInspection([]block{
		{Text: "Contents", Page: 1},
		{Text: "Inspection dates: 4 to 8 March 2024", Page: inspectionPages + 1},
	})
	if f.Date != "" {
		t.Errorf("date %q found past page %d; want none", f.Date, inspectionPages)
	}
}

func TestReadInspectionOutcome(t *testing.T) {
	tests := []struct{ name, text, want string }{
		{"positive",
			"Testshire was inspected by Ofsted and the CQC. The local area partnership’s special educational needs and/or disabilities (SEND) arrangements typically lead to positive experiences and outcomes for children and young people with SEND. The partnership is ambitious.",
			"The local area partnership’s special educational needs and/or disabilities (SEND) arrangements typically lead to positive experiences and outcomes for children and young people with SEND."},
		{"inconsistent",
			"The local area partnership’s arrangements lead to inconsistent experiences and outcomes for children and young people with SEND. The partnership must work jointly to improve.",
			"The local area partnership’s arrangements lead to inconsistent experiences and outcomes for children and young people with SEND."},
		{"failings",
			"There are widespread and/or systemic failings leading to significant concerns about the experiences and outcomes of children and young people with SEND, which the partnership must address urgently.",
			"There are widespread and/or systemic failings leading to significant concerns about the experiences and outcomes of children and young people with SEND, which the partnership must address urgently."},
		{"old framework",
			"As a result of the findings, Her Majesty’s Chief Inspector has determined that a Written Statement of Action (WSOA) is required because of significant areas of weakness in the local area’s practice.",
			"As a result of the findings, Her Majesty’s Chief Inspector has determined that a Written Statement of Action (WSOA) is required because of significant areas of weakness in the local area’s practice."},
		{"revisit",
			"Inspectors found that the area has made sufficient progress in addressing three of the five significant weaknesses.",
			"Inspectors found that the area has made sufficient progress in addressing three of the five significant weaknesses."},
		{"quoted in a bullet", "• ‘The arrangements lead to inconsistent experiences and outcomes.’",
			"The arrangements lead to inconsistent experiences and outcomes."},
		{"no outcome", "Parents raised significant concerns about waiting times.", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := readInspection([]block{{Text: tt.text}}).Outcome; got != tt.want {
				t.Errorf("outcome\n got %q\nwant %q", got, tt.want)
			}
		})
	}
}

const inspectionReportMD = `---
title: Area SEND inspection of Testshire Local Area Partnership
kind: inspection
%s---
# Area SEND inspection of Testshire Local Area Partnership

Inspection dates: 27 February to 3 March 2023

Date of publication: 12 April 2023

## Information about the local area partnership

The local area partnership is made up of the county council and the integrated care board, which share responsibility for services for children and young people with special educational needs and/or disabilities.

## Inspection outcome

The local area partnership’s arrangements lead to inconsistent experiences and outcomes for children and young people with special educational needs and/or disabilities (SEND). The local area partnership must work jointly to make improvements.
`

func TestLoadInspectionReport(t *testing.T) {
	tests := []struct {
		name, frontMatter, listed string
		want                      time.Time
	}{
		{"dated from its text", "", "", time.Date(2023, 3, 3, 0, 0, 0, 0, time.UTC)},
		{"unknown date gives way to the text", "published: unknown\n", "", time.Date(2023, 3, 3, 0, 0, 0, 0, time.UTC)},
		{"front matter wins", "published: 2023-04-20\n", "", time.Date(2023, 4, 20, 0, 0, 0, 0, time.UTC)},
		{"sources.yaml wins", "", "published: 2023-05-01", time.Date(2023, 5, 1, 0, 0, 0, 0, time.UTC)},
		// sendbot fetch records a crawled page's sitemap or Last-Modified
		// date as modified: the report's text wins over it.
		{"the text wins over the site's date", "", "modified: 2024-06-01", time.Date(2023, 3, 3, 0, 0, 0, 0, time.UTC)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			fsys := fstest.MapFS{"testshire-and-district/report.md": {Data: []byte(strings.Replace(inspectionReportMD, "%s", tt.frontMatter, 1))}}
			if tt.listed != "" {
				fsys[ManifestName] = &fstest.MapFile{Data: []byte("documents:\n  - path: testshire-and-district/report.md\n    " + tt.listed + "\n")}
			}
			c, err := Load(fsys)
			if err != nil || len(c.Documents) != 1 || len(c.Problems) != 0 {
				t.Fatalf("Load: %v, %d documents, problems %+v", err, len(c.Documents), c.Problems)
			}
			d := c.Documents[0]
			if !d.Published.Equal(tt.want) {
				t.Errorf("published %v, want %v", d.Published, tt.want)
			}
			first := d.Passages[0]
			if first.Section != "Ofsted and CQC area SEND inspection of Testshire and District: outcome" {
				t.Errorf("first passage's section %q", first.Section)
			}
			if !strings.HasPrefix(first.Text, "The local area partnership’s arrangements lead to inconsistent experiences") ||
				!strings.Contains(first.Text, "Inspection dates: 27 February to 3 March 2023") {
				t.Errorf("first passage's text %q", first.Text)
			}
			if !strings.Contains(first.Text, "Date of publication: 12 April 2023") {
				t.Errorf("first passage lacks the report's opening paragraphs: %q", first.Text)
			}
			for _, p := range d.Passages[1:] {
				if strings.Contains(p.Section, "area SEND inspection of") {
					t.Errorf("the outcome heading runs on over %q: %q", p.Section, p.Text)
				}
			}
			if d.Passages[1].Section != "Information about the local area partnership" {
				t.Errorf("second passage's section %q, want the report's own first section", d.Passages[1].Section)
			}
			seen := map[string]bool{}
			for _, p := range d.Passages {
				if seen[p.ID] {
					t.Errorf("passage ID %s given twice", p.ID)
				}
				seen[p.ID] = true
			}
		})
	}
}

// A report page whose publishing software dates it gives way to the
// inspection date in its text; any other page keeps its meta date.
func TestLoadInspectionPageDate(t *testing.T) {
	page := `<!doctype html><html><head><title>Testshire inspection</title>
<meta property="article:published_time" content="2024-05-02T09:00:00Z"></head>
<body><main><h1>Testshire area SEND inspection</h1>
<p>Inspection dates: 4 to 8 March 2024</p>
<p>There are widespread and/or systemic failings leading to significant concerns about the experiences and outcomes of children and young people with SEND.</p>
</main></body></html>`
	for _, tt := range []struct {
		kind string
		want time.Time
	}{
		{"inspection", time.Date(2024, 3, 8, 0, 0, 0, 0, time.UTC)},
		{"news", time.Date(2024, 5, 2, 0, 0, 0, 0, time.UTC)},
	} {
		t.Run(tt.kind, func(t *testing.T) {
			fsys := fstest.MapFS{
				"testshire/report.html": {Data: []byte(page)},
				ManifestName:            {Data: []byte("documents:\n  - path: testshire/report.html\n    kind: " + tt.kind + "\n")},
			}
			c, err := Load(fsys)
			if err != nil || len(c.Documents) != 1 {
				t.Fatalf("Load: %v, problems %+v", err, c.Problems)
			}
			d := c.Documents[0]
			if !d.Published.Equal(tt.want) {
				t.Errorf("published %v, want %v", d.Published, tt.want)
			}
			outcome := strings.HasPrefix(d.Passages[0].Section, "Ofsted and CQC area SEND inspection of Testshire")
			if outcome != (tt.kind == "inspection") {
				t.Errorf("kind %s: first section %q", tt.kind, d.Passages[0].Section)
			}
		})
	}
}

// A report with no outcome sentence (a school's, a care home's) is dated
// from its text but given no area SEND heading.
func TestLoadInspectionWithoutOutcome(t *testing.T) {
	text := "Inspection of Testshire Primary School\n\nInspection dates: 10 and 11 January 2024\n\nPupils enjoy coming to this school and say that adults help them when they find work hard.\n"
	fsys := fstest.MapFS{
		"testshire/school.txt": {Data: []byte(text)},
		ManifestName:           {Data: []byte("documents:\n  - path: testshire/school.txt\n    kind: inspection\n")},
	}
	c, err := Load(fsys)
	if err != nil || len(c.Documents) != 1 {
		t.Fatalf("Load: %v, problems %+v", err, c.Problems)
	}
	d := c.Documents[0]
	if want := time.Date(2024, 1, 11, 0, 0, 0, 0, time.UTC); !d.Published.Equal(want) {
		t.Errorf("published %v, want %v", d.Published, want)
	}
	for _, p := range d.Passages {
		if strings.Contains(p.Section, "area SEND inspection") {
			t.Errorf("passage under %q in a report with no area SEND outcome", p.Section)
		}
	}
}

// A document that is not a report is dated by the site's date when
// nothing else dates it, and by its published date when one is given.
func TestLoadModifiedDatesWhatNothingElseDoes(t *testing.T) {
	for _, tt := range []struct {
		listed string
		want   time.Time
	}{
		{"modified: 2024-06-01", time.Date(2024, 6, 1, 0, 0, 0, 0, time.UTC)},
		{"modified: 2024-06-01\n    published: 2022-09-30", time.Date(2022, 9, 30, 0, 0, 0, 0, time.UTC)},
	} {
		fsys := fstest.MapFS{
			"testshire/transport.md": {Data: []byte("# Travel to school\n\nChildren who live beyond walking distance of school can get free travel.\n")},
			ManifestName:             {Data: []byte("documents:\n  - path: testshire/transport.md\n    " + tt.listed + "\n")},
		}
		c, err := Load(fsys)
		if err != nil || len(c.Documents) != 1 || len(c.Problems) != 0 {
			t.Fatalf("Load: %v, problems %+v", err, c.Problems)
		}
		if got := c.Documents[0].Published; !got.Equal(tt.want) {
			t.Errorf("%q: published %v, want %v", tt.listed, got, tt.want)
		}
	}
}
