package sqldb

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"os"
	"strconv"
	"strings"
	"testing"
	"time"

	"safetydw/etl/source"
)

func TestConfigRejectsUnsafeNames(t *testing.T) {
	good := Config{Driver: "mysql", DSNEnv: "X", Table: "test.drills", Columns: []string{"编号", "updated_at"}, UpdatedColumn: "updated_at", IDColumn: "编号"}
	if err := good.check(); err != nil {
		t.Fatalf("valid config rejected: %v", err)
	}
	for name, mutate := range map[string]func(*Config){
		"table injection":  func(c *Config) { c.Table = "drills; DROP TABLE x" },
		"three-part table": func(c *Config) { c.Table = "a.b.c" },
		"backtick column":  func(c *Config) { c.Columns = []string{"a`b"} },
		"quote column":     func(c *Config) { c.Columns = []string{`a"b`} },
		"digit first":      func(c *Config) { c.IDColumn = "1id" },
		"space in updated": func(c *Config) { c.UpdatedColumn = "updated at" },
		"repeated column":  func(c *Config) { c.Columns = []string{"a", "a"} },
		"same keys":        func(c *Config) { c.IDColumn = c.UpdatedColumn },
		"driver":           func(c *Config) { c.Driver = "sqlite" },
		"no dsn_env":       func(c *Config) { c.DSNEnv = "" },
		"negative chunk":   func(c *Config) { c.ChunkRows = -1 },
	} {
		c := good
		c.Columns = append([]string{}, good.Columns...)
		mutate(&c)
		if err := c.check(); err == nil {
			t.Errorf("%s: accepted %+v", name, c)
		}
	}
}

func TestEmptyDSNVariableIsNamed(t *testing.T) {
	t.Setenv("QZK_EMPTY_DSN", "")
	_, err := Open(context.Background(), Config{Driver: "postgres", DSNEnv: "QZK_EMPTY_DSN", Table: "t", Columns: []string{"a"}, UpdatedColumn: "u", IDColumn: "id"}, nil)
	if err == nil || !strings.Contains(err.Error(), "QZK_EMPTY_DSN") {
		t.Fatalf("error %v does not name the variable", err)
	}
}

// testDB is a local server and a scratch table in it, dropped at the end.
type testDB struct {
	driver, env string
	db          *sql.DB
	table       string
}

func openTestDB(t *testing.T, driver string) *testDB {
	t.Helper()
	defaults := map[string][3]string{
		"mysql":    {"QZK_MYSQL_DSN", "root@tcp(127.0.0.1:3306)/test", "start-stop-daemon --start --oknodo --background --exec /usr/sbin/mariadbd"},
		"postgres": {"QZK_POSTGRES_DSN", "postgres://postgres@127.0.0.1:5432/test?sslmode=disable", "pg_ctlcluster --skip-systemctl-redirect $(ls /etc/postgresql) main start"},
	}[driver]
	dsn := os.Getenv(defaults[0])
	if dsn == "" {
		dsn = defaults[1]
		t.Setenv(defaults[0], dsn)
	}
	// The connector's own connection setup, so the fixture writes Beijing wall clocks as it reads them.
	db, err := openDB(driver, dsn)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if err := db.PingContext(ctx); err != nil {
		t.Fatalf("无法连接 %s (cannot reach %s at $%s=%s): %v\n  start it with: %s", driver, driver, defaults[0], dsn, err, defaults[2])
	}
	var b [4]byte
	_, _ = rand.Read(b[:])
	td := &testDB{driver: driver, env: defaults[0], db: db, table: "qzk_sqldb_" + hex.EncodeToString(b[:])}
	t.Cleanup(func() { _, _ = db.Exec("DROP TABLE IF EXISTS " + td.table) })
	return td
}

func (d *testDB) exec(t *testing.T, q string, args ...any) {
	t.Helper()
	if d.driver == "postgres" {
		for i := 1; strings.Contains(q, "?"); i++ {
			q = strings.Replace(q, "?", "$"+strconv.Itoa(i), 1)
		}
	}
	if _, err := d.db.Exec(q, args...); err != nil {
		t.Fatalf("%s: %v\n%s", d.driver, err, q)
	}
}

