// Package httpapi is the connector for paginated JSON APIs of the provincial platforms and
// IoT vendors. It reads the records updated since the watermark, one page per batch, in the
// order the server gives them: (updated_at, id). Each batch carries the highest (updated_at,
// id) of its page as its cursor, so the runner's watermark only moves as far as data that
// actually reached the warehouse.
package httpapi

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"net/http"
	"net/url"
	"os"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/go-json-experiment/json/jsontext"

	"safetydw/etl/files"
	"safetydw/etl/source"
)

// Config is the HTTP connector's spec.
//
// Requests are GET URL?updated_since=<RFC3339>&page=N&size=M (pagination: page) or
// GET URL?updated_since=<RFC3339>&size=M[&cursor=C] (pagination: cursor). The server must
// return the records with updated_at >= updated_since ordered by (updated_at, id), ids
// compared as numbers when both are integers and as text otherwise. In page mode a server that
// caps the page size must say "total", or page_size must not exceed its cap: without a total a
// short page is the only sign of the end.
type Config struct {
	URL          string        `yaml:"url"`           // endpoint, e.g. http://127.0.0.1:18700/api/hazards
	Pagination   string        `yaml:"pagination"`    // page (page/size parameters, default) | cursor (opaque next_cursor)
	PageSize     int           `yaml:"page_size"`     // rows per request (default 100)
	UpdatedField string        `yaml:"updated_field"` // record field holding the updated-at timestamp (default updated_at)
	IDField      string        `yaml:"id_field"`      // record field holding the record id (default id)
	Lag          time.Duration `yaml:"lag"`           // re-read this far behind the watermark for late writes
	TokenEnv     string        `yaml:"token_env"`     // environment variable holding the bearer token
	Timeout      time.Duration `yaml:"timeout"`       // per request, body included (default 30s)
	MaxRetries   int           `yaml:"max_retries"`   // on 5xx, 429, network errors and timeouts (default 3; -1 for none)
	BackoffBase  time.Duration `yaml:"backoff_base"`  // wait before the first retry, doubling after (default 1s)
	BackoffMax   time.Duration `yaml:"backoff_max"`   // longest backoff wait (default 1m)
	// BatchRows, when set, gathers pages until this many records are in hand and hands
	// them over as one batch: one INSERT, one archive file and one checkpoint instead of one
	// per page, which is what a page costs beyond its records when a platform caps its page
	// size. 0 (the default): each page is its own batch.
	BatchRows int `yaml:"batch_rows"`
	// NoJitter waits exactly the backoff. By default a retry waits a random 50–100% of it, so
	// that many clients failing together do not hammer the server in step; tests want the
	// exact sequence.
	NoJitter bool `yaml:"no_jitter"`
	// RetryAfterMax is the longest Retry-After the connector waits out (default 5m). A server
	// asking for more fails the run instead of stalling it silently.
	RetryAfterMax time.Duration `yaml:"retry_after_max"`
	// Log receives one line per retry; nil writes to stderr, because retries that nobody sees
	// hide a sick upstream until it fails outright.
	Log io.Writer `yaml:"-"`
}

// Defaults filled in by Open for unset fields.
const (
	DefaultPageSize      = 100
	DefaultTimeout       = 30 * time.Second
	DefaultMaxRetries    = 3
	DefaultBackoffBase   = time.Second
	DefaultBackoffMax    = time.Minute
	DefaultRetryAfterMax = 5 * time.Minute
)

// maxBody bounds one response; a page larger than this is a misconfigured page size.
const maxBody = 256 << 20

// cst is Asia/Shanghai. China has had no daylight saving time since 1991, so a fixed zone is
// exact and needs no tzdata on the machine.
var cst = time.FixedZone("CST", 8*3600)

// Connector reads pages after a watermark.
type Connector struct {
	cfg       Config
	client    *http.Client
	endpoint  *url.URL
	token     string
	log       io.Writer
	watermark *source.Cursor // as opened; with no lag, records not after it were loaded before
	since     string         // updated_since sent with every request; empty for a full load
	cursor    *source.Cursor // highest (updated_at, id) handed out so far
	page      int            // pages requested so far
	next      string         // cursor mode: the server's cursor for the next page
	done      bool
	rows      int // records received so far, for row numbers within the result set
	retries   int
	dec       *jsontext.Decoder // reads each record's key (see key)
	in        bytes.Buffer
}

