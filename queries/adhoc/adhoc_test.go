package adhoc_test

import (
	"context"
	"fmt"
	"reflect"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/ClickHouse/clickhouse-go/v2"

	"safetydw/queries"
	"safetydw/queries/adhoc"
	"safetydw/queries/export"
	"safetydw/warehouse"
	"safetydw/warehouse/analysttest"
	"safetydw/warehouse/warehousetest"
)

func TestParseHeader(t *testing.T) {
	cases := []struct {
		name, body string
		want       adhoc.Query // SQL and File are not compared
		err        string
	}{
		{
			name: "full header",
			body: "-- id: q1\n-- name: 测试查询\n-- params: town:String year:UInt16\n-- description: 第一行，\n--   第二行 ok\n--   and more\nSELECT @town, @year;\n",
			want: adhoc.Query{ID: "q1", Name: "测试查询", Description: "第一行，第二行 ok and more",
				Params: []adhoc.Param{{"town", "String"}, {"year", "UInt16"}}},
		},
		{name: "no header", body: "SELECT 1", want: adhoc.Query{}},
		{name: "empty params line", body: "-- params:\nSELECT 1", want: adhoc.Query{}},
		{name: "params on two lines", body: "-- params: a:Date\n-- params: b:Float64\nSELECT @a, @b", want: adhoc.Query{Params: []adhoc.Param{{"a", "Date"}, {"b", "Float64"}}}},
		{name: "at in a string literal is text", body: "SELECT count() FROM t WHERE email LIKE '%@gov.cn' -- @note\n/* @x */", want: adhoc.Query{}},
		{name: "at in a quoted identifier is text", body: "SELECT 1 AS \"@a\", 2 AS `@b`, 'it''s @c', 'it\\'s @d'", want: adhoc.Query{}},
		{name: "undeclared", body: "SELECT @town", err: "@town is used but not declared"},
		{name: "unused", body: "-- params: town:String\nSELECT 1", err: "never uses @town"},
		{name: "bad type", body: "-- params: town:Varchar\nSELECT @town", err: `unsupported parameter type "Varchar"`},
		{name: "bad name", body: "-- params: 1town:String\nSELECT 1", err: "write name:Type"},
		{name: "no type", body: "-- params: town\nSELECT @town", err: "write name:Type"},
		{name: "declared twice", body: "-- params: a:String a:String\nSELECT @a", err: "declared twice"},
		{name: "empty", body: " ;\n", err: "empty"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			q, err := adhoc.Parse("x.sql", c.body)
			if c.err != "" {
				if err == nil || !strings.Contains(err.Error(), c.err) {
					t.Fatalf("error %v, want one containing %q", err, c.err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if strings.HasSuffix(q.SQL, ";") {
				t.Errorf("SQL keeps its trailing semicolon: %q", q.SQL)
			}
			q.SQL, q.File = "", ""
			if !reflect.DeepEqual(q, c.want) {
				t.Errorf("got %+v\nwant %+v", q, c.want)
			}
		})
	}
}

func TestArgs(t *testing.T) {
	q, err := adhoc.Parse("x.sql", "-- params: town:String year:UInt16 since:Date ratio:Float64 delta:Int8\nSELECT @town, @year, @since, @ratio, @delta")
	if err != nil {
		t.Fatal(err)
	}
	ok := map[string]string{"town": "鼓楼", "year": "2025", "since": "2025-01-31", "ratio": "0.5", "delta": "-3"}
	args, err := q.Args(ok)
	if err != nil {
		t.Fatal(err)
	}
	want := []any{
		clickhouse.Named("town", "鼓楼"), clickhouse.Named("year", uint64(2025)),
		clickhouse.Named("since", "2025-01-31"), clickhouse.Named("ratio", 0.5), clickhouse.Named("delta", int64(-3)),
	}
	if !reflect.DeepEqual(args, want) {
		t.Errorf("got %#v\nwant %#v", args, want)
	}

	with := func(k, v string) map[string]string {
		m := map[string]string{}
		for a, b := range ok {
			m[a] = b
		}
		if v == "\x00delete" {
			delete(m, k)
		} else {
			m[k] = v
		}
		return m
	}
	bad := []struct {
		name   string
		values map[string]string
		err    string
	}{
		{"unknown", with("towm", "x"), "unknown parameter towm"},
		{"missing", with("town", "\x00delete"), "missing parameter town"},
		{"number with SQL", with("year", "2025 OR 1=1"), `"2025 OR 1=1" is not a UInt16`},
		{"number out of range", with("year", "70000"), "is not a UInt16"},
		{"negative unsigned", with("year", "-1"), "is not a UInt16"},
		{"date with SQL", with("since", "2025-01-31' OR '1'='1"), "is not a date"},
		{"NaN", with("ratio", "NaN"), "not a finite Float64"},
		{"int range", with("delta", "200"), "is not an Int8"},
		// A town that is not one: refused with the close matches from the reference data
		// (towns.csv, aliases.csv), not run to an empty table.
		{"unknown town", with("town", "黄屯"), "没有镇街“黄屯”；可选：鼓楼街道、龙桥街道、酒仙桥街道、兴隆庄街道、大安镇、新驿镇、颜店镇、新兖镇、漕河镇、小孟镇"},
		{"misspelt town", with("town", "鼓楼街"), "没有镇街“鼓楼街”；是否指：鼓楼街道？"},
		{"town code off by one", with("town", "370812002"), "是否指：鼓楼街道、龙桥街道、酒仙桥街道、兴隆庄街道、新驿镇？"}, // each one digit off,
		{"town with SQL", with("town", "鼓楼街道' OR 1=1 --"), "没有镇街“鼓楼街道' OR 1=1 --”；是否指：鼓楼街道？"},
		{"empty town", with("town", ""), "没有镇街“”"},
	}
	for _, c := range bad {
		if _, err := q.Args(c.values); err == nil || !strings.Contains(err.Error(), c.err) {
			t.Errorf("%s: error %v, want one containing %q", c.name, err, c.err)
		}
	}
	none, _ := adhoc.Parse("x.sql", "SELECT 1")
	if _, err := none.Args(map[string]string{"town": "x"}); err == nil || !strings.Contains(err.Error(), "declares none") {
		t.Errorf("a parameter for a query without any: %v", err)
	}
}

func TestSavedQueriesParse(t *testing.T) {
	qs, err := adhoc.Saved()
	if err != nil {
		t.Fatal(err)
	}
	ids := map[string]bool{}
	for _, q := range qs {
		ids[q.ID] = true
		if q.Description == "" {
			t.Errorf("%s has no description", q.ID)
		}
	}
	for _, id := range []string{"sibu_drills_by_town", "quarantine_by_file", "targets_due", "overdue_major_hazards"} {
		if !ids[id] {
			t.Errorf("saved query %s is missing", id)
		}
	}
	if _, err := adhoc.Lookup("no_such_query"); err == nil || !strings.Contains(err.Error(), "targets_due") {
		t.Errorf("Lookup of an unknown id: %v (want the list of saved ids)", err)
	}
}

// fixture is a warehouse with a few drills, quarantined rows and a metric value, and the
// analyst login for it.
func fixture(t *testing.T) (admin, analyst *warehouse.DB) {
	t.Helper()
	ctx := context.Background()
	admin = warehousetest.New(t)
	day := func(s string) time.Time { d, _ := time.Parse(time.DateOnly, s); return d }
	b, err := admin.PrepareBatch(ctx, `INSERT INTO fact_drill (drill_id, organizer_kind, enterprise_id, enterprise_name,
		town_code, drill_date, drill_type, no_advance_notice, no_script, no_preset_scene, no_preset_location, _version)`)
	if err != nil {
		t.Fatal(err)
	}
	const a, bb, c = "91370812MA0000001A", "91370812MA0000002B", "91370812MA0000003C"
	drills := []struct {
		id, kind, ent, name, town, date, typ string
		flags                                [4]uint8
	}{
		{"x:1", "企业", a, "鼓楼'机械\"厂", "370812001", "2025-03-01", "专项", [4]uint8{1, 1, 1, 1}},
		{"x:2", "企业", a, "鼓楼'机械\"厂", "370812001", "2025-06-01", "现场处置", [4]uint8{1, 1, 1, 1}},
		{"x:3", "企业", a, "鼓楼'机械\"厂", "370812001", "2025-09-01", "专项", [4]uint8{1, 1, 1, 0}},
		{"x:4", "企业", bb, "鼓楼化工", "370812001", "2025-04-01", "综合", [4]uint8{0, 0, 0, 0}},
		{"x:5", "企业", bb, "鼓楼化工", "370812001", "2024-04-01", "综合", [4]uint8{1, 1, 1, 1}},
		{"x:6", "部门", "", "应急局", "370812001", "2025-05-01", "综合", [4]uint8{1, 1, 1, 1}},
		{"x:7", "企业", c, "龙桥建材", "370812003", "2025-05-01", "专项", [4]uint8{1, 1, 1, 1}},
	}
	for _, d := range drills {
		if err := b.Append(d.id, d.kind, d.ent, d.name, d.town, day(d.date), d.typ, d.flags[0], d.flags[1], d.flags[2], d.flags[3], uint64(1)); err != nil {
			t.Fatal(err)
		}
	}
	if err := b.Send(); err != nil {
		t.Fatal(err)
	}
	qb, err := admin.PrepareBatch(ctx, "INSERT INTO etl_quarantine (run_id, source, locator, locator_sha256, row_num, field, reason, raw)")
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range []struct {
		row          uint32
		field, raw   string
		reasonDetail string
	}{{7, "演练日期", "x,2025-02-30", "日期无效 \"2025-02-30\""}, {3, "演练日期", "y,2024/2/30", "日期无效 \"2024/2/30\""}, {5, "所属镇街", "z,黄屯街道", "未知镇街 \"黄屯街道\""}} {
		if err := qb.Append("r1", "drills", "drills/鼓楼街道_2025.csv", "abc", r.row, r.field, r.reasonDetail, r.raw); err != nil {
			t.Fatal(err)
		}
	}
	if err := qb.Send(); err != nil {
		t.Fatal(err)
	}
	// 2025 enterprise drills x:1 x:2 x:3 x:4 x:7, of which x:1 x:2 x:7 are 四不 → 3/5 = 60 %.
	if _, err := queries.Refresh(ctx, admin, day("2026-11-28")); err != nil {
		t.Fatal(err)
	}
	return admin, analysttest.Open(t, admin.Database, nil)
}

// rows runs a saved query and returns its cells as text, header first.
func run(t *testing.T, db *warehouse.DB, id string, values map[string]string) [][]string {
	t.Helper()
	q, err := adhoc.Lookup(id)
	if err != nil {
		t.Fatal(err)
	}
	res, err := adhoc.Run(context.Background(), db, q, values)
	if err != nil {
		t.Fatalf("%s %v: %v", id, values, err)
	}
	var out [][]string
	var header []string
	for _, c := range res.Columns {
		header = append(header, c.Name)
	}
	out = append(out, header)
	for _, row := range res.Rows {
		var line []string
		for i, v := range row {
			line = append(line, export.Text(res.Columns[i], v))
		}
		out = append(out, line)
	}
	return out
}

func TestSavedQueriesAsAnalyst(t *testing.T) {
	t.Parallel()
	_, analyst := fixture(t)

	want := [][]string{
		{"统一社会信用代码", "单位名称", "演练次数", "四不演练次数", "四不占比（%）", "最近演练日期"},
		{"91370812MA0000002B", "鼓楼化工", "1", "0", "0", "2025-04-01"},
		{"91370812MA0000001A", "鼓楼'机械\"厂", "3", "2", "66.7", "2025-09-01"},
	}
	for _, town := range []string{"鼓楼街道", "鼓楼", "370812001"} {
		got := run(t, analyst, "sibu_drills_by_town", map[string]string{"town": town, "year": "2025"})
		if !reflect.DeepEqual(got, want) {
			t.Errorf("town=%s:\n got %q\nwant %q", town, got, want)
		}
	}

	got := run(t, analyst, "quarantine_by_file", nil)
	if len(got) != 3 || got[1][2] != "演练日期" || got[1][3] != "2" || got[1][4] != "3、7" || got[2][2] != "所属镇街" {
		t.Errorf("quarantine_by_file:\n%q", got)
	}

	got = run(t, analyst, "targets_due", map[string]string{"year": "2025"})
	var t71 []string
	status := map[string]int{}
	for _, row := range got[1:] {
		if row[0] == "T71" {
			t71 = row
		}
		status[row[len(row)-1]]++
	}
	if t71 == nil || t71[9] != "60" || t71[10] != "达标" {
		t.Errorf("T71 in targets_due 2025: %q\nheader %q", t71, got[0])
	}
	if status["无数据"] == 0 || len(got) < 10 {
		t.Errorf("targets_due 2025: %d rows, statuses %v", len(got)-1, status)
	}
}

// A parameter value is data whatever it holds: quotes, comments, a second statement, another
// placeholder. Each value below matches no town, so each query returns nothing, and the table
// is intact. The cases run through the admin connection too, where readonly=1 would not help:
// the binding alone must hold.
func TestParameterValuesStayData(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	admin, analyst := fixture(t)
	values := []string{
		"鼓楼街道' OR 1=1 --",
		"' OR ''='",
		"鼓楼街道\\' OR 1=1 --",
		"鼓楼街道\\",
		"'); DROP TABLE fact_drill; --",
		"' UNION ALL SELECT enterprise_id FROM fact_drill --",
		"鼓楼街道'/*",
		"@year",
		"鼓楼街道\x00",
		"`鼓楼街道`",
		"\"鼓楼街道\"",
	}
	// A saved query's town is checked against the reference data first: none of these is a town.
	for _, v := range values {
		q, err := adhoc.Lookup("sibu_drills_by_town")
		if err != nil {
			t.Fatal(err)
		}
		if _, err := adhoc.Run(ctx, analyst, q, map[string]string{"town": v, "year": "2025"}); err == nil || !strings.Contains(err.Error(), "没有镇街") {
			t.Errorf("town=%q: %v, want it refused as no town", v, err)
		}
	}
	// A parameter that names no dimension reaches the server, bound as data.
	q, err := adhoc.Parse("argument", "-- params: name:String\nSELECT count() AS n FROM dim_town WHERE name = @name")
	if err != nil {
		t.Fatal(err)
	}
	for name, db := range map[string]*warehouse.DB{"analyst": analyst, "admin": admin} {
		for _, v := range values {
			res, err := adhoc.Run(ctx, db, q, map[string]string{"name": v})
			if err != nil || fmt.Sprint(res.Rows) != "[[0]]" {
				t.Errorf("%s, name=%q: %v, %v", name, v, res, err)
			}
		}
	}
	var drills uint64
	if err := admin.QueryRow(ctx, "SELECT count() FROM fact_drill").Scan(&drills); err != nil || drills != 7 {
		t.Errorf("fact_drill after the attempts: %d rows, %v; want 7", drills, err)
	}
}

// Overdue: a major hazard past its deadline and not rectified, once per dedup group.
func TestOverdueMajorHazards(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	admin, analyst := fixture(t)
	b, err := admin.PrepareBatch(ctx, `INSERT INTO fact_hazard (hazard_id, dedup_group_id, enterprise_id, town_code, level,
		std_clause, channel, found_date, deadline_date, rectified_date, status, _version)`)
	if err != nil {
		t.Fatal(err)
	}
	day := func(s string) *time.Time {
		if s == "" {
			return nil
		}
		d, _ := time.Parse(time.DateOnly, s)
		return &d
	}
	for _, h := range []struct{ id, group, town, level, deadline, rectified, status string }{
		{"h1", "g1", "370812001", "重大", "2020-01-31", "", "整改中"},           // overdue
		{"h2", "g1", "370812001", "重大", "2020-02-15", "", "整改中"},           // the same hazard from another channel
		{"h3", "h3", "370812001", "重大", "2099-12-31", "", "整改中"},           // not due yet
		{"h4", "h4", "370812001", "一般", "2020-01-01", "", "整改中"},           // not major
		{"h5", "h5", "370812001", "重大", "2020-03-01", "", "已销号"},           // closed
		{"h6", "h6", "370812001", "重大", "2020-03-01", "2020-02-20", "待验收"}, // rectified in time
		{"h7", "h7", "370812003", "重大", "2020-01-01", "", "整改中"},           // another town
	} {
		if err := b.Append(h.id, h.group, "91370812MA0000001A", h.town, h.level, "工贸-粉尘-第4条", "执法检查",
			*day("2019-12-01"), day(h.deadline), day(h.rectified), h.status, uint64(1)); err != nil {
			t.Fatal(err)
		}
	}
	if err := b.Send(); err != nil {
		t.Fatal(err)
	}
	for _, town := range []string{"鼓楼街道", "370812001"} {
		got := run(t, analyst, "overdue_major_hazards", map[string]string{"town": town})
		if len(got) != 2 || got[1][0] != "h1" || got[1][6] != "2020-01-31" {
			t.Fatalf("town=%s: %q, want h1 only", town, got)
		}
		if days, err := strconv.Atoi(got[1][7]); err != nil || days < 2000 {
			t.Errorf("逾期天数 = %q, want the days since 2020-01-31", got[1][7])
		}
	}
	if got := run(t, analyst, "overdue_major_hazards", map[string]string{"town": "鼓楼"}); len(got) != 2 || got[1][0] != "h1" {
		t.Errorf("town=鼓楼 (an alias): %q, want h1 only", got)
	}
}
