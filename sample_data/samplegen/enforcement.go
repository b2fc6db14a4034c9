package samplegen

import (
	"fmt"
	"math"
	"math/rand/v2"
	"slices"
	"sort"
	"strconv"
	"strings"
	"time"

	"safetydw/warehouse/refdata"
)

// Yearly volumes at Scale 1 of the 互联网+执法 export: district departments'
// inspections (the towns' grid patrols are not in that system) and cases.
const (
	inspectionsPerYearAtScale1 = 8000
	casesPerYearAtScale1       = 800
)

// inspectionShare is each department's share of the inspections. Departments
// without penalty powers only do supervision and assistance visits.
var inspectionShare = []struct {
	dept  string
	share float64
	rate  float64 // chance that an enforcement inspection with violations becomes a case
}{
	{"D15", 30, 0.40}, {"D20", 12, 0.35}, {"D07", 10, 0.25}, {"D16", 8, 0.25}, {"D08", 7, 0.25},
	{"D17", 6, 0.25}, {"D18", 4, 0.30}, {"D19", 4, 0.30}, {"D06", 3, 0.20}, {"D09", 4.5, 0.20},
	{"D10", 3, 0.05}, {"D21", 4.5, 0.20},
	{"D03", 2, 0}, {"D11", 1.5, 0}, {"D13", 1.5, 0}, {"D04", 1, 0}, {"D02", 1, 0}, {"D12", 0.5, 0}, {"D01", 0.5, 0},
}

// zeroPenaltyDepts inspect with penalty powers but never open a case (the
// 零处罚 trap, T78); notPunishingDept only issues 不予处罚 decisions (首违不罚),
// which the metric must keep apart from penalties.
var (
	zeroPenaltyDepts = []string{"D09", "D21"}
	notPunishingDept = "D19"
)

// delegatedFrom is the year each town (by sort order) starts 委托执法 (T56/T88).
var delegatedFrom = map[int]int{1: 2024, 2: 2025, 3: 2025, 4: 2024, 5: 2025, 6: 2025, 7: 2026, 8: 2025, 9: 2026, 10: 0}

var inspectionHeader = []string{"检查编号", "检查部门", "检查层级", "所属镇街", "统一社会信用代码", "被检查单位", "行业类别", "检查日期",
	"检查类别", "检查方式", "专项行动", "发现违法行为数", "发现一般隐患数", "发现重大隐患数", "是否宣讲判定标准", "现场抽测人数",
	"抽测合格人数", "是否录入互联网+执法"}

var caseHeader = []string{"案件编号", "检查编号", "执法部门", "所属镇街", "统一社会信用代码", "当事人", "行业类别", "立案日期", "决定日期",
	"案件状态", "决定类型", "违法行为类型", "处罚种类", "单位罚款(元)", "个人罚款(元)", "被处罚个人数", "是否顶格处罚", "是否移送公安", "是否典型案例"}

var campaigns = []string{"全员责任制", "外包施工", "电气焊", "有限空间", "高处坠落"}

type inspection struct {
	id           string
	dept         string
	level        string
	town         string
	e            *enterprise
	date         time.Time
	kind         string // 行政执法检查 | 督导检查 | 帮扶指导
	modes        []string
	campaign     string
	violations   int
	general      int
	major        int
	preached     bool
	tested       int
	passed       int
	internetPlus bool
}

