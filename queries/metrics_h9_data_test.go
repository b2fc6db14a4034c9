package queries_test

import (
	"testing"
	"time"

	"safetydw/warehouse/warehousetest"
)

// Reports for T20, T94 and T97, as of 2025-06-30 (received → accepted, verified with result,
// links, feedback; "major" = claims a 重大 hazard). Hazards on the platform: YH1; YH9 deleted.
// Cases: AJ1.
//
//	R1 鼓楼 D15 major 2025-01-05, verified 01-10 属实, hazard YH1, feedback 01-12
//	R2 鼓楼 D15 major 2025-01-08, verified 01-20 部分属实, no link, feedback 01-25
//	R3 龙桥 D07 major 2025-02-01, verified 02-10 属实, hazard YH404 (not on the platform), case AJ1, no feedback
//	R4 龙桥 D07       2025-02-03, verified 02-05 不属实, feedback 02-06
//	R5 鼓楼 D15 major 2025-06-20, verified 07-02 属实 (after the as-of day), hazard YH1, feedback 07-03
//	R6 鼓楼 D15 major 2025-03-01, verified 03-05 属实, hazard YH9 (deleted), feedback 03-06
//	R7 鼓楼 D15 major 2025-01-02, verified 01-15 属实, hazard YH1 — the report deleted: counts nowhere
//	R8 鼓楼 D15       2025-04-01, 未核实 (no verification), feedback 04-03
//	R9 鼓楼 D15 major 2024-12-28, verified 2025-01-03 属实, hazard YH1, feedback 2025-01-04
//
// dayp is a nullable date column's value; noDate its NULL (typed, as the driver wants it).
func dayp(s string) *time.Time { x := day(s); return &x }

var noDate *time.Time

func TestH9ReportMetrics(t *testing.T) {
	t.Parallel()
	db := warehousetest.New(t)
	const gl, lq = "370812001", "370812003"
	at := func(s string) *time.Time { x := day(s).Add(2 * time.Hour); return &x } // 10:00 in China
	v := uint64(1)
	insert(t, db, "fact_hazard", "hazard_id, src_id, level, found_date, status, _version, _deleted",
		[]any{"hz:YH1", "YH1", "重大", day("2025-01-09"), "整改中", v, uint8(0)},
		[]any{"hz:YH9", "YH9", "重大", day("2025-03-04"), "整改中", v, uint8(1)})
	insert(t, db, "fact_enforcement_case", "case_id, src_id, filed_date, _version", []any{"ec:AJ1", "AJ1", day("2025-02-12"), v})
	rep := func(id, town, dept string, major uint8, received string, verified *time.Time, result, hazard, cas string, feedback *time.Time, deleted uint8) []any {
		return []any{id, id, *at(received), town, dept, major, at(received), verified, result, hazard, cas, feedback, v, deleted}
	}
	insert(t, db, "fact_report", "report_id, src_id, received_at, town_code, assigned_dept_code, claims_major_hazard, accepted_at, "+
		"verified_at, verify_result, linked_hazard_src_id, linked_case_src_id, feedback_at, _version, _deleted",
		rep("R1", gl, "D15", 1, "2025-01-05", at("2025-01-10"), "属实", "YH1", "", at("2025-01-12"), 0),
		rep("R2", gl, "D15", 1, "2025-01-08", at("2025-01-20"), "部分属实", "", "", at("2025-01-25"), 0),
		rep("R3", lq, "D07", 1, "2025-02-01", at("2025-02-10"), "属实", "YH404", "AJ1", nil, 0),
		rep("R4", lq, "D07", 0, "2025-02-03", at("2025-02-05"), "不属实", "", "", at("2025-02-06"), 0),
		rep("R5", gl, "D15", 1, "2025-06-20", at("2025-07-02"), "属实", "YH1", "", at("2025-07-03"), 0),
		rep("R6", gl, "D15", 1, "2025-03-01", at("2025-03-05"), "属实", "YH9", "", at("2025-03-06"), 0),
		rep("R7", gl, "D15", 1, "2025-01-02", at("2025-01-15"), "属实", "YH1", "", at("2025-01-16"), 1),
		rep("R8", gl, "D15", 0, "2025-04-01", nil, "未核实", "", "", at("2025-04-03"), 0),
		rep("R9", gl, "D15", 1, "2024-12-28", at("2025-01-03"), "属实", "YH1", "", at("2025-01-04"), 0))
	set := refreshed(t, db, "2025-06-30")
	check(t, set, []want{
		// T20 by verification day, major and 属实/部分属实 only: 2025 R1 R2 R3 R6 R9 (R5 verified after
		// the as-of day), linked to a platform record R1 R9 → 2/5; January R1 R2 R9 → 2/3; 龙桥 R3 0/1;
		// D15 R1 R2 R6 R9 → 2/4.
		{"major_hazard_reports_linked_share", "year", "district", "", "2025-01-01", 2, 5, 40},
		{"major_hazard_reports_linked_share", "month", "district", "", "2025-01-01", 2, 3, 200.0 / 3},
		{"major_hazard_reports_linked_share", "year", "town", lq, "2025-01-01", 0, 1, 0},
		{"major_hazard_reports_linked_share", "year", "dept", "D15", "2025-01-01", 2, 4, 50},
		// T97 by verification day, 属实/部分属实: 2025 R1 R2 R3 R6 R9, handled (a case or a hazard on the
		// platform) R1 R3 (its case; its hazard number is dangling) R9 → 3/5; February R3 1/1.
		{"verified_reports_handled_share", "year", "district", "", "2025-01-01", 3, 5, 60},
		{"verified_reports_handled_share", "month", "district", "", "2025-02-01", 1, 1, 100},
		{"verified_reports_handled_share", "month", "district", "", "2025-03-01", 0, 1, 0},
		// T94 by receipt day, accepted + verified with a result + answered by the as-of day: 2025 R1 R2
		// R3 R4 R5 R6 R8, closed R1 R2 R4 R6 → 4/7 (R3 unanswered, R5 verified after, R8 未核实);
		// 2024 R9 1/1; June R5 0/1; 龙桥 2025 R3 R4 → 1/2.
		{"reports_closed_loop_share", "year", "district", "", "2025-01-01", 4, 7, 400.0 / 7},
		{"reports_closed_loop_share", "year", "district", "", "2024-01-01", 1, 1, 100},
		{"reports_closed_loop_share", "month", "district", "", "2025-06-01", 0, 1, 0},
		{"reports_closed_loop_share", "year", "town", lq, "2025-01-01", 1, 2, 50},
	})
}

