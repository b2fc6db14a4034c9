package samplegen

import (
	"fmt"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"safetydw/warehouse/refdata"
)

// TestFieldCheckAndNotificationTraps checks that each bad row planted in the lists of T21, T31,
// T49, T96, T102, T105 and T108 is where traps.csv says and is bad in the way it says, and that every
// other notification names a 重大 hazard of hazards.jsonl, on or after its find.
func TestFieldCheckAndNotificationTraps(t *testing.T) {
	dir, _ := fresh(t)
	hazards := map[string]hazardJSON{}
	for _, h := range readJSONLines[hazardJSON](t, filepath.Join(dir, "hazards/hazards.jsonl")) {
		hazards[h.HazardID] = h
	}
	parks := map[string]bool{}
	for _, p := range refdata.Parks() {
		parks[p.Name] = true
	}
	const notif, credit = "hazards/notifications.csv", "credit/credit_lists.csv"
	reg := readRegistry(t, dir)
	files := []string{"ledgers/utility_anomalies.csv", "ledgers/height_work_detections.csv", "ledgers/transport_vehicles.csv",
		"ledgers/welding_machines.csv", notif, credit}
	tables := map[string][][]string{}
	for _, f := range files {
		h, rows := readTable(t, filepath.Join(dir, f))
		want := map[string][]string{notif: notificationHeader, credit: creditHeader}[f]
		if want == nil {
			want = ledgerHeader
		}
		if !slices.Equal(h, want) {
			t.Fatalf("%s header %v", f, h)
		}
		tables[f] = rows
	}
	// key is the natural key of a row: ledger type and item number, hazard and role, or list entry.
	key := func(f string, r []string) string {
		if f == credit {
			return r[0]
		}
		return r[0] + "/" + r[1]
	}
	kinds := map[string]int{}
	trapped := map[string]bool{}
	for _, tp := range readTraps(t, dir) {
		rows, ok := tables[tp.File]
		if !ok {
			continue
		}
		kinds[tp.Kind]++
		trapped[fmt.Sprintf("%s:%d", tp.File, tp.Row)] = true
		r := rows[tp.Row-2]
		earlier := func() bool { // the same key on an earlier row with other content
			for _, o := range rows[:tp.Row-2] {
				if key(tp.File, o) == key(tp.File, r) && !slices.Equal(o, r) {
					return true
				}
			}
			return false
		}
		var bad bool
		switch tp.Kind {
		case "checked_before_found":
			bad = r[8] != "" && r[8] < r[6]
		case "future_date":
			switch tp.File {
			case notif:
				bad = strings.HasPrefix(r[4], "2062")
			case credit:
				bad = strings.HasPrefix(r[10], "2062")
			default:
				bad = strings.HasPrefix(r[8], "2062")
			}
		case "duplicate_row":
			var src int
			fmt.Sscanf(tp.Detail, "exact copy of row %d", &src)
			bad = src > 0 && src < tp.Row && slices.Equal(rows[src-2], r)
		case "key_conflict":
			bad = earlier()
		case "unknown_town":
			bad = r[2] == foreignTown
		case "status_mismatch":
			bad = r[9] == "已销号" && r[8] == ""
		case "negative_quantity":
			bad = strings.HasPrefix(r[10], "-")
		case "bad_uscc":
			bad = len(r[4]) != 18
		case "unknown_park":
			col := 3
			if tp.File == credit {
				col = 7
			}
			bad = r[col] != "" && !parks[r[col]]
		case "unknown_role":
			bad = !slices.Contains([]string{"主要负责人", "实际控制人", "主要负责人兼实际控制人"}, r[1])
		case "notified_before_found":
			h, ok := hazards[r[0]]
			bad = ok && r[4] < h.FoundDate
		case "removed_before_listed":
			bad = r[11] != "" && r[11] < r[10]
		case "unknown_list":
			bad = r[1] != "黑名单" && r[1] != "严重失信主体名单"
		case "person_without_name":
			bad = r[2] == "个人" && r[5] == ""
		case "unknown_enterprise":
			_, ok := reg[r[4]]
			bad = !ok
		case "unknown_hazard":
			_, ok := hazards[r[0]]
			bad = !ok
		default:
			t.Errorf("unexpected trap kind %s in %s", tp.Kind, tp.File)
			continue
		}
		if !bad {
			t.Errorf("%s row %d: not a %s row: %v", tp.File, tp.Row, tp.Kind, r)
		}
	}
	for _, k := range []string{"checked_before_found", "future_date", "duplicate_row", "key_conflict", "unknown_town", "status_mismatch",
		"negative_quantity", "bad_uscc", "unknown_park", "unknown_role", "notified_before_found", "unknown_hazard", "removed_before_listed",
		"unknown_list", "person_without_name", "unknown_enterprise"} {
		if kinds[k] == 0 {
			t.Errorf("no %s trap in the lists", k)
		}
	}
	// Rows that are no trap: notifications name a 重大 hazard and follow its find; the ledgers'
	// 销号 dates follow their finds; list entries name registered units and leave after they came.
	for f, rows := range tables {
		for i, r := range rows {
			if trapped[fmt.Sprintf("%s:%d", f, i+2)] {
				continue
			}
			if f == credit {
				if _, ok := reg[r[4]]; !ok || (r[11] != "" && r[11] < r[10]) {
					t.Errorf("%s row %d: unit %s (registered %v) listed %s, removed %s", f, i+2, r[4], ok, r[10], r[11])
				}
				continue
			}
			if f != notif {
				if r[8] != "" && r[8] < r[6] {
					t.Errorf("%s row %d: 销号 %s before found %s", f, i+2, r[8], r[6])
				}
				continue
			}
			h, ok := hazards[r[0]]
			if !ok || h.Level != "重大" || r[4] < h.FoundDate {
				t.Errorf("%s row %d: hazard %s (%v, level %s) told on %s", f, i+2, r[0], ok, h.Level, r[4])
			}
		}
	}
}
