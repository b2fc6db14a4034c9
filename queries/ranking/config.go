// Package ranking scores towns, parks and departments against the campaign's targets and ranks
// them (量化排名, domain.md §4.3), with the 红榜 and 黑榜 of the monthly bulletin. Everything a
// reader may want to change — indicators, weights, directions, targets and caps, how a missing
// value scores, deductions, the veto, the tie-breaks and the boards' rules — lives in
// scoring.yaml; this package only reads a queries.Set, so a frozen monthly snapshot reproduces
// the whole ranking, and ranks are computed in Go (18.16 has no window functions).
package ranking

import (
	"bytes"
	_ "embed"
	"fmt"
	"math"
	"slices"
	"strings"

	"gopkg.in/yaml.v3"

	"safetydw/queries"
	"safetydw/warehouse/refdata"
)

//go:embed scoring.yaml
var scoringFile []byte

// Config is scoring.yaml, checked against the metric catalogue.
type Config struct {
	Groups []Group `yaml:"groups"`
}

// Group is one ranked group: 镇（街道）, 园区 or 区安委会成员单位.
type Group struct {
	ID         string      `yaml:"id"`   // town | park | dept: also the metric dimension read
	Name       string      `yaml:"name"` // Chinese, as the bulletin titles the table
	Total      float64     `yaml:"total"`
	Exclude    []string    `yaml:"exclude"` // unit codes not ranked (区安委会办公室, which runs the ranking)
	Indicators []Indicator `yaml:"indicators"`
	Deductions []Deduction `yaml:"deductions"`
	Veto       *Veto       `yaml:"veto"`
	TieBreaks  []TieBreak  `yaml:"tie_breaks"`
	Red        RedRules    `yaml:"red"`
	Black      BlackRules  `yaml:"black"`
}

// Indicator is one scored line of a scorecard.
type Indicator struct {
	ID     string  `yaml:"id"`
	Name   string  `yaml:"name"`
	Block  string  `yaml:"block"` // the scorecard's block (重大隐患, 应急演练 …), for grouping on the page
	Grain  string  `yaml:"grain"` // month | year: the period holding the as-of day is read
	Weight float64 `yaml:"weight"`
	// Metric names the metric read. SeedTarget instead names a target (T14) whose metric does not
	// exist yet: the first metric the catalogue links to the target with this group's dimension
	// is read once someone adds it; until then the indicator is pending (missing must then be
	// redistribute) and the scorecard says so.
	// Awaiting declares an indicator no seed target's metric can stand for yet (alarms disposed
	// within the SLA): the Chinese words say what data it waits for; it is always redistributed.
	Metric     string `yaml:"metric"`
	SeedTarget string `yaml:"seed_target"`
	Awaiting   string `yaml:"awaiting"`
	// Direction defaults to the metric's. Higher is better: points = weight × min(value/target, 1);
	// target defaults to the threshold of the metric's target judged in the as-of year.
	// Lower is better: points = weight × max(0, 1 − value/cap); cap is required.
	Direction string   `yaml:"direction"`
	Target    *float64 `yaml:"target"`
	Cap       *float64 `yaml:"cap"`
	// Missing is how a unit without a value scores: zero, full, or redistribute (its weight is
	// shared pro rata over the unit's other indicators).
	Missing string `yaml:"missing"`
	// OnlyTag limits the indicator to units carrying a tag (penalty_power): for the others its
	// weight is redistributed, so a department without penalty powers is not scored on penalties.
	OnlyTag string `yaml:"only_tag"`
	Note    string `yaml:"note"` // the assumption behind a target or cap, shown on the scorecard

	resolved string // the metric read; "" while pending
}

// Deduction takes (or, with positive points, adds) points per unit of a metric's value: each
// 一般 accident −5. Max bounds the total of the line (−10 at most for 暗访 problems).
type Deduction struct {
	ID     string   `yaml:"id"`
	Name   string   `yaml:"name"`
	Metric string   `yaml:"metric"`
	Grain  string   `yaml:"grain"`
	Points float64  `yaml:"points"`
	Max    *float64 `yaml:"max"`
	Unit   string   `yaml:"unit"` // 起, 人 … for the note; defaults to the metric's unit
}

// Veto ranks a unit last when the metric's value is above zero (一票否决: any 较大+ accident).
type Veto struct {
	Name   string `yaml:"name"`
	Metric string `yaml:"metric"`
	Grain  string `yaml:"grain"`
}

// TieBreak orders units with the same points: by a metric, lower or higher first. The unit code
// always comes last, for a stable order; it does not break the tie (equal tuples share a rank).
type TieBreak struct {
	Name   string `yaml:"name"`
	Metric string `yaml:"metric"`
	Grain  string `yaml:"grain"`
	Prefer string `yaml:"prefer"` // lower | higher
}

