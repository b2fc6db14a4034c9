// Package sqldb is the connector for 前置库 tables in MySQL/MariaDB and PostgreSQL.
//
// It reads a table or view incrementally by the keyset (updated_at, id): each chunk is one
// query
//
//	SELECT cols FROM t WHERE u >= ? AND (u > ? OR id > ?) ORDER BY u, id LIMIT n
//
// (the same predicate as u > ? OR (u = ? AND id > ?), written so the leading u >= ? can use an
// index on (u, id)). Rows stream through rows.Next into one chunk; the next chunk starts after
// that chunk's last row, so at most one chunk is in memory and no row sharing a timestamp
// with a chunk boundary is skipped.
//
// What the 前置库 must guarantee, or rows are lost:
//   - updated_at is set on every insert and update, and never moves backwards for a row;
//   - (updated_at, id) is unique and neither is NULL (a NULL key cannot be compared, so such
//     a row stops the first load with an error and is invisible to later ones);
//   - a writer commits within Lag of the updated_at it wrote; a transaction that commits
//     later than that with an older updated_at falls behind the watermark.
//
// The id is compared in SQL, with the column's own type and collation, never in Go. Integer
// id columns are recognised when the connector opens and the watermark's id is bound as an
// integer, so 9 < 10 as the column orders them (source.CompareIDs agrees). Text ids work as long as the column's collation
// keeps distinct ids distinct (a primary key does); zero-padded ids ("YL-000042") also sort
// the same in SQL and in Go, which keeps locators and logs readable in order.
//
// The watermark ledger (etl_watermarks.cursor_ts) keeps whole seconds. A sub-second
// updated_at therefore restarts at the start of its second after a restart: rows of that
// second are read again, which the ReplacingMergeTree targets absorb; none are skipped.
//
// Text: the connection is UTF-8 (utf8mb4 for MySQL; the server converts GBK columns).
// Bytes stored in a column whose declared charset is wrong (GBK in latin1 or BLOB) are
// passed on as they are: repairing them is out of scope.
package sqldb

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"os"
	"regexp"
	"strconv"
	"strings"
	"time"

	"github.com/go-sql-driver/mysql"
	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/stdlib"

	"safetydw/etl/source"
)

// Config is the SQL connector's spec.
type Config struct {
	Driver        string   `yaml:"driver"`         // mysql | postgres
	DSNEnv        string   `yaml:"dsn_env"`        // environment variable holding the DSN (keeps passwords out of config)
	Table         string   `yaml:"table"`          // table or view to read, optionally schema.table
	Columns       []string `yaml:"columns"`        // columns to select; their names are the dataset's headers
	UpdatedColumn string   `yaml:"updated_column"` // keyset part 1: updated-at timestamp
	IDColumn      string   `yaml:"id_column"`      // keyset part 2: unique id, orders rows sharing a timestamp
	ChunkRows     int      `yaml:"chunk_rows"`     // rows per batch; 0 means DefaultChunkRows
	// Lag re-reads this far behind the watermark at the start of a run, for writers whose
	// transactions commit after a later updated_at was already read. Re-read rows replace
	// themselves in the warehouse. 0 reads strictly after the watermark.
	Lag time.Duration `yaml:"lag"`
}

// DefaultChunkRows is the chunk size when the config leaves it out. Each chunk is one
// query, one INSERT, one archive file and one watermark write, waited for in turn: a
// 300,000-row MariaDB source loaded at 68-71 k rows/s in 5,000-row chunks (60 of them) and
// at 81-88 k in 20,000-row chunks, same minutes. The chunks in flight then hold more text:
// that load's peak RSS was up to 455 MiB under the default GC (244-262 MiB with
// GOMEMLIMIT=200MiB) against about 190 MiB at 5,000; 50,000-row chunks reached 665 MiB.
const DefaultChunkRows = 20_000

