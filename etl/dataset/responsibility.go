package dataset

import (
	"fmt"
	"strconv"
	"time"

	"safetydw/etl/normalize"
)

// The enterprise side of 主体责任 (T11, T14, T35, T73, T75, T76, T85, T93, T101, T113, T114):
// what units report of themselves each year, their own inspections, and the lists on which
// 区应急局 grades or designates them. Every row is about one registered unit: a USCC the
// registry does not know is refused, since the row would count in no unit's denominator.

func init() {
	Register("enterprise_annual_reports", func(e Env) *Dataset { return EnterpriseAnnualReports(e.Enterprises) })
	Register("self_inspections", func(e Env) *Dataset { return SelfInspections(e.Enterprises) })
	Register("enterprise_designations", func(e Env) *Dataset { return EnterpriseDesignations(e.Enterprises) })
}

// The plan runs 2024–2026 against a 2023 baseline; a report year outside is a typing error
// (2204, 2019), not an old report worth keeping.
const firstReportYear, lastReportYear = 2023, 2026

func parseReportYear(s string) (any, error) {
	y, err := normalize.Count(s)
	if err != nil {
		return nil, err
	}
	if y < firstReportYear || y > lastReportYear {
		return nil, fmt.Errorf("年度 %d 不在 %d–%d 之间 (year outside the campaign)", y, firstReportYear, lastReportYear)
	}
	return uint16(y), nil
}

// registeredUnit checks that the row's USCC is a registry unit and sets the columns the fact
// borrows from it.
func registeredUnit(r *Record, ents Enterprises) error {
	uscc := r.Str("enterprise_id")
	if _, ok := ents[uscc]; !ok {
		return &FieldError{"统一社会信用代码", "统一社会信用代码 " + quote(uscc) + " 不在生产经营单位名录中 (unit not in the registry)"}
	}
	unit, industry := attribute(ents, uscc, "")
	r.Set("territorial_unit", unit)
	r.Set("town_code", normalize.TownOf(unit))
	r.Set("industry_code", industry)
	return nil
}

// rescueTeams are the ways 安全生产法 第82条 lets a high-risk unit meet the duty (T73).
var rescueTeams = []string{"专职救援队伍", "兼职救援人员", "签订救援协议", "无"}

// EnterpriseAnnualReports is 企业安全生产主体责任落实情况年度填报: each unit's yearly self-report,
// collected by towns and parks as spreadsheets and filed with 区安委会办公室.
func EnterpriseAnnualReports(ents Enterprises) *Dataset {
	amount := func(name string, headers ...string) Column {
		return Column{Name: name, Kind: Float64, Headers: headers, Parse: nonNegative}
	}
	return &Dataset{
		Name:        "enterprise_annual_reports",
		Table:       "fact_enterprise_annual_report",
		Description: "企业安全生产主体责任落实情况年度填报 (units' annual self-reports), one row per unit and year",
		Key:         "report_id",
		NotFuture:   []string{"filed_date", "responsibility_list_date"},
		Columns: []Column{
			{Name: "report_id", Kind: String},
			{Name: "report_year", Kind: UInt16, Headers: []string{"填报年度", "年度", "report_year"}, Required: true, Parse: parseReportYear},
			{Name: "enterprise_id", Kind: String, Headers: []string{"统一社会信用代码", "社会信用代码", "uscc"}, Required: true, Parse: parseUSCC},
			{Name: "enterprise_name", Kind: String, Headers: []string{"单位名称", "企业名称", "name"}},
			{Name: "town_code", Kind: String},
			{Name: "territorial_unit", Kind: String},
			{Name: "industry_code", Kind: String},
			{Name: "filed_date", Kind: Date, Headers: []string{"填报日期", "报送日期", "filed_date"}, Required: true},
			{Name: "key_item_list", Kind: UInt8, Headers: []string{"重大事故隐患排查重点事项清单", "重点事项清单", "key_item_list"}, Required: true},
			{Name: "responsibility_list", Kind: UInt8, Headers: []string{"全员安全生产责任制清单", "责任制清单", "responsibility_list"}, Required: true},
			{Name: "responsibility_list_date", Kind: NullableDate, Headers: []string{"责任制清单建立日期", "清单建立日期", "responsibility_list_date"}},
			{Name: "rescue_team", Kind: String, Headers: []string{"应急救援队伍", "救援队伍建设", "rescue_team"}, Required: true, Parse: oneOf(rescueTeams...)},
			{Name: "morning_meeting", Kind: UInt8, Headers: []string{"安全生产晨会", "晨会制度", "morning_meeting"}, Required: true},
			{Name: "reward_scheme", Kind: UInt8, Headers: []string{"内部奖励制度", "安全生产内部奖励制度", "reward_scheme"}, Required: true},
			amount("invest_people", "人防投入（万元）", "人防投入", "invest_people"),
			amount("invest_tech", "技防投入（万元）", "技防投入", "invest_tech"),
			amount("invest_works", "工程防投入（万元）", "工程防投入", "invest_works"),
			amount("invest_management", "管理防投入（万元）", "管理防投入", "invest_management"),
			amount("fee_drawn", "安全费用提取（万元）", "安全费用提取", "fee_drawn"),
			amount("fee_used", "安全费用使用（万元）", "安全费用使用", "fee_used"),
			{Name: "fee_overspent", Kind: UInt8},
			{Name: "remarks", Kind: String, Headers: []string{"备注", "remarks"}, PII: FreeText},
			{Name: "source_file", Kind: String},
			{Name: "source_row", Kind: UInt32},
			{Name: "_version", Kind: UInt64},
		},
		Finish: func(r *Record) error {
			year := r.Get("report_year").(uint16)
			has := r.Get("responsibility_list").(uint8) == 1
			listed, _ := r.Get("responsibility_list_date").(*time.Time)
			if has != (listed != nil) {
				return &FieldError{"责任制清单建立日期", "已建立责任制清单须填建立日期，未建立则不填 (the list's date is given exactly when the list exists)"}
			}
			// A year's report is filed in that year's last months or after it, never before.
			if filed := r.Get("filed_date").(time.Time); filed.Year() < int(year) {
				return &FieldError{"填报日期", fmt.Sprintf("填报日期 %s 早于填报年度 %d (filed before the year it reports)", filed.Format("2006-01-02"), year)}
			}
			// Using more than was drawn is lawful (last years' balance) but worth a look (T114).
			r.Set("fee_overspent", boolByte(r.Get("fee_used").(float64) > r.Get("fee_drawn").(float64)))
			r.Set("report_id", strconv.Itoa(int(year))+":"+r.Str("enterprise_id"))
			return registeredUnit(r, ents)
		},
	}
}

