package landing

import (
	"context"
	"os"
	"path/filepath"
	"strconv"
	"testing"
	"time"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/parquet"
	"github.com/apache/arrow-go/v18/parquet/compress"
	"github.com/apache/arrow-go/v18/parquet/file"
	"github.com/apache/arrow-go/v18/parquet/pqarrow"

	"safetydw/etl/dataset"
	"safetydw/etl/source"
	"safetydw/warehouse/warehousetest"
)

// oldWriterProps are the archive's settings before the switch to LZ4 without dictionaries.
var oldWriterProps = []parquet.WriterProperty{parquet.WithCompression(compress.Codecs.Snappy), parquet.WithMaxRowGroupLength(1 << 20)}

// readings turns n sensor readings of three points into record batches through the dataset,
// as a load does: row i is point P(i mod 3) at 2026-01-01 10:00 plus i minutes, value i + 0.25.
func readings(t testing.TB, n int, file string) []arrow.RecordBatch {
	t.Helper()
	t0 := time.Date(2026, 1, 1, 10, 0, 0, 0, time.UTC) // read as China time
	tab := &source.Table{Path: file, Rows: []source.Row{{Num: 1, Values: []string{"point_id", "ts", "value", "quality"}}}}
	for i := 0; i < n; i++ {
		ts := t0.Add(time.Duration(i) * time.Minute).Format(time.DateTime)
		tab.Rows = append(tab.Rows, source.Row{Num: i + 2, Values: []string{"P" + strconv.Itoa(i%3), ts, strconv.Itoa(i) + ".25", "0"}})
	}
	res := dataset.SensorReadings().Transform(tab, dataset.Meta{Version: 1, File: file, FromFile: true})
	if res.Err != nil || res.Loaded != n {
		t.Fatalf("transform: %v, %d of %d loaded", res.Err, res.Loaded, n)
	}
	return res.Records
}

// An archive written before the codec changed (Snappy with dictionaries, timestamps handed to
// the writer in seconds, no folded columns) and one written now (LZ4 without, timestamps in
// milliseconds, source_file and _version folded) replay side by side into the same rows: a
// Parquet reader takes each file's own codec and encodings, and Replay any timestamp unit.
// Both files hold ts as the same Parquet type, so other readers see no difference either.
func TestReplayReadsOldAndNewArchives(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	oldPath := writeOldArchive(t, dir, "old", "old.csv", "20261101T000000.aa-000001", readings(t, 100, "old.csv"))
	newPath, err := Archive(dir, "fact_sensor_reading", "new", "new.csv", "20261201T000000.bb-000001", true, readings(t, 100, "new.csv"))
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range []string{oldPath, newPath} {
		pf, err := file.OpenParquetFile(p, false)
		if err != nil {
			t.Fatal(err)
		}
		col := pf.MetaData().Schema.Column(1)
		if col.Name() != "ts" || col.LogicalType().String() != "Timestamp(isAdjustedToUTC=true, timeUnit=milliseconds, is_from_converted_type=false, force_set_converted_type=false)" {
			t.Errorf("%s: column 1 is %s of %s, want ts as a Parquet timestamp in milliseconds", p, col.Name(), col.LogicalType())
		}
		pf.Close()
	}
	db := warehousetest.New(t)
	st, err := Replay(ctx, db, dir)
	if err != nil {
		t.Fatal(err)
	}
	if st["fact_sensor_reading"] != 200 {
		t.Fatalf("replayed %v, want 200 readings", st)
	}
	// Each file: values 0.25 … 99.25 sum to 4950 + 25 = 4975; P0 holds rows 0, 3, … 99 (34 rows).
	for _, file := range []string{"old.csv", "new.csv"} {
		var n, p0 uint64
		var sum float64
		var last string
		q := "SELECT count(), countIf(point_id = 'P0'), sum(value), toString(max(ts)) FROM fact_sensor_reading WHERE source_file = ?"
		if err := db.QueryRow(ctx, q, file).Scan(&n, &p0, &sum, &last); err != nil {
			t.Fatal(err)
		}
		if n != 100 || p0 != 34 || sum != 4975 || last != "2026-01-01 11:39:00" {
			t.Errorf("%s: %d rows, %d of P0, sum %v, last %s; want 100, 34, 4975, 2026-01-01 11:39:00", file, n, p0, sum, last)
		}
	}
}

