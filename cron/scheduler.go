package cron

import (
	"context"
	crand "crypto/rand"
	"encoding/hex"
	"fmt"
	"log/slog"
	"math/rand/v2"
	"os"
	"sync"
	"sync/atomic"
	"time"
	_ "time/tzdata" // schedules are in China time even on a machine without zoneinfo

	robfig "github.com/robfig/cron/v3"

	"safetydw/warehouse"
)

// China is the zone every schedule is read in.
var China = mustZone("Asia/Shanghai")

func mustZone(name string) *time.Location {
	loc, err := time.LoadLocation(name)
	if err != nil {
		panic(err)
	}
	return loc
}

// specParser reads five-field specs, six fields with seconds first (tests), and @every/@daily.
var specParser = robfig.NewParser(robfig.SecondOptional | robfig.Minute | robfig.Hour | robfig.Dom | robfig.Month | robfig.Dow | robfig.Descriptor)

// Job is one scheduled task.
type Job struct {
	Name       string
	Spec       string   // cron spec in China time; "" for a job that runs only after its dependencies
	DependsOn  []string // jobs whose success triggers this one (all of them must have last succeeded)
	Timeout    time.Duration
	Retries    int           // further attempts after a transient failure
	Backoff    time.Duration // wait before the first retry; doubles each time, ±50 % jitter
	StaleAfter time.Duration // /healthz fails when the last success is older; 0 derives it from the schedule
	Run        func(context.Context) (Result, error)
}

// Result is what a run reports for the ledger and the metrics.
type Result struct{ Rows, Quarantined int }

// Run statuses in the ledger.
const (
	StatusOK          = "ok"
	StatusFailed      = "failed"
	StatusRetried     = "retried" // a transient failure followed by another attempt
	StatusSkipped     = "skipped" // still running, or another scheduler holds the lease
	StatusInterrupted = "interrupted"
)

// Scheduler runs jobs on their schedules with retries, a ledger, leases and a graceful stop.
type Scheduler struct {
	DB    *warehouse.DB
	Jobs  []Job
	Owner string // names this scheduler in leases and the ledger; default host:pid
	Spool string // ledger rows that could not be written wait here (JSON lines)
	Grace time.Duration
	Lease LeaseConfig
	// FlushEvery is how often spooled ledger rows are retried while no job writes (default 30 s).
	FlushEvery time.Duration
	Log        *slog.Logger

	jobs    map[string]*jobState
	ledger  *ledger
	leases  *leases
	metrics *metrics
	runCtx  context.Context // parent of every run: cancelled on stop
	wg      sync.WaitGroup
	mu      sync.Mutex
	stop    bool
	active  map[*Run]bool // attempts under way, recorded interrupted when the grace period ends
}

type jobState struct {
	Job
	schedule robfig.Schedule
	entry    robfig.EntryID
	wrapped  robfig.Job      // the chain around fire: skip if still running, then recover
	pending  chan invocation // a trigger other than the schedule, taken by the next wrapped run
	deferred atomic.Bool     // a dependency's trigger met the job running: run again after it
	next     []*jobState     // jobs that depend on this one
	lastOK   time.Time
	status   string
	stale    time.Duration
}

type invocation struct {
	trigger   string // schedule | catchup | dependency
	scheduled time.Time
}

func (s *Scheduler) logger() *slog.Logger {
	if s.Log == nil {
		return slog.Default()
	}
	return s.Log
}

// prepare checks the jobs and builds their state; Run calls it, and so do tests of Handler.
func (s *Scheduler) prepare() error {
	if s.jobs != nil {
		return nil
	}
	if s.Owner == "" {
		host, _ := os.Hostname()
		s.Owner = fmt.Sprintf("%s:%d", host, os.Getpid())
	}
	s.jobs = map[string]*jobState{}
	for _, j := range s.Jobs {
		if _, dup := s.jobs[j.Name]; dup {
			return fmt.Errorf("job %s: 作业重名 (duplicate job name)", j.Name)
		}
		js := &jobState{Job: j, pending: make(chan invocation, 1)}
		if j.Spec != "" {
			sched, err := specParser.Parse(j.Spec)
			if err != nil {
				return fmt.Errorf("job %s: schedule %q: %w", j.Name, j.Spec, err)
			}
			js.schedule = sched
		} else if len(j.DependsOn) == 0 {
			return fmt.Errorf("job %s: 需要 schedule 或 depends_on (needs a schedule or dependencies)", j.Name)
		}
		s.jobs[j.Name] = js
	}
	for _, js := range s.jobs {
		for _, d := range js.DependsOn {
			dep, ok := s.jobs[d]
			if !ok {
				return fmt.Errorf("job %s: depends_on: 没有作业“%s” (unknown job)", js.Name, d)
			}
			dep.next = append(dep.next, js)
		}
	}
	for _, js := range s.jobs {
		if _, err := s.staleAfter(js, map[string]bool{}); err != nil {
			return err
		}
	}
	s.ledger = &ledger{db: s.DB, spool: s.Spool, owner: s.Owner}
	s.leases = &leases{db: s.DB, owner: s.Owner, cfg: s.Lease.withDefaults()}
	s.metrics = newMetrics()
	s.active = map[*Run]bool{}
	return nil
}

