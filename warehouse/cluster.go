package warehouse

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/ClickHouse/clickhouse-go/v2"
	"github.com/ClickHouse/clickhouse-go/v2/lib/driver"
)

// On a cluster every table is two tables: <name>_local holds each shard's rows
// (Replicated*MergeTree, one replica per node of the shard) and <name> is a Distributed table
// over them, so every query, metric and analyst keeps using the plain name.
//
// Dimensions and reference data are sharded too, not replicated whole to every node: on 18.16 a
// shard runs its part of a query in its own default database, so a dimension named in a JOIN or
// IN subquery would be looked up there ("Table default.dim_department doesn't exist"), and only
// a Distributed table of two or more shards makes the initiator compute the subquery itself
// (distributed_product_mode = global) and send its result to the shards. Small tables pay a
// little for that; every query then gives one server's answer whatever the database is called.
const localSuffix = "_local"

// clusterSettings are what every query needs on a cluster; settings the caller gave win. The
// string-valued ones (distributed_product_mode, load_balancing) cannot be sent to 18.16 by
// clickhouse-go; the servers' profiles hold them (clickhouse/cluster.d/cluster-profiles.xml)
// and checkProfile makes sure they do.
func clusterSettings(given clickhouse.Settings) clickhouse.Settings {
	s := clickhouse.Settings{
		// A step reads right after it writes (metrics after a load): a Distributed insert
		// returns only when every shard has its rows, not when they are queued on disk.
		"insert_distributed_sync": 1,
	}
	for k, v := range given {
		s[k] = v
	}
	return s
}

// wantProfile is what the cluster's profiles must set, with why.
var wantProfile = map[string]string{
	"distributed_product_mode": "global",   // a JOIN or IN over two sharded tables equals one server's
	"load_balancing":           "in_order", // a load reads back what it wrote
}

// checkProfile refuses a cluster whose servers lack the settings above: its queries would
// fail (Code 288) or read a replica that has not caught up.
func checkProfile(ctx context.Context, conn driver.Conn) error {
	for name, want := range wantProfile {
		var got string
		if err := conn.QueryRow(ctx, "SELECT value FROM system.settings WHERE name = ?", name).Scan(&got); err != nil {
			return err
		}
		if got != want {
			return fmt.Errorf("集群节点的用户配置缺少设置 (the cluster's user profile lacks a setting): %s is %q, want %q; "+
				"copy warehouse/clickhouse/cluster.d/cluster-profiles.xml into every node's users.d/", name, got, want)
		}
	}
	return nil
}

// Sharded says whether the table's rows are spread over shards: every table on a cluster.
func (db *DB) Sharded(table string) bool { return db.cfg.Deploy.Clustered() }

// localTable is the table that holds the rows of table on each server.
func (db *DB) localTable(table string) string {
	if db.Sharded(table) {
		return table + localSuffix
	}
	return table
}

// CreateDatabase creates the database, on every node of a cluster.
func (db *DB) CreateDatabase(ctx context.Context) error {
	q := "CREATE DATABASE IF NOT EXISTS " + quoteIdent(db.Database) + db.onCluster(db.cfg.Deploy.Cluster)
	if err := db.Exec(ctx, q); err != nil {
		return fmt.Errorf("create database %s: %w", db.Database, db.Explain(err))
	}
	return nil
}

// DropDatabase drops the database and everything in it, on every node of a cluster (and the
// replicated tables' state in ZooKeeper with them).
func (db *DB) DropDatabase(ctx context.Context) error {
	q := "DROP DATABASE IF EXISTS " + quoteIdent(db.Database) + db.onCluster(db.cfg.Deploy.Cluster)
	if err := db.Exec(ctx, q); err != nil {
		return fmt.Errorf("drop database %s: %w", db.Database, db.Explain(err))
	}
	return nil
}

func (db *DB) onCluster(cluster string) string {
	if !db.cfg.Deploy.Clustered() {
		return ""
	}
	return " ON CLUSTER " + quoteIdent(cluster)
}