// shanghai is the zone of every zone-less timestamp in the 前置库 (DATETIME, timestamp
// without time zone): the district's systems write Beijing time.
var shanghai = func() *time.Location {
	loc, err := time.LoadLocation("Asia/Shanghai")
	if err != nil {
		// No tzdata on the machine: China has kept UTC+8 without DST since 1991.
		return time.FixedZone("CST", 8*3600)
	}
	return loc
}()

// identPattern accepts letters (Chinese included), digits and underscores: enough for real
// table and column names, and nothing that could close a quoted identifier.
var identPattern = regexp.MustCompile(`^[\p{L}_][\p{L}\p{N}_]{0,63}$`)

// kind is how a column's values become text and, for the id, how the watermark is bound.
type kind int

const (
	kindOther     kind = iota
	kindDate           // calendar day: 2006-01-02
	kindLocalTime      // zone-less timestamp, read as Beijing time
	kindZonedTime      // instant: shown in Beijing time
	kindInt            // signed integer
	kindUint           // unsigned integer (MySQL UNSIGNED)
	kindFloat32        // single precision: formatted with 32 bits, not float64 noise
)

// Connector streams rows after a watermark in (updated_at, id) order.
type Connector struct {
	cfg      Config
	db       *sql.DB
	name     string   // "mysql test.qzk_drills": the start of every locator
	selected []string // Columns, then the key columns not among them
	kinds    []kind   // per selected column
	rawText  []bool   // per selected column: text read as sql.RawBytes (see textColumn)
	updIdx   int      // position of the keys in selected
	idIdx    int
	fromTS   string // first chunk of a lagging run: WHERE u >= ?
	after    string // WHERE u >= ? AND (u > ? OR id > ?)
	start    string // no watermark: from the beginning
	pos      *source.Cursor
	since    *time.Time // set for the first chunk of a run with Lag
	done     bool
}

// Open connects and prepares to read after the watermark (nil: from the beginning).
func Open(ctx context.Context, cfg Config, watermark *source.Cursor) (*Connector, error) {
	if err := cfg.check(); err != nil {
		return nil, err
	}
	if cfg.ChunkRows == 0 {
		cfg.ChunkRows = DefaultChunkRows
	}
	dsn := os.Getenv(cfg.DSNEnv)
	if dsn == "" {
		return nil, fmt.Errorf("环境变量 %s 为空，未配置 %s 前置库连接串 (environment variable %s holding the %s DSN is empty)", cfg.DSNEnv, cfg.Driver, cfg.DSNEnv, cfg.Driver)
	}
	db, err := openDB(cfg.Driver, dsn)
	if err != nil {
		return nil, fmt.Errorf("%s 前置库连接串无效 (invalid DSN in $%s): %w", cfg.Driver, cfg.DSNEnv, err)
	}
	// One query runs at a time, so one connection is all the connector needs.
	db.SetMaxOpenConns(1)
	c := &Connector{cfg: cfg, db: db}
	if err := c.prepare(ctx); err != nil {
		db.Close()
		return nil, err
	}
	if watermark != nil {
		pos := *watermark
		c.pos = &pos
		if cfg.Lag > 0 {
			since := watermark.TS.Add(-cfg.Lag)
			c.since = &since
		}
	}
	return c, nil
}

