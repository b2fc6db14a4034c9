package etl_test

import (
	"context"
	"fmt"
	"path/filepath"
	"strings"
	"testing"

	"golang.org/x/text/encoding/simplifiedchinese"

	"safetydw/etl"
	"safetydw/warehouse"
	"safetydw/warehouse/warehousetest"
)

// regDrop writes a drop folder holding the one-enterprise registry the drills below refer to.
func regDrop(t *testing.T) string {
	t.Helper()
	dir := t.TempDir()
	reg := lines(regHeader, "91370812MA0000001A,兖州甲机械有限公司,鼓楼街道,,机械加工/机械制造,应急局,规下,12,在营,2015-04-01,,,,否,否,三级")
	if err := write(dir, "registry/enterprises.csv", reg); err != nil {
		t.Fatal(err)
	}
	return dir
}

func drillSources(t *testing.T, patterns ...string) []etl.SourceConfig {
	t.Helper()
	sources, err := etl.LoadSources("testdata/sources.yaml")
	if err != nil {
		t.Fatal(err)
	}
	sources[1].File.Patterns = patterns
	return sources
}

func count(t *testing.T, db *warehouse.DB, query string, args ...any) uint64 {
	t.Helper()
	var n uint64
	if err := db.QueryRow(context.Background(), query, args...).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

// A GBK file under `encoding: utf-8` used to be quarantined whole and marked loaded, so once
// the setting was fixed the file was skipped for good (0 drills). Now the run fails naming the
// file and the setting, records nothing of the file, and the fixed run loads its 2 drills.
func TestWrongEncodingLeavesFileUnloaded(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	db := warehousetest.New(t)
	dir := regDrop(t)
	gbk, _ := simplifiedchinese.GBK.NewEncoder().Bytes(lines(drillHeader, goodDrill, drill("B-2", nil)))
	if err := write(dir, "drills/2024/370812001.csv", gbk); err != nil {
		t.Fatal(err)
	}
	sources := drillSources(t, "drills/*/*.csv")
	sources[1].File.Encoding = "utf-8"
	r := &etl.Runner{DB: db, DropDir: dir, Landing: t.TempDir()}
	_, err := r.Run(ctx, sources)
	if err == nil || !strings.Contains(err.Error(), "source drills: drills/2024/370812001.csv:") || !strings.Contains(err.Error(), "for a GBK file set encoding: gbk") {
		t.Fatalf("run error %v, want one naming the file and the encoding setting", err)
	}
	checkNothingOf(t, db, "drills")
	if archived, _ := filepath.Glob(filepath.Join(r.Landing, "*", "drills", "*")); len(archived) != 0 {
		t.Errorf("the failed file was archived: %v", archived)
	}

	sources[1].File.Encoding = "" // fixed: detect
	stats, err := r.Run(ctx, sources)
	if err != nil {
		t.Fatal(err)
	}
	if st := stats[1]; st.Batches != 1 || st.Loaded != 2 || st.Quarantined != 0 {
		t.Errorf("after the fix: %+v, want 1 file, 2 drills loaded", st)
	}
	if n := count(t, db, "SELECT count() FROM fact_drill FINAL"); n != 2 {
		t.Errorf("fact_drill holds %d drills, want 2", n)
	}
}

// The same for a header that fits no dataset column set: the sheet setting pointed at the
// workbook's notes. Fixed, the file loads; nothing was half-inserted before.
func TestWrongSheetLeavesFileUnloaded(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	db := warehousetest.New(t)
	dir := regDrop(t)
	wb := xlsxSheets(t, "填表说明", "演练台账", [][]any{strSlice(drillHeader), strSlice(goodDrill), strSlice(drill("B-2", nil)), strSlice(drill("B-3", nil))})
	if err := write(dir, "drills/2025/370812101.xlsx", wb); err != nil {
		t.Fatal(err)
	}
	sources := drillSources(t, "drills/*/*.xlsx")
	sources[1].File.Sheet = "2025年台账"
	r := &etl.Runner{DB: db, DropDir: dir}
	if _, err := r.Run(ctx, sources); err == nil || !strings.Contains(err.Error(), `drills/2025/370812101.xlsx: 没有名为“2025年台账”的工作表，工作簿中有 填表说明、演练台账`) {
		t.Fatalf("run error %v, want one naming the file and the sheets", err)
	}
	checkNothingOf(t, db, "drills")
	sources[1].File.Sheet = "演练台账"
	stats, err := r.Run(ctx, sources)
	if err != nil {
		t.Fatal(err)
	}
	if st := stats[1]; st.Loaded != 3 {
		t.Errorf("after the fix: %+v, want 3 drills loaded", st)
	}
}

// --reload loads a file again whose content was loaded before: here under the wrong (but
// readable) sheet, which the file ledger would otherwise keep skipping.
func TestReloadForcesLoadedFiles(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	db := warehousetest.New(t)
	dir := regDrop(t)
	wb := xlsxSheets(t, "说明", "演练台账", [][]any{strSlice(drillHeader), strSlice(goodDrill), strSlice(drill("B-2", nil))})
	if err := write(dir, "drills/2025/370812101.xlsx", wb); err != nil {
		t.Fatal(err)
	}
	if err := write(dir, "drills/2024/370812001.csv", lines(drillHeader, drill("C-1", nil))); err != nil {
		t.Fatal(err)
	}
	sources := drillSources(t, "drills/*/*.csv", "drills/*/*.xlsx")
	r := &etl.Runner{DB: db, DropDir: dir}
	// The first sheet is empty, so the run fails on the workbook (after the CSV loaded).
	if _, err := r.Run(ctx, sources); err == nil {
		t.Fatal("a workbook with its data on the second sheet loaded without sheet:")
	}
	sources[1].File.Sheet = "演练台账"
	if _, err := r.Run(ctx, sources); err != nil {
		t.Fatal(err)
	}
	// A later fix of a rule would not reach the loaded files: a plain run skips both.
	stats, err := r.Run(ctx, sources)
	if err != nil || stats[1].Skipped != 2 || stats[1].Batches != 0 {
		t.Fatalf("plain rerun: %+v, %v; want both files skipped", stats, err)
	}
	r.Reload = []string{"drills/2025/*.xlsx"}
	stats, err = r.Run(ctx, sources)
	if err != nil {
		t.Fatal(err)
	}
	if st := stats[1]; st.Batches != 1 || st.Skipped != 1 || st.Loaded != 2 {
		t.Errorf("--reload drills/2025/*.xlsx: %+v, want the workbook (2 drills) loaded again, the CSV skipped", st)
	}
	// Loaded twice, stored once: 3 drills, one ledger row per file.
	if n := count(t, db, "SELECT count() FROM fact_drill FINAL"); n != 3 {
		t.Errorf("fact_drill holds %d drills, want 3", n)
	}
	if n := count(t, db, "SELECT count() FROM etl_files FINAL WHERE source = 'drills'"); n != 2 {
		t.Errorf("file ledger holds %d rows, want 2", n)
	}

	for _, c := range []struct{ glob, want string }{
		{"drills/2023/*.xlsx", `--reload "drills/2023/*.xlsx" 没有匹配到任何数据源读取的文件`},
		{"../*.csv", `--reload "../*.csv": 不能含 “..”`},
		{"/etc/*", `--reload "/etc/*": 不能用绝对路径`},
	} {
		r.Reload = []string{"drills/2025/*.xlsx", c.glob}
		before := count(t, db, "SELECT count() FROM etl_runs")
		if _, err := r.Run(ctx, sources); err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("--reload %s: error %v, want %q", c.glob, err, c.want)
		}
		if after := count(t, db, "SELECT count() FROM etl_runs"); after != before {
			t.Errorf("--reload %s: %d sources ran before the glob was refused", c.glob, after-before)
		}
	}
}

