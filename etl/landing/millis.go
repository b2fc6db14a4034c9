package landing

import (
	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/memory"
)

// Parquet has no timestamp in seconds: arrow-go's writer turns each one into milliseconds
// itself, checking every value for overflow by two divisions (0.7 of a 20 M-reading load's
// 17 CPU-s). A DateTime column is therefore handed over in milliseconds already, multiplied
// here; the file is the same (TIMESTAMP_MILLIS, as before), its stored Arrow schema names
// milliseconds, and Replay (chload) reads any unit. ClickHouse's DateTime (seconds since
// 1970 in a UInt32) cannot overflow an int64 of milliseconds.

// millisFields is fields with every timestamp in seconds as one in milliseconds.
func millisFields(fields []arrow.Field) []arrow.Field {
	fields = append([]arrow.Field(nil), fields...)
	for i, f := range fields {
		if t, ok := f.Type.(*arrow.TimestampType); ok && t.Unit == arrow.Second {
			fields[i].Type = &arrow.TimestampType{Unit: arrow.Millisecond, TimeZone: t.TimeZone}
		}
	}
	return fields
}

// millisColumns puts each timestamp column of cols in seconds in milliseconds (schema's
// type), and returns the arrays it made, for the caller to release.
func millisColumns(schema *arrow.Schema, cols []arrow.Array) []arrow.Array {
	var made []arrow.Array
	for i, c := range cols {
		ts, ok := c.(*array.Timestamp)
		if !ok || ts.DataType().(*arrow.TimestampType).Unit != arrow.Second {
			continue
		}
		d := ts.Data() // the validity bitmap is shared, so the values keep its offset
		ms := make([]int64, d.Offset()+ts.Len())
		for r, v := range ts.TimestampValues() {
			ms[d.Offset()+r] = int64(v) * 1000
		}
		data := array.NewData(schema.Field(i).Type, ts.Len(),
			[]*memory.Buffer{d.Buffers()[0], memory.NewBufferBytes(arrow.Int64Traits.CastToBytes(ms))},
			nil, ts.NullN(), d.Offset())
		cols[i] = array.MakeFromData(data)
		data.Release()
		made = append(made, cols[i])
	}
	return made
}
