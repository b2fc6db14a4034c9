package etl_test

import (
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"

	"safetydw/etl"
	"safetydw/etl/files"
	"safetydw/queries"
	"safetydw/warehouse"
	"safetydw/warehouse/warehousetest"
)

// dropFolder copies testdata/drop and adds the 2025 ledger as a real XLSX with a merged
// title row above the header, an Excel serial date and an alias town name.
func dropFolder(t *testing.T) string {
	t.Helper()
	dir := t.TempDir()
	if err := os.CopyFS(dir, os.DirFS("testdata/drop")); err != nil {
		t.Fatal(err)
	}
	f := excelize.NewFile()
	sheet := "演练台账"
	f.SetSheetName("Sheet1", sheet)
	rows := [][]any{
		{"大安镇2025年应急演练台账"},
		{"演练编号", "统一社会信用代码", "单位名称", "所属镇街", "组织方", "演练时间", "演练类型", "演练场景", "疏散逃生", "不提前通知", "不设定脚本", "不预设场景", "不预设地点", "参演人数", "部门核实"},
		{"Y25-1", "91370812MA0000001A", "兖州甲机械有限公司", "大安镇人民政府", "企业", 45717, "综合", "火灾", "是", "是", "是", "是", "是", 40, "否"}, // 45717 = 2025-03-01
		{"Y25-2", "91370812MA0000002B", "兖州乙化工有限公司", "大安镇", "企业", "2025/5/1", "专项", "泄漏", "否", "是", "是", "是", "是", 25, "是"},
		{"Y25-3", "91370812MA0000003C", "兖州丙木业有限公司", "大安镇", "企业", "2025-06-01", "专项", "粉尘爆炸", "否", "是", "是", "否", "否", 10, "否"},
		{"Y25-4", "91370812MA0000003C", "兖州丙木业有限公司", "大安镇", "企业", "2025-07-01", "专项", "粉尘爆炸", "否", "是", "是", "是", "是", -5, "否"},
		{"Y25-5", "91370812MA0000001A", "兖州甲机械有限公司", "大安镇", "企业", "2025-08-01", "专项", "触电", "否", "不详", "是", "是", "是", 20, "否"},
	}
	for i, r := range rows {
		cell, _ := excelize.CoordinatesToCellName(1, i+1)
		if err := f.SetSheetRow(sheet, cell, &r); err != nil {
			t.Fatal(err)
		}
	}
	if err := f.MergeCell(sheet, "A1", "O1"); err != nil {
		t.Fatal(err)
	}
	if err := os.MkdirAll(filepath.Join(dir, "drills/2025"), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := f.SaveAs(filepath.Join(dir, "drills/2025/370812101.xlsx")); err != nil {
		t.Fatal(err)
	}
	return dir
}

func TestDrillSliceEndToEnd(t *testing.T) {
	ctx := context.Background()
	db := warehousetest.New(t)
	dir := dropFolder(t)
	r := &etl.Runner{DB: db, DropDir: dir, Log: io.Discard}
	sources, err := etl.LoadSources("testdata/sources.yaml")
	if err != nil {
		t.Fatal(err)
	}

	stats, err := r.Run(ctx, sources)
	if err != nil {
		t.Fatal(err)
	}
	// Counted by hand from testdata/drop and the XLSX above:
	// registry 3 rows; drills 2024: 8 rows, 2 bad (YL-5 date 2024-02-30, YL-6 town 黄屯街道);
	// 2025: 5 rows, 2 bad (Y25-4 negative count, Y25-5 flag 不详); 2026: 3 rows.
	want := map[string][3]int{"registry": {3, 3, 0}, "drills": {16, 12, 4}}
	for _, st := range stats {
		got := [3]int{st.Read, st.Loaded, st.Quarantined}
		if got != want[st.Source] {
			t.Errorf("%s: read/loaded/quarantined = %v, want %v", st.Source, got, want[st.Source])
		}
	}

	type q struct {
		file  string
		row   uint32
		field string
	}
	var quarantined []q
	rows, err := db.Query(ctx, "SELECT locator, row_num, field FROM (SELECT locator, row_num, field FROM etl_quarantine FINAL) ORDER BY locator, row_num")
	if err != nil {
		t.Fatal(err)
	}
	for rows.Next() {
		var x q
		if err := rows.Scan(&x.file, &x.row, &x.field); err != nil {
			t.Fatal(err)
		}
		quarantined = append(quarantined, x)
	}
	rows.Close()
	wantQ := []q{
		{"drills/2024/370812001.csv", 6, "演练日期"},
		{"drills/2024/370812001.csv", 8, "所属镇街"},
		{"drills/2025/370812101.xlsx", 6, "参演人数"},
		{"drills/2025/370812101.xlsx", 7, "不提前通知"},
	}
	if len(quarantined) != len(wantQ) {
		t.Fatalf("quarantine = %v, want %v", quarantined, wantQ)
	}
	for i := range wantQ {
		if quarantined[i] != wantQ[i] {
			t.Errorf("quarantine row %d = %v, want %v", i, quarantined[i], wantQ[i])
		}
	}

	var drills uint64
	if err := db.QueryRow(ctx, "SELECT count() FROM fact_drill FINAL").Scan(&drills); err != nil {
		t.Fatal(err)
	}
	if drills != 11 { // 12 loaded rows, YL-3 twice
		t.Errorf("fact_drill holds %d drills, want 11", drills)
	}
	// 乙化工 is registered in 兖州工业园区 (P02, which lies in 大安镇). Y25-2 names 大安镇, so the park answers
	// for it; YL-3 names 鼓楼街道, which the registry's current state does not explain, so it stays there.
	for id, want := range map[string]string{"Y25-2": "P02", "YL-3": "370812001"} {
		var unit string
		if err := db.QueryRow(ctx, "SELECT territorial_unit FROM fact_drill FINAL WHERE src_id = ?", id).Scan(&unit); err != nil {
			t.Fatal(err)
		}
		if unit != want {
			t.Errorf("%s territorial unit = %q, want %q", id, unit, want)
		}
	}

	if _, err := queries.Refresh(ctx, db, queries.Today()); err != nil {
		t.Fatal(err)
	}
	// 2024: enterprise drills YL-1 YL-2 YL-3 YL-7, 四不 YL-1 YL-3 → 2/4.
	// 2025: Y25-1 Y25-2 Y25-3, 四不 Y25-1 Y25-2 → 2/3.
	// 2026: Y26-1 is 综合 and leaves the denominator; Y26-2 Y26-3, 四不 Y26-2 → 1/2.
	checkShares(t, db, "district", "", map[int][2]float64{2024: {2, 4}, 2025: {2, 3}, 2026: {1, 2}})
	checkShares(t, db, "town", "370812101", map[int][2]float64{2025: {2, 3}})
	checkShares(t, db, "town", "370812001", map[int][2]float64{2024: {2, 4}, 2026: {1, 2}})

	// A second run reads nothing new and changes no table but the run ledger.
	before := tableCounts(t, db)
	stats, err = r.Run(ctx, sources)
	if err != nil {
		t.Fatal(err)
	}
	for _, st := range stats {
		if st.Batches != 0 || st.Read != 0 {
			t.Errorf("%s re-read %d files, %d rows on an unchanged folder", st.Source, st.Batches, st.Read)
		}
	}
	if _, err := queries.Refresh(ctx, db, queries.Today()); err != nil {
		t.Fatal(err)
	}
	after := tableCounts(t, db)
	for table, n := range before {
		// The run ledger and the metric store's own history grow by design; the latest
		// metric values (the metric_value view) must not.
		if table != "etl_runs" && !strings.HasPrefix(table, "ads_") && after[table] != n {
			t.Errorf("%s: %d rows before the second run, %d after", table, n, after[table])
		}
	}
}

func checkShares(t *testing.T, db *warehouse.DB, dimType, code string, want map[int][2]float64) {
	t.Helper()
	set, err := queries.LoadSet(context.Background(), db)
	if err != nil {
		t.Fatal(err)
	}
	got := map[int][2]float64{}
	for _, v := range set.Series("sibu_drill_share", "year", dimType, code, time.Time{}) {
		got[v.Start.Year()] = [2]float64{v.Numerator, v.Denominator}
		if w := want[v.Start.Year()]; w[1] > 0 && v.Value != 100*w[0]/w[1] {
			t.Errorf("%s %s %d: value %v, want %v", dimType, code, v.Start.Year(), v.Value, 100*w[0]/w[1])
		}
	}
	if len(got) != len(want) {
		t.Errorf("%s %s: shares %v, want %v", dimType, code, got, want)
	}
	for y, w := range want {
		if got[y] != w {
			t.Errorf("%s %s %d: 四不/drills = %v, want %v", dimType, code, y, got[y], w)
		}
	}
}

// tableCounts counts the rows inserted into each table so far: those of the parts inserts made
// (level 0), merged away or not. A raw count() drops when a background merge of a
// ReplacingMergeTree folds two versions of a row between two readings (seen on a busy machine:
// etl_watermarks 6 rows, then 1), though nothing was inserted; merged-away parts stay listed
// for minutes (old_parts_lifetime). A table with no parts (not a MergeTree) is counted as is.
func tableCounts(t *testing.T, db *warehouse.DB) map[string]uint64 {
	t.Helper()
	ctx := context.Background()
	tables, err := db.Tables(ctx)
	if err != nil {
		t.Fatal(err)
	}
	inserted := map[string]uint64{}
	rows, err := db.Query(ctx, "SELECT table, sum(rows) FROM system.parts WHERE database = ? AND level = 0 GROUP BY table", db.Database)
	if err != nil {
		t.Fatal(err)
	}
	for rows.Next() {
		var table string
		var n uint64
		if err := rows.Scan(&table, &n); err != nil {
			t.Fatal(err)
		}
		inserted[table] = n
	}
	rows.Close()
	out := map[string]uint64{}
	for _, table := range tables {
		n, ok := inserted[table]
		if !ok {
			if err := db.QueryRow(ctx, "SELECT count() FROM "+table).Scan(&n); err != nil {
				t.Fatal(err)
			}
		}
		out[table] = n
	}
	return out
}

// Reading the same folder in chunks of two rows must give the same warehouse: every chunk
// finds the header, no row is counted twice, and a file is marked loaded after its last chunk.
func TestChunkedFilesLoadTheSame(t *testing.T) {
	ctx := context.Background()
	db := warehousetest.New(t)
	dir := dropFolder(t)
	sources, err := etl.LoadSources("testdata/sources.yaml")
	if err != nil {
		t.Fatal(err)
	}
	for i := range sources {
		sources[i].File.ChunkRows = 2
	}
	r := &etl.Runner{DB: db, DropDir: dir}
	stats, err := r.Run(ctx, sources)
	if err != nil {
		t.Fatal(err)
	}
	want := map[string][4]int{"registry": {1, 3, 3, 0}, "drills": {3, 16, 12, 4}}
	for _, st := range stats {
		if got := [4]int{st.Batches, st.Read, st.Loaded, st.Quarantined}; got != want[st.Source] {
			t.Errorf("%s: files/read/loaded/quarantined = %v, want %v", st.Source, got, want[st.Source])
		}
	}
	var files, rowsRead uint64
	if err := db.QueryRow(ctx, "SELECT count(), sum(rows_read) FROM etl_files FINAL WHERE source = 'drills'").Scan(&files, &rowsRead); err != nil {
		t.Fatal(err)
	}
	if files != 3 || rowsRead != 16 {
		t.Errorf("file ledger: %d files, %d rows read; want 3 files, 16 rows", files, rowsRead)
	}
	var drills uint64
	if err := db.QueryRow(ctx, "SELECT count() FROM fact_drill FINAL").Scan(&drills); err != nil {
		t.Fatal(err)
	}
	if drills != 11 {
		t.Errorf("fact_drill holds %d drills, want 11", drills)
	}
}

// A duplicate key is checked across a file's chunks, not only within one: read in chunks of
// two rows, row 7 (Y26-1 again, other content) is two chunks after row 2 and is quarantined
// naming row 2, as a whole-file read does; row 5, an exact copy of row 2 in the next chunk,
// and row 6, Y26-2 in another chunk, load. 6 rows read, 5 loaded, 1 quarantined, 3 drills.
func TestDuplicateKeyAcrossChunks(t *testing.T) {
	ctx := context.Background()
	head := "演练编号,统一社会信用代码,单位名称,镇街,组织方,演练日期,演练类型,演练场景,疏散逃生,不提前通知,不设定脚本,不预设场景,不预设地点,参加人数,部门核实\n"
	rows := []string{
		"Y26-1,91370812MA0000001A,兖州甲机械有限公司,鼓楼街道,企业,2026-02-01,综合,火灾,是,是,是,是,是,50,否",    // row 2
		"Y26-2,91370812MA0000002B,兖州乙化工有限公司,鼓楼街道,企业,2026-03-01,专项,泄漏,否,是,是,是,是,20,是",    // row 3
		"Y26-3,91370812MA0000003C,兖州丙木业有限公司,鼓楼街道,企业,2026-04-01,现场处置,粉尘爆炸,否,否,否,否,否,8,否", // row 4
		"Y26-1,91370812MA0000001A,兖州甲机械有限公司,鼓楼街道,企业,2026-02-01,综合,火灾,是,是,是,是,是,50,否",    // row 5: copy of row 2
		"Y26-2,91370812MA0000002B,兖州乙化工有限公司,鼓楼街道,企业,2026-03-01,专项,泄漏,否,是,是,是,是,20,是",    // row 6: copy of row 3
		"Y26-1,91370812MA0000001A,兖州甲机械有限公司,鼓楼街道,企业,2026-02-01,综合,火灾,是,是,是,是,是,99,否",    // row 7: other count
	}
	for _, chunk := range []int{2, 0} { // 0: the default, one chunk
		t.Run(fmt.Sprintf("chunk%d", chunk), func(t *testing.T) {
			db := warehousetest.New(t)
			dir := t.TempDir()
			if err := os.MkdirAll(filepath.Join(dir, "drills"), 0o755); err != nil {
				t.Fatal(err)
			}
			if err := os.WriteFile(filepath.Join(dir, "drills", "370812001.csv"), []byte(head+strings.Join(rows, "\n")+"\n"), 0o644); err != nil {
				t.Fatal(err)
			}
			src := etl.SourceConfig{Name: "drills", Kind: "file", Dataset: "drills", System: "town_ledger",
				File: &files.Config{Patterns: []string{"drills/*.csv"}, ChunkRows: chunk}}
			stats, err := (&etl.Runner{DB: db, DropDir: dir}).Run(ctx, []etl.SourceConfig{src})
			if err != nil {
				t.Fatal(err)
			}
			if st := stats[0]; st.Read != 6 || st.Loaded != 5 || st.Quarantined != 1 {
				t.Errorf("read/loaded/quarantined = %d/%d/%d, want 6/5/1", st.Read, st.Loaded, st.Quarantined)
			}
			var row uint32
			var field, reason string
			if err := db.QueryRow(ctx, "SELECT row_num, field, reason FROM etl_quarantine FINAL").Scan(&row, &field, &reason); err != nil {
				t.Fatal(err)
			}
			if row != 7 || field != "演练编号" || !strings.Contains(reason, "Y26-1 与第 2 行重复但内容不同") {
				t.Errorf("quarantined row %d, field %q, reason %q; want row 7, 演练编号, duplicate of row 2", row, field, reason)
			}
			var drills, people uint64
			if err := db.QueryRow(ctx, "SELECT count(), sum(participants) FROM fact_drill FINAL").Scan(&drills, &people); err != nil {
				t.Fatal(err)
			}
			if drills != 3 || people != 50+20+8 {
				t.Errorf("fact_drill: %d drills, %d participants; want 3 and 78 (row 7's 99 not loaded)", drills, people)
			}
		})
	}
}
