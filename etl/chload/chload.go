// Package chload appends Arrow record batches to ClickHouse tables column by column:
// each Arrow column becomes one clickhouse-go column append, with no per-row boxing.
package chload

import (
	"bytes"
	"context"
	"fmt"
	"math"
	"strings"
	"time"

	"github.com/ClickHouse/ch-go/proto"
	"github.com/ClickHouse/clickhouse-go/v2/lib/column"
	"github.com/ClickHouse/clickhouse-go/v2/lib/driver"
	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"

	"safetydw/warehouse"
)

// Insert writes the records into table in one INSERT and waits for the server to finish it.
// The records must share a schema whose field names are columns of the table.
func Insert(ctx context.Context, db *warehouse.DB, table string, recs []arrow.RecordBatch) (int, error) {
	if len(recs) == 0 {
		return 0, nil
	}
	s, err := Open(ctx, db, table, recs[0].Schema())
	if err != nil {
		return 0, err
	}
	n, err := s.Write(recs)
	if err != nil {
		s.Abort()
		return 0, err
	}
	return n, s.Close()
}

// Stream is one INSERT that takes record batches as they come: each Write goes to the server
// as a data block at once, and the server writes it while the caller prepares the next one.
// Nothing is final until Close returns; Abort gives up.
type Stream struct {
	batch driver.Batch
	db    *warehouse.DB
	table string
	names []string
	// per column, the slices handed to clickhouse-go, reused from block to block: it copies
	// what it is given, so a file's blocks need one set, not one per block.
	scratch []scratch
	dict    dictEncoder
}

type scratch struct {
	strs []string
	secs []int64
}

// Open starts an INSERT into table for records of the schema.
func Open(ctx context.Context, db *warehouse.DB, table string, schema *arrow.Schema) (*Stream, error) {
	names := make([]string, schema.NumFields())
	for i, f := range schema.Fields() {
		names[i] = f.Name
	}
	batch, err := db.PrepareBatch(ctx, "INSERT INTO "+table+" ("+strings.Join(names, ", ")+")")
	if err != nil {
		return nil, fmt.Errorf("insert into %s: %w", table, db.Explain(err))
	}
	return &Stream{batch: batch, db: db, table: table, names: names, scratch: make([]scratch, len(names))}, nil
}

// Write appends the records column by column and sends them as one block.
func (s *Stream) Write(recs []arrow.RecordBatch) (int, error) {
	rows := 0
	for _, rec := range recs {
		rows += int(rec.NumRows())
	}
	cols := s.batch.Columns()
	for i := range s.names {
		if i < len(cols) {
			if lc, ok := cols[i].(*column.LowCardinality); ok {
				done, err := s.dict.fill(lc, recs, i)
				if err != nil {
					return 0, fmt.Errorf("%s.%s: %w", s.table, s.names[i], err)
				}
				if done {
					continue
				}
			}
		}
		for _, rec := range recs {
			v, err := columnValues(rec.Column(i), rec.Schema().Field(i).Nullable, &s.scratch[i])
			if err == nil {
				err = s.batch.Column(i).Append(v)
			}
			clear(s.scratch[i].strs) // they point into the record, which the caller releases
			if err != nil {
				return 0, fmt.Errorf("%s.%s: %w", s.table, s.names[i], err)
			}
		}
	}
	if err := s.batch.Flush(); err != nil {
		return rows, fmt.Errorf("insert into %s: %w", s.table, s.db.Explain(err))
	}
	return rows, nil
}

// Close ends the INSERT and waits until the server has written every block.
func (s *Stream) Close() error {
	if err := s.batch.Send(); err != nil {
		return fmt.Errorf("insert into %s: %w", s.table, s.db.Explain(err))
	}
	return nil
}

// Abort ends the INSERT without finishing it.
func (s *Stream) Abort() { _ = s.batch.Abort() }