// The CSV: 20,000 drills, a stray quote opening 单位名称 on physical row 4. It used to
// load 2 rows, quarantine the other 19,997 as one row and report read 3, status ok (and take
// time quadratic in the rows after the quote). Now row 4 alone is quarantined, with its field,
// reason and raw text, and the 19,999 others load.
func TestStrayQuoteQuarantinesOneRow(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	db := warehousetest.New(t)
	dir := regDrop(t)
	var b strings.Builder
	b.WriteString(drillHeader + "\n")
	bad := strings.Replace(drill("B-3", nil), "兖州甲", `"兖州甲`, 1)
	for i := 1; i <= 20_000; i++ {
		row := drill(fmt.Sprintf("B-%d", i), nil)
		if i == 3 {
			row = bad // physical line 4
		}
		b.WriteString(row + "\n")
	}
	if err := write(dir, "drills/2024/370812001.csv", []byte(b.String())); err != nil {
		t.Fatal(err)
	}
	r := &etl.Runner{DB: db, DropDir: dir}
	stats, err := r.Run(ctx, drillSources(t, "drills/*/*.csv"))
	if err != nil {
		t.Fatal(err)
	}
	if st := stats[1]; st.Read != 20_000 || st.Loaded != 19_999 || st.Quarantined != 1 {
		t.Errorf("read/loaded/quarantined = %d/%d/%d, want 20000/19999/1", st.Read, st.Loaded, st.Quarantined)
	}
	var locator, field, reason, raw string
	var row uint32
	if err := db.QueryRow(ctx, "SELECT locator, row_num, field, reason, raw FROM etl_quarantine FINAL WHERE source = 'drills'").Scan(&locator, &row, &field, &reason, &raw); err != nil {
		t.Fatal(err)
	}
	if locator != "drills/2024/370812001.csv" || row != 4 || field != "单位名称" || !strings.Contains(reason, "引号未闭合") || raw != bad {
		t.Errorf("quarantined %s row %d field %s: %s, raw %q; want row 4, 单位名称, 引号未闭合, %q", locator, row, field, reason, raw, bad)
	}
	if n := count(t, db, "SELECT count() FROM fact_drill FINAL WHERE src_id IN ('B-2', 'B-4', 'B-20000')"); n != 3 {
		t.Errorf("%d of the drills around and after the quote loaded, want 3", n)
	}
}