// DropPartition removes one partition of a table, on every shard and replica. partition is the
// value of the table's partition key (a string or a number), bound like a query parameter.
// When it returns, the servers this client reads from no longer hold the partition.
func (db *DB) DropPartition(ctx context.Context, table string, partition any) error {
	q := "ALTER TABLE " + quoteIdent(db.localTable(table)) + " DROP PARTITION ?"
	if err := db.onEachShard(ctx, table, func(c driver.Conn) error { return c.Exec(ctx, q, partition) }); err != nil {
		return fmt.Errorf("%s: drop partition %v: %w", table, partition, db.Explain(err))
	}
	return db.SyncReplicas(ctx, table)
}

// ReplaceTable empties a table and calls fill to insert its new rows; afterwards every live
// replica holds exactly the new rows. On one server it is TRUNCATE; on a cluster it drops every
// partition instead, because TRUNCATE of a replicated table on 18.16 waits for every replica and
// hangs, holding the table's lock, while one is down. Readers may see the table empty meanwhile.
func (db *DB) ReplaceTable(ctx context.Context, table string, fill func(context.Context) error) error {
	if !db.cfg.Deploy.Clustered() {
		if err := db.Exec(ctx, "TRUNCATE TABLE "+quoteIdent(table)); err != nil {
			return fmt.Errorf("%s: truncate: %w", table, err)
		}
		return fill(ctx)
	}
	parts, err := db.partitions(ctx, db.localTable(table))
	if err != nil {
		return fmt.Errorf("%s: %w", table, err)
	}
	for _, p := range parts {
		q := "ALTER TABLE " + quoteIdent(db.localTable(table)) + " DROP PARTITION ID ?"
		if err := db.onEachShard(ctx, table, func(c driver.Conn) error { return c.Exec(ctx, q, p) }); err != nil {
			return fmt.Errorf("%s: drop partition %s: %w", table, p, db.Explain(err))
		}
	}
	if err := fill(ctx); err != nil {
		return err
	}
	return db.SyncReplicas(ctx, table)
}

// partitions lists the partition ids of a table on every shard.
func (db *DB) partitions(ctx context.Context, local string) ([]string, error) {
	from := "system.parts"
	if db.cfg.Deploy.Clustered() {
		// Each shard has its own partitions; the clusterAllReplicas of later releases does
		// not exist on 18.16, but a replicated cluster's one replica per shard is enough.
		from = "cluster(" + quoteString(db.cfg.Deploy.Cluster) + ", system.parts)"
	}
	rows, err := db.Query(ctx, "SELECT DISTINCT partition_id FROM "+from+" WHERE database = ? AND table = ? AND active ORDER BY partition_id", db.Database, local)
	if err != nil {
		return nil, fmt.Errorf("list partitions: %w", err)
	}
	defer rows.Close()
	var ids []string
	for rows.Next() {
		var id string
		if err := rows.Scan(&id); err != nil {
			return nil, err
		}
		ids = append(ids, id)
	}
	return ids, rows.Err()
}

// Partitions lists the partitions (the partition key's value as text, e.g. 1732862400123 or
// 'sibu_drill_share') that hold rows of any of the tables, on every shard.
func (db *DB) Partitions(ctx context.Context, tables ...string) ([]string, error) {
	from := "system.parts"
	if db.cfg.Deploy.Clustered() {
		from = "cluster(" + quoteString(db.cfg.Deploy.Cluster) + ", system.parts)"
	}
	locals := make([]string, len(tables))
	for i, t := range tables {
		locals[i] = db.localTable(t)
	}
	rows, err := db.Query(ctx, "SELECT DISTINCT partition FROM "+from+" WHERE database = ? AND has(?, table) AND active ORDER BY partition", db.Database, locals)
	if err != nil {
		return nil, fmt.Errorf("list partitions of %s: %w", strings.Join(tables, ", "), err)
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var p string
		if err := rows.Scan(&p); err != nil {
			return nil, err
		}
		out = append(out, p)
	}
	return out, rows.Err()
}

