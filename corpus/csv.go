package corpus

import (
	"bytes"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"
	"unicode"
)

// csvField is what a directory export's column holds.
type csvField int

const (
	csvExtra csvField = iota // no field: kept as a "Header: value" line
	csvID
	csvName
	csvDescription
	csvOrganisation
	csvEmail
	csvPhone
	csvWebsite
	csvAddress
	csvTown
	csvPostcode
	csvAgeRange
	csvMinAge
	csvMaxAge
	csvEligibility
	csvCost
	csvCategory
	csvUpdated
	csvStatus
)

// csvColumns is the column mapping of CSV directory exports, the single
// source of truth for the reader and the README. Header names match
// ignoring case, spaces and punctuation ("E-mail" is "email", "Post code"
// is "postcode"); a column that matches none is kept as a "Header: value"
// line. When several columns map to one field, the first is the name or
// id, and the others are joined (descriptions as paragraphs, address
// parts with commas).
var csvColumns = []struct {
	Field   string
	Headers []string
	field   csvField
}{
	{"name (the entry's title; required)", []string{"name", "service name", "service", "title"}, csvName},
	{"description", []string{"description", "summary", "about", "details"}, csvDescription},
	{"organisation", []string{"organisation", "organization", "provider", "organisation name", "organization name", "provider name"}, csvOrganisation},
	{"email", []string{"email", "e-mail", "email address"}, csvEmail},
	{"phone", []string{"phone", "telephone", "tel", "contact number", "phone number", "telephone number"}, csvPhone},
	{"website (the entry's source link when it is a full http(s) address)", []string{"website", "url", "web", "link", "web address"}, csvWebsite},
	{"address", []string{"address", "location", "venue", "address 1", "address 2", "address line 1", "address line 2", "street"}, csvAddress},
	{"town", []string{"town", "city"}, csvTown},
	{"postcode", []string{"postcode", "post code", "postal code"}, csvPostcode},
	{"age range", []string{"age range", "ages", "age"}, csvAgeRange},
	{"minimum age", []string{"minimum age", "min age"}, csvMinAge},
	{"maximum age", []string{"maximum age", "max age"}, csvMaxAge},
	{"eligibility", []string{"eligibility", "who is it for", "who it is for"}, csvEligibility},
	{"cost", []string{"cost", "costs", "fees", "price", "charges"}, csvCost},
	{"category", []string{"category", "categories", "type"}, csvCategory},
	{"last updated (the published date)", []string{"last updated", "updated", "date", "last modified"}, csvUpdated},
	{"id (the entry's id; else \"row N\")", []string{"id", "ref", "reference"}, csvID},
	{"status (inactive, defunct or withdrawn rows are skipped)", []string{"status"}, csvStatus},
}

// csvHeaderFields maps a normalised header to its field.
var csvHeaderFields = func() map[string]csvField {
	m := map[string]csvField{}
	for _, c := range csvColumns {
		for _, h := range c.Headers {
			m[headerKey(h)] = c.field
		}
	}
	return m
}()

// headerKey normalises a header: lower case, letters and digits only.
func headerKey(h string) string {
	return strings.Map(func(r rune) rune {
		if unicode.IsLetter(r) || unicode.IsDigit(r) {
			return unicode.ToLower(r)
		}
		return -1
	}, h)
}

// parseCSV reads a service directory exported as CSV: a header row, then
// one service per row, with columns named as csvColumns lists. The
// delimiter (comma, semicolon or tab) is taken from the header line.
func parseCSV(data []byte) (parsed, error) {
	data = bytes.TrimPrefix(data, []byte("\ufeff"))
	delim, skipped := rune(0), 0
	if first, rest, _ := bytes.Cut(data, []byte("\n")); bytes.HasPrefix(bytes.ToLower(first), []byte("sep=")) {
		if d := bytes.TrimSpace(first[4:]); len(d) == 1 { // Excel's "sep=;" line
			delim, data, skipped = rune(d[0]), rest, 1
		}
	}
	if delim == 0 {
		delim = sniffDelimiter(data)
	}
	if line := unclosedQuote(data, delim); line > 0 {
		return parsed{}, fmt.Errorf("CSV has a quote (\") that opens a cell on line %d and is never closed, so the rest of the file would read as one cell; close the quote, or remove it", line+skipped)
	}
	r := csv.NewReader(bytes.NewReader(data))
	r.Comma = delim
	r.FieldsPerRecord = -1
	r.LazyQuotes = true

	header, err := r.Read()
	if err != nil {
		return parsed{}, csvError(err, skipped)
	}
	if len(header) > maxColumns {
		return parsed{}, fmt.Errorf("CSV has %d columns; a directory export has at most %d", len(header), maxColumns)
	}
	fields := make([]csvField, len(header))
	hasName := false
	for i, h := range header {
		fields[i] = csvHeaderFields[headerKey(h)]
		hasName = hasName || fields[i] == csvName
	}
	if !hasName {
		return parsed{}, fmt.Errorf("CSV has no column for the service name: the columns are %s; call one of them \"name\", \"service name\", \"service\" or \"title\"", quoteList(header))
	}
	var l serviceList
	for rows := 0; ; rows++ {
		rec, err := r.Read()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return parsed{}, csvError(err, skipped)
		}
		if rows >= maxServices {
			return parsed{}, fmt.Errorf("CSV has more than %d rows; split it into smaller files", maxServices)
		}
		line, _ := r.FieldPos(0)
		row := "row " + strconv.Itoa(line+skipped)
		if strings.TrimSpace(strings.Join(rec, "")) == "" {
			l.Skipped = append(l.Skipped, Skip{Entry: row, Reason: "empty row"})
			continue
		}
		l.add(csvService(header, fields, rec), row, row)
	}
	if len(l.Entries) == 0 && len(l.Skipped) == 0 {
		return parsed{}, errors.New("CSV has a header row but no services")
	}
	return l.parsed, nil
}

