package dataset

import (
	"fmt"
	"strings"
	"time"

	"safetydw/etl/normalize"
)

func init() {
	Register("inspections", func(e Env) *Dataset { return Inspections(e.Enterprises) })
	Register("enforcement_cases", func(e Env) *Dataset { return EnforcementCases(e.Enterprises) })
}

var (
	inspectionKinds  = []string{"行政执法检查", "督导检查", "帮扶指导"}
	inspectionLevels = []string{"区", "镇街", "园区", "市", "省"}
	// The ways of inspecting that domain.md and the 互联网+执法 export name; metrics count
	// 四不两直, 双随机 and 委托执法 among them, so an unknown word is refused, not guessed.
	inspectionModes = []string{"四不两直", "明查暗访", "双随机", "日常", "专项", "复查", "线上巡查", "非现场", "委托执法", "派驻执法",
		"联合检查", "专家指导", "购买服务", "保险机构", "帮扶"}
	caseStatuses  = []string{"在办", "执行中", "已结案"}
	decisionKinds = []string{"行政处罚", "不予处罚(首违/轻微)", "责令改正", "行政强制", "撤案"}
	caseMeasures  = []string{"警告", "通报批评", "罚款", "没收", "没收违法所得", "停产停业整顿", "暂扣吊销许可", "暂扣许可证", "吊销许可证",
		"关闭取缔", "行业禁入", "联合惩戒", "移送公安", "查封扣押"}
)

// parseIndustryName maps the export's 行业类别 (a refdata industry name) to its code; the
// registry's industry wins when the unit is known.
func parseIndustryName(s string) (any, error) {
	if strings.TrimSpace(s) == "" {
		return "", nil
	}
	in, err := normalize.Industry(s)
	return in.Code, err
}

// parseDecisionKind accepts the half- and full-width parentheses staff type alike.
func parseDecisionKind(s string) (any, error) {
	s = strings.NewReplacer("（", "(", "）", ")", " ", "").Replace(strings.TrimSpace(s))
	if s == "" {
		return "", nil
	}
	return normalize.OneOf(s, decisionKinds...)
}

func listOf(words ...string) func(string) (any, error) {
	return func(s string) (any, error) { return normalize.ListOf(s, words...) }
}

