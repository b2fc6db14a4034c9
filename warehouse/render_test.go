package warehouse

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func clusterDB() *DB {
	return &DB{Database: "w", cfg: Config{Deploy: Deploy{Mode: "cluster", Cluster: "c", NodesCluster: "n"}}}
}

func TestRenderSingleKeepsStatements(t *testing.T) {
	db := &DB{Database: "w", cfg: Config{Deploy: Deploy{Mode: "single"}}}
	stmt := "CREATE TABLE IF NOT EXISTS t (k String) ENGINE = MergeTree ORDER BY k"
	got, err := db.render(stmt)
	if err != nil || len(got) != 1 || got[0] != stmt {
		t.Fatalf("single mode rendered %q (%v), want the statement as written", got, err)
	}
}

func TestRenderCluster(t *testing.T) {
	db := clusterDB()
	for _, c := range []struct {
		name, stmt string
		want       []string // each rendered statement, whitespace collapsed
	}{
		{"replacing table with a materialized column",
			`-- drills
CREATE TABLE IF NOT EXISTS fact_drill (
    drill_id String,
    no_script UInt8,
    is_sibu UInt8 MATERIALIZED no_script AND 1, -- 四不 (a comment with (parentheses))
    _version UInt64
) ENGINE = ReplacingMergeTree(_version) ORDER BY drill_id`,
			[]string{
				"CREATE TABLE IF NOT EXISTS `w`.`fact_drill_local` ON CLUSTER `c` ( drill_id String, no_script UInt8, is_sibu UInt8 MATERIALIZED no_script AND 1, -- 四不 (a comment with (parentheses)) _version UInt64 ) ENGINE = ReplicatedReplacingMergeTree('/clickhouse/tables/{shard}/w/fact_drill_local', '{replica}', _version) ORDER BY drill_id",
				"CREATE TABLE IF NOT EXISTS `w`.`fact_drill` ON CLUSTER `c` ( drill_id String, no_script UInt8, is_sibu UInt8 ALIAS no_script AND 1, -- 四不 (a comment with (parentheses)) _version UInt64 ) ENGINE = Distributed(`c`, `w`, `fact_drill_local`, cityHash64(drill_id))",
			}},
		{"plain MergeTree, partitioned, composite key",
			"CREATE TABLE IF NOT EXISTS ads_metric_value (metric_id String, period_start Date) ENGINE = MergeTree PARTITION BY metric_id ORDER BY (metric_id, period_start)",
			[]string{
				"CREATE TABLE IF NOT EXISTS `w`.`ads_metric_value_local` ON CLUSTER `c` (metric_id String, period_start Date) ENGINE = ReplicatedMergeTree('/clickhouse/tables/{shard}/w/ads_metric_value_local', '{replica}') PARTITION BY metric_id ORDER BY (metric_id, period_start)",
				"CREATE TABLE IF NOT EXISTS `w`.`ads_metric_value` ON CLUSTER `c` (metric_id String, period_start Date) ENGINE = Distributed(`c`, `w`, `ads_metric_value_local`, cityHash64(metric_id, period_start))",
			}},
		{"column added to a table",
			"ALTER TABLE ref_target ADD COLUMN threshold_assumed UInt8 AFTER threshold",
			[]string{
				"ALTER TABLE `w`.`ref_target_local` ON CLUSTER `c` ADD COLUMN threshold_assumed UInt8 AFTER threshold",
				"ALTER TABLE `w`.`ref_target` ON CLUSTER `n` ADD COLUMN threshold_assumed UInt8 AFTER threshold",
			}},
		{"mutation: the local table only",
			"ALTER TABLE fact_drill DELETE WHERE drill_id = ''",
			[]string{"ALTER TABLE `w`.`fact_drill_local` ON CLUSTER `c` DELETE WHERE drill_id = ''"}},
		{"table dropped",
			"DROP TABLE IF EXISTS ads_metric_value",
			[]string{
				"DROP TABLE IF EXISTS `w`.`ads_metric_value` ON CLUSTER `c`",
				"DROP TABLE IF EXISTS `w`.`ads_metric_value_local` ON CLUSTER `c`",
			}},
		{"view: the tables it reads get the database",
			"CREATE VIEW IF NOT EXISTS metric_value AS\nSELECT a FROM ads_metric_value AS v ANY LEFT JOIN (SELECT a FROM dim_town) USING a\nWHERE (r, d) IN (SELECT r, d FROM ads_metric_refresh) AND x IN (SELECT number FROM numbers(3)) AND y IN (SELECT 1 FROM system.one)",
			[]string{"CREATE VIEW IF NOT EXISTS `w`.`metric_value` ON CLUSTER `c` AS SELECT a FROM `w`.`ads_metric_value` AS v ANY LEFT JOIN (SELECT a FROM `w`.`dim_town`) USING a WHERE (r, d) IN (SELECT r, d FROM `w`.`ads_metric_refresh`) AND x IN (SELECT number FROM numbers(3)) AND y IN (SELECT 1 FROM system.one)"}},
		{"insert through the Distributed table",
			"INSERT INTO ref_parameter (name) SELECT 'x'",
			[]string{"INSERT INTO ref_parameter (name) SELECT 'x'"}},
	} {
		got, err := db.render(c.stmt)
		if err != nil {
			t.Errorf("%s: %v", c.name, err)
			continue
		}
		if len(got) != len(c.want) {
			t.Errorf("%s: %d statements %q, want %d", c.name, len(got), got, len(c.want))
			continue
		}
		for i := range got {
			if g := strings.Join(strings.Fields(got[i]), " "); g != c.want[i] {
				t.Errorf("%s, statement %d:\n got %s\nwant %s", c.name, i+1, g, c.want[i])
			}
		}
	}
}

