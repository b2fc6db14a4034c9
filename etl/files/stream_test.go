package files

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
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
// to 100,000 rows or 8 MiB of text: 8 MiB / 512 = 16,384 rows, twice, then the other 7,232.
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
	if want := "16384 1 16384 true|16384 16385 32768 true|7232 32769 40000 false"; strings.Join(got, "|") != want {
		t.Errorf("chunks %q, want %q", got, want)
	}
}