// Inspections are the 互联网+执法 system's inspections, supervision and assistance visits
// (fact_inspection), one row per visit to one unit.
func Inspections(ents Enterprises) *Dataset {
	return &Dataset{
		Name:        "inspections",
		Table:       "fact_inspection",
		Description: "执法检查、督导检查与帮扶指导记录 (inspections), one row per visit to one unit",
		Key:         "inspection_id",
		NotFuture:   []string{"inspection_date"},
		Columns: []Column{
			{Name: "inspection_id", Kind: String},
			{Name: "src_system", Kind: String},
			{Name: "src_id", Kind: String, Headers: []string{"检查编号", "inspection_no"}, Required: true},
			{Name: "dept_code", Kind: String, Headers: []string{"检查部门", "执法部门", "dept"}, Required: true, Parse: parseDept},
			{Name: "org_level", Kind: String, Headers: []string{"检查层级", "org_level"}, Required: true, Parse: oneOf(inspectionLevels...)},
			{Name: "town_code", Kind: String, Headers: []string{"所属镇街", "镇街", "town"}, Required: true, Parse: parsePlace},
			{Name: "territorial_unit", Kind: String},
			{Name: "enterprise_id", Kind: String, Headers: []string{"统一社会信用代码", "社会信用代码", "uscc"}, Parse: optionalUSCC},
			{Name: "enterprise_name", Kind: String, Headers: []string{"被检查单位", "单位名称", "enterprise_name"}},
			{Name: "industry_code", Kind: String, Headers: []string{"行业类别", "行业", "industry"}, Parse: parseIndustryName},
			{Name: "inspection_date", Kind: Date, Headers: []string{"检查日期", "检查时间", "inspection_date"}, Required: true},
			{Name: "inspection_kind", Kind: String, Headers: []string{"检查类别", "inspection_kind"}, Required: true, Parse: oneOf(inspectionKinds...)},
			{Name: "is_enforcement", Kind: UInt8},
			{Name: "modes", Kind: StringList, Headers: []string{"检查方式", "modes"}, Parse: listOf(inspectionModes...)},
			{Name: "campaign", Kind: String, Headers: []string{"专项行动", "campaign"}, PII: FreeText},
			{Name: "violations_found", Kind: UInt16, Headers: []string{"发现违法行为数", "违法行为数", "violations_found"}},
			{Name: "hazards_general", Kind: UInt16, Headers: []string{"发现一般隐患数", "一般隐患数", "hazards_general"}},
			{Name: "hazards_major", Kind: UInt16, Headers: []string{"发现重大隐患数", "重大隐患数", "hazards_major"}},
			{Name: "preached_standard", Kind: UInt8, Headers: []string{"是否宣讲判定标准", "宣讲判定标准", "preached_standard"}},
			{Name: "spot_tested", Kind: UInt16, Headers: []string{"现场抽测人数", "spot_tested"}},
			{Name: "spot_passed", Kind: UInt16, Headers: []string{"抽测合格人数", "spot_passed"}},
			{Name: "in_internet_plus", Kind: UInt8, Headers: []string{"是否录入互联网+执法", "录入互联网+执法", "in_internet_plus"}},
			{Name: "source_file", Kind: String},
			{Name: "source_row", Kind: UInt32},
			{Name: "_version", Kind: UInt64},
		},
		Finish: func(r *Record) error {
			if tested, passed := r.Get("spot_tested").(uint16), r.Get("spot_passed").(uint16); passed > tested {
				return &FieldError{"抽测合格人数", fmt.Sprintf("抽测合格人数 %d 多于现场抽测人数 %d (more passed than tested)", passed, tested)}
			}
			r.Set("is_enforcement", boolByte(r.Str("inspection_kind") == "行政执法检查"))
			r.Set("src_system", r.Meta.SourceSystem)
			r.Set("inspection_id", r.Meta.SourceSystem+":"+r.Str("src_id"))
			unit, industry := attribute(ents, r.Str("enterprise_id"), r.Str("town_code"))
			r.Set("territorial_unit", unit)
			if industry != "" {
				r.Set("industry_code", industry)
			}
			return nil
		},
	}
}

