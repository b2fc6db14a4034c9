package landing

import (
	"context"
	"testing"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/memory"
	"github.com/apache/arrow-go/v18/parquet/file"
	"github.com/apache/arrow-go/v18/parquet/pqarrow"
)

// A batch's source_file (the file's name on every row) and _version (the run's) are written as
// dictionaries of one value; point_id, which varies, is written plain. Read back, each column
// holds its 100 values as loaded.
func TestArchiveFoldsConstantColumns(t *testing.T) {
	dir := t.TempDir()
	// Two records of one batch: rows 0-59 and 60-99 (readings: point P(i mod 3), version 1).
	recs := readings(t, 100, "towns/甲镇/readings.csv")
	first, second := recs[0].NewSlice(0, 60), recs[0].NewSlice(60, 100)
	defer first.Release()
	defer second.Release()
	path, err := Archive(dir, "fact_sensor_reading", "s", "towns/甲镇/readings.csv", "run-1", true, []arrow.RecordBatch{first, second})
	if err != nil {
		t.Fatal(err)
	}
	pf, err := file.OpenParquetFile(path, false)
	if err != nil {
		t.Fatal(err)
	}
	defer pf.Close()
	dictionary := map[string]bool{}
	for rg := 0; rg < pf.NumRowGroups(); rg++ {
		md := pf.MetaData().RowGroup(rg)
		for c := 0; c < md.NumColumns(); c++ {
			cc, err := md.ColumnChunk(c)
			if err != nil {
				t.Fatal(err)
			}
			dictionary[pf.MetaData().Schema.Column(c).Name()] = cc.HasDictionaryPage()
		}
	}
	want := map[string]bool{"point_id": false, "ts": false, "value": false, "quality": false, "source_file": true, "_version": true}
	for col, w := range want {
		if dictionary[col] != w {
			t.Errorf("column %s: dictionary page %v, want %v", col, dictionary[col], w)
		}
	}
	fr, err := pqarrow.NewFileReader(pf, pqarrow.ArrowReadProperties{}, memory.DefaultAllocator)
	if err != nil {
		t.Fatal(err)
	}
	tbl, err := fr.ReadTable(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	defer tbl.Release()
	if tbl.NumRows() != 100 {
		t.Fatalf("%d rows read back, want 100", tbl.NumRows())
	}
	files, points, versions := 0, map[string]int{}, 0
	for i := 0; i < int(tbl.NumCols()); i++ {
		for _, chunk := range tbl.Column(i).Data().Chunks() {
			for r := 0; r < chunk.Len(); r++ {
				// A reader may give the dictionary columns back as dictionaries or plain.
				v := chunk.ValueStr(r)
				if d, ok := chunk.(*array.Dictionary); ok {
					v = d.Dictionary().ValueStr(d.GetValueIndex(r))
				}
				switch tbl.Schema().Field(i).Name {
				case "source_file":
					if v == "towns/甲镇/readings.csv" {
						files++
					}
				case "_version":
					if v == "1" {
						versions++
					}
				case "point_id":
					points[v]++
				}
			}
		}
	}
	// P0 holds rows 0, 3, …, 99: 34; P1 and P2 33 each.
	if files != 100 || versions != 100 || points["P0"] != 34 || points["P1"] != 33 || points["P2"] != 33 {
		t.Errorf("source_file right on %d rows, _version on %d, points %v; want 100, 100, P0 34, P1 33, P2 33", files, versions, points)
	}
}

// A column that varies in a later record of the batch, or holds a NULL, stays as it is.
func TestConstantNeedsOneValueEverywhere(t *testing.T) {
	a := readings(t, 10, "a.csv")[0]
	b := readings(t, 10, "b.csv")[0]
	defer a.Release()
	defer b.Release()
	file := int(a.Schema().FieldIndices("source_file")[0])
	if v, ok := constant([]arrow.RecordBatch{a, a}, file); !ok || v != "a.csv" {
		t.Errorf("a.csv twice: %v, %v; want constant a.csv", v, ok)
	}
	if _, ok := constant([]arrow.RecordBatch{a, b}, file); ok {
		t.Error("a.csv then b.csv: want not constant")
	}
	point := int(a.Schema().FieldIndices("point_id")[0])
	if _, ok := constant([]arrow.RecordBatch{a}, point); ok {
		t.Error("point_id P0, P1, P2: want not constant")
	}
	empty := a.NewSlice(0, 0)
	defer empty.Release()
	if _, ok := constant([]arrow.RecordBatch{empty}, file); ok {
		t.Error("no rows: want not constant")
	}
}
