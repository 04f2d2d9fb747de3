package corpus

import (
	"strings"
	"testing"
	"time"
)

func TestCSVDirectoryExport(t *testing.T) {
	c := loadFixtures(t, "csv/directory.csv")
	var got []string
	for _, d := range c.Documents {
		got = append(got, d.Entry+" "+d.Title+" <"+d.SourceURL+"> "+d.Format)
	}
	want := []string{
		"ts-201 Testbury Autism Support Group <https://www.example.org/testshire/autism-group> csv",
		"row 5 Testshire Wheelchair Skills <> csv", // no id column value: the line it starts on
		"ts-204 Testshire Hearing Support <> csv",  // a ragged row, shorter than the header
	}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("documents:\n got %q\nwant %q", got, want)
	}
	wantSkips := map[string]string{
		"row 6":  "empty row",
		"test":   `placeholder name "test"`,
		"row 8":  "no name",
		"ts-201": "same id as a service earlier in the file, which was kept",
	}
	if got := skipReasons(c); len(c.Skips) != len(wantSkips) || !mapsEqual(got, wantSkips) {
		t.Errorf("skips:\n got %v\nwant %v", got, wantSkips)
	}

	autism := docByTitle(t, c, "Testbury Autism Support Group")
	wantText := "A peer support group for parents of autistic children.\n\n" +
		"Meets on the first Tuesday of each month, \"all welcome\".\n\n" +
		"Organisation: Testshire Autism Network\n" +
		"Who it is for: Parents and carers of autistic children\n" +
		"Ages: 0-25\n" +
		"Cost: Free\n" +
		"Phone: 01632 960201\n" +
		"Email: autism@example.org\n" +
		"Website: https://www.example.org/testshire/autism-group\n" +
		"Where: Testbury Library, Testbury, TE2 3CD\n" +
		"Type: Support groups\n" +
		"Parking: Free parking behind the library" // a column with no mapping is kept
	if len(autism.Passages) != 1 || autism.Passages[0].Text != wantText {
		t.Errorf("passages %q\nwant %q", autism.Passages, wantText)
	}
	if autism.Publisher != "Testshire Autism Network" || autism.Kind != "service" || autism.Area != "Testshire" ||
		!autism.Published.Equal(time.Date(2024, 5, 31, 0, 0, 0, 0, time.UTC)) {
		t.Errorf("metadata: %+v", autism)
	}
	if text := docByTitle(t, c, "Testshire Wheelchair Skills").Passages[0].Text; text != "Email: wheels@example.org" {
		t.Errorf("a row with only a name and an email: %q", text)
	}
}

func TestCSVSemicolonsAndStatus(t *testing.T) {
	c := loadFixtures(t, "csv/semicolon.csv")
	if len(c.Documents) != 1 {
		t.Fatalf("got %d documents", len(c.Documents))
	}
	want := "Swimming lessons for children with additional needs.\n\nAges: 4 to 16\nPhone: 01632 960333"
	if got := c.Documents[0].Passages[0].Text; got != want {
		t.Errorf("text %q\nwant %q", got, want)
	}
	if got := skipReasons(c); got["Testshire Art Club"] != "status is withdrawn" {
		t.Errorf("skips %v", got)
	}
}

