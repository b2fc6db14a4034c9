package etl_test

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"fmt"
	"os"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/go-sql-driver/mysql"
	_ "github.com/jackc/pgx/v5/stdlib"

	"safetydw/warehouse"
)

// A 前置库 for the SQL connector tests: a drill ledger table in the local MariaDB or
// PostgreSQL, created and filled by the test, and a view over it with the Chinese column
// names the built-in drills dataset knows.

// qzkDB is one source database the tests load from.
type qzkDB struct {
	driver string // mysql | postgres: the connector's driver name
	dsnEnv string // variable the connector reads the DSN from
	db     *sql.DB
}

// Defaults for the machine's servers; the variables override them.
var qzkDefaults = map[string][3]string{
	// driver: DSN variable, default DSN, how to start the server
	"mysql":    {"QZK_MYSQL_DSN", "root@tcp(127.0.0.1:3306)/test", "start-stop-daemon --start --oknodo --background --exec /usr/sbin/mariadbd"},
	"postgres": {"QZK_POSTGRES_DSN", "postgres://postgres@127.0.0.1:5432/test?sslmode=disable", "pg_ctlcluster --skip-systemctl-redirect $(ls /etc/postgresql) main start"},
}

// openQZK connects to the driver's local server and sets the DSN variable for the connector
// (and for the binary, which inherits the environment). A server that is down fails the test.
func openQZK(t *testing.T, driver string) *qzkDB {
	t.Helper()
	d := qzkDefaults[driver]
	dsn := os.Getenv(d[0])
	if dsn == "" {
		dsn = d[1]
		t.Setenv(d[0], dsn)
	}
	var db *sql.DB
	if driver == "mysql" {
		// Beijing wall clock both ways, as the connector reads DATETIME.
		mc, err := mysql.ParseDSN(dsn)
		if err != nil {
			t.Fatalf("$%s: %v", d[0], err)
		}
		mc.ParseTime, mc.Loc = true, sqlShanghai
		conn, err := mysql.NewConnector(mc)
		if err != nil {
			t.Fatal(err)
		}
		db = sql.OpenDB(conn)
	} else {
		var err error
		if db, err = sql.Open("pgx", dsn); err != nil {
			t.Fatal(err)
		}
	}
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if err := db.PingContext(ctx); err != nil {
		db.Close()
		t.Fatalf("无法连接 %s 前置库 (cannot reach %s at $%s=%s): %v\n  start it with: %s", driver, driver, d[0], dsn, err, d[2])
	}
	t.Cleanup(func() { db.Close() })
	return &qzkDB{driver: driver, dsnEnv: d[0], db: db}
}

func (q *qzkDB) quote(name string) string {
	if q.driver == "mysql" {
		return "`" + name + "`"
	}
	return `"` + name + `"`
}

// ph is the n-th (1-based) bind placeholder.
func (q *qzkDB) ph(n int) string {
	if q.driver == "mysql" {
		return "?"
	}
	return "$" + strconv.Itoa(n)
}

func (q *qzkDB) exec(t *testing.T, query string, args ...any) {
	t.Helper()
	if _, err := q.db.ExecContext(context.Background(), query, args...); err != nil {
		t.Fatalf("%s: %v\n%s", q.driver, err, query)
	}
}

// sqlFixture is one test's table (and its Chinese view) in one source database.
type sqlFixture struct {
	q     *qzkDB
	Table string // English columns
	View  string // the same rows under the drills dataset's Chinese headers
	Rows  int
}

// sqlFixtureColumns are the table's columns, in order; sqlViewNames are their Chinese aliases.
var (
	sqlFixtureColumns = []string{"drill_no", "uscc", "unit_name", "town", "organizer", "drill_date", "drill_type", "scenario",
		"evacuation", "no_notice", "no_script", "no_scene", "no_location", "participants", "verified", "updated_at"}
	sqlViewNames = []string{"演练编号", "统一社会信用代码", "单位名称", "所属镇街", "组织方", "演练日期", "演练类型", "演练场景",
		"疏散逃生", "不提前通知", "不设定脚本", "不预设场景", "不预设地点", "参演人数", "部门核实", "更新时间"}
)

// sqlFixtureTowns are (name, code) pairs from warehouse/refdata/towns.csv.
var sqlFixtureTowns = [][2]string{
	{"鼓楼街道", "370812001"}, {"龙桥街道", "370812003"}, {"酒仙桥街道", "370812006"}, {"兴隆庄街道", "370812007"},
	{"大安镇", "370812101"}, {"新驿镇", "370812102"}, {"颜店镇", "370812103"}, {"新兖镇", "370812105"},
	{"漕河镇", "370812107"}, {"小孟镇", "370812111"},
}

