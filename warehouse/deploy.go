package warehouse

import (
	"bytes"
	"fmt"
	"os"
	"regexp"
	"strings"

	"gopkg.in/yaml.v3"
)

// DeployEnv names the deployment file; without it the warehouse is one server.
const DeployEnv = "SAFETYDW_DEPLOY"

// Deploy says how the warehouse is laid out on servers: one server (Mode "single", the zero
// value), or a cluster of replicated, sharded servers coordinated by ZooKeeper. The cluster
// names refer to <remote_servers> of the servers' own config (warehouse/clickhouse/cluster.xml.in).
type Deploy struct {
	Mode string `yaml:"mode"` // single | cluster
	// Cluster holds the data: shards of replicas, internal_replication on. Distributed tables
	// spread over it and the sharded tables' DDL runs on it.
	Cluster string `yaml:"cluster"`
	// NodesCluster lists every node as its own shard, for DDL on Distributed tables (18.16
	// refuses ALTER … ON CLUSTER on them over a replicated cluster, Code 371).
	NodesCluster string `yaml:"nodes_cluster"`
	// Addrs are the native addresses clients connect to, tried in order (CLICKHOUSE_ADDR,
	// comma-separated, overrides them).
	Addrs []string `yaml:"addrs"`
	// ZooKeeper is where the servers' coordination lives, host:port; only named in messages.
	ZooKeeper string `yaml:"zookeeper"`
	// PasswordFile holds the default (admin) user's password on every node, as server.sh's
	// admin.password does for the local server; read when CLICKHOUSE_PASSWORD is not set.
	PasswordFile string `yaml:"password_file"`
}

// Clustered says whether the warehouse runs on a cluster.
func (d Deploy) Clustered() bool { return d.Mode == "cluster" }

var clusterName = regexp.MustCompile(`^[A-Za-z_][A-Za-z0-9_]*$`)

// LoadDeploy reads a deployment file. Errors name the file and the field.
func LoadDeploy(path string) (Deploy, error) {
	var d Deploy
	body, err := os.ReadFile(path)
	if err != nil {
		return d, fmt.Errorf("部署配置 (deployment file, %s): %w", DeployEnv, err)
	}
	dec := yaml.NewDecoder(bytes.NewReader(body))
	dec.KnownFields(true)
	if err := dec.Decode(&d); err != nil {
		return d, fmt.Errorf("部署配置 %s (deployment file): %w", path, err)
	}
	if err := d.validate(); err != nil {
		return d, fmt.Errorf("部署配置 %s (deployment file): %w", path, err)
	}
	return d, nil
}

func (d *Deploy) validate() error {
	switch d.Mode {
	case "", "single":
		d.Mode = "single"
		return nil
	case "cluster":
	default:
		return fmt.Errorf("field mode: %q is neither single nor cluster (模式只能是 single 或 cluster)", d.Mode)
	}
	for _, f := range []struct{ field, v string }{
		{"cluster", d.Cluster}, {"nodes_cluster", d.NodesCluster},
	} {
		if !clusterName.MatchString(f.v) {
			return fmt.Errorf("field %s: %q is not a cluster name of the servers' <remote_servers> (集群名无效)", f.field, f.v)
		}
	}
	for i, a := range d.Addrs {
		if _, port, ok := strings.Cut(a, ":"); !ok || port == "" {
			return fmt.Errorf("field addrs[%d]: %q is not host:port (地址格式应为 host:port)", i, a)
		}
	}
	return nil
}
