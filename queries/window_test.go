package queries_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"safetydw/queries"
	"safetydw/warehouse/refdata"
	"safetydw/warehouse/warehousetest"
)

// A stock metric with a window meets a hazard only at the period ends between its found and closed
// dates, yet keeps every cell the full spine had: 龙桥's first hazard is found in May, so its
// earlier cells are stored zero rows (from the carrier row), not missing ones (the reader would
// show a missing count as 0 too, so the rows are counted in the store). As of 2025-06-30:
//
//	W1 GW1 一般 鼓楼 IT.DUST found 2025-01-05, deadline 01-31, closed 2025-03-10
//	W2 GW2 一般 龙桥 CONS    found 2025-05-02, deadline 05-20, open
func TestStockWindowKeepsZeroCells(t *testing.T) {
	t.Parallel()
	db := warehousetest.New(t)
	d := func(s string) *time.Time { x := day(s); return &x }
	none := (*time.Time)(nil)
	const gl, lq = "370812001", "370812003"
	v := uint64(1)
	insert(t, db, "fact_hazard", "hazard_id, dedup_group_id, level, town_code, territorial_unit, industry_code, found_date, deadline_date, "+
		"closed_date, status, _version",
		[]any{"W1", "GW1", "一般", gl, gl, "IT.DUST", day("2025-01-05"), d("2025-01-31"), d("2025-03-10"), "已销号", v},
		[]any{"W2", "GW2", "一般", lq, lq, "CONS", day("2025-05-02"), d("2025-05-20"), none, "整改中", v})
	set := refreshed(t, db, "2025-06-30")
	check(t, set, []want{
		// Open at the month end: W1 in Jan and Feb (closed 03-10), W2 from May.
		{"hazards_open", "month", "district", "", "2025-01-01", 1, 0, 1},
		{"hazards_open", "month", "district", "", "2025-03-01", 0, 0, 0},
		{"hazards_open", "month", "district", "", "2025-06-01", 1, 0, 1},
		{"hazards_open", "month", "town", gl, "2025-02-01", 1, 0, 1},
		{"hazards_open", "month", "town", gl, "2025-06-01", 0, 0, 0},
		{"hazards_open", "month", "town", lq, "2025-01-01", 0, 0, 0},
		{"hazards_open", "month", "town", lq, "2025-05-01", 1, 0, 1},
		{"hazards_open", "month", "industry", "CONS", "2024-12-01", 0, 0, 0},
		{"hazards_open", "year", "town", lq, "2024-01-01", 0, 0, 0},
		// Overdue at the month end: W1 at 01-31 is not yet past its deadline, at 02-28 it is; W2 from May.
		{"hazards_overdue", "month", "district", "", "2025-01-01", 0, 0, 0},
		{"hazards_overdue", "month", "town", gl, "2025-02-01", 1, 0, 1},
		{"hazards_overdue", "month", "town", lq, "2025-02-01", 0, 0, 0},
		{"hazards_overdue", "month", "town", lq, "2025-05-01", 1, 0, 1},
		{"hazards_overdue", "year", "district", "", "2025-01-01", 1, 0, 1},
	})
	// The spine from 2023-12 to 2025-06: 19 month ends and 3 year ends. Cells: district, two
	// towns, two departments (IT.DUST → D15, CONS → D07), two industries; no park. 22 × 7 = 154
	// rows per metric, and 19 months for 龙桥 alone.
	for _, m := range []string{"hazards_open", "hazards_overdue"} {
		var all, lqMonths uint64
		err := db.QueryRow(context.Background(), `SELECT count(), countIf(dim_type = 'town' AND dim_code = '`+lq+`' AND period_type = 'month')
			FROM ads_metric_value WHERE metric_id = '`+m+`' AND as_of = '2025-06-30'`).Scan(&all, &lqMonths)
		if err != nil || all != 154 || lqMonths != 19 {
			t.Errorf("%s: %d rows, %d months of 龙桥 stored (%v), want 154 and 19", m, all, lqMonths, err)
		}
	}
}

// A window is for stock metrics only, as two source columns.
func TestStockWindowSpecCheck(t *testing.T) {
	spec := `id: w
name: 窗口
unit: 项
direction: lower
grains: [month]
dimensions: [district]
topic: hazards
kind: KIND
source: SELECT found_date AS date, found_date, closed_date FROM fact_hazard
numerator: count()
window: WINDOW
`
	for _, c := range []struct{ kind, window, want string }{
		{"flow", "[found_date, closed_date]", "window:"},
		{"stock", "[found_date]", "window:"},
		{"stock", "[found_date, closed_date]", ""},
	} {
		body := strings.NewReplacer("KIND", c.kind, "WINDOW", c.window).Replace(spec)
		_, err := queries.ParseCatalogue(map[string][]byte{"w.yaml": []byte(body)}, refdata.Targets())
		if (c.want == "") != (err == nil) || (err != nil && !strings.Contains(err.Error(), c.want)) {
			t.Errorf("kind %s, window %s: %v, want %q", c.kind, c.window, err, c.want)
		}
	}
}
