package dashboards

import (
	"bytes"
	"context"
	_ "embed"
	"encoding/json"
	"errors"
	"fmt"
	"html/template"
	"regexp"
	"strings"
	"time"

	"safetydw/queries"
	"safetydw/queries/ranking"
	"safetydw/warehouse"
)

// The monthly bulletin (月通报, domain.md §4.2) is a page like the site's: declared in
// dashboards/bulletin.yaml, drawn by the same generic components, plus a few of its own
// (completeness, figures, targets due, ranking, 红榜/黑榜, annexes). It reads only a frozen
// snapshot (queries.Freeze), so a month renders the same figures every time it is generated.

//go:embed bulletin.yaml
var bulletinFile []byte

// bulletinComponents are the components only the bulletin has.
var bulletinComponents = []string{"completeness", "figures", "targets_due", "definitions", "scoring"}

// FirstBulletinMonth is 第1期: the campaign's first month.
var FirstBulletinMonth = time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC)

// Issue is the bulletin's number since the first month (2024-01 = 第1期).
func Issue(month time.Time) int {
	return (month.Year()-FirstBulletinMonth.Year())*12 + int(month.Month()) - int(FirstBulletinMonth.Month()) + 1
}

var monthFlag = regexp.MustCompile(`^\d{4}-\d{2}$`)

// ParseMonth reads --month (YYYY-MM): a month of the campaign that is over in China (its cut-off
// is the month's last day at 24:00), never one before 2024-01.
func ParseMonth(s string, today time.Time) (time.Time, error) {
	m, err := time.Parse("2006-01", s)
	if err != nil || !monthFlag.MatchString(s) {
		return time.Time{}, fmt.Errorf("--month %q：格式应为 YYYY-MM，例如 2025-06 (expected a month like 2025-06)", s)
	}
	if m.Before(FirstBulletinMonth) {
		return time.Time{}, fmt.Errorf("--month %s：早于治本攻坚三年行动的第一个通报月份 2024-01 (before the campaign's first bulletin month)", s)
	}
	if end := queries.MonthEnd(m); !end.Before(queries.Day(today)) {
		return time.Time{}, fmt.Errorf("--month %s：该月尚未结束，截至日 %s 不早于今天 %s (the month is not over yet)",
			s, end.Format(time.DateOnly), queries.Day(today).Format(time.DateOnly))
	}
	return m, nil
}

// SourceMonth is one table's data for the bulletin month, as the completeness section shows it.
type SourceMonth struct {
	Table, Title string
	Sources      []string
	Rows         uint64    // rows dated in the month
	Latest       time.Time // the newest row dated on or before the cut-off
	LastLoad     time.Time // the sources' last successful load when frozen (the watermark)
	Stale        bool
	Reason       string
}

// monthCompleteness counts each table's rows dated in the month and judges it stale when its
// newest row by the cut-off is older than its source's reporting rhythm allows.
func monthCompleteness(ctx context.Context, db *warehouse.DB, sources []Source, month time.Time) ([]SourceMonth, error) {
	cut := queries.MonthEnd(month)
	lastOK := map[string]time.Time{}
	rows, err := db.Query(ctx, `SELECT source, max(finished_at) FROM etl_runs WHERE status = 'ok' GROUP BY source`)
	if err != nil {
		return nil, err
	}
	for rows.Next() {
		var src string
		var t time.Time
		if err := rows.Scan(&src, &t); err != nil {
			rows.Close()
			return nil, err
		}
		lastOK[src] = t
	}
	rows.Close()
	bySrc := map[string][]string{}
	for _, s := range sources {
		bySrc[s.Table] = append(bySrc[s.Table], s.Name)
	}
	var out []SourceMonth
	for _, table := range sortedKeys(tableDate) {
		d := tableDate[table]
		sm := SourceMonth{Table: table, Title: d.Title, Sources: bySrc[table]}
		var latest *time.Time
		q := fmt.Sprintf(`SELECT countIf(d >= toDate('%s') AND d <= toDate('%s')), if(countIf(d <= toDate('%[2]s')) = 0, NULL, toNullable(maxIf(d, d <= toDate('%[2]s'))))
			FROM (SELECT %s AS d FROM %s FINAL)`, month.Format(time.DateOnly), cut.Format(time.DateOnly), d.Expr, table)
		if err := db.QueryRow(ctx, q).Scan(&sm.Rows, &latest); err != nil {
			return nil, fmt.Errorf("completeness of %s: %w", table, err)
		}
		if latest != nil {
			sm.Latest = queries.Day(*latest)
		}
		for _, src := range sm.Sources {
			if t := lastOK[src]; t.After(sm.LastLoad) {
				sm.LastLoad = t
			}
		}
		switch {
		case sm.Latest.IsZero():
			sm.Stale, sm.Reason = true, "截至本月末尚无数据"
		case cut.Sub(sm.Latest) > time.Duration(d.MaxDays)*24*time.Hour:
			sm.Stale, sm.Reason = true, fmt.Sprintf("最新记录 %s，至月末超过 %d 天未更新", sm.Latest.Format("2006年1月2日"), d.MaxDays)
		}
		out = append(out, sm)
	}
	return out, nil
}

