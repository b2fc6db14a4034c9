package etl_test

import (
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"safetydw/etl"
	"safetydw/etl/landing"
	"safetydw/queries"
	"safetydw/warehouse"
	"safetydw/warehouse/warehousetest"
)

// runAt is a fixed run time: 02:00 on 2026-11-29 in China, still 2026-11-28 in UTC, so a
// check by the UTC day would refuse a drill held on the 29th.
var runAt = time.Date(2026, 11, 28, 18, 0, 0, 0, time.UTC)

// clock starts at runAt and moves a minute on each reading, so each run has its own version.
func clock() func() time.Time {
	var n atomic.Int64 // the runner reads the time from several goroutines
	return func() time.Time { return runAt.Add(time.Duration(n.Add(1)) * time.Minute) }
}

const keyDrillHeader = "演练编号,统一社会信用代码,单位名称,镇街,组织方,演练日期,演练类型,演练场景,疏散逃生,不提前通知,不设定脚本,不预设场景,不预设地点,参加人数,部门核实\n"

// drillFile writes a town's ledger with drills D-from … D-to of one registered enterprise,
// each an enterprise 专项 drill meeting all four 四不, held on the given day.
func drillFile(t *testing.T, dir, path, uscc, town string, from, to int, day string) {
	t.Helper()
	var b strings.Builder
	b.WriteString(keyDrillHeader)
	for i := from; i <= to; i++ {
		fmt.Fprintf(&b, "D-%d,%s,单位,%s,企业,%s,专项,火灾,否,是,是,是,是,%d,否\n", i, uscc, town, day, 10+i)
	}
	writeFile(t, dir, path, b.String())
}

func writeFile(t *testing.T, dir, path, body string) {
	t.Helper()
	p := filepath.Join(dir, path)
	if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(p, []byte(body), 0o644); err != nil {
		t.Fatal(err)
	}
}

// keyDrop is a drop folder with the test registry (91370812MA0000001A in 鼓楼街道 370812001,
// 91370812MA0000003C in 大安镇 370812101).
func keyDrop(t *testing.T) string {
	t.Helper()
	dir := t.TempDir()
	body, err := os.ReadFile("testdata/drop/registry/enterprises.csv")
	if err != nil {
		t.Fatal(err)
	}
	writeFile(t, dir, "registry/enterprises.csv", string(body))
	return dir
}

var keySources = []etl.SourceConfig{
	domainSource("registry", "enterprises", "", "registry/enterprises.csv"),
	domainSource("drills", "drills", "town_ledger", "drills/*/*.csv"),
	domainSource("hazards", "hazards", "hazard_platform", "hazards/*.jsonl"),
}

// runKeys runs the sources over dir and returns each source's read/loaded/quarantined.
func runKeys(t *testing.T, r *etl.Runner, sources ...etl.SourceConfig) map[string][3]int {
	t.Helper()
	stats, err := r.Run(context.Background(), sources)
	if err != nil {
		t.Fatal(err)
	}
	got := map[string][3]int{}
	for _, st := range stats {
		got[st.Source] = [3]int{st.Read, st.Loaded, st.Quarantined}
		if st.Read != st.Loaded+st.Quarantined {
			t.Errorf("%s: read %d != loaded %d + quarantined %d", st.Source, st.Read, st.Loaded, st.Quarantined)
		}
	}
	return got
}

func countRows(t *testing.T, db *warehouse.DB, query string, args ...any) uint64 {
	t.Helper()
	var n uint64
	if err := db.QueryRow(context.Background(), query, args...).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

func reasons(t *testing.T, db *warehouse.DB, source string) []string {
	t.Helper()
	rows, err := db.Query(context.Background(), "SELECT concat(locator, ':', toString(row_num), ' ', field, ': ', reason) FROM etl_quarantine FINAL WHERE source = ? ORDER BY locator, row_num", source)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var s string
		if err := rows.Scan(&s); err != nil {
			t.Fatal(err)
		}
		out = append(out, s)
	}
	return out
}

