// Package dashboards builds the static, offline dashboard site from one metric refresh
// (queries.Set): pages declared in dashboards/pages/*.yaml and drawn by a few generic
// components (KPI tiles, trend, ranked bars, burn-down, table), one page per town, park and
// department, a data-freshness page and the data dictionary. ECharts is loaded from the site's
// own assets/ folder, so the pages open from file:// on a machine with no network.
package dashboards

import (
	"bytes"
	"context"
	"embed"
	"fmt"
	"html/template"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"sync"
	"time"

	"safetydw/dashboards/sitedir"
	"safetydw/queries"
	"safetydw/queries/ranking"
	"safetydw/warehouse"
)

//go:embed templates/*.html
var templateFiles embed.FS

var templates = template.Must(template.New("").Funcs(template.FuncMap{"numeric": numeric}).ParseFS(templateFiles, "templates/*.html"))

// numeric says whether a table cell reads as a number (1,014, 25.5%, ≥ 40.0%), to right-align it.
func numeric(s string) bool {
	s = strings.TrimLeft(s, "≥≤=<>+-− ")
	return s != "" && s[0] >= '0' && s[0] <= '9'
}

// EChartsFile is the one third-party asset pages load, fetched by `make assets` from npm.
const EChartsFile = "echarts.min.js"

// unitDims are the kinds of unit that get a page of their own.
var unitDims = []string{"town", "park", "dept"}

// Options are what a build needs besides the warehouse.
type Options struct {
	EChartsJS string    // echarts.min.js fetched by `make assets`
	Sources   []Source  // the ETL's sources, for the freshness page
	Now       time.Time // build time, shown small in the footer
	// History, when set, gives the scorecards' rank history (from the monthly snapshots);
	// without it a scorecard shows the two months the Set holds.
	History RankHistory
}

// Build writes the site into outDir from the latest complete metric refresh. It builds into a
// sibling folder and swaps it in at the end, so a failed build leaves the previous site as it was.
func Build(ctx context.Context, db *warehouse.DB, outDir string, o Options) (written []string, err error) {
	set, err := queries.LoadSet(ctx, db)
	if err != nil {
		return nil, err
	}
	fresh, err := loadFreshness(ctx, db, o.Sources, set.AsOf)
	if err != nil {
		return nil, err
	}
	dict, err := dictionarySections(ctx, db)
	if err != nil {
		return nil, err
	}
	js, err := os.ReadFile(o.EChartsJS)
	if err != nil {
		return nil, fmt.Errorf("%w\n  ECharts is fetched from npm by `make assets` (未找到 ECharts，请先运行 make assets)", err)
	}
	if o.History == nil {
		// The scorecards' rank history: what the published bulletins froze, month by month.
		if o.History, err = SnapshotHistory(ctx, db); err != nil {
			return nil, err
		}
	}
	files, err := render(set, fresh, dict, o.Now, o.History)
	if err != nil {
		return nil, err
	}
	files["assets/"+EChartsFile] = js
	written, err = writeSite(outDir, files)
	if err != nil {
		return nil, err
	}
	// The nav links the bulletins' archive: its index exists from the first build on.
	return written, WriteArchiveIndex(outDir)
}

