// Package httpapi is the connector for paginated JSON APIs of the provincial platforms and
// IoT vendors. (Being implemented.)
package httpapi

import (
	"context"
	"errors"
	"time"

	"safetydw/etl/source"
)

// Config is the HTTP connector's spec.
type Config struct {
	URL          string        `yaml:"url"`           // endpoint, e.g. http://127.0.0.1:18700/api/hazards
	Pagination   string        `yaml:"pagination"`    // page (page/size parameters) | cursor (opaque next cursor)
	PageSize     int           `yaml:"page_size"`     // rows per request
	UpdatedField string        `yaml:"updated_field"` // record field holding the updated-at timestamp
	IDField      string        `yaml:"id_field"`      // record field holding the record id (ties on updated-at)
	Lag          time.Duration `yaml:"lag"`           // re-read this far behind the watermark for late writes
	TokenEnv     string        `yaml:"token_env"`     // environment variable holding the bearer token
	Timeout      time.Duration `yaml:"timeout"`       // per request
	MaxRetries   int           `yaml:"max_retries"`   // on 5xx, 429 and timeouts
}

// Connector reads pages after a watermark.
type Connector struct{}

// Open prepares a connector that starts after the watermark (nil: from the beginning).
func Open(cfg Config, watermark *source.Cursor) (*Connector, error) {
	return nil, errors.New("http connector not implemented yet")
}

// Next returns the next page.
func (c *Connector) Next(ctx context.Context) (*source.Batch, error) { return nil, nil }

// Close ends the connector.
func (c *Connector) Close() error { return nil }
