package files

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"os"
	"path/filepath"
	"sort"

	"safetydw/etl/source"
)

// Config is the file connector's spec: which files of the drop folder to read, and how.
type Config struct {
	Patterns []string `yaml:"patterns"` // globs relative to the drop folder, e.g. drills/*/*.xlsx
	Encoding string   `yaml:"encoding"` // CSV encoding: empty detects UTF-8 (with or without BOM) or GB18030
	Sheet    string   `yaml:"sheet"`    // XLSX sheet name: empty takes the first sheet
}

// Connector yields one batch per matching file, in path order. Files are read whole; the
// runner skips a file whose content hash it has loaded before.
type Connector struct {
	cfg   Config
	dir   string
	paths []string
}

// Open lists the files of dir that match the config.
func Open(dir string, cfg Config) (*Connector, error) {
	if len(cfg.Patterns) == 0 {
		return nil, fmt.Errorf("file source needs at least one pattern")
	}
	seen := map[string]bool{}
	var paths []string
	for _, p := range cfg.Patterns {
		m, err := filepath.Glob(filepath.Join(dir, p))
		if err != nil {
			return nil, fmt.Errorf("pattern %s: %w", p, err)
		}
		for _, f := range m {
			rel, _ := filepath.Rel(dir, f)
			if !seen[rel] {
				seen[rel] = true
				paths = append(paths, rel)
			}
		}
	}
	sort.Strings(paths)
	return &Connector{cfg: cfg, dir: dir, paths: paths}, nil
}

// Next reads the next file. A file that cannot be parsed comes back as a batch with Err set,
// so the runner quarantines it instead of stopping the run.
func (c *Connector) Next(ctx context.Context) (*source.Batch, error) {
	if len(c.paths) == 0 {
		return nil, ctx.Err()
	}
	rel := c.paths[0]
	c.paths = c.paths[1:]
	body, err := os.ReadFile(filepath.Join(c.dir, rel))
	if err != nil {
		return nil, err
	}
	sum := sha256.Sum256(body)
	b := &source.Batch{Locator: rel, Hash: hex.EncodeToString(sum[:]), Size: int64(len(body))}
	b.Table, b.Err = Read(rel, body, Options{Encoding: c.cfg.Encoding, Sheet: c.cfg.Sheet})
	if b.Err != nil {
		b.Raw = preview(body)
	}
	return b, nil
}

// Close releases nothing; files are read whole.
func (c *Connector) Close() error { return nil }

func preview(body []byte) string {
	const max = 4096
	if len(body) > max {
		body = body[:max]
	}
	return string(body)
}
