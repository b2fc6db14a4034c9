package queries

import (
	"fmt"
	"testing"
	"time"
)

func d(s string) time.Time {
	t, err := time.Parse(time.DateOnly, s)
	if err != nil {
		panic(err)
	}
	return t
}

func f(x float64) *float64 { return &x }

// A set with hand-made values of three metrics, for judging targets without a server.
func judgeSet(t *testing.T, asOf string) *Set {
	t.Helper()
	cat, err := Metrics()
	if err != nil {
		t.Fatal(err)
	}
	a := d(asOf)
	val := func(metric, grain, start, end string, partial bool, v float64) Value {
		return Value{Metric: metric, AsOf: a, Grain: grain, Start: d(start), End: d(end), Partial: partial, Dim: "district", Value: v}
	}
	vals := []Value{
		val("sibu_drill_share", "year", "2024-01-01", "2024-12-31", false, 37.5),
		val("sibu_drill_share", "year", "2025-01-01", "2025-12-31", false, 52),
		val("sibu_drill_share", "year", "2026-01-01", asOf, true, 74.5),
		val("major_accidents", "year", "2025-01-01", "2025-12-31", false, 1),
		val("major_hazard_legacy_clearance", "month", "2023-12-01", "2023-12-31", false, 8),
		val("major_hazard_legacy_clearance", "month", "2024-06-01", "2024-06-30", false, 5),
		val("major_hazard_legacy_clearance", "month", "2024-12-01", "2024-12-31", false, 1),
		val("mine_intelligent_output_share", "year", "2025-01-01", "2025-12-31", false, 88.5),
	}
	mine := func(code string, v float64) Value {
		x := val("mine_intelligent_output_share", "year", "2025-01-01", "2025-12-31", false, v)
		x.Dim, x.Code = "mine", code
		return x
	}
	vals = append(vals, mine("M01", 95), mine("M04", 71.8))
	if asOf == "2026-11-30" {
		vals = append(vals, val("major_accidents", "year", "2026-01-01", asOf, true, 0))
	}
	s := NewSet(cat, TargetsFromRefdata(), nil, vals)
	s.AsOf = a
	return s
}

func TestAssess(t *testing.T) {
	late := judgeSet(t, "2026-11-30")
	cases := []struct {
		set            *Set
		target, metric string
		status         Status
		value          float64
		expected       string // the straight line's value on the as-of day, when in progress
		label          string
	}{
		// Whole years are judged on their value: 2024 37.5 < 40, 2025 52 ≥ 50.
		{late, "T70", "sibu_drill_share", Missed, 37.5, "", "2024年"},
		{late, "T71", "sibu_drill_share", Met, 52, "", "2025年"},
		// 2026 to 30 November: 333 of the year's 364 days gone, the line from 2025's 52 to 90 stands at
		// 52 + 38 × 333/364 = 86.76; 74.5 is behind it, and it is not a missed year.
		{late, "T72", "sibu_drill_share", Behind, 74.5, "86.76", "2026年1–11月"},
		// A count that only grows: none so far this year is on track for "= 0".
		{late, "T01", "major_accidents", OnTrack, 0, "0.00", "2026年1–11月"},
		// After its deadline the legacy stock is judged at December 2024: 1 left of "= 0".
		{late, "T03", "major_hazard_legacy_clearance", Missed, 1, "", "2024年12月"},
	}
	mid := judgeSet(t, "2024-06-30")
	// Mid-2024 the legacy stock (8 at the end of 2023) should be down to 8 − 8 × 181/365 = 4.03 by the
	// straight line to zero on 2024-12-31; 5 is behind. June is over, but the deadline is not.
	cases = append(cases, struct {
		set            *Set
		target, metric string
		status         Status
		value          float64
		expected       string
		label          string
	}{mid, "T03", "major_hazard_legacy_clearance", Behind, 5, "4.03", "2024年6月"})
	for _, c := range cases {
		a := c.set.Assess(c.set.Targets[c.target], c.metric, "district", "")
		exp := ""
		if a.Expected != nil {
			exp = fmt.Sprintf("%.2f", *a.Expected)
		}
		if a.Status != c.status || a.Value.Value != c.value || exp != c.expected || a.Label != c.label {
			t.Errorf("%s as of %s: %s %v (line %s) %q, want %s %v (line %s) %q", c.target, c.set.AsOf.Format(time.DateOnly),
				a.Status, a.Value.Value, exp, a.Label, c.status, c.value, c.expected, c.label)
		}
	}
	// Smart mining is judged on the whole of 2025, for the district and for each mine, even in
	// November 2026 when the monthly line has long passed 90 %.
	for _, c := range []struct {
		dim, code string
		status    Status
	}{{"district", "", Missed}, {"mine", "M01", Met}, {"mine", "M04", Missed}} {
		if a := late.Assess(late.Targets["T46"], "mine_intelligent_output_share", c.dim, c.code); a.Status != c.status || a.Label != "2025年" {
			t.Errorf("T46 %s %s: %s %q, want %s on 2025年", c.dim, c.code, a.Status, a.Label, c.status)
		}
	}
	// A year already over with one 较大 accident is a miss, whatever this year looks like.
	past := late.Targets["T01"]
	past.PeriodYear = 2025
	if a := late.Assess(past, "major_accidents", "district", ""); a.Status != Missed {
		t.Errorf("T01 in 2025 with one 较大 accident: %s, want 未达标", a.Status)
	}
}

func TestPeriods(t *testing.T) {
	ps := Periods([]string{"month", "year"}, d("2025-11-01"), d("2026-01-15"))
	var got []string
	for _, p := range ps {
		got = append(got, fmt.Sprintf("%s %s–%s %v", p.Grain, p.Start.Format("2006-01-02"), p.End.Format("2006-01-02"), p.Partial))
	}
	want := []string{
		"month 2025-11-01–2025-11-30 false", "month 2025-12-01–2025-12-31 false", "month 2026-01-01–2026-01-15 true",
		"year 2025-01-01–2025-12-31 false", "year 2026-01-01–2026-01-15 true",
	}
	if fmt.Sprint(got) != fmt.Sprint(want) {
		t.Errorf("Periods:\n got %q\nwant %q", got, want)
	}
	if l := periodLabel("year", d("2026-01-01"), d("2026-11-29"), true); l != "2026年1–11月" {
		t.Errorf("label %q", l)
	}
	if c := CompareAsOf(d("2025-06-30")); !c.Equal(d("2025-05-31")) {
		t.Errorf("CompareAsOf(2025-06-30) = %v", c)
	}
}
