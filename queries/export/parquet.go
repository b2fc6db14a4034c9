package export

import (
	"fmt"
	"io"
	"time"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/decimal128"
	"github.com/apache/arrow-go/v18/arrow/memory"
	"github.com/apache/arrow-go/v18/parquet"
	"github.com/apache/arrow-go/v18/parquet/compress"
	"github.com/apache/arrow-go/v18/parquet/pqarrow"
	"github.com/shopspring/decimal"
)

// parquetBatch is the number of rows per Arrow record batch (and so per row group at most).
const parquetBatch = 64 * 1024

// ArrowSchema is the Arrow schema a result is written with. Every field is nullable, because a
// LEFT JOIN can bring NULL-like defaults into any column and readers handle it alike.
//
// DateTime is stored as timestamp[ms] with its zone: Parquet has no second unit (a timestamp[s]
// comes back as ms and UTC, stack-notes C). With the Arrow schema stored in the file, pqarrow
// reads timestamp[ms, tz=Asia/Shanghai] back as written; other readers get the UTC instant.
func ArrowSchema(r *Result) *arrow.Schema {
	fields := make([]arrow.Field, len(r.Columns))
	for i, c := range r.Columns {
		fields[i] = arrow.Field{Name: c.Name, Type: arrowType(c, r.Rows, i), Nullable: true,
			Metadata: arrow.NewMetadata([]string{"clickhouse_type"}, []string{c.Type})}
	}
	return arrow.NewSchema(fields, nil)
}

func arrowType(c Column, rows [][]any, i int) arrow.DataType {
	switch c.Kind {
	case KindInt:
		return arrow.PrimitiveTypes.Int64
	case KindUint:
		return arrow.PrimitiveTypes.Uint64
	case KindFloat:
		return arrow.PrimitiveTypes.Float64
	case KindBool:
		return arrow.FixedWidthTypes.Boolean
	case KindDate:
		return arrow.FixedWidthTypes.Date32
	case KindDecimal:
		if c.Precision <= 38 {
			return &arrow.Decimal128Type{Precision: int32(c.Precision), Scale: int32(c.Scale)}
		}
	case KindDateTime:
		unit := arrow.Millisecond
		if c.Scale > 3 {
			unit = arrow.Microsecond
		}
		if c.Scale > 6 {
			unit = arrow.Nanosecond
		}
		tz := c.TZ
		if tz == "" {
			// A DateTime without a zone is in the server's zone; clickhouse-go hands the
			// values over in it, so take it from the first value.
			tz = "UTC"
			for _, row := range rows {
				if t, ok := row[i].(time.Time); ok {
					if name := t.Location().String(); name != "Local" {
						tz = name
					}
					break
				}
			}
		}
		return &arrow.TimestampType{Unit: unit, TimeZone: tz}
	}
	return arrow.BinaryTypes.String // Decimal256, arrays, UUID…: their text
}

// WriteParquet writes the result as a zstd-compressed Parquet file through Arrow.
func WriteParquet(w io.Writer, r *Result) error {
	schema := ArrowSchema(r)
	props := parquet.NewWriterProperties(parquet.WithCompression(compress.Codecs.Zstd))
	// The Parquet writer closes a sink that is an io.Closer; the caller owns w, so hide Close.
	fw, err := pqarrow.NewFileWriter(schema, struct{ io.Writer }{w}, props, pqarrow.NewArrowWriterProperties(pqarrow.WithStoreSchema()))
	if err != nil {
		return err
	}
	b := array.NewRecordBuilder(memory.DefaultAllocator, schema)
	defer b.Release()
	flush := func() error {
		rec := b.NewRecordBatch()
		defer rec.Release()
		if rec.NumRows() == 0 {
			return nil
		}
		return fw.Write(rec)
	}
	for n, row := range r.Rows {
		for i, v := range row {
			if err := appendValue(b.Field(i), r.Columns[i], v); err != nil {
				fw.Close()
				return fmt.Errorf("column %s, row %d: %w", r.Columns[i].Name, n+1, err)
			}
		}
		if (n+1)%parquetBatch == 0 {
			if err := flush(); err != nil {
				fw.Close()
				return err
			}
		}
	}
	if err := flush(); err != nil {
		fw.Close()
		return err
	}
	return fw.Close()
}

func appendValue(fb array.Builder, c Column, v any) error {
	if v == nil {
		fb.AppendNull()
		return nil
	}
	ok := true
	switch b := fb.(type) {
	case *array.Int64Builder:
		var x int64
		x, ok = v.(int64)
		b.Append(x)
	case *array.Uint64Builder:
		var x uint64
		x, ok = v.(uint64)
		b.Append(x)
	case *array.Float64Builder:
		var x float64
		x, ok = v.(float64)
		b.Append(x)
	case *array.BooleanBuilder:
		var x bool
		x, ok = v.(bool)
		b.Append(x)
	case *array.Date32Builder:
		var t time.Time
		t, ok = v.(time.Time)
		b.Append(arrow.Date32FromTime(time.Date(t.Year(), t.Month(), t.Day(), 0, 0, 0, 0, time.UTC)))
	case *array.TimestampBuilder:
		var t time.Time
		t, ok = v.(time.Time)
		ts, err := arrow.TimestampFromTime(t, b.Type().(*arrow.TimestampType).Unit)
		if err != nil {
			return err
		}
		b.Append(ts)
	case *array.Decimal128Builder:
		var d decimal.Decimal
		d, ok = v.(decimal.Decimal)
		// The coefficient at the column's scale is the integer Arrow stores.
		b.Append(decimal128.FromBigInt(d.Shift(int32(c.Scale)).BigInt()))
	case *array.StringBuilder:
		b.Append(Text(c, v))
	default:
		return fmt.Errorf("no Parquet mapping for %T", fb)
	}
	if !ok {
		return fmt.Errorf("unexpected %T for ClickHouse type %s", v, c.Type)
	}
	return nil
}
