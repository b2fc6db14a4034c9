// Command safetydw runs the campaign warehouse: one subcommand per pipeline step, and
// `demo` to run them all on the sample data.
package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"os/signal"
	"runtime"
	"runtime/debug"
	"runtime/metrics"
	"runtime/pprof"
	"runtime/trace"
	"syscall"
	"time"

	"github.com/spf13/cobra"

	"safetydw/cron"
	"safetydw/etl"
	"safetydw/etl/normalize"
	"safetydw/queries"
	"safetydw/queries/export"
	"safetydw/warehouse"
)

// The Go runtime's default collector (GC percent 100): a load holds a few chunks at a time
// (about 100 MB at 50,000-row chunks), so its heap stays near twice that and a 20 M-row load
// peaks under 300 MiB, archive on (BENCHMARKS.md). GC percent 400, used before, bought about
// 15 % of CPU with 760-870 MiB peaks; with the archive now cheap and smaller chunks the
// collector's share is small. The 1 GiB soft limit stays as a backstop for the commands
// that hold a whole sheet (etl run sets its own, loadMemoryLimit). GOGC and GOMEMLIMIT
// still override both.
func tuneGC() {
	if os.Getenv("GOGC") == "" {
		debug.SetGCPercent(100)
	}
	if os.Getenv("GOMEMLIMIT") == "" {
		debug.SetMemoryLimit(1 << 30)
	}
}

// loadMemoryLimit is the soft memory limit of `etl run` unless GOMEMLIMIT is set: the
// collector then works harder only while the heap nears it, instead of letting GC percent 100
// double a large chunk's live heap (the scale-10 inspections.csv holds ~250 MB live at its
// peak, and the whole scale-10 load peaked at 599-642 MiB without it, 329-335 MiB with it, for
// 2-7 % more CPU; the 20 M-row sensor load with the archive, whose heap stays below it, 218 vs
// 209 MiB at the same rate). Past the limit the runtime caps the collector at half the CPU,
// so a heap that does not fit slows the load but does not stop it.
//
// The limit covers the Go runtime's memory only. Peak RSS (what /usr/bin/time reports) also
// holds the pages of the binary itself that the load touched, 44-47 MB (RssFile), so a
// 256 MiB limit let the whole scale-10 load reach 287-296 MiB. At 192 MiB, with the file
// duplicate-key table compacted (dataset.FileKeys) so that the load's live heap peaks at
// ~120 MB, it peaks at ~236 MiB for the same number of collections (BENCHMARKS.md).
const loadMemoryLimit = 192 << 20

// limitLoadMemory sets loadMemoryLimit for a load, unless GOMEMLIMIT says otherwise.
func limitLoadMemory() {
	if os.Getenv("GOMEMLIMIT") == "" {
		debug.SetMemoryLimit(loadMemoryLimit)
	}
}

// recordTo starts a recorder writing to the file the environment variable env names, for the
// engineer chasing a slow load, and returns the function that stops it: the CPU profile
// (SAFETYDW_CPUPROFILE; go tool pprof bin/safetydw FILE) and the runtime's execution trace
// (SAFETYDW_TRACE; go tool trace FILE), which shows where goroutines wait, as a profile cannot.
func recordTo(env string, start func(io.Writer) error, stop func()) func() {
	path := os.Getenv(env)
	if path == "" {
		return func() {}
	}
	f, err := os.Create(path)
	if err == nil {
		err = start(f)
	}
	if err != nil {
		fmt.Fprintln(stderr, env+":", err)
		return func() {}
	}
	return func() { stop(); f.Close() }
}

// profileHeapPeaks writes a heap profile to the file SAFETYDW_MEMPROFILE names whenever the heap
// in use reaches a new high (checked ten times a second, rewritten at each 10 % above the last),
// so the file ends up holding the allocations live at the command's peak: what the engineer
// chasing peak RSS needs (go tool pprof -sample_index=inuse_space bin/safetydw FILE).
func profileHeapPeaks() {
	path := os.Getenv("SAFETYDW_MEMPROFILE")
	if path == "" {
		return
	}
	runtime.MemProfileRate = 64 << 10 // a sample per 64 KiB: coarse, cheap enough for a whole load
	go func() {
		var peak uint64
		sample := []metrics.Sample{{Name: "/memory/classes/heap/objects:bytes"}}
		for range time.Tick(100 * time.Millisecond) {
			metrics.Read(sample)
			if v := sample[0].Value.Uint64(); v > peak+peak/10 {
				peak = v
				if f, err := os.Create(path); err == nil {
					_ = pprof.WriteHeapProfile(f)
					f.Close()
				}
			}
		}
	}()
}

