package dashboards

import (
	"bytes"
	"encoding/json"
	"fmt"
	"html/template"
	"sort"

	"github.com/go-echarts/go-echarts/v2/charts"
	"github.com/go-echarts/go-echarts/v2/opts"
)

// Charts are built with go-echarts' typed options and handed to the page's small runtime
// (templates/page.html, sdw.chart) as option objects: one container per chart, whose variants
// (one per year or month of a selector) are swapped with setOption, so no chart ever sits in a
// hidden container (ECharts cannot size one) and every chart follows its container's width.

const (
	red    = "#d32f2f"
	amber  = "#f29900"
	blue   = "#1e6fd9"
	grey   = "#9aa0a6"
	green  = "#2e7d32"
	height = 360
)

// chartBox is a chart container and its script: variants by key, the one shown first, and
// for each variant the page a click on a category opens (unit pages).
type chartBox struct {
	ID       string
	Height   int
	Variants []variant
	Selected string
}

type variant struct {
	Key, Label string
	Option     json.RawMessage
	Links      []string // per category, "" for none
}

// option turns a go-echarts chart into the option object ECharts takes.
func option(c interface {
	Validate()
	JSONNotEscaped() template.HTML
}) json.RawMessage {
	c.Validate()
	return json.RawMessage(c.JSONNotEscaped())
}

// html renders the container, a period selector when there is more than one variant, and the
// call that draws it.
func (c chartBox) html() template.HTML {
	if c.Height == 0 {
		c.Height = height
	}
	type v struct {
		Option json.RawMessage `json:"option"`
		Links  []string        `json:"links,omitempty"`
	}
	vs := map[string]v{}
	for _, x := range c.Variants {
		vs[x.Key] = v{x.Option, x.Links}
	}
	data, err := json.Marshal(vs)
	if err != nil {
		panic(err) // options are built here from numbers and strings; a failure is a bug
	}
	var b bytes.Buffer
	if len(c.Variants) > 1 {
		b.WriteString(selector(c.ID, c.Variants, c.Selected))
	}
	fmt.Fprintf(&b, `<div class="chart" id="%s" style="height:%dpx"></div>`, c.ID, c.Height)
	fmt.Fprintf(&b, `<script>sdw.chart(%q, %s, %q)</script>`, c.ID, data, c.Selected)
	return template.HTML(b.String())
}

// selector is the period drop-down of a chart or a group of tables.
func selector(target string, vs []variant, selected string) string {
	var b bytes.Buffer
	fmt.Fprintf(&b, `<label class="period">期间 <select data-for="%s" onchange="sdw.pick(this)">`, target)
	for _, x := range vs {
		sel := ""
		if x.Key == selected {
			sel = " selected"
		}
		fmt.Fprintf(&b, `<option value="%s"%s>%s</option>`, template.HTMLEscapeString(x.Key), sel, template.HTMLEscapeString(x.Label))
	}
	b.WriteString(`</select></label>`)
	return b.String()
}

// common are the options every chart shares: SVG (vector text when printed, and readable by the
// browser test), no animation (deterministic capture), room for Chinese labels.
func common(title, subtitle string) []charts.GlobalOpts {
	return []charts.GlobalOpts{
		charts.WithInitializationOpts(opts.Initialization{Renderer: "svg"}),
		charts.WithTitleOpts(opts.Title{Title: title, Subtitle: subtitle, TitleStyle: &opts.TextStyle{FontSize: 15}}),
		charts.WithTooltipOpts(opts.Tooltip{Show: opts.Bool(true), Trigger: "axis"}),
		charts.WithLegendOpts(opts.Legend{Show: opts.Bool(true), Right: "2%", Top: "2%"}),
		charts.WithGridOpts(opts.Grid{Top: "78", Left: "8", Right: "28", Bottom: "8", ContainLabel: opts.Bool(true)}),
		charts.WithAnimation(false),
	}
}

// targetLine is a dashed red line at a value, named so that its label reads "目标 ≥ 40.0%".
func targetLine(name string, at float64, horizontal bool) []charts.SeriesOpts {
	item := opts.MarkLineNameYAxisItem{Name: name, YAxis: at}
	style := charts.WithMarkLineStyleOpts(opts.MarkLineStyle{
		Symbol:    []string{"none", "none"},
		LineStyle: &opts.LineStyle{Color: red, Type: "dashed", Width: 2},
		Label:     &opts.Label{Show: opts.Bool(true), Formatter: name, Position: "end", Color: red},
	})
	if horizontal {
		return []charts.SeriesOpts{charts.WithMarkLineNameXAxisItemOpts(opts.MarkLineNameXAxisItem{Name: name, XAxis: at}), style}
	}
	return []charts.SeriesOpts{charts.WithMarkLineNameYAxisItemOpts(item), style}
}

// sortedKeys returns map keys in order.
func sortedKeys[V any](m map[string]V) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}
