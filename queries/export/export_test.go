package export_test

import (
	"bytes"
	"context"
	"encoding/csv"
	"encoding/json"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/memory"
	"github.com/apache/arrow-go/v18/parquet"
	"github.com/apache/arrow-go/v18/parquet/pqarrow"
	"github.com/xuri/excelize/v2"

	"safetydw/queries/export"
	"safetydw/warehouse"
	"safetydw/warehouse/warehousetest"
)

// sample is a real result from the server: Chinese text with the characters CSV must quote
// (comma, quotes, newline), a Decimal, a Date, a zoned DateTime, a Nullable and a negative Int.
const sample = `
SELECT
    town_code AS code,
    name AS "名称",
    kind,
    sort_order,
    toDecimal64(sort_order * 1.25, 2) AS amount,
    toDate('2025-03-01') + sort_order AS day,
    toDateTime('2025-03-01 08:30:00', 'Asia/Shanghai') AS at,
    if(sort_order % 2 = 0, NULL, toNullable(sort_order / 4)) AS maybe,
    toInt32(-sort_order) AS neg,
    concat(name, '，含“引号”"双引号", 逗号', '\n换行') AS note
FROM dim_town ORDER BY sort_order`

func sampleResult(t *testing.T) *export.Result {
	t.Helper()
	res := queryResult(t, warehousetest.New(t), sample)
	if len(res.Rows) != 10 {
		t.Fatalf("%d rows, want the 10 towns", len(res.Rows))
	}
	return res
}

// queryResult runs query on the real server and collects its result.
func queryResult(t *testing.T, db *warehouse.DB, query string) *export.Result {
	t.Helper()
	rows, err := db.Query(context.Background(), query)
	if err != nil {
		t.Fatal(err)
	}
	res, err := export.Collect(rows)
	if err != nil {
		t.Fatal(err)
	}
	return res
}

func TestCollectNormalizesTypes(t *testing.T) {
	t.Parallel()
	res := sampleResult(t)
	first := res.Rows[0]
	if first[1] != "鼓楼街道" {
		t.Errorf("名称 = %v", first[1])
	}
	if got := export.Text(res.Columns[4], first[4]); got != "1.25" {
		t.Errorf("amount = %q, want 1.25", got)
	}
	if got := export.Text(res.Columns[5], first[5]); got != "2025-03-02" {
		t.Errorf("day = %q", got)
	}
	if got := export.Text(res.Columns[6], first[6]); got != "2025-03-01 08:30:00" {
		t.Errorf("at = %q (zone %s)", got, first[6].(time.Time).Location())
	}
	if first[7] != 0.25 || res.Rows[1][7] != nil {
		t.Errorf("maybe = %v, %v; want 0.25 and NULL", first[7], res.Rows[1][7])
	}
	if first[8] != int64(-1) {
		t.Errorf("neg = %#v", first[8])
	}
	kinds := []export.Kind{export.KindString, export.KindString, export.KindString, export.KindUint, export.KindDecimal,
		export.KindDate, export.KindDateTime, export.KindFloat, export.KindInt, export.KindString}
	for i, k := range kinds {
		if res.Columns[i].Kind != k {
			t.Errorf("column %s (%s): kind %d, want %d", res.Columns[i].Name, res.Columns[i].Type, res.Columns[i].Kind, k)
		}
	}
}

// texts is every cell as text formats write it.
func texts(res *export.Result) [][]string {
	out := [][]string{{}}
	for _, c := range res.Columns {
		out[0] = append(out[0], c.Name)
	}
	for _, row := range res.Rows {
		var line []string
		for i, v := range row {
			line = append(line, export.Text(res.Columns[i], v))
		}
		out = append(out, line)
	}
	return out
}

