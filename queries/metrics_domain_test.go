package queries_test

import (
	"context"
	"fmt"
	"math"
	"testing"
	"time"

	"safetydw/queries"
	"safetydw/warehouse/warehousetest"
)

// want is one expected metric value, worked out by hand in the test's comments.
type want struct {
	metric, grain, dim, code, start string
	num, den, value                 float64
}

func check(t *testing.T, set *queries.Set, ws []want) {
	t.Helper()
	for _, w := range ws {
		v, ok := set.At(w.metric, w.grain, w.dim, w.code, day(w.start), time.Time{})
		if !ok {
			t.Errorf("%s %s %s %s %s: no value", w.metric, w.grain, w.dim, w.code, w.start)
			continue
		}
		same := fmt.Sprintf("%.6f", v.Value) == fmt.Sprintf("%.6f", w.value) || (math.IsNaN(v.Value) && math.IsNaN(w.value))
		if v.Numerator != w.num || v.Denominator != w.den || !same {
			t.Errorf("%s %s %s %s %s: %v/%v = %v, want %v/%v = %v", w.metric, w.grain, w.dim, w.code, w.start,
				v.Numerator, v.Denominator, v.Value, w.num, w.den, w.value)
		}
	}
}

// Hazards for the hazard metrics, all hazard counts in dedup groups, as of 2025-06-30:
//
//	H1 G1 一般 鼓楼 IT.DUST(D15) found 01-10 deadline 01-31 closed 01-20 (on time)
//	H2 G2 一般 鼓楼 IT.DUST      found 01-15 deadline 02-15 closed 03-01 (late)
//	H3 G3 重大 龙桥 CONS(D07)    found 02-01 deadline 04-30 open
//	H4 G3 重大 龙桥 CONS         found 02-03 deadline 04-30 open — the same hazard by another channel
//	H5 G5 一般 新兖, park P03, HC.PROD(D15) found 03-05 deadline 03-20 closed 03-18 (on time)
//	H6 G6 一般 鼓楼 IT.DUST      found 06-10, no deadline, open
//	H7 G7 一般 鼓楼 撤销 (withdrawn): counts nowhere
//	H8 G8 重大 龙桥 CONS         found 2024-11-01 deadline 2024-12-31 closed 02-10 (late)
func TestHazardMetrics(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	db := warehousetest.New(t)
	d := func(s string) *time.Time { x := day(s); return &x }
	none := (*time.Time)(nil)
	const gl, lq, xy = "370812001", "370812003", "370812105"
	v := uint64(1)
	insert(t, db, "fact_hazard", "hazard_id, dedup_group_id, level, town_code, territorial_unit, industry_code, found_date, deadline_date, closed_date, status, _version",
		[]any{"H1", "G1", "一般", gl, gl, "IT.DUST", day("2025-01-10"), d("2025-01-31"), d("2025-01-20"), "已销号", v},
		[]any{"H2", "G2", "一般", gl, gl, "IT.DUST", day("2025-01-15"), d("2025-02-15"), d("2025-03-01"), "已销号", v},
		[]any{"H3", "G3", "重大", lq, lq, "CONS", day("2025-02-01"), d("2025-04-30"), none, "整改中", v},
		[]any{"H4", "G3", "重大", lq, lq, "CONS", day("2025-02-03"), d("2025-04-30"), none, "整改中", v},
		[]any{"H5", "G5", "一般", xy, "P03", "HC.PROD", day("2025-03-05"), d("2025-03-20"), d("2025-03-18"), "已销号", v},
		[]any{"H6", "G6", "一般", gl, gl, "IT.DUST", day("2025-06-10"), none, none, "整改中", v},
		[]any{"H7", "G7", "一般", gl, gl, "IT.DUST", day("2025-02-01"), d("2025-02-10"), none, "撤销", v},
		[]any{"H8", "G8", "重大", lq, lq, "CONS", day("2024-11-01"), d("2024-12-31"), d("2025-02-10"), "已销号", v})
	if _, err := queries.Refresh(ctx, db, day("2025-06-30")); err != nil {
		t.Fatal(err)
	}
	set, err := queries.LoadSet(ctx, db)
	if err != nil {
		t.Fatal(err)
	}
	check(t, set, []want{
		// Found by found_date: Jan G1 G2; Feb G3 (two reports); Mar G5; Jun G6; 2025 five, 2024 G8.
		{"hazards_found", "month", "district", "", "2025-01-01", 2, 0, 2},
		{"hazards_found", "month", "district", "", "2025-02-01", 1, 0, 1},
		{"hazards_found", "year", "district", "", "2025-01-01", 5, 0, 5},
		{"hazards_found", "year", "district", "", "2024-01-01", 1, 0, 1},
		{"hazards_found", "year", "town", gl, "2025-01-01", 3, 0, 3},
		{"hazards_found", "year", "town", lq, "2025-01-01", 1, 0, 1},
		{"hazards_found", "year", "park", "P03", "2025-01-01", 1, 0, 1},
		{"hazards_found", "year", "dept", "D15", "2025-01-01", 4, 0, 4},
		{"hazards_found", "year", "dept", "D07", "2025-01-01", 1, 0, 1},
		{"hazards_found", "year", "industry", "IT.DUST", "2025-01-01", 3, 0, 3},
		// Closed by closed_date: Jan G1, Feb G8, Mar G2 G5; none in 2024 (a count: reads 0).
		{"hazards_closed", "month", "district", "", "2025-03-01", 2, 0, 2},
		{"hazards_closed", "year", "district", "", "2025-01-01", 4, 0, 4},
		{"hazards_closed", "year", "district", "", "2024-01-01", 0, 0, 0},
		// On time among those closed: 2025 G1 G5 of G1 G8 G2 G5 = 50 %; January G1 alone = 100 %.
		{"hazards_closed_on_time_rate", "year", "district", "", "2025-01-01", 2, 4, 50},
		{"hazards_closed_on_time_rate", "month", "district", "", "2025-01-01", 1, 1, 100},
		{"hazards_closed_on_time_rate", "year", "town", lq, "2025-01-01", 0, 1, 0},
		// Open at month ends: Jan H8 H2; Feb H2 G3; Mar G3; Jun G3 H6; 2024 year end H8; 2023-12 none.
		{"hazards_open", "month", "district", "", "2025-01-01", 2, 0, 2},
		{"hazards_open", "month", "district", "", "2025-02-01", 2, 0, 2},
		{"hazards_open", "month", "district", "", "2025-03-01", 1, 0, 1},
		{"hazards_open", "month", "district", "", "2025-06-01", 2, 0, 2},
		{"hazards_open", "year", "district", "", "2024-01-01", 1, 0, 1},
		{"hazards_open", "month", "district", "", "2023-12-01", 0, 0, 0},
		// Overdue at month ends: Jan H8 (deadline 12-31); Feb H2 (02-15); Mar, Apr none (G3's deadline
		// 04-30 is not before 04-30); May, Jun G3. At 2024-12-31 H8 is due that day: not overdue.
		{"hazards_overdue", "month", "district", "", "2025-01-01", 1, 0, 1},
		{"hazards_overdue", "month", "district", "", "2025-02-01", 1, 0, 1},
		{"hazards_overdue", "month", "district", "", "2025-04-01", 0, 0, 0},
		{"hazards_overdue", "month", "district", "", "2025-05-01", 1, 0, 1},
		{"hazards_overdue", "year", "district", "", "2024-01-01", 0, 0, 0},
		// Cleared by the period's end among those found in it: 2025 (to 06-30) G1 G2 G5 of five = 60 %;
		// January G1 of G1 G2 = 50 %; 2024 G8 (closed in 2025) of one = 0 %.
		{"hazard_clearance_rate", "year", "district", "", "2025-01-01", 3, 5, 60},
		{"hazard_clearance_rate", "month", "district", "", "2025-01-01", 1, 2, 50},
		{"hazard_clearance_rate", "year", "district", "", "2024-01-01", 0, 1, 0},
		{"hazard_clearance_rate", "year", "town", lq, "2025-01-01", 0, 1, 0},
		// 重大 open at month ends: Jan G8 (closed 02-10); Feb, Jun G3 once for its two reports;
		// 2024 year end G8; 2023-12 none. 重大 closed: Feb G8; none in January or 2024.
		{"major_hazards_open", "month", "district", "", "2025-01-01", 1, 0, 1},
		{"major_hazards_open", "month", "district", "", "2025-02-01", 1, 0, 1},
		{"major_hazards_open", "month", "town", lq, "2025-06-01", 1, 0, 1},
		{"major_hazards_open", "month", "town", gl, "2025-06-01", 0, 0, 0},
		{"major_hazards_open", "year", "district", "", "2024-01-01", 1, 0, 1},
		{"major_hazards_open", "month", "district", "", "2023-12-01", 0, 0, 0},
		{"major_hazards_closed", "month", "district", "", "2025-02-01", 1, 0, 1},
		{"major_hazards_closed", "month", "district", "", "2025-01-01", 0, 0, 0},
		{"major_hazards_closed", "year", "district", "", "2025-01-01", 1, 0, 1},
		{"major_hazards_closed", "year", "district", "", "2024-01-01", 0, 0, 0},
		// 重大 overdue at month ends: Jan H8; Feb none; May, Jun G3 once for its two reports.
		{"major_hazards_overdue", "month", "district", "", "2025-01-01", 1, 0, 1},
		{"major_hazards_overdue", "month", "district", "", "2025-02-01", 0, 0, 0},
		{"major_hazards_overdue", "month", "district", "", "2025-05-01", 1, 0, 1},
		{"major_hazards_overdue", "month", "town", lq, "2025-06-01", 1, 0, 1},
		{"major_hazards_overdue", "month", "town", gl, "2025-06-01", 0, 0, 0},
	})
	// The list of overdue 重大 hazards as of 2025-06-30: G3 once, 61 days past 04-30.
	l := set.Lists["overdue_major_hazards"]
	if len(l.Rows) != 1 || l.Rows[0][6] != "2025-04-30" || l.Rows[0][7] != "61" || l.Rows[0][2] != "龙桥街道" {
		t.Errorf("overdue 重大 list = %q, want G3 once, due 2025-04-30, 61 days overdue, in 龙桥街道", l.Rows)
	}
}

