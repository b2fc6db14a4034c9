package queries

import (
	"context"
	"fmt"
	"math"
	"sort"
	"time"

	"safetydw/warehouse"
	"safetydw/warehouse/refdata"
)

// Value is one row of a refresh: a metric for one period and one unit, as of a day.
type Value struct {
	Metric      string
	AsOf        time.Time
	Grain       string // month | year
	Start, End  time.Time
	Partial     bool
	Dim, Code   string
	Numerator   float64
	Denominator float64
	Value       float64 // NaN when undefined (no denominator)
}

// OK says whether the value is defined.
func (v Value) OK() bool { return !math.IsNaN(v.Value) && !math.IsInf(v.Value, 0) }

// Unit is a town, park, department, industry, mine or enterprise, as readers name it. Tags
// are what a page may select units by: penalty_power (a department that may penalise),
// chemical (a 化工园区), high_risk (a 高危 industry).
type Unit struct {
	Dim, Code, Name string
	Tags            []string
}

// Set is one complete refresh held in memory: every value at its as-of date and at the month
// end before, with the targets and the units' names. Pages and bulletins read only a Set, so
// they render the same from the live warehouse (LoadSet) or a frozen monthly snapshot, and
// their tests need no server.
type Set struct {
	RefreshID       uint64
	AsOf            time.Time // the day the values stand at
	CompareAsOf     time.Time // the month end before, for "change vs last month"
	RefreshedAt     time.Time
	DefinitionsHash string
	Catalogue       *Catalogue
	Targets         map[string]Target
	Units           map[string][]Unit // by dimension, in reading order
	Lists           map[string]List   // item lists at the as-of day, by list id

	series map[seriesKey][]Value // sorted by Start
	names  map[[2]string]string
}

type seriesKey struct {
	metric, grain, dim, code string
	asOf                     time.Time
}

// NewSet indexes values. Units default to the reference data's towns, parks, departments,
// industries and mines.
func NewSet(cat *Catalogue, targets []Target, units map[string][]Unit, values []Value) *Set {
	s := &Set{Catalogue: cat, Targets: map[string]Target{}, Units: units, series: map[seriesKey][]Value{}, names: map[[2]string]string{}}
	if s.Units == nil {
		s.Units = ReferenceUnits()
	}
	for _, t := range targets {
		s.Targets[t.ID] = t
	}
	for dim, us := range s.Units {
		for _, u := range us {
			s.names[[2]string{dim, u.Code}] = u.Name
		}
	}
	for _, v := range values {
		k := seriesKey{v.Metric, v.Grain, v.Dim, v.Code, v.AsOf}
		s.series[k] = append(s.series[k], v)
	}
	for _, vs := range s.series {
		sort.Slice(vs, func(i, j int) bool { return vs[i].Start.Before(vs[j].Start) })
	}
	return s
}

// ReferenceUnits lists the units of warehouse/refdata by dimension, in their reading order.
func ReferenceUnits() map[string][]Unit {
	u := map[string][]Unit{"district": {{Dim: "district", Code: "", Name: "全区"}}}
	towns := refdata.Towns()
	sort.SliceStable(towns, func(i, j int) bool { return towns[i].SortOrder < towns[j].SortOrder })
	tag := func(on bool, t string) []string {
		if on {
			return []string{t}
		}
		return nil
	}
	for _, t := range towns {
		u["town"] = append(u["town"], Unit{Dim: "town", Code: t.Code, Name: t.Name})
	}
	for _, p := range refdata.Parks() {
		u["park"] = append(u["park"], Unit{Dim: "park", Code: p.Code, Name: p.Name, Tags: tag(p.IsChemical, "chemical")})
	}
	for _, d := range refdata.Departments() {
		u["dept"] = append(u["dept"], Unit{Dim: "dept", Code: d.Code, Name: d.Name, Tags: tag(d.HasPenaltyPower, "penalty_power")})
	}
	for _, i := range refdata.Industries() {
		u["industry"] = append(u["industry"], Unit{Dim: "industry", Code: i.Code, Name: i.Name, Tags: tag(i.IsHighRisk, "high_risk")})
	}
	for _, m := range refdata.CoalMines() {
		u["mine"] = append(u["mine"], Unit{Dim: "mine", Code: m.ID, Name: m.Name})
	}
	return u
}

