package dataset

import (
	"strings"
	"testing"
	"time"

	"github.com/apache/arrow-go/v18/arrow/array"

	"safetydw/etl/source"
)

// The registry the 主体责任 tests load against: one unit in 鼓楼街道.
var respEnts = Enterprises{"91370812MA3C5U9N2X": {IndustryCode: "HC.PROD", TerritorialUnit: "370812001"}}

const knownUSCC, unknownUSCC = "91370812MA3C5U9N2X", "91370812MA3C5U9N3X"

// rejectWant is a row the transform must refuse: the field it names and words of the reason.
type rejectWant struct {
	row          int
	field, words string
}

func checkRejects(t *testing.T, res *Result, loaded int, want []rejectWant) {
	t.Helper()
	if res.Err != nil {
		t.Fatal(res.Err)
	}
	if res.Loaded != loaded || len(res.Rejects) != len(want) || res.Read != loaded+len(want) {
		t.Fatalf("read %d, loaded %d, rejects %+v; want %d loaded and %d rejects", res.Read, res.Loaded, res.Rejects, loaded, len(want))
	}
	for i, w := range want {
		g := res.Rejects[i]
		if g.Row != w.row || g.Field != w.field || !strings.Contains(g.Reason, w.words) {
			t.Errorf("reject %d = %+v, want row %d field %s with %q", i, g, w.row, w.field, w.words)
		}
	}
}

func table(header []string, rows ...[]string) *source.Table {
	t := &source.Table{Path: "x.xlsx", Rows: []source.Row{{Num: 2, Values: header}}}
	for i, r := range rows {
		t.Rows = append(t.Rows, source.Row{Num: i + 3, Values: r})
	}
	return t
}

var runDay = time.Date(2026, 11, 29, 0, 0, 0, 0, chinaZone)

// Careless and hostile rows of a town's annual-report sheet (rows 3…): each is refused with the
// field at fault, except the exact copy (deduplicated by the table) and the overspent fees
// (lawful, loaded and flagged).
func TestAnnualReportRows(t *testing.T) {
	h := []string{"填报年度", "统一社会信用代码", "填报日期", "重点事项清单", "全员安全生产责任制清单", "责任制清单建立日期", "应急救援队伍", "晨会制度",
		"内部奖励制度", "技防投入", "安全费用提取（万元）", "安全费用使用（万元）"}
	good := []string{"2024", knownUSCC, "2025-01-10", "是", "是", "2024-03-01", "签订救援协议", "是", "否", "1,200.5", "12.5", "18.3"}
	with := func(i int, v string) []string { r := append([]string(nil), good...); r[i] = v; return r }
	tbl := table(h,
		good,                          // 3: loaded, used 18.3 > drawn 12.5: flagged
		with(1, unknownUSCC),          // 4
		with(0, "2019"),               // 5
		with(9, "-3.5"),               // 6
		with(5, ""),                   // 7: list without its date
		with(6, "有"),                  // 8
		with(2, "2023-12-20"),         // 9: filed before the year it reports
		with(2, "2026-12-05"),         // 10: after the run day
		with(7, "否"),                  // 11: same unit and year as row 3, other content
		good,                          // 12: exact copy, loaded (the table keeps one)
		with(4, "否"),                  // 13: no list but a date: same key as row 3 too, but refused for the date first
		with(1, "91370812MA3C5O9N2X"), // 14: O is no USCC character
	)
	res := EnterpriseAnnualReports(respEnts).Transform(tbl, Meta{Version: 1, RunDay: runDay})
	defer res.Release()
	checkRejects(t, res, 2, []rejectWant{
		{4, "统一社会信用代码", "不在生产经营单位名录中"},
		{5, "填报年度", "不在 2023–2026 之间"},
		{6, "技防投入（万元）", "数值为负"}, // the column's first header names it, whatever the sheet wrote
		{7, "责任制清单建立日期", "须填建立日期"},
		{8, "应急救援队伍", "不在允许值"},
		{9, "填报日期", "早于填报年度"},
		{10, "填报日期", "日期在未来"},
		{11, "report_id", "重复但内容不同"},
		{13, "责任制清单建立日期", "须填建立日期"},
		{14, "统一社会信用代码", "格式错误"},
	})
	// Row 3 as loaded: the key, the registry's town and industry, the amount without its
	// thousands separator, and the overspending flag.
	rec := res.Records[0]
	col := func(name string) int { return rec.Schema().FieldIndices(name)[0] }
	if got := rec.Column(col("report_id")).(*array.String).Value(0); got != "2024:"+knownUSCC {
		t.Errorf("report_id %q", got)
	}
	if got := rec.Column(col("town_code")).(*array.String).Value(0); got != "370812001" {
		t.Errorf("town_code %q", got)
	}
	if got := rec.Column(col("industry_code")).(*array.String).Value(0); got != "HC.PROD" {
		t.Errorf("industry_code %q", got)
	}
	if got := rec.Column(col("invest_tech")).(*array.Float64).Value(0); got != 1200.5 {
		t.Errorf("invest_tech %v", got)
	}
	if got := rec.Column(col("fee_overspent")).(*array.Uint8).Value(0); got != 1 {
		t.Errorf("fee_overspent %d, want 1 (18.3 used > 12.5 drawn)", got)
	}
}