func (cfg Config) check() error {
	if cfg.Driver != "mysql" && cfg.Driver != "postgres" {
		return fmt.Errorf("sql 数据源 driver 应为 mysql 或 postgres，实为 %q (unknown driver)", cfg.Driver)
	}
	if cfg.DSNEnv == "" {
		return errors.New("sql 数据源缺少 dsn_env (name the environment variable holding the DSN)")
	}
	parts := strings.Split(cfg.Table, ".")
	if len(parts) > 2 {
		return fmt.Errorf("表名无效 %q (table must be table or schema.table)", cfg.Table)
	}
	for _, p := range parts {
		if !identPattern.MatchString(p) {
			return fmt.Errorf("表名无效 %q (table name must be letters, digits and _)", cfg.Table)
		}
	}
	if len(cfg.Columns) == 0 {
		return errors.New("sql 数据源缺少 columns (list the columns to read)")
	}
	seen := map[string]bool{}
	for _, col := range append(append([]string{}, cfg.Columns...), cfg.UpdatedColumn, cfg.IDColumn) {
		if !identPattern.MatchString(col) {
			return fmt.Errorf("列名无效 %q (column name must be letters, digits and _)", col)
		}
	}
	for _, col := range cfg.Columns {
		if seen[col] {
			return fmt.Errorf("列名重复 %q (column listed twice)", col)
		}
		seen[col] = true
	}
	if cfg.UpdatedColumn == cfg.IDColumn {
		return errors.New("updated_column 与 id_column 不能相同 (the keyset needs two columns)")
	}
	if cfg.ChunkRows < 0 {
		return fmt.Errorf("chunk_rows 不能为负 (%d)", cfg.ChunkRows)
	}
	if cfg.Lag < 0 {
		return fmt.Errorf("lag 不能为负 (%s)", cfg.Lag)
	}
	return nil
}

func openDB(driver, dsn string) (*sql.DB, error) {
	if driver == "mysql" {
		mc, err := mysql.ParseDSN(dsn)
		if err != nil {
			return nil, err
		}
		// DATETIME has no zone: scan it as time.Time in Beijing time unless the DSN says
		// otherwise, and make the session show TIMESTAMP columns in the same zone.
		mc.ParseTime = true
		if !mysqlDSNSets(dsn, "loc") {
			mc.Loc = shanghai
		}
		if _, ok := mc.Params["time_zone"]; !ok {
			if mc.Params == nil {
				mc.Params = map[string]string{}
			}
			mc.Params["time_zone"] = "'+08:00'"
		}
		conn, err := mysql.NewConnector(mc)
		if err != nil {
			return nil, err
		}
		return sql.OpenDB(conn), nil
	}
	pc, err := pgx.ParseConfig(dsn)
	if err != nil {
		return nil, err
	}
	return stdlib.OpenDB(*pc), nil
}

// mysqlDSNSets reports whether the DSN's parameters name key. Like the driver's parser it
// looks after the last '/', so a password cannot fake a parameter.
func mysqlDSNSets(dsn, key string) bool {
	_, params, ok := strings.Cut(dsn[strings.LastIndex(dsn, "/")+1:], "?")
	if !ok {
		return false
	}
	for _, kv := range strings.Split(params, "&") {
		if k, _, _ := strings.Cut(kv, "="); k == key {
			return true
		}
	}
	return false
}

// quote quotes a validated identifier for the dialect.
func (c *Connector) quote(name string) string {
	parts := strings.Split(name, ".")
	for i, p := range parts {
		if c.cfg.Driver == "mysql" {
			parts[i] = "`" + p + "`"
		} else {
			parts[i] = `"` + p + `"`
		}
	}
	return strings.Join(parts, ".")
}

