// Package warehousetest gives each test its own freshly migrated database on the real
// ClickHouse server, so tests never see each other's rows and can run in parallel.
package warehousetest

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"regexp"
	"strings"
	"testing"
	"time"

	"safetydw/warehouse"
)

var unsafeChars = regexp.MustCompile(`[^a-zA-Z0-9_]+`)

// New returns a migrated database with the reference data loaded. The database is dropped
// when the test ends. A missing server fails the test: integration tests never skip.
func New(t testing.TB) *warehouse.DB {
	t.Helper()
	return NewOn(t, warehouse.ConfigFromEnv())
}

// NewOn is New on the server or cluster of cfg.
func NewOn(t testing.TB, cfg warehouse.Config) *warehouse.DB {
	t.Helper()
	db := EmptyOn(t, cfg)
	ctx := context.Background()
	if _, err := db.Migrate(ctx); err != nil {
		t.Fatalf("migrate: %v", err)
	}
	if _, err := db.LoadReference(ctx); err != nil {
		t.Fatalf("load reference: %v", err)
	}
	return db
}

// Empty returns a new database with nothing in it, on the server or cluster of the
// environment (CLICKHOUSE_ADDR, SAFETYDW_DEPLOY).
func Empty(t testing.TB) *warehouse.DB {
	t.Helper()
	return EmptyOn(t, warehouse.ConfigFromEnv())
}

// EmptyOn returns a new database with nothing in it on the server or cluster of cfg; cfg's
// database name is replaced by a fresh one.
func EmptyOn(t testing.TB, cfg warehouse.Config) *warehouse.DB {
	t.Helper()
	// A cluster's CREATE DATABASE ON CLUSTER waits for every node's DDL worker, which a busy
	// machine can hold up well past the seconds a single server needs.
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	cfg.Database = Name(t)
	db, err := warehouse.Open(ctx, cfg, true)
	if err != nil {
		t.Fatalf("%v\n(make test starts the server; with plain go test run `make clickhouse` first)", err)
	}
	t.Cleanup(func() {
		if err := db.DropDatabase(context.Background()); err != nil {
			t.Logf("drop %s: %v", cfg.Database, err)
		}
		db.Close()
	})
	return db
}

// Name makes a database name from the test name and a random suffix.
func Name(t testing.TB) string {
	var b [4]byte
	_, _ = rand.Read(b[:])
	name := strings.ToLower(unsafeChars.ReplaceAllString(t.Name(), "_"))
	if len(name) > 40 {
		name = name[:40]
	}
	return "t_" + name + "_" + hex.EncodeToString(b[:])
}
