package files

import (
	"bufio"
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
	"os"
	"path/filepath"
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
	ChunkRows int      `yaml:"chunk_rows"` // every file is read in chunks of this many rows (default 50,000)
	// ChunkBytes also ends a CSV or XLSX chunk, at this many bytes of rows (DefaultChunkBytes).
	ChunkBytes int `yaml:"chunk_bytes"`
	// CSVLines leaves the records of a CSV chunk without quotes as text (source.Table.Lines),
	// for a dataset whose transform reads them itself (dataset.Dataset.ReadsLines); not a
	// setting of the sources file: the runner sets it from the dataset.
	CSVLines bool `yaml:"-"`
}

// DefaultChunkRows is the rows of one chunk, and so of one block sent to ClickHouse (the
// server squashes small blocks of an INSERT into larger parts itself). 50,000 rather than
// 100,000 halves what the loader holds at once (a chunk's text, rows, Arrow batch and block
// are in flight several times over): at 20 M rows with the archive, peak RSS 231 MiB instead of
// 357 MiB under the default collector, and less CPU too (13.5 s user instead of 16.4 s).
const DefaultChunkRows = 50_000

// DefaultChunkBytes also ends a CSV or XLSX chunk, whichever of it and the row bound comes
// first: at this many bytes of the row table the chunk holds, its text plus 16 bytes for each
// value (the string header that points into the text). 50,000 rows are 2 MB of text and 4 MB
// of headers for the sensor readings (5 narrow columns), but 10 + 14 MB for an inspection (18
// columns, Chinese text), and a chunk is held several times over on its way (rows, Arrow,
// block, archive): the scale-10 inspections.csv (60 MB) alone peaked at 678 MiB RSS with a
// live heap of 330 MB, most of the file at once (319 MiB and 139 MB with this bound; the whole
// scale-10 load 255-264 MiB instead of 614-623). Narrow rows still end at the row bound. A
// chunk boundary hides no duplicate key: the key check spans a file's chunks (dataset.FileKeys).
const DefaultChunkBytes = 4 << 20

// valueHeader is what a value costs a row table besides its text: a Go string header.
const valueHeader = 16

// headRows are the first rows of a file kept for every later chunk (keepHead): the header is
// among them, below any title rows. The byte bound never ends a chunk before it holds that
// many, or a file of wide title rows could lose its header to the second chunk.
const headRows = 10

// full says whether a chunk of rows rows holding held bytes is done under the byte bound.
func full(rows, held, maxBytes int) bool {
	return maxBytes > 0 && held >= maxBytes && rows >= headRows
}

// chunkJSONBytes also ends a JSON or JSON Lines chunk: a record keeps its text (for the
// quarantine) next to its parsed values, so 100,000 wide records (a hazard is ~500 bytes)
// held ~150 MB a chunk, and the pipeline holds several chunks at once. At 8 MiB the scale-10
// training file (86 MiB) loads in 244 MiB with GOMEMLIMIT=200MiB; at 16 MiB it took 327. At 4
// MiB, half a CSV chunk's bound (a record's text is held twice, raw and as values): the
// scale-10 hazards.jsonl (wide records) still had 150-190 MB live at 8 MiB, 400 MiB RSS.
const chunkJSONBytes = 4 << 20

// Connector yields the matching files in path order, each in chunks (CSV, JSON Lines, XLSX
// and JSON arrays alike), so memory stays bounded however large a file is.
type Connector struct {
	cfg    Config
	files  []dropFile
	loaded map[string]bool
	reload []string
	cur    *chunker
}

// Open lists the files of dir that match the config (see list: only regular files inside dir,
// every pattern matching something). loaded holds the content hashes of files loaded by
// earlier runs; those are reported as Seen and not read, unless their path matches one of the
// reload globs.
func Open(dir string, cfg Config, loaded map[string]bool, reload []string) (*Connector, error) {
	if err := cfg.Check(); err != nil {
		return nil, err
	}
	if cfg.ChunkRows <= 0 {
		cfg.ChunkRows = DefaultChunkRows
	}
	if cfg.ChunkBytes <= 0 {
		cfg.ChunkBytes = DefaultChunkBytes
	}
	fs, err := list(dir, cfg.Patterns)
	if err != nil {
		return nil, err
	}
	return &Connector{cfg: cfg, files: fs, loaded: loaded, reload: reload}, nil
}

