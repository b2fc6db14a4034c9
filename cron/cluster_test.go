//go:build cluster

package cron_test

// Cluster-only tests, run by `make cluster-test` against the local 2 shards × 2 replicas of
// warehouse/clickhouse/cluster.sh (SAFETYDW_DEPLOY=var/cluster/deploy.yaml). They stop and kill
// that cluster's nodes and its ZooKeeper, so they never run in parallel. Node n1 and n2 are
// shard 1, n3 and n4 shard 2; clients connect to n1 first.

import (
	"context"
	"math"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/ClickHouse/clickhouse-go/v2"

	"safetydw/cron"
	"safetydw/etl"
	"safetydw/etl/files"
	"safetydw/etl/httpapi"
	"safetydw/queries"
	"safetydw/sample_data/standin"
	"safetydw/warehouse"
	"safetydw/warehouse/warehousetest"
)

func clusterConfig(t *testing.T) warehouse.Config {
	t.Helper()
	cfg := warehouse.ConfigFromEnv()
	if !cfg.Deploy.Clustered() {
		t.Fatalf("%s must name a cluster deployment; run `make cluster-test`", warehouse.DeployEnv)
	}
	return cfg
}

// clusterCtl runs warehouse/clickhouse/cluster.sh.
func clusterCtl(t *testing.T, args ...string) {
	t.Helper()
	out, err := exec.Command("../warehouse/clickhouse/cluster.sh", args...).CombinedOutput()
	if err != nil {
		t.Fatalf("cluster.sh %s: %v\n%s", strings.Join(args, " "), err, out)
	}
}

// nodeAddr is node n's native address (1-based), from the deployment file.
func nodeAddr(t *testing.T, cfg warehouse.Config, n int) string {
	t.Helper()
	if len(cfg.Deploy.Addrs) < 4 {
		t.Fatalf("the deployment file lists %d nodes, the local cluster has 4", len(cfg.Deploy.Addrs))
	}
	return cfg.Deploy.Addrs[n-1]
}

func samplePipeline(t *testing.T, db *warehouse.DB) *cron.Pipeline {
	t.Helper()
	sources, err := etl.LoadSources("../sample_data/sources.yaml")
	if err != nil {
		t.Fatal(err)
	}
	echarts := filepath.Join("..", "var", "echarts", "package", "dist", "echarts.min.js")
	return &cron.Pipeline{DB: db, DropDir: "../sample_data", Sources: sources, OutDir: t.TempDir() + "/out", EChartsJS: echarts}
}

// metricRow is one value of the metric store.
type metricRow struct {
	key           string // metric, period, unit
	num, den, val float64
}

// metricRows is every value of the metric store, in a fixed order.
func metricRows(t *testing.T, db *warehouse.DB) []metricRow {
	t.Helper()
	// The latest complete refresh, as readers see it; refresh ids differ between databases.
	rows, err := db.Query(context.Background(), `SELECT metric_id, toString(as_of), period_type, toString(period_start),
		toString(period_end), toString(partial), dim_type, dim_code, numerator, denominator, value
		FROM ads_metric_value
		WHERE refresh_id = (SELECT max(refresh_id) FROM ads_metric_refresh WHERE status = 'complete')
		ORDER BY metric_id, as_of, period_type, period_start, dim_type, dim_code`)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var out []metricRow
	for rows.Next() {
		var k [8]string
		var r metricRow
		if err := rows.Scan(&k[0], &k[1], &k[2], &k[3], &k[4], &k[5], &k[6], &k[7], &r.num, &r.den, &r.val); err != nil {
			t.Fatal(err)
		}
		r.key = strings.Join(k[:], " ")
		out = append(out, r)
	}
	return out
}

// sameValue compares two metric values. Counts are whole numbers and must be equal; a sum of
// Float64 (tonnes of coal) depends on the order the shards add it up in, so it may differ in
// the last bits: within 1e-12 of the value is the same number.
func sameValue(a, b float64) bool {
	if math.IsNaN(a) || math.IsNaN(b) { // an undefined value (0 of 0) is undefined in both
		return math.IsNaN(a) && math.IsNaN(b)
	}
	return a == b || math.Abs(a-b) <= 1e-12*math.Max(math.Abs(a), math.Abs(b))
}

