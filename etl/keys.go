package etl

import (
	"context"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/ClickHouse/clickhouse-go/v2"
	"github.com/ClickHouse/clickhouse-go/v2/ext"
	"github.com/ClickHouse/clickhouse-go/v2/lib/column"
	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/compute"
	"github.com/apache/arrow-go/v18/arrow/memory"

	"safetydw/etl/dataset"
	"safetydw/etl/normalize"
)

// keyCheck finds the rows of a file batch whose global key (dataset.KeyGlobal) was loaded
// before from another file or source with other content, and turns them into rejects, so
// that no file silently overwrites another's record. It asks the warehouse once per batch,
// for the batch's keys only (sent as external data, GLOBAL IN so a cluster's shards get them),
// and reads through the normal table name, Distributed on a cluster. It runs in the serial
// store loop, so it sees every batch stored before it, of this run too.
//
// Rows of the same file are never a conflict (a re-sent file corrects its own rows), nor are
// rows whose UpdatedAt stamps differ (the source says which state is newer), nor rows of
// incremental sources, whose pages are a system's updates of its own records.
func (r *Runner) keyCheck(ctx context.Context, ds *dataset.Dataset, p *prepared) (int, error) {
	if ds.Key == "" || ds.KeyScope != dataset.KeyGlobal || p.b.Hash == "" || p.res == nil || p.res.Loaded == 0 {
		return 0, nil
	}
	parts, cols := keyColumns(ds), comparedColumns(ds)
	loaded, err := r.loadedElsewhere(ctx, ds, p, parts, cols)
	if err != nil || len(loaded) == 0 {
		return 0, err
	}
	var drop []int
	at := 0 // index of the record's first row among the batch's loaded rows
	for _, rec := range p.res.Records {
		for i := 0; i < int(rec.NumRows()); i++ {
			if rej, ok := conflict(ds, rec, i, parts, cols, loaded, p.b.Locator); ok {
				p.res.Rejects = append(p.res.Rejects, rej)
				drop = append(drop, at+i)
			}
		}
		at += int(rec.NumRows())
	}
	return len(drop), dropLoaded(ctx, p.res, drop)
}

// dropLoaded removes rows from the result's records by their index among all its loaded rows
// (ascending), and from its count; a record without such rows is kept as it is, uncopied.
func dropLoaded(ctx context.Context, res *dataset.Result, drop []int) error {
	res.Loaded -= len(drop)
	at := 0
	for n, rec := range res.Records {
		rows := int(rec.NumRows())
		var here []int
		for len(drop) > 0 && drop[0] < at+rows {
			here = append(here, drop[0]-at)
			drop = drop[1:]
		}
		at += rows
		if len(here) == 0 {
			continue
		}
		keep := array.NewBooleanBuilder(memory.DefaultAllocator)
		for i := 0; i < rows; i++ {
			keep.Append(len(here) == 0 || here[0] != i)
			if len(here) > 0 && here[0] == i {
				here = here[1:]
			}
		}
		mask := keep.NewArray()
		keep.Release()
		kept, err := compute.FilterRecordBatch(ctx, rec, mask, compute.DefaultFilterOptions())
		mask.Release()
		if err != nil {
			return err
		}
		rec.Release()
		res.Records[n] = kept
	}
	return nil
}

// storedRow is a row loaded before: its file and its compared columns as text.
type storedRow struct {
	file string
	vals []string
}