// RedRules say who is on the 红榜: the top N (ties included) and units that rose at least
// Improved places since last month — of the units scored on at least MinWeight declared points.
// MinWeight also decides who is ranked at all: a department with nothing to score (no penalty
// powers, no hazards in its industries) would top the table on its redistributed weight, so a
// unit scored on less is listed as 不参与排名, neither ranked nor praised.
type RedRules struct {
	Top       int     `yaml:"top"`
	Improved  int     `yaml:"improved"`
	MinWeight float64 `yaml:"min_weight"`
}

// BlackRules say who is on the 黑榜: the bottom N (ties included), every vetoed unit, and units
// a flag fires for.
type BlackRules struct {
	Bottom int    `yaml:"bottom"`
	Flags  []Flag `yaml:"flags"`
}

// Flag puts a unit on the 黑榜 when a metric's value is at least Min (or at most Max). Reason is
// the Chinese line shown, with {value} replaced by the value.
type Flag struct {
	Metric  string   `yaml:"metric"`
	Grain   string   `yaml:"grain"`
	Min     *float64 `yaml:"min"`
	Max     *float64 `yaml:"max"`
	OnlyTag string   `yaml:"only_tag"`
	Reason  string   `yaml:"reason"`
}

// Load parses the embedded scoring.yaml and checks it against the metric catalogue.
func Load() (*Config, error) {
	cat, err := queries.Metrics()
	if err != nil {
		return nil, err
	}
	return Parse(scoringFile, cat)
}

