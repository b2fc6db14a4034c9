package chload_test

import (
	"context"
	"fmt"
	"testing"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/memory"

	"safetydw/etl/chload"
	"safetydw/warehouse/warehousetest"
)

// LowCardinality(String) columns are filled by chload's own dictionary encoding, not by
// clickhouse-go's per-value Append: every value must come back in its row, across the blocks
// of one INSERT (each block its own dictionary), with empty strings, a value repeated on
// every row (a file name), and more than 255 distinct values (two-byte keys).
func TestLowCardinalityColumnsRoundTrip(t *testing.T) {
	ctx := context.Background()
	db := warehousetest.Empty(t)
	if err := db.Exec(ctx, `CREATE TABLE lc (n UInt32, file LowCardinality(String), tag LowCardinality(String), plain String)
		ENGINE = MergeTree ORDER BY n`); err != nil {
		t.Fatal(err)
	}
	schema := arrow.NewSchema([]arrow.Field{
		{Name: "n", Type: arrow.PrimitiveTypes.Uint32},
		{Name: "file", Type: arrow.BinaryTypes.String},
		{Name: "tag", Type: arrow.BinaryTypes.String},
		{Name: "plain", Type: arrow.BinaryTypes.String},
	}, nil)
	// Row n of the whole load: file is the block's file name; tag is "" for n divisible by 7,
	// else "t<n mod 300>" in block 2 (300 distinct values, 299 of them non-empty, plus "": more
	// than 255) and "甲"/"乙" alternating in blocks 1 and 3.
	type row struct {
		file, tag string
	}
	want := map[uint32]row{}
	record := func(block, from, to int) arrow.RecordBatch {
		b := array.NewRecordBuilder(memory.DefaultAllocator, schema)
		defer b.Release()
		for n := from; n < to; n++ {
			file := fmt.Sprintf("towns/镇%d/readings.csv", block)
			tag := ""
			switch {
			case n%7 == 0:
			case block == 2:
				tag = fmt.Sprintf("t%d", n%300)
			case n%2 == 0:
				tag = "甲"
			default:
				tag = "乙"
			}
			want[uint32(n)] = row{file, tag}
			b.Field(0).(*array.Uint32Builder).Append(uint32(n))
			b.Field(1).(*array.StringBuilder).Append(file)
			b.Field(2).(*array.StringBuilder).Append(tag)
			b.Field(3).(*array.StringBuilder).Append(tag)
		}
		return b.NewRecordBatch()
	}
	s, err := chload.Open(ctx, db, "lc", schema, false)
	if err != nil {
		t.Fatal(err)
	}
	// Block 1 is one record; block 2 two records (one dictionary across both); block 3 one.
	blocks := [][]arrow.RecordBatch{
		{record(1, 0, 100)},
		{record(2, 100, 700), record(2, 700, 1000)},
		{record(3, 1000, 1010)},
	}
	for _, recs := range blocks {
		if _, err := s.Write(recs); err != nil {
			s.Abort()
			t.Fatal(err)
		}
		for _, r := range recs {
			r.Release()
		}
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	// Hand-counted: 1010 rows; 100 + 900 + 10 per file; tag "" on n = 0, 7, …, 1001: 145 rows;
	// block 2 holds t0…t299 (300 values, one of them "" for n%7 == 0 only where it falls).
	var rows, empty, distinct uint64
	if err := db.QueryRow(ctx, "SELECT count(), countIf(tag = ''), uniqExact(tag) FROM lc").Scan(&rows, &empty, &distinct); err != nil {
		t.Fatal(err)
	}
	// uniqExact: "", 甲, 乙 and t1…t299 with t0 (n = 300, 600, 900: 300 and 600 are not
	// multiples of 7, so t0 is there) = 3 + 300 = 303.
	if rows != 1010 || empty != 145 || distinct != 303 {
		t.Errorf("rows %d, empty tags %d, distinct tags %d; want 1010, 145, 303", rows, empty, distinct)
	}
	q, err := db.Query(ctx, "SELECT n, file, tag, plain FROM lc")
	if err != nil {
		t.Fatal(err)
	}
	defer q.Close()
	got := 0
	for q.Next() {
		var n uint32
		var file, tag, plain string
		if err := q.Scan(&n, &file, &tag, &plain); err != nil {
			t.Fatal(err)
		}
		got++
		if w := want[n]; file != w.file || tag != w.tag || plain != w.tag {
			t.Errorf("row %d: file %q tag %q plain %q; want %q, %q", n, file, tag, plain, w.file, w.tag)
		}
	}
	if got != 1010 {
		t.Errorf("read back %d rows, want 1010", got)
	}
}
