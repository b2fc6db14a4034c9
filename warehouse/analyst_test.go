package warehouse_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/ClickHouse/clickhouse-go/v2"

	"safetydw/warehouse"
	"safetydw/warehouse/analysttest"
	"safetydw/warehouse/warehousetest"
)

// code is the ClickHouse error code of err, 0 when err is not a server exception.
func code(err error) int32 {
	var ex *clickhouse.Exception
	if errors.As(err, &ex) {
		return ex.Code
	}
	return 0
}

// drain runs a query and reads every row, so errors raised while streaming count too.
func drain(ctx context.Context, db *warehouse.DB, sql string) (int, error) {
	rows, err := db.Query(ctx, sql)
	if err != nil {
		return 0, err
	}
	defer rows.Close()
	n := 0
	for rows.Next() {
		n++
	}
	return n, rows.Err()
}

// The analyst account reads every documented table, and each table's example query in the
// dictionary runs as that account (the data dictionary page shows them to analysts).
func TestAnalystReadsEveryDocumentedTable(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	admin := warehousetest.New(t)
	analyst := analysttest.Open(t, admin.Database, nil)
	docs, err := warehouse.Dictionary()
	if err != nil {
		t.Fatal(err)
	}
	for _, d := range docs {
		t.Run(d.Name, func(t *testing.T) {
			if _, err := drain(ctx, analyst, "SELECT * FROM "+d.Name+" LIMIT 10"); err != nil {
				t.Errorf("SELECT * FROM %s: %v", d.Name, err)
			}
			if _, err := drain(ctx, analyst, d.Example); err != nil {
				t.Errorf("example query of %s: %v\n%s", d.Name, err, d.Example)
			}
		})
	}
	n, err := drain(ctx, analyst, "SELECT * FROM dim_town")
	if err != nil || n != 10 {
		t.Errorf("dim_town as analyst: %d rows, %v; want the 10 towns", n, err)
	}
}

// Everything but reading is refused by the server itself (readonly=1 in the profile), with the
// codes 18.16 returns; the tables are unchanged afterwards.
func TestAnalystCannotChangeAnything(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	admin := warehousetest.New(t)
	other := warehousetest.Empty(t)
	if err := other.Exec(ctx, "CREATE TABLE secret (x UInt8) ENGINE = Memory"); err != nil {
		t.Fatal(err)
	}
	analyst := analysttest.Open(t, admin.Database, nil)

	const (
		readonly     = 164 // READONLY: "Cannot … in readonly mode", also for SET and table functions
		accessDenied = 291 // ACCESS_DENIED: a database outside allow_databases
	)
	cases := []struct {
		name string
		sql  string
		code int32
	}{
		{"insert select", "INSERT INTO dim_town (town_code, name, kind, sort_order) SELECT '1', '假镇', '镇', 99", readonly},
		{"insert values", "INSERT INTO dim_town (town_code, name, kind, sort_order) VALUES ('1', '假镇', '镇', 99)", readonly},
		{"alter delete", "ALTER TABLE dim_town DELETE WHERE 1", readonly},
		{"alter update", "ALTER TABLE dim_town UPDATE name = 'x' WHERE 1", readonly},
		{"alter add column", "ALTER TABLE dim_town ADD COLUMN x UInt8", readonly},
		{"alter drop partition", "ALTER TABLE ads_metric_value DROP PARTITION 'sibu_drill_share'", readonly},
		{"drop table", "DROP TABLE dim_town", readonly},
		{"truncate", "TRUNCATE TABLE dim_town", readonly},
		{"rename", "RENAME TABLE dim_town TO dim_town_old", readonly},
		{"optimize", "OPTIMIZE TABLE fact_drill FINAL", readonly},
		{"create table", "CREATE TABLE scratch (x UInt8) ENGINE = Memory", readonly},
		{"create table as select", "CREATE TABLE scratch ENGINE = Memory AS SELECT * FROM dim_town", readonly},
		{"create database", "CREATE DATABASE scratch", readonly},
		{"detach", "DETACH TABLE dim_town", readonly},
		{"set", "SET max_execution_time = 3600", readonly},
		{"set readonly", "SET readonly = 0", readonly},
		{"settings clause", "SELECT count() FROM dim_town SETTINGS max_execution_time = 3600", readonly},
		{"settings clause readonly", "SELECT count() FROM dim_town SETTINGS readonly = 0", readonly},
		{"table function numbers", "SELECT count() FROM numbers(10)", readonly},
		{"table function remote", "SELECT * FROM remote('127.0.0.1', system.one)", readonly},
		{"table function url", "SELECT * FROM url('http://127.0.0.1:1/', TSV, 'x String')", readonly},
		{"table function file", "SELECT * FROM file('x.tsv', TSV, 'x String')", readonly},
		{"system", "SYSTEM RELOAD DICTIONARIES", readonly},
		{"other database", "SELECT * FROM " + other.Database + ".secret", accessDenied},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			// INSERT … VALUES hangs on 18.16 for an account that may write (stack-notes B); a
			// readonly one must be refused at once, so a short deadline is part of the check.
			ctx, cancel := context.WithTimeout(ctx, 10*time.Second)
			defer cancel()
			_, err := drain(ctx, analyst, c.sql)
			if got := code(err); got != c.code {
				t.Fatalf("%s\n got %v (code %d), want code %d", c.sql, err, got, c.code)
			}
			t.Logf("code %d: %v", c.code, err)
		})
	}

	var towns, scratch uint64
	if err := admin.QueryRow(ctx, "SELECT count() FROM dim_town").Scan(&towns); err != nil || towns != 10 {
		t.Errorf("dim_town after the attempts: %d rows, %v; want 10", towns, err)
	}
	if err := admin.QueryRow(ctx, "SELECT count() FROM system.tables WHERE database = ? AND name LIKE 'scratch%'", admin.Database).Scan(&scratch); err != nil || scratch != 0 {
		t.Errorf("scratch tables: %d, %v", scratch, err)
	}
}

