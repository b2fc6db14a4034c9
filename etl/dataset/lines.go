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
	on     bool     // the dataset ReadsLines: otherwise every line is a row
	absent []int    // sourced columns the header lacks: empty on every row
	fields []string // the line's values, reused
}

func (d *Dataset) newLineReader(rec *Record, colFor []int, width int, o origin) *lineReader {
	r := &lineReader{d: d, rec: rec, colFor: colFor, o: o, on: d.ReadsLines(), fields: make([]string, 0, width)}
	if o.version >= 0 {
		rec.cells[o.version].u = rec.Meta.Version
	}
	if o.file >= 0 {
		rec.cells[o.file].s = rec.Meta.File
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

// read fills the record from the line and says whether the row loads as read; false leaves
// the record to parseRow, which sets every cell again.
func (r *lineReader) read(line string, num int) bool {
	if !r.on {
		return false
	}
	f := r.fields[:0]
	start := 0
	for i := 0; i < len(line); i++ {
		if line[i] == ',' {
			if len(f) == cap(f) {
				return false // more values than the header: the row's checks decide
			}
			f = append(f, line[start:i])
			start = i + 1
		}
	}
	if len(f) != cap(f)-1 {
		return false
	}
	f = append(f, line[start:])
	d, rec := r.d, r.rec
	// As parseRow: the derived cells cleared, the bookkeeping ones set (version and file
	// hold for the whole table, set by newLineReader; parseRow sets them to the same).
	for _, i := range rec.cleared {
		rec.cells[i] = cell{}
	}
	if r.o.row >= 0 {
		rec.cells[r.o.row].u = uint64(num)
	}
	for i, v := range f {
		j := r.colFor[i]
		if j < 0 {
			continue
		}
		c, cl := &d.Columns[j], &rec.cells[j]
		if v == "" {
			if c.Required {
				return false
			}
			*cl = cell{null: c.Kind == NullableDateTime}
			continue
		}
		if !plainText(v) {
			return false
		}
		switch c.Kind {
		case String:
			if !utf8.ValidString(v) {
				return false
			}
			cl.s = v
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

// plainText says a non-empty value has no white space or BOM at either end: the splitter
// left it as it stands, and no parser would trim it.
func plainText(v string) bool {
	a, z := v[0], v[len(v)-1]
	if a <= ' ' || z <= ' ' {
		return false
	}
	if a >= utf8.RuneSelf {
		r, _ := utf8.DecodeRuneInString(v)
		if r == '\ufeff' || unicode.IsSpace(r) {
			return false
		}
	}
	if z >= utf8.RuneSelf {
		r, _ := utf8.DecodeLastRuneInString(v)
		if r == '\ufeff' || unicode.IsSpace(r) {
			return false
		}
	}
	return true
}
