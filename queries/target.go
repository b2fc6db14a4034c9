package queries

import (
	"context"
	"fmt"
	"math"
	"sort"
	"strconv"
	"strings"
	"time"

	"safetydw/warehouse"
	"safetydw/warehouse/refdata"
)

// Target is a ref_target row as pages and bulletins judge it.
type Target struct {
	ID, Section, Kind, Quote string
	SeedLine                 int      // line of the seed document the quote is from
	Comparator               string   // >= <= = for numbers; done, trend or '' otherwise
	Threshold                *float64 // nil for milestones and trends
	Assumed                  bool     // the number is our reading, not written in the seed
	Unit                     string
	Deadline                 time.Time // zero when the seed sets none
	PeriodYear               int       // the calendar year judged, 0 when none
	PeriodType               string    // calendar_year | by_date | yearly | monthly | ongoing
	Assumption               string
}

// Numeric says whether the target has a number to meet.
func (t Target) Numeric() bool {
	return t.Threshold != nil && (t.Comparator == ">=" || t.Comparator == "<=" || t.Comparator == "=")
}

// TargetsFromRefdata are the targets as the repository holds them (warehouse/refdata/targets.csv).
func TargetsFromRefdata() []Target {
	var out []Target
	for _, r := range refdata.Targets() {
		t := Target{ID: r.ID, Section: r.Section, SeedLine: r.SeedLine, Kind: r.Kind, Quote: r.Quote, Comparator: r.Comparator, Threshold: r.Threshold,
			Assumed: r.ThresholdAssumed, Unit: r.Unit, PeriodYear: r.PeriodYear, PeriodType: r.PeriodType, Assumption: r.Assumption}
		if r.Deadline != "" {
			t.Deadline, _ = time.Parse(time.DateOnly, r.Deadline)
		}
		out = append(out, t)
	}
	return out
}

// LoadTargets reads ref_target, as loaded by `safetydw migrate`.
func LoadTargets(ctx context.Context, db *warehouse.DB) ([]Target, error) {
	rows, err := db.Query(ctx, `SELECT target_id, section, seed_line, kind, quote, comparator, threshold, threshold_assumed, unit,
		deadline, period_year, period_type, assumption FROM ref_target ORDER BY target_id`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []Target
	for rows.Next() {
		var t Target
		var assumed uint8
		var year, line uint16
		var deadline *time.Time
		if err := rows.Scan(&t.ID, &t.Section, &line, &t.Kind, &t.Quote, &t.Comparator, &t.Threshold, &assumed, &t.Unit,
			&deadline, &year, &t.PeriodType, &t.Assumption); err != nil {
			return nil, err
		}
		t.Assumed, t.PeriodYear, t.SeedLine = assumed == 1, int(year), int(line)
		if deadline != nil {
			t.Deadline = Day(*deadline)
		}
		out = append(out, t)
	}
	return out, rows.Err()
}

// Status is a target's light.
type Status string

const (
	Met        Status = "达标"
	Missed     Status = "未达标"
	OnTrack    Status = "进行中"   // period not over, at or ahead of the straight line to the target
	Behind     Status = "落后于进度" // period not over, behind the straight line
	NotStarted Status = "未开始"
	NoData     Status = "无数据"
	NoVerdict  Status = "趋势" // a trend or milestone: shown, not judged
)

// Rank orders statuses worst first, as the overview lists them.
func (s Status) Rank() int {
	switch s {
	case Missed, Overdue:
		return 0
	case Behind:
		return 1
	case NoData:
		return 2
	case OnTrack:
		return 3
	case NoVerdict:
		return 4
	case NotStarted:
		return 5
	}
	return 6 // Met, Done
}

// Assessment is a target judged on one metric for one unit, as of a day.
type Assessment struct {
	Target   Target
	Metric   Spec
	Dim      string
	Code     string
	Grain    string
	Value    Value // the period judged; Value.OK() false when there is none
	HasValue bool
	Status   Status
	Expected *float64 // the straight line's value on the as-of day, for a period not over
	Change   *float64 // against the same target as of the month end before
	Label    string   // the period as readers write it: 2025年, 2026年1–11月, 2024年12月
	// Milestone holds the tasks judged, for a milestone assessment (metric MilestoneMetric);
	// nil for a metric's.
	Milestone *Milestone
}

// campaignStart is where by-date targets' straight lines start: the plan runs 2024–2026 and
// its baseline is the position at the end of 2023 (domain.md, date conventions).
var campaignStart = time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC)

