package queries

import (
	"bytes"
	"embed"
	"encoding/csv"
	"fmt"
	"io/fs"
	"regexp"
	"slices"
	"strings"
	"time"

	"safetydw/warehouse/refdata"
)

// Columns of every expanded metric query, in order; ads_metric_value stores them as they are.
const resultColumns = "period_type, period_start, period_end, partial, dim_type, dim_code, numerator, denominator, value"

// paramRef is {param:name} in a metric's SQL: a number of warehouse/refdata/parameters.csv.
var paramRef = regexp.MustCompile(`\{param:([a-z0-9_]+)\}`)

// rowsRef is {rows:name} in a metric's SQL: the row set queries/rows/<name>.sql, shared by the
// metrics that cut the same facts (every hazard metric reads the same hazard rows).
var rowsRef = regexp.MustCompile(`\{rows:([a-z0-9_]+)\}`)

//go:embed rows/*.sql
var rowFiles embed.FS

// unitAtRef is {town_at:date} or {park_at:date} in a metric's SQL: the town or park a fact counts
// under, decided by the unit answerable for it on the fact's date. The row must carry town_code,
// territorial_unit (as loaded) and moves (from ANY LEFT JOIN {rows:unit_moves} USING
// enterprise_id). The park is the unit on the date when that is a park; the town stays where the
// unit is (town_code), unless the change log moved it between towns, then the town on the date.
var unitAtRef = regexp.MustCompile(`\{(town|park)_at:([a-z_]+)\}`)

// unitAt writes the two macros; 18.16 has no ASOF JOIN, so the unit on the date is the last
// move on or before it (its new unit), or before the first move that move's old unit. The date
// reaches the lambda as an argument (replicate), not captured: 18.16 drops a subquery column
// that only a lambda uses ("Unknown identifier").
func unitAt(which, date string) string {
	before := fmt.Sprintf("arrayFilter((m, d) -> m.1 <= d, moves, replicate(%s, moves))", date)
	unit := fmt.Sprintf("if(empty(moves), CAST(territorial_unit AS String), if(empty(%s), moves[1].2, %s[-1].3))", before, before)
	inPark := fmt.Sprintf("(%s) IN (SELECT park_code FROM dim_park)", unit)
	if which == "park" {
		return fmt.Sprintf("if(%s, %s, '')", inPark, unit)
	}
	return fmt.Sprintf("if(empty(moves) OR %s, CAST(town_code AS String), %s)", inPark, unit)
}

// rowSets reads queries/rows: name → the SELECT, comment lines dropped.
func rowSets() map[string]string {
	out := map[string]string{}
	entries, _ := fs.ReadDir(rowFiles, "rows")
	for _, e := range entries {
		body, _ := rowFiles.ReadFile("rows/" + e.Name())
		var lines []string
		for _, l := range strings.Split(string(body), "\n") {
			if t := strings.TrimSpace(l); t != "" && !strings.HasPrefix(t, "--") {
				lines = append(lines, l)
			}
		}
		out[strings.TrimSuffix(e.Name(), ".sql")] = strings.Join(lines, "\n")
	}
	return out
}

// SQL is the query that computes every row of the metric as of the day: one row per period of
// each grain and per unit of each dimension. It is written for ClickHouse 18.16 as much as for
// current releases: no GROUPING SETS, so the grains and dimensions are expanded with arrayJoin
// over the source rows, in one scan.
//
// Flow metrics count dated events (the source's date column, a Date) in the period they fall
// in, up to the as-of day. Stock metrics evaluate every source row at each period end of a spine
// (month ends and year ends from From to the as-of day; the period holding the as-of day ends
// on it), with that day in the column period_end for the measures to compare against.
func (s Spec) SQL(asOf time.Time) string {
	day := dateLit(asOf)
	source := expandMacros(s.Source, day)
	dims := s.Dimensions
	if s.Rollup != nil {
		dims = dims[1:] // the district row comes from the rollup instead
	}
	var rows string
	switch s.Kind {
	case "stock":
		ends := spine(s.Grains, s.FromDate(), asOf)
		if s.Window != nil {
			ends, source = windowed(ends, source, s.Window, dims)
		}
		rows = fmt.Sprintf(`SELECT *, arrayJoin(%s) AS _g, arrayJoin(%s) AS _d,
		_g.1 AS period_type, _g.2 AS period_end, _g.3 AS partial,
		if(_g.1 = 'month', toStartOfMonth(_g.2), toStartOfYear(_g.2)) AS period_start,
		_d.1 AS dim_type, _d.2 AS dim_code
	FROM (%s)`, ends, dimArray(dims), source)
	default:
		from := ""
		if f := s.FromDate(); !f.IsZero() {
			from = " AND date >= " + dateLit(f)
		}
		rows = fmt.Sprintf(`SELECT *, arrayJoin(%s) AS _g, arrayJoin(%s) AS _d,
		_g.1 AS period_type, _g.2 AS period_start,
		if(_g.1 = 'month', addDays(addMonths(_g.2, 1), -1), addDays(addYears(_g.2, 1), -1)) AS _end,
		least(_end, %s) AS period_end, toUInt8(_end > %s) AS partial,
		_d.1 AS dim_type, _d.2 AS dim_code
	FROM (%s)
	WHERE date <= %s%s`, grainArray(s.Grains), dimArray(dims), day, day, source, day, from)
	}
	keys := "period_type, period_start, period_end, partial, dim_type, dim_code"
	main := aggregate(fmt.Sprintf("(\n%s\n) WHERE dim_type = 'district' OR dim_code != ''", rows), keys,
		expandMacros(s.Numerator, day), expandMacros(s.Denominator, day), expandMacros(s.ValueExpr(), day), keys)
	if s.Rollup == nil {
		return main
	}
	r := s.Rollup
	rv := r.Value
	if rv == "" {
		rv = "numerator"
	}
	// The unit rows are filtered in a subquery of their own: the rollup's select list renames
	// dim_type, and ClickHouse lets select aliases shadow columns in WHERE.
	rollup := aggregate(fmt.Sprintf("(SELECT * FROM (%s) WHERE dim_type = '%s')", main, r.From),
		"period_type, period_start, period_end, partial, 'district' AS dim_type, '' AS dim_code",
		r.Numerator, r.Denominator, rv, "period_type, period_start, period_end, partial")
	return fmt.Sprintf("SELECT %s FROM (%s)\nUNION ALL\nSELECT %s FROM (%s)", resultColumns, main, resultColumns, rollup)
}

