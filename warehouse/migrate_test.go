package warehouse_test

import (
	"context"
	"reflect"
	"strings"
	"testing"
	"time"

	"safetydw/warehouse"
	"safetydw/warehouse/warehousetest"
)

func TestSplitStatements(t *testing.T) {
	sql := "-- header comment;\nCREATE TABLE a (x UInt8)\n  ENGINE = Memory;\n\n-- only a comment\nSELECT 1;\nSELECT 2"
	got := warehouse.SplitStatements(sql)
	want := []string{"-- header comment;\nCREATE TABLE a (x UInt8)\n  ENGINE = Memory", "-- only a comment\nSELECT 1", "SELECT 2"}
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("got %q\nwant %q", got, want)
	}
}

func TestMigrateAppliesEachMigrationOnce(t *testing.T) {
	ctx := context.Background()
	db := warehousetest.Empty(t)
	ms, err := warehouse.Migrations()
	if err != nil {
		t.Fatal(err)
	}
	first, err := db.Migrate(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if len(first) != len(ms) {
		t.Fatalf("first run applied %d of %d migrations: %v", len(first), len(ms), first)
	}
	second, err := db.Migrate(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if len(second) != 0 {
		t.Fatalf("second run applied %v; an up-to-date warehouse must not change", second)
	}
	var recorded uint64
	if err := db.QueryRow(ctx, "SELECT count() FROM schema_migrations").Scan(&recorded); err != nil {
		t.Fatal(err)
	}
	if int(recorded) != len(ms) {
		t.Fatalf("schema_migrations holds %d rows, want %d", recorded, len(ms))
	}
	// A migration edited after it ran is refused rather than silently skipped.
	if err := db.Exec(ctx, "ALTER TABLE schema_migrations UPDATE checksum = 'edited' WHERE version = 1"); err != nil {
		t.Fatal(err)
	}
	waitMutations(t, db)
	if _, err := db.Migrate(ctx); err == nil {
		t.Fatal("migrate accepted a changed migration")
	}
}

func TestReferenceLoadIsIdempotent(t *testing.T) {
	ctx := context.Background()
	db := warehousetest.New(t)
	again, err := db.LoadReference(ctx)
	if err != nil {
		t.Fatal(err)
	}
	for table, n := range again {
		var got uint64
		if err := db.QueryRow(ctx, "SELECT count() FROM "+table).Scan(&got); err != nil {
			t.Fatal(err)
		}
		if int(got) != n {
			t.Errorf("%s holds %d rows after a second load, the file has %d", table, got, n)
		}
	}
	// Hand-checked values from the seed: 119 targets; T70 is 40 % for 2024, T71 50 % for 2025.
	if again["ref_target"] != 119 {
		t.Errorf("ref_target has %d rows, want 119", again["ref_target"])
	}
	if again["dim_town"] != 10 {
		t.Errorf("dim_town has %d rows, want 10", again["dim_town"])
	}
	var th float64
	var year uint16
	if err := db.QueryRow(ctx, "SELECT assumeNotNull(threshold), period_year FROM ref_target WHERE target_id = 'T71'").Scan(&th, &year); err != nil {
		t.Fatal(err)
	}
	if th != 50 || year != 2025 {
		t.Errorf("T71 = %v%% for %d, want 50%% for 2025", th, year)
	}
}

func waitMutations(t *testing.T, db *warehouse.DB) {
	t.Helper()
	for i := 0; i < 100; i++ {
		var pending uint64
		if err := db.QueryRow(context.Background(),
			"SELECT count() FROM system.mutations WHERE database = ? AND is_done = 0", db.Database).Scan(&pending); err != nil {
			t.Fatal(err)
		}
		if pending == 0 {
			return
		}
		time.Sleep(100 * time.Millisecond)
	}
	t.Fatal("mutations did not finish")
}

// A run of CREATE TABLE statements goes in waves (createTables, as Migrate runs it on a
// cluster): the statement that failed is named, no later wave runs, and the run repeats safely
// once the statement is fixed. On a cluster the first wave makes the replicated _local tables
// and the second the Distributed tables over them; one server has one wave.
func TestRenderedWavesNameTheFailingStatement(t *testing.T) {
	ctx := context.Background()
	db := warehousetest.Empty(t)
	clustered := db.Deploy().Clustered()
	stmts := []string{
		"CREATE TABLE IF NOT EXISTS wave_a (k String) ENGINE = MergeTree ORDER BY k",
		"CREATE TABLE IF NOT EXISTS wave_b (k String) ENGINE = MergeTree ORDER BY no_such_column",
		"CREATE TABLE IF NOT EXISTS wave_c (k String) ENGINE = MergeTree ORDER BY k",
	}
	tables := func() string {
		names, err := db.Tables(ctx) // on a cluster, the Distributed tables only
		if err != nil {
			t.Fatal(err)
		}
		return strings.Join(names, ",")
	}
	k, err := warehouse.CreateTables(db, ctx, stmts)
	if err == nil || k != 1 || !strings.Contains(err.Error(), "no_such_column") {
		t.Fatalf("createTables = %d, %v; want statement 1 (0-based) failing on no_such_column", k, err)
	}
	want := "wave_a,wave_c"
	if clustered {
		want = "" // the Distributed wave did not run
	}
	if got := tables(); got != want {
		t.Fatalf("after the failed wave the database holds %q, want %q", got, want)
	}
	stmts[1] = "CREATE TABLE IF NOT EXISTS wave_b (k String) ENGINE = MergeTree ORDER BY k"
	if k, err := warehouse.CreateTables(db, ctx, stmts); err != nil {
		t.Fatalf("repeat: statement %d: %v", k, err)
	}
	if want = "wave_a,wave_b,wave_c"; tables() != want {
		t.Fatalf("after the repeat the database holds %q, want %q", tables(), want)
	}

}
