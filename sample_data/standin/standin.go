// Package standin is an HTTP stand-in for the sensor and hazard platforms: it serves records
// from JSON Lines files the way those platforms' APIs do (updated_since filter, page/size or
// cursor pagination, bearer token), and it can misbehave on request (500s, 429 with
// Retry-After, slow answers) so the connector's retries can be tested against it. It runs
// in-process under httptest.NewServer or as `safetydw sample serve`.
//
// GET <path>?updated_since=<RFC3339>&size=M&page=N answers page N (1-based) of the records
// with updated_at >= updated_since ordered by (updated_at, id):
//
//	{"data": [...], "total": <records matching>, "page": N, "size": M}
//
// Without page the endpoint paginates by cursor: GET <path>?updated_since=…&size=M[&cursor=C]
// answers the next M records after the cursor and "next_cursor", empty on the last page. The
// cursor is a keyset position, so records changed between requests are neither skipped nor
// repeated the way offsets would.
package standin

import (
	"bufio"
	"bytes"
	"cmp"
	"context"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"sync"
	"time"

	"safetydw/etl/source"
)

// Endpoint serves one JSON Lines file.
type Endpoint struct {
	Path         string // URL path, e.g. /api/hazards
	File         string // JSON Lines file, one object per line
	IDField      string // field that orders records sharing a timestamp; empty: "id", else the first key ending in _id
	UpdatedField string // timestamp field; empty: "updated_at", else the first key ending in _time or _at
}

// Fault makes the stand-in misbehave: it serves the first After requests, then answers the next Count requests
// with Status (and Retry-After, when set), or, with Status 0, serves them normally after Delay.
type Fault struct {
	After      int
	Count      int
	Status     int           // 500, 503, 429…; 0 serves the request (after Delay)
	RetryAfter string        // Retry-After header value: seconds or an HTTP date
	Delay      time.Duration // wait before answering; a client that gives up first sees a timeout
}

// Request is one request as the stand-in saw it, for tests to count and time retries.
type Request struct {
	At     time.Time
	Path   string
	Query  string
	Status int
}

// Server is the stand-in; it is an http.Handler.
type Server struct {
	// Token, when set, must come as "Authorization: Bearer <Token>".
	Token string

	mu        sync.Mutex
	endpoints map[string]*endpoint
	fault     Fault
	log       []Request
}

type endpoint struct {
	Endpoint
	// The file is parsed again when it changes, so tests (and people) can edit source rows
	// while the stand-in runs.
	sum     [32]byte
	records []record
}

type record struct {
	ts    time.Time
	hasTS bool
	id    string
	raw   json.RawMessage
}

// New serves the endpoints.
func New(eps ...Endpoint) *Server {
	s := &Server{endpoints: map[string]*endpoint{}}
	for _, e := range eps {
		s.endpoints[e.Path] = &endpoint{Endpoint: e}
	}
	return s
}

// Discover makes one endpoint per JSON Lines file in dir and its direct subfolders:
// hazards/hazards.jsonl is served at /api/hazards.
func Discover(dir string) ([]Endpoint, error) {
	var paths []string
	for _, pattern := range []string{"*.jsonl", "*/*.jsonl"} {
		m, err := filepath.Glob(filepath.Join(dir, pattern))
		if err != nil {
			return nil, err
		}
		paths = append(paths, m...)
	}
	sort.Strings(paths)
	seen := map[string]string{}
	var eps []Endpoint
	for _, p := range paths {
		path := "/api/" + strings.TrimSuffix(filepath.Base(p), ".jsonl")
		if other, dup := seen[path]; dup {
			return nil, fmt.Errorf("%s 与 %s 都对应 %s (both files map to the same endpoint); name one with --endpoint", other, p, path)
		}
		seen[path] = p
		eps = append(eps, Endpoint{Path: path, File: p})
	}
	return eps, nil
}

