// Package queries holds the campaign's metrics as declarations (queries/metrics/*.yaml), the
// runtime that expands and refreshes them into the metric store (ads_metric_value, one row per
// metric × as-of day × period × unit), the reader pages and bulletins use (Set), and how a
// target is judged on a metric (Assess). Analysts' saved queries live in queries/adhoc.
package queries

import (
	"bytes"
	"crypto/sha256"
	"embed"
	"encoding/hex"
	"fmt"
	"io/fs"
	"regexp"
	"slices"
	"sort"
	"strings"
	"sync"
	"time"

	"gopkg.in/yaml.v3"

	"safetydw/warehouse/refdata"
)

//go:embed metrics/*.yaml
var specFiles embed.FS

// Spec is one metric, declared in queries/metrics/<id>.yaml (Rill's metrics views are the
// model). The SQL is written once, in Source and the measures; the runtime expands it into
// every grain and dimension the metric declares, at an as-of date it binds itself.
type Spec struct {
	ID          string   `yaml:"id"`
	Name        string   `yaml:"name"`        // Chinese name shown to readers
	Unit        string   `yaml:"unit"`        // % for shares (values in percent), else 项 起 个 人 …
	Direction   string   `yaml:"direction"`   // higher | lower: which way is better
	Format      string   `yaml:"format"`      // pct | int | dec1 | dec2; derived from the unit when empty
	Targets     []string `yaml:"targets"`     // ref_target ids this metric measures (the only place the link lives)
	Grains      []string `yaml:"grains"`      // month | year
	Dimensions  []string `yaml:"dimensions"`  // district town park dept industry mine enterprise
	Topic       string   `yaml:"topic"`       // the topic page that shows it (see dashboards/pages)
	Kind        string   `yaml:"kind"`        // flow: dated events summed per period; stock: state at each period end
	From        string   `yaml:"from"`        // YYYY-MM: first period (stock: first month end of the spine)
	Accumulates bool     `yaml:"accumulates"` // within a period the value only grows (a count of events)
	Description string   `yaml:"description"`
	Source      string   `yaml:"source"`      // SELECT giving one row per event/item, with date (flow) and dimension columns
	Numerator   string   `yaml:"numerator"`   // aggregate over the source rows
	Denominator string   `yaml:"denominator"` // aggregate; empty for plain counts and sums
	Value       string   `yaml:"value"`       // expression of numerator and denominator; default below
	Rollup      *Rollup  `yaml:"rollup"`      // the district row from another dimension's rows, when not the same formula
	Window      []string `yaml:"window"`      // stock: [from, until] source columns; a row counts only at period ends in [from, until)
	Chart       string   `yaml:"chart"`       // trend | bars | burndown | none: how topic and unit pages draw it

	File       string `yaml:"-"`
	definition string // the file as written, kept with every refresh (ads_metric_def)
}

// Rollup computes the district row by aggregating the rows of one dimension, for metrics whose
// unit-level value is itself a verdict (the 零处罚 flag of each department → the number of
// 零处罚 departments). The aggregates see the columns numerator, denominator and value.
type Rollup struct {
	From        string `yaml:"from"`
	Numerator   string `yaml:"numerator"`
	Denominator string `yaml:"denominator"`
	Value       string `yaml:"value"`
}

// Dimension is a kind of unit a metric can be cut by. Column is the source column that holds
// the unit's code; Table and its columns name the units for readers.
type Dimension struct {
	ID, Name                string
	Column                  string
	Table, CodeCol, NameCol string
	OrderBy                 string
}