// ErrNoData says the month has no data at all.
var ErrNoData = errors.New("no data for the month")

// BulletinRequest asks for a month's bulletin.
type BulletinRequest struct {
	Month    time.Time
	Sources  []Source
	By       string
	Refreeze bool
	Reason   string
	Lock     func(context.Context) (func(), error) // see queries.FreezeRequest.Lock
}

// Bulletin is a frozen month ready to render.
type Bulletin struct {
	Snapshot *queries.Snapshot
	Created  bool // frozen by this call
	Sources  []SourceMonth
	Boards   []ranking.Board
	Scoring  *ranking.Config
}

// FreezeBulletin returns the month's snapshot, frozen now when there is none (or on a refreeze):
// the metrics, lists, ranking and sources' completeness as of the month's last day.
func FreezeBulletin(ctx context.Context, db *warehouse.DB, req BulletinRequest) (*Bulletin, error) {
	if req.Refreeze && strings.TrimSpace(req.Reason) == "" {
		return nil, fmt.Errorf("--refreeze 需要 --reason \"理由\"：重新冻结会被记录在案 (a refreeze needs --reason; it is recorded)")
	}
	cfg, err := ranking.Load()
	if err != nil {
		return nil, err
	}
	var fresh []SourceMonth
	derive := func(ctx context.Context, set *queries.Set) (map[string]json.RawMessage, error) {
		rank, err := json.Marshal(cfg.Compute(set))
		if err != nil {
			return nil, err
		}
		comp, err := json.Marshal(fresh)
		if err != nil {
			return nil, err
		}
		return map[string]json.RawMessage{"ranking": rank, "completeness": comp}, nil
	}
	check := func(ctx context.Context) error {
		fresh, err = monthCompleteness(ctx, db, req.Sources, req.Month)
		if err != nil {
			return err
		}
		var n uint64
		for _, f := range fresh {
			n += f.Rows
		}
		if n == 0 {
			return fmt.Errorf("--month %s：该月没有任何业务数据，无法生成月通报；请先载入该月数据 (%w)", req.Month.Format("2006-01"), ErrNoData)
		}
		return nil
	}
	snap, created, err := queries.Freeze(ctx, db, queries.FreezeRequest{Month: req.Month, By: req.By, Refreeze: req.Refreeze,
		Reason: req.Reason, Check: check, Derive: derive, Lock: req.Lock})
	if err != nil {
		return nil, err
	}
	b := &Bulletin{Snapshot: snap, Created: created, Scoring: cfg}
	if err := json.Unmarshal(snap.Derived["ranking"], &b.Boards); err != nil {
		return nil, fmt.Errorf("snapshot %d: ranking: %w", snap.ID, err)
	}
	if err := json.Unmarshal(snap.Derived["completeness"], &b.Sources); err != nil {
		return nil, fmt.Errorf("snapshot %d: completeness: %w", snap.ID, err)
	}
	return b, nil
}

// bulletinData is what templates/bulletin.html renders.
type bulletinData struct {
	Title, Month, Issue, AsOf, Frozen, Hash, Self string
	EChartsSrc                                    string
	Stale                                         []string
	Reason                                        string
	TOC                                           []navItem
	Sections                                      []sectionHTML
}