// Optimize merges a table's parts so that each key keeps one row (OPTIMIZE … FINAL), on every
// shard. On a cluster it runs once per shard: the merge is replicated like an insert.
func (db *DB) Optimize(ctx context.Context, table string) error {
	q := "OPTIMIZE TABLE " + quoteIdent(db.localTable(table)) + " FINAL"
	err := db.onEachShard(ctx, table, func(c driver.Conn) error {
		err := c.Exec(ctx, q)
		// 18.16 answers Code 49 "Unknown log entry type: 0" when a replicated table has no
		// part to merge (measured on an empty table); there is nothing to do then.
		var ex *clickhouse.Exception
		if errors.As(err, &ex) && ex.Code == 49 && strings.Contains(ex.Message, "Unknown log entry type") {
			return nil
		}
		return err
	})
	if err != nil {
		return fmt.Errorf("%s: optimize: %w", table, db.Explain(err))
	}
	return db.SyncReplicas(ctx, table)
}

// SyncReplicas waits until every live replica of the tables has fetched every write and drop
// made so far (SYSTEM SYNC REPLICA on each node), so that a client that fails over to another
// node reads what the first one wrote. A node that does not answer is skipped: it catches up
// when it is back. Nothing to do on one server.
func (db *DB) SyncReplicas(ctx context.Context, tables ...string) error {
	if !db.cfg.Deploy.Clustered() {
		return nil
	}
	locals := make([]string, len(tables))
	for i, t := range tables {
		locals[i] = db.localTable(t)
	}
	return db.syncLocal(ctx, locals)
}

func (db *DB) syncLocal(ctx context.Context, locals []string) error {
	nodes, err := db.nodes(ctx, db.cfg.Deploy.NodesCluster)
	if err != nil {
		return err
	}
	for _, n := range nodes {
		err := db.onNode(ctx, n.addr, func(c driver.Conn) error {
			for _, t := range locals {
				if err := c.Exec(ctx, "SYSTEM SYNC REPLICA "+quoteIdent(t)); err != nil {
					return fmt.Errorf("%s on %s: %w", t, n.addr, db.Explain(err))
				}
			}
			return nil
		})
		if err != nil && !errors.Is(err, errNodeDown) {
			return fmt.Errorf("sync replicas: %w", err)
		}
	}
	return nil
}

// Sync is the barrier before a step that reads every shard (metric refresh): it fails when a
// whole shard is down, because what would be read then is only part of the facts, and waits
// until every live replica holds every write to the database's replicated tables.
func (db *DB) Sync(ctx context.Context) error {
	if !db.cfg.Deploy.Clustered() {
		return nil
	}
	if err := db.eachShard(ctx, func(driver.Conn) error { return nil }); err != nil {
		return err
	}
	rows, err := db.Query(ctx, "SELECT name FROM system.tables WHERE database = ? AND engine LIKE 'Replicated%' ORDER BY name", db.Database)
	if err != nil {
		return err
	}
	defer rows.Close()
	var locals []string
	for rows.Next() {
		var n string
		if err := rows.Scan(&n); err != nil {
			return err
		}
		locals = append(locals, n)
	}
	if err := rows.Err(); err != nil {
		return err
	}
	return db.syncLocal(ctx, locals)
}

type node struct {
	shard uint32
	addr  string
}

