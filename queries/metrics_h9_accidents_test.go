package queries_test

import (
	"testing"
	"time"

	"safetydw/warehouse/warehousetest"
)

// Accidents for T02 and T29, as of 2025-06-30 (declared / by-numbers level, production safety,
// responsibility, deaths, criminal investigation):
//
//	B1 2023-03-01 鼓楼 一般/一般 PS resp, 1 dead, investigated
//	B2 2023-08-01 龙桥 一般/一般 PS, none dead
//	B3 2024-02-01 龙桥 一般/一般 PS resp, 2 dead, not investigated
//	B4 2024-05-01 鼓楼 一般/较大 PS resp, 3 dead, investigated — 较大 by its deaths: not a 一般 accident (T01's)
//	B5 2024-07-01 鼓楼 一般/一般 not production safety, 1 dead: counts nowhere
//	B6 2025-03-01 鼓楼 一般/一般 PS, not a responsibility accident, 1 dead
//	B7 2025-04-01 鼓楼 一般/一般 PS resp, none dead
//	B8 2024-12-31 17:00 UTC = 2025-01-01 01:00 China time, 龙桥 一般/一般 PS resp, 1 dead, investigated
func TestH9AccidentMetrics(t *testing.T) {
	t.Parallel()
	db := warehousetest.New(t)
	const gl, lq = "370812001", "370812003"
	at := func(s string) time.Time { return day(s).Add(10 * time.Hour) }
	v := uint64(1)
	insert(t, db, "fact_accident", "accident_id, occurred_at, town_code, territorial_unit, level, level_by_numbers, "+
		"is_production_safety, is_responsibility, deaths, criminal_investigation, report_due, _version",
		[]any{"B1", at("2023-03-01"), gl, gl, "一般", "一般", uint8(1), uint8(1), uint16(1), uint8(1), day("2023-06-01"), v},
		[]any{"B2", at("2023-08-01"), lq, lq, "一般", "一般", uint8(1), uint8(0), uint16(0), uint8(0), day("2023-10-01"), v},
		[]any{"B3", at("2024-02-01"), lq, lq, "一般", "一般", uint8(1), uint8(1), uint16(2), uint8(0), day("2024-05-01"), v},
		[]any{"B4", at("2024-05-01"), gl, gl, "一般", "较大", uint8(1), uint8(1), uint16(3), uint8(1), day("2024-09-01"), v},
		[]any{"B5", at("2024-07-01"), gl, gl, "一般", "一般", uint8(0), uint8(1), uint16(1), uint8(0), day("2024-09-01"), v},
		[]any{"B6", at("2025-03-01"), gl, gl, "一般", "一般", uint8(1), uint8(0), uint16(1), uint8(0), day("2025-06-01"), v},
		[]any{"B7", at("2025-04-01"), gl, gl, "一般", "一般", uint8(1), uint8(1), uint16(0), uint8(0), day("2025-07-01"), v},
		[]any{"B8", day("2024-12-31").Add(17 * time.Hour), lq, lq, "一般", "一般", uint8(1), uint8(1), uint16(1), uint8(1), day("2025-03-01"), v})
	set := refreshed(t, db, "2025-06-30")
	check(t, set, []want{
		// T02 一般 accidents: 2023 B1 B2; 2024 B3 (B4 is 较大 by numbers, B5 not production safety);
		// 2025 B6 B7 B8 (B8 on New Year's night in China); January 2025 B8; 鼓楼 2023 B1; 龙桥 2025 B8.
		{"general_accidents", "year", "district", "", "2023-01-01", 2, 0, 2},
		{"general_accidents", "year", "district", "", "2024-01-01", 1, 0, 1},
		{"general_accidents", "year", "district", "", "2025-01-01", 3, 0, 3},
		{"general_accidents", "month", "district", "", "2025-01-01", 1, 0, 1},
		{"general_accidents", "year", "town", gl, "2023-01-01", 1, 0, 1},
		{"general_accidents", "year", "town", lq, "2025-01-01", 1, 0, 1},
		// Deaths in production-safety accidents of any level: 2023 1; 2024 B3 2 + B4 3 = 5 (B5 not PS);
		// 2025 B6 1 + B8 1 = 2; 鼓楼 2024 B4 3.
		{"accident_deaths", "year", "district", "", "2023-01-01", 1, 0, 1},
		{"accident_deaths", "year", "district", "", "2024-01-01", 5, 0, 5},
		{"accident_deaths", "year", "district", "", "2025-01-01", 2, 0, 2},
		{"accident_deaths", "year", "town", gl, "2024-01-01", 3, 0, 3},
		// T29 fatal responsibility accidents investigated: 2023 B1 1/1; 2024 B4 of B3 B4 = 1/2;
		// 2025 B8 1/1 (B6 not a responsibility accident, B7 no deaths); 龙桥 2024 B3 0/1.
		{"fatal_accident_criminal_rate", "year", "district", "", "2023-01-01", 1, 1, 100},
		{"fatal_accident_criminal_rate", "year", "district", "", "2024-01-01", 1, 2, 50},
		{"fatal_accident_criminal_rate", "year", "district", "", "2025-01-01", 1, 1, 100},
		{"fatal_accident_criminal_rate", "year", "town", lq, "2024-01-01", 0, 1, 0},
	})
}
