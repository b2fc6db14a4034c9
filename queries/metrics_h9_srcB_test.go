package queries_test

import (
	"testing"
	"time"

	"safetydw/warehouse/warehousetest"
)

// Lists kept in the ledger template by other systems, as of 2025-06-30 (found → done):
//
//	水电气异常 (T96, on time = checked within 2 days [A]):
//	  A1 鼓楼 05-01 → 05-01 (0 days, on time); A2 鼓楼 05-10 → 05-12 (2 days, on time);
//	  A3 龙桥 05-20 → 05-23 (3 days, late); A4 龙桥 05-25, never checked (36 days by the as-of day: late);
//	  A5 鼓楼 06-29, not checked yet (1 day: no verdict yet, left out);
//	  A6 鼓楼 06-20 → 07-02 (after the as-of day: unchecked at it, 10 days: late)
//	临时高处作业发现 (T108, on time = verified the same day [A]):
//	  H1 鼓楼 06-01 → 06-01 (on time); H2 鼓楼 06-02 → 06-03 (late); H3 龙桥 06-30 not yet (the as-of
//	  day itself: left out); H4 龙桥 06-10 never (late)
//	道路运输车辆主动安全装置 (T49, registered → device fitted):
//	  V1 鼓楼 2023-01-10 → 2023-06-01; V2 鼓楼 2023-03-01 → 2024-02-01; V3 龙桥 2024-05-01, none;
//	  V4 龙桥 2025-01-01 → 2025-01-01
//	电焊机接入 (T105, registered → connected):
//	  W1 新兖 park P03 2025-02-01 → 2025-03-01; W2 鼓楼 2025-02-10, not connected; W3 鼓楼 2025-04-01 → 04-01
func TestH9SrcBLedgerMetrics(t *testing.T) {
	t.Parallel()
	db := warehousetest.New(t)
	const gl, lq, xy = "370812001", "370812003", "370812105"
	d := func(s string) *time.Time { x := day(s); return &x }
	open := (*time.Time)(nil)
	v := uint64(1)
	item := func(typ, id, town, park, dept, found string, done *time.Time) []any {
		status := "待核查"
		if done != nil {
			status = "已销号"
		}
		return []any{typ, id, town, park, dept, day(found), done, status, 1.0, v}
	}
	insert(t, db, "fact_ledger_item", "ledger_type, item_id, town_code, park_code, dept_code, identified_date, resolved_date, status, quantity, _version",
		item("水电气异常", "A1", gl, "", "D00", "2025-05-01", d("2025-05-01")),
		item("水电气异常", "A2", gl, "", "D00", "2025-05-10", d("2025-05-12")),
		item("水电气异常", "A3", lq, "", "D00", "2025-05-20", d("2025-05-23")),
		item("水电气异常", "A4", lq, "", "D00", "2025-05-25", open),
		item("水电气异常", "A5", gl, "", "D00", "2025-06-29", open),
		item("水电气异常", "A6", gl, "", "D00", "2025-06-20", d("2025-07-02")),
		item("临时高处作业发现", "H1", gl, "", "D07", "2025-06-01", d("2025-06-01")),
		item("临时高处作业发现", "H2", gl, "", "D07", "2025-06-02", d("2025-06-03")),
		item("临时高处作业发现", "H3", lq, "", "D07", "2025-06-30", open),
		item("临时高处作业发现", "H4", lq, "", "D07", "2025-06-10", open),
		item("道路运输车辆主动安全装置", "V1", gl, "", "D08", "2023-01-10", d("2023-06-01")),
		item("道路运输车辆主动安全装置", "V2", gl, "", "D08", "2023-03-01", d("2024-02-01")),
		item("道路运输车辆主动安全装置", "V3", lq, "", "D08", "2024-05-01", open),
		item("道路运输车辆主动安全装置", "V4", lq, "", "D08", "2025-01-01", d("2025-01-01")),
		item("电焊机接入", "W1", xy, "P03", "D15", "2025-02-01", d("2025-03-01")),
		item("电焊机接入", "W2", gl, "", "D15", "2025-02-10", open),
		item("电焊机接入", "W3", gl, "", "D15", "2025-04-01", d("2025-04-01")))
	set := refreshed(t, db, "2025-06-30")
	check(t, set, []want{
		// T96 May: A1 A2 on time of A1–A4 → 2/4; June: A5 left out, A6 late → 0/1; 2025: 2/5;
		// 鼓楼 2025 A1 A2 of A1 A2 A6 → 2/3; 龙桥 A3 A4 → 0/2.
		{"utility_anomalies_checked_share", "month", "district", "", "2025-05-01", 2, 4, 50},
		{"utility_anomalies_checked_share", "month", "district", "", "2025-06-01", 0, 1, 0},
		{"utility_anomalies_checked_share", "year", "district", "", "2025-01-01", 2, 5, 40},
		{"utility_anomalies_checked_share", "year", "town", gl, "2025-01-01", 2, 3, 200.0 / 3},
		{"utility_anomalies_checked_share", "year", "town", lq, "2025-01-01", 0, 2, 0},
		// T108 June: H1 of H1 H2 H4 (H3 left out) → 1/3; 龙桥 H4 only → 0/1; dept D07 1/3.
		{"height_work_verified_share", "month", "district", "", "2025-06-01", 1, 3, 100.0 / 3},
		{"height_work_verified_share", "month", "town", lq, "2025-06-01", 0, 1, 0},
		{"height_work_verified_share", "month", "dept", "D07", "2025-06-01", 1, 3, 100.0 / 3},
		// T49 at 2023-05 V1 V2 registered, none fitted → 0/2; 2023 end V1 of V1 V2 → 1/2; 2024 end V1 V2 of
		// V1–V3 → 2/3; 2025-06 V1 V2 V4 of four → 3/4; 龙桥 2025-06 V4 of V3 V4 → 1/2.
		{"vehicle_active_safety_share", "month", "district", "", "2023-05-01", 0, 2, 0},
		{"vehicle_active_safety_share", "year", "district", "", "2023-01-01", 1, 2, 50},
		{"vehicle_active_safety_share", "year", "district", "", "2024-01-01", 2, 3, 200.0 / 3},
		{"vehicle_active_safety_share", "month", "district", "", "2025-06-01", 3, 4, 75},
		{"vehicle_active_safety_share", "month", "town", lq, "2025-06-01", 1, 2, 50},
		// T105 2025-02 W1 W2 registered, none connected → 0/2; 2025-03 W1 → 1/2; 2025-06 W1 W3 of three
		// → 2/3; park P03 W1 → 1/1; 鼓楼 W3 of W2 W3 → 1/2.
		{"welding_machines_connected_share", "month", "district", "", "2025-02-01", 0, 2, 0},
		{"welding_machines_connected_share", "month", "district", "", "2025-03-01", 1, 2, 50},
		{"welding_machines_connected_share", "month", "district", "", "2025-06-01", 2, 3, 200.0 / 3},
		{"welding_machines_connected_share", "month", "park", "P03", "2025-06-01", 1, 1, 100},
		{"welding_machines_connected_share", "month", "town", gl, "2025-06-01", 1, 2, 50},
	})
}

