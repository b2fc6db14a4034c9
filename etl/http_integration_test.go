package etl_test

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"safetydw/etl"
	"safetydw/etl/dataset"
	"safetydw/etl/httpapi"
	"safetydw/etl/source"
	"safetydw/sample_data/standin"
	"safetydw/warehouse"
	"safetydw/warehouse/warehousetest"
)

// http_test_items is a dataset only this test loads, into a table the test creates.
func init() {
	dataset.Register("http_test_items", func(dataset.Env) *dataset.Dataset {
		return &dataset.Dataset{
			Name:        "http_test_items",
			Table:       "http_test_items",
			Description: "HTTP connector integration test rows",
			Columns: []dataset.Column{
				{Name: "id", Kind: dataset.String, Headers: []string{"id"}, Required: true},
				{Name: "name", Kind: dataset.String, Headers: []string{"name"}},
				{Name: "value", Kind: dataset.UInt32, Headers: []string{"value"}},
				{Name: "updated_at", Kind: dataset.String, Headers: []string{"updated_at"}, Required: true},
				{Name: "_version", Kind: dataset.UInt64},
			},
			Finish: func(r *dataset.Record) error {
				// Each run's version must win over the rows it replaces.
				r.Set("_version", r.Meta.Version)
				return nil
			},
		}
	})
}

const httpItemsDDL = `CREATE TABLE http_test_items (
    id String, name String, value UInt32, updated_at String, _version UInt64
) ENGINE = ReplacingMergeTree(_version) ORDER BY id`

type httpItem struct {
	ID        string `json:"id"`
	Name      string `json:"name"`
	Value     uint32 `json:"value"`
	UpdatedAt string `json:"updated_at"`
}

var httpItemsStart = time.Date(2025, 3, 1, 8, 0, 0, 0, time.FixedZone("CST", 8*3600))

// httpSourceItems makes n records; each three share an updated_at, so page size 7 cuts groups of
// equal timestamps. Odd records write the time the way Chinese platforms do, without a zone.
func httpSourceItems(n int) []httpItem {
	out := make([]httpItem, n)
	for i := range out {
		out[i] = httpItem{ID: fmt.Sprintf("it%03d", i+1), Name: fmt.Sprintf("物品%d", i+1), Value: uint32(i + 1),
			UpdatedAt: httpStamp(httpItemsStart.Add(time.Duration(i/3)*10*time.Minute), i%2 == 1)}
	}
	return out
}

func httpStamp(t time.Time, local bool) string {
	if local {
		return t.Format("2006-01-02 15:04:05")
	}
	return t.Format(time.RFC3339)
}

