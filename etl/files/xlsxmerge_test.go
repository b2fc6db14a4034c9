package files

import (
	"io"
	"slices"
	"testing"

	"github.com/xuri/excelize/v2"
)

// Merged ranges are read from the workbook's XML without excelize's sheet model: a merged
// title, a town name merged down three data rows, and a cell whose text reads like a merge
// element, on the second sheet of a workbook (a sheet found through workbook.xml's rels).
func TestMergedRangesFilled(t *testing.T) {
	f := excelize.NewFile()
	defer f.Close()
	if _, err := f.NewSheet("演练台账"); err != nil {
		t.Fatal(err)
	}
	set := func(cell string, v any) {
		if err := f.SetCellValue("演练台账", cell, v); err != nil {
			t.Fatal(err)
		}
	}
	set("A1", "2025年应急演练台账")
	set("A2", "镇街")
	set("B2", "演练名称")
	set("C2", "参演人数")
	set("A3", "龙桥街道")
	set("B3", `<mergeCell ref="B3:C9"/> 消防演练`)
	set("C3", 20)
	set("B4", "疏散演练")
	set("C4", 30)
	set("B5", "防汛演练")
	set("C5", 40)
	set("A6", "大安镇")
	set("B6", "综合演练")
	set("C6", 50)
	for _, r := range [][2]string{{"A1", "C1"}, {"A3", "A5"}} {
		if err := f.MergeCell("演练台账", r[0], r[1]); err != nil {
			t.Fatal(err)
		}
	}
	buf, err := f.WriteToBuffer()
	if err != nil {
		t.Fatal(err)
	}
	tab, err := Read("drills.xlsx", buf.Bytes(), Options{Sheet: "演练台账"})
	if err != nil {
		t.Fatal(err)
	}
	want := [][]string{
		{"2025年应急演练台账", "2025年应急演练台账", "2025年应急演练台账"},
		{"镇街", "演练名称", "参演人数"},
		{"龙桥街道", `<mergeCell ref="B3:C9"/> 消防演练`, "20"},
		{"龙桥街道", "疏散演练", "30"},
		{"龙桥街道", "防汛演练", "40"},
		{"大安镇", "综合演练", "50"},
	}
	if len(tab.Rows) != len(want) {
		t.Fatalf("%d rows, want %d", len(tab.Rows), len(want))
	}
	for i, r := range tab.Rows {
		if !slices.Equal(r.Values, want[i]) {
			t.Errorf("row %d = %q, want %q", r.Num, r.Values, want[i])
		}
	}
}

// Only element names count as merges: text cannot hold a raw "<", prefixes are allowed, and
// an element cut between two read blocks is still found.
func TestScanMerges(t *testing.T) {
	if !openedTag([]byte(`<x:mergeCell ref`), 3) || !openedTag([]byte(`<mergeCell ref`), 1) {
		t.Error("element names not recognised")
	}
	if openedTag([]byte(`>mergeCell ref`), 1) || openedTag([]byte(`<a b:mergeCell`), 5) {
		t.Error("text taken for an element name")
	}
	pad := make([]byte, 1<<20-20) // the element straddles the first 1 MiB block
	for i := range pad {
		pad[i] = ' '
	}
	doc := `<worksheet><sheetData/>` + string(pad) + `<x:mergeCells count="2"><x:mergeCell ref="A1:N1"/><mergeCell ref="B2:B4"/></x:mergeCells></worksheet>`
	got, err := scanMerges(&slowReader{s: doc})
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 2 || got[0].ref != "A1:N1" || got[1].ref != "B2:B4" {
		t.Errorf("merges = %v, want A1:N1 and B2:B4", got)
	}
}

// slowReader hands out at most 700 KiB per Read, as a decompressor may.
type slowReader struct{ s string }

func (r *slowReader) Read(p []byte) (int, error) {
	if r.s == "" {
		return 0, io.EOF
	}
	n := copy(p[:min(len(p), 700<<10)], r.s)
	r.s = r.s[n:]
	return n, nil
}
