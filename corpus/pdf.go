package corpus

import (
	"bytes"
	"errors"
	"fmt"
	"path"
	"regexp"
	"strings"

	"github.com/ledongthuc/pdf"
)

// parsePDF reads a PDF's text layer page by page: lines in reading order,
// paragraphs by the gaps between lines, headings by type size and weight,
// with running headers, footers and page numbers left out. Every block
// carries its page. The title is the file's own when it is a real title;
// a PDF's creation date is a print date, so no published date is taken.
func parsePDF(data []byte) (res parsed, err error) {
	var file *budgetReader
	defer func() {
		if r := recover(); r != nil {
			res, err = parsed{}, errPDFDamaged
		}
		if file != nil && file.over {
			res, err = parsed{}, errDecodeBudget
		}
	}()
	data, err = pdfEnvelope(data)
	if err != nil {
		return parsed{}, err
	}
	spans, err := measureStreams(data, bytes.Contains(data, []byte("/Encrypt")))
	if err != nil {
		return parsed{}, err
	}
	if err := checkXref(data); err != nil {
		return parsed{}, err
	}
	file = &budgetReader{data: data, spans: spans}
	r, err := pdf.NewReader(file, int64(len(data)))
	if err != nil {
		return parsed{}, openError(err, data)
	}
	pages, err := pdfPages(r)
	if err != nil {
		return parsed{}, err
	}
	budget := &pdfBudget{fontCache: map[string]*pdfFont{}}
	var (
		read            []pdfPage
		failed, unknown int
		known           int
	)
	for i, pv := range pages {
		pg, err := readPDFPage(pv, i+1, budget)
		var limit pdfLimitError
		switch {
		case errors.As(err, &limit):
			return parsed{}, limit
		case err != nil:
			failed++
			continue
		}
		for _, g := range pg.glyphs {
			if g.text == " " {
				continue
			}
			if g.known {
				known++
			} else {
				unknown++
			}
		}
		read = append(read, pg)
	}
	switch {
	case len(pages) > 0 && failed == len(pages):
		return parsed{}, errPDFDamaged
	case known == 0 && unknown > 0, unknown > known:
		return parsed{}, errors.New("PDF text cannot be decoded (its fonts carry no Unicode map); sendbot cannot read it: export it again, or save it as text")
	case known == 0:
		return parsed{}, errors.New("PDF has no text layer (scanned images?); sendbot cannot read it")
	}
	blocks := pdfBlocks(read)
	if len(blocks) == 0 {
		return parsed{}, errors.New("PDF has no text layer (scanned images?); sendbot cannot read it")
	}
	return single(Meta{Title: pdfTitle(r)}, blocks), nil
}

var errPDFDamaged = errors.New("PDF is damaged and cannot be read; download or export it again")

// pdfEnvelope checks that data is a PDF and trims what PDF readers
// commonly tolerate: bytes before the header and junk after the last %%EOF.
func pdfEnvelope(data []byte) ([]byte, error) {
	start := bytes.Index(data[:min(len(data), 1024)], []byte("%PDF-"))
	if start < 0 {
		return nil, errors.New("file is not a PDF (it does not start with %PDF-)")
	}
	data = data[start:]
	end := bytes.LastIndex(data, []byte("%%EOF"))
	if end < 0 || !bytes.Contains(data[max(0, end-1024):end], []byte("startxref")) {
		return nil, errors.New("PDF is incomplete (its end is missing, as in a download that stopped part way); download or export it again")
	}
	data = data[:end+len("%%EOF")]
	// The library accepts only "%PDF-1.0" to "%PDF-1.7" followed by a line
	// break; a PDF 2.0 file, or a header followed by a space, reads the same.
	if len(data) > 9 && (data[5] != '1' || data[6] != '.' || data[7] < '0' || data[7] > '7' || (data[8] != '\n' && data[8] != '\r')) &&
		data[6] == '.' && (data[8] == ' ' || data[8] == '\n' || data[8] == '\r' || data[8] == '\t') {
		data = bytes.Clone(data)
		copy(data[5:], "1.7\n")
	}
	return data, nil
}

var startXref = regexp.MustCompile(`startxref\s+(\d+)\s*%%EOF$`)

// openError turns the library's error on opening a file into a sentence.
func openError(err error, data []byte) error {
	msg := err.Error()
	switch {
	case errors.Is(err, pdf.ErrInvalidPassword):
		return errors.New("PDF is encrypted (password protected); save a copy without a password")
	case strings.Contains(msg, "encrypt") || bytes.Contains(data[max(0, len(data)-4096):], []byte("/Encrypt")):
		return errors.New("PDF is encrypted (password protected, or with encryption sendbot cannot open); save a copy without a password")
	}
	return errPDFDamaged
}

// pdfPage is the text drawn on one page.
type pdfPage struct {
	number int
	glyphs []glyph
	top    float64 // the media box's top and bottom, for headers and footers
	bottom float64
}

