package dashboards

import (
	"fmt"
	"html/template"
	"math"
	"slices"
	"sort"
	"strings"
	"time"

	"github.com/go-echarts/go-echarts/v2/charts"
	"github.com/go-echarts/go-echarts/v2/opts"

	"safetydw/queries"
)

// The generic components a page spec names. Each reads the Set and returns HTML; none knows a
// metric by name, so a metric declared in queries/metrics appears wherever its topic, targets
// and dimensions place it.

// tile is one KPI tile: a target judged on a metric for one unit.
type tile struct {
	Name, Value, Period, Goal, Deadline string
	Status, Class, Change, Href, Target string
	Expected                            string
}

func (s *site) tile(a queries.Assessment) tile {
	sp := a.Metric
	t := tile{Name: sp.Name, Period: a.Label, Goal: goal(a.Target, sp), Deadline: deadline(a.Target),
		Status: string(a.Status), Class: statusClass(a.Status), Change: change(sp, a.Change, a.Value.Partial), Target: a.Target.ID,
		Href: targetFile(a.Target.ID), Value: "—"}
	if a.HasValue {
		t.Value = value(sp, a.Value.Value)
	}
	if a.Expected != nil && (a.Status == queries.Behind || a.Status == queries.OnTrack) {
		t.Expected = "按进度应为 " + value(sp, *a.Expected)
	}
	return t
}

// assessments judges every target of the metrics for one unit; "all" means every metric.
func (s *site) assessments(metrics []string, dim, code string) []queries.Assessment {
	if slices.Contains(metrics, "all") {
		metrics = nil
		for _, sp := range s.cat.Specs {
			metrics = append(metrics, sp.ID)
		}
	}
	var out []queries.Assessment
	for _, id := range metrics {
		sp := s.set.Spec(id)
		if !sp.HasDimension(dim) {
			continue
		}
		for _, tid := range sp.Targets {
			t, ok := s.set.Targets[tid]
			if !ok {
				continue
			}
			out = append(out, s.set.Assess(t, id, dim, code))
		}
	}
	return out
}

// byStatus orders assessments worst first, then by target id, as leaders read a tile wall.
func byStatus(as []queries.Assessment) {
	sort.SliceStable(as, func(i, j int) bool {
		if ri, rj := as[i].Status.Rank(), as[j].Status.Rank(); ri != rj {
			return ri < rj
		}
		return queries.TargetNumber(as[i].Target.ID) < queries.TargetNumber(as[j].Target.ID)
	})
}

// tiles shows every target of the metrics ("all": of every metric) worst first, or, for a
// named list of headline metrics, one tile per metric in the order given.
func (s *site) tiles(sec SectionSpec, dim, code string, sorted bool) template.HTML {
	var as []queries.Assessment
	if sorted {
		as = s.assessments(sec.Metrics, dim, code)
		byStatus(as)
	} else {
		for _, id := range sec.Metrics {
			if t, ok := s.set.Primary(s.set.Spec(id)); ok {
				as = append(as, s.set.Assess(t, id, dim, code))
			}
		}
	}
	var ts []tile
	for _, a := range as {
		ts = append(ts, s.tile(a))
	}
	if len(ts) == 0 {
		return template.HTML(`<p class="note">暂无可判定的目标。</p>`)
	}
	return s.exec("tiles", ts)
}

// flag is one line of the overview's warnings.
type flag struct{ Class, Text, Href string }