// Dimensions the runtime knows, in the order pages show them.
var Dimensions = []Dimension{
	{ID: "district", Name: "全区"},
	{ID: "town", Name: "镇街", Column: "town", Table: "dim_town", CodeCol: "town_code", NameCol: "name", OrderBy: "sort_order"},
	{ID: "park", Name: "园区", Column: "park", Table: "dim_park", CodeCol: "park_code", NameCol: "name", OrderBy: "park_code"},
	{ID: "dept", Name: "部门", Column: "dept", Table: "dim_department", CodeCol: "dept_code", NameCol: "name", OrderBy: "dept_code"},
	{ID: "industry", Name: "行业", Column: "industry", Table: "dim_industry", CodeCol: "industry_code", NameCol: "name", OrderBy: "industry_code"},
	{ID: "mine", Name: "煤矿", Column: "mine", Table: "dim_coal_mine", CodeCol: "mine_id", NameCol: "name", OrderBy: "mine_id"},
	{ID: "enterprise", Name: "企业", Column: "enterprise", Table: "dim_enterprise", CodeCol: "enterprise_id", NameCol: "name", OrderBy: "enterprise_id"},
}

// DimensionByID returns the dimension with the id.
func DimensionByID(id string) (Dimension, bool) {
	for _, d := range Dimensions {
		if d.ID == id {
			return d, true
		}
	}
	return Dimension{}, false
}

var (
	grains     = []string{"month", "year"}
	kinds      = []string{"flow", "stock"}
	directions = []string{"higher", "lower"}
	formats    = []string{"pct", "int", "dec1", "dec2"}
	charts     = []string{"", "trend", "bars", "burndown", "none"}
	// "Today" is the refresh's parameter, never the server clock: a past month is then
	// recomputed exactly as it stood (design.md point 2).
	clockCall = regexp.MustCompile(`(?i)\b(today|now|yesterday)\s*\(`)
	idPattern = regexp.MustCompile(`^[a-z][a-z0-9_]*$`)
	// A (SELECT groupArray …) argument: 18.16 cannot send it to a cluster's shards.
	scalarInExpr = regexp.MustCompile(`(?i)\(\s*SELECT\s+groupArray`)
	// Count units read as whole numbers.
	countUnits = []string{"项", "起", "个", "人", "次", "件", "座", "辆", "家", "处", "人次", "条"}
)

// FormatOrDefault is the number format pages use for the metric.
func (s Spec) FormatOrDefault() string {
	switch {
	case s.Format != "":
		return s.Format
	case s.Unit == "%":
		return "pct"
	case slices.Contains(countUnits, s.Unit):
		return "int"
	}
	return "dec1"
}

// ValueExpr is the value column's expression: the spec's own, or the share (in percent for %),
// or the numerator when there is no denominator. A zero denominator gives no value (NaN), not
// a division by zero that reads as 0 % or infinity.
func (s Spec) ValueExpr() string {
	v := s.Value
	switch {
	case v != "":
	case s.Denominator != "" && s.Unit == "%":
		v = "100 * numerator / denominator"
	case s.Denominator != "":
		v = "numerator / denominator"
	default:
		v = "numerator"
	}
	if s.Denominator != "" {
		return "if(denominator = 0, nan, " + v + ")"
	}
	return v
}

// Counts says whether the value is a plain count or sum (no ratio, no verdict): a period or a
// unit without rows then reads 0, not "no data".
func (s Spec) Counts() bool {
	return (s.Value == "" && s.Denominator == "") || s.Value == "numerator"
}

// HasDimension says whether the metric can be cut by the dimension.
func (s Spec) HasDimension(id string) bool { return slices.Contains(s.Dimensions, id) }

// HasGrain says whether the metric is computed per month or per year.
func (s Spec) HasGrain(g string) bool { return slices.Contains(s.Grains, g) }

// FromDate is the first day of the From month, or the zero time.
func (s Spec) FromDate() time.Time {
	if s.From == "" {
		return time.Time{}
	}
	t, _ := time.Parse("2006-01", s.From)
	return t
}

// Catalogue is every metric spec, checked, in id order, with a hash of their files: the
// version of the definitions a refresh (and a frozen bulletin) was computed with.
type Catalogue struct {
	Specs []Spec
	Hash  string
	byID  map[string]int
}