// Parse reads a scoring file and checks every reference: an unknown metric, grain, dimension,
// direction or missing rule, weights not adding up to the group's total, a lower-is-better
// indicator without a cap or a higher-is-better one without any target are errors naming the
// group and the indicator.
func Parse(body []byte, cat *queries.Catalogue) (*Config, error) {
	var c Config
	dec := yaml.NewDecoder(bytes.NewReader(body))
	dec.KnownFields(true)
	if err := dec.Decode(&c); err != nil {
		return nil, fmt.Errorf("queries/ranking/scoring.yaml: %w", err)
	}
	if len(c.Groups) == 0 {
		return nil, fmt.Errorf("queries/ranking/scoring.yaml: no groups")
	}
	targets := map[string]refdata.Target{}
	for _, t := range refdata.Targets() {
		targets[t.ID] = t
	}
	var errs []string
	seen := map[string]bool{}
	for gi := range c.Groups {
		g := &c.Groups[gi]
		fail := func(where, format string, a ...any) {
			errs = append(errs, fmt.Sprintf("queries/ranking/scoring.yaml: group %s %s: %s", g.ID, where, fmt.Sprintf(format, a...)))
		}
		if !slices.Contains([]string{"town", "park", "dept"}, g.ID) {
			fail("", "id must be town, park or dept (the metric dimension read)")
			continue
		}
		if seen[g.ID] {
			fail("", "declared twice")
		}
		seen[g.ID] = true
		if g.Name == "" || g.Total <= 0 || len(g.Indicators) == 0 {
			fail("", "name, total > 0 and indicators are required")
		}
		for _, code := range g.Exclude {
			if !slices.ContainsFunc(queries.ReferenceUnits()[g.ID], func(u queries.Unit) bool { return u.Code == code }) {
				fail("exclude", "no %s %s in warehouse/refdata", g.ID, code)
			}
		}
		metric := func(where, id, grain string) (queries.Spec, bool) {
			sp, ok := cat.Lookup(id)
			switch {
			case id == "":
				fail(where, "metric is required")
			case !ok:
				fail(where, "unknown metric %q (queries/metrics/%s.yaml does not exist)", id, id)
			case !sp.HasDimension(g.ID):
				fail(where, "metric %s has no %s dimension", id, g.ID)
				ok = false
			case !sp.HasGrain(grain):
				fail(where, "metric %s has no grain %q (it has %s)", id, grain, strings.Join(sp.Grains, ", "))
				ok = false
			}
			return sp, ok
		}
		sum := 0.0
		ids := map[string]bool{}
		for ii := range g.Indicators {
			in := &g.Indicators[ii]
			where := "indicator " + in.ID
			if in.ID == "" || in.Name == "" {
				fail(where, "id and name are required")
			}
			if ids[in.ID] {
				fail(where, "declared twice")
			}
			ids[in.ID] = true
			if in.Weight <= 0 {
				fail(where, "weight must be above 0, got %v", in.Weight)
			}
			sum += in.Weight
			if !slices.Contains([]string{"zero", "full", "redistribute"}, in.Missing) {
				fail(where, "missing must be zero, full or redistribute, got %q", in.Missing)
			}
			if in.OnlyTag != "" && in.OnlyTag != "penalty_power" && in.OnlyTag != "chemical" {
				fail(where, "only_tag %q is not a unit tag (penalty_power, chemical)", in.OnlyTag)
			}
			if !slices.Contains([]string{"month", "year"}, in.Grain) {
				fail(where, "grain must be month or year, got %q", in.Grain)
				continue
			}
			var sp queries.Spec
			switch {
			case (in.Metric != "") && (in.SeedTarget != "") || (in.Metric != "" || in.SeedTarget != "") && in.Awaiting != "":
				fail(where, "give one of metric, seed_target and awaiting")
				continue
			case in.Awaiting != "":
				if in.Missing != "redistribute" {
					fail(where, "an awaiting indicator has no value: missing must be redistribute")
				}
				continue
			case in.SeedTarget != "":
				if _, ok := targets[in.SeedTarget]; !ok {
					fail(where, "unknown seed_target %q (warehouse/refdata/targets.csv)", in.SeedTarget)
					continue
				}
				for _, s := range cat.ForTarget(in.SeedTarget) {
					if s.HasDimension(g.ID) && s.HasGrain(in.Grain) {
						sp, in.resolved = s, s.ID
						break
					}
				}
				if in.resolved == "" {
					if in.Missing != "redistribute" {
						fail(where, "no metric measures %s by %s yet: missing must be redistribute", in.SeedTarget, g.ID)
					}
					continue
				}
			default:
				var ok bool
				if sp, ok = metric(where, in.Metric, in.Grain); !ok {
					continue
				}
				in.resolved = in.Metric
			}
			if in.Direction == "" {
				in.Direction = sp.Direction
			}
			switch in.Direction {
			case "higher":
				if in.Target != nil && *in.Target <= 0 {
					fail(where, "target must be above 0, got %v", *in.Target)
				}
				if in.Target == nil && !hasThreshold(sp, targets) {
					fail(where, "metric %s links no target with a number above 0: give target", sp.ID)
				}
			case "lower":
				if in.Cap == nil || *in.Cap <= 0 {
					fail(where, "a lower-is-better indicator needs cap > 0 (the value that scores nothing)")
				}
			default:
				fail(where, "direction must be higher or lower, got %q", in.Direction)
			}
		}
		if math.Abs(sum-g.Total) > 1e-9 {
			fail("", "indicator weights add up to %v, not the declared total %v", sum, g.Total)
		}
		for _, d := range g.Deductions {
			where := "deduction " + d.ID
			if d.ID == "" || d.Name == "" || d.Points == 0 {
				fail(where, "id, name and points (≠ 0) are required")
			}
			if d.Max != nil && (*d.Max == 0 || (*d.Max > 0) != (d.Points > 0)) {
				fail(where, "max %v must have the sign of points %v", *d.Max, d.Points)
			}
			metric(where, d.Metric, d.Grain)
		}
		if g.Veto != nil {
			if g.Veto.Name == "" {
				fail("veto", "name is required")
			}
			metric("veto", g.Veto.Metric, g.Veto.Grain)
		}
		for i, t := range g.TieBreaks {
			where := fmt.Sprintf("tie_breaks[%d]", i)
			if t.Prefer != "lower" && t.Prefer != "higher" {
				fail(where, "prefer must be lower or higher, got %q", t.Prefer)
			}
			metric(where, t.Metric, t.Grain)
		}
		if g.Red.Top < 0 || g.Red.Improved < 0 || g.Black.Bottom < 0 || g.Red.MinWeight < 0 || g.Red.MinWeight > g.Total {
			fail("red/black", "counts must not be negative, and min_weight must lie between 0 and total")
		}
		for i, f := range g.Black.Flags {
			where := fmt.Sprintf("black.flags[%d]", i)
			if (f.Min == nil) == (f.Max == nil) {
				fail(where, "give exactly one of min and max")
			}
			if f.Reason == "" {
				fail(where, "reason is required")
			}
			if f.OnlyTag != "" && f.OnlyTag != "penalty_power" && f.OnlyTag != "chemical" {
				fail(where, "only_tag %q is not a unit tag (penalty_power, chemical)", f.OnlyTag)
			}
			metric(where, f.Metric, f.Grain)
		}
	}
	if len(errs) > 0 {
		return nil, fmt.Errorf("%s", strings.Join(errs, "\n"))
	}
	return &c, nil
}

// hasThreshold says whether a metric links a target with a number above zero to score against.
func hasThreshold(sp queries.Spec, targets map[string]refdata.Target) bool {
	for _, id := range sp.Targets {
		if t, ok := targets[id]; ok && t.Threshold != nil && *t.Threshold > 0 {
			return true
		}
	}
	return false
}

// Group returns the group with the id.
func (c *Config) Group(id string) (Group, bool) {
	for _, g := range c.Groups {
		if g.ID == id {
			return g, true
		}
	}
	return Group{}, false
}

// MetricOf is the metric an indicator reads, "" while no metric measures its seed target.
func (in Indicator) MetricOf() string { return in.resolved }
