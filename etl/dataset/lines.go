package dataset

import (
	"unicode"
	"unicode/utf8"

	"safetydw/etl/source"
)

// The fast path for CSV text (source.Table.Lines): a row goes from its line to the cells of the
// record without a source.Row, when it is certain that parseRow would load it with the same
// values: as many fields as the header, every value of a sourced column plain (no white space
// or BOM around it, valid UTF-8) and read by the strict parsers parseRow itself tries first
// (plainDecimal, plainCount, the timestamp's dayCache), no empty required value, no future
// date. Any other row is split into a source.Row and goes through parseRow and the reject
// code like every row of a table: what is refused, and why, is decided there and only there.

// ReadsLines says whether the dataset reads CSV records from their text (source.Table.Lines):
// its sourced columns are of kinds the fast path parses, with no custom Parse and no personal
// data, and it has no Finish and no key (the duplicate key check works on rows). A table's
// Lines are read as rows for any other dataset.
func (d *Dataset) ReadsLines() bool {
	if d.Finish != nil || d.Key != "" || len(d.KeyWith) > 0 || d.KeyScope != KeyGlobal {
		return false
	}
	for _, c := range d.Columns {
		if len(c.Headers) == 0 {
			continue
		}
		if c.PII != NoPII || c.Parse != nil {
			return false
		}
		switch c.Kind {
		case String, DateTime, NullableDateTime, Float32, Float64, Code8, UInt16, UInt32, UInt64:
		default:
			return false
		}
	}
	return true
}

// linesToRows splits a table's Lines into rows after its Rows.
func linesToRows(t *source.Table) {
	rows := make([]source.Row, len(t.Rows), len(t.Rows)+t.Lines.Rows)
	copy(rows, t.Rows)
	lr := t.Lines.Reader()
	for num, line, ok := lr.Next(); ok; num, line, ok = lr.Next() {
		rows = append(rows, source.Row{Num: num, Values: source.Fields(line)})
	}
	t.Rows, t.Lines = rows, source.Lines{}
}

// textSample is up to 64 first data rows, from the rows and then the lines, for reserveText.
func textSample(rows []source.Row, lines source.Lines) []source.Row {
	const n = 64
	if len(rows) >= n || lines.Rows == 0 {
		return rows[:min(len(rows), n)]
	}
	sample := append([]source.Row(nil), rows...)
	lr := lines.Reader()
	for num, line, ok := lr.Next(); ok && len(sample) < n; num, line, ok = lr.Next() {
		sample = append(sample, source.Row{Num: num, Values: source.Fields(line)})
	}
	return sample
}

// lineReader reads a table's lines into a Record (see the top of this file).
type lineReader struct {
	d      *Dataset
	rec    *Record
	colFor []int
	o      origin
	on     bool    // the dataset ReadsLines: otherwise every line is a row
	absent []int   // sourced columns the header lacks: empty on every row
	ends   []int32 // where each value of the line ends (the next starts one byte later)
	// text: per column, the value of a String column read from the line, or -1. Such a value
	// goes to Arrow from the line (builder.addLine), not through its cell: a string written to
	// a cell on every row costs a write barrier while the collector runs.
	text []int
}

func (d *Dataset) newLineReader(rec *Record, colFor []int, width int, o origin) *lineReader {
	r := &lineReader{d: d, rec: rec, colFor: colFor, o: o, on: d.ReadsLines(), ends: make([]int32, width), text: make([]int, len(d.Columns))}
	if o.version >= 0 {
		rec.cells[o.version].u = rec.Meta.Version
	}
	if o.file >= 0 {
		rec.cells[o.file].s = rec.Meta.File
	}
	for j := range r.text {
		r.text[j] = -1
	}
	for i, j := range colFor {
		if j >= 0 && d.Columns[j].Kind == String {
			r.text[j] = i
		}
	}
	for _, j := range rec.sourced {
		found := false
		for _, c := range colFor {
			found = found || c == j
		}
		if !found {
			r.absent = append(r.absent, j)
		}
	}
	return r
}

// value is the line's i-th value (read has found where each ends).
func (r *lineReader) value(line string, i int) string {
	start := int32(0)
	if i > 0 {
		start = r.ends[i-1] + 1
	}
	return line[start:r.ends[i]]
}

// read fills the record from the line, String columns aside (addLine takes them from there),
// and says whether the row loads as read; false leaves the record to parseRow, which sets
// every cell again.
func (r *lineReader) read(line string, num int) bool {
	if !r.on {
		return false
	}
	n, last := 0, len(r.ends)-1
	var all byte // every byte of the line or'ed: below 0x80, the line is ASCII
	for i := 0; i < len(line); i++ {
		c := line[i]
		all |= c
		if c == ',' {
			if n == last {
				return false // more values than the header: the row's checks decide
			}
			r.ends[n] = int32(i)
			n++
		}
	}
	if n != last {
		return false
	}
	r.ends[n] = int32(len(line))
	ascii := all < utf8.RuneSelf
	d, rec := r.d, r.rec
	// As parseRow: the derived cells cleared, the bookkeeping ones set (version and file
	// hold for the whole table, set by newLineReader; parseRow sets them to the same).
	for _, i := range rec.cleared {
		rec.cells[i] = cell{}
	}
	if r.o.row >= 0 {
		rec.cells[r.o.row].u = uint64(num)
	}
	for i, j := range r.colFor {
		if j < 0 {
			continue
		}
		c, cl := &d.Columns[j], &rec.cells[j]
		v := r.value(line, i)
		if v == "" {
			if c.Required {
				return false
			}
			if c.Kind != String {
				*cl = cell{null: c.Kind == NullableDateTime}
			}
			continue
		}
		if v[0] <= ' ' || v[len(v)-1] <= ' ' || !ascii && !plainText(v) {
			return false
		}
		switch c.Kind {
		case String:
			if !ascii && !utf8.ValidString(v) {
				return false
			}
			continue // addLine takes it from the line
		case DateTime, NullableDateTime:
			secs, err := rec.days.unixSeconds(v)
			if err != nil {
				return false
			}
			cl.i = secs
		case Float32, Float64:
			x, ok := plainDecimal(v)
			if !ok {
				return false
			}
			cl.f = x
		case Code8, UInt16, UInt32, UInt64:
			n, ok := plainCount(v)
			if !ok || (c.Kind == Code8 && n > 255) || (c.Kind == UInt16 && n > 65535) {
				return false
			}
			cl.u = uint64(n)
		default:
			return false
		}
		cl.null = false
	}
	for _, j := range r.absent {
		rec.cells[j] = cell{null: d.Columns[j].Kind == NullableDateTime}
	}
	return d.checkFuture(rec) == nil
}

// plainText says a value that is not ASCII has no white space or BOM at either end (the bytes
// up to ' ' are checked before): no parser would trim it.
func plainText(v string) bool {
	if r, _ := utf8.DecodeRuneInString(v); r == '\ufeff' || unicode.IsSpace(r) {
		return false
	}
	if r, _ := utf8.DecodeLastRuneInString(v); r == '\ufeff' || unicode.IsSpace(r) {
		return false
	}
	return true
}
