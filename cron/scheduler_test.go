package cron

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"safetydw/warehouse"
	"safetydw/warehouse/warehousetest"
)

// ledgerDB is an empty test database with only the scheduler's tables: the scheduler needs
// nothing else, and a full migration per test would cost seconds.
func ledgerDB(t *testing.T) *warehouse.DB {
	t.Helper()
	db := warehousetest.Empty(t)
	ms, err := warehouse.Migrations()
	if err != nil {
		t.Fatal(err)
	}
	for _, m := range ms {
		if m.Version == 30 {
			for _, stmt := range warehouse.SplitStatements(m.SQL) {
				if err := db.Exec(context.Background(), stmt); err != nil {
					t.Fatal(err)
				}
			}
		}
	}
	return db
}

// runFor runs s for d, as a scheduler stopped by SIGTERM after d.
func runFor(t *testing.T, s *Scheduler, d time.Duration) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), d)
	defer cancel()
	runUntil(t, s, ctx)
}

// runUntilTrue runs s until done() holds (polled) or limit passes: on a loaded machine a run
// may take longer than its schedule's second.
func runUntilTrue(t *testing.T, s *Scheduler, limit time.Duration, done func() bool) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), limit)
	defer cancel()
	go func() {
		defer cancel()
		for ctx.Err() == nil && !done() {
			time.Sleep(200 * time.Millisecond)
		}
	}()
	runUntil(t, s, ctx)
}

// runUntil runs s until ctx ends (SIGTERM in the binary), quietly unless -v.
func runUntil(t *testing.T, s *Scheduler, ctx context.Context) {
	t.Helper()
	if s.Log == nil {
		var w io.Writer = io.Discard
		if testing.Verbose() {
			w = os.Stderr
		}
		s.Log = slog.New(slog.NewTextHandler(w, nil))
	}
	s.Lease.Settle = cmp(s.Lease.Settle, 50*time.Millisecond)
	s.Grace = cmp(s.Grace, 5*time.Second)
	if err := s.Run(ctx); err != nil {
		t.Fatal(err)
	}
}

type runRow struct {
	job, trigger, status, err, owner string
	scheduled, started               time.Time
	attempt                          uint8
}

func ledgerRows(t *testing.T, db *warehouse.DB, job string) []runRow {
	t.Helper()
	rows, err := db.Query(context.Background(), `SELECT job, trigger, status, error, owner, scheduled_at, started_at, attempt
		FROM job_runs WHERE job = ? ORDER BY finished_at, started_at, attempt`, job)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var out []runRow
	for rows.Next() {
		var r runRow
		if err := rows.Scan(&r.job, &r.trigger, &r.status, &r.err, &r.owner, &r.scheduled, &r.started, &r.attempt); err != nil {
			t.Fatal(err)
		}
		out = append(out, r)
	}
	return out
}

func count(rows []runRow, keep func(runRow) bool) int {
	n := 0
	for _, r := range rows {
		if keep(r) {
			n++
		}
	}
	return n
}

func ok(context.Context) (Result, error) { return Result{}, nil }

