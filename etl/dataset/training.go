package dataset

import (
	"safetydw/etl/normalize"
)

func init() { Register("training", func(e Env) *Dataset { return Training(e.Enterprises) }) }

var (
	trainingRoles = []string{"主要负责人", "实际控制人", "消防安全责任人", "安全管理人员", "特种作业人员", "从业人员", "劳务派遣灵活用工",
		"明白人", "监管执法人员", "网格员"}
	trainingPrograms = []string{"主要负责人专题", "判定标准学习", "工伤预防能力提升", "大学习大培训", "特种作业取证", "特种作业复审", "明白人",
		"执法跟班", "晨会", "开工第一课"}
	// Roles trained as public servants, not as staff of a unit: their 单位名称 is a department.
	officialRoles = map[string]bool{"监管执法人员": true, "网格员": true}
)

// Training is the training platforms' record of who was trained or examined (fact_training).
// It carries ID numbers, names and phones in clear: the ID number becomes the salted
// person_key (a bad GB 11643 check character is refused, since the key would then split a
// person in two), name and phone are kept masked only, and none of the three is stored, not
// even in the quarantine (the columns are declared PII).
func Training(ents Enterprises) *Dataset {
	return &Dataset{
		Name:        "training",
		Table:       "fact_training",
		Description: "安全培训记录 (training records), one row per person and course or exam",
		Key:         "record_id",
		NotFuture:   []string{"training_date"}, // cert_expiry lies ahead
		Columns: []Column{
			{Name: "record_id", Kind: String},
			{Name: "src_system", Kind: String},
			{Name: "src_id", Kind: String, Headers: []string{"记录编号", "培训记录编号", "record_no"}, Required: true},
			{Name: "person_key", Kind: String, Headers: []string{"身份证号", "公民身份号码", "身份证号码", "证件号码", "id_card"}, Required: true, PII: IDNumber},
			{Name: "person_name_masked", Kind: String, Headers: []string{"姓名", "学员姓名", "name"}, Required: true, PII: PersonName},
			{Name: "phone_masked", Kind: String, Headers: []string{"手机号", "手机号码", "联系电话", "phone"}, PII: Phone},
			{Name: "enterprise_id", Kind: String, Headers: []string{"统一社会信用代码", "社会信用代码", "uscc"}, Parse: optionalUSCC},
			{Name: "unit_name", Kind: String, Headers: []string{"单位名称", "工作单位", "unit"}},
			{Name: "dept_code", Kind: String},
			{Name: "town_code", Kind: String},
			{Name: "territorial_unit", Kind: String},
			{Name: "industry_code", Kind: String},
			{Name: "person_role", Kind: String, Headers: []string{"人员类别", "人员类型", "role"}, Required: true, Parse: oneOf(trainingRoles...)},
			{Name: "program", Kind: String, Headers: []string{"培训项目", "培训类别", "program"}, Required: true, Parse: oneOf(trainingPrograms...)},
			{Name: "cohort_year", Kind: UInt16, Headers: []string{"年度批次", "批次年度", "cohort_year"}},
			{Name: "training_date", Kind: Date, Headers: []string{"培训日期", "培训时间", "考试日期", "training_date"}, Required: true},
			{Name: "hours", Kind: Float64, Headers: []string{"学时", "培训学时", "hours"}, Parse: nonNegative},
			{Name: "exam_result", Kind: String, Headers: []string{"考核结果", "考试结果", "exam_result"}, Parse: optionalOneOf("通过", "未通过", "无考试")},
			{Name: "cert_no", Kind: String, Headers: []string{"证书编号", "cert_no"}},
			{Name: "cert_expiry", Kind: NullableDate, Headers: []string{"证书有效期至", "证书有效期", "cert_expiry"}},
			{Name: "provider", Kind: String, Headers: []string{"培训机构", "provider"}},
			{Name: "channel", Kind: String, Headers: []string{"培训渠道", "培训方式", "channel"}},
			{Name: "source_file", Kind: String},
			{Name: "source_row", Kind: UInt32},
			{Name: "_version", Kind: UInt64},
		},
		Finish: func(r *Record) error {
			trained, _ := r.Time("training_date")
			if err := notBefore(r, "cert_expiry", "证书有效期至", "证书有效期至", trained, "training_date", "培训日期"); err != nil {
				return err
			}
			uscc := r.Str("enterprise_id")
			if officialRoles[r.Str("person_role")] {
				// Regulators sitting in (执法跟班) belong to a department, named in 单位名称.
				code, err := deptCode(r.Str("unit_name"))
				if err != nil {
					return &FieldError{"单位名称", err.Error()}
				}
				r.Set("dept_code", code)
			} else if uscc == "" {
				return &FieldError{"统一社会信用代码", "单位人员的培训记录缺少统一社会信用代码 (a unit's trainee needs the unit's USCC)"}
			}
			r.Set("src_system", r.Meta.SourceSystem)
			r.Set("record_id", r.Meta.SourceSystem+":"+r.Str("src_id"))
			if uscc != "" {
				unit, industry := attribute(ents, uscc, "")
				r.Set("territorial_unit", unit)
				r.Set("town_code", normalize.TownOf(unit))
				r.Set("industry_code", industry)
			}
			return nil
		},
	}
}
