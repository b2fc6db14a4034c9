package queries_test

import (
	"fmt"
	"testing"
	"time"

	"safetydw/warehouse"
	"safetydw/warehouse/warehousetest"
)

// Units, their annual self-reports, own inspections and 区应急局 lists for T11, T14, T35, T73,
// T75, T76, T85, T93, T101, T113 and T114, as of 2025-06-30.
//
// Units (town, industry, high-risk, scale, open … closed):
//
//	E1 鼓楼 IT.LAB  no  规上 opened 2020-01-01
//	E2 鼓楼 HC.PROD yes 规上 opened 2020-01-01
//	E3 龙桥 HC.PROD yes 规下 opened 2024-07-01: not open at 2023's end
//	E4 龙桥 IT.CS   no  小微 closed 2024-06-01: open at 2023's end only
//
// So the units open at each year's end are 2023 E1 E2 E4; 2024 and 2025 E1 E2 E3.
//
// Annual reports (year unit: filed; 重点事项清单, 责任制清单 with its date, 救援队伍, 晨会, 奖励制度;
// 投入 人+技+工+管; 安全费用 提取/使用):
//
//	R1 2024 E1: 2025-01-20; 1, 1 2024-03-01, 无, 1, 1; 10+5+0+2.5 = 17.5; 0/0
//	R2 2024 E2: 2025-02-10 (after 01-31: late); 0, 1 2025-01-05 (after 2024), 签订救援协议, 0, 0; 100; 50/60
//	R3 2024 E3: 2024-12-20; 1, 1 2024-08-01, 无, 1, 1; 2; 5/0
//	R4 2023 E4: 2024-01-15; 1, 1 2023-05-01, 无, 0, 0; 1; 0/0
//	R5 2025 E1: 2025-07-05, after the as-of day: counts nowhere
//	R6 2023 E1: 2024-01-10, deleted: counts nowhere
func TestH9SrcAReportMetrics(t *testing.T) {
	t.Parallel()
	db := warehousetest.New(t)
	const gl, lq = "370812001", "370812003"
	srcAUnits(t, db)
	d := func(s string) *time.Time { x := day(s); return &x }
	v := uint64(1)
	rep := func(year uint16, ent, filed string, key, resp uint8, respDate *time.Time, rescue string, morning, reward uint8,
		invest [4]float64, drawn, used float64, deleted uint8) []any {
		return []any{fmt.Sprintf("%d:%s", year, ent), year, ent, day(filed), key, resp, respDate, rescue, morning, reward,
			invest[0], invest[1], invest[2], invest[3], drawn, used, v, deleted}
	}
	insert(t, db, "fact_enterprise_annual_report", "report_id, report_year, enterprise_id, filed_date, key_item_list, responsibility_list, "+
		"responsibility_list_date, rescue_team, morning_meeting, reward_scheme, invest_people, invest_tech, invest_works, invest_management, "+
		"fee_drawn, fee_used, _version, _deleted",
		rep(2024, "E1", "2025-01-20", 1, 1, d("2024-03-01"), "无", 1, 1, [4]float64{10, 5, 0, 2.5}, 0, 0, 0),
		rep(2024, "E2", "2025-02-10", 0, 1, d("2025-01-05"), "签订救援协议", 0, 0, [4]float64{100, 0, 0, 0}, 50, 60, 0),
		rep(2024, "E3", "2024-12-20", 1, 1, d("2024-08-01"), "无", 1, 1, [4]float64{2, 0, 0, 0}, 5, 0, 0),
		rep(2023, "E4", "2024-01-15", 1, 1, d("2023-05-01"), "无", 0, 0, [4]float64{1, 0, 0, 0}, 0, 0, 0),
		rep(2025, "E1", "2025-07-05", 1, 1, d("2024-03-01"), "专职救援队伍", 1, 1, [4]float64{9, 9, 9, 9}, 9, 9, 0),
		rep(2023, "E1", "2024-01-10", 1, 1, d("2023-01-01"), "专职救援队伍", 1, 1, [4]float64{9, 9, 9, 9}, 9, 9, 1))
	set := refreshed(t, db, "2025-06-30")
	check(t, set, []want{
		// T101 list by the year's end: 2023 E4 of E1 E2 E4 (R6 deleted); 2024 E1 E3 of E1 E2 E3 (E2's list
		// dates from 2025); 2025 nothing filed by the as-of day, 0 of 3; 鼓楼 2024 E1 of E1 E2; 龙桥 2024 E3 of E3.
		{"responsibility_list_coverage", "year", "district", "", "2023-01-01", 1, 3, 100.0 / 3},
		{"responsibility_list_coverage", "year", "district", "", "2024-01-01", 2, 3, 200.0 / 3},
		{"responsibility_list_coverage", "year", "district", "", "2025-01-01", 0, 3, 0},
		{"responsibility_list_coverage", "year", "town", gl, "2024-01-01", 1, 2, 50},
		{"responsibility_list_coverage", "year", "town", lq, "2024-01-01", 1, 1, 100},
		// T11 重点事项清单: 2024 E1 E3 of three; 2023 E4 of three.
		{"key_item_list_coverage", "year", "district", "", "2024-01-01", 2, 3, 200.0 / 3},
		{"key_item_list_coverage", "year", "district", "", "2023-01-01", 1, 3, 100.0 / 3},
		// T113 on time = filed by 2025-01-31 for 2024 (31 days after the year): E1 (01-20) and E3 of three,
		// E2 (02-10) late; 2023 E4 (2024-01-15) of three.
		{"safety_investment_reported_on_time", "year", "district", "", "2024-01-01", 2, 3, 200.0 / 3},
		{"safety_investment_reported_on_time", "year", "district", "", "2023-01-01", 1, 3, 100.0 / 3},
		// Investment filed: 2024 17.5 + 100 + 2 = 119.5; 鼓楼 17.5 + 100 = 117.5; 2023 1.
		{"safety_investment_amount", "year", "district", "", "2024-01-01", 119.5, 0, 119.5},
		{"safety_investment_amount", "year", "town", gl, "2024-01-01", 117.5, 0, 117.5},
		{"safety_investment_amount", "year", "district", "", "2023-01-01", 1, 0, 1},
		// T114 high-risk units that drew and used fees: 2024 E2 (50/60) of E2 E3 (E3 drew 5, used 0);
		// 2023 E2 had no report, 0 of 1.
		{"safety_fee_drawn_used_share", "year", "district", "", "2024-01-01", 1, 2, 50},
		{"safety_fee_drawn_used_share", "year", "district", "", "2023-01-01", 0, 1, 0},
		// T73 high-risk with a team, rescuers or agreement: 2024 E2 of E2 E3; 2025 none filed, 0 of 2.
		{"rescue_team_coverage", "year", "district", "", "2024-01-01", 1, 2, 50},
		{"rescue_team_coverage", "year", "district", "", "2025-01-01", 0, 2, 0},
		// T85 晨会: 2024 E1 E3 of three. T93 规上 units (E1 E2) with a reward scheme: 2024 E1 (E3 is 规下).
		{"morning_meeting_coverage", "year", "district", "", "2024-01-01", 2, 3, 200.0 / 3},
		{"reward_scheme_coverage", "year", "district", "", "2024-01-01", 1, 2, 50},
	})
}

