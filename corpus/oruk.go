package corpus

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"
)

// errNotORUK is the reason given for JSON that holds no services.
var errNotORUK = errors.New(`JSON file is not an Open Referral UK service list: expected an array of services or {"contents": [...]}`)

// pageKeys name the array of services in a paged API response: "contents"
// (Open Referral UK and HSDS 3), "content" (ORUK v1 pages), and the
// "items", "data" and "results" other directory APIs use.
var pageKeys = []string{"contents", "content", "items", "data", "results"}

// parseORUK reads an Open Referral UK (HSDS) service directory: a plain
// array of services, a page of an API response ({"contents": [...]}),
// several pages in one file, or one full service record. It also reads
// the field names of ORUK v1 and v2 (eligibilitys, regular_schedules,
// service_at_locations, contacts[].phones) and of Open Place exports.
// Each service becomes one entry; empty, placeholder, withdrawn and
// duplicate services are skipped with a reason.
func parseORUK(data []byte) (parsed, error) {
	data = bytes.TrimPrefix(data, []byte("\ufeff"))
	r := orukReader{}
	dec := json.NewDecoder(bytes.NewReader(data))
	for {
		var raw json.RawMessage
		err := dec.Decode(&raw)
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return parsed{}, jsonError(data, err)
		}
		if err := r.value(raw); err != nil {
			return parsed{}, err
		}
	}
	if r.services == 0 {
		return parsed{}, errNotORUK
	}
	return r.list.parsed, nil
}

// jsonError explains why a file is not valid JSON, with the line.
func jsonError(data []byte, err error) error {
	var syn *json.SyntaxError
	switch {
	case errors.As(err, &syn) && strings.Contains(syn.Error(), "depth"):
		return errors.New("JSON is nested too deeply to be a service list")
	case errors.As(err, &syn):
		off := min(max(syn.Offset, 0), int64(len(data)))
		line := 1 + bytes.Count(data[:off], []byte("\n"))
		return fmt.Errorf("file is not valid JSON: %s (line %d)", syn.Error(), line)
	case errors.Is(err, io.ErrUnexpectedEOF):
		return errors.New("file is not valid JSON: it ends in the middle of a value (was the download cut short?)")
	}
	return fmt.Errorf("file is not valid JSON: %v", err)
}

type orukReader struct {
	list serviceList
	// seen counts the records read (to name entries and cap the work);
	// services counts those that looked like services.
	seen, services int
}

// value reads one top-level JSON value.
func (r *orukReader) value(raw json.RawMessage) error {
	switch firstByte(raw) {
	case '[':
		return r.array(raw, nil)
	case '{':
	default:
		return errNotORUK
	}
	var top map[string]json.RawMessage
	if err := json.Unmarshal(raw, &top); err != nil {
		return errNotORUK
	}
	if _, named := top["name"]; !named {
		for _, k := range pageKeys {
			if firstByte(top[k]) == '[' {
				return r.array(top[k], nil)
			}
		}
	}
	if firstByte(top["services"]) == '[' { // an organisation with its services
		org := object{}
		for k, v := range top {
			if k != "services" {
				org[k] = decodeAny(v)
			}
		}
		return r.array(top["services"], org)
	}
	return r.record(decodeAny(raw), nil)
}

// array reads the services of a JSON array one at a time, so a large
// file is never held twice as decoded values.
func (r *orukReader) array(raw json.RawMessage, org object) error {
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.UseNumber()
	if _, err := dec.Token(); err != nil {
		return errNotORUK
	}
	for dec.More() {
		var v any
		if err := dec.Decode(&v); err != nil {
			return errNotORUK
		}
		if err := r.record(v, org); err != nil {
			return err
		}
	}
	return nil
}

// record reads one element: a service, a service-at-location record (a
// service with one of its locations), or a page nested in an array of pages.
func (r *orukReader) record(v any, org object) error {
	o, _ := v.(map[string]any)
	if o != nil && o["name"] == nil {
		for _, k := range pageKeys {
			if items, ok := o[k].([]any); ok {
				for _, item := range items {
					if err := r.record(item, org); err != nil {
						return err
					}
				}
				return nil
			}
		}
		if s, ok := o["service"].(map[string]any); ok {
			if o["location"] != nil {
				s["service_at_locations"] = append(list(s["service_at_locations"]), object{"location": o["location"]})
			}
			o = s
		}
	}
	r.seen++
	if r.seen > maxServices {
		return fmt.Errorf("JSON file holds more than %d records; split it into smaller files", maxServices)
	}
	position := "service " + strconv.Itoa(r.seen)
	if o == nil || (o["name"] == nil && o["description"] == nil) {
		r.list.Skipped = append(r.list.Skipped, Skip{Entry: position, Reason: "not a service record"})
		return nil
	}
	r.services++
	s := orukService(o, org)
	r.list.add(s, position, nameID(s.Name))
	return nil
}

