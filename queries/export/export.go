// Package export turns a query result into the files analysts open: an aligned text table for
// the terminal, CSV (optionally with the UTF-8 BOM Excel needs to read Chinese), JSON, XLSX and
// Parquet. Results are read generically, whatever the query, from the column types ClickHouse
// reports, so `safetydw sql` works for any SELECT.
package export

import (
	"encoding/json"
	"fmt"
	"io"
	"math"
	"reflect"
	"regexp"
	"strconv"
	"strings"
	"time"

	"github.com/ClickHouse/clickhouse-go/v2/lib/driver"
	"github.com/shopspring/decimal"
)

// Kind is how a column is written: it decides number or text in XLSX and the Arrow type in Parquet.
type Kind int

const (
	KindString Kind = iota // String, FixedString, Enum, UUID and anything without a better mapping
	KindInt                // Int8…Int64
	KindUint               // UInt8…UInt64
	KindFloat              // Float32, Float64
	KindBool
	KindDecimal
	KindDate     // Date, Date32
	KindDateTime // DateTime, DateTime64
)

// Column is one result column as the server described it.
type Column struct {
	Name     string
	Type     string // the ClickHouse type, e.g. LowCardinality(Nullable(String))
	Kind     Kind
	Nullable bool
	// Precision and Scale of a Decimal; Scale is also the sub-second digits of DateTime64.
	Precision, Scale int
	TZ               string // the time zone named in DateTime('…'), if any
}

// Result is a whole query result in memory. The analyst profile caps results at 1,000,000 rows
// (max_result_rows), so holding them is fine and lets every writer size its columns.
//
// Values are nil (NULL), string, int64, uint64, float64, bool, decimal.Decimal or time.Time.
type Result struct {
	Columns []Column
	Rows    [][]any
}

