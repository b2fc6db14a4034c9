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
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/apache/arrow-go/v18/arrow"

	"safetydw/etl/chload"
	"safetydw/etl/dataset"
	"safetydw/etl/files"
	"safetydw/etl/httpapi"
	"safetydw/etl/normalize"
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
	// Reload holds globs (relative to DropDir, like file patterns): matching files load again
	// even though their content was loaded before (etl run --reload).
	Reload []string

	logMu sync.Mutex // connectors log from the reading goroutine (logWriter)
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

// logf prints a progress line. Locators, reasons and errors in it come from sources:
// personal data and credentials are scrubbed here, for every line.
func (r *Runner) logf(format string, args ...any) {
	if r.Log != nil {
		line := normalize.Scrub(fmt.Sprintf(format, args...))
		r.logMu.Lock()
		defer r.logMu.Unlock()
		fmt.Fprintln(r.Log, line)
	}
}

// logWriter hands a connector's lines to logf.
type logWriter struct{ r *Runner }

func (w logWriter) Write(p []byte) (int, error) {
	w.r.logf("%s", strings.TrimSuffix(string(p), "\n"))
	return len(p), nil
}

// scrubbed is an error whose text leaves the runner (the console, etl_runs.error, which
// analysts read): personal data masked and credentials redacted by normalize.Scrub, whatever
// produced it (Go's HTTP client quotes the URL with its token). errors.Is and As see the cause.
type scrubbed struct{ err error }

func (e scrubbed) Error() string { return normalize.Scrub(e.err.Error()) }
func (e scrubbed) Unwrap() error { return e.err }

// CheckSalt refuses to start when a source's dataset makes person keys and the salt is
// missing or weak: the rows would otherwise all be refused, or, before, keyed with a public salt.
func CheckSalt(sources []SourceConfig) error {
	for _, src := range sources {
		ds, err := dataset.New(src.Dataset, dataset.Env{})
		if err != nil || !ds.MakesPersonKeys() {
			continue // an unknown dataset fails when its source runs
		}
		if _, err := normalize.Salt(); err != nil {
			return fmt.Errorf("source %s (dataset %s): %w", src.Name, src.Dataset, err)
		}
	}
	return nil
}

// Run runs each source in order and stops at the first that fails. Sources that facts
// borrow from (the enterprise registry) must come first. A file that cannot be loaded as a
// whole (see files.Connector.Next) fails its source, so the run, and stays unloaded.
func (r *Runner) Run(ctx context.Context, sources []SourceConfig) ([]Stats, error) {
	if err := CheckSalt(sources); err != nil {
		return nil, err
	}
	if err := r.checkReload(sources); err != nil {
		return nil, err
	}
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
	err := r.load(ctx, src, &st, dataset.Meta{SourceSystem: src.System, Version: uint64(started.UnixNano()), RunDay: runDay(started)})
	if err != nil {
		err = scrubbed{err}
	}
	// A cancelled run (SIGTERM) is recorded too: the ledger must say it stopped and what it stored.
	rctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 10*time.Second)
	defer cancel()
	if rerr := r.recordRun(rctx, src, st, started, err); rerr != nil && err == nil {
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
		return files.Open(r.DropDir, *src.File, loaded, r.Reload)
	case src.Kind == "http" && src.HTTP != nil:
		wm, err := r.Watermark(ctx, src.Name)
		if err != nil {
			return nil, err
		}
		cfg := *src.HTTP
		if cfg.Log == nil {
			cfg.Log = logWriter{r} // retry lines quote the URL: scrubbed like every other line
		}
		return httpapi.Open(cfg, wm)
	case src.Kind == "sql" && src.SQL != nil:
		wm, err := r.Watermark(ctx, src.Name)
		if err != nil {
			return nil, err
		}
		return sqldb.Open(ctx, *src.SQL, wm)
	}
	return nil, fmt.Errorf("unknown source kind %q", src.Kind)
}

