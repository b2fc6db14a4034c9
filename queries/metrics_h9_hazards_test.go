package queries_test

import (
	"context"
	"testing"
	"time"

	"safetydw/queries"
	"safetydw/warehouse"
	"safetydw/warehouse/warehousetest"
)

// refreshed computes every metric as of the day and reads the values back.
func refreshed(t *testing.T, db *warehouse.DB, asOf string) *queries.Set {
	t.Helper()
	ctx := context.Background()
	if _, err := queries.Refresh(ctx, db, day(asOf)); err != nil {
		t.Fatal(err)
	}
	set, err := queries.LoadSet(ctx, db)
	if err != nil {
		t.Fatal(err)
	}
	return set
}

// Hazards for T04, T16, T17 and T42, as of 2025-06-30 (finder level, 挂牌, review, tags):
//
//	A1 G1 重大 鼓楼 IT.DUST(D15) found 2025-01-05 by 区, 挂牌, closed 03-10, reviewed by D15 on 03-08
//	A2 G1 重大 鼓楼 IT.DUST      found 2025-01-06 by 企业, not 挂牌 — the same hazard by another channel
//	A3 G3 重大 龙桥 CONS(D07)    found 2025-02-10 by 市, not 挂牌, closed 04-01, never reviewed
//	A4 G4 重大 龙桥 CONS         found 2025-02-20 by 镇街, not 挂牌, closed 04-15, reviewed by D07 on 04-20 (after 销号)
//	A5 G5 一般 鼓楼 老旧装置      found 2025-03-01 by 区, closed 05-10
//	A6 G6 重大 新兖 老旧装置      found 2024-06-01 by 区, 挂牌, open
//	A7 G7 重大 鼓楼 撤销 (withdrawn), found 2025-01-20 by 区, 挂牌: counts nowhere
//	A8 G8 一般 龙桥 老旧装置      found 2024-10-01, closed 2025-01-15
func TestH9HazardMetrics(t *testing.T) {
	t.Parallel()
	db := warehousetest.New(t)
	d := func(s string) *time.Time { x := day(s); return &x }
	none := (*time.Time)(nil)
	const gl, lq, xy = "370812001", "370812003", "370812105"
	old, no := []string{"老旧装置"}, []string{}
	v := uint64(1)
	insert(t, db, "fact_hazard", "hazard_id, dedup_group_id, level, town_code, territorial_unit, industry_code, found_date, found_by_level, "+
		"closed_date, verified_date, verify_dept_code, is_gua_pai, tags, status, _version",
		[]any{"A1", "G1", "重大", gl, gl, "IT.DUST", day("2025-01-05"), "区", d("2025-03-10"), d("2025-03-08"), "D15", uint8(1), no, "已销号", v},
		[]any{"A2", "G1", "重大", gl, gl, "IT.DUST", day("2025-01-06"), "企业", d("2025-03-10"), none, "", uint8(0), no, "已销号", v},
		[]any{"A3", "G3", "重大", lq, lq, "CONS", day("2025-02-10"), "市", d("2025-04-01"), none, "", uint8(0), no, "已销号", v},
		[]any{"A4", "G4", "重大", lq, lq, "CONS", day("2025-02-20"), "镇街", d("2025-04-15"), d("2025-04-20"), "D07", uint8(0), no, "已销号", v},
		[]any{"A5", "G5", "一般", gl, gl, "HC.PROD", day("2025-03-01"), "区", d("2025-05-10"), none, "", uint8(0), old, "已销号", v},
		[]any{"A6", "G6", "重大", xy, xy, "HC.PROD", day("2024-06-01"), "区", none, none, "", uint8(1), old, "整改中", v},
		[]any{"A7", "G7", "重大", gl, gl, "CONS", day("2025-01-20"), "区", none, none, "", uint8(1), no, "撤销", v},
		[]any{"A8", "G8", "一般", lq, lq, "HC.PROD", day("2024-10-01"), "区", d("2025-01-15"), none, "", uint8(0), old, "已销号", v})
	set := refreshed(t, db, "2025-06-30")
	check(t, set, []want{
		// T04 new 重大 by found date: 2025 G1 (two reports, once) G3 G4 = 3 (G7 withdrawn); 2024 G6;
		// January G1; February G3 G4; 鼓楼 2025 G1; 龙桥 G3 G4; D07 (CONS) G3 G4.
		{"major_hazards_found", "year", "district", "", "2025-01-01", 3, 0, 3},
		{"major_hazards_found", "year", "district", "", "2024-01-01", 1, 0, 1},
		{"major_hazards_found", "month", "district", "", "2025-01-01", 1, 0, 1},
		{"major_hazards_found", "month", "district", "", "2025-02-01", 2, 0, 2},
		{"major_hazards_found", "year", "town", gl, "2025-01-01", 1, 0, 1},
		{"major_hazards_found", "year", "town", lq, "2025-01-01", 2, 0, 2},
		{"major_hazards_found", "year", "dept", "D07", "2025-01-01", 2, 0, 2},
		// T16 found by 区 or above: 2025 G1 (区, 挂牌) and G3 (市, not) — G4 is 镇街, G5 一般 → 1/2;
		// 2024 G6 1/1; 龙桥 2025 G3 0/1; January G1 1/1.
		{"major_hazards_gua_pai_rate", "year", "district", "", "2025-01-01", 1, 2, 50},
		{"major_hazards_gua_pai_rate", "year", "district", "", "2024-01-01", 1, 1, 100},
		{"major_hazards_gua_pai_rate", "year", "town", lq, "2025-01-01", 0, 1, 0},
		{"major_hazards_gua_pai_rate", "month", "district", "", "2025-01-01", 1, 1, 100},
		// T17 closed 重大 by 销号 date: 2025 G1 (03-10, reviewed 03-08), G3 (never), G4 (reviewed after
		// 销号) → 1/3; March 1/1; April G3 G4 0/2; 鼓楼 1/1.
		{"major_hazards_verified_close_rate", "year", "district", "", "2025-01-01", 1, 3, 100.0 / 3},
		{"major_hazards_verified_close_rate", "month", "district", "", "2025-03-01", 1, 1, 100},
		{"major_hazards_verified_close_rate", "month", "district", "", "2025-04-01", 0, 2, 0},
		{"major_hazards_verified_close_rate", "year", "town", gl, "2025-01-01", 1, 1, 100},
		// T42 老旧装置 open at period ends: 2024-05 none; 2024-06 A6; 2024 year end A6 A8; 2025-01 A6
		// (A8 closed 01-15); 2025-03 A6 A5; 2025-05 A6 (A5 closed 05-10); 龙桥 2024 end A8.
		{"old_equipment_hazards_open", "month", "district", "", "2024-05-01", 0, 0, 0},
		{"old_equipment_hazards_open", "month", "district", "", "2024-06-01", 1, 0, 1},
		{"old_equipment_hazards_open", "year", "district", "", "2024-01-01", 2, 0, 2},
		{"old_equipment_hazards_open", "month", "district", "", "2025-01-01", 1, 0, 1},
		{"old_equipment_hazards_open", "month", "district", "", "2025-03-01", 2, 0, 2},
		{"old_equipment_hazards_open", "month", "district", "", "2025-05-01", 1, 0, 1},
		{"old_equipment_hazards_open", "year", "town", lq, "2024-01-01", 1, 0, 1},
	})
}

