package etl_test

import (
	"math"
	"testing"
)

// The 主体责任 sources end to end, from files into their tables after the three-unit registry.
//
// annual_reports.csv, lines 2–6: 2 甲机械 (鼓楼) loads; 3 乙化工 (P01) loads, 使用 650 > 提取 500
// (flagged), 人防 "1,200.50" → 1200.5, its remark's phone masked; 4 a USCC not in the registry;
// 5 人防投入 -1; 6 an exact copy of line 2 (loaded, kept once): read 5, loaded 3, 2 rows remain.
// self_inspections.csv: line 4 带队人职务 总经理; ZC000001 is led by the principal, ZC000002 is not.
// designations.csv: line 4 is a grading without a grade.
// study_activities.csv: line 5 黄屯街道 is not ours; DX2 belongs to park P01, DX3 to 应急局 (D15).
func TestResponsibilityDomain(t *testing.T) {
	t.Parallel()
	db := loadDomain(t, map[string]domainCounts{
		"annual_reports":   {5, 3, 2},
		"self_inspections": {3, 2, 1},
		"designations":     {3, 2, 1},
		"study_activities": {4, 3, 1},
	},
		domainSource("annual_reports", "enterprise_annual_reports", "annual_report", "annual_reports.csv"),
		domainSource("self_inspections", "self_inspections", "dual_prevention", "self_inspections.csv"),
		domainSource("designations", "enterprise_designations", "emergency_bureau", "designations.csv"),
		domainSource("study_activities", "study_activities", "safety_committee", "study_activities.csv"))
	wantQuarantine(t, db, "annual_reports", "4:统一社会信用代码", "5:人防投入（万元）")
	wantQuarantine(t, db, "self_inspections", "4:带队人职务")
	wantQuarantine(t, db, "designations", "4:分级分类等级")
	wantQuarantine(t, db, "study_activities", "5:组织单位")

	var reports uint64
	var unit, remarks string
	var people, drawn, used float64
	var overspent uint8
	queryRow(t, db, "SELECT count() FROM fact_enterprise_annual_report FINAL WHERE _deleted = 0", &reports)
	queryRow(t, db, "SELECT territorial_unit, invest_people, fee_drawn, fee_used, fee_overspent, remarks FROM fact_enterprise_annual_report FINAL "+
		"WHERE report_id = '2024:91370812MA0000002B'", &unit, &people, &drawn, &used, &overspent, &remarks)
	if reports != 2 || unit != "P01" || math.Abs(people-1200.5) > 1e-9 || drawn != 500 || used != 650 || overspent != 1 || remarks != "联系人 138****2345" {
		t.Errorf("annual reports: %d rows; 乙化工 unit %s, 人防 %v, fees %v/%v, overspent %d, remark %q; want 2, P01, 1200.5, 500/650, 1, 联系人 138****2345",
			reports, unit, people, drawn, used, overspent, remarks)
	}
	var led uint64
	var checkUnit string
	queryRow(t, db, "SELECT sum(led_by_principal) FROM fact_self_inspection FINAL WHERE _deleted = 0", &led)
	queryRow(t, db, "SELECT territorial_unit FROM fact_self_inspection FINAL WHERE check_id = 'dual_prevention:ZC000002'", &checkUnit)
	if led != 1 || checkUnit != "P01" {
		t.Errorf("self inspections: %d led by the principal, ZC000002 unit %s; want 1, P01", led, checkUnit)
	}
	var grade, industry string
	queryRow(t, db, "SELECT grade, industry_code FROM fact_enterprise_designation FINAL WHERE designation_id = '工贸分级分类:2024:91370812MA0000003C'", &grade, &industry)
	if grade != "C" || industry != "IT.DUST" {
		t.Errorf("丙木业 grading: grade %s industry %s; want C, IT.DUST", grade, industry)
	}
	var parkUnit, parkTown, dept string
	queryRow(t, db, "SELECT territorial_unit, town_code FROM fact_study_activity FINAL WHERE activity_id = 'DX2'", &parkUnit, &parkTown)
	queryRow(t, db, "SELECT dept_code FROM fact_study_activity FINAL WHERE activity_id = 'DX3'", &dept)
	if parkUnit != "P01" || parkTown != "370812003" || dept != "D15" {
		t.Errorf("DX2 unit %s town %s, DX3 dept %s; want P01, 370812003, D15", parkUnit, parkTown, dept)
	}
}