// Own inspections for T14, as of 2025-06-30, with the units of TestH9SrcAReportMetrics: E1 and E4
// owe one principal-led check a quarter, E2 and E3 (high-risk) one a month, in periods ended by the
// as-of day and throughout which the unit was open.
//
//	E1 2025-02-10 主要负责人 (Q1 ✓); 2025-05-03 分管负责人 (Q2 ✗)
//	E2 2025-01-05, 02-20, 02-25, 04-01 主要负责人 (Jan, Feb, Apr ✓); 03-10 安全管理人员 (Mar ✗);
//	   2025-07-02 主要负责人, after the as-of day
//	E3 2025-06-30 主要负责人 (Jun ✓, on the as-of day); 2025-05-01 deleted
//	E4 2024-03-15 主要负责人 (2024 Q1 ✓)
//
// 2025 periods: E1 Q1 Q2 (2) + E2 Jan–Jun (6) + E3 Jan–Jun (6) = 14, of which E1 1 + E2 3 + E3 1 = 5.
// 2024 periods: E1 four quarters + E2 twelve months + E3 Jul–Dec (opened 07-01: 6) + E4 Q1 only
// (closed 06-01, inside Q2) = 23, of which E4's Q1 = 1.
func TestH9SrcAPrincipalInspections(t *testing.T) {
	t.Parallel()
	db := warehousetest.New(t)
	const gl, lq = "370812001", "370812003"
	srcAUnits(t, db)
	v := uint64(1)
	n := 0
	chk := func(ent, date, role string, deleted uint8) []any {
		n++
		led := uint8(0)
		if role == "主要负责人" {
			led = 1
		}
		return []any{"c" + string(rune('a'+n)), ent, day(date), role, led, v, deleted}
	}
	insert(t, db, "fact_self_inspection", "check_id, enterprise_id, check_date, leader_role, led_by_principal, _version, _deleted",
		chk("E1", "2025-02-10", "主要负责人", 0),
		chk("E1", "2025-05-03", "分管负责人", 0),
		chk("E2", "2025-01-05", "主要负责人", 0),
		chk("E2", "2025-02-20", "主要负责人", 0),
		chk("E2", "2025-02-25", "主要负责人", 0),
		chk("E2", "2025-04-01", "主要负责人", 0),
		chk("E2", "2025-03-10", "安全管理人员", 0),
		chk("E2", "2025-07-02", "主要负责人", 0),
		chk("E3", "2025-06-30", "主要负责人", 0),
		chk("E3", "2025-05-01", "主要负责人", 1),
		chk("E4", "2024-03-15", "主要负责人", 0))
	set := refreshed(t, db, "2025-06-30")
	check(t, set, []want{
		{"principal_led_inspection_compliance", "year", "district", "", "2025-01-01", 5, 14, 500.0 / 14},
		// 鼓楼 2025: E1 1 of 2 + E2 3 of 6 = 4 of 8; 龙桥 2025: E3 1 of 6.
		{"principal_led_inspection_compliance", "year", "town", gl, "2025-01-01", 4, 8, 50},
		{"principal_led_inspection_compliance", "year", "town", lq, "2025-01-01", 1, 6, 100.0 / 6},
		{"principal_led_inspection_compliance", "year", "district", "", "2024-01-01", 1, 23, 100.0 / 23},
	})
}

