package etl_test

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"safetydw/etl"
	"safetydw/etl/dataset"
	"safetydw/etl/sqldb"
	"safetydw/warehouse"
	"safetydw/warehouse/warehousetest"
)

// sqlTestDrillsTable is where the sql_test_drills dataset writes; each test creates it in its
// own ClickHouse database.
const sqlTestDrillsTable = "sql_test_drills"

func init() {
	dataset.Register("sql_test_drills", func(dataset.Env) *dataset.Dataset { return sqlTestDrills() })
}

// sqlTestDrills maps the fixture's columns one to one, keeping the town as written and
// updated_at as the connector's text, so the checksum also covers the time conversion.
func sqlTestDrills() *dataset.Dataset {
	col := func(name string, k dataset.Kind) dataset.Column {
		return dataset.Column{Name: name, Kind: k, Headers: []string{name}}
	}
	id := col("id", dataset.String)
	id.Headers, id.Required = []string{"drill_no"}, true
	return &dataset.Dataset{
		Name:  "sql_test_drills",
		Table: sqlTestDrillsTable,
		Columns: []dataset.Column{
			id,
			col("uscc", dataset.String), col("unit_name", dataset.String), col("town", dataset.String),
			col("organizer", dataset.String), col("drill_date", dataset.Date), col("drill_type", dataset.String),
			col("scenario", dataset.String),
			col("evacuation", dataset.UInt8), col("no_notice", dataset.UInt8), col("no_script", dataset.UInt8),
			col("no_scene", dataset.UInt8), col("no_location", dataset.UInt8),
			col("participants", dataset.UInt32), col("verified", dataset.UInt8), col("updated_at", dataset.String),
			{Name: "_version", Kind: dataset.UInt64},
		},
		Finish: func(r *dataset.Record) error {
			r.Set("_version", r.Meta.Version)
			return nil
		},
	}
}

func createSQLTestDrillsTable(t *testing.T, db *warehouse.DB) {
	t.Helper()
	err := db.Exec(context.Background(), `CREATE TABLE `+sqlTestDrillsTable+` (
		id String, uscc String, unit_name String, town String, organizer String, drill_date Date,
		drill_type String, scenario String, evacuation UInt8, no_notice UInt8, no_script UInt8,
		no_scene UInt8, no_location UInt8, participants UInt32, verified UInt8, updated_at String,
		_version UInt64
	) ENGINE = ReplacingMergeTree(_version) ORDER BY id`)
	if err != nil {
		t.Fatal(err)
	}
}

// sqlTestSource reads the fixture table under its English column names.
func sqlTestSource(f *sqlFixture, chunk int) etl.SourceConfig {
	return etl.SourceConfig{
		Name: "qzk_" + f.q.driver, Kind: "sql", Dataset: "sql_test_drills", System: "qzk",
		SQL: &sqldb.Config{
			Driver: f.q.driver, DSNEnv: f.q.dsnEnv, Table: f.Table,
			Columns:       sqlFixtureColumns,
			UpdatedColumn: "updated_at", IDColumn: "drill_no", ChunkRows: chunk,
		},
	}
}

var sqlDrivers = []string{"mysql", "postgres"}

