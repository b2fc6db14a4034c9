package adhoc_test

import (
	"strings"
	"testing"

	"github.com/ClickHouse/clickhouse-go/v2"

	"safetydw/queries/adhoc"
)

func TestHint(t *testing.T) {
	q := func(sql string) adhoc.Query { return adhoc.Query{SQL: sql} }
	cases := []struct {
		sql  string
		ex   clickhouse.Exception
		want string // "" for no hint
	}{
		{"SELECT 1 AS 名称", clickhouse.Exception{Code: 62}, "须加引号"},
		{`SELECT 1 AS "名称", '鼓楼' AS x -- 中文注释`, clickhouse.Exception{Code: 62}, ""}, // every Chinese character quoted
		{"SELECT 1 AS `名称` /* 说明 */ FROM", clickhouse.Exception{Code: 62}, ""},
		// The message 18.16 gives at CREATE without the setting (stack-notes A).
		{"SELECT 1", clickhouse.Exception{Code: 44, Message: "LowCardinality type is not allowed. Set setting allow_experimental_low_cardinality_type = 1"}, "allow_experimental_low_cardinality_type"},
		{"SELECT 1", clickhouse.Exception{Code: 44, Message: "Sorting key cannot contain nullable columns"}, ""},
		{"SELECT * FROM x", clickhouse.Exception{Code: 60}, "safetydw sql --tables"},
		{"SELECT y FROM x", clickhouse.Exception{Code: 47}, "DESCRIBE TABLE"},
		{"SELECT 1", clickhouse.Exception{Code: 159}, ""},
	}
	for _, c := range cases {
		got := adhoc.Hint(q(c.sql), &c.ex)
		if c.want == "" && got != "" || c.want != "" && !strings.Contains(got, c.want) {
			t.Errorf("Hint(%q, %d) = %q, want %q", c.sql, c.ex.Code, got, c.want)
		}
	}
}
