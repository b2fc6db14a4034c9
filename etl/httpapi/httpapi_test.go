package httpapi_test

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"safetydw/etl/httpapi"
	"safetydw/etl/source"
	"safetydw/sample_data/standin"
)

type item struct {
	ID        string `json:"id"`
	Name      string `json:"name"`
	Value     int    `json:"value"`
	UpdatedAt string `json:"updated_at"`
}

var t0 = time.Date(2025, 3, 1, 8, 0, 0, 0, time.FixedZone("CST", 8*3600))

// items makes n records ten minutes apart, ids it001… so text order is id order.
func items(n int) []item {
	out := make([]item, n)
	for i := range out {
		out[i] = item{ID: fmt.Sprintf("it%03d", i+1), Name: fmt.Sprintf("名称%d", i+1), Value: i + 1,
			UpdatedAt: t0.Add(time.Duration(i) * 10 * time.Minute).Format(time.RFC3339)}
	}
	return out
}

func writeItems(t *testing.T, path string, its []item) {
	t.Helper()
	var b strings.Builder
	for _, it := range its {
		line, _ := json.Marshal(it)
		b.Write(line)
		b.WriteByte('\n')
	}
	if err := os.WriteFile(path, []byte(b.String()), 0o644); err != nil {
		t.Fatal(err)
	}
}

// serve starts the stand-in on the records at /api/items.
func serve(t *testing.T, its []item) (*standin.Server, string) {
	t.Helper()
	file := filepath.Join(t.TempDir(), "items.jsonl")
	writeItems(t, file, its)
	srv := standin.New(standin.Endpoint{Path: "/api/items", File: file, IDField: "id"})
	hs := httptest.NewServer(srv)
	t.Cleanup(hs.Close)
	return srv, hs.URL + "/api/items"
}

// config is a fast test config: short deterministic backoff, quiet log.
func config(url, pagination string, size int) httpapi.Config {
	return httpapi.Config{URL: url, Pagination: pagination, PageSize: size, Timeout: 2 * time.Second,
		MaxRetries: 5, BackoffBase: 20 * time.Millisecond, BackoffMax: time.Second, NoJitter: true, Log: io.Discard}
}

func open(t *testing.T, cfg httpapi.Config, wm *source.Cursor) *httpapi.Connector {
	t.Helper()
	c, err := httpapi.Open(cfg, wm)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.Close() })
	return c
}

// drain reads every batch and returns them with the ids they hold, in order.
func drain(t *testing.T, c *httpapi.Connector) ([]*source.Batch, []string) {
	t.Helper()
	var batches []*source.Batch
	var ids []string
	for {
		b, err := c.Next(context.Background())
		if err != nil {
			t.Fatal(err)
		}
		if b == nil {
			return batches, ids
		}
		batches = append(batches, b)
		ids = append(ids, batchIDs(t, b)...)
	}
}

func batchIDs(t *testing.T, b *source.Batch) []string {
	t.Helper()
	col := slices.Index(b.Table.Rows[0].Values, "id")
	if col < 0 {
		t.Fatalf("%s: header %v has no id", b.Locator, b.Table.Rows[0].Values)
	}
	var ids []string
	for _, r := range b.Table.Rows[1:] {
		ids = append(ids, r.Values[col])
	}
	return ids
}

func idsOf(its []item) []string {
	var ids []string
	for _, it := range its {
		ids = append(ids, it.ID)
	}
	return ids
}

func TestPagePagination(t *testing.T) {
	its := items(20)
	srv, url := serve(t, its)
	batches, ids := drain(t, open(t, config(url, "page", 5), nil))
	if !slices.Equal(ids, idsOf(its)) {
		t.Fatalf("ids = %v, want all 20 in order", ids)
	}
	if len(batches) != 4 {
		t.Fatalf("%d batches, want one per page of 5", len(batches))
	}
	// A full last page is not trusted to be the last: one more request finds the end.
	if n := len(srv.Requests()); n != 5 {
		t.Errorf("%d requests, want 4 full pages and an empty one", n)
	}
	b := batches[1]
	if !strings.HasPrefix(b.Locator, "GET /api/items page 2") {
		t.Errorf("locator %q", b.Locator)
	}
	if b.Table.Rows[1].Num != 6 || b.Table.Rows[5].Num != 10 {
		t.Errorf("page 2 rows numbered %d..%d, want 6..10 (position in the result set)", b.Table.Rows[1].Num, b.Table.Rows[5].Num)
	}
	last := batches[3].Cursor
	if last == nil || last.ID != "it020" || !last.TS.Equal(t0.Add(190*time.Minute)) {
		t.Errorf("last cursor = %+v, want the last record", last)
	}
	if q := srv.Requests()[0].Query; strings.Contains(q, "updated_since") {
		t.Errorf("a first load sent %q; it has no window to ask for", q)
	}
}

