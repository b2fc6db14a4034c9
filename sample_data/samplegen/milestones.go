package samplegen

import (
	"fmt"
	"math/rand/v2"
	"strings"
	"time"

	"safetydw/warehouse/refdata"
)

// The task ledger (任务台账 / 重点工作台账) of 区安委会办公室: one task or a few per milestone target
// (every L target, and the M+L targets whose seed sentence gives a date), each with its owner
// department, due date and the progress the department last reported. It runs on its own random
// stream ("milestones"), so adding it changed no other file.

var milestoneHeader = []string{"任务编号", "对应目标", "任务内容", "责任部门", "完成时限", "完成状态", "完成日期", "佐证材料", "报送日期"}

// milestoneOwner is the department answering for a target's tasks [A]: the one the seed's sentence
// is about (消防 for fire, 住建 for construction review, 安委办 for the plan's own mechanisms).
var milestoneOwner = map[string]string{
	"T05": "D15", "T18": "D15", "T20": "D15", "T22": "D03", "T23": "D15", "T24": "D15", "T26": "D03", "T27": "D03", "T28": "D03",
	"T30": "D15", "T31": "D15", "T32": "D15", "T35": "D03", "T37": "D20", "T45": "D15", "T50": "D03", "T51": "D15", "T52": "D07",
	"T53": "D07", "T55": "D00", "T57": "D20", "T60": "D15", "T62": "D15", "T64": "D15", "T81": "D15", "T82": "D15", "T86": "D16", "T87": "D17",
	"T88": "D17", "T89": "D06", "T91": "D15", "T92": "D15", "T94": "D15", "T95": "D18", "T98": "D18", "T99": "D15", "T100": "D00",
	"T103": "D16", "T104": "D15", "T105": "D16", "T107": "D07", "T111": "D00", "T112": "D00", "T115": "D00", "T116": "D00", "T117": "D00",
}

// milestoneReportDate is the day of the office's latest ledger, a few days before the snapshot.
var milestoneReportDate = day(2026, 11, 25)

type milestoneTask struct {
	id, target, text, dept string
	due                    time.Time
	status                 string // as reported
	done                   time.Time
	doc                    string
	dueText                string // a due date typed as text (a trap), else ""
}

// milestoneDues are the due dates of a target's tasks: its deadline (with a preparatory step half a
// year before, for some); one per campaign year for yearly and monthly duties; the end of 2025
// for a milestone the seed gives no date [A]; the plan's end for a standing duty.
func milestoneDues(t refdata.Target, prep bool) []time.Time {
	if t.Deadline != "" {
		d, _ := time.Parse(time.DateOnly, t.Deadline)
		if prep {
			return []time.Time{d.AddDate(0, -6, 0), d}
		}
		return []time.Time{d}
	}
	switch t.PeriodType {
	case "yearly", "monthly":
		return []time.Time{day(2024, 12, 31), day(2025, 12, 31), day(2026, 12, 31)}
	case "ongoing":
		return []time.Time{day(2026, 12, 31)}
	}
	return []time.Time{day(2025, 12, 31)}
}

func (g *gen) milestones() error {
	r := g.rng("milestones")
	var tasks []*milestoneTask
	docs := map[string]int{}
	doc := func(dept string, d time.Time) string {
		k := fmt.Sprintf("%s%d", dept, d.Year())
		docs[k] += between(r, 1, 6)
		return fmt.Sprintf("兖%s发〔%d〕%d号", strings.TrimSuffix(g.depts[dept].ShortName, "局"), d.Year(), docs[k])
	}
	for _, t := range refdata.Targets() {
		if t.Kind != "L" && !(t.Kind == "M+L" && t.Deadline != "") {
			continue
		}
		dept, ok := milestoneOwner[t.ID]
		if !ok {
			return fmt.Errorf("target %s has no owner department in milestoneOwner", t.ID)
		}
		dues := milestoneDues(t, chance(r, 0.3))
		for i, due := range dues {
			k := &milestoneTask{id: fmt.Sprintf("RW-%s-%d", t.ID, i+1), target: t.ID, dept: dept, due: due, text: t.Quote, status: "未开始"}
			switch {
			case len(milestoneDues(t, false)) > 1:
				k.text = fmt.Sprintf("%d年度：%s", due.Year(), t.Quote)
			case len(dues) > 1 && i == 0:
				k.text = "阶段任务（方案、台账或试点）：" + t.Quote
			}
			// Past its due date most tasks were done, some late, about one in six not at all; ahead
			// of it, a few were done early and most are under way.
			pDone := 0.15
			if due.Before(snapshot) {
				pDone = 0.82
			}
			switch {
			case chance(r, pDone):
				k.status = "已完成"
				k.done = randDate(r, due.AddDate(0, -5, 0), due.AddDate(0, 0, 40))
				k.done = maxDate(minDate(k.done, milestoneReportDate), day(2024, 2, 1))
				k.doc = doc(dept, k.done)
			case due.AddDate(-1, 0, 0).Before(snapshot) || chance(r, 0.7):
				k.status = "进行中"
			}
			tasks = append(tasks, k)
		}
	}
	return g.writeMilestones(r, tasks)
}