// BenchmarkArchiveReadings measures the Parquet writing of one 131,072-row batch of sensor
// readings (no ClickHouse): the CPU per row the archive adds to a load, before (Snappy with
// dictionaries) and now (LZ4, no dictionaries, no statistics), and the bytes per row on disk.
func BenchmarkArchiveReadings(b *testing.B) {
	recs := readings(b, dataset.BatchRows, "r.csv")
	for _, c := range []struct {
		name  string
		props []parquet.WriterProperty
	}{{"snappy_dict", oldWriterProps}, {"lz4", writerProps}} {
		b.Run(c.name, func(b *testing.B) {
			saved := writerProps
			writerProps = c.props
			defer func() { writerProps = saved }()
			dir := b.TempDir()
			b.ReportAllocs()
			var size int64
			for i := 0; i < b.N; i++ {
				path, err := Archive(dir, "fact_sensor_reading", "bench", "r.csv", "run-"+strconv.Itoa(i), true, recs)
				if err != nil {
					b.Fatal(err)
				}
				size = fileSize(b, path)
			}
			b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/float64(dataset.BatchRows), "ns/row")
			b.ReportMetric(float64(size)/float64(dataset.BatchRows), "B/row")
		})
	}
}

func fileSize(b *testing.B, path string) int64 {
	fi, err := os.Stat(path)
	if err != nil {
		b.Fatal(err)
	}
	return fi.Size()
}

// BenchmarkArchiveFileOfChunks archives a 1,008,000-row file of sensor readings read in 24
// chunks of 42,000 rows (what the 4 MiB chunk bound makes of them): a Parquet file per chunk, as
// before, against one file for the whole, its row groups filled across chunks (Writer).
func BenchmarkArchiveFileOfChunks(b *testing.B) {
	const chunks, rows = 24, 42_000
	recs := readings(b, rows, "sensors/readings_2026-01.csv")
	b.Run("file_per_chunk", func(b *testing.B) {
		dir := b.TempDir()
		b.ReportAllocs()
		for i := 0; i < b.N; i++ {
			for c := 0; c < chunks; c++ {
				if _, err := Archive(dir, "fact_sensor_reading", "bench", "r.csv", "run-"+strconv.Itoa(i*chunks+c), true, recs); err != nil {
					b.Fatal(err)
				}
			}
		}
		b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/(rows*chunks), "ns/row")
	})
	b.Run("one_file", func(b *testing.B) {
		dir := b.TempDir()
		b.ReportAllocs()
		for i := 0; i < b.N; i++ {
			w, err := Create(dir, "fact_sensor_reading", "bench", "r.csv", "run-"+strconv.Itoa(i), true, recs)
			if err != nil {
				b.Fatal(err)
			}
			for c := 0; c < chunks; c++ {
				if err := w.Write(recs); err != nil {
					b.Fatal(err)
				}
			}
			if _, err := w.Close(); err != nil {
				b.Fatal(err)
			}
		}
		b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/(rows*chunks), "ns/row")
	})
}

// writeOldArchive writes recs as Archive did before its folds and milliseconds: the records as
// they are, with the old codec and dictionaries, and the same metadata.
func writeOldArchive(t *testing.T, dir, source, locator, name string, recs []arrow.RecordBatch) string {
	t.Helper()
	md := arrow.NewMetadata([]string{keyTable, keySource, keyLocator, keyFile}, []string{"fact_sensor_reading", source, locator, "1"})
	folder := filepath.Join(dir, "fact_sensor_reading", source)
	if err := os.MkdirAll(folder, 0o755); err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(folder, name+".parquet")
	f, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	schema := arrow.NewSchema(recs[0].Schema().Fields(), &md)
	fw, err := pqarrow.NewFileWriter(schema, f, parquet.NewWriterProperties(oldWriterProps...), pqarrow.NewArrowWriterProperties(pqarrow.WithStoreSchema()))
	if err != nil {
		t.Fatal(err)
	}
	for _, rec := range recs {
		if err := fw.Write(rec); err != nil {
			t.Fatal(err)
		}
	}
	if err := fw.Close(); err != nil {
		t.Fatal(err)
	}
	return path
}
