package etl

import (
	"context"
	"fmt"
	"time"

	"safetydw/etl/dataset"
	"safetydw/etl/source"
)

// enterprises reads the registry as it stands, for facts that borrow its attributes.
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

// recordRun appends the run ledger row, also for a failed run. If ClickHouse itself is down
// this fails too, and the caller reports the original error.
func (r *Runner) recordRun(ctx context.Context, src SourceConfig, st Stats, started time.Time, runErr error) error {
	b, err := r.DB.PrepareBatch(ctx, "INSERT INTO etl_runs (run_id, job, source, started_at, finished_at, status, rows_read, rows_loaded, rows_quarantined, files_skipped, error)")
	if err != nil {
		return err
	}
	status, msg := "ok", ""
	if runErr != nil {
		status, msg = "failed", runErr.Error()
	}
	if err := b.Append(st.RunID, src.Kind, st.Source, started, r.now(), status,
		uint64(st.Read), uint64(st.Loaded), uint64(st.Quarantined), uint32(st.Skipped), msg); err != nil {
		return err
	}
	return b.Send()
}

func (r *Runner) loadedHashes(ctx context.Context, source string) (map[string]bool, error) {
	rows, err := r.DB.Query(ctx, "SELECT DISTINCT sha256 FROM etl_files WHERE source = ?", source)
	if err != nil {
		return nil, fmt.Errorf("read file ledger: %w", err)
	}
	defer rows.Close()
	m := map[string]bool{}
	for rows.Next() {
		var h string
		if err := rows.Scan(&h); err != nil {
			return nil, err
		}
		m[h] = true
	}
	return m, rows.Err()
}

func (r *Runner) quarantine(ctx context.Context, src string, b *source.Batch, rejects []dataset.Reject, runID string) error {
	if len(rejects) == 0 {
		return nil
	}
	qb, err := r.DB.PrepareBatch(ctx, "INSERT INTO etl_quarantine (run_id, source, locator, locator_sha256, row_num, field, reason, raw, quarantined_at)")
	if err != nil {
		return err
	}
	key := b.Hash
	if key == "" {
		key = b.Locator // pages and query chunks have no content hash; the locator is their key
	}
	now := r.now()
	for _, rej := range rejects {
		if err := qb.Append(runID, src, b.Locator, key, uint32(rej.Row), rej.Field, rej.Reason, rej.Raw, now); err != nil {
			return err
		}
	}
	return qb.Send()
}

func (r *Runner) markLoaded(ctx context.Context, src string, b *source.Batch, f fileTotals, runID string) error {
	fb, err := r.DB.PrepareBatch(ctx, "INSERT INTO etl_files (source, sha256, path, size, rows_read, rows_loaded, rows_quarantined, run_id, loaded_at)")
	if err != nil {
		return err
	}
	if err := fb.Append(src, b.Hash, b.Locator, uint64(b.Size), uint64(f.read), uint64(f.loaded), uint64(f.quarantined), runID, r.now()); err != nil {
		return err
	}
	return fb.Send()
}

// Watermark returns the last committed cursor of a source, or nil before its first load.
func (r *Runner) Watermark(ctx context.Context, src string) (*source.Cursor, error) {
	rows, err := r.DB.Query(ctx, "SELECT cursor_ts, cursor_id FROM etl_watermarks FINAL WHERE source = ?", src)
	if err != nil {
		return nil, fmt.Errorf("read watermark: %w", err)
	}
	defer rows.Close()
	if !rows.Next() {
		return nil, rows.Err()
	}
	var c source.Cursor
	if err := rows.Scan(&c.TS, &c.ID); err != nil {
		return nil, err
	}
	return &c, nil
}

func (r *Runner) storeWatermark(ctx context.Context, src string, c source.Cursor, runID string) error {
	wb, err := r.DB.PrepareBatch(ctx, "INSERT INTO etl_watermarks (source, cursor_ts, cursor_id, run_id, _version)")
	if err != nil {
		return err
	}
	if err := wb.Append(src, c.TS, c.ID, runID, uint64(time.Now().UnixNano())); err != nil {
		return err
	}
	return wb.Send()
}
