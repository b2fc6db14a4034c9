package warehouse

import (
	"bytes"
	"context"
	"encoding/csv"
	"fmt"
	"sort"
	"strconv"
	"strings"
	"time"

	"safetydw/warehouse/refdata"
)

// refTables maps each reference file to the table that holds it.
var refTables = map[string]string{
	"targets.csv":          "ref_target",
	"towns.csv":            "dim_town",
	"aliases.csv":          "ref_alias",
	"parks.csv":            "dim_park",
	"departments.csv":      "dim_department",
	"industries.csv":       "dim_industry",
	"coal_mines.csv":       "dim_coal_mine",
	"training_cohorts.csv": "ref_training_cohort",
	"parameters.csv":       "ref_parameter",
}

// LoadReference replaces every reference table with the rows of its file in warehouse/refdata.
// Truncate-and-insert keeps it idempotent: the tables hold exactly what the repository says.
func (db *DB) LoadReference(ctx context.Context) (map[string]int, error) {
	files := refdata.Files()
	names := make([]string, 0, len(files))
	for n := range files {
		names = append(names, n)
	}
	sort.Strings(names)
	counts := map[string]int{}
	for _, name := range names {
		table, ok := refTables[name]
		if !ok {
			return nil, fmt.Errorf("reference file %s has no table; add it to refTables", name)
		}
		n, err := db.loadCSV(ctx, table, name, files[name])
		if err != nil {
			return nil, err
		}
		counts[table] = n
	}
	return counts, nil
}

func (db *DB) loadCSV(ctx context.Context, table, name string, body []byte) (int, error) {
	records, err := csv.NewReader(bytes.NewReader(body)).ReadAll()
	if err != nil {
		return 0, fmt.Errorf("%s: %w", name, err)
	}
	if len(records) == 0 {
		return 0, fmt.Errorf("%s: empty file", name)
	}
	header := records[0]
	types, err := db.columnTypes(ctx, table)
	if err != nil {
		return 0, err
	}
	for _, h := range header {
		if _, ok := types[h]; !ok {
			return 0, fmt.Errorf("%s: column %q is not in table %s", name, h, table)
		}
	}
	rows := make([][]any, 0, len(records)-1)
	for i, rec := range records[1:] {
		row := make([]any, len(header))
		for j, h := range header {
			v, err := convertText(rec[j], types[h])
			if err != nil {
				return 0, fmt.Errorf("%s row %d field %s: %w", name, i+2, h, err)
			}
			row[j] = v
		}
		rows = append(rows, row)
	}
	// Every row converted before the table is emptied: a bad file leaves the old rows in place.
	err = db.ReplaceTable(ctx, table, func(ctx context.Context) error {
		b, err := db.PrepareBatch(ctx, "INSERT INTO "+quoteIdent(table)+" ("+strings.Join(header, ", ")+")")
		if err != nil {
			return err
		}
		for i, row := range rows {
			if err := b.Append(row...); err != nil {
				return fmt.Errorf("%s row %d: %w", name, i+2, err)
			}
		}
		if err := b.Send(); err != nil {
			return fmt.Errorf("load %s: %w", name, db.Explain(err))
		}
		return nil
	})
	if err != nil {
		return 0, err
	}
	return len(records) - 1, nil
}

func (db *DB) columnTypes(ctx context.Context, table string) (map[string]string, error) {
	rows, err := db.Query(ctx, "SELECT name, type FROM system.columns WHERE database = ? AND table = ?", db.Database, table)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	types := map[string]string{}
	for rows.Next() {
		var n, t string
		if err := rows.Scan(&n, &t); err != nil {
			return nil, err
		}
		types[n] = t
	}
	if len(types) == 0 {
		return nil, fmt.Errorf("table %s.%s does not exist; run `safetydw migrate`", db.Database, table)
	}
	return types, rows.Err()
}

// convertText turns CSV text into the Go value clickhouse-go expects for a column type.
// Only the types the reference tables use are handled.
func convertText(s, typ string) (any, error) {
	nullable := strings.HasPrefix(typ, "Nullable(")
	if nullable {
		typ = strings.TrimSuffix(strings.TrimPrefix(typ, "Nullable("), ")")
		if s == "" {
			switch typ {
			case "Float64":
				return (*float64)(nil), nil
			case "Date":
				return (*time.Time)(nil), nil
			}
			return nil, fmt.Errorf("nullable %s is not supported", typ)
		}
	}
	switch typ {
	case "String", "LowCardinality(String)":
		return s, nil
	case "UInt8", "UInt16", "UInt32":
		if s == "" {
			s = "0"
		}
		bits, _ := strconv.Atoi(strings.TrimPrefix(typ, "UInt"))
		n, err := strconv.ParseUint(s, 10, bits)
		if err != nil {
			return nil, err
		}
		switch bits {
		case 8:
			return uint8(n), nil
		case 16:
			return uint16(n), nil
		}
		return uint32(n), nil
	case "Float64":
		f, err := strconv.ParseFloat(s, 64)
		if err != nil {
			return nil, err
		}
		if nullable {
			return &f, nil
		}
		return f, nil
	case "Date":
		t, err := time.Parse("2006-01-02", s)
		if err != nil {
			return nil, err
		}
		if nullable {
			return &t, nil
		}
		return t, nil
	}
	return nil, fmt.Errorf("column type %s is not supported for reference files", typ)
}
