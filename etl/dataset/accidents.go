package dataset

import (
	"strings"
	"time"

	"safetydw/etl/normalize"
)

func init() { Register("accidents", func(e Env) *Dataset { return Accidents(e.Enterprises) }) }

var (
	// The 20 classes of GB 6441-86 企业职工伤亡事故分类.
	accidentTypes = []string{"物体打击", "车辆伤害", "机械伤害", "起重伤害", "触电", "淹溺", "灼烫", "火灾", "高处坠落", "坍塌",
		"冒顶片帮", "透水", "放炮", "火药爆炸", "瓦斯爆炸", "锅炉爆炸", "容器爆炸", "其它爆炸", "中毒和窒息", "其它伤害"}
	accidentLevels = []string{"一般", "较大", "重大", "特别重大"}
)

// parseAccidentType reads a GB 6441 class; 其他 is the common spelling of the standard's 其它.
func parseAccidentType(s string) (any, error) {
	s = strings.TrimSpace(s)
	s = strings.Replace(s, "其他", "其它", 1)
	if s == "中毒窒息" {
		s = "中毒和窒息"
	}
	return normalize.OneOf(s, accidentTypes...)
}

// levelByNumbers is the level the 生产安全事故报告和调查处理条例 (2007) art. 3 gives an accident
// by its deaths, serious injuries (acute poisoning included) and direct loss in 万元; the
// highest level any of the three reaches.
func levelByNumbers(deaths, serious uint16, lossWan float64) string {
	switch {
	case deaths >= 30 || serious >= 100 || lossWan >= 10000:
		return "特别重大"
	case deaths >= 10 || serious >= 50 || lossWan >= 5000:
		return "重大"
	case deaths >= 3 || serious >= 10 || lossWan >= 1000:
		return "较大"
	}
	return "一般"
}

// Accidents are the accident register kept by 应急局 (fact_accident; T01, T02, T29–T31). The
// declared level is kept as reported; level_by_numbers is what the 条例 thresholds make of
// the figures, and level_mismatch flags the difference for the metric layer instead of
// refusing the row, because the accident did happen either way.
func Accidents(ents Enterprises) *Dataset {
	return &Dataset{
		Name:        "accidents",
		Table:       "fact_accident",
		Description: "生产安全事故登记 (accidents), one row per accident",
		Key:         "accident_id",
		NotFuture:   []string{"occurred_at", "report_done"}, // report_due is a deadline
		Columns: []Column{
			{Name: "accident_id", Kind: String},
			{Name: "src_system", Kind: String},
			{Name: "src_id", Kind: String, Headers: []string{"事故编号", "accident_no"}, Required: true},
			{Name: "occurred_at", Kind: DateTime, Headers: []string{"发生时间", "事故时间", "occurred_at"}, Required: true},
			{Name: "town_code", Kind: String, Headers: []string{"所属镇街", "镇街", "town"}, Required: true, Parse: parsePlace},
			{Name: "territorial_unit", Kind: String},
			{Name: "enterprise_id", Kind: String, Headers: []string{"统一社会信用代码", "社会信用代码", "uscc"}, Parse: optionalUSCC},
			{Name: "unit_name", Kind: String, Headers: []string{"单位名称", "事故单位", "unit"}},
			{Name: "industry_code", Kind: String, Headers: []string{"行业类别", "行业", "industry"}, Parse: parseIndustryName},
			{Name: "accident_type", Kind: String, Headers: []string{"事故类型", "accident_type"}, Required: true, Parse: parseAccidentType},
			{Name: "level", Kind: String, Headers: []string{"事故等级", "level"}, Required: true, Parse: oneOf(accidentLevels...)},
			{Name: "level_by_numbers", Kind: String},
			{Name: "level_mismatch", Kind: UInt8},
			{Name: "deaths", Kind: UInt16, Headers: []string{"死亡人数", "deaths"}},
			{Name: "serious_injuries", Kind: UInt16, Headers: []string{"重伤人数", "serious_injuries"}},
			{Name: "injuries", Kind: UInt16, Headers: []string{"轻伤人数", "injuries"}},
			{Name: "direct_loss_wan", Kind: Float64, Headers: []string{"直接经济损失(万元)", "直接经济损失（万元）", "直接经济损失", "direct_loss_wan"}, Parse: nonNegative},
			{Name: "is_production_safety", Kind: UInt8, Headers: []string{"是否生产安全事故", "生产安全事故", "is_production_safety"}},
			{Name: "is_responsibility", Kind: UInt8, Headers: []string{"是否责任事故", "责任事故", "is_responsibility"}},
			{Name: "is_concealed", Kind: UInt8, Headers: []string{"是否瞒报", "瞒报", "is_concealed"}},
			{Name: "report_due", Kind: Date, Headers: []string{"调查报告期限", "report_due"}, Required: true},
			{Name: "report_done", Kind: NullableDate, Headers: []string{"调查报告完成日期", "report_done"}},
			{Name: "criminal_investigation", Kind: UInt8, Headers: []string{"是否启动刑事调查", "刑事调查", "criminal_investigation"}},
			{Name: "source_file", Kind: String},
			{Name: "source_row", Kind: UInt32},
			{Name: "_version", Kind: UInt64},
		},
		Finish: func(r *Record) error {
			at := r.Get("occurred_at").(time.Time).In(chinaZone)
			day := time.Date(at.Year(), at.Month(), at.Day(), 0, 0, 0, 0, time.UTC)
			if due := r.Get("report_due").(time.Time); due.Before(day) {
				return &FieldError{"调查报告期限", "调查报告期限 " + due.Format("2006-01-02") + " 早于事故发生日 " + day.Format("2006-01-02") + " (report_due before the accident)"}
			}
			if err := notBefore(r, "report_done", "调查报告完成日期", "调查报告完成日期", day, "occurred_at", "事故发生日"); err != nil {
				return err
			}
			level := levelByNumbers(r.Get("deaths").(uint16), r.Get("serious_injuries").(uint16), r.Get("direct_loss_wan").(float64))
			r.Set("level_by_numbers", level)
			r.Set("level_mismatch", boolByte(level != r.Str("level")))
			r.Set("src_system", r.Meta.SourceSystem)
			r.Set("accident_id", r.Meta.SourceSystem+":"+r.Str("src_id"))
			unit, industry := attribute(ents, r.Str("enterprise_id"), r.Str("town_code"))
			r.Set("territorial_unit", unit)
			if industry != "" {
				r.Set("industry_code", industry)
			}
			return nil
		},
	}
}