// prepare reaches the server, learns the columns' types from an empty result and builds the
// three queries the connector runs.
func (c *Connector) prepare(ctx context.Context) error {
	if err := c.db.PingContext(ctx); err != nil {
		return fmt.Errorf("无法连接 %s 前置库 (cannot reach the %s source; DSN from $%s): %w", c.cfg.Driver, c.cfg.Driver, c.cfg.DSNEnv, err)
	}
	var dbName string
	q := "SELECT current_database()"
	if c.cfg.Driver == "mysql" {
		q = "SELECT DATABASE()"
	}
	if err := c.db.QueryRowContext(ctx, q).Scan(&dbName); err != nil {
		return fmt.Errorf("%s 前置库: %w", c.cfg.Driver, err)
	}
	c.name = c.cfg.Driver + " " + dbName + "." + c.cfg.Table

	c.selected = append([]string{}, c.cfg.Columns...)
	c.updIdx, c.idIdx = -1, -1
	for i, col := range c.selected {
		switch col {
		case c.cfg.UpdatedColumn:
			c.updIdx = i
		case c.cfg.IDColumn:
			c.idIdx = i
		}
	}
	if c.updIdx < 0 {
		c.updIdx = len(c.selected)
		c.selected = append(c.selected, c.cfg.UpdatedColumn)
	}
	if c.idIdx < 0 {
		c.idIdx = len(c.selected)
		c.selected = append(c.selected, c.cfg.IDColumn)
	}
	cols := make([]string, len(c.selected))
	for i, col := range c.selected {
		cols[i] = c.quote(col)
	}
	base := "SELECT " + strings.Join(cols, ", ") + " FROM " + c.quote(c.cfg.Table)
	u, id := c.quote(c.cfg.UpdatedColumn), c.quote(c.cfg.IDColumn)
	order := " ORDER BY " + u + ", " + id + " LIMIT " + strconv.Itoa(c.cfg.ChunkRows)
	c.start = base + order
	if c.cfg.Driver == "mysql" {
		c.fromTS = base + " WHERE " + u + " >= ?" + order
		c.after = base + " WHERE " + u + " >= ? AND (" + u + " > ? OR " + id + " > ?)" + order
	} else {
		c.fromTS = base + " WHERE " + u + " >= $1" + order
		c.after = base + " WHERE " + u + " >= $1 AND (" + u + " > $1 OR " + id + " > $2)" + order
	}

	rows, err := c.db.QueryContext(ctx, base+" WHERE 1 = 0")
	if err != nil {
		return fmt.Errorf("读取 %s 失败 (cannot read the table; check table and column names, they are quoted and case-sensitive): %w", c.name, err)
	}
	defer rows.Close()
	types, err := rows.ColumnTypes()
	if err != nil {
		return fmt.Errorf("%s: %w", c.name, err)
	}
	c.kinds = make([]kind, len(types))
	c.rawText = make([]bool, len(types))
	for i, ct := range types {
		c.kinds[i] = kindOf(ct.DatabaseTypeName())
		// The keys stay values of their own: a NULL id must be told from an empty one.
		c.rawText[i] = i != c.updIdx && i != c.idIdx && textColumn(c.cfg.Driver, ct.DatabaseTypeName())
	}
	switch c.kinds[c.updIdx] {
	case kindDate, kindLocalTime, kindZonedTime:
	default:
		return fmt.Errorf("%s: updated_column %s 应为日期时间类型，实为 %s (the updated column must be a timestamp)", c.name, c.cfg.UpdatedColumn, types[c.updIdx].DatabaseTypeName())
	}
	return rows.Err()
}

// kindOf maps a driver's type name (go-sql-driver/mysql or pgx stdlib) to a kind.
func kindOf(typ string) kind {
	switch typ {
	case "DATE":
		return kindDate
	case "DATETIME", "TIMESTAMP":
		// MySQL DATETIME and PostgreSQL timestamp have no zone; MySQL shows TIMESTAMP in the
		// session zone, which Open sets to +08:00. All three read as Beijing wall clock.
		return kindLocalTime
	case "TIMESTAMPTZ":
		return kindZonedTime
	case "TINYINT", "SMALLINT", "MEDIUMINT", "INT", "BIGINT", "YEAR", "INT2", "INT4", "INT8":
		return kindInt
	case "UNSIGNED TINYINT", "UNSIGNED SMALLINT", "UNSIGNED MEDIUMINT", "UNSIGNED INT", "UNSIGNED BIGINT":
		return kindUint
	case "FLOAT", "FLOAT4":
		return kindFloat32
	}
	return kindOther
}

// textColumn says whether the driver hands a column's values over as text (string or []byte,
// nil for NULL), which sql.RawBytes takes as they are, the text a file cell would hold. Any
// other type goes through appendText, as database/sql would format it differently (floats).
func textColumn(driver, typ string) bool {
	if driver == "mysql" {
		switch typ {
		case "CHAR", "VARCHAR", "TEXT", "TINYTEXT", "MEDIUMTEXT", "LONGTEXT":
			return true
		}
		return false
	}
	switch typ {
	case "VARCHAR", "TEXT", "BPCHAR":
		return true
	}
	return false
}

