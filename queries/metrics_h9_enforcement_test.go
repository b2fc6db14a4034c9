package queries_test

import (
	"testing"
	"time"

	"safetydw/warehouse/warehousetest"
)

// Inspections and cases for T12, T13, T61, T80, T83 and T109, as of 2025-06-30.
//
// Inspections (kind, modes, 宣讲, 互联网+执法, persons spot-tested):
//
//	J1 D15 鼓楼 2025-03-01 执法 双随机      宣讲 系统 3 tested
//	J2 D15 鼓楼 2025-03-10 执法 日常        —    系统 0
//	J3 D15 龙桥 2025-04-01 督导 双随机      宣讲 —    2
//	J4 D07 龙桥 2025-05-01 执法 双随机,专项 宣讲 —    1
//	J5 D07 鼓楼 2024-11-01 执法 —           —    —    4
//	J6 D07 鼓楼 2025-05-05 执法 双随机      宣讲 系统 5, deleted: counts nowhere
//
// Cases (filed, decided, decision, violation types, fines entity/individual, 一案双罚):
//
//	K1 D15 鼓楼 02-01 03-01 行政处罚 无证作业                20000/5000 双罚
//	K2 D15 鼓楼 02-10 03-15 行政处罚 未佩戴防护用品,隐患未整改 10000/0
//	K3 D07 龙桥 03-01 04-01 行政处罚 违规动火                30000/8000 双罚
//	K4 D07 龙桥 04-01 04-20 行政处罚 隐患未整改              0/0 (warning only)
//	K5 D15 鼓楼 05-01 05-20 不予处罚(首违/轻微) 无证作业     0/0
//	K6 D15 鼓楼 06-01 —     在办 假培训
//	K7 D07 龙桥 2024-12-20 2025-01-10 行政处罚 持假证        5000/2000 双罚
//	K8 D15 鼓楼 03-05 03-20 撤案 无证作业
//	K9 D19 鼓楼 01-15 02-01 行政处罚 未培训                  10000/3000 双罚
func TestH9EnforcementMetrics(t *testing.T) {
	t.Parallel()
	db := warehousetest.New(t)
	const gl, lq = "370812001", "370812003"
	d := func(s string) *time.Time { x := day(s); return &x }
	none := (*time.Time)(nil)
	v := uint64(1)
	insert(t, db, "fact_inspection", "inspection_id, dept_code, town_code, industry_code, inspection_date, is_enforcement, modes, "+
		"preached_standard, in_internet_plus, spot_tested, _version, _deleted",
		[]any{"J1", "D15", gl, "IT.DUST", day("2025-03-01"), uint8(1), []string{"双随机"}, uint8(1), uint8(1), uint16(3), v, uint8(0)},
		[]any{"J2", "D15", gl, "IT.DUST", day("2025-03-10"), uint8(1), []string{"日常"}, uint8(0), uint8(1), uint16(0), v, uint8(0)},
		[]any{"J3", "D15", lq, "IT.DUST", day("2025-04-01"), uint8(0), []string{"双随机"}, uint8(1), uint8(0), uint16(2), v, uint8(0)},
		[]any{"J4", "D07", lq, "CONS", day("2025-05-01"), uint8(1), []string{"双随机", "专项"}, uint8(1), uint8(0), uint16(1), v, uint8(0)},
		[]any{"J5", "D07", gl, "CONS", day("2024-11-01"), uint8(1), []string{}, uint8(0), uint8(0), uint16(4), v, uint8(0)},
		[]any{"J6", "D07", gl, "CONS", day("2025-05-05"), uint8(1), []string{"双随机"}, uint8(1), uint8(1), uint16(5), v, uint8(1)})
	insert(t, db, "fact_enforcement_case", "case_id, dept_code, town_code, industry_code, filed_date, decision_date, decision_kind, "+
		"violation_types, fine_entity, fine_individual, is_double_penalty, _version",
		[]any{"K1", "D15", gl, "IT.DUST", day("2025-02-01"), d("2025-03-01"), "行政处罚", []string{"无证作业"}, 20000.0, 5000.0, uint8(1), v},
		[]any{"K2", "D15", gl, "IT.DUST", day("2025-02-10"), d("2025-03-15"), "行政处罚", []string{"未佩戴防护用品", "隐患未整改"}, 10000.0, 0.0, uint8(0), v},
		[]any{"K3", "D07", lq, "CONS", day("2025-03-01"), d("2025-04-01"), "行政处罚", []string{"违规动火"}, 30000.0, 8000.0, uint8(1), v},
		[]any{"K4", "D07", lq, "CONS", day("2025-04-01"), d("2025-04-20"), "行政处罚", []string{"隐患未整改"}, 0.0, 0.0, uint8(0), v},
		[]any{"K5", "D15", gl, "IT.DUST", day("2025-05-01"), d("2025-05-20"), "不予处罚(首违/轻微)", []string{"无证作业"}, 0.0, 0.0, uint8(0), v},
		[]any{"K6", "D15", gl, "IT.DUST", day("2025-06-01"), none, "", []string{"假培训"}, 0.0, 0.0, uint8(0), v},
		[]any{"K7", "D07", lq, "CONS", day("2024-12-20"), d("2025-01-10"), "行政处罚", []string{"持假证"}, 5000.0, 2000.0, uint8(1), v},
		[]any{"K8", "D15", gl, "IT.DUST", day("2025-03-05"), d("2025-03-20"), "撤案", []string{"无证作业"}, 0.0, 0.0, uint8(0), v},
		[]any{"K9", "D19", gl, "IT.DUST", day("2025-01-15"), d("2025-02-01"), "行政处罚", []string{"未培训"}, 10000.0, 3000.0, uint8(1), v})
	set := refreshed(t, db, "2025-06-30")
	check(t, set, []want{
		// T12 宣讲 among all inspections: 2025 J1 J3 J4 of J1–J4 = 3/4 (J6 deleted); D15 J1 J3 of three;
		// D07 J4 1/1; 2024 J5 0/1; March J1 of J1 J2.
		{"inspections_preached_share", "year", "district", "", "2025-01-01", 3, 4, 75},
		{"inspections_preached_share", "year", "dept", "D15", "2025-01-01", 2, 3, 200.0 / 3},
		{"inspections_preached_share", "year", "dept", "D07", "2025-01-01", 1, 1, 100},
		{"inspections_preached_share", "year", "district", "", "2024-01-01", 0, 1, 0},
		{"inspections_preached_share", "month", "district", "", "2025-03-01", 1, 2, 50},
		// T83 双随机 among 执法 inspections: 2025 J1 J4 of J1 J2 J4 (J3 is 督导); D15 J1 of J1 J2; 2024 0/1.
		{"random_check_share", "year", "district", "", "2025-01-01", 2, 3, 200.0 / 3},
		{"random_check_share", "year", "dept", "D15", "2025-01-01", 1, 2, 50},
		{"random_check_share", "year", "district", "", "2024-01-01", 0, 1, 0},
		// T83 in the 互联网+执法 system among all inspections: 2025 J1 J2 of four; 龙桥 J3 J4 0/2.
		{"internet_plus_share", "year", "district", "", "2025-01-01", 2, 4, 50},
		{"internet_plus_share", "year", "town", lq, "2025-01-01", 0, 2, 0},
		// T13 persons spot-tested: 2025 3 + 0 + 2 + 1 = 6; 2024 4; 龙桥 2025 2 + 1 = 3; CONS 2025 1.
		{"spot_tested_persons", "year", "district", "", "2025-01-01", 6, 0, 6},
		{"spot_tested_persons", "year", "district", "", "2024-01-01", 4, 0, 4},
		{"spot_tested_persons", "year", "town", lq, "2025-01-01", 3, 0, 3},
		{"spot_tested_persons", "year", "industry", "CONS", "2025-01-01", 1, 0, 1},
		// T80 一案双罚 among 行政处罚 decisions fining the unit, by decision date: 2025 K1 K3 K7 K9 of
		// K1 K2 K3 K7 K9 (K4 fined nobody) = 4/5; D15 K1 of K1 K2; D07 K3 K7 2/2; March K1 of K1 K2.
		{"double_penalty_share", "year", "district", "", "2025-01-01", 4, 5, 80},
		{"double_penalty_share", "year", "dept", "D15", "2025-01-01", 1, 2, 50},
		{"double_penalty_share", "year", "dept", "D07", "2025-01-01", 2, 2, 100},
		{"double_penalty_share", "month", "district", "", "2025-03-01", 1, 2, 50},
		// T109 decided cases with 无证作业 / 未佩戴防护 (撤案 K8 and undecided K6 left out): K1 双罚, K2, K5
		// (不予处罚 still counts: the rule is 一律) → 1/3; March K1 of K1 K2; May K5 0/1.
		{"double_penalty_required_share", "year", "district", "", "2025-01-01", 1, 3, 100.0 / 3},
		{"double_penalty_required_share", "month", "district", "", "2025-03-01", 1, 2, 50},
		{"double_penalty_required_share", "month", "district", "", "2025-05-01", 0, 1, 0},
		// T61 cases filed with 未培训/假培训/无证作业/持假证, 撤案 left out: 2025 K1 K5 K6 K9 (K8 撤案);
		// 2024 K7 (filed 12-20); D15 2025 K1 K5 K6; D19 K9.
		{"training_violation_cases", "year", "district", "", "2025-01-01", 4, 0, 4},
		{"training_violation_cases", "year", "district", "", "2024-01-01", 1, 0, 1},
		{"training_violation_cases", "year", "dept", "D15", "2025-01-01", 3, 0, 3},
		{"training_violation_cases", "year", "dept", "D19", "2025-01-01", 1, 0, 1},
	})
}