// Jobs run on their second; a slow job is skipped, not stacked; a panic is recorded and the
// job runs again at its next tick while the others go on.
func TestJobsOnTimeNoOverlapPanicRecovered(t *testing.T) {
	db := ledgerDB(t)
	var panics, slowRunning, slowMax atomic.Int32
	s := &Scheduler{DB: db, Spool: filepath.Join(t.TempDir(), "spool"), Jobs: []Job{
		{Name: "tick", Spec: "* * * * * *", Run: func(context.Context) (Result, error) { return Result{Rows: 2}, nil }},
		{Name: "panicky", Spec: "* * * * * *", Run: func(context.Context) (Result, error) {
			if panics.Add(1) == 1 {
				panic("boom")
			}
			return Result{}, nil
		}},
		{Name: "slow", Spec: "* * * * * *", Run: func(context.Context) (Result, error) {
			slowMax.Store(max(slowMax.Load(), slowRunning.Add(1)))
			defer slowRunning.Add(-1)
			time.Sleep(2500 * time.Millisecond)
			return Result{}, nil
		}},
	}}
	runFor(t, s, 7500*time.Millisecond)

	// 7.5 s of a per-second schedule: firings at the 7 or 8 whole seconds after the start, each
	// run or (when the run before was still going on a loaded machine, whose lease and ledger
	// writes can take over a second) skipped. CI once saw a 4.5 s window with one run.
	tick := ledgerRows(t, db, "tick")
	fired := count(tick, func(r runRow) bool { return r.trigger == "schedule" })
	ran := count(tick, func(r runRow) bool { return r.trigger == "schedule" && r.status == StatusOK })
	if fired < 7 || fired > 8 || ran < 2 {
		t.Errorf("tick: %d firings in 7.5 s (want 7 or 8), %d ran (want ≥2): %v", fired, ran, tick)
	}
	seen := map[time.Time]bool{}
	for _, r := range tick {
		if r.trigger != "schedule" {
			continue
		}
		if r.status != StatusOK {
			continue
		}
		if seen[r.scheduled] {
			t.Errorf("tick ran twice for %s", r.scheduled)
		}
		seen[r.scheduled] = true
		if late := r.started.Sub(r.scheduled); late < 0 || late > 2*time.Second {
			t.Errorf("tick due %s started %s (%s late)", r.scheduled, r.started, late)
		}
	}
	if slowMax.Load() != 1 {
		t.Errorf("slow job ran %d at once", slowMax.Load())
	}
	slow := ledgerRows(t, db, "slow")
	if n := count(slow, func(r runRow) bool {
		return r.status == StatusSkipped && strings.Contains(r.err, "previous run still going")
	}); n < 2 {
		t.Errorf("slow job: %d skipped firings recorded, want at least 2: %v", n, slow)
	}
	// The panic is recorded once, as a failed run; the job runs again at later ticks. (The
	// catch-up run and the first tick may start in the same second, in either order, so the
	// failed run is found by its status, not by its place in the ledger.)
	var panicked []runRow
	rows := ledgerRows(t, db, "panicky")
	for _, r := range rows {
		if r.status == StatusFailed && r.err == "panic: boom" {
			panicked = append(panicked, r)
		}
	}
	if len(panicked) != 1 {
		t.Fatalf("want one run failed by the panic, got %d: %v", len(panicked), rows)
	}
	if n := count(rows, func(r runRow) bool { return r.status == StatusOK && r.scheduled.After(panicked[0].scheduled) }); n < 2 {
		t.Errorf("panicky job ran %d times after its panic, want at least 2: %v", n, rows)
	}
}

// A transient failure (connection refused) is retried with backoff; a permanent one (an SQL
// error from the real server) is recorded once and not retried.
func TestTransientRetriedPermanentNot(t *testing.T) {
	db := ledgerDB(t)
	var flaky atomic.Int32
	refused := &net.OpError{Op: "dial", Net: "tcp", Err: syscall.ECONNREFUSED}
	s := &Scheduler{DB: db, Spool: filepath.Join(t.TempDir(), "spool"), Jobs: []Job{
		{Name: "flaky", Spec: "@every 1h", Retries: 3, Backoff: 100 * time.Millisecond, Run: func(context.Context) (Result, error) {
			if flaky.Add(1) <= 2 {
				return Result{}, fmt.Errorf("source: %w", refused)
			}
			return Result{Rows: 7}, nil
		}},
		{Name: "badsql", Spec: "@every 1h", Retries: 3, Backoff: 100 * time.Millisecond, Run: func(ctx context.Context) (Result, error) {
			return Result{}, db.Exec(ctx, "SELEC 1")
		}},
	}}
	runFor(t, s, 2*time.Second)
	var got []string
	for _, r := range ledgerRows(t, db, "flaky") {
		got = append(got, fmt.Sprintf("%d:%s", r.attempt, r.status))
	}
	if want := "1:retried 2:retried 3:ok"; strings.Join(got, " ") != want {
		t.Errorf("flaky attempts %v, want %s", got, want)
	}
	bad := ledgerRows(t, db, "badsql")
	if len(bad) != 1 || bad[0].status != StatusFailed || !strings.Contains(bad[0].err, "Syntax error") {
		t.Errorf("bad SQL: %v, want one failed attempt", bad)
	}
}