// staleAfter is how old a job's last success may be before /healthz fails: the job's own
// setting, else two periods of its schedule plus its timeout, else (a dependent job) the
// longest of its dependencies'. Walking the dependencies also finds cycles.
func (s *Scheduler) staleAfter(js *jobState, seen map[string]bool) (time.Duration, error) {
	if js.stale > 0 {
		return js.stale, nil
	}
	if seen[js.Name] {
		return 0, fmt.Errorf("job %s: depends_on 形成循环 (dependency cycle)", js.Name)
	}
	seen[js.Name] = true
	defer delete(seen, js.Name)
	d := js.StaleAfter
	if d == 0 && js.schedule != nil {
		n1 := js.schedule.Next(time.Now().In(China))
		d = 2*js.schedule.Next(n1).Sub(n1) + js.Timeout
	}
	if d == 0 {
		for _, name := range js.DependsOn {
			dd, err := s.staleAfter(s.jobs[name], seen)
			if err != nil {
				return 0, err
			}
			d = max(d, dd+js.Timeout)
		}
	}
	js.stale = d
	return d, nil
}

// Run schedules the jobs until ctx ends (SIGTERM), then stops taking new runs, cancels the
// running ones and waits for them up to Grace; a run still going then is recorded interrupted.
func (s *Scheduler) Run(ctx context.Context) error {
	if err := s.prepare(); err != nil {
		return err
	}
	log := s.logger()
	runCtx, cancelRuns := context.WithCancel(context.WithoutCancel(ctx))
	defer cancelRuns()
	s.runCtx = runCtx
	c := robfig.New(robfig.WithLocation(China), robfig.WithParser(specParser))
	for _, js := range s.jobs {
		js := js
		// SkipIfStillRunning must wrap Recover: in the other order robfig/cron v3.0.1 never
		// returns the skip token after a panic, and the job is skipped for good (stack-notes F).
		chain := robfig.NewChain(robfig.SkipIfStillRunning(skipLogger{s, js}), robfig.Recover(panicLogger{log, js.Name}))
		js.wrapped = chain.Then(robfig.FuncJob(func() { s.fire(js, js.take(c)) }))
		if js.schedule != nil {
			js.entry = c.Schedule(js.schedule, js.wrapped)
		}
	}
	s.flushSpool(ctx)
	s.catchUp(ctx)
	c.Start()
	for _, js := range s.jobs {
		if js.schedule != nil {
			log.Info("scheduled", "job", js.Name, "spec", js.Spec, "next", c.Entry(js.entry).Next.Format(time.DateTime))
		}
	}
	flush := time.NewTicker(cmp(s.FlushEvery, 30*time.Second))
	defer flush.Stop()
	for ctx.Err() == nil {
		select {
		case <-ctx.Done():
		case <-flush.C:
			s.flushSpool(ctx)
		}
	}
	log.Info("stopping: no new runs, cancelling running ones", "grace", s.Grace.String())
	s.mu.Lock()
	s.stop = true
	s.mu.Unlock()
	c.Stop()
	cancelRuns()
	done := make(chan struct{})
	go func() { s.wg.Wait(); close(done) }()
	select {
	case <-done:
	case <-time.After(s.Grace):
		s.mu.Lock()
		left := make([]Run, 0, len(s.active))
		for a := range s.active {
			left = append(left, *a)
		}
		s.mu.Unlock()
		for _, r := range left {
			r.Status, r.Finished = StatusInterrupted, time.Now()
			r.Error = fmt.Sprintf("停止时 %s 内未结束 (still running %s after the stop signal)", s.Grace, s.Grace)
			s.record(r)
		}
		log.Warn("runs still going after the grace period, leaving them", "count", len(left))
	}
	s.flushSpool(context.Background())
	return nil
}

func cmp(d, def time.Duration) time.Duration {
	if d > 0 {
		return d
	}
	return def
}

// take returns the trigger a wrapped run is for: one queued by trigger(), else the schedule's
// firing. A scheduled tick that meets a queued trigger runs once, labelled by the trigger.
func (js *jobState) take(c *robfig.Cron) invocation {
	select {
	case inv := <-js.pending:
		return inv
	default:
		return invocation{trigger: "schedule", scheduled: c.Entry(js.entry).Prev}
	}
}

