package main

import (
	"context"
	"time"

	"github.com/spf13/cobra"

	"safetydw/cron"
	"safetydw/etl"
)

func schedulerCmd() *cobra.Command {
	var spec string
	var runNow bool
	var timeout time.Duration
	c := step("scheduler", "按计划运行：载入、重算指标、生成看板 (run load → metrics → dashboards on a schedule, China time)", func(p *cron.Pipeline, ctx context.Context) error {
		// Refused at start, not at every scheduled run, for a missing salt.
		if err := etl.CheckSalt(p.Sources); err != nil {
			return err
		}
		if err := p.Migrate(ctx); err != nil {
			return err
		}
		job := cron.Job{Name: "pipeline", Spec: spec, Timeout: timeout, Run: func(ctx context.Context) error {
			_, err := p.RunAll(ctx)
			return err
		}}
		return cron.Schedule(ctx, []cron.Job{job}, runNow, stderr)
	})
	c.Flags().StringVar(&spec, "spec", "5 * * * *", "cron spec in China time (运行计划): five fields, or @hourly, @every 30m")
	c.Flags().BoolVar(&runNow, "run-now", true, "also run once at start, for what was missed while stopped (启动时先运行一次)")
	c.Flags().DurationVar(&timeout, "timeout", 50*time.Minute, "cancel a run that takes longer (单次运行超时)")
	return c
}
