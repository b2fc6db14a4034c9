package queries

import (
	"bytes"
	"context"
	"embed"
	"fmt"
	"io/fs"
	"reflect"
	"strconv"
	"strings"
	"time"

	"gopkg.in/yaml.v3"

	"safetydw/warehouse"
)

//go:embed lists/*.yaml
var listFiles embed.FS

// ListSpec is an item list a refresh freezes beside the metrics (queries/lists/<id>.yaml): rows
// a leader acts on, such as the overdue 重大 hazards, computed as of the refresh's day.
type ListSpec struct {
	ID          string   `yaml:"id"`
	Name        string   `yaml:"name"`
	Topic       string   `yaml:"topic"`
	Description string   `yaml:"description"`
	Columns     []string `yaml:"columns"` // Chinese headers, one per column the source returns
	Source      string   `yaml:"source"`  // SELECT with {as_of}; never the server's clock
}

// List is a list's rows as of a day.
type List struct {
	Spec ListSpec
	Rows [][]string
}

// Lists returns the embedded list specs, checked.
func Lists() ([]ListSpec, error) {
	entries, err := fs.ReadDir(listFiles, "lists")
	if err != nil {
		return nil, err
	}
	var out []ListSpec
	for _, e := range entries {
		body, err := listFiles.ReadFile("lists/" + e.Name())
		if err != nil {
			return nil, err
		}
		var l ListSpec
		dec := yaml.NewDecoder(bytes.NewReader(body))
		dec.KnownFields(true)
		if err := dec.Decode(&l); err != nil {
			return nil, fmt.Errorf("queries/lists/%s: %w", e.Name(), err)
		}
		switch {
		case l.ID+".yaml" != e.Name():
			return nil, fmt.Errorf("queries/lists/%s: id %q must match the file name", e.Name(), l.ID)
		case l.Name == "" || len(l.Columns) == 0 || strings.TrimSpace(l.Source) == "":
			return nil, fmt.Errorf("queries/lists/%s: name, columns and source are required", e.Name())
		case clockCall.MatchString(l.Source):
			return nil, fmt.Errorf("queries/lists/%s: source uses the server clock; use {as_of}", e.Name())
		case scalarInExpr.MatchString(l.Source):
			return nil, fmt.Errorf("queries/lists/%s: a scalar subquery inside an expression fails on a cluster; use {lookup:file:key:value}", e.Name())
		}
		out = append(out, l)
	}
	return out, nil
}

// writeLists computes every list as of the day and stores its rows under the refresh id.
func (st store) writeLists(ctx context.Context, db *warehouse.DB, id uint64, asOf time.Time) error {
	lists, err := Lists()
	if err != nil {
		return err
	}
	for _, l := range lists {
		rows, err := listRows(ctx, db, l, asOf)
		if err != nil {
			return err
		}
		if len(rows) == 0 {
			continue
		}
		b, err := db.PrepareBatch(ctx, "INSERT INTO "+st.lists+" ("+st.id+", as_of, list_id, row_num, cells)")
		if err != nil {
			return err
		}
		for i, r := range rows {
			if err := b.Append(id, asOf, l.ID, uint32(i+1), r); err != nil {
				return err
			}
		}
		if err := b.Send(); err != nil {
			return fmt.Errorf("list %s: %w", l.ID, err)
		}
	}
	return nil
}

// listRows runs a list's query and writes each cell as readers see it.
func listRows(ctx context.Context, db *warehouse.DB, l ListSpec, asOf time.Time) ([][]string, error) {
	rows, err := db.Query(ctx, expandMacros(l.Source, dateLit(asOf)))
	if err != nil {
		return nil, fmt.Errorf("清单 %s 计算失败 (list %s, queries/lists/%s.yaml): %w", l.Name, l.ID, l.ID, err)
	}
	defer rows.Close()
	types := rows.ColumnTypes()
	if len(types) != len(l.Columns) {
		return nil, fmt.Errorf("queries/lists/%s.yaml: the source returns %d columns, columns names %d", l.ID, len(types), len(l.Columns))
	}
	var out [][]string
	for rows.Next() {
		dest := make([]any, len(types))
		for i, t := range types {
			dest[i] = reflect.New(t.ScanType()).Interface()
		}
		if err := rows.Scan(dest...); err != nil {
			return nil, err
		}
		cells := make([]string, len(dest))
		for i, d := range dest {
			cells[i] = cellText(reflect.ValueOf(d).Elem().Interface())
		}
		out = append(out, cells)
	}
	return out, rows.Err()
}

// cellText writes a scanned value as a list shows it: dates as 2006-01-02, empty for NULL.
func cellText(v any) string {
	switch x := v.(type) {
	case nil:
		return ""
	case string:
		return x
	case time.Time:
		if x.Hour() == 0 && x.Minute() == 0 && x.Second() == 0 {
			return x.Format(time.DateOnly)
		}
		return x.In(China).Format("2006-01-02 15:04")
	case float64:
		return strconv.FormatFloat(x, 'f', -1, 64)
	case float32:
		return strconv.FormatFloat(float64(x), 'f', -1, 32)
	}
	rv := reflect.ValueOf(v)
	if rv.Kind() == reflect.Pointer {
		if rv.IsNil() {
			return ""
		}
		return cellText(rv.Elem().Interface())
	}
	return fmt.Sprint(v)
}

// loadLists reads a refresh's (or a snapshot's) lists at its as-of day.
func (st store) loadLists(ctx context.Context, db *warehouse.DB, id uint64, asOf time.Time) (map[string]List, error) {
	specs, err := Lists()
	if err != nil {
		return nil, err
	}
	out := map[string]List{}
	for _, l := range specs {
		out[l.ID] = List{Spec: l}
	}
	rows, err := db.Query(ctx, "SELECT list_id, cells FROM "+st.lists+" WHERE "+st.id+" = ? AND as_of = toDate(?) ORDER BY list_id, row_num", id, asOf.Format(time.DateOnly))
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	for rows.Next() {
		var lid string
		var cells []string
		if err := rows.Scan(&lid, &cells); err != nil {
			return nil, err
		}
		if l, ok := out[lid]; ok {
			l.Rows = append(l.Rows, cells)
			out[lid] = l
		}
	}
	return out, rows.Err()
}
