package warehouse

import (
	"fmt"
	"regexp"
	"strings"
)

// Migrations are written once, for one server. On a cluster each statement is rendered at apply
// time (the migration's text and checksum stay as they are):
//
//	CREATE TABLE t (…) ENGINE = ReplacingMergeTree(_version) … ORDER BY k
//
// becomes
//
//	CREATE TABLE db.t_local ON CLUSTER c (…) ENGINE = ReplicatedReplacingMergeTree(
//	    '/clickhouse/tables/{shard}/db/t_local', '{replica}', _version) … ORDER BY k
//	CREATE TABLE db.t ON CLUSTER c (…) ENGINE = Distributed(c, db, t_local, cityHash64(k))
//
// sharded by a hash of the whole sorting key, so that all versions of one key meet on one shard
// and FINAL is right. An ALTER goes to the local table on the data cluster (a replicated ALTER
// runs once per shard) and, for a column change, to the Distributed table on the
// one-node-per-shard cluster.
var (
	createRe = regexp.MustCompile(`(?is)^CREATE\s+TABLE\s+(IF\s+NOT\s+EXISTS\s+)?([A-Za-z_][A-Za-z0-9_]*)\s*\((.*)\)\s*ENGINE\s*=\s*([A-Za-z]+)\s*(\(([^()]*)\))?(.*)$`)
	orderRe  = regexp.MustCompile(`(?is)\bORDER\s+BY\s+(.+?)\s*(\bSETTINGS\b.*)?$`)
	alterRe  = regexp.MustCompile(`(?is)^ALTER\s+TABLE\s+([A-Za-z_][A-Za-z0-9_]*)\s+(.*)$`)
	columnOp = regexp.MustCompile(`(?is)^(ADD|DROP|MODIFY|CLEAR|COMMENT)\s+COLUMN\b`)
	insertRe = regexp.MustCompile(`(?is)^INSERT\s`)
	dropRe   = regexp.MustCompile(`(?is)^DROP\s+TABLE\s+(IF\s+EXISTS\s+)?([A-Za-z_][A-Za-z0-9_]*)\s*$`)
	viewRe   = regexp.MustCompile(`(?is)^CREATE\s+VIEW\s+(IF\s+NOT\s+EXISTS\s+)?([A-Za-z_][A-Za-z0-9_]*)\s+AS\s+(.*)$`)
	tableRef = regexp.MustCompile(`(?i)\b(FROM|JOIN)(\s+)([A-Za-z_][A-Za-z0-9_]*)`)
	matRe    = regexp.MustCompile(`(?i)\bMATERIALIZED\b`)
)