// A truncated re-drop: the row of drill B-1 with 部门核实 cut off and 参演人数 cut from 26 to 2.
// It used to load and overwrite 26 with 2; now it is refused and 26 stands.
func TestShortRowIsRefused(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	db := warehousetest.New(t)
	dir := regDrop(t)
	good := drill("B-1", map[int]string{13: "26"})
	if err := write(dir, "drills/2024/370812001.csv", lines(drillHeader, good)); err != nil {
		t.Fatal(err)
	}
	sources := drillSources(t, "drills/*/*.csv")
	r := &etl.Runner{DB: db, DropDir: dir}
	if _, err := r.Run(ctx, sources); err != nil {
		t.Fatal(err)
	}
	cut := strings.TrimSuffix(good, "6,是") // "…,是,2": 14 fields
	if err := write(dir, "drills/2024/370812001_补报.csv", lines(drillHeader, cut)); err != nil {
		t.Fatal(err)
	}
	stats, err := r.Run(ctx, sources)
	if err != nil {
		t.Fatal(err)
	}
	if st := stats[1]; st.Loaded != 0 || st.Quarantined != 1 {
		t.Errorf("re-drop: %+v, want the cut row quarantined", st)
	}
	var participants uint32
	if err := db.QueryRow(ctx, "SELECT participants FROM fact_drill FINAL WHERE src_id = 'B-1'").Scan(&participants); err != nil {
		t.Fatal(err)
	}
	if participants != 26 {
		t.Errorf("B-1 participants = %d, want 26 (the cut row must not overwrite it)", participants)
	}
	var field, reason string
	if err := db.QueryRow(ctx, "SELECT field, reason FROM etl_quarantine FINAL WHERE locator = 'drills/2024/370812001_补报.csv' AND row_num = 2").Scan(&field, &reason); err != nil {
		t.Fatal(err)
	}
	if field != "行" || !strings.Contains(reason, "字段数少于表头") || !strings.Contains(reason, "row has 14 fields, header has 15") {
		t.Errorf("quarantined field %s: %s", field, reason)
	}
}

// CSV files exported with a trailing comma on the header row have an empty last header cell;
// rows without that empty field are whole, not short.
func TestShortRowIgnoresEmptyTrailingHeaderCells(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	db := warehousetest.New(t)
	dir := regDrop(t)
	if err := write(dir, "drills/2024/370812001.csv", lines(drillHeader+",,", goodDrill, drill("B-2", nil)+",")); err != nil {
		t.Fatal(err)
	}
	stats, err := (&etl.Runner{DB: db, DropDir: dir}).Run(ctx, drillSources(t, "drills/*/*.csv"))
	if err != nil {
		t.Fatal(err)
	}
	if st := stats[1]; st.Loaded != 2 || st.Quarantined != 0 {
		t.Errorf("%+v, want both rows loaded", st)
	}
}
