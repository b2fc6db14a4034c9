package warehouse

import (
	"bytes"
	_ "embed"
	"encoding/csv"
	"fmt"
)

// dictionaryCSV documents every table and column of the schema. A test checks it against a
// freshly migrated warehouse, so a migration that adds a column without documenting it fails.
//
//go:embed dictionary.csv
var dictionaryCSV []byte

// TableDoc is one table of the data dictionary.
type TableDoc struct {
	Name        string
	Description string // Chinese: what the table holds
	Grain       string // what one row is
	Key         string // the key a row is unique by, and how to read it (FINAL, _deleted)
	Example     string // a query that runs as the analyst account
	Columns     []ColumnDoc
}

// ColumnDoc is one column of the data dictionary.
type ColumnDoc struct {
	Name        string
	Description string
}

// Dictionary reads warehouse/dictionary.csv: a row with an empty column describes the table,
// the rows after it its columns, in file order.
func Dictionary() ([]TableDoc, error) {
	recs, err := csv.NewReader(bytes.NewReader(dictionaryCSV)).ReadAll()
	if err != nil {
		return nil, fmt.Errorf("dictionary.csv: %w", err)
	}
	if len(recs) == 0 || fmt.Sprint(recs[0]) != "[table column description_zh grain key example]" {
		return nil, fmt.Errorf("dictionary.csv: header must be table,column,description_zh,grain,key,example")
	}
	var tables []TableDoc
	index := map[string]int{}
	for n, r := range recs[1:] {
		line := n + 2
		table, column, desc := r[0], r[1], r[2]
		if table == "" || desc == "" {
			return nil, fmt.Errorf("dictionary.csv line %d: table and description_zh are required", line)
		}
		if column == "" {
			if _, dup := index[table]; dup {
				return nil, fmt.Errorf("dictionary.csv line %d: table %s described twice", line, table)
			}
			if r[3] == "" || r[4] == "" || r[5] == "" {
				return nil, fmt.Errorf("dictionary.csv line %d: table %s needs grain, key and example", line, table)
			}
			index[table] = len(tables)
			tables = append(tables, TableDoc{Name: table, Description: desc, Grain: r[3], Key: r[4], Example: r[5]})
			continue
		}
		i, ok := index[table]
		if !ok {
			return nil, fmt.Errorf("dictionary.csv line %d: column %s.%s comes before its table's row", line, table, column)
		}
		for _, c := range tables[i].Columns {
			if c.Name == column {
				return nil, fmt.Errorf("dictionary.csv line %d: column %s.%s described twice", line, table, column)
			}
		}
		tables[i].Columns = append(tables[i].Columns, ColumnDoc{Name: column, Description: desc})
	}
	return tables, nil
}
