package main

import (
	"context"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"safetydw/warehouse"
	"safetydw/warehouse/warehousetest"
)

// The binary as systemd runs it: the scheduler on a demo schedule in seconds serves the job
// series on /metrics, stops on SIGTERM with exit 0, and `safetydw jobs` shows its runs.
func TestSchedulerBinaryMetricsJobsSIGTERM(t *testing.T) {
	dir := t.TempDir()
	bin := buildBinary(t)
	cfgPath := filepath.Join(dir, "jobs.yaml")
	cfg := "spool: " + filepath.Join(dir, "spool.jsonl") + "\nlease: {settle: 100ms}\ngrace: 10s\njobs:\n" +
		"  - {name: accidents, schedule: '*/2 * * * * *', run: etl, sources: [accidents]}\n"
	if err := os.WriteFile(cfgPath, []byte(cfg), 0o644); err != nil {
		t.Fatal(err)
	}
	dbName := warehousetest.Name(t)
	t.Cleanup(func() {
		c := warehouse.ConfigFromEnv()
		c.Database = dbName
		if db, err := warehouse.Open(context.Background(), c, false); err == nil {
			_ = db.DropDatabase(context.Background())
			db.Close()
		}
	})
	env := append(os.Environ(), "CLICKHOUSE_DB="+dbName)
	args := []string{"--sources", "../../sample_data/sources.yaml", "--drop", "../../sample_data", "--landing", filepath.Join(dir, "landing")}
	var stderr strings.Builder
	sched := exec.Command(bin, append(args, "scheduler", "--config", cfgPath, "--listen", "127.0.0.1:18803")...)
	sched.Env, sched.Stderr = env, &stderr
	if err := sched.Start(); err != nil {
		t.Fatal(err)
	}
	defer sched.Process.Kill()

	var metrics string
	for deadline := time.Now().Add(90 * time.Second); time.Now().Before(deadline); time.Sleep(500 * time.Millisecond) {
		if resp, err := http.Get("http://127.0.0.1:18803/metrics"); err == nil {
			b, _ := io.ReadAll(resp.Body)
			resp.Body.Close()
			if metrics = string(b); strings.Contains(metrics, `safetydw_job_runs_total{job="accidents",status="ok"} 2`) {
				break
			}
		}
	}
	// The sample has 12 accidents: the first run loads them, the second skips the loaded file.
	for _, want := range []string{`safetydw_job_runs_total{job="accidents",status="ok"} 2`, `safetydw_job_rows_loaded_total{job="accidents"} 12`,
		`safetydw_job_last_success_timestamp_seconds{job="accidents"}`, `safetydw_job_duration_seconds_count{job="accidents",status="ok"} 2`} {
		if !strings.Contains(metrics, want) {
			t.Fatalf("/metrics lacks %s:\n%s\nstderr:\n%s", want, metrics, stderr.String())
		}
	}
	if err := sched.Process.Signal(syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	if err := sched.Wait(); err != nil {
		t.Fatalf("after SIGTERM: %v\n%s", err, stderr.String())
	}
	if !strings.Contains(stderr.String(), "stopping: no new runs") || !strings.Contains(stderr.String(), "level=INFO msg=run job=accidents") {
		t.Errorf("log lacks the stop or the runs:\n%s", stderr.String())
	}

	jobs := exec.Command(bin, append(args, "jobs", "--config", cfgPath)...)
	jobs.Env = env
	out, err := jobs.CombinedOutput()
	if err != nil || !strings.Contains(string(out), "上次运行") || !strings.Contains(string(out), "accidents | */2 * * * * *") {
		t.Errorf("safetydw jobs: %v\n%s", err, out)
	}
	runs := exec.Command(bin, append(args, "jobs", "--config", cfgPath, "--runs", "10")...)
	runs.Env = env
	out, err = runs.CombinedOutput()
	if err != nil || strings.Count(string(out), "accidents") < 2 || !strings.Contains(string(out), "| 12 ") {
		t.Errorf("safetydw jobs --runs: %v\n%s", err, out)
	}
}

// Started while ClickHouse is down, the scheduler waits for it (logging why) instead of
// exiting, and still stops on SIGTERM.
func TestSchedulerWaitsForClickHouse(t *testing.T) {
	bin := buildBinary(t)
	var stderr strings.Builder
	sched := exec.Command(bin, "--sources", "../../sample_data/sources.yaml", "scheduler", "--config", "../../cron/demo.yaml")
	// Port 1 on loopback: nothing listens there, the connection is refused as with a stopped server.
	sched.Env, sched.Stderr = append(os.Environ(), "CLICKHOUSE_ADDR=127.0.0.1:1", "CLICKHOUSE_PASSWORD="), &stderr
	if err := sched.Start(); err != nil {
		t.Fatal(err)
	}
	defer sched.Process.Kill()
	time.Sleep(2 * time.Second)
	if err := sched.Process.Signal(syscall.SIGTERM); err != nil {
		t.Fatalf("the scheduler exited while ClickHouse was down: %v\n%s", err, stderr.String())
	}
	if err := sched.Wait(); err != nil {
		t.Errorf("SIGTERM while waiting: %v, want exit 0 (a stop, not a failure, for systemd)\n%s", err, stderr.String())
	}
	if !strings.Contains(stderr.String(), `level=WARN msg="ClickHouse unavailable, waiting"`) {
		t.Errorf("no waiting line in the log:\n%s", stderr.String())
	}
}

// buildBinary builds the command into the test's folder.
func buildBinary(t *testing.T) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), "safetydw")
	if out, err := exec.Command("go", "build", "-o", path, ".").CombinedOutput(); err != nil {
		t.Fatalf("build: %v\n%s", err, out)
	}
	return path
}