// identical is same to the last bit (NaN equal to NaN).
func (r metricRow) identical(o metricRow) bool {
	bits := func(f float64) uint64 { return math.Float64bits(f) }
	return r.key == o.key && bits(r.num) == bits(o.num) && bits(r.den) == bits(o.den) && bits(r.val) == bits(o.val)
}

func (r metricRow) same(o metricRow) bool {
	return r.key == o.key && sameValue(r.num, o.num) && sameValue(r.den, o.den) && sameValue(r.val, o.val)
}

// factCounts counts each fact table's rows as queries see them (FINAL).
func factCounts(t *testing.T, db *warehouse.DB) map[string]uint64 {
	t.Helper()
	tables, err := db.Tables(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	m := map[string]uint64{}
	for _, table := range tables {
		if !strings.HasPrefix(table, "fact_") {
			continue
		}
		var n uint64
		if err := db.QueryRow(context.Background(), "SELECT count() FROM "+table+" FINAL").Scan(&n); err != nil {
			t.Fatal(err)
		}
		m[table] = n
	}
	return m
}

// TestClusterMatchesSingle runs the sample pipeline on one server (node n1 used alone, plain
// tables) and on the cluster: the hand-counted 四不 shares hold in both, and every metric value
// and every fact table's count are the same.
func TestClusterMatchesSingle(t *testing.T) {
	ctx := context.Background()
	cfg := clusterConfig(t)
	single := cfg
	single.Deploy = warehouse.Deploy{Mode: "single"}
	single.Addr = nodeAddr(t, cfg, 1)
	modes := []struct {
		name string
		db   *warehouse.DB
	}{{"single", warehousetest.EmptyOn(t, single)}, {"cluster", warehousetest.EmptyOn(t, cfg)}}
	values := map[string][]metricRow{}
	facts := map[string]map[string]uint64{}
	for _, m := range modes {
		if m.db.Deploy().Mode != m.name {
			t.Fatalf("%s database opened in %s mode", m.name, m.db.Deploy().Mode)
		}
		started := time.Now()
		if _, err := samplePipeline(t, m.db).RunAll(ctx); err != nil {
			t.Fatalf("%s: %v", m.name, err)
		}
		t.Logf("%s: sample pipeline in %.1fs", m.name, time.Since(started).Seconds())
		checkSampleShares(t, m.db)
		values[m.name] = metricRows(t, m.db)
		facts[m.name] = factCounts(t, m.db)
	}
	if tables, _ := modes[1].db.Tables(ctx); len(tables) == 0 {
		t.Fatal("no tables on the cluster")
	}
	s, c := values["single"], values["cluster"]
	if len(s) == 0 {
		t.Fatal("the single server computed no metric values")
	}
	if len(s) != len(c) {
		t.Errorf("%d metric values on one server, %d on the cluster", len(s), len(c))
	}
	exact := 0
	for i := 0; i < len(s) && i < len(c); i++ {
		if !s[i].same(c[i]) {
			t.Errorf("metric value %d: single %+v, cluster %+v", i, s[i], c[i])
		}
		if s[i].identical(c[i]) {
			exact++
		}
	}
	t.Logf("%d metric values, %d of them equal to the last bit", len(s), exact)
	if len(facts["single"]) < 10 {
		t.Errorf("only %d fact tables on one server", len(facts["single"]))
	}
	for table, n := range facts["single"] {
		if facts["cluster"][table] != n {
			t.Errorf("%s: %d rows on one server, %d on the cluster", table, n, facts["cluster"][table])
		}
	}
	// The cluster really spread the facts: both shards hold drills.
	for _, n := range []int{1, 3} {
		if got := onNode(t, nodeAddr(t, cfg, n), modes[1].db.Database, "SELECT count() FROM fact_drill_local"); got == 0 {
			t.Errorf("node n%d (shard %d) holds no drills", n, (n+1)/2)
		}
	}
}

// onNode runs a count query on one node alone.
func onNode(t *testing.T, addr, database, query string) uint64 {
	t.Helper()
	conn, err := clickhouse.Open(&clickhouse.Options{Addr: []string{addr}, Auth: clickhouse.Auth{Database: database, Username: "default", Password: warehouse.ConfigFromEnv().Password}})
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	var n uint64
	if err := conn.QueryRow(context.Background(), query).Scan(&n); err != nil {
		t.Fatalf("%s on %s: %v", query, addr, err)
	}
	return n
}

// replicaCounts counts each replicated table on one node alone (FINAL where the engine
// replaces, so that merges done or not yet done count the same).
func replicaCounts(addr, database string) (map[string]uint64, error) {
	ctx := context.Background()
	conn, err := clickhouse.Open(&clickhouse.Options{Addr: []string{addr}, Auth: clickhouse.Auth{Database: database, Username: "default", Password: warehouse.ConfigFromEnv().Password}})
	if err != nil {
		return nil, err
	}
	defer conn.Close()
	rows, err := conn.Query(ctx, "SELECT name, engine FROM system.tables WHERE database = ? AND engine LIKE 'Replicated%'", database)
	if err != nil {
		return nil, err
	}
	type table struct{ name, engine string }
	var tables []table
	for rows.Next() {
		var x table
		if err := rows.Scan(&x.name, &x.engine); err != nil {
			rows.Close()
			return nil, err
		}
		tables = append(tables, x)
	}
	rows.Close()
	m := map[string]uint64{}
	for _, x := range tables {
		q := "SELECT count() FROM " + x.name
		if strings.Contains(x.engine, "Replacing") {
			q += " FINAL"
		}
		var n uint64
		if err := conn.QueryRow(ctx, q).Scan(&n); err != nil {
			return nil, err
		}
		m[x.name] = n
	}
	return m, nil
}

// TestClusterReplicaKilledDuringLoad kills shard 2's second replica (SIGKILL, as a crash) while
// the sample loads: the load completes, the hand counts hold, and once restarted the replica
// catches up with exactly its shard partner's rows.
func TestClusterReplicaKilledDuringLoad(t *testing.T) {
	ctx := context.Background()
	cfg := clusterConfig(t)
	db := warehousetest.NewOn(t, cfg)
	p := samplePipeline(t, db)
	t.Cleanup(func() { clusterCtl(t, "node-start", "4") }) // before the database is dropped everywhere

	done := make(chan error, 1)
	go func() { done <- p.Load(ctx) }()
	for killed := false; !killed; {
		select {
		case err := <-done:
			t.Fatalf("the load ended (%v) before a file was in; nothing to kill it during", err)
		case <-time.After(20 * time.Millisecond):
		}
		var files uint64
		if err := db.QueryRow(ctx, "SELECT count() FROM etl_files").Scan(&files); err != nil {
			t.Fatal(err)
		}
		if files > 0 {
			clusterCtl(t, "node-kill", "4")
			killed = true
		}
	}
	select {
	case err := <-done:
		if err != nil {
			t.Fatalf("load with replica n4 killed: %v", err)
		}
	case <-time.After(10 * time.Minute):
		t.Fatal("the load did not end within 10 minutes")
	}
	var runs uint64
	if err := db.QueryRow(ctx, "SELECT count() FROM etl_runs WHERE status = 'ok'").Scan(&runs); err != nil {
		t.Fatal(err)
	}
	if runs != uint64(len(p.Sources)) {
		t.Errorf("%d runs ok, want one per source (%d)", runs, len(p.Sources))
	}
	if err := p.Refresh(ctx); err != nil {
		t.Fatalf("refresh with n4 down: %v", err)
	}
	checkSampleShares(t, db)

	clusterCtl(t, "node-start", "4")
	// The restarted replica may wait for its old ZooKeeper session to expire (10 s) first.
	want, err := replicaCounts(nodeAddr(t, cfg, 3), db.Database)
	if err != nil {
		t.Fatal(err)
	}
	deadline := time.Now().Add(90 * time.Second)
	for {
		got, err := replicaCounts(nodeAddr(t, cfg, 4), db.Database)
		same := err == nil && len(got) == len(want)
		for table, n := range want {
			same = same && got[table] == n
		}
		if same {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("n4 did not catch up with n3 in 90 s: n4 %v (%v), n3 %v", got, err, want)
		}
		time.Sleep(500 * time.Millisecond)
	}
	if want["fact_drill_local"] == 0 || want["ref_target_local"] == 0 {
		t.Errorf("shard 2 holds no drills or no targets: %v", want)
	}
}

// TestClusterNodeDownFailover stops n1, the node clients try first: a new connection fails
// over to n2, loads and refreshes, and pages read the hand-counted shares.
func TestClusterNodeDownFailover(t *testing.T) {
	ctx := context.Background()
	cfg := clusterConfig(t)
	db := warehousetest.NewOn(t, cfg)
	t.Cleanup(func() { clusterCtl(t, "node-start", "1") })
	clusterCtl(t, "node-stop", "1")
	cfg.Database = db.Database
	other, err := warehouse.Open(ctx, cfg, false)
	if err != nil {
		t.Fatalf("open with n1 down: %v", err)
	}
	defer other.Close()
	p := samplePipeline(t, other)
	if err := p.Load(ctx); err != nil {
		t.Fatalf("load with n1 down: %v", err)
	}
	if err := p.Refresh(ctx); err != nil {
		t.Fatalf("refresh with n1 down: %v", err)
	}
	checkSampleShares(t, other)
	if _, err := p.Build(ctx); err != nil {
		t.Fatalf("pages with n1 down: %v", err)
	}
}

// TestClusterZooKeeperDown stops ZooKeeper between two loads of an HTTP source: the load fails
// naming ZooKeeper, no table and no watermark moves; with ZooKeeper back the same run loads
// exactly the new records.
func TestClusterZooKeeperDown(t *testing.T) {
	ctx := context.Background()
	cfg := clusterConfig(t)
	db := warehousetest.NewOn(t, cfg)
	t.Cleanup(func() {
		clusterCtl(t, "zk-start")
		// After a ZooKeeper outage an 18.16 server's DDL worker may take a shard's next ON CLUSTER
		// ALTER of a replicated table although its partner already ran it ("column already exists",
		// then "Node exists … executed"), and the statement waits out distributed_ddl_task_timeout
		// (180 s): seen as the next test's migration hanging. Restart the servers, as README tells
		// operators to after a ZooKeeper outage.
		for _, n := range []string{"1", "2", "3", "4"} {
			clusterCtl(t, "node-stop", n)
			clusterCtl(t, "node-start", n)
		}
	})

	// The hazard platform's records, oldest update first, served in two halves.
	body, err := os.ReadFile("../sample_data/hazards/hazards.jsonl")
	if err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimSpace(string(body)), "\n")
	updated := func(l string) string { _, rest, _ := strings.Cut(l, `"updated_at":"`); return rest[:19] }
	sort.SliceStable(lines, func(i, j int) bool { return updated(lines[i]) < updated(lines[j]) })
	half := len(lines) / 2
	for updated(lines[half]) == updated(lines[half-1]) { // a second never straddles the halves
		half++
	}
	file := filepath.Join(t.TempDir(), "hazards.jsonl")
	write := func(ls []string) {
		if err := os.WriteFile(file, []byte(strings.Join(ls, "\n")+"\n"), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	write(lines[:half])
	hs := httptest.NewServer(standin.New(standin.Endpoint{Path: "/api/hazards", File: file, IDField: "hazard_id", UpdatedField: "updated_at"}))
	defer hs.Close()
	src := etl.SourceConfig{Name: "hazards_api", Kind: "http", Dataset: "hazards", System: "hazard_platform",
		HTTP: &httpapi.Config{URL: hs.URL + "/api/hazards", Pagination: "page", PageSize: 500,
			UpdatedField: "updated_at", IDField: "hazard_id", Timeout: 10 * time.Second, MaxRetries: 1,
			BackoffBase: 10 * time.Millisecond, BackoffMax: 10 * time.Millisecond}}
	r := &etl.Runner{DB: db}
	run := func() (etl.Stats, error) {
		st, err := r.Run(ctx, []etl.SourceConfig{src})
		return st[0], err
	}
	first, err := run()
	if err != nil {
		t.Fatal(err)
	}
	if first.Read != half {
		t.Fatalf("first load read %d records, want %d", first.Read, half)
	}
	wm, err := r.Watermark(ctx, src.Name)
	if err != nil || wm == nil {
		t.Fatalf("watermark after the first load: %v, %v", wm, err)
	}

	write(lines)
	before := tableCounts(t, db)
	clusterCtl(t, "zk-stop")
	_, err = run()
	if err == nil {
		t.Fatal("the load succeeded with ZooKeeper down")
	}
	t.Logf("ZooKeeper down: %v", err)
	if !strings.Contains(err.Error(), "ZooKeeper") || !strings.Contains(err.Error(), cfg.Deploy.ZooKeeper) {
		t.Errorf("the error does not name ZooKeeper and its address %s: %v", cfg.Deploy.ZooKeeper, err)
	}
	if got, err := r.Watermark(ctx, src.Name); err != nil || *got != *wm {
		t.Errorf("watermark moved while ZooKeeper was down: %v → %v (%v)", wm, got, err)
	}
	after := tableCounts(t, db)
	for table, n := range before {
		if table != "etl_runs" && after[table] != n {
			t.Errorf("%s: %d rows before the failed load, %d after", table, n, after[table])
		}
	}

	clusterCtl(t, "zk-start")
	waitWritable(t, cfg, db.Database)
	second, err := run()
	if err != nil {
		t.Fatalf("load after ZooKeeper came back: %v", err)
	}
	if second.Read != len(lines)-half {
		t.Errorf("after ZooKeeper came back the load read %d records, want the %d new ones", second.Read, len(lines)-half)
	}
	var loaded, quarantined uint64
	// Once the replicas have synced, as a refresh makes them first, each holds its shard's rows.
	if err := db.Sync(ctx); err != nil {
		t.Fatal(err)
	}
	if err := db.QueryRow(ctx, "SELECT (SELECT count() FROM fact_hazard FINAL), (SELECT count() FROM etl_quarantine FINAL)").Scan(&loaded, &quarantined); err != nil {
		t.Fatal(err)
	}
	replica := func(n int) uint64 {
		return onNode(t, nodeAddr(t, cfg, n), db.Database, "SELECT count() FROM fact_hazard_local FINAL")
	}
	if r1, r2, r3, r4 := replica(1), replica(2), replica(3), replica(4); r1 != r2 || r3 != r4 || r1+r3 != loaded {
		t.Errorf("replicas hold %d, %d (shard 1) and %d, %d (shard 2) hazards; the table %d", r1, r2, r3, r4, loaded)
	}
	if int(loaded+quarantined) != len(lines) || loaded != uint64(first.Loaded+second.Loaded) {
		t.Errorf("fact_hazard %d + quarantined %d, want every one of the %d records once (loaded %d + %d)",
			loaded, quarantined, len(lines), first.Loaded, second.Loaded)
	}
	last, err := r.Watermark(ctx, src.Name)
	if err != nil || last == nil || last.TS.Format("2006-01-02T15:04:05") != updated(lines[len(lines)-1]) {
		t.Errorf("watermark after the second load: %v (%v), want the last update %s", last, err, updated(lines[len(lines)-1]))
	}
}

// waitWritable waits until no replicated table of the database is read-only on any node: after
// ZooKeeper returns, the servers need a few seconds to reconnect.
func waitWritable(t *testing.T, cfg warehouse.Config, database string) {
	t.Helper()
	deadline := time.Now().Add(60 * time.Second)
	for n := 1; n <= 4; n++ {
		for onNodeTry(nodeAddr(t, cfg, n), database, "SELECT count() FROM system.replicas WHERE database = currentDatabase() AND is_readonly") != 0 {
			if time.Now().After(deadline) {
				t.Fatalf("node n%d still has read-only tables 60 s after ZooKeeper came back", n)
			}
			time.Sleep(250 * time.Millisecond)
		}
	}
}

// onNodeTry is onNode that reports a failed query as a count of 1, for polling.
func onNodeTry(addr, database, query string) uint64 {
	conn, err := clickhouse.Open(&clickhouse.Options{Addr: []string{addr}, Auth: clickhouse.Auth{Database: database, Username: "default", Password: warehouse.ConfigFromEnv().Password}})
	if err != nil {
		return 1
	}
	defer conn.Close()
	var n uint64
	if err := conn.QueryRow(context.Background(), query).Scan(&n); err != nil {
		return 1
	}
	return n
}

// TestClusterShardDown stops both replicas of shard 2. Decided behaviour: nothing is computed or
// published from half the data. Building the pages fails and leaves the site published last as
// it was (the office keeps reading it); loads fail and move no checkpoint (a Distributed insert
// writes nothing when a shard is missing); a metric refresh refuses to start. With the shard
// back, the metric store holds what it held, and loads and refreshes work again.
func TestClusterShardDown(t *testing.T) {
	ctx := context.Background()
	cfg := clusterConfig(t)
	db := warehousetest.NewOn(t, cfg)
	p := samplePipeline(t, db)
	index, err := p.RunAll(ctx)
	if err != nil {
		t.Fatal(err)
	}
	values := metricRows(t, db)
	before := tableCounts(t, db)
	published, err := os.ReadFile(index)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { clusterCtl(t, "node-start", "3"); clusterCtl(t, "node-start", "4") })
	clusterCtl(t, "node-stop", "3")
	clusterCtl(t, "node-stop", "4")

	// Pages.
	if _, err := p.Build(ctx); err == nil {
		t.Error("the pages were built with shard 2 down")
	} else {
		t.Logf("pages with shard 2 down: %.300s", err)
	}
	if now, err := os.ReadFile(index); err != nil || string(now) != string(published) {
		t.Errorf("the published index page changed or went (%v)", err)
	}

	// Loads: a new drills file.
	drop := t.TempDir()
	csv, err := os.ReadFile("../etl/testdata/drop/drills/2026/370812001.csv")
	if err != nil {
		t.Fatal(err)
	}
	if err := os.MkdirAll(filepath.Join(drop, "drills"), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(drop, "drills", "new.csv"), csv, 0o644); err != nil {
		t.Fatal(err)
	}
	srcs := []etl.SourceConfig{{Name: "new_drills", Kind: "file", Dataset: "drills", System: "town_ledger",
		File: &files.Config{Patterns: []string{"drills/*.csv"}}}}
	r := &etl.Runner{DB: db, DropDir: drop}
	_, err = r.Run(ctx, srcs)
	if err == nil {
		t.Fatal("a load into sharded tables succeeded with shard 2 down")
	}
	t.Logf("load with shard 2 down: %v", err)
	if !strings.Contains(err.Error(), "分片") {
		t.Errorf("the error does not say a shard is down: %v", err)
	}

	// Metrics.
	if _, err := queries.Refresh(ctx, db, time.Now()); err == nil || !strings.Contains(err.Error(), "shard 2") {
		t.Errorf("refresh with shard 2 down: %v, want a refusal naming shard 2", err)
	}

	// Shard back.
	clusterCtl(t, "node-start", "3")
	clusterCtl(t, "node-start", "4")
	got := metricRows(t, db)
	same := len(got) == len(values)
	for i := 0; same && i < len(got); i++ {
		same = got[i].identical(values[i])
	}
	if !same {
		t.Errorf("the metric store changed while shard 2 was down: %d values before, %d after", len(values), len(got))
	}
	after := tableCounts(t, db)
	for table, n := range before {
		if table != "etl_runs" && after[table] != n {
			t.Errorf("%s: %d rows before shard 2 went down, %d after the failed load and refresh", table, n, after[table])
		}
	}
	st, err := r.Run(ctx, srcs)
	if err != nil {
		t.Fatalf("load with shard 2 back: %v", err)
	}
	if st[0].Batches != 1 || st[0].Loaded == 0 {
		t.Errorf("load with shard 2 back: %+v, want the new file", st[0])
	}
	if _, err := queries.Refresh(ctx, db, time.Now()); err != nil {
		t.Errorf("refresh with shard 2 back: %v", err)
	}
}

// tableCounts counts every table's rows as stored (not FINAL).
func tableCounts(t *testing.T, db *warehouse.DB) map[string]uint64 { return counts(t, db) }
