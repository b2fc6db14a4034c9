package dataset

func init() {
	Register("hazards", func(e Env) *Dataset { return Hazards(e.Enterprises) })
	Register("hazard_events", func(Env) *Dataset { return HazardEvents() })
}

var (
	hazardChannels = []string{"企业自查", "督导检查", "执法检查", "群众举报", "上级督查暗访", "专家/第三方", "保险机构", "监测预警"}
	hazardStatuses = []string{"待整改", "整改中", "待验收", "已验收", "已销号", "退回", "撤销"}
	finderLevels   = []string{"企业", "镇街", "园区", "区", "市", "省", "国家"}
)

// Hazards are the province hazard platform's records (隐患, fact_hazard), as its export or its
// API pages give them: one JSON object per hazard with snake_case keys; Chinese headers are
// accepted for spreadsheet exports of the same platform.
func Hazards(ents Enterprises) *Dataset {
	return &Dataset{
		Name:        "hazards",
		Table:       "fact_hazard",
		Description: "隐患排查治理记录 (hazards), one row per platform record, current state",
		Key:         "hazard_id",
		UpdatedAt:   "updated_at",
		// deadline_date is a plan and may lie ahead.
		NotFuture: []string{"found_date", "rectified_date", "verified_date", "closed_date"},
		Columns: []Column{
			{Name: "hazard_id", Kind: String},
			{Name: "src_system", Kind: String},
			{Name: "src_id", Kind: String, Headers: []string{"hazard_id", "隐患编号"}, Required: true},
			{Name: "channel_ref", Kind: String, Headers: []string{"src_id", "来源编号", "来源单号"}},
			{Name: "dedup_group_id", Kind: String},
			{Name: "enterprise_id", Kind: String, Headers: []string{"uscc", "统一社会信用代码", "社会信用代码"}, Parse: optionalUSCC},
			{Name: "town_code", Kind: String, Headers: []string{"town", "所属镇街", "镇街"}, Required: true, Parse: parsePlace},
			{Name: "territorial_unit", Kind: String},
			{Name: "industry_code", Kind: String},
			{Name: "level", Kind: String, Headers: []string{"level", "隐患等级", "隐患级别"}, Required: true, Parse: oneOf("一般", "重大")},
			{Name: "general_kind", Kind: String},
			{Name: "tags", Kind: StringList, Headers: []string{"tags", "隐患标签", "标签"}},
			{Name: "std_clause", Kind: String, Headers: []string{"std_clause", "判定标准条款", "判定依据"}},
			{Name: "channel", Kind: String, Headers: []string{"channel", "发现渠道", "隐患来源"}, Required: true, Parse: oneOf(hazardChannels...)},
			{Name: "found_by_level", Kind: String, Headers: []string{"found_by_level", "发现层级"}, Required: true, Parse: oneOf(finderLevels...)},
			{Name: "found_by_dept", Kind: String, Headers: []string{"found_by_dept", "发现部门", "检查部门"}},
			{Name: "found_by_dept_code", Kind: String},
			{Name: "found_date", Kind: Date, Headers: []string{"found_date", "发现日期"}, Required: true},
			{Name: "deadline_date", Kind: NullableDate, Headers: []string{"deadline_date", "整改期限"}},
			{Name: "is_gua_pai", Kind: UInt8, Headers: []string{"is_gua_pai", "是否挂牌督办", "挂牌督办"}},
			{Name: "rectified_date", Kind: NullableDate, Headers: []string{"rectified_date", "整改完成日期"}},
			{Name: "verified_date", Kind: NullableDate, Headers: []string{"verified_date", "验收日期"}},
			{Name: "verify_dept", Kind: String, Headers: []string{"verify_dept", "验收部门"}},
			{Name: "verify_dept_code", Kind: String},
			{Name: "closed_date", Kind: NullableDate, Headers: []string{"closed_date", "销号日期"}},
			{Name: "status", Kind: String, Headers: []string{"status", "隐患状态", "状态"}, Required: true, Parse: oneOf(hazardStatuses...)},
			{Name: "updated_at", Kind: DateTime, Headers: []string{"updated_at", "更新时间"}, Required: true},
			{Name: "source_file", Kind: String},
			{Name: "source_row", Kind: UInt32},
			{Name: "_version", Kind: UInt64},
		},
		Finish: func(r *Record) error {
			found, _ := r.Time("found_date")
			// No step of the life cycle can come before the find (closed_before_found).
			for _, d := range []struct{ col, field, label string }{
				{"deadline_date", "deadline_date", "整改期限"},
				{"rectified_date", "rectified_date", "整改完成日期"},
				{"verified_date", "verified_date", "验收日期"},
				{"closed_date", "closed_date", "销号日期"},
			} {
				if err := notBefore(r, d.col, d.field, d.label, found, "found_date", "发现日期"); err != nil {
					return err
				}
			}
			// 销号 is both a status and a date; one without the other is a broken record.
			_, closed := r.Time("closed_date")
			if st := r.Str("status"); closed != (st == "已销号") {
				return &FieldError{"status", "状态 " + quote(st) + " 与销号日期不符 (status and closed_date disagree: 已销号 exactly when closed)"}
			}
			code, err := deptCode(r.Str("found_by_dept"))
			if err != nil {
				return &FieldError{"found_by_dept", err.Error()}
			}
			r.Set("found_by_dept_code", code)
			if code, err = deptCode(r.Str("verify_dept")); err != nil {
				return &FieldError{"verify_dept", err.Error()}
			}
			r.Set("verify_dept_code", code)

			r.Set("src_system", r.Meta.SourceSystem)
			id := r.Meta.SourceSystem + ":" + r.Str("src_id")
			r.Set("hazard_id", id)
			uscc := r.Str("enterprise_id")
			unit, industry := attribute(ents, uscc, r.Str("town_code"))
			r.Set("territorial_unit", unit)
			r.Set("industry_code", industry)

			switch deadline, ok := r.Time("deadline_date"); {
			case r.Str("level") == "重大":
				r.Set("general_kind", "")
			case ok && deadline.Equal(found):
				r.Set("general_kind", "立即整改")
			default:
				r.Set("general_kind", "限期整改")
			}
			// The same 重大 hazard reported again through another channel: same unit, same
			// 判定标准 clause, same Monday–Sunday week [A]. Both rows stay (each channel did
			// find it); metrics count dedup groups.
			group := id
			if clause := r.Str("std_clause"); r.Str("level") == "重大" && clause != "" && uscc != "" {
				group = uscc + "|" + clause + "|" + monday(found).Format("2006-01-02")
			}
			r.Set("dedup_group_id", group)
			// The platform's updated_at orders versions, so a stale export loaded late loses.
			updated, _ := r.Time("updated_at")
			r.Set("_version", uint64(updated.UnixMilli()))
			return nil
		},
	}
}

