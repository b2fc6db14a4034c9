package cron

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"time"

	"safetydw/warehouse"
)

// Run is one attempt of a job, one row of the job ledger (job_runs).
type Run struct {
	RunID       string
	Job         string
	Trigger     string
	Scheduled   time.Time
	Started     time.Time
	Finished    time.Time
	Status      string
	Attempt     int
	Rows        uint64
	Quarantined uint64
	Error       string
	Owner       string
}

// ledger writes runs to job_runs; a row ClickHouse does not take goes to the spool file and
// is written, with its own times, by a later write or flush.
type ledger struct {
	db    *warehouse.DB
	spool string
	owner string
	mu    sync.Mutex
}

const runColumns = "run_id, job, trigger, scheduled_at, started_at, finished_at, status, attempt, rows, quarantined, error, owner"

func (l *ledger) insert(ctx context.Context, runs []Run) error {
	b, err := l.db.PrepareBatch(ctx, "INSERT INTO job_runs ("+runColumns+")")
	if err != nil {
		return err
	}
	for _, r := range runs {
		if err := b.Append(r.RunID, r.Job, r.Trigger, r.Scheduled, r.Started, r.Finished, r.Status, uint8(r.Attempt),
			r.Rows, r.Quarantined, r.Error, r.Owner); err != nil {
			return err
		}
	}
	return b.Send()
}

// write stores r after any spooled rows, or appends it to the spool (also when the spool
// cannot be read: an operator fixes the line the error names, and nothing is lost).
func (l *ledger) write(ctx context.Context, r Run) error {
	l.mu.Lock()
	defer l.mu.Unlock()
	runs, err := l.readSpool()
	if err == nil {
		err = l.insert(ctx, append(runs, r))
	}
	if err == nil {
		return l.clearSpool()
	}
	if serr := l.appendSpool(r); serr != nil {
		return fmt.Errorf("%w; 暂存文件也写不进 (spool failed too): %v", err, serr)
	}
	return err
}

// flush writes the spooled rows, if any, and returns how many.
func (l *ledger) flush(ctx context.Context) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	runs, err := l.readSpool()
	if err != nil || len(runs) == 0 {
		return 0, err
	}
	if err := l.insert(ctx, runs); err != nil {
		return 0, err
	}
	return len(runs), l.clearSpool()
}

func (l *ledger) readSpool() ([]Run, error) {
	if l.spool == "" {
		return nil, nil
	}
	f, err := os.Open(l.spool)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil
	} else if err != nil {
		return nil, err
	}
	defer f.Close()
	var runs []Run
	sc := bufio.NewScanner(f)
	sc.Buffer(nil, 1<<20)
	for n := 1; sc.Scan(); n++ {
		var r Run
		if err := json.Unmarshal(sc.Bytes(), &r); err != nil {
			return nil, fmt.Errorf("%s: 第 %d 行 (line %d): %w", l.spool, n, n, err)
		}
		runs = append(runs, r)
	}
	return runs, sc.Err()
}

func (l *ledger) appendSpool(r Run) error {
	if l.spool == "" {
		return errors.New("没有暂存文件 (no spool file set)")
	}
	if err := os.MkdirAll(filepath.Dir(l.spool), 0o755); err != nil {
		return err
	}
	f, err := os.OpenFile(l.spool, os.O_CREATE|os.O_APPEND|os.O_WRONLY, 0o644)
	if err != nil {
		return err
	}
	line, _ := json.Marshal(r)
	_, err = f.Write(append(line, '\n'))
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	return err
}

func (l *ledger) clearSpool() error {
	if l.spool == "" {
		return nil
	}
	if err := os.Remove(l.spool); err != nil && !errors.Is(err, fs.ErrNotExist) {
		return err
	}
	return nil
}

type lastRun struct {
	scheduled time.Time // latest firing that ran to its end (any status but skipped, interrupted); zero if none
	status    string    // of the latest attempt that was not skipped
	lastOK    time.Time
}