// flags lists every target missed or behind, now and in the campaign's past years, and every
// overdue milestone.
func (s *site) flags() template.HTML {
	var as []queries.Assessment
	for _, sp := range s.cat.Specs {
		for _, tid := range sp.Targets {
			t, ok := s.set.Targets[tid]
			if !ok {
				continue
			}
			cur := s.set.Assess(t, sp.ID, "district", "")
			as = append(as, cur)
			// A target that holds every year (no 较大 accident) is also judged for the years
			// already over, so a missed 2025 is not hidden behind a clean 2026.
			if t.PeriodYear == 0 && t.Deadline.IsZero() && sp.HasGrain("year") {
				for _, y := range s.years {
					if y >= s.set.AsOf.Year() {
						continue
					}
					past := t
					past.PeriodYear = y
					as = append(as, s.set.Assess(past, sp.ID, "district", ""))
				}
			}
		}
	}
	byStatus(as)
	// Overdue milestones stand after the missed targets and before those only behind the line.
	var fs []flag
	late := s.milestoneFlags()
	for _, a := range as {
		if a.Status != queries.Missed && a.Status != queries.Behind {
			continue
		}
		if a.Status == queries.Behind && late != nil {
			fs, late = append(fs, late...), nil
		}
		text := fmt.Sprintf("%s %s：%s %s，目标 %s（%s）", a.Target.ID, a.Metric.Name, a.Label, value(a.Metric, a.Value.Value), goal(a.Target, a.Metric), a.Status)
		if a.Status == queries.Behind && a.Expected != nil {
			text += "，按进度应为 " + value(a.Metric, *a.Expected)
		}
		fs = append(fs, flag{Class: statusClass(a.Status), Text: text, Href: s.metricHref(a.Metric.ID)})
	}
	fs = append(fs, late...)
	if len(fs) == 0 {
		return template.HTML(`<p class="note ok">所有已计算的目标均达标或按进度推进。</p>`)
	}
	return s.exec("flags", fs)
}

// finestGrain is the metric's month grain when it has one.
func finestGrain(sp queries.Spec) string {
	if sp.HasGrain("month") {
		return "month"
	}
	return "year"
}

// coarsestGrain is the metric's year grain when it has one.
func coarsestGrain(sp queries.Spec) string {
	if sp.HasGrain("year") {
		return "year"
	}
	return "month"
}

// axisLabel is a period on a chart axis; a period not over is marked with its last day.
func axisLabel(v queries.Value) string {
	if v.Grain == "year" {
		if v.Partial {
			return fmt.Sprintf("%d年1–%d月", v.Start.Year(), int(v.End.Month()))
		}
		return fmt.Sprintf("%d年", v.Start.Year())
	}
	if v.Partial {
		return fmt.Sprintf("%d年%d月(至%d日)", v.Start.Year(), int(v.Start.Month()), v.End.Day())
	}
	return fmt.Sprintf("%d年%d月", v.Start.Year(), int(v.Start.Month()))
}

// thresholdFor is the target value that applies to a period, if any: the target of that year,
// or a target without a year.
func (s *site) thresholdFor(sp queries.Spec, start time.Time) (queries.Target, bool) {
	var best queries.Target
	found := false
	for _, tid := range sp.Targets {
		t, ok := s.set.Targets[tid]
		if !ok || !t.Numeric() {
			continue
		}
		if t.PeriodYear == start.Year() {
			return t, true
		}
		if t.PeriodYear == 0 && !found {
			best, found = t, true
		}
	}
	return best, found
}