func (r *Runner) load(ctx context.Context, src SourceConfig, st *Stats, meta dataset.Meta) error {
	ents, err := r.enterprises(ctx)
	if err != nil {
		return err
	}
	ds, err := dataset.New(src.Dataset, dataset.Env{Enterprises: ents})
	if err != nil {
		return err
	}
	if src.File != nil && ds.ReadsLines() {
		f := *src.File
		f.CSVLines = true // CSV rows go from the chunk's text to Arrow (dataset.ReadsLines)
		src.File = &f
	}
	conn, err := r.open(ctx, src)
	if err != nil {
		return err
	}
	defer conn.Close()
	sent, err := r.loadedPaths(ctx, src)
	if err != nil {
		return err
	}
	// The next batches are read and transformed while the current one is inserted; the server
	// and this process then work at the same time, as clickhouse-client's streaming insert does.
	// Batches are stored and checkpointed strictly in order.
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	// Unbuffered: a transformed batch waits in prepare until the store loop takes it, so
	// at most one batch waits between the two (each in flight costs memory, see prepare).
	ready := make(chan prepared)
	go r.prepare(ctx, conn, ds, src, st.RunID, meta, ready)
	defer func() {
		cancel()
		for p := range ready { // free what the producer made before it saw the cancel
			p.release()
		}
	}()
	arch := r.newArchiver()
	defer arch.close()
	var file fileTotals // a chunked file's counts, recorded when its last chunk is in
	var stream *chload.Stream
	defer func() {
		if stream != nil {
			stream.Abort()
		}
	}()
	for p := range ready {
		if p.err != nil {
			return p.err
		}
		b, res := p.b, p.res
		if b.Seen {
			st.Skipped++
			continue
		}
		if err := r.checkKeys(ctx, ds, src, &p); err != nil {
			p.release()
			return fmt.Errorf("%s: %w", b.Locator, err)
		}
		if len(res.Ignored) > 0 && file.read == 0 {
			r.logf("  %s: 忽略未知列 (ignored columns) %s", b.Locator, strings.Join(res.Ignored, "、"))
		}
		if b.Hash != "" && file.read == 0 && sent[b.Locator] {
			// A re-sent file replaces its earlier rows: those it no longer lists go too.
			if err := r.DB.DeleteWhere(ctx, ds.Table, "source_file = ?", b.Locator); err != nil {
				p.release()
				return fmt.Errorf("%s: 删除该文件上次载入的行失败 (remove the rows of its earlier sending): %w", b.Locator, r.clickhouse(err))
			}
		}
		file.add(res)
		arch.add(ds, src, p)
		err = r.store(ctx, src, ds, p, st.RunID, file, &stream, arch)
		p.release()
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
	b       *source.Batch
	id      string // run id and sequence: names the batch in the quarantine and the archive
	res     *dataset.Result
	rejects arrow.RecordBatch // res.Rejects as rows of etl_quarantine; nil when none
	err     error
}

func (p prepared) release() {
	if p.res != nil {
		p.res.Release()
	}
	if p.rejects != nil {
		p.rejects.Release()
	}
}

// transformWorkers validate batches in parallel: one source's reading, validation and the
// server's insert then overlap on a small machine, as clickhouse-client's own streaming does.
const transformWorkers = 2

// prepare reads batches in one goroutine, transforms them in transformWorkers others, and
// hands them to ready in their original order. prepare closes ready when the connector is
// done, fails, or the run is cancelled.
func (r *Runner) prepare(ctx context.Context, conn source.Connector, ds *dataset.Dataset, src SourceConfig, runID string, meta dataset.Meta, ready chan<- prepared) {
	defer close(ready)
	type job struct {
		p    prepared
		done chan prepared
		// The duplicate key check across a file's chunks runs in read order: a batch takes its
		// turn when the one before closes turn, and closes next when done (chunkKeys).
		turn <-chan struct{}
		next chan struct{}
	}
	var keys dataset.FileKeys // the current file's keys, passed along the turns
	first := make(chan struct{})
	close(first)
	// Batches read but not yet handed to ready: the one the ordering loop below waits on and
	// those in order, transformWorkers in all, so both workers stay busy while the reader
	// holds the next batch, and no more (each batch is a chunk's rows, then its Arrow
	// records: a deeper queue held most of a 60 MB CSV file at once).
	jobs := make(chan job, transformWorkers)
	order := make(chan chan prepared, transformWorkers-1) // one promise per batch, in read order
	go func() {
		defer close(jobs)
		defer close(order)
		turn := (<-chan struct{})(first)
		for seq := 1; ; seq++ {
			b, err := conn.Next(ctx)
			if b == nil && err == nil {
				return
			}
			id := fmt.Sprintf("%s-%06d", runID, seq)
			j := job{p: prepared{b: b, id: id, err: err}, done: make(chan prepared, 1), turn: turn, next: make(chan struct{})}
			turn = j.next
			select {
			case order <- j.done:
			case <-ctx.Done():
				return
			}
			jobs <- j // never blocks for long: a worker is free once its promise is taken
			if err != nil {
				return
			}
		}
	}()
	for w := 0; w < transformWorkers; w++ {
		go func() {
			for j := range jobs {
				if j.p.err == nil && !j.p.b.Seen {
					r.transform(ds, src, meta, &j.p)
				}
				select {
				case <-j.turn:
					if err := r.chunkKeys(ctx, ds, &keys, &j.p); err != nil && j.p.err == nil {
						j.p.err = err
					}
				case <-ctx.Done():
				}
				close(j.next)
				if j.p.b != nil && j.p.b.Table != nil {
					j.p.b.Table.Recycle() // its rows are in Arrow now
				}
				if j.p.res != nil && j.p.err == nil {
					j.p.rejects = r.rejectRecord(src.Name, j.p.b, j.p.res.Rejects, j.p.id)
				}
				j.done <- j.p
			}
		}()
	}
	for done := range order {
		var p prepared
		select {
		case p = <-done:
		case <-ctx.Done():
			return
		}
		select {
		case ready <- p:
		case <-ctx.Done():
			p.release()
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

func (r *Runner) transform(ds *dataset.Dataset, src SourceConfig, meta dataset.Meta, p *prepared) {
	b := p.b
	res := &dataset.Result{}
	if b.Table != nil {
		meta.File, meta.FromFile = b.Locator, b.Hash != ""
		// A later chunk of a file carries the file's head rows: with More, that tells every chunk
		// of a file read in several from a file read whole.
		meta.Chunked = meta.FromFile && (b.More || len(b.Table.Head) > 0)
		res = ds.Transform(b.Table, meta)
		if res.Err != nil {
			// Nothing of it is archived or stored, and its checkpoint does not move.
			res.Release()
			p.err = fmt.Errorf("%s: %w；%s", b.Locator, res.Err, settingHint(src, b.Table))
			return
		}
	}
	if b.Err != nil {
		// What could not be parsed is quarantined as one row, so it is listed and not lost.
		res.Read++
		res.Rejects = append(res.Rejects, dataset.Reject{Row: b.ErrRow, Field: "文件", Reason: normalize.RedactPII(b.Err.Error()), Raw: normalize.RedactPII(b.Raw)})
	}
	p.res = res
}

// chunkKeys quarantines the rows of a file's chunk whose key an earlier chunk of the same file
// loaded with other content (dataset.CheckFileKeys; the chunk's own rows were compared by
// Transform). Called for every batch in read order, it forgets a file after its last chunk.
func (r *Runner) chunkKeys(ctx context.Context, ds *dataset.Dataset, keys *dataset.FileKeys, p *prepared) error {
	b := p.b
	if b == nil || b.Seen || p.err != nil || p.res == nil || b.Hash == "" {
		keys.Reset()
		return nil
	}
	if err := dropLoaded(ctx, p.res, ds.CheckFileKeys(keys, b.Table, p.res)); err != nil {
		return err
	}
	if !b.More {
		keys.Reset()
	}
	return nil
}

// checkKeys quarantines the batch's rows that conflict with rows loaded before (keyCheck),
// and then rebuilds its quarantine record; the batch is archived after this, as stored.
func (r *Runner) checkKeys(ctx context.Context, ds *dataset.Dataset, src SourceConfig, p *prepared) error {
	n, err := r.keyCheck(ctx, ds, p)
	if err != nil || n == 0 {
		return err
	}
	if p.rejects != nil {
		p.rejects.Release()
	}
	p.rejects = r.rejectRecord(src.Name, p.b, p.res.Rejects, p.id)
	return nil
}

// store inserts a batch's rows and its rejects, waits until the archive holds the batch, then
// commits the batch's checkpoint. A crash before the commit makes the next run read the batch
// again; facts and quarantine are keyed, so nothing doubles, and neither the table nor the
// archive misses a batch whose checkpoint moved.
//
// The chunks of one file go to the server as one INSERT (stream), a block per chunk, so the
// server writes a chunk while the next is read: the file counts as loaded only after its last
// chunk anyway. Every other batch is its own INSERT, finished before its checkpoint moves.
func (r *Runner) store(ctx context.Context, src SourceConfig, ds *dataset.Dataset, p prepared, runID string, file fileTotals, stream **chload.Stream, arch *archiver) error {
	b, res := p.b, p.res
	if err := r.insertRows(ctx, ds, b, res.Records, stream); err != nil {
		return r.clickhouse(err)
	}
	if p.rejects != nil {
		if _, err := chload.Insert(ctx, r.DB, "etl_quarantine", []arrow.RecordBatch{p.rejects}); err != nil {
			return r.clickhouse(err)
		}
	}
	for _, rej := range res.Rejects {
		r.logf("  隔离 (quarantined) %s 第 %d 行 字段 %s: %s", b.Locator, rej.Row, rej.Field, rej.Reason)
	}
	if (b.Hash != "" && !b.More) || b.Cursor != nil {
		if err := arch.wait(); err != nil {
			return err
		}
	}
	if b.Hash != "" && !b.More {
		if err := r.markLoaded(ctx, src.Name, b, file, runID); err != nil {
			return r.clickhouse(err)
		}
	}
	if b.Cursor != nil {
		if err := r.storeWatermark(ctx, src.Name, *b.Cursor, runID); err != nil {
			return r.clickhouse(err)
		}
	}
	return nil
}

func (r *Runner) insertRows(ctx context.Context, ds *dataset.Dataset, b *source.Batch, recs []arrow.RecordBatch, stream **chload.Stream) (err error) {
	if !b.More && *stream == nil {
		_, err := chload.Insert(ctx, r.DB, ds.Table, recs)
		return err
	}
	defer func() {
		if err != nil && *stream != nil {
			(*stream).Abort()
			*stream = nil
		}
	}()
	if *stream == nil && len(recs) > 0 {
		// A keyed dataset's every chunk is checked against the rows in the table (keyCheck),
		// which reads the parts already written: its file goes as the chunks come, in the
		// server's own parts, not in the smaller sorted ones (with those, the checks of a
		// 1.1 M-row file read 1.2 GB and the load took twice as long).
		sorted := ds.Key == "" && len(ds.KeyWith) == 0
		if *stream, err = chload.Open(ctx, r.DB, ds.Table, recs[0].Schema(), sorted); err != nil {
			return err
		}
	}
	if *stream != nil && len(recs) > 0 {
		if _, err := (*stream).Write(recs); err != nil {
			return err
		}
	}
	if !b.More && *stream != nil {
		err = (*stream).Close()
		*stream = nil
	}
	return err
}

// clickhouse says which server failed, so a run that stops on a dead warehouse says so.
func (r *Runner) clickhouse(err error) error {
	return fmt.Errorf("ClickHouse %s (写入失败 write failed): %w", r.DB.Addr, err)
}

// runDay is the day of t in China time, the day after which event dates are refused.
func runDay(t time.Time) time.Time {
	y, m, d := t.In(china).Date()
	return time.Date(y, m, d, 0, 0, 0, 0, china)
}

var china = time.FixedZone("CST", 8*3600) // China has kept one offset since 1991

func newRunID(t time.Time) string {
	var b [4]byte
	_, _ = rand.Read(b[:])
	// Sortable by time, and free of '-' so a batch id "<run>-<seq>" splits back cleanly.
	return t.Format("20060102T150405") + "." + hex.EncodeToString(b[:])
}

// settingHint says which settings of the sources file decide whether a table fits its dataset.
func settingHint(src SourceConfig, t *source.Table) string {
	if src.Kind != "file" {
		return fmt.Sprintf("请检查数据源 %s 的 dataset 与字段设置 (check dataset: and the fields of source %s)", src.Name, src.Name)
	}
	switch t.Encoding {
	case "xlsx":
		return fmt.Sprintf("请检查数据源 %s 的 sheet 与 dataset 设置 (check sheet: and dataset: of source %s)", src.Name, src.Name)
	case "json":
		return fmt.Sprintf("请检查数据源 %s 的 dataset 设置 (check dataset: of source %s)", src.Name, src.Name)
	}
	how := "自动识别 detected"
	if src.File.Encoding != "" {
		how = "按设置 declared"
	}
	return fmt.Sprintf("文件按 %s 解码 (%s)，请检查数据源 %s 的 encoding 与 dataset 设置 (read as %s: check encoding: and dataset: of source %s)",
		t.Encoding, how, src.Name, t.Encoding, src.Name)
}

// checkReload refuses a --reload glob that could leave the drop folder or that matches no file
// a file source reads: a typo would otherwise reload nothing, silently.
func (r *Runner) checkReload(sources []SourceConfig) error {
	if len(r.Reload) == 0 {
		return nil
	}
	var paths []string
	for _, src := range sources {
		if src.Kind != "file" || src.File == nil {
			continue
		}
		ps, err := files.List(r.DropDir, *src.File)
		if err != nil {
			continue // the source itself fails with this when it runs
		}
		paths = append(paths, ps...)
	}
	for _, g := range r.Reload {
		if err := files.CheckPattern("--reload", g); err != nil {
			return err
		}
		if !slices.ContainsFunc(paths, func(p string) bool { return files.Matches([]string{g}, p) }) {
			return fmt.Errorf("--reload %q 没有匹配到任何数据源读取的文件 (matches no file a source reads in the drop folder %s)", g, r.DropDir)
		}
	}
	return nil
}