// Name is the unit's Chinese name, or its code when the reference data does not know it.
func (s *Set) Name(dim, code string) string {
	if dim == "district" {
		return "全区"
	}
	if n, ok := s.names[[2]string{dim, code}]; ok {
		return n
	}
	return code
}

// Spec returns a metric's spec; pages only name metrics the catalogue holds (checked when the
// page specs load), so a miss is a programming error.
func (s *Set) Spec(metric string) Spec {
	sp, ok := s.Catalogue.Lookup(metric)
	if !ok {
		panic("no metric " + metric)
	}
	return sp
}

// Series is a metric's values for one unit, oldest first, as of the day (the zero time means
// the set's as-of). A count metric has no row for a period or unit without events or items:
// those read as 0 from the metric's first period, or the campaign's baseline year, to the as-of
// day.
func (s *Set) Series(metric, grain, dim, code string, asOf time.Time) []Value {
	if asOf.IsZero() {
		asOf = s.AsOf
	}
	vs := s.series[seriesKey{metric, grain, dim, code, asOf}]
	sp, ok := s.Catalogue.Lookup(metric)
	if !ok || !sp.Counts() || !sp.HasGrain(grain) {
		return vs
	}
	from := sp.FromDate()
	if from.IsZero() {
		from = baselineYear
	}
	have := map[time.Time]Value{}
	for _, v := range vs {
		have[v.Start] = v
	}
	var out []Value
	for _, p := range Periods([]string{grain}, from, asOf) {
		v, ok := have[p.Start]
		if !ok {
			v = Value{Metric: metric, AsOf: asOf, Grain: grain, Start: p.Start, End: p.End, Partial: p.Partial, Dim: dim, Code: code}
		}
		out = append(out, v)
	}
	return out
}

// baselineYear is where count series start when the metric does not say: 2023, the year the
// campaign compares against.
var baselineYear = time.Date(2023, 1, 1, 0, 0, 0, 0, time.UTC)

// At is the value for the period starting on start.
func (s *Set) At(metric, grain, dim, code string, start, asOf time.Time) (Value, bool) {
	for _, v := range s.Series(metric, grain, dim, code, asOf) {
		if v.Start.Equal(start) {
			return v, true
		}
	}
	return Value{}, false
}

// Current is the value for the period holding the as-of day.
func (s *Set) Current(metric, grain, dim, code string, asOf time.Time) (Value, bool) {
	if asOf.IsZero() {
		asOf = s.AsOf
	}
	return s.At(metric, grain, dim, code, PeriodStart(grain, asOf), asOf)
}

// Across is the metric for every unit of a dimension in one period, in the units' reading order;
// units without a row are left out, except for count metrics, where they read 0.
func (s *Set) Across(metric, grain, dim string, start, asOf time.Time) []Value {
	if asOf.IsZero() {
		asOf = s.AsOf
	}
	var out []Value
	seen := map[string]bool{}
	for _, u := range s.Units[dim] {
		seen[u.Code] = true
		if v, ok := s.At(metric, grain, dim, u.Code, start, asOf); ok {
			out = append(out, v)
		}
	}
	// Units the reference data does not list (enterprises) follow, by code.
	var extra []Value
	for k, vs := range s.series {
		if k.metric == metric && k.grain == grain && k.dim == dim && k.asOf.Equal(asOf) && !seen[k.code] {
			for _, v := range vs {
				if v.Start.Equal(start) {
					extra = append(extra, v)
				}
			}
		}
	}
	sort.Slice(extra, func(i, j int) bool { return extra[i].Code < extra[j].Code })
	return append(out, extra...)
}

