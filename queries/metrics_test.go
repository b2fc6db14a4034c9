package queries_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"safetydw/queries"
	"safetydw/warehouse"
	"safetydw/warehouse/warehousetest"
)

func day(s string) time.Time {
	t, err := time.Parse("2006-01-02", s)
	if err != nil {
		panic(err)
	}
	return t
}

func insert(t *testing.T, db *warehouse.DB, table, cols string, rows ...[]any) {
	t.Helper()
	b, err := db.PrepareBatch(context.Background(), "INSERT INTO "+table+" ("+cols+")")
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range rows {
		if err := b.Append(r...); err != nil {
			t.Fatalf("%s: %v", table, err)
		}
	}
	if err := b.Send(); err != nil {
		t.Fatal(err)
	}
}

// Small fixtures whose metric values are worked out by hand in the comments.
func TestMetricsOnHandMadeFacts(t *testing.T) {
	ctx := context.Background()
	db := warehousetest.New(t)
	v := uint64(1)

	// Mines. T46 2023: (500+600+100)/(1000+1000+500) = 1200/2500 = 48 %; 2025: (1900+800)/(2000+1000) = 90 %;
	// M01 2025: 1900/2000 = 95 %. T47 baselines (2023 averages): M01 (100+120)/2 = 110, M02 50.
	// 2025-01: M01 1 − 99/110 = 10 %, M02 1 − 40/50 = 20 %, district 1 − (99+40)/(110+50) = 13.125 %.
	insert(t, db, "fact_mine_monthly", "mine_id, month, raw_coal_output_t, intelligent_output_t, underground_headcount_avg, _version",
		[]any{"M01", day("2023-01-01"), 1000.0, 500.0, uint32(100), v},
		[]any{"M01", day("2023-02-01"), 1000.0, 600.0, uint32(120), v},
		[]any{"M02", day("2023-01-01"), 500.0, 100.0, uint32(50), v},
		[]any{"M01", day("2025-01-01"), 2000.0, 1900.0, uint32(99), v},
		[]any{"M02", day("2025-01-01"), 1000.0, 800.0, uint32(40), v})

	// Accidents. T01 2024: A2 (较大) and A5 (declared 一般, 较大 by its deaths) of the three production-safety
	// accidents A1 A2 A5; A4 is not a production-safety accident. 2025: none of one.
	at := func(s string) time.Time { return day(s).Add(10 * time.Hour) }
	insert(t, db, "fact_accident", "accident_id, occurred_at, town_code, level, level_by_numbers, is_production_safety, _version",
		[]any{"A1", at("2024-03-01"), "370812001", "一般", "一般", uint8(1), v},
		[]any{"A2", at("2024-06-01"), "370812001", "较大", "较大", uint8(1), v},
		[]any{"A4", at("2024-07-01"), "370812101", "重大", "重大", uint8(0), v},
		[]any{"A5", at("2024-08-01"), "370812101", "一般", "较大", uint8(1), v},
		[]any{"A3", at("2025-02-01"), "370812001", "一般", "一般", uint8(1), v})

	// Hazards. Legacy 重大 stock (open at 2023-12-31): G1 (closed 2024-03-15), G2 (open), G3 (two reports, closed
	// 2024-01-10). Not stock or not counted: H5 一般, H6 found 2024, H7 撤销, H8 closed in 2023. Open at month end:
	// 2024-01-31: G1 G2 → 2; 2024-02-29: G1 G2 → 2; 2024-03-31: G2 → 1. Denominator 3 groups.
	none := (*time.Time)(nil)
	closed := func(s string) *time.Time { d := day(s); return &d }
	insert(t, db, "fact_hazard", "hazard_id, dedup_group_id, town_code, level, found_date, closed_date, status, _version",
		[]any{"H1", "G1", "370812001", "重大", day("2023-05-01"), closed("2024-03-15"), "已销号", v},
		[]any{"H2", "G2", "370812001", "重大", day("2023-06-01"), none, "整改中", v},
		[]any{"H3", "G3", "370812101", "重大", day("2023-07-01"), closed("2024-01-10"), "已销号", v},
		[]any{"H4", "G3", "370812101", "重大", day("2023-07-02"), closed("2024-01-10"), "已销号", v},
		[]any{"H5", "G5", "370812001", "一般", day("2023-01-01"), none, "整改中", v},
		[]any{"H6", "G6", "370812001", "重大", day("2024-02-01"), none, "整改中", v},
		[]any{"H7", "G7", "370812001", "重大", day("2023-02-01"), none, "撤销", v},
		[]any{"H8", "G8", "370812001", "重大", day("2023-03-01"), closed("2023-11-30"), "已销号", v})

	// Enforcement 2025. D09 (水务, may penalise): 12 inspections, no penalty → 零处罚. D15: 11 inspections,
	// 2 penalty decisions (a 不予处罚 decision does not count) → no. D16: 5 inspections → too few to judge.
	// D02 (教体) has no penalty powers and is not ranked. District: 1 of 3 departments.
	var insp, cases [][]any
	for i := 0; i < 12; i++ {
		insp = append(insp, []any{fmt.Sprintf("I09-%d", i), "D09", day("2025-04-01"), uint8(1), v})
	}
	for i := 0; i < 11; i++ {
		insp = append(insp, []any{fmt.Sprintf("I15-%d", i), "D15", day("2025-05-01"), uint8(1), v})
	}
	for i := 0; i < 5; i++ {
		insp = append(insp, []any{fmt.Sprintf("I16-%d", i), "D16", day("2025-06-01"), uint8(1), v})
	}
	for i := 0; i < 20; i++ {
		insp = append(insp, []any{fmt.Sprintf("I02-%d", i), "D02", day("2025-06-01"), uint8(1), v})
	}
	insert(t, db, "fact_inspection", "inspection_id, dept_code, inspection_date, is_enforcement, _version", insp...)
	cases = append(cases,
		[]any{"C1", "D15", day("2025-05-02"), closed("2025-06-01"), "行政处罚", v},
		[]any{"C2", "D15", day("2025-05-03"), closed("2025-06-02"), "行政处罚", v},
		[]any{"C3", "D09", day("2025-05-03"), closed("2025-06-02"), "不予处罚(首违/轻微)", v})
	insert(t, db, "fact_enforcement_case", "case_id, dept_code, filed_date, decision_date, decision_kind, _version", cases...)

	res, err := queries.Refresh(ctx, db, day("2026-11-29"))
	if err != nil {
		t.Fatal(err)
	}
	checks := []struct {
		metric, period, dim, code, start string
		num, den, value                  float64
	}{
		{"mine_intelligent_output_share", "year", "district", "", "2023-01-01", 1200, 2500, 48},
		{"mine_intelligent_output_share", "year", "district", "", "2025-01-01", 2700, 3000, 90},
		{"mine_intelligent_output_share", "year", "mine", "M01", "2025-01-01", 1900, 2000, 95},
		{"mine_underground_headcount_reduction", "month", "mine", "M01", "2025-01-01", 99, 110, 10},
		{"mine_underground_headcount_reduction", "month", "mine", "M02", "2025-01-01", 40, 50, 20},
		{"mine_underground_headcount_reduction", "month", "district", "", "2025-01-01", 139, 160, 13.125},
		{"major_accidents", "year", "district", "", "2024-01-01", 2, 3, 2},
		{"major_accidents", "year", "district", "", "2025-01-01", 0, 1, 0},
		{"major_accidents", "year", "town", "370812101", "2024-01-01", 1, 1, 1},
		{"major_hazard_legacy_clearance", "month", "district", "", "2024-01-01", 2, 3, 2},
		{"major_hazard_legacy_clearance", "month", "district", "", "2024-02-01", 2, 3, 2},
		{"major_hazard_legacy_clearance", "month", "district", "", "2024-03-01", 1, 3, 1},
		{"major_hazard_legacy_clearance", "month", "town", "370812101", "2024-01-01", 0, 1, 0},
		{"dept_zero_penalty", "year", "dept", "D09", "2025-01-01", 0, 12, 1},
		{"dept_zero_penalty", "year", "dept", "D15", "2025-01-01", 2, 11, 0},
		{"dept_zero_penalty", "year", "dept", "D16", "2025-01-01", 0, 5, 0},
		{"dept_zero_penalty", "year", "district", "", "2025-01-01", 1, 3, 1},
	}
	for _, c := range checks {
		var num, den, val float64
		err := db.QueryRow(ctx, `SELECT numerator, denominator, value FROM ads_metric_value
			WHERE refresh_id = ? AND as_of = toDate('2026-11-29') AND metric_id = ? AND period_type = ? AND dim_type = ? AND dim_code = ? AND period_start = toDate(?)`,
			res.ID, c.metric, c.period, c.dim, c.code, c.start).Scan(&num, &den, &val)
		if err != nil {
			t.Errorf("%s %s %s %s %s: %v", c.metric, c.period, c.dim, c.code, c.start, err)
			continue
		}
		if num != c.num || den != c.den || fmt.Sprintf("%.6f", val) != fmt.Sprintf("%.6f", c.value) {
			t.Errorf("%s %s %s %s: %v/%v = %v, want %v/%v = %v", c.metric, c.dim, c.code, c.start, num, den, val, c.num, c.den, c.value)
		}
	}
	var d02 uint64
	if err := db.QueryRow(ctx, "SELECT count() FROM metric_value WHERE metric_id = 'dept_zero_penalty' AND dim_code = 'D02'").Scan(&d02); err != nil || d02 != 0 {
		t.Errorf("D02, which may not penalise, is ranked (%d rows, %v)", d02, err)
	}
}

