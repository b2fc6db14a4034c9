package queries_test

import (
	"slices"
	"strings"
	"testing"
	"time"

	"safetydw/queries/ranking"
	"safetydw/warehouse/warehousetest"
)

// Attribution by date: E1 sits in 龙桥街道 and moves into 经济开发区 P01 (a park lying in 龙桥) on
// 2025-07-01; E3 moves from 新兖镇 to 小孟镇 on the same day. Hazards (dedup group = id):
//
//	H1 E1 一般 found 2025-05-10 by 企业, open
//	H2 E1 重大 found 2025-05-12 by 区, deadline 05-20, open (overdue at May end; > 30 days from 06-20)
//	H3 E1 一般 found 2025-08-05 by 镇街, open — after the move
//	H4 E2 一般 鼓楼 found 2025-05-03 by 区, open (E2 never moves)
//	H5 E3 一般 found 2025-06-10 by 企业 — before its move; the fact was loaded with the registry's
//	   town of today (小孟), as a fact without a town of its own is
//	H6 E3 一般 found 2025-08-20 by 镇街 — after its move
//
// Before the registry's move is loaded, E1's May facts carry territorial_unit 龙桥; loading it
// (and reloading the facts, which the registry now places in P01) gives them P01. The change log
// must keep them with 龙桥: May counts for 龙桥 and not for P01, August for P01 (and for 龙桥,
// the town the park lies in: the town column is where a unit is).
func TestAttributionByDate(t *testing.T) {
	t.Parallel()
	db := warehousetest.New(t)
	const gl, lq, xy, xm, p01 = "370812001", "370812003", "370812105", "370812111", "P01"
	d := func(s string) *time.Time { x := day(s); return &x }
	none := (*time.Time)(nil)
	cols := "hazard_id, src_id, dedup_group_id, level, enterprise_id, town_code, territorial_unit, industry_code, found_date, found_by_level, " +
		"deadline_date, closed_date, status, _version"
	hz := func(id, level, ent, town, unit, found, by string, deadline *time.Time, v uint64) []any {
		return []any{id, id, id, level, ent, town, unit, "IT", day(found), by, deadline, none, "整改中", v}
	}
	insert(t, db, "fact_hazard", cols,
		hz("H1", "一般", "E1", lq, lq, "2025-05-10", "企业", nil, 1),
		hz("H2", "重大", "E1", lq, lq, "2025-05-12", "区", d("2025-05-20"), 1),
		hz("H4", "一般", "E2", gl, gl, "2025-05-03", "区", nil, 1),
		hz("H5", "一般", "E3", xm, xm, "2025-06-10", "企业", nil, 1))

	cfg, err := ranking.Load()
	if err != nil {
		t.Fatal(err)
	}
	// This fixture scores a unit on 15–17.5 declared points, under the file's min_weight of 30
	// that ranks a unit at all: ranked here regardless, so the ranks before and after the move
	// can be compared.
	for i := range cfg.Groups {
		cfg.Groups[i].Red.MinWeight = 0
	}
	may := func() (town, park ranking.Row) {
		t.Helper()
		set := refreshed(t, db, "2025-05-31")
		for _, b := range cfg.Compute(set) {
			switch b.Group {
			case "town":
				town, _ = b.Row(lq)
			case "park":
				park, _ = b.Row(p01)
			}
		}
		return town, park
	}
	// As of May, with the scoring file: no closures, drills or units, so the towns' values are the
	// counts (legacy stock 8, cap 3; overdue 重大 7, cap 3) and, for 龙桥 only, the 挂牌督办 rate of
	// 重大 hazards found by 区 or above (2.5, target 100 %): H2 not 挂牌, 0 %. Every other weight
	// is redistributed. 龙桥 (8 × 1 + 7 × (1 − 1/3) + 2.5 × 0) × 100/17.5 = 12.6667 × 5.7143 =
	// 72.38, ranked 10th behind nine towns at (8 + 7) × 100/15 = 100; P01 has nothing: 100, first.
	townBefore, parkBefore := may()
	if townBefore.Points != 72.38 || townBefore.Rank != 10 || parkBefore.Points != 100 || parkBefore.Rank != 1 {
		t.Fatalf("before the move: 龙桥 %v (rank %d), P01 %v (rank %d); want 72.38 (10), 100 (1)",
			townBefore.Points, townBefore.Rank, parkBefore.Points, parkBefore.Rank)
	}

	// The move is loaded: the change log, E1's facts again with the registry's unit of today
	// (P01), and the facts after the moves.
	insert(t, db, "fact_enterprise_status_change", "enterprise_id, change_date, old_unit, new_unit, new_town_code, _version",
		[]any{"E1", day("2025-07-01"), lq, p01, lq, uint64(1)},
		[]any{"E3", day("2025-07-01"), xy, xm, xm, uint64(1)},
		[]any{"E2", day("2025-03-01"), "", "", "", uint64(1)}) // a status-only change: no move
	insert(t, db, "fact_hazard", cols,
		hz("H1", "一般", "E1", lq, p01, "2025-05-10", "企业", nil, 2),
		hz("H2", "重大", "E1", lq, p01, "2025-05-12", "区", d("2025-05-20"), 2),
		hz("H3", "一般", "E1", lq, p01, "2025-08-05", "镇街", nil, 1),
		hz("H6", "一般", "E3", xm, xm, "2025-08-20", "镇街", nil, 1))

	townAfter, parkAfter := may()
	if townAfter.Points != townBefore.Points || townAfter.Rank != townBefore.Rank ||
		parkAfter.Points != parkBefore.Points || parkAfter.Rank != parkBefore.Rank {
		t.Errorf("May rewritten by the move: 龙桥 %v (rank %d) → %v (rank %d), P01 %v (%d) → %v (%d)",
			townBefore.Points, townBefore.Rank, townAfter.Points, townAfter.Rank,
			parkBefore.Points, parkBefore.Rank, parkAfter.Points, parkAfter.Rank)
	}

	set := refreshed(t, db, "2025-08-31")
	check(t, set, []want{
		// May: H1 H2 for 龙桥, none for P01; 鼓楼 H4.
		{"hazards_found", "month", "town", lq, "2025-05-01", 2, 0, 2},
		{"hazards_found", "month", "park", p01, "2025-05-01", 0, 0, 0},
		{"hazards_found", "month", "town", gl, "2025-05-01", 1, 0, 1},
		// August: H3 for P01 and for 龙桥 (where it lies); H6 for 小孟.
		{"hazards_found", "month", "park", p01, "2025-08-01", 1, 0, 1},
		{"hazards_found", "month", "town", lq, "2025-08-01", 1, 0, 1},
		{"hazards_found", "month", "town", xm, "2025-08-01", 1, 0, 1},
		// June: H5 for 新兖, the town E3 was in on 06-10, not 小孟 where its fact was loaded.
		{"hazards_found", "month", "town", xy, "2025-06-01", 1, 0, 1},
		{"hazards_found", "month", "town", xm, "2025-06-01", 0, 0, 0},
		// Overdue 重大 at each month end stays with 龙桥 (found before the move).
		{"major_hazards_overdue", "month", "town", lq, "2025-05-01", 1, 0, 1},
		{"major_hazards_overdue", "month", "town", lq, "2025-08-01", 1, 0, 1},
		{"major_hazards_overdue", "month", "park", p01, "2025-08-01", 0, 0, 0},
		// More than 30 days overdue: 05-20 + 30 = 06-19, so not at May end (05-31), yes at June end.
		{"major_hazards_overdue_30d", "month", "town", lq, "2025-05-01", 0, 0, 0},
		{"major_hazards_overdue_30d", "month", "town", lq, "2025-06-01", 1, 0, 1},
		{"major_hazards_overdue_30d", "month", "district", "", "2025-08-01", 1, 0, 1},
		{"major_hazards_overdue_30d", "month", "park", p01, "2025-08-01", 0, 0, 0},
		// Self-found (企业, 镇街, 园区): 2025 龙桥 H1 + H3 = 2 (H2 by 区); P01 H3; 鼓楼 0 (H4 by 区);
		// district H1 H3 H5 H6 = 4; May 龙桥 1.
		{"hazards_self_found", "year", "town", lq, "2025-01-01", 2, 0, 2},
		{"hazards_self_found", "year", "park", p01, "2025-01-01", 1, 0, 1},
		{"hazards_self_found", "year", "town", gl, "2025-01-01", 0, 0, 0},
		{"hazards_self_found", "year", "district", "", "2025-01-01", 4, 0, 4},
		{"hazards_self_found", "month", "town", lq, "2025-05-01", 1, 0, 1},
	})
	// The list of overdue 重大 hazards names H2 under 龙桥 and no park: it was found before the move.
	if rows := set.Lists["overdue_major_hazards"].Rows; len(rows) != 1 || rows[0][0] != "H2" || rows[0][2] != "龙桥街道" || rows[0][3] != "" {
		t.Errorf("overdue list %q, want H2 in 龙桥街道 with no park", rows)
	}
	// The 黑榜 names 龙桥 for its 重大 hazard overdue more than 30 days, not P01.
	for _, b := range cfg.Compute(set) {
		for _, m := range b.Black {
			if m.Code == p01 {
				t.Errorf("P01 on the 黑榜: %s", m.Reason)
			}
		}
		if b.Group == "town" && !hasMention(b.Black, lq, "重大隐患逾期超30天: 1项") {
			t.Errorf("town 黑榜 %+v lacks 龙桥's overdue 重大 hazard", b.Black)
		}
	}
}

func hasMention(ms []ranking.Mention, code, reason string) bool {
	for _, m := range ms {
		if m.Code == code && slices.Contains(strings.Split(m.Reason, "；"), reason) {
			return true
		}
	}
	return false
}
