package main

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"log/slog"
	"net"
	"net/http"
	"os"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"safetydw/cron"
	"safetydw/etl"
	"safetydw/warehouse"
)

func schedulerCmd() *cobra.Command {
	var config, listen, owner string
	c := &cobra.Command{
		Use:   "scheduler",
		Short: "按配置的作业计划运行：载入、重算指标、生成看板 (run the configured jobs on their schedules, China time)",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			ctx := cmd.Context()
			log := slog.New(slog.NewTextHandler(os.Stderr, nil))
			sources, cfg, err := schedulerConfig(config)
			if err != nil {
				return err
			}
			// Refused at start, not at every scheduled run, for a missing salt.
			if err := etl.CheckSalt(sources); err != nil {
				return err
			}
			db, err := waitForWarehouse(ctx, log)
			if err != nil || db == nil {
				return err
			}
			defer db.Close()
			p := &cron.Pipeline{DB: db, DropDir: flags.drop, Sources: sources, Landing: flags.landing, OutDir: flags.out,
				EChartsJS: flags.echarts, Log: cron.LogWriter(log)}
			s := cfg.Scheduler(p)
			s.Log, s.Owner = log, owner
			if listen != "" {
				h, err := s.Handler()
				if err != nil {
					return err
				}
				ln, err := net.Listen("tcp", listen)
				if err != nil {
					return fmt.Errorf("--listen %s: %w", listen, err)
				}
				srv := &http.Server{Handler: h, ReadHeaderTimeout: 10 * time.Second}
				go func() { _ = srv.Serve(ln) }()
				defer srv.Close()
				log.Info("serving /healthz and /metrics", "addr", ln.Addr().String())
			}
			return s.Run(ctx)
		},
	}
	c.Flags().StringVar(&config, "config", "cron/demo.yaml", "jobs file (作业配置)")
	c.Flags().StringVar(&listen, "listen", "", "serve /healthz and /metrics here, e.g. 127.0.0.1:9464 (健康检查与监控指标地址)")
	c.Flags().StringVar(&owner, "owner", "", "this scheduler's name in leases and the ledger; default host:pid (调度实例名)")
	return c
}

func schedulerConfig(path string) ([]etl.SourceConfig, cron.Config, error) {
	sources, err := etl.LoadSources(flags.sources)
	if err != nil && !(errors.Is(err, fs.ErrNotExist) && flags.sources == defaultSources) {
		return nil, cron.Config{}, err
	}
	cfg, err := cron.LoadConfig(path, sources)
	return sources, cfg, err
}

// waitForWarehouse connects and migrates, retrying while ClickHouse is down: a scheduler
// started before its server (boot order, maintenance) waits instead of exiting. Stopped
// while waiting, it returns no connection and no error: a stop, not a failure.
func waitForWarehouse(ctx context.Context, log *slog.Logger) (*warehouse.DB, error) {
	wait := 5 * time.Second
	for {
		db, err := warehouse.Open(ctx, warehouse.ConfigFromEnv(), true)
		if err == nil {
			p := &cron.Pipeline{DB: db, Log: cron.LogWriter(log)}
			if err = p.Migrate(ctx); err == nil {
				return db, nil
			}
			db.Close()
		}
		if !cron.Transient(err) {
			return nil, err
		}
		log.Warn("ClickHouse unavailable, waiting", "in", wait.String(), "err", strings.SplitN(err.Error(), "\n", 2)[0])
		select {
		case <-ctx.Done():
			log.Info("stopped before ClickHouse answered")
			return nil, nil
		case <-time.After(wait):
		}
		wait = min(2*wait, time.Minute)
	}
}

func jobsCmd() *cobra.Command {
	var config string
	var runs int
	c := &cobra.Command{
		Use:   "jobs",
		Short: "列出作业：上次运行、下次运行、状态、最近错误 (list jobs: last run, next run, status, last error)",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			ctx := cmd.Context()
			_, cfg, err := schedulerConfig(config)
			if err != nil {
				return err
			}
			db, err := warehouse.Open(ctx, warehouse.ConfigFromEnv(), false)
			if err != nil {
				return err
			}
			defer db.Close()
			if runs > 0 {
				rs, err := cron.RecentRuns(ctx, db, runs)
				if err != nil {
					return err
				}
				return cron.WriteRuns(os.Stdout, rs)
			}
			sums, err := cfg.Scheduler(&cron.Pipeline{DB: db}).Summaries(ctx)
			if err != nil {
				return err
			}
			return cron.WriteSummaries(os.Stdout, sums)
		},
	}
	c.Flags().StringVar(&config, "config", "cron/demo.yaml", "jobs file (作业配置)")
	c.Flags().IntVar(&runs, "runs", 0, "list the ledger's latest N attempts instead (列出最近 N 次运行)")
	return c
}
