package cron

import (
	"context"
	"encoding/json"
	"net/http"
	"sort"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/promhttp"
)

type metrics struct {
	reg         *prometheus.Registry
	duration    *prometheus.HistogramVec
	runs        *prometheus.CounterVec
	failures    *prometheus.CounterVec
	rows        *prometheus.CounterVec
	quarantined *prometheus.CounterVec
	lastSuccess *prometheus.GaugeVec
}

func newMetrics() *metrics {
	m := &metrics{
		reg: prometheus.NewRegistry(),
		duration: prometheus.NewHistogramVec(prometheus.HistogramOpts{Name: "safetydw_job_duration_seconds",
			Help: "Duration of job attempts (作业单次运行耗时).", Buckets: []float64{1, 5, 15, 60, 300, 900, 1800, 3600}},
			[]string{"job", "status"}),
		runs: prometheus.NewCounterVec(prometheus.CounterOpts{Name: "safetydw_job_runs_total",
			Help: "Job attempts by status (作业运行次数)."}, []string{"job", "status"}),
		failures: prometheus.NewCounterVec(prometheus.CounterOpts{Name: "safetydw_job_failures_total",
			Help: "Failed job attempts, retried or not (作业失败次数)."}, []string{"job"}),
		rows: prometheus.NewCounterVec(prometheus.CounterOpts{Name: "safetydw_job_rows_loaded_total",
			Help: "Rows loaded by job runs (载入行数)."}, []string{"job"}),
		quarantined: prometheus.NewCounterVec(prometheus.CounterOpts{Name: "safetydw_job_rows_quarantined_total",
			Help: "Rows quarantined by job runs (隔离行数)."}, []string{"job"}),
		lastSuccess: prometheus.NewGaugeVec(prometheus.GaugeOpts{Name: "safetydw_job_last_success_timestamp_seconds",
			Help: "Unix time of the job's last successful run (最近成功时间)."}, []string{"job"}),
	}
	m.reg.MustRegister(m.duration, m.runs, m.failures, m.rows, m.quarantined, m.lastSuccess)
	return m
}

func (m *metrics) observe(r Run) {
	m.runs.WithLabelValues(r.Job, r.Status).Inc()
	if r.Status == StatusSkipped {
		return
	}
	m.duration.WithLabelValues(r.Job, r.Status).Observe(r.Finished.Sub(r.Started).Seconds())
	m.rows.WithLabelValues(r.Job).Add(float64(r.Rows))
	m.quarantined.WithLabelValues(r.Job).Add(float64(r.Quarantined))
	switch r.Status {
	case StatusOK:
		m.lastSuccess.WithLabelValues(r.Job).Set(float64(r.Finished.Unix()))
	case StatusFailed, StatusRetried:
		m.failures.WithLabelValues(r.Job).Inc()
	}
}

// Health is what /healthz answers, per job and for ClickHouse.
type Health struct {
	OK         bool        `json:"ok"`
	ClickHouse string      `json:"clickhouse"`
	Jobs       []JobHealth `json:"jobs"`
}

// JobHealth says whether a job's last success is recent enough.
type JobHealth struct {
	Job         string `json:"job"`
	Status      string `json:"status"`
	LastSuccess string `json:"last_success"`
	StaleAfter  string `json:"stale_after"`
	Fresh       bool   `json:"fresh"`
}

// Health checks ClickHouse and every job's freshness: its last run succeeded, within StaleAfter.
func (s *Scheduler) Health(ctx context.Context) Health {
	h := Health{OK: true, ClickHouse: "ok"}
	ctx, cancel := context.WithTimeout(ctx, 3*time.Second)
	defer cancel()
	if err := s.DB.Ping(ctx); err != nil {
		h.OK, h.ClickHouse = false, err.Error()
	}
	s.mu.Lock()
	for _, js := range s.jobs {
		jh := JobHealth{Job: js.Name, Status: js.status, StaleAfter: js.stale.String(),
			Fresh: js.status == StatusOK && time.Since(js.lastOK) <= js.stale}
		if !js.lastOK.IsZero() {
			jh.LastSuccess = js.lastOK.In(China).Format(time.DateTime)
		}
		h.OK = h.OK && jh.Fresh
		h.Jobs = append(h.Jobs, jh)
	}
	s.mu.Unlock()
	sort.Slice(h.Jobs, func(i, k int) bool { return h.Jobs[i].Job < h.Jobs[k].Job })
	return h
}

// Handler serves /healthz (200 only when healthy, else 503, with the reasons as JSON) and the
// Prometheus /metrics.
func (s *Scheduler) Handler() (http.Handler, error) {
	if err := s.prepare(); err != nil {
		return nil, err
	}
	mux := http.NewServeMux()
	mux.Handle("/metrics", promhttp.HandlerFor(s.metrics.reg, promhttp.HandlerOpts{}))
	mux.HandleFunc("/healthz", func(w http.ResponseWriter, r *http.Request) {
		h := s.Health(r.Context())
		w.Header().Set("Content-Type", "application/json; charset=utf-8")
		if !h.OK {
			w.WriteHeader(http.StatusServiceUnavailable)
		}
		enc := json.NewEncoder(w)
		enc.SetIndent("", "  ")
		_ = enc.Encode(h)
	})
	return mux, nil
}
