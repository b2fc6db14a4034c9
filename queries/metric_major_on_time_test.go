package queries_test

import (
	"context"
	"testing"
	"time"

	"safetydw/queries"
	"safetydw/warehouse/warehousetest"
)

// 重大 hazards closed in 2026, as of 2026-06-30:
//
//	M1 G1 鼓楼 closed 03-10, deadline 03-31 → on time
//	M2 G1 鼓楼 the same hazard by another channel → counted once with M1
//	M3 G3 龙桥 closed 04-20, deadline 04-15 → late
//	M4 G4 鼓楼 closed 05-01, no deadline → not counted
//	M5 G5 鼓楼 一般, on time → not 重大
//
// District 2026: 1 of 2 = 50 %; 鼓楼 1 of 1 = 100 %; 龙桥 0 of 1 = 0 %; March 1 of 1, April 0 of 1.
func TestMajorHazardsClosedOnTime(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	db := warehousetest.New(t)
	d := func(s string) *time.Time { x := day(s); return &x }
	const gl, lq = "370812001", "370812003"
	v := uint64(1)
	insert(t, db, "fact_hazard", "hazard_id, dedup_group_id, level, town_code, territorial_unit, industry_code, found_date, deadline_date, closed_date, status, _version",
		[]any{"M1", "G1", "重大", gl, gl, "IT.DUST", day("2026-01-10"), d("2026-03-31"), d("2026-03-10"), "已销号", v},
		[]any{"M2", "G1", "重大", gl, gl, "IT.DUST", day("2026-01-11"), d("2026-03-31"), d("2026-03-10"), "已销号", v},
		[]any{"M3", "G3", "重大", lq, lq, "CONS", day("2026-02-01"), d("2026-04-15"), d("2026-04-20"), "已销号", v},
		[]any{"M4", "G4", "重大", gl, gl, "CONS", day("2026-02-01"), (*time.Time)(nil), d("2026-05-01"), "已销号", v},
		[]any{"M5", "G5", "一般", gl, gl, "CONS", day("2026-02-01"), d("2026-02-10"), d("2026-02-05"), "已销号", v})
	if _, err := queries.Refresh(ctx, db, day("2026-06-30")); err != nil {
		t.Fatal(err)
	}
	set, err := queries.LoadSet(ctx, db)
	if err != nil {
		t.Fatal(err)
	}
	check(t, set, []want{
		{"major_hazards_closed_on_time_rate", "year", "district", "", "2026-01-01", 1, 2, 50},
		{"major_hazards_closed_on_time_rate", "year", "town", gl, "2026-01-01", 1, 1, 100},
		{"major_hazards_closed_on_time_rate", "year", "town", lq, "2026-01-01", 0, 1, 0},
		{"major_hazards_closed_on_time_rate", "month", "district", "", "2026-03-01", 1, 1, 100},
		{"major_hazards_closed_on_time_rate", "month", "district", "", "2026-04-01", 0, 1, 0},
	})
}
