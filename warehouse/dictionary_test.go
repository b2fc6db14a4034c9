package warehouse_test

import (
	"context"
	"testing"

	"safetydw/warehouse"
	"safetydw/warehouse/warehousetest"
)

// The dictionary and the schema must describe the same tables and columns: a migration that
// adds a column needs a line in warehouse/dictionary.csv, and a dropped one must leave it.
func TestDictionaryMatchesSchema(t *testing.T) {
	t.Parallel()
	db := warehousetest.New(t)
	docs, err := warehouse.Dictionary()
	if err != nil {
		t.Fatal(err)
	}
	documented := map[string]bool{}
	for _, d := range docs {
		documented[d.Name] = true
		for _, c := range d.Columns {
			documented[d.Name+"."+c.Name] = true
		}
	}
	rows, err := db.Query(context.Background(),
		"SELECT table, name FROM system.columns WHERE database = ? ORDER BY table, name", db.Database)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	inSchema := map[string]bool{}
	for rows.Next() {
		var table, column string
		if err := rows.Scan(&table, &column); err != nil {
			t.Fatal(err)
		}
		inSchema[table], inSchema[table+"."+column] = true, true
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	if len(inSchema) == 0 {
		t.Fatal("the migrated warehouse has no columns")
	}
	for name := range inSchema {
		if !documented[name] {
			t.Errorf("%s is in the schema but not in warehouse/dictionary.csv", name)
		}
	}
	for name := range documented {
		if !inSchema[name] {
			t.Errorf("%s is in warehouse/dictionary.csv but not in the schema", name)
		}
	}
}
