package dashboards

import (
	"context"
	"fmt"
	"html/template"
	"sort"

	"github.com/go-echarts/go-echarts/v2/charts"
	"github.com/go-echarts/go-echarts/v2/opts"

	"safetydw/queries"
	"safetydw/warehouse"
)

// campaignPage shows the plan's headline measures that have data: the 2023 legacy stock of
// 重大 hazards, coal-mine intelligent output and underground headcount, 零处罚 departments and
// 较大+ accidents, each against its target from ref_target.
func campaignPage(ctx context.Context, db *warehouse.DB) ([]section, error) {
	var secs []section
	for _, build := range []func(context.Context, *warehouse.DB) (section, error){
		legacyHazardSection, mineOutputSection, mineHeadcountSection, zeroPenaltySection, accidentSection,
	} {
		s, err := build(ctx, db)
		if err != nil {
			return nil, err
		}
		secs = append(secs, s)
	}
	return secs, nil
}

// metricData reads a metric's target (the first, when several years share a metric) and its
// values for one period type and kind of unit.
func metricData(ctx context.Context, db *warehouse.DB, metric, period, dim string) (queries.Target, []queries.Value, error) {
	ts, err := queries.Targets(ctx, db, metric)
	if err != nil {
		return queries.Target{}, nil, err
	}
	var t queries.Target
	if len(ts) > 0 {
		t = ts[0]
	}
	vals, err := queries.Values(ctx, db, metric, period, dim)
	return t, vals, err
}

// monthLine draws a district's monthly values with the target as a dashed line.
func monthLine(id, title string, vals []queries.Value, t queries.Target, y opts.YAxis) template.HTML {
	labels := make([]string, len(vals))
	data := make([]opts.LineData, len(vals))
	for i, v := range vals {
		labels[i] = v.PeriodStart.Format("2006年1月")
		data[i] = opts.LineData{Value: round1(v.Value)}
	}
	c := charts.NewLine()
	c.SetGlobalOptions(chartOpts(id, title, "红色虚线：方案目标 "+goalText(t), y)...)
	// Three years of months do not fit one label each: let ECharts thin them out.
	c.SetGlobalOptions(charts.WithXAxisOpts(opts.XAxis{AxisLabel: &opts.AxisLabel{Interval: "auto"}}))
	series := []charts.SeriesOpts{charts.WithLabelOpts(opts.Label{Show: opts.Bool(false)})}
	if t.Threshold != nil {
		series = append(series,
			charts.WithMarkLineNameYAxisItemOpts(opts.MarkLineNameYAxisItem{Name: "目标", YAxis: *t.Threshold}),
			charts.WithMarkLineStyleOpts(opts.MarkLineStyle{Symbol: []string{"none", "none"}, LineStyle: &opts.LineStyle{Color: "#d32f2f", Type: "dashed", Width: 2}}))
	}
	c.SetXAxis(labels).AddSeries(title, data, series...)
	return snippet(c)
}

func noData(heading string) section {
	return section{Heading: heading, Note: "暂无数据 (no data loaded yet)."}
}

func legacyHazardSection(ctx context.Context, db *warehouse.DB) (section, error) {
	const metric, heading = "major_hazard_legacy_clearance", "2023年及以前重大事故隐患存量（月末未销号）"
	t, vals, err := metricData(ctx, db, metric, "month", "district")
	if err != nil || len(vals) == 0 {
		return noData(heading), err
	}
	towns, err := queries.Values(ctx, db, metric, "month", "town")
	if err != nil {
		return section{}, err
	}
	last := vals[len(vals)-1].PeriodStart
	tbl := &table{Header: []string{"镇街", "存量（项）", "月末未销号（项）"}}
	for _, v := range towns {
		if v.PeriodStart.Equal(last) && v.Numerator > 0 {
			tbl.Rows = append(tbl.Rows, []string{v.DimName, count(v.Denominator), count(v.Numerator)})
		}
	}
	note := fmt.Sprintf("方案：%s（%s）。存量共 %s 项，%s末仍有 %s 项未销号；同一隐患多渠道上报只计一次。",
		t.Quote, t.ID, count(vals[0].Denominator), last.Format("2006年1月"), count(vals[len(vals)-1].Numerator))
	y := opts.YAxis{Name: "项", Min: 0}
	return section{Heading: heading, Note: note, Charts: []template.HTML{monthLine("legacy_hazards", "月末未销号的存量重大隐患", vals, t, y)}, Table: tbl}, nil
}