// Endpoints lists the served endpoints in path order.
func (s *Server) Endpoints() []Endpoint {
	s.mu.Lock()
	defer s.mu.Unlock()
	var out []Endpoint
	for _, e := range s.endpoints {
		out = append(out, e.Endpoint)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Path < out[j].Path })
	return out
}

// Inject replaces the pending fault.
func (s *Server) Inject(f Fault) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.fault = f
}

// Requests returns the requests served so far, in arrival order.
func (s *Server) Requests() []Request {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]Request(nil), s.log...)
}

// ServeHTTP answers one request.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	at := time.Now()
	status := s.serve(w, r)
	s.mu.Lock()
	s.log = append(s.log, Request{At: at, Path: r.URL.Path, Query: r.URL.RawQuery, Status: status})
	s.mu.Unlock()
}

// takeFault consumes one request's share of the pending fault.
func (s *Server) takeFault() (Fault, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	f := &s.fault
	if f.After > 0 {
		f.After--
		return Fault{}, false
	}
	if f.Count <= 0 {
		return Fault{}, false
	}
	f.Count--
	return *f, true
}

func (s *Server) serve(w http.ResponseWriter, r *http.Request) int {
	if f, hit := s.takeFault(); hit {
		if f.Delay > 0 {
			t := time.NewTimer(f.Delay)
			select {
			case <-r.Context().Done(): // the client gave up; do not hold the server open
				t.Stop()
				return 0
			case <-t.C:
			}
		}
		if f.Status != 0 {
			if f.RetryAfter != "" {
				w.Header().Set("Retry-After", f.RetryAfter)
			}
			return fail(w, f.Status, "故障注入 (injected fault)")
		}
	}
	if s.Token != "" && r.Header.Get("Authorization") != "Bearer "+s.Token {
		w.Header().Set("WWW-Authenticate", `Bearer realm="standin"`)
		return fail(w, http.StatusUnauthorized, "缺少或错误的访问令牌 (missing or wrong bearer token)")
	}
	if r.Method != http.MethodGet {
		return fail(w, http.StatusMethodNotAllowed, "只支持 GET (GET only)")
	}
	if r.URL.Path == "/" {
		return s.index(w)
	}
	s.mu.Lock()
	ep := s.endpoints[r.URL.Path]
	s.mu.Unlock()
	if ep == nil {
		return fail(w, http.StatusNotFound, "没有这个接口 (no such endpoint): "+r.URL.Path)
	}
	recs, err := s.records(ep)
	if err != nil {
		return fail(w, http.StatusInternalServerError, err.Error())
	}
	q := r.URL.Query()
	size := 100
	if v := q.Get("size"); v != "" {
		if size, err = strconv.Atoi(v); err != nil || size < 1 || size > 10000 {
			return fail(w, http.StatusBadRequest, "size 应为 1..10000 (size must be 1..10000): "+v)
		}
	}
	if v := q.Get("updated_since"); v != "" {
		// A client that forgot to escape the offset's "+" sends a space; read it as meant.
		since, err := ParseTime(strings.ReplaceAll(v, " ", "+"))
		if err != nil {
			return fail(w, http.StatusBadRequest, "updated_since: "+err.Error())
		}
		recs = filterSince(recs, since)
	}
	if v := q.Get("page"); v != "" {
		page, err := strconv.Atoi(v)
		if err != nil || page < 1 {
			return fail(w, http.StatusBadRequest, "page 应为从 1 开始的整数 (page must be an integer from 1): "+v)
		}
		from := min((page-1)*size, len(recs))
		to := min(from+size, len(recs))
		return answer(w, map[string]any{"data": raws(recs[from:to]), "total": len(recs), "page": page, "size": size})
	}
	from := 0
	if v := q.Get("cursor"); v != "" {
		ts, id, err := decodeCursor(v)
		if err != nil {
			return fail(w, http.StatusBadRequest, "cursor 无效 (invalid cursor): "+v)
		}
		from = sort.Search(len(recs), func(i int) bool { return less(ts, id, recs[i].ts, recs[i].id) })
	}
	to := min(from+size, len(recs))
	next := ""
	if to < len(recs) {
		next = encodeCursor(recs[to-1])
	}
	return answer(w, map[string]any{"data": raws(recs[from:to]), "total": len(recs), "next_cursor": next})
}