func TestPageSizeNotDividingTotal(t *testing.T) {
	_, url := serve(t, items(23))
	batches, ids := drain(t, open(t, config(url, "page", 5), nil))
	if len(ids) != 23 || len(batches) != 5 || len(batchIDs(t, batches[4])) != 3 {
		t.Fatalf("%d ids in %d batches, want 23 in 5 (the last short)", len(ids), len(batches))
	}
}

// A server that serves at most 3 records a page whatever size asks for: its total keeps the
// connector reading past the short pages.
func TestServerCapsPageSize(t *testing.T) {
	its := items(10)
	var recs []string
	for _, it := range its {
		b, _ := json.Marshal(it)
		recs = append(recs, string(b))
	}
	hs := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		var page int
		fmt.Sscan(r.URL.Query().Get("page"), &page)
		from, to := min((page-1)*3, len(recs)), min(page*3, len(recs))
		fmt.Fprintf(w, `{"data":[%s],"total":%d}`, strings.Join(recs[from:to], ","), len(recs))
	}))
	defer hs.Close()
	_, ids := drain(t, open(t, config(hs.URL, "page", 5), nil))
	if !slices.Equal(ids, idsOf(its)) {
		t.Errorf("ids = %v, want all 10", ids)
	}
}

func TestCursorPagination(t *testing.T) {
	its := items(11)
	srv, url := serve(t, its)
	batches, ids := drain(t, open(t, config(url, "cursor", 4), nil))
	if !slices.Equal(ids, idsOf(its)) || len(batches) != 3 {
		t.Fatalf("ids = %v in %d batches, want all 11 in 3", ids, len(batches))
	}
	reqs := srv.Requests()
	if len(reqs) != 3 || strings.Contains(reqs[0].Query, "cursor=") || !strings.Contains(reqs[1].Query, "cursor=") {
		t.Errorf("requests %+v: want 3, the first without a cursor and the next with the server's", reqs)
	}
	if strings.Contains(reqs[0].Query, "page=") {
		t.Errorf("cursor mode sent a page number: %s", reqs[0].Query)
	}
}

// Five records share one updated_at and the page holds two: a run that stops after any page
// must resume with exactly the records it had not loaded, in both pagination modes.
func TestEqualTimestampsAcrossPages(t *testing.T) {
	for _, tc := range []struct {
		name string
		ids  []string
	}{
		{"text ids", []string{"a", "b", "c", "d", "e"}},
		// Integer ids order as numbers: "10" comes after "9", as the server sends them.
		{"integer ids", []string{"8", "9", "10", "11", "12"}},
	} {
		for _, mode := range []string{"page", "cursor"} {
			t.Run(tc.name+"/"+mode, func(t *testing.T) {
				same := t0.Format(time.RFC3339)
				its := []item{{ID: "0", Name: "before", UpdatedAt: t0.Add(-time.Hour).Format(time.RFC3339)}}
				for i, id := range tc.ids {
					its = append(its, item{ID: id, Name: "x", Value: i, UpdatedAt: same})
				}
				_, url := serve(t, its)
				cfg := config(url, mode, 2)

				_, all := drain(t, open(t, cfg, nil))
				if !slices.Equal(all, idsOf(its)) {
					t.Fatalf("full load = %v, want %v", all, idsOf(its))
				}
				// Stop after each page in turn and resume from its cursor, as after a crash.
				for stop := 1; stop <= 3; stop++ {
					c := open(t, cfg, nil)
					var loaded []string
					var wm *source.Cursor
					for range stop {
						b, err := c.Next(context.Background())
						if err != nil {
							t.Fatal(err)
						}
						loaded = append(loaded, batchIDs(t, b)...)
						wm = b.Cursor
					}
					_, rest := drain(t, open(t, cfg, wm))
					got := append(loaded, rest...)
					if !slices.Equal(got, idsOf(its)) {
						t.Errorf("stopped after page %d at %+v: loaded %v then %v, want each of %v once", stop, wm, loaded, rest, idsOf(its))
					}
				}
			})
		}
	}
}