var (
	sqlShanghai    = sqlMustLoad("Asia/Shanghai")
	sqlFixtureBase = time.Date(2024, 3, 1, 10, 0, 0, 0, sqlShanghai)
)

func sqlMustLoad(name string) *time.Location {
	loc, err := time.LoadLocation(name)
	if err != nil {
		panic(err)
	}
	return loc
}

// sqlFixtureID is the id of row i: zero-padded, so text order and SQL order agree.
func sqlFixtureID(i int) string { return fmt.Sprintf("YL-%07d", i) }

// sqlFixtureUpdated spreads rows over few timestamps so keyset ties matter: every fourth row
// belongs to one bulk import at sqlFixtureBase (a tie group far larger than any chunk), the
// others fall in groups of about seven per second, in an order unrelated to their ids.
func sqlFixtureUpdated(i, n int) time.Time {
	if i%4 == 0 {
		return sqlFixtureBase
	}
	return sqlFixtureBase.Add(time.Duration(1+(i*7919%n)/7) * time.Second)
}

// sqlFixtureRow is row i (1-based) as bind values in sqlFixtureColumns order.
func sqlFixtureRow(i, n int) []any {
	organizer := "企业"
	if i%13 == 0 {
		organizer = "镇街"
	}
	var scenario any = []string{"火灾", "泄漏", "触电", "粉尘爆炸", ""}[i%5]
	if scenario == "" {
		scenario = nil // NULL in the source, empty in the warehouse
	}
	return []any{
		sqlFixtureID(i),
		fmt.Sprintf("91370812MA%07dX", i%5000),
		fmt.Sprintf("兖州测试%d号有限公司", i%5000),
		sqlFixtureTowns[i%len(sqlFixtureTowns)][0],
		organizer,
		time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC).AddDate(0, 0, i%700),
		[]string{"综合", "专项", "现场处置"}[i%3],
		scenario,
		i%2 == 0, (i/2)%2 == 0, (i/4)%2 == 0, (i/8)%2 == 0, (i/16)%2 == 0,
		5 + i%200,
		(i/3)%2 == 0,
		sqlFixtureUpdated(i, n),
	}
}

// newSQLFixture creates a uniquely named table with n rows and its Chinese view; both are
// dropped when the test ends.
func newSQLFixture(t *testing.T, q *qzkDB, n int) *sqlFixture {
	t.Helper()
	var b [4]byte
	_, _ = rand.Read(b[:])
	f := &sqlFixture{q: q, Table: "qzk_drills_" + hex.EncodeToString(b[:]), Rows: n}
	f.View = f.Table + "_cn"
	flag, ts := "TINYINT(1)", "DATETIME"
	if q.driver == "postgres" {
		flag, ts = "BOOLEAN", "TIMESTAMP(0)"
	}
	q.exec(t, `CREATE TABLE `+q.quote(f.Table)+` (
		drill_no VARCHAR(20) NOT NULL PRIMARY KEY,
		uscc CHAR(18) NOT NULL,
		unit_name VARCHAR(100) NOT NULL,
		town VARCHAR(20) NOT NULL,
		organizer VARCHAR(10) NOT NULL,
		drill_date DATE NOT NULL,
		drill_type VARCHAR(10) NOT NULL,
		scenario VARCHAR(50) NULL,
		evacuation `+flag+` NOT NULL,
		no_notice `+flag+` NOT NULL,
		no_script `+flag+` NOT NULL,
		no_scene `+flag+` NOT NULL,
		no_location `+flag+` NOT NULL,
		participants INTEGER NOT NULL,
		verified `+flag+` NOT NULL,
		updated_at `+ts+` NOT NULL
	)`+map[string]string{"mysql": " DEFAULT CHARSET=utf8mb4", "postgres": ""}[q.driver])
	t.Cleanup(func() {
		ctx := context.Background()
		if _, err := q.db.ExecContext(ctx, "DROP VIEW IF EXISTS "+q.quote(f.View)); err != nil {
			t.Logf("drop view %s: %v", f.View, err)
		}
		if _, err := q.db.ExecContext(ctx, "DROP TABLE IF EXISTS "+q.quote(f.Table)); err != nil {
			t.Logf("drop table %s: %v", f.Table, err)
		}
	})
	// The keyset index: without it each chunk would sort the table.
	q.exec(t, "CREATE INDEX "+q.quote(f.Table+"_keyset")+" ON "+q.quote(f.Table)+" (updated_at, drill_no)")
	var sel []string
	for i, c := range sqlFixtureColumns {
		sel = append(sel, c+" AS "+q.quote(sqlViewNames[i]))
	}
	q.exec(t, "CREATE VIEW "+q.quote(f.View)+" AS SELECT "+strings.Join(sel, ", ")+" FROM "+q.quote(f.Table))
	f.fill(t, 1, n)
	return f
}