// Next returns the next chunk or file. A file that cannot be read as a whole (its bytes are
// not in the declared encoding, its sheet is missing, it is no workbook or JSON at all) is an
// error naming it and the setting to fix: the run stops before any of its rows is stored, so
// the file is loaded once the cause is fixed. A record that cannot be parsed is only that
// record's problem: it comes back as a row without values, for the quarantine.
func (c *Connector) Next(ctx context.Context) (*source.Batch, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	if c.cur != nil {
		return c.nextChunk()
	}
	if len(c.files) == 0 {
		return nil, nil
	}
	f := c.files[0]
	c.files = c.files[1:]
	ext := strings.ToLower(filepath.Ext(f.rel))
	text := ext == ".csv" || ext == ".txt"
	sum, err := scanFile(ctx, f.real, text)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", f.rel, err)
	}
	b := &source.Batch{Locator: f.rel, Hash: sum.hash, Size: sum.size}
	if c.loaded[sum.hash] && !Matches(c.reload, f.rel) {
		b.Seen = true
		return b, nil
	}
	var ch *chunker
	switch ext {
	case ".csv", ".txt", ".jsonl", ".ndjson":
		ch, err = c.openChunker(f, sum)
	default:
		ch, err = c.openStream(f)
	}
	if err != nil {
		return nil, err
	}
	c.cur = ch
	ch.batch = *b
	// The first chunk is read now: a file that cannot be read at all (no workbook, no JSON
	// array, its sheet missing) is an error before any of its rows is stored.
	return c.nextChunk()
}

// openStream opens an XLSX or JSON file for chunked reading.
func (c *Connector) openStream(df dropFile) (*chunker, error) {
	s, err := openStream(df.rel, c.cfg.Sheet, func() ([]byte, error) { return readRegular(df.real) },
		func() (io.ReadCloser, error) { return openRegular(df.real) })
	if err != nil {
		return nil, err
	}
	if js, ok := s.(*jsonStream); ok {
		js.maxBytes = chunkJSONBytes
	}
	if xs, ok := s.(*xlsxStream); ok {
		xs.maxBytes = c.cfg.ChunkBytes
	}
	return &chunker{rel: df.rel, rows: c.cfg.ChunkRows, stream: s}, nil
}

// Close closes the file being read, if any.
func (c *Connector) Close() error {
	if c.cur != nil {
		return c.cur.close()
	}
	return nil
}

