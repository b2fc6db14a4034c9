package cron

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"safetydw/etl"
	"safetydw/etl/httpapi"
	"safetydw/sample_data/standin"
	"safetydw/warehouse"
	"safetydw/warehouse/warehousetest"
)

// SIGTERM while a load waits for its fifth page (the runner reads ahead while it stores, so
// some earlier pages are stored and some not yet): the run is cancelled within the grace
// period and recorded interrupted; what it recorded as read is stored, the watermark stands
// at the last stored record, and the next run reads exactly the rest: nothing read twice,
// nothing lost.
func TestSIGTERMDuringLoadLeavesConsistentState(t *testing.T) {
	ctx := context.Background()
	db := warehousetest.New(t)
	api := standin.New(standin.Endpoint{Path: "/api/hazards", File: "../sample_data/hazards/hazards.jsonl", IDField: "hazard_id"})
	var block atomic.Bool
	block.Store(true)
	blocked := make(chan struct{}, 1)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if block.Load() && r.URL.Query().Get("page") == "5" {
			blocked <- struct{}{}
			<-r.Context().Done() // the platform hangs until the load gives up
			return
		}
		api.ServeHTTP(w, r)
	}))
	defer srv.Close()
	src := etl.SourceConfig{Name: "hazards_api", Kind: "http", Dataset: "hazards", System: "hazard_platform",
		HTTP: &httpapi.Config{URL: srv.URL + "/api/hazards", PageSize: 100, UpdatedField: "updated_at", IDField: "hazard_id",
			MaxRetries: -1, Log: io.Discard}}
	p := &Pipeline{DB: db, Sources: []etl.SourceConfig{src}}
	job := Job{Name: "hazards", Spec: "@every 1h", Run: runs["etl"](p, nil)}

	runCtx, sigterm := context.WithCancel(ctx)
	done := make(chan struct{})
	s := &Scheduler{DB: db, Jobs: []Job{job}, Grace: 5 * time.Second}
	s.Lease.Settle = 50 * time.Millisecond
	go func() { defer close(done); runUntil(t, s, runCtx) }()
	select {
	case <-blocked:
	case <-time.After(30 * time.Second):
		t.Fatal("the load never asked for page 5")
	}
	time.Sleep(300 * time.Millisecond) // let it store what it holds
	stopAt := time.Now()
	sigterm()
	<-done
	if d := time.Since(stopAt); d > 5*time.Second {
		t.Errorf("stop took %s, more than the grace period", d)
	}

	jr := ledgerRows(t, db, "hazards")
	if len(jr) != 1 || jr[0].status != StatusInterrupted {
		t.Fatalf("job ledger %v, want one interrupted run", jr)
	}
	first := etlRuns(t, db)
	if len(first) != 1 || first[0].status != "failed" || first[0].read%100 != 0 || first[0].read > 400 ||
		first[0].loaded+first[0].quarantined != first[0].read {
		t.Fatalf("etl_runs after SIGTERM %+v, want one failed run that read whole pages, read = loaded + quarantined", first)
	}
	stored := first[0].read
	t.Logf("stored before SIGTERM: %d records", stored)
	wm, err := (&etl.Runner{DB: db}).Watermark(ctx, "hazards_api")
	if err != nil {
		t.Fatal(err)
	}
	if stored == 0 && wm != nil {
		t.Fatalf("watermark %+v moved though nothing was stored", wm)
	}
	if stored > 0 {
		if want := lastOfPage(t, fmt.Sprintf("%s/api/hazards?page=%d&size=100", srv.URL, stored/100)); wm == nil || wm.ID != want {
			t.Fatalf("watermark %+v, want the last stored record %s", wm, want)
		}
	}

	// Restarted without the hang: the rest, exactly.
	block.Store(false)
	// The interrupted firing is caught up; stop once it has finished.
	s2 := &Scheduler{DB: db, Jobs: []Job{job}, Grace: 5 * time.Second}
	s2.Lease.Settle = 50 * time.Millisecond
	ctx2, stop2 := context.WithCancel(ctx)
	done2 := make(chan struct{})
	go func() { defer close(done2); runUntil(t, s2, ctx2) }()
	for deadline := time.Now().Add(60 * time.Second); time.Now().Before(deadline); time.Sleep(200 * time.Millisecond) {
		if jr := ledgerRows(t, db, "hazards"); jr[len(jr)-1].status != StatusInterrupted {
			break
		}
	}
	stop2()
	<-done2
	if jr := ledgerRows(t, db, "hazards"); len(jr) != 2 || jr[1].status != StatusOK || jr[1].trigger != "catchup" {
		t.Errorf("job ledger %v, want the interrupted run then one ok catch-up", jr)
	}
	total := lines(t, "../sample_data/hazards/hazards.jsonl")
	all := etlRuns(t, db)
	read := 0
	for _, r := range all {
		read += r.read
	}
	if len(all) < 2 || all[1].status != "ok" || all[1].read != total-stored || read != total {
		t.Errorf("etl_runs %+v: want the second run to read the other %d of %d records, and later runs none", all, total-stored, total)
	}
}

type etlRun struct {
	status                    string
	read, loaded, quarantined int
}

func etlRuns(t *testing.T, db *warehouse.DB) []etlRun {
	t.Helper()
	rows, err := db.Query(context.Background(), `SELECT status, rows_read, rows_loaded, rows_quarantined FROM etl_runs
		WHERE source = 'hazards_api' ORDER BY started_at, run_id`)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var out []etlRun
	for rows.Next() {
		var r etlRun
		var read, loaded, q uint64
		if err := rows.Scan(&r.status, &read, &loaded, &q); err != nil {
			t.Fatal(err)
		}
		r.read, r.loaded, r.quarantined = int(read), int(loaded), int(q)
		out = append(out, r)
	}
	return out
}

func lastOfPage(t *testing.T, url string) string {
	t.Helper()
	_, body := get(t, url)
	var pg struct {
		Data []struct {
			ID string `json:"hazard_id"`
		} `json:"data"`
	}
	if err := json.Unmarshal([]byte(body), &pg); err != nil || len(pg.Data) != 100 {
		t.Fatalf("page 2: %v %.200s", err, body)
	}
	return pg.Data[99].ID
}

func lines(t *testing.T, path string) int {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return len(strings.Split(strings.TrimSpace(string(b)), "\n"))
}
