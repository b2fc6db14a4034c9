// Package etl moves source data into the warehouse. A run reads each source, turns its rows
// into Arrow record batches through a dataset declaration, appends them to ClickHouse, and
// records what it read, loaded and quarantined, so that read = loaded + quarantined per run.
package etl

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"io"
	"time"

	"safetydw/etl/dataset"
	"safetydw/warehouse"
)

// Runner runs sources against one warehouse.
type Runner struct {
	DB  *warehouse.DB
	Log io.Writer // progress lines; io.Discard to silence
	Now func() time.Time
}

// Stats is the outcome of one source in one run.
type Stats struct {
	RunID       string
	Source      string
	Files       int // files read in this run
	Skipped     int // files already loaded before (same content)
	Read        int
	Loaded      int
	Quarantined int
}

func (r *Runner) now() time.Time {
	if r.Now != nil {
		return r.Now()
	}
	return time.Now()
}

func (r *Runner) logf(format string, args ...any) {
	if r.Log != nil {
		fmt.Fprintf(r.Log, format+"\n", args...)
	}
}

func newRunID(t time.Time) string {
	var b [4]byte
	_, _ = rand.Read(b[:])
	return t.Format("20060102T150405") + "-" + hex.EncodeToString(b[:])
}

// datasetFor builds the dataset a source names. Facts that borrow registry attributes read
// the registry as it stands after the sources before them in the same run.
func (r *Runner) datasetFor(ctx context.Context, name string) (*dataset.Dataset, error) {
	switch name {
	case "enterprises":
		return dataset.EnterpriseRegistry(), nil
	case "drills":
		ents, err := r.enterprises(ctx)
		if err != nil {
			return nil, err
		}
		return dataset.Drills(ents), nil
	}
	return nil, fmt.Errorf("unknown dataset %q", name)
}

func (r *Runner) enterprises(ctx context.Context) (dataset.Enterprises, error) {
	rows, err := r.DB.Query(ctx, "SELECT enterprise_id, industry_code, territorial_unit FROM dim_enterprise FINAL WHERE _deleted = 0")
	if err != nil {
		return nil, fmt.Errorf("read enterprise registry: %w", err)
	}
	defer rows.Close()
	ents := dataset.Enterprises{}
	for rows.Next() {
		var id string
		var e dataset.Enterprise
		if err := rows.Scan(&id, &e.IndustryCode, &e.TerritorialUnit); err != nil {
			return nil, err
		}
		ents[id] = e
	}
	return ents, rows.Err()
}

// recordRun appends the run ledger row. It runs even when the source failed, so a failed
// run is visible; if ClickHouse itself is down the error is returned to the caller instead.
func (r *Runner) recordRun(ctx context.Context, job string, st Stats, started time.Time, runErr error) error {
	b, err := r.DB.PrepareBatch(ctx, "INSERT INTO etl_runs (run_id, job, source, started_at, finished_at, status, rows_read, rows_loaded, rows_quarantined, files_skipped, error)")
	if err != nil {
		return err
	}
	status, msg := "ok", ""
	if runErr != nil {
		status, msg = "failed", runErr.Error()
	}
	if err := b.Append(st.RunID, job, st.Source, started, r.now(), status,
		uint64(st.Read), uint64(st.Loaded), uint64(st.Quarantined), uint32(st.Skipped), msg); err != nil {
		return err
	}
	return b.Send()
}
