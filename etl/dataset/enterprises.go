package dataset

import (
	"safetydw/etl/normalize"
)

// Enterprise is what a fact row borrows from the registry.
type Enterprise struct {
	IndustryCode    string
	TerritorialUnit string
}

// Enterprises maps USCC to registry facts, loaded from dim_enterprise before facts are read.
type Enterprises map[string]Enterprise

// USCC 统一社会信用代码: 18 characters of digits and upper-case letters (GB 32100-2015):
// ^[0-9A-HJ-NPQRTUWXY]{2}[0-9]{6}[0-9A-HJ-NPQRTUWXY]{10}$, checked byte by byte (every hazard,
// inspection and training row names one; the regexp was 4 % of a hazards load's CPU).
func validUSCC(s string) bool {
	if len(s) != 18 {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if 2 <= i && i < 8 {
			if c < '0' || c > '9' {
				return false
			}
		} else if !usccChar[c] {
			return false
		}
	}
	return true
}

var usccChar = func() (t [256]bool) {
	for _, c := range "0123456789ABCDEFGHJKLMNPQRTUWXY" {
		t[c] = true
	}
	return t
}()

func parseUSCC(s string) (any, error) {
	if !validUSCC(s) {
		return nil, &FieldError{"统一社会信用代码", "统一社会信用代码格式错误 " + quote(s) + " (malformed USCC)"}
	}
	return s, nil
}

func quote(s string) string { return "“" + s + "”" }

func parseTown(s string) (any, error)  { return normalize.Town(s) }
func parsePlace(s string) (any, error) { return normalize.Place(s) }
func parsePark(s string) (any, error)  { return normalize.Park(s) }
func parseDept(s string) (any, error)  { return normalize.Dept(s) }
func oneOf(words ...string) func(string) (any, error) {
	return func(s string) (any, error) { return normalize.OneOf(s, words...) }
}

func init() { Register("enterprises", func(Env) *Dataset { return EnterpriseRegistry() }) }

// EnterpriseRegistry is the 生产经营单位 registry that the district keeps with 市场监管 data.
func EnterpriseRegistry() *Dataset {
	return &Dataset{
		Name:        "enterprises",
		Table:       "dim_enterprise",
		Description: "生产经营单位名录 (enterprise registry), one row per unit, current state",
		Key:         "enterprise_id",
		Columns: []Column{
			{Name: "enterprise_id", Kind: String, Headers: []string{"统一社会信用代码", "社会信用代码", "uscc"}, Required: true, Parse: parseUSCC},
			{Name: "name", Kind: String, Headers: []string{"单位名称", "企业名称", "name"}, Required: true},
			{Name: "town_code", Kind: String, Headers: []string{"所属镇街", "镇街", "town"}, Required: true, Parse: parseTown},
			{Name: "park_code", Kind: String, Headers: []string{"所属园区", "园区", "park"}, Parse: parsePark},
			{Name: "territorial_unit", Kind: String},
			{Name: "industry_code", Kind: String, Headers: []string{"行业类别", "行业", "industry"}, Required: true, Parse: func(s string) (any, error) {
				in, err := normalize.Industry(s)
				return in.Code, err
			}},
			{Name: "supervise_dept_code", Kind: String, Headers: []string{"监管部门", "主管部门", "dept"}, Parse: parseDept},
			{Name: "scale", Kind: String, Headers: []string{"规模", "scale"}},
			{Name: "employees", Kind: UInt32, Headers: []string{"从业人数", "职工人数", "employees"}},
			{Name: "is_high_risk", Kind: UInt8},
			{Name: "status", Kind: String, Headers: []string{"状态", "经营状态", "status"}, Required: true, Parse: oneOf("在营", "停产", "停产整顿", "关闭")},
			{Name: "opened_date", Kind: NullableDate, Headers: []string{"成立日期", "opened_date"}},
			{Name: "closed_date", Kind: NullableDate, Headers: []string{"注销日期", "关闭日期", "closed_date"}},
			{Name: "dust_type", Kind: String, Headers: []string{"粉尘类型", "dust_type"}},
			{Name: "dust_workers", Kind: UInt16, Headers: []string{"涉粉作业人数", "dust_workers"}},
			{Name: "has_major_hazard_source", Kind: UInt8, Headers: []string{"重大危险源", "has_major_hazard_source"}},
			{Name: "is_hc_producer", Kind: UInt8, Headers: []string{"危化品生产企业", "is_hc_producer"}},
			{Name: "std_grade", Kind: String, Headers: []string{"标准化等级", "std_grade"}},
			{Name: "source_file", Kind: String},
			{Name: "source_row", Kind: UInt32},
			{Name: "_version", Kind: UInt64},
		},
		Finish: func(r *Record) error {
			unit := r.Str("park_code")
			if unit == "" {
				unit = r.Str("town_code")
			}
			r.Set("territorial_unit", unit)
			in, _ := normalize.Industry(r.Str("industry_code"))
			r.Set("is_high_risk", boolByte(in.IsHighRisk))
			return nil
		},
	}
}

func boolByte(b bool) uint8 {
	if b {
		return 1
	}
	return 0
}