// fill inserts rows from..to in multi-row statements inside one transaction.
func (f *sqlFixture) fill(t *testing.T, from, to int) {
	t.Helper()
	ctx := context.Background()
	tx, err := f.q.db.BeginTx(ctx, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer tx.Rollback()
	const per = 1000 // 16 000 bind values, under both servers' limit of 65 535
	head := "INSERT INTO " + f.q.quote(f.Table) + " (" + strings.Join(sqlFixtureColumns, ", ") + ") VALUES "
	for start := from; start <= to; start += per {
		end := min(start+per-1, to)
		var sb strings.Builder
		sb.WriteString(head)
		args := make([]any, 0, (end-start+1)*len(sqlFixtureColumns))
		for i := start; i <= end; i++ {
			if i > start {
				sb.WriteString(", ")
			}
			sb.WriteByte('(')
			for j := range sqlFixtureColumns {
				if j > 0 {
					sb.WriteString(", ")
				}
				sb.WriteString(f.q.ph(len(args) + j + 1))
			}
			sb.WriteByte(')')
			args = append(args, sqlFixtureRow(i, f.Rows)...)
		}
		if _, err := tx.ExecContext(ctx, sb.String(), args...); err != nil {
			t.Fatalf("fill %s: %v", f.Table, err)
		}
	}
	if err := tx.Commit(); err != nil {
		t.Fatal(err)
	}
}

// update gives the rows new content and a new updated_at, as an edit in the source system does.
func (f *sqlFixture) update(t *testing.T, ids []string, at time.Time) {
	t.Helper()
	q := f.q
	args := []any{at}
	var in []string
	for _, id := range ids {
		args = append(args, id)
		in = append(in, q.ph(len(args)))
	}
	q.exec(t, "UPDATE "+q.quote(f.Table)+" SET participants = participants + 1000, scenario = '复盘更新', updated_at = "+q.ph(1)+
		" WHERE drill_no IN ("+strings.Join(in, ", ")+")", args...)
}

// lastKey is the source's greatest (updated_at, id): where a complete load leaves the watermark.
func (f *sqlFixture) lastKey(t *testing.T) (time.Time, string) {
	t.Helper()
	var ts time.Time
	var id string
	if err := f.q.db.QueryRow("SELECT updated_at, drill_no FROM "+f.q.quote(f.Table)+" ORDER BY updated_at DESC, drill_no DESC LIMIT 1").Scan(&ts, &id); err != nil {
		t.Fatal(err)
	}
	if f.q.driver == "postgres" {
		// pgx hands back a timestamp's wall clock as UTC; it is Beijing time.
		ts = time.Date(ts.Year(), ts.Month(), ts.Day(), ts.Hour(), ts.Minute(), ts.Second(), ts.Nanosecond(), sqlShanghai)
	}
	return ts, id
}

// Content checksums: each row becomes one '|'-joined text, computed by the database that
// holds it; the sums of two 32-bit slices of its MD5 and the row count must agree between
// the source and ClickHouse.
type sqlChecksum struct{ Rows, A, B uint64 }

// sqlChecksumMode says which warehouse table the source is compared with.
type sqlChecksumMode int

const (
	// sqlModeTestTable: sql_test_drills keeps the town as written and updated_at as RFC3339 text.
	sqlModeTestTable sqlChecksumMode = iota
	// sqlModeFactDrill: fact_drill keeps the town's code and no updated_at.
	sqlModeFactDrill
)

// sourceRowText is the row text in the source dialect.
func (f *sqlFixture) sourceRowText(mode sqlChecksumMode) string {
	q := f.q
	flag := func(c string) string {
		if q.driver == "postgres" {
			return c + "::int"
		}
		return c
	}
	town := "town"
	if mode == sqlModeFactDrill {
		var sb strings.Builder
		sb.WriteString("CASE town")
		for _, tc := range sqlFixtureTowns {
			sb.WriteString(" WHEN '" + tc[0] + "' THEN '" + tc[1] + "'")
		}
		sb.WriteString(" END")
		town = sb.String()
	}
	day := "DATE_FORMAT(drill_date, '%Y-%m-%d')"
	updated := "DATE_FORMAT(updated_at, '%Y-%m-%dT%H:%i:%s+08:00')"
	if q.driver == "postgres" {
		day = "to_char(drill_date, 'YYYY-MM-DD')"
		updated = `to_char(updated_at, 'YYYY-MM-DD"T"HH24:MI:SS"+08:00"')`
	}
	parts := []string{"drill_no", "uscc", "unit_name", town, "organizer", day, "drill_type", "COALESCE(scenario, '')",
		flag("evacuation"), flag("no_notice"), flag("no_script"), flag("no_scene"), flag("no_location"),
		"participants", flag("verified")}
	if mode == sqlModeTestTable {
		parts = append(parts, updated)
	}
	return "CONCAT_WS('|', " + strings.Join(parts, ", ") + ")"
}

// sourceChecksum computes the checksum in the source database.
func (f *sqlFixture) sourceChecksum(t *testing.T, mode sqlChecksumMode) sqlChecksum {
	t.Helper()
	slice := func(from int) string {
		if f.q.driver == "mysql" {
			return fmt.Sprintf("CAST(CONV(SUBSTRING(MD5(s), %d, 8), 16, 10) AS UNSIGNED)", from)
		}
		return fmt.Sprintf("('x' || lpad(substr(md5(s), %d, 8), 16, '0'))::bit(64)::bigint", from)
	}
	query := "SELECT COUNT(*), COALESCE(SUM(" + slice(1) + "), 0), COALESCE(SUM(" + slice(9) + "), 0) FROM (SELECT " +
		f.sourceRowText(mode) + " AS s FROM " + f.q.quote(f.Table) + ") x"
	var c sqlChecksum
	if err := f.q.db.QueryRow(query).Scan(&c.Rows, &c.A, &c.B); err != nil {
		t.Fatalf("%s checksum: %v\n%s", f.q.driver, err, query)
	}
	return c
}

// sqlCHRowText is the same row text in ClickHouse.
func sqlCHRowText(mode sqlChecksumMode) string {
	cols := []string{"id", "uscc", "unit_name", "town", "organizer", "toString(drill_date)", "drill_type", "scenario",
		"toString(evacuation)", "toString(no_notice)", "toString(no_script)", "toString(no_scene)", "toString(no_location)",
		"toString(participants)", "toString(verified)", "updated_at"}
	if mode == sqlModeFactDrill {
		cols = []string{"src_id", "enterprise_id", "enterprise_name", "town_code", "organizer_kind", "toString(drill_date)", "drill_type", "scenario",
			"toString(is_evacuation)", "toString(no_advance_notice)", "toString(no_script)", "toString(no_preset_scene)", "toString(no_preset_location)",
			"toString(participants)", "toString(verified_by_dept)"}
	}
	return "concat(" + strings.Join(cols, ", '|', ") + ")"
}

func sqlCHTable(mode sqlChecksumMode) string {
	if mode == sqlModeFactDrill {
		return "fact_drill"
	}
	return sqlTestDrillsTable
}

// sqlCHChecksum computes the checksum over the table's current rows (FINAL).
func sqlCHChecksum(t *testing.T, db *warehouse.DB, mode sqlChecksumMode) sqlChecksum {
	t.Helper()
	slice := func(from int) string {
		return fmt.Sprintf("reinterpretAsUInt32(reverse(unhex(substring(hex(MD5(s)), %d, 8))))", from)
	}
	query := "SELECT count(), sum(" + slice(1) + "), sum(" + slice(9) + ") FROM (SELECT " + sqlCHRowText(mode) + " AS s FROM " + sqlCHTable(mode) + " FINAL)"
	var c sqlChecksum
	if err := db.QueryRow(context.Background(), query).Scan(&c.Rows, &c.A, &c.B); err != nil {
		t.Fatalf("ClickHouse checksum: %v\n%s", err, query)
	}
	return c
}

// sqlCHRowHashes maps each id to the hash of its current row, to tell which rows changed.
func sqlCHRowHashes(t *testing.T, db *warehouse.DB) map[string]string {
	t.Helper()
	rows, err := db.Query(context.Background(), "SELECT id, hex(MD5("+sqlCHRowText(sqlModeTestTable)+")) FROM "+sqlTestDrillsTable+" FINAL")
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	m := map[string]string{}
	for rows.Next() {
		var id, h string
		if err := rows.Scan(&id, &h); err != nil {
			t.Fatal(err)
		}
		m[id] = h
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	return m
}