// TestSQLSourceIncremental loads a 前置库 table, loads it again, loads 10 edits, and fails
// cleanly while ClickHouse is unreachable, checking content and watermark at each step.
func TestSQLSourceIncremental(t *testing.T) {
	for _, driver := range sqlDrivers {
		t.Run(driver, func(t *testing.T) {
			ctx := context.Background()
			q := openQZK(t, driver)
			// 1,203 rows: a bulk tie group of 300 at one second and groups of about seven;
			// 64-row chunks cut through both.
			f := newSQLFixture(t, q, 1203)
			db := warehousetest.New(t)
			createSQLTestDrillsTable(t, db)
			r := &etl.Runner{DB: db, Log: sqlLogWriter{t}}
			src := sqlTestSource(f, 64)
			srcs := []etl.SourceConfig{src}

			// Load: every row once, with the source's content, and the watermark at the last key.
			stats := sqlRun(t, r, srcs)
			if st := stats[0]; st.Read != f.Rows || st.Loaded != f.Rows || st.Quarantined != 0 || st.Batches != (f.Rows+63)/64 {
				t.Fatalf("first load: %+v, want %d rows in %d batches, none quarantined", st, f.Rows, (f.Rows+63)/64)
			}
			sqlCheckContent(t, db, f, sqlModeTestTable)
			sqlCheckWatermarkAtEnd(t, r, f, src.Name)

			// Load again: nothing read, no table changes (raw counts, not FINAL), same watermark.
			before := tableCounts(t, db)
			wm := sqlWatermark(t, r, src.Name)
			stats = sqlRun(t, r, srcs)
			if st := stats[0]; st.Read != 0 || st.Batches != 0 {
				t.Errorf("second load read %d rows in %d batches from an unchanged source", st.Read, st.Batches)
			}
			after := tableCounts(t, db)
			for table, n := range before {
				if table != "etl_runs" && after[table] != n {
					t.Errorf("%s: %d rows before the second load, %d after", table, n, after[table])
				}
			}
			if got := sqlWatermark(t, r, src.Name); got != wm {
				t.Errorf("watermark moved on an unchanged source: %v → %v", wm, got)
			}

			// Edit 10 rows, several from the bulk tie group, two sharing a new timestamp.
			hashes := sqlCHRowHashes(t, db)
			edited := []string{sqlFixtureID(4), sqlFixtureID(8), sqlFixtureID(400), sqlFixtureID(1200), sqlFixtureID(1),
				sqlFixtureID(77), sqlFixtureID(500), sqlFixtureID(901), sqlFixtureID(1203), sqlFixtureID(640)}
			at := sqlFixtureBase.Add(48 * time.Hour)
			f.update(t, edited[:5], at)
			f.update(t, edited[5:], at.Add(time.Second))
			stats = sqlRun(t, r, srcs)
			if st := stats[0]; st.Read != 10 || st.Loaded != 10 {
				t.Errorf("after 10 edits the load read %d and loaded %d rows, want 10", st.Read, st.Loaded)
			}
			var changed []string
			for id, h := range sqlCHRowHashes(t, db) {
				if hashes[id] != h {
					changed = append(changed, id)
				}
			}
			sort.Strings(changed)
			want := append([]string{}, edited...)
			sort.Strings(want)
			if strings.Join(changed, ",") != strings.Join(want, ",") {
				t.Errorf("rows changed in ClickHouse: %v, want exactly %v", changed, want)
			}
			sqlCheckContent(t, db, f, sqlModeTestTable)
			sqlCheckWatermarkAtEnd(t, r, f, src.Name)

			// ClickHouse unavailable to a runner: its connection closed, or the server gone
			// from under an open one. The run fails, and neither the watermark nor any table
			// moves; the edits wait in the source.
			f.update(t, []string{sqlFixtureID(2), sqlFixtureID(3)}, at.Add(time.Hour))
			wm = sqlWatermark(t, r, src.Name)
			before = tableCounts(t, db)
			closed := sqlOpenClickHouse(t, db.Database, db.Addr)
			closed.Close()
			gone, goneAddr := sqlVanishingClickHouse(t, db, "")
			dying, _ := sqlVanishingClickHouse(t, db, "INSERT INTO "+sqlTestDrillsTable)
			for _, down := range []struct {
				name string
				db   *warehouse.DB
				want string // what the message must name; "" when the runner names nothing
			}{
				{"closed connection", closed, "clickhouse"},
				// The runner passes dial errors on as they are: they name the server's address
				// but not the word ClickHouse.
				{"server gone", gone, goneAddr},
				// The source was read and the batch transformed; the server dies as the insert
				// arrives. The runner reports the driver's error as it is.
				{"server dies at the insert", dying, ""},
			} {
				_, err := (&etl.Runner{DB: down.db, Log: sqlLogWriter{t}}).Run(ctx, srcs)
				if err == nil {
					t.Fatalf("%s: the load succeeded without ClickHouse", down.name)
				}
				t.Logf("ClickHouse down (%s): %v", down.name, err)
				if down.want != "" && !strings.Contains(strings.ToLower(err.Error()), strings.ToLower(down.want)) {
					t.Errorf("%s: the error does not name %s: %v", down.name, down.want, err)
				}
				after = tableCounts(t, db)
				for table, n := range before {
					if after[table] != n {
						t.Errorf("%s: %s had %d rows before the failed load, %d after", down.name, table, n, after[table])
					}
				}
				if got := sqlWatermark(t, r, src.Name); got != wm {
					t.Errorf("%s: watermark moved in a failed load: %v → %v", down.name, wm, got)
				}
			}
			// Back up: the two edits arrive.
			stats = sqlRun(t, r, srcs)
			if st := stats[0]; st.Read != 2 {
				t.Errorf("after ClickHouse came back the load read %d rows, want the 2 edits", st.Read)
			}
			sqlCheckContent(t, db, f, sqlModeTestTable)
			sqlCheckWatermarkAtEnd(t, r, f, src.Name)
		})
	}
}

