package dashboards

import (
	"fmt"
	"html/template"
	"strconv"

	"safetydw/queries"
	"safetydw/queries/ranking"
)

// Ranking pages (量化排名): the "ranking" and "boards" components of dashboards/pages, one
// scorecard page per town, park and department (score-<dim>-<code>.html), and the line on each
// unit page that opens it. The numbers come from queries/ranking over the same Set the other
// pages read, so they agree with the monthly bulletin's.

// RankHistory gives a unit's rank at each month's cut-off, oldest first. The Set knows two (this
// month and last); the frozen monthly snapshots know the ranks the bulletins published
// (SnapshotHistory), merged with the Set's two on the scorecard (the Set's win on a shared day).
type RankHistory func(group, code string) []ranking.HistoryPoint

func scoreFile(dim, code string) string { return "score-" + dim + "-" + code + ".html" }

// pts writes points as the scorecard rounds them: 84.44, 100, −3.
func pts(x float64) string {
	s := strconv.FormatFloat(x, 'f', -1, 64)
	if x < 0 {
		return "−" + s[1:]
	}
	return s
}

// rankText is a unit's place: 第3名（共10个）, or 不参与排名 for a unit scored on too little weight.
func rankText(rank, of int) string {
	if rank == 0 {
		return "不参与排名"
	}
	return fmt.Sprintf("第%d名（共%d个）", rank, of)
}

// rankNote is what the 说明 column says of a row: the veto, or why it is not ranked.
func rankNote(r ranking.Row) string {
	if r.Unranked != "" {
		return r.Unranked
	}
	return r.VetoReason
}

// rankChange writes the move since last month: ↑2, ↓3, 持平, or 上月无排名.
func rankChange(r ranking.Row) string {
	switch c := r.Change(); {
	case r.Rank == 0:
		return "—"
	case r.PrevRank == 0:
		return "上月无排名"
	case c > 0:
		return fmt.Sprintf("↑%d", c)
	case c < 0:
		return fmt.Sprintf("↓%d", -c)
	}
	return "持平"
}

func oneTable(s *site, id string, td tableData) template.HTML {
	return s.exec("table", struct {
		ID     string
		Tables []tableData
	}{s.chartID(id), []tableData{td}})
}

// rankingTable lists a group's units in rank order, each opening its scorecard.
func (s *site) rankingTable(dim string) template.HTML {
	b := s.boards[dim]
	td := tableData{Label: fmt.Sprintf("%s量化排名，截至%s；较上月按%s的排名", b.GroupName, b.AsOf.Format("2006年1月2日"), b.CompareAsOf.Format("2006年1月2日")),
		Header: []string{dimName(dim), "名次", "得分", "较上月", "说明"}}
	for _, r := range b.Rows {
		place := "—"
		if r.Rank > 0 {
			place = strconv.Itoa(r.Rank)
		}
		row := tableRow{Href: scoreFile(dim, r.Code), Cells: []tableCell{{Text: r.Name}, {Text: place, Class: "num"},
			{Text: pts(r.Points), Class: "num"}, {Text: rankChange(r), Class: "num"}, {Text: rankNote(r)}}}
		if r.Vetoed {
			row.Class = "flagged"
		}
		td.Rows = append(td.Rows, row)
	}
	return oneTable(s, "ranking_"+dim, td)
}

// rankBoards shows a group's 红榜 and 黑榜 with their reasons.
func (s *site) rankBoards(dim string) template.HTML {
	b := s.boards[dim]
	var out template.HTML
	for _, l := range []struct {
		name  string
		ms    []ranking.Mention
		class string
	}{{"红榜（正面表扬）", b.Red, ""}, {"黑榜（反面典型）", b.Black, "flagged"}} {
		td := tableData{Label: l.name, Header: []string{dimName(dim), "理由"}}
		for _, m := range l.ms {
			td.Rows = append(td.Rows, tableRow{Href: scoreFile(dim, m.Code), Class: l.class, Cells: []tableCell{{Text: m.Name}, {Text: m.Reason}}})
		}
		if len(td.Rows) == 0 {
			td.Rows = []tableRow{{Cells: []tableCell{{Text: "无"}, {Text: ""}}}}
		}
		out += oneTable(s, "boards_"+dim, td)
	}
	return out
}

// rankLine is the unit page's line on its rank, opening the scorecard.
func (s *site) rankLine(dim, code string) (sectionHTML, bool) {
	b, ok := s.boards[dim]
	if !ok {
		return sectionHTML{}, false
	}
	r, ok := b.Row(code)
	if !ok {
		return sectionHTML{}, false
	}
	td := tableData{Header: []string{"量化排名", "得分", "较上月", "说明"}, Rows: []tableRow{{Href: scoreFile(dim, code), Cells: []tableCell{
		{Text: rankText(r.Rank, b.Ranked())}, {Text: pts(r.Points), Class: "num"}, {Text: rankChange(r), Class: "num"}, {Text: rankNote(r)}}}}}
	return sectionHTML{Heading: "量化排名", Note: "点击名次查看评分卡：各项指标的数值、目标、权重与得分。", Body: oneTable(s, "rankline", td)}, true
}

