package dataset

import (
	"fmt"
	"strings"
	"sync"
	"time"

	"safetydw/etl/normalize"
	"safetydw/warehouse/refdata"
)

func init() { Register("mine_monthly", func(Env) *Dataset { return MineMonthly() }) }

var (
	minesOnce sync.Once
	mineIDs   map[string]string // mine name or id → id
)

// parseMine maps a coal mine's name (兴隆庄煤矿), its id (M01) or its name with the operator
// in front (兖矿能源集团股份有限公司兴隆庄煤矿) to the refdata mine id.
func parseMine(s string) (any, error) {
	minesOnce.Do(func() {
		mineIDs = map[string]string{}
		for _, m := range refdata.CoalMines() {
			mineIDs[m.Name] = m.ID
			mineIDs[m.ID] = m.ID
			if m.Operator != "" {
				mineIDs[m.Operator+m.Name] = m.ID
			}
		}
	})
	k := strings.Join(strings.Fields(s), "")
	if id, ok := mineIDs[k]; ok {
		return id, nil
	}
	for _, m := range refdata.CoalMines() {
		if strings.HasSuffix(k, m.Name) {
			return m.ID, nil
		}
	}
	return nil, fmt.Errorf("未知煤矿 %q (unknown coal mine; add it to warehouse/refdata/coal_mines.csv if it is ours)", s)
}

var monthLayouts = []string{"2006-01", "2006-1", "2006/01", "2006/1", "2006.01", "2006.1", "2006年01月", "2006年1月", "200601"}

// parseMonth reads a report month (2024-01 as the form asks, 2024年1月, or any date within the
// month, including an Excel date) as the first day of the month.
func parseMonth(s string) (any, error) {
	s = strings.TrimSpace(s)
	for _, l := range monthLayouts {
		if t, err := time.Parse(l, s); err == nil {
			return t, nil
		}
	}
	t, err := normalize.Date(s)
	if err != nil {
		return nil, fmt.Errorf("月份无效 %q (invalid month)", s)
	}
	return time.Date(t.Year(), t.Month(), 1, 0, 0, 0, 0, time.UTC), nil
}

// MineMonthly is the coal mines' monthly report (煤矿月报, fact_mine_monthly; T45–T47, T74).
// Figures typed as text with thousands separators (512,420.3) are read as numbers. A month a
// mine did not report is simply absent; completeness is for the metric layer to check.
func MineMonthly() *Dataset {
	return &Dataset{
		Name:        "mine_monthly",
		Table:       "fact_mine_monthly",
		Description: "煤矿月报 (coal-mine monthly reports), one row per mine and month",
		Key:         "mine_id",
		KeyWith:     []string{"month"},
		NotFuture:   []string{"month"}, // a report of a month not begun
		Columns: []Column{
			{Name: "mine_id", Kind: String, Headers: []string{"煤矿名称", "矿井名称", "煤矿", "mine"}, Required: true, Parse: parseMine},
			{Name: "month", Kind: Date, Headers: []string{"月份(2024-01)", "月份（2024-01）", "月份", "统计月份", "month"}, Required: true, Parse: parseMonth},
			{Name: "raw_coal_output_t", Kind: Float64, Headers: []string{"原煤产量(吨)", "原煤产量（吨）", "原煤产量"}, Required: true, Parse: nonNegative},
			{Name: "intelligent_output_t", Kind: Float64, Headers: []string{"智能化开采产量(吨)", "智能化开采产量（吨）", "智能化开采产量"}, Parse: nonNegative},
			{Name: "faces_total", Kind: UInt16, Headers: []string{"采煤工作面数", "工作面数"}},
			{Name: "faces_intelligent", Kind: UInt16, Headers: []string{"智能化工作面数"}},
			{Name: "underground_headcount_avg", Kind: UInt32, Headers: []string{"井下平均人数", "井下作业人数"}},
			{Name: "underground_headcount_max_shift", Kind: UInt32, Headers: []string{"井下单班最多人数", "单班最多人数"}},
			{Name: "total_headcount", Kind: UInt32, Headers: []string{"职工总数", "从业人数"}},
			{Name: "source_file", Kind: String},
			{Name: "source_row", Kind: UInt32},
			{Name: "_version", Kind: UInt64},
		},
		Finish: func(r *Record) error {
			if raw, intel := r.Get("raw_coal_output_t").(float64), r.Get("intelligent_output_t").(float64); intel > raw {
				return &FieldError{"智能化开采产量(吨)", fmt.Sprintf("智能化开采产量 %.1f 大于原煤产量 %.1f (intelligent output exceeds raw output)", intel, raw)}
			}
			if all, intel := r.Get("faces_total").(uint16), r.Get("faces_intelligent").(uint16); intel > all {
				return &FieldError{"智能化工作面数", fmt.Sprintf("智能化工作面数 %d 多于采煤工作面数 %d (more intelligent faces than faces)", intel, all)}
			}
			return nil
		},
	}
}