// Lookup returns the spec with the id.
func (c *Catalogue) Lookup(id string) (Spec, bool) {
	i, ok := c.byID[id]
	if !ok {
		return Spec{}, false
	}
	return c.Specs[i], true
}

// ForTarget returns the metrics that measure a target.
func (c *Catalogue) ForTarget(targetID string) []Spec {
	var out []Spec
	for _, s := range c.Specs {
		if slices.Contains(s.Targets, targetID) {
			out = append(out, s)
		}
	}
	return out
}

var (
	catalogueOnce sync.Once
	catalogue     *Catalogue
	catalogueErr  error
)

// Metrics returns the embedded catalogue. Any unresolved reference (a target, dimension,
// grain, topic …) is an error here, when the binary first reads its metrics, not when a page
// or a bulletin is half-built.
func Metrics() (*Catalogue, error) {
	catalogueOnce.Do(func() {
		files := map[string][]byte{}
		entries, err := fs.ReadDir(specFiles, "metrics")
		if err != nil {
			catalogueErr = err
			return
		}
		for _, e := range entries {
			if files[e.Name()], err = specFiles.ReadFile("metrics/" + e.Name()); err != nil {
				catalogueErr = err
				return
			}
		}
		catalogue, catalogueErr = ParseCatalogue(files, refdata.Targets())
	})
	return catalogue, catalogueErr
}

// ParseCatalogue reads and checks metric files (name → body) against the targets.
func ParseCatalogue(files map[string][]byte, targets []refdata.Target) (*Catalogue, error) {
	names := make([]string, 0, len(files))
	for n := range files {
		names = append(names, n)
	}
	sort.Strings(names)
	known := map[string]refdata.Target{}
	for _, t := range targets {
		known[t.ID] = t
	}
	c := &Catalogue{byID: map[string]int{}}
	h := sha256.New()
	var errs []string
	for _, name := range names {
		body := files[name]
		fmt.Fprintf(h, "%s\x00%d\x00", name, len(body))
		h.Write(body)
		s, err := ParseSpec(name, body)
		if err == nil {
			err = s.check(known)
		}
		if err != nil {
			errs = append(errs, err.Error())
			continue
		}
		c.byID[s.ID] = len(c.Specs)
		c.Specs = append(c.Specs, s)
	}
	if len(errs) > 0 {
		return nil, fmt.Errorf("指标定义有误 (invalid metric specs in queries/metrics):\n  %s", strings.Join(errs, "\n  "))
	}
	c.Hash = hex.EncodeToString(h.Sum(nil))
	return c, nil
}

// ParseSpec decodes one metric file strictly: a misspelt key is an error.
func ParseSpec(file string, body []byte) (Spec, error) {
	var s Spec
	dec := yaml.NewDecoder(bytes.NewReader(body))
	dec.KnownFields(true)
	if err := dec.Decode(&s); err != nil {
		// One line per file: the catalogue lists every broken file, one under the other.
		return s, fmt.Errorf("%s: %s", file, strings.Join(strings.Fields(err.Error()), " "))
	}
	s.File, s.definition = file, string(body)
	s.Source = strings.TrimSpace(s.Source)
	return s, nil
}

