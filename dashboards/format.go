package dashboards

import (
	"fmt"
	"math"
	"strconv"
	"strings"

	"safetydw/queries"
)

// num writes a number in the metric's format: 41.6%, 1,014, 3.6. Undefined values read "—".
func num(format string, v float64) string {
	if math.IsNaN(v) || math.IsInf(v, 0) {
		return "—"
	}
	switch format {
	case "pct":
		return strconv.FormatFloat(v, 'f', 1, 64) + "%"
	case "int":
		return thousands(strconv.FormatFloat(math.Round(v), 'f', 0, 64))
	case "dec2":
		return thousands(strconv.FormatFloat(v, 'f', 2, 64))
	}
	return thousands(strconv.FormatFloat(v, 'f', 1, 64))
}

// thousands groups the integer digits by three, as Chinese reports do for counts.
func thousands(s string) string {
	sign := ""
	if strings.HasPrefix(s, "-") {
		sign, s = "-", s[1:]
	}
	intPart, frac, hasFrac := strings.Cut(s, ".")
	var b strings.Builder
	for i, r := range intPart {
		if i > 0 && (len(intPart)-i)%3 == 0 {
			b.WriteByte(',')
		}
		b.WriteRune(r)
	}
	if hasFrac {
		return sign + b.String() + "." + frac
	}
	return sign + b.String()
}

// value writes a metric value with its unit where the format does not carry one.
func value(sp queries.Spec, v float64) string {
	s := num(sp.FormatOrDefault(), v)
	if s == "—" || sp.FormatOrDefault() == "pct" {
		return s
	}
	return s + " " + sp.Unit
}

// round1 keeps a chart's data to one decimal, as its labels show them.
func round1(v float64) any {
	if math.IsNaN(v) || math.IsInf(v, 0) {
		return "-" // ECharts draws no point
	}
	return math.Round(v*10) / 10
}

// goal writes a target as readers do: ≥ 40.0%, = 0, ≥ 9.0%（假设）.
func goal(t queries.Target, sp queries.Spec) string {
	if !t.Numeric() {
		switch t.Comparator {
		case "trend":
			return "看趋势（方案未给数值）"
		case "done":
			return "按期完成"
		}
		return "—"
	}
	sign := map[string]string{">=": "≥", "<=": "≤", "=": "="}[t.Comparator]
	s := sign + " " + num(sp.FormatOrDefault(), *t.Threshold)
	if t.Unit == "%" && sp.FormatOrDefault() != "pct" {
		s = sign + " " + num("pct", *t.Threshold)
	}
	if t.Assumed {
		s += "（假设）"
	}
	return s
}

// deadline writes a target's deadline, or its year.
func deadline(t queries.Target) string {
	switch {
	case t.PeriodYear > 0:
		return fmt.Sprintf("%d年全年", t.PeriodYear)
	case !t.Deadline.IsZero():
		return t.Deadline.Format("2006年1月2日") + "前"
	case t.PeriodType == "yearly":
		return "每年"
	case t.PeriodType == "monthly":
		return "每月"
	}
	return "持续"
}

// change writes "较上月 +1.2 个百分点" for a share, "较上月 −1 项" for a count. A period already
// over only changes when late data came in, so there "unchanged" is not news and is not said.
func change(sp queries.Spec, d *float64, partial bool) string {
	if d == nil || math.IsNaN(*d) {
		return ""
	}
	if math.Abs(*d) < 1e-9 {
		if partial {
			return "较上月持平"
		}
		return ""
	}
	sign := "+"
	if *d < 0 {
		sign = "−"
	}
	a := math.Abs(*d)
	if sp.FormatOrDefault() == "pct" {
		return "较上月 " + sign + strconv.FormatFloat(a, 'f', 1, 64) + " 个百分点"
	}
	return "较上月 " + sign + strings.TrimSuffix(value(sp, a), " ")
}

// statusClass is the CSS class of a status light.
func statusClass(s queries.Status) string {
	switch s {
	case queries.Met, queries.Done:
		return "met"
	case queries.Missed, queries.Overdue:
		return "missed"
	case queries.Behind:
		return "behind"
	case queries.OnTrack:
		return "ontrack"
	}
	return "none"
}
