package etl_test

import (
	"context"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"safetydw/etl"
	"safetydw/etl/files"
	"safetydw/etl/landing"
	"safetydw/warehouse/warehousetest"
)

// The chunks of a file go into one archive file, named by its first chunk; a column written
// once for the rows so far (point_id P1 on both rows of the first chunk) that changes in a
// later chunk starts a second file. A replay brings back every row.
func TestArchiveOneFilePerFileOfChunks(t *testing.T) {
	ctx := context.Background()
	db := warehousetest.New(t)
	dir, archive := t.TempDir(), t.TempDir()
	// Seven readings, read two rows a chunk: P1 P1 | P2 P3 | P4 P5 | P6.
	text := "point_id,ts,value,quality\n"
	for i, p := range []string{"P1", "P1", "P2", "P3", "P4", "P5", "P6"} {
		text += p + ",2026-01-01 10:0" + string(rune('0'+i)) + ":00," + string(rune('1'+i)) + ".5,0\n"
	}
	if err := os.WriteFile(filepath.Join(dir, "readings.csv"), []byte(text), 0o644); err != nil {
		t.Fatal(err)
	}
	src := etl.SourceConfig{Name: "sensors", Kind: "file", Dataset: "sensor_readings",
		File: &files.Config{Patterns: []string{"readings.csv"}, ChunkRows: 2}}
	if _, err := (&etl.Runner{DB: db, DropDir: dir, Landing: archive}).Run(ctx, []etl.SourceConfig{src}); err != nil {
		t.Fatal(err)
	}
	got := archiveFiles(t, archive)
	// The first chunk alone (P1 written once), then chunks 2-4 in a file named by chunk 2.
	if len(got) != 2 || !strings.HasSuffix(got[0], "-000001.parquet") || !strings.HasSuffix(got[1], "-000002.parquet") {
		t.Fatalf("archive files %v; want two, named by chunks 1 and 2", got)
	}
	fresh := warehousetest.New(t)
	st, err := landing.Replay(ctx, fresh, archive)
	if err != nil {
		t.Fatal(err)
	}
	var n uint64
	var sum float64
	var points string
	if err := fresh.QueryRow(ctx, "SELECT count(), sum(value), arrayStringConcat(groupUniqArray(point_id), ',') FROM fact_sensor_reading WHERE source_file = 'readings.csv'").Scan(&n, &sum, &points); err != nil {
		t.Fatal(err)
	}
	// Values 1.5 … 7.5: 7 × 4.5 = 31.5.
	if st["fact_sensor_reading"] != 7 || n != 7 || sum != 31.5 || len(strings.Split(points, ",")) != 6 {
		t.Errorf("replayed %v: %d rows, sum %v, points %s; want 7 rows, 31.5, six points", st, n, sum, points)
	}
}

// archiveFiles lists the Parquet files of the archive and fails on a temporary file left over.
func archiveFiles(t *testing.T, dir string) []string {
	t.Helper()
	var out []string
	err := filepath.WalkDir(dir, func(p string, d os.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		if strings.HasSuffix(p, ".tmp") {
			t.Errorf("temporary file left in the archive: %s", p)
		}
		if strings.HasPrefix(p, filepath.Join(dir, "fact_sensor_reading")) {
			out = append(out, p)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	sort.Strings(out)
	return out
}
