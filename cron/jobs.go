package cron

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"time"

	"gopkg.in/yaml.v3"

	"safetydw/etl"
)

// Config is the scheduler's configuration file (cron/demo.yaml is the demo's).
type Config struct {
	Grace time.Duration `yaml:"grace"` // how long a stop waits for running jobs (default 2m)
	Spool string        `yaml:"spool"` // ledger rows waiting for ClickHouse (default var/scheduler/spool.jsonl)
	Lease LeaseConfig   `yaml:"lease"`
	Jobs  []JobConfig   `yaml:"jobs"`
}

// JobConfig declares one job.
type JobConfig struct {
	Name       string        `yaml:"name"`
	Schedule   string        `yaml:"schedule"`   // cron spec in China time (five fields, or six with seconds first)
	DependsOn  []string      `yaml:"depends_on"` // instead of a schedule: run after these succeeded
	Run        string        `yaml:"run"`        // etl | metrics | dashboards | migrate | bulletin
	Sources    []string      `yaml:"sources"`    // etl: names from the sources file; empty for all
	Timeout    time.Duration `yaml:"timeout"`
	Retries    *int          `yaml:"retries"` // default 3
	Backoff    time.Duration `yaml:"backoff"` // default 30s
	StaleAfter time.Duration `yaml:"stale_after"`
}

// LoadConfig reads and checks a scheduler configuration against the declared sources; errors
// name the file, the job and the field.
func LoadConfig(path string, sources []etl.SourceConfig) (Config, error) {
	var cfg Config
	body, err := os.ReadFile(path)
	if err != nil {
		return cfg, err
	}
	dec := yaml.NewDecoder(bytes.NewReader(body))
	dec.KnownFields(true) // a misspelt key is an error, not a silently ignored setting
	if err := dec.Decode(&cfg); err != nil {
		return cfg, fmt.Errorf("%s: %w", path, err)
	}
	if len(cfg.Jobs) == 0 {
		return cfg, fmt.Errorf("%s: jobs: 没有作业 (no jobs declared)", path)
	}
	known := map[string]bool{}
	for _, s := range sources {
		known[s.Name] = true
	}
	for i, j := range cfg.Jobs {
		where := fmt.Sprintf("%s: jobs[%d] (%s)", path, i, j.Name)
		switch {
		case j.Name == "":
			return cfg, fmt.Errorf("%s: name: 作业需要名称 (a job needs a name)", where)
		case (j.Schedule == "") == (len(j.DependsOn) == 0):
			return cfg, fmt.Errorf("%s: schedule / depends_on: 二者必须且只能有一个 (exactly one of them)", where)
		case runs[j.Run] == nil:
			return cfg, fmt.Errorf("%s: run: 未知的任务 %q (unknown; one of etl, metrics, dashboards, migrate, bulletin)", where, j.Run)
		case len(j.Sources) > 0 && j.Run != "etl":
			return cfg, fmt.Errorf("%s: sources: 只用于 run: etl (only for run: etl)", where)
		}
		for _, s := range j.Sources {
			if !known[s] {
				return cfg, fmt.Errorf("%s: sources: 数据源配置中没有“%s” (not in the sources file)", where, s)
			}
		}
	}
	if err := (&Scheduler{Jobs: cfg.jobs(&Pipeline{})}).prepare(); err != nil {
		return cfg, fmt.Errorf("%s: %w", path, err)
	}
	return cfg, nil
}

// runs are what a job may run: the pipeline's steps.
var runs = map[string]func(p *Pipeline, names []string) func(context.Context) (Result, error){
	"etl": func(p *Pipeline, names []string) func(context.Context) (Result, error) {
		return func(ctx context.Context) (Result, error) { return p.LoadSources(ctx, pick(p.Sources, names)) }
	},
	"metrics":    step((*Pipeline).Refresh),
	"dashboards": step(func(p *Pipeline, ctx context.Context) error { _, err := p.Build(ctx); return err }),
	"migrate":    step((*Pipeline).Migrate),
	// The month before today, frozen and published with its PDF; scheduled on a day of the month
	// after the month's loads are in (cron/demo.yaml).
	"bulletin": step(func(p *Pipeline, ctx context.Context) error {
		_, err := p.Bulletin(ctx, BulletinOptions{PDF: true})
		return err
	}),
}

func step(f func(*Pipeline, context.Context) error) func(*Pipeline, []string) func(context.Context) (Result, error) {
	return func(p *Pipeline, _ []string) func(context.Context) (Result, error) {
		return func(ctx context.Context) (Result, error) { return Result{}, f(p, ctx) }
	}
}

// pick keeps the named sources in the sources file's order (registries first); none names all.
func pick(all []etl.SourceConfig, names []string) []etl.SourceConfig {
	if len(names) == 0 {
		return all
	}
	want := map[string]bool{}
	for _, n := range names {
		want[n] = true
	}
	var out []etl.SourceConfig
	for _, s := range all {
		if want[s.Name] {
			out = append(out, s)
		}
	}
	return out
}

// Scheduler wires the configuration's jobs to the pipeline.
func (cfg Config) Scheduler(p *Pipeline) *Scheduler {
	return &Scheduler{DB: p.DB, Jobs: cfg.jobs(p), Spool: cmpStr(cfg.Spool, "var/scheduler/spool.jsonl"),
		Grace: cmp(cfg.Grace, 2*time.Minute), Lease: cfg.Lease}
}

func (cfg Config) jobs(p *Pipeline) []Job {
	var out []Job
	for _, j := range cfg.Jobs {
		retries := 3
		if j.Retries != nil {
			retries = *j.Retries
		}
		out = append(out, Job{Name: j.Name, Spec: j.Schedule, DependsOn: j.DependsOn, Timeout: cmp(j.Timeout, time.Hour),
			Retries: retries, Backoff: cmp(j.Backoff, 30*time.Second), StaleAfter: j.StaleAfter, Run: runs[j.Run](p, j.Sources)})
	}
	return out
}

func cmpStr(s, def string) string {
	if s != "" {
		return s
	}
	return def
}
