package dashboards

import (
	"strconv"

	"github.com/go-echarts/go-echarts/v2/charts"
	"github.com/go-echarts/go-echarts/v2/opts"

	"safetydw/queries"
)

// chartOpts are the options every chart shares: fixed id (so builds are reproducible), SVG
// rendering (vector text when printed), no animation (deterministic capture).
func chartOpts(id, title, subtitle string, y opts.YAxis) []charts.GlobalOpts {
	return []charts.GlobalOpts{
		charts.WithInitializationOpts(opts.Initialization{ChartID: id, Width: "960px", Height: "420px", Renderer: "svg", PageTitle: title}),
		charts.WithTitleOpts(opts.Title{Title: title, Subtitle: subtitle}),
		charts.WithTooltipOpts(opts.Tooltip{Show: opts.Bool(true), Trigger: "axis"}),
		charts.WithLegendOpts(opts.Legend{Show: opts.Bool(true), Right: "5%"}),
		charts.WithYAxisOpts(y),
		// Every town's name under its bar; room above the grid keeps the axis name off the subtitle.
		charts.WithXAxisOpts(opts.XAxis{AxisLabel: &opts.AxisLabel{Interval: "0"}}),
		charts.WithGridOpts(opts.Grid{Top: "90", Left: "60", Right: "90"}),
		charts.WithAnimation(false),
	}
}

const belowColor = "#e57373"

var percentAxis = opts.YAxis{Name: "占比（%）", Min: 0, Max: 100}

// goalText shows a target as readers write it (≥ 40.0%), marking assumed thresholds.
func goalText(t queries.Target) string {
	if t.Threshold == nil {
		return "—"
	}
	sign := map[string]string{">=": "≥", "<=": "≤", "=": "="}[t.Comparator]
	s := sign + " " + strconv.FormatFloat(*t.Threshold, 'f', -1, 64)
	if t.Unit == "%" {
		s = sign + " " + pct(*t.Threshold)
	}
	if t.Assumed {
		s += "（假设）"
	}
	return s
}

func percentLabel() opts.Label {
	return opts.Label{Show: opts.Bool(true), Position: "top", Formatter: "{c}%"}
}

func targetIDs(ts []queries.Target) string {
	s := ""
	for i, t := range ts {
		if i > 0 {
			s += "、"
		}
		s += t.ID
	}
	return s
}

func round1(v float64) float64 {
	f, _ := strconv.ParseFloat(strconv.FormatFloat(v, 'f', 1, 64), 64)
	return f
}

func pct(v float64) string { return strconv.FormatFloat(v, 'f', 1, 64) + "%" }

func count(v float64) string { return strconv.FormatFloat(v, 'f', 0, 64) }