func TestCSVRoundTrip(t *testing.T) {
	t.Parallel()
	res := sampleResult(t)
	for _, bom := range []bool{false, true} {
		var buf bytes.Buffer
		if err := export.WriteCSV(&buf, res, bom); err != nil {
			t.Fatal(err)
		}
		data := buf.Bytes()
		if got := bytes.HasPrefix(data, []byte("\xef\xbb\xbf")); got != bom {
			t.Fatalf("bom=%v: file starts with the BOM: %v", bom, got)
		}
		recs, err := csv.NewReader(bytes.NewReader(bytes.TrimPrefix(data, []byte("\xef\xbb\xbf")))).ReadAll()
		if err != nil {
			t.Fatal(err)
		}
		want := texts(res)
		if len(recs) != len(want) {
			t.Fatalf("%d records, want %d", len(recs), len(want))
		}
		for i := range want {
			if strings.Join(recs[i], "\x00") != strings.Join(want[i], "\x00") {
				t.Errorf("record %d:\n got %q\nwant %q", i, recs[i], want[i])
			}
		}
		if recs[1][9] != "鼓楼街道，含“引号”\"双引号\", 逗号\n换行" {
			t.Errorf("note = %q", recs[1][9])
		}
	}
}

func TestJSONRoundTrip(t *testing.T) {
	t.Parallel()
	res := sampleResult(t)
	var buf bytes.Buffer
	if err := export.WriteJSON(&buf, res); err != nil {
		t.Fatal(err)
	}
	var objs []map[string]any
	dec := json.NewDecoder(bytes.NewReader(buf.Bytes()))
	dec.UseNumber()
	if err := dec.Decode(&objs); err != nil {
		t.Fatalf("%v\n%s", err, buf.String())
	}
	if len(objs) != 10 {
		t.Fatalf("%d objects", len(objs))
	}
	o := objs[0]
	if o["名称"] != "鼓楼街道" || o["amount"] != json.Number("1.25") || o["day"] != "2025-03-02" ||
		o["at"] != "2025-03-01 08:30:00" || o["maybe"] != json.Number("0.25") || o["neg"] != json.Number("-1") ||
		o["sort_order"] != json.Number("1") {
		t.Errorf("first object: %v", o)
	}
	if v, ok := objs[1]["maybe"]; !ok || v != nil {
		t.Errorf("NULL became %v (present %v)", v, ok)
	}
	if !strings.HasSuffix(o["note"].(string), "逗号\n换行") {
		t.Errorf("note = %q", o["note"])
	}

	// Keys keep the query's column order.
	tokens := json.NewDecoder(bytes.NewReader(buf.Bytes()))
	tokens.Token() // [
	tokens.Token() // {
	for _, c := range res.Columns {
		key, _ := tokens.Token()
		if key != c.Name {
			t.Fatalf("key %v, want %s next", key, c.Name)
		}
		var skip any
		if err := tokens.Decode(&skip); err != nil {
			t.Fatal(err)
		}
	}

	buf.Reset()
	if err := export.WriteJSON(&buf, &export.Result{Columns: res.Columns}); err != nil || strings.TrimSpace(buf.String()) != "[]" {
		t.Errorf("empty result: %q, %v", buf.String(), err)
	}
}

func TestXLSXRoundTrip(t *testing.T) {
	t.Parallel()
	res := sampleResult(t)
	var buf bytes.Buffer
	if err := export.WriteXLSX(&buf, res); err != nil {
		t.Fatal(err)
	}
	f, err := excelize.OpenReader(&buf)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	rows, err := f.GetRows(export.SheetName)
	if err != nil {
		t.Fatal(err)
	}
	want := texts(res)
	if len(rows) != len(want) {
		t.Fatalf("%d rows, want %d", len(rows), len(want))
	}
	for i := range want {
		// GetRows drops empty trailing cells; compare cell by cell.
		for j := range want[i] {
			got := ""
			if j < len(rows[i]) {
				got = rows[i][j]
			}
			if got != want[i][j] {
				t.Errorf("row %d column %s: got %q, want %q", i, want[0][j], got, want[i][j])
			}
		}
	}
	// Numbers and dates are numeric cells, so Excel can sum and filter them.
	for _, cell := range []string{"D2", "E2", "F2", "G2", "H2", "I2"} {
		typ, err := f.GetCellType(export.SheetName, cell)
		if err != nil {
			t.Fatal(err)
		}
		if typ != excelize.CellTypeNumber && typ != excelize.CellTypeUnset {
			t.Errorf("%s has type %v, want a number", cell, typ)
		}
		raw, _ := f.GetCellValue(export.SheetName, cell, excelize.Options{RawCellValue: true})
		if strings.ContainsAny(raw, "-:") && cell != "I2" {
			t.Errorf("%s raw value %q is text, want a serial number", cell, raw)
		}
	}
}