// trend draws a metric over time for one unit (and the district beside it), with the target as
// a dashed line per period and the deadline marked.
func (s *site) trend(sp queries.Spec, grain, dim, code string) template.HTML {
	if grain == "" {
		grain = finestGrain(sp)
	}
	vals := s.set.Series(sp.ID, grain, dim, code, time.Time{})
	if len(vals) == 0 {
		return template.HTML(`<p class="note">暂无数据。</p>`)
	}
	var district []queries.Value
	if dim != "district" {
		district = s.set.Series(sp.ID, grain, "district", "", time.Time{})
	}
	labels := make([]string, len(vals))
	data := make([]opts.LineData, len(vals))
	goalData := make([]opts.LineData, len(vals))
	hasGoal := false
	var deadlineLabel string
	for i, v := range vals {
		labels[i] = axisLabel(v)
		data[i] = opts.LineData{Value: round1(v.Value)}
		goalData[i] = opts.LineData{Value: "-"}
		if t, ok := s.thresholdFor(sp, v.Start); ok {
			goalData[i], hasGoal = opts.LineData{Value: *t.Threshold}, true
			if !t.Deadline.IsZero() && t.PeriodYear == 0 && queries.PeriodStart(grain, t.Deadline).Equal(v.Start) {
				deadlineLabel = labels[i]
			}
		}
	}
	name := s.set.Name(dim, code)
	c := charts.NewLine()
	sub := fmt.Sprintf("单位：%s", sp.Unit)
	c.SetGlobalOptions(common(sp.Name+"（"+name+"）", sub)...)
	c.SetGlobalOptions(charts.WithYAxisOpts(opts.YAxis{Name: sp.Unit, Scale: opts.Bool(sp.Unit != "%")}),
		charts.WithXAxisOpts(opts.XAxis{AxisLabel: &opts.AxisLabel{Interval: "auto"}}))
	series := []charts.SeriesOpts{charts.WithLabelOpts(opts.Label{Show: opts.Bool(len(vals) <= 12), Position: "top"}),
		charts.WithLineStyleOpts(opts.LineStyle{Color: blue, Width: 2}), charts.WithItemStyleOpts(opts.ItemStyle{Color: blue})}
	if deadlineLabel != "" {
		series = append(series, charts.WithMarkLineNameXAxisItemOpts(opts.MarkLineNameXAxisItem{Name: "期限", XAxis: deadlineLabel}),
			charts.WithMarkLineStyleOpts(opts.MarkLineStyle{Symbol: []string{"none", "none"},
				LineStyle: &opts.LineStyle{Color: amber, Type: "dashed", Width: 1},
				Label:     &opts.Label{Show: opts.Bool(true), Formatter: "期限", Color: amber}}))
	}
	c.SetXAxis(labels).AddSeries(name, data, series...)
	if len(district) > 0 {
		byStart := map[time.Time]queries.Value{}
		for _, v := range district {
			byStart[v.Start] = v
		}
		dd := make([]opts.LineData, len(vals))
		for i, v := range vals {
			dd[i] = opts.LineData{Value: "-"}
			if d, ok := byStart[v.Start]; ok {
				dd[i] = opts.LineData{Value: round1(d.Value)}
			}
		}
		c.AddSeries("全区", dd, charts.WithLineStyleOpts(opts.LineStyle{Color: grey, Width: 1}), charts.WithItemStyleOpts(opts.ItemStyle{Color: grey}))
	}
	if hasGoal {
		c.AddSeries("目标", goalData, charts.WithLineStyleOpts(opts.LineStyle{Color: red, Type: "dashed", Width: 2}),
			charts.WithItemStyleOpts(opts.ItemStyle{Color: red}), charts.WithLineChartOpts(opts.LineChart{Step: "middle", ShowSymbol: opts.Bool(false)}))
	}
	return chartBox{ID: s.chartID(sp.ID + "_trend_" + dim + code), Variants: []variant{{Key: "all", Option: option(c)}}}.html()
}

