package etl_test

import (
	"bufio"
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"safetydw/etl"
	"safetydw/etl/files"
	"safetydw/warehouse"
	"safetydw/warehouse/warehousetest"
)

// BenchmarkSensorLoad loads the same sensor readings twice in one run: through our whole
// path (CSV file → chunked reader → validation → Arrow → ClickHouse) and through
// `clickhouse-client --query "INSERT … FORMAT TSV"`, and reports both rates, their ratio,
// and our peak resident memory. Run with `make bench` (benchtime 1x); see BENCHMARKS.md.
func BenchmarkSensorLoad(b *testing.B) {
	sizes := []int{2_000_000, 20_000_000}
	if s := os.Getenv("BENCH_ROWS"); s != "" {
		n, err := strconv.Atoi(s)
		if err != nil {
			b.Fatal(err)
		}
		sizes = []int{n}
	}
	for _, rows := range sizes {
		b.Run(fmt.Sprintf("rows=%d", rows), func(b *testing.B) {
			for i := 0; i < b.N; i++ {
				benchSensorLoad(b, rows)
			}
		})
	}
}

func benchSensorLoad(b *testing.B, rows int) {
	b.StopTimer()
	ctx := context.Background()
	db := warehousetest.New(b)
	dir := b.TempDir()
	csvPath, tsvPath := filepath.Join(dir, "readings.csv"), filepath.Join(dir, "readings.tsv")
	writeReadings(b, csvPath, tsvPath, rows)
	if err := db.Exec(ctx, "CREATE TABLE fact_sensor_reading_ref AS fact_sensor_reading"); err != nil {
		b.Fatal(err)
	}

	// Reference: the official client on the same rows, into an identical table.
	start := time.Now()
	cmd := exec.Command("clickhouse-client", "--host", host(db), "--port", port(db), "--database", db.Database,
		"--query", "INSERT INTO fact_sensor_reading_ref (point_id, ts, value, quality, _version) FORMAT TSV")
	in, err := os.Open(tsvPath)
	if err != nil {
		b.Fatal(err)
	}
	cmd.Stdin = in
	if out, err := cmd.CombinedOutput(); err != nil {
		b.Fatalf("clickhouse-client: %v\n%s", err, out)
	}
	in.Close()
	refSecs := time.Since(start).Seconds()

	resetPeakRSS()
	b.StartTimer()
	start = time.Now()
	r := &etl.Runner{DB: db, DropDir: dir}
	stats, err := r.Run(ctx, []etl.SourceConfig{{Name: "bench", Kind: "file", Dataset: "sensor_readings", System: "bench",
		File: &files.Config{Patterns: []string{"readings.csv"}}}})
	if err != nil {
		b.Fatal(err)
	}
	oursSecs := time.Since(start).Seconds()
	b.StopTimer()
	peak := peakRSS()

	if stats[0].Loaded != rows {
		b.Fatalf("loaded %d of %d rows (%d quarantined)", stats[0].Loaded, rows, stats[0].Quarantined)
	}
	var n1, n2 uint64
	if err := db.QueryRow(ctx, "SELECT (SELECT count() FROM fact_sensor_reading), (SELECT count() FROM fact_sensor_reading_ref)").Scan(&n1, &n2); err != nil {
		b.Fatal(err)
	}
	if n1 != uint64(rows) || n2 != uint64(rows) {
		b.Fatalf("tables hold %d (ours) and %d (clickhouse-client) rows, want %d", n1, n2, rows)
	}
	b.ReportMetric(float64(rows)/oursSecs, "rows/s")
	b.ReportMetric(float64(rows)/refSecs, "client_rows/s")
	b.ReportMetric(refSecs/oursSecs, "ratio")
	b.ReportMetric(float64(peak)/(1<<20), "peak_rss_MiB")
}

// writeReadings writes the same readings as CSV with a header and as TSV: 400 points at
// 5-minute intervals, values with two decimals, the odd quality flag.
func writeReadings(b *testing.B, csvPath, tsvPath string, rows int) {
	fc, err := os.Create(csvPath)
	if err != nil {
		b.Fatal(err)
	}
	ft, err := os.Create(tsvPath)
	if err != nil {
		b.Fatal(err)
	}
	wc, wt := bufio.NewWriterSize(fc, 1<<20), bufio.NewWriterSize(ft, 1<<20)
	wc.WriteString("point_id,ts,value,quality\n")
	const points = 400
	t0 := time.Date(2026, 1, 1, 0, 0, 0, 0, time.FixedZone("CST", 8*3600))
	var line []byte
	for i := 0; i < rows; i++ {
		p, step := i%points, i/points
		ts := t0.Add(time.Duration(step) * 5 * time.Minute).Format("2006-01-02 15:04:05")
		v := strconv.FormatFloat(float64((i*7919)%100000)/100, 'f', 2, 64)
		q := "0"
		if i%997 == 0 {
			q = "1"
		}
		id := "P" + strconv.Itoa(100000+p)
		line = append(line[:0], id...)
		line = append(line, ',')
		line = append(line, ts...)
		line = append(line, ',')
		line = append(line, v...)
		line = append(line, ',')
		line = append(line, q...)
		line = append(line, '\n')
		wc.Write(line)
		wt.WriteString(strings.Join([]string{id, ts, v, q, "1"}, "\t"))
		wt.WriteByte('\n')
	}
	for _, w := range []*bufio.Writer{wc, wt} {
		if err := w.Flush(); err != nil {
			b.Fatal(err)
		}
	}
	fc.Close()
	ft.Close()
}

func host(db *warehouse.DB) string { h, _, _ := strings.Cut(db.Addr, ":"); return h }
func port(db *warehouse.DB) string { _, p, _ := strings.Cut(db.Addr, ":"); return p }

// resetPeakRSS makes VmHWM start again from the current resident size (Linux ≥ 4.0).
func resetPeakRSS() { _ = os.WriteFile("/proc/self/clear_refs", []byte("5"), 0) }

func peakRSS() int64 {
	body, err := os.ReadFile("/proc/self/status")
	if err != nil {
		return 0
	}
	for _, line := range strings.Split(string(body), "\n") {
		if strings.HasPrefix(line, "VmHWM:") {
			kb, _ := strconv.ParseInt(strings.Fields(line)[1], 10, 64)
			return kb << 10
		}
	}
	return 0
}
