// Package files reads the files that towns and platforms hand over (CSV in UTF-8 or GBK,
// XLSX, JSON and JSON Lines) as plain rows of text, each with its physical row number,
// so that every later error can name the file, the row and the field.
package files

import (
	"bytes"
	"encoding/json"
	"fmt"
	"path/filepath"
	"slices"
	"sort"
	"strings"

	"github.com/xuri/excelize/v2"

	"safetydw/etl/source"
)

// Row and Table are the connector contract's; the aliases keep this package's API readable.
type (
	Row   = source.Row
	Table = source.Table
)

// Options tune reading; the zero value detects everything.
type Options struct {
	Sheet string // XLSX sheet; empty = the first
}

// Read parses a whole XLSX or JSON file. CSV and JSON Lines, which can be any size, are
// read in chunks by the Connector.
func Read(path string, body []byte, o Options) (*Table, error) {
	switch strings.ToLower(filepath.Ext(path)) {
	case ".xlsx", ".xlsm":
		return readXLSX(path, body, o)
	case ".json":
		return readJSON(path, body)
	}
	return nil, fmt.Errorf("%s: 不支持的文件类型 %q，可读 .csv .txt .xlsx .json .jsonl (unsupported file type)", path, filepath.Ext(path))
}

var utf8BOM = []byte{0xEF, 0xBB, 0xBF}

func readXLSX(path string, body []byte, o Options) (*Table, error) {
	// RawCellValue keeps Excel dates as serial numbers, which normalize.Date understands,
	// instead of whatever display format the town's template happens to use.
	f, err := excelize.OpenReader(bytes.NewReader(body), excelize.Options{RawCellValue: true})
	if err != nil {
		return nil, fmt.Errorf("%s: 不是可读的 XLSX 工作簿 (not a readable XLSX file): %w", path, err)
	}
	defer f.Close()
	sheets := f.GetSheetList()
	if len(sheets) == 0 {
		return nil, fmt.Errorf("%s: 工作簿中没有工作表 (the workbook has no sheets)", path)
	}
	sheet := o.Sheet
	if sheet == "" {
		sheet = sheets[0]
	} else if !slices.Contains(sheets, sheet) {
		return nil, fmt.Errorf("%s: 没有名为“%s”的工作表，工作簿中有 %s：请修改数据源的 sheet 设置 (no sheet %q; the workbook has %s: fix sheet: in the sources file)",
			path, sheet, strings.Join(sheets, "、"), sheet, strings.Join(sheets, ", "))
	}
	rows, err := f.GetRows(sheet)
	if err != nil {
		return nil, fmt.Errorf("%s: sheet %q: %w", path, sheet, err)
	}
	if err := fillMerged(body, sheet, rows); err != nil {
		return nil, fmt.Errorf("%s: sheet %q: %w", path, sheet, err)
	}
	if o.Sheet == "" && allBlank(rows) {
		// The first sheet is empty while the data may sit on another: that is a setting to
		// make, not an empty delivery.
		for _, other := range sheets[1:] {
			if more, err := f.GetRows(other); err == nil && !allBlank(more) {
				return nil, fmt.Errorf("%s: 第一个工作表“%s”为空，数据在工作表“%s”：请在数据源中设置 sheet (the first sheet %q is empty and sheet %q has rows: set sheet: in the sources file)",
					path, sheet, other, sheet, other)
			}
		}
	}
	// A sheet stores no cell past a row's last value, so rows come back as long as their last
	// filled cell: every row is given the sheet's full width, as an empty cell is empty.
	width := 0
	for _, rec := range rows {
		width = max(width, len(rec))
	}
	t := &Table{Path: path, Encoding: "xlsx"}
	for i, rec := range rows {
		if blank(rec) {
			continue
		}
		vals := trimAll(rec, width)
		t.Rows = append(t.Rows, Row{Num: i + 1, Values: vals, Raw: strings.Join(vals[:len(rec)], "\t")})
	}
	return t, nil
}

func allBlank(rows [][]string) bool {
	for _, r := range rows {
		if !blank(r) {
			return false
		}
	}
	return true
}

// fillMerged copies the value of a merged range's top-left cell into every cell of it, so
// that a header spread over merged cells still names each column it covers.
func fillMerged(body []byte, sheet string, rows [][]string) error {
	merged, err := sheetMerges(body, sheet)
	if err != nil {
		return err
	}
	for _, m := range merged {
		first, last, _ := strings.Cut(m.ref, ":")
		c1, r1, err1 := excelize.CellNameToCoordinates(first)
		c2, r2, err2 := excelize.CellNameToCoordinates(last)
		if err1 != nil || err2 != nil || r1 > len(rows) {
			continue
		}
		value := ""
		if c1-1 < len(rows[r1-1]) {
			value = rows[r1-1][c1-1]
		}
		for r := r1; r <= r2 && r-1 < len(rows); r++ {
			for c := c1; c <= c2; c++ {
				for len(rows[r-1]) < c {
					rows[r-1] = append(rows[r-1], "")
				}
				rows[r-1][c-1] = value
			}
		}
	}
	return nil
}