func readAll(t *testing.T, c *Connector) (ids []string, rows [][]string, batches []*source.Batch) {
	t.Helper()
	defer c.Close()
	for {
		b, err := c.Next(context.Background())
		if err != nil {
			t.Fatal(err)
		}
		if b == nil {
			return
		}
		batches = append(batches, b)
		for _, r := range b.Table.Rows[1:] {
			ids = append(ids, r.Values[0])
			rows = append(rows, r.Values)
		}
	}
}

// TestIntegerIDs: with an INT id, "10" sorts before "9" as text but after it in SQL. The
// watermark's id is bound as an integer, so a resume inside a tie group neither skips nor
// repeats rows. Values of other types come out as their text.
func TestIntegerIDs(t *testing.T) {
	for _, driver := range []string{"mysql", "postgres"} {
		t.Run(driver, func(t *testing.T) {
			d := openTestDB(t, driver)
			types := map[string][]string{ // u, flag, tz, float
				"mysql":    {"DATETIME", "BOOLEAN", "TIMESTAMP NULL", "FLOAT"},
				"postgres": {"TIMESTAMP", "BOOLEAN", "TIMESTAMPTZ", "REAL"},
			}[driver]
			d.exec(t, "CREATE TABLE "+d.table+" (id INTEGER NOT NULL PRIMARY KEY, u "+types[0]+" NOT NULL, amount DECIMAL(10,2), ok "+types[1]+", at_zone "+types[2]+", ratio "+types[3]+", note VARCHAR(20), day DATE)")
			t0 := time.Date(2024, 3, 1, 10, 0, 0, 0, shanghai)
			for id := 1; id <= 25; id++ {
				u := t0 // ids 1–12 share one second, 13–25 the next
				if id > 12 {
					u = t0.Add(time.Second)
				}
				var note any = "第" + strconv.Itoa(id) + "条"
				if id%5 == 0 {
					note = nil
				}
				d.exec(t, "INSERT INTO "+d.table+" VALUES (?, ?, ?, ?, ?, ?, ?, ?)", id, u, "12.50", id%2 == 0, t0, float32(1.1), note, time.Date(2024, 2, 29, 0, 0, 0, 0, time.UTC))
			}
			cfg := Config{Driver: driver, DSNEnv: d.env, Table: d.table, Columns: []string{"id", "amount", "ok", "at_zone", "ratio", "note", "day"},
				UpdatedColumn: "u", IDColumn: "id", ChunkRows: 4}

			c, err := Open(context.Background(), cfg, nil)
			if err != nil {
				t.Fatal(err)
			}
			ids, rows, batches := readAll(t, c)
			if len(ids) != 25 || len(batches) != 7 {
				t.Fatalf("read %d rows in %d batches, want 25 in 7", len(ids), len(batches))
			}
			for i, id := range ids {
				if id != strconv.Itoa(i+1) {
					t.Fatalf("row %d has id %s: out of order %v", i+1, id, ids)
				}
			}
			wantOK := map[string]string{"mysql": "1", "postgres": "true"}[driver]
			got := strings.Join(rows[1], "|") // id 2: even, note 第2条
			if want := "2|12.50|" + wantOK + "|2024-03-01T10:00:00+08:00|1.1|第2条|2024-02-29"; got != want {
				t.Errorf("values %q, want %q", got, want)
			}
			if rows[4][5] != "" {
				t.Errorf("NULL became %q, want empty", rows[4][5])
			}
			if b := batches[2]; b.Cursor.ID != "12" || !b.Cursor.TS.Equal(t0) ||
				!strings.HasSuffix(b.Locator, d.table+" rows after 2024-03-01T10:00:00+08:00/8") {
				t.Errorf("third batch: cursor %v, locator %q", b.Cursor, b.Locator)
			}

			// Resume inside the first tie group, after id 9: 10–25 follow, once each.
			c, err = Open(context.Background(), cfg, &source.Cursor{TS: t0, ID: "9"})
			if err != nil {
				t.Fatal(err)
			}
			ids, _, _ = readAll(t, c)
			if strings.Join(ids, ",") != "10,11,12,13,14,15,16,17,18,19,20,21,22,23,24,25" {
				t.Errorf("after 9: %v", ids)
			}

			// Lag re-reads from a second before the watermark: all 25 rows again.
			cfg.Lag = time.Second
			c, err = Open(context.Background(), cfg, &source.Cursor{TS: t0.Add(time.Second), ID: "25"})
			if err != nil {
				t.Fatal(err)
			}
			if ids, _, _ = readAll(t, c); len(ids) != 25 {
				t.Errorf("with a 1s lag read %d rows, want 25", len(ids))
			}

			// An id that is not an integer cannot be a watermark of this table.
			cfg.Lag = 0
			c, err = Open(context.Background(), cfg, &source.Cursor{TS: t0, ID: "YL-1"})
			if err != nil {
				t.Fatal(err)
			}
			if _, err := c.Next(context.Background()); err == nil {
				t.Error("a text watermark id was bound to an integer column")
			}
			c.Close()
		})
	}
}