// writeSite writes the files through sitedir: into a sibling folder swapped in when complete,
// and only over a site it built (never over a file or a folder of the user's).
func writeSite(outDir string, files map[string][]byte) ([]string, error) {
	var names []string
	err := sitedir.Replace(outDir, func(tmp string) error {
		for _, name := range sortedKeys(files) {
			path := filepath.Join(tmp, filepath.FromSlash(name))
			if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
				return err
			}
			if err := os.WriteFile(path, files[name], 0o644); err != nil {
				return err
			}
			if strings.HasSuffix(name, ".html") {
				names = append(names, name)
			}
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return names, nil
}

// site is what every page of one build shares.
type site struct {
	set       *queries.Set
	cat       *queries.Catalogue
	pages     []PageSpec
	topicFile map[string]string // topic → the page showing it
	fresh     []freshness
	years     []int // the campaign's years up to the as-of day
	built     time.Time
	ids       map[string]int           // element ids used on the page being rendered
	boards    map[string]ranking.Board // 量化排名 by group (town, park, dept)
	history   RankHistory
}

// Render builds every page of the site from a metric set, without a server: name → content.
func Render(set *queries.Set, fresh []freshness, dict []dictTable, built time.Time) (map[string][]byte, error) {
	return render(set, fresh, dict, built, nil)
}

func render(set *queries.Set, fresh []freshness, dict []dictTable, built time.Time, history RankHistory) (map[string][]byte, error) {
	pages, err := loadPages(set.Catalogue)
	if err != nil {
		return nil, err
	}
	scoring, err := ranking.Load()
	if err != nil {
		return nil, err
	}
	s := newSite(set, pages, scoring.Compute(set))
	s.fresh, s.built, s.history = fresh, built, history
	// Every page is a job; pages are independent (the Set is read-only once built), so they
	// render on every core, each worker with its own copy of the site (its element ids).
	type job struct {
		file   string
		render func(*site) ([]byte, error)
		what   string
	}
	var jobs []job
	for _, p := range pages {
		jobs = append(jobs, job{p.File, func(w *site) ([]byte, error) { return w.page(p) }, "page " + p.File})
	}
	for _, dim := range unitDims {
		for _, u := range set.Units[dim] {
			jobs = append(jobs, job{unitFile(dim, u.Code), func(w *site) ([]byte, error) { return w.unitPage(dim, u) }, "page for " + u.Name})
			if _, ok := s.boards[dim].Row(u.Code); ok {
				jobs = append(jobs, job{scoreFile(dim, u.Code), func(w *site) ([]byte, error) { return w.scorecardPage(dim, u) }, "scorecard of " + u.Name})
			}
		}
	}
	for _, t := range s.set.Targets {
		jobs = append(jobs, job{targetFile(t.ID), func(w *site) ([]byte, error) { return w.targetPage(t) }, "page for " + t.ID})
	}
	for _, d := range s.taskDepts() {
		jobs = append(jobs, job{tasksFile(d.Unit.Code), func(w *site) ([]byte, error) { return w.tasksPage(d) }, "task page for " + d.Unit.Name})
	}
	bodies := make([][]byte, len(jobs))
	errs := make([]error, len(jobs))
	next := make(chan int)
	var wg sync.WaitGroup
	for range runtime.GOMAXPROCS(0) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			w := *s
			for i := range next {
				bodies[i], errs[i] = jobs[i].render(&w)
			}
		}()
	}
	for i := range jobs {
		next <- i
	}
	close(next)
	wg.Wait()
	files := map[string][]byte{}
	for i, j := range jobs {
		if errs[i] != nil {
			return nil, fmt.Errorf("%s: %w", j.what, errs[i])
		}
		files[j.file] = bodies[i]
	}
	body, err := s.dictionaryPage(dict)
	if err != nil {
		return nil, err
	}
	files["dictionary.html"] = body
	return files, nil
}

// newSite is what every page of a build (or the bulletin) shares: the set, the pages (for links
// to a metric's topic page), the ranking's boards and the campaign's years up to the as-of day.
func newSite(set *queries.Set, pages []PageSpec, boards []ranking.Board) *site {
	s := &site{set: set, cat: set.Catalogue, pages: pages, topicFile: map[string]string{}, ids: map[string]int{}, boards: map[string]ranking.Board{}}
	for _, b := range boards {
		s.boards[b.Group] = b
	}
	for _, p := range pages {
		if p.Topic != "" {
			s.topicFile[p.Topic] = p.File
		}
	}
	for y := 2024; y <= set.AsOf.Year() && y <= 2026; y++ {
		s.years = append(s.years, y)
	}
	return s
}

// pageData is what templates/page.html renders.
type pageData struct {
	Title, Intro   string
	File           string
	DataAsOf, AsOf string
	Built          string
	Stale          []string
	Nav            []navItem
	Towns          []navItem
	Sections       []sectionHTML
}

type navItem struct {
	File, Label string
	Current     bool
}

type sectionHTML struct {
	ID, Heading, Note string
	Body              template.HTML
}

func (s *site) frame(file, title, intro string, metrics []string, secs []sectionHTML) ([]byte, error) {
	d := pageData{Title: title, Intro: intro, File: file, Sections: secs, Stale: s.staleFor(metrics),
		AsOf: s.set.AsOf.Format("2006年1月2日"), Built: s.built.In(queries.China).Format("2006-01-02 15:04")}
	if t := dataAsOf(s.fresh); !t.IsZero() {
		d.DataAsOf = t.Format("2006年1月2日")
	}
	for _, p := range s.pages {
		d.Nav = append(d.Nav, navItem{File: p.File, Label: p.Nav, Current: p.File == file})
	}
	d.Nav = append(d.Nav, navItem{File: "dictionary.html", Label: "数据字典", Current: file == "dictionary.html"})
	d.Nav = append(d.Nav, navItem{File: ArchiveDir + "/index.html", Label: "月通报"})
	for _, u := range s.set.Units["town"] {
		d.Towns = append(d.Towns, navItem{File: unitFile("town", u.Code), Label: u.Name, Current: unitFile("town", u.Code) == file})
	}
	var b bytes.Buffer
	if err := templates.ExecuteTemplate(&b, "page.html", d); err != nil {
		return nil, fmt.Errorf("render %s: %w", file, err)
	}
	return b.Bytes(), nil
}