func (s *Server) index(w http.ResponseWriter) int {
	type entry struct {
		Path         string `json:"path"`
		File         string `json:"file"`
		IDField      string `json:"id_field"`      // empty until the first request guesses it
		UpdatedField string `json:"updated_field"` // likewise
	}
	var list []entry
	for _, e := range s.Endpoints() {
		list = append(list, entry(e))
	}
	return answer(w, map[string]any{"endpoints": list})
}

// records returns the endpoint's records sorted by (updated_at, id), parsing the file again
// when its content has changed. Content, not modification time: a test rewriting a file within
// the file system's timestamp resolution must still be seen.
func (s *Server) records(ep *endpoint) ([]record, error) {
	body, err := os.ReadFile(ep.File)
	if err != nil {
		return nil, fmt.Errorf("读取数据文件失败 (cannot read the data file): %w", err)
	}
	sum := sha256.Sum256(body)
	s.mu.Lock()
	defer s.mu.Unlock()
	if ep.records != nil && sum == ep.sum {
		return ep.records, nil
	}
	recs, err := parseLines(body, &ep.Endpoint)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", ep.File, err)
	}
	ep.records, ep.sum = recs, sum
	return recs, nil
}

// parseLines reads JSON Lines. A line that is not a JSON object is still served, as a JSON
// string, because a real platform hands broken records over too; having no timestamp, it
// only comes with full loads (no updated_since).
func parseLines(body []byte, ep *Endpoint) ([]record, error) {
	var recs []record
	sc := bufio.NewScanner(bytes.NewReader(body))
	sc.Buffer(make([]byte, 1<<20), 64<<20)
	for sc.Scan() {
		line := bytes.TrimSpace(sc.Bytes())
		if len(line) == 0 {
			continue
		}
		var m map[string]json.RawMessage
		if err := json.Unmarshal(line, &m); err != nil {
			quoted, _ := json.Marshal(string(line))
			recs = append(recs, record{raw: quoted})
			continue
		}
		if ep.IDField == "" || ep.UpdatedField == "" {
			id, updated := guessFields(line)
			if ep.IDField == "" {
				ep.IDField = id
			}
			if ep.UpdatedField == "" {
				ep.UpdatedField = updated
			}
		}
		rec := record{raw: append(json.RawMessage(nil), line...), id: text(m[ep.IDField])}
		if ts, err := ParseTime(text(m[ep.UpdatedField])); err == nil {
			rec.ts, rec.hasTS = ts, true
		}
		recs = append(recs, rec)
	}
	if err := sc.Err(); err != nil {
		return nil, err
	}
	sort.SliceStable(recs, func(i, j int) bool { return less(recs[i].ts, recs[i].id, recs[j].ts, recs[j].id) })
	return recs, nil
}

// guessFields picks the key fields from the first record, since the generated files are not
// ours to describe: the id is "id" or else the first key ending in _id; the timestamp is
// "updated_at" or else the first key ending in _time or _at (hazard_events has event_time).
func guessFields(line []byte) (id, updated string) {
	dec := json.NewDecoder(bytes.NewReader(line))
	if tok, err := dec.Token(); err != nil || tok != json.Delim('{') {
		return "id", "updated_at"
	}
	var firstID, firstTS string
	for dec.More() {
		tok, err := dec.Token()
		if err != nil {
			break
		}
		k, _ := tok.(string)
		switch {
		case k == "id":
			id = k
		case k == "updated_at":
			updated = k
		case firstID == "" && strings.HasSuffix(k, "_id"):
			firstID = k
		case firstTS == "" && (strings.HasSuffix(k, "_time") || strings.HasSuffix(k, "_at")):
			firstTS = k
		}
		var skip json.RawMessage
		if dec.Decode(&skip) != nil {
			break
		}
	}
	id, updated = cmp.Or(id, firstID, "id"), cmp.Or(updated, firstTS, "updated_at")
	return id, updated
}