// loadedElsewhere reads, in one query, the rows of the batch's keys that came from another
// file or source, by key text (recordKey).
func (r *Runner) loadedElsewhere(ctx context.Context, ds *dataset.Dataset, p *prepared, parts, cols []dataset.Column) (map[string]storedRow, error) {
	keys, err := keyTable(parts, p.res.Records)
	if err != nil {
		return nil, err
	}
	names := make([]string, len(parts))
	for i, c := range parts {
		names[i] = c.Name
	}
	exprs := make([]string, len(cols))
	for i, c := range cols {
		exprs[i] = storedText(c)
	}
	q := fmt.Sprintf("SELECT %s, source_file, %s FROM %s FINAL WHERE (%s) GLOBAL IN _keys AND source_file != ?",
		keyText(parts), strings.Join(exprs, ", "), ds.Table, strings.Join(names, ", "))
	rows, err := r.DB.Query(clickhouse.Context(ctx, clickhouse.WithExternalTable(keys)), q, p.b.Locator)
	if err != nil {
		return nil, fmt.Errorf("ClickHouse %s: 读取已载入的编号失败 (read loaded keys): %w", r.DB.Addr, err)
	}
	defer rows.Close()
	loaded := map[string]storedRow{}
	for rows.Next() {
		var key string
		s := storedRow{vals: make([]string, len(cols))}
		dest := []any{&key, &s.file}
		for i := range s.vals {
			dest = append(dest, &s.vals[i])
		}
		if err := rows.Scan(dest...); err != nil {
			return nil, err
		}
		loaded[key] = s
	}
	return loaded, rows.Err()
}

// conflict reports row i of rec as a reject when its key was loaded from another file with
// other content.
func conflict(ds *dataset.Dataset, rec arrow.RecordBatch, i int, parts, cols []dataset.Column, loaded map[string]storedRow, file string) (dataset.Reject, bool) {
	key := recordKey(rec, parts, i)
	s, ok := loaded[key]
	if !ok {
		return dataset.Reject{}, false
	}
	vals := make([]string, len(cols))
	raw := make([]string, len(cols))
	for j, c := range cols {
		vals[j] = arrowText(rec.Column(rec.Schema().FieldIndices(c.Name)[0]), i)
		raw[j] = c.Name + "=" + vals[j]
	}
	differ := diff(cols, ds.UpdatedAt, s.vals, vals)
	if len(differ) == 0 {
		return dataset.Reject{}, false
	}
	row := rec.Column(rec.Schema().FieldIndices("source_row")[0]).(*array.Uint32).Value(i)
	return dataset.Reject{
		Row:   int(row),
		Field: keyHeader(ds),
		Reason: fmt.Sprintf("编号冲突 (key conflict): %s 已由文件 %s 载入，本文件 %s 的内容不同 (loaded before from %s; %s differs in): %s",
			strings.ReplaceAll(key, "\x1f", " "), s.file, file, s.file, file, strings.Join(differ, "、")),
		// The row as it would have loaded: personal columns are already masked there.
		Raw: normalize.RedactPII(strings.Join(raw, ", ")),
	}, true
}

// keyColumns are the columns of the natural key: Key, then KeyWith.
func keyColumns(ds *dataset.Dataset) []dataset.Column {
	var out []dataset.Column
	for _, name := range append([]string{ds.Key}, ds.KeyWith...) {
		for _, c := range ds.Columns {
			if c.Name == name {
				out = append(out, c)
			}
		}
	}
	return out
}

// keyTable is the batch's keys as external data for the query, one column per key part in
// the part's own type, so that the tuple IN compares like with like.
func keyTable(parts []dataset.Column, recs []arrow.RecordBatch) (*ext.Table, error) {
	cols := make([]func(*ext.Table) error, len(parts))
	for i, c := range parts {
		typ := "String"
		switch c.Kind {
		case dataset.Date:
			typ = "Date"
		case dataset.DateTime:
			typ = "DateTime"
		}
		cols[i] = ext.Column(fmt.Sprintf("k%d", i), column.Type(typ))
	}
	keys, err := ext.NewTable("_keys", cols...)
	if err != nil {
		return nil, err
	}
	row := make([]any, len(parts))
	for _, rec := range recs {
		arrs := make([]arrow.Array, len(parts))
		for j, c := range parts {
			arrs[j] = rec.Column(rec.Schema().FieldIndices(c.Name)[0])
		}
		for i := 0; i < int(rec.NumRows()); i++ {
			for j, a := range arrs {
				switch a := a.(type) {
				case *array.String:
					row[j] = a.Value(i)
				case *array.Date32:
					row[j] = a.Value(i).ToTime()
				case *array.Timestamp:
					row[j] = time.Unix(int64(a.Value(i)), 0)
				default:
					return nil, fmt.Errorf("key column %s: type %s cannot be a key part", parts[j].Name, a.DataType())
				}
			}
			if err := keys.Append(row...); err != nil {
				return nil, err
			}
		}
	}
	return keys, nil
}