// 重大 hazards and their notifications for T21, as of 2025-06-30 (told in time = both the 主要负责人
// and the 实际控制人 told within 3 days [A] of the find, on or after it; 兼 = one person both):
//
//	H1 G1 鼓楼 IT.DUST found 03-01: 兼 03-02 → told
//	H2 G2 鼓楼 IT.DUST found 03-05: 主要负责人 03-06, 实际控制人 03-10 (5 days) → not told
//	H3 G3 龙桥 CONS    found 03-10: 主要负责人 03-10 only → not told
//	H4 G3 龙桥 CONS    found 03-12: the same hazard through another channel, no notice (G3 counts once)
//	H5 G5 龙桥 IT.DUST found 03-15: nothing → not told
//	H6 G6 鼓楼 IT.DUST found 06-29: nothing yet, 1 day by the as-of day → no verdict, left out
//	H7 G7 鼓楼 IT.DUST found 06-28: 兼 06-28 → told
//	H8 G8 鼓楼 IT.DUST 一般 found 03-01: 兼 03-01 → not a 重大 hazard, counts nowhere
//	H9 G9 鼓楼 IT.DUST found 04-01: 兼 dated 03-30, before the find → not told
//	H10 G10 龙桥 IT.DUST found 05-01: 主要负责人 05-02, 实际控制人 07-01 (after the as-of day) → not told
//	HX: a notice for a hazard the platform does not have → matches nothing
func TestH9SrcBHazardNotificationMetrics(t *testing.T) {
	t.Parallel()
	db := warehousetest.New(t)
	const gl, lq = "370812001", "370812003"
	v := uint64(1)
	hz := func(id, group, level, town, industry, found string) []any {
		return []any{id, group, level, town, town, industry, day(found), "整改中", v}
	}
	insert(t, db, "fact_hazard", "hazard_id, dedup_group_id, level, town_code, territorial_unit, industry_code, found_date, status, _version",
		hz("H1", "G1", "重大", gl, "IT.DUST", "2025-03-01"), hz("H2", "G2", "重大", gl, "IT.DUST", "2025-03-05"),
		hz("H3", "G3", "重大", lq, "CONS", "2025-03-10"), hz("H4", "G3", "重大", lq, "CONS", "2025-03-12"),
		hz("H5", "G5", "重大", lq, "IT.DUST", "2025-03-15"), hz("H6", "G6", "重大", gl, "IT.DUST", "2025-06-29"),
		hz("H7", "G7", "重大", gl, "IT.DUST", "2025-06-28"), hz("H8", "G8", "一般", gl, "IT.DUST", "2025-03-01"),
		hz("H9", "G9", "重大", gl, "IT.DUST", "2025-04-01"), hz("H10", "G10", "重大", lq, "IT.DUST", "2025-05-01"))
	const both, principal, controller = "主要负责人兼实际控制人", "主要负责人", "实际控制人"
	told := func(id, role, date string) []any { return []any{id, role, day(date), v} }
	insert(t, db, "fact_hazard_notification", "hazard_id, notice_role, notified_date, _version",
		told("H1", both, "2025-03-02"),
		told("H2", principal, "2025-03-06"), told("H2", controller, "2025-03-10"),
		told("H3", principal, "2025-03-10"),
		told("H7", both, "2025-06-28"),
		told("H8", both, "2025-03-01"),
		told("H9", both, "2025-03-30"),
		told("H10", principal, "2025-05-02"), told("H10", controller, "2025-07-01"),
		told("HX", both, "2025-03-01"))
	set := refreshed(t, db, "2025-06-30")
	check(t, set, []want{
		// March G1 of G1 G2 G3 G5 → 1/4; April G9 → 0/1; May G10 → 0/1; June G7 (G6 left out) → 1/1.
		{"major_hazards_notified_share", "month", "district", "", "2025-03-01", 1, 4, 25},
		{"major_hazards_notified_share", "month", "district", "", "2025-04-01", 0, 1, 0},
		{"major_hazards_notified_share", "month", "district", "", "2025-05-01", 0, 1, 0},
		{"major_hazards_notified_share", "month", "district", "", "2025-06-01", 1, 1, 100},
		// 2025: G1 G7 of G1 G2 G3 G5 G7 G9 G10 → 2/7; 鼓楼 G1 G7 of G1 G2 G7 G9 → 2/4; 龙桥 G3 G5 G10 → 0/3;
		// IT.DUST G1 G7 of G1 G2 G5 G7 G9 G10 → 2/6.
		{"major_hazards_notified_share", "year", "district", "", "2025-01-01", 2, 7, 200.0 / 7},
		{"major_hazards_notified_share", "year", "town", gl, "2025-01-01", 2, 4, 50},
		{"major_hazards_notified_share", "year", "town", lq, "2025-01-01", 0, 3, 0},
		{"major_hazards_notified_share", "year", "industry", "IT.DUST", "2025-01-01", 2, 6, 100.0 / 3},
	})
}