// burndown draws a stock against the straight line from its baseline to the target at the
// deadline: where the line is below the actual, the unit is behind.
func (s *site) burndown(sp queries.Spec, dim, code string) template.HTML {
	vals := s.set.Series(sp.ID, "month", dim, code, time.Time{})
	var t queries.Target
	found := false
	for _, tid := range sp.Targets {
		if x, ok := s.set.Targets[tid]; ok && x.Numeric() && !x.Deadline.IsZero() {
			t, found = x, true
			break
		}
	}
	if len(vals) == 0 || !found {
		return s.trend(sp, "month", dim, code)
	}
	base := vals[0]
	labels := make([]string, len(vals))
	actual := make([]opts.LineData, len(vals))
	ideal := make([]opts.LineData, len(vals))
	span := t.Deadline.Sub(base.End).Hours()
	for i, v := range vals {
		labels[i] = axisLabel(v)
		actual[i] = opts.LineData{Value: round1(v.Value)}
		f := math.Min(1, math.Max(0, v.End.Sub(base.End).Hours()/span))
		ideal[i] = opts.LineData{Value: round1(base.Value + (*t.Threshold-base.Value)*f)}
	}
	c := charts.NewLine()
	c.SetGlobalOptions(common(sp.Name+"（"+s.set.Name(dim, code)+"）", fmt.Sprintf("灰色虚线：按期清零的进度线（%s）", deadline(t)))...)
	c.SetGlobalOptions(charts.WithYAxisOpts(opts.YAxis{Name: sp.Unit, Min: 0}),
		charts.WithXAxisOpts(opts.XAxis{AxisLabel: &opts.AxisLabel{Interval: "auto"}}))
	c.SetXAxis(labels).
		AddSeries("实际", actual, charts.WithLineStyleOpts(opts.LineStyle{Color: red, Width: 2}), charts.WithItemStyleOpts(opts.ItemStyle{Color: red})).
		AddSeries("进度线", ideal, charts.WithLineStyleOpts(opts.LineStyle{Color: grey, Type: "dashed", Width: 2}),
			charts.WithItemStyleOpts(opts.ItemStyle{Color: grey}), charts.WithLineChartOpts(opts.LineChart{ShowSymbol: opts.Bool(false)}))
	return chartBox{ID: s.chartID(sp.ID + "_burndown_" + dim + code), Variants: []variant{{Key: "all", Option: option(c)}}}.html()
}

// periodsFor are the periods a selector offers: the campaign's years (and 2023, the baseline)
// for a year grain, the last 13 months for a month grain; newest selected.
func (s *site) periodsFor(grain string) []time.Time {
	var out []time.Time
	if grain == "year" {
		for _, y := range append([]int{2023}, s.years...) {
			out = append(out, time.Date(y, 1, 1, 0, 0, 0, 0, time.UTC))
		}
		return out
	}
	cur := queries.PeriodStart("month", s.set.AsOf)
	for i := 12; i >= 0; i-- {
		out = append(out, cur.AddDate(0, -i, 0))
	}
	return out
}

func periodKey(t time.Time) string { return t.Format("2006-01") }

func (s *site) periodLabel(grain string, start time.Time) string {
	v := queries.Value{Grain: grain, Start: start, End: start}
	if end := queries.PeriodStart(grain, s.set.AsOf); end.Equal(start) {
		v.Partial, v.End = true, s.set.AsOf
	}
	if v.Partial {
		return axisLabel(v)
	}
	return axisLabel(queries.Value{Grain: grain, Start: start})
}

// behind says whether a unit's value misses the target that applies to its period: below a
// floor, or over a ceiling.
func behind(sp queries.Spec, t queries.Target, v float64) bool {
	th := *t.Threshold
	if t.Comparator == ">=" || (t.Comparator == "=" && sp.Direction == "higher") {
		return v < th
	}
	return v > th
}