// Properties for T95 as of 2025-06-30 (registered → deregistered, last patrol), patrolled
// "recently" when the period end is at most 30 days after the last patrol (parameter
// property_patrol_max_days):
//
//	P1 鼓楼 2024-01-10, last patrol 2025-06-15
//	P2 鼓楼 2024-03-01, last patrol 2025-05-20
//	P3 龙桥 2024-02-01 → deregistered 2025-03-01, last patrol 2025-02-10
//	P4 龙桥 2025-06-01, never patrolled
//	P5 龙桥 2024-05-01, last patrol 2025-05-31
//	P6 鼓楼 2024-01-01, last patrol 2025-06-29 — deleted: counts nowhere
func TestH9PropertyPatrolMetric(t *testing.T) {
	t.Parallel()
	db := warehousetest.New(t)
	const gl, lq = "370812001", "370812003"
	v := uint64(1)
	insert(t, db, "dim_property", "property_id, ptype, town_code, registered_date, deregistered_date, last_patrol_date, _version, _deleted",
		[]any{"P1", "出租屋", gl, day("2024-01-10"), noDate, dayp("2025-06-15"), v, uint8(0)},
		[]any{"P2", "闲置院落", gl, day("2024-03-01"), noDate, dayp("2025-05-20"), v, uint8(0)},
		[]any{"P3", "废弃厂房", lq, day("2024-02-01"), dayp("2025-03-01"), dayp("2025-02-10"), v, uint8(0)},
		[]any{"P4", "出租屋", lq, day("2025-06-01"), noDate, noDate, v, uint8(0)},
		[]any{"P5", "出租屋", lq, day("2024-05-01"), noDate, dayp("2025-05-31"), v, uint8(0)},
		[]any{"P6", "出租屋", gl, day("2024-01-01"), noDate, dayp("2025-06-29"), v, uint8(1)})
	set := refreshed(t, db, "2025-06-30")
	check(t, set, []want{
		// 2025-06-30: registered P1 P2 P4 P5 (P3 deregistered); days since patrol P1 15, P2 41, P4 never,
		// P5 30 (the bound itself) → P1 P5 = 2/4; the year so far ends on the same day.
		{"property_patrol_current_share", "month", "district", "", "2025-06-01", 2, 4, 50},
		{"property_patrol_current_share", "year", "district", "", "2025-01-01", 2, 4, 50},
		// 2025-05-31: P1 P2 P5 (P4 not yet); P1's last patrol is later (unknown then), P2 11 days, P5 0 → 2/3.
		{"property_patrol_current_share", "month", "district", "", "2025-05-01", 2, 3, 200.0 / 3},
		// 2025-02-28: P1 P2 P3 P5; only P3 (18 days) has a patrol on or before the day → 1/4.
		{"property_patrol_current_share", "month", "district", "", "2025-02-01", 1, 4, 25},
		// 2024-12-31: the same four, every last patrol later → 0/4.
		{"property_patrol_current_share", "year", "district", "", "2024-01-01", 0, 4, 0},
		// 龙桥 2025-06-30: P4 P5 → 1/2.
		{"property_patrol_current_share", "month", "town", lq, "2025-06-01", 1, 2, 50},
	})
}

