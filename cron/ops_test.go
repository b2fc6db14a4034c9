package cron

import (
	"context"
	"errors"
	"io"
	"net"
	"net/http"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
	"time"
)

func get(t *testing.T, url string) (int, string) {
	t.Helper()
	resp, err := http.Get(url)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b)
}

// /healthz is 200 only while every job's last run succeeded recently and ClickHouse answers;
// /metrics carries the job series.
func TestHealthzAndMetrics(t *testing.T) {
	db := ledgerDB(t)
	fail := false
	fast := LeaseConfig{Settle: 50 * time.Millisecond}
	s := &Scheduler{DB: db, Spool: filepath.Join(t.TempDir(), "spool"), Lease: fast, Jobs: []Job{
		{Name: "tick", Spec: "* * * * * *", Run: func(context.Context) (Result, error) { return Result{Rows: 2, Quarantined: 1}, nil }},
		{Name: "daily", Spec: "0 3 * * *", Run: func(context.Context) (Result, error) {
			if fail {
				return Result{}, errors.New("bad config")
			}
			return Result{}, nil
		}},
	}}
	h, err := s.Handler()
	if err != nil {
		t.Fatal(err)
	}
	ln, err := net.Listen("tcp", "127.0.0.1:18801")
	if err != nil {
		t.Fatal(err)
	}
	var current atomic.Pointer[http.Handler] // the restarted scheduler's handler replaces the first's
	current.Store(&h)
	srv := &http.Server{Handler: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { (*current.Load()).ServeHTTP(w, r) })}
	go srv.Serve(ln)
	defer srv.Close()
	base := "http://" + ln.Addr().String()
	var code int
	var body string
	okRuns := regexp.MustCompile(`safetydw_job_runs_total\{job="tick",status="ok"\} ([2-9]|\d\d)`)
	runUntilTrue(t, s, 20*time.Second, func() bool {
		code, body = get(t, base+"/healthz")
		_, m := get(t, base+"/metrics")
		return code == 200 && okRuns.MatchString(m)
	})
	if code != 200 || !strings.Contains(body, `"job": "daily"`) || !strings.Contains(body, `"stale_after": "48h0m0s"`) {
		t.Errorf("/healthz after good runs: %d\n%s", code, body)
	}
	_, m := get(t, base+"/metrics") // stopped: the counters stand still
	tickRuns := metricValue(t, m, `safetydw_job_runs_total{job="tick",status="ok"}`)
	// Each tick loads 2 rows and quarantines 1 (hand-set above), so the counters are 2× and 1× the runs.
	if tickRuns < 2 || metricValue(t, m, `safetydw_job_rows_loaded_total{job="tick"}`) != 2*tickRuns ||
		metricValue(t, m, `safetydw_job_rows_quarantined_total{job="tick"}`) != tickRuns {
		t.Errorf("tick series wrong:\n%s", m)
	}
	if ts := metricValue(t, m, `safetydw_job_last_success_timestamp_seconds{job="tick"}`); time.Since(time.Unix(int64(ts), 0)) > 10*time.Second {
		t.Errorf("last success %v is not recent", ts)
	}
	if !strings.Contains(m, `safetydw_job_duration_seconds_bucket{job="tick",status="ok",le="1"}`) {
		t.Errorf("no duration histogram:\n%s", m)
	}

	// Restarted, the daily job catches up the firing it missed and fails (permanently, not
	// retried): unhealthy, and the failure is counted.
	fail = true
	s2 := &Scheduler{DB: db, Spool: s.Spool, Lease: fast, Jobs: []Job{s.Jobs[0], s.Jobs[1]}}
	s2.Jobs[1].Spec = "* * * * * *" // fired every second while stopped
	h2, err := s2.Handler()
	if err != nil {
		t.Fatal(err)
	}
	current.Store(&h2)
	stopped := make(chan struct{})
	go func() {
		defer close(stopped)
		runUntilTrue(t, s2, 20*time.Second, func() bool {
			_, m := get(t, base+"/metrics")
			return strings.Contains(m, `safetydw_job_failures_total{job="daily"}`)
		})
	}()
	<-stopped
	code, body = get(t, base+"/healthz")
	// Stopped right after the failure is counted, the daily job may be caught mid-attempt and
	// recorded interrupted instead: unhealthy either way.
	if code != 503 || !strings.Contains(body, `"status": "failed"`) && !strings.Contains(body, `"status": "interrupted"`) {
		t.Errorf("/healthz after a failure: %d\n%s", code, body)
	}
	_, m = get(t, base+"/metrics")
	if metricValue(t, m, `safetydw_job_failures_total{job="daily"}`) < 1 {
		t.Errorf("failure not counted:\n%s", m)
	}
}

func metricValue(t *testing.T, text, series string) float64 {
	t.Helper()
	m := regexp.MustCompile(`(?m)^` + regexp.QuoteMeta(series) + ` (\S+)$`).FindStringSubmatch(text)
	if m == nil {
		t.Fatalf("no series %s in\n%s", series, text)
	}
	v, _ := strconv.ParseFloat(m[1], 64)
	return v
}