// Enforcement in 2025 (and one 2024 case), as of 2025-06-30:
//
//	D15 应急局: I1 执法 with 2 violations (03-01), I2 执法 with none (03-05), I3 督导 with 1 (04-01);
//	            C1 处罚 04-… fines 20,000 + 5,000, C2 处罚 fine 10,000
//	D07 住建局: I4 执法 1 violation, I5 执法 3 violations; C4 在办 (no decision); C5 处罚 2024-12-20 fine 3,000
//	D19 生态环境: I6 执法 1 violation; C3 不予处罚(首违/轻微) 02-15
func TestEnforcementMetrics(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	db := warehousetest.New(t)
	const gl = "370812001"
	v := uint64(1)
	d := func(s string) *time.Time { x := day(s); return &x }
	insert(t, db, "fact_inspection", "inspection_id, dept_code, town_code, inspection_date, is_enforcement, violations_found, _version",
		[]any{"I1", "D15", gl, day("2025-03-01"), uint8(1), uint16(2), v},
		[]any{"I2", "D15", gl, day("2025-03-05"), uint8(1), uint16(0), v},
		[]any{"I3", "D15", gl, day("2025-04-01"), uint8(0), uint16(1), v},
		[]any{"I4", "D07", gl, day("2025-05-01"), uint8(1), uint16(1), v},
		[]any{"I5", "D07", gl, day("2025-05-02"), uint8(1), uint16(3), v},
		[]any{"I6", "D19", gl, day("2025-02-01"), uint8(1), uint16(1), v})
	insert(t, db, "fact_enforcement_case", "case_id, dept_code, town_code, filed_date, decision_date, decision_kind, fine_entity, fine_individual, _version",
		[]any{"C1", "D15", gl, day("2025-03-02"), d("2025-03-20"), "行政处罚", 20000.0, 5000.0, v},
		[]any{"C2", "D15", gl, day("2025-03-06"), d("2025-04-10"), "行政处罚", 10000.0, 0.0, v},
		[]any{"C3", "D19", gl, day("2025-02-02"), d("2025-02-15"), "不予处罚(首违/轻微)", 0.0, 0.0, v},
		[]any{"C4", "D07", gl, day("2025-05-03"), (*time.Time)(nil), "", 0.0, 0.0, v},
		[]any{"C5", "D07", gl, day("2024-12-01"), d("2024-12-20"), "行政处罚", 3000.0, 0.0, v})
	if _, err := queries.Refresh(ctx, db, day("2025-06-30")); err != nil {
		t.Fatal(err)
	}
	set, err := queries.LoadSet(ctx, db)
	if err != nil {
		t.Fatal(err)
	}
	check(t, set, []want{
		// 执法 inspections: I1 I2 I4 I5 I6 (I3 is 督导).
		{"enforcement_inspections", "year", "district", "", "2025-01-01", 5, 0, 5},
		{"enforcement_inspections", "year", "dept", "D15", "2025-01-01", 2, 0, 2},
		{"enforcement_inspections", "year", "dept", "D07", "2025-01-01", 2, 0, 2},
		{"enforcement_inspections", "year", "town", gl, "2025-01-01", 5, 0, 5},
		// …that found violations: I1 I4 I5 I6.
		{"inspections_with_violations", "year", "district", "", "2025-01-01", 4, 0, 4},
		{"inspections_with_violations", "year", "dept", "D15", "2025-01-01", 1, 0, 1},
		// Penalty decisions by decision date: C1 C2 in 2025, C5 in 2024; C4 is undecided.
		{"penalty_decisions", "year", "district", "", "2025-01-01", 2, 0, 2},
		{"penalty_decisions", "year", "district", "", "2024-01-01", 1, 0, 1},
		{"penalty_decisions", "year", "dept", "D07", "2025-01-01", 0, 0, 0},
		{"penalty_decisions", "month", "dept", "D15", "2025-04-01", 1, 0, 1},
		{"no_penalty_decisions", "year", "dept", "D19", "2025-01-01", 1, 0, 1},
		{"no_penalty_decisions", "year", "district", "", "2025-01-01", 1, 0, 1},
		// Fines in 万元: 2025 (20,000 + 5,000 + 10,000) / 10,000 = 3.5; 2024 0.3.
		{"fines", "year", "district", "", "2025-01-01", 3.5, 0, 3.5},
		{"fines", "year", "dept", "D15", "2025-01-01", 3.5, 0, 3.5},
		{"fines", "year", "district", "", "2024-01-01", 0.3, 0, 0.3},
		// Penalties per inspection that found violations, 2025: district 2/4; D15 2/1; D07 0/2; D19 0/1.
		{"dept_penalty_ratio", "year", "district", "", "2025-01-01", 2, 4, 50},
		{"dept_penalty_ratio", "year", "dept", "D15", "2025-01-01", 2, 1, 200},
		{"dept_penalty_ratio", "year", "dept", "D07", "2025-01-01", 0, 2, 0},
		{"dept_penalty_ratio", "year", "dept", "D19", "2025-01-01", 0, 1, 0},
	})
}
