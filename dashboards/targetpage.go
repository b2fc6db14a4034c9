package dashboards

import (
	"fmt"
	"html/template"
	"strconv"

	"safetydw/queries"
)

// Each target of the plan (T01–T119) gets a page of its own, reachable from 目标一览 and from
// every KPI tile: what the seed says, how we read it, the metrics that measure it with their
// definition, the value series against the target line, and the units behind the latest value.

// targetDims are the unit kinds a target page breaks a metric down by, where the metric has them.
var targetDims = []string{"town", "park", "dept", "mine"}

func targetFile(id string) string { return "target-" + id + ".html" }

// fact is one line of a target's particulars.
type fact struct{ Label, Text string }

// targetFacts are the seed's words and our reading of them, as the reference data holds them.
func targetFacts(t queries.Target, sp *queries.Spec) []fact {
	fs := []fact{{"方案原文", t.Quote}, {"出处", fmt.Sprintf("%s，种子文件第 %d 行", t.Section, t.SeedLine)},
		{"类型", kindName(t.Kind)}, {"期限", deadline(t)}}
	if sp != nil {
		fs = append(fs, fact{"目标值", goal(t, *sp)})
	} else if t.Numeric() {
		fs = append(fs, fact{"目标值", map[string]string{">=": "≥", "<=": "≤", "=": "="}[t.Comparator] + " " +
			strconv.FormatFloat(*t.Threshold, 'f', -1, 64) + " " + t.Unit})
	}
	if t.Assumed {
		fs = append(fs, fact{"目标值来源", "[A] 方案未写明数值，为本系统的解读"})
	}
	if t.Assumption != "" {
		fs = append(fs, fact{"解读与假设", t.Assumption})
	}
	return fs
}

// kindName spells the target's kind: M measurable, L a milestone, M+L both.
func kindName(kind string) string {
	switch kind {
	case "M":
		return "M 可计量目标"
	case "L":
		return "L 里程碑（按期完成的任务）"
	case "M+L":
		return "M+L 可计量目标兼里程碑"
	}
	return kind
}

// targetPage shows one target: its particulars, then per metric measuring it the judgement,
// the definition, the trend with the target line, and a table per unit kind the metric has.
func (s *site) targetPage(t queries.Target) ([]byte, error) {
	s.ids = map[string]int{}
	specs := s.cat.ForTarget(t.ID)
	var first *queries.Spec
	if len(specs) > 0 {
		first = &specs[0]
	}
	secs := []sectionHTML{{Heading: "目标", Body: s.exec("facts", targetFacts(t, first))}}
	if s.set.TracksMilestone(t) {
		a := s.set.Assess(t, queries.MilestoneMetric, "district", "")
		body := s.exec("tiles", []tile{s.milestoneTile(a)}) + s.tasksTable("tasks_"+t.ID, a.Milestone.Tasks, false, true)
		secs = append(secs, sectionHTML{ID: "tasks", Heading: "里程碑任务（任务台账）",
			Note: "区安委会办公室任务台账中服务于本目标的任务。全部任务完成且有佐证为已完成，有任务过完成时限仍未完成为已逾期，其余为进行中。" + untrustedNote, Body: body})
	} else if len(specs) == 0 {
		secs = append(secs, sectionHTML{Heading: "指标", Body: template.HTML(`<p class="note">尚无数据来源：仓库中还没有衡量这一目标的数据，暂不能计算。</p>`)})
	}
	var metrics []string
	for _, sp := range specs {
		metrics = append(metrics, sp.ID)
		a := s.set.Assess(t, sp.ID, "district", "")
		body := s.exec("tiles", []tile{s.tile(a)})
		body += template.HTML(`<p class="note"><a href="` + template.HTMLEscapeString(s.metricHref(sp.ID)) + `">在专题页查看本指标</a></p>`)
		body += s.trend(sp, judgedGrain(t, sp, s), "district", "")
		secs = append(secs, sectionHTML{ID: "m-" + sp.ID, Heading: sp.Name, Note: sp.Description, Body: body})
		for _, dim := range targetDims {
			if !sp.HasDimension(dim) || len(s.set.Units[dim]) == 0 {
				continue
			}
			secs = append(secs, sectionHTML{Heading: sp.Name + "（分" + dimName(dim) + "）",
				Note: "各" + dimName(dim) + "最近一期的数值，点击查看该单位。",
				Body: s.table(SectionSpec{Dim: dim, Metrics: []string{sp.ID}, Grain: judgedGrain(t, sp, s)})})
		}
	}
	return s.frame(targetFile(t.ID), t.ID+" "+t.Quote, "方案目标 "+t.ID+"："+t.Quote, metrics, secs)
}

// judgedGrain is the grain the target is judged on, so the trend and the unit tables show the
// same periods as the tile above them (years for a yearly share, months for a month-end stock).
func judgedGrain(t queries.Target, sp queries.Spec, s *site) string {
	g, _, _ := queries.JudgedPeriod(t, sp, s.set.AsOf)
	return g
}
