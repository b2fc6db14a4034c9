package cron

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"safetydw/etl"
)

func TestDemoConfigLoads(t *testing.T) {
	sources, err := etl.LoadSources("../sample_data/sources.yaml")
	if err != nil {
		t.Fatal(err)
	}
	cfg, err := LoadConfig("demo.yaml", sources)
	if err != nil {
		t.Fatal(err)
	}
	s := cfg.Scheduler(&Pipeline{Sources: sources})
	if err := s.prepare(); err != nil {
		t.Fatal(err)
	}
	// sensors: */10 → two periods of 10 min plus its 8 min timeout; site: after metrics (after
	// campaign_files, hourly: 2 h + 50 m; training, daily: 48 h + 30 m) → 48h30m + 30m + 30m.
	if got := s.jobs["sensors"].stale; got != 28*time.Minute {
		t.Errorf("sensors stale_after %s, want 28m", got)
	}
	if got := s.jobs["site"].stale; got != 49*time.Hour+30*time.Minute {
		t.Errorf("site stale_after %s, want 49h30m", got)
	}
	// The ten ledgers and exports, the four 主体责任 sources, the task ledger and the eight
	// government-side sheets.
	if got := len(pick(sources, cfg.Jobs[2].Sources)); got != 23 {
		t.Errorf("campaign_files picks %d sources, want 23", got)
	}
}

// Every mistake in the jobs file names the file, the job and the field.
func TestConfigErrors(t *testing.T) {
	sources := []etl.SourceConfig{{Name: "drills"}}
	cases := []struct{ yaml, want string }{
		{"jobs:\n  - {name: a, schedule: '* * * * *', run: etl, sources: [drils]}", "jobs[0] (a): sources: 数据源配置中没有“drils”"},
		{"jobs:\n  - {name: a, schedule: '* * * * *', run: refresh}", `jobs[0] (a): run: 未知的任务 "refresh"`},
		{"jobs:\n  - {name: a, run: metrics}", "jobs[0] (a): schedule / depends_on"},
		{"jobs:\n  - {name: a, schedule: '* * * * *', depends_on: [b], run: metrics}", "jobs[0] (a): schedule / depends_on"},
		{"jobs:\n  - {name: a, schedule: 'every hour', run: metrics}", `job a: schedule "every hour"`},
		{"jobs:\n  - {name: a, depends_on: [nope], run: metrics}", "job a: depends_on: 没有作业“nope”"},
		{"jobs:\n  - {name: a, depends_on: [b], run: metrics}\n  - {name: b, depends_on: [a], run: metrics}", "depends_on 形成循环"},
		{"jobs:\n  - {name: a, schedule: '* * * * *', run: metrics, retry: 2}", "field retry not found"},
		{"jobs:\n  - {name: a, schedule: '* * * * *', run: metrics, sources: [drills]}", "jobs[0] (a): sources: 只用于 run: etl"},
	}
	for _, c := range cases {
		path := filepath.Join(t.TempDir(), "jobs.yaml")
		if err := os.WriteFile(path, []byte(c.yaml), 0o644); err != nil {
			t.Fatal(err)
		}
		_, err := LoadConfig(path, sources)
		if err == nil || !strings.Contains(err.Error(), path) || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s\n→ %v\nwant %s: …%s", c.yaml, err, path, c.want)
		}
	}
}