// LoadSet reads the latest complete refresh of the warehouse.
func LoadSet(ctx context.Context, db *warehouse.DB) (*Set, error) {
	cat, err := Metrics()
	if err != nil {
		return nil, err
	}
	var id uint64
	var asOf, compare time.Time
	var refreshed time.Time
	var hash string
	err = db.QueryRow(ctx, `SELECT refresh_id, as_of, compare_as_of, finished_at, definitions_hash FROM ads_metric_refresh
		WHERE status = 'complete' ORDER BY refresh_id DESC LIMIT 1`).Scan(&id, &asOf, &compare, &refreshed, &hash)
	if err != nil {
		return nil, fmt.Errorf("尚无完整的指标计算结果，请先运行 safetydw metrics refresh (no complete metric refresh): %w", err)
	}
	vals, err := liveStore.loadValues(ctx, db, id)
	if err != nil {
		return nil, err
	}
	targets, err := LoadTargets(ctx, db)
	if err != nil {
		return nil, err
	}
	units := ReferenceUnits()
	if ents, err := enterpriseUnitsOf(ctx, db, liveStore, id); err != nil {
		return nil, err
	} else if len(ents) > 0 {
		units["enterprise"] = ents
	}
	s := NewSet(cat, targets, units, vals)
	s.RefreshID, s.AsOf, s.CompareAsOf, s.RefreshedAt, s.DefinitionsHash = id, Day(asOf), Day(compare), refreshed, hash
	if s.Lists, err = liveStore.loadLists(ctx, db, id, s.AsOf); err != nil {
		return nil, err
	}
	return s, nil
}

// loadValues reads every value stored under a refresh (or snapshot) id.
func (st store) loadValues(ctx context.Context, db *warehouse.DB, id uint64) ([]Value, error) {
	// Sized first: grown by append, the slice of a scale-10 refresh (~220,000 values) was copied
	// and faulted in again at each doubling: a fifth of a site build's time.
	var n uint64
	if err := db.QueryRow(ctx, `SELECT count() FROM `+st.values+` WHERE `+st.id+` = ?`, id).Scan(&n); err != nil {
		return nil, err
	}
	rows, err := db.Query(ctx, `SELECT metric_id, as_of, period_type, period_start, period_end, partial, dim_type, dim_code,
		numerator, denominator, value FROM `+st.values+` WHERE `+st.id+` = ?`, id)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	vals := make([]Value, 0, n)
	for rows.Next() {
		var v Value
		var partial uint8
		if err := rows.Scan(&v.Metric, &v.AsOf, &v.Grain, &v.Start, &v.End, &partial, &v.Dim, &v.Code, &v.Numerator, &v.Denominator, &v.Value); err != nil {
			return nil, err
		}
		v.AsOf, v.Start, v.End, v.Partial = Day(v.AsOf), Day(v.Start), Day(v.End), partial == 1
		vals = append(vals, v)
	}
	return vals, rows.Err()
}

// enterpriseUnitsOf names the enterprises a refresh (or snapshot) has values for.
func enterpriseUnitsOf(ctx context.Context, db *warehouse.DB, st store, id uint64) ([]Unit, error) {
	rows, err := db.Query(ctx, `SELECT enterprise_id, any(name) FROM dim_enterprise FINAL
		WHERE enterprise_id IN (SELECT dim_code FROM `+st.values+` WHERE `+st.id+` = ? AND dim_type = 'enterprise')
		GROUP BY enterprise_id ORDER BY enterprise_id`, id)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []Unit
	for rows.Next() {
		u := Unit{Dim: "enterprise"}
		if err := rows.Scan(&u.Code, &u.Name); err != nil {
			return nil, err
		}
		out = append(out, u)
	}
	return out, rows.Err()
}
