package dataset

import "time"

func init() { Register("credit_lists", func(e Env) *Dataset { return CreditLists(e.Enterprises) }) }

// CreditLists are the credit system's safety lists (fact_credit_list; T31, T102): one row per entry
// of a unit or a person on the 严重失信主体名单 or the 安全生产“黑名单”. A unit the registry does not
// know stays with the town the row names and has no industry.
func CreditLists(ents Enterprises) *Dataset {
	return &Dataset{
		Name:        "credit_lists",
		Table:       "fact_credit_list",
		Description: "安全生产严重失信主体名单、黑名单 (credit lists), one row per entry",
		Key:         "entry_id",
		NotFuture:   []string{"listed_date", "removed_date"},
		Columns: []Column{
			{Name: "entry_id", Kind: String, Headers: []string{"名单编号", "entry_id"}, Required: true},
			{Name: "list_type", Kind: String, Headers: []string{"名单类型", "list_type"}, Required: true, Parse: oneOf("严重失信主体名单", "黑名单")},
			{Name: "subject_kind", Kind: String, Headers: []string{"主体类型", "subject_kind"}, Required: true, Parse: oneOf("单位", "个人")},
			{Name: "enterprise_id", Kind: String, Headers: []string{"统一社会信用代码", "社会信用代码", "uscc"}, Required: true, Parse: parseUSCC},
			{Name: "unit_name", Kind: String, Headers: []string{"单位名称", "unit_name"}, Required: true},
			{Name: "person_name_masked", Kind: String, Headers: []string{"失信人员", "人员姓名", "person_name"}, PII: PersonName},
			{Name: "town_code", Kind: String, Headers: []string{"所属镇街", "镇街", "town"}, Required: true, Parse: parsePlace},
			{Name: "park_code", Kind: String, Headers: []string{"所属园区", "园区", "park"}, Parse: parsePark},
			{Name: "territorial_unit", Kind: String},
			{Name: "industry_code", Kind: String},
			{Name: "reason", Kind: String, Headers: []string{"列入事由", "失信行为", "reason"}, Required: true, PII: FreeText},
			{Name: "dept_code", Kind: String, Headers: []string{"认定部门", "dept"}, Required: true, Parse: parseDept},
			{Name: "listed_date", Kind: Date, Headers: []string{"列入日期", "listed_date"}, Required: true},
			{Name: "removed_date", Kind: NullableDate, Headers: []string{"移出日期", "removed_date"}},
			{Name: "source_file", Kind: String},
			{Name: "source_row", Kind: UInt32},
			{Name: "_version", Kind: UInt64},
		},
		Finish: func(r *Record) error {
			listed := r.Get("listed_date").(time.Time)
			if err := notBefore(r, "removed_date", "移出日期", "移出日期", listed, "listed_date", "列入日期"); err != nil {
				return err
			}
			if person := r.Str("person_name_masked") != ""; person != (r.Str("subject_kind") == "个人") {
				return &FieldError{"失信人员", "主体类型为个人时须填失信人员姓名，单位不填 (a person entry names the person; a unit entry does not)"}
			}
			unit, industry := attribute(ents, r.Str("enterprise_id"), r.Str("town_code"))
			if p := r.Str("park_code"); p != "" {
				unit = p
			}
			r.Set("territorial_unit", unit)
			r.Set("industry_code", industry)
			return nil
		},
	}
}
