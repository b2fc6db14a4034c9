// Package files reads the files that towns and platforms hand over (CSV in UTF-8 or GBK,
// XLSX, JSON and JSON Lines) as plain rows of text, each with its physical row number,
// so that every later error can name the file, the row and the field.
package files

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"math"
	"path/filepath"
	"strings"

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

// Read parses a whole XLSX or JSON file into one table. The Connector reads them, as CSV and
// JSON Lines, in chunks; Read is for a file known to be small.
func Read(path string, body []byte, o Options) (*Table, error) {
	s, err := openStream(path, o.Sheet, func() ([]byte, error) { return body, nil },
		func() (io.ReadCloser, error) { return io.NopCloser(bytes.NewReader(body)), nil })
	if err != nil {
		return nil, err
	}
	defer s.close()
	t := &Table{Path: path}
	_, err = s.chunk(t, math.MaxInt)
	return t, err
}

// openStream opens an XLSX or JSON file for reading in chunks: whole reads the workbook (a zip
// is read whole, it is compressed), open the JSON text as a stream.
func openStream(path, sheet string, whole func() ([]byte, error), open func() (io.ReadCloser, error)) (rowStream, error) {
	switch strings.ToLower(filepath.Ext(path)) {
	case ".xlsx", ".xlsm":
		body, err := whole()
		if err != nil {
			return nil, fmt.Errorf("%s: %w", path, err)
		}
		return openXLSX(path, body, sheet)
	case ".json":
		return openJSON(path, open)
	}
	return nil, fmt.Errorf("%s: 不支持的文件类型 %q，可读 .csv .txt .xlsx .json .jsonl (unsupported file type)", path, filepath.Ext(path))
}

var utf8BOM = []byte{0xEF, 0xBB, 0xBF}

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
		if knownKeys(m, seen) {
			continue // the usual case: records share their keys, whose order is known
		}
		for _, k := range orderedKeys(o.raw) {
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

// knownKeys says whether every key of m is in seen already; only an object with a new key
// is read a second time for the order of its keys.
func knownKeys(m map[string]any, seen map[string]int) bool {
	for k := range m {
		if _, ok := seen[k]; !ok {
			return false
		}
	}
	return true
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
