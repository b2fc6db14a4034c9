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

// FromObjects makes a table of JSON objects (an API page): a header of the keys in first-seen
// order, then one row per object numbered from first.
func FromObjects(locator string, objs []json.RawMessage, first int) *Table {
	j := newJSONRows()
	for i, o := range objs {
		j.add(first+i, o, string(o))
	}
	t := &Table{Path: locator}
	j.table(t)
	return t
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