// TestSQLSourceSurvivesSIGKILL kills the real binary mid-load and runs it again: every row
// arrives once, none is missing.
func TestSQLSourceSurvivesSIGKILL(t *testing.T) {
	bin := sqlBuildSafetydw(t)
	for _, driver := range sqlDrivers {
		t.Run(driver, func(t *testing.T) {
			ctx := context.Background()
			q := openQZK(t, driver)
			f := newSQLFixture(t, q, 200_000)
			db := warehousetest.Empty(t)
			dir := t.TempDir()
			sources := filepath.Join(dir, "sources.yaml")
			cols := `"` + strings.Join(sqlViewNames[:len(sqlViewNames)-1], `", "`) + `"`
			yaml := fmt.Sprintf(`sources:
  - name: qzk_drills
    kind: sql
    dataset: drills
    system: qzk
    sql:
      driver: %s
      dsn_env: %s
      table: %s
      columns: [%s]
      updated_column: 更新时间
      id_column: 演练编号
      chunk_rows: 2000
`, driver, q.dsnEnv, f.View, cols)
			if err := os.WriteFile(sources, []byte(yaml), 0o644); err != nil {
				t.Fatal(err)
			}
			chAddr := db.Addr
			command := func(args ...string) *exec.Cmd {
				cmd := exec.Command(bin, append(args, "--sources", sources, "--drop", dir, "--landing", filepath.Join(dir, "landing"))...)
				cmd.Env = append(os.Environ(), "CLICKHOUSE_DB="+db.Database, "CLICKHOUSE_ADDR="+chAddr)
				return cmd
			}
			if out, err := command("migrate").CombinedOutput(); err != nil {
				t.Fatalf("safetydw migrate: %v\n%s", err, out)
			}

			// First run: killed once it committed a watermark and loaded a third of the rows,
			// so the second run resumes from the middle of the table.
			cmd := command("etl", "run")
			var out strings.Builder
			cmd.Stdout, cmd.Stderr = &out, &out
			if err := cmd.Start(); err != nil {
				t.Fatal(err)
			}
			exited := make(chan error, 1)
			go func() { exited <- cmd.Wait() }()
			deadline := time.After(2 * time.Minute)
		poll:
			for {
				select {
				case err := <-exited:
					t.Fatalf("safetydw etl run ended (%v) before a watermark was seen; the source is too small to kill it mid-way\n%s", err, out.String())
				case <-deadline:
					_ = cmd.Process.Kill()
					t.Fatalf("no watermark after 2 minutes\n%s", out.String())
				case <-time.After(5 * time.Millisecond):
				}
				var marks, loaded uint64
				if err := db.QueryRow(ctx, "SELECT (SELECT count() FROM etl_watermarks WHERE source = 'qzk_drills'), (SELECT count() FROM fact_drill)").Scan(&marks, &loaded); err != nil {
					t.Fatal(err)
				}
				if marks > 0 && loaded >= uint64(f.Rows/3) {
					break poll
				}
			}
			if err := cmd.Process.Signal(syscall.SIGKILL); err != nil {
				t.Fatal(err)
			}
			err := <-exited
			var exitErr *exec.ExitError
			if !errors.As(err, &exitErr) || exitErr.Sys().(syscall.WaitStatus).Signal() != syscall.SIGKILL {
				t.Fatalf("safetydw etl run was not killed (%v); it finished first\n%s", err, out.String())
			}
			var partial uint64
			if err := db.QueryRow(ctx, "SELECT count() FROM fact_drill FINAL").Scan(&partial); err != nil {
				t.Fatal(err)
			}
			if partial >= uint64(f.Rows) {
				t.Fatalf("the killed run had loaded all %d rows; nothing was left to resume", partial)
			}
			t.Logf("killed after loading %d of %d rows", partial, f.Rows)
			// An INSERT the killed loader had sent whole still completes on the server after the
			// kill; read the watermark once nothing writes watermarks any more.
			waitNoInsert(t, db, "etl_watermarks")
			killedAt := sqlWatermark(t, &etl.Runner{DB: db}, "qzk_drills")

			// ClickHouse down when the loader starts: it fails saying so, the watermark stays.
			chAddr = sqlClosedPort(t)
			res, err := command("etl", "run").CombinedOutput()
			if err == nil || !strings.Contains(string(res), "ClickHouse") {
				t.Errorf("safetydw etl run with ClickHouse down: %v, want a failure naming ClickHouse\n%s", err, res)
			}
			t.Logf("ClickHouse down: %s", strings.TrimSpace(string(res)))
			chAddr = db.Addr
			if got := sqlWatermark(t, &etl.Runner{DB: db}, "qzk_drills"); got != killedAt {
				t.Errorf("watermark moved while ClickHouse was down: %v → %v", killedAt, got)
			}

			// Second run: to the end.
			started := time.Now()
			res, err = command("etl", "run").CombinedOutput()
			if err != nil {
				t.Fatalf("safetydw etl run after the kill: %v\n%s", err, res)
			}
			t.Logf("resumed run (%.1fs): %s", time.Since(started).Seconds(), strings.TrimSpace(string(res)))

			var final, keys uint64
			if err := db.QueryRow(ctx, "SELECT count(), uniqExact(drill_id) FROM fact_drill FINAL").Scan(&final, &keys); err != nil {
				t.Fatal(err)
			}
			if final != uint64(f.Rows) || keys != uint64(f.Rows) {
				t.Errorf("fact_drill holds %d rows with %d distinct drills, want %d each (no duplicates, none missing)", final, keys, f.Rows)
			}
			var quarantined uint64
			if err := db.QueryRow(ctx, "SELECT count() FROM etl_quarantine").Scan(&quarantined); err != nil {
				t.Fatal(err)
			}
			if quarantined != 0 {
				t.Errorf("%d rows quarantined, want none", quarantined)
			}
			sqlCheckContent(t, db, f, sqlModeFactDrill)
			r := &etl.Runner{DB: db}
			sqlCheckWatermarkAtEnd(t, r, f, "qzk_drills")
		})
	}
}