// 工伤预防能力提升 training for T66–T68 as of 2025-06-30; the quota is 7 persons per unit in
// business at the period end (parameter injury_training_quota_per_unit). Units:
//
//	C1 鼓楼 HC.PROD since 2020; C2 龙桥 HC.USE since 2024-07-01 (危化品)
//	F1 鼓楼 CONS.HB since 2020; F2 龙桥 IT.BM 2020 → closed 2025-03-01; F3 鼓楼 MINE since 2020 (五类)
//	N1 鼓楼 IT.DUST: outside both scopes
//
// Persons trained (first passed training since 2024 counts once per unit):
//
//	C1 a 2024-03-10 (again 08-01), b 05-01, c 11-15; d failed 04-01; e 2023-12-20 (before the plan);
//	   n 06-01 deleted; o 06-01 in another program
//	C2 f 2024-08-20, g 10-31 · F1 h 2024-06-01, i 12-31, j 2025-02-01 · F2 k 2024-09-01
//	F3 l 2025-07-15 (after the as-of day) · N1 m 2024-05-01
func TestH9InjuryTrainingMetrics(t *testing.T) {
	t.Parallel()
	db := warehousetest.New(t)
	const gl, lq = "370812001", "370812003"
	v := uint64(1)
	insert(t, db, "dim_enterprise", "enterprise_id, name, town_code, territorial_unit, industry_code, supervise_dept_code, opened_date, closed_date, _version",
		[]any{"C1", "危一", gl, gl, "HC.PROD", "D15", dayp("2020-01-01"), noDate, v},
		[]any{"C2", "危二", lq, lq, "HC.USE", "D15", dayp("2024-07-01"), noDate, v},
		[]any{"F1", "建一", gl, gl, "CONS.HB", "D07", dayp("2020-01-01"), noDate, v},
		[]any{"F2", "材一", lq, lq, "IT.BM", "D03", dayp("2020-01-01"), dayp("2025-03-01"), v},
		[]any{"F3", "矿一", gl, gl, "MINE", "D01", dayp("2020-01-01"), noDate, v},
		[]any{"N1", "粉一", gl, gl, "IT.DUST", "D15", dayp("2020-01-01"), noDate, v})
	rec := func(id, ent, person, program, date, result string, deleted uint8) []any {
		return []any{id, ent, person, program, "从业人员", day(date), result, v, deleted}
	}
	const inj = "工伤预防能力提升"
	insert(t, db, "fact_training", "record_id, enterprise_id, person_key, program, person_role, training_date, exam_result, _version, _deleted",
		rec("r1", "C1", "a", inj, "2024-03-10", "无考试", 0),
		rec("r2", "C1", "a", inj, "2024-08-01", "通过", 0),
		rec("r3", "C1", "b", inj, "2024-05-01", "通过", 0),
		rec("r4", "C1", "c", inj, "2024-11-15", "通过", 0),
		rec("r5", "C1", "d", inj, "2024-04-01", "未通过", 0),
		rec("r6", "C1", "e", inj, "2023-12-20", "通过", 0),
		rec("r7", "C1", "n", inj, "2024-06-01", "通过", 1),
		rec("r8", "C1", "o", "明白人", "2024-06-01", "通过", 0),
		rec("r9", "C2", "f", inj, "2024-08-20", "通过", 0),
		rec("r10", "C2", "g", inj, "2024-10-31", "通过", 0),
		rec("r11", "F1", "h", inj, "2024-06-01", "通过", 0),
		rec("r12", "F1", "i", inj, "2024-12-31", "通过", 0),
		rec("r13", "F1", "j", inj, "2025-02-01", "通过", 0),
		rec("r14", "F2", "k", inj, "2024-09-01", "通过", 0),
		rec("r15", "F3", "l", inj, "2025-07-15", "通过", 0),
		rec("r16", "N1", "m", inj, "2024-05-01", "通过", 0))
	set := refreshed(t, db, "2025-06-30")
	check(t, set, []want{
		// T66 危化品: 2024-10-31 C1 a b + C2 f g (g on the day) = 4 of 2 units × 7 = 14; 2024-06-30 only C1
		// (C2 opens in July): a b = 2 of 7; 2024 end a b c f g = 5 of 14; 龙桥 2024-10 f g = 2 of 7.
		{"injury_training_hazchem_share", "month", "district", "", "2024-10-01", 4, 14, 400.0 / 14},
		{"injury_training_hazchem_share", "month", "district", "", "2024-06-01", 2, 7, 200.0 / 7},
		{"injury_training_hazchem_share", "year", "district", "", "2024-01-01", 5, 14, 500.0 / 14},
		{"injury_training_hazchem_share", "month", "town", lq, "2024-10-01", 2, 7, 200.0 / 7},
		// T67 五类: 2024 end F1 h i + F2 k = 3 of 3 units × 7 = 21; 2025-06-30 F2 closed: F1 h i j = 3 of
		// F1 F3 × 7 = 14 (F3's l is after the as-of day); industry CONS.HB 2024 h i = 2 of 7.
		{"injury_training_five_share", "year", "district", "", "2024-01-01", 3, 21, 300.0 / 21},
		{"injury_training_five_share", "month", "district", "", "2025-06-01", 3, 14, 300.0 / 14},
		{"injury_training_five_share", "year", "industry", "CONS.HB", "2024-01-01", 2, 7, 200.0 / 7},
		// T68 both scopes, N1 outside: 2024 end 5 + 3 = 8 of 5 units × 7 = 35; 2025-06-30 C1 a b c,
		// C2 f g, F1 h i j = 8 of C1 C2 F1 F3 × 7 = 28.
		{"injury_training_quota_share", "year", "district", "", "2024-01-01", 8, 35, 800.0 / 35},
		{"injury_training_quota_share", "month", "district", "", "2025-06-01", 8, 28, 800.0 / 28},
	})
}