// check resolves every reference of a spec; the error names the file and the field.
func (s Spec) check(targets map[string]refdata.Target) error {
	var errs []string
	bad := func(field, format string, args ...any) {
		errs = append(errs, field+": "+fmt.Sprintf(format, args...))
	}
	if !idPattern.MatchString(s.ID) {
		bad("id", "%q must be lower_snake_case", s.ID)
	} else if s.ID+".yaml" != s.File {
		bad("id", "%q: name the file %s.yaml", s.ID, s.ID)
	}
	if s.Name == "" {
		bad("name", "missing")
	}
	if s.Unit == "" {
		bad("unit", "missing")
	}
	if !slices.Contains(directions, s.Direction) {
		bad("direction", "%q is not one of %v", s.Direction, directions)
	}
	if s.Format != "" && !slices.Contains(formats, s.Format) {
		bad("format", "%q is not one of %v", s.Format, formats)
	}
	if !slices.Contains(kinds, s.Kind) {
		bad("kind", "%q is not one of %v", s.Kind, kinds)
	}
	if !slices.Contains(charts, s.Chart) {
		bad("chart", "%q is not one of %v", s.Chart, charts[1:])
	}
	if len(s.Grains) == 0 {
		bad("grains", "missing")
	}
	for _, g := range s.Grains {
		if !slices.Contains(grains, g) {
			bad("grains", "%q is not one of %v", g, grains)
		}
	}
	if len(s.Dimensions) == 0 || s.Dimensions[0] != "district" {
		bad("dimensions", "must start with district (every metric has a district value)")
	}
	for _, d := range s.Dimensions {
		if _, ok := DimensionByID(d); !ok {
			bad("dimensions", "unknown dimension %q", d)
		}
	}
	if s.From != "" && s.FromDate().IsZero() {
		bad("from", "%q is not YYYY-MM", s.From)
	}
	if s.Topic == "" {
		bad("topic", "missing: the topic page that shows the metric")
	}
	for _, id := range s.Targets {
		t, ok := targets[id]
		switch {
		case !ok:
			bad("targets", "no target %s in warehouse/refdata/targets.csv", id)
		case t.Kind == "L":
			bad("targets", "%s is a milestone (kind L), tracked by the task ledger, not a metric", id)
		case (t.Unit == "%") != (s.Unit == "%"):
			// A share judged against a count (or the reverse) would read "100 % ≥ 0" as met.
			bad("targets", "%s is measured in %q, the metric in %q: link the metric that measures the target itself", id, t.Unit, s.Unit)
		}
	}
	if s.Source == "" {
		bad("source", "missing")
	}
	if s.Numerator == "" {
		bad("numerator", "missing")
	}
	rows := rowSets()
	params := map[string]bool{}
	for _, p := range refdata.Parameters() {
		params[p.Name] = true
	}
	for field, text := range map[string]string{"source": s.Source, "numerator": s.Numerator, "denominator": s.Denominator, "value": s.Value} {
		if clockCall.MatchString(text) {
			bad(field, "uses the server clock; the as-of date is the refresh's parameter: use {as_of}")
		}
		for _, m := range rowsRef.FindAllStringSubmatch(text, -1) {
			if _, ok := rows[m[1]]; !ok {
				bad(field, "no row set queries/rows/%s.sql", m[1])
			}
		}
		for _, m := range lookupRef.FindAllStringSubmatch(text, -1) {
			if lookupArrays(m[1], m[2], m[3]) == "" {
				bad(field, "no reference file warehouse/refdata/%s.csv with columns %s and %s", m[1], m[2], m[3])
			}
		}
		if scalarInExpr.MatchString(text) {
			bad(field, "a scalar subquery inside an expression ((SELECT groupArray …)) fails on a cluster; use {lookup:file:key:value}")
		}
		for _, m := range paramRef.FindAllStringSubmatch(text, -1) {
			if !params[m[1]] {
				bad(field, "no parameter %s in warehouse/refdata/parameters.csv", m[1])
			}
		}
	}
	if s.Window != nil && (s.Kind != "stock" || len(s.Window) != 2 || s.Window[0] == "" || s.Window[1] == "") {
		bad("window", "%q: a stock metric's two source columns [from, until] (from ≤ period end < until, until NULL = still open)", s.Window)
	}
	if r := s.Rollup; r != nil {
		if r.From == "" || !s.HasDimension(r.From) || r.From == "district" {
			bad("rollup.from", "%q must be another dimension of the metric", r.From)
		}
		if r.Numerator == "" {
			bad("rollup.numerator", "missing")
		}
	}
	if len(errs) > 0 {
		return fmt.Errorf("%s: %s", s.File, strings.Join(errs, "; "))
	}
	return nil
}
