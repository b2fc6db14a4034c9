package dataset

func init() { Register("hazard_notifications", func(Env) *Dataset { return HazardNotifications() }) }

// noticeRoles are who must be told of a 重大 hazard (T21); one person may be both.
var noticeRoles = []string{"主要负责人", "实际控制人", "主要负责人兼实际控制人"}

// HazardNotifications is the hazard platform's 重大事故隐患告知清单 (fact_hazard_notification; T21):
// one row per hazard and person told. The hazard id gets the platform's src_system prefix like
// fact_hazard, so the source must name the same system. Whether the id exists on the platform
// is not known while loading: a row for an unknown hazard loads and matches no hazard.
func HazardNotifications() *Dataset {
	return &Dataset{
		Name:        "hazard_notifications",
		Table:       "fact_hazard_notification",
		Description: "重大事故隐患告知清单 (major hazard notifications), one row per hazard and person told",
		Key:         "hazard_id",
		// One row per role of the hazard: telling the principal again is a correction of the row.
		KeyWith:   []string{"notice_role"},
		NotFuture: []string{"notified_date"},
		Columns: []Column{
			{Name: "hazard_id", Kind: String},
			{Name: "src_system", Kind: String},
			{Name: "src_id", Kind: String, Headers: []string{"隐患编号", "hazard_id"}, Required: true},
			{Name: "notice_role", Kind: String, Headers: []string{"告知对象", "告知对象身份", "notice_role"}, Required: true, Parse: oneOf(noticeRoles...)},
			{Name: "person_name_masked", Kind: String, Headers: []string{"姓名", "被告知人", "person_name"}, PII: PersonName},
			{Name: "phone_masked", Kind: String, Headers: []string{"联系电话", "手机号码", "phone"}, PII: Phone},
			{Name: "notified_date", Kind: Date, Headers: []string{"告知日期", "notified_date"}, Required: true},
			{Name: "notice_method", Kind: String, Headers: []string{"告知方式", "notice_method"}, Parse: optionalOneOf("书面告知书", "当面告知", "短信", "电话")},
			{Name: "notifier_dept_code", Kind: String, Headers: []string{"告知部门", "notifier_dept"}, Parse: optionalDept},
			{Name: "source_file", Kind: String},
			{Name: "source_row", Kind: UInt32},
			{Name: "_version", Kind: UInt64},
		},
		Finish: func(r *Record) error {
			r.Set("src_system", r.Meta.SourceSystem)
			r.Set("hazard_id", r.Meta.SourceSystem+":"+r.Str("src_id"))
			return nil
		},
	}
}

// optionalDept maps a department name when the row has one; a body above the district is kept
// as ” (see deptCode).
func optionalDept(s string) (any, error) { return deptCode(s) }
