package dataset

import (
	"fmt"
	"strconv"
	"strings"

	"safetydw/etl/normalize"
)

func init() { Register("assessment_results", func(Env) *Dataset { return AssessmentResults() }) }

// assessmentResults are the words each item's result may take.
var assessmentResults = map[string][]string{
	"安全生产责任制考核": {"优秀", "良好", "合格", "不合格"},
	"督查激励":      {"获得激励", "未获激励"},
}

// AssessmentResults are the district's yearly 安全生产责任制考核 of towns and departments and its
// 督查激励 selection (fact_assessment_result; T119): one row per unit, year and item. The unit is
// a town or a department, told apart by its name.
func AssessmentResults() *Dataset {
	return &Dataset{
		Name:        "assessment_results",
		Table:       "fact_assessment_result",
		Description: "安全生产考核与督查激励结果 (yearly assessment results), one row per unit, year and item",
		Key:         "unit_code",
		KeyWith:     []string{"assess_year", "item"},
		Columns: []Column{
			{Name: "unit_kind", Kind: String},
			{Name: "unit_code", Kind: String, Headers: []string{"被考核单位", "单位", "unit"}, Required: true},
			{Name: "assess_year", Kind: String, Headers: []string{"考核年度", "年度", "year"}, Required: true, Parse: parseCampaignYear},
			{Name: "item", Kind: String, Headers: []string{"考核事项", "item"}, Required: true, Parse: oneOf("安全生产责任制考核", "督查激励")},
			{Name: "score", Kind: Float64, Headers: []string{"得分", "score"}, Parse: parseScore},
			{Name: "result", Kind: String, Headers: []string{"考核结果", "结果", "result"}, Required: true},
			{Name: "note", Kind: String, Headers: []string{"备注", "note"}, PII: FreeText},
			{Name: "source_file", Kind: String},
			{Name: "source_row", Kind: UInt32},
			{Name: "_version", Kind: UInt64},
		},
		Finish: func(r *Record) error {
			name := r.Str("unit_code")
			if code, err := normalize.Town(name); err == nil {
				r.Set("unit_kind", "镇街")
				r.Set("unit_code", code)
			} else if code, err := normalize.Dept(name); err == nil {
				r.Set("unit_kind", "部门")
				r.Set("unit_code", code)
			} else {
				return &FieldError{"被考核单位", "被考核单位 " + quote(name) + " 既不是本区镇街也不是区直部门 (neither a town nor a department of the district)"}
			}
			item := r.Str("item")
			words := assessmentResults[item]
			if _, err := normalize.OneOf(r.Str("result"), words...); err != nil {
				return &FieldError{"考核结果", fmt.Sprintf("%s的考核结果应为 %s，而不是 %s (result does not fit the item)", item, strings.Join(words, "、"), quote(r.Str("result")))}
			}
			if item == "督查激励" && r.Get("score").(float64) != 0 {
				return &FieldError{"得分", "督查激励不打分 (the incentive selection has no score)"}
			}
			return nil
		},
	}
}

// parseCampaignYear checks a 考核年度 of the campaign's span (2023 baseline to 2026; a year later
// for results of 2026 given in 2027).
func parseCampaignYear(s string) (any, error) {
	s = strings.TrimSuffix(strings.TrimSpace(s), "年")
	if y, err := strconv.Atoi(s); err != nil || y < 2023 || y > 2027 {
		return nil, fmt.Errorf("考核年度 %s 不在 2023–2027 之间 (year outside the campaign)", quote(s))
	}
	return s, nil
}

// parseScore reads a score out of 100; an empty cell is 0 (the incentive selection has none).
func parseScore(s string) (any, error) {
	v, err := nonNegative(s)
	if err != nil {
		return nil, err
	}
	if v.(float64) > 100 {
		return nil, fmt.Errorf("得分 %s 超过100分 (score above 100)", quote(s))
	}
	return v, nil
}