// A late write lands with a timestamp before the watermark. Without a lag window it is
// missed; with one it is re-read together with the window's other rows.
func TestLagWindow(t *testing.T) {
	its := items(10) // it006 at t0+50m
	wm := &source.Cursor{TS: t0.Add(50 * time.Minute), ID: "it006"}
	late := item{ID: "it000late", Name: "补录", Value: 99, UpdatedAt: t0.Add(45 * time.Minute).Format(time.RFC3339)}
	srv, url := serve(t, append(its, late))

	_, ids := drain(t, open(t, config(url, "page", 3), wm))
	if want := []string{"it007", "it008", "it009", "it010"}; !slices.Equal(ids, want) {
		t.Errorf("lag 0: ids = %v, want %v", ids, want)
	}
	if q := srv.Requests()[0].Query; !strings.Contains(q, "updated_since=2025-03-01T08%3A50%3A00%2B08%3A00") {
		t.Errorf("lag 0 asked for %s, want updated_since at the watermark", q)
	}

	cfg := config(url, "page", 3)
	cfg.Lag = 15 * time.Minute
	n := len(srv.Requests())
	batches, ids := drain(t, open(t, cfg, wm))
	if want := []string{"it005", "it000late", "it006", "it007", "it008", "it009", "it010"}; !slices.Equal(ids, want) {
		t.Errorf("lag 15m: ids = %v, want %v (the window re-read, the late write caught)", ids, want)
	}
	if q := srv.Requests()[n].Query; !strings.Contains(q, "updated_since=2025-03-01T08%3A35%3A00%2B08%3A00") {
		t.Errorf("lag 15m asked for %s, want the watermark minus 15 minutes", q)
	}
	// Re-read rows must not pull the watermark back.
	for _, b := range batches {
		if b.Cursor == nil || b.Cursor.TS.Before(wm.TS) {
			t.Errorf("%s: cursor %+v is behind the watermark %+v", b.Locator, b.Cursor, wm)
		}
	}
}

func TestTimestampFormats(t *testing.T) {
	want := time.Date(2025, 3, 1, 0, 0, 0, 0, time.UTC)
	for _, s := range []string{"2025-03-01T08:00:00+08:00", "2025-03-01T00:00:00Z", "2025-03-01 08:00:00",
		"2025-03-01T08:00:00", "1740787200", "1740787200000"} {
		got, err := httpapi.ParseTime(s)
		if err != nil || !got.Equal(want) {
			t.Errorf("ParseTime(%q) = %v, %v; want %v", s, got, err, want)
		}
	}
	if _, err := httpapi.ParseTime("2025/3/1"); err == nil {
		t.Error("an unknown layout parsed")
	}
	// A page in local time: its cursor is the same instant.
	its := []item{{ID: "1", UpdatedAt: "2025-03-01 08:00:00"}, {ID: "2", UpdatedAt: "2025-03-01 09:30:00"}}
	_, url := serve(t, its)
	batches, _ := drain(t, open(t, config(url, "page", 10), nil))
	if c := batches[0].Cursor; c == nil || !c.TS.Equal(want.Add(90*time.Minute)) || c.ID != "2" {
		t.Errorf("cursor = %+v, want 2025-03-01 09:30 China time, id 2", c)
	}
}

func TestBearerToken(t *testing.T) {
	srv, url := serve(t, items(3))
	srv.Token = "s3cret"
	cfg := config(url, "page", 10)
	cfg.TokenEnv = "HTTPAPI_TEST_TOKEN"

	t.Setenv("HTTPAPI_TEST_TOKEN", "s3cret")
	if _, ids := drain(t, open(t, cfg, nil)); len(ids) != 3 {
		t.Errorf("with the token: %d records, want 3", len(ids))
	}

	t.Setenv("HTTPAPI_TEST_TOKEN", "wrong")
	n := len(srv.Requests())
	_, err := open(t, cfg, nil).Next(context.Background())
	if err == nil || !strings.Contains(err.Error(), "HTTP 401") || !strings.Contains(err.Error(), "bearer token") {
		t.Errorf("wrong token: err = %v, want the 401 and the server's message", err)
	}
	if got := len(srv.Requests()) - n; got != 1 {
		t.Errorf("wrong token: %d requests, want 1 (a 401 is not retried)", got)
	}

	t.Setenv("HTTPAPI_TEST_TOKEN", "")
	if _, err := httpapi.Open(cfg, nil); err == nil || !strings.Contains(err.Error(), "HTTPAPI_TEST_TOKEN") {
		t.Errorf("empty token variable: err = %v, want an error naming HTTPAPI_TEST_TOKEN", err)
	}
}