// Hazards and cases for T15 as of 2025-06-30. A unit "missed" a hazard when someone else found
// it and the unit's own 自查 reported nothing in the 365 days up to that day.
//
//	E1 鼓楼 IT.DUST 自查 2024-03-01; 执法 2025-01-10 (自查 in the window); 执法 2025-04-01 (window from
//	   2024-04-02: missed)
//	E2 龙桥 CONS    举报 2025-02-01 and 督导 2025-02-20, never 自查: missed, once
//	E3 鼓楼 IT.DUST 执法 2025-03-05, 自查 only later (03-10): missed
//	E4 鼓楼 执法 2025-05-01 撤销 (withdrawn): nowhere · E5 鼓楼 自查 and 执法 both 2025-05-01: not missed
//	no unit: 执法 2025-01-15, nowhere · E6 鼓楼 执法 2024-06-01, never 自查: missed in 2024
//
// Cases: K1 隐患未整改 2025-02-01 D15 鼓楼; K2 未培训+隐患未整改 2025-03-01 D07 龙桥; K3 隐患未整改
// 2025-03-05 撤案; K4 未培训 2025-04-01; K5 隐患未整改 2024-11-01 deleted.
func TestH9MissedHazardMetrics(t *testing.T) {
	t.Parallel()
	db := warehousetest.New(t)
	const gl, lq = "370812001", "370812003"
	v := uint64(1)
	hz := func(id, ent, town, industry, channel, found, status string) []any {
		return []any{id, id, ent, town, town, industry, channel, "一般", day(found), status, v}
	}
	insert(t, db, "fact_hazard", "hazard_id, dedup_group_id, enterprise_id, town_code, territorial_unit, industry_code, channel, level, found_date, status, _version",
		hz("h1", "E1", gl, "IT.DUST", "企业自查", "2024-03-01", "已销号"),
		hz("h2", "E1", gl, "IT.DUST", "执法检查", "2025-01-10", "整改中"),
		hz("h3", "E1", gl, "IT.DUST", "执法检查", "2025-04-01", "整改中"),
		hz("h4", "E2", lq, "CONS", "群众举报", "2025-02-01", "整改中"),
		hz("h5", "E2", lq, "CONS", "督导检查", "2025-02-20", "整改中"),
		hz("h6", "E3", gl, "IT.DUST", "执法检查", "2025-03-05", "整改中"),
		hz("h7", "E3", gl, "IT.DUST", "企业自查", "2025-03-10", "整改中"),
		hz("h8", "E4", gl, "IT.DUST", "执法检查", "2025-05-01", "撤销"),
		hz("h9", "E5", gl, "IT.DUST", "企业自查", "2025-05-01", "整改中"),
		hz("h10", "E5", gl, "IT.DUST", "执法检查", "2025-05-01", "整改中"),
		hz("h11", "", gl, "IT.DUST", "执法检查", "2025-01-15", "整改中"),
		hz("h12", "E6", gl, "IT.DUST", "执法检查", "2024-06-01", "整改中"))
	kase := func(id, dept, town, kind, filed string, deleted uint8, types ...string) []any {
		return []any{id, dept, town, "IT.DUST", kind, day(filed), types, v, deleted}
	}
	insert(t, db, "fact_enforcement_case", "case_id, dept_code, town_code, industry_code, decision_kind, filed_date, violation_types, _version, _deleted",
		kase("K1", "D15", gl, "行政处罚", "2025-02-01", 0, "隐患未整改"),
		kase("K2", "D07", lq, "行政处罚", "2025-03-01", 0, "未培训", "隐患未整改"),
		kase("K3", "D15", gl, "撤案", "2025-03-05", 0, "隐患未整改"),
		kase("K4", "D15", gl, "行政处罚", "2025-04-01", 0, "未培训"),
		kase("K5", "D15", gl, "行政处罚", "2024-11-01", 1, "隐患未整改"))
	set := refreshed(t, db, "2025-06-30")
	check(t, set, []want{
		// Units that missed: 2025 E1 (April) E2 E3 = 3; February E2 once; January nil (E1 had its
		// 自查); April E1; 2024 E6; 龙桥 2025 E2; IT.DUST 2025 E1 E3.
		{"units_hazards_missed_by_self_check", "year", "district", "", "2025-01-01", 3, 0, 3},
		{"units_hazards_missed_by_self_check", "month", "district", "", "2025-02-01", 1, 0, 1},
		{"units_hazards_missed_by_self_check", "month", "district", "", "2025-01-01", 0, 0, 0},
		{"units_hazards_missed_by_self_check", "month", "district", "", "2025-04-01", 1, 0, 1},
		{"units_hazards_missed_by_self_check", "year", "district", "", "2024-01-01", 1, 0, 1},
		{"units_hazards_missed_by_self_check", "year", "town", lq, "2025-01-01", 1, 0, 1},
		{"units_hazards_missed_by_self_check", "year", "industry", "IT.DUST", "2025-01-01", 2, 0, 2},
		// 隐患未整改 cases: 2025 K1 K2 (K3 撤案, K4 another violation); March K2; D07 2025 K2; 2024 nil (K5 deleted).
		{"unrectified_hazard_cases", "year", "district", "", "2025-01-01", 2, 0, 2},
		{"unrectified_hazard_cases", "month", "district", "", "2025-03-01", 1, 0, 1},
		{"unrectified_hazard_cases", "year", "dept", "D07", "2025-01-01", 1, 0, 1},
		{"unrectified_hazard_cases", "year", "district", "", "2024-01-01", 0, 0, 0},
	})
}