// ranked draws the units of a dimension for a period, worst first, those behind their target in
// red; a click opens the unit's page. A selector switches the period.
func (s *site) ranked(sp queries.Spec, dim, grain, where string) template.HTML {
	allowed := map[string]bool{}
	for _, u := range s.units(dim, where) {
		allowed[u.Code] = true
	}
	if grain == "" {
		grain = coarsestGrain(sp)
	}
	periods := s.periodsFor(grain)
	// The period the headline target is judged on is offered even when it is older than the
	// selector's usual range (December 2024 for the 2023 legacy stock).
	judged, hasJudged := time.Time{}, false
	if t, ok := s.set.Primary(sp); ok {
		if g, start, ok := queries.JudgedPeriod(t, sp, s.set.AsOf); ok && g == grain {
			judged, hasJudged = start, true
			if !slices.ContainsFunc(periods, start.Equal) {
				periods = append([]time.Time{start}, periods...)
			}
		}
	}
	var vs []variant
	selected := ""
	for _, start := range periods {
		rows := s.set.Across(sp.ID, grain, dim, start, time.Time{})
		var defined []queries.Value
		for _, r := range rows {
			if r.OK() && (where == "" || allowed[r.Code]) {
				defined = append(defined, r)
			}
		}
		if len(defined) == 0 {
			continue
		}
		// Worst first: the lowest of a higher-is-better metric, the highest otherwise.
		sort.SliceStable(defined, func(i, j int) bool {
			if sp.Direction == "higher" {
				return defined[i].Value < defined[j].Value
			}
			return defined[i].Value > defined[j].Value
		})
		t, hasT := s.thresholdFor(sp, start)
		// A horizontal bar chart lists its categories bottom up: reverse, so the worst is on top.
		names := make([]string, len(defined))
		data := make([]opts.BarData, len(defined))
		links := make([]string, len(defined))
		nBehind := 0
		for i, r := range defined {
			k := len(defined) - 1 - i
			names[k] = s.set.Name(dim, r.Code)
			color := blue
			if hasT && behind(sp, t, r.Value) {
				color, nBehind = red, nBehind+1
			}
			data[k] = opts.BarData{Value: round1(r.Value), ItemStyle: &opts.ItemStyle{Color: color}}
			links[k] = s.unitHref(dim, r.Code)
		}
		label := s.periodLabel(grain, start)
		sub := "按由差到好排列"
		if hasT {
			sub = fmt.Sprintf("红色：未达目标 %s（%d 个）；点击查看该单位", goal(t, sp), nBehind)
		}
		c := charts.NewBar()
		c.SetGlobalOptions(common(fmt.Sprintf("%s%s（分%s）", label, sp.Name, dimName(dim)), sub)...)
		c.SetGlobalOptions(charts.WithXAxisOpts(opts.XAxis{Name: sp.Unit, Scale: opts.Bool(false)}),
			charts.WithYAxisOpts(opts.YAxis{AxisLabel: &opts.AxisLabel{Interval: "0"}}),
			charts.WithLegendOpts(opts.Legend{Show: opts.Bool(false)}))
		series := []charts.SeriesOpts{charts.WithLabelOpts(opts.Label{Show: opts.Bool(true), Position: "right"})}
		if hasT {
			series = append(series, targetLine("目标 "+goal(t, sp), *t.Threshold, true)...)
		}
		c.SetXAxis(names).AddSeries(sp.Name, data, series...)
		c.XYReversal()
		vs = append(vs, variant{Key: periodKey(start), Label: label, Option: option(c), Links: links})
		selected = periodKey(start)
	}
	if len(vs) == 0 {
		return template.HTML(`<p class="note">暂无数据。</p>`)
	}
	// Open on the period the metric's headline target is judged on (2025 for the 2025 target),
	// when it has data; else on the newest period.
	if hasJudged && slices.ContainsFunc(vs, func(v variant) bool { return v.Key == periodKey(judged) }) {
		selected = periodKey(judged)
	}
	h := 120 + 26*len(s.set.Units[dim])
	if h < 260 {
		h = 260
	}
	return chartBox{ID: s.chartID(sp.ID + "_ranked_" + dim), Height: h, Variants: vs, Selected: selected}.html()
}

// units are the units of a dimension a section shows: all, or those with the tag.
func (s *site) units(dim, tag string) []queries.Unit {
	if tag == "" {
		return s.set.Units[dim]
	}
	var out []queries.Unit
	for _, u := range s.set.Units[dim] {
		if slices.Contains(u.Tags, tag) {
			out = append(out, u)
		}
	}
	return out
}

func dimName(dim string) string {
	d, _ := queries.DimensionByID(dim)
	return d.Name
}

// tableData is one period's table of units × metrics.
type tableData struct {
	Key, Label string
	Header     []string
	Rows       []tableRow
	Hidden     bool
}

type tableRow struct {
	Href  string
	Cells []tableCell
	Class string
}

type tableCell struct {
	Text, Class string
}

