package files

import (
	"bufio"
	"bytes"
	"encoding/csv"
	"fmt"
	"io"

	"safetydw/etl/source"
)

// csvSplitter reads CSV records a chunk at a time with few allocations: the bytes of a chunk
// go into one buffer that becomes one string, and every field is a slice of that string.
// Most lines hold no quotes and are split on commas; a line with quotes is followed through
// RFC 4180 quoting (quoteScan) and handed to encoding/csv, so quoting still reads correctly,
// a quoted value going on over several lines included.
//
// A quote error belongs to its record, not to the file: a record whose quote never closes
// (before the end of the file, or within maxRecord bytes) or that breaks the quoting rules
// becomes one broken row, its first line, and the lines read ahead for it are read again as
// records of their own. Each line is read ahead at most once for a refused record (see
// refusedUntil), so a stray quote costs one row and reading stays linear.
type csvSplitter struct {
	br   *bufio.Reader
	path string
	line int      // physical lines consumed
	back [][]byte // lines read ahead for a refused record, to be read again first
	// Up to this line, a line that leaves a quote open is refused without reading ahead: the
	// record refused last read through those lines in the same state and found no good end.
	refusedUntil int
	refusedWhy   string
	// maxBytes, when set, also ends a chunk once its rows hold this many bytes (DefaultChunkBytes).
	maxBytes int
	// lines leaves a quote-free chunk's records as text (Config.CSVLines; see chunk).
	lines bool
	// scratch reused from chunk to chunk; only the chunk's string and its slices are new
	data   []byte
	spans  []span
	recs   []rec
	broken []brokenRec
	text   []byte
	// lineText gathers the lines kept as text, reused from chunk to chunk like data
	lineText []byte
}

// maxRecord bounds a record whose quoted value goes on over lines: a longer one is taken for a
// stray quote. Town ledgers hold notes of a few lines; 1 MiB is thousands of rows.
const maxRecord = 1 << 20

type span struct{ start, end int32 }

type rec struct{ num, first, n, broken int } // broken: 1-based index into the chunk's broken records

type brokenRec struct {
	raw string
	why source.Broken
}

func (s *csvSplitter) readLine() ([]byte, error) {
	if len(s.back) > 0 {
		b := s.back[0]
		s.back = s.back[1:]
		s.line++
		return b, nil
	}
	b, err := s.br.ReadSlice('\n')
	if err == bufio.ErrBufferFull {
		// A line longer than the buffer: collect it whole.
		long := append([]byte(nil), b...)
		for err == bufio.ErrBufferFull {
			b, err = s.br.ReadSlice('\n')
			long = append(long, b...)
		}
		b = long
	}
	if len(b) == 0 && err != nil {
		return nil, err
	}
	s.line++
	if n := len(b); n > 0 && b[n-1] == '\n' {
		b = b[:n-1]
	}
	if n := len(b); n > 0 && b[n-1] == '\r' {
		b = b[:n-1]
	}
	return b, nil
}

// chunk reads up to max records into t.Rows, fewer when they reach s.maxBytes (see full). It
// returns whether the file ended; an error is a failure to read, never a malformed record
// (that is a row with Broken set).
//
// With s.lines, a chunk that holds no quote leaves its records as text in t.Lines, after the
// rows of t.Rows: the first chunk's first headRows records (its header is among them, and
// keepHead keeps them), none in a later chunk. The records, their numbers and the chunk's
// bounds are those of the split; a line with a quote turns the chunk back into rows whole.
func (s *csvSplitter) chunk(t *source.Table, max int) (bool, error) {
	data, spans, recs, broken := s.data[:0], s.spans[:0], s.recs[:0], s.broken[:0]
	lines, text := s.lines, s.lineText[:0]
	textFirst, textRecs, textHeld := 0, 0, 0 // text's first line number, its records, held before it
	head := 0                                // records split into rows before lines are kept as text
	if t.Head == nil {
		head = headRows
	}
	eof := false
	held := 0 // bytes of the chunk's rows so far (text and a header per value, a refused row's text)
	for len(recs)+textRecs < max && !full(len(recs)+textRecs, held, s.maxBytes) {
		line, err := s.readLine()
		if err == io.EOF {
			eof = true
			break
		}
		if err != nil {
			return false, err
		}
		num := s.line
		blank := len(bytes.TrimSpace(line)) == 0
		if textRecs > 0 {
			if bytes.IndexByte(line, '"') < 0 {
				text = append(append(text, line...), '\n')
				if !blank {
					textRecs++
					held += plainHeld(line)
				}
				continue
			}
			// A quote: the whole chunk is split into rows. The lines kept as text and this one
			// are read again, as the lines read ahead for a refused record are (s.back).
			again := bytes.Split(bytes.Clone(text[:len(text)-1]), []byte{'\n'})
			again = append(again, bytes.Clone(line))
			s.back = append(again, s.back...)
			s.line -= len(again)
			text, textRecs, held, lines = text[:0], 0, textHeld, false
			continue
		}
		if blank {
			continue
		}
		if lines && len(recs) >= head && bytes.IndexByte(line, '"') < 0 {
			text = append(append(text, line...), '\n')
			textFirst, textRecs, textHeld = num, 1, held
			held += plainHeld(line)
			continue
		}
		r := rec{num: num, first: len(spans)}
		if bytes.IndexByte(line, '"') < 0 {
			held += plainHeld(line)
			for {
				i := bytes.IndexByte(line, ',')
				field := line
				if i >= 0 {
					field = line[:i]
				}
				start := int32(len(data))
				data = append(data, trimField(field)...)
				spans = append(spans, span{start, int32(len(data))})
				if i < 0 {
					break
				}
				line = line[i+1:]
			}
		} else if fields, bad := s.quoted(line); bad != nil {
			broken = append(broken, *bad)
			r.broken = len(broken)
			held += len(bad.raw)
		} else {
			first := len(data)
			for _, f := range fields {
				start := int32(len(data))
				data = append(data, trimField([]byte(f))...)
				spans = append(spans, span{start, int32(len(data))})
			}
			held += len(data) - first + valueHeader*len(fields)
		}
		r.n = len(spans) - r.first
		recs = append(recs, r)
	}
	s.data, s.spans, s.recs, s.broken, s.lineText = data, spans, recs, broken, text
	if textRecs > 0 {
		t.Lines = source.Lines{Text: string(text), First: textFirst, Rows: textRecs}
	}
	if len(recs) == 0 && textRecs > 0 {
		return eof, nil
	}
	all := string(data) // the chunk's one copy; every field below is a slice of it
	values, rows := t.Alloc(len(spans), len(recs))
	for i, sp := range spans {
		values[i] = all[sp.start:sp.end]
	}
	for i, r := range recs {
		if r.broken > 0 {
			b := broken[r.broken-1]
			why := b.why // its own copy: the scratch is reused while the table lives on
			rows[i] = source.Row{Num: r.num, Raw: b.raw, Broken: &why}
			continue
		}
		rows[i] = source.Row{Num: r.num, Values: values[r.first : r.first+r.n : r.first+r.n]}
	}
	t.Rows = rows
	return eof, nil
}