// The 有限空间 ledger (T106) and special operations certificates (T63), as of 2025-06-30.
//
// 有限空间作业 units: S1 鼓楼 since 2020, points Y1 2024-03-01 and Y2 2024-05-01; S2 龙桥 since 2020,
// point Y3 2024-09-15 (Y7 2024-02-01 deleted); S3 鼓楼 opened 2024-08-01, point Y4 2025-02-01; S4 鼓楼
// 2020 → closed 2025-01-01, point Y5 2024-04-01. S5 鼓楼 IT.DUST with point Y6: outside the scope.
//
// Certificates (pass, number, expiry): p1 鼓楼 2024-02-01 → 2030-02-01; p2 鼓楼 2019-05-01 →
// 2025-05-01, renewed 2025-06-10 → 2031-06-10; p3 龙桥 2024-07-01 failed; p5 龙桥 2025-07-10 (after
// the as-of day); p6 鼓楼 2024-01-01 deleted; p1 also 明白人 (another program).
func TestH9LedgerCoverageAndCertificateMetrics(t *testing.T) {
	t.Parallel()
	db := warehousetest.New(t)
	const gl, lq = "370812001", "370812003"
	v := uint64(1)
	insert(t, db, "dim_enterprise", "enterprise_id, name, town_code, territorial_unit, industry_code, supervise_dept_code, opened_date, closed_date, _version",
		[]any{"S1", "限一", gl, gl, "IT.CS", "D15", dayp("2020-01-01"), noDate, v},
		[]any{"S2", "限二", lq, lq, "IT.CS", "D15", dayp("2020-01-01"), noDate, v},
		[]any{"S3", "限三", gl, gl, "IT.CS", "D15", dayp("2024-08-01"), noDate, v},
		[]any{"S4", "限四", gl, gl, "IT.CS", "D15", dayp("2020-01-01"), dayp("2025-01-01"), v},
		[]any{"S5", "粉五", gl, gl, "IT.DUST", "D15", dayp("2020-01-01"), noDate, v})
	point := func(id, ent, town, found string, deleted uint8) []any {
		return []any{"有限空间作业点", id, ent, town, "D15", day(found), "在册", v, deleted}
	}
	insert(t, db, "fact_ledger_item", "ledger_type, item_id, enterprise_id, town_code, dept_code, identified_date, status, _version, _deleted",
		point("Y1", "S1", gl, "2024-03-01", 0), point("Y2", "S1", gl, "2024-05-01", 0), point("Y3", "S2", lq, "2024-09-15", 0),
		point("Y4", "S3", gl, "2025-02-01", 0), point("Y5", "S4", gl, "2024-04-01", 0), point("Y6", "S5", gl, "2024-03-01", 0),
		point("Y7", "S2", lq, "2024-02-01", 1))
	cert := func(id, person, town, program, date, result, no string, expiry *time.Time, deleted uint8) []any {
		return []any{id, person, town, "IT.DUST", program, "特种作业人员", day(date), result, no, expiry, v, deleted}
	}
	insert(t, db, "fact_training", "record_id, person_key, town_code, industry_code, program, person_role, training_date, exam_result, cert_no, cert_expiry, _version, _deleted",
		cert("c1", "p1", gl, "特种作业取证", "2024-02-01", "通过", "T1", dayp("2030-02-01"), 0),
		cert("c2", "p2", gl, "特种作业取证", "2019-05-01", "通过", "T2", dayp("2025-05-01"), 0),
		cert("c3", "p2", gl, "特种作业复审", "2025-06-10", "通过", "T2", dayp("2031-06-10"), 0),
		cert("c4", "p3", lq, "特种作业取证", "2024-07-01", "未通过", "", nil, 0),
		cert("c5", "p5", lq, "特种作业取证", "2025-07-10", "通过", "T5", dayp("2031-07-10"), 0),
		cert("c6", "p6", gl, "特种作业取证", "2024-01-01", "通过", "T6", dayp("2030-01-01"), 1),
		cert("c7", "p1", gl, "明白人", "2024-03-01", "通过", "", nil, 0))
	set := refreshed(t, db, "2025-06-30")
	check(t, set, []want{
		// T106 units in business with a point by the period end: 2024-03-31 S1 of S1 S2 S4 (S3 not open);
		// 2024-06-30 S1 S4 of three (S2's only point then is deleted); 2024 end S1 S2 S4 of four;
		// 2025-06-30 S1 S2 S3 of three (S4 closed); 龙桥 2024-06 S2 0/1.
		{"confined_space_ledger_coverage", "month", "district", "", "2024-03-01", 1, 3, 100.0 / 3},
		{"confined_space_ledger_coverage", "month", "district", "", "2024-06-01", 2, 3, 200.0 / 3},
		{"confined_space_ledger_coverage", "year", "district", "", "2024-01-01", 3, 4, 75},
		{"confined_space_ledger_coverage", "month", "district", "", "2025-06-01", 3, 3, 100},
		{"confined_space_ledger_coverage", "month", "town", lq, "2024-06-01", 0, 1, 0},
		// T63 persons with a valid certificate: 2023 end p2; 2024 end p1 p2; 2025-05-31 p1 (p2's expired on
		// 05-01, renewed only 06-10); 2025-06-30 p1 p2 (p2 once); 龙桥 2025-06 nil.
		{"special_ops_certified_persons", "year", "district", "", "2023-01-01", 1, 0, 1},
		{"special_ops_certified_persons", "year", "district", "", "2024-01-01", 2, 0, 2},
		{"special_ops_certified_persons", "month", "district", "", "2025-05-01", 1, 0, 1},
		{"special_ops_certified_persons", "month", "district", "", "2025-06-01", 2, 0, 2},
		{"special_ops_certified_persons", "month", "town", lq, "2025-06-01", 0, 0, 0},
	})
}

