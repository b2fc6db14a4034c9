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

const sibuMetric = "sibu_drill_share"

// drillPage shows the 四不 share by year against the plan's yearly targets, then by town
// for each target year.
func drillPage(ctx context.Context, db *warehouse.DB) ([]section, error) {
	targets, err := queries.Targets(ctx, db, sibuMetric)
	if err != nil {
		return nil, err
	}
	byYear := map[int]queries.Target{}
	for _, t := range targets {
		byYear[t.PeriodYear] = t
	}
	district, err := queries.Values(ctx, db, sibuMetric, "year", "district")
	if err != nil {
		return nil, err
	}
	towns, err := queries.Values(ctx, db, sibuMetric, "year", "town")
	if err != nil {
		return nil, err
	}

	yearSet := map[int]bool{}
	actual := map[int]queries.Value{}
	for _, v := range district {
		yearSet[v.PeriodStart.Year()] = true
		actual[v.PeriodStart.Year()] = v
	}
	for y := range byYear {
		yearSet[y] = true
	}
	var years []int
	for y := range yearSet {
		years = append(years, y)
	}
	sort.Ints(years)

	labels := make([]string, len(years))
	bars := make([]opts.BarData, len(years))
	line := make([]opts.LineData, len(years))
	tbl := &table{Header: []string{"年度", "企业演练（次）", "“四不”演练（次）", "占比", "方案目标", "是否达标"}}
	for i, y := range years {
		labels[i] = fmt.Sprintf("%d年", y)
		v, have := actual[y]
		bars[i] = opts.BarData{Value: "-"}
		if have {
			bars[i] = opts.BarData{Value: round1(v.Value)}
		}
		line[i] = opts.LineData{Value: "-"}
		goal, verdict := "—", "—"
		if t, ok := byYear[y]; ok && t.Threshold != nil {
			line[i] = opts.LineData{Value: *t.Threshold}
			goal = goalText(t)
			if have {
				if met, _ := t.Met(v.Value); met {
					verdict = "达标"
				} else {
					verdict = "未达标"
				}
			}
		}
		row := []string{labels[i], "0", "0", "—", goal, verdict}
		if have {
			row = []string{labels[i], count(v.Denominator), count(v.Numerator), pct(v.Value), goal, verdict}
		}
		tbl.Rows = append(tbl.Rows, row)
	}

	trend := charts.NewBar()
	trend.SetGlobalOptions(chartOpts("sibu_by_year", "全区企业“四不”演练占比", "柱：实际占比　折线：方案目标", percentAxis)...)
	trend.SetXAxis(labels).AddSeries("实际占比", bars, charts.WithLabelOpts(percentLabel()))
	goalLine := charts.NewLine()
	goalLine.SetXAxis(labels).AddSeries("方案目标", line,
		charts.WithLineStyleOpts(opts.LineStyle{Color: "#d32f2f", Type: "dashed", Width: 2}),
		charts.WithItemStyleOpts(opts.ItemStyle{Color: "#d32f2f"}))
	trend.Overlap(goalLine)

	note := "口径：企业组织的演练中同时满足“不提前通知、不设定脚本、不预设场景、不预设地点”的比例，按演练次数计；2026年起分母不含综合演练。目标值取自目标库 " + targetIDs(targets) + "。"
	for _, t := range targets {
		if t.Assumed {
			note += fmt.Sprintf(" %d年目标值为本系统的假设口径（%s），待区安委会办公室确认。", t.PeriodYear, t.ID)
		}
	}
	secs := []section{{
		Heading: "全区年度趋势",
		Note:    note,
		Charts:  []template.HTML{snippet(trend)},
		Table:   tbl,
	}}

	for _, y := range years {
		t, ok := byYear[y]
		if !ok || t.Threshold == nil {
			continue
		}
		var names []string
		var data []opts.BarData
		below := 0
		for _, v := range towns {
			if v.PeriodStart.Year() != y {
				continue
			}
			names = append(names, v.DimName)
			bar := opts.BarData{Value: round1(v.Value)}
			if met, _ := t.Met(v.Value); !met {
				below++
				bar.ItemStyle = &opts.ItemStyle{Color: belowColor}
			}
			data = append(data, bar)
		}
		if len(names) == 0 {
			continue
		}
		c := charts.NewBar()
		c.SetGlobalOptions(chartOpts(fmt.Sprintf("sibu_towns_%d", y), fmt.Sprintf("%d年各镇街企业“四不”演练占比", y), "红色虚线：方案目标 "+goalText(t)+"；红色柱：未达标", percentAxis)...)
		c.SetXAxis(names).AddSeries("实际占比", data,
			charts.WithLabelOpts(percentLabel()),
			charts.WithMarkLineNameYAxisItemOpts(opts.MarkLineNameYAxisItem{Name: "目标", YAxis: *t.Threshold}),
			charts.WithMarkLineStyleOpts(opts.MarkLineStyle{Symbol: []string{"none", "none"}, LineStyle: &opts.LineStyle{Color: "#d32f2f", Type: "dashed", Width: 2}}),
		)
		secs = append(secs, section{
			Heading: fmt.Sprintf("%d年分镇街（目标 %s，%d 个镇街未达标）", y, goalText(t), below),
			Charts:  []template.HTML{snippet(c)},
		})
	}
	return secs, nil
}