// JSON objects become rows whose header is the union of keys in first-seen order.
func readJSON(path string, body []byte) (*Table, error) {
	body = bytes.TrimPrefix(body, utf8BOM)
	var items []json.RawMessage
	if err := json.Unmarshal(body, &items); err != nil {
		// Platforms also wrap the array: {"data": [...]} or {"records": [...]}.
		var wrapped map[string]json.RawMessage
		if err2 := json.Unmarshal(body, &wrapped); err2 != nil {
			return nil, fmt.Errorf("%s: 不是 JSON 对象数组，文件可能不完整 (not a JSON array of objects): %w", path, err)
		}
		keys := make([]string, 0, len(wrapped))
		for k := range wrapped {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		found := false
		for _, k := range keys {
			if json.Unmarshal(wrapped[k], &items) == nil {
				found = true
				break
			}
		}
		if !found {
			return nil, fmt.Errorf("%s: JSON 对象中没有记录数组 (no array of records in the JSON object)", path)
		}
	}
	objs := make([]rawObject, 0, len(items))
	for i, it := range items {
		objs = append(objs, rawObject{num: i + 1, raw: string(it)})
	}
	return objectsToTable(path, objs)
}

type rawObject struct {
	num int
	raw string
}

// FromObjects makes a table of JSON objects (an API page): a header of the keys in first-seen
// order, then one row per object numbered from first.
func FromObjects(locator string, objs []json.RawMessage, first int) *Table {
	raws := make([]rawObject, len(objs))
	for i, o := range objs {
		raws[i] = rawObject{num: first + i, raw: string(o)}
	}
	t, _ := objectsToTable(locator, raws)
	return t
}

// objectsToTable puts a header row first (Num 0) and one row per object. An object that
// does not parse keeps its raw text and an empty value list, so the dataset quarantines it.
func objectsToTable(path string, objs []rawObject) (*Table, error) {
	var keys []string
	seen := map[string]int{}
	parsed := make([]map[string]any, len(objs))
	for i, o := range objs {
		dec := json.NewDecoder(strings.NewReader(o.raw))
		dec.UseNumber()
		var m map[string]any
		if dec.Decode(&m) != nil {
			continue
		}
		parsed[i] = m
		ordered := orderedKeys(o.raw)
		for _, k := range ordered {
			if _, ok := seen[k]; !ok {
				seen[k] = len(keys)
				keys = append(keys, k)
			}
		}
	}
	t := &Table{Path: path, Encoding: "json"}
	t.Rows = append(t.Rows, Row{Num: 0, Values: keys, Raw: strings.Join(keys, ",")})
	for i, o := range objs {
		m := parsed[i]
		if m == nil {
			t.Rows = append(t.Rows, Row{Num: o.num, Raw: o.raw})
			continue
		}
		vals := make([]string, len(keys))
		for k, v := range m {
			vals[seen[k]] = jsonText(v)
		}
		t.Rows = append(t.Rows, Row{Num: o.num, Values: vals, Raw: o.raw})
	}
	return t, nil
}

// orderedKeys returns the top-level keys of a JSON object in document order.
func orderedKeys(raw string) []string {
	dec := json.NewDecoder(strings.NewReader(raw))
	if tok, err := dec.Token(); err != nil || tok != json.Delim('{') {
		return nil
	}
	var keys []string
	for dec.More() {
		tok, err := dec.Token()
		if err != nil {
			return keys
		}
		k, _ := tok.(string)
		keys = append(keys, k)
		var skip json.RawMessage
		if dec.Decode(&skip) != nil {
			return keys
		}
	}
	return keys
}

func jsonText(v any) string {
	switch x := v.(type) {
	case nil:
		return ""
	case string:
		return strings.TrimSpace(x)
	case json.Number:
		return x.String()
	case bool:
		if x {
			return "true"
		}
		return "false"
	}
	b, _ := json.Marshal(v)
	return string(b)
}

// trimAll trims every cell and pads the row with empty cells to width.
func trimAll(rec []string, width int) []string {
	out := make([]string, max(len(rec), width))
	for i, s := range rec {
		out[i] = strings.TrimSpace(strings.TrimPrefix(s, "\ufeff"))
	}
	return out
}

func blank(rec []string) bool {
	for _, s := range rec {
		if strings.TrimSpace(s) != "" {
			return false
		}
	}
	return true
}