// Coal mines for T45 and T74 as of 2025-06-30 (the four mines of coal_mines.csv).
//
// Monthly reports (faces intelligent / total; transformed once a month has all faces intelligent):
// M01 2024-06 2/3, 2024-11 3/3, 2025-01 2/3; M02 2025-03 2/2; M03 2024-12 0/0 (no face), 2025-05
// 1/2; M04 2025-07 2/2 (after the as-of day) and 2023-05 2/2 deleted.
//
// Registry (standardisation grade): 兖矿能源集团股份有限公司兴隆庄煤矿 一级; 古城煤矿 二级; 新驿煤矿 三级;
// 大统煤矿 二级, closed 2025-03-01; 兴隆庄煤矿物业公司 二级 is not a mine (industry OTHER).
func TestH9MineMetrics(t *testing.T) {
	t.Parallel()
	db := warehousetest.New(t)
	v := uint64(1)
	report := func(mine, month string, total, intel uint16, deleted uint8) []any {
		return []any{mine, day(month), total, intel, v, deleted}
	}
	insert(t, db, "fact_mine_monthly", "mine_id, month, faces_total, faces_intelligent, _version, _deleted",
		report("M01", "2024-06-01", 3, 2, 0), report("M01", "2024-11-01", 3, 3, 0), report("M01", "2025-01-01", 3, 2, 0),
		report("M02", "2025-03-01", 2, 2, 0), report("M03", "2024-12-01", 0, 0, 0), report("M03", "2025-05-01", 2, 1, 0),
		report("M04", "2025-07-01", 2, 2, 0), report("M04", "2023-05-01", 2, 2, 1))
	ent := func(id, name, industry, grade string, closed *time.Time) []any {
		return []any{id, name, "370812007", "370812007", industry, grade, dayp("2000-01-01"), closed, v}
	}
	insert(t, db, "dim_enterprise", "enterprise_id, name, town_code, territorial_unit, industry_code, std_grade, opened_date, closed_date, _version",
		ent("K1", "兖矿能源集团股份有限公司兴隆庄煤矿", "MINE", "一级", nil),
		ent("K2", "古城煤矿", "MINE", "二级", nil),
		ent("K3", "新驿煤矿", "MINE", "三级", nil),
		ent("K4", "大统煤矿", "MINE", "二级", dayp("2025-03-01")),
		ent("K5", "兴隆庄煤矿物业公司", "OTHER", "二级", nil))
	set := refreshed(t, db, "2025-06-30")
	check(t, set, []want{
		// T45 transformed by the period end: 2024-10 nil; 2024 end M01 (November); 2025-03 M01 M02;
		// 2025 so far the same two (M03 half, M04's only full month after the as-of day); M02 in 2024 0.
		{"mines_intelligent_retrofit_done", "month", "district", "", "2024-10-01", 0, 0, 0},
		{"mines_intelligent_retrofit_done", "year", "district", "", "2024-01-01", 1, 0, 1},
		{"mines_intelligent_retrofit_done", "month", "district", "", "2025-03-01", 2, 0, 2},
		{"mines_intelligent_retrofit_done", "year", "district", "", "2025-01-01", 2, 0, 2},
		{"mines_intelligent_retrofit_done", "year", "mine", "M02", "2024-01-01", 0, 0, 0},
		// T74 grade 一级/二级 and not closed: 2024 end 兴隆庄 古城 大统 = 3 (新驿 三级, the 物业公司 is no
		// mine); 2025-06 兴隆庄 古城 (大统 closed); M03 in 2024 0.
		{"mines_standardisation_grade2", "year", "district", "", "2024-01-01", 3, 0, 3},
		{"mines_standardisation_grade2", "month", "district", "", "2025-06-01", 2, 0, 2},
		{"mines_standardisation_grade2", "year", "mine", "M03", "2024-01-01", 0, 0, 0},
	})
}

