//go:build cluster

package etl_test

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"testing"

	"safetydw/warehouse"
	"safetydw/warehouse/warehousetest"
)

// BenchmarkClusterLoad loads the same sensor readings in one run into one server and into the
// local 2 shards × 2 replicas cluster (`make cluster-bench`, results in BENCHMARKS.md). The one
// server is the cluster's node n1 used alone, with plain tables, so both loads run the same
// server binary and config on the same two cores; each load is `safetydw etl run` in a process
// of its own, and the rate is rows over its wall time. BENCH_ROWS picks the size (2,000,000).
func BenchmarkClusterLoad(b *testing.B) {
	rows := 2_000_000
	if s := os.Getenv("BENCH_ROWS"); s != "" {
		n, err := strconv.Atoi(s)
		if err != nil {
			b.Fatal(err)
		}
		rows = n
	}
	cfg := warehouse.ConfigFromEnv()
	if !cfg.Deploy.Clustered() {
		b.Fatalf("%s must name a cluster deployment; run `make cluster-bench`", warehouse.DeployEnv)
	}
	bin := filepath.Join(b.TempDir(), "safetydw")
	if out, err := exec.Command("go", "build", "-o", bin, "../cmd/safetydw").CombinedOutput(); err != nil {
		b.Fatalf("build: %v\n%s", err, out)
	}
	dir := b.TempDir()
	writeReadings(b, filepath.Join(dir, "readings.csv"), filepath.Join(dir, "readings.tsv"), rows)
	sources := filepath.Join(dir, "sources.yaml")
	if err := os.WriteFile(sources, []byte("sources:\n  - {name: bench, kind: file, dataset: sensor_readings, file: {patterns: [readings.csv]}}\n"), 0o644); err != nil {
		b.Fatal(err)
	}
	single := cfg
	single.Deploy = warehouse.Deploy{Mode: "single"}
	single.Addr = cfg.Deploy.Addrs[0]
	b.Run(fmt.Sprintf("rows=%d", rows), func(b *testing.B) {
		for i := 0; i < b.N; i++ {
			b.StopTimer()
			rate := map[string]float64{}
			for _, m := range []struct {
				name string
				cfg  warehouse.Config
				env  []string
			}{
				// n1 alone, logged in with the cluster's password (not the local server's file).
				{"single", single, []string{"CLICKHOUSE_ADDR=" + single.Addr, warehouse.DeployEnv + "=", "CLICKHOUSE_PASSWORD=" + cfg.Password}},
				{"cluster", cfg, []string{"CLICKHOUSE_ADDR=", warehouse.DeployEnv + "=" + os.Getenv(warehouse.DeployEnv)}},
			} {
				db := warehousetest.NewOn(b, m.cfg)
				cmd := exec.Command(bin, "etl", "run", "--sources", sources, "--drop", dir, "--landing", "")
				cmd.Env = append(os.Environ(), append(m.env, "CLICKHOUSE_DB="+db.Database)...)
				b.StartTimer()
				secs, _ := timed(b, cmd)
				b.StopTimer()
				var n uint64
				if err := db.QueryRow(b.Context(), "SELECT count() FROM fact_sensor_reading").Scan(&n); err != nil {
					b.Fatal(err)
				}
				if n != uint64(rows) {
					b.Fatalf("%s: fact_sensor_reading holds %d rows, want %d", m.name, n, rows)
				}
				rate[m.name] = float64(rows) / secs
				if m.name == "cluster" {
					var shard1 uint64
					if err := db.QueryRow(b.Context(), "SELECT count() FROM fact_sensor_reading_local").Scan(&shard1); err != nil {
						b.Fatal(err)
					}
					b.Logf("cluster: shard 1 holds %d of %d rows (%.0f%%)", shard1, rows, 100*float64(shard1)/float64(rows))
				}
			}
			b.ReportMetric(rate["single"], "single_rows/s")
			b.ReportMetric(rate["cluster"], "cluster_rows/s")
			b.ReportMetric(rate["cluster"]/rate["single"], "ratio")
			b.Logf("single %.0f rows/s, cluster %.0f rows/s, cluster/single %.2f", rate["single"], rate["cluster"], rate["cluster"]/rate["single"])
		}
	})
}
