package queries_test

import (
	"testing"
	"time"

	"safetydw/queries"
	"safetydw/warehouse/warehousetest"
)

// Tasks of the ledger, judged as of 2025-06-30 (done = reported 已完成 with a 完成日期 on or
// before the day and a 佐证材料; overdue = not done and 完成时限 before the day):
//
//	K1 T18 D15 due 2024-12-31 已完成 2024-11-20 with 文号          → 已完成
//	K2 T18 D00 due 2024-12-31 已完成 2025-01-15 with 文号          → 已完成 (逾期完成)        T18: 2/2 done → 已完成
//	K3 T32 D15 due 2026-12-31 进行中                               → 进行中                  T32 → 进行中
//	K4 T37 D20 due 2025-12-31 已完成, no date, no 文号 (not trusted) → 进行中 (not due)
//	K5 T37 D20 due 2025-03-31 进行中                               → 已逾期                  T37 → 已逾期
//	K6 T53 D07 due 2025-06-30 未开始: due on the day itself        → 进行中                  T53 → 进行中
//	K7 T52 D07 due 2024-12-31 已完成 2025-07-10 (after the day)     → 已逾期                  T52 → 已逾期
//	K8 T45 D15 due 2024-12-31 已完成 2024-12-20 with 文号 (an M+L)   → 已完成                  T45 → 已完成
//	K9 T62 D15 deleted                                            → nowhere                 T62 (L) → 无数据
//
// District: done K1 K2 K8 = 3, in progress K3 K4 K6 = 3, overdue K5 K7 = 2.
func TestMilestoneStatusesFromTheLedger(t *testing.T) {
	t.Parallel()
	db := warehousetest.New(t)
	d := func(s string) *time.Time { x := day(s); return &x }
	none := (*time.Time)(nil)
	task := func(id, target, dept, due, status string, done *time.Time, doc string, deleted uint8) []any {
		ev := uint8(0)
		if done != nil && doc != "" {
			ev = 1
		}
		return []any{id, target, "任务" + id, dept, day(due), status, done, doc, ev, day("2025-06-20"), uint64(1), deleted}
	}
	insert(t, db, "fact_milestone_task", "task_id, target_id, task_text, dept_code, due_date, reported_status, evidence_date, evidence_doc, has_evidence, report_date, _version, _deleted",
		task("K1", "T18", "D15", "2024-12-31", "已完成", d("2024-11-20"), "兖安办发〔2024〕12号", 0),
		task("K2", "T18", "D00", "2024-12-31", "已完成", d("2025-01-15"), "兖安办发〔2025〕3号", 0),
		task("K3", "T32", "D15", "2026-12-31", "进行中", none, "", 0),
		task("K4", "T37", "D20", "2025-12-31", "已完成", none, "", 0),
		task("K5", "T37", "D20", "2025-03-31", "进行中", none, "", 0),
		task("K6", "T53", "D07", "2025-06-30", "未开始", none, "", 0),
		task("K7", "T52", "D07", "2024-12-31", "已完成", d("2025-07-10"), "兖住建发〔2025〕9号", 0),
		task("K8", "T45", "D15", "2024-12-31", "已完成", d("2024-12-20"), "兖应急发〔2024〕30号", 0),
		task("K9", "T62", "D15", "2024-12-31", "已完成", d("2024-12-20"), "X", 1))
	set := refreshed(t, db, "2025-06-30")

	cases := []struct {
		target, dim, code string
		status            queries.Status
		done, on, over    int
	}{
		{"T18", "district", "", queries.Done, 2, 0, 0},
		{"T32", "district", "", queries.OnTrack, 0, 1, 0},
		{"T37", "district", "", queries.Overdue, 0, 1, 1},
		{"T53", "district", "", queries.OnTrack, 0, 1, 0},
		{"T52", "district", "", queries.Overdue, 0, 0, 1},
		{"T45", "district", "", queries.Done, 1, 0, 0},
		{"T62", "district", "", queries.NoData, 0, 0, 0},
		// One department's part: D00 did its T18 task; D15 has none of T37.
		{"T18", "dept", "D00", queries.Done, 1, 0, 0},
		{"T37", "dept", "D20", queries.Overdue, 0, 1, 1},
		{"T37", "dept", "D15", queries.NoData, 0, 0, 0},
	}
	for _, c := range cases {
		a := set.Assess(set.Targets[c.target], queries.MilestoneMetric, c.dim, c.code)
		m := a.Milestone
		if a.Status != c.status || m == nil || m.Done != c.done || m.OnTrack != c.on || m.Overdue != c.over {
			t.Errorf("%s %s %s: %s %+v, want %s done %d in progress %d overdue %d", c.target, c.dim, c.code, a.Status, m, c.status, c.done, c.on, c.over)
		}
	}
	notes := map[string]string{}
	statuses := map[string]queries.Status{}
	for _, k := range set.Tasks("", "") {
		notes[k.ID], statuses[k.ID] = k.Note, k.Status
	}
	if len(statuses) != 8 || statuses["K9"] != "" {
		t.Errorf("tasks %v, want K1–K8 (K9 deleted)", statuses)
	}
	want := map[string]string{"K2": "逾期完成", "K4": "报送已完成，但缺完成日期或佐证材料，不采信，按未完成计", "K7": "完成日期在计算日之后，按未完成计", "K1": ""}
	for id, n := range want {
		if notes[id] != n {
			t.Errorf("%s note %q, want %q", id, notes[id], n)
		}
	}
	if got := set.Tasks("", "D07"); len(got) != 2 || got[0].ID != "K7" || got[1].ID != "K6" {
		t.Errorf("D07's tasks %+v, want K7 (T52) then K6 (T53)", got)
	}
	// Every judgement of a target: the milestone part first for L and for an M+L with tasks;
	// an M+L without tasks (T23) only by its metrics.
	if as := set.TargetAssessments(set.Targets["T45"], "district", ""); len(as) == 0 || as[0].Milestone == nil || as[0].Status != queries.Done {
		t.Errorf("T45 judgements %+v, want the milestone first", as)
	}
	for _, a := range set.TargetAssessments(set.Targets["T23"], "district", "") {
		if a.Milestone != nil {
			t.Errorf("T23 has no tasks but was judged as a milestone: %+v", a)
		}
	}
}