// Inspections for T77, T82, T88 and T91 as of 2025-06-30 (enforcement unless marked 督导/not
// enforcement). Registered units (standardisation grade): G1 鼓楼 二级, G2 鼓楼 一级, O1 鼓楼 三级,
// O2 龙桥 nil, O3 龙桥 无 closed 2024-06-01, G3 龙桥 二级 opened 2025-03-01; X9 is not registered.
//
//	i1 G1 2024-03-01 · i2 O1 2024-03-01 全员责任制 · i3 O1 2024-04-01 · i4 O1 2024-05-01
//	i5 O2 2024-08-01 外包施工, 专家指导 · i6 O3 2024-02-01 有限空间 (D07) · i7 O3 2024-04-01 (D07)
//	i8 G2 2024-05-01 督导, 帮扶 · i9 X9 鼓楼 2024-03-01 委托执法 · i10 G1 2025-02-01 有限空间
//	i11 G1 2025-04-01 · i12 G3 2025-05-01 · i13 O1 2025-01-10 许可条件回头看 · i14 O1 2023-11-01 高处坠落
//	i15 X9 龙桥 2025-04-15 派驻执法 · i16 X9 新兖 2025-01-10 by the town (镇街) · i17 X9 in a town not
//	eligible 2024-05-01 委托执法 · i18 X9 漕河 2024-06-01 委托执法, 帮扶, 电气焊 — deleted
//	i19 X9 龙桥 2025-02-02 督导, 保险机构 (D07)
func TestH9InspectionMetrics(t *testing.T) {
	t.Parallel()
	db := warehousetest.New(t)
	const gl, lq, xy, ch, ne = "370812001", "370812003", "370812105", "370812107", "370812999"
	v := uint64(1)
	insert(t, db, "dim_town", "town_code, name, kind, sort_order, delegated_enforcement_eligible", []any{ne, "试验镇", "镇", uint8(11), uint8(0)})
	ent := func(id, town, industry, grade string, opened string, closed *time.Time) []any {
		return []any{id, id, town, town, industry, grade, dayp(opened), closed, v}
	}
	insert(t, db, "dim_enterprise", "enterprise_id, name, town_code, territorial_unit, industry_code, std_grade, opened_date, closed_date, _version",
		ent("G1", gl, "IT.DUST", "二级", "2020-01-01", nil), ent("G2", gl, "IT.DUST", "一级", "2020-01-01", nil),
		ent("O1", gl, "IT.DUST", "三级", "2020-01-01", nil), ent("O2", lq, "CONS", "", "2020-01-01", nil),
		ent("O3", lq, "CONS", "无", "2020-01-01", dayp("2024-06-01")), ent("G3", lq, "CONS", "二级", "2025-03-01", nil))
	insp := func(id, ent, town, dept, org, date string, enf uint8, campaign string, deleted uint8, modes ...string) []any {
		return []any{id, dept, org, town, ent, "IT.DUST", day(date), enf, modes, campaign, v, deleted}
	}
	insert(t, db, "fact_inspection", "inspection_id, dept_code, org_level, town_code, enterprise_id, industry_code, inspection_date, "+
		"is_enforcement, modes, campaign, _version, _deleted",
		insp("i1", "G1", gl, "D15", "区", "2024-03-01", 1, "", 0, "日常"),
		insp("i2", "O1", gl, "D15", "区", "2024-03-01", 1, "全员责任制", 0, "专项"),
		insp("i3", "O1", gl, "D15", "区", "2024-04-01", 1, "", 0, "日常"),
		insp("i4", "O1", gl, "D15", "区", "2024-05-01", 1, "", 0, "日常"),
		insp("i5", "O2", lq, "D15", "区", "2024-08-01", 1, "外包施工", 0, "专项", "专家指导"),
		insp("i6", "O3", lq, "D07", "区", "2024-02-01", 1, "有限空间", 0, "专项"),
		insp("i7", "O3", lq, "D07", "区", "2024-04-01", 1, "", 0, "日常"),
		insp("i8", "G2", gl, "D15", "区", "2024-05-01", 0, "", 0, "帮扶"),
		insp("i9", "X9", gl, "D15", "区", "2024-03-01", 1, "", 0, "委托执法"),
		insp("i10", "G1", gl, "D15", "区", "2025-02-01", 1, "有限空间", 0, "专项"),
		insp("i11", "G1", gl, "D15", "区", "2025-04-01", 1, "", 0, "日常"),
		insp("i12", "G3", lq, "D07", "区", "2025-05-01", 1, "", 0, "日常"),
		insp("i13", "O1", gl, "D15", "区", "2025-01-10", 1, "许可条件回头看", 0, "专项"),
		insp("i14", "O1", gl, "D15", "区", "2023-11-01", 1, "高处坠落", 0, "专项"),
		insp("i15", "X9", lq, "D15", "区", "2025-04-15", 1, "", 0, "派驻执法"),
		insp("i16", "X9", xy, "D15", "镇街", "2025-01-10", 1, "", 0, "日常"),
		insp("i17", "X9", ne, "D15", "区", "2024-05-01", 1, "", 0, "委托执法"),
		insp("i18", "X9", ch, "D15", "区", "2024-06-01", 1, "电气焊", 1, "委托执法", "帮扶"),
		insp("i19", "X9", lq, "D07", "区", "2025-02-02", 0, "", 0, "保险机构"))
	set := refreshed(t, db, "2025-06-30")
	check(t, set, []want{
		// T77 enforcement inspections per unit open in the year, 一级/二级 over the others:
		// 2024 graded G1 G2 (G3 opens 2025): i1 = 1/2 = 0.5 (i8 is 督导); others O1 O2 O3 (closed during
		// 2024): i2 i3 i4 i5 i6 i7 = 6/3 = 2 → 0.25. 2025 graded G1 G2 G3: i10 i11 i12 = 3/3 = 1;
		// others O1 O2: i13 = 1/2 = 0.5 → 2. 鼓楼 2024: G1 G2 0.5; O1 3/1 = 3 → 1/6.
		{"graded_units_inspection_ratio", "year", "district", "", "2024-01-01", 0.5, 2, 0.25},
		{"graded_units_inspection_ratio", "year", "district", "", "2025-01-01", 1, 0.5, 2},
		{"graded_units_inspection_ratio", "year", "town", gl, "2024-01-01", 0.5, 3, 0.5 / 3},
		// T82 named campaigns with an inspection since 2024 by the period end: 2024-02 有限空间; 2024
		// end 全员责任制 外包施工 有限空间 (i14 before 2024, i18 deleted, i13 not named); 2025-06 the same
		// three; D07 2024 有限空间.
		{"enforcement_campaigns_started", "month", "district", "", "2024-02-01", 1, 0, 1},
		{"enforcement_campaigns_started", "year", "district", "", "2024-01-01", 3, 0, 3},
		{"enforcement_campaigns_started", "month", "district", "", "2025-06-01", 3, 0, 3},
		{"enforcement_campaigns_started", "year", "dept", "D07", "2024-01-01", 1, 0, 1},
		// T88 eligible towns (the ten of towns.csv; 试验镇 is not eligible) with 委托/派驻执法 by the
		// period end: 2024-03 鼓楼 1/10; 2024 end the same (i17 not eligible, i18 deleted); 2025-06 鼓楼
		// 龙桥 新兖 3/10; 龙桥 March 2025 0/1, April 1/1.
		{"delegated_enforcement_started_town_share", "month", "district", "", "2024-03-01", 1, 10, 10},
		{"delegated_enforcement_started_town_share", "year", "district", "", "2024-01-01", 1, 10, 10},
		{"delegated_enforcement_started_town_share", "month", "district", "", "2025-06-01", 3, 10, 30},
		{"delegated_enforcement_started_town_share", "month", "town", lq, "2025-03-01", 0, 1, 0},
		{"delegated_enforcement_started_town_share", "month", "town", lq, "2025-04-01", 1, 1, 100},
		// T91 专家指导/帮扶/购买服务/保险机构: 2024 i5 i8 (i18 deleted); 2025 i19; May 2024 i8; 龙桥 2024 i5.
		{"expert_assistance_inspections", "year", "district", "", "2024-01-01", 2, 0, 2},
		{"expert_assistance_inspections", "year", "district", "", "2025-01-01", 1, 0, 1},
		{"expert_assistance_inspections", "month", "district", "", "2024-05-01", 1, 0, 1},
		{"expert_assistance_inspections", "year", "town", lq, "2024-01-01", 1, 0, 1},
	})
}

