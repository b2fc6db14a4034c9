package files

import (
	"bufio"
	"bytes"
	"io"
	"strconv"
	"testing"

	"safetydw/etl/source"
)

// BenchmarkSplitReadings measures the CSV splitter alone on 100k-row chunks of readings.
func BenchmarkSplitReadings(b *testing.B) { benchSplit(b, false) }

// BenchmarkSplitReadingsLines is the splitter leaving the rows as text (Config.CSVLines), in a
// later chunk of a file (no head rows split).
func BenchmarkSplitReadingsLines(b *testing.B) { benchSplit(b, true) }

func benchSplit(b *testing.B, lines bool) {
	var buf bytes.Buffer
	for i := 0; i < 100_000; i++ {
		buf.WriteString("P" + strconv.Itoa(100000+i%400) + ",2026-11-28 10:05:00," + strconv.FormatFloat(float64(i%10000)/100, 'f', 2, 64) + ",0\n")
	}
	data := buf.Bytes()
	readers := make([]io.Reader, b.N)
	for i := range readers {
		readers[i] = bytes.NewReader(data)
	}
	// One splitter over b.N copies, as the loader reads one long file: its scratch is warm.
	s := &csvSplitter{br: bufio.NewReaderSize(io.MultiReader(readers...), 1<<20), lines: lines}
	head := []source.Row{{Num: 1, Values: []string{"point_id", "ts", "value", "quality"}}}
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		t := source.Table{Head: head}
		if _, err := s.chunk(&t, 100_000); err != nil || len(t.Rows)+t.Lines.Rows != 100_000 {
			b.Fatal(err)
		}
		t.Recycle()
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/100_000, "ns/row")
}
