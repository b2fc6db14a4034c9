package dashboards

import (
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"safetydw/queries"
	"safetydw/warehouse/refdata"
)

// catalogueWithout is the metric catalogue without the metrics that measure target, so that a
// page for a target nothing measures can be tested whichever targets have sources by now.
func catalogueWithout(t *testing.T, target string) *queries.Catalogue {
	t.Helper()
	paths, err := filepath.Glob("../queries/metrics/*.yaml")
	if err != nil || len(paths) == 0 {
		t.Fatalf("metric specs: %v (%d files)", err, len(paths))
	}
	files := map[string][]byte{}
	for _, p := range paths {
		b, err := os.ReadFile(p)
		if err != nil {
			t.Fatal(err)
		}
		s, err := queries.ParseSpec(filepath.Base(p), b)
		if err != nil {
			t.Fatal(err)
		}
		if !slices.Contains(s.Targets, target) {
			files[filepath.Base(p)] = b
		}
	}
	c, err := queries.ParseCatalogue(files, refdata.Targets())
	if err != nil {
		t.Fatal(err)
	}
	if len(c.ForTarget(target)) != 0 || len(c.Specs) == 0 {
		t.Fatalf("catalogue without %s still measures it (%d specs)", target, len(c.Specs))
	}
	return c
}

// Every target gets a page: T03 (measured by the legacy 重大 stock) with its quote, deadline, the
// value judged and the towns behind the latest value; T119 (its metric left out of the catalogue
// here) says plainly that nothing measures it yet, and T18 (a milestone) that the task ledger
// holds no task for it. Tiles and 目标一览 link to the pages.
func TestTargetPages(t *testing.T) {
	t.Parallel()
	const (
		metric = "major_hazard_legacy_clearance"
		gulou  = "370812001" // 鼓楼街道
		lq     = "370812003" // 龙桥街道
	)
	month := func(y int, m time.Month) (time.Time, time.Time) {
		start := time.Date(y, m, 1, 0, 0, 0, 0, time.UTC)
		return start, start.AddDate(0, 1, -1)
	}
	asOf := time.Date(2026, 11, 28, 0, 0, 0, 0, time.UTC)
	v := func(y int, m time.Month, dim, code string, n float64) queries.Value {
		start, end := month(y, m)
		return queries.Value{Metric: metric, AsOf: asOf, Grain: "month", Start: start, End: end, Dim: dim, Code: code,
			Numerator: n, Denominator: 5, Value: n, Partial: end.After(asOf)}
	}
	// By hand: T03 is judged at its deadline 2024-12-31, on the December 2024 month end, where
	// 2 of the 5 legacy hazards were still open: 2 项 against "= 0", 未达标. The latest month
	// (November 2026) has 1 open, in 鼓楼 (above 0: marked bad), none in 龙桥: the town table shows
	// 1 and 0.
	values := []queries.Value{
		v(2024, 12, "district", "", 2),
		v(2026, 11, "district", "", 1), v(2026, 11, "town", gulou, 1), v(2026, 11, "town", lq, 0),
	}
	set := queries.NewSet(catalogueWithout(t, "T119"), queries.TargetsFromRefdata(), nil, values)
	set.AsOf = asOf
	files, err := Render(set, nil, nil, asOf)
	if err != nil {
		t.Fatal(err)
	}
	if len(set.Targets) != 119 {
		t.Fatalf("%d targets in refdata, want 119", len(set.Targets))
	}
	for id := range set.Targets {
		if files[targetFile(id)] == nil {
			t.Errorf("no page for %s", id)
		}
	}
	contains := func(file string, wants ...string) {
		t.Helper()
		page := string(files[file])
		for _, w := range wants {
			if !strings.Contains(page, w) {
				t.Errorf("%s lacks %q", file, w)
			}
		}
	}
	contains("target-T03.html",
		"<dd>2024年全部消除2023年及以前排查发现的重大事故隐患存量</dd>",
		"<dt>期限</dt><dd>2024年12月31日前</dd>",
		"<dt>目标值</dt><dd>= 0</dd>",
		"<dt>出处</dt><dd>§一（二），种子文件第 8 行</dd>",
		"pinned as open legacy stock",
		`<div class="t-value">2 项</div>`,
		"2024年12月 · 目标 = 0 · 2024年12月31日前（T03）",
		"未达标",
		"2023年及以前重大事故隐患存量月末未销号数（分镇街）",
		`<a href="unit-town-`+gulou+`.html">鼓楼街道</a></td><td class="num bad">1</td>`,
		`<a href="unit-town-`+lq+`.html">龙桥街道</a></td><td class="num">0</td>`,
		`href="hazards.html#m-`+metric+`"`,
	)
	contains("target-T119.html", "<dd>纳入安全生产考核事项重点内容…督查激励评选</dd>", "<dt>期限</dt><dd>每年</dd>", "尚无数据来源")
	contains("target-T18.html", "<dd>2024年底前，建立健全分镇街、分行业重大事故隐患统计分析机制</dd>",
		"<dt>期限</dt><dd>2024年12月31日前</dd>", "里程碑任务（任务台账）", "任务台账中尚无该目标的任务", "任务台账中暂无任务。")
	// The tiles of 总览 and of 鼓楼's page open the target's page; 目标一览 lists every target.
	contains("index.html", `<a class="tile missed" href="target-T03.html">`)
	contains(unitFile("town", gulou), `href="target-T03.html">`)
	contains("targets.html", `<a href="target-T03.html">T03</a>`, `<a href="target-T119.html">T119</a>`, "尚无数据来源", `<a href="target-T18.html">T18</a>`)
}
