package dataset

import (
	"time"

	"safetydw/warehouse/refdata"
)

func init() { Register("park_assessments", func(Env) *Dataset { return ParkAssessments() }) }

// ParkAssessments is 应急局's 园区安全监管评估表 (fact_park_assessment; T25, T28, T50): one row per
// park and assessment. The number of supervisors a park needs is reference data
// (dim_park.required_safety_staff); the sheet says how many are in post.
func ParkAssessments() *Dataset {
	chemical := map[string]bool{}
	for _, p := range refdata.Parks() {
		chemical[p.Code] = p.IsChemical
	}
	return &Dataset{
		Name:        "park_assessments",
		Table:       "fact_park_assessment",
		Description: "园区安全监管评估表 (park assessments), one row per park and assessment day",
		Key:         "park_code",
		KeyWith:     []string{"assess_date"},
		NotFuture:   []string{"assess_date", "std_done_date"},
		Columns: []Column{
			{Name: "park_code", Kind: String, Headers: []string{"园区名称", "所属园区", "园区", "park"}, Required: true, Parse: parsePark},
			{Name: "assess_date", Kind: Date, Headers: []string{"评估日期", "assess_date"}, Required: true},
			{Name: "actual_safety_staff", Kind: UInt16, Headers: []string{"实配安全监管人员", "安全监管人员实有数", "actual_safety_staff"}, Required: true},
			{Name: "std_status", Kind: String, Headers: []string{"规范化建设状态", "std_status"}, Required: true, Parse: oneOf("未启动", "建设中", "已验收")},
			{Name: "std_done_date", Kind: NullableDate, Headers: []string{"规范化建设验收日期", "验收日期", "std_done_date"}},
			{Name: "risk_grade", Kind: String, Headers: []string{"安全风险等级", "风险等级", "risk_grade"}, Parse: optionalOneOf("A", "B", "C", "D")},
			{Name: "assessor_dept_code", Kind: String, Headers: []string{"评估部门", "assessor_dept"}, Parse: optionalDept},
			{Name: "note", Kind: String, Headers: []string{"备注", "note"}, PII: FreeText},
			{Name: "source_file", Kind: String},
			{Name: "source_row", Kind: UInt32},
			{Name: "_version", Kind: UInt64},
		},
		Finish: func(r *Record) error {
			done, _ := r.Get("std_done_date").(*time.Time)
			if (done != nil) != (r.Str("std_status") == "已验收") {
				return &FieldError{"规范化建设验收日期", "状态 " + quote(r.Str("std_status")) + " 与验收日期不符 (已验收 exactly when accepted)"}
			}
			if assessed := r.Get("assess_date").(time.Time); done != nil && done.After(assessed) {
				return &FieldError{"规范化建设验收日期", "验收日期 " + done.Format(time.DateOnly) + " 晚于评估日期 " + assessed.Format(time.DateOnly) +
					" (accepted after the assessment that reports it)"}
			}
			// The risk grade is the 化工园区 assessment's: a chemical park has one, other parks none.
			if chem, graded := chemical[r.Str("park_code")], r.Str("risk_grade") != ""; chem != graded {
				if chem {
					return &FieldError{"安全风险等级", "化工园区须填安全风险等级 A–D (a chemical park needs its risk grade)"}
				}
				return &FieldError{"安全风险等级", "非化工园区不评定安全风险等级 (only chemical parks are graded)"}
			}
			return nil
		},
	}
}