func httpSaveItems(t *testing.T, path string, its []httpItem) {
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

// change gives the records at idx new contents and an updated_at after every other record.
func httpChange(its []httpItem, tag string, idx ...int) map[string]httpItem {
	latest := httpItemsStart
	for _, it := range its {
		ts, _ := httpapi.ParseTime(it.UpdatedAt)
		if ts.After(latest) {
			latest = ts
		}
	}
	changed := map[string]httpItem{}
	for k, i := range idx {
		its[i].Name = tag + its[i].ID
		its[i].Value += 1000
		its[i].UpdatedAt = httpStamp(latest.Add(time.Hour+time.Duration(k)*time.Minute), k%2 == 1)
		changed[its[i].ID] = its[i]
	}
	return changed
}

// httpInWindow counts the records a lag window re-reads: updated_at >= since.
func httpInWindow(its []httpItem, since time.Time) int {
	n := 0
	for _, it := range its {
		if ts, _ := httpapi.ParseTime(it.UpdatedAt); !ts.Before(since) {
			n++
		}
	}
	return n
}

func httpWarehouseItems(t *testing.T, db *warehouse.DB) map[string]httpItem {
	t.Helper()
	rows, err := db.Query(context.Background(), "SELECT id, name, value, updated_at FROM http_test_items FINAL")
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	out := map[string]httpItem{}
	for rows.Next() {
		var it httpItem
		if err := rows.Scan(&it.ID, &it.Name, &it.Value, &it.UpdatedAt); err != nil {
			t.Fatal(err)
		}
		out[it.ID] = it
	}
	return out
}

// diff lists the ids whose rows differ between two snapshots.
func httpDiff(a, b map[string]httpItem) []string {
	var ids []string
	for id, x := range a {
		if b[id] != x {
			ids = append(ids, id)
		}
	}
	for id := range b {
		if _, ok := a[id]; !ok {
			ids = append(ids, id)
		}
	}
	return ids
}

func httpWatermark(t *testing.T, db *warehouse.DB) *source.Cursor {
	t.Helper()
	wm, err := (&etl.Runner{DB: db}).Watermark(context.Background(), "http_items")
	if err != nil {
		t.Fatal(err)
	}
	return wm
}

// httpTCPProxy stands between the runner and ClickHouse so the test can take ClickHouse away
// from the runner mid-run without stopping the shared server.
type httpTCPProxy struct {
	ln     net.Listener
	mu     sync.Mutex
	conns  []net.Conn
	closed bool
}

func startHTTPTestProxy(t *testing.T, target string) *httpTCPProxy {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	p := &httpTCPProxy{ln: ln}
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			up, err := net.Dial("tcp", target)
			if err != nil {
				c.Close()
				continue
			}
			if !p.track(c, up) {
				return
			}
			go func() { io.Copy(up, c); up.Close() }()
			go func() { io.Copy(c, up); c.Close() }()
		}
	}()
	t.Cleanup(p.Close)
	return p
}

func (p *httpTCPProxy) track(cs ...net.Conn) bool {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.closed {
		for _, c := range cs {
			c.Close()
		}
		return false
	}
	p.conns = append(p.conns, cs...)
	return true
}

// Close stops listening and cuts every open connection: to the runner, ClickHouse is down.
func (p *httpTCPProxy) Close() {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.closed {
		return
	}
	p.closed = true
	p.ln.Close()
	for _, c := range p.conns {
		c.Close()
	}
}

// TestHTTPSourceEndToEnd loads an HTTP source from the stand-in into ClickHouse through the
// runner: first load, an unchanged reload, ten changed rows, a server that fails and recovers,
// one that does not recover, and ClickHouse going away in the middle of a run.
func TestHTTPSourceEndToEnd(t *testing.T) {
	for _, tc := range []struct {
		name, pagination string
		lag              time.Duration
	}{
		{"page_no_lag", "page", 0},
		{"cursor_lag_30m", "cursor", 30 * time.Minute},
	} {
		t.Run(tc.name, func(t *testing.T) { testHTTPSource(t, tc.pagination, tc.lag) })
	}
}