func sqlRun(t *testing.T, r *etl.Runner, srcs []etl.SourceConfig) []etl.Stats {
	t.Helper()
	stats, err := r.Run(context.Background(), srcs)
	if err != nil {
		t.Fatal(err)
	}
	return stats
}

// sqlCheckContent compares ClickHouse's current rows with the source, both checksummed in SQL.
func sqlCheckContent(t *testing.T, db *warehouse.DB, f *sqlFixture, mode sqlChecksumMode) {
	t.Helper()
	want := f.sourceChecksum(t, mode)
	got := sqlCHChecksum(t, db, mode)
	if got != want {
		t.Errorf("ClickHouse %s checksum %+v, %s source %+v", sqlCHTable(mode), got, f.q.driver, want)
	}
	if want.Rows != uint64(f.Rows) {
		t.Errorf("the source holds %d rows, want %d", want.Rows, f.Rows)
	}
}

type sqlCursorKey struct {
	TS time.Time
	ID string
}

func sqlWatermark(t *testing.T, r *etl.Runner, src string) sqlCursorKey {
	t.Helper()
	c, err := r.Watermark(context.Background(), src)
	if err != nil {
		t.Fatal(err)
	}
	if c == nil {
		t.Fatalf("no watermark for %s", src)
	}
	return sqlCursorKey{c.TS.In(sqlShanghai), c.ID}
}

// sqlCheckWatermarkAtEnd: after a complete load the watermark is the source's last key.
func sqlCheckWatermarkAtEnd(t *testing.T, r *etl.Runner, f *sqlFixture, src string) {
	t.Helper()
	ts, id := f.lastKey(t)
	if got := sqlWatermark(t, r, src); !got.TS.Equal(ts) || got.ID != id {
		t.Errorf("watermark %v/%s, want the source's last key %v/%s", got.TS, got.ID, ts, id)
	}
}

