package corpus

import (
	"strings"
	"testing"
	"testing/fstest"
)

func TestBuiltinGlossary(t *testing.T) {
	g, problems := ParseGlossary(builtinGlossary)
	if len(problems) > 0 {
		t.Fatalf("built-in glossary problems: %+v", problems)
	}
	// The list: each pair must be names of one entry.
	same := [][2]string{
		{"EHCP", "education, health and care plan"}, {"EHCP", "EHC plan"},
		{"SENCO", "special educational needs co-ordinator"},
		{"ASD", "autism"}, {"autism", "autistic spectrum"},
		{"neurodivergent", "neurodevelopmental"}, {"neurodivergent", "ND"},
		{"CAMHS", "CYPMHS"}, {"CAMHS", "mental health services"},
		{"SALT", "SLT"}, {"SALT", "speech and language therapy"},
		{"OT", "occupational therapy"}, {"EP", "educational psychologist"},
		{"EHE", "elective home education"}, {"PfA", "preparing for adulthood"},
		{"short breaks", "respite"}, {"SENDIASS", "IASS"}, {"SENDIASS", "independent advice"},
		{"LA", "local authority"}, {"LA", "council"}, {"ICB", "CCG"}, {"tribunal", "appeal"},
		{"behaviour", "behavior"},
	}
	for _, pair := range same {
		a, b := g.find(pair[0]), g.find(pair[1])
		if a == nil || a != b {
			t.Errorf("%q and %q are not one entry", pair[0], pair[1])
		}
	}
	if e := g.find("ADHD"); e == nil || e.Short == "" {
		t.Errorf("ADHD has no entry with a short meaning")
	}
	for _, e := range g.Entries {
		if e.Meaning != "" && (!strings.HasPrefix(e.Source.URL, "https://") || e.Source.Title == "") {
			t.Errorf("%q: meaning without a source", e.Headword())
		}
	}
}

// find returns the entry with term t, for tests.
func (g Glossary) find(t string) *GlossaryEntry {
	for i := range g.Entries {
		if hasTerm(g.Entries[i], t) {
			return &g.Entries[i]
		}
	}
	return nil
}

func TestCorpusGlossaryIsReadCheckedAndMerged(t *testing.T) {
	fsys := fstest.MapFS{
		"glossary.yaml": {Data: []byte(`entries:
  - terms: ["PCF", "Testshire Parent Carer Forum"]
    short: "The parent carer forum for Testshire"
  - terms: ["EHCP", "Testshire plan"]
    meaning: "Testshire's own words for it."
    source: {title: "Testshire Local Offer", url: "https://testshire.example/plans", published: "2025-01-02"}
  - terms: ["orphan"]
  - terms: ["TSC"]
    meaning: "A meaning with no source."
  - terms: ["PCF"]
    short: "listed twice"
  - terms: ["DOB", "date of birth"]
    short: "` + strings.Repeat("x", 130) + `"
`)},
		"testshire/page.md": {Data: []byte("# Page\n\nSome text about plans.\n")},
	}
	c, err := Load(fsys)
	if err != nil {
		t.Fatal(err)
	}
	if len(c.Documents) != 1 {
		t.Errorf("glossary.yaml read as a document: %d documents", len(c.Documents))
	}
	reasons := map[string]string{}
	for _, p := range c.Problems {
		reasons[p.Path] = p.Reason
	}
	for where, want := range map[string]string{
		"glossary.yaml (entry 3)": "has one term and no meaning, so it does nothing",
		"glossary.yaml (entry 4)": "meaning has no source title",
		"glossary.yaml (entry 5)": `term "PCF" is already in entry 1`,
		"glossary.yaml (entry 6)": "keep it to one line of at most 120",
	} {
		if !strings.Contains(reasons[where], want) {
			t.Errorf("%s: reason %q, want it to say %q", where, reasons[where], want)
		}
	}
	if len(c.Glossary.Entries) != 2 {
		t.Fatalf("kept %d entries, want 2: %+v", len(c.Glossary.Entries), c.Glossary.Entries)
	}
	g := BuiltinGlossary().Merge(c.Glossary)
	ehcp := g.find("Testshire plan")
	if ehcp == nil || ehcp != g.find("education, health and care plan") || ehcp.Meaning != "Testshire's own words for it." || ehcp.Short == "" {
		t.Errorf("the corpus's EHCP entry should replace the built-in meaning, keep both names and the built-in short: %+v", ehcp)
	}
	if pcf := g.find("Testshire Parent Carer Forum"); pcf == nil || pcf != g.find("parent carer forum") {
		t.Errorf("PCF entry not merged with the built-in one: %+v", pcf)
	}
	if len(g.Entries) != len(BuiltinGlossary().Entries) {
		t.Errorf("merging two entries that share terms added entries: %d vs %d", len(g.Entries), len(BuiltinGlossary().Entries))
	}

	bad, _ := Load(fstest.MapFS{"glossary.yaml": {Data: []byte("entries: [unclosed")}, "a/b.md": {Data: []byte("# B\n\ntext\n")}})
	if len(bad.Problems) != 1 || !strings.Contains(bad.Problems[0].Reason, "not valid YAML") || len(bad.Documents) != 1 {
		t.Errorf("broken glossary: %+v", bad.Problems)
	}
}
