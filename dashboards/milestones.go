package dashboards

import (
	"fmt"
	"html/template"
	"slices"
	"strings"

	"safetydw/queries"
)

// Milestones (kind L targets and the milestone part of M+L targets) are judged from the task
// ledger through the same Assess as metrics (queries/milestone.go); these components show the
// judgement and the tasks behind it: a tile, the task table, the overview's summary, the
// departments' 任务进度 pages and their index.

// milestoneName names the milestone part of a target on tiles and in tables.
const milestoneName = "任务台账（里程碑）"

// untrustedNote says on every page with tasks that a department's 已完成 is checked.
const untrustedNote = "部门报送“已完成”但缺完成日期或佐证材料的任务不采信，按未完成计（见“说明”列）。"

func tasksFile(dept string) string { return "tasks-dept-" + dept + ".html" }

// milestoneValue is "2/3 项已完成", or "—" without tasks.
func milestoneValue(a queries.Assessment) string {
	if a.Milestone == nil || len(a.Milestone.Tasks) == 0 {
		return "—"
	}
	return fmt.Sprintf("%d/%d 项已完成", a.Milestone.Done, len(a.Milestone.Tasks))
}

// milestoneTile is a target's milestone part as a KPI tile; it opens the target's task list.
func (s *site) milestoneTile(a queries.Assessment) tile {
	t := tile{Name: milestoneName, Value: milestoneValue(a), Period: a.Label, Goal: "按期完成", Deadline: deadline(a.Target),
		Status: string(a.Status), Class: statusClass(a.Status), Target: a.Target.ID, Href: targetFile(a.Target.ID) + "#tasks"}
	switch {
	case a.Milestone == nil || len(a.Milestone.Tasks) == 0:
		t.Expected = "任务台账中尚无该目标的任务"
	case a.Milestone.Overdue > 0:
		t.Expected = fmt.Sprintf("%d 项逾期未完成", a.Milestone.Overdue)
	}
	return t
}

// tasksTable lists tasks with their owner, due date, status as checked, evidence and notes;
// overdue ones in red. withTarget adds the target each serves (the task id opens its page);
// withDept the owner (not on a department's own page).
func (s *site) tasksTable(id string, tasks []queries.Task, withTarget, withDept bool) template.HTML {
	if len(tasks) == 0 {
		return template.HTML(`<p class="note">任务台账中暂无任务。</p>`)
	}
	td := tableData{Label: fmt.Sprintf("共 %d 项，状态截至 %s", len(tasks), s.set.AsOf.Format("2006年1月2日")),
		Header: []string{"任务编号", "任务内容", "责任部门", "完成时限", "核定状态", "报送状态", "完成日期", "佐证材料", "报送日期", "说明"}}
	if withTarget {
		td.Header = slices.Insert(td.Header, 1, "目标")
	}
	if !withDept {
		td.Header = slices.Delete(td.Header, len(td.Header)-8, len(td.Header)-7)
	}
	for _, k := range tasks {
		st := tableCell{Text: string(k.Status), Class: map[queries.Status]string{queries.Overdue: "bad"}[k.Status]}
		row := tableRow{Cells: []tableCell{{Text: k.ID}, {Text: k.Text}, {Text: k.Dept}, {Text: k.Due}, st, {Text: k.Reported},
			{Text: k.EvidenceDate}, {Text: k.EvidenceDoc}, {Text: k.ReportDate}, {Text: k.Note}}}
		if withTarget {
			row.Href = targetFile(k.Target) // the first cell, the task id, opens the target
			row.Cells = slices.Insert(row.Cells, 1, tableCell{Text: k.Target})
		}
		if !withDept {
			row.Cells = slices.Delete(row.Cells, len(row.Cells)-8, len(row.Cells)-7)
		}
		if k.Status == queries.Overdue {
			row.Class = "flagged"
		}
		td.Rows = append(td.Rows, row)
	}
	return s.exec("table", struct {
		ID     string
		Tables []tableData
	}{s.chartID(id), []tableData{td}})
}

// milestoneTargets are the targets whose milestone part the ledger judges, in the plan's order.
func (s *site) milestoneTargets() []queries.Target {
	var out []queries.Target
	for _, t := range queries.SortTargets(s.set.Targets) {
		if s.set.TracksMilestone(t) {
			out = append(out, t)
		}
	}
	return out
}

// milestoneSummary is the overview's count: "30 项里程碑：已完成 a，进行中 b，已逾期 c", and the
// same for the milestone parts of M+L targets.
func (s *site) milestoneSummary() template.HTML {
	counts := map[string]map[queries.Status]int{}
	n := map[string]int{}
	for _, t := range s.milestoneTargets() {
		a := s.set.Assess(t, queries.MilestoneMetric, "district", "")
		if counts[t.Kind] == nil {
			counts[t.Kind] = map[queries.Status]int{}
		}
		counts[t.Kind][a.Status]++
		n[t.Kind]++
	}
	line := func(what string, c map[queries.Status]int, total int) string {
		txt := fmt.Sprintf("%s %d 项：已完成 %d，进行中 %d，已逾期 %d", what, total, c[queries.Done], c[queries.OnTrack], c[queries.Overdue])
		if c[queries.NoData] > 0 {
			txt += fmt.Sprintf("，台账中尚无任务 %d", c[queries.NoData])
		}
		return txt + "。"
	}
	out := `<p class="milestones">` + template.HTMLEscapeString(line("里程碑（L 类目标）", counts["L"], n["L"])) + `</p>`
	if n["M+L"] > 0 {
		out += `<p class="milestones">` + template.HTMLEscapeString(line("M+L 类目标的里程碑部分", counts["M+L"], n["M+L"])) + `</p>`
	}
	out += `<p class="note">` + template.HTMLEscapeString(untrustedNote) + ` <a href="tasks.html">查看各部门任务进度</a></p>`
	return template.HTML(out)
}