func (g *gen) enforcement() error {
	r := g.rng("enforcement")
	var depts []string
	var shares []float64
	rate := map[string]float64{}
	for _, s := range inspectionShare {
		if _, ok := g.depts[s.dept]; !ok {
			continue
		}
		depts = append(depts, s.dept)
		shares = append(shares, s.share)
		rate[s.dept] = s.rate
	}
	for _, d := range zeroPenaltyDepts {
		rate[d] = 0
	}
	supervised := map[string][]*enterprise{}
	for _, e := range g.ents {
		supervised[e.DeptCode] = append(supervised[e.DeptCode], e)
	}
	var highRisk []*enterprise
	for _, e := range g.ents {
		if e.highRisk() {
			highRisk = append(highRisk, e)
		}
	}
	openOn := func(e *enterprise, d time.Time) bool {
		st, ok := e.at(d)
		return ok && st.status != "关闭"
	}
	unitFor := func(dept string, d time.Time) *enterprise {
		for range 50 {
			var e *enterprise
			if us := supervised[dept]; len(us) > 0 && chance(r, 0.75) {
				e = oneOf(r, us...)
			} else {
				e = oneOf(r, highRisk...)
			}
			if openOn(e, d) {
				return e
			}
		}
		return g.ents[0]
	}

	var ins []*inspection
	newInspection := func(dept string, d time.Time, e *enterprise) *inspection {
		in := &inspection{dept: dept, date: d, e: e, level: "区", internetPlus: chance(r, 0.9)}
		st, _ := e.at(d)
		in.town = g.town(st.townCode).Name
		if slices.Contains(zeroPenaltyDepts, dept) {
			// They do inspect as enforcers; they just never punish.
			in.kind = pick(r, []string{"行政执法检查", "督导检查", "帮扶指导"}, []float64{90, 8, 2})
		} else if g.depts[dept].HasPenaltyPower {
			in.kind = pick(r, []string{"行政执法检查", "督导检查", "帮扶指导"}, []float64{65, 25, 10})
		} else {
			in.kind = pick(r, []string{"督导检查", "帮扶指导"}, []float64{75, 25})
		}
		if dept == "D15" && in.kind == "行政执法检查" && chance(r, 0.03) {
			in.level = "市" // a joint inspection led by the city bureau
		}
		in.modes = inspectionModes(r, in.kind)
		if dept == "D15" && in.kind == "行政执法检查" {
			if y := delegatedFrom[g.town(st.townCode).SortOrder]; y > 0 && d.Year() >= y && chance(r, 0.25) {
				in.level = "镇街"
				in.modes = append(in.modes, "委托执法")
			}
		}
		if chance(r, 0.18) {
			in.campaign = oneOf(r, campaigns...)
		}
		// Findings: most visits find something, enforcement visits more often.
		pv := 0.35
		if in.kind == "行政执法检查" {
			pv = 0.55
		}
		if chance(r, pv) {
			in.violations = between(r, 1, 4)
		}
		in.general = between(r, 0, 6)
		if chance(r, 0.01) {
			in.major = 1
		}
		// 凡执法必宣讲 (T12): the share rises after the plan starts.
		in.preached = chance(r, map[int]float64{2023: 0.55, 2024: 0.8, 2025: 0.9, 2026: 0.94}[d.Year()])
		if chance(r, 0.5) {
			in.tested = between(r, 1, 8)
			in.passed = in.tested - pick(r, []int{0, 1, 2}, []float64{70, 20, 10})
			in.passed = max(in.passed, 0)
		}
		return in
	}

	for _, y := range years() {
		from, to := yearSpan(y)
		frac := (to.Sub(from).Hours()/24 + 1) / float64(day(y, 12, 31).YearDay())
		n := g.scaled(inspectionsPerYearAtScale1*frac, 1)
		for range n {
			d := workday(r, randDate(r, from, to), to)
			dept := pick(r, depts, shares)
			ins = append(ins, newInspection(dept, d, unitFor(dept, d)))
		}
	}
	// T23: a 许可条件回头看 inspection at each of the six hazchem producers in 2024.
	for _, e := range g.ents {
		if !e.HCProducer {
			continue
		}
		d := workday(r, randDate(r, day(2024, 7, 1), day(2024, 11, 29)), day(2024, 12, 31))
		in := newInspection("D15", d, e)
		in.kind, in.level, in.campaign = "行政执法检查", "区", "许可条件回头看"
		in.modes = []string{"专项", "专家指导"}
		ins = append(ins, in)
	}
	sort.SliceStable(ins, func(i, j int) bool { return ins[i].date.Before(ins[j].date) })
	// Numbers follow the department's own sequence in date order.
	seq := map[string]int{}
	for _, in := range ins {
		k := fmt.Sprintf("%s-%d", in.dept, in.date.Year())
		seq[k]++
		in.id = fmt.Sprintf("JC-%s-%d-%05d", in.dept, in.date.Year(), seq[k])
	}

	cases := g.makeCases(r, ins, rate)
	return g.writeEnforcement(r, ins, cases)
}

func inspectionModes(r *rand.Rand, kind string) []string {
	var m []string
	switch kind {
	case "行政执法检查":
		m = append(m, pick(r, []string{"双随机", "日常", "专项", "复查"}, []float64{30, 35, 25, 10}))
		if chance(r, 0.3) {
			m = append(m, "四不两直")
		}
		if chance(r, 0.1) {
			m = append(m, "联合检查")
		}
	case "督导检查":
		m = append(m, pick(r, []string{"日常", "明查暗访", "线上巡查", "非现场"}, []float64{55, 20, 15, 10}))
		if chance(r, 0.2) {
			m = append(m, "四不两直")
		}
	default:
		m = append(m, pick(r, []string{"帮扶", "专家指导", "购买服务", "保险机构"}, []float64{40, 30, 20, 10}))
	}
	return m
}