// Assess judges a target on a metric for one unit (dim "district", code "" for the district);
// the metric MilestoneMetric judges the target's milestone part from the task ledger.
func (s *Set) Assess(t Target, metric, dim, code string) Assessment {
	if metric == MilestoneMetric {
		return s.assessMilestone(t, dim, code)
	}
	a := s.assessAt(t, metric, dim, code, s.AsOf)
	if !s.CompareAsOf.IsZero() && a.HasValue {
		if prev := s.assessAt(t, metric, dim, code, s.CompareAsOf); prev.HasValue && prev.Value.Start.Equal(a.Value.Start) {
			d := a.Value.Value - prev.Value.Value
			a.Change = &d
		}
	}
	return a
}

func (s *Set) assessAt(t Target, metric, dim, code string, asOf time.Time) Assessment {
	sp := s.Spec(metric)
	a := Assessment{Target: t, Metric: sp, Dim: dim, Code: code, Status: NoData}
	grain, start, ok := JudgedPeriod(t, sp, asOf)
	a.Grain = grain
	if !ok {
		a.Status, a.Label = NotStarted, periodLabel(grain, start, time.Time{}, false)
		return a
	}
	v, found := s.At(metric, grain, dim, code, start, asOf)
	a.Value, a.HasValue = v, found && v.OK()
	a.Label = periodLabel(grain, start, v.End, found && v.Partial)
	if !a.HasValue {
		return a
	}
	if !t.Numeric() {
		a.Status = NoVerdict
		return a
	}
	th := *t.Threshold
	higher := t.Comparator == ">=" || (t.Comparator == "=" && sp.Direction == "higher")
	meets := func(x float64) bool {
		switch {
		case t.Comparator == "=" && !higher:
			return x <= th // "= 0" of a count: nothing over the line
		case higher:
			return x >= th
		}
		return x <= th
	}
	// A value is final when its period is over — and, for a target with a deadline, when the
	// deadline has come: a stock judged in June against December is still on its way.
	final := !v.Partial
	if t.PeriodYear == 0 && !t.Deadline.IsZero() && asOf.Before(t.Deadline) {
		final = false
	}
	if final {
		a.Status = map[bool]Status{true: Met, false: Missed}[meets(v.Value)]
		return a
	}
	// A count only grows within its period: once over a ceiling it stays over, once at a floor
	// it stays there.
	if sp.Accumulates && meets(v.Value) == higher {
		a.Status = map[bool]Status{true: Met, false: Missed}[higher]
		return a
	}
	spanStart, spanEnd := campaignStart, t.Deadline
	if t.PeriodYear > 0 {
		spanStart = time.Date(t.PeriodYear, 1, 1, 0, 0, 0, 0, time.UTC)
		spanEnd = spanStart.AddDate(1, 0, -1)
	}
	if spanEnd.IsZero() || !spanEnd.After(spanStart) {
		spanStart, spanEnd = v.Start, nextPeriod(grain, v.Start).AddDate(0, 0, -1)
	}
	base, hasBase := s.baseline(metric, grain, dim, code, spanStart, asOf)
	if !hasBase || sp.Accumulates {
		// Without a starting point the line is flat at the target: judge the part so far.
		base = th
		if sp.Accumulates {
			base = 0
		}
	}
	f := float64(asOf.Sub(spanStart)) / float64(spanEnd.Sub(spanStart))
	f = math.Max(0, math.Min(1, f))
	exp := base + (th-base)*f
	a.Expected = &exp
	onLine := v.Value <= exp
	if higher {
		onLine = v.Value >= exp
	}
	a.Status = map[bool]Status{true: OnTrack, false: Behind}[onLine]
	return a
}

