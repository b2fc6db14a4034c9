// Package source is the contract between connectors and the runner. A connector (files,
// HTTP API, SQL database) hands over its data as batches of text rows; the runner turns each
// batch into warehouse rows and only then commits the batch's checkpoint, so a crash between
// the two re-reads the batch instead of losing it.
package source

import (
	"context"
	"time"
)

// Row is one record as text, with where it stood in its batch.
type Row struct {
	Num    int      // 1-based physical position: CSV line, sheet row, JSON element, result row
	Values []string // cells as text; nil for a record that could not be parsed at all
	Raw    string   // the record as the source gave it, for quarantine
}

// Table is a batch's rows. The header is one of the first rows; titles may stand above it.
type Table struct {
	Path     string // file path or other locator
	Encoding string
	Rows     []Row
}

// Cursor is an incremental source's position: the last (updated_at, id) loaded. Ordering by
// both keeps rows that share a timestamp from being skipped at a page boundary.
type Cursor struct {
	TS time.Time
	ID string
}

// After reports whether (ts, id) comes after the cursor.
func (c Cursor) After(ts time.Time, id string) bool {
	return ts.After(c.TS) || (ts.Equal(c.TS) && id > c.ID)
}

// Batch is one unit of loading: one file, one API page, one chunk of a query.
type Batch struct {
	Table   *Table
	Locator string // what a person needs to find the rows again: file path, URL, table
	Hash    string // content hash, for sources loaded once per content (files); else empty
	Size    int64
	// Cursor, when set, is stored as the source's watermark after the batch is loaded.
	Cursor *Cursor
	// Err marks a batch the connector could not parse at all (an unreadable file); the runner
	// quarantines its raw text as one row instead of failing the run.
	Err error
	Raw string
}

// Connector yields batches. Next returns (nil, nil) when there is nothing more.
type Connector interface {
	Next(ctx context.Context) (*Batch, error)
	Close() error
}

// State is what the runner tells a connector about earlier runs.
type State struct {
	Watermark *Cursor         // last committed cursor of an incremental source
	Loaded    map[string]bool // content hashes of batches already loaded
}