// scorecardPage shows one unit's scorecard: rank and total, every indicator with its value,
// target or cap, weight and points, the deductions, and the rank history.
func (s *site) scorecardPage(dim string, u queries.Unit) ([]byte, error) {
	s.ids = map[string]int{}
	b := s.boards[dim]
	r, _ := b.Row(u.Code)
	place := fmt.Sprintf("第%d名（共%d个%s）", r.Rank, b.Ranked(), b.GroupName)
	if r.Rank == 0 {
		place = "不参与排名（" + r.Unranked + "）"
	}
	facts := []fact{{"名次", place}, {"总分", pts(r.Points)},
		{"较上月", rankChange(r)}, {"计算截至", b.AsOf.Format("2006年1月2日")}}
	if r.Vetoed {
		facts = append(facts, fact{"一票否决", r.VetoReason + "，排在末位"})
	}
	secs := []sectionHTML{{Heading: "得分与排名", Body: s.exec("facts", facts)}}

	td := tableData{Header: []string{"指标", "板块", "数值", "目标值 / 上限", "权重", "得分", "说明"}}
	var metrics []string
	pending := 0
	for _, it := range r.Items {
		row := tableRow{Cells: []tableCell{{Text: it.Name}, {Text: it.Block}, {Text: "—", Class: "num"}, {Text: "—", Class: "num"},
			{Text: pts(it.Weight), Class: "num"}, {Text: pts(it.Points), Class: "num"}, {Text: it.Note}}}
		if it.Pending {
			pending++
		}
		if it.Metric != "" {
			sp := s.set.Spec(it.Metric)
			metrics = append(metrics, it.Metric)
			row.Href = s.metricHref(it.Metric)
			if it.HasValue {
				row.Cells[2].Text = value(sp, it.Value)
			}
			switch {
			case it.Target != nil:
				row.Cells[3].Text = "目标 " + value(sp, *it.Target)
			case it.Cap != nil:
				row.Cells[3].Text = "上限 " + value(sp, *it.Cap)
			}
		}
		if it.Weight == 0 {
			row.Class = "muted"
		}
		td.Rows = append(td.Rows, row)
	}
	for _, d := range r.Deductions {
		row := tableRow{Href: s.metricHref(d.Metric), Cells: []tableCell{{Text: d.Name}, {Text: "扣分 / 加分"},
			{Text: value(s.set.Spec(d.Metric), d.Value), Class: "num"}, {Text: "—", Class: "num"}, {Text: "—", Class: "num"},
			{Text: pts(d.Points), Class: "num"}, {Text: d.Note}}}
		if d.Points < 0 {
			row.Cells[5].Class = "num bad"
		}
		td.Rows = append(td.Rows, row)
	}
	td.Rows = append(td.Rows, tableRow{Class: "total", Cells: []tableCell{{Text: "合计"}, {}, {}, {}, {}, {Text: pts(r.Points), Class: "num"}, {}}})
	note := "得分按目标计算（不是与其他单位比较）：越高越好的指标得 权重 × min(数值 / 目标, 1)，越低越好的得 权重 × max(0, 1 − 数值 / 上限)。" +
		"无数据、不适用或尚未接入的指标，其权重按比例分给本单位其他指标。规则见 queries/ranking/scoring.yaml。"
	if pending > 0 {
		note += fmt.Sprintf("有 %d 项指标的数据尚未接入（说明栏注明），接入后自动计分。", pending)
	}
	secs = append(secs, sectionHTML{Heading: "评分明细", Note: note, Body: oneTable(s, "scorecard", td)})

	hist := b.History(u.Code)
	if s.history != nil {
		hist = mergeHistory(s.history(dim, u.Code), hist)
	}
	ht := tableData{Header: []string{"截至", "名次", "得分"}}
	for _, h := range hist {
		ht.Rows = append(ht.Rows, tableRow{Cells: []tableCell{{Text: h.AsOf.Format("2006年1月2日")},
			{Text: rankText(h.Rank, h.Of), Class: "num"}, {Text: pts(h.Points), Class: "num"}}})
	}
	secs = append(secs, sectionHTML{Heading: "排名变化", Body: oneTable(s, "history", ht)})
	back := tableData{Rows: []tableRow{{Href: unitFile(dim, u.Code), Cells: []tableCell{{Text: u.Name + "的各项指标"}}}}}
	secs = append(secs, sectionHTML{Heading: "本单位页面", Body: oneTable(s, "back", back)})
	title := u.Name + " 量化排名评分卡"
	intro := fmt.Sprintf("%s在%s量化排名中的得分、名次及各项指标。", u.Name, b.GroupName)
	return s.frame(scoreFile(dim, u.Code), title, intro, metrics, secs)
}
