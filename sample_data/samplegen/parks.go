package samplegen

import (
	"fmt"
	"slices"
	"strconv"
	"time"

	"safetydw/warehouse/refdata"
)

var parkAssessmentHeader = []string{"园区名称", "评估日期", "实配安全监管人员", "规范化建设状态", "规范化建设验收日期", "安全风险等级", "评估部门", "备注"}

// parkAssessments writes 应急局's 园区安全监管评估表 (T25, T28, T50): every park at the end of each
// half-year from mid-2024. Parks fill their supervisor posts over time with the odd vacancy,
// reach 规范化建设 acceptance one by one (one still building at the snapshot), and the chemical
// park's risk grade moves around its baseline. The bad rows are typed into the sheet below the
// good ones. Its own stream keeps every other file unchanged.
func (g *gen) parkAssessments() error {
	r := g.rng("park_assessments")
	days := []time.Time{day(2024, 6, 30), day(2024, 12, 31), day(2025, 6, 30), day(2025, 12, 31), day(2026, 6, 30)}
	var rows [][]string
	for pi, p := range g.parks {
		staff := max(p.RequiredSafetyStaff-between(r, 1, 3), 1)
		// Acceptance: the first park in 2024, the next in 2025, the last not by the snapshot.
		var accepted time.Time
		if pi < len(g.parks)-1 {
			accepted = randDate(r, day(2024+pi, 3, 1), day(2024+pi, 11, 30))
		}
		grade := "B"
		for _, d := range days {
			if staff < p.RequiredSafetyStaff && chance(r, 0.6) {
				staff++
			} else if staff >= p.RequiredSafetyStaff && chance(r, 0.15) {
				staff-- // a supervisor left and the post is not filled yet
			}
			status, done := "建设中", ""
			if !accepted.IsZero() && !accepted.After(d) {
				status, done = "已验收", ymd(accepted)
			}
			grd, note := "", ""
			if p.IsChemical {
				if d.After(day(2024, 6, 30)) && chance(r, 0.3) {
					grade = oneOf(r, "B", "C")
				}
				grd = grade
			}
			if staff < p.RequiredSafetyStaff {
				note = fmt.Sprintf("缺%d人，正在招录", p.RequiredSafetyStaff-staff)
			}
			rows = append(rows, []string{p.Name, ymd(d), strconv.Itoa(staff), status, done, grd, "区应急管理局", note})
		}
	}
	const rel = "parks/park_assessments.csv"
	bad := func(row []string, kind, expect, detail string) {
		rows = append(rows, row)
		g.addTrap(trap{File: rel, Row: len(rows) + 1, Key: row[0] + "/" + row[1], Kind: kind, Expect: expect, Detail: detail})
	}
	chem := g.parks[slices.IndexFunc(g.parks, func(p refdata.Park) bool { return p.IsChemical })]
	plain := g.parks[slices.IndexFunc(g.parks, func(p refdata.Park) bool { return !p.IsChemical })]
	first := slices.Clone(rows[0])
	bad([]string{"兖州高新技术产业园", "2025-06-30", "3", "建设中", "", "", "区应急管理局", ""}, "unknown_park", "quarantine",
		"园区名称 兖州高新技术产业园 is not a park of the district")
	bad([]string{chem.Name, "2025-03-31", "8", "建设中", "", "E", "区应急管理局", ""},
		"invalid_grade", "quarantine", "安全风险等级 E is none of A–D")
	bad([]string{plain.Name, "2025-03-31", "6", "建设中", "", "C", "区应急管理局", ""}, "grade_for_plain_park", "quarantine",
		"安全风险等级 C for "+plain.Name+", which is no chemical park")
	bad([]string{plain.Name, "2025-09-30", "6", "已验收", "", "", "区应急管理局", ""}, "status_mismatch", "quarantine",
		"规范化建设状态 已验收 without a 验收日期")
	bad([]string{plain.Name, "2062-06-30", "6", "建设中", "", "", "区应急管理局", ""}, "future_date", "quarantine",
		"评估日期 2062-06-30 lies in the future (the year mistyped)")
	bad([]string{plain.Name, "2024-09-30", "-2", "建设中", "", "", "区应急管理局", ""}, "negative_staff", "quarantine", "实配安全监管人员 is -2")
	first[2] = strconv.Itoa(mustInt(first[2]) + 2)
	bad(first, "key_conflict", "quarantine", "园区名称 and 评估日期 of row 2 again with another 实配安全监管人员 ("+first[2]+")")
	b, err := csvBytes(encUTF8BOM, parkAssessmentHeader, rows)
	if err != nil {
		return err
	}
	g.sum.Rows["park_assessments"] = len(rows)
	return g.writeFile(rel, b)
}

func mustInt(s string) int {
	n, err := strconv.Atoi(s)
	if err != nil {
		panic(err)
	}
	return n
}
