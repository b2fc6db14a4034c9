package dashboards

import (
	"context"
	"fmt"
	"html/template"
	"regexp"
	"sort"
	"time"

	"safetydw/queries"
	"safetydw/warehouse"
)

// Source is one declared source of the ETL, as the freshness page names it.
type Source struct {
	Name  string // etl_runs.source
	Table string // the table its rows land in
}

// tableDate says which day a row of a table is about, and how old the newest row may be before
// the table counts as stale (by how often its source system reports). Data, in one place.
var tableDate = map[string]struct {
	Expr    string
	MaxDays int
	Title   string
}{
	"fact_sensor_reading":           {"toDate(ts)", 2, "传感器读数"},
	"fact_hazard":                   {"found_date", 10, "隐患"},
	"fact_hazard_event":             {"toDate(event_time)", 10, "隐患处置过程"},
	"fact_inspection":               {"inspection_date", 35, "执法检查"},
	"fact_enforcement_case":         {"filed_date", 35, "执法案件"},
	"fact_drill":                    {"drill_date", 45, "应急演练"},
	"fact_training":                 {"training_date", 45, "培训"},
	"fact_mine_monthly":             {"addDays(addMonths(month, 1), -1)", 62, "煤矿月报"},
	"fact_accident":                 {"toDate(occurred_at)", 400, "事故"},
	"fact_report":                   {"toDate(received_at)", 35, "举报"},
	"fact_ledger_item":              {"identified_date", 100, "专项台账"},
	"dim_property":                  {"registered_date", 100, "出租屋等房屋台账"},
	"fact_enterprise_status_change": {"change_date", 100, "企业变更"},
	"fact_milestone_task":           {"report_date", 40, "任务台账"}, // reported every month (月调度)
}

// freshness is what is known of one table's data.
type freshness struct {
	Table, Title string
	Sources      []string
	LastLoad     time.Time // last successful run of any of its sources
	Latest       time.Time // the newest row's own date
	Rows         uint64    // versions included: only "none at all" is read from it
	Quarantined  uint64    // rows refused in the sources' last runs
	LastError    string
	Stale        bool
	StaleReason  string
}

// loadFreshness reads, per table, the newest row's date and its sources' last runs. A table is
// stale when its newest row is older than its source's reporting rhythm allows as of the
// metrics' as-of day.
func loadFreshness(ctx context.Context, db *warehouse.DB, sources []Source, asOf time.Time) ([]freshness, error) {
	byTable := map[string]*freshness{}
	for table, d := range tableDate {
		byTable[table] = &freshness{Table: table, Title: d.Title}
	}
	for _, src := range sources {
		if f, ok := byTable[src.Table]; ok {
			f.Sources = append(f.Sources, src.Name)
		}
	}
	type run struct {
		finished    time.Time
		status, err string
		quarantined uint64
	}
	last := map[string]run{} // source → its last run
	lastOK := map[string]time.Time{}
	rows, err := db.Query(ctx, `SELECT source, finished_at, status, rows_quarantined, error FROM etl_runs ORDER BY finished_at`)
	if err != nil {
		return nil, err
	}
	for rows.Next() {
		var src string
		var r run
		if err := rows.Scan(&src, &r.finished, &r.status, &r.quarantined, &r.err); err != nil {
			rows.Close()
			return nil, err
		}
		last[src] = r
		if r.status == "ok" {
			lastOK[src] = r.finished
		}
	}
	rows.Close()
	var out []freshness
	for _, table := range sortedKeys(byTable) {
		f := byTable[table]
		d := tableDate[table]
		var latest *time.Time
		err := db.QueryRow(ctx, fmt.Sprintf("SELECT count(), if(count() = 0, NULL, toNullable(max(%s))) FROM %s", d.Expr, table)).Scan(&f.Rows, &latest)
		if err != nil {
			return nil, fmt.Errorf("freshness of %s: %w", table, err)
		}
		if latest != nil {
			f.Latest = queries.Day(*latest)
		}
		for _, src := range f.Sources {
			if t := lastOK[src]; t.After(f.LastLoad) {
				f.LastLoad = t
			}
			r := last[src]
			f.Quarantined += r.quarantined
			if r.status == "failed" {
				f.LastError = src + ": " + r.err
			}
		}
		switch {
		case f.Rows == 0:
			f.Stale, f.StaleReason = true, "尚无数据"
		case asOf.Sub(f.Latest) > time.Duration(d.MaxDays)*24*time.Hour:
			f.Stale, f.StaleReason = true, fmt.Sprintf("最新记录 %s，超过 %d 天未更新", f.Latest.Format("2006年1月2日"), d.MaxDays)
		}
		if f.LastError != "" {
			f.Stale, f.StaleReason = true, "最近一次载入失败"
		}
		out = append(out, *f)
	}
	return out, nil
}

// dataAsOf is the newest record date over all tables: what "数据截至" means to a reader.
func dataAsOf(fs []freshness) time.Time {
	var t time.Time
	for _, f := range fs {
		if f.Latest.After(t) {
			t = f.Latest
		}
	}
	return t
}

// tablesOf lists the tables a metric's SQL reads.
var tableRef = regexp.MustCompile(`\b(fact_[a-z_]+|dim_enterprise|dim_property)\b`)

func tablesOf(sp queries.Spec) []string {
	seen := map[string]bool{}
	var out []string
	for _, m := range tableRef.FindAllString(sp.Source, -1) {
		if !seen[m] {
			seen[m] = true
			out = append(out, m)
		}
	}
	sort.Strings(out)
	return out
}

func (s *site) freshnessTable() template.HTML {
	type row struct {
		Title, Table, Sources, LastLoad, Latest, Quarantined, State, Class string
	}
	var rs []row
	for _, f := range s.fresh {
		r := row{Title: f.Title, Table: f.Table, Quarantined: num("int", float64(f.Quarantined)),
			LastLoad: "—", Latest: "—", State: "正常", Class: "met"}
		for i, src := range f.Sources {
			if i > 0 {
				r.Sources += "、"
			}
			r.Sources += src
		}
		if !f.LastLoad.IsZero() {
			r.LastLoad = f.LastLoad.In(queries.China).Format("2006-01-02 15:04")
		}
		if !f.Latest.IsZero() {
			r.Latest = f.Latest.Format("2006-01-02")
		}
		if f.Stale {
			r.State, r.Class = "滞后："+f.StaleReason, "missed"
			if f.LastError != "" {
				r.State += "（" + f.LastError + "）"
			}
		}
		rs = append(rs, r)
	}
	return s.exec("freshness", rs)
}

// staleFor lists warnings for the tables a page's metrics read.
func (s *site) staleFor(metrics []string) []string {
	need := map[string]bool{}
	for _, m := range metrics {
		for _, t := range tablesOf(s.set.Spec(m)) {
			need[t] = true
		}
	}
	var out []string
	for _, f := range s.fresh {
		if need[f.Table] && f.Stale {
			out = append(out, fmt.Sprintf("%s（%s）%s", f.Title, f.Table, f.StaleReason))
		}
	}
	return out
}
