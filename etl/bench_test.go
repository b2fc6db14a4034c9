package etl_test

import (
	"bufio"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"safetydw/warehouse"
	"safetydw/warehouse/warehousetest"
)

// BenchmarkSensorLoad loads the same sensor readings twice in one run, each by a process of
// its own: our `safetydw etl run` (CSV file → chunked reader → validation → Arrow →
// ClickHouse) and `clickhouse-client --query "INSERT … FORMAT TSV"`. It reports both rates,
// their ratio and our peak resident memory, with and without the Parquet landing archive.
// Run with `make bench`; results in BENCHMARKS.md. BENCH_ROWS picks one size.
func BenchmarkSensorLoad(b *testing.B) {
	sizes := []int{2_000_000, 20_000_000}
	if s := os.Getenv("BENCH_ROWS"); s != "" {
		n, err := strconv.Atoi(s)
		if err != nil {
			b.Fatal(err)
		}
		sizes = []int{n}
	}
	bin := filepath.Join(b.TempDir(), "safetydw")
	if out, err := exec.Command("go", "build", "-o", bin, "../cmd/safetydw").CombinedOutput(); err != nil {
		b.Fatalf("build: %v\n%s", err, out)
	}
	for _, rows := range sizes {
		for _, archive := range []bool{false, true} {
			b.Run(fmt.Sprintf("rows=%d/archive=%v", rows, archive), func(b *testing.B) {
				for i := 0; i < b.N; i++ {
					benchSensorLoad(b, bin, rows, archive)
				}
			})
		}
	}
}

func benchSensorLoad(b *testing.B, bin string, rows int, archive bool) {
	b.StopTimer()
	db := warehousetest.New(b)
	dir := b.TempDir()
	csvPath, tsvPath := filepath.Join(dir, "readings.csv"), filepath.Join(dir, "readings.tsv")
	writeReadings(b, csvPath, tsvPath, rows)
	sources := filepath.Join(dir, "sources.yaml")
	if err := os.WriteFile(sources, []byte("sources:\n  - {name: bench, kind: file, dataset: sensor_readings, file: {patterns: [readings.csv]}}\n"), 0o644); err != nil {
		b.Fatal(err)
	}
	ctx := b.Context()
	if err := db.Exec(ctx, "CREATE TABLE fact_sensor_reading_ref AS fact_sensor_reading"); err != nil {
		b.Fatal(err)
	}

	in, err := os.Open(tsvPath)
	if err != nil {
		b.Fatal(err)
	}
	defer in.Close()
	clientArgs := []string{"--host", host(db), "--port", port(db), "--database", db.Database,
		"--query", "INSERT INTO fact_sensor_reading_ref (point_id, ts, value, quality, _version) FORMAT TSV"}
	if pw := warehouse.ConfigFromEnv().Password; pw != "" { // the local server's admin password
		clientArgs = append(clientArgs, "--password", pw)
	}
	client := exec.Command("clickhouse-client", clientArgs...)
	client.Stdin = in
	server := serverCPU()
	refSecs, _ := timed(b, client)
	clientServer := serverCPU() - server

	landing := ""
	if archive {
		landing = filepath.Join(dir, "landing")
	}
	ours := exec.Command(bin, "etl", "run", "--sources", sources, "--drop", dir, "--landing", landing)
	ours.Env = append(os.Environ(), "CLICKHOUSE_ADDR="+db.Addr, "CLICKHOUSE_DB="+db.Database)
	server = serverCPU()
	blocks, sorted := writerBlocks(b, db)
	b.StartTimer()
	oursSecs, peakKiB := timed(b, ours)
	b.StopTimer()
	oursServer := serverCPU() - server
	blocks2, sorted2 := writerBlocks(b, db)

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
	b.ReportMetric(float64(peakKiB)/1024, "peak_rss_MiB")
	// On two cores the loader's CPU competes with the server's, so the CPU seconds of each side
	// explain the ratio: the server's while each loader ran, when its process is known.
	b.ReportMetric(cpuSecs(ours), "cpu_s")
	b.ReportMetric(cpuSecs(client), "client_cpu_s")
	// The parts the server wrote during our load, and those it found in order and did not sort
	// (chload sorts each part by the table's key): other inserts on the server count too.
	b.ReportMetric(float64(blocks2-blocks), "server_parts")
	b.ReportMetric(float64(sorted2-sorted), "server_parts_sorted")
	if server >= 0 {
		b.ReportMetric(oursServer, "server_cpu_s")
		b.ReportMetric(clientServer, "client_server_cpu_s")
	}
}

// writerBlocks reads the server's counts of parts written by inserts and of those already in order.
func writerBlocks(b *testing.B, db *warehouse.DB) (blocks, sorted uint64) {
	err := db.QueryRow(b.Context(), `SELECT sumIf(value, event = 'MergeTreeDataWriterBlocks'),
		sumIf(value, event = 'MergeTreeDataWriterBlocksAlreadySorted') FROM system.events`).Scan(&blocks, &sorted)
	if err != nil {
		b.Fatal(err)
	}
	return blocks, sorted
}

func cpuSecs(cmd *exec.Cmd) float64 {
	return (cmd.ProcessState.UserTime() + cmd.ProcessState.SystemTime()).Seconds()
}

// serverCPU is the CPU seconds the local ClickHouse server (make clickhouse: its pid file under
// CH_DIR or var/clickhouse) has used so far, or -1 when it cannot be read.
func serverCPU() float64 {
	dir := os.Getenv("CH_DIR")
	if dir == "" {
		dir = "../var/clickhouse"
	}
	pid, err := os.ReadFile(filepath.Join(dir, "server.pid"))
	if err != nil {
		return -1
	}
	stat, err := os.ReadFile("/proc/" + strings.TrimSpace(string(pid)) + "/stat")
	if err != nil {
		return -1
	}
	// Fields 14 and 15 (utime, stime, in clock ticks of 1/100 s) follow the command's ")".
	f := strings.Fields(string(stat[strings.LastIndexByte(string(stat), ')')+1:]))
	if len(f) < 13 {
		return -1
	}
	u, err1 := strconv.ParseFloat(f[11], 64)
	k, err2 := strconv.ParseFloat(f[12], 64)
	if err1 != nil || err2 != nil {
		return -1
	}
	return (u + k) / 100
}

// timed runs a command and returns its wall time and peak resident memory (KiB).
func timed(b *testing.B, cmd *exec.Cmd) (float64, int64) {
	var stderr strings.Builder
	cmd.Stderr = &stderr
	start := time.Now()
	if err := cmd.Run(); err != nil {
		b.Fatalf("%s: %v\n%s", cmd.Path, err, stderr.String())
	}
	secs := time.Since(start).Seconds()
	return secs, cmd.ProcessState.SysUsage().(*syscall.Rusage).Maxrss
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
	for i := 0; i < rows; i++ {
		p, step := i%points, i/points
		ts := t0.Add(time.Duration(step) * 5 * time.Minute).Format("2006-01-02 15:04:05")
		v := strconv.FormatFloat(float64((i*7919)%100000)/100, 'f', 2, 64)
		q := "0"
		if i%997 == 0 {
			q = "1"
		}
		id := "P" + strconv.Itoa(100000+p)
		wc.WriteString(id + "," + ts + "," + v + "," + q + "\n")
		// _version 1: both tables get the same rows; ours carries the run's version instead.
		wt.WriteString(id + "\t" + ts + "\t" + v + "\t" + q + "\t1\n")
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