// table lists the units of a dimension with several metrics side by side for a period, those
// behind a target in red; the flag metric (value 1) marks a row, as 零处罚 departments are.
func (s *site) table(sec SectionSpec) template.HTML {
	grain := sec.Grain
	if grain == "" {
		grain = coarsestGrain(s.set.Spec(sec.Metrics[0]))
	}
	id := s.chartID("table_" + sec.Dim + "_" + strings.Join(sec.Metrics, "_"))
	var tds []tableData
	for _, start := range s.periodsFor(grain) {
		td := tableData{Key: periodKey(start), Label: s.periodLabel(grain, start), Header: []string{dimName(sec.Dim)}}
		for _, m := range sec.Metrics {
			sp := s.set.Spec(m)
			h := sp.Name
			if sp.FormatOrDefault() != "pct" {
				h += "（" + sp.Unit + "）"
			}
			td.Header = append(td.Header, h)
		}
		if sec.Flag != "" {
			td.Header = append(td.Header, s.set.Spec(sec.Flag).Name)
		}
		any := false
		for _, u := range s.units(sec.Dim, sec.Where) {
			row := tableRow{Href: s.unitHref(sec.Dim, u.Code), Cells: []tableCell{{Text: u.Name}}}
			hasValue := false
			for _, m := range sec.Metrics {
				sp := s.set.Spec(m)
				v, ok := s.set.At(m, grain, sec.Dim, u.Code, start, time.Time{})
				cell := tableCell{Text: "—", Class: "num"}
				if ok && v.OK() {
					cell.Text, hasValue = num(sp.FormatOrDefault(), v.Value), true
					if t, hasT := s.thresholdFor(sp, start); hasT && behind(sp, t, v.Value) {
						cell.Class = "num bad"
					}
				}
				row.Cells = append(row.Cells, cell)
			}
			if sec.Flag != "" {
				cell := tableCell{Text: ""}
				if v, ok := s.set.At(sec.Flag, grain, sec.Dim, u.Code, start, time.Time{}); ok && v.Value == 1 {
					cell, row.Class = tableCell{Text: "是", Class: "bad"}, "flagged"
				}
				row.Cells = append(row.Cells, cell)
			}
			if hasValue {
				td.Rows = append(td.Rows, row)
				any = true
			}
		}
		if any {
			tds = append(tds, td)
		}
	}
	if len(tds) == 0 {
		return template.HTML(`<p class="note">暂无数据。</p>`)
	}
	for i := range tds[:len(tds)-1] {
		tds[i].Hidden = true
	}
	var vs []variant
	for _, td := range tds {
		vs = append(vs, variant{Key: td.Key, Label: td.Label})
	}
	out := ""
	if len(tds) > 1 {
		out = selector(id, vs, tds[len(tds)-1].Key)
	}
	return template.HTML(out) + s.exec("table", struct {
		ID     string
		Tables []tableData
	}{id, tds})
}

// chartID makes an element id unique within the page and safe in JavaScript.
func (s *site) chartID(base string) string {
	var b strings.Builder
	for _, r := range base {
		if r < 128 && (r == '_' || r >= '0' && r <= '9' || r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z') {
			b.WriteRune(r)
		} else {
			b.WriteByte('_')
		}
	}
	id := b.String()
	s.ids[id]++
	if n := s.ids[id]; n > 1 {
		id = fmt.Sprintf("%s_%d", id, n)
	}
	return id
}

// list shows an item list of the refresh (overdue 重大 hazards …) as a table.
func (s *site) list(id string) template.HTML {
	l := s.set.Lists[id]
	if len(l.Rows) == 0 {
		return template.HTML(`<p class="note ok">无。</p>`)
	}
	td := tableData{Label: fmt.Sprintf("共 %d 项，截至 %s", len(l.Rows), s.set.AsOf.Format("2006年1月2日")), Header: l.Spec.Columns}
	for _, r := range l.Rows {
		row := tableRow{}
		for _, c := range r {
			cls := ""
			if numeric(c) {
				cls = "num"
			}
			row.Cells = append(row.Cells, tableCell{Text: c, Class: cls})
		}
		td.Rows = append(td.Rows, row)
	}
	return s.exec("table", struct {
		ID     string
		Tables []tableData
	}{s.chartID("list_" + id), []tableData{td}})
}
