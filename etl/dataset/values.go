package dataset

import (
	"fmt"
	"reflect"
	"strings"
	"time"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/bitutil"
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
func parseInto(c *cell, k Kind, s string, dc *dayCache) error {
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
		c.i, err = dc.unixSeconds(s)
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

// dayCache remembers the day of the last "YYYY-MM-DD hh:mm:ss" timestamp read: a sensor file
// holds hundreds of readings per day in a row, so most timestamps need only their time of day
// read, not the calendar arithmetic of normalize.UnixSeconds (which gives the same result).
type dayCache struct {
	day  string // the date text, as in the cell
	secs int64  // Unix seconds at 00:00 of that day, China time
}

// unixSeconds is normalize.UnixSeconds, with the day taken from the cache when it matches.
// A nil cache reads every value in full.
func (dc *dayCache) unixSeconds(s string) (int64, error) {
	tod, ok := timeOfDay(s)
	if dc != nil && ok && dc.day != "" && s[:10] == dc.day {
		return dc.secs + tod, nil
	}
	v, err := normalize.UnixSeconds(s)
	if err == nil && dc != nil && ok && isDigits(s[0:4]) && isDigits(s[5:7]) && isDigits(s[8:10]) {
		// Every digit in place and a valid time of day: UnixSeconds took its own fast path,
		// the day's midnight plus the time of day.
		dc.day, dc.secs = s[:10], v-tod
	}
	return v, err
}

// timeOfDay reads the "hh:mm:ss" of a "YYYY-MM-DD hh:mm:ss" (or "…Thh:mm:ss") timestamp as
// seconds; false when s has another layout or the time is not a valid one.
func timeOfDay(s string) (int64, bool) {
	if len(s) != 19 || s[4] != '-' || s[7] != '-' || (s[10] != ' ' && s[10] != 'T') || s[13] != ':' || s[16] != ':' {
		return 0, false
	}
	if !isDigits(s[11:13]) || !isDigits(s[14:16]) || !isDigits(s[17:19]) {
		return 0, false
	}
	h := int64(s[11]-'0')*10 + int64(s[12]-'0')
	m := int64(s[14]-'0')*10 + int64(s[15]-'0')
	sec := int64(s[17]-'0')*10 + int64(s[18]-'0')
	if h >= 24 || m >= 60 || sec >= 60 {
		return 0, false
	}
	return h*3600 + m*60 + sec, true
}

func isDigits(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
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
	// The type's name only: a value formatted here would make every caller's v escape, and
	// Record.Set box each string a Finish sets (an allocation per column per row).
	return cell{}, fmt.Errorf("value %s does not fit kind %d", reflect.TypeOf(v), k)
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
	schema *arrow.Schema
	cols   []column // one per column of the dataset
	rows   int
	batch  int  // rows a batch gets room for
	spent  bool // a batch was made: the next row needs new room
}

// column gathers one column's values of the batch being built. Lists go to their Arrow
// builders cell by cell. Fixed-width values go to a plain Go slice (an append the compiler
// inlines) that becomes the Arrow array's buffer as it is, with no validity bitmap unless the
// column holds a NULL: the Arrow builders' appends (a capacity check and a bit set per cell)
// were a third of the transform's CPU on sensor readings. Strings likewise: their bytes and
// end offsets go to two slices that become the array's data and offsets buffers (the Arrow
// string builder's appends were a fifth of the CSV fast path's CPU).
type column struct {
	kind Kind
	text []byte  // String: the values' bytes
	offs []int32 // String: where each value ends in text, after a leading 0
	// textCap is the bytes reserved for a batch's text (reserveText), for every batch
	textCap int
	list    *array.ListBuilder
	item    *array.StringBuilder // the list's items
	u8      []uint8
	u16     []uint16
	u32     []uint32
	u64     []uint64
	f32     []float32
	f64     []float64
	ts      []arrow.Timestamp
	day     []arrow.Date32
	// valid marks the non-NULL cells of a nullable column; nulls counts the others.
	valid []bool
	nulls int
}

// newBuilder reserves room for rows rows (at most a batch) up front, so buffers do not grow
// by doubling while the rows go in.
func newBuilder(d *Dataset, rows int) *builder {
	schema := d.Schema()
	b := &builder{schema: schema, cols: make([]column, len(d.Columns)), batch: min(rows, BatchRows)}
	for i, c := range d.Columns {
		col := &b.cols[i]
		col.kind = c.Kind
		switch c.Kind {
		case StringList:
			col.list = array.NewListBuilder(memory.DefaultAllocator, arrow.BinaryTypes.String)
			col.item = col.list.ValueBuilder().(*array.StringBuilder)
		}
		col.reserve(b.batch)
	}
	return b
}

// reserve makes room for n more rows.
func (col *column) reserve(n int) {
	switch col.kind {
	case String:
		col.text = make([]byte, 0, col.textCap)
		col.offs = append(make([]int32, 0, n+1), 0)
	case StringList:
		col.list.Reserve(n)
	case UInt8, Code8:
		col.u8 = make([]uint8, 0, n)
	case UInt16:
		col.u16 = make([]uint16, 0, n)
	case UInt32:
		col.u32 = make([]uint32, 0, n)
	case UInt64:
		col.u64 = make([]uint64, 0, n)
	case Float32:
		col.f32 = make([]float32, 0, n)
	case Float64:
		col.f64 = make([]float64, 0, n)
	case DateTime, NullableDateTime:
		col.ts = make([]arrow.Timestamp, 0, n)
	case Date, NullableDate:
		col.day = make([]arrow.Date32, 0, n)
	}
	if col.kind == NullableDate || col.kind == NullableDateTime {
		col.valid, col.nulls = make([]bool, 0, n), 0
	}
}

func (b *builder) add(cells []cell) { b.addLine(cells, nil, "") }

// addLine appends a row: its cells, but for the String columns lr reads from line (lr nil:
// none; see lineReader.add).
func (b *builder) addLine(cells []cell, lr *lineReader, line string) {
	if b.spent {
		for i := range b.cols {
			b.cols[i].reserve(b.batch)
		}
		b.spent = false
	}
	for i := range cells {
		c, col := &cells[i], &b.cols[i]
		switch col.kind {
		case String:
			if lr != nil && lr.text[i] >= 0 {
				col.text = append(col.text, lr.value(line, lr.text[i])...)
			} else {
				col.text = append(col.text, c.s...)
			}
			col.offs = append(col.offs, int32(len(col.text)))
		case StringList:
			col.list.Append(true)
			for _, it := range splitList(c.s) {
				col.item.Append(it)
			}
		case UInt8, Code8:
			col.u8 = append(col.u8, uint8(c.u))
		case UInt16:
			col.u16 = append(col.u16, uint16(c.u))
		case UInt32:
			col.u32 = append(col.u32, uint32(c.u))
		case UInt64:
			col.u64 = append(col.u64, c.u)
		case Float32:
			col.f32 = append(col.f32, float32(c.f))
		case Float64:
			col.f64 = append(col.f64, c.f)
		case DateTime:
			col.ts = append(col.ts, arrow.Timestamp(c.i))
		case Date:
			col.day = append(col.day, arrow.Date32(c.i))
		case NullableDateTime, NullableDate:
			// A NULL keeps a zero in the values, as the Arrow builder's AppendNull leaves it.
			v := c.i
			if c.null {
				v = 0
				col.nulls++
			}
			if col.kind == NullableDateTime {
				col.ts = append(col.ts, arrow.Timestamp(v))
			} else {
				col.day = append(col.day, arrow.Date32(v))
			}
			col.valid = append(col.valid, !c.null)
		default:
			panic(fmt.Sprintf("no appender for kind %d", col.kind))
		}
	}
	b.rows++
}

// array turns the column's values since the last batch into an Arrow array of typ.
func (col *column) array(typ arrow.DataType) arrow.Array {
	switch col.kind {
	case String:
		data := array.NewData(typ, len(col.offs)-1, []*memory.Buffer{nil,
			memory.NewBufferBytes(arrow.Int32Traits.CastToBytes(col.offs)), memory.NewBufferBytes(col.text)}, nil, 0, 0)
		defer data.Release()
		return array.MakeFromData(data)
	case StringList:
		return col.list.NewArray()
	}
	var vals []byte
	n := 0
	switch col.kind {
	case UInt8, Code8:
		vals, n = arrow.Uint8Traits.CastToBytes(col.u8), len(col.u8)
	case UInt16:
		vals, n = arrow.Uint16Traits.CastToBytes(col.u16), len(col.u16)
	case UInt32:
		vals, n = arrow.Uint32Traits.CastToBytes(col.u32), len(col.u32)
	case UInt64:
		vals, n = arrow.Uint64Traits.CastToBytes(col.u64), len(col.u64)
	case Float32:
		vals, n = arrow.Float32Traits.CastToBytes(col.f32), len(col.f32)
	case Float64:
		vals, n = arrow.Float64Traits.CastToBytes(col.f64), len(col.f64)
	case DateTime, NullableDateTime:
		vals, n = arrow.TimestampTraits.CastToBytes(col.ts), len(col.ts)
	case Date, NullableDate:
		vals, n = arrow.Date32Traits.CastToBytes(col.day), len(col.day)
	}
	var bitmap *memory.Buffer // none: every value is valid
	if col.nulls > 0 {
		bits := make([]byte, bitutil.BytesForBits(int64(n)))
		for i, ok := range col.valid {
			if ok {
				bitutil.SetBit(bits, i)
			}
		}
		bitmap = memory.NewBufferBytes(bits)
	}
	data := array.NewData(typ, n, []*memory.Buffer{bitmap, memory.NewBufferBytes(vals)}, nil, col.nulls, 0)
	defer data.Release()
	return array.MakeFromData(data)
}

// reserveText reserves the string columns' bytes for a batch of the rows, so their buffers do
// not grow by doubling (a copy each time) while the rows go in: the file name's exact length
// for source_file, and for a column read from the source its cells' average length over the
// sample of the first rows (textSample), with an eighth to spare.
func (b *builder) reserveText(d *Dataset, sample []source.Row, rows int, colFor []int, meta Meta) {
	n := min(rows, BatchRows)
	for j, c := range d.Columns {
		col := &b.cols[j]
		if c.Kind != String {
			continue
		}
		if c.Name == "source_file" && len(c.Headers) == 0 {
			col.textCap = n * len(meta.File)
			col.text = make([]byte, 0, col.textCap)
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
			col.textCap = total * n / len(sample) * 9 / 8
			col.text = make([]byte, 0, col.textCap)
		}
	}
}

// flush makes a record batch of the rows added since the last one. The fixed-width slices
// become the batch's buffers, so a next batch gets new ones (on its first row).
func (b *builder) flush() arrow.RecordBatch {
	arrs := make([]arrow.Array, len(b.cols))
	for i := range b.cols {
		arrs[i] = b.cols[i].array(b.schema.Field(i).Type)
	}
	rec := array.NewRecordBatch(b.schema, arrs, int64(b.rows))
	for _, a := range arrs {
		a.Release()
	}
	b.rows, b.spent = 0, true
	return rec
}

func (b *builder) release() {
	for _, col := range b.cols {
		if col.list != nil {
			col.list.Release()
		}
	}
}
