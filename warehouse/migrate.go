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

	var done []string
	for _, m := range ms {
		if sum, ok := applied[m.Version]; ok {
			// An edited migration would leave servers that ran the old text out of step.
			if sum != m.Checksum {
				return done, fmt.Errorf("migration %s was changed after it was applied; add a new migration instead", m.Name)
			}
			continue
		}
		for i, stmt := range SplitStatements(m.SQL) {
			if err := db.apply(ctx, stmt); err != nil {
				return done, fmt.Errorf("migration %s, statement %d: %w", m.Name, i+1, err)
			}
		}
		b, err := db.PrepareBatch(ctx, "INSERT INTO schema_migrations (version, name, checksum)")
		if err != nil {
			return done, err
		}
		if err := b.Append(m.Version, m.Name, m.Checksum); err != nil {
			return done, err
		}
		if err := b.Send(); err != nil {
			return done, fmt.Errorf("record migration %s: %w", m.Name, err)
		}
		done = append(done, m.Name)
	}
	return done, nil
}

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
