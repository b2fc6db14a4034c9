package etl_test

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"safetydw/etl"
	"safetydw/etl/landing"
	"safetydw/warehouse"
	"safetydw/warehouse/warehousetest"
)

// The Parquet archive alone rebuilds the loaded tables, facts and quarantine alike.
func TestReplayRebuildsFromTheArchive(t *testing.T) {
	ctx := context.Background()
	db := warehousetest.New(t)
	archive := t.TempDir()
	sources, err := etl.LoadSources("testdata/sources.yaml")
	if err != nil {
		t.Fatal(err)
	}
	r := &etl.Runner{DB: db, DropDir: dropFolder(t), Landing: archive}
	if _, err := r.Run(ctx, sources); err != nil {
		t.Fatal(err)
	}

	fresh := warehousetest.New(t)
	st, err := landing.Replay(ctx, fresh, archive)
	if err != nil {
		t.Fatal(err)
	}
	// 3 registry rows, 12 drill rows (one drill twice), 4 quarantined rows: counted by hand in etl_test.go.
	if st["dim_enterprise"] != 3 || st["fact_drill"] != 12 || st["etl_quarantine"] != 4 {
		t.Errorf("replayed %v", st)
	}
	for _, table := range []string{"dim_enterprise", "fact_drill", "etl_quarantine"} {
		a, b := checksum(t, db, table), checksum(t, fresh, table)
		if a != b {
			t.Errorf("%s: loaded %s, replayed %s", table, a, b)
		}
	}
}

// checksum hashes a table's rows as queries see them (FINAL), leaving out the load time.
func checksum(t *testing.T, db *warehouse.DB, table string) string {
	t.Helper()
	ctx := context.Background()
	var cols []string
	for _, c := range columnNames(t, db, table, "name != '_loaded_at' AND default_kind != 'MATERIALIZED'") {
		cols = append(cols, "ifNull(toString("+c+"), 'NULL')") // a NULL would null the whole hash
	}
	var n, sum uint64
	q := "SELECT count(), sum(cityHash64(" + strings.Join(cols, ", ") + ")) FROM " + table + " FINAL"
	if err := db.QueryRow(ctx, q).Scan(&n, &sum); err != nil {
		t.Fatal(err)
	}
	return fmt.Sprintf("%d rows, hash %d", n, sum)
}

// A steward corrects a quarantined row and drops the corrected file into the folder: the
// next run loads it (new content, new file), and the refused original stays listed.
func TestCorrectedRowsFeedAgain(t *testing.T) {
	ctx := context.Background()
	db := warehousetest.New(t)
	dir := dropFolder(t)
	sources, err := etl.LoadSources("testdata/sources.yaml")
	if err != nil {
		t.Fatal(err)
	}
	r := &etl.Runner{DB: db, DropDir: dir}
	if _, err := r.Run(ctx, sources); err != nil {
		t.Fatal(err)
	}
	// YL-5 had the impossible date 2024-02-30; the town confirms 2024-02-29.
	fixed := "演练编号,统一社会信用代码,单位名称,所属镇街,组织方,演练日期,演练类型,演练场景,疏散逃生,不提前通知,不设定脚本,不预设场景,不预设地点,参演人数,部门核实\n" +
		"YL-5,91370812MA0000002B,兖州乙化工有限公司,鼓楼街道,企业,2024-02-29,专项,泄漏,否,是,是,是,是,10,否\n"
	if err := os.WriteFile(filepath.Join(dir, "drills/2024/370812001_fix.csv"), []byte(fixed), 0o644); err != nil {
		t.Fatal(err)
	}
	stats, err := r.Run(ctx, sources)
	if err != nil {
		t.Fatal(err)
	}
	if d := stats[1]; d.Batches != 1 || d.Skipped != 3 || d.Loaded != 1 {
		t.Errorf("second run: %+v; want the one new file loaded and three skipped", d)
	}
	var date string
	if err := db.QueryRow(ctx, "SELECT toString(drill_date) FROM fact_drill FINAL WHERE src_id = 'YL-5'").Scan(&date); err != nil {
		t.Fatal(err)
	}
	if date != "2024-02-29" {
		t.Errorf("YL-5 date %q", date)
	}
	var q uint64
	if err := db.QueryRow(ctx, "SELECT count() FROM etl_quarantine FINAL").Scan(&q); err != nil {
		t.Fatal(err)
	}
	if q != 4 {
		t.Errorf("quarantine holds %d rows, want the original 4", q)
	}
}
