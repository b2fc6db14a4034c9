package dashboards

import (
	"context"
	"strings"
	"testing"

	"safetydw/warehouse"
	"safetydw/warehouse/warehousetest"
)

// Every documented table gets a section whose table lists its columns with the server's types,
// and whose note carries the grain, the key and the example query.
func TestDictionaryPage(t *testing.T) {
	t.Parallel()
	db := warehousetest.New(t)
	secs, err := dictionaryPage(context.Background(), db)
	if err != nil {
		t.Fatal(err)
	}
	docs, err := warehouse.Dictionary()
	if err != nil {
		t.Fatal(err)
	}
	// One section per documented table, then at most one listing tables the dictionary lacks
	// (warehouse's TestDictionaryMatchesSchema is what fails on those).
	if len(secs) < len(docs) || len(secs) > len(docs)+1 {
		t.Fatalf("%d sections for %d documented tables", len(secs), len(docs))
	}
	if len(secs) == len(docs)+1 {
		if extra := secs[len(docs)]; extra.Heading != "未登记的表" {
			t.Fatalf("extra section %q", extra.Heading)
		} else {
			t.Logf("%s: %s", extra.Heading, extra.Note)
		}
	}
	for i, d := range docs {
		s := secs[i]
		if s.Heading != d.Name || s.Table == nil || len(s.Table.Rows) != len(d.Columns) {
			t.Fatalf("section %d: %q with %v, want %s and %d columns", i, s.Heading, s.Table, d.Name, len(d.Columns))
		}
		for _, want := range []string{d.Grain, d.Key, d.Example} {
			if !strings.Contains(s.Note, want) {
				t.Errorf("%s: note lacks %q", d.Name, want)
			}
		}
		for _, row := range s.Table.Rows {
			if row[1] == "" || strings.Contains(row[1], "无此列") {
				t.Errorf("%s.%s has no type from system.columns", d.Name, row[0])
			}
		}
	}
	for _, s := range secs {
		if s.Heading != "fact_drill" {
			continue
		}
		for _, row := range s.Table.Rows {
			if row[0] == "drill_date" && (row[1] != "Date" || row[2] != "演练日期") {
				t.Errorf("fact_drill.drill_date row = %q", row)
			}
		}
	}
}