// 区应急局's lists for T35, T75 and T76, as of 2025-06-30, with the units above (工贸: E1 IT.LAB
// and E4 IT.CS, E4 closed 2024-06-01):
//
//	工贸分级分类 E4 C 2023-11-01; E1 B 2024-05-10; E1 A 2023-12-01 deleted (would grade E1 early)
//	标准化标杆企业 E3 2024-10-01, E2 2025-03-01, E1 2025-04-15
//	示范引领企业 E2 2025-06-01; E3 2025-08-01 (after the as-of day)
func TestH9SrcADesignationMetrics(t *testing.T) {
	t.Parallel()
	db := warehousetest.New(t)
	const gl, lq = "370812001", "370812003"
	srcAUnits(t, db)
	v := uint64(1)
	des := func(kind, ent, grade, date, town, industry string, deleted uint8) []any {
		return []any{kind + ":" + date[:4] + ":" + ent, kind, uint16(day(date).Year()), ent, grade, day(date), town, town, industry, v, deleted}
	}
	insert(t, db, "fact_enterprise_designation", "designation_id, designation, designation_year, enterprise_id, grade, designated_date, "+
		"town_code, territorial_unit, industry_code, _version, _deleted",
		des("工贸分级分类", "E4", "C", "2023-11-01", lq, "IT.CS", 0),
		des("工贸分级分类", "E1", "B", "2024-05-10", gl, "IT.LAB", 0),
		des("工贸分级分类", "E1", "A", "2023-12-01", gl, "IT.LAB", 1),
		des("标准化标杆企业", "E3", "", "2024-10-01", lq, "HC.PROD", 0),
		des("标准化标杆企业", "E2", "", "2025-03-01", gl, "HC.PROD", 0),
		des("标准化标杆企业", "E1", "", "2025-04-15", gl, "IT.LAB", 0),
		des("示范引领企业", "E2", "", "2025-06-01", gl, "HC.PROD", 0),
		des("示范引领企业", "E3", "", "2025-08-01", lq, "HC.PROD", 0))
	set := refreshed(t, db, "2025-06-30")
	check(t, set, []want{
		// T35 graded 工贸 units open at the period end: 2024-04 E4 of E1 E4 (E1 graded 05-10, the deleted
		// row would have made it 2 of 2); 2024-05 both; 2024-06 E1 of E1 (E4 closed 06-01); 2024 E1 of E1.
		{"trade_grading_coverage", "month", "district", "", "2024-04-01", 1, 2, 50},
		{"trade_grading_coverage", "month", "district", "", "2024-05-01", 2, 2, 100},
		{"trade_grading_coverage", "month", "district", "", "2024-06-01", 1, 1, 100},
		{"trade_grading_coverage", "year", "district", "", "2024-01-01", 1, 1, 100},
		// T75 标杆: 2024 E3; 2025 E2 E1, both 鼓楼. T76 示范: 2025 E2 (E3's lies after the as-of day), in HC.PROD.
		{"benchmark_enterprises", "year", "district", "", "2024-01-01", 1, 0, 1},
		{"benchmark_enterprises", "year", "district", "", "2025-01-01", 2, 0, 2},
		{"benchmark_enterprises", "year", "town", gl, "2025-01-01", 2, 0, 2},
		{"model_enterprises", "year", "district", "", "2025-01-01", 1, 0, 1},
		{"model_enterprises", "year", "industry", "HC.PROD", "2025-01-01", 1, 0, 1},
	})
}