func TestParquetRoundTrip(t *testing.T) {
	t.Parallel()
	res := sampleResult(t)
	// Through a real file, as `safetydw sql --output` writes it: the writer must leave it open.
	f, err := os.Create(filepath.Join(t.TempDir(), "结果.parquet"))
	if err != nil {
		t.Fatal(err)
	}
	if err := export.WriteParquet(f, res); err != nil {
		t.Fatal(err)
	}
	if err := f.Close(); err != nil {
		t.Fatalf("closing the file after WriteParquet: %v", err)
	}
	data, err := os.ReadFile(f.Name())
	if err != nil {
		t.Fatal(err)
	}
	tbl, err := pqarrow.ReadTable(context.Background(), bytes.NewReader(data), parquet.NewReaderProperties(memory.DefaultAllocator),
		pqarrow.ArrowReadProperties{}, memory.DefaultAllocator)
	if err != nil {
		t.Fatal(err)
	}
	defer tbl.Release()
	if tbl.NumRows() != 10 || tbl.NumCols() != int64(len(res.Columns)) {
		t.Fatalf("%d rows × %d columns", tbl.NumRows(), tbl.NumCols())
	}
	rec := tableRecord(t, tbl)
	defer rec.Release()
	col := func(name string) arrow.Array {
		idx := rec.Schema().FieldIndices(name)
		if len(idx) != 1 {
			t.Fatalf("no column %s in %s", name, rec.Schema())
		}
		return rec.Column(idx[0])
	}
	names := col("名称").(*array.String)
	if names.Value(0) != "鼓楼街道" || names.Value(9) != "小孟镇" {
		t.Errorf("名称 = %q … %q", names.Value(0), names.Value(9))
	}
	if got := col("note").(*array.String).Value(0); got != "鼓楼街道，含“引号”\"双引号\", 逗号\n换行" {
		t.Errorf("note = %q", got)
	}
	if got := col("sort_order").(*array.Uint64).Value(9); got != 10 {
		t.Errorf("sort_order = %d", got)
	}
	if got := col("neg").(*array.Int64).Value(0); got != -1 {
		t.Errorf("neg = %d", got)
	}
	amount := col("amount").(*array.Decimal128)
	if dt := amount.DataType().(*arrow.Decimal128Type); dt.Scale != 2 || dt.Precision != 18 {
		t.Errorf("amount type %s", dt)
	}
	if got := amount.Value(0).ToString(2); got != "1.25" {
		t.Errorf("amount = %s", got)
	}
	if got := col("day").(*array.Date32).Value(0).FormattedString(); got != "2025-03-02" {
		t.Errorf("day = %s", got)
	}
	at := col("at").(*array.Timestamp)
	unit := at.DataType().(*arrow.TimestampType).Unit
	if tz := at.DataType().(*arrow.TimestampType).TimeZone; tz != "Asia/Shanghai" {
		t.Errorf("at comes back in zone %q, want Asia/Shanghai", tz)
	}
	want := time.Date(2025, 3, 1, 8, 30, 0, 0, time.FixedZone("CST", 8*3600))
	if got := at.Value(0).ToTime(unit); !got.Equal(want) {
		t.Errorf("at = %s, want the instant %s", got, want)
	}
	maybe := col("maybe").(*array.Float64)
	if maybe.Value(0) != 0.25 || !maybe.IsNull(1) {
		t.Errorf("maybe = %v, null at 1: %v", maybe.Value(0), maybe.IsNull(1))
	}
}

// tableRecord joins a table's chunks into one record (the sample is small).
func tableRecord(t *testing.T, tbl arrow.Table) arrow.RecordBatch {
	t.Helper()
	tr := array.NewTableReader(tbl, tbl.NumRows())
	defer tr.Release()
	if !tr.Next() {
		t.Fatal("empty table")
	}
	rec := tr.RecordBatch()
	rec.Retain()
	return rec
}