type enfCase struct {
	id          string
	in          *inspection
	dept        string
	e           *enterprise
	town        string
	filed       time.Time
	decided     time.Time
	status      string
	kind        string
	violations  []string
	measures    []string
	fineEntity  float64
	fineIndiv   float64
	people      int
	upperLimit  bool
	transferred bool
	typical     bool
}

var violationTypes = []string{"未培训", "假培训", "无证作业", "持假证", "未佩戴防护", "隐患未整改", "未建立全员责任制", "违规动火",
	"未开展风险辨识", "应急预案未备案", "安全设施未验收", "未如实记录隐患排查"}

func (g *gen) makeCases(r *rand.Rand, ins []*inspection, rate map[string]float64) []*enfCase {
	var out []*enfCase
	seq := map[string]int{}
	for _, y := range years() {
		from, to := yearSpan(y)
		frac := (to.Sub(from).Hours()/24 + 1) / float64(day(y, 12, 31).YearDay())
		target := g.scaled(casesPerYearAtScale1*frac, 1)
		var cands []*inspection
		var ws []float64
		for _, in := range ins {
			if in.date.Year() == y && in.kind == "行政执法检查" && in.violations > 0 && rate[in.dept] > 0 {
				cands = append(cands, in)
				ws = append(ws, rate[in.dept])
			}
		}
		chosen := map[*inspection]bool{}
		// The 不予处罚-only department must show up every year.
		for _, in := range cands {
			if in.dept == notPunishingDept && len(chosen) < 3 {
				chosen[in] = true
			}
		}
		for len(chosen) < min(target, len(cands)) {
			chosen[pick(r, cands, ws)] = true
		}
		var yearCases []*enfCase
		for _, in := range cands {
			if !chosen[in] {
				continue
			}
			c := &enfCase{in: in, dept: in.dept, e: in.e, town: in.town}
			if chance(r, 0.08) {
				c.in = nil // opened from a report, not an inspection
			}
			c.filed = in.date.AddDate(0, 0, between(r, 1, 15))
			if c.filed.After(snapshot) {
				continue // not filed yet when the export was taken
			}
			g.decideCase(r, c, y)
			yearCases = append(yearCases, c)
		}
		sort.SliceStable(yearCases, func(i, j int) bool { return yearCases[i].filed.Before(yearCases[j].filed) })
		for _, c := range yearCases {
			k := fmt.Sprintf("%s-%d", c.dept, c.filed.Year())
			seq[k]++
			c.id = fmt.Sprintf("兖%s罚〔%d〕%d号", deptAbbr(g.depts[c.dept]), c.filed.Year(), seq[k])
		}
		out = append(out, yearCases...)
		for _, c := range yearCases {
			if c.in == nil {
				g.reportCases = append(g.reportCases, c)
			}
		}
	}
	return out
}

// deptAbbr is the department part of a decision number: 应急局 → 应急.
func deptAbbr(d refdata.Department) string {
	s := d.ShortName
	if s == "" {
		s = d.Name
	}
	for _, suf := range []string{"分局", "大队", "局"} {
		s = strings.TrimSuffix(s, suf)
	}
	return s
}

