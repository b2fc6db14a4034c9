// Package source is the contract between connectors and the runner. A connector (files,
// HTTP API, SQL database) hands over its data as batches of text rows; the runner turns each
// batch into warehouse rows and only then commits the batch's checkpoint, so a crash between
// the two re-reads the batch instead of losing it.
package source

import (
	"context"
	"encoding/csv"
	"strings"
	"sync"
	"time"
)

// Row is one record as text, with where it stood in its batch.
type Row struct {
	Num    int      // 1-based physical position: CSV line, sheet row, JSON element, result row
	Values []string // cells as text; nil for a record that could not be parsed at all
	Raw    string   // the record as the source gave it, for quarantine
	// Broken, when set, says why the record could not be split into values (Values is nil).
	Broken *Broken
}

// Broken is why a record could not be read: the 0-based position of the value where it broke
// (-1 when unknown), so the quarantine can name the column, and the reason.
type Broken struct {
	Field  int
	Reason string
}

// Table is a batch's rows. The header is one of the first rows; titles may stand above it.
// A file read in chunks repeats its first rows in Head for every chunk after the first, so
// each chunk can find its header; Head rows are never data.
type Table struct {
	Path     string // file path or other locator
	Encoding string
	Head     []Row
	Rows     []Row
	// Lines, when it holds rows, are the chunk's further records after Rows, as their text:
	// a CSV splitter asked for them (files.Config.CSVLines) leaves quote-free lines unsplit,
	// and the transform reads them itself (dataset.Dataset.ReadsLines).
	Lines Lines

	values *[]string // pooled storage from Alloc
	rows   *[]Row
}

// RawText is the row as the source gave it; for CSV read in chunks it is rebuilt from the
// values only when needed (for a quarantined row), so the fast path does not pay for it.
func (r Row) RawText() string {
	if r.Raw != "" || r.Values == nil {
		return r.Raw
	}
	var b strings.Builder
	w := csv.NewWriter(&b)
	_ = w.Write(r.Values)
	w.Flush()
	return strings.TrimRight(b.String(), "\n")
}

// Lines are CSV records left as text: the lines of a chunk that holds no quote, after the CRLF
// or LF that ended each was dropped, every one ending in '\n' here. Blank lines stay in Text,
// so that a line's number is counted, and are no records (the splitter skips them too). Fields
// gives the values the splitter would have made of a line.
type Lines struct {
	Text  string
	First int // the line number of Text's first line
	Rows  int // the records: Text's lines that are not blank
}

// Reader reads l's records in order.
func (l Lines) Reader() LineReader { return LineReader{text: l.Text, num: l.First - 1} }

// LineReader goes through the records of Lines. It moves by offsets (no string written back
// on each line: a write barrier while the collector runs).
type LineReader struct {
	text string
	at   int
	num  int
}

// Next returns the next record's line number and text (no '\n'); false after the last.
func (r *LineReader) Next() (int, string, bool) {
	for r.at < len(r.text) {
		i := strings.IndexByte(r.text[r.at:], '\n')
		line := r.text[r.at : r.at+i]
		r.at += i + 1
		r.num++
		if len(line) > 0 && line[0] > ' ' && line[0] < 0x80 || strings.TrimSpace(line) != "" {
			return r.num, line, true
		}
	}
	return 0, "", false
}

// Fields splits a quote-free CSV line into its values as the CSV splitter does: at every
// comma, each value without a leading BOM and, when it starts or ends with a byte up to ' ',
// without the white space around it.
func Fields(line string) []string {
	vals := make([]string, 0, strings.Count(line, ",")+1)
	for {
		i := strings.IndexByte(line, ',')
		f := line
		if i >= 0 {
			f = line[:i]
		}
		f = strings.TrimPrefix(f, "\ufeff")
		if len(f) > 0 && (f[0] <= ' ' || f[len(f)-1] <= ' ') {
			f = strings.TrimSpace(f)
		}
		vals = append(vals, f)
		if i < 0 {
			return vals
		}
		line = line[i+1:]
	}
}