func TestTableAlignsChineseText(t *testing.T) {
	t.Parallel()
	res := sampleResult(t)
	var buf bytes.Buffer
	if err := export.WriteTable(&buf, res); err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimSuffix(buf.String(), "\n"), "\n")
	if len(lines) != 12 {
		t.Fatalf("%d lines, want header, rule and 10 rows:\n%s", len(lines), buf.String())
	}
	// Every column separator sits at the same display column on every line.
	sepCols := func(line, sep string) []int {
		var cols []int
		for i := 0; ; {
			j := strings.Index(line[i:], sep)
			if j < 0 {
				return cols
			}
			cols = append(cols, export.DisplayWidth(line[:i+j]))
			i += j + len(sep)
		}
	}
	want := sepCols(lines[0], " | ")
	if len(want) != len(res.Columns)-1 {
		t.Fatalf("header has %d separators: %q", len(want), lines[0])
	}
	if got := sepCols(lines[1], "-+-"); !equal(got, want) {
		t.Errorf("rule separators at %v, header at %v", got, want)
	}
	for _, line := range lines[2:] {
		if got := sepCols(line, " | "); !equal(got, want) {
			t.Errorf("separators at %v, want %v:\n%s", got, want, line)
		}
	}
	if !strings.Contains(lines[2], `逗号\n换行`) || !strings.Contains(lines[3], "NULL") {
		t.Errorf("newline not escaped or NULL not shown:\n%s\n%s", lines[2], lines[3])
	}
}

func equal(a, b []int) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

func TestDisplayWidth(t *testing.T) {
	for s, want := range map[string]int{"": 0, "abc": 3, "鼓楼街道": 8, "T70，": 5, "（a）": 5, "“四不”": 6, "é": 1} {
		if got := export.DisplayWidth(s); got != want {
			t.Errorf("DisplayWidth(%q) = %d, want %d", s, got, want)
		}
	}
}

func TestNewColumn(t *testing.T) {
	cases := []struct {
		chType string
		want   export.Column
	}{
		{"String", export.Column{Kind: export.KindString}},
		{"LowCardinality(Nullable(String))", export.Column{Kind: export.KindString, Nullable: true}},
		{"Nullable(UInt16)", export.Column{Kind: export.KindUint, Nullable: true}},
		{"Int64", export.Column{Kind: export.KindInt}},
		{"Float32", export.Column{Kind: export.KindFloat}},
		{"Decimal(18, 2)", export.Column{Kind: export.KindDecimal, Precision: 18, Scale: 2}},
		{"Decimal64(4)", export.Column{Kind: export.KindDecimal, Precision: 18, Scale: 4}},
		{"Nullable(Date)", export.Column{Kind: export.KindDate, Nullable: true}},
		{"DateTime", export.Column{Kind: export.KindDateTime}},
		{"DateTime('Asia/Shanghai')", export.Column{Kind: export.KindDateTime, TZ: "Asia/Shanghai"}},
		{"DateTime64(3, 'UTC')", export.Column{Kind: export.KindDateTime, Scale: 3, TZ: "UTC"}},
		{"Array(String)", export.Column{Kind: export.KindString}},
		{"Enum8('ok' = 1, 'alarm' = 2)", export.Column{Kind: export.KindString}},
	}
	for _, c := range cases {
		got := export.NewColumn("x", c.chType)
		c.want.Name, c.want.Type = "x", c.chType
		if got != c.want {
			t.Errorf("%s: got %+v, want %+v", c.chType, got, c.want)
		}
	}
}

func TestParseFormat(t *testing.T) {
	for _, f := range export.Formats {
		if got, err := export.ParseFormat(strings.ToUpper(string(f))); err != nil || got != f {
			t.Errorf("%s: %v %v", f, got, err)
		}
	}
	if _, err := export.ParseFormat("xml"); err == nil {
		t.Error("xml accepted")
	}
	var sink io.Writer = io.Discard
	if err := export.Write(sink, export.Format("xml"), &export.Result{}, export.Options{}); err == nil {
		t.Error("Write accepted an unknown format")
	}
}
