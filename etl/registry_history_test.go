package etl_test

import (
	"context"
	"testing"

	"safetydw/etl"
	"safetydw/etl/files"
	"safetydw/warehouse/warehousetest"
)

// The registry's change log: moves between towns and parks keep the park as the unit and its
// town as the town; status words are checked; a row that changes nothing is refused.
func TestRegistryChangeLog(t *testing.T) {
	ctx := context.Background()
	db := warehousetest.New(t)
	dir := t.TempDir()
	body := lines("统一社会信用代码,变更日期,原状态,新状态,原镇街,新镇街",
		"91370812MA0000001A,2024-08-27,,,鼓楼街道,山东兖州经济开发区", // row 2: into P01, which lies in 龙桥街道
		"91370812MA0000002B,2024-03-01,在营,停产整顿,,",
		"91370812MA0000003C,2024-05-01,在营,营业中,,",   // row 4: not a status word
		"91370812MA0000003C,2024-06-01,,,大安镇,黄屯街道", // row 5: a town of another district
		"91370812MA0000001A,2024-09-01,,,,")        // row 6: changes nothing
	if err := write(dir, "registry/enterprise_status_changes.csv", body); err != nil {
		t.Fatal(err)
	}
	r := &etl.Runner{DB: db, DropDir: dir}
	stats, err := r.Run(ctx, []etl.SourceConfig{{Name: "registry_changes", Kind: "file", Dataset: "enterprise_status_changes", System: "registry",
		File: &files.Config{Patterns: []string{"registry/enterprise_status_changes.csv"}}}})
	if err != nil {
		t.Fatal(err)
	}
	if st := stats[0]; st.Read != 5 || st.Loaded != 2 || st.Quarantined != 3 {
		t.Fatalf("read/loaded/quarantined = %d/%d/%d, want 5/2/3", st.Read, st.Loaded, st.Quarantined)
	}
	var oldUnit, newUnit, town string
	if err := db.QueryRow(ctx, "SELECT old_unit, new_unit, new_town_code FROM fact_enterprise_status_change FINAL WHERE enterprise_id = '91370812MA0000001A'").Scan(&oldUnit, &newUnit, &town); err != nil {
		t.Fatal(err)
	}
	if oldUnit != "370812001" || newUnit != "P01" || town != "370812003" {
		t.Errorf("move = %s → %s (town %s), want 370812001 → P01 (town 370812003)", oldUnit, newUnit, town)
	}
	rows, err := db.Query(ctx, "SELECT row_num, field FROM (SELECT row_num, field FROM etl_quarantine FINAL) ORDER BY row_num")
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	want := []struct {
		row   uint32
		field string
	}{{4, "新状态"}, {5, "新镇街"}, {6, "新状态"}}
	for i := 0; rows.Next(); i++ {
		var row uint32
		var field string
		if err := rows.Scan(&row, &field); err != nil {
			t.Fatal(err)
		}
		if i >= len(want) || row != want[i].row || field != want[i].field {
			t.Errorf("quarantined row %d field %s, want %+v", row, field, want)
		}
	}
}