// TestNullKeyStopsTheLoad: a row without updated_at cannot be placed in the keyset; the first
// load says so instead of passing over it.
func TestNullKeyStopsTheLoad(t *testing.T) {
	for _, driver := range []string{"mysql", "postgres"} {
		t.Run(driver, func(t *testing.T) {
			d := openTestDB(t, driver)
			ts := map[string]string{"mysql": "DATETIME NULL", "postgres": "TIMESTAMP"}[driver]
			d.exec(t, "CREATE TABLE "+d.table+" (id VARCHAR(10) NOT NULL PRIMARY KEY, u "+ts+")")
			d.exec(t, "INSERT INTO "+d.table+" VALUES ('A', ?), ('B', NULL)", time.Date(2024, 3, 1, 10, 0, 0, 0, shanghai))
			c, err := Open(context.Background(), Config{Driver: driver, DSNEnv: d.env, Table: d.table, Columns: []string{"id"}, UpdatedColumn: "u", IDColumn: "id"}, nil)
			if err != nil {
				t.Fatal(err)
			}
			defer c.Close()
			_, err = c.Next(context.Background())
			if err == nil || !strings.Contains(err.Error(), "NOT NULL") {
				t.Errorf("error %v, want one asking for NOT NULL keys", err)
			}
		})
	}
}

func TestUpdatedColumnMustBeATime(t *testing.T) {
	d := openTestDB(t, "postgres")
	d.exec(t, "CREATE TABLE "+d.table+" (id TEXT PRIMARY KEY, u TEXT)")
	_, err := Open(context.Background(), Config{Driver: "postgres", DSNEnv: d.env, Table: d.table, Columns: []string{"id"}, UpdatedColumn: "u", IDColumn: "id"}, nil)
	if err == nil || !strings.Contains(err.Error(), "updated_column") {
		t.Errorf("error %v, want one about updated_column", err)
	}
}

func TestMySQLDSNParams(t *testing.T) {
	for dsn, want := range map[string]bool{
		"root@tcp(127.0.0.1:3306)/test":                  false,
		"root@tcp(127.0.0.1:3306)/test?loc=UTC":          true,
		"root@tcp(127.0.0.1:3306)/test?parseTime=1&loc=": true,
		"u:p?loc=1@tcp(h)/test":                          false,
		"u:p@tcp(h)/test?allowloc=1":                     false,
	} {
		if got := mysqlDSNSets(dsn, "loc"); got != want {
			t.Errorf("%s: loc set = %v, want %v", dsn, got, want)
		}
	}
}

// TestSubSecondWatermark: the ledger keeps whole seconds, so a watermark comes back floored.
// Resuming from it re-reads the rest of that second and skips nothing.
func TestSubSecondWatermark(t *testing.T) {
	for _, driver := range []string{"mysql", "postgres"} {
		t.Run(driver, func(t *testing.T) {
			d := openTestDB(t, driver)
			ts := map[string]string{"mysql": "DATETIME(3)", "postgres": "TIMESTAMP(3)"}[driver]
			d.exec(t, "CREATE TABLE "+d.table+" (id VARCHAR(10) NOT NULL PRIMARY KEY, u "+ts+" NOT NULL)")
			t0 := time.Date(2024, 3, 1, 10, 0, 0, 0, shanghai)
			for i, id := range []string{"A", "B", "C", "D"} {
				d.exec(t, "INSERT INTO "+d.table+" VALUES (?, ?)", id, t0.Add(time.Duration(100+300*i)*time.Millisecond))
			}
			cfg := Config{Driver: driver, DSNEnv: d.env, Table: d.table, Columns: []string{"id", "u"}, UpdatedColumn: "u", IDColumn: "id", ChunkRows: 2}
			c, err := Open(context.Background(), cfg, nil)
			if err != nil {
				t.Fatal(err)
			}
			_, rows, batches := readAll(t, c)
			if got := rows[3][1]; got != "2024-03-01T10:00:01+08:00" {
				t.Errorf("D's updated_at as text: %s", got)
			}
			if got := rows[0][1]; got != "2024-03-01T10:00:00.1+08:00" {
				t.Errorf("A's updated_at as text: %s", got)
			}
			// As stored after the first batch (B at .4s): floored to 10:00:00.
			wm := *batches[0].Cursor
			wm.TS = wm.TS.Truncate(time.Second)
			c, err = Open(context.Background(), cfg, &wm)
			if err != nil {
				t.Fatal(err)
			}
			ids, _, _ := readAll(t, c)
			if strings.Join(ids, ",") != "A,B,C,D" {
				t.Errorf("resumed from a floored watermark %v: read %v, want A,B,C,D again", wm, ids)
			}
		})
	}
}

