package dashboards_test

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"safetydw/dashboards"
	"safetydw/dashboards/browser"
	"safetydw/queries"
	"safetydw/warehouse"
	"safetydw/warehouse/warehousetest"
)

// Town codes from warehouse/refdata/towns.csv.
const (
	gulou    = "370812001" // 鼓楼街道
	longqiao = "370812003" // 龙桥街道
)

// drill is one fact_drill row; flags are the four 四不 flags in table order
// (no_advance_notice, no_script, no_preset_scene, no_preset_location).
type drill struct {
	id, organizer, town, date, kind string
	flags                           [4]uint8
}

var (
	sibu  = [4]uint8{1, 1, 1, 1}
	none  = [4]uint8{}
	three = [4]uint8{1, 1, 1, 0} // three flags of four: not 四不
)

// The drills and, by hand, what the page must show:
//
//	2024 鼓楼 企业: d1 d2 四不, d3 d5 none, d4 three flags → 2/5 = 40.0% (meets >= 40, exactly)
//	2024 龙桥 企业: d6 四不, d7 three flags, d8 none       → 1/3 = 33.3% (below 40)
//	2024 district: 3/8 = 37.5% → 未达标 against T70's 40; one 龙桥 town below target
//	     (d9 is organized by a 部门 and counts nowhere)
//	2025 鼓楼: 3 of 4 四不 = 75.0%; 龙桥: 1 of 2 = 50.0%
//	2025 district: 4/6 = 66.666… → 66.7% → 达标 against T71's 50; no town below
//	2026: d20 is 综合, which leaves the 2026 denominator → no 2026 values, table row of zeros
var drills = []drill{
	{"d1", "企业", gulou, "2024-03-01", "专项", sibu},
	{"d2", "企业", gulou, "2024-04-01", "现场处置", sibu},
	{"d3", "企业", gulou, "2024-05-01", "专项", none},
	{"d4", "企业", gulou, "2024-06-01", "专项", three},
	{"d5", "企业", gulou, "2024-07-01", "综合", none},
	{"d6", "企业", longqiao, "2024-03-02", "专项", sibu},
	{"d7", "企业", longqiao, "2024-04-02", "专项", three},
	{"d8", "企业", longqiao, "2024-05-02", "专项", none},
	{"d9", "部门", gulou, "2024-08-01", "专项", sibu},
	{"d10", "企业", gulou, "2025-03-01", "专项", sibu},
	{"d11", "企业", gulou, "2025-04-01", "专项", sibu},
	{"d12", "企业", gulou, "2025-05-01", "专项", sibu},
	{"d13", "企业", gulou, "2025-06-01", "专项", none},
	{"d14", "企业", longqiao, "2025-03-02", "专项", sibu},
	{"d15", "企业", longqiao, "2025-04-02", "专项", three},
	{"d20", "企业", gulou, "2026-03-01", "综合", sibu},
}

func insertDrills(t *testing.T, db *warehouse.DB) {
	t.Helper()
	ctx := context.Background()
	b, err := db.PrepareBatch(ctx, `INSERT INTO fact_drill (drill_id, src_system, src_id, organizer_kind, town_code, drill_date, drill_type,
		no_advance_notice, no_script, no_preset_scene, no_preset_location, _version)`)
	if err != nil {
		t.Fatal(err)
	}
	for _, d := range drills {
		day, err := time.Parse(time.DateOnly, d.date)
		if err != nil {
			t.Fatal(err)
		}
		if err := b.Append("test:"+d.id, "test", d.id, d.organizer, d.town, day, d.kind,
			d.flags[0], d.flags[1], d.flags[2], d.flags[3], uint64(1)); err != nil {
			t.Fatal(err)
		}
	}
	if err := b.Send(); err != nil {
		t.Fatal(err)
	}
}

// echartsJS is the file `make assets` fetches, found from the repository root.
func echartsJS(t *testing.T) string {
	t.Helper()
	dir, err := os.Getwd()
	if err != nil {
		t.Fatal(err)
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			break
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			t.Fatal("no go.mod above the test's folder")
		}
		dir = parent
	}
	js := filepath.Join(dir, "var", "echarts", "package", "dist", dashboards.EChartsFile)
	if _, err := os.Stat(js); err != nil {
		t.Fatalf("%v: run make assets", err)
	}
	return js
}

