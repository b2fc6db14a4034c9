package dataset

import (
	"strconv"
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
