package dashboards

import (
	"context"
	"strings"
	"testing"
	"time"

	"safetydw/queries"
	"safetydw/warehouse"
	"safetydw/warehouse/warehousetest"
)

// Every documented table gets a section with its Chinese title, its columns with the server's
// types, and its example query; a table of contents links to each.
func TestDictionaryPage(t *testing.T) {
	t.Parallel()
	db := warehousetest.New(t)
	dict, err := dictionarySections(context.Background(), db)
	if err != nil {
		t.Fatal(err)
	}
	docs, err := warehouse.Dictionary()
	if err != nil {
		t.Fatal(err)
	}
	if len(dict) < len(docs) {
		t.Fatalf("%d sections for %d documented tables", len(dict), len(docs))
	}
	for _, d := range dict {
		// On a cluster the shards' local tables are not for analysts (make cluster-test runs this).
		if strings.HasSuffix(d.Name, "_local") || d.Missing {
			t.Errorf("section %s (undocumented %v): the dictionary lists only documented tables queries name", d.Name, d.Missing)
		}
	}
	for i, d := range docs {
		if dict[i].Name != d.Name || dict[i].Title == "" {
			t.Fatalf("section %d: %q %q, want %s with a title", i, dict[i].Name, dict[i].Title, d.Name)
		}
		for _, c := range d.Columns {
			if dict[i].Types[c.Name] == "" {
				t.Errorf("%s.%s has no type from system.columns", d.Name, c.Name)
			}
		}
	}
	set := queries.NewSet(mustCatalogue(t), queries.TargetsFromRefdata(), nil, nil)
	set.AsOf = time.Date(2026, 11, 28, 0, 0, 0, 0, time.UTC)
	files, err := Render(set, nil, dict, time.Now())
	if err != nil {
		t.Fatal(err)
	}
	page := string(files["dictionary.html"])
	for _, want := range []string{`<a href="#t-fact_drill">fact_drill 应急演练事实表`, `id="t-fact_drill"`, "复制示例查询", "演练日期"} {
		if !strings.Contains(page, want) {
			t.Errorf("dictionary.html lacks %q", want)
		}
	}
}

func mustCatalogue(t *testing.T) *queries.Catalogue {
	t.Helper()
	c, err := queries.Metrics()
	if err != nil {
		t.Fatal(err)
	}
	return c
}