// Collect reads every row of rows and closes it. Each column is scanned into the Go type
// clickhouse-go reports for it (ScanType), then normalised to the few value types above.
func Collect(rows driver.Rows) (*Result, error) {
	defer rows.Close()
	cts := rows.ColumnTypes()
	res := &Result{Columns: make([]Column, len(cts))}
	dest := make([]any, len(cts))
	for i, ct := range cts {
		res.Columns[i] = NewColumn(ct.Name(), ct.DatabaseTypeName())
		dest[i] = reflect.New(ct.ScanType()).Interface()
	}
	for rows.Next() {
		if err := rows.Scan(dest...); err != nil {
			return nil, err
		}
		row := make([]any, len(dest))
		for i, d := range dest {
			row[i] = normalize(reflect.ValueOf(d).Elem())
		}
		res.Rows = append(res.Rows, row)
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	return res, nil
}

var (
	decimalPS = regexp.MustCompile(`^Decimal\((\d+),\s*(\d+)\)$`)
	decimalN  = regexp.MustCompile(`^Decimal(32|64|128|256)\((\d+)\)$`)
	dateTime  = regexp.MustCompile(`^DateTime(64)?(?:\((.*)\))?$`)
)

// NewColumn maps a ClickHouse type name to how it is written.
func NewColumn(name, chType string) Column {
	c := Column{Name: name, Type: chType}
	t := chType
	for {
		if inner, ok := unwrap(t, "LowCardinality"); ok {
			t = inner
		} else if inner, ok := unwrap(t, "Nullable"); ok {
			t, c.Nullable = inner, true
		} else {
			break
		}
	}
	switch t {
	case "Int8", "Int16", "Int32", "Int64":
		c.Kind = KindInt
	case "UInt8", "UInt16", "UInt32", "UInt64":
		c.Kind = KindUint
	case "Float32", "Float64":
		c.Kind = KindFloat
	case "Bool":
		c.Kind = KindBool
	case "Date", "Date32":
		c.Kind = KindDate
	}
	if m := decimalPS.FindStringSubmatch(t); m != nil {
		c.Kind = KindDecimal
		c.Precision, _ = strconv.Atoi(m[1])
		c.Scale, _ = strconv.Atoi(m[2])
	} else if m := decimalN.FindStringSubmatch(t); m != nil {
		c.Kind = KindDecimal
		c.Precision = map[string]int{"32": 9, "64": 18, "128": 38, "256": 76}[m[1]]
		c.Scale, _ = strconv.Atoi(m[2])
	} else if m := dateTime.FindStringSubmatch(t); m != nil {
		c.Kind = KindDateTime
		args := strings.Split(m[2], ",")
		if m[1] == "64" {
			c.Scale, _ = strconv.Atoi(strings.TrimSpace(args[0]))
			args = args[1:]
		}
		if len(args) > 0 {
			c.TZ = strings.Trim(strings.TrimSpace(args[0]), "'")
		}
	}
	return c
}

func unwrap(t, wrapper string) (string, bool) {
	if strings.HasPrefix(t, wrapper+"(") && strings.HasSuffix(t, ")") {
		return t[len(wrapper)+1 : len(t)-1], true
	}
	return t, false
}

// normalize turns a scanned value into one of the types Result promises.
func normalize(v reflect.Value) any {
	for v.Kind() == reflect.Pointer || v.Kind() == reflect.Interface {
		if v.IsNil() {
			return nil
		}
		v = v.Elem()
	}
	switch x := v.Interface().(type) {
	case time.Time, decimal.Decimal, string, bool:
		return x
	case fmt.Stringer: // UUID, big.Int (Int128/256 on current releases)
		return x.String()
	}
	switch v.Kind() {
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		return v.Int()
	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		return v.Uint()
	case reflect.Float32, reflect.Float64:
		return v.Float()
	}
	// Arrays, tuples and maps become their JSON text: readable and still one cell.
	if b, err := json.Marshal(v.Interface()); err == nil {
		return string(b)
	}
	return fmt.Sprint(v.Interface())
}

// Text is a value as it appears in text formats; NULL is the empty string.
func Text(c Column, v any) string {
	switch x := v.(type) {
	case nil:
		return ""
	case string:
		return x
	case int64:
		return strconv.FormatInt(x, 10)
	case uint64:
		return strconv.FormatUint(x, 10)
	case float64:
		return formatFloat(x)
	case bool:
		return strconv.FormatBool(x)
	case decimal.Decimal:
		return x.StringFixed(int32(c.Scale))
	case time.Time:
		if c.Kind == KindDate {
			return x.Format(time.DateOnly)
		}
		return x.Format("2006-01-02 15:04:05.999999999")
	}
	return fmt.Sprint(v)
}

// formatFloat writes plain digits for everyday magnitudes and an exponent for the extremes,
// the way spreadsheets and JavaScript do.
func formatFloat(f float64) string {
	if a := math.Abs(f); a != 0 && (a < 1e-6 || a >= 1e21) {
		return strconv.FormatFloat(f, 'g', -1, 64)
	}
	return strconv.FormatFloat(f, 'f', -1, 64)
}

// Format is an output format of `safetydw sql`.
type Format string

const (
	Table   Format = "table"
	CSV     Format = "csv"
	JSON    Format = "json"
	XLSX    Format = "xlsx"
	Parquet Format = "parquet"
)

// Formats lists every format, in the order help texts show them.
var Formats = []Format{Table, CSV, JSON, XLSX, Parquet}

// Binary says whether the format must go to a file rather than a terminal.
func (f Format) Binary() bool { return f == XLSX || f == Parquet }

// ParseFormat checks a --format value.
func ParseFormat(s string) (Format, error) {
	for _, f := range Formats {
		if string(f) == strings.ToLower(s) {
			return f, nil
		}
	}
	return "", fmt.Errorf("unknown format %q (未知输出格式), want one of %v", s, Formats)
}

// Options adjust the writers.
type Options struct {
	BOM bool // CSV only: start with a UTF-8 byte order mark so Excel detects the encoding
}

// Write writes r to w in format f.
func Write(w io.Writer, f Format, r *Result, o Options) error {
	switch f {
	case Table:
		return WriteTable(w, r)
	case CSV:
		return WriteCSV(w, r, o.BOM)
	case JSON:
		return WriteJSON(w, r)
	case XLSX:
		return WriteXLSX(w, r)
	case Parquet:
		return WriteParquet(w, r)
	}
	return fmt.Errorf("unknown format %q", f)
}