// lastRuns reads, per job, what catch-up and dependencies need from the ledger.
func (l *ledger) lastRuns(ctx context.Context) (map[string]lastRun, error) {
	// An interrupted run did not finish its work, so its firing is caught up again.
	rows, err := l.db.Query(ctx, `SELECT job, maxIf(scheduled_at, status != 'interrupted'), argMax(status, (finished_at, attempt)),
		maxIf(finished_at, status = 'ok') FROM job_runs WHERE status != 'skipped' GROUP BY job`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := map[string]lastRun{}
	for rows.Next() {
		var job string
		var r lastRun
		if err := rows.Scan(&job, &r.scheduled, &r.status, &r.lastOK); err != nil {
			return nil, err
		}
		if r.lastOK.Unix() <= 0 {
			r.lastOK = time.Time{}
		}
		if r.scheduled.Unix() <= 0 {
			r.scheduled = time.Time{}
		}
		out[job] = r
	}
	return out, rows.Err()
}

// RecentRuns lists the ledger's latest rows, newest first (safetydw jobs --runs).
func RecentRuns(ctx context.Context, db *warehouse.DB, limit int) ([]Run, error) {
	rows, err := db.Query(ctx, "SELECT "+runColumns+" FROM job_runs ORDER BY started_at DESC, attempt DESC LIMIT ?", uint64(limit))
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []Run
	for rows.Next() {
		var r Run
		var attempt uint8
		if err := rows.Scan(&r.RunID, &r.Job, &r.Trigger, &r.Scheduled, &r.Started, &r.Finished, &r.Status, &attempt,
			&r.Rows, &r.Quarantined, &r.Error, &r.Owner); err != nil {
			return nil, err
		}
		r.Attempt = int(attempt)
		out = append(out, r)
	}
	return out, rows.Err()
}

// JobSummary is one line of `safetydw jobs`: a job's last run, next run and last error.
type JobSummary struct {
	Job, Schedule string // Schedule is the spec, or "after a, b" for a dependent job
	Next          time.Time
	Last          Run // latest attempt that was not skipped; zero when it never ran
	LastOK        time.Time
	LastError     string
}

// Summaries describes every job from the ledger and the schedules.
func (s *Scheduler) Summaries(ctx context.Context) ([]JobSummary, error) {
	if err := s.prepare(); err != nil {
		return nil, err
	}
	// Each column its own argMax: clickhouse-go cannot scan an unnamed tuple into a struct.
	rows, err := s.DB.Query(ctx, `SELECT job, argMax(status, (finished_at, attempt)), argMax(trigger, (finished_at, attempt)),
			argMax(scheduled_at, (finished_at, attempt)), argMax(started_at, (finished_at, attempt)), max(finished_at),
			argMax(attempt, (finished_at, attempt)), argMax(rows, (finished_at, attempt)), argMax(quarantined, (finished_at, attempt)),
			maxIf(finished_at, status = 'ok'), argMaxIf(error, finished_at, error != '')
		FROM job_runs WHERE status != 'skipped' GROUP BY job`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	last := map[string]JobSummary{}
	for rows.Next() {
		var js JobSummary
		var attempt uint8
		r := &js.Last
		if err := rows.Scan(&js.Job, &r.Status, &r.Trigger, &r.Scheduled, &r.Started, &r.Finished, &attempt, &r.Rows,
			&r.Quarantined, &js.LastOK, &js.LastError); err != nil {
			return nil, err
		}
		r.Job, r.Attempt = js.Job, int(attempt)
		last[js.Job] = js
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	now := time.Now().In(China)
	var out []JobSummary
	for _, j := range s.Jobs {
		js := last[j.Name]
		js.Job, js.Schedule = j.Name, j.Spec
		if sched := s.jobs[j.Name].schedule; sched != nil {
			js.Next = sched.Next(now)
		} else {
			js.Schedule = "在 " + strings.Join(j.DependsOn, "、") + " 成功后 (after)"
		}
		out = append(out, js)
	}
	return out, nil
}
