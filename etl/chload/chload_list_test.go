package chload_test

import (
	"context"
	"slices"
	"testing"
	"time"

	"safetydw/etl/chload"
	"safetydw/etl/dataset"
	"safetydw/etl/source"
	"safetydw/warehouse/warehousetest"
)

// A StringList column reaches an Array(String) column, and DateTime and NullableDateTime
// columns keep their instant (or NULL), through the whole path: text → dataset → Arrow →
// ClickHouse.
func TestListAndDateTimeColumns(t *testing.T) {
	ctx := context.Background()
	db := warehousetest.Empty(t)
	if err := db.Exec(ctx, `CREATE TABLE lists (id String, tags Array(String), at DateTime('Asia/Shanghai'),
		done Nullable(DateTime('Asia/Shanghai')))
		ENGINE = MergeTree ORDER BY id`); err != nil {
		t.Fatal(err)
	}
	ds := &dataset.Dataset{Name: "lists", Table: "lists", Columns: []dataset.Column{
		{Name: "id", Kind: dataset.String, Headers: []string{"id"}, Required: true},
		{Name: "tags", Kind: dataset.StringList, Headers: []string{"tags"}},
		{Name: "at", Kind: dataset.DateTime, Headers: []string{"at"}, Required: true},
		{Name: "done", Kind: dataset.NullableDateTime, Headers: []string{"done"}},
	}}
	tbl := &source.Table{Rows: []source.Row{
		{Num: 1, Values: []string{"id", "tags", "at", "done"}},
		{Num: 2, Values: []string{"a", `["消防","电气焊"]`, "2024-01-01 08:00:00", "2024-01-02 08:00"}},
		{Num: 3, Values: []string{"b", "", "2024-01-01T08:00:00+08:00", ""}},
		{Num: 4, Values: []string{"c", "专项、四不两直、专项", "2024-06-30 23:59:59", ""}},
		{Num: 5, Values: []string{"d", `["消防"`, "2024-06-30 23:59:59", ""}}, // broken JSON list
	}}
	res := ds.Transform(tbl, dataset.Meta{})
	defer res.Release()
	if res.Loaded != 3 || len(res.Rejects) != 1 || res.Rejects[0].Row != 5 || res.Rejects[0].Field != "tags" {
		t.Fatalf("loaded %d, rejects %+v; want 3 loaded and row 5 rejected on tags", res.Loaded, res.Rejects)
	}
	if n, err := chload.Insert(ctx, db, "lists", res.Records); err != nil || n != 3 {
		t.Fatalf("insert: %d rows, %v", n, err)
	}
	rows, err := db.Query(ctx, "SELECT id, tags, toUnixTimestamp(at), ifNull(toUnixTimestamp(done), 0) FROM lists ORDER BY id")
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	// 2024-01-01 08:00:00 China time is 1704067200 (2024-01-01 00:00:00 UTC); a day later is
	// 1704153600; 0 stands for NULL.
	want := map[string]struct {
		tags       []string
		unix, done uint32
	}{
		"a": {[]string{"消防", "电气焊"}, 1704067200, 1704153600},
		"b": {[]string{}, 1704067200, 0},
		"c": {[]string{"专项", "四不两直"}, 1719763199, 0},
	}
	got := 0
	for rows.Next() {
		var id string
		var tags []string
		var unix, done uint32
		if err := rows.Scan(&id, &tags, &unix, &done); err != nil {
			t.Fatal(err)
		}
		got++
		w := want[id]
		if !slices.Equal(tags, w.tags) || unix != w.unix || done != w.done {
			t.Errorf("%s: tags %q at %d (%s), done %d; want %q at %d, done %d", id, tags, unix, time.Unix(int64(unix), 0).UTC(), done, w.tags, w.unix, w.done)
		}
	}
	if got != 3 {
		t.Errorf("read back %d rows, want 3", got)
	}
}