func TestSelfInspectionRows(t *testing.T) {
	h := []string{"检查编号", "统一社会信用代码", "检查日期", "带队人职务", "检查类型"}
	tbl := table(h,
		[]string{"ZC1", knownUSCC, "2025-03-02", "主要负责人", "综合检查"}, // 3: loaded, led by the principal
		[]string{"ZC2", knownUSCC, "2025-03-02", "总经理", "综合检查"},   // 4: not a role the platform knows
		[]string{"ZC3", unknownUSCC, "2025-03-02", "主要负责人", ""},   // 5
		[]string{"ZC4", knownUSCC, "2026-11-30", "主要负责人", ""},     // 6: after the run day
		[]string{"ZC5", knownUSCC, "2025-03-02", "分管负责人", "日常"},   // 7: unknown check type
		[]string{"", knownUSCC, "2025-03-02", "主要负责人", ""},        // 8: no number
		[]string{"ZC1", knownUSCC, "2025-03-03", "主要负责人", "综合检查"}, // 9: ZC1 again, other day
	)
	res := SelfInspections(respEnts).Transform(tbl, Meta{SourceSystem: "dual_prevention", Version: 1, RunDay: runDay})
	defer res.Release()
	checkRejects(t, res, 1, []rejectWant{
		{4, "带队人职务", "不在允许值"},
		{5, "统一社会信用代码", "不在生产经营单位名录中"},
		{6, "检查日期", "日期在未来"},
		{7, "检查类型", "不在允许值"},
		{8, "检查编号", ""},
		{9, "检查编号", "重复但内容不同"},
	})
	rec := res.Records[0]
	if got := rec.Column(rec.Schema().FieldIndices("led_by_principal")[0]).(*array.Uint8).Value(0); got != 1 {
		t.Errorf("led_by_principal %d", got)
	}
	if got := rec.Column(rec.Schema().FieldIndices("check_id")[0]).(*array.String).Value(0); got != "dual_prevention:ZC1" {
		t.Errorf("check_id %q", got)
	}
}

func TestDesignationRows(t *testing.T) {
	h := []string{"名单类别", "年度", "统一社会信用代码", "分级分类等级", "认定日期"}
	tbl := table(h,
		[]string{"工贸分级分类", "2024", knownUSCC, "B", "2024-05-10"},  // 3: loaded
		[]string{"工贸分级分类", "2025", knownUSCC, "E", "2025-05-10"},  // 4: no grade E
		[]string{"标准化标杆企业", "2025", knownUSCC, "A", "2025-05-10"}, // 5: a grade on the benchmark list
		[]string{"工贸分级分类", "2025", knownUSCC, "", "2025-05-10"},   // 6: grading without a grade
		[]string{"示范引领企业", "2026", knownUSCC, "", "2025-12-30"},   // 7: date outside the year
		[]string{"安全生产黑名单", "2026", knownUSCC, "", "2026-01-30"},  // 8: not one of these lists
	)
	res := EnterpriseDesignations(respEnts).Transform(tbl, Meta{Version: 1, RunDay: runDay})
	defer res.Release()
	checkRejects(t, res, 1, []rejectWant{
		{4, "分级分类等级", "不在允许值"},
		{5, "分级分类等级", "工贸分级分类须填等级"},
		{6, "分级分类等级", "工贸分级分类须填等级"},
		{7, "认定日期", "不在年度 2026 内"},
		{8, "名单类别", "不在允许值"},
	})
}

func TestStudyActivityRows(t *testing.T) {
	h := []string{"活动编号", "组织单位类型", "组织单位", "活动日期", "活动形式", "参加人数"}
	tbl := table(h,
		[]string{"DX1", "镇街", "鼓楼街道", "2025-04-01", "集中培训", "120"},     // 3: loaded, 鼓楼
		[]string{"DX2", "部门", "应急局", "2025-04-02", "专题讲座", "60"},       // 4: loaded, a department by its short name
		[]string{"DX3", "镇街", "黄屯街道", "2025-04-03", "集中培训", "80"},      // 5: not a town of the district
		[]string{"DX4", "部门", "区安全局", "2025-04-04", "集中培训", "80"},      // 6: no such department
		[]string{"DX5", "镇街", "鼓楼街道", "2025-04-05", "集中培训", "-10"},     // 7: negative head count
		[]string{"DX6", "镇街", "鼓楼街道", "2026-12-01", "集中培训", "10"},      // 8: after the run day
		[]string{"DX7", "镇街", "鼓楼街道", "2025-04-07", "茶话会", "10"},       // 9: not a campaign form
		[]string{"DX1", "镇街", "鼓楼街道", "2025-04-01", "集中培训", "150"},     // 10: DX1 again with another count
		[]string{"DX8", "园区", "山东兖州经济开发区", "2025-04-08", "警示教育", "40"}, // 11: loaded, park P01
	)
	res := StudyActivities().Transform(tbl, Meta{Version: 1, RunDay: runDay})
	defer res.Release()
	checkRejects(t, res, 3, []rejectWant{
		{5, "组织单位", "黄屯街道"},
		{6, "组织单位", "区安全局"},
		{7, "参加人数", ""},
		{8, "活动日期", "日期在未来"},
		{9, "活动形式", "不在允许值"},
		{10, "活动编号", "重复但内容不同"},
	})
	rec := res.Records[0]
	str := func(name string, i int) string {
		return rec.Column(rec.Schema().FieldIndices(name)[0]).(*array.String).Value(i)
	}
	// Rows as loaded: 鼓楼 (town 370812001), 应急局 (区应急管理局, D15), P01 in 龙桥 (370812003).
	if str("town_code", 0) != "370812001" || str("dept_code", 0) != "" {
		t.Errorf("DX1 town %q dept %q", str("town_code", 0), str("dept_code", 0))
	}
	if str("dept_code", 1) != "D15" || str("town_code", 1) != "" {
		t.Errorf("DX2 town %q dept %q", str("town_code", 1), str("dept_code", 1))
	}
	if str("territorial_unit", 2) != "P01" || str("town_code", 2) != "370812003" {
		t.Errorf("DX8 unit %q town %q", str("territorial_unit", 2), str("town_code", 2))
	}
}
