package etl

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"safetydw/etl/dataset"
	"safetydw/etl/source"
)

// A file read in chunks is in the archive only once its last chunk is: a load that stops
// before it (its INSERT given up) leaves neither an archive file nor a temporary one.
func TestArchiverDropsAFileThatStopped(t *testing.T) {
	dir := t.TempDir()
	a := (&Runner{Landing: dir}).newArchiver()
	ds := dataset.SensorReadings()
	tab := &source.Table{Path: "r.csv", Rows: []source.Row{
		{Num: 1, Values: []string{"point_id", "ts", "value", "quality"}},
		{Num: 2, Values: []string{"P1", "2026-01-01 10:00:00", "1.5", "0"}},
		{Num: 3, Values: []string{"P2", "2026-01-01 10:00:00", "2.5", "0"}},
	}}
	res := ds.Transform(tab, dataset.Meta{Version: 1, File: "r.csv", FromFile: true})
	defer res.Release()
	if res.Loaded != 2 {
		t.Fatalf("%d rows loaded, want 2", res.Loaded)
	}
	a.add(ds, SourceConfig{Name: "s"}, prepared{b: &source.Batch{Locator: "r.csv", Hash: "h", More: true}, id: "run-000001", res: res})
	if err := a.wait(); err != nil {
		t.Fatal(err)
	}
	if got := filesIn(t, dir); len(got) != 1 || !strings.HasSuffix(got[0], ".parquet.tmp") {
		t.Errorf("after the first chunk: %v; want only the temporary file", got)
	}
	a.close()
	if got := filesIn(t, dir); len(got) != 0 {
		t.Errorf("after the load stopped: %v; want nothing", got)
	}
}

func filesIn(t *testing.T, dir string) []string {
	var out []string
	err := filepath.WalkDir(dir, func(p string, d os.DirEntry, err error) error {
		if err == nil && !d.IsDir() {
			out = append(out, p)
		}
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}