// trigger runs the job outside its schedule (dependency) in the background.
func (s *Scheduler) trigger(js *jobState, inv invocation) {
	s.spawn(func() { s.runNow(js, inv) })
}

// spawn runs f in the background unless the scheduler is stopping; Run waits for it.
func (s *Scheduler) spawn(f func()) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.stop {
		return
	}
	s.wg.Add(1)
	go func() {
		defer s.wg.Done()
		f()
	}()
}

// runNow runs the job outside its schedule through the same chain, so it never overlaps a
// scheduled run; a trigger already queued covers this one. A dependency's trigger that meets
// the job still running waits for it and runs after: the running one may have read its
// inputs before the dependency's new data was in.
func (s *Scheduler) runNow(js *jobState, inv invocation) {
	for {
		select {
		case js.pending <- inv:
		default:
			return
		}
		js.wrapped.Run()
		if !js.deferred.CompareAndSwap(true, false) {
			return
		}
		select {
		case <-s.runCtx.Done():
			return
		case <-time.After(time.Second):
		}
	}
}

// catchUp runs once each job whose schedule fired since its last finished run (or that never
// ran): one run for all the missed firings, not one per firing.
func (s *Scheduler) catchUp(ctx context.Context) {
	last, err := s.ledger.lastRuns(ctx)
	if err != nil {
		s.logger().Error("catch-up: cannot read the job ledger, nothing caught up", "err", err)
		return
	}
	now := time.Now().In(China)
	var due []func()
	for _, j := range s.Jobs { // in the file's order: registries before the facts that borrow from them
		js := s.jobs[j.Name]
		l, ok := last[js.Name]
		if ok {
			js.status, js.lastOK = l.status, l.lastOK
		}
		if js.schedule == nil {
			continue
		}
		var missed time.Time
		if !ok || l.scheduled.IsZero() {
			missed = now
		} else {
			for t := js.schedule.Next(l.scheduled); !t.After(now); t = js.schedule.Next(t) {
				missed = t
			}
		}
		if !missed.IsZero() {
			s.logger().Info("catch-up", "job", js.Name, "last", l.scheduled.Format(time.DateTime), "missed", missed.Format(time.DateTime))
			due = append(due, func() { s.runNow(js, invocation{trigger: "catchup", scheduled: missed}) })
		}
	}
	// One after another, as a full run would go; scheduled firings meanwhile run as usual.
	s.spawn(func() {
		for _, run := range due {
			run()
		}
	})
}

// fire is one triggered run: take the lease, run with retries, record each attempt.
func (s *Scheduler) fire(js *jobState, inv invocation) {
	s.mu.Lock()
	if s.stop {
		s.mu.Unlock()
		return
	}
	s.wg.Add(1)
	s.mu.Unlock()
	defer s.wg.Done()
	log := s.logger().With("job", js.Name, "trigger", inv.trigger)
	r := Run{RunID: newID(), Job: js.Name, Trigger: inv.trigger, Scheduled: inv.scheduled.Truncate(time.Second), Owner: s.Owner}
	for attempt := 1; ; attempt++ {
		r.Attempt, r.Started, r.Error, r.Rows, r.Quarantined = attempt, time.Now(), "", 0, 0
		res, skipped, err := s.attempt(js, &r)
		r.Finished = time.Now()
		r.Rows, r.Quarantined = uint64(res.Rows), uint64(res.Quarantined)
		switch {
		case skipped != "":
			r.Status, r.Error = StatusSkipped, skipped
		case err == nil:
			r.Status = StatusOK
		case s.runCtx.Err() != nil:
			r.Status, r.Error = StatusInterrupted, err.Error()
		case Transient(err) && attempt <= js.Retries:
			r.Status, r.Error = StatusRetried, err.Error()
		default:
			r.Status, r.Error = StatusFailed, err.Error()
		}
		s.finish(js, r, log)
		if r.Status != StatusRetried {
			break
		}
		wait := backoff(js.Backoff, attempt)
		log.Warn("transient failure, retrying", "attempt", attempt, "in", wait.String(), "err", r.Error)
		select {
		case <-s.runCtx.Done():
			return
		case <-time.After(wait):
		}
	}
	if r.Status == StatusOK {
		for _, d := range js.next {
			if s.depsOK(d) {
				s.trigger(d, invocation{trigger: "dependency", scheduled: time.Now()})
			}
		}
	}
}