func readRegular(path string) ([]byte, error) {
	f, err := openRegular(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	return io.ReadAll(f)
}

// fileSum is what one pass over a file finds: its content hash and size and, for text files,
// where the bytes first stop being UTF-8 (-1: nowhere), which decides the encoding.
type fileSum struct {
	hash       string
	size       int64
	badUTF8    int64 // byte offset of the first invalid UTF-8 sequence, or -1
	badUTF8Row int   // its 1-based line
}

// scanFile hashes a file and, for text, checks it is UTF-8 all through. The whole file is
// checked, not a sample: a GBK file may well begin with 64 KiB of digits and commas. A
// cancelled run (SIGTERM) stops it between reads, however large the file.
func scanFile(ctx context.Context, path string, text bool) (fileSum, error) {
	f, err := openRegular(path)
	if err != nil {
		return fileSum{}, err
	}
	defer f.Close()
	h := sha256.New()
	s := fileSum{badUTF8: -1}
	buf := make([]byte, 256<<10)
	keep := 0 // bytes of a character cut at the end of the last read, moved to buf's start
	for {
		if err := ctx.Err(); err != nil {
			return fileSum{}, err
		}
		n, err := f.Read(buf[keep:])
		h.Write(buf[keep : keep+n])
		s.size += int64(n)
		if text && s.badUTF8 < 0 {
			data := buf[:keep+n]
			cut := len(data)
			if err == nil {
				cut = completeUTF8(data)
			}
			if i := invalidUTF8(data[:cut]); i >= 0 {
				s.badUTF8 = s.size - int64(len(data)) + int64(i)
			}
			keep = copy(buf, data[cut:])
		}
		if err == io.EOF {
			break
		}
		if err != nil {
			return fileSum{}, err
		}
	}
	s.hash = hex.EncodeToString(h.Sum(nil))
	if s.badUTF8 >= 0 {
		if s.badUTF8Row, err = lineAt(path, s.badUTF8); err != nil {
			return fileSum{}, err
		}
	}
	return s, nil
}

// completeUTF8 returns the length of b without a character cut off at its end.
func completeUTF8(b []byte) int {
	for i := len(b) - 1; i >= 0 && i >= len(b)-utf8.UTFMax; i-- {
		if utf8.RuneStart(b[i]) {
			if !utf8.FullRune(b[i:]) {
				return i
			}
			break
		}
	}
	return len(b)
}

// invalidUTF8 returns the offset of the first invalid UTF-8 sequence in b, or -1.
func invalidUTF8(b []byte) int {
	if utf8.Valid(b) {
		return -1
	}
	for i := 0; i < len(b); {
		r, n := utf8.DecodeRune(b[i:])
		if r == utf8.RuneError && n == 1 {
			return i
		}
		i += n
	}
	return -1
}

// lineAt returns the 1-based line of a byte offset.
func lineAt(path string, off int64) (int, error) {
	f, err := openRegular(path)
	if err != nil {
		return 0, err
	}
	defer f.Close()
	buf := make([]byte, 64<<10)
	line := 1
	for off > 0 {
		n, err := f.Read(buf[:min(int64(len(buf)), off)])
		line += bytes.Count(buf[:n], []byte{'\n'})
		off -= int64(n)
		if err != nil {
			break
		}
	}
	return line, nil
}

// chunker reads one file a chunk at a time: CSV and JSON Lines here, XLSX and JSON arrays
// through a rowStream.
type chunker struct {
	f      *os.File
	rel    string
	enc    string
	csv    *csvSplitter
	lines  *bufio.Scanner
	stream rowStream
	head   []source.Row // the file's first rows, repeated so every chunk finds its header
	keys   []source.Row // JSON Lines: the first chunk's header row (each chunk has its own)
	json   *jsonRows    // JSON Lines: the records of the chunk being read
	batch  source.Batch
	rows   int
	line   int
	done   bool
}

func (ch *chunker) close() error {
	if ch.stream != nil {
		return ch.stream.close()
	}
	return ch.f.Close()
}

func (c *Connector) openChunker(df dropFile, sum fileSum) (*chunker, error) {
	f, err := openRegular(df.real)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", df.rel, err)
	}
	ch := &chunker{f: f, rel: df.rel, rows: c.cfg.ChunkRows}
	br := bufio.NewReaderSize(f, 1<<20)
	if ext := strings.ToLower(filepath.Ext(df.rel)); ext == ".jsonl" || ext == ".ndjson" {
		ch.lines = bufio.NewScanner(br)
		ch.lines.Buffer(make([]byte, 1<<20), 64<<20)
		ch.enc = "json"
		return ch, nil
	}
	r, enc, err := decodingReader(br, c.cfg.Encoding, sum)
	if err != nil {
		f.Close()
		return nil, fmt.Errorf("%s: %w", df.rel, err)
	}
	ch.enc = enc
	ch.csv = &csvSplitter{br: bufio.NewReaderSize(r, 1<<20), path: df.rel, maxBytes: c.cfg.ChunkBytes, lines: c.cfg.CSVLines}
	return ch, nil
}

// encodingOf names the decoder of a declared encoding: "" detects, "utf-8" or "gb18030".
func encodingOf(declared string) (string, error) {
	switch strings.ToLower(strings.TrimSpace(declared)) {
	case "":
		return "", nil
	case "gbk", "gb2312", "gb18030", "cp936":
		return "gb18030", nil
	case "utf-8", "utf8":
		return "utf-8", nil
	}
	return "", fmt.Errorf("file.encoding %q: 不认识的编码，可用 utf-8、gbk 或留空自动识别 (unknown encoding; use utf-8, gbk or leave it empty to detect)", declared)
}

// decodingReader decodes a CSV file as declared or, when nothing is declared, as UTF-8 if all
// its bytes are UTF-8 (a BOM is dropped) and otherwise as GB18030, a superset of GBK that
// decodes any byte sequence. Bytes that are not UTF-8 in a file declared UTF-8 are the wrong
// setting (or a damaged file): an error naming the row, before any row is read.
func decodingReader(br *bufio.Reader, declared string, sum fileSum) (io.Reader, string, error) {
	enc, err := encodingOf(declared)
	if err != nil {
		return nil, "", err
	}
	if enc == "gb18030" || (enc == "" && sum.badUTF8 >= 0) {
		return transform.NewReader(br, simplifiedchinese.GB18030.NewDecoder()), "gb18030", nil
	}
	if sum.badUTF8 >= 0 {
		return nil, "", fmt.Errorf("数据源声明 encoding: %s，但第 %d 行不是有效的 UTF-8：若文件是 GBK，请把 encoding 改为 gbk 或留空自动识别 (encoding: %s is declared but row %d is not valid UTF-8; for a GBK file set encoding: gbk, or leave it empty to detect)",
			declared, sum.badUTF8Row, declared, sum.badUTF8Row)
	}
	if peek, _ := br.Peek(3); string(peek) == "\xEF\xBB\xBF" {
		_, _ = br.Discard(3)
		return br, "utf-8-bom", nil
	}
	return br, "utf-8", nil
}