func firstByte(raw json.RawMessage) byte {
	t := bytes.TrimLeft(raw, " \t\r\n")
	if len(t) == 0 {
		return 0
	}
	return t[0]
}

func decodeAny(raw json.RawMessage) any {
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.UseNumber()
	var v any
	if dec.Decode(&v) != nil {
		return nil
	}
	return v
}

// object is a decoded JSON object.
type object = map[string]any

// str returns the first of o's keys holding a string or number.
func str(o object, keys ...string) string {
	for _, k := range keys {
		switch v := o[k].(type) {
		case string:
			if strings.TrimSpace(v) != "" {
				return clip(v, maxFieldBytes)
			}
		case json.Number:
			return v.String()
		}
	}
	return ""
}

// list returns the objects of a JSON array (or a lone object) in v.
func list(v any) []any {
	switch v := v.(type) {
	case []any:
		return v
	case map[string]any:
		return []any{v}
	}
	return nil
}

// objects returns the objects under each of o's keys, in order, at most
// maxListItems of them.
func objects(o object, keys ...string) []object {
	var out []object
	for _, k := range keys {
		for _, v := range list(o[k]) {
			if len(out) == maxListItems {
				return out
			}
			if m, ok := v.(map[string]any); ok {
				out = append(out, m)
			}
		}
	}
	return out
}

// orukService gathers what a parent needs from a service record, across
// the field names of HSDS 3 (the UK profile), ORUK v1/v2 and Open Place.
// org is the organisation the record sits under, if it has none of its own.
func orukService(o, org object) service {
	if m, ok := o["organization"].(map[string]any); ok {
		org = m
	} else if m, ok := o["organisation"].(map[string]any); ok {
		org = m
	}
	s := service{
		ID:          str(o, "id"),
		Name:        str(o, "name"),
		Description: str(o, "description"),
		Status:      str(o, "status"),
		URL:         str(o, "url", "website"),
		MinAge:      str(o, "minimum_age"),
		MaxAge:      str(o, "maximum_age"),
		Alert:       str(o, "alert"),
		Updated:     []string{str(o, "last_modified"), str(o, "date_modified"), str(o, "assured_date")},
	}
	if org != nil {
		s.Organisation = str(org, "name")
		s.OrgURL = str(org, "website", "url", "uri")
	}
	if meta, ok := o["pc_metadata"].(map[string]any); ok {
		s.Updated = []string{str(o, "last_modified"), str(meta, "date_modified"), str(o, "assured_date")}
	}

	s.Eligibility = append(s.Eligibility, str(o, "eligibility", "eligibility_description"))
	for _, e := range objects(o, "eligibilitys", "eligibility", "eligibilities") {
		s.Eligibility = append(s.Eligibility, str(e, "eligibility", "description"))
		if s.MinAge == "" && s.MaxAge == "" {
			s.MinAge, s.MaxAge = str(e, "minimum_age"), str(e, "maximum_age")
		}
	}
	for _, a := range objects(o, "pc_targetAudience") {
		t := str(a, "audienceType")
		if i := strings.LastIndex(t, ">"); i >= 0 {
			t = t[i+1:] // "Sensory Impaired>Visually Impaired"
		}
		s.Eligibility = append(s.Eligibility, t)
	}

	for _, c := range objects(o, "cost_options") {
		s.Costs = append(s.Costs, costText(str(c, "option"), str(c, "amount"), str(c, "currency"), str(c, "amount_description")))
	}
	s.Costs = append(s.Costs, str(o, "fees", "fees_description"))

	contacts := objects(o, "contacts")
	s.Emails = append(s.Emails, str(o, "email"))
	for _, c := range contacts {
		s.Emails = append(s.Emails, str(c, "email"))
	}
	phones := objects(o, "phones")
	for _, c := range contacts {
		phones = append(phones, objects(c, "phones")...)
		s.Phones = append(s.Phones, str(c, "phone", "telephone"))
	}

	var schedules []object
	for _, sal := range objects(o, "service_at_locations", "locations") {
		loc := sal
		if m, ok := sal["location"].(map[string]any); ok {
			loc = m
		}
		s.Places = append(s.Places, placeText(loc)...)
		phones = append(phones, objects(loc, "phones")...)
		schedules = append(schedules, objects(sal, "schedules", "regular_schedules")...)
		if m, ok := sal["location"].(map[string]any); ok {
			schedules = append(schedules, objects(m, "schedules", "regular_schedules")...)
		}
		for _, a := range objects(loc, "accessibility", "accessibility_for_disabilities") {
			s.Access = append(s.Access, str(a, "description", "accessibility"))
		}
	}
	for _, p := range phones {
		s.Phones = append(s.Phones, str(p, "number"))
	}
	if org != nil && len(cleanLines(s.Emails)) == 0 {
		s.Emails = append(s.Emails, str(org, "email"))
	}

	schedules = append(objects(o, "schedules", "regular_schedules"), schedules...)
	for _, sc := range schedules {
		s.Times = append(s.Times, scheduleText(sc))
		s.Access = append(s.Access, str(sc, "attending_type"))
	}
	s.Access = append([]string{str(o, "attending_type"), str(o, "attending_access"), str(o, "pc_attendingAccess_additionalInfo")}, s.Access...)

	s.Types = append(s.Types, str(o, "deliverable_type"))
	for _, t := range objects(o, "service_taxonomys") {
		if m, ok := t["taxonomy"].(map[string]any); ok {
			s.Types = append(s.Types, str(m, "name"))
		}
	}
	for _, a := range objects(o, "attributes") {
		if m, ok := a["taxonomy_term"].(map[string]any); ok {
			s.Types = append(s.Types, str(m, "name", "term"))
		}
	}
	return s
}

