package corpus

import (
	"fmt"
	"strings"
	"testing"
	"testing/fstest"
)

// TestDirectoryRecordsBecomeServices learns the generated site, whose
// fifty directory pages carry their fields as a definition list, and
// wants fifty services with each record's own details as a parent reads
// them, and the information pages left as pages.
func TestDirectoryRecordsBecomeServices(t *testing.T) {
	fsys := generatedSite()
	withTemplate(t, fsys, "site")
	c := mustLoad(t, fsys)
	services := map[string]Document{}
	for _, d := range c.Documents {
		switch {
		case d.Kind == "service":
			services[d.Path] = d
		case strings.HasPrefix(d.Path, "site/directory/"):
			t.Errorf("%s is not read as a service", d.Path)
		}
	}
	if len(services) != 50 {
		t.Fatalf("%d services, want 50", len(services))
	}
	for i := range 50 {
		r := directoryRecord(i)
		d := services[fmt.Sprintf("site/directory/record-%02d.html", i)]
		if d.Title != r.name {
			t.Errorf("record %d is named %q, want %q", i, d.Title, r.name)
		}
		text := allText(d)
		for _, want := range []string{
			"Phone: " + r.phone,
			"Email: " + r.email,
			"Where: " + r.street + ", " + r.town + ", " + r.postcode,
			"Cost: " + r.cost,
			"Ages: " + r.ages,
			"Who it is for: " + r.who,
			"Contact name: " + r.contact,
			"meets every week in " + r.town,
		} {
			if !strings.Contains(text, want) {
				t.Errorf("record %d lacks %q:\n%s", i, want, text)
			}
		}
		if strings.Contains(text, "Telephone") {
			t.Errorf("record %d still quotes its raw field list:\n%s", i, text)
		}
	}
}

// TestRecordLayouts lays the same fields out as directories do and wants
// a service from each; pages with too few fields stay pages.
func TestRecordLayouts(t *testing.T) {
	layouts := []struct {
		name    string
		fields  func(i int) []field
		render  func(fs []field) string
		service bool
	}{
		{"table header and cell", contactFields3, func(fs []field) string {
			var b strings.Builder
			b.WriteString("<table>")
			for _, f := range fs {
				b.WriteString("<tr><th>" + f.label + "</th><td>" + f.value + "</td></tr>")
			}
			return b.String() + "</table>"
		}, true},
		{"bold label and text", contactFields3, func(fs []field) string {
			var b strings.Builder
			for _, f := range fs {
				b.WriteString("<p><strong>" + f.label + ":</strong> " + f.value + "</p>")
			}
			return b.String()
		}, true},
		{"heading and paragraph", contactFields3, func(fs []field) string {
			var b strings.Builder
			for _, f := range fs {
				b.WriteString("<h3>" + f.label + "</h3><p>" + f.value + "</p>")
			}
			return b.String()
		}, true},
		{"an address alone", func(i int) []field {
			return []field{{"Venue", fmt.Sprintf("%d Church Street, Eastfold", i)}}
		}, func(fs []field) string { return "<h3>" + fs[0].label + "</h3><p>" + fs[0].value + "</p>" }, false},
		{"cost and ages, no way to get in touch", func(i int) []field {
			return []field{{"Cost", fmt.Sprintf("£%d", i+2)}, {"Ages", fmt.Sprintf("%d to 11", i)}}
		}, func(fs []field) string {
			return "<dl><dt>" + fs[0].label + "</dt><dd>" + fs[0].value + "</dd><dt>" + fs[1].label + "</dt><dd>" + fs[1].value + "</dd></dl>"
		}, false},
	}
	for _, tt := range layouts {
		t.Run(tt.name, func(t *testing.T) {
			fsys := fstest.MapFS{}
			for i := range 6 {
				page := fmt.Sprintf(`<html><head><title>Group %d</title></head><body><main><h1>Group %d</h1><p>Group %d meets on day %d of each month for families.</p>%s</main></body></html>`,
					i, i, i, i+1, tt.render(tt.fields(i)))
				fsys[fmt.Sprintf("d/g%d.html", i)] = &fstest.MapFile{Data: []byte(page)}
			}
			withTemplate(t, fsys, "d")
			c := mustLoad(t, fsys)
			if len(c.Documents) != 6 {
				t.Fatalf("read %d pages, want 6", len(c.Documents))
			}
			for i, d := range c.Documents {
				if got := d.Kind == "service"; got != tt.service {
					t.Errorf("%s: service %v, want %v:\n%s", d.Path, got, tt.service, allText(d))
					continue
				}
				if !tt.service {
					continue
				}
				text := allText(d)
				for _, want := range []string{
					fmt.Sprintf("Phone: 01632 97%04d", i),
					fmt.Sprintf("Email: group%d@example.net", i),
					fmt.Sprintf("Where: %d Church Street, Eastfold", i),
					fmt.Sprintf("Group %d meets on day %d", i, i+1),
				} {
					if !strings.Contains(text, want) {
						t.Errorf("%s lacks %q:\n%s", d.Path, want, text)
					}
				}
			}
		})
	}
}

type field struct{ label, value string }

func contactFields3(i int) []field {
	return []field{
		{"Contact telephone", fmt.Sprintf("01632 97%04d", i)},
		{"Email address", fmt.Sprintf("group%d@example.net", i)},
		{"Venue", fmt.Sprintf("%d Church Street, Eastfold", i)},
	}
}

// TestLabelField maps labels to fields by their words.
func TestLabelField(t *testing.T) {
	tests := []struct{ label, want string }{
		{"telephone", fieldPhone},
		{"contact telephone", fieldPhone},
		{"tel", fieldPhone},
		{"email address", fieldEmail},
		{"e-mail", fieldEmail},
		{"web address", fieldWebsite},
		{"address", fieldPlace},
		{"venue", fieldPlace},
		{"location", fieldPlace},
		{"fees", fieldCost},
		{"cost", fieldCost},
		{"age range", fieldAge},
		{"eligibility criteria", fieldEligibility},
		{"who is it for?", fieldEligibility},
		{"opening times", fieldTimes},
		{"how to access", fieldAccess},
		{"contact name", ""},
		{"hotel", ""},
		{"page", ""},
		{"manager", ""},
	}
	for _, tt := range tests {
		if got := labelField(tt.label); got != tt.want {
			t.Errorf("labelField(%q) = %q, want %q", tt.label, got, tt.want)
		}
	}
}