func (c *Connector) nextChunk() (*source.Batch, error) {
	ch := c.cur
	b := ch.batch
	t := &source.Table{Path: ch.rel, Encoding: ch.enc, Head: ch.head}
	if ch.stream != nil {
		// A file that stops being readable part way (a cut JSON array, a damaged sheet) fails
		// the run, as it does when whole: it is not marked loaded, and loads once fixed.
		eof, err := ch.stream.chunk(t, ch.rows)
		if err != nil {
			ch.close()
			c.cur = nil
			return nil, err
		}
		ch.done = eof
		if t.Encoding == "xlsx" {
			ch.keepHead(t) // a JSON chunk carries its own header row
		}
	} else if ch.lines != nil {
		if err := ch.readJSONLines(t); err != nil {
			// A line too long for the scanner ends what can be read: the rows before it
			// still load, the rest of the file is quarantined as one unreadable row.
			b.Err, b.ErrRow = err, ch.line
			b.Raw = fmt.Sprintf("%s 自第 %d 行起无法读取 (unreadable from row %d)", ch.rel, ch.line, ch.line)
			ch.done = true
		}
	} else if err := ch.readCSV(t); err != nil {
		// Reading itself failed (a disk error, not a bad record): the file stays unloaded.
		return nil, fmt.Errorf("%s row %d: %w", ch.rel, ch.line, err)
	}
	b.Table = t
	if ch.done {
		ch.close()
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
	ch.keepHead(t)
	return err
}

// keepHead keeps the first chunk's first rows, where the header is, for the later chunks.
func (ch *chunker) keepHead(t *source.Table) {
	if t.Head == nil && len(ch.head) == 0 {
		// Copied, values too: the first chunk's slices go back to the pool, the head lives on.
		for _, r := range t.Rows[:min(len(t.Rows), headRows)] {
			ch.head = append(ch.head, source.Row{Num: r.Num, Values: append([]string(nil), r.Values...)})
		}
	}
}

func (ch *chunker) readJSONLines(t *source.Table) error {
	if ch.json == nil {
		ch.json = newJSONRows()
	}
	n := 0
	for size := 0; n < ch.rows && size < chunkJSONBytes; {
		if !ch.lines.Scan() {
			ch.done = true
			if err := ch.lines.Err(); err != nil {
				return fmt.Errorf("%s row %d: %w", ch.rel, ch.line+1, err)
			}
			break
		}
		ch.line++
		line := bytes.TrimSpace(bytes.TrimPrefix(ch.lines.Bytes(), utf8BOM))
		if len(line) > 0 {
			ch.json.add(ch.line, line, string(line))
			n++
			size += len(line)
		}
	}
	if n == 0 && ch.keys != nil {
		// The read after the last line of a file whose lines filled whole chunks: no rows,
		// under the first chunk's header, or the empty chunk would be a file without one.
		t.Head = ch.keys
		return nil
	}
	ch.json.table(t)
	if ch.keys == nil {
		ch.keys = []source.Row{{Num: 0, Values: append([]string(nil), t.Rows[0].Values...)}}
	}
	return nil
}

// FirstRow returns the first row of a CSV file of the drop folder dir, decoded as the
// connector decodes it (GBK included); the quarantine export puts it above the refused rows.
// As for loading, only a regular file inside dir is read.
func FirstRow(dir, rel string) ([]string, error) {
	root, err := dropRoot(dir)
	if err != nil {
		return nil, err
	}
	real, err := regularInside(root, filepath.Join(dir, rel))
	if err != nil {
		return nil, fmt.Errorf("%s: %w", rel, err)
	}
	sum, err := scanFile(context.Background(), real, true)
	if err != nil {
		return nil, err
	}
	c := &Connector{cfg: Config{ChunkRows: 1}}
	ch, err := c.openChunker(dropFile{rel: rel, real: real}, sum)
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
