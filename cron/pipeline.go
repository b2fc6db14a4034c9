// Package cron runs the pipeline's steps — migrate, load, refresh metrics, build pages —
// once (`safetydw demo`) or on a schedule (`safetydw scheduler`). Each step also runs alone
// from its own subcommand; this package is only the glue between them.
package cron

import (
	"context"
	"fmt"
	"io"
	"path/filepath"
	"sort"
	"time"

	"safetydw/dashboards"
	"safetydw/etl"
	"safetydw/etl/landing"
	"safetydw/queries"
	"safetydw/warehouse"
)

// Pipeline is everything a full run needs.
type Pipeline struct {
	DB        *warehouse.DB
	DropDir   string // the folder file sources read (sample_data/ in the demo)
	Sources   []etl.SourceConfig
	Landing   string // Parquet archive of loaded batches; "" keeps none
	OutDir    string // where the dashboard site goes
	EChartsJS string // echarts.min.js fetched by `make assets`
	Log       io.Writer
	Reload    []string // globs of files to load again though loaded before (etl run --reload)
	// AsOf is the day metrics are computed as of (a date in China); zero means today. Metric SQL
	// never reads the server's clock, so any past day can be recomputed as it stood.
	AsOf time.Time
}

func (p *Pipeline) logf(format string, args ...any) {
	if p.Log != nil {
		fmt.Fprintf(p.Log, format+"\n", args...)
	}
}

// Migrate brings the schema and the reference data up to date.
func (p *Pipeline) Migrate(ctx context.Context) error {
	applied, err := p.DB.Migrate(ctx)
	if err != nil {
		return err
	}
	p.logf("migrate: 新应用 %d 个迁移 (applied) %v", len(applied), applied)
	counts, err := p.DB.LoadReference(ctx)
	if err != nil {
		return err
	}
	p.logf("reference: %s", summarize(counts))
	return nil
}

// Load runs the sources.
func (p *Pipeline) Load(ctx context.Context) error {
	_, err := p.LoadSources(ctx, p.Sources)
	return err
}

// LoadSources runs the given sources and sums what they loaded and quarantined.
func (p *Pipeline) LoadSources(ctx context.Context, sources []etl.SourceConfig) (Result, error) {
	if len(sources) == 0 {
		return Result{}, fmt.Errorf("没有配置数据源 (no sources declared): pass --sources with a sources file")
	}
	r := &etl.Runner{DB: p.DB, DropDir: p.DropDir, Landing: p.Landing, Log: p.Log, Reload: p.Reload}
	stats, err := r.Run(ctx, sources)
	var res Result
	for _, st := range stats {
		res.Rows += st.Loaded
		res.Quarantined += st.Quarantined
	}
	return res, err
}

// Replay rebuilds the loaded tables from the Parquet archive alone.
func (p *Pipeline) Replay(ctx context.Context) error {
	st, err := landing.Replay(ctx, p.DB, p.Landing)
	if err != nil {
		return err
	}
	p.logf("replay: %s", summarize(map[string]int(st)))
	return nil
}

// Refresh recomputes every metric as of p.AsOf.
func (p *Pipeline) Refresh(ctx context.Context) error {
	asOf := p.AsOf
	if asOf.IsZero() {
		asOf = queries.Today()
	}
	res, err := queries.Refresh(ctx, p.DB, asOf)
	if err != nil {
		return err
	}
	p.logf("metrics: 截至 %s 与 %s (as of), %d 个指标 (metrics), refresh %d: %s",
		res.AsOf.Format(time.DateOnly), res.Compare.Format(time.DateOnly), len(res.Rows), res.ID, summarize(res.Rows))
	return nil
}

// Build writes the dashboard site and returns the index path.
func (p *Pipeline) Build(ctx context.Context) (string, error) {
	sources, err := p.dashboardSources()
	if err != nil {
		return "", err
	}
	files, err := dashboards.Build(ctx, p.DB, p.OutDir, dashboards.Options{EChartsJS: p.EChartsJS, Sources: sources, Now: time.Now()})
	if err != nil {
		return "", err
	}
	p.logf("dashboards: %d 个页面 (pages) → %s", len(files), p.OutDir)
	return filepath.Abs(filepath.Join(p.OutDir, "index.html"))
}

// RunAll runs every step in order and returns the index path.
func (p *Pipeline) RunAll(ctx context.Context) (string, error) {
	steps := []struct {
		name string
		run  func(context.Context) error
	}{{"migrate", p.Migrate}, {"etl", p.Load}, {"metrics", p.Refresh}}
	for _, s := range steps {
		if err := s.run(ctx); err != nil {
			return "", fmt.Errorf("%s: %w", s.name, err)
		}
	}
	index, err := p.Build(ctx)
	if err != nil {
		return "", fmt.Errorf("dashboards: %w", err)
	}
	return index, nil
}

func summarize[V int | uint64](m map[string]V) string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	s := ""
	for _, k := range keys {
		s += fmt.Sprintf("%s=%d ", k, m[k])
	}
	return s
}