// exec renders one of templates/components.html.
func (s *site) exec(name string, data any) template.HTML {
	var b bytes.Buffer
	if err := templates.ExecuteTemplate(&b, name, data); err != nil {
		panic(fmt.Sprintf("template %s: %v", name, err)) // templates are embedded and tested
	}
	return template.HTML(b.String())
}

// page renders a declared page, then (on a topic page) every metric of its topic that no section
// names, by the metric's own chart hint.
func (s *site) page(p PageSpec) ([]byte, error) {
	s.ids = map[string]int{}
	var secs []sectionHTML
	var used []string
	anchored := map[string]bool{}
	for _, sec := range p.Sections {
		h, ms := s.section(sec, anchored)
		used = append(used, ms...)
		secs = append(secs, h)
	}
	if p.Topic != "" {
		for _, sp := range s.cat.Specs {
			if sp.Topic != p.Topic || slices.Contains(used, sp.ID) {
				continue
			}
			used = append(used, sp.ID)
			secs = append(secs, s.metricSection(sp, "district", ""))
		}
	}
	return s.frame(p.File, p.Title, p.Intro, used, secs)
}

// section renders one declared section with its generic component, and says which metrics it
// shows (for the page's staleness warnings). anchored keeps one anchor per metric on a page.
func (s *site) section(sec SectionSpec, anchored map[string]bool) (sectionHTML, []string) {
	h := sectionHTML{Heading: sec.Heading, Note: sec.Note}
	var used []string
	ms := sec.Metrics
	if sec.Metric != "" {
		ms = append([]string{sec.Metric}, ms...)
		if !anchored[sec.Metric] {
			h.ID, anchored[sec.Metric] = "m-"+sec.Metric, true
		}
	}
	if !slices.Contains(ms, "all") {
		used = append(used, ms...)
	}
	switch sec.Component {
	case "tiles":
		h.Body = s.tiles(sec, "district", "", slices.Contains(sec.Metrics, "all"))
	case "flags":
		h.Body = s.flags()
	case "trend":
		h.Body = s.trend(s.set.Spec(sec.Metric), sec.Grain, "district", "")
	case "burndown":
		h.Body = s.burndown(s.set.Spec(sec.Metric), "district", "")
	case "ranked":
		h.Body = s.ranked(s.set.Spec(sec.Metric), sec.Dim, sec.Grain, sec.Where)
	case "table":
		h.Body = s.table(sec)
	case "list":
		h.Body = s.list(sec.List)
		if h.Heading == "" {
			h.Heading = s.set.Lists[sec.List].Spec.Name
		}
		if h.Note == "" {
			h.Note = s.set.Lists[sec.List].Spec.Description
		}
	case "freshness":
		h.Body = s.freshnessTable()
	case "targets":
		h.Body = s.targetsTable()
	case "ranking":
		h.Body = s.rankingTable(sec.Dim)
	case "boards":
		h.Body = s.rankBoards(sec.Dim)
	case "milestones":
		h.Body = s.milestoneSummary()
	case "tasks":
		h.Body = s.tasksOverview()
	}
	return h, used
}

// metricSection shows one metric for one unit: its targets judged, its chart by the spec's
// hint, and what it counts.
func (s *site) metricSection(sp queries.Spec, dim, code string) sectionHTML {
	h := sectionHTML{ID: "m-" + sp.ID, Heading: sp.Name, Note: sp.Description}
	as := s.assessments([]string{sp.ID}, dim, code)
	var body template.HTML
	if len(as) > 0 {
		var ts []tile
		for _, a := range as {
			ts = append(ts, s.tile(a))
		}
		body += s.exec("tiles", ts)
	}
	chart := sp.Chart
	switch {
	case chart == "none":
		if dim == "district" && sp.HasDimension("dept") {
			body += s.table(SectionSpec{Dim: "dept", Metrics: []string{sp.ID}})
		}
	case chart == "burndown" && sp.HasGrain("month"):
		body += s.burndown(sp, dim, code)
	case chart == "bars" && dim == "district" && sp.HasDimension("town"):
		body += s.trend(sp, coarsestGrain(sp), dim, code)
		body += s.ranked(sp, "town", "", "")
	default:
		body += s.trend(sp, "", dim, code)
	}
	h.Body = body
	return h
}