func TestRenderClusterRefuses(t *testing.T) {
	db := clusterDB()
	for stmt, want := range map[string]string{
		"CREATE TABLE t (k String) ENGINE = Memory":                                    "engine Memory",
		"CREATE TABLE t (k String) ENGINE = ReplicatedMergeTree('/p', 'r') ORDER BY k": "engine ReplicatedMergeTree",
		"CREATE TABLE t (k String) ENGINE = MergeTree ORDER BY tuple()":                "ORDER BY tuple()",
		"CREATE MATERIALIZED VIEW v ENGINE = Memory AS SELECT 1":                       "cannot be rendered",
	} {
		if _, err := db.render(stmt); err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("%s: %v, want an error saying %q", stmt, err, want)
		}
	}
}

// Every migration of the repository renders for a cluster: a new one that does not fails here
// first, not on the first cluster it meets.
func TestRenderEveryMigration(t *testing.T) {
	ms, err := Migrations()
	if err != nil {
		t.Fatal(err)
	}
	db := clusterDB()
	tables := 0
	for _, m := range ms {
		for i, stmt := range SplitStatements(m.SQL) {
			out, err := db.render(stmt)
			if err != nil {
				t.Errorf("%s statement %d: %v", m.Name, i+1, err)
			}
			for _, s := range out {
				if strings.Contains(s, "ENGINE = Distributed(") {
					tables++
				}
			}
		}
	}
	if tables < 25 {
		t.Errorf("%d Distributed tables from the migrations, want one per table (25 or more)", tables)
	}
}

func TestDeployFileErrors(t *testing.T) {
	dir := t.TempDir()
	for name, c := range map[string]struct{ body, want string }{
		"typo.yaml":    {"mode: cluster\nclustr: c\n", "field clustr not found"},
		"mode.yaml":    {"mode: clustered\n", "field mode"},
		"name.yaml":    {"mode: cluster\ncluster: 'a b'\nnodes_cluster: n\n", "field cluster"},
		"nodes.yaml":   {"mode: cluster\ncluster: c\n", "field nodes_cluster"},
		"addr.yaml":    {"mode: cluster\ncluster: c\nnodes_cluster: n\naddrs: [localhost]\n", "field addrs[0]"},
		"notyaml.yaml": {"mode: [\n", "yaml"},
	} {
		path := filepath.Join(dir, name)
		if err := os.WriteFile(path, []byte(c.body), 0o644); err != nil {
			t.Fatal(err)
		}
		_, err := LoadDeploy(path)
		if err == nil || !strings.Contains(err.Error(), path) || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: %v, want an error naming the file and %q", name, err, c.want)
		}
	}
	if _, err := LoadDeploy(filepath.Join(dir, "missing.yaml")); err == nil || !strings.Contains(err.Error(), DeployEnv) {
		t.Errorf("missing file: %v, want an error naming %s", err, DeployEnv)
	}
	t.Setenv(DeployEnv, filepath.Join(dir, "mode.yaml"))
	if _, err := Open(t.Context(), ConfigFromEnv(), false); err == nil || !strings.Contains(err.Error(), "field mode") {
		t.Errorf("Open with a bad deployment file: %v, want its error", err)
	}
	path := filepath.Join(dir, "ok.yaml")
	if err := os.WriteFile(path, []byte("mode: cluster\ncluster: c\nnodes_cluster: n\naddrs: [127.0.0.1:1, 127.0.0.1:2]\nzookeeper: z:2181\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	t.Setenv(DeployEnv, path)
	t.Setenv("CLICKHOUSE_ADDR", "")
	c := ConfigFromEnv()
	if !c.Deploy.Clustered() || c.Addr != "127.0.0.1:1,127.0.0.1:2" || c.Deploy.ZooKeeper != "z:2181" {
		t.Errorf("config from a cluster file: %+v", c)
	}
}