// windowed narrows a stock metric's spine to the period ends where a row can count: from ≤ end
// < until (until NULL: no end). Without it every row meets every period end (a hazard of 2024
// at each of some 40 ends × 5 dimensions) only for its measures to drop it again. The cells
// must stay exactly those of the full spine, zero ones included: so one carrier row per
// distinct set of dimension columns is added, met at the period ends outside its own window
// (inside it the row is already there once), where by the window's promise it counts nothing.
func windowed(ends, source string, window, dims []string) (string, string) {
	from, until := window[0], window[1]
	// The row's dates reach the lambda as arguments (replicate), not captured: see unitAt.
	ends = fmt.Sprintf(`arrayFilter((g, f, u, c) -> (f <= g.2 AND (isNull(u) OR g.2 < assumeNotNull(u))) != c, %s,
		replicate(%s, %s), replicate(%s, %s), replicate(_carrier, %s))`, ends, from, ends, until, ends, ends)
	// Each row comes twice, as itself and as a would-be carrier; LIMIT BY keeps every row as
	// itself (its own _key) and one carrier per set of dimension columns (_key 0). A UNION ALL of
	// the source with its carriers fails on 18.16 ("Cannot convert column park because it is non
	// constant in source stream").
	by := []string{"_carrier", "_key"}
	for _, id := range dims {
		if d, _ := DimensionByID(id); d.Column != "" {
			by = append(by, d.Column)
		}
	}
	source = fmt.Sprintf(`SELECT * FROM (
		SELECT *, arrayJoin([toUInt8(0), toUInt8(1)]) AS _carrier, if(_carrier = 1, 0, _row) AS _key
		FROM (SELECT *, rowNumberInAllBlocks() + 1 AS _row FROM (%s))
	) LIMIT 1 BY %s`, source, strings.Join(by, ", "))
	return ends, source
}

// aggregate groups rows and computes the measures in two levels with private aliases, so that
// a column named like an output column (value in sensor readings, numerator in a rollup) never
// meets an alias of the same name: ClickHouse would substitute the alias into the aggregate.
func aggregate(from, keys, num, den, value, groupBy string) string {
	if den == "" {
		den = "0"
	}
	return fmt.Sprintf(`SELECT %s, _num AS numerator, _den AS denominator, toFloat64(%s) AS value FROM (
	SELECT %s, toFloat64(%s) AS _num, toFloat64(%s) AS _den
	FROM %s
	GROUP BY %s
)`, outerKeys(keys), value, keys, num, den, from, groupBy)
}

// outerKeys turns a select list with aliases ("'district' AS dim_type") into the bare names.
func outerKeys(keys string) string {
	parts := strings.Split(keys, ",")
	for i, p := range parts {
		p = strings.TrimSpace(p)
		if _, alias, ok := strings.Cut(p, " AS "); ok {
			p = alias
		}
		parts[i] = p
	}
	return strings.Join(parts, ", ")
}

// lookupRef is {lookup:file:key:value} in a metric's SQL: two array literals, the key and value
// columns of warehouse/refdata/<file>.csv, for transform(x, {lookup:…}, default). Reference data
// is small and the same as the dim_ tables; as literals it needs no scalar subquery, which 18.16
// cannot evaluate inside an expression sent to the shards of a cluster.
var lookupRef = regexp.MustCompile(`\{lookup:([a-z_]+):([a-z_]+):([a-z_]+)\}`)

