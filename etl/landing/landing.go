// Package landing archives every loaded batch as a Parquet file, exactly as it went into
// ClickHouse, and replays the archive into a warehouse. The archive alone can rebuild the
// warehouse's tables: after a lost server, a schema rebuilt from scratch, or to load the
// same history into a second warehouse.
package landing

import (
	"context"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/memory"
	"github.com/apache/arrow-go/v18/parquet"
	"github.com/apache/arrow-go/v18/parquet/compress"
	"github.com/apache/arrow-go/v18/parquet/file"
	"github.com/apache/arrow-go/v18/parquet/pqarrow"

	"safetydw/etl/chload"
	"safetydw/warehouse"
)

// Metadata keys written into each file's Arrow schema.
const (
	keyTable   = "safetydw.table"
	keySource  = "safetydw.source"
	keyLocator = "safetydw.locator"
	// keyFile marks a batch of a whole file ("1"): a later archive of the same source and
	// locator is a re-sent file and replaces it.
	keyFile = "safetydw.file"
)

// Archive writes one batch's records to dir/<table>/<source>/<name>.parquet. The file is
// written under a temporary name and renamed, so a crash never leaves half a file behind.
// file says the batch is (a chunk of) a file of the drop folder, which a re-sent file of the
// same path replaces; archive a file's sending even when no row of it loaded (a record of no
// rows), or a replay would bring back the rows of the sending before.
func Archive(dir, table, source, locator, name string, file bool, recs []arrow.RecordBatch) (string, error) {
	if len(recs) == 0 {
		return "", nil
	}
	w, err := Create(dir, table, source, locator, name, file, recs)
	if err != nil {
		return "", err
	}
	if err := w.Write(recs); err != nil {
		w.Abort()
		return "", err
	}
	return w.Close()
}

// Writer is one archive file taking batches as they come: the chunks of a large file of the
// drop folder go into one Parquet file, its row groups filled across chunks. A file per chunk
// (tens of thousands of rows) built every column's page buffers anew each time: a third of the
// archive's CPU and half its allocations at 20 M sensor readings (BENCHMARKS.md). Nothing is in
// the archive until Close renames the file; Abort leaves nothing.
type Writer struct {
	path, tmp string
	fw        *pqarrow.FileWriter
	in        *arrow.Schema // of the records it takes
	out       *arrow.Schema // as written: the folded columns as dictionaries, timestamps in ms
	folds     []fold
	zeros     []int32 // the folded columns' indices, shared (foldColumns)
}

// rowGroupBytes ends a row group once its compressed pages reach it: they stay in memory
// until the row group is written (a file of sensor readings: ~9 bytes a row).
const rowGroupBytes = 4 << 20

// Create starts an archive file, as Archive names it, for records like recs: a column that
// holds one value on every row of recs is written as a dictionary of it (constant.go).
func Create(dir, table, source, locator, name string, file bool, recs []arrow.RecordBatch) (*Writer, error) {
	folder := filepath.Join(dir, table, safeName(source))
	path := filepath.Join(folder, safeName(name)+".parquet")
	whole := ""
	if file {
		whole = "1"
	}
	md := arrow.NewMetadata([]string{keyTable, keySource, keyLocator, keyFile}, []string{table, source, locator, whole})
	in := recs[0].Schema()
	folds := chooseFolds(recs)
	fields := millisFields(foldFields(in.Fields(), folds))
	if err := os.MkdirAll(folder, 0o755); err != nil {
		return nil, err
	}
	tmp := path + ".tmp"
	f, err := os.Create(tmp)
	if err != nil {
		return nil, err
	}
	props := parquet.NewWriterProperties(dictionaryProps(fields, folds)...)
	fw, err := pqarrow.NewFileWriter(arrow.NewSchema(fields, &md), f, props, pqarrow.NewArrowWriterProperties(pqarrow.WithStoreSchema()))
	if err != nil {
		f.Close()
		os.Remove(tmp)
		return nil, err
	}
	return &Writer{path: path, tmp: tmp, fw: fw, in: in, out: arrow.NewSchema(fields, nil), folds: folds}, nil
}

// Takes reports whether recs can go into this file: the same columns, and the one value of
// each column written as a dictionary on every row.
func (w *Writer) Takes(recs []arrow.RecordBatch) bool {
	for _, rec := range recs {
		if !rec.Schema().Equal(w.in) {
			return false
		}
	}
	return holds(w.folds, recs)
}

// Write adds records the file Takes.
func (w *Writer) Write(recs []arrow.RecordBatch) error {
	for _, rec := range recs {
		n := int(rec.NumRows())
		if len(w.zeros) < n {
			w.zeros = make([]int32, n)
		}
		cols := append([]arrow.Array(nil), rec.Columns()...)
		made := append(foldColumns(w.out, w.folds, cols, w.zeros[:n]), millisColumns(w.out, cols)...)
		out := array.NewRecordBatch(w.out, cols, int64(n))
		err := w.fw.WriteBuffered(out)
		out.Release()
		for _, c := range made {
			c.Release()
		}
		if err != nil {
			return fmt.Errorf("archive %s: %w", w.path, err)
		}
		if w.fw.RowGroupTotalCompressedBytes() >= rowGroupBytes {
			w.fw.NewBufferedRowGroup()
		}
	}
	return nil
}

