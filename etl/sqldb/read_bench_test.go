package sqldb

import (
	"context"
	"os"
	"strconv"
	"strings"
	"testing"
)

// BenchmarkRead reads a whole 前置库 table through the connector, with no warehouse: the
// connector's own cost (query, scan, text) per row. It needs a table made for it:
//
//	SQLDB_BENCH=mysql:QZK_MYSQL_DSN:qzk_drills_cn:更新时间:演练编号 SQLDB_BENCH_CHUNK=5000 \
//	  go test -run XXX -bench BenchmarkRead -benchmem ./etl/sqldb/
//
// (driver:DSN variable:table:updated column:id column; every column of the table is read).
func BenchmarkRead(b *testing.B) {
	spec := strings.Split(os.Getenv("SQLDB_BENCH"), ":")
	if len(spec) != 5 {
		b.Skip("SQLDB_BENCH=driver:dsn_env:table:updated:id not set")
	}
	chunk, _ := strconv.Atoi(os.Getenv("SQLDB_BENCH_CHUNK"))
	cfg := Config{Driver: spec[0], DSNEnv: spec[1], Table: spec[2], UpdatedColumn: spec[3], IDColumn: spec[4], ChunkRows: chunk}
	if cols := os.Getenv("SQLDB_BENCH_COLUMNS"); cols != "" {
		cfg.Columns = strings.Split(cols, ",")
	} else {
		cfg.Columns = []string{spec[3], spec[4]}
	}
	ctx := context.Background()
	rows := 0
	for b.Loop() {
		c, err := Open(ctx, cfg, nil)
		if err != nil {
			b.Fatal(err)
		}
		for {
			bt, err := c.Next(ctx)
			if err != nil {
				b.Fatal(err)
			}
			if bt == nil {
				break
			}
			rows += len(bt.Table.Rows) - 1
		}
		c.Close()
	}
	b.ReportMetric(float64(rows)/b.Elapsed().Seconds(), "rows/s")
	b.ReportMetric(float64(rows)/float64(b.N), "rows/op")
}
