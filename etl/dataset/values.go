package dataset

import (
	"fmt"
	"strings"
	"time"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/memory"

	"safetydw/etl/normalize"
	"safetydw/etl/source"
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

// parseInto parses s as kind k straight into c; writing in place keeps the hot path free of
// copies of the cell. c may hold the previous row's value of the same column: every case
// overwrites the fields its kind uses.
func parseInto(c *cell, k Kind, s string) error {
	var err error
	c.null = false
	switch k {
	case String:
		c.s = s
	case Date, NullableDate:
		var t time.Time
		t, err = normalize.Date(s)
		c.i = int64(arrow.Date32FromTime(t))
	case DateTime, NullableDateTime:
		c.i, err = normalize.UnixSeconds(s)
	case UInt8:
		var n uint8
		n, err = normalize.Flag(s)
		c.u = uint64(n)
	case Code8, UInt16, UInt32, UInt64:
		n, ok := plainCount(s)
		if !ok {
			n, err = normalize.Count(s)
		}
		if err == nil && ((k == Code8 && n > 255) || (k == UInt16 && n > 65535)) {
			err = fmt.Errorf("数值过大 %q (too large)", s)
		}
		c.u = uint64(n)
	case Float32, Float64:
		var ok bool
		if c.f, ok = plainDecimal(s); !ok {
			c.f, err = normalize.Number(s)
		}
	case StringList:
		var items []string
		items, err = normalize.List(s)
		c.s = strings.Join(items, listSep)
	default:
		err = fmt.Errorf("kind %d has no parser", k)
	}
	return err
}

// plainCount reads the common count cell, one to nine ASCII digits, without the trimming,
// separator and sign handling of normalize.Count, which gives the same value for it (nine
// digits stay below 2^32); anything else returns false and goes to normalize.Count.
func plainCount(s string) (uint32, bool) {
	if len(s) == 0 || len(s) > 9 {
		return 0, false
	}
	var n uint32
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c < '0' || c > '9' {
			return 0, false
		}
		n = n*10 + uint32(c-'0')
	}
	return n, true
}

// pow10 holds the powers of ten a float64 represents exactly.
var pow10 = [...]float64{1, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15}

// plainDecimal reads the common number cell, an optional minus and at most 15 digits with at
// most one decimal point ("-12.34"), as strconv.ParseFloat does on its exact path: the digits
// as an integer below 2^53, divided by an exact power of ten, one rounding, so the value is
// bit for bit what normalize.Number returns. A sensor file has a value on every row, and the
// general path (separators, then ParseFloat's scanning) was 5 % of a load's CPU. Anything else
// (separators, exponents, spaces, more digits) returns false and goes to normalize.Number.
func plainDecimal(s string) (float64, bool) {
	i, neg := 0, false
	if len(s) > 0 && s[0] == '-' {
		i, neg = 1, true
	}
	var m uint64
	digits, frac, dot := 0, 0, false
	for ; i < len(s); i++ {
		c := s[i]
		switch {
		case c >= '0' && c <= '9':
			m = m*10 + uint64(c-'0')
			digits++
			if dot {
				frac++
			}
		case c == '.' && !dot:
			dot = true
		default:
			return 0, false
		}
	}
	if digits == 0 || digits > 15 {
		return 0, false
	}
	f := float64(m) / pow10[frac]
	if neg {
		f = -f
	}
	return f, true
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
	case UInt8, Code8:
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
	case UInt8, Code8:
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
	rb     *array.RecordBuilder
	append []func(cell) // one per column, bound to its typed Arrow builder
	rows   int
}

// newBuilder reserves room for rows rows (at most a batch) up front, so buffers do not grow
// by doubling while the rows go in.
func newBuilder(d *Dataset, rows int) *builder {
	rb := array.NewRecordBuilder(memory.DefaultAllocator, d.Schema())
	rb.Reserve(min(rows, BatchRows))
	b := &builder{rb: rb, append: make([]func(cell), len(d.Columns))}
	for i := range d.Columns {
		b.append[i] = appender(rb.Field(i))
	}
	return b
}

// appender binds a column's cells to its Arrow builder once, instead of asking the record
// builder and switching on its type for every cell.
func appender(fb array.Builder) func(cell) {
	switch fb := fb.(type) {
	case *array.StringBuilder:
		return func(c cell) { fb.Append(c.s) }
	case *array.Date32Builder:
		return func(c cell) {
			if c.null {
				fb.AppendNull()
			} else {
				fb.Append(arrow.Date32(c.i))
			}
		}
	case *array.TimestampBuilder:
		return func(c cell) {
			if c.null {
				fb.AppendNull()
			} else {
				fb.Append(arrow.Timestamp(c.i))
			}
		}
	case *array.Uint8Builder:
		return func(c cell) { fb.Append(uint8(c.u)) }
	case *array.Uint16Builder:
		return func(c cell) { fb.Append(uint16(c.u)) }
	case *array.Uint32Builder:
		return func(c cell) { fb.Append(uint32(c.u)) }
	case *array.Uint64Builder:
		return func(c cell) { fb.Append(c.u) }
	case *array.Float32Builder:
		return func(c cell) { fb.Append(float32(c.f)) }
	case *array.Float64Builder:
		return func(c cell) { fb.Append(c.f) }
	case *array.ListBuilder:
		vb := fb.ValueBuilder().(*array.StringBuilder)
		return func(c cell) {
			fb.Append(true)
			for _, it := range splitList(c.s) {
				vb.Append(it)
			}
		}
	}
	panic(fmt.Sprintf("no appender for %T", fb))
}

// reserveText reserves the string columns' bytes for a batch of the rows, so their buffers do
// not grow by doubling (a copy each time) while the rows go in: the file name's exact length
// for source_file, and for a column read from the source its cells' average length over the
// first rows, with an eighth to spare.
func (b *builder) reserveText(d *Dataset, rows []source.Row, colFor []int, meta Meta) {
	n := min(len(rows), BatchRows)
	sample := rows[:min(len(rows), 64)]
	for j, c := range d.Columns {
		sb, ok := b.rb.Field(j).(*array.StringBuilder)
		if !ok {
			continue
		}
		if c.Name == "source_file" && len(c.Headers) == 0 {
			sb.ReserveData(n * len(meta.File))
			continue
		}
		total := 0
		for _, r := range sample {
			for i, v := range r.Values {
				if i < len(colFor) && colFor[i] == j {
					total += len(v)
				}
			}
		}
		if len(sample) > 0 {
			sb.ReserveData(total * n / len(sample) * 9 / 8)
		}
	}
}

func (b *builder) add(cells []cell) {
	for i, c := range cells {
		b.append[i](c)
	}
	b.rows++
}

func (b *builder) flush() arrow.RecordBatch {
	b.rows = 0
	return b.rb.NewRecordBatch()
}

func (b *builder) release() { b.rb.Release() }
