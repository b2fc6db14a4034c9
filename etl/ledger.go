package etl

import (
	"context"
	"fmt"
	"time"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/memory"

	"safetydw/etl/dataset"
	"safetydw/etl/source"
)

// enterprises reads the registry as it stands, for facts that borrow its attributes.
func (r *Runner) enterprises(ctx context.Context) (dataset.Enterprises, error) {
	rows, err := r.DB.Query(ctx, "SELECT enterprise_id, industry_code, territorial_unit FROM dim_enterprise FINAL WHERE _deleted = 0")
	if err != nil {
		return nil, fmt.Errorf("ClickHouse %s: read enterprise registry (读取企业名录失败): %w", r.DB.Addr, err)
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
		return nil, fmt.Errorf("ClickHouse %s: read file ledger (读取文件台账失败): %w", r.DB.Addr, err)
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

// loadedPaths are the files of a file source loaded before, whatever their content was then.
func (r *Runner) loadedPaths(ctx context.Context, src SourceConfig) (map[string]bool, error) {
	m := map[string]bool{}
	if src.Kind != "file" {
		return m, nil
	}
	rows, err := r.DB.Query(ctx, "SELECT DISTINCT path FROM etl_files WHERE source = ?", src.Name)
	if err != nil {
		return nil, fmt.Errorf("ClickHouse %s: read file ledger (读取文件台账失败): %w", r.DB.Addr, err)
	}
	defer rows.Close()
	for rows.Next() {
		var p string
		if err := rows.Scan(&p); err != nil {
			return nil, err
		}
		m[p] = true
	}
	return m, rows.Err()
}

var quarantineSchema = arrow.NewSchema([]arrow.Field{
	{Name: "run_id", Type: arrow.BinaryTypes.String},
	{Name: "source", Type: arrow.BinaryTypes.String},
	{Name: "locator", Type: arrow.BinaryTypes.String},
	{Name: "locator_sha256", Type: arrow.BinaryTypes.String},
	{Name: "row_num", Type: arrow.PrimitiveTypes.Uint32},
	{Name: "field", Type: arrow.BinaryTypes.String},
	{Name: "reason", Type: arrow.BinaryTypes.String},
	{Name: "raw", Type: arrow.BinaryTypes.String},
	{Name: "quarantined_at", Type: &arrow.TimestampType{Unit: arrow.Second, TimeZone: "Asia/Shanghai"}},
}, nil)

// rejectRecord turns a batch's rejects into rows of etl_quarantine, as an Arrow record like
// any other batch, so they load and archive the same way. Nil when there are none.
func (r *Runner) rejectRecord(src string, b *source.Batch, rejects []dataset.Reject, batchID string) arrow.RecordBatch {
	if len(rejects) == 0 {
		return nil
	}
	key := b.Hash
	if key == "" {
		key = b.Locator // pages and query chunks have no content hash; the locator is their key
	}
	rb := array.NewRecordBuilder(memory.DefaultAllocator, quarantineSchema)
	defer rb.Release()
	now := arrow.Timestamp(r.now().Unix())
	for _, rej := range rejects {
		rb.Field(0).(*array.StringBuilder).Append(batchID)
		rb.Field(1).(*array.StringBuilder).Append(src)
		rb.Field(2).(*array.StringBuilder).Append(b.Locator)
		rb.Field(3).(*array.StringBuilder).Append(key)
		rb.Field(4).(*array.Uint32Builder).Append(uint32(rej.Row))
		rb.Field(5).(*array.StringBuilder).Append(rej.Field)
		rb.Field(6).(*array.StringBuilder).Append(rej.Reason)
		rb.Field(7).(*array.StringBuilder).Append(rej.Raw)
		rb.Field(8).(*array.TimestampBuilder).Append(now)
	}
	return rb.NewRecordBatch()
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
		return nil, fmt.Errorf("ClickHouse %s: read watermark (读取水位失败): %w", r.DB.Addr, err)
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
