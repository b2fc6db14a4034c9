package samplegen

import (
	"slices"
	"sort"
	"strconv"
)

var assessmentHeader = []string{"被考核单位", "考核年度", "考核事项", "得分", "考核结果", "备注"}

// assessmentResults writes the district's yearly 安全生产责任制考核 of towns and departments and the
// 督查激励 selection among towns (T119), for 2023 (the baseline) to 2025; 2026's are not out by the
// snapshot. Scores creep up over the campaign. Its own stream keeps every other file unchanged.
func (g *gen) assessmentResults() error {
	r := g.rng("assessment_results")
	var rows [][]string
	grade := func(s float64) string {
		switch {
		case s >= 90:
			return "优秀"
		case s >= 80:
			return "良好"
		case s >= 60:
			return "合格"
		}
		return "不合格"
	}
	for _, y := range []int{2023, 2024, 2025} {
		year := strconv.Itoa(y)
		type scored struct {
			name  string
			score float64
		}
		var towns []scored
		add := func(name string) float64 {
			s := round1(min(72+2.5*float64(y-2023)+r.Float64()*20, 99.5))
			rows = append(rows, []string{name, year, "安全生产责任制考核", strconv.FormatFloat(s, 'f', -1, 64), grade(s), ""})
			return s
		}
		for _, t := range g.towns {
			towns = append(towns, scored{t.Name, add(t.Name)})
		}
		for _, d := range g.deptList {
			if d.Code != "D00" { // the office that assesses is not assessed
				add(d.Name)
			}
		}
		// 督查激励: the three best towns of the year.
		sort.SliceStable(towns, func(i, j int) bool { return towns[i].score > towns[j].score })
		for i, t := range towns {
			result := "未获激励"
			if i < 3 {
				result = "获得激励"
			}
			rows = append(rows, []string{t.name, year, "督查激励", "", result, ""})
		}
	}
	const rel = "assessments/assessment_results.csv"
	bad := func(row []string, kind, detail string) {
		rows = append(rows, row)
		g.addTrap(trap{File: rel, Row: len(rows) + 1, Key: row[0] + "/" + row[1] + "/" + row[2], Kind: kind, Expect: "quarantine", Detail: detail})
	}
	bad([]string{foreignTown, "2024", "安全生产责任制考核", "88", "良好", ""}, "unknown_unit", "被考核单位 "+foreignTown+" is neither a town nor a department of the district")
	bad([]string{g.towns[1].Name, "2021", "安全生产责任制考核", "90", "优秀", ""}, "year_outside_campaign", "考核年度 2021 lies before the campaign")
	bad([]string{g.deptList[1].Name, "2025", "督查激励", "", "优秀", ""}, "result_mismatch", "督查激励 result 优秀 belongs to the assessment")
	conflict := slices.Clone(rows[0])
	conflict[3], conflict[5] = "105", "含加分"
	bad(conflict, "score_above_100", "得分 105 above 100 (and row 2's unit, year and item again)")
	conflict = slices.Clone(rows[2])
	conflict[3] = strconv.FormatFloat(mustFloat(conflict[3])-5, 'f', -1, 64)
	conflict[4] = grade(mustFloat(conflict[3]))
	bad(conflict, "key_conflict", "被考核单位, 考核年度 and 考核事项 of row 4 again with another 得分")
	b, err := csvBytes(encGBK, assessmentHeader, rows)
	if err != nil {
		return err
	}
	g.sum.Rows["assessment_results"] = len(rows)
	return g.writeFile(rel, b)
}

func mustFloat(s string) float64 {
	f, err := strconv.ParseFloat(s, 64)
	if err != nil {
		panic(err)
	}
	return f
}
