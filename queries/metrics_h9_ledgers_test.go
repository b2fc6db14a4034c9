package queries_test

import (
	"testing"
	"time"

	"safetydw/warehouse/warehousetest"
)

// Ledger items for T40, T41, T43, T44, T48, T54, T58, T59 and T60, as of 2025-06-30
// (identified → 销号; open = identified by the period end and not 销号 by then):
//
//	危桥      L1 鼓楼 2023-05-01 → 2024-06-10; L2 龙桥 2024-03-01 → 2025-01-20; L3 鼓楼 2025-05-12, open
//	百吨王    T1 鼓楼 2023-03-01 → 2024-12-31; T2 龙桥 2024-01-15, open
//	村道安防  R1 鼓楼 0.5 km → 2024-06-01; R2 龙桥 1.5 km → 2024-11-30; R3 鼓楼 2 km, open; R4 鼓楼 0.25 km → 2025-02-01
//	自建房    S1 鼓楼 2023-02-01 → 2024-05-01; S2 鼓楼 2023-06-01 → 2025-03-01; S3 龙桥 2024-02-01, open;
//	          S4 龙桥 in park P01 2024-08-01 → 2024-09-01; S5 鼓楼 2023-01-01, deleted: counts nowhere
//	消防审验  F1 2024-03-01 → 2025-06-30; F2 2025-01-01, open
//	险要路段  X1 2024-01-01 → 2024-07-01; X2 2024-02-01, open
//	培训机构  P1 2024-01-15 → 2024-03-01; P2, P3 2024-01-15, open
//	老旧设备  E1 2024-01-10 → 2025-02-01; E2 2024-02-01 → 2024-10-01
//	火灾报警  A1 3 套 → 2025-03-01; A2 2 套 → 2025-04-01; A3 4 套, open
func TestH9LedgerMetrics(t *testing.T) {
	t.Parallel()
	db := warehousetest.New(t)
	const gl, lq = "370812001", "370812003"
	d := func(s string) *time.Time { x := day(s); return &x }
	open := (*time.Time)(nil)
	v := uint64(1)
	item := func(typ, id, town, park string, found string, resolved *time.Time, qty float64, deleted uint8) []any {
		status := "在办"
		if resolved != nil {
			status = "已销号"
		}
		return []any{typ, id, town, park, "D08", day(found), resolved, status, qty, v, deleted}
	}
	insert(t, db, "fact_ledger_item", "ledger_type, item_id, town_code, park_code, dept_code, identified_date, resolved_date, status, quantity, _version, _deleted",
		item("农村公路危桥", "L1", gl, "", "2023-05-01", d("2024-06-10"), 1, 0),
		item("农村公路危桥", "L2", lq, "", "2024-03-01", d("2025-01-20"), 1, 0),
		item("农村公路危桥", "L3", gl, "", "2025-05-12", open, 1, 0),
		item("百吨王货车", "T1", gl, "", "2023-03-01", d("2024-12-31"), 1, 0),
		item("百吨王货车", "T2", lq, "", "2024-01-15", open, 1, 0),
		item("村道安防工程", "R1", gl, "", "2024-01-05", d("2024-06-01"), 0.5, 0),
		item("村道安防工程", "R2", lq, "", "2024-01-05", d("2024-11-30"), 1.5, 0),
		item("村道安防工程", "R3", gl, "", "2024-01-05", open, 2, 0),
		item("村道安防工程", "R4", gl, "", "2024-01-05", d("2025-02-01"), 0.25, 0),
		item("隐患自建房", "S1", gl, "", "2023-02-01", d("2024-05-01"), 1, 0),
		item("隐患自建房", "S2", gl, "", "2023-06-01", d("2025-03-01"), 1, 0),
		item("隐患自建房", "S3", lq, "", "2024-02-01", open, 1, 0),
		item("隐患自建房", "S4", lq, "P01", "2024-08-01", d("2024-09-01"), 1, 0),
		item("隐患自建房", "S5", gl, "", "2023-01-01", open, 1, 1),
		item("消防审验违法项目", "F1", gl, "", "2024-03-01", d("2025-06-30"), 1, 0),
		item("消防审验违法项目", "F2", gl, "", "2025-01-01", open, 1, 0),
		item("险要路段", "X1", gl, "", "2024-01-01", d("2024-07-01"), 1, 0),
		item("险要路段", "X2", gl, "", "2024-02-01", open, 1, 0),
		item("培训机构复核", "P1", gl, "", "2024-01-15", d("2024-03-01"), 1, 0),
		item("培训机构复核", "P2", gl, "", "2024-01-15", open, 1, 0),
		item("培训机构复核", "P3", gl, "", "2024-01-15", open, 1, 0),
		item("老旧装置设备", "E1", gl, "", "2024-01-10", d("2025-02-01"), 1, 0),
		item("老旧装置设备", "E2", gl, "", "2024-02-01", d("2024-10-01"), 1, 0),
		item("早期火灾报警装置", "A1", gl, "", "2024-06-01", d("2025-03-01"), 3, 0),
		item("早期火灾报警装置", "A2", lq, "", "2024-06-01", d("2025-04-01"), 2, 0),
		item("早期火灾报警装置", "A3", gl, "", "2024-06-01", open, 4, 0))
	set := refreshed(t, db, "2025-06-30")
	check(t, set, []want{
		// T40 危桥 open: 2023-12 L1; 2024-05 L1 L2; 2024-06 L2 (L1 done 06-10); 2024 year end L2 (late);
		// 2025-01 none; 2025-05 L3; 龙桥 at 2024's end L2, 鼓楼 none.
		{"dangerous_bridges_open", "month", "district", "", "2023-12-01", 1, 0, 1},
		{"dangerous_bridges_open", "month", "district", "", "2024-05-01", 2, 0, 2},
		{"dangerous_bridges_open", "month", "district", "", "2024-06-01", 1, 0, 1},
		{"dangerous_bridges_open", "year", "district", "", "2024-01-01", 1, 0, 1},
		{"dangerous_bridges_open", "month", "district", "", "2025-01-01", 0, 0, 0},
		{"dangerous_bridges_open", "month", "district", "", "2025-05-01", 1, 0, 1},
		{"dangerous_bridges_open", "year", "town", lq, "2024-01-01", 1, 0, 1},
		{"dangerous_bridges_open", "year", "town", gl, "2024-01-01", 0, 0, 0},
		// T43 百吨王 open: 2023 end T1; 2024-11 T1 T2; 2024 end T2 (T1 销号 on 12-31 itself).
		{"hundred_ton_trucks_open", "year", "district", "", "2023-01-01", 1, 0, 1},
		{"hundred_ton_trucks_open", "month", "district", "", "2024-11-01", 2, 0, 2},
		{"hundred_ton_trucks_open", "year", "district", "", "2024-01-01", 1, 0, 1},
		// T41 km completed by 销号 date: 2024 R1 0.5 + R2 1.5 = 2 (R3 open); 2025 R4 0.25; 鼓楼 2024 0.5.
		{"village_road_safety_km", "year", "district", "", "2024-01-01", 2, 0, 2},
		{"village_road_safety_km", "year", "district", "", "2025-01-01", 0.25, 0, 0.25},
		{"village_road_safety_km", "year", "town", gl, "2024-01-01", 0.5, 0, 0.5},
		// T54 自建房 done / identified by the period end (S5 deleted): 2023 end 0/2 (S1 S2); 2024-05 S1 of
		// S1 S2 S3; 2024 end S1 S4 of four; 2025-03 S1 S2 S4 of four; 龙桥 2024 S4 of S3 S4; park P01 S4 1/1.
		{"self_built_houses_rectified_share", "year", "district", "", "2023-01-01", 0, 2, 0},
		{"self_built_houses_rectified_share", "month", "district", "", "2024-05-01", 1, 3, 100.0 / 3},
		{"self_built_houses_rectified_share", "year", "district", "", "2024-01-01", 2, 4, 50},
		{"self_built_houses_rectified_share", "month", "district", "", "2025-03-01", 3, 4, 75},
		{"self_built_houses_rectified_share", "year", "town", lq, "2024-01-01", 1, 2, 50},
		{"self_built_houses_rectified_share", "year", "park", "P01", "2024-01-01", 1, 1, 100},
		// T58 消防审验: 2025-05 F1 F2 none done; 2025-06 F1 (销号 on the as-of day) of two.
		{"fire_review_projects_disposed_share", "month", "district", "", "2025-05-01", 0, 2, 0},
		{"fire_review_projects_disposed_share", "month", "district", "", "2025-06-01", 1, 2, 50},
		// T59 险要路段 2024 end X1 of two; T60 培训机构 2024 end P1 of three.
		{"dangerous_road_sections_done_share", "year", "district", "", "2024-01-01", 1, 2, 50},
		{"training_institutions_reviewed_share", "year", "district", "", "2024-01-01", 1, 3, 100.0 / 3},
		// T44 老旧装置设备: 2024 end E2 of two; 2025-02 both.
		{"old_equipment_upgraded_share", "year", "district", "", "2024-01-01", 1, 2, 50},
		{"old_equipment_upgraded_share", "month", "district", "", "2025-02-01", 2, 2, 100},
		// T48 火灾报警装置 installed by 销号 date: 2025 A1 3 + A2 2 = 5 (A3 open); April A2 2; 2024 none.
		{"fire_alarm_devices_installed", "year", "district", "", "2025-01-01", 5, 0, 5},
		{"fire_alarm_devices_installed", "month", "district", "", "2025-04-01", 2, 0, 2},
		{"fire_alarm_devices_installed", "year", "district", "", "2024-01-01", 0, 0, 0},
	})
}

