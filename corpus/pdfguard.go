package corpus

import (
	"bytes"
	"compress/zlib"
	"fmt"
	"io"
	"strconv"
	"strings"
)

// The PDF library trusts a file's cross-reference sections: it follows
// /Prev links that loop for ever, allocates a table as large as the file
// claims, and follows object streams stored inside object streams (or
// extending themselves) until the stack overflows, which no recover can
// catch. checkXref reads those sections first and refuses such files.

// pdfMaxObjects bounds the objects a file may declare: far above real
// documents, far below a table that would exhaust memory.
const pdfMaxObjects = 2_000_000

var errTooManyObjects = pdfLimitError{fmt.Sprintf("PDF declares more than %d objects, over sendbot's limit (a damaged file?)", pdfMaxObjects)}

// xrefInfo is what the cross-reference sections say about where objects are.
type xrefInfo struct {
	offset   map[int]int // object number → file offset, for objects stored plainly
	inStream map[int]int // object number → the object stream that holds it
}

func checkXref(data []byte) error {
	m := startXref.FindSubmatch(data[max(0, len(data)-1024):])
	if m == nil {
		return nil // the library says what is wrong
	}
	info := xrefInfo{offset: map[int]int{}, inStream: map[int]int{}}
	seen := map[int]bool{}
	off, _ := strconv.Atoi(string(m[1]))
	for off > 0 && off < len(data) {
		if seen[off] || len(seen) > 1000 {
			return errPDFDamaged
		}
		seen[off] = true
		var (
			trailer operand
			err     error
		)
		// The library, like this check, allows white space and comments before the section.
		l := contentLexer{data: data[off:min(len(data), off+1024)]}
		if _, op, _ := l.next(0); op == "xref" {
			trailer, err = classicXref(data[off+l.pos:], info)
		} else {
			trailer, err = streamXref(data, off, info)
		}
		if err != nil {
			return err
		}
		if size, ok := dictNumber(trailer, "Size"); ok && (size < 0 || size > pdfMaxObjects) {
			return errTooManyObjects
		}
		prev, ok := dictNumber(trailer, "Prev")
		if !ok {
			break
		}
		off = int(prev)
	}
	checked := map[int]bool{}
	for _, s := range info.inStream {
		if checked[s] {
			continue
		}
		checked[s] = true
		if err := checkObjectStream(data, s, info, 0); err != nil {
			return err
		}
	}
	return nil
}

// checkObjectStream refuses an object stream that is itself in an object
// stream, claims absurdly many objects, or extends itself in a loop.
func checkObjectStream(data []byte, s int, info xrefInfo, depth int) error {
	if _, nested := info.inStream[s]; nested || depth > 32 {
		return errPDFDamaged
	}
	off, ok := info.offset[s]
	if !ok || off <= 0 || off >= len(data) {
		return nil // the library reports a missing object itself
	}
	d, _, ok := objectAt(data, off)
	if !ok {
		return nil
	}
	if n, ok := dictNumber(d, "N"); ok && (n < 0 || n > pdfMaxObjects) {
		return errTooManyObjects
	}
	if ext, ok := dictNumber(d, "Extends"); ok {
		return checkObjectStream(data, int(ext), info, depth+1)
	}
	return nil
}

// classicXref reads an "xref" table up to its trailer.
func classicXref(data []byte, info xrefInfo) (operand, error) {
	end := bytes.Index(data, []byte("trailer"))
	if end < 0 {
		return operand{}, nil
	}
	id := 0
	for _, line := range strings.Split(string(data[:end]), "\n") {
		f := strings.Fields(line)
		switch len(f) {
		case 2:
			start, err1 := strconv.Atoi(f[0])
			count, err2 := strconv.Atoi(f[1])
			if err1 != nil || err2 != nil {
				continue
			}
			if start < 0 || count < 0 || start > pdfMaxObjects || count > pdfMaxObjects-start {
				return operand{}, errTooManyObjects
			}
			id = start
		case 3:
			if n, err := strconv.Atoi(f[0]); err == nil && f[2] == "n" {
				if _, dup := info.offset[id]; !dup {
					info.offset[id] = n
				}
			}
			id++
		}
	}
	l := contentLexer{data: data[end+len("trailer"):]}
	trailer, _, _ := l.next(0)
	return trailer, nil
}