func (g *gen) writeMilestones(r *rand.Rand, tasks []*milestoneTask) error {
	const file, extra = "milestones/task_ledger.xlsx", "milestones/task_ledger_supplement.xlsx"
	row := func(k *milestoneTask) []any {
		var due any = xlDate(k.due)
		if k.dueText != "" {
			due = xlText(k.dueText)
		}
		var done any = ""
		if !k.done.IsZero() {
			done = xlDate(k.done)
		}
		dept := g.deptName(k.dept)
		if r.IntN(4) == 0 {
			dept = g.depts[k.dept].ShortName // clerks write 应急局 as often as the full name
		}
		return []any{k.id, k.target, k.text, dept, due, k.status, done, k.doc, xlDate(milestoneReportDate)}
	}
	var rows [][]any
	// Data rows start at sheet row 3 (title, header).
	add := func(k *milestoneTask, kind, expect, detail string) {
		rows = append(rows, row(k))
		if kind != "" {
			g.addTrap(trap{File: file, Row: len(rows) + 2, Key: k.id, Kind: kind, Expect: expect, Detail: detail})
		}
	}
	flagged := 0
	for _, k := range tasks {
		// Two departments reported 已完成 without the evidence: loaded, not counted as done.
		if k.status == "已完成" && flagged < 2 && k.due.Year() == 2025 {
			flagged++
			k.done, k.doc = time.Time{}, ""
			if flagged == 2 {
				k.done = day(2025, 11, 3)
			}
			add(k, "done_without_evidence", "flag", fmt.Sprintf("%s reported 已完成 without 完成日期 or 佐证材料: counted as not done (%s)", k.id, k.target))
			continue
		}
		add(k, "", "", "")
	}
	bad := func(id, target, dept string, due time.Time, status string, done time.Time, docNo, dueText, kind, detail string) {
		add(&milestoneTask{id: id, target: target, dept: dept, due: due, status: status, done: done, doc: docNo, dueText: dueText,
			text: "（错误行）" + detail}, kind, "quarantine", detail)
	}
	bad("RW-T120-1", "T120", "D15", day(2025, 12, 31), "进行中", time.Time{}, "", "", "unknown_target", "对应目标 T120: the plan has T01–T119")
	bad("RW-T70-9", "T70", "D15", day(2024, 12, 31), "进行中", time.Time{}, "", "", "measured_target", "对应目标 T70 is a measured (M) target, not a milestone")
	bad("RW-T32-9", "T32", "", day(2026, 12, 31), "进行中", time.Time{}, "", "", "unknown_department", "责任部门 区气象局 is not a department of the district's safety committee")
	rows[len(rows)-1][3] = "区气象局"
	bad("RW-T62-9", "T62", "D15", day(2026, 12, 31), "已完成", day(2027, 3, 1), "兖应急发〔2027〕1号", "", "future_evidence_date", "完成日期 2027-03-01 lies in the future")
	bad("RW-T64-9", "T64", "D15", day(2024, 12, 31), "已完成", day(2023, 11, 10), "兖应急发〔2023〕51号", "", "evidence_before_campaign", "完成日期 2023-11-10 is before the campaign began (2024-01-01)")
	bad("RW-T92-9", "T92", "D15", time.Time{}, "进行中", time.Time{}, "", "年底前", "bad_due_date", "完成时限 年底前 is not a date")
	bad("RW-T86-9", "T86", "D16", day(2026, 12, 31), "进行中", day(2025, 5, 6), "", "", "status_date_mismatch", "完成日期 on a task reported 进行中")
	g.writeXLSX(file, sheet{name: "任务台账", title: "兖州区安全生产治本攻坚三年行动任务台账（截至2026年11月25日）", header: milestoneHeader,
		rows: rows, dateFmt: "yyyy-mm-dd", widths: map[int]float64{3: 50, 4: 22, 8: 24}})
	// Tasks added after the ledger was set up, sent as a workbook of their own; one reuses a task
	// id of the ledger for other work.
	k0 := tasks[0]
	dup := &milestoneTask{id: k0.id, target: k0.target, dept: "D07", due: k0.due.AddDate(0, 3, 0), status: "进行中", text: "（重号）" + k0.text}
	more := &milestoneTask{id: "RW-T116-4", target: "T116", dept: "D00", due: day(2026, 12, 31), status: "进行中", text: "2026年度：制定“八大行动”年度行动计划（补充）"}
	xrows := [][]any{row(dup), row(more)}
	g.addTrap(trap{File: extra, Row: 3, Key: dup.id, Kind: "task_id_conflict", Expect: "quarantine",
		Detail: fmt.Sprintf("任务编号 %s is a task of %s with other content", dup.id, file)})
	g.writeXLSX(extra, sheet{name: "补充任务", title: "任务台账补充", header: milestoneHeader, rows: xrows, dateFmt: "yyyy-mm-dd"})
	g.sum.Rows["milestones"] = len(rows) + len(xrows)
	return nil
}