// Building projects for T38, as of 2025-06-30 (start → completion, 智慧工地 flag):
//
//	B1 鼓楼 2024-01-01, under way, connected; B2 鼓楼 2024-03-01 → 2024-12-01, not connected;
//	B3 龙桥 2024-06-01, under way, not connected; B4 龙桥 2025-02-01, under way, connected
func TestH9SmartSiteMetrics(t *testing.T) {
	t.Parallel()
	db := warehousetest.New(t)
	const gl, lq = "370812001", "370812003"
	d := func(s string) *time.Time { x := day(s); return &x }
	v := uint64(1)
	insert(t, db, "fact_ledger_item", "ledger_type, item_id, town_code, dept_code, identified_date, resolved_date, status, connected_smart_site, _version",
		[]any{"在建房建项目", "B1", gl, "D07", day("2024-01-01"), (*time.Time)(nil), "在建", uint8(1), v},
		[]any{"在建房建项目", "B2", gl, "D07", day("2024-03-01"), d("2024-12-01"), "已销号", uint8(0), v},
		[]any{"在建房建项目", "B3", lq, "D07", day("2024-06-01"), (*time.Time)(nil), "在建", uint8(0), v},
		[]any{"在建房建项目", "B4", lq, "D07", day("2025-02-01"), (*time.Time)(nil), "在建", uint8(1), v})
	set := refreshed(t, db, "2025-06-30")
	check(t, set, []want{
		// Under way at the period end, connected among them: 2024-02 B1 1/1; 2024-06 B1 of B1 B2 B3;
		// 2024 end B1 of B1 B3 (B2 completed); 2025-06 B1 B4 of B1 B3 B4; 龙桥 2025-06 B4 of B3 B4.
		{"smart_site_coverage", "month", "district", "", "2024-02-01", 1, 1, 100},
		{"smart_site_coverage", "month", "district", "", "2024-06-01", 1, 3, 100.0 / 3},
		{"smart_site_coverage", "year", "district", "", "2024-01-01", 1, 2, 50},
		{"smart_site_coverage", "month", "district", "", "2025-06-01", 2, 3, 200.0 / 3},
		{"smart_site_coverage", "month", "town", lq, "2025-06-01", 1, 2, 50},
	})
}