// render turns one migration statement into the statements that apply it in this deployment.
func (db *DB) render(stmt string) ([]string, error) {
	d := db.cfg.Deploy
	if !d.Clustered() {
		return []string{stmt}, nil
	}
	body := stripLeadingComments(stmt)
	dbq := quoteIdent(db.Database)
	if m := createRe.FindStringSubmatch(body); m != nil {
		ifNot, name, cols, engine, args, rest := m[1], m[2], m[3], m[4], m[6], m[7]
		if !strings.HasSuffix(engine, "MergeTree") || strings.HasPrefix(engine, "Replicated") {
			return nil, fmt.Errorf("table %s: engine %s cannot be rendered for a cluster; write a *MergeTree engine", name, engine)
		}
		local := name + localSuffix
		path := "/clickhouse/tables/{shard}/" + db.Database + "/" + local
		engineArgs := quoteString(path) + ", '{replica}'"
		if strings.TrimSpace(args) != "" {
			engineArgs += ", " + args
		}
		o := orderRe.FindStringSubmatch(rest)
		if o == nil {
			return nil, fmt.Errorf("table %s: no ORDER BY to shard by", name)
		}
		key := strings.TrimSpace(o[1])
		if strings.HasPrefix(key, "(") && strings.HasSuffix(key, ")") {
			key = key[1 : len(key)-1]
		}
		if key == "" || key == "tuple()" {
			return nil, fmt.Errorf("table %s: ORDER BY tuple() gives no key to shard by", name)
		}
		cluster := quoteIdent(d.Cluster)
		return []string{
			fmt.Sprintf("CREATE TABLE %s%s.%s ON CLUSTER %s (%s) ENGINE = Replicated%s(%s) %s",
				ifNot, dbq, quoteIdent(local), cluster, cols, engine, engineArgs, strings.TrimSpace(rest)),
			// A Distributed table refuses inserts of MATERIALIZED columns and the shard computes
			// them anyway; as ALIAS they stay readable through it and are left out of inserts.
			fmt.Sprintf("CREATE TABLE %s%s.%s ON CLUSTER %s (%s) ENGINE = Distributed(%s, %s, %s, cityHash64(%s))",
				ifNot, dbq, quoteIdent(name), cluster, matRe.ReplaceAllString(cols, "ALIAS"),
				cluster, dbq, quoteIdent(local), key),
		}, nil
	}
	if m := alterRe.FindStringSubmatch(body); m != nil {
		name, ops := m[1], m[2]
		out := []string{fmt.Sprintf("ALTER TABLE %s.%s ON CLUSTER %s %s", dbq, quoteIdent(name+localSuffix), quoteIdent(d.Cluster), ops)}
		if columnOp.MatchString(strings.TrimSpace(ops)) {
			out = append(out, fmt.Sprintf("ALTER TABLE %s.%s ON CLUSTER %s %s", dbq, quoteIdent(name), quoteIdent(d.NodesCluster), matRe.ReplaceAllString(ops, "ALIAS")))
		}
		return out, nil
	}
	if m := dropRe.FindStringSubmatch(body); m != nil {
		ifExists, name := m[1], m[2]
		return []string{
			fmt.Sprintf("DROP TABLE %s%s.%s ON CLUSTER %s", ifExists, dbq, quoteIdent(name), quoteIdent(d.Cluster)),
			fmt.Sprintf("DROP TABLE %s%s.%s ON CLUSTER %s", ifExists, dbq, quoteIdent(name+localSuffix), quoteIdent(d.Cluster)),
		}, nil
	}
	if m := viewRe.FindStringSubmatch(body); m != nil {
		// Each node creates the view in its DDL worker, whose database is "default": the tables
		// the view reads are named with the warehouse database.
		ifNot, name, sel := m[1], m[2], m[3]
		return []string{fmt.Sprintf("CREATE VIEW %s%s.%s ON CLUSTER %s AS %s",
			ifNot, dbq, quoteIdent(name), quoteIdent(d.Cluster), qualifyTables(sel, dbq))}, nil
	}
	if insertRe.MatchString(body) {
		return []string{stmt}, nil // through the Distributed tables, like any insert
	}
	first, _, _ := strings.Cut(body, "\n")
	return nil, fmt.Errorf("statement %q cannot be rendered for a cluster (only CREATE TABLE … *MergeTree, CREATE VIEW, ALTER TABLE, DROP TABLE and INSERT)", first)
}

// qualifyTables names the database of every table a SELECT reads (FROM t, JOIN t), leaving
// subqueries, table functions and names that already have a database alone.
func qualifyTables(sel, dbq string) string {
	var b strings.Builder
	last := 0
	for _, m := range tableRef.FindAllStringSubmatchIndex(sel, -1) {
		end := m[1]
		if end < len(sel) && (sel[end] == '.' || sel[end] == '(') {
			continue
		}
		b.WriteString(sel[last:m[6]])
		b.WriteString(dbq + "." + quoteIdent(sel[m[6]:m[7]]))
		last = end
	}
	b.WriteString(sel[last:])
	return b.String()
}

func stripLeadingComments(s string) string {
	lines := strings.Split(s, "\n")
	for len(lines) > 0 {
		t := strings.TrimSpace(lines[0])
		if t != "" && !strings.HasPrefix(t, "--") {
			break
		}
		lines = lines[1:]
	}
	return strings.TrimSpace(strings.Join(lines, "\n"))
}
