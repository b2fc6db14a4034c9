package samplegen

import (
	"path/filepath"
	"regexp"
	"slices"
	"testing"

	"safetydw/warehouse/refdata"
)

// TestMilestoneLedger: every L target has a task; as of the snapshot the ledger holds done tasks
// (with 完成日期 and 佐证材料), overdue ones and ones not yet due; each planted bad row is where
// traps.csv says and bad in the way it says.
func TestMilestoneLedger(t *testing.T) {
	dir, _ := fresh(t)
	const main, extra = "milestones/task_ledger.xlsx", "milestones/task_ledger_supplement.xlsx"
	files := map[string][][]string{}
	for _, f := range []string{main, extra} {
		h, rows := readTable(t, filepath.Join(dir, f))
		if !slices.Equal(h, milestoneHeader) {
			t.Fatalf("%s header %v", f, h)
		}
		files[f] = rows
	}
	isDate := regexp.MustCompile(`^\d{4}-\d{2}-\d{2}$`).MatchString
	trapRows := map[string]bool{}
	kinds := map[string]int{}
	for _, tp := range readTraps(t, dir) {
		rows, ok := files[tp.File]
		if !ok {
			continue
		}
		kinds[tp.Kind]++
		r := rows[tp.Row-3]                                // title and header above the data
		trapRows[tp.File+r[0]] = tp.Expect == "quarantine" // a flagged row is a real task
		var bad bool
		switch tp.Kind {
		case "unknown_target":
			bad = r[1] == "T120"
		case "measured_target":
			bad = r[1] == "T70"
		case "unknown_department":
			bad = r[3] == "区气象局"
		case "future_evidence_date":
			bad = isDate(r[6]) && r[6] > ymd(snapshot)
		case "evidence_before_campaign":
			bad = isDate(r[6]) && r[6] < "2024-01-01"
		case "bad_due_date":
			bad = !isDate(r[4])
		case "status_date_mismatch":
			bad = r[5] != "已完成" && r[6] != ""
		case "done_without_evidence":
			bad = r[5] == "已完成" && (r[6] == "" || r[7] == "")
		case "task_id_conflict":
			i := slices.IndexFunc(files[main], func(m []string) bool { return m[0] == r[0] })
			bad = i >= 0 && !slices.Equal(files[main][i], r)
		default:
			t.Errorf("unexpected milestone trap kind %s", tp.Kind)
			continue
		}
		if !bad || r[0] != tp.Key {
			t.Errorf("%s row %d (%s): not a %s row: %v", tp.File, tp.Row, tp.Key, tp.Kind, r)
		}
	}
	for _, k := range []string{"unknown_target", "measured_target", "unknown_department", "future_evidence_date", "evidence_before_campaign",
		"bad_due_date", "status_date_mismatch", "done_without_evidence", "task_id_conflict"} {
		if kinds[k] == 0 {
			t.Errorf("no %s row in the task ledger", k)
		}
	}
	// The rows that load, as of the snapshot.
	byTarget := map[string]int{}
	var done, overdue, ahead int
	for _, r := range files[main] {
		if trapRows[main+r[0]] {
			continue
		}
		byTarget[r[1]]++
		switch {
		case r[5] == "已完成" && isDate(r[6]) && r[7] != "":
			done++
		case r[4] < ymd(snapshot):
			overdue++
		default:
			ahead++
		}
	}
	for _, tg := range refdata.Targets() {
		if tg.Kind == "L" && byTarget[tg.ID] == 0 {
			t.Errorf("L target %s has no task", tg.ID)
		}
	}
	if done < 10 || overdue < 3 || ahead < 3 {
		t.Errorf("tasks done %d, overdue %d, not yet due %d: want a mix", done, overdue, ahead)
	}
}