// Settings a client sends with the query (clickhouse-go WithSettings, clickhouse-client
// --max_execution_time=…) do not lift the profile: 18.16 ignores them for a readonly user.
func TestAnalystSettingsOverridesDoNotApply(t *testing.T) {
	t.Parallel()
	admin := warehousetest.New(t)
	analyst := analysttest.Open(t, admin.Database, nil)
	ctx := clickhouse.Context(context.Background(), clickhouse.WithSettings(clickhouse.Settings{
		"readonly": 0, "max_execution_time": 3600, "max_result_rows": 0,
	}))
	got := map[string]string{}
	rows, err := analyst.Query(ctx, "SELECT name, value FROM system.settings WHERE name IN ('readonly', 'max_execution_time', 'max_result_rows')")
	if err == nil {
		for rows.Next() {
			var k, v string
			if err := rows.Scan(&k, &v); err != nil {
				t.Fatal(err)
			}
			got[k] = v
		}
		rows.Close()
		err = rows.Err()
	}
	switch {
	case code(err) == 164:
		t.Logf("the server refused the settings: %v", err) // what current releases do
	case err != nil:
		t.Fatal(err)
	default:
		t.Logf("client settings ignored (18.16): %v", got)
		want := map[string]string{"readonly": "1", "max_execution_time": "30", "max_result_rows": "1000000"}
		for k, v := range want {
			if got[k] != v {
				t.Errorf("%s = %q with a client override, want the profile's %q", k, got[k], v)
			}
		}
	}
	_, err = drain(ctx, analyst, "INSERT INTO dim_town (town_code, name, kind, sort_order) SELECT '1', '假镇', '镇', 99")
	if code(err) != 164 {
		t.Errorf("INSERT with readonly=0 sent by the client: %v, want code 164", err)
	}
}

// A runaway query stops at the profile's time limit, here lowered to 2 s in the test's own
// profile, and a client-side setting cannot raise it.
func TestAnalystRunawayQueryStops(t *testing.T) {
	t.Parallel()
	admin := warehousetest.New(t)
	analyst := analysttest.Open(t, admin.Database, map[string]string{"max_execution_time": "2"})
	ctx := clickhouse.Context(context.Background(), clickhouse.WithSettings(clickhouse.Settings{"max_execution_time": 3600}))
	ctx, cancel := context.WithTimeout(ctx, 60*time.Second) // a backstop for the test, not the limit under test
	defer cancel()
	start := time.Now()
	_, err := drain(ctx, analyst, "SELECT count() FROM system.numbers")
	elapsed := time.Since(start)
	if code(err) != 159 {
		t.Fatalf("got %v after %s, want code 159 (TIMEOUT_EXCEEDED)", err, elapsed)
	}
	if elapsed >= 10*time.Second {
		t.Fatalf("the query ran %s, want it stopped near 2 s", elapsed)
	}
	t.Logf("stopped after %s: %v", elapsed.Round(time.Millisecond), err)
}

// Results larger than max_result_rows are an error, not a silent cut.
func TestAnalystResultRowLimit(t *testing.T) {
	t.Parallel()
	admin := warehousetest.New(t)
	analyst := analysttest.Open(t, admin.Database, map[string]string{"max_result_rows": "1000"})
	_, err := drain(context.Background(), analyst, "SELECT number FROM system.numbers LIMIT 5000")
	if code(err) != 396 {
		t.Fatalf("got %v, want code 396 (TOO_MANY_ROWS_OR_BYTES)", err)
	}
}

// A query that needs more memory than max_memory_usage fails instead of starving the server
// (the profile's 4 GB, lowered here to 10 MB).
func TestAnalystMemoryLimit(t *testing.T) {
	t.Parallel()
	admin := warehousetest.New(t)
	analyst := analysttest.Open(t, admin.Database, map[string]string{"max_memory_usage": "10000000"})
	_, err := drain(context.Background(), analyst, "SELECT uniqExact(number) FROM (SELECT number FROM system.numbers LIMIT 5000000)")
	if code(err) != 241 {
		t.Fatalf("got %v, want code 241 (MEMORY_LIMIT_EXCEEDED)", err)
	}
}
