package adhoc

import (
	"strings"
	"unicode/utf8"

	"github.com/ClickHouse/clickhouse-go/v2"
)

// Hint is a line of advice for the ClickHouse errors analysts meet most, "" for the others.
// The server's own message is always shown too; the hint says what to do about it.
func Hint(q Query, ex *clickhouse.Exception) string {
	switch ex.Code {
	case 62: // SYNTAX_ERROR
		if bareNonASCII(q.SQL) {
			return "中文别名或列名须加引号：AS \"名称\" 或 AS `名称`（18.16 不接受未加引号的中文标识符）" +
				" (quote Chinese aliases and names with double quotes or backticks: 18.16 refuses them bare)"
		}
	case 44: // ILLEGAL_COLUMN
		if strings.Contains(ex.Message, "LowCardinality") {
			return "18.16 只在设置 allow_experimental_low_cardinality_type = 1 时接受 LowCardinality 类型，只读账号不能设置；" +
				"请改用 String，例如 toString(x) 或 CAST(x AS String) (18.16 needs that setting for LowCardinality, which a read-only account cannot set: use String instead)"
		}
	case 60: // UNKNOWN_TABLE
		return "列出可查询的表：safetydw sql --tables；各表与列的说明见看板的数据字典 dictionary.html" +
			" (list the tables with `safetydw sql --tables`; the data dictionary page describes each table and column)"
	case 47: // UNKNOWN_IDENTIFIER
		return "查看表的列：safetydw sql \"DESCRIBE TABLE 表名\"，或看板的数据字典 dictionary.html；中文别名须加引号" +
			" (see a table's columns with DESCRIBE TABLE or the data dictionary; quote Chinese aliases)"
	}
	return ""
}

// bareNonASCII says whether sql has a non-ASCII character outside string literals, quoted
// identifiers and comments: where 18.16 reads it as an identifier and fails.
func bareNonASCII(sql string) bool {
	found := false
	scan(sql, func(i int) int {
		found = found || sql[i] >= utf8.RuneSelf
		return i
	})
	return found
}
