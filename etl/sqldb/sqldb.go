// Package sqldb is the connector for 前置库 tables in MySQL/MariaDB and PostgreSQL.
// (Being implemented.)
package sqldb

import (
	"context"
	"errors"

	"safetydw/etl/source"
)

// Config is the SQL connector's spec.
type Config struct {
	Driver        string   `yaml:"driver"`         // mysql | postgres
	DSNEnv        string   `yaml:"dsn_env"`        // environment variable holding the DSN (keeps passwords out of config)
	Table         string   `yaml:"table"`          // table or view to read
	Columns       []string `yaml:"columns"`        // columns to select; their names are the dataset's headers
	UpdatedColumn string   `yaml:"updated_column"` // keyset part 1: updated-at timestamp
	IDColumn      string   `yaml:"id_column"`      // keyset part 2: unique id, orders rows sharing a timestamp
	ChunkRows     int      `yaml:"chunk_rows"`     // rows per batch
}

// Connector streams rows after a watermark in (updated_at, id) order.
type Connector struct{}

// Open connects and prepares to read after the watermark (nil: from the beginning).
func Open(ctx context.Context, cfg Config, watermark *source.Cursor) (*Connector, error) {
	return nil, errors.New("sql connector not implemented yet")
}

// Next returns the next chunk.
func (c *Connector) Next(ctx context.Context) (*source.Batch, error) { return nil, nil }

// Close closes the connection.
func (c *Connector) Close() error { return nil }