func testHTTPSource(t *testing.T, pagination string, lag time.Duration) {
	ctx := context.Background()
	db := warehousetest.New(t)
	if err := db.Exec(ctx, httpItemsDDL); err != nil {
		t.Fatal(err)
	}

	// The runner reaches ClickHouse through a proxy the test can cut.
	proxy := startHTTPTestProxy(t, db.Addr)
	cfg := warehouse.ConfigFromEnv()
	cfg.Addr, cfg.Database = proxy.ln.Addr().String(), db.Database
	pdb, err := warehouse.Open(ctx, cfg, false)
	if err != nil {
		t.Fatal(err)
	}
	defer pdb.Close()

	file := filepath.Join(t.TempDir(), "items.jsonl")
	its := httpSourceItems(40)
	httpSaveItems(t, file, its)
	srv := standin.New(standin.Endpoint{Path: "/api/items", File: file, IDField: "id"})
	srv.Token = "it-token"
	t.Setenv("HTTP_IT_TOKEN", "it-token")
	var cutClickHouse atomic.Bool
	hs := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if cutClickHouse.CompareAndSwap(true, false) {
			proxy.Close() // the page is served, but the warehouse is gone before it is stored
		}
		srv.ServeHTTP(w, r)
	}))
	defer hs.Close()

	var retryLog strings.Builder
	src := etl.SourceConfig{Name: "http_items", Kind: "http", Dataset: "http_test_items", System: "standin",
		HTTP: &httpapi.Config{URL: hs.URL + "/api/items", Pagination: pagination, PageSize: 7, Lag: lag,
			TokenEnv: "HTTP_IT_TOKEN", Timeout: 2 * time.Second, MaxRetries: 3,
			BackoffBase: 50 * time.Millisecond, BackoffMax: time.Second, NoJitter: true, Log: &retryLog}}
	var runLog strings.Builder
	r := &etl.Runner{DB: pdb, Log: &runLog}
	run := func() (etl.Stats, error) {
		t.Helper()
		stats, err := r.Run(ctx, []etl.SourceConfig{src})
		t.Logf("run: %d pages, read %d, loaded %d, quarantined %d", stats[0].Batches, stats[0].Read, stats[0].Loaded, stats[0].Quarantined)
		return stats[0], err
	}
	// expectRead is what a run re-reads besides new data: nothing without a lag window, the
	// window's records with one.
	expectRead := func(changed int, before *source.Cursor) int {
		if lag == 0 {
			return changed
		}
		return httpInWindow(its, before.TS.Add(-lag))
	}
	checkWatermark := func(step string, want httpItem) {
		t.Helper()
		ts, _ := httpapi.ParseTime(want.UpdatedAt)
		if wm := httpWatermark(t, db); wm == nil || wm.ID != want.ID || !wm.TS.Equal(ts) {
			t.Errorf("%s: watermark %+v, want (%s, %s)", step, wm, want.UpdatedAt, want.ID)
		}
	}

	// 1. First load: every record once.
	st, err := run()
	if err != nil {
		t.Fatal(err)
	}
	if st.Read != 40 || st.Loaded != 40 || st.Quarantined != 0 || st.Batches != 6 {
		t.Errorf("load: %+v, want 40 rows read and loaded in 6 pages of 7", st)
	}
	loaded := httpWarehouseItems(t, db)
	want := map[string]httpItem{}
	for _, it := range its {
		want[it.ID] = it
	}
	if d := httpDiff(want, loaded); len(d) != 0 || len(loaded) != 40 {
		t.Fatalf("warehouse holds %d rows, %d differ from the source: %v", len(loaded), len(d), d)
	}
	checkWatermark("load", its[39])

	// 2. Load again: nothing changes.
	wm := httpWatermark(t, db)
	if st, err = run(); err != nil {
		t.Fatal(err)
	}
	if st.Read != expectRead(0, wm) {
		t.Errorf("reload read %d rows, want %d", st.Read, expectRead(0, wm))
	}
	if d := httpDiff(loaded, httpWarehouseItems(t, db)); len(d) != 0 {
		t.Errorf("reload changed rows %v", d)
	}
	checkWatermark("reload", its[39])

	// 3. Ten source rows change, across pages: exactly those ten change in the warehouse.
	changed := httpChange(its, "改", 2, 5, 9, 13, 17, 21, 25, 29, 33, 37)
	httpSaveItems(t, file, its)
	wm = httpWatermark(t, db)
	if st, err = run(); err != nil {
		t.Fatal(err)
	}
	if st.Read != expectRead(10, wm) {
		t.Errorf("after 10 changes read %d rows, want %d", st.Read, expectRead(10, wm))
	}
	after := httpWarehouseItems(t, db)
	if d := httpDiff(loaded, after); len(d) != 10 || len(after) != 40 {
		t.Errorf("%d rows changed (%v) of %d, want the 10 changed at the source", len(d), d, len(after))
	}
	for id, it := range changed {
		if after[id] != it {
			t.Errorf("%s = %+v, want %+v", id, after[id], it)
		}
	}
	checkWatermark("10 changes", its[37])
	loaded = after

	// 4. The source answers 500 twice, then recovers: the run succeeds after two retries.
	changed = httpChange(its, "再改", 0, 20, 39)
	httpSaveItems(t, file, its)
	srv.Inject(standin.Fault{Count: 2, Status: http.StatusInternalServerError})
	n := len(srv.Requests())
	wm = httpWatermark(t, db)
	if st, err = run(); err != nil {
		t.Fatalf("the run did not survive two 500s: %v", err)
	}
	reqs := srv.Requests()[n:]
	if len(reqs) < 3 || reqs[0].Status != 500 || reqs[1].Status != 500 || reqs[2].Status != 200 || reqs[2].Query != reqs[0].Query {
		t.Errorf("requests %+v: want the same page answered 500, 500, then 200", reqs)
	}
	t.Logf("500, 500, 200: waited %v then %v (backoff 50ms, 100ms)", reqs[1].At.Sub(reqs[0].At), reqs[2].At.Sub(reqs[1].At))
	if g := reqs[1].At.Sub(reqs[0].At); g < 50*time.Millisecond {
		t.Errorf("first retry after %v, before the 50ms backoff", g)
	}
	if g := reqs[2].At.Sub(reqs[1].At); g < 100*time.Millisecond {
		t.Errorf("second retry after %v, before the 100ms backoff", g)
	}
	if c := strings.Count(retryLog.String(), "重试 (retry)"); c != 2 {
		t.Errorf("%d retries logged, want 2:\n%s", c, retryLog.String())
	}
	if st.Read != expectRead(3, wm) {
		t.Errorf("after recovery read %d rows, want %d", st.Read, expectRead(3, wm))
	}
	after = httpWarehouseItems(t, db)
	if d := httpDiff(loaded, after); len(d) != 3 {
		t.Errorf("rows changed after recovery: %v, want the 3 changed at the source", d)
	}
	checkWatermark("after 500s", changed["it040"])
	loaded = after

	// 5. The source keeps failing: the run fails, says why, and the watermark stays.
	changed = httpChange(its, "三改", 3, 4, 30)
	httpSaveItems(t, file, its)
	srv.Inject(standin.Fault{Count: 100, Status: http.StatusServiceUnavailable})
	wm = httpWatermark(t, db)
	_, err = run()
	srv.Inject(standin.Fault{})
	if err == nil || !strings.Contains(err.Error(), "重试 3 次后仍失败") || !strings.Contains(err.Error(), "HTTP 503") ||
		!strings.Contains(err.Error(), "/api/items") {
		t.Errorf("a source that never recovers: err = %v", err)
	}
	if got := httpWatermark(t, db); *got != *wm {
		t.Errorf("watermark moved from %+v to %+v on a failed run", wm, got)
	}
	var failures uint64
	var ledgerErr string
	if err := db.QueryRow(ctx, "SELECT count(), any(error) FROM etl_runs WHERE source = 'http_items' AND status = 'failed'").Scan(&failures, &ledgerErr); err != nil {
		t.Fatal(err)
	}
	if failures != 1 || !strings.Contains(ledgerErr, "HTTP 503") {
		t.Errorf("run ledger: %d failed runs, error %q; want the failure recorded with its reason", failures, ledgerErr)
	}

	// 6. ClickHouse goes away after the page is fetched: the run fails clearly, nothing is
	// stored and the watermark stays where it was.
	cutClickHouse.Store(true)
	_, err = run()
	if err == nil {
		t.Fatal("a run with ClickHouse gone succeeded")
	}
	t.Logf("ClickHouse down: %v", err)
	for _, w := range []string{"source http_items", "GET /api/items page 1", "insert into http_test_items"} {
		if !strings.Contains(err.Error(), w) {
			t.Errorf("error %q does not say %q", err, w)
		}
	}
	if got := httpWatermark(t, db); *got != *wm {
		t.Errorf("watermark moved from %+v to %+v although ClickHouse was down", wm, got)
	}
	if d := httpDiff(loaded, httpWarehouseItems(t, db)); len(d) != 0 {
		t.Errorf("rows %v changed although ClickHouse was down", d)
	}

	// 7. ClickHouse is back: the next run loads what the failed runs could not.
	r = &etl.Runner{DB: db, Log: &runLog}
	if _, err = run(); err != nil {
		t.Fatal(err)
	}
	after = httpWarehouseItems(t, db)
	if d := httpDiff(loaded, after); len(d) != 3 {
		t.Errorf("after ClickHouse came back %v changed, want the 3 pending rows", d)
	}
	for id, it := range changed {
		if after[id] != it {
			t.Errorf("%s = %+v, want %+v", id, after[id], it)
		}
	}
	var count uint64
	if err := db.QueryRow(ctx, "SELECT count() FROM http_test_items FINAL").Scan(&count); err != nil {
		t.Fatal(err)
	}
	if count != 40 {
		t.Errorf("%d rows, want 40", count)
	}
	checkWatermark("after ClickHouse came back", changed["it031"])
}

