package files

import (
	"bufio"
	"bytes"
	"encoding/csv"
	"fmt"
	"io"
	"strings"

	"safetydw/etl/source"
)

// csvSplitter reads CSV records a chunk at a time with few allocations: the bytes of a chunk
// go into one buffer that becomes one string, and every field is a slice of that string.
// Most lines hold no quotes and are split on commas; a line with quotes (perhaps continuing
// over several lines) is handed to encoding/csv, so RFC 4180 quoting still reads correctly.
type csvSplitter struct {
	br   *bufio.Reader
	path string
	line int // physical lines consumed
	// scratch reused from chunk to chunk; only the chunk's string and its slices are new
	data  []byte
	spans []span
	recs  []rec
}

type span struct{ start, end int32 }

type rec struct{ num, first, n int }

func (s *csvSplitter) readLine() ([]byte, error) {
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

// chunk reads up to max records into t.Rows. It returns whether the file ended, and an error
// naming the row where the file stopped being readable.
func (s *csvSplitter) chunk(t *source.Table, max int) (bool, error) {
	data, spans, recs := s.data[:0], s.spans[:0], s.recs[:0]
	eof := false
	var failure error
	for len(recs) < max {
		line, err := s.readLine()
		if err == io.EOF {
			eof = true
			break
		}
		if err != nil {
			return false, err
		}
		num := s.line
		if len(bytes.TrimSpace(line)) == 0 {
			continue
		}
		r := rec{num: num, first: len(spans)}
		if bytes.IndexByte(line, '"') < 0 {
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
		} else {
			text := string(line)
			// An odd number of quotes means a quoted field goes on over the next line.
			for strings.Count(text, `"`)%2 == 1 {
				more, err := s.readLine()
				if err != nil {
					failure = fmt.Errorf("%s row %d: unterminated quoted field (引号未闭合)", s.path, num)
					break
				}
				text += "\n" + string(more)
			}
			if failure != nil {
				break
			}
			fields, err := csv.NewReader(strings.NewReader(text)).Read()
			if err != nil {
				failure = fmt.Errorf("%s row %d: %w (CSV 格式错误)", s.path, num, err)
				break
			}
			for _, f := range fields {
				start := int32(len(data))
				data = append(data, trimField([]byte(f))...)
				spans = append(spans, span{start, int32(len(data))})
			}
		}
		r.n = len(spans) - r.first
		recs = append(recs, r)
	}
	s.data, s.spans, s.recs = data, spans, recs
	all := string(data) // the chunk's one copy; every field below is a slice of it
	values, rows := t.Alloc(len(spans), len(recs))
	for i, sp := range spans {
		values[i] = all[sp.start:sp.end]
	}
	for i, r := range recs {
		rows[i] = source.Row{Num: r.num, Values: values[r.first : r.first+r.n : r.first+r.n]}
	}
	t.Rows = rows
	return eof, failure
}

var bom = []byte("\ufeff")

func trimField(f []byte) []byte {
	f = bytes.TrimPrefix(f, bom)
	if len(f) > 0 && (f[0] <= ' ' || f[len(f)-1] <= ' ') {
		f = bytes.TrimSpace(f)
	}
	return f
}