// "大学习、大培训" activities for T65, as of 2025-06-30 (organizer, day):
//
//	A1 鼓楼街道 2024-05-10; A2 park P01 (in 龙桥街道) 2024-06-01; A3 D15 2025-03-01;
//	A4 D15 2025-08-01, after the as-of day; A5 鼓楼街道 2025-04-01, deleted
func TestH9SrcAStudyActivities(t *testing.T) {
	t.Parallel()
	db := warehousetest.New(t)
	const gl, lq = "370812001", "370812003"
	v := uint64(1)
	act := func(id, kind, town, unit, dept, date string, deleted uint8) []any {
		return []any{id, kind, town, unit, dept, day(date), "集中培训", uint32(30), v, deleted}
	}
	insert(t, db, "fact_study_activity", "activity_id, organizer_kind, town_code, territorial_unit, dept_code, activity_date, activity_form, participants, _version, _deleted",
		act("A1", "镇街", gl, gl, "", "2024-05-10", 0),
		act("A2", "园区", lq, "P01", "", "2024-06-01", 0),
		act("A3", "部门", "", "", "D15", "2025-03-01", 0),
		act("A4", "部门", "", "", "D15", "2025-08-01", 0),
		act("A5", "镇街", gl, gl, "", "2025-04-01", 1))
	set := refreshed(t, db, "2025-06-30")
	check(t, set, []want{
		// 2024 A1 A2; 2025 A3 (A4 later, A5 deleted); 龙桥 2024 A2 through its park; P01 2024 A2; D15 2025 A3.
		{"study_campaign_activities", "year", "district", "", "2024-01-01", 2, 0, 2},
		{"study_campaign_activities", "year", "district", "", "2025-01-01", 1, 0, 1},
		{"study_campaign_activities", "year", "town", lq, "2024-01-01", 1, 0, 1},
		{"study_campaign_activities", "year", "park", "P01", "2024-01-01", 1, 0, 1},
		{"study_campaign_activities", "year", "dept", "D15", "2025-01-01", 1, 0, 1},
	})
}

// srcAUnits are the units E1–E4 of TestH9SrcAReportMetrics.
func srcAUnits(t *testing.T, db *warehouse.DB) {
	t.Helper()
	const gl, lq = "370812001", "370812003"
	d := func(s string) *time.Time { x := day(s); return &x }
	none := (*time.Time)(nil)
	v := uint64(1)
	insert(t, db, "dim_enterprise", "enterprise_id, name, town_code, territorial_unit, industry_code, supervise_dept_code, is_high_risk, scale, opened_date, closed_date, _version",
		[]any{"E1", "一号", gl, gl, "IT.LAB", "D15", uint8(0), "规上", d("2020-01-01"), none, v},
		[]any{"E2", "二号", gl, gl, "HC.PROD", "D15", uint8(1), "规上", d("2020-01-01"), none, v},
		[]any{"E3", "三号", lq, lq, "HC.PROD", "D15", uint8(1), "规下", d("2024-07-01"), none, v},
		[]any{"E4", "四号", lq, lq, "IT.CS", "D15", uint8(0), "小微", d("2010-01-01"), d("2024-06-01"), v})
}
