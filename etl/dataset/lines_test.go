package dataset

import (
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/memory"

	"safetydw/etl/source"
)

// A chunk of sensor readings worked by hand: two rows split by the splitter (the header and
// one reading), then lines left as text, the fast path taking the plain ones and the rows'
// code the others.
func TestLinesByHand(t *testing.T) {
	tb := &source.Table{Path: "r.csv", Rows: []source.Row{
		{Num: 1, Values: []string{"point_id", "ts", "value", "quality"}},
		{Num: 2, Values: []string{"P1", "2026-11-28 10:00:00", "1.5", "0"}},
	}}
	tb.Lines = source.Lines{First: 3, Rows: 8, Text: "" +
		"P2,2026-11-28 10:00:01,-2.25,1\n" + // 3: fast
		"\n" + //                                 4: blank, no record
		" P3 ,2026-11-28 10:00:02,3,\n" + //      5: trimmed by the split: loads as P3, quality 0
		"P4,2026-12-01 00:00:00,4,0\n" + //       6: after the run day: refused
		"P5,2026-11-28 10:00:04,1e3,2\n" + //     7: not plain: normalize.Number reads it (1000)
		"P6,2026-11-28 10:00:05\n" + //           8: cut off: refused
		"P7,2026-11-28 10:00:06,7,300\n" + //     9: quality over 255: refused
		"P8,2026-11-28T10:00:07,8,3\n" + //      10: a T between date and time: fast
		"P9,2026-11-28 10:00:08,9,1,\n"} //      11: an empty extra value: loads through the rows' code
	d := SensorReadings()
	rec := &Record{d: d, cells: make([]cell, len(d.Columns)), future: d.newFutureCheck(time.Date(2026, 11, 30, 0, 0, 0, 0, time.UTC)), sourced: []int{0, 1, 2, 3}}
	r := d.newLineReader(rec, []int{0, 1, 2, 3}, 4, d.originColumns())
	fast := map[string]bool{}
	lr := tb.Lines.Reader()
	for num, line, ok := lr.Next(); ok; num, line, ok = lr.Next() {
		fast[line] = r.read(line, num)
	}
	wantFast := map[string]bool{
		"P2,2026-11-28 10:00:01,-2.25,1": true, " P3 ,2026-11-28 10:00:02,3,": false, "P4,2026-12-01 00:00:00,4,0": false,
		"P5,2026-11-28 10:00:04,1e3,2": false, "P6,2026-11-28 10:00:05": false, "P7,2026-11-28 10:00:06,7,300": false,
		"P8,2026-11-28T10:00:07,8,3": true, "P9,2026-11-28 10:00:08,9,1,": false,
	}
	if !reflect.DeepEqual(fast, wantFast) {
		t.Errorf("fast path taken: %v, want %v", fast, wantFast)
	}

	res := d.Transform(tb, Meta{File: "r.csv", Version: 9, RunDay: time.Date(2026, 11, 30, 0, 0, 0, 0, time.UTC)})
	defer res.Release()
	if res.Err != nil || res.Read != 9 || res.Loaded != 6 {
		t.Fatalf("err %v, read %d, loaded %d; want 9 read, 6 loaded", res.Err, res.Read, res.Loaded)
	}
	wantRejects := []Reject{
		{Row: 6, Field: "ts", Reason: "日期在未来 (date in the future): ts=2026-12-01 00:00:00 > 运行日 2026-11-30", Raw: "P4,2026-12-01 00:00:00,4,0"},
		{Row: 8, Field: "行", Reason: "字段数少于表头，可能被截断 (row has 2 fields, header has 4: cut off?)", Raw: "P6,2026-11-28 10:00:05"},
		{Row: 9, Field: "quality", Reason: "数值过大 \"300\" (too large)", Raw: "P7,2026-11-28 10:00:06,7,300"},
	}
	if !reflect.DeepEqual(res.Rejects, wantRejects) {
		t.Errorf("rejects\n%+v\nwant\n%+v", res.Rejects, wantRejects)
	}
	rb := res.Records[0]
	ids := rb.Column(0).(*array.String)
	ts := rb.Column(1).(*array.Timestamp)
	vals := rb.Column(2).(*array.Float32)
	q := rb.Column(3).(*array.Uint8)
	files := rb.Column(4).(*array.String)
	ver := rb.Column(5).(*array.Uint64)
	base := time.Date(2026, 11, 28, 10, 0, 0, 0, chinaZone).Unix()
	want := []struct {
		id  string
		sec int64
		v   float32
		q   uint8
	}{{"P1", 0, 1.5, 0}, {"P2", 1, -2.25, 1}, {"P3", 2, 3, 0}, {"P5", 4, 1000, 2}, {"P8", 7, 8, 3}, {"P9", 8, 9, 1}}
	if int(rb.NumRows()) != len(want) {
		t.Fatalf("%d rows in Arrow", rb.NumRows())
	}
	for i, w := range want {
		if ids.Value(i) != w.id || int64(ts.Value(i)) != base+w.sec || vals.Value(i) != w.v || q.Value(i) != w.q ||
			files.Value(i) != "r.csv" || ver.Value(i) != 9 {
			t.Errorf("row %d: %s %d %v %d %s %d, want %+v", i, ids.Value(i), ts.Value(i), vals.Value(i), q.Value(i), files.Value(i), ver.Value(i), w)
		}
	}
}

// String columns are gathered in plain slices (column.text, column.offs): the arrays equal
// what Arrow's string builder makes of the same values, across batches too.
func TestStringColumnAsBuilder(t *testing.T) {
	d := &Dataset{Name: "s", Columns: []Column{
		{Name: "a", Kind: String, Headers: []string{"a"}, Required: true},
		{Name: "b", Kind: String, Headers: []string{"b"}},
		{Name: "source_file", Kind: String},
	}}
	tb := &source.Table{Rows: []source.Row{{Num: 1, Values: []string{"a", "b"}}}}
	var want [2][]string
	for i := 0; i < BatchRows+10; i++ {
		v := []string{"x" + strings.Repeat("长", i%7), []string{"", "b", "阀门"}[i%3]}
		tb.Rows = append(tb.Rows, source.Row{Num: i + 2, Values: v})
		want[0], want[1] = append(want[0], v[0]), append(want[1], v[1])
	}
	res := d.Transform(tb, Meta{File: "f.csv"})
	defer res.Release()
	if res.Loaded != BatchRows+10 || len(res.Records) != 2 {
		t.Fatalf("loaded %d in %d batches", res.Loaded, len(res.Records))
	}
	at := 0
	for _, rec := range res.Records {
		n := int(rec.NumRows())
		for c, vals := range [][]string{want[0][at : at+n], want[1][at : at+n], slices.Repeat([]string{"f.csv"}, n)} {
			sb := array.NewStringBuilder(memory.DefaultAllocator)
			sb.AppendValues(vals, nil)
			ref := sb.NewArray()
			if !array.Equal(ref, rec.Column(c)) {
				t.Errorf("column %d rows %d-%d differ from the builder's", c, at, at+n)
			}
			ref.Release()
			sb.Release()
		}
		at += n
	}
}