// Leader roles of an enterprise's own inspection; T14 counts those led by the 主要负责人.
var inspectionLeaders = []string{"主要负责人", "分管负责人", "安全管理人员", "车间班组负责人"}

// SelfInspections is the 双重预防机制 platform's record of the checks units make themselves (T14).
func SelfInspections(ents Enterprises) *Dataset {
	return &Dataset{
		Name:        "self_inspections",
		Table:       "fact_self_inspection",
		Description: "企业安全检查记录 (units' own inspections), one row per inspection",
		Key:         "check_id",
		NotFuture:   []string{"check_date"},
		Columns: []Column{
			{Name: "check_id", Kind: String},
			{Name: "src_system", Kind: String},
			{Name: "src_id", Kind: String, Headers: []string{"检查编号", "记录编号", "check_no"}, Required: true},
			{Name: "enterprise_id", Kind: String, Headers: []string{"统一社会信用代码", "社会信用代码", "uscc"}, Required: true, Parse: parseUSCC},
			{Name: "town_code", Kind: String},
			{Name: "territorial_unit", Kind: String},
			{Name: "industry_code", Kind: String},
			{Name: "check_date", Kind: Date, Headers: []string{"检查日期", "检查时间", "check_date"}, Required: true},
			{Name: "leader_role", Kind: String, Headers: []string{"带队人职务", "带队人员类别", "leader_role"}, Required: true, Parse: oneOf(inspectionLeaders...)},
			{Name: "led_by_principal", Kind: UInt8},
			{Name: "scope", Kind: String, Headers: []string{"检查类型", "检查范围", "scope"}, Parse: optionalOneOf("综合检查", "专项检查", "季节性检查", "节假日检查")},
			{Name: "hazards_found_general", Kind: UInt16, Headers: []string{"发现一般隐患数", "一般隐患", "hazards_general"}},
			{Name: "hazards_found_major", Kind: UInt16, Headers: []string{"发现重大隐患数", "重大隐患", "hazards_major"}},
			{Name: "source_file", Kind: String},
			{Name: "source_row", Kind: UInt32},
			{Name: "_version", Kind: UInt64},
		},
		Finish: func(r *Record) error {
			r.Set("led_by_principal", boolByte(r.Str("leader_role") == "主要负责人"))
			r.Set("src_system", r.Meta.SourceSystem)
			r.Set("check_id", r.Meta.SourceSystem+":"+r.Str("src_id"))
			return registeredUnit(r, ents)
		},
	}
}

// designations are 区应急局's lists; only 工贸分级分类 carries a grade.
var designations = []string{"工贸分级分类", "标准化标杆企业", "示范引领企业"}