// Table memory of large batches is recycled: a chunk of 50,000 rows needs about 5 MB of
// row and value slices, and the runner is done with them once the rows are in Arrow.
var (
	valuePool = sync.Pool{New: func() any { return new([]string) }}
	rowPool   = sync.Pool{New: func() any { return new([]Row) }}
)

// Alloc gives the table pooled slices for its rows and their values; Recycle returns them.
func (t *Table) Alloc(values, rows int) ([]string, []Row) {
	vp, rp := valuePool.Get().(*[]string), rowPool.Get().(*[]Row)
	if cap(*vp) < values {
		*vp = make([]string, values)
	}
	if cap(*rp) < rows {
		*rp = make([]Row, rows)
	}
	*vp, *rp = (*vp)[:values], (*rp)[:rows]
	t.values, t.rows = vp, rp
	return *vp, *rp
}

// Recycle returns the slices of Alloc to the pool. Call it once nothing refers to the rows.
// They are cleared first (well under a millisecond per chunk): a pooled slice would
// otherwise keep its chunk's text alive until reused, several chunks' worth of the loader's
// heap, which the 300 MiB bound of a large load cannot spare.
func (t *Table) Recycle() {
	if t == nil {
		return
	}
	t.Lines = Lines{} // its text goes with it
	if t.values == nil {
		return
	}
	clear(*t.values)
	clear(*t.rows)
	valuePool.Put(t.values)
	rowPool.Put(t.rows)
	t.values, t.rows, t.Rows = nil, nil, nil
}

// Cursor is an incremental source's position: the last (updated_at, id) loaded. Ordering by
// both keeps rows that share a timestamp from being skipped at a page boundary.
type Cursor struct {
	TS time.Time
	ID string
}

// After reports whether (ts, id) comes after the cursor, comparing ids with CompareIDs.
func (c Cursor) After(ts time.Time, id string) bool {
	if !ts.Equal(c.TS) {
		return ts.After(c.TS)
	}
	return CompareIDs(id, c.ID) > 0
}

// CompareIDs orders record ids as sources order their keys: numerically when both are
// unsigned integers ("9" before "10"; as text they would drop rows at a page boundary),
// as text otherwise.
func CompareIDs(a, b string) int {
	if isDigits(a) && isDigits(b) {
		ta, tb := strings.TrimLeft(a, "0"), strings.TrimLeft(b, "0")
		if len(ta) != len(tb) {
			if len(ta) < len(tb) {
				return -1
			}
			return 1
		}
		if ta != tb {
			return strings.Compare(ta, tb)
		}
	}
	return strings.Compare(a, b)
}

func isDigits(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}

// Batch is one unit of loading: one file, one API page, one chunk of a query.
type Batch struct {
	Table   *Table
	Locator string // what a person needs to find the rows again: file path, URL, table
	Hash    string // content hash, for sources loaded once per content (files); else empty
	Size    int64
	// More says further batches of the same content follow (a large file read in chunks):
	// the content counts as loaded only after its last batch.
	More bool
	// Seen marks content loaded by an earlier run; the batch carries no rows.
	Seen bool
	// Cursor, when set, is stored as the source's watermark after the batch is loaded.
	Cursor *Cursor
	// Err marks the rest of a content the connector could not read past ErrRow (a JSON line
	// too long to scan); the runner loads the Table's rows, if any, and quarantines Raw as one
	// more row. A file that cannot be read at all is an error from Next instead, and a record
	// that cannot be parsed is a Row with Broken set.
	Err    error
	ErrRow int
	Raw    string
}

// Connector yields batches. Next returns (nil, nil) when there is nothing more.
type Connector interface {
	Next(ctx context.Context) (*Batch, error)
	Close() error
}

// State is what the runner tells a connector about earlier runs.
type State struct {
	Watermark *Cursor         // last committed cursor of an incremental source
	Loaded    map[string]bool // content hashes of batches already loaded
}
