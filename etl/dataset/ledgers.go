package dataset

import (
	"time"
)

func init() { Register("ledger_items", func(e Env) *Dataset { return LedgerItems(e.Enterprises) }) }

// ledgerTypes are the departments' "count to zero / count to N" ledgers of domain.md
// (fact_ledger_item); each type feeds its own targets, so an unknown type is refused.
var ledgerTypes = []string{"农村公路危桥", "村道安防工程", "百吨王货车", "隐患自建房", "消防审验违法项目", "险要路段", "老旧装置设备",
	"有限空间作业点", "高处作业项目", "外包施工项目", "培训机构复核", "早期火灾报警装置", "在建房建项目",
	// Lists other systems keep as the same found → done items (T49, T96, T105, T108): the 销号日期
	// is the day the vehicle got its device, the anomaly or detection was checked on site, the
	// welding machine joined the platform.
	"道路运输车辆主动安全装置", "水电气异常", "电焊机接入", "临时高处作业发现"}

// LedgerItems are the departments' task ledgers (fact_ledger_item; T38, T40, T41, T43, T44, T48,
// T49, T53, T54, T58–T60, T96, T105–T108, T110): one row per item, keyed by type and item number. An
// item is 已销号 exactly when it has a 销号日期; other statuses are each ledger's own words.
func LedgerItems(ents Enterprises) *Dataset {
	return &Dataset{
		Name:        "ledger_items",
		Table:       "fact_ledger_item",
		Description: "专项整治台账条目 (task ledger items), one row per item",
		// Each department numbers the items of its own ledger type.
		Key:       "item_id",
		KeyWith:   []string{"ledger_type"},
		NotFuture: []string{"identified_date", "resolved_date"}, // due_date is a deadline
		Columns: []Column{
			{Name: "ledger_type", Kind: String, Headers: []string{"台账类型", "ledger_type"}, Required: true, Parse: oneOf(ledgerTypes...)},
			{Name: "item_id", Kind: String, Headers: []string{"条目编号", "编号", "item_id"}, Required: true},
			{Name: "town_code", Kind: String, Headers: []string{"所属镇街", "镇街", "town"}, Parse: optionalPlace},
			{Name: "park_code", Kind: String, Headers: []string{"所属园区", "园区", "park"}, Parse: parsePark},
			{Name: "territorial_unit", Kind: String},
			{Name: "enterprise_id", Kind: String, Headers: []string{"统一社会信用代码", "社会信用代码", "uscc"}, Parse: optionalUSCC},
			{Name: "dept_code", Kind: String, Headers: []string{"责任部门", "牵头部门", "dept"}, Required: true, Parse: parseDept},
			{Name: "identified_date", Kind: Date, Headers: []string{"发现日期", "登记日期", "identified_date"}, Required: true},
			{Name: "due_date", Kind: NullableDate, Headers: []string{"完成时限", "整改时限", "due_date"}},
			{Name: "resolved_date", Kind: NullableDate, Headers: []string{"销号日期", "完成日期", "resolved_date"}},
			{Name: "status", Kind: String, Headers: []string{"状态", "status"}, Required: true},
			{Name: "quantity", Kind: Float64, Headers: []string{"数量", "quantity"}, Parse: nonNegative},
			{Name: "qty_unit", Kind: String, Headers: []string{"计量单位", "单位", "qty_unit"}},
			{Name: "connected_smart_site", Kind: UInt8, Headers: []string{"是否接入智慧工地", "接入智慧工地", "connected_smart_site"}},
			{Name: "evidence_ref", Kind: String, Headers: []string{"佐证材料", "evidence_ref"}, PII: FreeText},
			{Name: "source_file", Kind: String},
			{Name: "source_row", Kind: UInt32},
			{Name: "_version", Kind: UInt64},
		},
		Finish: func(r *Record) error {
			identified := r.Get("identified_date").(time.Time)
			if err := notBefore(r, "resolved_date", "销号日期", "销号日期", identified, "identified_date", "发现日期"); err != nil {
				return err
			}
			resolved := r.Get("resolved_date").(*time.Time) != nil
			if st := r.Str("status"); resolved != (st == "已销号") {
				return &FieldError{"状态", "状态 " + quote(st) + " 与销号日期不符 (已销号 exactly when resolved)"}
			}
			unit := r.Str("park_code")
			if unit == "" {
				unit, _ = attribute(ents, r.Str("enterprise_id"), r.Str("town_code"))
			}
			r.Set("territorial_unit", unit)
			return nil
		},
	}
}

func optionalPlace(s string) (any, error) {
	if s == "" {
		return "", nil
	}
	return parsePlace(s)
}
