package warehouse

import (
	"context"
	"crypto/sha256"
	"embed"
	"encoding/hex"
	"fmt"
	"io/fs"
	"sort"
	"strconv"
	"strings"

	"github.com/ClickHouse/clickhouse-go/v2"
	"golang.org/x/sync/errgroup"
)

//go:embed migrations/*.sql
var migrationFiles embed.FS

// Migration is one embedded schema file, named NNNN_what.sql.
type Migration struct {
	Version  uint32
	Name     string
	SQL      string
	Checksum string
}

// Migrations returns the embedded migrations in version order.
func Migrations() ([]Migration, error) {
	entries, err := fs.ReadDir(migrationFiles, "migrations")
	if err != nil {
		return nil, err
	}
	var ms []Migration
	for _, e := range entries {
		name := e.Name()
		num, _, ok := strings.Cut(name, "_")
		v, err := strconv.ParseUint(num, 10, 32)
		if !ok || err != nil {
			return nil, fmt.Errorf("migration %s: name must start with a number and an underscore", name)
		}
		body, err := migrationFiles.ReadFile("migrations/" + name)
		if err != nil {
			return nil, err
		}
		sum := sha256.Sum256(body)
		ms = append(ms, Migration{Version: uint32(v), Name: name, SQL: string(body), Checksum: hex.EncodeToString(sum[:])})
	}
	sort.Slice(ms, func(i, j int) bool { return ms[i].Version < ms[j].Version })
	for i := 1; i < len(ms); i++ {
		if ms[i].Version == ms[i-1].Version {
			return nil, fmt.Errorf("migrations %s and %s share version %d", ms[i-1].Name, ms[i].Name, ms[i].Version)
		}
	}
	return ms, nil
}

// Migrate applies every migration not yet recorded in schema_migrations, in order, each once.
// It returns the names it applied; on an up-to-date warehouse it changes nothing.
func (db *DB) Migrate(ctx context.Context) ([]string, error) {
	ms, err := Migrations()
	if err != nil {
		return nil, err
	}
	ctx = clickhouse.Context(ctx, clickhouse.WithSettings(clickhouse.Settings{
		// 18.16 refuses LowCardinality at CREATE without it; current releases ignore it.
		"allow_experimental_low_cardinality_type": 1,
	}))
	if err := db.apply(ctx, `CREATE TABLE IF NOT EXISTS schema_migrations (
		version UInt32, name String, checksum String, applied_at DateTime DEFAULT now()
	) ENGINE = MergeTree ORDER BY version`); err != nil {
		return nil, fmt.Errorf("create schema_migrations: %w", err)
	}
	applied := map[uint32]string{}
	rows, err := db.Query(ctx, "SELECT version, checksum FROM schema_migrations")
	if err != nil {
		return nil, err
	}
	for rows.Next() {
		var v uint32
		var sum string
		if err := rows.Scan(&v, &sum); err != nil {
			rows.Close()
			return nil, err
		}
		applied[v] = sum
	}
	rows.Close()

	var pending []Migration
	for _, m := range ms {
		if sum, ok := applied[m.Version]; ok {
			// An edited migration would leave servers that ran the old text out of step.
			if sum != m.Checksum {
				return nil, fmt.Errorf("migration %s was changed after it was applied; add a new migration instead", m.Name)
			}
			continue
		}
		pending = append(pending, m)
	}
	// Every pending statement in order, each with its migration; a migration is recorded once
	// its last statement has run on every node.
	type step struct {
		m, n int // index in pending, statement number in the migration
		sql  string
	}
	var steps []step
	last := make([]int, len(pending))
	for mi, m := range pending {
		for n, sql := range SplitStatements(m.SQL) {
			steps = append(steps, step{mi, n, sql})
		}
		last[mi] = len(steps) - 1
	}
	var done []string
	for i := 0; i < len(steps); {
		// On a cluster every ON CLUSTER statement waits out 18.16's status poll (50 ms, 100 ms,
		// … until each node has reported), ~0.15 s however quickly the nodes run it: 32
		// migrations one statement at a time took ~20 s, for every test database too. So a run
		// of CREATE TABLE statements, even across migrations, goes side by side (createTables);
		// they cannot depend on each other (each names its own columns, and IF NOT EXISTS makes
		// a run that stopped half-way safe to repeat). Anything else runs alone, in order.
		j := i + 1
		for db.cfg.Deploy.Clustered() && j < len(steps) && isCreateTable(steps[i].sql) && isCreateTable(steps[j].sql) {
			j++
		}
		group := make([]string, j-i)
		for k := range group {
			group[k] = steps[i+k].sql
		}
		var k int
		var err error
		if len(group) == 1 {
			err = db.apply(ctx, group[0])
		} else {
			k, err = db.createTables(ctx, group)
		}
		if err != nil {
			st := steps[i+k]
			return done, fmt.Errorf("migration %s, statement %d: %w", pending[st.m].Name, st.n+1, err)
		}
		var complete []Migration
		for mi := len(done); mi < len(pending) && last[mi] < j; mi++ {
			complete = append(complete, pending[mi])
		}
		if err := db.recordMigrations(ctx, complete); err != nil {
			return done, err
		}
		for _, m := range complete {
			done = append(done, m.Name)
		}
		i = j
	}
	return done, nil
}

