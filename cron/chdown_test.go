package cron

import (
	"context"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"safetydw/warehouse"
)

// privateServer starts a ClickHouse of the test's own (its own folder and port, through
// server.sh) and points this test's connections at it, so that stopping it cannot break the
// tests of other packages that share the project's server.
func privateServer(t *testing.T) {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	port := strconv.Itoa(l.Addr().(*net.TCPAddr).Port)
	l.Close()
	// One server, also when the suite runs against a cluster (make cluster-test).
	t.Setenv("CLICKHOUSE_ADDR", "")
	t.Setenv(warehouse.DeployEnv, "")
	t.Setenv("CH_DIR", filepath.Join(t.TempDir(), "clickhouse"))
	t.Setenv("CH_TCP_PORT", port)
	serverSh(t, "start")
	t.Cleanup(func() { exec.Command("../warehouse/clickhouse/server.sh", "stop").Run() })
}

// serverSh runs the server script for the server of CH_DIR on CH_TCP_PORT.
func serverSh(t *testing.T, cmd string) {
	t.Helper()
	out, err := exec.Command("../warehouse/clickhouse/server.sh", cmd).CombinedOutput()
	if err != nil {
		t.Fatalf("server.sh %s: %v\n%s", cmd, err, out)
	}
}

// ClickHouse stopped for a firing: the scheduler keeps going, the failed run is spooled and
// written to the ledger once the server is back, and the job runs again on its schedule.
func TestClickHouseDownForOneFiring(t *testing.T) {
	privateServer(t)
	db := ledgerDB(t)
	spool := filepath.Join(t.TempDir(), "spool.jsonl")
	s := &Scheduler{DB: db, Spool: spool, FlushEvery: time.Second, Jobs: []Job{
		{Name: "tick", Spec: "*/2 * * * * *", Run: func(ctx context.Context) (Result, error) {
			return Result{}, db.Ping(ctx)
		}},
	}}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	s.Log, s.Lease.Settle = nil, 50*time.Millisecond
	go func() { defer close(done); runUntil(t, s, ctx) }()
	time.Sleep(2500 * time.Millisecond)
	downAt := time.Now()
	serverSh(t, "stop")
	time.Sleep(2500 * time.Millisecond) // at least one firing while it is down
	spooled, _ := os.ReadFile(spool)
	if h := s.Health(context.Background()); h.OK || h.ClickHouse == "ok" {
		t.Errorf("health while ClickHouse is stopped: %+v", h)
	}
	serverSh(t, "start")
	upAt := time.Now()
	time.Sleep(4 * time.Second) // a flush and a firing after it is back
	cancel()
	<-done

	if !strings.Contains(string(spooled), `"Status":"failed"`) {
		t.Errorf("nothing spooled while ClickHouse was down: %q", spooled)
	}
	rows := ledgerRows(t, db, "tick")
	down := count(rows, func(r runRow) bool {
		return r.status == StatusFailed && r.started.After(downAt.Add(-time.Second)) && r.started.Before(upAt)
	})
	after := count(rows, func(r runRow) bool { return r.status == StatusOK && r.started.After(upAt) })
	if down < 1 || after < 1 {
		t.Errorf("%d failed runs recorded from the downtime (want ≥1), %d ok after (want ≥1): %v", down, after, rows)
	}
	if b, err := os.ReadFile(spool); err == nil {
		t.Errorf("spool left behind: %s", b)
	}
}
