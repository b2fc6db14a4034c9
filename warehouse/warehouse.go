// Package warehouse owns the ClickHouse side of safetydw: how to reach the server,
// the versioned schema, and the reference data every metric reads its targets from.
package warehouse

import (
	"context"
	"errors"
	"fmt"
	"os"
	"strings"
	"time"

	"github.com/ClickHouse/clickhouse-go/v2"
	"github.com/ClickHouse/clickhouse-go/v2/lib/driver"
)

// LocalAddr is where warehouse/clickhouse/server.sh starts the project's own server when
// nothing names another port (FindLocal().Addr() is where it actually runs).
const LocalAddr = "127.0.0.1:" + DefaultLocalPort

// Config says which server and database to use.
type Config struct {
	Addr     string // host:port of the native protocol
	Database string
	User     string
	Password string
	// Settings are sent with every query of this connection (for example max_execution_time).
	Settings clickhouse.Settings
}

// ConfigFromEnv reads CLICKHOUSE_ADDR, CLICKHOUSE_DB, CLICKHOUSE_USER and CLICKHOUSE_PASSWORD.
// Without CLICKHOUSE_ADDR it points at the project-local server, on the port server.sh uses
// (CH_TCP_PORT, else the one it last started on; see local.go). The default user's password
// is CLICKHOUSE_PASSWORD when set (even empty), else the local server's generated one — sent
// only to the local server.
func ConfigFromEnv() Config {
	local := FindLocal()
	c := Config{
		Addr:     os.Getenv("CLICKHOUSE_ADDR"),
		Database: os.Getenv("CLICKHOUSE_DB"),
		User:     os.Getenv("CLICKHOUSE_USER"),
	}
	if c.Addr == "" {
		c.Addr = local.Addr()
	}
	if c.Database == "" {
		c.Database = "safetydw"
	}
	if c.User == "" {
		c.User = "default"
	}
	if p, ok := os.LookupEnv("CLICKHOUSE_PASSWORD"); ok {
		c.Password = p
	} else if c.User == "default" && local.Serves(c.Addr) {
		c.Password = local.Password()
	}
	return c
}

// DB is a native-protocol connection bound to one database.
type DB struct {
	driver.Conn
	Database string
	Addr     string
}

// Open connects and, when create is true, creates the database first.
// Analysts' read-only accounts open with create=false.
func Open(ctx context.Context, c Config, create bool) (*DB, error) {
	if create {
		admin, err := connect(ctx, c, "default")
		if err != nil {
			return nil, err
		}
		err = admin.Exec(ctx, "CREATE DATABASE IF NOT EXISTS "+quoteIdent(c.Database))
		admin.Close()
		if err != nil {
			return nil, fmt.Errorf("create database %s: %w", c.Database, err)
		}
	}
	conn, err := connect(ctx, c, c.Database)
	if err != nil {
		return nil, err
	}
	return &DB{Conn: conn, Database: c.Database, Addr: c.Addr}, nil
}

func connect(ctx context.Context, c Config, database string) (driver.Conn, error) {
	conn, err := clickhouse.Open(&clickhouse.Options{
		Addr:        []string{c.Addr},
		Auth:        clickhouse.Auth{Database: database, Username: c.User, Password: c.Password},
		Settings:    c.Settings,
		DialTimeout: 5 * time.Second,
		// A loopback link gains nothing from compression (stack-notes B).
		Compression: &clickhouse.Compression{Method: clickhouse.CompressionNone},
	})
	if err == nil {
		err = conn.Ping(ctx)
	}
	if err != nil {
		hint := "start the local server with `make clickhouse`, or set CLICKHOUSE_ADDR"
		var ex *clickhouse.Exception
		if errors.As(err, &ex) && (ex.Code == 193 || ex.Code == 516) && c.User == "default" {
			hint = "the local server's admin password is in var/clickhouse/" + PasswordFile +
				" (written by `make clickhouse`); for another server set CLICKHOUSE_PASSWORD (管理员密码)"
		}
		return nil, fmt.Errorf("cannot reach ClickHouse at %s as %s (无法连接 ClickHouse): %w\n  %s", c.Addr, c.User, err, hint)
	}
	return conn, nil
}

// quoteIdent quotes a database or table name for DDL, where binding is not possible.
func quoteIdent(s string) string {
	return "`" + strings.ReplaceAll(s, "`", "\\`") + "`"
}

// Tables lists the tables of the database, for checks and the data dictionary.
func (db *DB) Tables(ctx context.Context) ([]string, error) {
	rows, err := db.Query(ctx, "SELECT name FROM system.tables WHERE database = ? ORDER BY name", db.Database)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var names []string
	for rows.Next() {
		var n string
		if err := rows.Scan(&n); err != nil {
			return nil, err
		}
		names = append(names, n)
	}
	return names, rows.Err()
}