// placeText renders a location as address lines: its name, then each
// address as street, town and postcode.
func placeText(loc object) []string {
	name := str(loc, "name")
	var out []string
	for _, a := range objects(loc, "addresses", "physical_addresses", "physical_address", "postal_addresses", "address") {
		out = append(out, joinParts(name, str(a, "address_1", "address1", "line1"), str(a, "address_2", "address2", "line2"),
			str(a, "address_3"), str(a, "address_4"), str(a, "city", "town"), str(a, "postal_code", "postcode")))
	}
	if len(out) == 0 {
		out = append(out, joinParts(name, str(loc, "address_1", "address"), str(loc, "city", "town"), str(loc, "postal_code", "postcode")))
	}
	return out
}

var dayNames = map[string]string{
	"MO": "Monday", "TU": "Tuesday", "WE": "Wednesday", "TH": "Thursday", "FR": "Friday", "SA": "Saturday", "SU": "Sunday",
	"1": "Monday", "2": "Tuesday", "3": "Wednesday", "4": "Thursday", "5": "Friday", "6": "Saturday", "7": "Sunday",
}

// scheduleText renders a schedule as its description, else its days and
// hours: "Monday, Tuesday 10:00 to 18:00".
func scheduleText(sc object) string {
	if d := str(sc, "description"); d != "" {
		return d
	}
	var days []string
	for _, d := range strings.Split(str(sc, "byday", "weekday"), ",") {
		d = strings.TrimSpace(d)
		code := strings.ToUpper(strings.TrimLeft(d, "+-0123456789"))
		if code == "" {
			code = d // a weekday number
		}
		if name, ok := dayNames[code]; ok {
			d = name
		}
		if d != "" {
			days = append(days, d)
		}
	}
	return openingText(days, str(sc, "opens_at"), str(sc, "closes_at"))
}

// openingText renders days and opening times, as a schedule of ORUK's
// or schema.org's says them: "Monday, Tuesday 10:00 to 18:00".
func openingText(days []string, opens, closes string) string {
	hours := ""
	opens, closes = clock(opens), clock(closes)
	switch {
	case opens != "" && closes != "":
		hours = opens + " to " + closes
	case opens != "":
		hours = "from " + opens
	case closes != "":
		hours = "until " + closes
	}
	return strings.TrimSpace(strings.Join(days, ", ") + " " + hours)
}

// clock shortens "10:00:00" to "10:00".
func clock(t string) string {
	t = strings.TrimSpace(t)
	if len(t) == 8 && t[2] == ':' && t[5] == ':' {
		return t[:5]
	}
	return t
}
