package ranking

import (
	"reflect"
	"strings"
	"testing"
	"time"

	"safetydw/queries"
)

func day(s string) time.Time {
	t, err := time.Parse(time.DateOnly, s)
	if err != nil {
		panic(err)
	}
	return t
}

func catalogue(t *testing.T) *queries.Catalogue {
	t.Helper()
	cat, err := queries.Metrics()
	if err != nil {
		t.Fatal(err)
	}
	return cat
}

// fixtureConfig is a small scorecard (20 points) whose arithmetic can be done by hand.
const fixtureConfig = `
groups:
  - id: town
    name: 镇（街道）
    total: 20
    indicators:
      - {id: overdue, name: 逾期重大隐患, metric: major_hazards_overdue, grain: month, weight: 10, cap: 2, missing: full}
      - {id: on_time, name: 隐患按期销号率, metric: hazards_closed_on_time_rate, grain: year, weight: 4, target: 80, missing: redistribute}
      - {id: sibu, name: 四不演练占比, metric: sibu_drill_share, grain: year, weight: 6, missing: zero}
    deductions:
      - {id: deaths, name: 事故死亡人数, metric: accident_deaths, grain: year, points: -2, max: -3}
    veto: {name: 较大及以上事故, metric: major_accidents, grain: year}
    tie_breaks:
      - {name: 逾期少者在前, metric: major_hazards_overdue, grain: month, prefer: lower}
      - {name: 自查多者在前, metric: hazards_self_found, grain: year, prefer: higher}
    red: {top: 1, improved: 2}
    black:
      bottom: 1
      flags:
        - {metric: major_hazards_overdue_30d, grain: month, min: 1, reason: "重大隐患逾期超30天: {value}项"}
`

// fourTowns is the hand-made Set of the fixture: four towns A–D as of 2025-08-31 and 2025-07-31.
// Count metrics without a value read 0 (the Set fills them), so only non-zero counts are listed.
func fourTowns(t *testing.T) *queries.Set {
	t.Helper()
	aug, jul := day("2025-08-31"), day("2025-07-31")
	var vals []queries.Value
	add := func(asOf time.Time, metric, grain, code string, v float64) {
		start := time.Date(asOf.Year(), asOf.Month(), 1, 0, 0, 0, 0, time.UTC)
		if grain == "year" {
			start = time.Date(asOf.Year(), 1, 1, 0, 0, 0, 0, time.UTC)
		}
		vals = append(vals, queries.Value{Metric: metric, AsOf: asOf, Grain: grain, Start: start, End: asOf,
			Partial: grain == "year", Dim: "town", Code: code, Value: v})
	}
	// August.
	add(aug, "hazards_closed_on_time_rate", "year", "A", 90)
	add(aug, "sibu_drill_share", "year", "A", 50)
	add(aug, "accident_deaths", "year", "A", 3)
	add(aug, "major_accidents", "year", "A", 1)
	add(aug, "hazards_closed_on_time_rate", "year", "B", 100)
	add(aug, "sibu_drill_share", "year", "B", 12.5)
	add(aug, "hazards_self_found", "year", "B", 5)
	add(aug, "sibu_drill_share", "year", "C", 20) // C closed no hazard this year: no on-time rate
	add(aug, "hazards_self_found", "year", "C", 5)
	add(aug, "major_hazards_overdue", "month", "D", 1)
	add(aug, "major_hazards_overdue_30d", "month", "D", 1)
	add(aug, "hazards_closed_on_time_rate", "year", "D", 100)
	add(aug, "sibu_drill_share", "year", "D", 60)
	// July.
	add(jul, "hazards_closed_on_time_rate", "year", "A", 90)
	add(jul, "sibu_drill_share", "year", "A", 50)
	for _, code := range []string{"B", "C"} {
		add(jul, "hazards_closed_on_time_rate", "year", code, 100)
		add(jul, "sibu_drill_share", "year", code, 25)
	}
	add(jul, "hazards_self_found", "year", "B", 2)
	add(jul, "hazards_self_found", "year", "C", 4)
	add(jul, "major_hazards_overdue", "month", "D", 2)
	add(jul, "hazards_closed_on_time_rate", "year", "D", 100)
	add(jul, "sibu_drill_share", "year", "D", 60)
	units := map[string][]queries.Unit{"town": {
		{Dim: "town", Code: "A", Name: "甲镇"}, {Dim: "town", Code: "B", Name: "乙镇"},
		{Dim: "town", Code: "C", Name: "丙街道"}, {Dim: "town", Code: "D", Name: "丁镇"},
	}}
	s := queries.NewSet(catalogue(t), queries.TargetsFromRefdata(), units, vals)
	s.AsOf, s.CompareAsOf = aug, jul
	return s
}