// Credit list entries for T31 and T102, as of 2025-06-30:
//
//	C1 黑名单 单位 U1 鼓楼 IT.DUST, 认定 D15, listed 2024-03-01
//	C2 黑名单 个人 of U1 鼓楼, D15, listed 2024-05-01, removed 2025-05-01 (still counts in 2024)
//	C3 黑名单 单位 U2 龙桥, in park P01, CONS, D07, listed 2025-02-01
//	C4 严重失信主体名单 单位 U3 新兖, D15, listed 2024-07-01
//	C5 严重失信主体名单 单位 U1 鼓楼, listed 2025-07-15 (after the as-of day)
//	C6 黑名单 鼓楼 listed 2024-01-01, deleted: counts nowhere
func TestH9SrcBCreditListMetrics(t *testing.T) {
	t.Parallel()
	db := warehousetest.New(t)
	const gl, lq, xy = "370812001", "370812003", "370812105"
	d := func(s string) *time.Time { x := day(s); return &x }
	none := (*time.Time)(nil)
	v := uint64(1)
	entry := func(id, list, kind, town, unit, industry, dept, listed string, removed *time.Time, deleted uint8) []any {
		return []any{id, list, kind, town, unit, industry, dept, day(listed), removed, v, deleted}
	}
	insert(t, db, "fact_credit_list", "entry_id, list_type, subject_kind, town_code, territorial_unit, industry_code, dept_code, listed_date, removed_date, _version, _deleted",
		entry("C1", "黑名单", "单位", gl, gl, "IT.DUST", "D15", "2024-03-01", none, 0),
		entry("C2", "黑名单", "个人", gl, gl, "IT.DUST", "D15", "2024-05-01", d("2025-05-01"), 0),
		entry("C3", "黑名单", "单位", lq, "P01", "CONS", "D07", "2025-02-01", none, 0),
		entry("C4", "严重失信主体名单", "单位", xy, xy, "HC.PROD", "D15", "2024-07-01", none, 0),
		entry("C5", "严重失信主体名单", "单位", gl, gl, "IT.DUST", "D15", "2025-07-15", none, 0),
		entry("C6", "黑名单", "单位", gl, gl, "IT.DUST", "D15", "2024-01-01", none, 1))
	set := refreshed(t, db, "2025-06-30")
	check(t, set, []want{
		// 黑名单 2024 C1 C2 (C6 deleted) → 2; 2025 C3 → 1; May 2024 C2 → 1; 鼓楼 2024 2; P01 2025 C3;
		// D07 2025 C3; IT.DUST 2024 C1 C2.
		{"blacklist_entries", "year", "district", "", "2024-01-01", 2, 0, 2},
		{"blacklist_entries", "year", "district", "", "2025-01-01", 1, 0, 1},
		{"blacklist_entries", "month", "district", "", "2024-05-01", 1, 0, 1},
		{"blacklist_entries", "year", "town", gl, "2024-01-01", 2, 0, 2},
		{"blacklist_entries", "year", "park", "P01", "2025-01-01", 1, 0, 1},
		{"blacklist_entries", "year", "dept", "D07", "2025-01-01", 1, 0, 1},
		{"blacklist_entries", "year", "industry", "IT.DUST", "2024-01-01", 2, 0, 2},
		// 严重失信 2024 C4 → 1 (新兖, HC.PROD); C5 lies after the as-of day.
		{"serious_dishonest_entries", "year", "district", "", "2024-01-01", 1, 0, 1},
		{"serious_dishonest_entries", "year", "town", xy, "2024-01-01", 1, 0, 1},
		{"serious_dishonest_entries", "month", "district", "", "2024-07-01", 1, 0, 1},
		{"serious_dishonest_entries", "year", "district", "", "2025-01-01", 0, 0, 0},
	})
}