// TestRowText: a row is one string, "col=value, …" (the quarantine's raw text), and its
// values are pieces of it. Text columns are read from the driver's buffer (sql.RawBytes),
// which the next row overwrites: the values of an earlier chunk must still read the same
// after the whole table was read. NULL and empty text both read as empty; commas, equals
// signs and Chinese inside a value stay as they are.
func TestRowText(t *testing.T) {
	for _, driver := range []string{"mysql", "postgres"} {
		t.Run(driver, func(t *testing.T) {
			d := openTestDB(t, driver)
			u := map[string]string{"mysql": "DATETIME", "postgres": "TIMESTAMP"}[driver]
			d.exec(t, "CREATE TABLE "+d.table+" (id VARCHAR(10) NOT NULL PRIMARY KEY, u "+u+" NOT NULL, name VARCHAR(40), code CHAR(3), memo TEXT, n INTEGER)")
			t0 := time.Date(2024, 3, 1, 10, 0, 0, 0, shanghai)
			d.exec(t, "INSERT INTO "+d.table+" VALUES (?, ?, ?, ?, ?, ?)", "A1", t0, "兖州, 甲=乙", "abc", "", 7)
			d.exec(t, "INSERT INTO "+d.table+" VALUES (?, ?, ?, ?, ?, ?)", "A2", t0, nil, "xyz", "备注", nil)
			d.exec(t, "INSERT INTO "+d.table+" VALUES (?, ?, ?, ?, ?, ?)", "A3", t0.Add(time.Second), "丙", nil, "长文本 long", -3)
			cfg := Config{Driver: driver, DSNEnv: d.env, Table: d.table, Columns: []string{"id", "name", "code", "memo", "n"},
				UpdatedColumn: "u", IDColumn: "id", ChunkRows: 2}
			c, err := Open(context.Background(), cfg, nil)
			if err != nil {
				t.Fatal(err)
			}
			_, _, batches := readAll(t, c)
			if len(batches) != 2 {
				t.Fatalf("%d batches, want 2", len(batches))
			}
			want := []struct{ values, raw string }{
				{"A1|兖州, 甲=乙|abc||7", "id=A1, name=兖州, 甲=乙, code=abc, memo=, n=7, u=2024-03-01T10:00:00+08:00"},
				{"A2||xyz|备注|", "id=A2, name=, code=xyz, memo=备注, n=, u=2024-03-01T10:00:00+08:00"},
				{"A3|丙||长文本 long|-3", "id=A3, name=丙, code=, memo=长文本 long, n=-3, u=2024-03-01T10:00:01+08:00"},
			}
			var got []source.Row
			for _, b := range batches {
				if h := b.Table.Rows[0]; strings.Join(h.Values, "|") != "id|name|code|memo|n" || h.Raw != "id,name,code,memo,n" {
					t.Errorf("header %q / %q", h.Values, h.Raw)
				}
				got = append(got, b.Table.Rows[1:]...)
			}
			if len(got) != len(want) {
				t.Fatalf("%d rows, want %d", len(got), len(want))
			}
			for i, w := range want {
				if v := strings.Join(got[i].Values, "|"); v != w.values || got[i].Raw != w.raw || got[i].Num != i%2+1 {
					t.Errorf("row %d: values %q raw %q num %d, want %q and %q", i+1, v, got[i].Raw, got[i].Num, w.values, w.raw)
				}
			}
			if b := batches[0]; b.Cursor.ID != "A2" || !b.Cursor.TS.Equal(t0) {
				t.Errorf("first batch cursor %v", b.Cursor)
			}
		})
	}
}
