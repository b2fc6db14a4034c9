package files

import (
	"bufio"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"unicode/utf8"

	"golang.org/x/text/encoding/simplifiedchinese"
	"golang.org/x/text/transform"

	"safetydw/etl/source"
)

// Config is the file connector's spec: which files of the drop folder to read, and how.
type Config struct {
	Patterns  []string `yaml:"patterns"`   // globs relative to the drop folder, e.g. drills/*/*.xlsx
	Encoding  string   `yaml:"encoding"`   // CSV encoding: empty detects UTF-8 (with or without BOM) or GB18030
	Sheet     string   `yaml:"sheet"`      // XLSX sheet name: empty takes the first sheet
	ChunkRows int      `yaml:"chunk_rows"` // CSV and JSON Lines are read in chunks of this many rows (default 100,000)
}

// DefaultChunkRows keeps a chunk near the block size ClickHouse inserts fastest here.
const DefaultChunkRows = 100_000

// Connector yields the matching files in path order: XLSX and JSON whole, CSV and JSON Lines
// in chunks, so memory stays bounded however large a file is.
type Connector struct {
	cfg    Config
	dir    string
	paths  []string
	loaded map[string]bool
	cur    *chunker
}

// Open lists the files of dir that match the config. loaded holds the content hashes of files
// loaded by earlier runs; those are reported as Seen and not read.
func Open(dir string, cfg Config, loaded map[string]bool) (*Connector, error) {
	if len(cfg.Patterns) == 0 {
		return nil, fmt.Errorf("file source needs at least one pattern")
	}
	if cfg.ChunkRows <= 0 {
		cfg.ChunkRows = DefaultChunkRows
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
	return &Connector{cfg: cfg, dir: dir, paths: paths, loaded: loaded}, nil
}

// Next returns the next chunk or file. A file that cannot be parsed comes back with Err set,
// so the runner quarantines it instead of stopping the run.
func (c *Connector) Next(ctx context.Context) (*source.Batch, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	if c.cur != nil {
		return c.nextChunk()
	}
	if len(c.paths) == 0 {
		return nil, nil
	}
	rel := c.paths[0]
	c.paths = c.paths[1:]
	path := filepath.Join(c.dir, rel)
	hash, size, err := hashFile(path)
	if err != nil {
		return nil, err
	}
	b := &source.Batch{Locator: rel, Hash: hash, Size: size}
	if c.loaded[hash] {
		b.Seen = true
		return b, nil
	}
	switch strings.ToLower(filepath.Ext(rel)) {
	case ".csv", ".txt", ".jsonl", ".ndjson":
		ch, err := c.openChunker(path, rel)
		if err != nil {
			b.Err, b.Raw = err, previewFile(path)
			return b, nil
		}
		c.cur = ch
		ch.batch = *b
		return c.nextChunk()
	}
	body, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	b.Table, b.Err = Read(rel, body, Options{Sheet: c.cfg.Sheet})
	if b.Err != nil {
		b.Raw = previewFile(path)
	}
	return b, nil
}

// Close closes the file being read, if any.
func (c *Connector) Close() error {
	if c.cur != nil {
		return c.cur.f.Close()
	}
	return nil
}

func hashFile(path string) (string, int64, error) {
	f, err := os.Open(path)
	if err != nil {
		return "", 0, err
	}
	defer f.Close()
	h := sha256.New()
	n, err := io.Copy(h, f)
	if err != nil {
		return "", 0, err
	}
	return hex.EncodeToString(h.Sum(nil)), n, nil
}

func previewFile(path string) string {
	f, err := os.Open(path)
	if err != nil {
		return ""
	}
	defer f.Close()
	buf := make([]byte, 4096)
	n, _ := io.ReadFull(f, buf)
	return string(buf[:n])
}

// chunker reads one CSV or JSON Lines file a chunk at a time.
type chunker struct {
	f     *os.File
	rel   string
	enc   string
	csv   *csvSplitter
	lines *bufio.Scanner
	head  []source.Row // the file's first rows, repeated so every chunk finds its header
	batch source.Batch
	rows  int
	line  int
	done  bool
}

func (c *Connector) openChunker(path, rel string) (*chunker, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	ch := &chunker{f: f, rel: rel, rows: c.cfg.ChunkRows}
	br := bufio.NewReaderSize(f, 1<<20)
	if ext := strings.ToLower(filepath.Ext(rel)); ext == ".jsonl" || ext == ".ndjson" {
		ch.lines = bufio.NewScanner(br)
		ch.lines.Buffer(make([]byte, 1<<20), 64<<20)
		ch.enc = "json"
		return ch, nil
	}
	r, enc, err := decodingReader(br, c.cfg.Encoding)
	if err != nil {
		f.Close()
		return nil, fmt.Errorf("%s: %w", rel, err)
	}
	ch.enc = enc
	ch.csv = &csvSplitter{br: bufio.NewReaderSize(r, 1<<20), path: rel}
	return ch, nil
}

// decodingReader picks the encoding from the first 64 KiB: a BOM or valid UTF-8 is UTF-8,
// anything else is GB18030 (a superset of GBK, which decodes any byte sequence).
func decodingReader(br *bufio.Reader, declared string) (io.Reader, string, error) {
	switch strings.ToLower(declared) {
	case "gbk", "gb2312", "gb18030":
		return transform.NewReader(br, simplifiedchinese.GB18030.NewDecoder()), "gb18030", nil
	case "utf-8", "utf8", "":
	default:
		return nil, "", fmt.Errorf("unknown encoding %q", declared)
	}
	peek, _ := br.Peek(64 << 10)
	if len(peek) >= 3 && string(peek[:3]) == "\xEF\xBB\xBF" {
		_, _ = br.Discard(3)
		return br, "utf-8-bom", nil
	}
	// The sample may end inside a character; trailing partial bytes do not count against UTF-8.
	valid := utf8.Valid(peek)
	for cut := 1; !valid && cut <= 3 && cut < len(peek); cut++ {
		valid = utf8.Valid(peek[:len(peek)-cut])
	}
	if valid {
		return br, "utf-8", nil
	}
	if declared != "" {
		return nil, "", fmt.Errorf("declared UTF-8 but the bytes are not valid UTF-8 (编码不是 UTF-8)")
	}
	return transform.NewReader(br, simplifiedchinese.GB18030.NewDecoder()), "gb18030", nil
}

func (c *Connector) nextChunk() (*source.Batch, error) {
	ch := c.cur
	b := ch.batch
	t := &source.Table{Path: ch.rel, Encoding: ch.enc, Head: ch.head}
	var err error
	if ch.lines != nil {
		err = ch.readJSONLines(t)
	} else {
		err = ch.readCSV(t)
	}
	if err != nil {
		// A broken CSV stops being readable at the error: the rows before it still load,
		// the rest of the file is quarantined as one unreadable row.
		b.Err, b.ErrRow = err, ch.line
		b.Raw = fmt.Sprintf("%s 自第 %d 行起无法读取 (unreadable from row %d)", ch.rel, ch.line, ch.line)
		ch.done = true
	}
	b.Table = t
	if ch.done {
		ch.f.Close()
		c.cur = nil
	} else {
		b.More = true
	}
	return &b, nil
}

func (ch *chunker) readCSV(t *source.Table) error {
	eof, err := ch.csv.chunk(t, ch.rows)
	ch.line = ch.csv.line
	ch.done = eof
	if t.Head == nil && len(ch.head) == 0 {
		// Copied, values too: the first chunk's slices go back to the pool, the head lives on.
		for _, r := range t.Rows[:min(len(t.Rows), 10)] {
			ch.head = append(ch.head, source.Row{Num: r.Num, Values: append([]string(nil), r.Values...)})
		}
	}
	return err
}

func (ch *chunker) readJSONLines(t *source.Table) error {
	var objs []rawObject
	for len(objs) < ch.rows {
		if !ch.lines.Scan() {
			ch.done = true
			if err := ch.lines.Err(); err != nil {
				return fmt.Errorf("%s row %d: %w", ch.rel, ch.line+1, err)
			}
			break
		}
		ch.line++
		text := strings.TrimSpace(strings.TrimPrefix(ch.lines.Text(), "\ufeff"))
		if text != "" {
			objs = append(objs, rawObject{num: ch.line, raw: text})
		}
	}
	tab, _ := objectsToTable(ch.rel, objs)
	t.Rows = tab.Rows
	return nil
}

// FirstRow returns the first row of a CSV file, decoded as the connector decodes it (GBK
// included); the quarantine export puts it above the refused rows.
func FirstRow(path string) ([]string, error) {
	c := &Connector{cfg: Config{ChunkRows: 1}}
	ch, err := c.openChunker(path, filepath.Base(path))
	if err != nil {
		return nil, err
	}
	defer ch.f.Close()
	var t source.Table
	if _, err := ch.csv.chunk(&t, 1); err != nil || len(t.Rows) == 0 {
		return nil, err
	}
	return t.Rows[0].Values, nil
}