// pdfPages lists the page objects in order, refusing loops and too many pages.
func pdfPages(r *pdf.Reader) ([]pdf.Value, error) {
	var pages []pdf.Value
	nodes := 0
	var walk func(v pdf.Value, depth int) error
	walk = func(v pdf.Value, depth int) error {
		nodes++
		if depth > 64 || nodes > 4*pdfMaxPages {
			return errPDFDamaged
		}
		kids := v.Key("Kids")
		if v.Key("Type").Name() == "Pages" || (kids.Kind() == pdf.Array && v.Key("Type").Name() != "Page") {
			for i := 0; i < kids.Len(); i++ {
				if err := walk(kids.Index(i), depth+1); err != nil {
					return err
				}
			}
			return nil
		}
		if v.Kind() == pdf.Dict {
			if len(pages) >= pdfMaxPages {
				return pdfLimitError{fmt.Sprintf("PDF has more than %d pages, over sendbot's limit; split it into smaller files", pdfMaxPages)}
			}
			pages = append(pages, v)
		}
		return nil
	}
	if err := walk(r.Trailer().Key("Root").Key("Pages"), 0); err != nil {
		return nil, err
	}
	return pages, nil
}

// inherited looks a page attribute up the page tree, as PDF allows.
func inherited(page pdf.Value, key string) pdf.Value {
	for i := 0; i < 32 && page.Kind() == pdf.Dict; i++ {
		if v := page.Key(key); !v.IsNull() {
			return v
		}
		page = page.Key("Parent")
	}
	return pdf.Value{}
}

// readPDFPage draws one page; a page that cannot be read returns an error
// and the others are still read.
func readPDFPage(pv pdf.Value, number int, budget *pdfBudget) (pg pdfPage, err error) {
	defer func() {
		if r := recover(); r != nil {
			pg, err = pdfPage{}, errPDFDamaged
		}
	}()
	pg = pdfPage{number: number, top: 792}
	if box := inherited(pv, "MediaBox"); box.Len() == 4 {
		y0, y1 := box.Index(1).Float64(), box.Index(3).Float64()
		pg.bottom, pg.top = min(y0, y1), max(y0, y1)
	}
	var content []byte
	contents := pv.Key("Contents")
	streams := []pdf.Value{contents}
	if contents.Kind() == pdf.Array {
		streams = streams[:0]
		for i := 0; i < contents.Len() && i < 1024; i++ {
			streams = append(streams, contents.Index(i))
		}
	}
	for _, s := range streams {
		data, err := readStream(s, pdfMaxStreamBytes-len(content))
		if err == errStreamTooBig {
			return pdfPage{}, pdfLimitError{fmt.Sprintf("page %d of the PDF has more than %d MiB of drawing instructions, over sendbot's limit (a damaged file?)", number, pdfMaxStreamBytes>>20)}
		}
		if err != nil {
			continue
		}
		content = append(append(content, data...), '\n')
	}
	p := pageReader{doc: budget}
	err = p.draw(content, inherited(pv, "Resources"), identity, 0)
	pg.glyphs = p.glyphs
	return pg, err
}

// pdfTitle is the title the file gives itself in its document information
// or XMP metadata, or "" when that is missing or not a real title.
func pdfTitle(r *pdf.Reader) string {
	if t := cleanPDFTitle(r.Trailer().Key("Info").Key("Title").Text()); t != "" {
		return t
	}
	if xmp, err := readStream(r.Trailer().Key("Root").Key("Metadata"), 1<<20); err == nil {
		if m := xmpTitle.FindSubmatch(xmp); m != nil {
			return cleanPDFTitle(xmlUnescape.Replace(string(m[1])))
		}
	}
	return ""
}

var (
	xmpTitle    = regexp.MustCompile(`(?s)<dc:title>.*?<rdf:li[^>]*>([^<]*)</rdf:li>`)
	xmlUnescape = strings.NewReplacer("&amp;", "&", "&lt;", "<", "&gt;", ">", "&quot;", `"`, "&apos;", "'", "&#39;", "'")
	junkTitle   = regexp.MustCompile(`(?i)^(untitled|no title|title|document\d*|doc\d*|presentation|powerpoint presentation|slide \d+|print|pdf|word document|default|unknown|none|null|\(?anonymous\)?)$|^microsoft (word|powerpoint|excel) - |^(https?://|www\.|file:)|\.(docx?|pdf|odt|rtf|txt|xlsx?|pptx?|indd|qxd|tmp|html?|wpd)$`)
	titleLetter = regexp.MustCompile(`\pL`)
)

// cleanPDFTitle keeps a metadata title only when it reads like one:
// producers fill the field with "untitled", file names and URLs.
func cleanPDFTitle(t string) string {
	t = strings.Join(strings.Fields(strings.ToValidUTF8(t, "")), " ")
	switch {
	case t == "", len(t) > 300, junkTitle.MatchString(t), !titleLetter.MatchString(t):
		return ""
	case !strings.Contains(t, " ") && (strings.ContainsAny(t, "_\\/") || path.Ext(t) != "" && len(path.Ext(t)) <= 5):
		return "" // one word with underscores, slashes or an extension: a file name
	}
	return t
}