// TestFourTowns checks points, ranks (with a tie), rank changes and the 红黑榜 worked out by hand.
//
// Scoring: overdue 10 × max(0, 1 − n/2); on-time 4 × min(rate/80, 1); 四不 6 × min(share/50, 1)
// (50 = T71, the 2025 target); deaths −2 each, at most −3; any 较大 accident ranks last.
//
// August (2025-08-31):
//
//	A: 10 + 4 (90/80 capped at 1) + 6 (50/50) = 20; deaths 3 × −2 = −6, capped −3 → 17; vetoed.
//	B: 10 + 4 (100/80 → 1) + 6 × 12.5/50 = 1.5 → 15.5; self-found 5.
//	C: no on-time rate → its 4 points shared over the other 16: weights 10 × 20/16 = 12.5 and
//	   6 × 20/16 = 7.5; 12.5 + 7.5 × 20/50 = 3 → 15.5; overdue 0, self-found 5: the same tuple as B.
//	D: 10 × (1 − 1/2) = 5, + 4 + 6 (60/50 capped) = 15.
//	Ranks: B 1, C 1 (tie), D 3, A 4 (vetoed, though its 17 is the best).
//
// July (2025-07-31):
//
//	A 10 + 4 + 6 = 20 → 1. B and C 10 + 4 + 6 × 25/50 = 17 each, overdue 0 each; self-found C 4 >
//	B 2 → C 2, B 3. D 10 × (1 − 2/2) = 0, + 4 + 6 = 10 → 4.
//
// Changes: B 3 → 1 (+2), C 2 → 1 (+1), D 4 → 3 (+1), A 1 → 4 (−3).
// 红榜: top 1 = B and C (tied); risen ≥ 2 = B. 黑榜: A vetoed; bottom 1 is rank 4 = A already
// named by the veto; D has one 重大 hazard overdue > 30 days.
func TestFourTowns(t *testing.T) {
	cfg, err := Parse([]byte(fixtureConfig), catalogue(t))
	if err != nil {
		t.Fatal(err)
	}
	boards := cfg.Compute(fourTowns(t))
	if len(boards) != 1 {
		t.Fatalf("boards = %d", len(boards))
	}
	b := boards[0]
	type got struct {
		Code       string
		Points     float64
		Rank, Prev int
		Vetoed     bool
		PrevPoints float64
	}
	var rows []got
	for _, r := range b.Rows {
		rows = append(rows, got{r.Code, r.Points, r.Rank, r.PrevRank, r.Vetoed, r.PrevPoints})
	}
	want := []got{
		{"B", 15.5, 1, 3, false, 17},
		{"C", 15.5, 1, 2, false, 17},
		{"D", 15, 3, 4, false, 10},
		{"A", 17, 4, 1, true, 20},
	}
	if !reflect.DeepEqual(rows, want) {
		t.Fatalf("rows\n got %+v\nwant %+v", rows, want)
	}
	wantRed := []Mention{{"B", "乙镇", "排名第1；较上月上升2位"}, {"C", "丙街道", "排名第1"}}
	if !reflect.DeepEqual(b.Red, wantRed) {
		t.Errorf("red\n got %+v\nwant %+v", b.Red, wantRed)
	}
	wantBlack := []Mention{{"D", "丁镇", "重大隐患逾期超30天: 1项"}, {"A", "甲镇", "一票否决：较大及以上事故1起"}}
	if !reflect.DeepEqual(b.Black, wantBlack) {
		t.Errorf("black\n got %+v\nwant %+v", b.Black, wantBlack)
	}

	// C's scorecard: the on-time weight redistributed, the others scaled by 20/16.
	c, _ := b.Row("C")
	var weights, points []float64
	for _, it := range c.Items {
		weights, points = append(weights, it.Weight), append(points, it.Points)
	}
	if !reflect.DeepEqual(weights, []float64{12.5, 0, 7.5}) || !reflect.DeepEqual(points, []float64{12.5, 0, 3}) {
		t.Errorf("C weights %v points %v, want [12.5 0 7.5] [12.5 0 3]", weights, points)
	}
	if !c.Redistribute || !strings.Contains(c.Items[1].Note, "权重按比例") {
		t.Errorf("C on-time note %q", c.Items[1].Note)
	}
	if tg := c.Items[2].Target; tg == nil || *tg != 50 {
		t.Errorf("四不 target %v, want 50 (T71)", tg)
	}
	a, _ := b.Row("A")
	if d := a.Deductions[0]; d.Points != -3 || d.Note != "3人 × −2，最多−3" {
		t.Errorf("A deduction %+v", d)
	}
	if a.Change() != -3 || c.Change() != 1 {
		t.Errorf("changes A %d C %d, want −3 and +1", a.Change(), c.Change())
	}
	h := b.History("B")
	if len(h) != 2 || h[0].Rank != 3 || h[1].Rank != 1 || !h[0].AsOf.Equal(day("2025-07-31")) {
		t.Errorf("B history %+v", h)
	}
}