func sqlOpenClickHouse(t *testing.T, database, addr string) *warehouse.DB {
	t.Helper()
	cfg := warehouse.ConfigFromEnv()
	cfg.Addr, cfg.Database = addr, database
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	conn, err := warehouse.Open(ctx, cfg, false)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { conn.Close() })
	return conn
}

// sqlVanishingClickHouse returns a connection to db's database through a proxy that shuts,
// as when the server goes down under a running loader: at once when marker is empty, else
// when the marker (a query's text) comes from the client. It also returns the address the
// connection uses.
func sqlVanishingClickHouse(t *testing.T, db *warehouse.DB, marker string) (*warehouse.DB, string) {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	var mu sync.Mutex
	var conns []net.Conn
	shut := func() {
		ln.Close()
		mu.Lock()
		for _, c := range conns {
			c.Close()
		}
		mu.Unlock()
	}
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			s, err := net.Dial("tcp", db.Addr)
			if err != nil {
				c.Close()
				continue
			}
			mu.Lock()
			conns = append(conns, c, s)
			mu.Unlock()
			go func() {
				// Client to server, watching for the marker; the tail carries a marker split
				// across two reads.
				buf, tail := make([]byte, 32<<10), []byte{}
				for {
					n, err := c.Read(buf)
					if n > 0 {
						seen := append(tail, buf[:n]...)
						if marker != "" && strings.Contains(string(seen), marker) {
							shut()
							return
						}
						tail = append([]byte{}, seen[max(0, len(seen)-len(marker)):]...)
						if _, err := s.Write(buf[:n]); err != nil {
							return
						}
					}
					if err != nil {
						s.Close()
						return
					}
				}
			}()
			go func() { _, _ = io.Copy(c, s); c.Close() }()
		}
	}()
	t.Cleanup(shut)
	conn := sqlOpenClickHouse(t, db.Database, ln.Addr().String())
	if marker == "" {
		shut()
	}
	return conn, ln.Addr().String()
}

// sqlClosedPort is an address nothing listens on.
func sqlClosedPort(t *testing.T) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close()
	return addr
}

// sqlBuildSafetydw builds the binary from the repository root into the test's temp folder.
func sqlBuildSafetydw(t *testing.T) string {
	t.Helper()
	root, err := os.Getwd()
	if err != nil {
		t.Fatal(err)
	}
	for {
		if _, err := os.Stat(filepath.Join(root, "go.mod")); err == nil {
			break
		}
		parent := filepath.Dir(root)
		if parent == root {
			t.Fatal("go.mod not found above the test's folder")
		}
		root = parent
	}
	bin := filepath.Join(t.TempDir(), "safetydw")
	cmd := exec.Command("go", "build", "-o", bin, "./cmd/safetydw")
	cmd.Dir = root
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("go build ./cmd/safetydw: %v\n%s", err, out)
	}
	return bin
}

// sqlLogWriter sends the runner's progress lines to the test log.
type sqlLogWriter struct{ t *testing.T }

func (w sqlLogWriter) Write(p []byte) (int, error) {
	w.t.Log(strings.TrimRight(string(p), "\n"))
	return len(p), nil
}

// waitNoInsert waits until the server has run no INSERT into the table for a second (any
// database: system.processes of 18.16 does not say which), at most 30 s.
func waitNoInsert(t *testing.T, db *warehouse.DB, table string) {
	t.Helper()
	running := func() uint64 {
		var n uint64
		if err := db.QueryRow(context.Background(), "SELECT count() FROM system.processes WHERE query LIKE ?",
			"INSERT INTO "+table+"%").Scan(&n); err != nil {
			t.Fatal(err)
		}
		return n
	}
	for deadline := time.Now().Add(30 * time.Second); time.Now().Before(deadline); time.Sleep(200 * time.Millisecond) {
		if running() == 0 {
			time.Sleep(time.Second)
			if running() == 0 {
				return
			}
		}
	}
	t.Fatalf("INSERTs into %s still running after 30 s", table)
}
