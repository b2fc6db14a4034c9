package files

import (
	"os"
	"testing"

	"github.com/xuri/excelize/v2"
)

// The XLSX ceiling on a real workbook (XLSX_BENCH=path/to/file.xlsx; skipped without it):
// BenchmarkXLSXFile reads the first sheet as the loader does (openXLSX, chunks of
// DefaultChunkRows), BenchmarkXLSXExcelize only runs excelize's row iterator over it with the
// same options, so the two differ by our own per-row work (merges, trimming, rows).
//
//	XLSX_BENCH=/tmp/bs/scale10/properties/properties.xlsx go test -run XXX \
//	  -bench 'XLSX(File|Excelize)$' -benchtime 1x -cpuprofile /tmp/x.out ./etl/files/
func xlsxBenchFile(b *testing.B) []byte {
	path := os.Getenv("XLSX_BENCH")
	if path == "" {
		b.Skip("XLSX_BENCH not set")
	}
	body, err := os.ReadFile(path)
	if err != nil {
		b.Fatal(err)
	}
	return body
}

func BenchmarkXLSXFile(b *testing.B) {
	body := xlsxBenchFile(b)
	rows, cells := 0, 0
	for b.Loop() {
		s, err := openXLSX("bench.xlsx", body, "")
		if err != nil {
			b.Fatal(err)
		}
		for eof := false; !eof; {
			t := &Table{}
			if eof, err = s.chunk(t, DefaultChunkRows); err != nil {
				b.Fatal(err)
			}
			rows += len(t.Rows)
			for _, r := range t.Rows {
				cells += len(r.Values)
			}
		}
		s.close()
	}
	b.ReportMetric(float64(rows)/b.Elapsed().Seconds(), "rows/s")
	b.ReportMetric(float64(cells)/b.Elapsed().Seconds(), "cells/s")
}

func BenchmarkXLSXExcelize(b *testing.B) {
	body := xlsxBenchFile(b)
	rows, cells := 0, 0
	for b.Loop() {
		s, err := openXLSX("bench.xlsx", body, "")
		if err != nil {
			b.Fatal(err)
		}
		for s.rows.Next() {
			c, err := s.rows.Columns(excelize.Options{RawCellValue: true})
			if err != nil {
				b.Fatal(err)
			}
			rows++
			cells += len(c)
		}
		s.close()
	}
	b.ReportMetric(float64(rows)/b.Elapsed().Seconds(), "rows/s")
	b.ReportMetric(float64(cells)/b.Elapsed().Seconds(), "cells/s")
}