// Open prepares a connector that starts after the watermark (nil: from the beginning).
func Open(cfg Config, watermark *source.Cursor) (*Connector, error) {
	if cfg.URL == "" {
		return nil, errors.New("http 数据源缺少 url (http source needs a url)")
	}
	u, err := url.Parse(cfg.URL)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return nil, fmt.Errorf("http 数据源 url 无效 %q (invalid url)", cfg.URL)
	}
	switch cfg.Pagination {
	case "":
		cfg.Pagination = "page"
	case "page", "cursor":
	default:
		return nil, fmt.Errorf("%s: pagination 只能是 page 或 cursor (pagination must be page or cursor), got %q", cfg.URL, cfg.Pagination)
	}
	if cfg.PageSize <= 0 {
		cfg.PageSize = DefaultPageSize
	}
	if cfg.UpdatedField == "" {
		cfg.UpdatedField = "updated_at"
	}
	if cfg.IDField == "" {
		cfg.IDField = "id"
	}
	if cfg.Lag < 0 {
		return nil, fmt.Errorf("%s: lag 不能为负 (lag must not be negative): %s", cfg.URL, cfg.Lag)
	}
	if cfg.Timeout <= 0 {
		cfg.Timeout = DefaultTimeout
	}
	switch {
	case cfg.MaxRetries == 0:
		cfg.MaxRetries = DefaultMaxRetries
	case cfg.MaxRetries < 0:
		cfg.MaxRetries = 0
	}
	if cfg.BackoffBase <= 0 {
		cfg.BackoffBase = DefaultBackoffBase
	}
	if cfg.BackoffMax <= 0 {
		cfg.BackoffMax = DefaultBackoffMax
	}
	if cfg.RetryAfterMax <= 0 {
		cfg.RetryAfterMax = DefaultRetryAfterMax
	}
	c := &Connector{
		cfg:      cfg,
		client:   &http.Client{Timeout: cfg.Timeout},
		endpoint: u,
		log:      cfg.Log,
	}
	if c.log == nil {
		c.log = os.Stderr
	}
	if cfg.TokenEnv != "" {
		// A configured variable that is empty is a deployment mistake; sending no token would
		// only turn it into a 401 that names nothing useful.
		c.token = os.Getenv(cfg.TokenEnv)
		if c.token == "" {
			return nil, fmt.Errorf("%s: 环境变量 %s 未设置或为空，无法取得访问令牌 (token_env %s is empty or unset)", cfg.URL, cfg.TokenEnv, cfg.TokenEnv)
		}
	}
	if watermark != nil {
		wm := *watermark
		c.watermark = &wm
		c.cursor = &wm
		// Seconds are enough: truncating only moves the window earlier, and re-read rows
		// replace themselves in the warehouse.
		c.since = wm.TS.Add(-cfg.Lag).In(cst).Format(time.RFC3339)
	}
	return c, nil
}

// Retries reports how many requests were retried so far.
func (c *Connector) Retries() int { return c.retries }

// Next returns the next page that holds records to load (or, with batch_rows, the next
// pages); pages whose records were all loaded by earlier runs are skipped.
func (c *Connector) Next(ctx context.Context) (*source.Batch, error) {
	var acc *gathered
	for !c.done {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		c.page++
		reqURL, loc := c.requestURL(), c.locator(c.page)
		pg, size, err := c.fetch(ctx, reqURL)
		if err != nil {
			// Pages gathered but not handed over are read again by the next run: the
			// watermark has not moved past them.
			return nil, err
		}
		if acc == nil {
			acc = &gathered{first: c.page, loc: loc}
		}
		c.gather(pg, acc)
		acc.size += size
		if err := c.advance(pg, reqURL); err != nil {
			return nil, err
		}
		if len(acc.recs) > 0 && len(acc.recs) >= c.cfg.BatchRows {
			return c.batch(acc), nil
		}
		if len(acc.recs) == 0 {
			acc = nil // a page loaded before: the next batch is named after the next page
		}
	}
	if acc != nil && len(acc.recs) > 0 {
		return c.batch(acc), nil
	}
	return nil, nil
}

// Close ends the connector.
func (c *Connector) Close() error {
	c.client.CloseIdleConnections()
	return nil
}

