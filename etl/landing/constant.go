package landing

import (
	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/memory"
	"github.com/apache/arrow-go/v18/parquet"
)

// A batch's source_file holds the file's name on every row and its _version the run's version:
// written plain, those two were about half of a sensor archive's bytes before compression and
// of the Parquet writer's allocations, which the collector then paid for across the whole load.
// A String or UInt64 column whose every value in the batch is one and the same is written as a
// dictionary of that one value instead: Parquet stores the value once and a run of zero indices
// (RLE), and a reader (Replay, DuckDB, pyarrow) gets the same values back.

// foldConstants returns the schema fields and records to write, with constant columns turned
// into one-entry dictionary arrays, and the names of the columns so turned. The records
// returned are new references; the caller releases them.
func foldConstants(recs []arrow.RecordBatch) ([]arrow.Field, []arrow.RecordBatch, []string) {
	fields := append([]arrow.Field(nil), recs[0].Schema().Fields()...)
	var folded []int
	for i, f := range fields {
		if !f.Nullable && constant(recs, i) {
			folded = append(folded, i)
		}
	}
	out := make([]arrow.RecordBatch, len(recs))
	if len(folded) == 0 {
		for j, rec := range recs {
			rec.Retain()
			out[j] = rec
		}
		return fields, out, nil
	}
	names := make([]string, len(folded))
	for k, i := range folded {
		fields[i].Type = &arrow.DictionaryType{IndexType: arrow.PrimitiveTypes.Int32, ValueType: fields[i].Type}
		names[k] = fields[i].Name
	}
	schema := arrow.NewSchema(fields, nil)
	for j, rec := range recs {
		cols := append([]arrow.Array(nil), rec.Columns()...)
		for _, i := range folded {
			cols[i] = oneValueDictionary(fields[i].Type.(*arrow.DictionaryType), cols[i])
		}
		out[j] = array.NewRecordBatch(schema, cols, rec.NumRows())
		for _, i := range folded {
			cols[i].Release()
		}
	}
	return fields, out, names
}

// constant reports whether column i holds one value, the same in every record, with no NULL,
// in a row at least: a string or a UInt64.
func constant(recs []arrow.RecordBatch, i int) bool {
	switch recs[0].Column(i).(type) {
	case *array.String:
		return allEqual(recs, i, func(a arrow.Array, r int) string { return a.(*array.String).Value(r) })
	case *array.Uint64:
		return allEqual(recs, i, func(a arrow.Array, r int) uint64 { return a.(*array.Uint64).Value(r) })
	}
	return false
}

func allEqual[T comparable](recs []arrow.RecordBatch, i int, value func(arrow.Array, int) T) bool {
	var first T
	rows := 0
	for _, rec := range recs {
		a := rec.Column(i)
		if a.NullN() > 0 {
			return false
		}
		for r := 0; r < a.Len(); r++ {
			if v := value(a, r); rows == 0 {
				first = v
			} else if v != first {
				return false
			}
			rows++
		}
	}
	return rows > 0
}

// oneValueDictionary is col (constant) as a dictionary of its first value, every index 0.
func oneValueDictionary(typ *arrow.DictionaryType, col arrow.Array) arrow.Array {
	// A new one-value array, not a slice of col: arrow-go's Parquet dictionary encoder reads a
	// sliced string dictionary's offsets without its offset (v18.8.0, a panic).
	var dict arrow.Array
	switch c := col.(type) {
	case *array.String:
		b := array.NewStringBuilder(memory.DefaultAllocator)
		b.Append(c.Value(0))
		dict = b.NewArray()
		b.Release()
	case *array.Uint64:
		b := array.NewUint64Builder(memory.DefaultAllocator)
		b.Append(c.Value(0))
		dict = b.NewArray()
		b.Release()
	}
	defer dict.Release()
	zeros := make([]int32, col.Len())
	idx := array.NewData(arrow.PrimitiveTypes.Int32, col.Len(),
		[]*memory.Buffer{nil, memory.NewBufferBytes(arrow.Int32Traits.CastToBytes(zeros))}, nil, 0, 0)
	defer idx.Release()
	data := array.NewData(typ, col.Len(), idx.Buffers(), nil, 0, 0)
	data.SetDictionary(dict.Data())
	defer data.Release()
	return array.MakeFromData(data)
}

// dictionaryProps turns Parquet's dictionary encoding on for the folded columns, which it then
// writes from their Arrow dictionaries as they are.
func dictionaryProps(names []string) []parquet.WriterProperty {
	props := append([]parquet.WriterProperty(nil), writerProps...)
	for _, n := range names {
		props = append(props, parquet.WithDictionaryFor(n, true))
	}
	return props
}