// baseline is the metric's value for the period that ends just before the span starts.
func (s *Set) baseline(metric, grain, dim, code string, spanStart, asOf time.Time) (float64, bool) {
	v, ok := s.At(metric, grain, dim, code, PeriodStart(grain, spanStart.AddDate(0, 0, -1)), asOf)
	return v.Value, ok && v.OK() && !v.Partial
}

// JudgedPeriod picks the period a target is judged on as of a day: its calendar year; or, for
// a deadline, the period holding the deadline once it has passed and the current one before;
// or the current period. ok is false when that period has not started yet.
func JudgedPeriod(t Target, sp Spec, asOf time.Time) (grain string, start time.Time, ok bool) {
	grain = "year"
	if !sp.HasGrain("year") || ((t.PeriodType == "monthly" || (!t.Deadline.IsZero() && t.PeriodYear == 0)) && sp.HasGrain("month")) {
		grain = "month"
	}
	day := asOf
	switch {
	case t.PeriodYear > 0:
		day = time.Date(t.PeriodYear, 12, 31, 0, 0, 0, 0, time.UTC)
		if day.After(asOf) {
			day = asOf
		}
		start = time.Date(t.PeriodYear, 1, 1, 0, 0, 0, 0, time.UTC)
		if grain == "month" {
			start = PeriodStart("month", day)
		}
		return grain, start, !start.After(asOf)
	case !t.Deadline.IsZero() && t.Deadline.Before(asOf):
		day = t.Deadline
	}
	return grain, PeriodStart(grain, day), true
}

// periodLabel writes a period as readers do; a period not over says how far it goes.
func periodLabel(grain string, start, end time.Time, partial bool) string {
	if start.IsZero() {
		return ""
	}
	if grain == "year" {
		if partial {
			if end.Month() == 1 {
				return fmt.Sprintf("%d年1月", start.Year())
			}
			return fmt.Sprintf("%d年1–%d月", start.Year(), int(end.Month()))
		}
		return fmt.Sprintf("%d年", start.Year())
	}
	if partial {
		return fmt.Sprintf("%d年%d月（截至%d日）", start.Year(), int(start.Month()), end.Day())
	}
	return fmt.Sprintf("%d年%d月", start.Year(), int(start.Month()))
}

// PeriodLabel writes a value's period as readers do.
func (v Value) PeriodLabel() string { return periodLabel(v.Grain, v.Start, v.End, v.Partial) }

// Primary is the target a metric's headline tile shows: the one judged this year, else the
// latest year's, else the first.
func (s *Set) Primary(sp Spec) (Target, bool) {
	var best Target
	found := false
	for _, id := range sp.Targets {
		t, ok := s.Targets[id]
		if !ok {
			continue
		}
		switch {
		case !found:
			best, found = t, true
		case t.PeriodYear == s.AsOf.Year():
			return t, true
		case t.PeriodYear <= s.AsOf.Year() && t.PeriodYear > best.PeriodYear:
			best = t
		}
	}
	if found && best.PeriodYear == s.AsOf.Year() {
		return best, true
	}
	return best, found
}

// SortTargets lists targets in the plan's order (T1 before T10).
func SortTargets(ts map[string]Target) []Target {
	out := make([]Target, 0, len(ts))
	for _, t := range ts {
		out = append(out, t)
	}
	sort.Slice(out, func(i, j int) bool { return TargetNumber(out[i].ID) < TargetNumber(out[j].ID) })
	return out
}

// TargetNumber is the number of a target id: 3 for T03.
func TargetNumber(id string) int {
	n, _ := strconv.Atoi(strings.TrimPrefix(id, "T"))
	return n
}
