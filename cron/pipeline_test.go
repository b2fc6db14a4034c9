package cron_test

import (
	"context"
	"encoding/csv"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"safetydw/cron"
	"safetydw/etl"
	"safetydw/queries"
	"safetydw/warehouse"
	"safetydw/warehouse/warehousetest"
)

// TestSamplePipeline runs every step on the committed sample set, as `make demo` does.
func TestSamplePipeline(t *testing.T) {
	ctx := context.Background()
	db := warehousetest.Empty(t)
	sources, err := etl.LoadSources("../sample_data/sources.yaml")
	if err != nil {
		t.Fatal(err)
	}
	echarts := filepath.Join("..", "var", "echarts", "package", "dist", "echarts.min.js")
	if _, err := os.Stat(echarts); err != nil {
		t.Fatalf("%v: run `make assets` first", err)
	}
	// The sample data runs to 2026-11-30 (sample_data/samplegen): metrics as of that day count all of it.
	p := &cron.Pipeline{DB: db, DropDir: "../sample_data", Sources: sources, OutDir: t.TempDir() + "/out", EChartsJS: echarts,
		AsOf: time.Date(2026, 11, 30, 0, 0, 0, 0, time.UTC)}
	index, err := p.RunAll(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(index); err != nil {
		t.Fatalf("index page: %v", err)
	}

	checkSampleShares(t, db)
	checkUntrustedTasks(t, db, "../sample_data/traps.csv")

	// Exactly the rows the generator planted as bad are quarantined, no more, no fewer.
	wantQ := quarantineTraps(t, "../sample_data/traps.csv", sources)
	rows, err := db.Query(ctx, "SELECT locator, row_num FROM etl_quarantine FINAL")
	if err != nil {
		t.Fatal(err)
	}
	gotQ := map[string]bool{}
	for rows.Next() {
		var file string
		var row uint32
		if err := rows.Scan(&file, &row); err != nil {
			t.Fatal(err)
		}
		gotQ[fmt.Sprintf("%s:%d", file, row)] = true
	}
	rows.Close()
	for k := range wantQ {
		if !gotQ[k] {
			t.Errorf("trap %s was not quarantined", k)
		}
	}
	for k := range gotQ {
		if !wantQ[k] {
			t.Errorf("%s was quarantined but is not a planted trap", k)
		}
	}

	// A second demo leaves every table as it was, but for the run ledger and the metric store's
	// history (a new refresh beside the last); the latest metric values (metric_value) are the same.
	before := counts(t, db)
	if _, err := p.RunAll(ctx); err != nil {
		t.Fatal(err)
	}
	after := counts(t, db)
	for table, n := range before {
		if table != "etl_runs" && !strings.HasPrefix(table, "ads_") && after[table] != n {
			t.Errorf("%s: %d rows after the first demo, %d after the second", table, n, after[table])
		}
	}
}

// checkSampleShares compares the district's 四不 shares with the hand count of sample_data.
func checkSampleShares(t *testing.T, db *warehouse.DB) {
	t.Helper()
	// Counted by hand with etl/testdata/handcount_sibu.py, independently of the Go code:
	// 四不 drills and enterprise drills per year in sample_data/drills.
	want := map[int][2]float64{2023: {259, 1014}, 2024: {426, 1025}, 2025: {541, 1040}, 2026: {608, 816}}
	set, err := queries.LoadSet(context.Background(), db)
	if err != nil {
		t.Fatal(err)
	}
	vals := set.Series("sibu_drill_share", "year", "district", "", time.Time{})
	if len(vals) != len(want) {
		t.Fatalf("district shares for %d years, want %d: %+v", len(vals), len(want), vals)
	}
	for _, v := range vals {
		w := want[v.Start.Year()]
		if v.Numerator != w[0] || v.Denominator != w[1] || v.Value != 100*w[0]/w[1] {
			t.Errorf("%d: %v/%v = %.4f%%, want %v/%v", v.Start.Year(), v.Numerator, v.Denominator, v.Value, w[0], w[1])
		}
	}
}

// checkUntrustedTasks: each task planted as reported 已完成 without its evidence (a flag trap)
// is loaded, yet not counted as done, and its row says why.
func checkUntrustedTasks(t *testing.T, db *warehouse.DB, path string) {
	t.Helper()
	set, err := queries.LoadSet(context.Background(), db)
	if err != nil {
		t.Fatal(err)
	}
	tasks := map[string]queries.Task{}
	for _, k := range set.Tasks("", "") {
		tasks[k.ID] = k
	}
	n := 0
	for _, r := range readTraps(t, path) {
		if r[3] != "done_without_evidence" {
			continue
		}
		n++
		k, ok := tasks[r[2]]
		if r[4] != "flag" || !ok || k.Reported != "已完成" || k.Status == queries.Done || !strings.Contains(k.Note, "不采信") {
			t.Errorf("trap %s:%s task %s: %+v, want loaded, reported 已完成, not done, with a note", r[0], r[1], r[2], k)
		}
	}
	if n == 0 {
		t.Error("no done_without_evidence trap in traps.csv")
	}
}

func readTraps(t *testing.T, path string) [][]string {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	recs, err := csv.NewReader(f).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	return recs[1:]
}

// quarantineTraps lists the planted bad rows of the files the sources read.
func quarantineTraps(t *testing.T, path string, sources []etl.SourceConfig) map[string]bool {
	t.Helper()
	m := map[string]bool{}
	read := func(file string) bool {
		for _, s := range sources {
			if s.File == nil {
				continue
			}
			for _, p := range s.File.Patterns {
				if ok, _ := filepath.Match(p, file); ok {
					return true
				}
			}
		}
		return false
	}
	for _, r := range readTraps(t, path) {
		if r[4] == "quarantine" && read(r[0]) {
			m[r[0]+":"+r[1]] = true
		}
	}
	return m
}

func counts(t *testing.T, db *warehouse.DB) map[string]uint64 {
	t.Helper()
	tables, err := db.Tables(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	m := map[string]uint64{}
	for _, table := range tables {
		// Rows as readers see them (FINAL): an exact duplicate row of a file is two rows until
		// a background merge keeps one, which may happen between the two counts. Tables that
		// are not Replacing ones refuse FINAL and are counted plainly.
		var n uint64
		if err := db.QueryRow(context.Background(), "SELECT count() FROM "+table+" FINAL").Scan(&n); err != nil {
			if err := db.QueryRow(context.Background(), "SELECT count() FROM "+table).Scan(&n); err != nil {
				t.Fatal(err)
			}
		}
		m[table] = n
	}
	return m
}