// lookupArrays writes the two arrays, or "" when the file or a column does not exist.
func lookupArrays(file, key, value string) string {
	body, ok := refdata.Files()[file+".csv"]
	if !ok {
		return ""
	}
	recs, err := csv.NewReader(bytes.NewReader(body)).ReadAll()
	if err != nil || len(recs) == 0 {
		return ""
	}
	ki, vi := slices.Index(recs[0], key), slices.Index(recs[0], value)
	if ki < 0 || vi < 0 {
		return ""
	}
	var ks, vs []string
	for _, r := range recs[1:] {
		ks = append(ks, sqlString(r[ki]))
		vs = append(vs, sqlString(r[vi]))
	}
	return "[" + strings.Join(ks, ", ") + "], [" + strings.Join(vs, ", ") + "]"
}

// sqlString quotes a reference value as a ClickHouse string literal.
func sqlString(s string) string {
	return "'" + strings.NewReplacer(`\`, `\\`, `'`, `\'`).Replace(s) + "'"
}

func expandMacros(sql, day string) string {
	sql = lookupRef.ReplaceAllStringFunc(sql, func(m string) string {
		g := lookupRef.FindStringSubmatch(m)
		return lookupArrays(g[1], g[2], g[3])
	})
	rows := rowSets()
	sql = rowsRef.ReplaceAllStringFunc(sql, func(m string) string {
		return "(\n" + expandMacros(rows[rowsRef.FindStringSubmatch(m)[1]], day) + "\n)"
	})
	sql = unitAtRef.ReplaceAllStringFunc(sql, func(m string) string {
		g := unitAtRef.FindStringSubmatch(m)
		return unitAt(g[1], g[2])
	})
	sql = strings.ReplaceAll(sql, "{as_of}", day)
	return paramRef.ReplaceAllString(sql, "(SELECT any(value) FROM ref_parameter WHERE name = '$1')")
}

// ExpandedSource is the metric's source with its row sets written out, as the server runs it.
func (s Spec) ExpandedSource() string { return expandMacros(s.Source, "{as_of}") }

func dateLit(t time.Time) string { return "toDate('" + t.Format(time.DateOnly) + "')" }

func grainArray(gs []string) string {
	var parts []string
	for _, g := range gs {
		switch g {
		case "month":
			parts = append(parts, "('month', toStartOfMonth(date))")
		case "year":
			parts = append(parts, "('year', toStartOfYear(date))")
		}
	}
	return "[" + strings.Join(parts, ", ") + "]"
}

func dimArray(ds []string) string {
	var parts []string
	for _, id := range ds {
		d, _ := DimensionByID(id)
		if d.Column == "" {
			parts = append(parts, "('district', '')")
			continue
		}
		parts = append(parts, fmt.Sprintf("('%s', CAST(%s AS String))", d.ID, d.Column))
	}
	return "[" + strings.Join(parts, ", ") + "]"
}

// defaultFrom is where a stock metric's spine starts when the spec does not say: the campaign's
// baseline, the last month end before it starts.
var defaultFrom = time.Date(2023, 12, 1, 0, 0, 0, 0, time.UTC)

// spine lists the period ends a stock metric is evaluated at, as (grain, day, partial) tuples.
func spine(gs []string, from, asOf time.Time) string {
	if from.IsZero() {
		from = defaultFrom
	}
	var parts []string
	for _, p := range Periods(gs, from, asOf) {
		parts = append(parts, fmt.Sprintf("('%s', %s, toUInt8(%d))", p.Grain, dateLit(p.End), b2i(p.Partial)))
	}
	if len(parts) == 0 {
		// No period yet: an empty typed array keeps the query valid and yields no rows.
		return "arrayFilter(x -> 0, [('month', toDate('1970-01-01'), toUInt8(0))])"
	}
	return "[" + strings.Join(parts, ", ") + "]"
}

func b2i(b bool) int {
	if b {
		return 1
	}
	return 0
}

// Period is one month or year, cut at the as-of day when it holds it.
type Period struct {
	Grain   string
	Start   time.Time
	End     time.Time // the last day, or the as-of day for the period that holds it
	Partial bool
}

// Periods lists the months and years of the grains from the period holding from to the one
// holding asOf.
func Periods(gs []string, from, asOf time.Time) []Period {
	var out []Period
	for _, g := range gs {
		start := PeriodStart(g, from)
		for !start.After(asOf) {
			next := nextPeriod(g, start)
			end := next.AddDate(0, 0, -1)
			p := Period{Grain: g, Start: start, End: end}
			if end.After(asOf) {
				p.End, p.Partial = asOf, true
			}
			out = append(out, p)
			start = next
		}
	}
	return out
}

// PeriodStart is the first day of the month or year holding t.
func PeriodStart(grain string, t time.Time) time.Time {
	if grain == "year" {
		return time.Date(t.Year(), 1, 1, 0, 0, 0, 0, time.UTC)
	}
	return time.Date(t.Year(), t.Month(), 1, 0, 0, 0, 0, time.UTC)
}

func nextPeriod(grain string, start time.Time) time.Time {
	if grain == "year" {
		return start.AddDate(1, 0, 0)
	}
	return start.AddDate(0, 1, 0)
}
