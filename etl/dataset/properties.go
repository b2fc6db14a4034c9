package dataset

import (
	"time"
)

func init() { Register("properties", func(Env) *Dataset { return Properties() }) }

// Properties is the grid platform's ledger of 出租屋, 闲置院落 and 废弃厂房 (dim_property; T93–T96),
// current state. The property number is the district's own ledger number and is used as the
// key as it is, like the USCC of units: reports name properties by it. Owners' and grid
// workers' names are personal data and are kept masked only.
func Properties() *Dataset {
	return &Dataset{
		Name:        "properties",
		Table:       "dim_property",
		Description: "出租屋、闲置院落、废弃厂房台账 (property ledger), one row per property, current state",
		NotFuture:   []string{"last_patrol_date"},
		Key:         "property_id",
		Columns: []Column{
			{Name: "property_id", Kind: String, Headers: []string{"房屋编号", "property_id"}, Required: true},
			{Name: "ptype", Kind: String, Headers: []string{"类型", "房屋类型", "ptype"}, Required: true, Parse: oneOf("出租屋", "闲置院落", "废弃厂房")},
			{Name: "town_code", Kind: String, Headers: []string{"所属镇街", "镇街", "town"}, Required: true, Parse: parseTown},
			{Name: "village", Kind: String, Headers: []string{"村(社区)", "村（社区）", "村居", "village"}},
			{Name: "address", Kind: String, Headers: []string{"详细地址", "地址", "address"}, PII: FreeText},
			{Name: "owner_name_masked", Kind: String, Headers: []string{"产权人", "房主", "owner"}, PII: PersonName},
			{Name: "current_use", Kind: String, Headers: []string{"当前用途", "用途", "current_use"}, PII: FreeText},
			{Name: "is_rented", Kind: UInt8, Headers: []string{"是否出租", "is_rented"}},
			{Name: "tenant_kind", Kind: String, Headers: []string{"承租方类型", "tenant_kind"}},
			{Name: "risk_level", Kind: String, Headers: []string{"风险等级", "risk_level"}, Required: true, Parse: oneOf("高", "中", "低")},
			{Name: "registered_date", Kind: Date, Headers: []string{"登记日期", "registered_date"}, Required: true},
			{Name: "deregistered_date", Kind: NullableDate, Headers: []string{"注销日期", "deregistered_date"}},
			{Name: "grid_worker_name_masked", Kind: String, Headers: []string{"网格员", "grid_worker"}, PII: PersonName},
			{Name: "last_patrol_date", Kind: NullableDate, Headers: []string{"最近巡查日期", "last_patrol_date"}},
			{Name: "source_file", Kind: String},
			{Name: "source_row", Kind: UInt32},
			{Name: "_version", Kind: UInt64},
		},
		Finish: func(r *Record) error {
			registered := r.Get("registered_date").(time.Time)
			if err := notBefore(r, "deregistered_date", "注销日期", "注销日期", registered, "registered_date", "登记日期"); err != nil {
				return err
			}
			if r.Get("is_rented").(uint8) == 0 && r.Str("tenant_kind") != "" {
				return &FieldError{"承租方类型", "未出租的房屋不应有承租方类型 (a property not rented has no tenant)"}
			}
			return nil
		},
	}
}