func (c *Connector) requestURL() string {
	u := *c.endpoint
	q := u.Query() // keeps parameters written into the configured URL
	if c.since != "" {
		q.Set("updated_since", c.since)
	}
	q.Set("size", strconv.Itoa(c.cfg.PageSize))
	if c.cfg.Pagination == "page" {
		q.Set("page", strconv.Itoa(c.page))
	} else if c.next != "" {
		q.Set("cursor", c.next)
	}
	u.RawQuery = q.Encode()
	return u.String()
}

// where names a request in errors: the URL and which page of the run it was.
func (c *Connector) where(reqURL string) string {
	return fmt.Sprintf("GET %s (第 %d 页 page %d)", reqURL, c.page, c.page)
}

// locator names a page for people and for the quarantine ledger, which keys rows by it: the
// window start is part of it so that page 3 of one run is not page 3 of another. Pages
// gathered into one batch (batch_rows) are named by the first: "page 3-12".
func (c *Connector) locator(page int) string {
	var extra []string
	if c.since != "" {
		extra = append(extra, "updated_since="+c.since)
	}
	if c.cfg.Pagination == "cursor" && c.next != "" {
		extra = append(extra, "cursor="+c.next)
	}
	loc := fmt.Sprintf("GET %s page %d", c.endpoint.Path, page)
	if len(extra) > 0 {
		loc += " (" + strings.Join(extra, ", ") + ")"
	}
	return loc
}

// page is one decoded response.
type page struct {
	records    []json.RawMessage
	total      *int
	nextCursor string
}

// advance decides from a page whether another one follows.
func (c *Connector) advance(pg *page, reqURL string) error {
	if c.cfg.Pagination == "cursor" {
		if pg.nextCursor != "" && pg.nextCursor == c.next {
			// Following it would fetch the same page forever.
			return fmt.Errorf("%s: 服务端重复返回同一个 next_cursor %q (the server repeated its cursor)", c.where(reqURL), pg.nextCursor)
		}
		c.next = pg.nextCursor
		c.done = c.next == ""
		return nil
	}
	// Only an empty page, or a short one with nothing more announced, ends the read. A short
	// page below a total means the server caps the page size (its pages are then smaller
	// than ours, and page N is still the next one); a full page is never trusted to be the
	// last, because a wrong total would silently drop the rest.
	n := len(pg.records)
	c.done = n == 0 || (n < c.cfg.PageSize && (pg.total == nil || c.rows >= *pg.total))
	return nil
}

// gathered is what the pages of one batch brought: the records to load and their
// positions in the result set.
type gathered struct {
	first int    // the first page's number
	loc   string // the first page's locator
	recs  []json.RawMessage
	nums  []int
	size  int
}

// gather keeps the records of a page that are to be loaded, and moves the cursor.
func (c *Connector) gather(pg *page, acc *gathered) {
	for i, raw := range pg.records {
		num := c.rows + i + 1
		ts, id, ok := c.key(raw)
		if ok {
			// Without a lag window, a record at or before the watermark was loaded by an earlier
			// run (the server's filter is >=, so rows sharing the watermark's timestamp come back).
			// With a lag window they are kept on purpose: re-reading them catches late writes.
			if c.cfg.Lag == 0 && c.watermark != nil && !c.watermark.After(ts, id) {
				continue
			}
			if c.cursor == nil || c.cursor.After(ts, id) {
				c.cursor = &source.Cursor{TS: ts, ID: id}
			}
		}
		// Records without a readable key still go to the dataset, which quarantines them.
		acc.recs = append(acc.recs, raw)
		acc.nums = append(acc.nums, num)
	}
	c.rows += len(pg.records)
}

// batch turns gathered records into a batch.
func (c *Connector) batch(acc *gathered) *source.Batch {
	loc := acc.loc
	if c.page > acc.first {
		loc = strings.Replace(loc, fmt.Sprintf(" page %d", acc.first), fmt.Sprintf(" page %d-%d", acc.first, c.page), 1)
	}
	t := files.FromObjects(loc, acc.recs, 1)
	for i, n := range acc.nums {
		t.Rows[i+1].Num = n // position in the result set, so a person can find the record
	}
	b := &source.Batch{Table: t, Locator: loc, Size: int64(acc.size)}
	if c.cursor != nil {
		cur := *c.cursor
		b.Cursor = &cur
	}
	return b
}