// Park assessments for T25, T28 and T50, as of 2025-06-30. The parks are the reference data's:
// P01 (needs 6 supervisors), P02 (needs 4), P03 the chemical park (needs 8).
//
//	P01 2024-06-30: 5 in post, 建设中; 2024-12-31: 6, 已验收 on 2024-11-20; 2025-06-30: 5 (a vacancy)
//	P02 2024-12-31: 4 in post, 建设中 (no assessment before)
//	P03 2024-06-30: 8, 已验收 on 2024-05-10, grade C (the baseline); 2024-12-31: 8, grade B (worse);
//	    2025-06-30: 9, grade C
func TestH9SrcBParkMetrics(t *testing.T) {
	t.Parallel()
	db := warehousetest.New(t)
	d := func(s string) *time.Time { x := day(s); return &x }
	none := (*time.Time)(nil)
	v := uint64(1)
	row := func(park, date string, staff uint16, done *time.Time, grade string) []any {
		status := "建设中"
		if done != nil {
			status = "已验收"
		}
		return []any{park, day(date), staff, status, done, grade, v}
	}
	insert(t, db, "fact_park_assessment", "park_code, assess_date, actual_safety_staff, std_status, std_done_date, risk_grade, _version",
		row("P01", "2024-06-30", 5, none, ""), row("P01", "2024-12-31", 6, d("2024-11-20"), ""), row("P01", "2025-06-30", 5, d("2024-11-20"), ""),
		row("P02", "2024-12-31", 4, none, ""),
		row("P03", "2024-06-30", 8, d("2024-05-10"), "C"), row("P03", "2024-12-31", 8, d("2024-05-10"), "B"), row("P03", "2025-06-30", 9, d("2024-05-10"), "C"))
	set := refreshed(t, db, "2025-06-30")
	check(t, set, []want{
		// T25 staffed by the latest assessment: 2024-05 none assessed → 0/3; 2024-06 P03 (8 ≥ 8; P01 5 < 6,
		// P02 none) → 1/3; 2024 end P01 6, P02 4, P03 8 → 3/3; 2025-06 P02 (its 2024-12 assessment) and P03
		// (P01 5 < 6) → 2/3; park P01 2025-06 → 0/1.
		{"parks_staffed_share", "month", "district", "", "2024-05-01", 0, 3, 0},
		{"parks_staffed_share", "month", "district", "", "2024-06-01", 1, 3, 100.0 / 3},
		{"parks_staffed_share", "year", "district", "", "2024-01-01", 3, 3, 100},
		{"parks_staffed_share", "month", "district", "", "2025-06-01", 2, 3, 200.0 / 3},
		{"parks_staffed_share", "month", "park", "P01", "2025-06-01", 0, 1, 0},
		// T28 accepted by the period end: 2024-06 P03 (05-10) → 1/3; 2024 end P01 (11-20) and P03 → 2/3;
		// 2025-06 the same → 2/3; 新兖 (P03's town) 2024-06 → 1/1.
		{"parks_standardised_share", "month", "district", "", "2024-06-01", 1, 3, 100.0 / 3},
		{"parks_standardised_share", "year", "district", "", "2024-01-01", 2, 3, 200.0 / 3},
		{"parks_standardised_share", "month", "district", "", "2025-06-01", 2, 3, 200.0 / 3},
		{"parks_standardised_share", "month", "town", "370812105", "2024-06-01", 1, 1, 100},
		// T50 P03 against its baseline C: 2024-06 C → 0; 2024-11 still the June assessment → 0; 2024 end B → 1;
		// 2025-06 C again → 0.
		{"chemical_parks_grade_worse", "month", "district", "", "2024-06-01", 0, 0, 0},
		{"chemical_parks_grade_worse", "month", "district", "", "2024-11-01", 0, 0, 0},
		{"chemical_parks_grade_worse", "year", "district", "", "2024-01-01", 1, 0, 1},
		{"chemical_parks_grade_worse", "month", "district", "", "2025-06-01", 0, 0, 0},
	})
}