// columnValues returns the slice clickhouse-go takes for the column. Fixed-width columns
// hand over Arrow's own buffer. A Nullable ClickHouse column takes pointers even when no
// value is null, so the Arrow field's nullability decides, not the data.
func columnValues(col arrow.Array, nullable bool, sc *scratch) (any, error) {
	switch a := col.(type) {
	case *array.Dictionary:
		// The archive's one-value columns (landing), read back for a replay.
		if a.NullN() > 0 {
			break
		}
		switch d := a.Dictionary().(type) {
		case *array.String:
			out := resize(&sc.strs, a.Len())
			for i := range out {
				out[i] = d.Value(a.GetValueIndex(i))
			}
			return out, nil
		case *array.Uint64:
			out := make([]uint64, a.Len())
			for i := range out {
				out[i] = d.Value(a.GetValueIndex(i))
			}
			return out, nil
		}
	case *array.String:
		out := resize(&sc.strs, a.Len())
		for i := range out {
			out[i] = a.Value(i) // aliases Arrow's buffer; clickhouse-go copies on append
		}
		return out, nil
	case *array.Uint8:
		return a.Uint8Values(), nil
	case *array.Uint16:
		return a.Uint16Values(), nil
	case *array.Uint32:
		return a.Uint32Values(), nil
	case *array.Uint64:
		return a.Uint64Values(), nil
	case *array.Float32:
		return a.Float32Values(), nil
	case *array.Float64:
		return a.Float64Values(), nil
	case *array.List:
		// Array(String): one []string per row, sliced out of the list's flat values.
		vals, ok := a.ListValues().(*array.String)
		if !ok {
			return nil, fmt.Errorf("arrow list of %s has no ClickHouse mapping", a.ListValues().DataType())
		}
		out := make([][]string, a.Len())
		for i := range out {
			start, end := a.ValueOffsets(i)
			row := make([]string, 0, end-start)
			for j := start; j < end; j++ {
				row = append(row, vals.Value(int(j)))
			}
			out[i] = row
		}
		return out, nil
	case *array.Date32:
		if !nullable {
			out := make([]time.Time, a.Len())
			for i := range out {
				out[i] = a.Value(i).ToTime()
			}
			return out, nil
		}
		out := make([]*time.Time, a.Len())
		for i := range out {
			if a.IsValid(i) {
				t := a.Value(i).ToTime()
				out[i] = &t
			}
		}
		return out, nil
	case *array.Timestamp:
		unit := a.DataType().(*arrow.TimestampType).Unit
		div := map[arrow.TimeUnit]int64{arrow.Second: 1, arrow.Millisecond: 1e3, arrow.Microsecond: 1e6, arrow.Nanosecond: 1e9}[unit]
		if nullable {
			// Nullable(DateTime) takes pointers; a NULL is a timestamp not yet happened.
			out := make([]*time.Time, a.Len())
			for i, v := range a.TimestampValues() {
				if a.IsValid(i) {
					t := time.Unix(int64(v)/div, 0)
					out[i] = &t
				}
			}
			return out, nil
		}
		out := resize(&sc.secs, a.Len())
		for i, v := range a.TimestampValues() {
			out[i] = int64(v) / div
		}
		return out, nil
	}
	return nil, fmt.Errorf("arrow type %s has no ClickHouse mapping", col.DataType())
}

// dictEncoder fills a LowCardinality(String) column of clickhouse-go in one step. Its Append
// takes each value through reflect and a map keyed by interface (boxing every string), which
// was 14 % of a sensor load's CPU for source_file alone (the file's name on every reading).
// Here the block's values are dictionary-encoded on a string-keyed map, with the previous
// row's value checked first (a file name repeats on every row), into the column's native
// format (the dictionary, then a key per row), and handed to the column's Decode: the very
// bytes clickhouse-go's Encode writes for the server, so the server gets the same block.
type dictEncoder struct {
	index map[string]int
	dict  []string
	keys  []int
	buf   proto.Buffer
}

// The LowCardinality serialization flags (ClickHouse's SerializationLowCardinality, as
// clickhouse-go's column package writes them): the block carries its own dictionary.
const (
	lcHasAdditionalKeys    = 1 << 9
	lcNeedUpdateDictionary = 1 << 10
)

