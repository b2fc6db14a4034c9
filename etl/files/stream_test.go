package files

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"
)

// chunkNums opens dir with chunks of two rows and returns each batch's row numbers and More
// flag, or the error that stopped it.
func chunkNums(t *testing.T, dir, pattern string) ([]string, error) {
	t.Helper()
	c, err := Open(dir, Config{Patterns: []string{pattern}, ChunkRows: 2}, nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	var got []string
	for {
		b, err := c.Next(context.Background())
		if err != nil || b == nil {
			return got, err
		}
		var nums []int
		for _, r := range b.Table.Rows {
			nums = append(nums, r.Num)
		}
		got = append(got, fmt.Sprint(nums, b.More))
	}
}

// A wrapped array ({"total": …, "data": [...]}, with a BOM) is read two elements at a time,
// each chunk headed by its own row 0 of keys, elements numbered 1–5 across the chunks. The
// same array cut off inside element 3 gives the first chunk, then an error naming the file
// and the last element read whole, so the file is not marked loaded.
func TestJSONArrayInChunks(t *testing.T) {
	dir := t.TempDir()
	var objs []string
	for i := 1; i <= 5; i++ {
		objs = append(objs, fmt.Sprintf(`{"id": "%d", "n": %d}`, i, i*10))
	}
	body := "\ufeff" + `{"total": 5, "data": [` + strings.Join(objs, ", ") + `], "page": {"next": null}}`
	must(t, os.WriteFile(filepath.Join(dir, "a.json"), []byte(body), 0o644))
	cut := `[` + strings.Join(objs, ", ")
	must(t, os.WriteFile(filepath.Join(dir, "b.json"), []byte(cut[:strings.Index(cut, `{"id": "3"`)+8]), 0o644))

	got, err := chunkNums(t, dir, "a.json")
	if want := "[0 1 2] true|[0 3 4] true|[0 5] false"; err != nil || strings.Join(got, "|") != want {
		t.Errorf("a.json chunks %q, %v; want %q", got, err, want)
	}
	got, err = chunkNums(t, dir, "b.json")
	if strings.Join(got, "|") != "[0 1 2] true" || err == nil || !strings.Contains(err.Error(), "b.json: 不是 JSON 对象数组，文件可能不完整，第 2 个元素之后无法读取") {
		t.Errorf("b.json chunks %q, %v; want one chunk, then an error after element 2", got, err)
	}
}

// Wide JSON records end a chunk by size too: 40,000 lines of exactly 512 bytes, chunks of up
// to 50,000 rows or 4 MiB of text: 4 MiB / 512 = 8,192 rows, four times, then the other 7,232.
func TestJSONLinesChunkBySize(t *testing.T) {
	dir := t.TempDir()
	var b strings.Builder
	for i := 1; i <= 40_000; i++ {
		line := fmt.Sprintf(`{"id": "%06d", "text": "`, i)
		line += strings.Repeat("x", 512-len(line)-2) + `"}`
		b.WriteString(line + "\n")
	}
	must(t, os.WriteFile(filepath.Join(dir, "a.jsonl"), []byte(b.String()), 0o644))
	c, err := Open(dir, Config{Patterns: []string{"a.jsonl"}}, nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	var got []string
	for {
		bt, err := c.Next(context.Background())
		if err != nil {
			t.Fatal(err)
		}
		if bt == nil {
			break
		}
		rows := bt.Table.Rows
		got = append(got, fmt.Sprint(len(rows)-1, rows[1].Num, rows[len(rows)-1].Num, bt.More))
	}
	if want := "8192 1 8192 true|8192 8193 16384 true|8192 16385 24576 true|8192 24577 32768 true|7232 32769 40000 false"; strings.Join(got, "|") != want {
		t.Errorf("chunks %q, want %q", got, want)
	}
}

// byteChunks reads pattern in dir with chunks of up to 1,000 rows or maxBytes, and returns
// each chunk's first and last row number and More flag.
func byteChunks(t *testing.T, dir, pattern string, maxBytes int) []string {
	t.Helper()
	c, err := Open(dir, Config{Patterns: []string{pattern}, ChunkRows: 1000, ChunkBytes: maxBytes}, nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	var got []string
	for {
		b, err := c.Next(context.Background())
		if err != nil {
			t.Fatal(err)
		}
		if b == nil {
			return got
		}
		rows := b.Table.Rows
		got = append(got, fmt.Sprint(len(rows), rows[0].Num, rows[len(rows)-1].Num, b.More))
	}
}

// The byte bound, not the row bound (1,000), ends these CSV chunks. A row holds its values'
// text and 16 bytes per value: the header "id,name" 2+4+32 = 38 bytes, each row "0001,abcdef"
// 4+6+32 = 42. At 600 bytes: header and 14 rows (38+14×42 = 626; 13 rows make 584), lines
// 1–15; then 15 rows (630; 14 make 588), lines 16–30; then the other 11, lines 31–41. At 1
// byte, chunks still hold the 10 rows a header may be among: lines 1–10, …, 41.
func TestCSVChunkByBytes(t *testing.T) {
	dir := t.TempDir()
	// A value's white space counts as it stands in the line (the values are trimmed all the
	// same): each row "0001 , abcdef" holds 5+7+32 = 44 bytes. At 600: header and 13 rows
	// (38+13×44 = 610; 12 make 566), lines 1–14; then 14 rows (616; 13 make 572), lines 15–28;
	// then the other 13, lines 29–41.
	for _, c := range []struct{ row, want600 string }{
		{"%04d,abcdef\n", "15 1 15 true|15 16 30 true|11 31 41 false"},
		{"%04d , abcdef\n", "14 1 14 true|14 15 28 true|13 29 41 false"},
	} {
		var b strings.Builder
		b.WriteString("id,name\n")
		for i := 1; i <= 40; i++ {
			fmt.Fprintf(&b, c.row, i)
		}
		must(t, os.WriteFile(filepath.Join(dir, "a.csv"), []byte(b.String()), 0o644))
		if got := strings.Join(byteChunks(t, dir, "a.csv", 600), "|"); got != c.want600 {
			t.Errorf("rows %q: 600-byte chunks %q, want %q", c.row, got, c.want600)
		}
		if got, want := strings.Join(byteChunks(t, dir, "a.csv", 1), "|"), "10 1 10 true|10 11 20 true|10 21 30 true|10 31 40 true|1 41 41 false"; got != want {
			t.Errorf("rows %q: 1-byte chunks %q, want %q", c.row, got, want)
		}
	}
}

// XLSX rows end a chunk by bytes too; a sheet row holds its values' text, 16 bytes per value
// and its raw text (the cells joined by tabs), and the values' text is counted as the raw's:
// the header "id\tname" 2×7+32 = 46 bytes, each row "0001\tabcdef" 2×11+32 = 54. At 600:
// header and 11 rows (46+11×54 = 640; 10 make 586), rows 1–12; then 12 rows (648; 11 make
// 594), rows 13–24; then the other 6, rows 25–30. The header is repeated in Head, not Rows.
func TestXLSXChunkByBytes(t *testing.T) {
	dir := t.TempDir()
	f := excelize.NewFile()
	must(t, f.SetSheetRow("Sheet1", "A1", &[]any{"id", "name"}))
	for i := 1; i <= 29; i++ {
		cell, _ := excelize.CoordinatesToCellName(1, i+1)
		must(t, f.SetSheetRow("Sheet1", cell, &[]any{fmt.Sprintf("%04d", i), "abcdef"}))
	}
	must(t, f.SaveAs(filepath.Join(dir, "a.xlsx")))
	if got, want := strings.Join(byteChunks(t, dir, "a.xlsx", 600), "|"), "12 1 12 true|12 13 24 true|6 25 30 false"; got != want {
		t.Errorf("600-byte chunks %q, want %q", got, want)
	}
}