// gaps returns the time between consecutive requests the stand-in saw from index from.
func gaps(srv *standin.Server, from int) []time.Duration {
	reqs := srv.Requests()[from:]
	var out []time.Duration
	for i := 1; i < len(reqs); i++ {
		out = append(out, reqs[i].At.Sub(reqs[i-1].At))
	}
	return out
}

// checkGaps wants each gap at least the backoff and not much more.
func checkGaps(t *testing.T, got, want []time.Duration) {
	t.Helper()
	t.Logf("waits between attempts: %v (backoff %v)", got, want)
	if len(got) != len(want) {
		t.Fatalf("%d gaps, want %d", len(got), len(want))
	}
	for i := range want {
		if got[i] < want[i] || got[i] > want[i]+250*time.Millisecond {
			t.Errorf("gap %d = %v, want %v (+ scheduling slack)", i+1, got[i], want[i])
		}
	}
}

func TestRetryBackoffOn5xx(t *testing.T) {
	srv, url := serve(t, items(3))
	srv.Inject(standin.Fault{Count: 3, Status: http.StatusInternalServerError})
	var log strings.Builder
	cfg := config(url, "page", 10)
	cfg.Log = &log
	c := open(t, cfg, nil)
	if _, ids := drain(t, c); len(ids) != 3 {
		t.Fatalf("%d records after recovery, want 3", len(ids))
	}
	if c.Retries() != 3 || len(srv.Requests()) != 4 {
		t.Errorf("%d retries in %d requests, want 3 in 4", c.Retries(), len(srv.Requests()))
	}
	checkGaps(t, gaps(srv, 0), []time.Duration{20 * time.Millisecond, 40 * time.Millisecond, 80 * time.Millisecond})
	if strings.Count(log.String(), "重试 (retry)") != 3 {
		t.Errorf("retry log:\n%s", log.String())
	}

	// The backoff stops growing at its cap.
	srv.Inject(standin.Fault{Count: 4, Status: http.StatusBadGateway})
	cfg.BackoffMax = 50 * time.Millisecond
	n := len(srv.Requests())
	drain(t, open(t, cfg, nil))
	checkGaps(t, gaps(srv, n), []time.Duration{20 * time.Millisecond, 40 * time.Millisecond, 50 * time.Millisecond, 50 * time.Millisecond})
}

func TestRetriesExhausted(t *testing.T) {
	srv, url := serve(t, items(3))
	srv.Inject(standin.Fault{Count: 100, Status: http.StatusServiceUnavailable})
	cfg := config(url, "page", 10)
	cfg.MaxRetries = 2
	_, err := open(t, cfg, nil).Next(context.Background())
	if err == nil {
		t.Fatal("a server failing every request loaded")
	}
	for _, want := range []string{"重试 2 次后仍失败", "HTTP 503", url + "?page=1", "page 1"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error %q lacks %q", err, want)
		}
	}
	if n := len(srv.Requests()); n != 3 {
		t.Errorf("%d requests, want 1 + 2 retries", n)
	}

	cfg.MaxRetries = -1
	n := len(srv.Requests())
	if _, err := open(t, cfg, nil).Next(context.Background()); err == nil || len(srv.Requests())-n != 1 {
		t.Errorf("max_retries -1: err %v after %d requests, want a failure after 1", err, len(srv.Requests())-n)
	}
}

func TestNetworkErrorRetried(t *testing.T) {
	hs := httptest.NewServer(http.NotFoundHandler())
	url := hs.URL + "/api/items"
	hs.Close() // nothing listens there any more
	cfg := config(url, "page", 10)
	cfg.MaxRetries = 2
	c := open(t, cfg, nil)
	_, err := c.Next(context.Background())
	if err == nil || !strings.Contains(err.Error(), "重试 2 次后仍失败") || !strings.Contains(err.Error(), "connection refused") {
		t.Errorf("err = %v, want connection refused after 2 retries", err)
	}
	if c.Retries() != 2 {
		t.Errorf("%d retries, want 2", c.Retries())
	}
}

func TestTimeoutRetried(t *testing.T) {
	srv, url := serve(t, items(3))
	srv.Inject(standin.Fault{Count: 1, Delay: 2 * time.Second})
	cfg := config(url, "page", 10)
	cfg.Timeout = 100 * time.Millisecond
	c := open(t, cfg, nil)
	start := time.Now()
	if _, ids := drain(t, c); len(ids) != 3 {
		t.Fatalf("%d records, want 3", len(ids))
	}
	took := time.Since(start)
	t.Logf("timed-out attempt + backoff + retry: %v", took)
	if c.Retries() != 1 || took < 120*time.Millisecond || took > time.Second {
		t.Errorf("%d retries in %v, want 1 after the 100ms timeout and 20ms backoff", c.Retries(), took)
	}
}