// Two refreshes at once (the scheduler and a manual run) and readers during them: a reader
// always sees one whole refresh — never a department twice, never a half-written metric.
// Before the metric store had refresh ids, the same race left 747 rows where 520 belonged.
func TestConcurrentRefreshesNeverDouble(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	db := warehousetest.New(t)
	v := uint64(1)
	var insp [][]any
	for i := 0; i < 12; i++ { // D09: 12 inspections and no penalty in 2025 → one 零处罚 department
		insp = append(insp, []any{fmt.Sprintf("I%d", i), "D09", day("2025-04-01"), uint8(1), v})
	}
	insert(t, db, "fact_inspection", "inspection_id, dept_code, inspection_date, is_enforcement, _version", insp...)
	asOf := day("2025-06-30")
	if _, err := queries.Refresh(ctx, db, asOf); err != nil {
		t.Fatal(err)
	}
	var want uint64
	if err := db.QueryRow(ctx, "SELECT count() FROM metric_value").Scan(&want); err != nil || want == 0 {
		t.Fatalf("values after one refresh: %d, %v", want, err)
	}
	errs := make(chan error, 3)
	for i := 0; i < 3; i++ {
		go func() { _, err := queries.Refresh(ctx, db, asOf); errs <- err }()
	}
	done := 0
	for reads := 0; done < 3; reads++ {
		select {
		case err := <-errs:
			if err != nil {
				t.Fatal(err)
			}
			done++
		default:
		}
		set, err := queries.LoadSet(ctx, db)
		if err != nil {
			t.Fatal(err)
		}
		if vs := set.Series("dept_zero_penalty", "year", "dept", "D09", time.Time{}); len(vs) != 1 || vs[0].Value != 1 {
			t.Fatalf("read %d during refreshes: D09 rows %+v, want one 零处罚 row", reads, vs)
		}
		if z := set.Series("dept_zero_penalty", "year", "district", "", time.Time{}); len(z) != 1 || z[0].Value != 1 {
			t.Fatalf("read %d during refreshes: district rows %+v, want one department", reads, z)
		}
	}
	var got uint64
	if err := db.QueryRow(ctx, "SELECT count() FROM metric_value").Scan(&got); err != nil || got != want {
		t.Errorf("values after concurrent refreshes: %d, want %d (%v)", got, want, err)
	}
	// Old refreshes are dropped: at most the two newest complete ones keep their rows.
	var parts uint64
	if err := db.QueryRow(ctx, "SELECT uniqExact(refresh_id) FROM ads_metric_value").Scan(&parts); err != nil || parts > 2 {
		t.Errorf("%d refreshes kept, want at most 2 (%v)", parts, err)
	}
}