// recordMigrations writes the migrations into schema_migrations, in one insert.
func (db *DB) recordMigrations(ctx context.Context, ms []Migration) error {
	if len(ms) == 0 {
		return nil
	}
	b, err := db.PrepareBatch(ctx, "INSERT INTO schema_migrations (version, name, checksum)")
	if err != nil {
		return err
	}
	for _, m := range ms {
		if err := b.Append(m.Version, m.Name, m.Checksum); err != nil {
			return err
		}
	}
	if err := b.Send(); err != nil {
		return fmt.Errorf("record migration %s: %w", ms[0].Name, err)
	}
	return nil
}

// createTables applies CREATE TABLE statements in waves: every statement's first rendered
// statement side by side (on a cluster, the replicated local tables), then every second one
// (the Distributed tables over them). Each waits for its own outcome on every node; on an
// error it says which statement failed, and no later wave runs.
func (db *DB) createTables(ctx context.Context, stmts []string) (int, error) {
	rendered := make([][]string, len(stmts))
	waves := 0
	for k, stmt := range stmts {
		r, err := db.render(stmt)
		if err != nil {
			return k, err
		}
		rendered[k] = r
		waves = max(waves, len(r))
	}
	for wave := range waves {
		errs := make([]error, len(stmts))
		var g errgroup.Group
		// Fewer than the pool's 10 connections (MaxOpenConns), each statement holding one.
		g.SetLimit(8)
		for k, r := range rendered {
			if wave < len(r) {
				g.Go(func() error { errs[k] = db.Explain(db.Exec(ctx, r[wave])); return nil })
			}
		}
		_ = g.Wait() // the errors are in errs, by statement
		for k, err := range errs {
			if err != nil {
				return k, err
			}
		}
	}
	return 0, nil
}

func isCreateTable(stmt string) bool { return createRe.MatchString(stripLeadingComments(stmt)) }

// apply runs one statement as this deployment needs it (see render).
func (db *DB) apply(ctx context.Context, stmt string) error {
	stmts, err := db.render(stmt)
	if err != nil {
		return err
	}
	for _, s := range stmts {
		if err := db.Exec(ctx, s); err != nil {
			return db.Explain(err)
		}
	}
	return nil
}

// SplitStatements splits a SQL file on semicolons that end a line, dropping comment-only
// chunks. Our migrations keep one statement per such chunk, so no SQL parser is needed.
func SplitStatements(sql string) []string {
	var out []string
	var cur strings.Builder
	flush := func() {
		s := strings.TrimSpace(cur.String())
		cur.Reset()
		if stripComments(s) != "" {
			out = append(out, s)
		}
	}
	for _, line := range strings.Split(sql, "\n") {
		cur.WriteString(line)
		cur.WriteString("\n")
		t := strings.TrimSpace(line)
		if !strings.HasPrefix(t, "--") && strings.HasSuffix(t, ";") {
			flush()
		}
	}
	flush()
	for i, s := range out {
		out[i] = strings.TrimSuffix(strings.TrimSpace(s), ";")
	}
	return out
}

func stripComments(s string) string {
	var b strings.Builder
	for _, line := range strings.Split(s, "\n") {
		if t := strings.TrimSpace(line); t != "" && !strings.HasPrefix(t, "--") {
			b.WriteString(t)
		}
	}
	return b.String()
}
