// Package dashboards builds the static, offline dashboard site from ads_metric_value and
// ref_target: one HTML file per page, ECharts loaded from the site's own assets/ folder,
// so the pages open from file:// on a machine with no network.
package dashboards

import (
	"context"
	"embed"
	"fmt"
	"html/template"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/go-echarts/go-echarts/v2/render"

	"safetydw/dashboards/sitedir"
	"safetydw/warehouse"
)

//go:embed templates/*.html
var templateFiles embed.FS

var pageTemplate = template.Must(template.New("").Funcs(template.FuncMap{"numeric": numeric}).ParseFS(templateFiles, "templates/*.html"))

// numeric says whether a table cell reads as a number (1014, 25.5%, ≥ 40.0%), to right-align it.
func numeric(s string) bool {
	s = strings.TrimLeft(s, "≥≤=<>+- ")
	return s != "" && s[0] >= '0' && s[0] <= '9'
}

// EChartsFile is the one third-party asset pages load, fetched by `make assets` from npm.
const EChartsFile = "echarts.min.js"

// Page is one built HTML file.
type Page struct {
	File  string // file name inside the site
	Title string
	Intro string
}

// pageData is what templates/page.html renders.
type pageData struct {
	Title    string
	Intro    string
	AsOf     string
	Pages    []Page
	Sections []section
}

type section struct {
	Heading string
	Note    string
	Charts  []template.HTML // element + script snippets of go-echarts
	Table   *table
}

type table struct {
	Header []string
	Rows   [][]string
}

// builder is a page's recipe: it reads the warehouse and returns the sections to render.
type builder struct {
	Page
	build func(ctx context.Context, db *warehouse.DB) ([]section, error)
}

var pages = []builder{
	{Page{File: "campaign.html", Title: "治本攻坚主要指标", Intro: "2023年重大事故隐患存量清零、煤矿智能化开采与井下减人、“零处罚”部门、较大及以上事故，对照方案目标。"}, campaignPage},
	{Page{File: "drills.html", Title: "企业“四不”应急演练占比", Intro: "方案第14项：2024年企业“四不”演练占比达到40%，2025年达到50%，2026年除综合性演练外基本实现常态化。"}, drillPage},
	{Page{File: "dictionary.html", Title: "数据字典", Intro: dictionaryIntro}, dictionaryPage},
}

// Build writes the site into outDir. sitedir builds it in a sibling folder and swaps it in at
// the end, so a failed build leaves the previous site as it was, and refuses an outDir that is
// not a site it built.
func Build(ctx context.Context, db *warehouse.DB, outDir, echartsJS string, now time.Time) (written []string, err error) {
	js, err := os.ReadFile(echartsJS)
	if err != nil {
		return nil, fmt.Errorf("%w\n  ECharts is fetched from npm by `make assets` (未找到 ECharts，请先运行 make assets)", err)
	}
	err = sitedir.Replace(outDir, func(tmp string) error {
		written, err = buildInto(ctx, db, tmp, js, now)
		return err
	})
	return written, err
}

func buildInto(ctx context.Context, db *warehouse.DB, tmp string, js []byte, now time.Time) ([]string, error) {
	if err := os.MkdirAll(filepath.Join(tmp, "assets"), 0o755); err != nil {
		return nil, err
	}
	if err := os.WriteFile(filepath.Join(tmp, "assets", EChartsFile), js, 0o644); err != nil {
		return nil, err
	}
	asOf := now.In(shanghai).Format("2006年1月2日 15:04")
	var all []Page
	for _, b := range pages {
		all = append(all, b.Page)
	}
	written := []string{"index.html"}
	for _, b := range pages {
		secs, err := b.build(ctx, db)
		if err != nil {
			return nil, fmt.Errorf("page %s: %w", b.File, err)
		}
		if err := writePage(filepath.Join(tmp, b.File), pageData{Title: b.Title, Intro: b.Intro, AsOf: asOf, Pages: all, Sections: secs}); err != nil {
			return nil, err
		}
		written = append(written, b.File)
	}
	if err := writePage(filepath.Join(tmp, "index.html"), pageData{Title: "安全生产治本攻坚三年行动 数据看板", AsOf: asOf, Pages: all}); err != nil {
		return nil, err
	}
	return written, nil
}

func writePage(path string, d pageData) error {
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	if err := pageTemplate.ExecuteTemplate(f, "page.html", d); err != nil {
		f.Close()
		return fmt.Errorf("render %s: %w", filepath.Base(path), err)
	}
	return f.Close()
}

// snippet renders a go-echarts chart as an element and its script, for our own page layout.
func snippet(r interface{ RenderSnippet() render.ChartSnippet }) template.HTML {
	s := r.RenderSnippet()
	return template.HTML(s.Element + s.Script)
}

var shanghai = func() *time.Location {
	loc, err := time.LoadLocation("Asia/Shanghai")
	if err != nil {
		panic(err)
	}
	return loc
}()
