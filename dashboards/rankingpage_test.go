package dashboards

import (
	"strings"
	"testing"
	"time"

	"safetydw/queries"
)

// The ranking page, a scorecard and the unit page's link, rendered from a hand-made Set with the
// real scoring file (queries/ranking/scoring.yaml). Every town has, at both dates, the counts
// (2023 legacy 重大 stock, weight 8, cap 3: 0 everywhere, full; open overdue 重大, weight 7, cap 3)
// and four shares at their targets: 四不 50 % (6, T71's 50), 明白人 100 % (5), evacuation drills
// 100 % (4), on-time closure 95 % (6, target 95). Scored on 36 declared points (enough for the
// 红榜's 30), the weights become w × 100/36: 22.22, 19.44, 16.67, 13.89, 11.11, 16.67.
//
//	August (as of 2025-08-31): 鼓楼 1 overdue → 19.44 × (1 − 1/3) = 12.96; total 22.22 + 12.96 +
//	16.67 + 13.89 + 11.11 + 16.67 = 93.52, rank 10; the nine others 100, rank 1 (tied).
//	July (2025-07-31): 龙桥 2 overdue → 19.44 × (1 − 2/3) = 6.48, total 87.04, rank 10; 鼓楼 100, rank 1.
//	鼓楼 fell 1 → 10 (↓9); 龙桥 rose 10 → 1 (↑9): 红榜 (top 3 and risen ≥ 3) names it "排名第1；较上月上升9位";
//	黑榜 (bottom 3, ties with the top excluded) names 鼓楼 alone, "排名第10（共10个）".
func TestRankingPages(t *testing.T) {
	t.Parallel()
	const gulou, lq = "370812001", "370812003"
	aug, jul := time.Date(2025, 8, 31, 0, 0, 0, 0, time.UTC), time.Date(2025, 7, 31, 0, 0, 0, 0, time.UTC)
	v := func(asOf time.Time, code string, n float64) queries.Value {
		start := time.Date(asOf.Year(), asOf.Month(), 1, 0, 0, 0, 0, time.UTC)
		return queries.Value{Metric: "major_hazards_overdue", AsOf: asOf, Grain: "month", Start: start, End: asOf, Dim: "town", Code: code,
			Numerator: n, Value: n}
	}
	vals := []queries.Value{v(aug, gulou, 1), v(jul, lq, 2)}
	for _, asOf := range []time.Time{aug, jul} {
		for _, u := range queries.ReferenceUnits()["town"] {
			for _, m := range []struct {
				metric, grain string
				value         float64
			}{{"sibu_drill_share", "year", 50}, {"mingbairen_coverage", "month", 100}, {"evacuation_drill_coverage", "year", 100},
				{"hazards_closed_on_time_rate", "year", 95}} {
				start := time.Date(asOf.Year(), asOf.Month(), 1, 0, 0, 0, 0, time.UTC)
				if m.grain == "year" {
					start = time.Date(asOf.Year(), 1, 1, 0, 0, 0, 0, time.UTC)
				}
				vals = append(vals, queries.Value{Metric: m.metric, AsOf: asOf, Grain: m.grain, Start: start, End: asOf, Partial: true,
					Dim: "town", Code: u.Code, Numerator: m.value, Denominator: 100, Value: m.value})
			}
		}
	}
	set := queries.NewSet(mustCatalogue(t), queries.TargetsFromRefdata(), nil, vals)
	set.AsOf, set.CompareAsOf = aug, jul
	files, err := Render(set, nil, nil, aug)
	if err != nil {
		t.Fatal(err)
	}
	contains := func(file string, wants ...string) {
		t.Helper()
		page := string(files[file])
		if page == "" {
			t.Errorf("no page %s", file)
			return
		}
		for _, w := range wants {
			if !strings.Contains(page, w) {
				t.Errorf("%s lacks %q", file, w)
			}
		}
	}
	score := scoreFile("town", gulou)
	contains(score,
		"<dt>名次</dt><dd>第10名（共10个镇（街道））</dd>", "<dt>总分</dt><dd>93.52</dd>", "<dt>较上月</dt><dd>↓9</dd>",
		// The overdue line: value, cap, weight after redistribution, points.
		`<a href="hazards.html#m-major_hazards_overdue">逾期未销号重大隐患</a></td><td>重大隐患</td><td class="num">1 项</td><td class="num">上限 3 项</td><td class="num">19.44</td><td class="num">12.96</td>`,
		`<td class="num">22.22</td><td class="num">22.22</td>`,
		"指标尚未接入（T14），权重按比例分给其他指标",
		`<tr class="total"><td>合计</td><td></td><td></td><td></td><td></td><td class="num">93.52</td>`,
		"<td>2025年7月31日</td><td class=\"num\">第1名（共10个）</td><td class=\"num\">100</td>",
		"<td>2025年8月31日</td><td class=\"num\">第10名（共10个）</td><td class=\"num\">93.52</td>",
		`href="unit-town-`+gulou+`.html"`)
	contains(scoreFile("town", lq), "<dt>总分</dt><dd>100</dd>", "<dt>较上月</dt><dd>↑9</dd>",
		"<td>2025年7月31日</td><td class=\"num\">第10名（共10个）</td><td class=\"num\">87.04</td>")
	contains("ranking.html",
		`<a href="`+score+`">鼓楼街道</a></td><td class="num">10</td><td class="num">93.52</td><td class="num">↓9</td>`,
		`<a href="`+scoreFile("town", lq)+`">龙桥街道</a></td><td>排名第1；较上月上升9位</td>`,
		`<tr class="flagged"><td><a href="`+score+`">鼓楼街道</a></td><td>排名第10（共10个）</td>`,
		"园区排名", "区安委会成员单位排名")
	// Every page's navigation reaches the ranking; the unit page opens its scorecard.
	contains("index.html", `<a href="ranking.html">量化排名</a>`)
	contains(unitFile("town", gulou), `<a href="`+score+`">第10名（共10个）</a>`)
	// A department without penalty powers is not scored on penalties.
	contains(scoreFile("dept", "D02"), "不适用（无安全生产行政处罚职权），权重按比例分给其他指标")
	for _, dim := range []string{"town", "park", "dept"} {
		for _, u := range set.Units[dim] {
			// 区安委会办公室 runs the ranking and is not ranked (scoring.yaml exclude).
			if got, want := files[scoreFile(dim, u.Code)] != nil, u.Code != "D00"; got != want {
				t.Errorf("scorecard for %s %s: %v, want %v", dim, u.Name, got, want)
			}
		}
	}
}