// EnforcementCases are the 互联网+执法 system's cases and decisions (fact_enforcement_case).
// Its inspection link uses the same src_system as Inspections, so both sources must name
// the same system.
func EnforcementCases(ents Enterprises) *Dataset {
	return &Dataset{
		Name:        "enforcement_cases",
		Table:       "fact_enforcement_case",
		Description: "行政执法案件 (enforcement cases and decisions), one row per case",
		Key:         "case_id",
		NotFuture:   []string{"filed_date", "decision_date"},
		Columns: []Column{
			{Name: "case_id", Kind: String},
			{Name: "src_system", Kind: String},
			{Name: "src_id", Kind: String, Headers: []string{"案件编号", "决定书编号", "case_no"}, Required: true},
			{Name: "inspection_id", Kind: String, Headers: []string{"检查编号", "inspection_no"}},
			{Name: "dept_code", Kind: String, Headers: []string{"执法部门", "检查部门", "dept"}, Required: true, Parse: parseDept},
			{Name: "town_code", Kind: String, Headers: []string{"所属镇街", "镇街", "town"}, Required: true, Parse: parsePlace},
			{Name: "territorial_unit", Kind: String},
			{Name: "enterprise_id", Kind: String, Headers: []string{"统一社会信用代码", "社会信用代码", "uscc"}, Parse: optionalUSCC},
			{Name: "party_name", Kind: String, Headers: []string{"当事人", "被处罚单位", "party"}, PII: FreeText},
			{Name: "industry_code", Kind: String, Headers: []string{"行业类别", "行业", "industry"}, Parse: parseIndustryName},
			{Name: "filed_date", Kind: Date, Headers: []string{"立案日期", "filed_date"}, Required: true},
			{Name: "decision_date", Kind: NullableDate, Headers: []string{"决定日期", "decision_date"}},
			{Name: "case_status", Kind: String, Headers: []string{"案件状态", "case_status"}, Required: true, Parse: oneOf(caseStatuses...)},
			{Name: "decision_kind", Kind: String, Headers: []string{"决定类型", "decision_kind"}, Parse: parseDecisionKind},
			{Name: "violation_types", Kind: StringList, Headers: []string{"违法行为类型", "violation_types"}},
			{Name: "measures", Kind: StringList, Headers: []string{"处罚种类", "处罚措施", "measures"}, Parse: listOf(caseMeasures...)},
			{Name: "fine_entity", Kind: Float64, Headers: []string{"单位罚款(元)", "单位罚款（元）", "单位罚款", "fine_entity"}, Parse: nonNegative},
			{Name: "fine_individual", Kind: Float64, Headers: []string{"个人罚款(元)", "个人罚款（元）", "个人罚款", "fine_individual"}, Parse: nonNegative},
			{Name: "individuals_fined", Kind: UInt8, Headers: []string{"被处罚个人数", "individuals_fined"}, Parse: smallCount},
			{Name: "is_double_penalty", Kind: UInt8},
			{Name: "is_upper_limit", Kind: UInt8, Headers: []string{"是否顶格处罚", "顶格处罚", "is_upper_limit"}},
			{Name: "is_criminal_transfer", Kind: UInt8, Headers: []string{"是否移送公安", "移送公安", "is_criminal_transfer"}},
			{Name: "is_typical_case", Kind: UInt8, Headers: []string{"是否典型案例", "典型案例", "is_typical_case"}},
			{Name: "source_file", Kind: String},
			{Name: "source_row", Kind: UInt32},
			{Name: "_version", Kind: UInt64},
		},
		Finish: func(r *Record) error {
			filed := r.Get("filed_date").(time.Time)
			if err := notBefore(r, "decision_date", "决定日期", "决定日期", filed, "filed_date", "立案日期"); err != nil {
				return err
			}
			decided := r.Get("decision_date").(*time.Time) != nil
			status, kind := r.Str("case_status"), r.Str("decision_kind")
			// An undecided case (在办) has no decision yet; a decided one must say what it decided.
			switch {
			case status == "在办" && (decided || kind != ""):
				return &FieldError{"案件状态", "在办案件不应有决定日期或决定类型 (a case 在办 has no decision yet)"}
			case status != "在办" && !decided:
				return &FieldError{"决定日期", "案件状态为" + status + "，缺少决定日期 (a decided case needs its decision date)"}
			case status != "在办" && kind == "":
				return &FieldError{"决定类型", "案件状态为" + status + "，缺少决定类型 (a decided case needs its decision kind)"}
			}
			entity, person := r.Get("fine_entity").(float64), r.Get("fine_individual").(float64)
			if (entity > 0 || person > 0) && kind != "行政处罚" {
				return &FieldError{"决定类型", "有罚款但决定类型为 " + quote(kind) + " (fines need a 行政处罚 decision)"}
			}
			if person > 0 && r.Get("individuals_fined").(uint8) == 0 {
				return &FieldError{"被处罚个人数", "有个人罚款但被处罚个人数为 0 (individual fine without fined persons)"}
			}
			// 一案双罚 (T80/T109): the unit and a responsible person both fined in the case.
			r.Set("is_double_penalty", boolByte(entity > 0 && person > 0))
			r.Set("src_system", r.Meta.SourceSystem)
			r.Set("case_id", r.Meta.SourceSystem+":"+r.Str("src_id"))
			if in := r.Str("inspection_id"); in != "" {
				r.Set("inspection_id", r.Meta.SourceSystem+":"+in)
			}
			unit, industry := attribute(ents, r.Str("enterprise_id"), r.Str("town_code"))
			r.Set("territorial_unit", unit)
			if industry != "" {
				r.Set("industry_code", industry)
			}
			return nil
		},
	}
}

// smallCount reads a count of persons into a UInt8 column (the kind's default parser reads
// yes/no flags); empty is 0.
func smallCount(s string) (any, error) {
	n, err := normalize.Count(s)
	if err == nil && n > 255 {
		err = fmt.Errorf("数值过大 %q (too large)", s)
	}
	return uint8(n), err
}