func TestTransientClassification(t *testing.T) {
	ctx := context.Background()
	db := ledgerDB(t)
	sqlErr := db.Exec(ctx, "SELECT nope FROM job_runs")
	// A port nothing listens on: what a stopped ClickHouse gives.
	ln, _ := net.Listen("tcp", "127.0.0.1:0")
	addr := ln.Addr().String()
	ln.Close()
	_, downErr := warehouse.Open(ctx, warehouse.Config{Addr: addr, Database: "x", User: "default"}, false)
	cases := []struct {
		name string
		err  error
		want bool
	}{
		{"ClickHouse down", downErr, true},
		{"unknown column (Code 47)", sqlErr, false},
		{"timeout (Code 159)", chException(159), true},
		{"ZooKeeper (Code 999)", fmt.Errorf("insert: %w", chException(999)), true},
		{"readonly replica (Code 242)", chException(242), true},
		{"syntax (Code 62)", chException(62), false},
		{"HTTP 503 after the connector's retries", httpExhausted(t, 503), true},
		{"HTTP 404", httpExhausted(t, 404), false},
		{"job timeout", fmt.Errorf("load: %w", context.DeadlineExceeded), false},
		{"bad config", errors.New("source drills: encoding: utf-8 but line 1 is not UTF-8"), false},
	}
	for _, c := range cases {
		if c.err == nil {
			t.Fatalf("%s: no error to classify", c.name)
		}
		if got := Transient(c.err); got != c.want {
			t.Errorf("%s: Transient(%v) = %v, want %v", c.name, c.err, got, c.want)
		}
	}
}

// Restarted after a downtime, a job whose schedule fired several times meanwhile runs once,
// for the latest missed firing; a job whose firing is still ahead does not run; a second
// restart runs nothing more.
func TestCatchUpExactlyOnce(t *testing.T) {
	ctx := context.Background()
	db := ledgerDB(t)
	now := time.Now().In(China)
	for _, r := range []Run{
		{RunID: "a", Job: "hourly", Trigger: "schedule", Scheduled: now.Truncate(time.Hour).Add(-5 * time.Hour), Status: StatusOK, Attempt: 1},
		{RunID: "b", Job: "fresh", Trigger: "schedule", Scheduled: now.Add(-10 * time.Minute), Status: StatusOK, Attempt: 1},
	} {
		r.Started, r.Finished = r.Scheduled, r.Scheduled
		if err := (&ledger{db: db}).insert(ctx, []Run{r}); err != nil {
			t.Fatal(err)
		}
	}
	var hourly, fresh atomic.Int32
	jobs := []Job{
		{Name: "hourly", Spec: "0 * * * *", Run: func(context.Context) (Result, error) { hourly.Add(1); return Result{}, nil }},
		{Name: "fresh", Spec: "@every 1h", Run: func(context.Context) (Result, error) { fresh.Add(1); return Result{}, nil }},
	}
	for range 2 {
		runFor(t, &Scheduler{DB: db, Jobs: jobs}, 1500*time.Millisecond)
	}
	if hourly.Load() != 1 || fresh.Load() != 0 {
		t.Fatalf("after two restarts: hourly ran %d times (want 1), fresh %d (want 0)", hourly.Load(), fresh.Load())
	}
	rows := ledgerRows(t, db, "hourly")
	last := rows[len(rows)-1]
	// The five firings missed were at the last five whole hours; the latest is this hour's.
	if want := now.Truncate(time.Hour); last.trigger != "catchup" || !last.scheduled.Equal(want) {
		t.Errorf("catch-up run %+v, want trigger catchup scheduled %s", last, want)
	}
}

