package queries_test

import (
	"testing"
	"time"

	"safetydw/warehouse/warehousetest"
)

// Units and training for T06–T10 and T84, as of 2025-06-30.
//
// Units (industry, department, open … closed):
//
//	E1 鼓楼 IT.DUST (2024 cohort)             D15 opened 2020-01-01
//	E2 鼓楼 CONS.HB (under CONS, 2024 cohort) D07 no opening date
//	E3 龙桥 HC.PROD (2025 cohort)             D15 opened 2024-07-01
//	E4 龙桥 IT.DUST                           D15 closed 2023-06-01: in no period
//	E6 鼓楼 IT.DUST                           D15 opened 2025-03-01: not in the 2024 cohort
//
// Training (program, role, day, result):
//
//	E1 主要负责人专题 主要负责人 2024-05-01 通过;  E2 主要负责人专题 主要负责人 2024-06-01 未通过;
//	E2 主要负责人专题 安全管理人员 2024-07-01 通过 (not the principal); E3 主要负责人专题 主要负责人 2025-03-01 通过
//	明白人: E1 2024-03-10, E2 2025-02-01, E3 2025-07-15 (after the as-of day), E4 2023-01-01 (closed unit)
//	判定标准学习: E1 2024-02-01 通过, E3 2024-12-31 无考试, E2 2024-05-01 未通过
//	执法跟班: D15 2024-04-01, D15 2025-02-01, D07 2025-03-01, D07 2025-03-02 deleted
func TestH9TrainingMetrics(t *testing.T) {
	t.Parallel()
	db := warehousetest.New(t)
	const gl, lq = "370812001", "370812003"
	d := func(s string) *time.Time { x := day(s); return &x }
	none := (*time.Time)(nil)
	v := uint64(1)
	insert(t, db, "dim_enterprise", "enterprise_id, name, town_code, territorial_unit, industry_code, supervise_dept_code, opened_date, closed_date, _version",
		[]any{"E1", "一号", gl, gl, "IT.DUST", "D15", d("2020-01-01"), none, v},
		[]any{"E2", "二号", gl, gl, "CONS.HB", "D07", none, none, v},
		[]any{"E3", "三号", lq, lq, "HC.PROD", "D15", d("2024-07-01"), none, v},
		[]any{"E4", "四号", lq, lq, "IT.DUST", "D15", d("2010-01-01"), d("2023-06-01"), v},
		[]any{"E6", "六号", gl, gl, "IT.DUST", "D15", d("2025-03-01"), none, v})
	rec := func(id, ent, dept, program, role, date, result string, deleted uint8) []any {
		return []any{id, ent, dept, program, role, day(date), result, v, deleted}
	}
	insert(t, db, "fact_training", "record_id, enterprise_id, dept_code, program, person_role, training_date, exam_result, _version, _deleted",
		rec("t1", "E1", "", "主要负责人专题", "主要负责人", "2024-05-01", "通过", 0),
		rec("t2", "E2", "", "主要负责人专题", "主要负责人", "2024-06-01", "未通过", 0),
		rec("t3", "E2", "", "主要负责人专题", "安全管理人员", "2024-07-01", "通过", 0),
		rec("t4", "E3", "", "主要负责人专题", "主要负责人", "2025-03-01", "通过", 0),
		rec("t5", "E1", "", "明白人", "明白人", "2024-03-10", "通过", 0),
		rec("t6", "E2", "", "明白人", "明白人", "2025-02-01", "通过", 0),
		rec("t7", "E3", "", "明白人", "明白人", "2025-07-15", "通过", 0),
		rec("t8", "E4", "", "明白人", "明白人", "2023-01-01", "通过", 0),
		rec("t9", "E1", "", "判定标准学习", "安全管理人员", "2024-02-01", "通过", 0),
		rec("t10", "E3", "", "判定标准学习", "安全管理人员", "2024-12-31", "无考试", 0),
		rec("t11", "E2", "", "判定标准学习", "安全管理人员", "2024-05-01", "未通过", 0),
		rec("t12", "", "D15", "执法跟班", "监管执法人员", "2024-04-01", "无考试", 0),
		rec("t13", "", "D15", "执法跟班", "监管执法人员", "2025-02-01", "无考试", 0),
		rec("t14", "", "D07", "执法跟班", "监管执法人员", "2025-03-01", "无考试", 0),
		rec("t15", "", "D07", "执法跟班", "监管执法人员", "2025-03-02", "无考试", 1))
	set := refreshed(t, db, "2025-06-30")
	check(t, set, []want{
		// T06 2024 cohort open in 2024: E1 (IT.DUST) and E2 (CONS.HB, under CONS); E4 closed in 2023, E6
		// opened in 2025, E3 is 2025's. Trained: E1 (E2's principal failed, its other trainee is no
		// principal) → 1/2; 鼓楼 1/2; D07 0/1. T07 2025 cohort: E3, trained 2025-03-01 → 1/1.
		{"principal_cohort_training_coverage", "year", "district", "", "2024-01-01", 1, 2, 50},
		{"principal_cohort_training_coverage", "year", "town", gl, "2024-01-01", 1, 2, 50},
		{"principal_cohort_training_coverage", "year", "dept", "D07", "2024-01-01", 0, 1, 0},
		{"principal_cohort_training_coverage", "year", "district", "", "2025-01-01", 1, 1, 100},
		// T84 明白人 among units open at the period end: 2024-03 E1 of E1 E2; 2024-07 E1 of E1 E2 E3;
		// 2025-02 E1 E2 of three; 2025-06 E1 E2 of four (E6 opened, E3 trained after the as-of day);
		// 龙桥 2025-06 E3 0/1 (E4 closed).
		{"mingbairen_coverage", "month", "district", "", "2024-03-01", 1, 2, 50},
		{"mingbairen_coverage", "month", "district", "", "2024-07-01", 1, 3, 100.0 / 3},
		{"mingbairen_coverage", "month", "district", "", "2025-02-01", 2, 3, 200.0 / 3},
		{"mingbairen_coverage", "month", "district", "", "2025-06-01", 2, 4, 50},
		{"mingbairen_coverage", "month", "town", lq, "2025-06-01", 0, 1, 0},
		// T10 判定标准 learning: 2024-01 0/2; 2024-02 E1 of E1 E2; 2024 end E1 E3 of three (E2 failed).
		{"standard_learning_coverage", "month", "district", "", "2024-01-01", 0, 2, 0},
		{"standard_learning_coverage", "month", "district", "", "2024-02-01", 1, 2, 50},
		{"standard_learning_coverage", "year", "district", "", "2024-01-01", 2, 3, 200.0 / 3},
		// T09 执法跟班: 2024 one; 2025 two (the deleted one left out); D07 2025 one; March 2025 one.
		{"enforcement_officers_shadowing", "year", "district", "", "2024-01-01", 1, 0, 1},
		{"enforcement_officers_shadowing", "year", "district", "", "2025-01-01", 2, 0, 2},
		{"enforcement_officers_shadowing", "year", "dept", "D07", "2025-01-01", 1, 0, 1},
		{"enforcement_officers_shadowing", "month", "district", "", "2025-03-01", 1, 0, 1},
	})
}
