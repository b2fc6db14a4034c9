package samplegen

import (
	"fmt"
	"sort"
	"strconv"
	"time"
)

// accidentsPerYearAtScale1 is domain.md §3's 一般 accidents a year; the
// sample keeps at least three a year so that every year has some.
const accidentsPerYearAtScale1 = 10

var accidentHeader = []string{"事故编号", "发生时间", "所属镇街", "统一社会信用代码", "单位名称", "行业类别", "事故类型", "事故等级", "死亡人数",
	"重伤人数", "轻伤人数", "直接经济损失(万元)", "是否生产安全事故", "是否责任事故", "是否瞒报", "调查报告期限", "调查报告完成日期", "是否启动刑事调查"}

// accidentKinds are GB 6441 classes by industry.
func accidentKind(code, parent string) []string {
	switch {
	case code == "MINE":
		return []string{"冒顶片帮", "机械伤害", "车辆伤害", "触电", "透水"}
	case parent == "HC" || code == "OILGAS":
		return []string{"中毒和窒息", "灼烫", "火灾", "容器爆炸", "其它爆炸"}
	case parent == "CONS":
		return []string{"高处坠落", "物体打击", "坍塌", "起重伤害", "触电"}
	case code == "ROAD" || code == "HC.TRAN":
		return []string{"车辆伤害"}
	case code == "IT.CS" || code == "SEWAGE":
		return []string{"中毒和窒息", "淹溺"}
	case code == "IT.DUST":
		return []string{"其它爆炸", "机械伤害", "火灾"}
	}
	return []string{"机械伤害", "物体打击", "高处坠落", "触电", "起重伤害", "其它伤害"}
}

type accident struct {
	id                         string
	at                         time.Time
	e                          *enterprise
	kind, level                string
	deaths, serious, injuries  int
	lossWan                    float64
	production, responsibility bool
	concealed, criminal        bool
	due, done                  time.Time
	misLevelled                bool
}

func (g *gen) accidents() error {
	r := g.rng("accidents")
	var pool []*enterprise
	for _, e := range g.ents {
		if e.highRisk() || e.Industry.ParentCode == "IT" {
			pool = append(pool, e)
		}
	}
	var acs []*accident
	for _, y := range years() {
		from, to := yearSpan(y)
		for range g.scaled(accidentsPerYearAtScale1, 3) {
			d := randDate(r, from, to)
			var e *enterprise
			for range 50 {
				e = pool[r.IntN(len(pool))]
				if e.operatingAt(d) {
					break
				}
			}
			a := &accident{e: e, at: at(d, between(r, 6, 22), r.IntN(60)), production: chance(r, 0.95), responsibility: chance(r, 0.85)}
			a.kind = oneOf(r, accidentKind(e.Industry.Code, e.Industry.ParentCode)...)
			a.deaths = pick(r, []int{0, 1, 2}, []float64{35, 55, 10})
			a.serious = pick(r, []int{0, 1, 2, 3}, []float64{50, 30, 15, 5})
			a.injuries = between(r, 0, 3)
			if a.deaths+a.serious+a.injuries == 0 {
				a.injuries = 1
			}
			a.lossWan = round2(float64(a.deaths)*120 + float64(a.serious)*25 + r.Float64()*60 + 2)
			a.level = "一般"
			a.criminal = a.deaths > 0 && a.responsibility && chance(r, 0.9)
			acs = append(acs, a)
		}
	}
	// One accident is reported as 一般 though its 3 deaths make it 较大 (T01):
	// the ETL should check the declared level against the numbers.
	if len(acs) > 0 {
		a := acs[r.IntN(len(acs))]
		a.deaths, a.misLevelled, a.criminal = 3, true, a.responsibility
		a.lossWan = round2(a.lossWan + 240)
	}
	if len(acs) > 1 {
		acs[r.IntN(len(acs))].concealed = true // 瞒报, found out later
	}
	for _, a := range acs {
		// 条例 第29条: the investigation report is due within 60 days.
		d := truncDay(a.at)
		a.due = d.AddDate(0, 0, 60)
		a.done = d.AddDate(0, 0, pick(r, []int{between(r, 30, 60), between(r, 61, 110)}, []float64{80, 20}))
		if a.done.After(snapshot) {
			a.done = time.Time{}
		}
	}
	sort.SliceStable(acs, func(i, j int) bool { return acs[i].at.Before(acs[j].at) })
	seq := map[int]int{}
	rows := make([][]string, 0, len(acs))
	const file = "accidents/accidents.csv"
	for i, a := range acs {
		seq[a.at.Year()]++
		a.id = fmt.Sprintf("SG-%d-%03d", a.at.Year(), seq[a.at.Year()])
		st, _ := a.e.at(truncDay(a.at))
		done := ""
		if !a.done.IsZero() {
			done = ymd(a.done)
		}
		rows = append(rows, []string{a.id, a.at.Format("2006-01-02 15:04"), g.town(st.townCode).Name, a.e.USCC, a.e.Name, a.e.Industry.Name,
			a.kind, a.level, strconv.Itoa(a.deaths), strconv.Itoa(a.serious), strconv.Itoa(a.injuries),
			strconv.FormatFloat(a.lossWan, 'f', 2, 64), yesNo(a.production), yesNo(a.responsibility), yesNo(a.concealed),
			ymd(a.due), done, yesNo(a.criminal)})
		if a.misLevelled {
			g.addTrap(trap{File: file, Row: i + 2, Key: a.id, Kind: "level_mismatch", Expect: "flag",
				Detail: "事故等级 一般 but 3 deaths: by the 条例 thresholds this is a 较大 accident (T01)"})
		}
	}
	b, err := csvBytes(encUTF8BOM, accidentHeader, rows)
	if err != nil {
		return err
	}
	g.sum.Rows["accidents"] = len(rows)
	return g.writeFile(file, b)
}