func TestCSVQuirks(t *testing.T) {
	tests := []struct {
		name, csv string
		want      []string // "ID|title|first line of text"
	}{
		{"tabs", "Service\tAbout\tTel\nTestbury Club\tA club.\t01632 960001\n", []string{"row 2|Testbury Club|A club."}},
		{"semicolons with quoted semicolons", "Title;Details\n\"Club; Testbury\";\"A club; for all.\"\n", []string{"row 2|Club; Testbury|A club; for all."}},
		{"Excel sep line", "sep=;\nName;Description\nTestbury Club;A club, for all.\n", []string{"row 3|Testbury Club|A club, for all."}},
		{"BOM and CRLF", "\ufeffName,Description\r\nTestbury Club,A club.\r\n", []string{"row 2|Testbury Club|A club."}},
		{"quoted newlines move the row number", "Name,Description\n\"Testbury\nClub\",\"Line one.\n\nLine two.\"\nTestford Club,Another.\n",
			[]string{"row 2|Testbury Club|Line one.", "row 6|Testford Club|Another."}},
		{"ragged rows", "Name,Description,Email\nTestbury Club\nTestford Club,A club.,a@example.org,extra value\n",
			[]string{"row 3|Testford Club|A club."}},
		{"header case and punctuation", "SERVICE NAME,E-MAIL ADDRESS,Post-Code\nTestbury Club,a@example.org,TE1 1AA\n",
			[]string{"row 2|Testbury Club|Email: a@example.org"}},
		{"stray quote", "Name,Description\nTestbury \"Club\",A \"quoted\" word.\n", []string{`row 2|Testbury "Club"|A "quoted" word.`}},
		{"HTML in cells", "Name,Description\nTestbury &amp; Testford Club,<p>A club &amp; more.</p>\n", []string{"row 2|Testbury & Testford Club|A club & more."}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			res, err := parseCSV([]byte(tt.csv))
			if err != nil {
				t.Fatal(err)
			}
			var got []string
			for _, e := range res.Entries {
				first, _, _ := strings.Cut(blocksText(e.Blocks), "\n")
				got = append(got, e.ID+"|"+e.Meta.Title+"|"+first)
			}
			if strings.Join(got, "\n") != strings.Join(tt.want, "\n") {
				t.Errorf("got  %q\nwant %q (skips %+v)", got, tt.want, res.Skipped)
			}
		})
	}
}

// TestCSVUnclosedQuote checks that a quoted cell never closed refuses
// the file with the line it opens on, instead of reading the rest of the
// file as one cell and listing the file as fine.
func TestCSVUnclosedQuote(t *testing.T) {
	tests := []struct {
		name, csv string
		want      string // in the error, or "" for none
	}{
		{"never closed", "Name,Description\nTestbury Club,A club.\nTestford Club,\"Meets on Tuesdays.\nTestham Club,Another.\n", "opens a cell on line 3"},
		{"never closed in the header", "Name,\"Description\nTestbury Club,A club.\n", "opens a cell on line 1"},
		{"after an Excel sep line", "sep=;\nName;Description\nTestbury Club;\"A club.\n", "opens a cell on line 3"},
		{"closed at the very end", "Name,Description\nTestbury Club,\"A club.\"", ""},
		{"doubled quotes inside", "Name,Description\nTestbury Club,\"A \"\"quoted\"\" word.\"\n", ""},
		{"quotes inside an unquoted cell", "Name,Description\nTestbury \"Club\",A \"quoted\" word.\n", ""},
		{"a quote inside a quoted cell (lenient)", "Name,Description\nTestbury Club,\"A \"quoted\" word.\"\r\nTestford Club,B\n", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			res, err := parseCSV([]byte(tt.csv))
			switch {
			case tt.want == "" && err != nil:
				t.Fatalf("refused: %v", err)
			case tt.want == "":
				if len(res.Entries) == 0 {
					t.Fatal("no services")
				}
			case err == nil:
				t.Fatalf("read %d services, want an error with %q", len(res.Entries), tt.want)
			case !strings.Contains(err.Error(), tt.want) || !strings.Contains(err.Error(), "never closed"):
				t.Fatalf("error %q, want one with %q", err, tt.want)
			}
		})
	}
}

// TestCSVColumnMapping checks every header csvColumns lists, written the
// way spreadsheets write them, reaches its field.
func TestCSVColumnMapping(t *testing.T) {
	for _, col := range csvColumns {
		for _, h := range col.Headers {
			for _, written := range []string{h, strings.ToUpper(h), strings.ReplaceAll(strings.Title(h), " ", "_") + "?"} { //nolint:staticcheck // Title is fine for ASCII headers
				if got := csvHeaderFields[headerKey(written)]; got != col.field {
					t.Errorf("header %q maps to field %d, want %d (%s)", written, got, col.field, col.Field)
				}
			}
		}
	}
	if got := csvHeaderFields[headerKey("Parking")]; got != csvExtra {
		t.Errorf("an unknown header maps to field %d, want none", got)
	}
}