func TestRetryAfterHonoured(t *testing.T) {
	srv, url := serve(t, items(3))
	cfg := config(url, "page", 10)
	cfg.BackoffBase = 10 * time.Millisecond // far shorter than Retry-After: the header must win

	srv.Inject(standin.Fault{Count: 1, Status: http.StatusTooManyRequests, RetryAfter: "1"})
	if _, ids := drain(t, open(t, cfg, nil)); len(ids) != 3 {
		t.Fatalf("%d records, want 3", len(ids))
	}
	g := gaps(srv, 0)
	t.Logf("Retry-After: 1 → waited %v", g[0])
	if g[0] < time.Second || g[0] > 1500*time.Millisecond {
		t.Errorf("waited %v after Retry-After: 1", g[0])
	}

	// An HTTP date two seconds ahead: its second resolution leaves 1–2 s to wait.
	n := len(srv.Requests())
	srv.Inject(standin.Fault{Count: 1, Status: http.StatusTooManyRequests, RetryAfter: time.Now().Add(2 * time.Second).UTC().Format(http.TimeFormat)})
	drain(t, open(t, cfg, nil))
	g = gaps(srv, n)
	t.Logf("Retry-After: <date +2s> → waited %v", g[0])
	if g[0] < time.Second || g[0] > 2500*time.Millisecond {
		t.Errorf("waited %v after a Retry-After date 2s ahead", g[0])
	}

	// Waiting an hour would stall the run without a word: fail and say why.
	srv.Inject(standin.Fault{Count: 1, Status: http.StatusTooManyRequests, RetryAfter: "3600"})
	_, err := open(t, cfg, nil).Next(context.Background())
	if err == nil || !strings.Contains(err.Error(), "retry_after_max") {
		t.Errorf("Retry-After 3600: err = %v", err)
	}
}

func TestClientErrorsFailAtOnce(t *testing.T) {
	srv, url := serve(t, items(3))
	_, err := open(t, config(strings.Replace(url, "/api/items", "/api/nothing", 1), "page", 10), nil).Next(context.Background())
	if err == nil || !strings.Contains(err.Error(), "HTTP 404") || !strings.Contains(err.Error(), "no such endpoint") ||
		!strings.Contains(err.Error(), "/api/nothing") {
		t.Errorf("404: err = %v, want the status, the body and the URL", err)
	}
	srv.Inject(standin.Fault{Count: 1, Status: http.StatusBadRequest})
	n := len(srv.Requests())
	_, err = open(t, config(url, "page", 10), nil).Next(context.Background())
	if err == nil || !strings.Contains(err.Error(), "HTTP 400") || !strings.Contains(err.Error(), "不重试") {
		t.Errorf("400: err = %v", err)
	}
	if len(srv.Requests())-n != 1 {
		t.Errorf("400 was retried")
	}
}

func TestBodyCutToFirst200Bytes(t *testing.T) {
	hs := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.WriteHeader(http.StatusForbidden)
		io.WriteString(w, strings.Repeat("禁", 100)) // 300 bytes
	}))
	defer hs.Close()
	_, err := open(t, config(hs.URL, "page", 10), nil).Next(context.Background())
	if err == nil || !strings.Contains(err.Error(), strings.Repeat("禁", 66)+`"`) {
		t.Errorf("err = %v, want the body's first 200 bytes, cut at a character", err)
	}
}

func TestResponseShapes(t *testing.T) {
	rec := `{"id":"1","updated_at":"2025-03-01T08:00:00+08:00"},{"id":"2","updated_at":"2025-03-01T09:00:00+08:00"}`
	for _, body := range []string{
		`{"data":[` + rec + `],"total":2}`,
		`{"records":[` + rec + `]}`,
		`{"items":[` + rec + `],"total":2}`,
		`{"code":0,"msg":"ok","data":{"records":[` + rec + `],"total":2}}`,
		`[` + rec + `]`,
	} {
		hs := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { io.WriteString(w, body) }))
		_, ids := drain(t, open(t, config(hs.URL, "page", 10), nil))
		hs.Close()
		if !slices.Equal(ids, []string{"1", "2"}) {
			t.Errorf("%s: ids %v", body, ids)
		}
	}
	hs := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { io.WriteString(w, "<html>维护中</html>") }))
	defer hs.Close()
	if _, err := open(t, config(hs.URL, "page", 10), nil).Next(context.Background()); err == nil || !strings.Contains(err.Error(), "维护中") {
		t.Errorf("HTML answer: err = %v", err)
	}
}

