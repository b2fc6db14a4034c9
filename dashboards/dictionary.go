package dashboards

import (
	"context"
	"sort"
	"strings"

	"safetydw/warehouse"
)

// dictionaryIntro tells analysts how to use the page; it is the Intro of dictionary.html.
const dictionaryIntro = "仓库中每张表、每个字段的说明，供分析人员编写查询。用只读账号 analyst 查询：" +
	"safetydw sql \"SELECT …\"（--format csv/xlsx/parquet 导出），已存查询见 safetydw sql --list；" +
	"或 clickhouse-client --user analyst --database safetydw。带 _version 的表查询时加 FINAL 并过滤 _deleted = 0。"

// dictionaryPage renders warehouse/dictionary.csv: one section per table, with the grain, key
// and an example query in the note and the columns in a table. Types come from the server's
// system.columns, so the page shows the schema as it is, not as documented.
func dictionaryPage(ctx context.Context, db *warehouse.DB) ([]section, error) {
	docs, err := warehouse.Dictionary()
	if err != nil {
		return nil, err
	}
	rows, err := db.Query(ctx, "SELECT table, name, type FROM system.columns WHERE database = ?", db.Database)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	types := map[string]string{} // table.column → type
	tables := map[string]bool{}
	for rows.Next() {
		var table, column, typ string
		if err := rows.Scan(&table, &column, &typ); err != nil {
			return nil, err
		}
		types[table+"."+column] = typ
		tables[table] = true
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}

	var secs []section
	for _, d := range docs {
		delete(tables, d.Name)
		tbl := &table{Header: []string{"列名", "类型", "说明"}}
		for _, c := range d.Columns {
			typ, ok := types[d.Name+"."+c.Name]
			if !ok {
				typ = "（库中无此列）"
			}
			tbl.Rows = append(tbl.Rows, []string{c.Name, typ, c.Description})
		}
		secs = append(secs, section{
			Heading: d.Name,
			Note:    d.Description + "粒度：" + d.Grain + "。键：" + d.Key + "。示例查询：" + d.Example,
			Table:   tbl,
		})
	}
	// A table the server has and the dictionary lacks (a newer schema) is listed, not hidden.
	if len(tables) > 0 {
		var names []string
		for n := range tables {
			names = append(names, n)
		}
		sort.Strings(names)
		secs = append(secs, section{Heading: "未登记的表", Note: "以下表存在于数据库中，但数据字典尚未说明：" + strings.Join(names, "、")})
	}
	return secs, nil
}