// streamXref reads a cross-reference stream: its dictionary and, when it
// is compressed in the usual way, its entries.
func streamXref(data []byte, off int, info xrefInfo) (operand, error) {
	d, raw, ok := objectAt(data, off)
	if !ok {
		return operand{}, nil
	}
	size, _ := dictNumber(d, "Size")
	index := []float64{0, size}
	if v, ok := dictValue(d, "Index"); ok && v.kind == opArray {
		index = index[:0]
		for _, x := range v.arr {
			index = append(index, x.num)
		}
	}
	for i := 0; i+1 < len(index); i += 2 {
		if index[i] < 0 || index[i+1] < 0 || index[i]+index[i+1] > pdfMaxObjects {
			return operand{}, errTooManyObjects
		}
	}
	w, ok := dictValue(d, "W")
	if !ok || len(w.arr) < 3 {
		return d, nil
	}
	widths := make([]int, 3)
	row := 0
	for i := range widths {
		widths[i] = int(w.arr[i].num)
		if widths[i] < 0 || widths[i] > 8 {
			return d, nil
		}
		row += widths[i]
	}
	entries, ok := decodeXrefStream(d, raw, row)
	if !ok || row == 0 {
		return d, nil
	}
	k := 0
	for i := 0; i+1 < len(index); i += 2 {
		for id := int(index[i]); id < int(index[i]+index[i+1]) && (k+1)*row <= len(entries); id++ {
			e := entries[k*row : (k+1)*row]
			k++
			typ := 1
			if widths[0] > 0 {
				typ = beInt(e[:widths[0]])
			}
			f2 := beInt(e[widths[0] : widths[0]+widths[1]])
			switch _, known := info.offset[id]; {
			case known:
			case typ == 1:
				info.offset[id] = f2
			case typ == 2:
				if _, dup := info.inStream[id]; !dup {
					info.inStream[id] = f2
				}
			}
		}
	}
	return d, nil
}

// objectAt reads "n g obj << dict >> stream … endstream" at off and
// returns the dictionary and the raw stream bytes.
func objectAt(data []byte, off int) (operand, []byte, bool) {
	l := contentLexer{data: data[off:min(len(data), off+1<<16)]}
	for i := 0; i < 3; i++ { // n g obj
		if _, _, ok := l.next(0); !ok {
			return operand{}, nil, false
		}
	}
	d, op, ok := l.next(0)
	if !ok || op != "" {
		return operand{}, nil, false
	}
	rest := data[off+l.pos:]
	s := bytes.Index(rest[:min(len(rest), 64)], []byte("stream"))
	if s < 0 {
		return d, nil, true
	}
	rest = rest[s+len("stream"):]
	rest = bytes.TrimPrefix(bytes.TrimPrefix(rest, []byte("\r")), []byte("\n"))
	if e := bytes.Index(rest, []byte("endstream")); e >= 0 {
		rest = rest[:e]
	}
	return d, rest, true
}

// decodeXrefStream inflates a cross-reference stream and undoes its PNG
// predictor; ok is false for encodings it does not know.
func decodeXrefStream(d operand, raw []byte, row int) ([]byte, bool) {
	if f, ok := dictValue(d, "Filter"); ok {
		if f.kind == opArray && len(f.arr) == 1 {
			f = f.arr[0]
		}
		if f.kind != opName || f.str != "FlateDecode" {
			return nil, false
		}
		zr, err := zlib.NewReader(bytes.NewReader(raw))
		if err != nil {
			return nil, false
		}
		raw, _ = io.ReadAll(io.LimitReader(zr, int64(pdfMaxObjects)*int64(row+1)))
	}
	params, _ := dictValue(d, "DecodeParms")
	pred, _ := dictNumber(params, "Predictor")
	if pred < 10 {
		return raw, true
	}
	cols := row
	if c, ok := dictNumber(params, "Columns"); ok {
		cols = int(c)
	}
	if cols <= 0 || cols > 1<<16 {
		return nil, false
	}
	out := make([]byte, 0, len(raw))
	prev := make([]byte, cols)
	for i := 0; i+cols+1 <= len(raw); i += cols + 1 {
		filter, cur := raw[i], append([]byte(nil), raw[i+1:i+1+cols]...)
		for j := range cur {
			var left, upLeft byte
			if j > 0 {
				left, upLeft = cur[j-1], prev[j-1]
			}
			switch filter {
			case 1:
				cur[j] += left
			case 2:
				cur[j] += prev[j]
			case 3:
				cur[j] += byte((int(left) + int(prev[j])) / 2)
			case 4:
				cur[j] += paeth(left, prev[j], upLeft)
			}
		}
		out = append(out, cur...)
		prev = cur
	}
	return out, true
}

func paeth(a, b, c byte) byte {
	p := int(a) + int(b) - int(c)
	pa, pb, pc := abs(p-int(a)), abs(p-int(b)), abs(p-int(c))
	switch {
	case pa <= pb && pa <= pc:
		return a
	case pb <= pc:
		return b
	}
	return c
}

func abs(n int) int {
	if n < 0 {
		return -n
	}
	return n
}

func beInt(b []byte) int {
	n := 0
	for _, c := range b {
		n = n<<8 | int(c)
	}
	return n
}

// dictValue finds a key in a dictionary read by contentLexer. References
// ("5 0 R") come through as their object number followed by 0.
func dictValue(d operand, key string) (operand, bool) {
	for i := 0; i+1 < len(d.arr); i++ {
		if d.arr[i].kind == opName && d.arr[i].str == key {
			return d.arr[i+1], true
		}
	}
	return operand{}, false
}

func dictNumber(d operand, key string) (float64, bool) {
	v, ok := dictValue(d, key)
	return v.num, ok && v.kind == opNumber
}
