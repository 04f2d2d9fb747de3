package library

import (
	"bytes"
	"net/url"
	"path"
	"slices"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/sendbot/sendbot/corpus"
	"github.com/sendbot/sendbot/internal/english"
)

// formats are the extensions uploads take, each with the one it is saved
// under. CSV directories are left out: their columns need checking by
// hand (sendbot check) before parents rely on them.
var formats = map[string]string{
	".pdf": ".pdf", ".md": ".md", ".markdown": ".md", ".html": ".html", ".htm": ".html", ".txt": ".txt", ".json": ".json",
}

// UploadExtensions lists the extensions uploads take, sorted: ".htm", ".html", ….
func UploadExtensions() []string {
	var out []string
	for ext := range formats {
		out = append(out, ext)
	}
	slices.Sort(out)
	return out
}

// checkFile refuses a file of a format Add does not take, or of no size
// or too big, and returns the extension to save it under.
func (s *Uploads) checkFile(u Upload) (string, error) {
	ext := strings.ToLower(path.Ext(strings.ReplaceAll(u.Filename, `\`, "/")))
	saveAs, ok := formats[ext]
	switch {
	case !ok:
		return "", &Refusal{Why: UnknownFormat, Ext: ext}
	case len(bytes.TrimSpace(u.Data)) == 0:
		return "", &Refusal{Why: EmptyFile}
	case int64(len(u.Data)) > s.cfg.maxBytes:
		return "", &Refusal{Why: TooBig, Size: int64(len(u.Data)), Max: s.cfg.maxBytes}
	}
	return saveAs, nil
}

// options are the command's options, checked and tidied.
type options struct {
	title, area, kind, sourceURL, by string
}

const (
	maxTitle = 200
	maxArea  = 60
	maxKind  = 40
)

func checkOptions(u Upload) (options, error) {
	o := options{title: oneLine(u.Title), area: oneLine(u.Area), kind: strings.ToLower(oneLine(u.Kind)), sourceURL: strings.TrimSpace(u.SourceURL), by: oneLine(u.By)}
	if len(o.by) > 32 {
		o.by = o.by[:32]
	}
	switch {
	case utf8.RuneCountInString(o.title) > maxTitle:
		return o, &Refusal{Why: TitleTooLong, Max: maxTitle}
	case o.kind != "" && !isKind(o.kind):
		return o, &Refusal{Why: BadKind}
	}
	if o.sourceURL != "" {
		u, err := url.Parse(o.sourceURL)
		if err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Hostname() == "" || u.User != nil || strings.ContainsAny(o.sourceURL, " \t\n") {
			return o, &Refusal{Why: BadSourceURL}
		}
		o.sourceURL = u.String()
	}
	return o, nil
}

// oneLine trims s, drops control characters and joins its lines.
func oneLine(s string) string {
	s = strings.Map(func(r rune) rune {
		if unicode.IsControl(r) || unicode.Is(unicode.Cf, r) {
			return ' '
		}
		return r
	}, s)
	return strings.Join(strings.Fields(s), " ")
}

func isKind(k string) bool {
	if len(k) > maxKind {
		return false
	}
	for _, w := range strings.Split(k, "-") {
		if w == "" || strings.Trim(w, "abcdefghijklmnopqrstuvwxyz") != "" {
			return false
		}
	}
	return true
}

// resolveArea returns the area an upload goes in, as the index spells it
// when it knows it. A new area must look like a place name, and must not
// be one letter or two away from a known one (a typo would hide the
// document from parents filtering by the real area).
func resolveArea(area string, known []string) (string, error) {
	area = oneLine(area)
	key := corpus.AreaKey(area)
	for _, k := range known {
		if corpus.AreaKey(k) == key {
			return k, nil
		}
	}
	notAPlace := &Refusal{Why: NotAPlace, Area: area, Areas: distinctAreas(known)}
	letters := false
	for _, r := range area {
		switch {
		case unicode.IsLetter(r):
			letters = true
		case r == ' ' || r == '-' || r == '\'' || r == '’' || r == '&' || r == '.' || r == ',' || r == '(' || r == ')':
		default:
			return "", notAPlace
		}
	}
	if !letters || utf8.RuneCountInString(area) > maxArea {
		return "", notAPlace
	}
	for _, k := range known {
		kk := corpus.AreaKey(k)
		if d := english.Distance(key, kk, 2); d > 0 && (d <= 1 || (d <= 2 && len(kk) >= 6)) {
			return "", &Refusal{Why: AreaTypo, Area: area, Suggest: k}
		}
	}
	return area, nil
}

// distinctAreas lists the known areas once each, in order.
func distinctAreas(known []string) []string {
	seen := map[string]bool{}
	var list []string
	for _, k := range known {
		if k != "" && !seen[corpus.AreaKey(k)] {
			seen[corpus.AreaKey(k)] = true
			list = append(list, k)
		}
	}
	return list
}

// folderName is the folder an area's uploads are kept in: its key in
// lower-case ASCII letters and digits joined by hyphens.
func folderName(area string) string {
	var b strings.Builder
	dash := false
	for _, r := range corpus.AreaKey(area) {
		if (r >= 'a' && r <= 'z') || (r >= '0' && r <= '9') {
			if dash && b.Len() > 0 {
				b.WriteByte('-')
			}
			b.WriteRune(r)
			dash = false
			continue
		}
		dash = true
	}
	if b.Len() == 0 {
		return "area"
	}
	return b.String()
}