// milestoneFlags are the overview's warnings for overdue milestones.
func (s *site) milestoneFlags() []flag {
	var fs []flag
	for _, t := range s.milestoneTargets() {
		a := s.set.Assess(t, queries.MilestoneMetric, "district", "")
		if a.Status != queries.Overdue {
			continue
		}
		var late []string
		for _, k := range a.Milestone.Tasks {
			if k.Status == queries.Overdue {
				late = append(late, k.Dept+"“"+k.ID+"”（时限 "+k.Due+"）")
			}
		}
		text := fmt.Sprintf("%s %s：%s，%d 项任务逾期未完成：%s", t.ID, milestoneName, a.Status, a.Milestone.Overdue, strings.Join(late, "、"))
		fs = append(fs, flag{Class: statusClass(a.Status), Text: text, Href: targetFile(t.ID) + "#tasks"})
	}
	return fs
}

// deptTasks is one department's tasks, counted by status.
type deptTasks struct {
	Unit queries.Unit
	*queries.Milestone
}

// taskDepts are the departments owning tasks, in the reference data's order.
func (s *site) taskDepts() []deptTasks {
	var out []deptTasks
	for _, u := range s.set.Units["dept"] {
		if tasks := s.set.Tasks("", u.Code); len(tasks) > 0 {
			out = append(out, deptTasks{u, queries.NewMilestone(tasks)})
		}
	}
	return out
}

// tasksOverview is the 任务进度 page's body: each owner department with its counts (opening its
// page), then every overdue task.
func (s *site) tasksOverview() template.HTML {
	ds := s.taskDepts()
	if len(ds) == 0 {
		return template.HTML(`<p class="note">任务台账中暂无任务。</p>`)
	}
	td := tableData{Label: "截至 " + s.set.AsOf.Format("2006年1月2日"), Header: []string{"责任部门", "任务数", "已完成", "进行中", "已逾期"}}
	var late []queries.Task
	for _, d := range ds {
		over := tableCell{Text: fmt.Sprint(d.Overdue), Class: "num"}
		if d.Overdue > 0 {
			over.Class = "num bad"
		}
		td.Rows = append(td.Rows, tableRow{Href: tasksFile(d.Unit.Code), Cells: []tableCell{{Text: d.Unit.Name},
			{Text: fmt.Sprint(len(d.Tasks)), Class: "num"}, {Text: fmt.Sprint(d.Done), Class: "num"}, {Text: fmt.Sprint(d.OnTrack), Class: "num"}, over}})
		for _, k := range d.Tasks {
			if k.Status == queries.Overdue {
				late = append(late, k)
			}
		}
	}
	out := s.exec("table", struct {
		ID     string
		Tables []tableData
	}{s.chartID("task_depts"), []tableData{td}})
	out += template.HTML(`<h3>逾期未完成的任务</h3>`)
	if len(late) == 0 {
		return out + template.HTML(`<p class="note ok">无。</p>`)
	}
	return out + s.tasksTable("tasks_overdue", late, true, true)
}

// tasksPage is one department's 任务进度: its tasks for the milestone targets and their status.
func (s *site) tasksPage(d deptTasks) ([]byte, error) {
	s.ids = map[string]int{}
	sum := fmt.Sprintf("共 %d 项任务：已完成 %d，进行中 %d，已逾期 %d。", len(d.Tasks), d.Done, d.OnTrack, d.Overdue)
	secs := []sectionHTML{{Heading: "任务清单", Note: sum + untrustedNote, Body: s.tasksTable("tasks_"+d.Unit.Code, d.Tasks, true, false)},
		{Heading: "本部门其他情况", Body: template.HTML(`<p><a href="` + template.HTMLEscapeString(unitFile("dept", d.Unit.Code)) + `">` +
			template.HTMLEscapeString(d.Unit.Name) + `的指标页</a> · <a href="tasks.html">各部门任务进度</a></p>`)}}
	return s.frame(tasksFile(d.Unit.Code), d.Unit.Name+" 任务进度", d.Unit.Name+"作为责任部门的里程碑任务（任务台账），按目标和完成时限排列。", nil, secs)
}

// deptTasksSection is the link from a department's unit page to its 任务进度 page.
func (s *site) deptTasksSection(code string) (sectionHTML, bool) {
	for _, d := range s.taskDepts() {
		if d.Unit.Code == code {
			return sectionHTML{Heading: "任务进度", Body: template.HTML(fmt.Sprintf(`<p>本部门在任务台账中有 %d 项任务：已完成 %d，进行中 %d，<span class="%s">已逾期 %d</span>。<a href="%s">查看任务进度</a></p>`,
				len(d.Tasks), d.Done, d.OnTrack, map[bool]string{true: "bad"}[d.Overdue > 0], d.Overdue, template.HTMLEscapeString(tasksFile(code))))}, true
		}
	}
	return sectionHTML{}, false
}