func startBrowser(t *testing.T) *browser.Browser {
	t.Helper()
	start := time.Now()
	b, err := browser.Start(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(b.Close)
	t.Logf("browser start: %v", time.Since(start).Round(time.Millisecond))
	return b
}

func fileURL(t *testing.T, path string) string {
	t.Helper()
	u, err := browser.FileURL(path)
	if err != nil {
		t.Fatal(err)
	}
	return u
}

func TestSiteOpensOfflineAndShowsTheData(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	js := echartsJS(t)
	db := warehousetest.New(t)
	insertDrills(t, db)
	start := time.Now()
	if _, err := queries.Refresh(ctx, db, time.Now()); err != nil {
		t.Fatal(err)
	}
	out := filepath.Join(t.TempDir(), "site")
	built, err := dashboards.Build(ctx, db, out, js, time.Date(2026, 11, 28, 9, 0, 0, 0, time.UTC))
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("refresh + build: %v", time.Since(start).Round(time.Millisecond))

	// The targets the page must show come from ref_target, not from this test.
	targets, err := queries.Targets(ctx, db, "sibu_drill_share")
	if err != nil {
		t.Fatal(err)
	}
	goal := map[int]float64{}
	for _, tg := range targets {
		if tg.Threshold != nil {
			goal[tg.PeriodYear] = *tg.Threshold
		}
	}
	if goal[2024] != 40 || goal[2025] != 50 {
		t.Fatalf("ref_target thresholds for sibu_drill_share = %v, want 40 for 2024 and 50 for 2025", goal)
	}

	// Every .html in the folder, not only the ones Build says it wrote.
	pages, err := filepath.Glob(filepath.Join(out, "*.html"))
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range built {
		if !slices.Contains(pages, filepath.Join(out, f)) {
			t.Errorf("Build reported %s but it is not in %s", f, out)
		}
	}
	if len(pages) < 2 {
		t.Fatalf("site has %d pages, want at least index.html and drills.html", len(pages))
	}

	b := startBrowser(t)
	reports := map[string]browser.Report{}
	for _, p := range pages {
		start := time.Now()
		r, err := b.CheckPage(ctx, fileURL(t, p))
		if err != nil {
			t.Fatalf("%s: %v", filepath.Base(p), err)
		}
		t.Logf("check %s: %v, %d charts, echarts %s", filepath.Base(p), time.Since(start).Round(time.Millisecond), len(r.Charts), r.EChartsVersion)
		for _, problem := range r.Problems() {
			t.Errorf("%s: %s", filepath.Base(p), problem)
		}
		reports[filepath.Base(p)] = r
	}

	r, ok := reports["drills.html"]
	if !ok {
		t.Fatal("no drills.html in the site")
	}
	if want := "企业“四不”应急演练占比"; r.Title != want || !strings.Contains(r.Text, want) {
		t.Errorf("drills.html title %q, want %q shown on the page", r.Title, want)
	}
	charts := map[string]browser.Chart{}
	for _, c := range r.Charts {
		charts[c.ID] = c
	}
	// Chart ids are fixed in drills.go; 2026 has no town values, so no 2026 town chart.
	for _, id := range []string{"sibu_by_year", "sibu_towns_2024", "sibu_towns_2025"} {
		if c, ok := charts[id]; !ok || c.Renderer != "svg" {
			t.Errorf("chart %s = %+v, want an SVG chart", id, c)
		}
	}
	if len(charts) != 3 {
		t.Errorf("drills.html has charts %v, want exactly the three above", r.Charts)
	}
	// The inserted numbers as the bars label them. The wording around them is the page's
	// business, so the checks below look for values, not whole sentences.
	wantText := map[string][]string{
		"sibu_by_year":    {"全区企业“四不”演练占比", "2024年", "2025年", "2026年", "37.5%", "66.7%"},
		"sibu_towns_2024": {"2024年各镇街企业“四不”演练占比", "鼓楼街道", "龙桥街道", "40%", "33.3%"},
		"sibu_towns_2025": {"鼓楼街道", "龙桥街道", "75%", "50%"},
	}
	for id, texts := range wantText {
		for _, s := range texts {
			if !slices.Contains(strings.Split(charts[id].Text, "\n"), s) { // one whole text element
				t.Errorf("chart %s SVG text lacks %q; it has:\n%s", id, s, charts[id].Text)
			}
		}
	}
	// Each year's town chart names its target line's value from ref_target in a text that
	// says 目标 (target) — not just as a y-axis tick, which would also read 40 or 50.
	for _, y := range []int{2024, 2025} {
		id, v := fmt.Sprintf("sibu_towns_%d", y), fmt.Sprintf("%.1f%%", goal[y])
		if !slices.ContainsFunc(strings.Split(charts[id].Text, "\n"), func(l string) bool {
			return strings.Contains(l, "目标") && strings.Contains(l, v)
		}) {
			t.Errorf("chart %s has no SVG text naming the target %s; it has:\n%s", id, v, charts[id].Text)
		}
	}
	// The table, one tab-separated line per row: year, enterprise drills, 四不 drills, share,
	// target (read from ref_target; the page may add a comparator or a note), verdict.
	lines := strings.Split(r.Text, "\n")
	for _, want := range [][]string{
		{"2024年", "8", "3", "37.5%", "40.0%", "未达标"},
		{"2025年", "6", "4", "66.7%", "50.0%", "达标"},
		{"2026年", "0", "0", "—", "90.0%", "—"},
	} {
		i := slices.IndexFunc(lines, func(l string) bool { return strings.HasPrefix(l, want[0]+"\t") })
		if i < 0 {
			t.Errorf("drills.html has no table row for %s; its text is:\n%s", want[0], r.Text)
			continue
		}
		cells := strings.Split(lines[i], "\t")
		if len(cells) != 6 || !slices.Equal(cells[:4], want[:4]) || !strings.Contains(cells[4], want[4]) || cells[5] != want[5] {
			t.Errorf("drills.html row %q, want cells %q (target containing %s)", lines[i], want, want[4])
		}
	}
	// Section headings count the towns below target: 龙桥 in 2024, none in 2025.
	for _, want := range [][2]string{{"2024年分镇街", "1 个镇街未达标"}, {"2025年分镇街", "0 个镇街未达标"}} {
		if !slices.ContainsFunc(lines, func(l string) bool { return strings.HasPrefix(l, want[0]) && strings.Contains(l, want[1]) }) {
			t.Errorf("drills.html has no heading %s…%s; its text is:\n%s", want[0], want[1], r.Text)
		}
	}
}

// TestCheckPageFindsProblems proves the check can fail: a CDN script, a thrown error and a
// chart that never drew must each be reported.
func TestCheckPageFindsProblems(t *testing.T) {
	t.Parallel()
	js, err := os.ReadFile(echartsJS(t))
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	if err := os.MkdirAll(filepath.Join(dir, "assets"), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "assets", dashboards.EChartsFile), js, 0o644); err != nil {
		t.Fatal(err)
	}
	chart := `<div class="container"><div class="item" id="c1" style="width:600px;height:300px;"></div></div>
<script>echarts.init(document.getElementById('c1'), "", {renderer: "svg"}).setOption({xAxis: {data: ["a"]}, yAxis: {}, series: [{type: "bar", data: [1]}]});</script>`
	pages := map[string]struct {
		html string
		want []string // substrings, each in some problem
	}{
		"cdn.html": {
			`<script src="https://cdn.example.invalid/echarts.min.js"></script>` + chart,
			[]string{"request failed: https://cdn.example.invalid/echarts.min.js", "echarts is not defined", "ECharts did not load", "chart #c1 rendered nothing"},
		},
		"throws.html": {
			`<script src="assets/echarts.min.js"></script>` + chart + `<script>throw new Error("故意的错误")</script>`,
			[]string{"Uncaught Error: 故意的错误"},
		},
		"empty.html": {
			`<script src="assets/echarts.min.js"></script><div class="container"><div class="item" id="empty"></div></div>`,
			[]string{"chart #empty rendered nothing"},
		},
	}
	b := startBrowser(t)
	for name, p := range pages {
		path := filepath.Join(dir, name)
		html := `<!DOCTYPE html><html><head><meta charset="utf-8"></head><body>` + p.html + `</body></html>`
		if err := os.WriteFile(path, []byte(html), 0o644); err != nil {
			t.Fatal(err)
		}
		start := time.Now()
		r, err := b.CheckPage(context.Background(), fileURL(t, path))
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		problems := r.Problems()
		t.Logf("check %s: %v, problems:\n  %s", name, time.Since(start).Round(time.Millisecond), strings.Join(problems, "\n  "))
		for _, w := range p.want {
			if !slices.ContainsFunc(problems, func(s string) bool { return strings.Contains(s, w) }) {
				t.Errorf("%s: no problem mentions %q", name, w)
			}
		}
	}
}