// attempt runs the job once under its lease and timeout. A panic is recorded as a failure and
// passed on to the chain's Recover, which logs it with its stack.
func (s *Scheduler) attempt(js *jobState, r *Run) (res Result, skipped string, err error) {
	a := new(Run)
	*a = *r
	s.mu.Lock()
	s.active[a] = true
	s.mu.Unlock()
	defer func() {
		s.mu.Lock()
		delete(s.active, a)
		s.mu.Unlock()
		if p := recover(); p != nil {
			r.Finished, r.Status, r.Error = time.Now(), StatusFailed, fmt.Sprintf("panic: %v", p)
			s.finish(js, *r, s.logger().With("job", js.Name))
			panic(p)
		}
	}()
	ctx := s.runCtx
	if js.Timeout > 0 {
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeout(ctx, js.Timeout)
		defer cancel()
	}
	lease, holder, err := s.leases.acquire(ctx, js.Name)
	if err != nil {
		return res, "", fmt.Errorf("租约 (lease): %w", err)
	}
	if lease == nil {
		return res, holder, nil
	}
	defer lease.release()
	runCtx := lease.ctx(ctx)
	res, err = js.Run(runCtx)
	if cause := context.Cause(runCtx); err != nil && cause != nil && cause != runCtx.Err() {
		err = fmt.Errorf("%w (%v)", err, cause) // the lease was lost: say so, not just "canceled"
	}
	return res, "", err
}

func (s *Scheduler) finish(js *jobState, r Run, log *slog.Logger) {
	s.mu.Lock()
	if r.Status != StatusSkipped { // a skipped firing says nothing about the job's data
		js.status = r.Status
	}
	if r.Status == StatusOK {
		js.lastOK = r.Finished
	}
	s.mu.Unlock()
	s.record(r)
	s.metrics.observe(r)
	args := []any{"status", r.Status, "attempt", r.Attempt, "rows", r.Rows, "seconds", r.Finished.Sub(r.Started).Seconds()}
	if r.Error != "" {
		args = append(args, "err", r.Error)
	}
	if r.Status == StatusOK || r.Status == StatusSkipped {
		log.Info("run", args...)
	} else {
		log.Error("run", args...)
	}
}

// record writes a ledger row, or spools it when ClickHouse does not answer.
func (s *Scheduler) record(r Run) {
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if err := s.ledger.write(ctx, r); err != nil {
		s.logger().Error("ledger: spooled the run, ClickHouse did not take it", "job", r.Job, "spool", s.Spool, "err", err)
	}
}

func (s *Scheduler) flushSpool(ctx context.Context) {
	n, err := s.ledger.flush(ctx)
	if err != nil {
		s.logger().Warn("ledger: spooled runs not written yet", "spool", s.Spool, "err", err)
	} else if n > 0 {
		s.logger().Info("ledger: spooled runs written", "rows", n)
	}
}

func (s *Scheduler) depsOK(js *jobState) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, d := range js.DependsOn {
		if s.jobs[d].status != StatusOK {
			return false
		}
	}
	return true
}

// backoff is base·2^(attempt-1) with ±50 % jitter, so schedulers retrying a shared server do
// not come back in step.
func backoff(base time.Duration, attempt int) time.Duration {
	d := cmp(base, time.Second) << (attempt - 1)
	return d/2 + time.Duration(rand.Int64N(int64(d)))
}

func newID() string {
	var b [8]byte
	_, _ = crand.Read(b[:])
	return hex.EncodeToString(b[:])
}

// skipLogger records the runs SkipIfStillRunning skips.
type skipLogger struct {
	s  *Scheduler
	js *jobState
}

func (l skipLogger) Info(msg string, _ ...any) {
	if msg != "skip" {
		return
	}
	var inv invocation
	select {
	case inv = <-l.js.pending:
	default:
		inv = invocation{trigger: "schedule", scheduled: time.Now()}
	}
	if inv.trigger == "dependency" { // not skipped but deferred (runNow)
		l.js.deferred.Store(true)
		return
	}
	now := time.Now()
	r := Run{RunID: newID(), Job: l.js.Name, Trigger: inv.trigger, Scheduled: inv.scheduled.Truncate(time.Second),
		Started: now, Finished: now, Status: StatusSkipped, Attempt: 1, Owner: l.s.Owner,
		Error: "上次运行尚未结束 (previous run still going)"}
	l.s.finish(l.js, r, l.s.logger().With("job", l.js.Name))
}

func (l skipLogger) Error(err error, msg string, kv ...any) {
	l.s.logger().Error(msg, append(kv, "job", l.js.Name, "err", err)...)
}

// panicLogger logs what Recover caught, with the stack it passes.
type panicLogger struct {
	log *slog.Logger
	job string
}

func (l panicLogger) Info(string, ...any) {}
func (l panicLogger) Error(err error, msg string, kv ...any) {
	l.log.Error("panic recovered", append(kv, "job", l.job, "err", err)...)
}
