package dashboards

import (
	"bytes"
	"embed"
	"fmt"
	"io/fs"
	"slices"
	"sort"
	"strings"

	"gopkg.in/yaml.v3"

	"safetydw/queries"
)

//go:embed pages/*.yaml
var pageFiles embed.FS

// PageSpec is one page of the site, declared in dashboards/pages/<name>.yaml: what it shows,
// in which sections, drawn by which generic component. Topic pages also show every metric that
// names them as its topic, so a new metric appears without editing a page.
type PageSpec struct {
	File     string        `yaml:"file"`
	Title    string        `yaml:"title"`
	Nav      string        `yaml:"nav"` // short name in the navigation bar
	Order    int           `yaml:"order"`
	Topic    string        `yaml:"topic"` // metrics with this topic that no section names come last
	Intro    string        `yaml:"intro"`
	Sections []SectionSpec `yaml:"sections"`
}

// SectionSpec is one section of a page.
type SectionSpec struct {
	Heading   string   `yaml:"heading"`
	Note      string   `yaml:"note"`
	Component string   `yaml:"component"` // tiles flags trend ranked burndown table list freshness targets ranking boards milestones tasks
	Metric    string   `yaml:"metric"`
	Metrics   []string `yaml:"metrics"` // for tiles and table; "all" in tiles: every metric with a target
	Dim       string   `yaml:"dim"`     // town park dept industry mine (ranked, table); town park dept (ranking, boards)
	Grain     string   `yaml:"grain"`   // month | year; default the metric's coarsest
	Flag      string   `yaml:"flag"`    // table: a metric whose value 1 marks a row (零处罚)
	Where     string   `yaml:"where"`   // table, ranked: only units with this tag (penalty_power, chemical, high_risk)
	List      string   `yaml:"list"`    // list: a list of queries/lists
}

var components = []string{"tiles", "flags", "trend", "ranked", "burndown", "table", "list", "freshness", "targets", "ranking", "boards", "milestones", "tasks"}

var unitTags = []string{"", "penalty_power", "chemical", "high_risk"}

// loadPages reads and checks every page spec against the metric catalogue.
func loadPages(cat *queries.Catalogue) ([]PageSpec, error) {
	entries, err := fs.ReadDir(pageFiles, "pages")
	if err != nil {
		return nil, err
	}
	specs, err := queries.Lists()
	if err != nil {
		return nil, err
	}
	var lists []string
	for _, l := range specs {
		lists = append(lists, l.ID)
	}
	var pages []PageSpec
	var errs []string
	for _, e := range entries {
		body, err := pageFiles.ReadFile("pages/" + e.Name())
		if err != nil {
			return nil, err
		}
		p, err := parsePage(e.Name(), body, cat, lists)
		if err != nil {
			errs = append(errs, err.Error())
			continue
		}
		pages = append(pages, p)
	}
	if len(errs) > 0 {
		return nil, fmt.Errorf("页面定义有误 (invalid page specs in dashboards/pages):\n  %s", strings.Join(errs, "\n  "))
	}
	sort.Slice(pages, func(i, j int) bool { return pages[i].Order < pages[j].Order })
	topics := map[string]bool{}
	for _, p := range pages {
		if p.Topic != "" {
			topics[p.Topic] = true
		}
	}
	for _, s := range cat.Specs {
		if !topics[s.Topic] {
			errs = append(errs, fmt.Sprintf("queries/metrics/%s: topic %q has no page (topics: %v)", s.File, s.Topic, keys(topics)))
		}
	}
	if len(errs) > 0 {
		return nil, fmt.Errorf("页面定义有误 (invalid page specs):\n  %s", strings.Join(errs, "\n  "))
	}
	return pages, nil
}

func keys(m map[string]bool) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

// parsePage reads and checks one page spec; extra are components only this kind of page has
// (the bulletin's).
func parsePage(file string, body []byte, cat *queries.Catalogue, lists []string, extra ...string) (PageSpec, error) {
	var p PageSpec
	dec := yaml.NewDecoder(bytes.NewReader(body))
	dec.KnownFields(true)
	if err := dec.Decode(&p); err != nil {
		return p, fmt.Errorf("%s: %w", file, err)
	}
	var errs []string
	bad := func(format string, args ...any) { errs = append(errs, fmt.Sprintf(format, args...)) }
	if p.File == "" || !strings.HasSuffix(p.File, ".html") || strings.ContainsAny(p.File, `/\`) {
		bad("file %q must be a plain name ending in .html", p.File)
	}
	if p.Title == "" || p.Nav == "" {
		bad("title and nav are required")
	}
	for i, s := range p.Sections {
		where := fmt.Sprintf("section %d", i+1)
		if !slices.Contains(components, s.Component) && !slices.Contains(extra, s.Component) {
			bad("%s: component %q is not one of %v", where, s.Component, append(components[:len(components):len(components)], extra...))
		}
		metrics := s.Metrics
		if s.Metric != "" {
			metrics = append([]string{s.Metric}, metrics...)
		}
		if s.Flag != "" {
			metrics = append(metrics, s.Flag)
		}
		for _, id := range metrics {
			if id == "all" && s.Component == "tiles" {
				continue
			}
			sp, ok := cat.Lookup(id)
			if !ok {
				bad("%s: no metric %q in queries/metrics", where, id)
				continue
			}
			if s.Dim != "" && !sp.HasDimension(s.Dim) {
				bad("%s: metric %s has no dimension %q (it has %v)", where, id, s.Dim, sp.Dimensions)
			}
			if s.Grain != "" && !sp.HasGrain(s.Grain) {
				bad("%s: metric %s has no grain %q (it has %v)", where, id, s.Grain, sp.Grains)
			}
		}
		needsMetric := map[string]bool{"trend": true, "ranked": true, "burndown": true}
		if needsMetric[s.Component] && s.Metric == "" {
			bad("%s: component %s needs metric", where, s.Component)
		}
		if (s.Component == "ranked" || s.Component == "table") && s.Dim == "" {
			bad("%s: component %s needs dim", where, s.Component)
		}
		if (s.Component == "ranking" || s.Component == "boards") && !slices.Contains(unitDims, s.Dim) {
			bad("%s: component %s needs dim town, park or dept (a group of queries/ranking/scoring.yaml)", where, s.Component)
		}
		if s.Component == "table" && len(s.Metrics) == 0 {
			bad("%s: component table needs metrics", where)
		}
		if !slices.Contains(unitTags, s.Where) {
			bad("%s: where %q is not one of %v", where, s.Where, unitTags[1:])
		}
		if s.Component == "list" && !slices.Contains(lists, s.List) {
			bad("%s: no list %q in queries/lists (lists: %v)", where, s.List, lists)
		}
	}
	if len(errs) > 0 {
		return p, fmt.Errorf("%s: %s", file, strings.Join(errs, "; "))
	}
	return p, nil
}