func main() {
	tuneGC()
	stopProfile := recordTo("SAFETYDW_CPUPROFILE", pprof.StartCPUProfile, pprof.StopCPUProfile)
	stopTrace := recordTo("SAFETYDW_TRACE", trace.Start, trace.Stop)
	profileHeapPeaks()
	root := &cobra.Command{
		Use:           "safetydw",
		Short:         "安全生产治本攻坚三年行动数据仓库 (work-safety campaign warehouse)",
		SilenceUsage:  true,
		SilenceErrors: true,
	}
	root.PersistentFlags().StringVar(&flags.drop, "drop", "sample_data", "drop folder the file sources read (数据投放目录)")
	root.PersistentFlags().StringVar(&flags.sources, "sources", defaultSources, "source declarations (数据源配置)")
	root.PersistentFlags().StringVar(&flags.landing, "landing", "var/landing", "Parquet archive of every loaded batch (落地归档目录)")
	root.PersistentFlags().StringVar(&flags.out, "out", "out", "dashboard site folder (看板输出目录)")
	root.PersistentFlags().StringVar(&flags.asOf, "as-of", "", "day metrics are computed as of, YYYY-MM-DD in China time; default today (指标计算截至日期)")
	root.PersistentFlags().StringVar(&flags.echarts, "echarts", "var/echarts/package/dist/echarts.min.js", "echarts.min.js fetched by `make assets`")
	root.AddCommand(migrateCmd(), etlCmd(), metricsCmd(), dashboardsCmd(), demoCmd(), sampleCmd(), sqlCmd(), schedulerCmd(), jobsCmd(), bulletinCmd())
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	err := root.ExecuteContext(ctx)
	stopTrace()
	stopProfile()
	if err != nil {
		reportError(err)
		os.Exit(1)
	}
}

// stderr takes progress lines and errors. They quote source files (paths, values, server
// answers), whose control characters must not reach the terminal: every line passes
// export.Printable.
var stderr = export.Terminal(os.Stderr)

// reportError prints what made a command fail.
func reportError(err error) { fmt.Fprintln(stderr, "错误 (error):", err) }

var flags struct{ drop, sources, landing, out, echarts, asOf string }

// asOf reads --as-of: a day in China, not after today (a metric cannot be known ahead of time).
func asOf() (time.Time, error) {
	if flags.asOf == "" {
		return time.Time{}, nil
	}
	d, err := time.Parse(time.DateOnly, flags.asOf)
	if err != nil {
		return d, fmt.Errorf("--as-of %q: 日期格式应为 YYYY-MM-DD (expected a date like 2025-06-30)", flags.asOf)
	}
	if d.After(queries.Today()) {
		return d, fmt.Errorf("--as-of %s 晚于今天 (is after today, %s)", flags.asOf, queries.Today().Format(time.DateOnly))
	}
	return d, nil
}

const defaultSources = "sample_data/sources.yaml"

// pipeline opens the warehouse named by the environment and wires the steps to the flags.
// Without the default sources file only the steps that load fail (Pipeline.Load says so);
// a sources file named on the command line must exist.
func pipeline(ctx context.Context) (*cron.Pipeline, error) {
	sources, err := etl.LoadSources(flags.sources)
	if err != nil && !(errors.Is(err, fs.ErrNotExist) && flags.sources == defaultSources) {
		return nil, err
	}
	day, err := asOf()
	if err != nil {
		return nil, err
	}
	db, err := warehouse.Open(ctx, warehouse.ConfigFromEnv(), true)
	if err != nil {
		return nil, err
	}
	return &cron.Pipeline{DB: db, DropDir: flags.drop, Sources: sources, Landing: flags.landing, OutDir: flags.out,
		EChartsJS: flags.echarts, Log: stderr, AsOf: day}, nil
}

// step makes a subcommand that runs one pipeline step.
func step(use, short string, run func(*cron.Pipeline, context.Context) error) *cobra.Command {
	return &cobra.Command{
		Use:   use,
		Short: short,
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			p, err := pipeline(cmd.Context())
			if err != nil {
				return err
			}
			defer p.DB.Close()
			return run(p, cmd.Context())
		},
	}
}

func migrateCmd() *cobra.Command {
	return step("migrate", "应用数据库迁移并载入参考数据 (apply schema migrations, load reference data)", (*cron.Pipeline).Migrate)
}

func metricsCmd() *cobra.Command {
	c := &cobra.Command{Use: "metrics", Short: "指标 (metrics)"}
	c.AddCommand(step("refresh", "重算全部指标 (recompute every metric)", (*cron.Pipeline).Refresh))
	return c
}

func dashboardsCmd() *cobra.Command {
	c := &cobra.Command{Use: "dashboards", Short: "看板 (dashboards)"}
	c.AddCommand(step("build", "生成静态看板 (build the static site)", func(p *cron.Pipeline, ctx context.Context) error {
		index, err := p.Build(ctx)
		if err == nil {
			fmt.Println(index)
		}
		return err
	}))
	c.AddCommand(screenshotCmd())
	return c
}

func demoCmd() *cobra.Command {
	return step("demo", "在样例数据上运行完整流程 (run the whole pipeline on the sample data)", func(p *cron.Pipeline, ctx context.Context) error {
		// The sample's persons are made up: the demo alone may key them with the public salt.
		normalize.UseDemoSalt()
		if os.Getenv(normalize.SaltEnv) == "" {
			fmt.Fprintln(os.Stderr, "演示数据使用公开的演示盐生成人员标识；正式数据必须设置 "+normalize.SaltEnv+
				" (the demo keys its made-up persons with the public demo salt; real data needs "+normalize.SaltEnv+")")
		}
		index, err := p.RunAll(ctx)
		if err != nil {
			return err
		}
		fmt.Fprintln(os.Stderr, "看板首页 (dashboard index):")
		fmt.Println(index)
		return nil
	})
}