// key reads a record's (updated_at, id); ok is false when either is missing or unreadable.
func (c *Connector) key(raw []byte) (time.Time, string, bool) {
	if c.dec == nil {
		c.dec = jsontext.NewDecoder(&c.in, jsonOptions...)
	}
	idRaw, tsRaw, ok := twoFields(c.dec, &c.in, raw, c.cfg.IDField, c.cfg.UpdatedField)
	if !ok {
		return time.Time{}, "", false
	}
	id := scalarText(idRaw)
	ts, err := ParseTime(scalarText(tsRaw))
	if id == "" || err != nil {
		return time.Time{}, "", false
	}
	return ts, id, true
}

// jsonOptions read what encoding/json read: invalid UTF-8 in strings becomes U+FFFD, and a
// key given twice keeps its last value.
var jsonOptions = []jsontext.Options{jsontext.AllowInvalidUTF8(true), jsontext.AllowDuplicateNames(true)}

// twoFields returns the values of two top-level keys of a JSON object (the last, when a key
// is repeated, as a map keeps it; nil when absent), reading the record's tokens once instead
// of decoding it into a map (a third of a page's cost). ok is false for a record that is no
// object or does not parse, as decoding it into a map failed.
func twoFields(dec *jsontext.Decoder, in *bytes.Buffer, raw []byte, a, b string) (va, vb jsontext.Value, ok bool) {
	*in = *bytes.NewBuffer(raw) // read in place, with one decoder for all the records
	dec.Reset(in, jsonOptions...)
	if dec.PeekKind() != '{' {
		return nil, nil, false
	}
	if _, err := dec.ReadToken(); err != nil {
		return nil, nil, false
	}
	var scratch []byte
	for dec.PeekKind() != '}' {
		name, err := dec.ReadValue()
		if err != nil {
			return nil, nil, false
		}
		key := name[1 : len(name)-1]
		if bytes.IndexByte(key, '\\') >= 0 || !utf8.Valid(key) {
			scratch, _ = jsontext.AppendUnquote(scratch[:0], name)
			key = scratch
		}
		isA, isB := string(key) == a, string(key) == b
		v, err := dec.ReadValue()
		if err != nil {
			return nil, nil, false
		}
		// Both name the bytes of raw: the decoder reads a bytes.Buffer in place.
		if isA {
			va = v
		}
		if isB {
			vb = v
		}
	}
	if _, err := dec.ReadToken(); err != nil {
		return nil, nil, false
	}
	if _, err := dec.ReadToken(); err != io.EOF {
		return nil, nil, false // json.Unmarshal refused data after the object
	}
	return va, vb, true
}

// scalarText is a JSON string's text or a number's literal; "" for anything else.
func scalarText(raw []byte) string {
	raw = bytes.TrimSpace(raw)
	if len(raw) == 0 {
		return ""
	}
	switch jsontext.Value(raw).Kind() {
	case '"':
		s, _ := jsontext.AppendUnquote(nil, raw) // invalid UTF-8 becomes U+FFFD, as before
		return strings.TrimSpace(string(s))
	case '0':
		return string(raw)
	}
	return ""
}

// ParseTime reads an updated-at value: RFC 3339 with an offset, or a zone-less
// "2006-01-02 15:04:05" (also with T, and with fractions) taken as China time, or Unix epoch
// seconds or milliseconds as the IoT gateways send them.
func ParseTime(s string) (time.Time, error) {
	s = strings.TrimSpace(s)
	if t, err := time.Parse(time.RFC3339Nano, s); err == nil {
		return t, nil
	}
	for _, l := range []string{"2006-01-02 15:04:05", "2006-01-02T15:04:05"} {
		if t, err := time.ParseInLocation(l, s, cst); err == nil {
			return t, nil
		}
	}
	if n, err := strconv.ParseInt(s, 10, 64); err == nil {
		switch len(s) {
		case 10:
			return time.Unix(n, 0), nil
		case 13:
			return time.UnixMilli(n), nil
		}
	}
	return time.Time{}, fmt.Errorf("时间格式无法识别 %q (unrecognised timestamp)", s)
}