// Two towns both number their drills 1…30: a town's numbering is local to its ledger, so
// the key is widened by the file and all 60 drills are in the table.
func TestLocalKeysOfTwoTownsBothLoad(t *testing.T) {
	db := warehousetest.New(t)
	dir := keyDrop(t)
	drillFile(t, dir, "drills/2026/370812001.csv", "91370812MA0000001A", "鼓楼街道", 1, 30, "2026-03-01")
	drillFile(t, dir, "drills/2026/370812101.csv", "91370812MA0000003C", "大安镇", 1, 30, "2026-03-01")
	r := &etl.Runner{DB: db, DropDir: dir, Log: io.Discard, Now: clock()}
	got := runKeys(t, r, keySources[:2]...)
	if got["drills"] != [3]int{60, 60, 0} {
		t.Errorf("drills read/loaded/quarantined = %v, want 60/60/0", got["drills"])
	}
	if n := countRows(t, db, "SELECT count() FROM fact_drill FINAL"); n != 60 {
		t.Errorf("fact_drill holds %d drills, want 60", n)
	}
	if n := countRows(t, db, "SELECT count() FROM fact_drill FINAL WHERE drill_id = 'town_ledger:drills/2026/370812101.csv#D-7' AND town_code = '370812101'"); n != 1 {
		t.Errorf("drill D-7 of 大安镇 not found by its widened key")
	}
}

// hazard writes one platform record; only the fields the test varies are parameters.
func hazard(id, level, status, closed, updated string) string {
	c := "null"
	if closed != "" {
		c = `"` + closed + `"`
	}
	return fmt.Sprintf(`{"hazard_id":%q,"src_id":"S-%s","uscc":"91370812MA0000001A","town":"鼓楼街道","level":%q,"channel":"企业自查","found_by_level":"企业","found_by_dept":"","found_date":"2026-03-04","deadline_date":"2026-12-31","is_gua_pai":false,"rectified_date":null,"verified_date":null,"verify_dept":"","closed_date":%s,"status":%q,"tags":["电气焊"],"std_clause":"","updated_at":%q}`+"\n",
		id, id, level, c, status, updated)
}

