package dataset

import "safetydw/etl/normalize"

func init() {
	Register("enterprise_status_changes", func(Env) *Dataset { return EnterpriseStatusChanges() })
}

var enterpriseStatus = []string{"在营", "停产", "停产整顿", "关闭"}

// EnterpriseStatusChanges is the registry's change log (状态变更与迁移记录).
func EnterpriseStatusChanges() *Dataset {
	status := func(s string) (any, error) {
		if s == "" {
			return "", nil
		}
		return normalize.OneOf(s, enterpriseStatus...)
	}
	unit := func(s string) (any, error) {
		if s == "" {
			return "", nil
		}
		return normalize.Unit(s)
	}
	return &Dataset{
		Name:        "enterprise_status_changes",
		Table:       "fact_enterprise_status_change",
		Description: "生产经营单位状态变更与迁移记录 (registry change log), one row per unit and date",
		Key:         "enterprise_id",
		KeyWith:     []string{"change_date"},
		Columns: []Column{
			{Name: "enterprise_id", Kind: String, Headers: []string{"统一社会信用代码", "uscc"}, Required: true, Parse: parseUSCC},
			{Name: "change_date", Kind: Date, Headers: []string{"变更日期", "change_date"}, Required: true},
			{Name: "old_status", Kind: String, Headers: []string{"原状态", "old_status"}, Parse: status},
			{Name: "new_status", Kind: String, Headers: []string{"新状态", "new_status"}, Parse: status},
			{Name: "old_unit", Kind: String, Headers: []string{"原镇街", "原属地", "old_place"}, Parse: unit},
			{Name: "new_unit", Kind: String, Headers: []string{"新镇街", "新属地", "new_place"}, Parse: unit},
			{Name: "new_town_code", Kind: String},
			{Name: "source_file", Kind: String},
			{Name: "source_row", Kind: UInt32},
			{Name: "_version", Kind: UInt64},
		},
		Finish: func(r *Record) error {
			if r.Str("new_status") == "" && r.Str("new_unit") == "" {
				return &FieldError{"新状态", "既无状态变更也无迁移 (the row changes nothing)"}
			}
			if u := r.Str("new_unit"); u != "" {
				r.Set("new_town_code", normalize.TownOf(u))
			}
			return nil
		},
	}
}
