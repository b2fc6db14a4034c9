// Package queries holds the campaign's metrics as SQL files with a small header, and refreshes
// them into ads_metric_value: one long table of metric × period × unit that every page and
// bulletin reads. Each metric's query returns the columns
// period_type, period_start, dim_type, dim_code, numerator, denominator, value.
package queries

import (
	"context"
	"embed"
	"fmt"
	"io/fs"
	"sort"
	"strings"
	"time"

	"safetydw/warehouse"
)

//go:embed metrics/*.sql
var metricFiles embed.FS

// Metric is one metric file.
type Metric struct {
	ID          string
	Name        string   // Chinese name shown to readers
	Targets     []string // ref_target ids it measures
	Unit        string
	Grain       string
	Description string
	SQL         string
	File        string
}

// Metrics returns every metric, sorted by id.
func Metrics() ([]Metric, error) {
	entries, err := fs.ReadDir(metricFiles, "metrics")
	if err != nil {
		return nil, err
	}
	var ms []Metric
	for _, e := range entries {
		body, err := metricFiles.ReadFile("metrics/" + e.Name())
		if err != nil {
			return nil, err
		}
		m, err := parseMetric(e.Name(), string(body))
		if err != nil {
			return nil, err
		}
		ms = append(ms, m)
	}
	sort.Slice(ms, func(i, j int) bool { return ms[i].ID < ms[j].ID })
	return ms, nil
}

// Lookup returns the metric with the id.
func Lookup(id string) (Metric, error) {
	ms, err := Metrics()
	if err != nil {
		return Metric{}, err
	}
	for _, m := range ms {
		if m.ID == id {
			return m, nil
		}
	}
	return Metric{}, fmt.Errorf("no metric %q in queries/metrics", id)
}

// parseMetric reads a metric file and its header (see Header).
func parseMetric(file, body string) (Metric, error) {
	h := Header(body)
	m := Metric{File: file, SQL: strings.TrimSpace(body), ID: h["id"], Name: h["name"], Targets: strings.Fields(h["targets"]),
		Unit: h["unit"], Grain: h["grain"], Description: h["description"]}
	if m.ID == "" || m.Name == "" {
		return m, fmt.Errorf("metric file %s: header needs at least id and name", file)
	}
	if m.ID+".sql" != file {
		return m, fmt.Errorf("metric file %s declares id %s; name the file after the id", file, m.ID)
	}
	return m, nil
}

// Refresh recomputes each metric and replaces its rows in ads_metric_value. Dropping the
// metric's partition first keeps a refresh idempotent and removes rows for vanished units.
func Refresh(ctx context.Context, db *warehouse.DB, now time.Time) (map[string]uint64, error) {
	ms, err := Metrics()
	if err != nil {
		return nil, err
	}
	counts := map[string]uint64{}
	// On a cluster the shards join their facts with their own copy of the dimensions: wait
	// until every copy holds what the loads wrote (nothing to wait for on one server).
	if err := db.Sync(ctx); err != nil {
		return counts, err
	}
	for _, m := range ms {
		if err := db.DropPartition(ctx, "ads_metric_value", m.ID); err != nil {
			return counts, fmt.Errorf("metric %s: clear old values: %w", m.ID, err)
		}
		insert := fmt.Sprintf(`INSERT INTO ads_metric_value
			(metric_id, period_type, period_start, dim_type, dim_code, numerator, denominator, value, refreshed_at)
			SELECT ?, period_type, period_start, dim_type, dim_code, numerator, denominator, value, toDateTime(?)
			FROM (%s)`, m.SQL)
		if err := db.Exec(ctx, insert, m.ID, now.Unix()); err != nil {
			return counts, fmt.Errorf("metric %s (%s): %w", m.ID, m.File, db.Explain(err))
		}
		var n uint64
		if err := db.QueryRow(ctx, "SELECT count() FROM ads_metric_value WHERE metric_id = ?", m.ID).Scan(&n); err != nil {
			return counts, err
		}
		counts[m.ID] = n
	}
	// Pages may read from any node: every copy holds the new values before the refresh ends.
	return counts, db.SyncReplicas(ctx, "ads_metric_value")
}

// Value is one row of ads_metric_value joined with its target for the period.
type Value struct {
	PeriodStart time.Time
	DimType     string
	DimCode     string
	DimName     string
	Numerator   float64
	Denominator float64
	Value       float64
}

// Values reads a metric's yearly or monthly values for one kind of unit.
func Values(ctx context.Context, db *warehouse.DB, metricID, periodType, dimType string) ([]Value, error) {
	rows, err := db.Query(ctx, `
		SELECT period_start, dim_type, dim_code, name, numerator, denominator, value
		FROM ads_metric_value AS v
		ANY LEFT JOIN (
			-- Town, park, department and mine codes never collide (370812…, P…, D…, M…).
			SELECT town_code AS dim_code, name FROM dim_town
			UNION ALL SELECT park_code AS dim_code, name FROM dim_park
			UNION ALL SELECT dept_code AS dim_code, name FROM dim_department
			UNION ALL SELECT mine_id AS dim_code, name FROM dim_coal_mine
		) AS t USING dim_code
		WHERE metric_id = ? AND period_type = ? AND dim_type = ?
		ORDER BY period_start, dim_code`, metricID, periodType, dimType)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []Value
	for rows.Next() {
		var v Value
		if err := rows.Scan(&v.PeriodStart, &v.DimType, &v.DimCode, &v.DimName, &v.Numerator, &v.Denominator, &v.Value); err != nil {
			return nil, err
		}
		if v.DimName == "" {
			v.DimName = v.DimCode
		}
		out = append(out, v)
	}
	return out, rows.Err()
}

// Target is a ref_target row as pages need it.
type Target struct {
	ID         string
	Quote      string
	Comparator string
	Threshold  *float64
	Assumed    bool // threshold not written in the seed
	Unit       string
	Deadline   *time.Time
	PeriodYear int
	Assumption string
}

// Targets returns the targets a metric measures, ordered by period year.
func Targets(ctx context.Context, db *warehouse.DB, metricID string) ([]Target, error) {
	rows, err := db.Query(ctx, `
		SELECT target_id, quote, comparator, threshold, threshold_assumed, unit, deadline, period_year, assumption
		FROM ref_target WHERE metric_id = ? ORDER BY period_year, target_id`, metricID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []Target
	for rows.Next() {
		var t Target
		var year uint16
		var assumed uint8
		if err := rows.Scan(&t.ID, &t.Quote, &t.Comparator, &t.Threshold, &assumed, &t.Unit, &t.Deadline, &year, &t.Assumption); err != nil {
			return nil, err
		}
		t.PeriodYear, t.Assumed = int(year), assumed == 1
		out = append(out, t)
	}
	return out, rows.Err()
}

// Met says whether a value meets the target; ok is false when the target has no threshold
// to compare against (a trend or a milestone).
func (t Target) Met(v float64) (met, ok bool) {
	if t.Threshold == nil {
		return false, false
	}
	th := *t.Threshold
	switch t.Comparator {
	case ">=":
		return v >= th, true
	case "<=":
		return v <= th, true
	case "=":
		return v == th, true
	}
	return false, false
}

// Parameter reads a number of ref_parameter, for pages that explain a metric's definition.
func Parameter(ctx context.Context, db *warehouse.DB, name string) (float64, error) {
	var v float64
	if err := db.QueryRow(ctx, "SELECT value FROM ref_parameter WHERE name = ?", name).Scan(&v); err != nil {
		return 0, fmt.Errorf("parameter %s (warehouse/refdata/parameters.csv): %w", name, err)
	}
	return v, nil
}