// Hazard life-cycle events for T19 and T79, as of 2025-06-30 (times are China time unless said):
//
//	V1 G1 重大 鼓楼: 挂牌 2025-02-01; 函告 04-05; verify_pass 03-08 (no action); 约谈 05-10
//	V2 G1 重大 鼓楼, the same hazard by another channel: 函告 04-05 again
//	V3 G3 重大 龙桥: 挂牌 03-01; 曝光 03-20; 通报 at 2024-12-31 17:00 UTC = 2025-01-01 01:00 China time
//	V4 G4 一般 鼓楼: 函告 04-01 (not 重大)
//	V5 G5 重大 鼓楼 撤销: 约谈 04-01 (withdrawn)
func TestH9HazardEventMetrics(t *testing.T) {
	t.Parallel()
	db := warehousetest.New(t)
	const gl, lq = "370812001", "370812003"
	v := uint64(1)
	insert(t, db, "fact_hazard", "hazard_id, dedup_group_id, level, town_code, territorial_unit, industry_code, found_date, status, _version",
		[]any{"V1", "G1", "重大", gl, gl, "IT.DUST", day("2025-01-10"), "整改中", v},
		[]any{"V2", "G1", "重大", gl, gl, "IT.DUST", day("2025-01-11"), "整改中", v},
		[]any{"V3", "G3", "重大", lq, lq, "CONS", day("2024-10-01"), "整改中", v},
		[]any{"V4", "G4", "一般", gl, gl, "CONS", day("2025-01-10"), "整改中", v},
		[]any{"V5", "G5", "重大", gl, gl, "CONS", day("2025-01-10"), "撤销", v})
	china := time.FixedZone("CST", 8*3600)
	at := func(s string) time.Time {
		x := day(s)
		return time.Date(x.Year(), x.Month(), x.Day(), 10, 0, 0, 0, china)
	}
	insert(t, db, "fact_hazard_event", "hazard_id, event_time, event_type, _version",
		[]any{"V1", at("2025-02-01"), "挂牌", v},
		[]any{"V1", at("2025-04-05"), "函告", v},
		[]any{"V1", at("2025-03-08"), "verify_pass", v},
		[]any{"V1", at("2025-05-10"), "约谈", v},
		[]any{"V2", at("2025-04-05"), "函告", v},
		[]any{"V3", at("2025-03-01"), "挂牌", v},
		[]any{"V3", at("2025-03-20"), "曝光", v},
		[]any{"V3", time.Date(2024, 12, 31, 17, 0, 0, 0, time.UTC), "通报", v},
		[]any{"V4", at("2025-04-01"), "函告", v},
		[]any{"V5", at("2025-04-01"), "约谈", v})
	set := refreshed(t, db, "2025-06-30")
	check(t, set, []want{
		// T19 actions on 重大 hazards: 2025 G1 函告 04-05 (two records, once), G1 约谈, G3 曝光, G3 通报
		// (New Year's night in China) = 4; 2024 none; 龙桥 2025 2; January 1; April 1 (V4 一般, V5 撤销).
		{"major_hazard_escalations", "year", "district", "", "2025-01-01", 4, 0, 4},
		{"major_hazard_escalations", "year", "district", "", "2024-01-01", 0, 0, 0},
		{"major_hazard_escalations", "year", "town", lq, "2025-01-01", 2, 0, 2},
		{"major_hazard_escalations", "month", "district", "", "2025-01-01", 1, 0, 1},
		{"major_hazard_escalations", "month", "district", "", "2025-04-01", 1, 0, 1},
		// T79 重大 hazards 挂牌 or 曝光: 2025 G1 G3 = 2 (G3 both in March, once); February G1; March G3.
		{"major_hazards_publicised", "year", "district", "", "2025-01-01", 2, 0, 2},
		{"major_hazards_publicised", "month", "district", "", "2025-02-01", 1, 0, 1},
		{"major_hazards_publicised", "month", "district", "", "2025-03-01", 1, 0, 1},
		{"major_hazards_publicised", "year", "town", gl, "2025-01-01", 1, 0, 1},
	})
}