// TestHTTPBatchRows loads 40 records in pages of 7 with batch_rows 15 into ClickHouse: two
// batches (pages 1-3, 21 records; pages 4-6, 19), one INSERT and one checkpoint each, every
// row stored and the watermark at the last record. Then four records change (ids it003,
// it011, it022, it035, on pages 1, 2, 4 and 5 of the first load): the next run reads the
// window after the watermark, exactly those four, as one batch, and only they change.
func TestHTTPBatchRows(t *testing.T) {
	ctx := context.Background()
	db := warehousetest.New(t)
	if err := db.Exec(ctx, httpItemsDDL); err != nil {
		t.Fatal(err)
	}
	file := filepath.Join(t.TempDir(), "items.jsonl")
	its := httpSourceItems(40)
	httpSaveItems(t, file, its)
	srv := standin.New(standin.Endpoint{Path: "/api/items", File: file, IDField: "id"})
	hs := httptest.NewServer(srv)
	defer hs.Close()
	src := etl.SourceConfig{Name: "http_items", Kind: "http", Dataset: "http_test_items", System: "standin",
		HTTP: &httpapi.Config{URL: hs.URL + "/api/items", PageSize: 7, BatchRows: 15, Timeout: 2 * time.Second, Log: io.Discard}}
	r := &etl.Runner{DB: db, Log: io.Discard}

	stats, err := r.Run(ctx, []etl.SourceConfig{src})
	if err != nil {
		t.Fatal(err)
	}
	if st := stats[0]; st.Read != 40 || st.Loaded != 40 || st.Quarantined != 0 || st.Batches != 2 {
		t.Errorf("load: %+v, want 40 rows read and loaded in 2 batches", st)
	}
	loaded := httpWarehouseItems(t, db)
	want := map[string]httpItem{}
	for _, it := range its {
		want[it.ID] = it
	}
	if d := httpDiff(want, loaded); len(d) != 0 || len(loaded) != 40 {
		t.Fatalf("warehouse holds %d rows, %d differ from the source: %v", len(loaded), len(d), d)
	}
	ts, _ := httpapi.ParseTime(its[39].UpdatedAt)
	if wm := httpWatermark(t, db); wm == nil || wm.ID != "it040" || !wm.TS.Equal(ts) {
		t.Errorf("watermark %+v, want it040 at %s", wm, its[39].UpdatedAt)
	}

	changed := httpChange(its, "改", 2, 10, 21, 34)
	httpSaveItems(t, file, its)
	if stats, err = r.Run(ctx, []etl.SourceConfig{src}); err != nil {
		t.Fatal(err)
	}
	if st := stats[0]; st.Read != 4 || st.Loaded != 4 || st.Batches != 1 {
		t.Errorf("after 4 changes: %+v, want 4 rows read and loaded in 1 batch", st)
	}
	after := httpWarehouseItems(t, db)
	if d := httpDiff(loaded, after); len(d) != 4 || len(after) != 40 {
		t.Errorf("%d rows changed (%v) of %d, want the 4 changed at the source", len(d), d, len(after))
	}
	for id, it := range changed {
		if after[id] != it {
			t.Errorf("%s = %+v, want %+v", id, after[id], it)
		}
	}
}
