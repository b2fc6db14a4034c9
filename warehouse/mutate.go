package warehouse

import (
	"context"
	"fmt"
	"time"

	"github.com/ClickHouse/clickhouse-go/v2/lib/driver"
)

// DeleteWhere removes the rows of table that match where (its ? bound to args like a query's),
// on every shard, and returns once the servers this client reads from no longer hold them.
//
// It is an ALTER … DELETE mutation: 18.16 runs it in the background and has no
// mutations_sync, so this waits on system.mutations. A mutation rewrites only the parts that
// exist when it is made; rows inserted after it are kept, so the caller may insert the
// replacement rows right after this returns.
func (db *DB) DeleteWhere(ctx context.Context, table, where string, args ...any) error {
	local := db.localTable(table)
	q := "ALTER TABLE " + quoteIdent(local) + " DELETE WHERE " + where
	err := db.onEachShard(ctx, table, func(c driver.Conn) error {
		if err := c.Exec(ctx, q, args...); err != nil {
			return err
		}
		return waitMutations(ctx, c, db.Database, local)
	})
	if err != nil {
		return fmt.Errorf("%s: delete where %s: %w", table, where, db.Explain(err))
	}
	return db.SyncReplicas(ctx, table)
}

// waitMutations waits until the table has no unfinished mutation on the server of c.
func waitMutations(ctx context.Context, c driver.Conn, database, table string) error {
	for wait := 10 * time.Millisecond; ; wait = min(2*wait, time.Second) {
		var pending uint64
		if err := c.QueryRow(ctx, "SELECT count() FROM system.mutations WHERE database = ? AND table = ? AND is_done = 0", database, table).Scan(&pending); err != nil {
			return err
		}
		if pending == 0 {
			return nil
		}
		select {
		case <-ctx.Done():
			return fmt.Errorf("删除未完成 (mutation on %s not done): %w", table, ctx.Err())
		case <-time.After(wait):
		}
	}
}