func unitFile(dim, code string) string { return "unit-" + dim + "-" + code + ".html" }

// unitHref links a unit to its page, for the dimensions that have one.
func (s *site) unitHref(dim, code string) string {
	if !slices.Contains(unitDims, dim) {
		return ""
	}
	return unitFile(dim, code)
}

// metricHref is where a metric is shown in full: its topic page's section.
func (s *site) metricHref(id string) string {
	sp := s.set.Spec(id)
	return s.topicFile[sp.Topic] + "#m-" + id
}

// unitPage shows every metric that can be cut by the unit's dimension, filtered to the unit:
// its targets as tiles (worst first), then each metric against the district, by topic.
func (s *site) unitPage(dim string, u queries.Unit) ([]byte, error) {
	s.ids = map[string]int{}
	var metrics []string
	for _, p := range s.pages {
		for _, sp := range s.cat.Specs {
			if sp.Topic == p.Topic && p.Topic != "" && sp.HasDimension(dim) {
				metrics = append(metrics, sp.ID)
			}
		}
	}
	var secs []sectionHTML
	if line, ok := s.rankLine(dim, u.Code); ok {
		secs = append(secs, line)
	}
	secs = append(secs, sectionHTML{Heading: "目标完成情况", Note: "本单位各项可分解到" + dimName(dim) + "的目标，按未达标、落后于进度在前排列。",
		Body: s.tiles(SectionSpec{Metrics: metrics}, dim, u.Code, true)})
	if dim == "dept" {
		if sec, ok := s.deptTasksSection(u.Code); ok {
			secs = append(secs, sec)
		}
	}
	for _, m := range metrics {
		secs = append(secs, s.metricSection(s.set.Spec(m), dim, u.Code))
	}
	title := u.Name
	intro := fmt.Sprintf("%s（%s）在治本攻坚三年行动各项指标上的情况，灰线为全区。", u.Name, dimName(dim))
	return s.frame(unitFile(dim, u.Code), title, intro, metrics, secs)
}

// targetsTable lists every target of the plan with its quote and, per metric measuring it, the
// verdict; a target no metric measures says why. Each row opens the target's page and keeps the
// target id as an anchor for older links.
func (s *site) targetsTable() template.HTML {
	return s.targetsWhere(func(queries.Target) bool { return true })
}

// targetsWhere is targetsTable for the targets keep selects (the bulletin's: those due in its year).
func (s *site) targetsWhere(keep func(queries.Target) bool) template.HTML {
	type row struct {
		ID, File, Quote, Goal, Deadline, Metric, Href, Value, Period, Status, Class string
	}
	var rs []row
	for _, t := range queries.SortTargets(s.set.Targets) {
		if !keep(t) {
			continue
		}
		specs := s.cat.ForTarget(t.ID)
		if s.set.TracksMilestone(t) {
			a := s.set.Assess(t, queries.MilestoneMetric, "district", "")
			rs = append(rs, row{ID: t.ID, File: targetFile(t.ID), Quote: t.Quote, Goal: "按期完成", Deadline: deadline(t), Metric: milestoneName,
				Href: targetFile(t.ID) + "#tasks", Value: milestoneValue(a), Period: a.Label, Status: string(a.Status), Class: statusClass(a.Status)})
		} else if len(specs) == 0 {
			rs = append(rs, row{ID: t.ID, File: targetFile(t.ID), Quote: t.Quote, Goal: "—", Deadline: deadline(t), Metric: "—",
				Value: "—", Status: "尚无数据来源", Class: "none"})
			continue
		}
		for _, sp := range specs {
			a := s.set.Assess(t, sp.ID, "district", "")
			r := row{ID: t.ID, File: targetFile(t.ID), Quote: t.Quote, Goal: goal(t, sp), Deadline: deadline(t), Metric: sp.Name, Href: s.metricHref(sp.ID),
				Value: "—", Period: a.Label, Status: string(a.Status), Class: statusClass(a.Status)}
			if a.HasValue {
				r.Value = value(sp, a.Value.Value)
			}
			rs = append(rs, r)
		}
	}
	return s.exec("targets", rs)
}