// Next returns the next chunk: one query, its rows streamed into at most ChunkRows rows.
func (c *Connector) Next(ctx context.Context) (*source.Batch, error) {
	if c.done {
		return nil, nil
	}
	var (
		query string
		args  []any
		from  string
	)
	switch {
	case c.since != nil:
		query, args = c.fromTS, []any{c.since.In(shanghai)}
		from = "rows since " + c.since.In(shanghai).Format(time.RFC3339Nano)
	case c.pos != nil:
		id, err := c.idArg(c.pos.ID)
		if err != nil {
			return nil, err
		}
		// Bound in Beijing time: pgx sends a timestamp-without-zone parameter as its wall
		// clock, and the MySQL driver converts to the DSN's loc; both then mean the instant.
		ts := c.pos.TS.In(shanghai)
		if c.cfg.Driver == "mysql" {
			args = []any{ts, ts, id}
		} else {
			args = []any{ts, id}
		}
		query = c.after
		from = "rows after " + ts.Format(time.RFC3339Nano) + "/" + c.pos.ID
	default:
		query = c.start
		from = "rows from the start"
	}
	locator := c.name + " " + from

	rows, err := c.db.QueryContext(ctx, query, args...)
	if err != nil {
		return nil, fmt.Errorf("查询 %s 失败 (query failed): %w", locator, err)
	}
	defer rows.Close()
	t := &source.Table{Path: locator, Encoding: "UTF-8"}
	// The rows' and values' slices come from the source pool (the runner recycles them once
	// the chunk is in Arrow), and each row's text is one string: Raw, "col=value, …", whose
	// substrings are the row's values. A row costs one allocation instead of one per value,
	// its text and its raw line: at 50,000 rows a chunk the loader's heap stayed twice as
	// large, and the GC's work with it, when every value was its own string.
	width := len(c.cfg.Columns)
	values, trows := t.Alloc(width*(c.cfg.ChunkRows+1), c.cfg.ChunkRows+1)
	copy(values, c.cfg.Columns)
	trows[0] = source.Row{Num: 0, Values: values[:width:width], Raw: strings.Join(c.cfg.Columns, ",")}
	dest := make([]any, len(c.selected))
	vals := make([]any, len(c.selected))
	bufs := make([]sql.RawBytes, len(c.selected))
	for i := range dest {
		if c.rawText[i] {
			// Text columns are read straight from the driver's buffer (sql.RawBytes), valid
			// until the next row: their bytes are copied once, into the row's text below.
			dest[i] = &bufs[i]
		} else {
			dest[i] = &vals[i]
		}
	}
	ends := make([]int, 2*len(c.selected)) // each value's start and end in line
	var line []byte
	var last source.Cursor
	var size int64
	n := 0
	for rows.Next() {
		if err := rows.Scan(dest...); err != nil {
			t.Recycle()
			return nil, fmt.Errorf("%s 第 %d 行 (row %d): %w", locator, n+1, n+1, err)
		}
		n++
		line = line[:0]
		for i := range dest {
			if i > 0 {
				line = append(line, ", "...)
			}
			line = append(line, c.selected[i]...)
			line = append(line, '=')
			ends[2*i] = len(line)
			if c.rawText[i] {
				line = append(line, bufs[i]...)
			} else {
				line = c.appendText(line, i, vals[i])
			}
			ends[2*i+1] = len(line)
			size += int64(ends[2*i+1] - ends[2*i])
		}
		raw := string(line)
		ts, ok := vals[c.updIdx].(time.Time)
		if !ok || vals[c.idIdx] == nil {
			t.Recycle()
			return nil, fmt.Errorf("%s 第 %d 行 %s 或 %s 为空，无法增量读取 (row %d has a NULL keyset column; make %s and %s NOT NULL): %s",
				locator, n, c.cfg.UpdatedColumn, c.cfg.IDColumn, n, c.cfg.UpdatedColumn, c.cfg.IDColumn, raw)
		}
		last = source.Cursor{TS: c.instant(c.updIdx, ts), ID: raw[ends[2*c.idIdx]:ends[2*c.idIdx+1]]}
		v := values[n*width : (n+1)*width : (n+1)*width]
		for i := range v {
			v[i] = raw[ends[2*i]:ends[2*i+1]]
		}
		trows[n] = source.Row{Num: n, Values: v, Raw: raw}
	}
	t.Rows = trows[:n+1]
	if err := rows.Err(); err != nil {
		t.Recycle()
		return nil, fmt.Errorf("读取 %s 中断 (reading stopped): %w", locator, err)
	}
	c.since = nil
	if n < c.cfg.ChunkRows {
		// A short chunk is the end as of this query; rows written later are the next run's.
		c.done = true
	}
	if n == 0 {
		t.Recycle()
		return nil, nil
	}
	c.pos = &last
	return &source.Batch{Table: t, Locator: locator, Size: size, Cursor: &last}, nil
}

