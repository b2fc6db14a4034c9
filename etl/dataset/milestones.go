package dataset

import (
	"fmt"
	"strconv"
	"strings"
	"time"

	"safetydw/warehouse/refdata"
)

func init() { Register("milestone_tasks", func(Env) *Dataset { return MilestoneTasks() }) }

// milestoneStatuses are the words of the office's ledger form for a task's progress.
var milestoneStatuses = []string{"未开始", "进行中", "已完成"}

// parseMilestoneTarget reads the target a task serves (T05, t5, T005) and refuses a target that
// does not exist or is measured from data alone (kind M): only milestones are tracked by tasks.
func parseMilestoneTarget(s string) (any, error) {
	k := strings.ToUpper(strings.Join(strings.Fields(s), ""))
	n, err := strconv.Atoi(strings.TrimPrefix(k, "T"))
	if !strings.HasPrefix(k, "T") || err != nil || n <= 0 {
		return nil, fmt.Errorf("目标编号无效 %q (target id must look like T05)", s)
	}
	id := fmt.Sprintf("T%02d", n)
	for _, t := range refdata.Targets() {
		if t.ID != id {
			continue
		}
		if t.Kind != "L" && t.Kind != "M+L" {
			return nil, fmt.Errorf("目标 %s 是可计量目标（%s 类），不由任务台账跟踪 (target %s is of kind %s, not a milestone)", id, t.Kind, id, t.Kind)
		}
		return id, nil
	}
	return nil, fmt.Errorf("未知目标 %q：方案目标为 T01–T119 (unknown target; see warehouse/refdata/targets.csv)", s)
}

// campaignStart is the first day of the three-year action (domain.md, date conventions): a
// milestone cannot have been reached for it before.
var campaignStart = time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC)

// MilestoneTasks is the task ledger (任务台账 / 重点工作台账) of 区安委会办公室 (fact_milestone_task): one
// row per task serving a milestone target, with its owner department, due date and progress as
// the department reports it. Task ids are the office's own numbering, the same in every file, so
// a task sent again from another file with other content is a conflict. A task reported 已完成
// without a 完成日期 or 佐证材料 is loaded as reported (has_evidence = 0) and not counted as done.
func MilestoneTasks() *Dataset {
	return &Dataset{
		Name:        "milestone_tasks",
		Table:       "fact_milestone_task",
		Description: "任务台账 (milestone task ledger), one row per task as last reported",
		Key:         "task_id",
		NotFuture:   []string{"evidence_date", "report_date"}, // due_date is a deadline
		Columns: []Column{
			{Name: "task_id", Kind: String, Headers: []string{"任务编号", "编号", "task_id"}, Required: true},
			{Name: "target_id", Kind: String, Headers: []string{"对应目标", "目标编号", "目标", "target_id"}, Required: true, Parse: parseMilestoneTarget},
			{Name: "task_text", Kind: String, Headers: []string{"任务内容", "工作任务", "task_text"}, Required: true, PII: FreeText},
			{Name: "dept_code", Kind: String, Headers: []string{"责任部门", "牵头部门", "责任单位", "dept"}, Required: true, Parse: parseDept},
			{Name: "due_date", Kind: Date, Headers: []string{"完成时限", "完成期限", "due_date"}, Required: true},
			{Name: "reported_status", Kind: String, Headers: []string{"完成状态", "进展情况", "状态", "status"}, Required: true, Parse: oneOf(milestoneStatuses...)},
			{Name: "evidence_date", Kind: NullableDate, Headers: []string{"完成日期", "evidence_date"}},
			{Name: "evidence_doc", Kind: String, Headers: []string{"佐证材料", "佐证材料(文号)", "佐证材料（文号）", "文号", "evidence_doc"}, PII: FreeText},
			{Name: "has_evidence", Kind: UInt8},
			{Name: "report_date", Kind: Date, Headers: []string{"报送日期", "填报日期", "report_date"}, Required: true},
			{Name: "source_file", Kind: String},
			{Name: "source_row", Kind: UInt32},
			{Name: "_version", Kind: UInt64},
		},
		Finish: func(r *Record) error {
			done := r.Get("evidence_date").(*time.Time)
			st := r.Str("reported_status")
			if done != nil {
				if done.Before(campaignStart) {
					return &FieldError{"完成日期", fmt.Sprintf("完成日期 %s 早于三年行动开始日 2024-01-01 (evidence date before the campaign began)", done.Format(time.DateOnly))}
				}
				if st != "已完成" {
					return &FieldError{"完成日期", "状态 " + quote(st) + " 却填有完成日期 (a completion date on a task not reported done)"}
				}
				if rep := r.Get("report_date").(time.Time); done.After(rep) {
					return &FieldError{"完成日期", fmt.Sprintf("完成日期 %s 晚于报送日期 %s (completed after it was reported)", done.Format(time.DateOnly), rep.Format(time.DateOnly))}
				}
			}
			// A department's word is not evidence: 已完成 counts as done only with both.
			r.Set("has_evidence", map[bool]uint8{true: 1, false: 0}[done != nil && strings.TrimSpace(r.Str("evidence_doc")) != ""])
			return nil
		},
	}
}