// RenderBulletin renders the bulletin HTML from a frozen month. self is the file's path from
// the site's root (bulletins/2025-06/bulletin.html), echarts the ECharts script's: the page
// sets its base to the site's root so its links open the dashboards' pages.
func RenderBulletin(b *Bulletin, self, echarts string) ([]byte, error) {
	set := b.Snapshot.Set
	p, err := loadBulletinSpec(set.Catalogue)
	if err != nil {
		return nil, err
	}
	pages, err := loadPages(set.Catalogue)
	if err != nil {
		return nil, err
	}
	// The ranking components read the boards frozen with the snapshot, not a ranking computed now.
	s := newSite(set, pages, b.Boards)
	m := b.Snapshot.Month
	d := bulletinData{Title: p.Title, Month: fmt.Sprintf("%d年%d月", m.Year(), int(m.Month())), Issue: fmt.Sprintf("第%d期", Issue(m)),
		AsOf: set.AsOf.Format("2006年1月2日") + "24时", Frozen: b.Snapshot.CreatedAt.In(queries.China).Format("2006年1月2日 15:04"),
		Hash: b.Snapshot.ContentHash, Self: self, EChartsSrc: echarts, Reason: b.Snapshot.Reason}
	for _, f := range b.Sources {
		if f.Stale {
			from := strings.Join(f.Sources, "、")
			if from == "" {
				from = f.Table
			}
			d.Stale = append(d.Stale, fmt.Sprintf("%s（%s）：%s", f.Title, from, f.Reason))
		}
	}
	anchored := map[string]bool{}
	n := 0
	for _, sec := range p.Sections {
		var h sectionHTML
		switch sec.Component {
		case "completeness":
			h = sectionHTML{Heading: sec.Heading, Note: sec.Note, Body: s.completeness(b.Sources)}
		case "figures":
			h = sectionHTML{Heading: sec.Heading, Note: sec.Note, Body: s.figures(sec.Metrics)}
		case "targets_due":
			y := set.AsOf.Year()
			h = sectionHTML{Heading: sec.Heading, Note: sec.Note, Body: s.targetsWhere(func(t queries.Target) bool {
				return t.PeriodYear == y || (!t.Deadline.IsZero() && t.Deadline.Year() == y)
			})}
		case "definitions":
			h = sectionHTML{Heading: sec.Heading, Note: sec.Note, Body: s.exec("definitions", s.cat.Specs)}
		case "scoring":
			h = sectionHTML{Heading: sec.Heading, Note: sec.Note, Body: s.scoringRules(b.Scoring)}
		default:
			h, _ = s.section(sec, anchored)
		}
		if sec.Heading != "" {
			n++
			h.ID = fmt.Sprintf("s%d", n)
			d.TOC = append(d.TOC, navItem{File: self + "#" + h.ID, Label: h.Heading})
		}
		d.Sections = append(d.Sections, h)
	}
	var out bytes.Buffer
	if err := templates.ExecuteTemplate(&out, "bulletin.html", d); err != nil {
		return nil, fmt.Errorf("render bulletin: %w", err)
	}
	return out.Bytes(), nil
}

// loadBulletinSpec reads dashboards/bulletin.yaml, checked as the site's pages are.
func loadBulletinSpec(cat *queries.Catalogue) (PageSpec, error) {
	specs, err := queries.Lists()
	if err != nil {
		return PageSpec{}, err
	}
	var lists []string
	for _, l := range specs {
		lists = append(lists, l.ID)
	}
	p, err := parsePage("bulletin.yaml", bulletinFile, cat, lists, bulletinComponents...)
	if err != nil {
		return p, fmt.Errorf("月通报定义有误 (invalid dashboards/%w)", err)
	}
	return p, nil
}

func (s *site) completeness(fs []SourceMonth) template.HTML {
	type row struct{ Title, Sources, Rows, Latest, LastLoad, State, Class string }
	var rs []row
	for _, f := range fs {
		r := row{Title: f.Title, Sources: strings.Join(f.Sources, "、"), Rows: num("int", float64(f.Rows)), Latest: "—", LastLoad: "—",
			State: "正常", Class: "met"}
		if !f.Latest.IsZero() {
			r.Latest = f.Latest.Format("2006-01-02")
		}
		if !f.LastLoad.IsZero() {
			r.LastLoad = f.LastLoad.In(queries.China).Format("2006-01-02 15:04")
		}
		if f.Stale {
			r.State, r.Class = "滞后："+f.Reason, "missed"
		}
		rs = append(rs, r)
	}
	return s.exec("completeness", rs)
}

// figures lists metrics for the district: this month, last month, the year to date and the
// same months of last year, so a reader sees the month and the trend in one line.
func (s *site) figures(metrics []string) template.HTML {
	type row struct{ Name, Unit, Month, Prev, YTD, LastYTD, Class string }
	month := queries.PeriodStart("month", s.set.AsOf)
	year := queries.PeriodStart("year", s.set.AsOf)
	var rs []row
	for _, id := range metrics {
		sp := s.set.Spec(id)
		f := sp.FormatOrDefault()
		cell := func(grain string, start time.Time) string {
			if !sp.HasGrain(grain) {
				return "—"
			}
			if v, ok := s.set.At(id, grain, "district", "", start, time.Time{}); ok && v.OK() {
				return num(f, v.Value)
			}
			return "—"
		}
		r := row{Name: sp.Name, Unit: sp.Unit, Month: cell("month", month), Prev: cell("month", month.AddDate(0, -1, 0)),
			YTD: cell("year", year), LastYTD: "—"}
		if sp.HasGrain("month") {
			r.LastYTD = s.lastYearToDate(sp, month)
		}
		// A red line for any count a leader must not see above zero (较大及以上事故).
		if t, ok := s.set.Primary(sp); ok && t.Numeric() && *t.Threshold == 0 && t.Comparator != ">=" {
			if v, ok := s.set.At(id, "year", "district", "", year, time.Time{}); ok && v.OK() && v.Value > 0 {
				r.Class = "flagged"
			}
		}
		rs = append(rs, r)
	}
	return s.exec("figures", rs)
}