// A department without penalty powers is not scored on penalties: their weight goes to its other
// indicators; an excluded unit (D00) gets no row; a unit scored on fewer than min_weight declared
// points is listed but not ranked (nor praised). Weights: penalties 6 (only penalty_power), overdue
// 4 (cap 2); total 10; min_weight 5.
//
//	D15 (penalty power): ratio 40/80 → 6 × 0.5 = 3; overdue 1 → 4 × 0.5 = 2; total 5; scored on 10 → rank 1.
//	D02 (none): penalties not applicable → overdue weight 4 × 10/4 = 10; overdue 0 → 10; but scored on 4
//	declared points < 5 → not ranked (rank 0), listed after the ranked units.
func TestDepartmentWithoutPenaltyPowers(t *testing.T) {
	cfg, err := Parse([]byte(`
groups:
  - id: dept
    name: 区安委会成员单位
    total: 10
    exclude: [D00]
    indicators:
      - {id: penalty, name: 处罚率, metric: dept_penalty_ratio, grain: year, weight: 6, target: 80, missing: zero, only_tag: penalty_power}
      - {id: overdue, name: 逾期重大隐患, metric: major_hazards_overdue, grain: month, weight: 4, cap: 2, missing: full}
    red: {top: 1, min_weight: 5}
    black:
      flags:
        - {metric: dept_penalty_ratio, grain: year, max: 50, only_tag: penalty_power, reason: "只检查不处罚：处罚率{value}%"}
`), catalogue(t))
	if err != nil {
		t.Fatal(err)
	}
	asOf := day("2025-08-31")
	vals := []queries.Value{
		{Metric: "dept_penalty_ratio", AsOf: asOf, Grain: "year", Start: day("2025-01-01"), End: asOf, Partial: true, Dim: "dept", Code: "D15", Value: 40},
		{Metric: "major_hazards_overdue", AsOf: asOf, Grain: "month", Start: day("2025-08-01"), End: asOf, Dim: "dept", Code: "D15", Value: 1},
	}
	units := map[string][]queries.Unit{"dept": {
		{Dim: "dept", Code: "D00", Name: "区安委会办公室"}, // excluded: not ranked
		{Dim: "dept", Code: "D02", Name: "区教育和体育局"},
		{Dim: "dept", Code: "D15", Name: "区应急管理局", Tags: []string{"penalty_power"}},
	}}
	s := queries.NewSet(catalogue(t), queries.TargetsFromRefdata(), units, vals)
	s.AsOf = asOf
	b := cfg.Compute(s)[0]
	if len(b.Rows) != 2 || b.Rows[0].Code != "D15" || b.Rows[0].Points != 5 || b.Rows[0].Rank != 1 ||
		b.Rows[1].Code != "D02" || b.Rows[1].Points != 10 || b.Rows[1].Rank != 0 || b.Ranked() != 1 {
		t.Fatalf("rows %+v", b.Rows)
	}
	if want := "可评分指标权重4分，不足5分，不参与排名"; b.Rows[1].Unranked != want {
		t.Errorf("D02 unranked %q, want %q", b.Rows[1].Unranked, want)
	}
	if it := b.Rows[1].Items[0]; it.Weight != 0 || !strings.Contains(it.Note, "不适用") {
		t.Errorf("D02 penalty item %+v", it)
	}
	if b.Rows[0].PrevRank != 0 {
		t.Errorf("no compare date: PrevRank %d, want 0", b.Rows[0].PrevRank)
	}
	want := []Mention{{"D15", "区应急管理局", "只检查不处罚：处罚率40%"}}
	if !reflect.DeepEqual(b.Black, want) {
		t.Errorf("black %+v, want %+v", b.Black, want)
	}
	// 红榜 top 1: D15, the only ranked unit; D02 (not ranked) is not praised.
	if want := []Mention{{"D15", "区应急管理局", "排名第1"}}; !reflect.DeepEqual(b.Red, want) {
		t.Errorf("red %+v, want %+v", b.Red, want)
	}
}

func TestScoringFileLoads(t *testing.T) {
	cfg, err := Load()
	if err != nil {
		t.Fatal(err)
	}
	for _, id := range []string{"town", "park", "dept"} {
		g, ok := cfg.Group(id)
		if !ok {
			t.Fatalf("no group %s", id)
		}
		pending := 0
		for _, in := range g.Indicators {
			if in.MetricOf() == "" {
				pending++
			}
		}
		if pending == 0 || pending == len(g.Indicators) {
			t.Errorf("group %s: %d of %d indicators pending", id, pending, len(g.Indicators))
		}
	}
	// Every reference unit gets a row even with no values at all.
	s := queries.NewSet(catalogue(t), queries.TargetsFromRefdata(), nil, nil)
	s.AsOf, s.CompareAsOf = day("2025-08-31"), day("2025-07-31")
	for _, b := range cfg.Compute(s) {
		g, _ := cfg.Group(b.Group)
		if len(b.Rows) != len(s.Units[b.Group])-len(g.Exclude) {
			t.Errorf("%s: %d rows for %d units, %d excluded", b.Group, len(b.Rows), len(s.Units[b.Group]), len(g.Exclude))
		}
	}
}