// fetch GETs one page, retrying what may pass: network errors, timeouts, 5xx and 429.
// Other answers fail at once, since asking again cannot change them.
func (c *Connector) fetch(ctx context.Context, reqURL string) (*page, int, error) {
	where := c.where(reqURL)
	for attempt := 0; ; attempt++ {
		status, header, body, err := c.get(ctx, reqURL)
		if err != nil && ctx.Err() != nil {
			return nil, 0, fmt.Errorf("%s: 已取消 (cancelled): %w", where, ctx.Err())
		}
		var why string
		var wait time.Duration
		waitSet := false
		switch {
		case err != nil:
			why = err.Error() // connection refused or reset, timeout
		case status >= 200 && status < 300:
			pg, perr := parsePage(body)
			if perr != nil {
				return nil, 0, fmt.Errorf("%s: 响应不是 JSON 分页 (response is not a JSON page): %v; 响应开头 (body starts) %q", where, perr, snippet(body))
			}
			return pg, len(body), nil
		case status == http.StatusTooManyRequests || status >= 500:
			why = fmt.Sprintf("HTTP %d %s: %q", status, http.StatusText(status), snippet(body))
			if ra := header.Get("Retry-After"); ra != "" && (status == http.StatusTooManyRequests || status == http.StatusServiceUnavailable) {
				d, ok := parseRetryAfter(ra, time.Now())
				if ok {
					if d > c.cfg.RetryAfterMax {
						return nil, 0, fmt.Errorf("%s: HTTP %d，服务端要求 %s 后重试，超过上限 %s (Retry-After %q exceeds retry_after_max)", where, status, d, c.cfg.RetryAfterMax, ra)
					}
					wait, waitSet = d, true
				}
			}
		default:
			return nil, 0, fmt.Errorf("%s: HTTP %d %s，不重试 (not retried): %q", where, status, http.StatusText(status), snippet(body))
		}
		if attempt >= c.cfg.MaxRetries {
			return nil, 0, exhausted{fmt.Errorf("%s: 重试 %d 次后仍失败 (still failing after %d retries): %s", where, c.cfg.MaxRetries, c.cfg.MaxRetries, why)}
		}
		if !waitSet {
			wait = c.backoff(attempt)
		}
		fmt.Fprintf(c.log, "  重试 (retry) %d/%d %s 等待 (in) %s: %s\n", attempt+1, c.cfg.MaxRetries, where, wait, why)
		t := time.NewTimer(wait)
		select {
		case <-ctx.Done():
			t.Stop()
			return nil, 0, fmt.Errorf("%s: 等待重试时取消 (cancelled while waiting to retry): %w", where, ctx.Err())
		case <-t.C:
		}
		c.retries++
	}
}

// exhausted is a request that kept failing the way a passing outage does (5xx, 429, network):
// the scheduler may retry the whole run later (cron.Transient).
type exhausted struct{ error }

func (e exhausted) Temporary() bool { return true }
func (e exhausted) Unwrap() error   { return e.error }

// get performs one request and reads the whole body; a body cut off midway is an error like
// a failed connection, and is retried.
func (c *Connector) get(ctx context.Context, reqURL string) (int, http.Header, []byte, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, reqURL, nil)
	if err != nil {
		return 0, nil, nil, err
	}
	req.Header.Set("Accept", "application/json")
	req.Header.Set("User-Agent", "safetydw-etl")
	if c.token != "" {
		req.Header.Set("Authorization", "Bearer "+c.token)
	}
	resp, err := c.client.Do(req)
	if err != nil {
		return 0, nil, nil, err
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(io.LimitReader(resp.Body, maxBody))
	if err != nil {
		return 0, nil, nil, fmt.Errorf("读取响应失败 (reading the response): %w", err)
	}
	return resp.StatusCode, resp.Header, body, nil
}

// backoff is the wait before retry attempt+1: base·2^attempt, capped, with jitter unless off.
func (c *Connector) backoff(attempt int) time.Duration {
	d := c.cfg.BackoffBase
	for i := 0; i < attempt && d < c.cfg.BackoffMax; i++ {
		d *= 2
	}
	d = min(d, c.cfg.BackoffMax)
	if c.cfg.NoJitter || d < 2 {
		return d
	}
	return d/2 + rand.N(d/2+1)
}

// parseRetryAfter reads delay-seconds or an HTTP date (RFC 9110 §10.2.3).
func parseRetryAfter(v string, now time.Time) (time.Duration, bool) {
	v = strings.TrimSpace(v)
	if n, err := strconv.Atoi(v); err == nil {
		if n < 0 {
			return 0, false
		}
		return time.Duration(n) * time.Second, true
	}
	t, err := http.ParseTime(v)
	if err != nil {
		return 0, false
	}
	return max(t.Sub(now), 0), true
}