// fill encodes column i of recs into lc and reports whether it did; false leaves the column
// to the ordinary Append (a Nullable dictionary, NULLs, a column already holding rows).
func (e *dictEncoder) fill(lc *column.LowCardinality, recs []arrow.RecordBatch, i int) (bool, error) {
	if lc.Type() != "LowCardinality(String)" || lc.Rows() != 0 {
		return false, nil
	}
	n := 0
	for _, rec := range recs {
		if !dictionaryStrings(rec.Column(i)) {
			return false, nil
		}
		n += rec.Column(i).Len()
	}
	if n == 0 {
		return true, nil
	}
	if e.index == nil {
		e.index = map[string]int{}
	}
	clear(e.index)
	// Position 0 holds the default value, as clickhouse-go's own Append lays it out.
	e.dict = append(e.dict[:0], "")
	e.index[""] = 0
	e.keys = e.keys[:0]
	last, lastKey := "", 0
	for _, rec := range recs {
		a := textOf(rec.Column(i))
		for r := 0; r < a.Len(); r++ {
			v := a.Value(r)
			if v != last || len(e.keys) == 0 {
				k, ok := e.index[v]
				if !ok {
					v = strings.Clone(v) // the map outlives the record
					k = len(e.dict)
					e.dict = append(e.dict, v)
					e.index[v] = k
				}
				last, lastKey = v, k
			}
			e.keys = append(e.keys, lastKey)
		}
	}
	// The key width clickhouse-go's Encode picks for a dictionary of this size.
	var width uint64
	switch d := len(e.dict) - 1; {
	case d < math.MaxUint8:
		width = 0
	case d < math.MaxUint16:
		width = 1
	case d < math.MaxUint32:
		width = 2
	default:
		width = 3
	}
	b := &e.buf
	b.Reset()
	b.PutUInt64(lcHasAdditionalKeys | lcNeedUpdateDictionary | width)
	b.PutInt64(int64(len(e.dict)))
	for _, v := range e.dict {
		b.PutString(v)
	}
	b.PutInt64(int64(len(e.keys)))
	for _, k := range e.keys {
		switch width {
		case 0:
			b.PutUInt8(uint8(k))
		case 1:
			b.PutUInt16(uint16(k))
		case 2:
			b.PutUInt32(uint32(k))
		default:
			b.PutUInt64(uint64(k))
		}
	}
	clear(e.dict) // the strings are in the buffer now
	if err := lc.Decode(proto.NewReader(bytes.NewReader(b.Buf)), len(e.keys)); err != nil {
		return false, err
	}
	if lc.Rows() != n {
		return false, fmt.Errorf("LowCardinality column holds %d rows after encoding %d", lc.Rows(), n)
	}
	return true, nil
}

// dictionaryStrings says whether a dictEncoder takes col: strings, plain or as a dictionary
// (the archive's one-value columns, read back for a replay), without NULLs.
func dictionaryStrings(col arrow.Array) bool {
	if col.NullN() > 0 {
		return false
	}
	if d, ok := col.(*array.Dictionary); ok {
		_, ok = d.Dictionary().(*array.String)
		return ok
	}
	_, ok := col.(*array.String)
	return ok
}

// textOf reads a column dictionaryStrings took, row by row.
func textOf(col arrow.Array) interface {
	Len() int
	Value(int) string
} {
	if d, ok := col.(*array.Dictionary); ok {
		return dictText{d, d.Dictionary().(*array.String)}
	}
	return col.(*array.String)
}

type dictText struct {
	*array.Dictionary
	values *array.String
}

func (t dictText) Value(i int) string { return t.values.Value(t.GetValueIndex(i)) }

// resize returns *buf with n elements, grown only when it is too small.
func resize[T any](buf *[]T, n int) []T {
	if cap(*buf) < n {
		*buf = make([]T, n)
	}
	*buf = (*buf)[:n]
	return *buf
}
