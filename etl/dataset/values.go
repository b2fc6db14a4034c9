package dataset

import (
	"fmt"
	"strings"
	"time"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/memory"

	"safetydw/etl/normalize"
)

// cell holds one parsed value without boxing it in an interface, so a row costs no
// allocations beyond its strings; which field is used depends on the column's kind. A
// StringList keeps its items in s joined by listSep, so list columns add nothing to the
// cell of the hot sensor path.
type cell struct {
	s    string
	u    uint64
	i    int64 // Date: days since 1970-01-01; DateTime: Unix seconds
	f    float64
	null bool
}

func parseCell(k Kind, s string) (cell, error) {
	switch k {
	case String:
		return cell{s: s}, nil
	case Date, NullableDate:
		t, err := normalize.Date(s)
		return cell{i: int64(arrow.Date32FromTime(t))}, err
	case DateTime, NullableDateTime:
		sec, err := normalize.UnixSeconds(s)
		return cell{i: sec}, err
	case UInt8:
		n, err := normalize.Flag(s)
		return cell{u: uint64(n)}, err
	case UInt16:
		n, err := normalize.Count(s)
		if err == nil && n > 65535 {
			err = fmt.Errorf("数值过大 %q (too large)", s)
		}
		return cell{u: uint64(n)}, err
	case UInt32, UInt64:
		n, err := normalize.Count(s)
		return cell{u: uint64(n)}, err
	case Float32, Float64:
		f, err := normalize.Number(s)
		return cell{f: f}, err
	case StringList:
		items, err := normalize.List(s)
		return cell{s: strings.Join(items, listSep)}, err
	}
	return cell{}, fmt.Errorf("kind %d has no parser", k)
}

// listSep joins a StringList's items inside a cell; no source text holds it.
const listSep = "\x1f"

func splitList(s string) []string {
	if s == "" {
		return nil
	}
	return strings.Split(s, listSep)
}

// fromAny stores a value of the kind's Go type, as custom parsers and Finish hand them over.
func fromAny(k Kind, v any) (cell, error) {
	switch x := v.(type) {
	case string:
		if k == String {
			return cell{s: x}, nil
		}
	case []string:
		if k == StringList {
			return cell{s: strings.Join(x, listSep)}, nil
		}
	case time.Time:
		switch k {
		case Date, NullableDate:
			return cell{i: int64(arrow.Date32FromTime(x))}, nil
		case DateTime, NullableDateTime:
			return cell{i: x.Unix()}, nil
		}
	case *time.Time:
		if k == NullableDate {
			if x == nil {
				return cell{null: true}, nil
			}
			return cell{i: int64(arrow.Date32FromTime(*x))}, nil
		}
		if k == NullableDateTime {
			if x == nil {
				return cell{null: true}, nil
			}
			return cell{i: x.Unix()}, nil
		}
	case uint8:
		return cell{u: uint64(x)}, nil
	case uint16:
		return cell{u: uint64(x)}, nil
	case uint32:
		return cell{u: uint64(x)}, nil
	case uint64:
		return cell{u: x}, nil
	case float32:
		return cell{f: float64(x)}, nil
	case float64:
		return cell{f: x}, nil
	}
	return cell{}, fmt.Errorf("value %T does not fit kind %d", v, k)
}

// value returns the cell as the Go type of the kind, for Record.Get.
func (c cell) value(k Kind) any {
	switch k {
	case String:
		return c.s
	case Date:
		return arrow.Date32(c.i).ToTime()
	case NullableDate:
		if c.null {
			return (*time.Time)(nil)
		}
		t := arrow.Date32(c.i).ToTime()
		return &t
	case DateTime:
		return time.Unix(c.i, 0)
	case NullableDateTime:
		if c.null {
			return (*time.Time)(nil)
		}
		t := time.Unix(c.i, 0)
		return &t
	case UInt8:
		return uint8(c.u)
	case UInt16:
		return uint16(c.u)
	case UInt32:
		return uint32(c.u)
	case UInt64:
		return c.u
	case Float32:
		return float32(c.f)
	case StringList:
		return splitList(c.s)
	}
	return c.f
}

// Schema is the Arrow schema of the dataset's record batches.
func (d *Dataset) Schema() *arrow.Schema {
	fields := make([]arrow.Field, len(d.Columns))
	for i, c := range d.Columns {
		fields[i] = arrow.Field{Name: c.Name, Type: arrowType(c.Kind), Nullable: c.Kind == NullableDate || c.Kind == NullableDateTime}
	}
	return arrow.NewSchema(fields, nil)
}

// chinaTime is the zone of every DateTime column; Arrow keeps it in the type.
var chinaTime = &arrow.TimestampType{Unit: arrow.Second, TimeZone: "Asia/Shanghai"}

func arrowType(k Kind) arrow.DataType {
	switch k {
	case Date, NullableDate:
		return arrow.FixedWidthTypes.Date32
	case DateTime, NullableDateTime:
		return chinaTime
	case UInt8:
		return arrow.PrimitiveTypes.Uint8
	case UInt16:
		return arrow.PrimitiveTypes.Uint16
	case UInt32:
		return arrow.PrimitiveTypes.Uint32
	case UInt64:
		return arrow.PrimitiveTypes.Uint64
	case Float32:
		return arrow.PrimitiveTypes.Float32
	case Float64:
		return arrow.PrimitiveTypes.Float64
	case StringList:
		return arrow.ListOf(arrow.BinaryTypes.String)
	}
	return arrow.BinaryTypes.String
}

type builder struct {
	rb   *array.RecordBuilder
	rows int
}

func newBuilder(d *Dataset) *builder {
	rb := array.NewRecordBuilder(memory.DefaultAllocator, d.Schema())
	rb.Reserve(BatchRows)
	return &builder{rb: rb}
}

func (b *builder) append(cells []cell) {
	for i, c := range cells {
		switch fb := b.rb.Field(i).(type) {
		case *array.StringBuilder:
			fb.Append(c.s)
		case *array.Date32Builder:
			if c.null {
				fb.AppendNull()
			} else {
				fb.Append(arrow.Date32(c.i))
			}
		case *array.TimestampBuilder:
			if c.null {
				fb.AppendNull()
			} else {
				fb.Append(arrow.Timestamp(c.i))
			}
		case *array.Uint8Builder:
			fb.Append(uint8(c.u))
		case *array.Uint16Builder:
			fb.Append(uint16(c.u))
		case *array.Uint32Builder:
			fb.Append(uint32(c.u))
		case *array.Uint64Builder:
			fb.Append(c.u)
		case *array.Float32Builder:
			fb.Append(float32(c.f))
		case *array.Float64Builder:
			fb.Append(c.f)
		case *array.ListBuilder:
			fb.Append(true)
			vb := fb.ValueBuilder().(*array.StringBuilder)
			for _, it := range splitList(c.s) {
				vb.Append(it)
			}
		}
	}
	b.rows++
}

func (b *builder) flush() arrow.RecordBatch {
	b.rows = 0
	rec := b.rb.NewRecordBatch()
	b.rb.Reserve(BatchRows)
	return rec
}

func (b *builder) release() { b.rb.Release() }
