// Package etl moves source data into the warehouse. For each source a run opens its
// connector, turns each batch of rows into Arrow record batches through the source's
// dataset declaration, appends them to ClickHouse, quarantines the rows that failed, and only
// then commits the batch's checkpoint (file hash or watermark). Every run records what it
// read, loaded and quarantined, so read = loaded + quarantined per run.
package etl

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/apache/arrow-go/v18/arrow"

	"safetydw/etl/chload"
	"safetydw/etl/dataset"
	"safetydw/etl/files"
	"safetydw/etl/httpapi"
	"safetydw/etl/landing"
	"safetydw/etl/source"
	"safetydw/etl/sqldb"
	"safetydw/warehouse"
)

// Runner runs sources against one warehouse.
type Runner struct {
	DB      *warehouse.DB
	DropDir string    // folder the file sources' patterns are relative to
	Landing string    // folder of the Parquet archive of every loaded batch; "" archives nothing
	Log     io.Writer // progress lines; nil to silence
	Now     func() time.Time
}

// Stats is the outcome of one source in one run.
type Stats struct {
	RunID       string
	Source      string
	Batches     int // batches (files, pages) loaded in this run
	Skipped     int // batches already loaded before (same content)
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

// Run runs each source in order and stops at the first that fails. Sources that facts
// borrow from (the enterprise registry) must come first.
func (r *Runner) Run(ctx context.Context, sources []SourceConfig) ([]Stats, error) {
	var all []Stats
	for _, src := range sources {
		st, err := r.runSource(ctx, src)
		all = append(all, st)
		if err != nil {
			return all, fmt.Errorf("source %s: %w", src.Name, err)
		}
	}
	return all, nil
}

func (r *Runner) runSource(ctx context.Context, src SourceConfig) (Stats, error) {
	started := r.now()
	st := Stats{RunID: newRunID(started), Source: src.Name}
	err := r.load(ctx, src, &st, uint64(started.UnixNano()))
	if rerr := r.recordRun(ctx, src, st, started, err); rerr != nil && err == nil {
		err = fmt.Errorf("record run: %w", rerr)
	}
	r.logf("%s: %d 批 (batches), 跳过已载入 %d (skipped), 读取 %d 行 (read), 载入 %d (loaded), 隔离 %d (quarantined), %.1fs",
		src.Name, st.Batches, st.Skipped, st.Read, st.Loaded, st.Quarantined, r.now().Sub(started).Seconds())
	return st, err
}

func (r *Runner) open(ctx context.Context, src SourceConfig) (source.Connector, error) {
	switch {
	case src.Kind == "file" && src.File != nil:
		loaded, err := r.loadedHashes(ctx, src.Name)
		if err != nil {
			return nil, err
		}
		return files.Open(r.DropDir, *src.File, loaded)
	case src.Kind == "http" && src.HTTP != nil:
		wm, err := r.Watermark(ctx, src.Name)
		if err != nil {
			return nil, err
		}
		return httpapi.Open(*src.HTTP, wm)
	case src.Kind == "sql" && src.SQL != nil:
		wm, err := r.Watermark(ctx, src.Name)
		if err != nil {
			return nil, err
		}
		return sqldb.Open(ctx, *src.SQL, wm)
	}
	return nil, fmt.Errorf("unknown source kind %q", src.Kind)
}

func (r *Runner) load(ctx context.Context, src SourceConfig, st *Stats, version uint64) error {
	ents, err := r.enterprises(ctx)
	if err != nil {
		return err
	}
	ds, err := dataset.New(src.Dataset, dataset.Env{Enterprises: ents})
	if err != nil {
		return err
	}
	conn, err := r.open(ctx, src)
	if err != nil {
		return err
	}
	defer conn.Close()
	// The next batch is read and transformed while the current one is inserted; the server
	// and this process then work at the same time, as clickhouse-client's streaming insert does.
	// Batches are stored and checkpointed strictly in order.
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	ready := make(chan prepared, 1)
	go r.prepare(ctx, conn, ds, src, version, ready)
	defer func() {
		cancel()
		for p := range ready { // free what the producer made before it saw the cancel
			if p.res != nil {
				p.res.Release()
			}
		}
	}()
	var file fileTotals // a chunked file's counts, recorded when its last chunk is in
	seq := 0
	for p := range ready {
		if p.err != nil {
			return p.err
		}
		b, res := p.b, p.res
		if b.Seen {
			st.Skipped++
			continue
		}
		if len(res.Ignored) > 0 && file.read == 0 {
			r.logf("  %s: 忽略未知列 (ignored columns) %s", b.Locator, strings.Join(res.Ignored, "、"))
		}
		file.add(res)
		seq++
		err = r.store(ctx, src, ds, b, res, fmt.Sprintf("%s-%06d", st.RunID, seq), file)
		res.Release()
		if err != nil {
			return fmt.Errorf("%s: %w", b.Locator, err)
		}
		if !b.More {
			file = fileTotals{}
			st.Batches++
		}
		st.Read += res.Read
		st.Loaded += res.Loaded
		st.Quarantined += len(res.Rejects)
		if b.More && r.Log != nil {
			r.logf("  %s: 已读 %d 行 (rows so far)", b.Locator, file.read)
		}
	}
	return ctx.Err()
}

// prepared is a batch read and transformed ahead of its insert.
type prepared struct {
	b   *source.Batch
	res *dataset.Result
	err error
}

// prepare reads batches in one goroutine and transforms them in another, handing them to
// ready in order; reading, validating and the server's insert then all overlap. It closes
// ready when the connector is done, fails or the run is cancelled.
func (r *Runner) prepare(ctx context.Context, conn source.Connector, ds *dataset.Dataset, src SourceConfig, version uint64, ready chan<- prepared) {
	defer close(ready)
	read := make(chan prepared, 1)
	go func() {
		defer close(read)
		for {
			b, err := conn.Next(ctx)
			if b == nil && err == nil {
				return
			}
			select {
			case read <- prepared{b: b, err: err}:
			case <-ctx.Done():
				return
			}
			if err != nil {
				return
			}
		}
	}()
	for p := range read {
		if p.err == nil && !p.b.Seen {
			p.res = r.transform(ds, src, p.b, version)
		}
		select {
		case ready <- p:
		case <-ctx.Done():
			if p.res != nil {
				p.res.Release()
			}
			for range read { // let the reader see the cancel and stop
			}
			return
		}
	}
}

type fileTotals struct{ read, loaded, quarantined int }

func (f *fileTotals) add(res *dataset.Result) {
	f.read += res.Read
	f.loaded += res.Loaded
	f.quarantined += len(res.Rejects)
}

func (r *Runner) transform(ds *dataset.Dataset, src SourceConfig, b *source.Batch, version uint64) *dataset.Result {
	res := &dataset.Result{}
	if b.Table != nil {
		res = ds.Transform(b.Table, dataset.Meta{SourceSystem: src.System, File: b.Locator, Version: version})
	}
	if b.Err != nil {
		// What could not be parsed is quarantined as one row, so it is listed and not lost.
		res.Read++
		res.Rejects = append(res.Rejects, dataset.Reject{Row: b.ErrRow, Field: "文件", Reason: b.Err.Error(), Raw: ds.Redact(b.Raw)})
	}
	return res
}

// store inserts a batch's rows and its rejects, archives both, then commits the batch's
// checkpoint. A crash before the commit makes the next run read the batch again; facts and
// quarantine are keyed, so nothing doubles, and a watermark never runs ahead of the data.
// batchID (run id and sequence) names the batch's archive files.
func (r *Runner) store(ctx context.Context, src SourceConfig, ds *dataset.Dataset, b *source.Batch, res *dataset.Result, batchID string, file fileTotals) error {
	runID, _, _ := strings.Cut(batchID, "-")
	if _, err := chload.Insert(ctx, r.DB, ds.Table, res.Records); err != nil {
		return err
	}
	rejects := r.rejectRecord(src.Name, b, res.Rejects, batchID)
	if rejects != nil {
		defer rejects.Release()
		if _, err := chload.Insert(ctx, r.DB, "etl_quarantine", []arrow.RecordBatch{rejects}); err != nil {
			return err
		}
	}
	if r.Landing != "" {
		if _, err := landing.Archive(r.Landing, ds.Table, src.Name, b.Locator, batchID, res.Records); err != nil {
			return err
		}
		if rejects != nil {
			if _, err := landing.Archive(r.Landing, "etl_quarantine", src.Name, b.Locator, batchID, []arrow.RecordBatch{rejects}); err != nil {
				return err
			}
		}
	}
	for _, rej := range res.Rejects {
		r.logf("  隔离 (quarantined) %s 第 %d 行 字段 %s: %s", b.Locator, rej.Row, rej.Field, rej.Reason)
	}
	if b.Hash != "" && !b.More {
		if err := r.markLoaded(ctx, src.Name, b, file, runID); err != nil {
			return err
		}
	}
	if b.Cursor != nil {
		if err := r.storeWatermark(ctx, src.Name, *b.Cursor, runID); err != nil {
			return err
		}
	}
	return nil
}

func newRunID(t time.Time) string {
	var b [4]byte
	_, _ = rand.Read(b[:])
	// Sortable by time, and free of '-' so a batch id "<run>-<seq>" splits back cleanly.
	return t.Format("20060102T150405") + "." + hex.EncodeToString(b[:])
}