// Two schedulers (two hosts) on one warehouse: the job never runs twice at once, and the one
// that skips names the holder.
func TestSecondSchedulerDoesNotRunJobTwice(t *testing.T) {
	db := ledgerDB(t)
	var running, most, total atomic.Int32
	job := Job{Name: "load", Spec: "* * * * * *", Run: func(context.Context) (Result, error) {
		most.Store(max(most.Load(), running.Add(1)))
		total.Add(1)
		defer running.Add(-1)
		time.Sleep(1500 * time.Millisecond)
		return Result{}, nil
	}}
	var wg sync.WaitGroup
	for _, owner := range []string{"host-a:1", "host-b:2"} {
		wg.Add(1)
		go func() {
			defer wg.Done()
			runFor(t, &Scheduler{DB: db, Owner: owner, Jobs: []Job{job}, Lease: LeaseConfig{TTL: 10 * time.Second, Settle: 300 * time.Millisecond}}, 5*time.Second)
		}()
	}
	wg.Wait()
	if most.Load() != 1 {
		t.Errorf("the job ran %d at once across two schedulers", most.Load())
	}
	rows := ledgerRows(t, db, "load")
	held := count(rows, func(r runRow) bool {
		return r.status == StatusSkipped && strings.Contains(r.err, "租约由 host-") && !strings.Contains(r.err, r.owner)
	})
	if total.Load() < 2 || held < 1 {
		t.Errorf("ran %d times, %d skips naming the other holder; ledger %v", total.Load(), held, rows)
	}
}

// A lease shorter than the run is renewed while it runs: a second scheduler starting after
// the first lease would have expired still finds it held.
func TestLeaseRenewedWhileRunning(t *testing.T) {
	db := ledgerDB(t)
	var running, most atomic.Int32
	run := func(context.Context) (Result, error) {
		most.Store(max(most.Load(), running.Add(1)))
		defer running.Add(-1)
		time.Sleep(4 * time.Second)
		return Result{}, nil
	}
	// A TTL long enough that one slow renewal on a loaded machine (CI runs packages side by
	// side) does not let it lapse: renewed every 500 ms, it lapses only if a renewal takes > 1 s.
	lease := LeaseConfig{TTL: 1500 * time.Millisecond, Settle: 100 * time.Millisecond}
	done := make(chan struct{})
	go func() {
		defer close(done)
		runFor(t, &Scheduler{DB: db, Owner: "host-a:1", Lease: lease, Jobs: []Job{{Name: "long", Spec: "@every 1h", Run: run}}}, 4500*time.Millisecond)
	}()
	time.Sleep(2 * time.Second) // past the first lease's TTL
	runFor(t, &Scheduler{DB: db, Owner: "host-b:2", Lease: lease, Jobs: []Job{{Name: "long", Spec: "* * * * * *", Run: run}}}, 2000*time.Millisecond)
	<-done
	var b []runRow
	for _, r := range ledgerRows(t, db, "long") {
		if r.owner == "host-b:2" {
			b = append(b, r)
		}
	}
	// host-b never runs: each of its firings is skipped, for the lease host-a holds or — on a
	// loaded machine, while its own attempt at the lease is still waiting on the server — as
	// still going; at least one names host-a's lease. A firing whose attempt at the lease was
	// still waiting when host-b stopped is interrupted there, before its job (CI, once).
	leased := count(b, func(r runRow) bool { return strings.Contains(r.err, "租约由 host-a:1 持有") })
	neverRan := count(b, func(r runRow) bool {
		return r.status == StatusSkipped || r.status == StatusInterrupted && strings.HasPrefix(r.err, "租约 (lease): ")
	})
	if most.Load() != 1 || len(b) == 0 || leased == 0 || neverRan != len(b) {
		t.Errorf("%d at once; host-b's attempts %v: want all skipped (or stopped waiting for the lease), at least one for the lease held by host-a:1", most.Load(), b)
	}
}