func filterSince(recs []record, since time.Time) []record {
	out := make([]record, 0, len(recs))
	for _, r := range recs {
		if r.hasTS && !r.ts.Before(since) {
			out = append(out, r)
		}
	}
	return out
}

func raws(recs []record) []json.RawMessage {
	out := make([]json.RawMessage, len(recs))
	for i, r := range recs {
		out[i] = r.raw
	}
	return out
}

// less orders records by (updated_at, id), integer ids as numbers: the order the connector
// (etl/source.CompareIDs) expects of a server.
func less(ts1 time.Time, id1 string, ts2 time.Time, id2 string) bool {
	if !ts1.Equal(ts2) {
		return ts1.Before(ts2)
	}
	return source.CompareIDs(id1, id2) < 0
}

// Cursors are opaque to clients: base64 of "<unix nanos>|<id>", nanos empty for a record
// without a timestamp (those sort first).
func encodeCursor(r record) string {
	ns := ""
	if r.hasTS {
		ns = strconv.FormatInt(r.ts.UnixNano(), 10)
	}
	return base64.RawURLEncoding.EncodeToString([]byte(ns + "|" + r.id))
}

func decodeCursor(s string) (time.Time, string, error) {
	b, err := base64.RawURLEncoding.DecodeString(s)
	if err != nil {
		return time.Time{}, "", err
	}
	ns, id, ok := strings.Cut(string(b), "|")
	if !ok {
		return time.Time{}, "", fmt.Errorf("no separator")
	}
	if ns == "" {
		return time.Time{}, id, nil
	}
	n, err := strconv.ParseInt(ns, 10, 64)
	if err != nil {
		return time.Time{}, "", err
	}
	return time.Unix(0, n), id, nil
}

// cst is Asia/Shanghai; China has no daylight saving time, so a fixed zone is exact.
var cst = time.FixedZone("CST", 8*3600)

// ParseTime reads RFC 3339 with an offset, or "2006-01-02 15:04:05" (also with T) as China time.
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
	return time.Time{}, fmt.Errorf("时间格式无法识别 %q (unrecognised timestamp)", s)
}

func text(raw json.RawMessage) string {
	raw = bytes.TrimSpace(raw)
	if len(raw) == 0 || string(raw) == "null" {
		return ""
	}
	var s string
	if json.Unmarshal(raw, &s) == nil {
		return strings.TrimSpace(s)
	}
	return string(raw) // a number's literal
}

func answer(w http.ResponseWriter, v any) int {
	body, err := json.Marshal(v)
	if err != nil {
		return fail(w, http.StatusInternalServerError, err.Error())
	}
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.WriteHeader(http.StatusOK)
	_, _ = w.Write(body)
	return http.StatusOK
}

func fail(w http.ResponseWriter, status int, msg string) int {
	body, _ := json.Marshal(map[string]any{"error": msg, "status": status})
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.WriteHeader(status)
	_, _ = w.Write(body)
	return status
}

// Serve answers on ln until ctx ends, then shuts down gracefully.
func Serve(ctx context.Context, ln net.Listener, h http.Handler) error {
	srv := &http.Server{Handler: h, ReadHeaderTimeout: 10 * time.Second}
	errc := make(chan error, 1)
	go func() { errc <- srv.Serve(ln) }()
	select {
	case err := <-errc:
		return err
	case <-ctx.Done():
		sctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		return srv.Shutdown(sctx)
	}
}
