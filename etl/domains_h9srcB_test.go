package etl_test

import (
	"strings"
	"testing"
)

// hazard_notifications.csv: 8 rows (lines 2–9). Bad: line 5 告知对象 法定代表人, line 6 a date in 2062,
// line 7 the key of line 3 (hazard and role) with another date, line 9 告知方式 传真. Line 8 repeats
// line 4 exactly: 4 rows load, 3 notifications remain.
func TestHazardNotificationDomain(t *testing.T) {
	t.Parallel()
	db := loadDomain(t, map[string]domainCounts{"notices": {8, 4, 4}},
		domainSource("notices", "hazard_notifications", "hazard_platform", "hazard_notifications.csv"))
	wantQuarantine(t, db, "notices", "5:告知对象", "6:告知日期", "7:隐患编号", "9:告知方式")

	var n uint64
	queryRow(t, db, "SELECT count() FROM fact_hazard_notification FINAL WHERE _deleted = 0", &n)
	var id, name, phone, dept, dept2 string
	queryRow(t, db, "SELECT hazard_id, person_name_masked, phone_masked, notifier_dept_code FROM fact_hazard_notification FINAL WHERE src_id = 'YH202403050001'",
		&id, &name, &phone, &dept)
	queryRow(t, db, "SELECT notifier_dept_code FROM fact_hazard_notification FINAL WHERE src_id = 'YH202403070001' AND notice_role = '主要负责人'", &dept2)
	// The id carries the platform prefix as fact_hazard's does; the name and phone are masked; 应急局
	// (short form) is D15; line 4 names no department.
	if n != 3 || id != "hazard_platform:YH202403050001" || name != "张**" || phone != "138****5678" || dept != "D15" || dept2 != "D15" {
		t.Errorf("%d notices; %s %s %s %s, %s; want 3; hazard_platform:YH202403050001 张** 138****5678 D15, D15", n, id, name, phone, dept, dept2)
	}
}

// credit_lists.csv: 7 rows (lines 2–8). Bad: line 5 移出 (05-01) before 列入 (06-01), line 6 名单类型
// 红名单, line 7 个人 without the person's name, line 8 a USCC of 7 characters. Of the 3 loaded, XY…02
// is a person of 乙化工 in park P01 (HC.PROD) and XY…03 a unit the registry does not know, kept
// with the town the row names (大安镇 370812101) and no industry.
func TestCreditListDomain(t *testing.T) {
	t.Parallel()
	db := loadDomain(t, map[string]domainCounts{"credit": {7, 3, 4}},
		domainSource("credit", "credit_lists", "credit_system", "credit_lists.csv"))
	wantQuarantine(t, db, "credit", "5:移出日期", "6:名单类型", "7:失信人员", "8:统一社会信用代码")

	var unit2, ind2, person, reason, unit3, ind3, unit1 string
	queryRow(t, db, "SELECT territorial_unit, industry_code, person_name_masked, reason FROM fact_credit_list FINAL WHERE entry_id = 'XY20240002'",
		&unit2, &ind2, &person, &reason)
	queryRow(t, db, "SELECT territorial_unit, industry_code FROM fact_credit_list FINAL WHERE entry_id = 'XY20240003'", &unit3, &ind3)
	queryRow(t, db, "SELECT territorial_unit FROM fact_credit_list FINAL WHERE entry_id = 'XY20240001'", &unit1)
	if unit2 != "P01" || ind2 != "HC.PROD" || person != "刘**" || strings.Contains(reason, "13812345678") {
		t.Errorf("XY20240002: unit %s industry %s person %s reason %q; want P01 HC.PROD 刘** and the phone masked", unit2, ind2, person, reason)
	}
	if unit3 != "370812101" || ind3 != "" || unit1 != "370812001" {
		t.Errorf("XY20240003 unit %s industry %q, XY20240001 unit %s; want 370812101 \"\", 370812001", unit3, ind3, unit1)
	}
}

// park_assessments.csv: 9 rows (lines 2–10). Bad: line 4 the chemical park without a grade, line 5 a
// grade for 兖州工业园区 (no chemical park), line 6 已验收 without a date, line 7 accepted (07-10) after
// the assessment (06-30) that reports it, line 8 grade E, line 9 a park not of the district, line 10
// -1 supervisors. Lines 2 and 3 load.
func TestParkAssessmentDomain(t *testing.T) {
	t.Parallel()
	db := loadDomain(t, map[string]domainCounts{"parks": {9, 2, 7}},
		domainSource("parks", "park_assessments", "park_assessment", "park_assessments.csv"))
	wantQuarantine(t, db, "parks", "4:安全风险等级", "5:安全风险等级", "6:规范化建设验收日期", "7:规范化建设验收日期", "8:安全风险等级",
		"9:园区名称", "10:实配安全监管人员")
	var parks string
	queryRow(t, db, "SELECT arrayStringConcat(groupArray(concat(park_code, ':', toString(actual_safety_staff), ':', risk_grade)), ',') FROM (SELECT * FROM fact_park_assessment FINAL WHERE _deleted = 0 ORDER BY park_code)", &parks)
	if parks != "P01:5:,P03:8:C" {
		t.Errorf("loaded %s, want P01:5:,P03:8:C", parks)
	}
}

// assessment_results.csv: 8 rows (lines 2–9). Bad: line 5 黄屯街道 (not ours), line 6 the year 2021,
// line 7 督查激励 with the assessment's word 优秀, line 8 a score of 105, line 9 a score on the
// incentive selection. Loaded: 鼓楼 92.5, 应急局 (→ D15, a department; 2024年 → 2024) 88, 鼓楼's
// incentive 0: scores sum to 180.5.
func TestAssessmentResultDomain(t *testing.T) {
	t.Parallel()
	db := loadDomain(t, map[string]domainCounts{"assessments": {8, 3, 5}},
		domainSource("assessments", "assessment_results", "safety_committee", "assessment_results.csv"))
	wantQuarantine(t, db, "assessments", "5:被考核单位", "6:考核年度", "7:考核结果", "8:得分", "9:得分")
	var kind, year string
	var sum float64
	queryRow(t, db, "SELECT unit_kind, assess_year FROM fact_assessment_result FINAL WHERE unit_code = 'D15'", &kind, &year)
	queryRow(t, db, "SELECT sum(score) FROM fact_assessment_result FINAL WHERE _deleted = 0", &sum)
	if kind != "部门" || year != "2024" || sum != 180.5 {
		t.Errorf("D15 %s %s, scores sum %v; want 部门 2024, 180.5", kind, year, sum)
	}
}