// unclosedQuote is the line on which a quoted cell opens that the file
// never closes, or 0. The reader, lenient with quotes inside cells (as
// spreadsheets write them), would otherwise read the rest of the file
// into that one cell and report nothing. It reads quotes as the reader
// does: a cell is quoted when it starts with one; inside, a doubled quote
// is a quote, and a quote closes the cell only before the delimiter, a
// line break or the end.
func unclosedQuote(data []byte, delim rune) int {
	line, opened := 1, 0
	atStart := true
	for i := 0; i < len(data); i++ {
		c := data[i]
		if opened == 0 {
			switch {
			case c == '"' && atStart:
				opened, atStart = line, false
			case c == '\n':
				line++
				atStart = true
			default:
				atStart = rune(c) == delim
			}
			continue
		}
		switch {
		case c == '\n':
			line++
		case c != '"':
		case i+1 < len(data) && data[i+1] == '"':
			i++ // a doubled quote
		case i+1 == len(data) || rune(data[i+1]) == delim || data[i+1] == '\n' || data[i+1] == '\r':
			opened = 0
		}
	}
	return opened
}

// maxColumns caps the columns of a CSV; cells of a row beyond it are dropped.
const maxColumns = 1000

// csvService fills a service from one row.
func csvService(header []string, fields []csvField, rec []string) service {
	var s service
	var desc, address []string
	for i, v := range rec[:min(len(rec), maxColumns)] {
		v = strings.TrimSpace(clip(v, maxFieldBytes))
		if v == "" {
			continue
		}
		f := csvExtra
		if i < len(fields) {
			f = fields[i]
		}
		switch f {
		case csvID:
			s.ID = firstNonEmpty(s.ID, v)
		case csvName:
			if s.Name != "" {
				s.Extra = append(s.Extra, header[i]+": "+v)
			}
			s.Name = firstNonEmpty(s.Name, v)
		case csvDescription:
			desc = append(desc, v)
		case csvOrganisation:
			s.Organisation = firstNonEmpty(s.Organisation, v)
		case csvEmail:
			s.Emails = append(s.Emails, v)
		case csvPhone:
			s.Phones = append(s.Phones, v)
		case csvWebsite:
			s.URL = firstNonEmpty(s.URL, v)
		case csvAddress, csvTown, csvPostcode:
			address = append(address, v)
		case csvAgeRange:
			s.Ages = firstNonEmpty(s.Ages, v)
		case csvMinAge:
			s.MinAge = v
		case csvMaxAge:
			s.MaxAge = v
		case csvEligibility:
			s.Eligibility = append(s.Eligibility, v)
		case csvCost:
			s.Costs = append(s.Costs, v)
		case csvCategory:
			s.Types = append(s.Types, v)
		case csvUpdated:
			s.Updated = append(s.Updated, v)
		case csvStatus:
			s.Status = v
		default:
			label := strings.TrimSpace(cleanLine(header[min(i, len(header)-1)]))
			if i >= len(header) || label == "" {
				label = "Column " + strconv.Itoa(i+1)
			}
			s.Extra = append(s.Extra, label+": "+cleanLine(v))
		}
	}
	s.Description = strings.Join(desc, "\n\n")
	if a := joinParts(address...); a != "" {
		s.Places = []string{a}
	}
	return s
}

// sniffDelimiter picks the comma, semicolon or tab that the header line
// (outside quotes) uses most; a comma when it uses none.
func sniffDelimiter(data []byte) rune {
	counts := map[rune]int{}
	quoted := false
	for _, r := range string(data[:min(len(data), 64<<10)]) {
		if r == '"' {
			quoted = !quoted
		}
		if r == '\n' && !quoted {
			break
		}
		if !quoted && (r == ',' || r == ';' || r == '\t') {
			counts[r]++
		}
	}
	best := ','
	for _, r := range []rune{';', '\t'} {
		if counts[r] > counts[best] {
			best = r
		}
	}
	return best
}

// csvError explains a CSV the reader cannot read, with its line.
// skipped is the number of lines read before the CSV reader started.
func csvError(err error, skipped int) error {
	var pe *csv.ParseError
	if errors.As(err, &pe) {
		return fmt.Errorf("CSV cannot be read at line %d: %v", pe.StartLine+skipped, pe.Err)
	}
	if errors.Is(err, io.EOF) {
		return errors.New("CSV has no header row")
	}
	return fmt.Errorf("CSV cannot be read: %v", err)
}

// quoteList quotes names for a message: "Foo", "Bar" (at most 12).
func quoteList(names []string) string {
	var q []string
	for i, n := range names {
		if i == 12 {
			q = append(q, fmt.Sprintf("and %d more", len(names)-12))
			break
		}
		q = append(q, strconv.Quote(strings.TrimSpace(n)))
	}
	if len(q) == 0 {
		return "none"
	}
	return strings.Join(q, ", ")
}
