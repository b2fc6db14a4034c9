package dataset

func init() { Register("drills", func(e Env) *Dataset { return Drills(e.Enterprises) }) }

// Drills is the 应急演练台账 that towns keep and send monthly (T69–T72).
// The four 四不 flags are stored as reported; fact_drill derives is_sibu from all four.
func Drills(ents Enterprises) *Dataset {
	return &Dataset{
		Name:        "drills",
		Table:       "fact_drill",
		Description: "应急演练台账 (emergency drills), one row per drill",
		Key:         "drill_id",
		KeyScope:    KeyPerFile, // each town numbers its own ledger
		NotFuture:   []string{"drill_date"},
		Columns: []Column{
			{Name: "drill_id", Kind: String},
			{Name: "src_system", Kind: String},
			{Name: "src_id", Kind: String, Headers: []string{"演练编号", "编号", "drill_no"}, Required: true},
			{Name: "organizer_kind", Kind: String, Headers: []string{"组织方", "组织单位类型", "organizer"}, Required: true, Parse: oneOf("企业", "部门", "镇街", "园区")},
			{Name: "enterprise_id", Kind: String, Headers: []string{"统一社会信用代码", "社会信用代码", "uscc"}},
			{Name: "enterprise_name", Kind: String, Headers: []string{"单位名称", "企业名称"}},
			{Name: "town_code", Kind: String, Headers: []string{"所属镇街", "镇街", "town"}, Required: true, Parse: parsePlace},
			{Name: "territorial_unit", Kind: String},
			{Name: "industry_code", Kind: String},
			{Name: "drill_date", Kind: Date, Headers: []string{"演练日期", "演练时间", "drill_date"}, Required: true},
			{Name: "drill_type", Kind: String, Headers: []string{"演练类型", "drill_type"}, Required: true, Parse: oneOf("综合", "专项", "现场处置")},
			{Name: "scenario", Kind: String, Headers: []string{"演练场景", "场景", "scenario"}, PII: FreeText},
			{Name: "is_evacuation", Kind: UInt8, Headers: []string{"疏散逃生", "是否疏散演练"}},
			{Name: "no_advance_notice", Kind: UInt8, Headers: []string{"不提前通知"}},
			{Name: "no_script", Kind: UInt8, Headers: []string{"不设定脚本"}},
			{Name: "no_preset_scene", Kind: UInt8, Headers: []string{"不预设场景"}},
			{Name: "no_preset_location", Kind: UInt8, Headers: []string{"不预设地点"}},
			{Name: "participants", Kind: UInt32, Headers: []string{"参演人数", "参加人数", "participants"}},
			{Name: "verified_by_dept", Kind: UInt8, Headers: []string{"部门核实", "是否经部门核实"}},
			{Name: "source_file", Kind: String},
			{Name: "source_row", Kind: UInt32},
			{Name: "_version", Kind: UInt64},
		},
		Finish: func(r *Record) error {
			id := r.Str("enterprise_id")
			if id != "" {
				if _, err := parseUSCC(id); err != nil {
					return err
				}
			}
			if r.Str("organizer_kind") == "企业" && id == "" {
				return &FieldError{"统一社会信用代码", "企业演练缺少统一社会信用代码 (an enterprise drill needs the unit's USCC)"}
			}
			r.Set("src_system", r.Meta.SourceSystem)
			r.Set("drill_id", r.Meta.SourceSystem+":"+r.Str("src_id"))
			unit, industry := attribute(ents, id, r.Str("town_code"))
			r.Set("territorial_unit", unit)
			r.Set("industry_code", industry)
			return nil
		},
	}
}