var hazardEventTypes = []string{"found", "assigned", "挂牌", "plan", "rectifying", "rectified", "verify_fail", "verify_pass",
	"closed", "reopened", "函告", "约谈", "通报", "曝光"}

// HazardEvents is the platform's life-cycle log (fact_hazard_event), append-only history.
// The hazard id gets the same src_system prefix as fact_hazard, so the two sources must name
// the same system.
func HazardEvents() *Dataset {
	return &Dataset{
		Name:        "hazard_events",
		Table:       "fact_hazard_event",
		Description: "隐患生命周期事件 (hazard life-cycle events), one row per status change",
		Key:         "hazard_id",
		KeyWith:     []string{"event_time", "event_type"},
		NotFuture:   []string{"event_time"},
		Columns: []Column{
			{Name: "hazard_id", Kind: String, Headers: []string{"hazard_id", "隐患编号"}, Required: true},
			{Name: "event_time", Kind: DateTime, Headers: []string{"event_time", "事件时间", "时间"}, Required: true},
			{Name: "event_type", Kind: String, Headers: []string{"event_type", "事件类型"}, Required: true, Parse: oneOf(hazardEventTypes...)},
			{Name: "actor_dept", Kind: String, Headers: []string{"actor_dept", "办理部门"}},
			{Name: "actor_dept_code", Kind: String},
			{Name: "actor_level", Kind: String, Headers: []string{"actor_level", "办理层级"}, Parse: optionalOneOf(finderLevels...)},
			{Name: "note", Kind: String, Headers: []string{"note", "备注"}, PII: FreeText},
			{Name: "source_file", Kind: String},
			{Name: "source_row", Kind: UInt32},
			{Name: "_version", Kind: UInt64},
		},
		Finish: func(r *Record) error {
			code, err := deptCode(r.Str("actor_dept"))
			if err != nil {
				return &FieldError{"actor_dept", err.Error()}
			}
			r.Set("actor_dept_code", code)
			r.Set("hazard_id", r.Meta.SourceSystem+":"+r.Str("hazard_id"))
			return nil
		},
	}
}