// keyText is the SQL of a stored row's key as recordKey writes a new row's.
func keyText(parts []dataset.Column) string {
	exprs := make([]string, len(parts))
	for i, c := range parts {
		exprs[i] = storedText(c)
	}
	if len(exprs) == 1 {
		return exprs[0] // 18.16's concat wants two arguments at least
	}
	return "concat(" + strings.Join(exprs, ", '\x1f', ") + ")"
}

func recordKey(rec arrow.RecordBatch, parts []dataset.Column, i int) string {
	texts := make([]string, len(parts))
	for j, c := range parts {
		texts[j] = arrowText(rec.Column(rec.Schema().FieldIndices(c.Name)[0]), i)
	}
	return strings.Join(texts, "\x1f")
}

// comparedColumns are the columns read from the source: the others derive from them, or say
// where a row came from, which differs between files by definition.
func comparedColumns(ds *dataset.Dataset) []dataset.Column {
	var out []dataset.Column
	for _, c := range ds.Columns {
		if len(c.Headers) > 0 && c.Name != ds.Key && !slices.Contains(ds.KeyWith, c.Name) {
			out = append(out, c)
		}
	}
	return out
}

// keyHeader is the header word that names the key in source files, for the quarantine.
func keyHeader(ds *dataset.Dataset) string {
	for _, c := range ds.Columns {
		if len(c.Headers) > 0 && (c.Name == ds.Key || c.Name == "src_id") {
			return c.Headers[0]
		}
	}
	return ds.Key
}

// storedText is a column as text the way arrowText writes the same value, so stored and new
// rows compare as strings. Floats are compared as numbers (their text differs between Go and
// ClickHouse); times as Unix seconds, whatever zone the column has.
func storedText(c dataset.Column) string {
	name := c.Name
	switch c.Kind {
	case dataset.DateTime, dataset.NullableDateTime:
		name = "toUInt32(" + name + ")"
	case dataset.Float32, dataset.Float64:
		name = "toFloat64(" + name + ")"
	case dataset.StringList:
		return "arrayStringConcat(" + name + ", '\\x1f')"
	}
	return "ifNull(toString(" + name + "), '')"
}

func arrowText(a arrow.Array, i int) string {
	if a.IsNull(i) {
		return ""
	}
	switch a := a.(type) {
	case *array.String:
		return a.Value(i)
	case *array.Date32:
		return a.Value(i).ToTime().Format("2006-01-02")
	case *array.Timestamp:
		return strconv.FormatInt(int64(a.Value(i)), 10)
	case *array.Float32:
		return strconv.FormatFloat(float64(a.Value(i)), 'g', -1, 64)
	case *array.Float64:
		return strconv.FormatFloat(a.Value(i), 'g', -1, 64)
	case *array.List:
		vals := a.ListValues().(*array.String)
		start, end := a.ValueOffsets(i)
		items := make([]string, 0, end-start)
		for j := start; j < end; j++ {
			items = append(items, vals.Value(int(j)))
		}
		return strings.Join(items, "\x1f")
	}
	return a.ValueStr(i)
}

// diff names the columns whose stored and new text differ; none when the UpdatedAt stamps
// differ, for then the rows are two states of one record.
func diff(cols []dataset.Column, updatedAt string, stored, fresh []string) []string {
	var out []string
	for j, c := range cols {
		same := stored[j] == fresh[j]
		if !same && (c.Kind == dataset.Float32 || c.Kind == dataset.Float64) {
			a, errA := strconv.ParseFloat(stored[j], 64)
			b, errB := strconv.ParseFloat(fresh[j], 64)
			same = errA == nil && errB == nil && a == b
		}
		if same {
			continue
		}
		if c.Name == updatedAt {
			return nil
		}
		out = append(out, c.Name)
	}
	return out
}