// plainHeld is what a line without quotes adds to a chunk's bytes once split (see chunk's held):
// its values' bytes, white space included, and a header per value. It counts commas, with no
// value found one by one: a loop per value cost 1.5 of a 20 M sensor-reading load's 17 CPU-s.
func plainHeld(line []byte) int {
	commas := bytes.Count(line, comma)
	return len(line) - commas + valueHeader*(commas+1)
}

var comma = []byte{','}

const (
	whyBare       = "值中有不成对的引号：不以引号开头的值不能含引号 (a bare \" in a value that does not start with one)"
	whyExtraneous = "引号后应为逗号或行尾 (extraneous \" after a quoted value)"
	whyAtEnd      = "引号未闭合，直到文件末尾 (a quote opened here never closes)"
	whyTooLong    = "引号未闭合：带引号的值超过 1 MiB 仍未结束 (a quoted value still open after 1 MiB)"
)

// quoted reads a record whose first line holds a quote: on over the next lines while a quoted
// value is open. It returns the record's fields, or, for a record that is refused, its first
// line as a broken row; the lines read ahead are then given back.
func (s *csvSplitter) quoted(line []byte) ([]string, *brokenRec) {
	text := append(s.text[:0], line...) // line is the reader's; the next read overwrites it
	first := len(text)
	var q quoteScan
	q.scan(line)
	field, why := q.field, q.bad
	if why == "" && q.open && s.line <= s.refusedUntil {
		why = s.refusedWhy
	}
	ahead := 0
	for why == "" && q.open {
		if len(text) > maxRecord {
			why = whyTooLong
			s.refusedUntil, s.refusedWhy = s.line, why
			break
		}
		more, err := s.readLine()
		if err != nil { // the end of the file (a read error shows again on the next read)
			why = whyAtEnd
			s.refusedUntil, s.refusedWhy = s.line, why
			break
		}
		text = append(append(text, '\n'), more...)
		ahead++
		if q.scan(more); q.bad != "" {
			why = fmt.Sprintf("引号未正确闭合：此处开始的带引号值延续到第 %d 行并在那里出错 (the quoted value opened here runs into row %d and breaks there)", s.line, s.line)
			// A line between the two left the quote open too, and would end the same way.
			s.refusedUntil, s.refusedWhy = s.line-1, why
		}
	}
	s.text = text
	if why == "" {
		fields, err := csv.NewReader(bytes.NewReader(text)).Read()
		if err == nil {
			return fields, nil
		}
		why, field = fmt.Sprintf("CSV 格式错误 (%v)", err), -1
	}
	if ahead > 0 {
		lines := bytes.Split(bytes.Clone(text[first+1:]), []byte{'\n'})
		s.back = append(lines, s.back...)
		s.line -= ahead
	}
	return nil, &brokenRec{raw: string(text[:first]), why: source.Broken{Field: field, Reason: why}}
}

// quoteScan follows lines through RFC 4180 quoting as encoding/csv reads it (no lazy quotes,
// no trimmed spaces): open says a quoted value goes on over the next line; bad, that a quote
// stands where the rules allow none, which ends the record in error; field is the 0-based
// position of the value being read.
type quoteScan struct {
	open  bool
	bad   string
	field int
}

func (q *quoteScan) scan(b []byte) {
	for {
		if q.open {
			i := bytes.IndexByte(b, '"')
			if i < 0 {
				return // the value goes on over the next line
			}
			b = b[i+1:]
			if len(b) > 0 && b[0] == '"' {
				b = b[1:] // "" is a quote inside the value
				continue
			}
			q.open = false
			if len(b) == 0 {
				return
			}
			if b[0] != ',' {
				q.bad = whyExtraneous
				return
			}
			b = b[1:]
			q.field++
		}
		// At the start of a value.
		if len(b) > 0 && b[0] == '"' {
			q.open = true
			b = b[1:]
			continue
		}
		i := bytes.IndexAny(b, `,"`)
		if i < 0 {
			return
		}
		if b[i] == '"' {
			q.bad = whyBare
			return
		}
		b = b[i+1:]
		q.field++
	}
}

var bom = []byte("\ufeff")

func trimField(f []byte) []byte {
	f = bytes.TrimPrefix(f, bom)
	if len(f) > 0 && (f[0] <= ' ' || f[len(f)-1] <= ' ') {
		f = bytes.TrimSpace(f)
	}
	return f
}
