package dataset

import (
	"strconv"
	"strings"
	"testing"

	"safetydw/etl/source"
)

// BenchmarkTransformReadings measures validation and Arrow building alone, per 100k-row
// chunk of sensor readings (no I/O, no ClickHouse): the CPU the loader spends per row.
func BenchmarkTransformReadings(b *testing.B) {
	t := &source.Table{Path: "r.csv", Rows: []source.Row{{Num: 1, Values: []string{"point_id", "ts", "value", "quality"}}}}
	for i := 0; i < 100_000; i++ {
		t.Rows = append(t.Rows, source.Row{Num: i + 2, Values: []string{
			"P" + strconv.Itoa(100000+i%400), "2026-11-28 10:05:00", strconv.FormatFloat(float64(i%10000)/100, 'f', 2, 64), "0"}})
	}
	benchTransform(b, t)
}

// BenchmarkTransformReadingsLines is BenchmarkTransformReadings on the same rows left as text
// by the CSV splitter (source.Table.Lines): the fast path from a chunk's text to Arrow.
func BenchmarkTransformReadingsLines(b *testing.B) {
	var text strings.Builder
	for i := 0; i < 100_000; i++ {
		text.WriteString("P" + strconv.Itoa(100000+i%400) + ",2026-11-28 10:05:00," + strconv.FormatFloat(float64(i%10000)/100, 'f', 2, 64) + ",0\n")
	}
	head := []source.Row{{Num: 1, Values: []string{"point_id", "ts", "value", "quality"}}}
	t := &source.Table{Path: "r.csv", Head: head, Lines: source.Lines{Text: text.String(), First: 2, Rows: 100_000}}
	benchTransform(b, t)
}

func benchTransform(b *testing.B, t *source.Table) {
	d := SensorReadings()
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		res := d.Transform(t, Meta{Version: 1})
		if res.Loaded != 100_000 {
			b.Fatalf("loaded %d", res.Loaded)
		}
		res.Release()
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/100_000, "ns/row")
}