// Close finishes the file and puts it in the archive under its name.
func (w *Writer) Close() (string, error) {
	if err := w.fw.Close(); err != nil { // also closes the file
		os.Remove(w.tmp)
		return "", fmt.Errorf("archive %s: %w", w.path, err)
	}
	return w.path, os.Rename(w.tmp, w.path)
}

// Abort drops the file.
func (w *Writer) Abort() {
	_ = w.fw.Close()
	os.Remove(w.tmp)
}

// writerProps are cheap to write, for the archive is written on the load's path and read
// back whole by Replay: LZ4 (raw) rather than Snappy, no dictionaries (a sensor value column
// has as many distinct values as rows, and hashing them cost more than the rest of the
// writing) and no column statistics (Replay reads every row, it never skips row groups). The
// archive still comes to about 4 bytes per sensor reading (BENCHMARKS.md). Archives written
// before, with Snappy and dictionaries, read back the same: a Parquet file names its codec and
// encodings.
var writerProps = []parquet.WriterProperty{
	parquet.WithCompression(compress.Codecs.Lz4Raw),
	parquet.WithDictionaryDefault(false),
	parquet.WithStats(false),
	parquet.WithMaxRowGroupLength(1 << 20),
}

func safeName(s string) string {
	return strings.Map(func(r rune) rune {
		if r == '/' || r == '\\' || r == ':' || r == ' ' {
			return '_'
		}
		return r
	}, s)
}

// Stats counts what a replay inserted, per table.
type Stats map[string]int

// Replay inserts every archived file under dir into the table it names, in file-name order
// (names start with the run time), streaming row groups so memory stays bounded. Tables
// are ReplacingMergeTree keyed by natural keys, so replaying over existing rows is safe.
// Of a file of the drop folder sent more than once, only the latest sending is replayed:
// a re-sent file replaced the rows of the earlier ones when it loaded.
func Replay(ctx context.Context, db *warehouse.DB, dir string) (Stats, error) {
	var paths []string
	err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err == nil && !d.IsDir() && strings.HasSuffix(p, ".parquet") {
			paths = append(paths, p)
		}
		return err
	})
	if err != nil {
		return nil, err
	}
	sort.Slice(paths, func(i, j int) bool { return filepath.Base(paths[i]) < filepath.Base(paths[j]) })
	paths, err = latestSendings(paths)
	if err != nil {
		return nil, err
	}
	st := Stats{}
	for _, p := range paths {
		table, n, err := replayFile(ctx, db, p)
		if err != nil {
			return st, fmt.Errorf("%s: %w", p, err)
		}
		st[table] += n
	}
	return st, nil
}

func replayFile(ctx context.Context, db *warehouse.DB, path string) (string, int, error) {
	pf, err := file.OpenParquetFile(path, false)
	if err != nil {
		return "", 0, err
	}
	defer pf.Close()
	fr, err := pqarrow.NewFileReader(pf, pqarrow.ArrowReadProperties{BatchSize: 1 << 17}, memory.DefaultAllocator)
	if err != nil {
		return "", 0, err
	}
	schema, err := fr.Schema()
	if err != nil {
		return "", 0, err
	}
	table, ok := schema.Metadata().GetValue(keyTable)
	if !ok || table == "" {
		return "", 0, fmt.Errorf("not a safetydw archive: no %s in its metadata", keyTable)
	}
	rr, err := fr.GetRecordReader(ctx, nil, nil)
	if err != nil {
		return "", 0, err
	}
	defer rr.Release()
	n := 0
	for rr.Next() {
		rec := rr.RecordBatch()
		k, err := chload.Insert(ctx, db, table, []arrow.RecordBatch{rec})
		if err != nil {
			return table, n, err
		}
		n += k
	}
	if err := rr.Err(); err != nil {
		return table, n, err
	}
	return table, n, nil
}

// latestSendings drops the archives of a file's earlier sendings: of the archives marked as a
// file's with the same table, source and locator, only the latest run's (the name's part before
// "-", sortable by time) are kept. paths are in name order.
func latestSendings(paths []string) ([]string, error) {
	type origin struct{ table, source, locator string }
	run := make([]string, len(paths))
	of := make([]*origin, len(paths))
	latest := map[origin]string{}
	for i, p := range paths {
		md, err := metadata(p)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", p, err)
		}
		if v, _ := md.GetValue(keyFile); v != "1" {
			continue
		}
		o := origin{}
		o.table, _ = md.GetValue(keyTable)
		o.source, _ = md.GetValue(keySource)
		o.locator, _ = md.GetValue(keyLocator)
		run[i], _, _ = strings.Cut(filepath.Base(p), "-")
		of[i] = &o
		latest[o] = max(latest[o], run[i])
	}
	var out []string
	for i, p := range paths {
		if of[i] == nil || run[i] == latest[*of[i]] {
			out = append(out, p)
		}
	}
	return out, nil
}

// metadata reads an archive's key-value metadata (its Arrow schema's) without its rows.
func metadata(path string) (arrow.Metadata, error) {
	pf, err := file.OpenParquetFile(path, false)
	if err != nil {
		return arrow.Metadata{}, err
	}
	defer pf.Close()
	fr, err := pqarrow.NewFileReader(pf, pqarrow.ArrowReadProperties{}, memory.DefaultAllocator)
	if err != nil {
		return arrow.Metadata{}, err
	}
	schema, err := fr.Schema()
	if err != nil {
		return arrow.Metadata{}, err
	}
	return schema.Metadata(), nil
}