func TestConfigErrors(t *testing.T) {
	base := `
groups:
  - id: town
    name: 镇（街道）
    total: 10
    indicators:
      - {id: a, name: 甲, metric: major_hazards_overdue, grain: month, weight: 4, cap: 2, missing: full}
      - {id: b, name: 乙, metric: hazards_closed_on_time_rate, grain: year, weight: 6, target: 90, missing: zero}
`
	cases := []struct{ name, from, to, want string }{
		{"unknown metric", "metric: hazards_closed_on_time_rate", "metric: hazards_on_time",
			`group town indicator b: unknown metric "hazards_on_time"`},
		{"weights", "weight: 6", "weight: 5", "indicator weights add up to 9, not the declared total 10"},
		{"direction", "missing: zero", "missing: zero, direction: up", `indicator b: direction must be higher or lower, got "up"`},
		{"missing rule", "missing: full", "missing: none", `indicator a: missing must be zero, full or redistribute, got "none"`},
		{"no cap", "cap: 2, ", "", "indicator a: a lower-is-better indicator needs cap > 0"},
		{"no target", "target: 90, ", "", "metric hazards_closed_on_time_rate links no target with a number above 0: give target"},
		{"dimension", "metric: major_hazards_overdue", "metric: mine_intelligent_output_share", "metric mine_intelligent_output_share has no town dimension"},
		{"grain", "grain: year", "grain: week", `indicator b: grain must be month or year, got "week"`},
		{"pending must redistribute", "metric: hazards_closed_on_time_rate, grain: year, weight: 6, target: 90, missing: zero",
			"seed_target: T117, grain: year, weight: 6, missing: zero", "no metric measures T117 by town yet: missing must be redistribute"},
		{"unknown seed target", "metric: hazards_closed_on_time_rate, grain: year, weight: 6, target: 90",
			"seed_target: T999, grain: year, weight: 6", `unknown seed_target "T999"`},
		{"unknown field", "cap: 2", "cap: 2, weigth: 3", "field weigth not found"},
		{"unknown excluded unit", "total: 10", "total: 10\n    exclude: [370812999]", `exclude: no town 370812999 in warehouse/refdata`},
	}
	cat := catalogue(t)
	if _, err := Parse([]byte(base), cat); err != nil {
		t.Fatalf("base config: %v", err)
	}
	for _, c := range cases {
		body := strings.Replace(base, c.from, c.to, 1)
		if body == base {
			t.Fatalf("%s: replacement did not apply", c.name)
		}
		_, err := Parse([]byte(body), cat)
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: error %v, want it to contain %q", c.name, err, c.want)
		}
	}
}

// BenchmarkCompute ranks the reference units (10 towns, 3 parks, 22 departments) with the real
// scoring file, every metric it reads holding a value for each unit at both as-of dates.
func BenchmarkCompute(b *testing.B) {
	cat, err := queries.Metrics()
	if err != nil {
		b.Fatal(err)
	}
	cfg, err := Load()
	if err != nil {
		b.Fatal(err)
	}
	units := queries.ReferenceUnits()
	var vals []queries.Value
	for _, asOf := range []time.Time{day("2025-08-31"), day("2025-07-31")} {
		for _, g := range cfg.Groups {
			var reads [][2]string
			for _, in := range g.Indicators {
				if in.MetricOf() != "" {
					reads = append(reads, [2]string{in.MetricOf(), in.Grain})
				}
			}
			for _, t := range g.TieBreaks {
				reads = append(reads, [2]string{t.Metric, t.Grain})
			}
			for i, u := range units[g.ID] {
				for _, r := range reads {
					start := time.Date(asOf.Year(), asOf.Month(), 1, 0, 0, 0, 0, time.UTC)
					if r[1] == "year" {
						start = time.Date(asOf.Year(), 1, 1, 0, 0, 0, 0, time.UTC)
					}
					vals = append(vals, queries.Value{Metric: r[0], AsOf: asOf, Grain: r[1], Start: start, End: asOf, Dim: g.ID, Code: u.Code, Value: float64(i%4) * 10})
				}
			}
		}
	}
	s := queries.NewSet(cat, queries.TargetsFromRefdata(), units, vals)
	s.AsOf, s.CompareAsOf = day("2025-08-31"), day("2025-07-31")
	b.ResetTimer()
	for range b.N {
		cfg.Compute(s)
	}
}