// parsePage accepts {"data"|"records"|"items": [...], "total": n, "next_cursor": "..."}, the
// same one level down ({"code": 0, "data": {"records": [...], "total": n}}, as MyBatis-Plus
// pages come), and a bare array. The body is read once by jsontext, its records kept as
// slices of it (json.Unmarshal into maps and slices scanned it four times and copied it twice).
func parsePage(body []byte) (*page, error) {
	body = bytes.TrimSpace(body)
	if len(body) > 0 && body[0] == '[' {
		recs, err := elements(body)
		if err != nil {
			return nil, err
		}
		return &page{records: recs}, nil
	}
	top, err := members(body)
	if err != nil {
		return nil, err
	}
	pg, found, err := pageFrom(top)
	if err != nil || found {
		return pg, err
	}
	if inner, ok := top["data"]; ok && inner.Kind() == '{' {
		m, _ := members(inner) // checked whole with the body
		pg, found, err := pageFrom(m)
		if err != nil || found {
			return pg, err
		}
	}
	return nil, errors.New("没有 data、records 或 items 数组 (no data, records or items array)")
}

// members reads a whole JSON object into its values by key (the last of a repeated key, as
// a map keeps it); null is no object and no error, as for json.Unmarshal into a map.
func members(b []byte) (map[string]jsontext.Value, error) {
	dec := jsontext.NewDecoder(bytes.NewBuffer(b), jsonOptions...)
	tok, err := dec.ReadToken()
	if err != nil {
		return nil, err
	}
	var m map[string]jsontext.Value
	switch tok.Kind() {
	case 'n':
	case '{':
		m = map[string]jsontext.Value{}
		for dec.PeekKind() != '}' {
			name, err := dec.ReadToken()
			if err != nil {
				return nil, err
			}
			k := name.String()
			v, err := dec.ReadValue() // a slice of b: the decoder reads a bytes.Buffer in place
			if err != nil {
				return nil, err
			}
			m[k] = v
		}
		if _, err := dec.ReadToken(); err != nil {
			return nil, err
		}
	default:
		return nil, fmt.Errorf("JSON %v 不是对象 (is not an object)", tok.Kind())
	}
	if _, err := dec.ReadToken(); err != io.EOF {
		return nil, fmt.Errorf("JSON 值之后还有数据 (data after the JSON value): %v", err)
	}
	return m, nil
}

// elements reads a whole JSON array into its elements, each a slice of b.
func elements(b []byte) ([]json.RawMessage, error) {
	dec := jsontext.NewDecoder(bytes.NewBuffer(b), jsonOptions...)
	if _, err := dec.ReadToken(); err != nil {
		return nil, err
	}
	var recs []json.RawMessage
	for dec.PeekKind() != ']' {
		v, err := dec.ReadValue()
		if err != nil {
			return nil, err
		}
		recs = append(recs, json.RawMessage(v))
	}
	if _, err := dec.ReadToken(); err != nil {
		return nil, err
	}
	if _, err := dec.ReadToken(); err != io.EOF {
		return nil, fmt.Errorf("JSON 数组之后还有数据 (data after the JSON array): %v", err)
	}
	return recs, nil
}

func pageFrom(m map[string]jsontext.Value) (*page, bool, error) {
	for _, k := range []string{"data", "records", "items"} {
		raw, ok := m[k]
		if !ok || raw.Kind() != '[' {
			continue
		}
		pg := &page{}
		var err error
		if pg.records, err = elements(raw); err != nil {
			return nil, true, fmt.Errorf("%s: %w", k, err)
		}
		if t, ok := m["total"]; ok {
			// As json.Unmarshal into an int: an integer literal, or null (which leaves 0).
			switch t.Kind() {
			case 'n':
				pg.total = new(int)
			case '0':
				if n, err := strconv.ParseInt(string(t), 10, 0); err == nil {
					total := int(n)
					pg.total = &total
				}
			}
		}
		for _, ck := range []string{"next_cursor", "nextCursor"} {
			if raw, ok := m[ck]; ok {
				pg.nextCursor = scalarText(raw)
			}
		}
		return pg, true, nil
	}
	return nil, false, nil
}

// snippet is the first 200 bytes of a body, cut at a character boundary.
func snippet(body []byte) string {
	if len(body) > 200 {
		body = body[:200]
	}
	return strings.ToValidUTF8(string(body), "")
}
