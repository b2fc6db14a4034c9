package dashboards

import (
	"regexp"
	"strings"
	"testing"
	"time"

	"safetydw/queries"
)

// The task ledger as a refresh froze it (queries/lists/milestone_tasks.yaml computes 核定状态), and
// what the pages must show, by hand:
//
//	RW1 T18 D15 已完成            RW2 T18 D00 已逾期 → T18: 1/2 done, 已逾期
//	RW3 T37 D20 进行中 (reported 已完成 without evidence, not trusted) → T37 进行中
//	RW4 T32 D15 进行中                                → T32 进行中
//
// 区应急管理局 (D15) owns RW1 and RW4: 2 tasks, 1 done, 1 in progress; 安委办 (D00) RW2, overdue;
// 消防大队 (D20) RW3. No other department has a page. Of the 30 L targets, T18 is overdue, T37
// and T32 in progress, 27 have no task; no M+L target has tasks.
func TestTaskPages(t *testing.T) {
	t.Parallel()
	asOf := time.Date(2025, 6, 30, 0, 0, 0, 0, time.UTC)
	task := func(id, target, dept, deptName, due, reported, done, doc, status, note string) []string {
		return []string{id, target, "任务" + id, dept, deptName, due, reported, done, doc, "2025-06-20", status, note}
	}
	lists, err := queries.Lists()
	if err != nil {
		t.Fatal(err)
	}
	var spec queries.ListSpec
	for _, l := range lists {
		if l.ID == queries.MilestoneList {
			spec = l
		}
	}
	set := queries.NewSet(mustCatalogue(t), queries.TargetsFromRefdata(), nil, nil)
	set.AsOf = asOf
	set.Lists = map[string]queries.List{queries.MilestoneList: {Spec: spec, Rows: [][]string{
		task("RW1", "T18", "D15", "区应急管理局", "2024-12-31", "已完成", "2024-11-20", "兖应急发〔2024〕12号", "已完成", ""),
		task("RW2", "T18", "D00", "区安委会办公室", "2024-12-31", "进行中", "", "", "已逾期", ""),
		task("RW3", "T37", "D20", "区消防救援大队", "2025-12-31", "已完成", "", "", "进行中", "报送已完成，但缺完成日期或佐证材料，不采信，按未完成计"),
		task("RW4", "T32", "D15", "区应急管理局", "2026-12-31", "进行中", "", "", "进行中", ""),
	}}}
	files, err := Render(set, nil, nil, asOf)
	if err != nil {
		t.Fatal(err)
	}
	text := func(file string) string {
		t.Helper()
		b, ok := files[file]
		if !ok {
			t.Fatalf("no page %s", file)
		}
		return string(b)
	}
	contains := func(file string, wants ...string) {
		t.Helper()
		page := text(file)
		for _, w := range wants {
			if !strings.Contains(page, w) {
				t.Errorf("%s lacks %q", file, w)
			}
		}
	}
	lacks := func(file string, bad ...string) {
		t.Helper()
		page := text(file)
		for _, w := range bad {
			if strings.Contains(page, w) {
				t.Errorf("%s shows %q", file, w)
			}
		}
	}
	// The department's page lists exactly its own tasks, each opening its target.
	contains(tasksFile("D15"), "区应急管理局 任务进度", "共 2 项任务：已完成 1，进行中 1，已逾期 0。",
		`<a href="target-T18.html">RW1</a>`, `<a href="target-T32.html">RW4</a>`, "兖应急发〔2024〕12号", "不采信")
	lacks(tasksFile("D15"), ">RW2<", ">RW3<", "<th>责任部门</th>") // its own name in every row says nothing
	if rows := regexp.MustCompile(`<a href="target-T\d+\.html">RW\d</a>`).FindAllString(text(tasksFile("D15")), -1); len(rows) != 2 {
		t.Errorf("D15's page has %d task rows, want 2: %v", len(rows), rows)
	}
	contains(tasksFile("D20"), `<a href="target-T37.html">RW3</a>`, "报送已完成，但缺完成日期或佐证材料，不采信，按未完成计")
	contains(tasksFile("D00"), `<tr class="flagged">`, `<td class="bad">已逾期</td>`)
	for _, f := range []string{tasksFile("D07"), tasksFile("D08")} {
		if files[f] != nil {
			t.Errorf("%s written, but the department owns no task", f)
		}
	}
	// The overview: each owner department with its counts, opening its page; the overdue task.
	contains("tasks.html", `<a href="tasks-dept-D15.html">区应急管理局</a></td><td class="num">2</td><td class="num">1</td><td class="num">1</td><td class="num">0</td>`,
		`<a href="tasks-dept-D00.html">区安委会办公室</a></td><td class="num">1</td><td class="num">0</td><td class="num">0</td><td class="num bad">1</td>`,
		"逾期未完成的任务", `<a href="target-T18.html">RW2</a>`)
	contains("index.html", `href="tasks.html"`, "里程碑（L 类目标） 30 项：已完成 0，进行中 2，已逾期 1，台账中尚无任务 27。",
		"T18 任务台账（里程碑）：已逾期，1 项任务逾期未完成：区安委会办公室“RW2”（时限 2024-12-31）")
	lacks("index.html", "M+L 类目标的里程碑部分")
	// The department's unit page links its task page; a department without tasks has no link.
	contains(unitFile("dept", "D15"), `<a href="tasks-dept-D15.html">查看任务进度</a>`)
	lacks(unitFile("dept", "D07"), "tasks-dept-D07.html")
	// The target's page: the tile (1 of 2 done, overdue) and both tasks with owner and evidence.
	contains("target-T18.html", `<a class="tile missed" href="target-T18.html#tasks">`, `<div class="t-value">1/2 项已完成</div>`, "已逾期",
		"<td>RW1</td><td>任务RW1</td><td>区应急管理局</td><td>2024-12-31</td><td>已完成</td>", "<td>RW2</td><td>任务RW2</td><td>区安委会办公室</td>")
	contains("targets.html", `<a href="target-T18.html#tasks">任务台账（里程碑）</a>`, `<td class="num">1/2 项已完成</td>`)
	contains("target-T37.html", `<div class="t-value">0/1 项已完成</div>`, "进行中")
}