// Yearly assessment results for T119, as of 2026-03-31 (safety responsibility assessment scores):
//
//	2024: 鼓楼 92 (优秀), 龙桥 78 (合格), D15 88 (良好); 鼓楼's 督查激励 award has no score and counts not
//	2025: 鼓楼 95, 龙桥 85; D07 60 deleted: counts nowhere
func TestH9SrcBAssessmentMetrics(t *testing.T) {
	t.Parallel()
	db := warehousetest.New(t)
	const gl, lq = "370812001", "370812003"
	v := uint64(1)
	res := func(kind, unit, year, item string, score float64, result string, deleted uint8) []any {
		return []any{kind, unit, year, item, score, result, v, deleted}
	}
	const duty = "安全生产责任制考核"
	insert(t, db, "fact_assessment_result", "unit_kind, unit_code, assess_year, item, score, result, _version, _deleted",
		res("镇街", gl, "2024", duty, 92, "优秀", 0), res("镇街", lq, "2024", duty, 78, "合格", 0), res("部门", "D15", "2024", duty, 88, "良好", 0),
		res("镇街", gl, "2024", "督查激励", 0, "获得激励", 0),
		res("镇街", gl, "2025", duty, 95, "优秀", 0), res("镇街", lq, "2025", duty, 85, "良好", 0), res("部门", "D07", "2025", duty, 60, "不合格", 1))
	set := refreshed(t, db, "2026-03-31")
	check(t, set, []want{
		// 2024 (92 + 78 + 88) / 3 = 258 / 3 = 86; 鼓楼 92 / 1; D15 88 / 1; 2025 (95 + 85) / 2 = 90.
		{"safety_assessment_score", "year", "district", "", "2024-01-01", 258, 3, 86},
		{"safety_assessment_score", "year", "town", gl, "2024-01-01", 92, 1, 92},
		{"safety_assessment_score", "year", "dept", "D15", "2024-01-01", 88, 1, 88},
		{"safety_assessment_score", "year", "district", "", "2025-01-01", 180, 2, 90},
	})
}
