package queries

// Milestones (kind L targets, and the milestone part of M+L targets) are judged from the task
// ledger, not from a metric: the refresh freezes each task with its status as of the day in the
// list milestone_tasks (queries/lists/milestone_tasks.yaml, where the rule lives), and the Set
// judges a target from its tasks. Pages and bulletins get the judgement through Assess with the
// metric MilestoneMetric, or every judgement of a target at once through TargetAssessments.

// MilestoneMetric is the metric id Assess takes for a target's milestone part.
const MilestoneMetric = ""

// MilestoneList is the list of queries/lists holding the tasks.
const MilestoneList = "milestone_tasks"

// Milestone statuses; a milestone not yet due and not done is OnTrack (进行中).
const (
	Done    Status = "已完成"
	Overdue Status = "已逾期"
)

// Task is one task of the ledger as of the refresh's day.
type Task struct {
	ID, Target, Text, DeptCode, Dept string
	Due, Reported, EvidenceDate      string // 2006-01-02, "" when none
	EvidenceDoc, ReportDate          string
	Status                           Status // Done, Overdue or OnTrack
	Note                             string // why a reported 已完成 is not counted, 逾期完成 …
}

// Milestone is a target's tasks, for one unit (a department) or the district.
type Milestone struct {
	Tasks                  []Task
	Done, OnTrack, Overdue int
}

// NewMilestone counts tasks by status.
func NewMilestone(tasks []Task) *Milestone {
	m := &Milestone{Tasks: tasks}
	for _, k := range tasks {
		switch k.Status {
		case Done:
			m.Done++
		case Overdue:
			m.Overdue++
		default:
			m.OnTrack++
		}
	}
	return m
}

// Tasks lists the ledger's tasks for a target ("" for every target) and an owner department
// ("" for every department), in the list's order (target, due date, task id).
func (s *Set) Tasks(targetID, deptCode string) []Task {
	var out []Task
	for _, r := range s.Lists[MilestoneList].Rows {
		if len(r) < 12 {
			continue
		}
		t := Task{ID: r[0], Target: r[1], Text: r[2], DeptCode: r[3], Dept: r[4], Due: r[5], Reported: r[6], EvidenceDate: r[7],
			EvidenceDoc: r[8], ReportDate: r[9], Status: Status(r[10]), Note: r[11]}
		if (targetID == "" || t.Target == targetID) && (deptCode == "" || t.DeptCode == deptCode) {
			out = append(out, t)
		}
	}
	return out
}

// TracksMilestone says whether a target has a milestone part the ledger judges: every L
// target, and an M+L target once the ledger holds a task for it.
func (s *Set) TracksMilestone(t Target) bool {
	return t.Kind == "L" || (t.Kind == "M+L" && len(s.Tasks(t.ID, "")) > 0)
}

// assessMilestone judges a target from its tasks: 已完成 when every task is done (with
// evidence), 已逾期 when a task is past due and not done, 进行中 otherwise; without tasks, 无数据.
// dim "dept" judges one department's tasks; any other dimension the district's.
func (s *Set) assessMilestone(t Target, dim, code string) Assessment {
	dept := ""
	if dim == "dept" {
		dept = code
	}
	m := NewMilestone(s.Tasks(t.ID, dept))
	a := Assessment{Target: t, Dim: dim, Code: code, Milestone: m, Status: NoData, Label: "截至" + s.AsOf.Format("2006年1月2日")}
	switch {
	case len(m.Tasks) == 0:
	case m.Overdue > 0:
		a.Status = Overdue
	case m.Done == len(m.Tasks):
		a.Status = Done
	default:
		a.Status = OnTrack
	}
	return a
}

// TargetAssessments are every judgement of a target for one unit: its milestone part from the
// task ledger (L, and M+L with tasks), then one per metric measuring it.
func (s *Set) TargetAssessments(t Target, dim, code string) []Assessment {
	var out []Assessment
	if s.TracksMilestone(t) {
		out = append(out, s.Assess(t, MilestoneMetric, dim, code))
	}
	for _, sp := range s.Catalogue.ForTarget(t.ID) {
		if sp.HasDimension(dim) {
			out = append(out, s.Assess(t, sp.ID, dim, code))
		}
	}
	return out
}