// lastYearToDate is the metric over the same months of last year: a stock's value at that
// month's end, a flow's sum (counts) or its pooled share (numerator / denominator).
func (s *site) lastYearToDate(sp queries.Spec, month time.Time) string {
	then := month.AddDate(-1, 0, 0)
	if sp.Kind == "stock" {
		if v, ok := s.set.At(sp.ID, "month", "district", "", then, time.Time{}); ok && v.OK() {
			return num(sp.FormatOrDefault(), v.Value)
		}
		return "—"
	}
	var numer, denom float64
	for m := queries.PeriodStart("year", then); !m.After(then); m = m.AddDate(0, 1, 0) {
		if v, ok := s.set.At(sp.ID, "month", "district", "", m, time.Time{}); ok {
			numer, denom = numer+v.Numerator, denom+v.Denominator
		}
	}
	switch {
	case sp.Counts():
		return num(sp.FormatOrDefault(), numer)
	case sp.Unit == "%" && denom > 0:
		return num(sp.FormatOrDefault(), 100*numer/denom)
	}
	return "—"
}

// scoringRules writes the ranking's rules from scoring.yaml: each group's indicators with their
// weights and targets or caps, the deductions, the veto and the tie-breaks.
func (s *site) scoringRules(cfg *ranking.Config) template.HTML {
	type line struct{ Block, Name, Weight, Rule, Note string }
	type group struct {
		Name, Total, Veto, Ties, Boards string
		Lines                           []line
		Deductions                      []string
	}
	var gs []group
	for _, g := range cfg.Groups {
		gr := group{Name: g.Name, Total: pts(g.Total)}
		for _, in := range g.Indicators {
			l := line{Block: in.Block, Name: in.Name, Weight: pts(in.Weight), Note: in.Note}
			switch {
			case in.Awaiting != "":
				l.Rule = "待接入：" + in.Awaiting
			case in.Cap != nil:
				l.Rule = fmt.Sprintf("越低越好：权重 ×（1 − 实际 / %s），不低于 0", pts(*in.Cap))
			case in.Target != nil:
				l.Rule = fmt.Sprintf("越高越好：权重 × min(实际 / %s, 1)", pts(*in.Target))
			default:
				l.Rule = "越高越好：权重 × min(实际 / 当年目标值, 1)"
			}
			if in.Missing != "" {
				l.Rule += "；无数据时：" + map[string]string{"zero": "记 0 分", "full": "记满分", "redistribute": "权重按比例分给其他指标"}[in.Missing]
			}
			if in.OnlyTag != "" {
				l.Rule += "；仅适用于有处罚职权的单位"
			}
			gr.Lines = append(gr.Lines, l)
		}
		for _, d := range g.Deductions {
			t := fmt.Sprintf("%s：每%s %s 分", d.Name, cmpStr(d.Unit, "项"), pts(d.Points))
			if d.Max != nil {
				t += fmt.Sprintf("（合计不超过 %s 分）", pts(*d.Max))
			}
			gr.Deductions = append(gr.Deductions, t)
		}
		if g.Veto != nil {
			gr.Veto = g.Veto.Name + "：排名列最后（一票否决）"
		}
		var ties []string
		for _, t := range g.TieBreaks {
			ties = append(ties, t.Name)
		}
		gr.Ties = strings.Join(ties, "，")
		gr.Boards = ""
		if g.Red.MinWeight > 0 {
			gr.Boards = fmt.Sprintf("实际计分的指标权重不足 %s 分的单位不参与排名；", pts(g.Red.MinWeight))
		}
		gr.Boards += fmt.Sprintf("红榜：前 %d 名及较上月上升 %d 位以上的单位", g.Red.Top, g.Red.Improved)
		gr.Boards += fmt.Sprintf("；黑榜：后 %d 名、一票否决的单位及下列情形：", g.Black.Bottom)
		for i, f := range g.Black.Flags {
			if i > 0 {
				gr.Boards += "；"
			}
			gr.Boards += strings.ReplaceAll(f.Reason, "{value}", "N")
		}
		gs = append(gs, gr)
	}
	return s.exec("scoring", gs)
}

func cmpStr(s, def string) string {
	if s != "" {
		return s
	}
	return def
}