// Platform hazard ids are global: the same id from another file with different content and
// the same platform stamp is a conflict, quarantined with the key, both files and the fields;
// the same content, or a newer stamp (a later state of the record), is not.
func TestGlobalKeyConflictAcrossFilesIsQuarantined(t *testing.T) {
	ctx := context.Background()
	db := warehousetest.New(t)
	dir := keyDrop(t)
	const t1, t2 = "2026-03-04T09:00:00+08:00", "2026-03-09T09:00:00+08:00"
	writeFile(t, dir, "hazards/a.jsonl", hazard("H1", "一般", "整改中", "", t1)+hazard("H2", "一般", "整改中", "", t1)+hazard("H4", "一般", "整改中", "", t1))
	r := &etl.Runner{DB: db, DropDir: dir, Log: io.Discard, Now: clock()}
	if got := runKeys(t, r, keySources[0], keySources[2]); got["hazards"] != [3]int{3, 3, 0} {
		t.Fatalf("a.jsonl read/loaded/quarantined = %v, want 3/3/0", got["hazards"])
	}
	// b.jsonl: H1 as in a.jsonl; H2 with another level and status under the same stamp (a
	// conflict); H3 new; H4 closed under a later stamp (the record moved on).
	writeFile(t, dir, "hazards/b.jsonl", hazard("H1", "一般", "整改中", "", t1)+hazard("H2", "重大", "已销号", "2026-03-05", t1)+
		hazard("H3", "一般", "整改中", "", t1)+hazard("H4", "一般", "已销号", "2026-03-08", t2))
	if got := runKeys(t, r, keySources[0], keySources[2]); got["hazards"] != [3]int{4, 3, 1} {
		t.Errorf("b.jsonl read/loaded/quarantined = %v, want 4/3/1", got["hazards"])
	}
	want := []string{"hazards/b.jsonl:2 hazard_id: 编号冲突 (key conflict): hazard_platform:H2 已由文件 hazards/a.jsonl 载入，本文件 hazards/b.jsonl 的内容不同 (loaded before from hazards/a.jsonl; hazards/b.jsonl differs in): level、closed_date、status"}
	if got := reasons(t, db, "hazards"); strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("quarantine:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	var level, status string
	if err := db.QueryRow(ctx, "SELECT level, status FROM fact_hazard FINAL WHERE hazard_id = 'hazard_platform:H2'").Scan(&level, &status); err != nil {
		t.Fatal(err)
	}
	if level != "一般" || status != "整改中" {
		t.Errorf("H2 = %s %s, want a.jsonl's 一般 整改中 kept", level, status)
	}
	if n := countRows(t, db, "SELECT count() FROM fact_hazard FINAL WHERE status = '已销号'"); n != 1 {
		t.Errorf("%d closed hazards, want 1 (H4's later state)", n)
	}
	// a.jsonl re-sent with H2 corrected (same stamp): the same file, so not a conflict.
	writeFile(t, dir, "hazards/a.jsonl", hazard("H1", "一般", "整改中", "", t1)+hazard("H2", "一般", "待验收", "", t1)+hazard("H4", "一般", "整改中", "", t1))
	if got := runKeys(t, r, keySources[0], keySources[2]); got["hazards"] != [3]int{3, 3, 0} {
		t.Errorf("a.jsonl re-sent: read/loaded/quarantined = %v, want 3/3/0", got["hazards"])
	}
	if err := db.QueryRow(ctx, "SELECT status FROM fact_hazard FINAL WHERE hazard_id = 'hazard_platform:H2'").Scan(&status); err != nil {
		t.Fatal(err)
	}
	if status != "待验收" {
		t.Errorf("H2 after the correction = %s, want 待验收", status)
	}
}

// Dates of things that happened may not lie after the run's day in China time; a plan date
// (a hazard's deadline) may.
func TestFutureEventDatesAreQuarantined(t *testing.T) {
	db := warehousetest.New(t)
	dir := keyDrop(t)
	writeFile(t, dir, "drills/2026/370812001.csv", keyDrillHeader+
		"D-1,91370812MA0000001A,单位,鼓楼街道,企业,2026-11-29,专项,火灾,否,是,是,是,是,10,否\n"+
		"D-2,91370812MA0000001A,单位,鼓楼街道,企业,2026-11-30,专项,火灾,否,是,是,是,是,10,否\n"+
		"D-3,91370812MA0000001A,单位,鼓楼街道,企业,2027-03-01,专项,火灾,否,是,是,是,是,10,否\n")
	writeFile(t, dir, "hazards/a.jsonl", hazard("H1", "一般", "整改中", "", "2026-11-28T09:00:00+08:00")+
		strings.Replace(hazard("H2", "一般", "整改中", "", "2026-11-28T09:00:00+08:00"), `"found_date":"2026-03-04"`, `"found_date":"2026-12-01"`, 1))
	r := &etl.Runner{DB: db, DropDir: dir, Log: io.Discard, Now: clock()}
	got := runKeys(t, r, keySources...)
	if got["drills"] != [3]int{3, 1, 2} || got["hazards"] != [3]int{2, 1, 1} {
		t.Errorf("read/loaded/quarantined: drills %v (want 3/1/2), hazards %v (want 2/1/1)", got["drills"], got["hazards"])
	}
	want := []string{
		"drills/2026/370812001.csv:3 演练日期: 日期在未来 (date in the future): drill_date=2026-11-30 > 运行日 2026-11-29",
		"drills/2026/370812001.csv:4 演练日期: 日期在未来 (date in the future): drill_date=2027-03-01 > 运行日 2026-11-29",
		"hazards/a.jsonl:2 found_date: 日期在未来 (date in the future): found_date=2026-12-01 > 运行日 2026-11-29",
	}
	if got := append(reasons(t, db, "drills"), reasons(t, db, "hazards")...); strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("quarantine:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	if n := countRows(t, db, "SELECT count() FROM fact_hazard FINAL WHERE deadline_date = '2026-12-31'"); n != 1 {
		t.Errorf("the hazard with a deadline ahead was not loaded")
	}
}

// A re-sent file (same source, same path, new content) replaces that file's earlier rows:
// drills it no longer lists leave the table and the metrics, also after a replay, and so do
// all of them when none of the new sending loads.
func TestResentFileReplacesItsRows(t *testing.T) {
	ctx := context.Background()
	db := warehousetest.New(t)
	dir := keyDrop(t)
	archive := t.TempDir()
	drillFile(t, dir, "drills/2026/370812001.csv", "91370812MA0000001A", "鼓楼街道", 1, 30, "2026-03-01")
	drillFile(t, dir, "drills/2026/370812101.csv", "91370812MA0000003C", "大安镇", 1, 30, "2026-03-01")
	r := &etl.Runner{DB: db, DropDir: dir, Landing: archive, Log: io.Discard, Now: clock()}
	runKeys(t, r, keySources[:2]...)
	drillFile(t, dir, "drills/2026/370812001.csv", "91370812MA0000001A", "鼓楼街道", 1, 27, "2026-03-02")
	if got := runKeys(t, r, keySources[:2]...); got["drills"] != [3]int{27, 27, 0} {
		t.Errorf("re-sent file: read/loaded/quarantined = %v, want 27/27/0", got["drills"])
	}
	// 大安镇 re-sends its ledger with every drill dated in the future: all refused, so none
	// of its drills remains.
	drillFile(t, dir, "drills/2026/370812101.csv", "91370812MA0000003C", "大安镇", 1, 30, "2027-01-01")
	if got := runKeys(t, r, keySources[:2]...); got["drills"] != [3]int{30, 0, 30} {
		t.Errorf("re-sent, all refused: read/loaded/quarantined = %v, want 30/0/30", got["drills"])
	}
	check := func(db *warehouse.DB, when string) {
		t.Helper()
		for file, want := range map[string]uint64{"drills/2026/370812001.csv": 27, "drills/2026/370812101.csv": 0} {
			if n := countRows(t, db, "SELECT count() FROM fact_drill FINAL WHERE source_file = ?", file); n != want {
				t.Errorf("%s: %s holds %d drills, want %d", when, file, n, want)
			}
		}
		if n := countRows(t, db, "SELECT count() FROM fact_drill FINAL WHERE drill_date = '2026-03-01' AND town_code = '370812001'"); n != 0 {
			t.Errorf("%s: %d drills of the first sending of 370812001 remain", when, n)
		}
		if _, err := queries.Refresh(ctx, db, time.Date(2026, 11, 29, 0, 0, 0, 0, time.UTC)); err != nil {
			t.Fatal(err)
		}
		checkShares(t, db, "town", "370812001", map[int][2]float64{2026: {27, 27}})
		checkShares(t, db, "district", "", map[int][2]float64{2026: {27, 27}})
	}
	check(db, "loaded")
	fresh := warehousetest.New(t)
	if _, err := landing.Replay(ctx, fresh, archive); err != nil {
		t.Fatal(err)
	}
	check(fresh, "replayed")
}

// Readings are re-sent like any file: the readings a corrected file no longer has go.
func TestResentReadingsFileReplacesItsReadings(t *testing.T) {
	db := warehousetest.New(t)
	dir := t.TempDir()
	readings := func(path string, n int) {
		var b strings.Builder
		b.WriteString("point_id,ts,value,quality\n")
		for i := 0; i < n; i++ {
			fmt.Fprintf(&b, "P1,2026-11-28 10:%02d:00,%d.5,0\n", i, i)
		}
		writeFile(t, dir, path, b.String())
	}
	readings("sensors/readings_a.csv", 10)
	src := domainSource("readings", "sensor_readings", "iot_platform", "sensors/readings_a.csv")
	r := &etl.Runner{DB: db, DropDir: dir, Log: io.Discard, Now: clock()}
	runKeys(t, r, src)
	readings("sensors/readings_a.csv", 7)
	if got := runKeys(t, r, src); got["readings"] != [3]int{7, 7, 0} {
		t.Errorf("re-sent readings: read/loaded/quarantined = %v, want 7/7/0", got["readings"])
	}
	if n := countRows(t, db, "SELECT count() FROM fact_sensor_reading FINAL"); n != 7 {
		t.Errorf("fact_sensor_reading holds %d readings, want 7", n)
	}
	var sum float64
	if err := db.QueryRow(context.Background(), "SELECT sum(value) FROM fact_sensor_reading FINAL").Scan(&sum); err != nil {
		t.Fatal(err)
	}
	if sum != 24.5 { // 0.5 + 1.5 + … + 6.5
		t.Errorf("sum of the readings = %v, want 24.5", sum)
	}
}

// A key of several columns (a ledger's type and item number) conflicts the same way: the same
// item of the same ledger from another file with other content is refused; the same number
// in another ledger type is another item.
func TestCompositeKeyConflictAcrossFiles(t *testing.T) {
	db := warehousetest.New(t)
	dir := t.TempDir()
	const header = "台账类型,条目编号,所属镇街,所属园区,统一社会信用代码,责任部门,发现日期,完成时限,销号日期,状态,数量,计量单位,是否接入智慧工地,佐证材料\n"
	writeFile(t, dir, "ledgers/a.csv", header+
		"农村公路危桥,WQ-0001,颜店镇,,,区交通运输局,2026-02-19,2026-12-31,,未整治,1,座,,\n"+
		"农村公路危桥,WQ-0002,颜店镇,,,区交通运输局,2026-02-19,2026-12-31,,未整治,1,座,,\n")
	writeFile(t, dir, "ledgers/b.csv", header+
		"农村公路危桥,WQ-0001,颜店镇,,,区交通运输局,2026-02-19,2026-12-31,,未整治,1,座,,\n"+ // as in a.csv
		"农村公路危桥,WQ-0002,颜店镇,,,区交通运输局,2026-02-19,2026-12-31,2026-06-01,已销号,2,座,,\n"+ // differs
		"险要路段,WQ-0002,颜店镇,,,区交通运输局,2026-02-19,2026-12-31,,未整治,1,处,,\n") // another ledger
	src := domainSource("ledgers", "ledger_items", "task_ledgers", "ledgers/*.csv")
	r := &etl.Runner{DB: db, DropDir: dir, Log: io.Discard, Now: clock()}
	if got := runKeys(t, r, src); got["ledgers"] != [3]int{5, 4, 1} {
		t.Errorf("read/loaded/quarantined = %v, want 5/4/1", got["ledgers"])
	}
	want := []string{"ledgers/b.csv:3 条目编号: 编号冲突 (key conflict): WQ-0002 农村公路危桥 已由文件 ledgers/a.csv 载入，本文件 ledgers/b.csv 的内容不同 (loaded before from ledgers/a.csv; ledgers/b.csv differs in): resolved_date、status、quantity"}
	if got := reasons(t, db, "ledgers"); strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("quarantine:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	if n := countRows(t, db, "SELECT count() FROM fact_ledger_item FINAL WHERE status = '已销号'"); n != 0 {
		t.Errorf("b.csv's WQ-0002 overwrote a.csv's")
	}
	if n := countRows(t, db, "SELECT count() FROM fact_ledger_item FINAL"); n != 3 {
		t.Errorf("fact_ledger_item holds %d items, want 3", n)
	}
}