// Inspections for T23 and T56, as of 2025-06-30; the district has 10 towns (towns.csv).
//
// 许可条件回头看 (T23), units P1 and P2 hazchem producers, P3 not:
//
//	Q1 P1 2024-03-01 回头看; Q2 P1 2024-05-01 回头看 again; Q3 P2 2024-12-31 回头看;
//	Q4 P3 2024-04-01 回头看 (no producer); Q5 P2 2024-02-01 no campaign
//
// 委托执法 (T56): W1 鼓楼 2025-03-05 and W2 鼓楼 2025-03-20 mode 委托执法 by the town; W3 龙桥 2025-03-10
// by the town (level 镇街) without the mode; W4 龙桥 2025-04-10 by the district; W5 新兖 2025-05-01
// 委托执法 deleted; W6 鼓楼 2024-12-15 委托执法.
func TestH9InspectionCoverageMetrics(t *testing.T) {
	t.Parallel()
	db := warehousetest.New(t)
	const gl, lq, xy = "370812001", "370812003", "370812105"
	v := uint64(1)
	insert(t, db, "dim_enterprise", "enterprise_id, name, town_code, territorial_unit, industry_code, is_hc_producer, _version",
		[]any{"P1", "一号", gl, gl, "HC.PROD", uint8(1), v},
		[]any{"P2", "二号", lq, lq, "HC.PROD", uint8(1), v},
		[]any{"P3", "三号", lq, lq, "HC.OPER", uint8(0), v})
	in := func(id, ent, town, date, level, campaign string, modes []string, deleted uint8) []any {
		return []any{id, "D15", ent, town, day(date), level, campaign, modes, uint8(1), v, deleted}
	}
	insert(t, db, "fact_inspection", "inspection_id, dept_code, enterprise_id, town_code, inspection_date, org_level, campaign, modes, is_enforcement, _version, _deleted",
		in("Q1", "P1", gl, "2024-03-01", "区", "许可条件回头看", []string{"专项"}, 0),
		in("Q2", "P1", gl, "2024-05-01", "区", "许可条件回头看", []string{"专项"}, 0),
		in("Q3", "P2", lq, "2024-12-31", "区", "许可条件回头看", []string{"专项"}, 0),
		in("Q4", "P3", lq, "2024-04-01", "区", "许可条件回头看", []string{"专项"}, 0),
		in("Q5", "P2", lq, "2024-02-01", "区", "", []string{"日常"}, 0),
		in("W1", "", gl, "2025-03-05", "镇街", "", []string{"委托执法"}, 0),
		in("W2", "", gl, "2025-03-20", "镇街", "", []string{"委托执法"}, 0),
		in("W3", "", lq, "2025-03-10", "镇街", "", []string{}, 0),
		in("W4", "", lq, "2025-04-10", "区", "", []string{"日常"}, 0),
		in("W5", "", xy, "2025-05-01", "镇街", "", []string{"委托执法"}, 1),
		in("W6", "", gl, "2024-12-15", "镇街", "", []string{"委托执法"}, 0))
	set := refreshed(t, db, "2025-06-30")
	check(t, set, []want{
		// T23 producers reviewed by the period end: 2024-02 none (Q5 no campaign); 2024-03 P1; 2024-11 P1
		// (Q2 the same unit); 2024 end P1 P2 (Q3 on 12-31 itself; P3 no producer).
		{"hc_licence_review_producers", "month", "district", "", "2024-02-01", 0, 0, 0},
		{"hc_licence_review_producers", "month", "district", "", "2024-03-01", 1, 0, 1},
		{"hc_licence_review_producers", "month", "district", "", "2024-11-01", 1, 0, 1},
		{"hc_licence_review_producers", "year", "district", "", "2024-01-01", 2, 0, 2},
		{"hc_licence_review_producers", "year", "town", lq, "2024-01-01", 1, 0, 1},
		// T56 towns with 委托执法 of 10: 2025-03 鼓楼 (twice) 龙桥 → 2/10; 2025-04 none (W4 by the district);
		// 2025-05 none (W5 deleted); 2024-12 鼓楼; 2023-01 none; 2025 鼓楼 龙桥; 鼓楼 in March 1/1; 龙桥 April 0/1.
		{"delegated_enforcement_town_share", "month", "district", "", "2025-03-01", 2, 10, 20},
		{"delegated_enforcement_town_share", "month", "district", "", "2025-04-01", 0, 10, 0},
		{"delegated_enforcement_town_share", "month", "district", "", "2025-05-01", 0, 10, 0},
		{"delegated_enforcement_town_share", "month", "district", "", "2024-12-01", 1, 10, 10},
		{"delegated_enforcement_town_share", "month", "district", "", "2023-01-01", 0, 10, 0},
		{"delegated_enforcement_town_share", "year", "district", "", "2025-01-01", 2, 10, 20},
		{"delegated_enforcement_town_share", "month", "town", gl, "2025-03-01", 1, 1, 100},
		{"delegated_enforcement_town_share", "month", "town", lq, "2025-04-01", 0, 1, 0},
	})
}
