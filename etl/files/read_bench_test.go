package files

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"testing"

	"github.com/xuri/excelize/v2"
)

// benchRows is the size of the files the reader benchmarks read: large enough that the
// per-row cost dominates, small enough for a quick run.
const benchRows = 50_000

func benchRecord(i int) []any {
	return []any{fmt.Sprintf("FW%08d", i), "兖州区鼓楼街道建设路" + fmt.Sprint(i%300) + "号", "住宅", 1990 + i%35, float64(i%5000) / 10,
		"张*" + fmt.Sprint(i%7), "1370812" + fmt.Sprint(1000+i%9000), "是", "否", "2025-06-3" + fmt.Sprint(i%2), "网格" + fmt.Sprint(i%40), i % 9}
}

var benchHeader = []any{"房屋编号", "地址", "用途", "建成年份", "面积", "房主", "电话", "自建房", "经营", "排查日期", "网格", "层数"}

// BenchmarkReadXLSX reads a 50,000-row, 12-column sheet (strings, numbers, a merged title).
func BenchmarkReadXLSX(b *testing.B) {
	f := excelize.NewFile()
	sw, err := f.NewStreamWriter("Sheet1")
	if err != nil {
		b.Fatal(err)
	}
	_ = sw.SetRow("A1", []any{"房屋排查台账"})
	_ = sw.SetRow("A2", benchHeader)
	for i := 0; i < benchRows; i++ {
		cell, _ := excelize.CoordinatesToCellName(1, i+3)
		if err := sw.SetRow(cell, benchRecord(i)); err != nil {
			b.Fatal(err)
		}
	}
	_ = sw.MergeCell("A1", "L1")
	if err := sw.Flush(); err != nil {
		b.Fatal(err)
	}
	var buf bytes.Buffer
	if err := f.Write(&buf); err != nil {
		b.Fatal(err)
	}
	benchRead(b, "a.xlsx", buf.Bytes(), benchRows+2)
}

// BenchmarkReadJSON reads a JSON array of 50,000 objects of 12 keys.
func BenchmarkReadJSON(b *testing.B) {
	var buf bytes.Buffer
	buf.WriteString("[\n")
	for i := 0; i < benchRows; i++ {
		m := map[string]any{}
		for j, v := range benchRecord(i) {
			m[benchHeader[j].(string)] = v
		}
		if i > 0 {
			buf.WriteString(",\n")
		}
		line, _ := json.Marshal(m)
		buf.Write(line)
	}
	buf.WriteString("\n]\n")
	benchRead(b, "a.json", buf.Bytes(), benchRows+1)
}

func benchRead(b *testing.B, name string, body []byte, rows int) {
	b.ReportAllocs()
	b.SetBytes(int64(len(body)))
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		t, err := Read(name, body, Options{})
		if err != nil || len(t.Rows) != rows {
			b.Fatalf("%v, %d rows", err, len(t.Rows))
		}
	}
	b.ReportMetric(float64(b.N*benchRows)/b.Elapsed().Seconds(), "rows/s")
}

// BenchmarkReadJSONLines reads 50,000 hazard-like JSON Lines records (20 keys, Chinese
// text, a null, a boolean and a nested array) through the connector, in its chunks.
func BenchmarkReadJSONLines(b *testing.B) {
	dir := b.TempDir()
	var buf bytes.Buffer
	for i := 0; i < benchRows; i++ {
		fmt.Fprintf(&buf, `{"hazard_id":"YH%010d","src_id":"ZC-%07d-20230101-16","uscc":"91370812545717861D","town":"新兖镇","level":"一般","channel":"企业自查","found_by_level":"企业","found_by_dept":"","found_date":"2023-01-01","deadline_date":"2023-01-10","is_gua_pai":false,"rectified_date":"2023-01-17","verified_date":null,"verify_dept":"","closed_date":"2023-01-20","status":"已销号","tags":["消防"],"std_clause":"","n":%d,"updated_at":"2023-01-20T17:00:00+08:00"}`+"\n", i, i, i%97)
	}
	if err := os.WriteFile(filepath.Join(dir, "a.jsonl"), buf.Bytes(), 0o644); err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	b.SetBytes(int64(buf.Len()))
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		c, err := Open(dir, Config{Patterns: []string{"a.jsonl"}}, nil, nil)
		if err != nil {
			b.Fatal(err)
		}
		rows := 0
		for {
			bt, err := c.Next(context.Background())
			if err != nil {
				b.Fatal(err)
			}
			if bt == nil {
				break
			}
			rows += len(bt.Table.Rows) - 1
			bt.Table.Recycle()
		}
		c.Close()
		if rows != benchRows {
			b.Fatalf("%d rows", rows)
		}
	}
	b.ReportMetric(float64(b.N*benchRows)/b.Elapsed().Seconds(), "rows/s")
}