func mineOutputSection(ctx context.Context, db *warehouse.DB) (section, error) {
	const metric, heading = "mine_intelligent_output_share", "煤矿智能化开采产量占比"
	t, vals, err := metricData(ctx, db, metric, "month", "district")
	if err != nil || len(vals) == 0 {
		return noData(heading), err
	}
	mines, err := queries.Values(ctx, db, metric, "year", "mine")
	if err != nil {
		return section{}, err
	}
	years := map[int]bool{}
	byMine := map[string]map[int]float64{}
	var names []string
	for _, v := range mines {
		y := v.PeriodStart.Year()
		years[y] = true
		if byMine[v.DimName] == nil {
			byMine[v.DimName] = map[int]float64{}
			names = append(names, v.DimName)
		}
		byMine[v.DimName][y] = v.Value
	}
	var ys []int
	for y := range years {
		ys = append(ys, y)
	}
	sort.Ints(ys)
	tbl := &table{Header: []string{"煤矿"}}
	for _, y := range ys {
		tbl.Header = append(tbl.Header, fmt.Sprintf("%d年", y))
	}
	for _, n := range names {
		row := []string{n}
		for _, y := range ys {
			if v, ok := byMine[n][y]; ok {
				row = append(row, pct(v))
			} else {
				row = append(row, "—")
			}
		}
		tbl.Rows = append(tbl.Rows, row)
	}
	note := fmt.Sprintf("智能化开采产量 / 原煤产量，全区为各矿之和的比值。方案：%s（%s，%d年目标 %s）。",
		t.Quote, t.ID, t.PeriodYear, goalText(t))
	return section{Heading: heading, Note: note, Charts: []template.HTML{monthLine("mine_output", "全区煤矿智能化开采产量占比（月）", vals, t, percentAxis)}, Table: tbl}, nil
}

func mineHeadcountSection(ctx context.Context, db *warehouse.DB) (section, error) {
	const metric, heading = "mine_underground_headcount_reduction", "煤矿井下人员减少比例（较2023年月均）"
	t, vals, err := metricData(ctx, db, metric, "month", "district")
	if err != nil || len(vals) == 0 {
		return noData(heading), err
	}
	note := fmt.Sprintf("1 − 当月井下平均人数 / 2023年月均井下人数。方案：%s（%s，目标 %s）。", t.Quote, t.ID, goalText(t))
	y := opts.YAxis{Name: "减少（%）"}
	return section{Heading: heading, Note: note, Charts: []template.HTML{monthLine("mine_headcount", "全区井下人员减少比例（月）", vals, t, y)}}, nil
}

func zeroPenaltySection(ctx context.Context, db *warehouse.DB) (section, error) {
	const metric, heading = "dept_zero_penalty", "“零处罚”部门"
	t, depts, err := metricData(ctx, db, metric, "year", "dept")
	if err != nil || len(depts) == 0 {
		return noData(heading), err
	}
	tbl := &table{Header: []string{"年度", "部门", "执法检查（次）", "行政处罚决定（件）"}}
	flagged := map[int]int{}
	for i := len(depts) - 1; i >= 0; i-- { // latest year first; only the departments flagged
		v := depts[i]
		if v.Value != 1 {
			continue
		}
		flagged[v.PeriodStart.Year()]++
		tbl.Rows = append(tbl.Rows, []string{fmt.Sprintf("%d年", v.PeriodStart.Year()), v.DimName, count(v.Denominator), count(v.Numerator)})
	}
	var ys []int
	for y := range flagged {
		ys = append(ys, y)
	}
	sort.Ints(ys)
	minInspections, err := queries.Parameter(ctx, db, "zero_penalty_min_inspections")
	if err != nil {
		return section{}, err
	}
	note := fmt.Sprintf("负有处罚职权的部门中，当年执法检查不少于%s次（假设口径）而行政处罚决定为0的部门。方案：%s（%s）。", count(minInspections), t.Quote, t.ID)
	for _, y := range ys {
		note += fmt.Sprintf(" %d年 %d 个。", y, flagged[y])
	}
	return section{Heading: heading, Note: note, Table: tbl}, nil
}

func accidentSection(ctx context.Context, db *warehouse.DB) (section, error) {
	const metric, heading = "major_accidents", "较大及以上生产安全事故"
	t, vals, err := metricData(ctx, db, metric, "year", "district")
	if err != nil || len(vals) == 0 {
		return noData(heading), err
	}
	tbl := &table{Header: []string{"年度", "生产安全事故（起）", "较大及以上（起）", "方案目标", "是否达标"}}
	for _, v := range vals {
		verdict := "—"
		if met, ok := t.Met(v.Value); ok {
			verdict = map[bool]string{true: "达标", false: "未达标"}[met]
		}
		tbl.Rows = append(tbl.Rows, []string{fmt.Sprintf("%d年", v.PeriodStart.Year()), count(v.Denominator), count(v.Numerator), goalText(t), verdict})
	}
	note := fmt.Sprintf("方案：%s（%s）。等级按申报等级与按伤亡、损失核定的等级中较高者计。", t.Quote, t.ID)
	return section{Heading: heading, Note: note, Table: tbl}, nil
}
