package queries_test

import (
	"testing"
	"time"

	"safetydw/warehouse/warehousetest"
)

// Units and monitoring points for T33, T34, T36 and T39, as of 2025-06-30 (no opening dates):
//
//	M1 鼓楼 IT.DUST 金属 dust, 12 workers: 粉尘涉爆 point from 2024-06-01
//	M2 鼓楼 IT.DUST 木 dust, 10 workers:   粉尘涉爆 from 2025-02-01; 电力监测 from 2024-01-15
//	M3 龙桥 IT.DUST 金属 dust, 9 workers:  none
//	M4 龙桥 IT.DUST 粮食 dust, 20 workers: 粉尘涉爆 from 2024-01-01, but 停用
//	M5 龙桥 HC.PROD with a 重大危险源:     重大危险源 point without an installation day; 电力监测 from 2024-12-31
//	M6 鼓楼 MINE:                          煤矿安全监控 from 2024-03-01; 电力监测 from 2025-07-01 (after the as-of day)
//	M7 鼓楼 HC.OPER, closed 2024-08-01:    电力监测 from 2024-01-01
func TestH9MonitoringMetrics(t *testing.T) {
	t.Parallel()
	db := warehousetest.New(t)
	const gl, lq = "370812001", "370812003"
	d := func(s string) *time.Time { x := day(s); return &x }
	none := (*time.Time)(nil)
	v := uint64(1)
	unit := func(id, town, industry, dust string, workers uint16, mhs uint8, closed *time.Time) []any {
		return []any{id, id, town, town, industry, dust, workers, mhs, closed, v}
	}
	insert(t, db, "dim_enterprise", "enterprise_id, name, town_code, territorial_unit, industry_code, dust_type, dust_workers, has_major_hazard_source, closed_date, _version",
		unit("M1", gl, "IT.DUST", "金属", 12, 0, none),
		unit("M2", gl, "IT.DUST", "木", 10, 0, none),
		unit("M3", lq, "IT.DUST", "金属", 9, 0, none),
		unit("M4", lq, "IT.DUST", "粮食", 20, 0, none),
		unit("M5", lq, "HC.PROD", "", 0, 1, none),
		unit("M6", gl, "MINE", "", 0, 0, none),
		unit("M7", gl, "HC.OPER", "", 0, 0, d("2024-08-01")))
	point := func(id, system, ent string, installed *time.Time, status string) []any {
		return []any{id, system, ent, installed, status, v}
	}
	insert(t, db, "dim_sensor_point", "point_id, system, enterprise_id, installed_date, status, _version",
		point("FC-1", "粉尘涉爆", "M1", d("2024-06-01"), "在用"),
		point("FC-2", "粉尘涉爆", "M2", d("2025-02-01"), "在用"),
		point("DL-2", "电力监测", "M2", d("2024-01-15"), "在用"),
		point("FC-4", "粉尘涉爆", "M4", d("2024-01-01"), "停用"),
		point("ZD-5", "重大危险源", "M5", none, "在用"),
		point("DL-5", "电力监测", "M5", d("2024-12-31"), "在用"),
		point("MK-6", "煤矿安全监控", "M6", d("2024-03-01"), "在用"),
		point("DL-6", "电力监测", "M6", d("2025-07-01"), "在用"),
		point("DL-7", "电力监测", "M7", d("2024-01-01"), "在用"))
	set := refreshed(t, db, "2025-06-30")
	check(t, set, []want{
		// T34 metal/wood dust with ≥ 10 workers: M1, M2 (M3 has 9, M4 grain dust). 2024-05 none;
		// 2024-06 M1; 2024 end M1; 2025-02 both; 鼓楼 2024 1/2.
		{"dust_monitoring_coverage", "month", "district", "", "2024-05-01", 0, 2, 0},
		{"dust_monitoring_coverage", "month", "district", "", "2024-06-01", 1, 2, 50},
		{"dust_monitoring_coverage", "year", "district", "", "2024-01-01", 1, 2, 50},
		{"dust_monitoring_coverage", "month", "district", "", "2025-02-01", 2, 2, 100},
		{"dust_monitoring_coverage", "year", "town", gl, "2024-01-01", 1, 2, 50},
		// T36 重大危险源 M5, mine M6, dust ≥ 10 workers M1 M2 M4 (M3 9, M7 no 重大危险源). Risk points:
		// M5 from the start, M6 03-01, M1 06-01, M2 2025-02-01, M4's 停用. 2024-01 M5 1/5; 2024-03 M5 M6;
		// 2024 end M1 M5 M6 3/5; 2025-06 4/5; 龙桥 2025-06 M5 of M4 M5.
		{"risk_monitoring_coverage", "month", "district", "", "2024-01-01", 1, 5, 20},
		{"risk_monitoring_coverage", "month", "district", "", "2024-03-01", 2, 5, 40},
		{"risk_monitoring_coverage", "year", "district", "", "2024-01-01", 3, 5, 60},
		{"risk_monitoring_coverage", "month", "district", "", "2025-06-01", 4, 5, 80},
		{"risk_monitoring_coverage", "month", "town", lq, "2025-06-01", 1, 2, 50},
		// T39 hazchem M5 M7 and key 工贸 M1–M4. 2024-01: all six open, power M2 (01-15) M7 → 2/6;
		// 2024 end: M7 closed, power M2 M5 (12-31) → 2/5; HC.PROD 2024 M5 1/1.
		{"power_monitoring_coverage", "month", "district", "", "2024-01-01", 2, 6, 100.0 / 3},
		{"power_monitoring_coverage", "year", "district", "", "2024-01-01", 2, 5, 40},
		{"power_monitoring_coverage", "year", "industry", "HC.PROD", "2024-01-01", 1, 1, 100},
		// T33 hazchem M5 M7 and the mine M6. 2024-01 M7 1/3; 2024 end M5 of M5 M6 (M7 closed);
		// 2025-06 still M5 of two (M6's meter from 07-01).
		{"power_monitoring_high_risk_coverage", "month", "district", "", "2024-01-01", 1, 3, 100.0 / 3},
		{"power_monitoring_high_risk_coverage", "year", "district", "", "2024-01-01", 1, 2, 50},
		{"power_monitoring_high_risk_coverage", "month", "district", "", "2025-06-01", 1, 2, 50},
	})
}