// Accident investigations (T30) and enforcement officers' shadowing (T90) as of 2025-06-30.
//
// Accidents (report due → done): A1 鼓楼 2024-03-01 → 02-20; A2 鼓楼 2024-05-01 → 05-10 (late);
// A3 龙桥 2024-09-01, not done; A4 龙桥 2025-06-30 → 06-30; A5 鼓楼 due 2025-08-01 (after the
// as-of day); A6 not a production safety accident; A7 deleted.
//
// 执法跟班 (roster 400, parameter enforcement_officer_roster): o1 2024-03-01 and again 2025-02-01;
// o2 2024-06-01; o3 2023-10-01 (before the plan); o4 2025-07-01 (after the as-of day); o5 deleted;
// o6 明白人 (another program).
func TestH9InvestigationAndShadowingMetrics(t *testing.T) {
	t.Parallel()
	db := warehousetest.New(t)
	const gl, lq = "370812001", "370812003"
	v := uint64(1)
	acc := func(id, town string, ps uint8, due string, done *time.Time, deleted uint8) []any {
		return []any{id, day(due).AddDate(0, -2, 0), town, "IT.DUST", ps, day(due), done, v, deleted}
	}
	insert(t, db, "fact_accident", "accident_id, occurred_at, town_code, industry_code, is_production_safety, report_due, report_done, _version, _deleted",
		acc("A1", gl, 1, "2024-03-01", dayp("2024-02-20"), 0),
		acc("A2", gl, 1, "2024-05-01", dayp("2024-05-10"), 0),
		acc("A3", lq, 1, "2024-09-01", nil, 0),
		acc("A4", lq, 1, "2025-06-30", dayp("2025-06-30"), 0),
		acc("A5", gl, 1, "2025-08-01", nil, 0),
		acc("A6", gl, 0, "2024-04-01", dayp("2024-03-01"), 0),
		acc("A7", gl, 1, "2024-06-01", dayp("2024-05-01"), 1))
	rec := func(id, person, program, date string, deleted uint8) []any {
		return []any{id, person, "D15", program, "监管执法人员", day(date), v, deleted}
	}
	insert(t, db, "fact_training", "record_id, person_key, dept_code, program, person_role, training_date, _version, _deleted",
		rec("s1", "o1", "执法跟班", "2024-03-01", 0), rec("s2", "o1", "执法跟班", "2025-02-01", 0),
		rec("s3", "o2", "执法跟班", "2024-06-01", 0), rec("s4", "o3", "执法跟班", "2023-10-01", 0),
		rec("s5", "o4", "执法跟班", "2025-07-01", 0), rec("s6", "o5", "执法跟班", "2024-05-01", 1),
		rec("s7", "o6", "明白人", "2024-01-01", 0))
	set := refreshed(t, db, "2025-06-30")
	check(t, set, []want{
		// T30 by due day: 2024 A1 A2 A3, on time A1 → 1/3; May 2024 A2 0/1; 2025 A4 (done on the day)
		// 1/1 (A5 due after the as-of day); 龙桥 2024 A3 0/1.
		{"accident_investigations_on_time_share", "year", "district", "", "2024-01-01", 1, 3, 100.0 / 3},
		{"accident_investigations_on_time_share", "month", "district", "", "2024-05-01", 0, 1, 0},
		{"accident_investigations_on_time_share", "year", "district", "", "2025-01-01", 1, 1, 100},
		{"accident_investigations_on_time_share", "year", "town", lq, "2024-01-01", 0, 1, 0},
		// T90 officers trained since 2024 by the period end of 400: 2024-03 o1 → 0.25 %; 2024 end o1 o2
		// → 0.5 %; 2025-06 o1 (twice) o2 → 0.5 %.
		{"enforcement_officers_shadowing_share", "month", "district", "", "2024-03-01", 1, 400, 0.25},
		{"enforcement_officers_shadowing_share", "year", "district", "", "2024-01-01", 2, 400, 0.5},
		{"enforcement_officers_shadowing_share", "month", "district", "", "2025-06-01", 2, 400, 0.5},
	})
}