func TestRepeatedCursorFails(t *testing.T) {
	hs := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		io.WriteString(w, `{"data":[{"id":"1","updated_at":"2025-03-01T08:00:00+08:00"}],"next_cursor":"same"}`)
	}))
	defer hs.Close()
	c := open(t, config(hs.URL, "cursor", 1), nil)
	var err error
	for i := 0; i < 5 && err == nil; i++ {
		_, err = c.Next(context.Background())
	}
	if err == nil || !strings.Contains(err.Error(), "next_cursor") {
		t.Errorf("err = %v, want the repeated cursor reported", err)
	}
}

func TestCancelWhileWaiting(t *testing.T) {
	srv, url := serve(t, items(3))
	srv.Inject(standin.Fault{Count: 10, Status: http.StatusInternalServerError})
	cfg := config(url, "page", 10)
	cfg.BackoffBase = 10 * time.Second
	ctx, cancel := context.WithTimeout(context.Background(), 100*time.Millisecond)
	defer cancel()
	start := time.Now()
	_, err := open(t, cfg, nil).Next(ctx)
	if err == nil || time.Since(start) > 2*time.Second {
		t.Errorf("err = %v after %v, want a prompt cancellation", err, time.Since(start))
	}
}

func TestConfigErrors(t *testing.T) {
	for _, cfg := range []httpapi.Config{
		{},
		{URL: "ftp://example/x"},
		{URL: "http://127.0.0.1:1/x", Pagination: "offset"},
		{URL: "http://127.0.0.1:1/x", Lag: -time.Minute},
	} {
		if _, err := httpapi.Open(cfg, nil); err == nil {
			t.Errorf("%+v opened", cfg)
		}
	}
}

// With batch_rows, pages are gathered into batches of at least that many records: 23
// records in pages of 5 with batch_rows 8 are pages 1-2 (10 records), 3-4 (10) and 5 (3),
// each named after its pages, rows numbered by their position in the result set, each
// batch's cursor its last record. With a watermark the server answers from it on (its >=
// filter): the record at the watermark is skipped and does not count towards batch_rows.
func TestBatchRowsGathersPages(t *testing.T) {
	its := items(23)
	_, url := serve(t, its)
	cfg := config(url, "page", 5)
	cfg.BatchRows = 8
	batches, ids := drain(t, open(t, cfg, nil))
	if !slices.Equal(ids, idsOf(its)) {
		t.Fatalf("ids = %v, want all 23 in order", ids)
	}
	var got []string
	for _, b := range batches {
		rows := b.Table.Rows
		got = append(got, fmt.Sprintf("%s: %d..%d %s", b.Locator, rows[1].Num, rows[len(rows)-1].Num, b.Cursor.ID))
	}
	want := []string{"GET /api/items page 1-2: 1..10 it010", "GET /api/items page 3-4: 11..20 it020", "GET /api/items page 5: 21..23 it023"}
	if !slices.Equal(got, want) {
		t.Errorf("batches %q, want %q", got, want)
	}

	// Watermark at it012 (no lag): the window it012..it023 is pages 1 (it012 skipped,
	// it013-it016), 2 (it017-it021: 9 in hand) and 3 (it022-it023), numbered from 1 in it.
	wm := &source.Cursor{TS: t0.Add(110 * time.Minute), ID: "it012"}
	batches, ids = drain(t, open(t, cfg, wm))
	if !slices.Equal(ids, idsOf(its[12:])) {
		t.Fatalf("after the watermark ids = %v, want it013..it023", ids)
	}
	got = got[:0]
	for _, b := range batches {
		rows := b.Table.Rows
		got = append(got, fmt.Sprintf("%s: %d..%d %s", b.Locator, rows[1].Num, rows[len(rows)-1].Num, b.Cursor.ID))
	}
	if len(got) != 2 || got[0] != "GET /api/items page 1-2 (updated_since=2025-03-01T09:50:00+08:00): 2..10 it021" ||
		got[1] != "GET /api/items page 3 (updated_since=2025-03-01T09:50:00+08:00): 11..12 it023" {
		t.Errorf("batches after the watermark %q", got)
	}
}