// idArg binds the watermark's id with the id column's type, so the database compares it
// as it orders the column.
func (c *Connector) idArg(id string) (any, error) {
	switch c.kinds[c.idIdx] {
	case kindInt:
		n, err := strconv.ParseInt(id, 10, 64)
		if err != nil {
			return nil, fmt.Errorf("%s: 水位 id %q 不是整数，而 %s 是整数列 (the watermark id is not an integer)", c.name, id, c.cfg.IDColumn)
		}
		return n, nil
	case kindUint:
		n, err := strconv.ParseUint(id, 10, 64)
		if err != nil {
			return nil, fmt.Errorf("%s: 水位 id %q 不是非负整数，而 %s 是无符号整数列 (the watermark id is not an unsigned integer)", c.name, id, c.cfg.IDColumn)
		}
		return n, nil
	}
	return id, nil
}

// instant is the moment a scanned time value stands for.
func (c *Connector) instant(i int, t time.Time) time.Time {
	switch c.kinds[i] {
	case kindZonedTime:
		return t.In(shanghai)
	case kindLocalTime, kindDate:
		if c.cfg.Driver == "postgres" {
			// pgx returns zone-less values with their wall clock in UTC.
			return time.Date(t.Year(), t.Month(), t.Day(), t.Hour(), t.Minute(), t.Second(), t.Nanosecond(), shanghai)
		}
		return t.In(shanghai) // the MySQL driver already applied loc
	}
	return t
}

// appendText appends the text a file cell would hold for a scanned value.
func (c *Connector) appendText(b []byte, i int, v any) []byte {
	switch x := v.(type) {
	case nil:
		return b
	case string:
		return append(b, x...)
	case []byte:
		return append(b, x...)
	case time.Time:
		if c.kinds[i] == kindDate {
			// A day is a day: its wall clock, whatever zone the driver attached.
			return x.AppendFormat(b, "2006-01-02")
		}
		return c.instant(i, x).AppendFormat(b, time.RFC3339Nano)
	case int64:
		return strconv.AppendInt(b, x, 10)
	case int32:
		return strconv.AppendInt(b, int64(x), 10)
	case int16:
		return strconv.AppendInt(b, int64(x), 10)
	case int8:
		return strconv.AppendInt(b, int64(x), 10)
	case int:
		return strconv.AppendInt(b, int64(x), 10)
	case uint64:
		return strconv.AppendUint(b, x, 10)
	case uint32:
		return strconv.AppendUint(b, uint64(x), 10)
	case float32:
		return strconv.AppendFloat(b, float64(x), 'f', -1, 32)
	case float64:
		if c.kinds[i] == kindFloat32 {
			return strconv.AppendFloat(b, x, 'f', -1, 32)
		}
		return strconv.AppendFloat(b, x, 'f', -1, 64)
	case bool:
		return strconv.AppendBool(b, x)
	}
	return fmt.Append(b, v)
}

// Close closes the connection.
func (c *Connector) Close() error {
	if c == nil || c.db == nil {
		return nil
	}
	return c.db.Close()
}
