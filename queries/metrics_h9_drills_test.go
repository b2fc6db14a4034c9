package queries_test

import (
	"testing"
	"time"

	"safetydw/warehouse/warehousetest"
)

// Units and evacuation drills for T69, as of 2025-06-30 (2025 is a partial year):
//
//	U1 鼓楼 high-risk, opened 2020: evacuation drills 2024-03-01, 2024-09-01, 2025-03-01
//	U2 鼓楼 ordinary, no opening date: evacuation drill 2024-11-01
//	U3 龙桥 high-risk, opened 2020: evacuation drills 2024-04-01, 2024-05-01 (both first half);
//	   2025-02-01 a drill that is no evacuation
//	U4 龙桥 ordinary, opened 2024-05-01: evacuation drill 2025-07-10 (after the as-of day)
//	U5 鼓楼 ordinary, closed 2024-10-01: evacuation drill 2024-03-01
func TestH9DrillMetrics(t *testing.T) {
	t.Parallel()
	db := warehousetest.New(t)
	const gl, lq = "370812001", "370812003"
	d := func(s string) *time.Time { x := day(s); return &x }
	none := (*time.Time)(nil)
	v := uint64(1)
	insert(t, db, "dim_enterprise", "enterprise_id, name, town_code, territorial_unit, industry_code, is_high_risk, opened_date, closed_date, _version",
		[]any{"U1", "一号", gl, gl, "IT.DUST", uint8(1), d("2020-01-01"), none, v},
		[]any{"U2", "二号", gl, gl, "IT.MECH", uint8(0), none, none, v},
		[]any{"U3", "三号", lq, lq, "HC.PROD", uint8(1), d("2020-01-01"), none, v},
		[]any{"U4", "四号", lq, lq, "IT.MECH", uint8(0), d("2024-05-01"), none, v},
		[]any{"U5", "五号", gl, gl, "IT.MECH", uint8(0), d("2010-01-01"), d("2024-10-01"), v})
	drill := func(id, ent, town, date string, evac uint8) []any {
		return []any{id, "企业", ent, town, day(date), evac, v}
	}
	insert(t, db, "fact_drill", "drill_id, organizer_kind, enterprise_id, town_code, drill_date, is_evacuation, _version",
		drill("D1", "U1", gl, "2024-03-01", 1), drill("D2", "U1", gl, "2024-09-01", 1), drill("D3", "U1", gl, "2025-03-01", 1),
		drill("D4", "U2", gl, "2024-11-01", 1),
		drill("D5", "U3", lq, "2024-04-01", 1), drill("D6", "U3", lq, "2024-05-01", 1), drill("D7", "U3", lq, "2025-02-01", 0),
		drill("D8", "U4", lq, "2025-07-10", 1),
		drill("D9", "U5", gl, "2024-03-01", 1))
	set := refreshed(t, db, "2025-06-30")
	check(t, set, []want{
		// 2023: U1 U2 U3 U5 open all year, no drills → 0/4.
		// 2024: U1 U2 U3 (U4 opened in May, U5 closed in October); U1 both halves, U2 once; U3 (high-risk)
		// only in the first half → 2/3; 鼓楼 U1 U2 2/2; 龙桥 U3 0/1.
		// 2025 so far: U1 U2 U3 U4; U1 once (enough while the year runs); U2 none; U3's drill no
		// evacuation; U4's after the as-of day → 1/4.
		{"evacuation_drill_coverage", "year", "district", "", "2023-01-01", 0, 4, 0},
		{"evacuation_drill_coverage", "year", "district", "", "2024-01-01", 2, 3, 200.0 / 3},
		{"evacuation_drill_coverage", "year", "town", gl, "2024-01-01", 2, 2, 100},
		{"evacuation_drill_coverage", "year", "town", lq, "2024-01-01", 0, 1, 0},
		{"evacuation_drill_coverage", "year", "district", "", "2025-01-01", 1, 4, 25},
	})
}