// Hazards for T110, as of 2025-06-30:
//
//	O1 G1 一般 外包施工 found 2025-01-10, closed 01-20
//	O2 G2 重大 外包施工 found 2025-02-01, open; O3 G2 the same hazard by another channel
//	O4 G4 一般 外包施工 found 2025-02-10, closed 03-05
//	O5 G5 一般 untagged, found 2025-01-05, closed 01-08
//	O6 G6 一般 外包施工 撤销 (withdrawn)
func TestH9OutsourcingHazardMetrics(t *testing.T) {
	t.Parallel()
	db := warehousetest.New(t)
	const gl = "370812001"
	d := func(s string) *time.Time { x := day(s); return &x }
	none := (*time.Time)(nil)
	out, no := []string{"外包施工"}, []string{}
	v := uint64(1)
	insert(t, db, "fact_hazard", "hazard_id, dedup_group_id, level, town_code, territorial_unit, industry_code, found_date, closed_date, tags, status, _version",
		[]any{"O1", "G1", "一般", gl, gl, "IT.MECH", day("2025-01-10"), d("2025-01-20"), out, "已销号", v},
		[]any{"O2", "G2", "重大", gl, gl, "IT.MECH", day("2025-02-01"), none, out, "整改中", v},
		[]any{"O3", "G2", "重大", gl, gl, "IT.MECH", day("2025-02-02"), none, out, "整改中", v},
		[]any{"O4", "G4", "一般", gl, gl, "IT.MECH", day("2025-02-10"), d("2025-03-05"), out, "已销号", v},
		[]any{"O5", "G5", "一般", gl, gl, "IT.MECH", day("2025-01-05"), d("2025-01-08"), no, "已销号", v},
		[]any{"O6", "G6", "一般", gl, gl, "IT.MECH", day("2025-01-15"), none, out, "撤销", v})
	set := refreshed(t, db, "2025-06-30")
	check(t, set, []want{
		// Tagged and found in the period, closed by its end: 2025 G1 G4 of G1 G2 G4 (O5 untagged, O6
		// withdrawn); January G1 1/1; February G2 G4, neither closed by 02-28 → 0/2.
		{"outsourcing_hazard_clearance_rate", "year", "district", "", "2025-01-01", 2, 3, 200.0 / 3},
		{"outsourcing_hazard_clearance_rate", "month", "district", "", "2025-01-01", 1, 1, 100},
		{"outsourcing_hazard_clearance_rate", "month", "district", "", "2025-02-01", 0, 2, 0},
	})
}
