package dashboards

import (
	"context"
	"sort"
	"strings"

	"safetydw/warehouse"
)

// dictionaryIntro tells analysts how to use the page.
const dictionaryIntro = "仓库中每张表、每个字段的说明，供分析人员编写查询。用只读账号 analyst 查询：" +
	"safetydw sql \"SELECT …\"（--format csv/xlsx/parquet 导出），已存查询见 safetydw sql --list；" +
	"或 clickhouse-client --user analyst --database safetydw。带 _version 的表查询时加 FINAL 并过滤 _deleted = 0。" +
	"指标结果请查视图 metric_value（最近一次完整计算）。"

// dictTable is one table of the data dictionary with the types the server reports.
type dictTable struct {
	warehouse.TableDoc
	Title   string
	Types   map[string]string
	Missing bool // on the server, not in the dictionary
}

// dictionarySections reads warehouse/dictionary.csv and the live schema's column types, so the
// page shows the schema as it is, not as documented.
func dictionarySections(ctx context.Context, db *warehouse.DB) ([]dictTable, error) {
	docs, err := warehouse.Dictionary()
	if err != nil {
		return nil, err
	}
	// The tables queries name; on a cluster not the shards' local tables under them.
	tables, err := db.Tables(ctx)
	if err != nil {
		return nil, err
	}
	named := map[string]bool{}
	for _, t := range tables {
		named[t] = true
	}
	rows, err := db.Query(ctx, "SELECT table, name, type FROM system.columns WHERE database = ?", db.Database)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	types := map[string]map[string]string{}
	for rows.Next() {
		var table, column, typ string
		if err := rows.Scan(&table, &column, &typ); err != nil {
			return nil, err
		}
		if !named[table] {
			continue
		}
		if types[table] == nil {
			types[table] = map[string]string{}
		}
		types[table][column] = typ
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	var out []dictTable
	for _, d := range docs {
		out = append(out, dictTable{TableDoc: d, Title: tableTitle(d.Description), Types: types[d.Name]})
		delete(types, d.Name)
	}
	// A table the server has and the dictionary lacks (a newer schema) is listed, not hidden.
	var extra []string
	for n := range types {
		extra = append(extra, n)
	}
	sort.Strings(extra)
	for _, n := range extra {
		out = append(out, dictTable{TableDoc: warehouse.TableDoc{Name: n}, Title: "（未登记）", Types: types[n], Missing: true})
	}
	return out, nil
}

// tableTitle is the Chinese name a description starts with: "指标结果表：…" → 指标结果表.
func tableTitle(desc string) string {
	cut := len(desc)
	for _, sep := range []string{"：", "（", "，", "。", ":"} {
		if i := strings.Index(desc, sep); i >= 0 && i < cut {
			cut = i
		}
	}
	t := desc[:cut]
	if r := []rune(t); len(r) > 16 {
		t = string(r[:16]) + "…"
	}
	return t
}

// dictionaryPage renders the dictionary with a table of contents, each table's Chinese title,
// and its example query in a copyable block.
func (s *site) dictionaryPage(dict []dictTable) ([]byte, error) {
	s.ids = map[string]int{}
	var secs []sectionHTML
	var toc []navItem
	for _, d := range dict {
		toc = append(toc, navItem{File: "#t-" + d.Name, Label: d.Name + " " + d.Title})
		type col struct{ Name, Type, Description string }
		var cols []col
		for _, c := range d.Columns {
			typ, ok := d.Types[c.Name]
			if !ok {
				typ = "（库中无此列）"
			}
			cols = append(cols, col{c.Name, typ, c.Description})
		}
		if d.Missing {
			for _, n := range sortedKeys(d.Types) {
				cols = append(cols, col{n, d.Types[n], ""})
			}
		}
		note := d.Description
		if d.Grain != "" {
			note += " 粒度：" + d.Grain + "。键：" + d.Key + "。"
		}
		secs = append(secs, sectionHTML{ID: "t-" + d.Name, Heading: d.Name + " " + d.Title, Note: note,
			Body: s.exec("dictTable", struct {
				Example string
				Columns []col
			}{d.Example, cols})})
	}
	first := []sectionHTML{{Heading: "目录", Body: s.exec("toc", toc)}}
	return s.frame("dictionary.html", "数据字典", dictionaryIntro, nil, append(first, secs...))
}
