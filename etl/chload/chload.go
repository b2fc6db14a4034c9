// Package chload appends Arrow record batches to ClickHouse tables column by column:
// each Arrow column becomes one clickhouse-go column append, with no per-row boxing.
package chload

import (
	"context"
	"fmt"
	"strings"
	"time"

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
		for i, col := range rec.Columns() {
			v, err := columnValues(col, rec.Schema().Field(i).Nullable, &s.scratch[i])
			if err == nil {
				err = s.batch.Column(i).Append(v)
			}
			clear(s.scratch[i].strs) // they point into the record, which the caller releases
			if err != nil {
				return rows, fmt.Errorf("%s.%s: %w", s.table, s.names[i], err)
			}
		}
		rows += int(rec.NumRows())
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

// resize returns *buf with n elements, grown only when it is too small.
func resize[T any](buf *[]T, n int) []T {
	if cap(*buf) < n {
		*buf = make([]T, n)
	}
	*buf = (*buf)[:n]
	return *buf
}
