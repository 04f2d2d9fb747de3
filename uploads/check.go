package uploads

import (
	"bytes"
	"fmt"
	"net/url"
	"os"
	"path"
	"path/filepath"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/sendbot/sendbot/bot"
	"github.com/sendbot/sendbot/corpus"
	"github.com/sendbot/sendbot/internal/english"
)

// formats are the extensions Add accepts, each with the one it is saved
// under. CSV directories are left out: their columns need checking by
// hand (sendbot check) before parents rely on them.
var formats = map[string]string{
	".pdf": ".pdf", ".md": ".md", ".markdown": ".md", ".html": ".html", ".htm": ".html", ".txt": ".txt", ".json": ".json",
}

const acceptedFormats = "PDF (.pdf), Markdown (.md), web pages (.html, .htm), plain text (.txt) and Open Referral UK service feeds (.json)"

// checkFile refuses a file of a format Add does not take, or of no size
// or too big, and returns the extension to save it under.
func (s *Store) checkFile(u bot.Upload) (string, error) {
	ext := strings.ToLower(path.Ext(strings.ReplaceAll(u.Filename, `\`, "/")))
	saveAs, ok := formats[ext]
	if !ok {
		what := "this file has no extension"
		if ext != "" {
			what = "this file is not one of them"
			if len(ext) <= 10 && strings.Trim(ext[1:], "abcdefghijklmnopqrstuvwxyz0123456789") == "" {
				what = "this file is " + ext
			}
		}
		return "", refuse("sendbot reads %s; %s. Save it as one of those (a PDF, say) and add it again.", acceptedFormats, what)
	}
	switch {
	case len(bytes.TrimSpace(u.Data)) == 0:
		return "", refuse("The file is empty.")
	case int64(len(u.Data)) > s.cfg.MaxBytes:
		return "", refuse("The file is %s; the largest sendbot accepts is %s.", size(int64(len(u.Data))), size(s.cfg.MaxBytes))
	}
	return saveAs, nil
}

// size writes a number of bytes as people read it: "10 MB", "512 KB".
func size(n int64) string {
	switch {
	case n >= 1<<20:
		return strings.TrimSuffix(fmt.Sprintf("%.1f", float64(n)/(1<<20)), ".0") + " MB"
	case n >= 1<<10:
		return fmt.Sprintf("%d KB", n>>10)
	}
	return fmt.Sprintf("%d bytes", n)
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

func checkOptions(u bot.Upload) (options, error) {
	o := options{title: oneLine(u.Title), area: oneLine(u.Area), kind: strings.ToLower(oneLine(u.Kind)), sourceURL: strings.TrimSpace(u.SourceURL), by: oneLine(u.By)}
	if len(o.by) > 32 {
		o.by = o.by[:32]
	}
	switch {
	case utf8.RuneCountInString(o.title) > maxTitle:
		return o, refuse("The title is longer than %d characters; shorten it.", maxTitle)
	case o.kind != "" && !isKind(o.kind):
		return o, refuse("A kind is one word, or words joined by hyphens, such as guidance, local-offer, news or inspection.")
	}
	if o.sourceURL != "" {
		u, err := url.Parse(o.sourceURL)
		if err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Hostname() == "" || u.User != nil || strings.ContainsAny(o.sourceURL, " \t\n") {
			return o, refuse("source_url must be the web address the document comes from, starting with https:// (or http://).")
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
	letters := false
	for _, r := range area {
		switch {
		case unicode.IsLetter(r):
			letters = true
		case r == ' ' || r == '-' || r == '\'' || r == '’' || r == '&' || r == '.' || r == ',' || r == '(' || r == ')':
		default:
			return "", refuse("An area is a place name, of letters, spaces and hyphens, such as North Lincolnshire%s.", areasHint(known))
		}
	}
	if !letters || utf8.RuneCountInString(area) > maxArea {
		return "", refuse("An area is a place name, of letters, spaces and hyphens, such as North Lincolnshire%s.", areasHint(known))
	}
	for _, k := range known {
		kk := corpus.AreaKey(k)
		if d := english.Distance(key, kk, 2); d > 0 && (d <= 1 || (d <= 2 && len(kk) >= 6)) {
			return "", refuse("There is no area %q yet; did you mean %s? To start a new area, spell its name out in full.", area, k)
		}
	}
	return area, nil
}

// areasHint lists the known areas for a refusal: " (the areas are …)".
func areasHint(known []string) string {
	seen := map[string]bool{}
	var list []string
	for _, k := range known {
		if k != "" && !seen[corpus.AreaKey(k)] {
			seen[corpus.AreaKey(k)] = true
			list = append(list, k)
		}
	}
	if len(list) == 0 {
		return ""
	}
	return " (the areas are " + strings.Join(list, ", ") + ")"
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

// writeAtomic writes data to path through a temporary file in the same
// folder, flushed to disk and renamed over it, so path always holds the
// old content or the new.
func writeAtomic(path string, data []byte) error {
	f, err := os.CreateTemp(filepath.Dir(path), ".tmp-")
	if err != nil {
		return err
	}
	tmp := f.Name()
	_, err = f.Write(data)
	if err == nil {
		err = f.Sync()
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Chmod(tmp, 0o644)
	}
	if err == nil {
		err = os.Rename(tmp, path)
	}
	if err != nil {
		os.Remove(tmp)
		return err
	}
	syncDir(filepath.Dir(path))
	return nil
}

// writeIfChanged writes data to path unless path holds it already, so
// an unchanged file keeps its time and the index's fingerprint of the
// folder holds.
func writeIfChanged(path string, data []byte) error {
	if old, err := os.ReadFile(path); err == nil && bytes.Equal(old, data) {
		return nil
	}
	return writeAtomic(path, data)
}

// syncDir makes a rename in a folder durable, where the system can sync
// a folder (not every one can; the rename has happened either way).
func syncDir(dir string) {
	if f, err := os.Open(dir); err == nil {
		f.Sync()
		f.Close()
	}
}