// `safetydw jobs`: the last attempt, the last success and the last error, from the ledger.
func TestJobSummaries(t *testing.T) {
	ctx := context.Background()
	db := ledgerDB(t)
	at := func(s string) time.Time { t, _ := time.ParseInLocation(time.DateTime, s, China); return t }
	runs := []Run{
		{Job: "load", Trigger: "schedule", Scheduled: at("2026-11-30 08:15:00"), Started: at("2026-11-30 08:15:00"), Finished: at("2026-11-30 08:16:40"), Status: StatusOK, Attempt: 1, Rows: 120},
		{Job: "load", Trigger: "schedule", Scheduled: at("2026-11-30 09:15:00"), Started: at("2026-11-30 09:15:00"), Finished: at("2026-11-30 09:15:05"), Status: StatusRetried, Attempt: 1, Error: "dial tcp: connection refused"},
		{Job: "load", Trigger: "schedule", Scheduled: at("2026-11-30 09:15:00"), Started: at("2026-11-30 09:15:35"), Finished: at("2026-11-30 09:15:36"), Status: StatusFailed, Attempt: 2, Error: "Code: 62 Syntax error"},
		{Job: "load", Trigger: "schedule", Scheduled: at("2026-11-30 10:15:00"), Started: at("2026-11-30 10:15:00"), Finished: at("2026-11-30 10:15:00"), Status: StatusSkipped, Attempt: 1, Error: "租约由 b:2 持有"},
	}
	if err := (&ledger{db: db}).insert(ctx, runs); err != nil {
		t.Fatal(err)
	}
	s := &Scheduler{DB: db, Jobs: []Job{{Name: "load", Spec: "15 * * * *"}, {Name: "metrics", DependsOn: []string{"load"}}}}
	sums, err := s.Summaries(ctx)
	if err != nil {
		t.Fatal(err)
	}
	var b strings.Builder
	if err := WriteSummaries(&b, sums); err != nil {
		t.Fatal(err)
	}
	out := b.String()
	// The skipped firing is not the last run; the failed second attempt is, with its own error.
	for _, want := range []string{"作业", "上次运行", "最近错误",
		"2026-11-30 09:15:35 | failed", "2026-11-30 08:16:40", "Code: 62 Syntax error", "在 load 成功后 (after)", "未运行 (never ran)"} {
		if !strings.Contains(out, want) {
			t.Errorf("jobs output lacks %q:\n%s", want, out)
		}
	}
}

// A dependent job runs after its dependencies succeeded, not when one failed; a dependency
// succeeding while the dependent runs makes it run again after, never alongside.
func TestDependencies(t *testing.T) {
	db := ledgerDB(t)
	var mRunning, mMost atomic.Int32
	s := &Scheduler{DB: db, Jobs: []Job{
		{Name: "load", Spec: "@every 1h", Run: ok},
		{Name: "broken", Spec: "@every 1h", Run: func(context.Context) (Result, error) { return Result{}, errors.New("bad config") }},
		{Name: "metrics", DependsOn: []string{"load"}, Run: ok},
		{Name: "site", DependsOn: []string{"metrics"}, Run: ok},
		{Name: "needs_both", DependsOn: []string{"load", "broken"}, Run: ok},
		{Name: "sensors", Spec: "* * * * * *", Run: ok},
		{Name: "slow_refresh", DependsOn: []string{"sensors"}}, // Run below
	}}
	var refreshed atomic.Int32
	s.Jobs[6].Run = func(context.Context) (Result, error) {
		mMost.Store(max(mMost.Load(), mRunning.Add(1)))
		defer mRunning.Add(-1)
		time.Sleep(1500 * time.Millisecond)
		refreshed.Add(1)
		return Result{}, nil
	}
	runUntilTrue(t, s, 20*time.Second, func() bool { return refreshed.Load() >= 2 })
	load, metrics, site := ledgerRows(t, db, "load"), ledgerRows(t, db, "metrics"), ledgerRows(t, db, "site")
	if len(load) != 1 || len(metrics) != 1 || len(site) != 1 {
		t.Fatalf("load %v, metrics %v, site %v: want one run each", load, metrics, site)
	}
	if metrics[0].trigger != "dependency" || metrics[0].started.Before(load[0].started) || site[0].started.Before(metrics[0].started) {
		t.Errorf("order: load %v, metrics %v, site %v", load[0], metrics[0], site[0])
	}
	if n := len(ledgerRows(t, db, "needs_both")); n != 0 {
		t.Errorf("needs_both ran %d times though broken failed", n)
	}
	refresh := ledgerRows(t, db, "slow_refresh")
	if n := count(refresh, func(r runRow) bool { return r.status == StatusOK }); n < 2 || mMost.Load() != 1 {
		t.Errorf("slow_refresh: %d ok runs (want ≥2), %d at once: %v", n, mMost.Load(), refresh)
	}
	if n := count(refresh, func(r runRow) bool { return r.status == StatusSkipped }); n != 0 {
		t.Errorf("slow_refresh: %d triggers skipped, want them deferred", n)
	}
}
