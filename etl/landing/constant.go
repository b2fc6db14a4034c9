package landing

import (
	"strings"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/memory"
	"github.com/apache/arrow-go/v18/parquet"

	"safetydw/etl/chload"
)

// A batch's source_file holds the file's name on every row and its _version the run's version:
// written plain, those two were about half of a sensor archive's bytes before compression and
// of the Parquet writer's allocations, which the collector then paid for across the whole load.
// A String or UInt64 column whose every value in the batch is one and the same is written as a
// dictionary of that one value instead: Parquet stores the value once and a run of zero indices
// (RLE), and a reader (Replay, DuckDB, pyarrow) gets the same values back.

// fold is a column written as a one-value dictionary, with its value (a string or a uint64).
type fold struct {
	col   int
	value any
}

// chooseFolds returns the columns of recs that hold one value on every row, no NULL.
func chooseFolds(recs []arrow.RecordBatch) []fold {
	var folds []fold
	for i, f := range recs[0].Schema().Fields() {
		if v, ok := constant(recs, i); ok && !f.Nullable {
			folds = append(folds, fold{i, v})
		}
	}
	return folds
}

// holds reports whether recs hold each fold's value on every row: they can go into the same
// file as the records the folds were chosen from.
func holds(folds []fold, recs []arrow.RecordBatch) bool {
	for _, f := range folds {
		if v, ok := constant(recs, f.col); !ok || v != f.value {
			return false
		}
	}
	return true
}

// foldFields is the schema's fields as written: the folded columns as dictionaries.
func foldFields(fields []arrow.Field, folds []fold) []arrow.Field {
	fields = append([]arrow.Field(nil), fields...)
	for _, f := range folds {
		fields[f.col].Type = &arrow.DictionaryType{IndexType: arrow.PrimitiveTypes.Int32, ValueType: fields[f.col].Type}
	}
	return fields
}

// foldColumns puts the folded columns of a record's cols as written (schema's types), and
// returns the arrays it made, for the caller to release. zeros holds a zero index per row; the
// dictionary arrays share it, for nothing ever writes to it.
func foldColumns(schema *arrow.Schema, folds []fold, cols []arrow.Array, zeros []int32) []arrow.Array {
	var made []arrow.Array
	for _, f := range folds {
		cols[f.col] = oneValueDictionary(schema.Field(f.col).Type.(*arrow.DictionaryType), f.value, zeros)
		made = append(made, cols[f.col])
	}
	return made
}

// constant returns column i's one value when it holds the same on every row of recs, with no
// NULL, in a row at least: a string or a UInt64.
func constant(recs []arrow.RecordBatch, i int) (any, bool) {
	var first any
	for _, rec := range recs {
		a := rec.Column(i)
		if a.NullN() > 0 {
			return nil, false
		}
		if a.Len() == 0 {
			continue
		}
		switch a := a.(type) {
		case *array.String:
			if first == nil {
				// A string read from an Arrow array points into its buffer: the fold outlives the record.
				first = strings.Clone(a.Value(0))
			}
			if v, ok := first.(string); !ok || !chload.AllEqual(a, v) {
				return nil, false
			}
		case *array.Uint64:
			values := a.Uint64Values()
			if first == nil {
				first = values[0]
			}
			want, ok := first.(uint64)
			for _, v := range values {
				if !ok || v != want {
					return nil, false
				}
			}
		default:
			return nil, false
		}
	}
	return first, first != nil
}

// oneValueDictionary is len(zeros) rows of value as a dictionary of that one value. The
// dictionary is a new one-value array, not a slice of the column: arrow-go's Parquet dictionary
// encoder reads a sliced string dictionary's offsets without its offset (v18.8.0, a panic).
func oneValueDictionary(typ *arrow.DictionaryType, value any, zeros []int32) arrow.Array {
	var dict arrow.Array
	switch v := value.(type) {
	case string:
		b := array.NewStringBuilder(memory.DefaultAllocator)
		b.Append(v)
		dict = b.NewArray()
		b.Release()
	case uint64:
		b := array.NewUint64Builder(memory.DefaultAllocator)
		b.Append(v)
		dict = b.NewArray()
		b.Release()
	}
	defer dict.Release()
	n := len(zeros)
	data := array.NewData(typ, n, []*memory.Buffer{nil, memory.NewBufferBytes(arrow.Int32Traits.CastToBytes(zeros))}, nil, 0, 0)
	data.SetDictionary(dict.Data())
	defer data.Release()
	return array.MakeFromData(data)
}

// dictionaryProps turns Parquet's dictionary encoding on for the folded columns, which it then
// writes from their Arrow dictionaries as they are.
func dictionaryProps(fields []arrow.Field, folds []fold) []parquet.WriterProperty {
	props := append([]parquet.WriterProperty(nil), writerProps...)
	for _, f := range folds {
		props = append(props, parquet.WithDictionaryFor(fields[f.col].Name, true))
	}
	return props
}
