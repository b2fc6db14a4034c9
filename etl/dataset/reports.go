package dataset

import (
	"fmt"
	"strings"
	"time"

	"safetydw/etl/normalize"
)

func init() { Register("reports", func(e Env) *Dataset { return Reports(e.Enterprises) }) }

var (
	reportChannels = []string{"12345", "12350", "网站", "微信", "信函", "来访", "企业内部", "电话"}
	reportSubjects = []string{"企业", "出租屋", "闲置院落", "废弃厂房", "工地", "其他"}
	verifyResults  = []string{"属实", "部分属实", "不属实", "无法核实", "未核实"}
)

// handlerCodes maps 承办部门 to a department or, for reports the town handles (属地), to the
// town: one of the two codes is set.
func handlerCodes(s string) (dept, town string, err error) {
	if code, err := normalize.Dept(s); err == nil {
		return code, "", nil
	}
	if code, err := normalize.Town(s); err == nil {
		return "", code, nil
	}
	return "", "", fmt.Errorf("未知承办单位 %q (neither a department nor a town of the district)", s)
}

func parseHandler(s string) (any, error) {
	_, _, err := handlerCodes(s)
	return strings.TrimSpace(s), err
}

// Reports are the 举报 handling records (fact_report; T19, T20, T97–T99): who reported what
// through which channel, who verified it and how, and the links to the hazard or case it led
// to. The links hold the other systems' own numbers (the platform's YH…, the 案件编号): join
// them to fact_hazard.src_id and fact_enforcement_case.src_id.
func Reports(ents Enterprises) *Dataset {
	return &Dataset{
		Name:        "reports",
		Table:       "fact_report",
		Description: "举报受理核查记录 (reports), one row per report",
		Key:         "report_id",
		NotFuture:   []string{"received_at", "accepted_at", "verified_at", "feedback_at", "reward_paid_date"}, // verify_due is a deadline
		Columns: []Column{
			{Name: "report_id", Kind: String},
			{Name: "src_system", Kind: String},
			{Name: "src_id", Kind: String, Headers: []string{"举报编号", "report_no"}, Required: true},
			{Name: "channel", Kind: String, Headers: []string{"举报渠道", "渠道", "channel"}, Required: true, Parse: oneOf(reportChannels...)},
			{Name: "received_at", Kind: DateTime, Headers: []string{"接收时间", "举报时间", "received_at"}, Required: true},
			{Name: "town_code", Kind: String, Headers: []string{"所属镇街", "镇街", "town"}, Required: true, Parse: parsePlace},
			{Name: "territorial_unit", Kind: String},
			{Name: "enterprise_id", Kind: String, Headers: []string{"统一社会信用代码", "社会信用代码", "uscc"}, Parse: optionalUSCC},
			{Name: "subject_name", Kind: String, Headers: []string{"被举报对象", "举报对象", "subject"}, PII: FreeText},
			{Name: "subject_kind", Kind: String, Headers: []string{"对象类型", "subject_kind"}, Required: true, Parse: oneOf(reportSubjects...)},
			{Name: "property_id", Kind: String, Headers: []string{"房屋编号", "property_id"}},
			{Name: "topic", Kind: String, Headers: []string{"举报事项", "举报内容", "topic"}, PII: FreeText},
			{Name: "claims_major_hazard", Kind: UInt8, Headers: []string{"是否反映重大隐患", "反映重大隐患", "claims_major_hazard"}},
			{Name: "is_anonymous", Kind: UInt8, Headers: []string{"是否匿名", "匿名", "is_anonymous"}},
			{Name: "assigned_to", Kind: String, Headers: []string{"承办部门", "承办单位", "handler"}, Required: true, Parse: parseHandler},
			{Name: "assigned_dept_code", Kind: String},
			{Name: "assigned_town_code", Kind: String},
			{Name: "accepted_at", Kind: NullableDateTime, Headers: []string{"受理时间", "accepted_at"}},
			{Name: "verify_due", Kind: NullableDate, Headers: []string{"核查期限", "verify_due"}},
			{Name: "verified_at", Kind: NullableDateTime, Headers: []string{"核查时间", "verified_at"}},
			{Name: "verify_result", Kind: String, Headers: []string{"核查结果", "verify_result"}, Required: true, Parse: oneOf(verifyResults...)},
			{Name: "linked_hazard_src_id", Kind: String, Headers: []string{"关联隐患编号", "linked_hazard_id"}},
			{Name: "linked_case_src_id", Kind: String, Headers: []string{"关联案件编号", "linked_case_id"}},
			{Name: "feedback_at", Kind: NullableDateTime, Headers: []string{"反馈时间", "feedback_at"}},
			{Name: "reward_decided_date", Kind: NullableDate, Headers: []string{"奖励决定时间", "奖励决定日期", "reward_decided_date"}},
			{Name: "reward_amount", Kind: Float64, Headers: []string{"奖励金额(元)", "奖励金额（元）", "奖励金额", "reward_amount"}, Parse: nonNegative},
			{Name: "reward_paid_date", Kind: NullableDate, Headers: []string{"奖励发放时间", "奖励发放日期", "reward_paid_date"}},
			{Name: "source_file", Kind: String},
			{Name: "source_row", Kind: UInt32},
			{Name: "_version", Kind: UInt64},
		},
		Finish: func(r *Record) error {
			received := r.Get("received_at").(time.Time)
			for _, c := range []struct{ col, label string }{
				{"accepted_at", "受理时间"}, {"verified_at", "核查时间"}, {"feedback_at", "反馈时间"},
			} {
				if t := r.Get(c.col).(*time.Time); t != nil && t.Before(received) {
					return &FieldError{c.label, fmt.Sprintf("%s %s 早于接收时间 %s (%s before received_at)", c.label,
						t.In(chinaZone).Format("2006-01-02 15:04"), received.In(chinaZone).Format("2006-01-02 15:04"), c.col)}
				}
			}
			// Rewards are decided and paid on days, not at times.
			rc := received.In(chinaZone)
			receivedDay := time.Date(rc.Year(), rc.Month(), rc.Day(), 0, 0, 0, 0, time.UTC)
			if err := notBefore(r, "reward_decided_date", "奖励决定时间", "奖励决定时间", receivedDay, "received_at", "接收日期"); err != nil {
				return err
			}
			if decided, _ := r.Get("reward_decided_date").(*time.Time); decided != nil {
				if err := notBefore(r, "reward_paid_date", "奖励发放时间", "奖励发放时间", *decided, "reward_decided_date", "奖励决定时间"); err != nil {
					return err
				}
			}
			// 未核实 means exactly that no verification has happened yet.
			if verified := r.Get("verified_at").(*time.Time) != nil; verified == (r.Str("verify_result") == "未核实") {
				return &FieldError{"核查结果", "核查结果 " + quote(r.Str("verify_result")) + " 与核查时间不符 (未核实 exactly when there is no verification time)"}
			}
			if r.Get("reward_amount").(float64) > 0 {
				if res := r.Str("verify_result"); res != "属实" && res != "部分属实" {
					return &FieldError{"奖励金额(元)", "核查结果为 " + quote(res) + " 的举报不应获奖励 (only verified reports are rewarded)"}
				}
			}
			dept, town, _ := handlerCodes(r.Str("assigned_to"))
			r.Set("assigned_dept_code", dept)
			r.Set("assigned_town_code", town)
			r.Set("src_system", r.Meta.SourceSystem)
			r.Set("report_id", r.Meta.SourceSystem+":"+r.Str("src_id"))
			unit, _ := attribute(ents, r.Str("enterprise_id"), r.Str("town_code"))
			r.Set("territorial_unit", unit)
			return nil
		},
	}
}

var chinaZone = time.FixedZone("CST", 8*3600)
