package fetch

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"mime"
	"net/http"
	"net/url"
	"strconv"
	"strings"
)

// orukPerPage is how many services sendbot asks an ORUK API for per page.
// Servers may send fewer; the paging fields they return decide when to stop.
const orukPerPage = 100

// orukPage is one page of an Open Referral UK service list (the Page
// schema of the UK profile's OpenAPI: /services?page=N&per_page=M).
type orukPage struct {
	TotalPages *int              `json:"total_pages"`
	PageNumber *int              `json:"page_number"`
	LastPage   *bool             `json:"last_page"`
	Empty      *bool             `json:"empty"`
	Contents   []json.RawMessage `json:"contents"`
}

// fetchORUK reads every page of an ORUK API's /services list, from page 1
// until the last page (or MaxPages), and combines them into one file,
// {"contents": [every service]}. If any page fails, so does the whole
// source, and the previous copy stays.
func (s *session) fetchORUK(ctx context.Context, base *url.URL) (*stored, *failure) {
	var (
		services []json.RawMessage
		total    int64
		first    string
		pages    int
		note     string
	)
	for n := 1; ; n++ {
		if n > s.cfg.MaxPages {
			note = fmt.Sprintf("stopped after %d pages (the limit); the API has more", s.cfg.MaxPages)
			s.log.Warn("ORUK API has more pages than the limit", "url", base.String(), "pages", s.cfg.MaxPages)
			break
		}
		u := base.JoinPath("services")
		q := u.Query()
		q.Set("page", strconv.Itoa(n))
		q.Set("per_page", strconv.Itoa(orukPerPage))
		u.RawQuery = q.Encode()
		resp, f := s.get(ctx, u, request{accept: "application/json", maxBytes: s.cfg.MaxBytes, robots: true})
		if f != nil {
			f.reason = fmt.Sprintf("page %d: %s", n, f.reason)
			return nil, f
		}
		if resp.status != http.StatusOK {
			return nil, failed("page %d: the server answered %s", n, statusText(resp.status))
		}
		if n == 1 {
			first = resp.url.String()
		}
		if mt, _, _ := mime.ParseMediaType(resp.header.Get("Content-Type")); mt != "application/json" && !strings.HasSuffix(mt, "+json") {
			return nil, failed("wrong content type: page %d is %s, not the JSON an Open Referral UK API sends", n, orDefault(mt, "unlabelled"))
		}
		total += int64(len(resp.body))
		if total > s.cfg.MaxBytes {
			return nil, failed("larger than %s in all (at page %d)", Size(s.cfg.MaxBytes), n)
		}
		pages++
		body := bytes.TrimSpace(resp.body)
		if n == 1 && bytes.HasPrefix(body, []byte("[")) {
			// An older feed: one plain array of services, no paging.
			if err := json.Unmarshal(body, &services); err != nil {
				return nil, failed("page 1 is not valid JSON (%s)", jsonProblem(err))
			}
			break
		}
		var p orukPage
		if err := json.Unmarshal(body, &p); err != nil {
			return nil, failed("page %d is not valid JSON (%s)", n, jsonProblem(err))
		}
		if p.Contents == nil {
			return nil, failed("page %d is not an Open Referral UK service list (it has no \"contents\")", n)
		}
		services = append(services, p.Contents...)
		switch {
		case p.LastPage != nil && *p.LastPage,
			p.TotalPages != nil && n >= *p.TotalPages,
			len(p.Contents) == 0 || (p.Empty != nil && *p.Empty),
			p.LastPage == nil && p.TotalPages == nil: // no paging: one page is all
		default:
			continue
		}
		break
	}
	if len(services) == 0 {
		return nil, failed("the API lists no services")
	}
	data, err := json.Marshal(struct {
		Contents []json.RawMessage `json:"contents"`
	}{services})
	if err != nil {
		return nil, failed("a service could not be stored: %v", err)
	}
	if int64(len(data)) > s.cfg.MaxBytes {
		return nil, failed("larger than %s in all", Size(s.cfg.MaxBytes))
	}
	return &stored{data: data, ext: ".json", finalURL: first, pages: pages, services: len(services), note: note}, nil
}

// jsonProblem words a JSON syntax error without Go's type names.
func jsonProblem(err error) string {
	var se *json.SyntaxError
	if errors.As(err, &se) {
		return fmt.Sprintf("%s at byte %d", se.Error(), se.Offset)
	}
	return "its fields are not the expected kind"
}

func orDefault(s, def string) string {
	if s == "" {
		return def
	}
	return s
}