func (g *gen) decideCase(r *rand.Rand, c *enfCase, y int) {
	nv := between(r, 1, 2)
	for _, i := range r.Perm(len(violationTypes))[:nv] {
		c.violations = append(c.violations, violationTypes[i])
	}
	switch {
	case c.dept == notPunishingDept:
		c.kind = "不予处罚(首违/轻微)"
	default:
		c.kind = pick(r, []string{"行政处罚", "不予处罚(首违/轻微)", "责令改正", "行政强制", "撤案"}, []float64{78, 8, 8, 3, 3})
	}
	if c.kind == "行政处罚" {
		c.measures = []string{"罚款"}
		c.fineEntity = math.Round(math.Exp(math.Log(3000)+r.Float64()*math.Log(20))/1000) * 1000
		if chance(r, 0.1) {
			c.measures = append([]string{"警告"}, c.measures...)
		}
		if chance(r, 0.05) {
			c.measures = append(c.measures, "停产停业整顿")
		}
		// 一案双罚 (T80/T109) becomes the norm during the campaign.
		pDouble := map[int]float64{2023: 0.3, 2024: 0.45, 2025: 0.55, 2026: 0.6}[y]
		for _, v := range c.violations {
			if v == "无证作业" || v == "未佩戴防护" {
				pDouble = 0.95
			}
		}
		if chance(r, pDouble) {
			c.people = pick(r, []int{1, 2}, []float64{80, 20})
			for range c.people {
				c.fineIndiv += math.Round(math.Exp(math.Log(2000)+r.Float64()*math.Log(10))/500) * 500
			}
		}
		c.upperLimit = chance(r, 0.02)
		if c.upperLimit {
			c.fineEntity = 200000
		}
	}
	if c.kind == "行政强制" {
		c.measures = []string{oneOf(r, "查封扣押", "停产停业整顿")}
	}
	c.transferred = chance(r, 0.015)
	if c.transferred {
		c.measures = append(c.measures, "移送公安")
	}
	c.typical = c.kind == "行政处罚" && chance(r, 0.05)
	c.decided = c.filed.AddDate(0, 0, between(r, 10, 90))
	switch {
	case c.decided.After(snapshot):
		c.decided, c.status = time.Time{}, "在办"
	case c.kind == "行政处罚" && c.decided.AddDate(0, 0, 45).After(snapshot):
		c.status = "执行中"
	default:
		c.status = "已结案"
	}
	if c.decided.IsZero() {
		// Undecided cases carry no decision details yet.
		c.kind, c.measures, c.fineEntity, c.fineIndiv, c.people, c.upperLimit, c.typical = "", nil, 0, 0, 0, false, false
	}
}

// money writes a yuan amount as the export does: two decimals with thousands
// separators ("30,000.00").
func money(v float64) string { return thousands(v, 2) }

func (g *gen) writeEnforcement(r *rand.Rand, ins []*inspection, cases []*enfCase) error {
	// The export writes the department as staff typed it: mostly the full
	// name, sometimes the short name (mapped through refdata aliases).
	deptText := func(code string) string {
		d := g.depts[code]
		if d.ShortName != "" && chance(r, 0.06) {
			return d.ShortName
		}
		return d.Name
	}
	rows := make([][]string, 0, len(ins))
	for _, in := range ins {
		rows = append(rows, []string{
			in.id, deptText(in.dept), in.level, in.town, in.e.USCC, in.e.Name, in.e.Industry.Name, ymd(in.date),
			in.kind, strings.Join(in.modes, "、"), in.campaign, strconv.Itoa(in.violations), strconv.Itoa(in.general),
			strconv.Itoa(in.major), yesNo(in.preached), strconv.Itoa(in.tested), strconv.Itoa(in.passed), yesNo(in.internetPlus),
		})
	}
	b, err := csvBytes(encUTF8, inspectionHeader, rows)
	if err != nil {
		return err
	}
	if err := g.writeFile("enforcement/inspections.csv", b); err != nil {
		return err
	}
	g.sum.Rows["inspections"] = len(rows)

	crows := make([][]string, 0, len(cases))
	for _, c := range cases {
		inID := ""
		if c.in != nil {
			inID = c.in.id
		}
		decided := ""
		if !c.decided.IsZero() {
			decided = ymd(c.decided)
		}
		crows = append(crows, []string{
			c.id, inID, deptText(c.dept), c.town, c.e.USCC, c.e.Name, c.e.Industry.Name, ymd(c.filed), decided,
			c.status, c.kind, strings.Join(c.violations, "、"), strings.Join(c.measures, "、"),
			money(c.fineEntity), money(c.fineIndiv), strconv.Itoa(c.people), yesNo(c.upperLimit), yesNo(c.transferred), yesNo(c.typical),
		})
	}
	if b, err = csvBytes(encUTF8, caseHeader, crows); err != nil {
		return err
	}
	g.sum.Rows["cases"] = len(crows)
	for _, d := range zeroPenaltyDepts {
		if dep, ok := g.depts[d]; ok {
			g.addTrap(trap{File: "enforcement/cases.csv", Key: dep.Name, Kind: "zero_penalty_department", Expect: "flag",
				Detail: dep.Name + " has penalty powers and runs enforcement inspections that find violations, but has no case at all (零处罚, T78)"})
		}
	}
	if dep, ok := g.depts[notPunishingDept]; ok {
		g.addTrap(trap{File: "enforcement/cases.csv", Key: dep.Name, Kind: "only_no_penalty_decisions", Expect: "flag",
			Detail: dep.Name + " decides every case as 不予处罚(首违/轻微): keep these apart from penalties (T78)"})
	}
	return g.writeFile("enforcement/cases.csv", b)
}
