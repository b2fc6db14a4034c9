package warehouse_test

import (
	"context"
	"fmt"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"safetydw/warehouse"
	"safetydw/warehouse/analysttest"
	"safetydw/warehouse/warehousetest"
)

// slowQuery runs until it is killed or reaches max_execution_time, using almost no CPU: each
// block of system.numbers (65,536 rows) sleeps 65,536 × 40 µs ≈ 2.6 s (18.16 allows at most
// 3 s of sleep per block).
const slowQuery = "SELECT count() FROM system.numbers WHERE NOT ignore(sleepEachRow(0.00004))"

// growingQuery holds ever more memory, without end: a sort keeps every block it reads (65,536
// arrays of 100 UInt64, about 52 MB, every second or two) until its input ends, which never
// comes. Only a memory limit, the time limit or KILL stops it.
const growingQuery = "SELECT count() FROM (SELECT a FROM (SELECT arrayMap(x -> number, range(100)) AS a, number AS n FROM system.numbers WHERE NOT ignore(sleepEachRow(0.00001))) ORDER BY n DESC)"

// processes lists the running queries of user, read as the admin.
func processes(t *testing.T, admin *warehouse.DB, user string) (n int, memory []int64) {
	t.Helper()
	rows, err := admin.Query(context.Background(), "SELECT memory_usage FROM system.processes WHERE user = ? ORDER BY elapsed DESC", user)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	for rows.Next() {
		var m int64
		if err := rows.Scan(&m); err != nil {
			t.Fatal(err)
		}
		memory = append(memory, m)
	}
	return len(memory), memory
}

// waitFor polls until ok holds; the deadline only guards a broken server, it measures nothing.
func waitFor(t *testing.T, what string, ok func() bool) {
	t.Helper()
	for deadline := time.Now().Add(60 * time.Second); !ok(); time.Sleep(100 * time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatalf("gave up waiting for %s", what)
		}
	}
}

// killAll ends the user's queries, so a test never leaves work running on the shared server.
func killAll(admin *warehouse.DB, user string) {
	_ = admin.Exec(context.Background(), "KILL QUERY WHERE user = '"+user+"' ASYNC")
}

// The committed profile caps the analysts as a group: a number of queries at once and the
// memory of all of them together, not only per query.
func TestAnalystProfileHasPerUserLimits(t *testing.T) {
	t.Parallel()
	admin := warehousetest.New(t)
	analyst := analysttest.Open(t, admin.Database, nil)
	rows, err := analyst.Query(context.Background(), "SELECT name, value FROM system.settings WHERE name IN ('max_memory_usage_for_user', 'max_concurrent_queries_for_user', 'max_memory_usage')")
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	got := map[string]string{}
	for rows.Next() {
		var n, v string
		if err := rows.Scan(&n, &v); err != nil {
			t.Fatal(err)
		}
		got[n] = v
	}
	// 4 GB for all analyst queries together (three heavy ones once took 5.2 GB), 3 at once.
	want := map[string]string{"max_memory_usage_for_user": "4000000000", "max_concurrent_queries_for_user": "3", "max_memory_usage": "4000000000"}
	for k, v := range want {
		if got[k] != v {
			t.Errorf("%s = %q for the analyst, want %s", k, got[k], v)
		}
	}
}

// With the committed number of analyst queries running, one more is refused at once (Code 202)
// instead of adding its memory and CPU to the others.
func TestAnalystConcurrentQueriesAreRefused(t *testing.T) {
	t.Parallel()
	admin := warehousetest.New(t)
	cfg := analysttest.Provision(t, admin.Database, nil)
	analyst, err := warehouse.Open(context.Background(), cfg, false)
	if err != nil {
		t.Fatal(err)
	}
	defer analyst.Close()
	var limit uint64
	if err := analyst.QueryRow(context.Background(), "SELECT toUInt64(value) FROM system.settings WHERE name = 'max_concurrent_queries_for_user'").Scan(&limit); err != nil {
		t.Fatal(err)
	}
	if limit == 0 {
		t.Fatal("max_concurrent_queries_for_user is 0 (unlimited) in the committed profile")
	}
	t.Cleanup(func() { killAll(admin, cfg.User) })

	var wg sync.WaitGroup
	for i := uint64(0); i < limit; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			_, _ = drain(context.Background(), analyst, slowQuery) // ends when killed below
		}()
	}
	waitFor(t, fmt.Sprintf("%d analyst queries running", limit), func() bool {
		n, _ := processes(t, admin, cfg.User)
		return uint64(n) == limit
	})
	_, err = drain(context.Background(), analyst, "SELECT 1")
	if code(err) != 202 || !strings.Contains(err.Error(), "for user") {
		t.Errorf("query %d while %d run: %v, want Code 202 Too many simultaneous queries for user", limit+1, limit, err)
	}
	killAll(admin, cfg.User)
	wg.Wait()
}

// Two growing analyst queries at once are stopped by the limit for the user: all its queries
// together, here lowered to 300 MB, while each stays far below the 4 GB for one query. B starts
// once A holds 100 MB; both then grow without end, so their sum passes 300 MB and one of them
// fails with Code 241 "Memory limit (for user) exceeded". Without a per-user limit both ran on
// until the time limit (Code 159), each free to take 4 GB.
func TestAnalystMemoryLimitHoldsAcrossQueries(t *testing.T) {
	t.Parallel()
	admin := warehousetest.New(t)
	cfg := analysttest.Provision(t, admin.Database, map[string]string{"max_memory_usage_for_user": strconv.Itoa(300_000_000)})
	t.Cleanup(func() { killAll(admin, cfg.User) })
	run := func(errs chan<- error) {
		db, err := warehouse.Open(context.Background(), cfg, false)
		if err != nil {
			errs <- err
			return
		}
		defer db.Close()
		_, err = drain(context.Background(), db, growingQuery)
		errs <- err
	}
	a, b := make(chan error, 1), make(chan error, 1)
	go run(a)
	waitFor(t, "query A to hold 100 MB", func() bool {
		_, mem := processes(t, admin, cfg.User)
		return len(mem) == 1 && mem[0] >= 100_000_000
	})
	go run(b)
	// The first to fail takes its memory with it; the other is then stopped by the test.
	var errA, errB error
	select {
	case errA = <-a:
		killAll(admin, cfg.User)
		errB = <-b
	case errB = <-b:
		killAll(admin, cfg.User)
		errA = <-a
	}
	first := errA
	if code(errA) != 241 {
		first = errB
	}
	if code(first) != 241 || !strings.Contains(first.Error(), "for user") {
		t.Errorf("A: %v\nB: %v\nwant one Code 241 Memory limit (for user) exceeded", errA, errB)
	}
}
