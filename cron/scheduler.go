package cron

import (
	"context"
	"fmt"
	"io"
	"log"
	"time"
	_ "time/tzdata" // schedules are in China time even on a machine without zoneinfo

	robfig "github.com/robfig/cron/v3"
)

// Job is one scheduled task.
type Job struct {
	Name    string
	Spec    string        // five-field cron spec, or @hourly / @every 30m
	Timeout time.Duration // a run still going after this is cancelled
	Run     func(context.Context) error
}

// Schedule runs the jobs on their specs in China time until ctx ends, then waits for running
// jobs to finish. With runNow every job also runs once at the start: cron keeps no history,
// so a scheduler that was down would otherwise wait a whole period for data it missed.
func Schedule(ctx context.Context, jobs []Job, runNow bool, out io.Writer) error {
	loc, err := time.LoadLocation("Asia/Shanghai")
	if err != nil {
		return err
	}
	logger := robfig.VerbosePrintfLogger(log.New(out, "scheduler: ", log.LstdFlags))
	// SkipIfStillRunning must wrap Recover: in the other order robfig/cron v3.0.1 never
	// returns the skip token after a panic, and the job is skipped for good (stack-notes F).
	c := robfig.New(robfig.WithLocation(loc), robfig.WithChain(robfig.SkipIfStillRunning(logger), robfig.Recover(logger)))
	for _, j := range jobs {
		j := j
		if _, err := c.AddFunc(j.Spec, func() { runJob(ctx, j, out) }); err != nil {
			return fmt.Errorf("job %s: schedule %q: %w", j.Name, j.Spec, err)
		}
	}
	if runNow {
		for _, j := range jobs {
			runJob(ctx, j, out)
		}
	}
	c.Start()
	for _, e := range c.Entries() {
		fmt.Fprintf(out, "scheduler: next run %s\n", e.Next.Format("2006-01-02 15:04 MST"))
	}
	<-ctx.Done()
	<-c.Stop().Done()
	return nil
}

func runJob(ctx context.Context, j Job, out io.Writer) {
	if ctx.Err() != nil {
		return
	}
	if j.Timeout > 0 {
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeout(ctx, j.Timeout)
		defer cancel()
	}
	start := time.Now()
	err := j.Run(ctx)
	status := "完成 (ok)"
	if err != nil {
		status = "失败 (failed): " + err.Error()
	}
	fmt.Fprintf(out, "scheduler: %s %s, %.1fs\n", j.Name, status, time.Since(start).Seconds())
}