// EnterpriseDesignations is 区应急局's register of units graded by the 工贸 grading system (T35)
// or designated 标准化标杆企业 (T75) or 示范引领企业 (T76).
func EnterpriseDesignations(ents Enterprises) *Dataset {
	return &Dataset{
		Name:        "enterprise_designations",
		Table:       "fact_enterprise_designation",
		Description: "分级分类与标杆、示范企业名单 (units graded or designated by 区应急局), one row per unit, list and year",
		Key:         "designation_id",
		NotFuture:   []string{"designated_date"},
		Columns: []Column{
			{Name: "designation_id", Kind: String},
			{Name: "designation", Kind: String, Headers: []string{"名单类别", "认定类别", "designation"}, Required: true, Parse: oneOf(designations...)},
			{Name: "designation_year", Kind: UInt16, Headers: []string{"年度", "认定年度", "year"}, Required: true, Parse: parseReportYear},
			{Name: "enterprise_id", Kind: String, Headers: []string{"统一社会信用代码", "社会信用代码", "uscc"}, Required: true, Parse: parseUSCC},
			{Name: "town_code", Kind: String},
			{Name: "territorial_unit", Kind: String},
			{Name: "industry_code", Kind: String},
			{Name: "grade", Kind: String, Headers: []string{"分级分类等级", "监管类别", "grade"}, Parse: optionalOneOf("A", "B", "C", "D")},
			{Name: "designated_date", Kind: Date, Headers: []string{"认定日期", "designated_date"}, Required: true},
			{Name: "doc_no", Kind: String, Headers: []string{"认定文号", "文号", "doc_no"}},
			{Name: "source_file", Kind: String},
			{Name: "source_row", Kind: UInt32},
			{Name: "_version", Kind: UInt64},
		},
		Finish: func(r *Record) error {
			kind, grade := r.Str("designation"), r.Str("grade")
			if (kind == "工贸分级分类") != (grade != "") {
				return &FieldError{"分级分类等级", "工贸分级分类须填等级 A–D，标杆、示范名单不填 (a grade exactly on the grading list)"}
			}
			year := r.Get("designation_year").(uint16)
			if d := r.Get("designated_date").(time.Time); d.Year() != int(year) {
				return &FieldError{"认定日期", fmt.Sprintf("认定日期 %s 不在年度 %d 内 (date outside the list's year)", d.Format("2006-01-02"), year)}
			}
			r.Set("designation_id", kind+":"+strconv.Itoa(int(year))+":"+r.Str("enterprise_id"))
			return registeredUnit(r, ents)
		},
	}
}

func init() { Register("study_activities", func(Env) *Dataset { return StudyActivities() }) }

// StudyActivities is the ledger of "大学习、大培训"专项行动 activities that towns, parks and departments
// report to 区安委会办公室 (T65). A town or park activity belongs to that territorial unit, a
// department's to the department; an organizer the reference data does not know is refused, since
// the activity would count for nobody.
func StudyActivities() *Dataset {
	return &Dataset{
		Name:        "study_activities",
		Table:       "fact_study_activity",
		Description: "“大学习、大培训”专项行动活动台账 (study campaign activities), one row per activity",
		Key:         "activity_id",
		NotFuture:   []string{"activity_date"},
		Columns: []Column{
			{Name: "activity_id", Kind: String, Headers: []string{"活动编号", "编号", "activity_no"}, Required: true},
			{Name: "organizer_kind", Kind: String, Headers: []string{"组织单位类型", "单位类型", "organizer_kind"}, Required: true, Parse: oneOf("镇街", "园区", "部门")},
			{Name: "organizer", Kind: String, Headers: []string{"组织单位", "主办单位", "organizer"}, Required: true},
			{Name: "town_code", Kind: String},
			{Name: "territorial_unit", Kind: String},
			{Name: "dept_code", Kind: String},
			{Name: "activity_date", Kind: Date, Headers: []string{"活动日期", "开展日期", "activity_date"}, Required: true},
			{Name: "activity_form", Kind: String, Headers: []string{"活动形式", "形式", "activity_form"}, Required: true,
				Parse: oneOf("集中培训", "专题讲座", "知识竞赛", "警示教育", "线上学习", "送教上门")},
			{Name: "participants", Kind: UInt32, Headers: []string{"参加人数", "参训人数", "participants"}, Required: true},
			{Name: "units", Kind: UInt32, Headers: []string{"参加单位数", "参训单位数", "units"}},
			{Name: "remarks", Kind: String, Headers: []string{"备注", "remarks"}, PII: FreeText},
			{Name: "source_file", Kind: String},
			{Name: "source_row", Kind: UInt32},
			{Name: "_version", Kind: UInt64},
		},
		Finish: func(r *Record) error {
			name := r.Str("organizer")
			if r.Str("organizer_kind") == "部门" {
				code, err := normalize.Dept(name)
				if err != nil {
					return &FieldError{"组织单位", err.Error()}
				}
				r.Set("dept_code", code)
				return nil
			}
			unit, err := normalize.Unit(name)
			if err != nil {
				return &FieldError{"组织单位", err.Error()}
			}
			r.Set("territorial_unit", unit)
			r.Set("town_code", normalize.TownOf(unit))
			return nil
		},
	}
}