// nodes lists the nodes of one of the servers' clusters, shard by shard, replicas in order.
func (db *DB) nodes(ctx context.Context, cluster string) ([]node, error) {
	rows, err := db.Query(ctx, "SELECT shard_num, host_address, port FROM system.clusters WHERE cluster = ? ORDER BY shard_num, replica_num", cluster)
	if err != nil {
		return nil, fmt.Errorf("list nodes of cluster %s: %w", cluster, err)
	}
	defer rows.Close()
	var out []node
	for rows.Next() {
		var n node
		var host string
		var port uint16
		if err := rows.Scan(&n.shard, &host, &port); err != nil {
			return nil, err
		}
		n.addr = fmt.Sprintf("%s:%d", host, port)
		out = append(out, n)
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	if len(out) == 0 {
		return nil, fmt.Errorf("the servers know no cluster %q (<remote_servers> in their config; 集群未配置)", cluster)
	}
	return out, nil
}

var errNodeDown = errors.New("node does not answer")

// onNode runs fn on a connection of its own to one node, as this client's user, in its
// database. A node that cannot be reached gives errNodeDown.
func (db *DB) onNode(ctx context.Context, addr string, fn func(driver.Conn) error) error {
	conn, err := clickhouse.Open(&clickhouse.Options{
		Addr:        []string{addr},
		Auth:        clickhouse.Auth{Database: db.Database, Username: db.cfg.User, Password: db.cfg.Password},
		DialTimeout: 2 * time.Second,
		// SYNC REPLICA waits for fetches; a replica that cannot fetch must not hang the caller.
		ReadTimeout: time.Minute,
		Compression: &clickhouse.Compression{Method: clickhouse.CompressionNone},
	})
	if err == nil {
		err = conn.Ping(ctx)
	}
	if err != nil {
		if conn != nil {
			conn.Close()
		}
		return fmt.Errorf("%w: %s: %v", errNodeDown, addr, err)
	}
	defer conn.Close()
	return fn(conn)
}

// onEachShard runs fn once per copy of the table's data: on one server, on its connection; on
// a cluster, on the first live replica of each shard. Replication carries the change to the
// other replicas.
func (db *DB) onEachShard(ctx context.Context, table string, fn func(driver.Conn) error) error {
	if !db.Sharded(table) {
		return fn(db.Conn)
	}
	// On the shard's leader replica: a non-leader forwards DROP PARTITION and OPTIMIZE to the
	// leader, and 18.16 logs in for that as the default user without a password, which a
	// server with an admin password refuses (Code 194).
	return db.eachShardOf(ctx, db.localTable(table), fn)
}

// eachShard runs fn on the first live replica of each shard of the data cluster, and fails
// when a shard has none.
func (db *DB) eachShard(ctx context.Context, fn func(driver.Conn) error) error {
	return db.eachShardOf(ctx, "", fn)
}

// errNotLeader makes eachShardOf try the shard's next replica.
var errNotLeader = errors.New("not the leader replica")

// eachShardOf is eachShard on the leader replica of the local table of each shard, when
// leaderOf names one and the leader is live; else on the first live replica.
func (db *DB) eachShardOf(ctx context.Context, leaderOf string, run func(driver.Conn) error) error {
	fn := run
	if leaderOf != "" {
		fn = func(c driver.Conn) error {
			var leader uint8
			err := c.QueryRow(ctx, "SELECT is_leader FROM system.replicas WHERE database = ? AND table = ?", db.Database, leaderOf).Scan(&leader)
			if err == nil && leader == 0 {
				return errNotLeader
			}
			return run(c)
		}
	}
	nodes, err := db.nodes(ctx, db.cfg.Deploy.Cluster)
	if err != nil {
		return err
	}
	done := map[uint32]bool{}
	var down []string
	followers := map[uint32][]string{}
	for _, n := range nodes {
		if done[n.shard] {
			continue
		}
		err := db.onNode(ctx, n.addr, fn)
		if errors.Is(err, errNodeDown) {
			down = append(down, n.addr)
			continue
		}
		if errors.Is(err, errNotLeader) {
			followers[n.shard] = append(followers[n.shard], n.addr)
			continue
		}
		if err != nil {
			return fmt.Errorf("shard %d (%s): %w", n.shard, n.addr, err)
		}
		done[n.shard] = true
	}
	for _, n := range nodes {
		if done[n.shard] {
			continue
		}
		// No live leader (it is being elected): the first live replica, which forwards.
		if f := followers[n.shard]; len(f) > 0 {
			if err := db.onNode(ctx, f[0], run); err != nil {
				return fmt.Errorf("shard %d (%s): %w", n.shard, f[0], err)
			}
			done[n.shard] = true
			continue
		}
		return fmt.Errorf("shard %d has no live replica (分片全部副本不可用; down: %s)", n.shard, strings.Join(down, ", "))
	}
	return nil
}

// Explain adds what a ClickHouse error means for a cluster, when it comes from a lost
// ZooKeeper: replicated tables turn read-only (Code 242) and ON CLUSTER DDL fails (Code 999).
func (db *DB) Explain(err error) error {
	var ex *clickhouse.Exception
	if err == nil || !db.cfg.Deploy.Clustered() || !errors.As(err, &ex) {
		return err
	}
	zk := db.cfg.Deploy.ZooKeeper
	if zk == "" {
		zk = "see <zookeeper> in the servers' config"
	}
	switch {
	case ex.Code == 242, ex.Code == 999, ex.Code == 225,
		strings.Contains(ex.Message, "ZooKeeper"), strings.Contains(ex.Message, "Coordination"):
		return fmt.Errorf("ZooKeeper (%s) 不可用，复制表只读 (ZooKeeper unavailable: replicated tables are read-only until it is back): %w", zk, err)
	case ex.Code == 279:
		return fmt.Errorf("一个分片的全部副本不可用 (all replicas of a shard are down): %w", err)
	}
	return err
}

func quoteString(s string) string {
	return "'" + strings.NewReplacer(`\`, `\\`, `'`, `\'`).Replace(s) + "'"
}

// Query is the connection's Query with Explain's reading of cluster errors (a server's
// exception may come with the first rows, so the rows explain theirs too).
func (db *DB) Query(ctx context.Context, query string, args ...any) (driver.Rows, error) {
	r, err := db.Conn.Query(ctx, query, args...)
	if err != nil || !db.cfg.Deploy.Clustered() {
		return r, db.Explain(err)
	}
	return explainedRows{Rows: r, db: db}, nil
}

type explainedRows struct {
	driver.Rows
	db *DB
}

func (r explainedRows) Scan(dest ...any) error { return r.db.Explain(r.Rows.Scan(dest...)) }
func (r explainedRows) Err() error             { return r.db.Explain(r.Rows.Err()) }

// QueryRow is the connection's QueryRow with Explain's reading of cluster errors.
func (db *DB) QueryRow(ctx context.Context, query string, args ...any) driver.Row {
	r := db.Conn.QueryRow(ctx, query, args...)
	if !db.cfg.Deploy.Clustered() {
		return r
	}
	return explainedRow{Row: r, db: db}
}

type explainedRow struct {
	driver.Row
	db *DB
}

func (r explainedRow) Scan(dest ...any) error { return r.db.Explain(r.Row.Scan(dest...)) }
func (r explainedRow) Err() error             { return r.db.Explain(r.Row.Err()) }

// Exec is the connection's Exec with Explain's reading of cluster errors.
func (db *DB) Exec(ctx context.Context, query string, args ...any) error {
	return db.Explain(db.Conn.Exec(ctx, query, args...))
}

// PrepareBatch is the connection's PrepareBatch with Explain's reading of cluster errors.
func (db *DB) PrepareBatch(ctx context.Context, query string, opts ...driver.PrepareBatchOption) (driver.Batch, error) {
	b, err := db.Conn.PrepareBatch(ctx, query, opts...)
	return b, db.Explain(err)
}

// SortingKey is the ORDER BY of the table that holds table's rows (on a cluster, each shard's
// local table), as column names; nil when an element is an expression rather than a column.
func (db *DB) SortingKey(ctx context.Context, table string) ([]string, error) {
	var key string
	if err := db.QueryRow(ctx, "SELECT sorting_key FROM system.tables WHERE database = ? AND name = ?", db.Database, db.localTable(table)).Scan(&key); err != nil {
		return nil, fmt.Errorf("sorting key of %s: %w", table, err)
	}
	var cols []string
	for _, c := range strings.Split(key, ",") {
		c = strings.Trim(strings.TrimSpace(c), "`")
		if c == "" || strings.ContainsAny(c, "()+-*/ '\"") {
			return nil, nil
		}
		cols = append(cols, c)
	}
	return cols, nil
}
