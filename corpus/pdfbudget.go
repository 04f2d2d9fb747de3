package corpus

import (
	"bytes"
	"compress/zlib"
	"encoding/ascii85"
	"errors"
	"fmt"
	"io"
	"slices"
)

// A PDF's streams are compressed, and a small file can hold a stream that
// inflates to gigabytes: the library reads an object stream into memory
// whole, at several times its size, and inflates it again for every
// object it looks up there. So every file gets one budget of decoding,
// spent where the bytes are produced:
//
//   - Before the library sees the file, measureStreams inflates each of
//     its streams through a counting reader into nothing (constant
//     memory), with the filters the library would apply. A stream that
//     packs objects (an object or cross-reference stream) may not inflate
//     beyond pdfMaxPackedBytes, and all streams together not beyond
//     pdfMaxDecodeBytes.
//   - The library then reads the file through a budgetReader, which
//     charges every byte it hands out at its stream's measured ratio of
//     inflated to compressed bytes, and refuses to hand out more once the
//     file has cost pdfMaxDecodeBytes: however often the library inflates
//     a stream again, the file cannot cost more.
//
// The drawing instructions and Unicode maps sendbot itself reads are also
// capped as they are inflated (readStream).

const (
	pdfMaxPackedBytes = 8 << 20   // one object or cross-reference stream, inflated
	pdfMaxDecodeBytes = 512 << 20 // all the inflating reading one file may cost
)

var (
	errPackedTooBig = pdfLimitError{fmt.Sprintf("PDF packs more than %d MiB of objects into one compressed stream, over sendbot's limit (a damaged or hostile file?)", pdfMaxPackedBytes>>20)}
	errDecodeBudget = pdfLimitError{fmt.Sprintf("PDF expands to more than %d MiB when decompressed, over sendbot's limit (a damaged or hostile file?); export it again, or save it as text", pdfMaxDecodeBytes>>20)}
	errEncryptedObj = pdfLimitError{"PDF is encrypted and packs its objects into compressed streams, which sendbot cannot check are safe to read; save a copy without a password or restrictions"}
)

// streamSpan is where one stream's bytes lie in the file, and how many
// bytes each of them inflates to.
type streamSpan struct {
	start, end int
	ratio      float64
}

// measureStreams inflates every stream of data as the library would and
// returns where each lies, with its ratio, sorted by start. It refuses a
// file over the limits above, and an encrypted file with object streams
// (their size cannot be measured without decrypting them).
func measureStreams(data []byte, encrypted bool) ([]streamSpan, error) {
	var (
		spans []streamSpan
		total int64
	)
	for at := 0; ; {
		i := bytes.Index(data[at:], []byte("stream"))
		if i < 0 {
			break
		}
		kw := at + i
		at = kw + len("stream")
		if kw >= 3 && string(data[kw-3:kw]) == "end" {
			continue
		}
		d, ok := streamDict(data, kw)
		if !ok {
			continue
		}
		start := at
		if start < len(data) && data[start] == '\r' {
			start++
		}
		if start < len(data) && data[start] == '\n' {
			start++
		}
		packed := isName(d, "Type", "ObjStm") || isName(d, "Type", "XRef")
		if encrypted && isName(d, "Type", "ObjStm") {
			return nil, errEncryptedObj
		}
		limit := pdfMaxDecodeBytes - total
		if packed {
			limit = min(limit, pdfMaxPackedBytes)
		}
		out, used, err := inflatedSize(d, data[start:], limit)
		switch {
		case errors.Is(err, errOverLimit) && packed && limit == pdfMaxPackedBytes:
			return nil, errPackedTooBig
		case errors.Is(err, errOverLimit):
			return nil, errDecodeBudget
		case err != nil || used == 0:
			continue // not encoded in a way measured here: charged as read
		}
		total += out
		spans = append(spans, streamSpan{start: start, end: start + used, ratio: max(1, float64(out)/float64(used))})
		at = start + used // so spans come in order, and never overlap
	}
	return spans, nil
}

var errOverLimit = errors.New("over the limit")

// streamDict reads the dictionary before the "stream" keyword at kw: the
// object's "n g obj << … >>".
func streamDict(data []byte, kw int) (operand, bool) {
	from := max(0, kw-1<<16)
	o := bytes.LastIndex(data[from:kw], []byte("obj"))
	if o < 0 {
		return operand{}, false
	}
	l := contentLexer{data: data[from+o+len("obj") : kw]}
	d, op, ok := l.next(0)
	if !ok || op != "" || len(d.arr) == 0 {
		return operand{}, false
	}
	return d, true
}

// isName reports whether the dictionary's key is the name want.
func isName(d operand, key, want string) bool {
	v, ok := dictValue(d, key)
	return ok && v.kind == opName && v.str == want
}

// inflatedSize decodes a stream that starts at raw with its dictionary's
// filters, counting what comes out, and returns that count and how many
// bytes of raw the stream took. It stops with errOverLimit past limit.
func inflatedSize(d operand, raw []byte, limit int64) (out int64, used int, err error) {
	var filters []string
	if f, ok := dictValue(d, "Filter"); ok {
		switch f.kind {
		case opName:
			filters = []string{f.str}
		case opArray:
			for _, x := range f.arr {
				filters = append(filters, x.str)
			}
		}
	}
	if !slices.Contains(filters, "FlateDecode") {
		return 0, 0, nil // stored as it is, or not a filter the library inflates
	}
	br := bytes.NewReader(raw)
	var rd io.Reader = br
	for _, f := range filters {
		switch f {
		case "FlateDecode":
			zr, err := zlib.NewReader(rd)
			if err != nil {
				return 0, 0, err
			}
			rd = zr
		case "ASCII85Decode":
			rd = ascii85.NewDecoder(&untilTilde{r: rd})
		default:
			return 0, 0, nil
		}
	}
	n, err := io.Copy(io.Discard, io.LimitReader(rd, limit+1))
	if n > limit {
		return n, 0, errOverLimit
	}
	if err != nil && n == 0 {
		return 0, 0, err
	}
	return n, len(raw) - br.Len(), nil
}

// untilTilde reads ASCII85 text up to its "~>" end, as the library does.
type untilTilde struct {
	r    io.Reader
	done bool
}

func (u *untilTilde) Read(p []byte) (int, error) {
	if u.done {
		return 0, io.EOF
	}
	n, err := u.r.Read(p)
	if i := bytes.IndexByte(p[:n], '~'); i >= 0 {
		u.done = true
		return i, io.EOF
	}
	return n, err
}

// budgetReader is the file as the library reads it: each byte it hands
// out inside a measured stream costs that stream's ratio, and once the
// file has cost pdfMaxDecodeBytes every read fails.
// The library reads one file on one goroutine, so it needs no lock.
type budgetReader struct {
	data  []byte
	spans []streamSpan
	spent int64
	over  bool
}

func (b *budgetReader) ReadAt(p []byte, off int64) (int, error) {
	if off < 0 || off > int64(len(b.data)) {
		return 0, errors.New("read outside the file")
	}
	n := copy(p, b.data[off:])
	cost := float64(n)
	if i, found := slices.BinarySearchFunc(b.spans, int(off), func(s streamSpan, o int) int {
		switch {
		case s.end <= o:
			return -1
		case s.start > o:
			return 1
		}
		return 0
	}); found {
		cost *= b.spans[i].ratio
	}
	b.spent += int64(cost)
	if b.spent > pdfMaxDecodeBytes {
		b.over = true
		return 0, errDecodeBudget
	}
	if n < len(p) {
		return n, io.EOF
	}
	return n, nil
}
