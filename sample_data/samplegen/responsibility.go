package samplegen

import (
	"fmt"
	"math"
	"math/rand/v2"
	"sort"
	"strconv"
	"time"
)

// The enterprise side of 主体责任 (T11, T14, T35, T73, T75, T76, T85, T93, T101, T113, T114):
// the units' annual self-reports that towns collect as spreadsheets, the units' own inspections
// from the 双重预防机制 platform, and 区应急局's grading and designation list. Each file has its
// own random stream, so these files change without moving any other domain's numbers.

var annualReportHeader = []string{"填报年度", "统一社会信用代码", "单位名称", "填报日期", "重大事故隐患排查重点事项清单", "全员安全生产责任制清单",
	"责任制清单建立日期", "应急救援队伍", "安全生产晨会", "内部奖励制度", "人防投入（万元）", "技防投入（万元）", "工程防投入（万元）", "管理防投入（万元）",
	"安全费用提取（万元）", "安全费用使用（万元）", "备注"}

// Column positions of the annual report, for planting traps.
const (
	arYear = iota
	arUSCC
	arName
	arFiled
	arKeyList
	arRespList
	arRespDate
	arRescue
	arMorning
	arReward
	arInvestPeople
	arInvestTech
	arInvestWorks
	arInvestMgmt
	arFeeDrawn
	arFeeUsed
	arRemarks
)

// Shares of units whose report shows each practice, by report year: adoption grows through
// the campaign. A unit draws one number per practice, so a practice once adopted stays.
var (
	respListShare    = map[int]float64{2023: 0.55, 2024: 0.92, 2025: 0.97, 2026: 0.99}
	keyListShare     = map[int]float64{2023: 0.30, 2024: 0.62, 2025: 0.85, 2026: 0.92}
	morningShare     = map[int]float64{2023: 0.30, 2024: 0.48, 2025: 0.63, 2026: 0.70}
	rewardShareLarge = map[int]float64{2023: 0.20, 2024: 0.45, 2025: 0.78, 2026: 0.82} // 规上 (T93)
	rescueShareHigh  = map[int]float64{2023: 0.62, 2024: 0.80, 2025: 0.92, 2026: 0.95} // high-risk (T73)
	filedShare       = map[int]float64{2023: 0.72, 2024: 0.88, 2025: 0.93, 2026: 0.93}
)

// unitPractice is a unit's fixed draws for the practices of its reports.
type unitPractice struct {
	resp, key, morning, reward, rescue, files, fee float64
	respDate                                       time.Time
}

func (g *gen) responsibility() error {
	if err := g.annualReports(); err != nil {
		return err
	}
	if err := g.selfInspections(); err != nil {
		return err
	}
	if err := g.designations(); err != nil {
		return err
	}
	return g.studyActivities()
}

// annualReports writes one XLSX per report year, as 区安委会办公室 collects them from the towns:
// a title row, then one row per unit that filed by the snapshot day.
func (g *gen) annualReports() error {
	r := g.rng("responsibility/annual_reports")
	prac := map[string]*unitPractice{}
	for _, e := range g.ents {
		p := &unitPractice{resp: r.Float64(), key: r.Float64(), morning: r.Float64(), reward: r.Float64(), rescue: r.Float64(),
			files: r.Float64(), fee: r.Float64()}
		// The list's date falls in the first year whose share covers the unit's draw.
		switch {
		case p.resp < respListShare[2023]:
			p.respDate = randDate(r, maxDate(e.Opened, day(2019, 1, 1)), day(2023, 12, 31))
		case p.resp < respListShare[2024]:
			p.respDate = randDate(r, maxDate(e.Opened, day(2024, 1, 1)), day(2024, 12, 31))
		case p.resp < respListShare[2025]:
			p.respDate = randDate(r, maxDate(e.Opened, day(2025, 1, 1)), day(2025, 12, 31))
		default:
			p.respDate = randDate(r, maxDate(e.Opened, day(2026, 1, 1)), day(2026, 10, 31))
		}
		prac[e.USCC] = p
	}
	var unknown string // a well-formed USCC the registry does not hold
	for unknown == "" {
		u := makeUSCC(r, day(2021, 3, 1))
		if g.entByUSCC(u) == nil {
			unknown = u
		}
	}
	for _, y := range years() {
		yearEnd := day(y, 12, 31)
		var rows [][]any
		for _, e := range g.ents {
			p := prac[e.USCC]
			if e.Opened.After(yearEnd) || (!e.closedOn().IsZero() && !e.closedOn().After(yearEnd)) || p.files >= filedShare[y] {
				continue
			}
			// Filed in December to January mostly; some late, into March.
			filed := randDate(r, day(y, 11, 1), day(y+1, 1, 31))
			if chance(r, 0.15) {
				filed = randDate(r, day(y+1, 2, 1), day(y+1, 3, 31))
			}
			if filed.After(snapshot) {
				continue
			}
			resp, respDate := p.respDate.Year() <= y, ""
			if resp {
				respDate = ymd(p.respDate)
			}
			rescue := "无"
			if e.highRisk() && p.rescue < rescueShareHigh[y] {
				rescue = pick(r, []string{"专职救援队伍", "兼职救援人员", "签订救援协议"}, []float64{2, 5, 3})
			} else if !e.highRisk() && p.rescue < 0.25 {
				rescue = pick(r, []string{"兼职救援人员", "签订救援协议"}, []float64{3, 1})
			}
			rewardShare := rewardShareLarge[y]
			if e.Scale != "规上" {
				rewardShare /= 3
			}
			invest := investFor(r, e.Scale)
			parts := []float64{invest * 0.4, invest * 0.3, invest * 0.2, invest * 0.1}
			drawn, used := 0.0, 0.0
			if e.highRisk() && p.fee < 0.9 || !e.highRisk() && p.fee < 0.35 {
				drawn = round2(invest * (0.6 + 0.4*r.Float64()))
				used = round2(drawn * (0.55 + 0.45*r.Float64())) // never above drawn: overspending is a planted trap
			}
			rows = append(rows, []any{strconv.Itoa(y), e.USCC, e.Name, ymd(filed), yesNo(p.key < keyListShare[y]), yesNo(resp), respDate, rescue,
				yesNo(p.morning < morningShare[y]), yesNo(p.reward < rewardShare), num2(parts[0]), num2(parts[1]), num2(parts[2]), num2(parts[3]),
				num2(drawn), num2(used), ""})
		}
		rel := fmt.Sprintf("responsibility/annual_reports_%d.xlsx", y)
		rows = g.plantAnnualTraps(r, rel, y, rows, unknown)
		g.writeXLSX(rel, sheet{name: "年度填报", title: fmt.Sprintf("%d年度企业安全生产主体责任落实情况填报汇总表", y), header: annualReportHeader, rows: rows,
			widths: map[int]float64{1: 22, 2: 30, 3: 12}})
		g.sum.Rows["annual_reports"] += len(rows)
	}
	return nil
}

// firstXLSXRow is the sheet row of the first data row: a title row, then the header.
const firstXLSXRow = 3

// plantAnnualTraps spoils a few rows of one year's sheet in the ways towns' sheets go wrong;
// each is listed in traps.csv with how it must end. Rows are changed in place or appended, so
// the row numbers of the others stay put.
func (g *gen) plantAnnualTraps(r *rand.Rand, rel string, y int, rows [][]any, unknown string) [][]any {
	if len(rows) < 40 {
		return rows // too small a sheet to spoil without overlaps
	}
	trapAt := func(i int, kind, expect, detail string) {
		g.addTrap(trap{File: rel, Row: i + firstXLSXRow, Key: fmt.Sprintf("%d:%s", y, rows[i][arUSCC]), Kind: kind, Expect: expect, Detail: detail})
	}
	// Overspent fees are lawful (last years' balance) and loaded, but flagged for review.
	i := 2 + r.IntN(len(rows)/4-3)
	rows[i][arFeeDrawn], rows[i][arFeeUsed] = "12.50", "18.30"
	trapAt(i, "fee_overspent", "flag", "安全费用使用 18.30 万元 > 提取 12.50 万元: loaded with fee_overspent = 1")
	spoil := func(i, col int, v any, kind, expect, detail string) {
		rows[i][col] = v
		trapAt(i, kind, expect, detail)
	}
	switch y {
	case 2023:
		spoil(len(rows)/4+r.IntN(len(rows)/4), arYear, "2203", "year_out_of_range", "quarantine", "填报年度 \"2203\" is outside 2023–2026 (a typing error for 2023)")
		rows[len(rows)/2][arRespList] = "是"
		spoil(len(rows)/2, arRespDate, "", "list_without_date", "quarantine", "全员安全生产责任制清单 是 but 责任制清单建立日期 is empty")
	case 2024:
		spoil(len(rows)/4+r.IntN(len(rows)/4), arInvestTech, "-3.50", "negative_amount", "quarantine", "技防投入 is -3.50 万元")
		spoil(len(rows)/2, arRescue, "有", "invalid_class", "quarantine", "应急救援队伍 \"有\" is not one of 专职救援队伍/兼职救援人员/签订救援协议/无")
		// A unit the registry does not hold: its report counts in no denominator.
		row := append([]any(nil), rows[len(rows)-1]...)
		row[arUSCC], row[arName] = unknown, "兖州区未登记商贸有限公司"
		rows = append(rows, row)
		trapAt(len(rows)-1, "unknown_uscc", "quarantine", "统一社会信用代码 "+unknown+" is not in the registry")
		// The same unit sent twice: once as an exact copy, once changed.
		// (Rows near the end: the other traps sit in the first half.)
		n := len(rows)
		rows = append(rows, append([]any(nil), rows[n-5]...))
		trapAt(len(rows)-1, "duplicate_row", "dedupe", fmt.Sprintf("exact copy of row %d", n-5+firstXLSXRow))
		changed := append([]any(nil), rows[n-6]...)
		changed[arMorning] = yesNo(changed[arMorning] != "是")
		rows = append(rows, changed)
		trapAt(len(rows)-1, "duplicate_key", "quarantine", fmt.Sprintf("same unit and year as row %d with a different 安全生产晨会", n-6+firstXLSXRow))
	case 2025:
		spoil(len(rows)/4+r.IntN(len(rows)/4), arFiled, "2027-01-15", "future_date", "quarantine", "填报日期 2027-01-15 lies after the run day")
	}
	return rows
}

// investFor is a unit's yearly 安全生产投入 in 万元, by its size.
func investFor(r *rand.Rand, scale string) float64 {
	lo, hi := 0.1, 2.0
	switch scale {
	case "规上":
		lo, hi = 20, 200
	case "规下":
		lo, hi = 5, 40
	case "小微":
		lo, hi = 0.5, 8
	}
	return lo * math.Pow(hi/lo, r.Float64())
}

func num2(v float64) string { return strconv.FormatFloat(round2(v), 'f', 2, 64) }

func (g *gen) entByUSCC(u string) *enterprise {
	for _, e := range g.ents {
		if e.USCC == u {
			return e
		}
	}
	return nil
}

// The platform export names units by USCC only (the registry holds their names), which also
// keeps the largest file of the sample small.
var selfInspectionHeader = []string{"检查编号", "统一社会信用代码", "检查日期", "带队人职务", "检查类型", "发现一般隐患数", "发现重大隐患数"}

// ledShare is the chance that a unit's 主要负责人 leads a check in one T14 period, by year.
var ledShare = map[int]float64{2024: 0.72, 2025: 0.84, 2026: 0.90}

// selfInspections writes the 双重预防机制 platform's export of units' own checks from 2024 on:
// per T14 period (a month for high-risk units, a quarter for others) a principal-led check
// with the year's chance, and now and then a check led by someone else.
func (g *gen) selfInspections() error {
	r := g.rng("responsibility/self_inspections")
	var rows [][]string
	add := func(e *enterprise, d time.Time, role string) {
		rows = append(rows, []string{"", e.USCC, ymd(d), role,
			pick(r, []string{"综合检查", "专项检查", "季节性检查", "节假日检查"}, []float64{6, 2, 1, 1}),
			strconv.Itoa(pick(r, []int{0, 1, 2, 3, 5}, []float64{4, 3, 2, 1, 0.5})), strconv.Itoa(pick(r, []int{0, 1}, []float64{50, 1}))})
	}
	for m := day(2024, 1, 1); !m.After(snapshot); m = m.AddDate(0, 1, 0) {
		for _, e := range g.ents {
			months := 3
			if e.highRisk() {
				months = 1
			}
			if (int(m.Month())-1)%months != 0 || !e.operatingAt(m) {
				continue
			}
			last := minDate(m.AddDate(0, months, -1), snapshot)
			if chance(r, ledShare[m.Year()]) {
				add(e, workday(r, randDate(r, m, last), last), "主要负责人")
			}
			if chance(r, 0.1) {
				add(e, workday(r, randDate(r, m, last), last), pick(r, []string{"分管负责人", "安全管理人员", "车间班组负责人"}, []float64{3, 5, 2}))
			}
		}
	}
	sort.SliceStable(rows, func(i, j int) bool { return rows[i][2] < rows[j][2] })
	for i := range rows {
		rows[i][0] = fmt.Sprintf("ZC%06d", i+1)
	}
	const rel = "responsibility/self_inspections.csv"
	trapAt := func(i int, kind, expect, detail string) {
		g.addTrap(trap{File: rel, Row: i + 2, Key: rows[i][0], Kind: kind, Expect: expect, Detail: detail})
	}
	if len(rows) > 40 {
		i := len(rows)/3 + r.IntN(len(rows)/6)
		rows[i][3] = "总经理"
		trapAt(i, "invalid_class", "quarantine", "带队人职务 \"总经理\" is not one of the platform's roles (主要负责人 is meant, but the ETL does not guess)")
		i = len(rows) / 2
		rows[i][2] = "2027-03-01"
		trapAt(i, "future_date", "quarantine", "检查日期 2027-03-01 lies after the run day")
		i = 2 * len(rows) / 3
		rows[i][1] = "91370812MA3C5O9N2X"
		trapAt(i, "bad_uscc", "quarantine", "统一社会信用代码 91370812MA3C5O9N2X is malformed (O is not a USCC character)")
		dup := append([]string(nil), rows[10]...)
		dup[3] = "安全管理人员"
		rows = append(rows, dup)
		trapAt(len(rows)-1, "duplicate_key", "quarantine", fmt.Sprintf("检查编号 %s as in row %d with a different 带队人职务", dup[0], 12))
	}
	b, err := csvBytes(encUTF8, selfInspectionHeader, rows)
	if err != nil {
		return err
	}
	g.sum.Rows["self_inspections"] = len(rows)
	return g.writeFile(rel, b)
}

var designationHeader = []string{"名单类别", "年度", "统一社会信用代码", "单位名称", "分级分类等级", "认定日期", "认定文号"}

// designations writes 区应急局's list: 工贸 units graded A–D as the grading system rolls out
// (T35), a handful of 标准化标杆企业 in 2025 (T75) and 示范引领企业 in 2026 (T76).
func (g *gen) designations() error {
	r := g.rng("responsibility/designations")
	var rows [][]any
	doc := func(y int) string { return fmt.Sprintf("兖应急字〔%d〕%d号", y, between(r, 10, 120)) }
	for _, e := range g.ents {
		if e.Industry.ParentCode != "IT" {
			continue
		}
		u := r.Float64()
		var d time.Time
		switch {
		case u < 0.40:
			d = randDate(r, day(2024, 3, 1), day(2024, 12, 20))
		case u < 0.80:
			d = randDate(r, day(2025, 1, 10), day(2025, 12, 20))
		case u < 0.90:
			d = randDate(r, day(2026, 1, 10), day(2026, 11, 20))
		default:
			continue // not graded yet
		}
		d = maxDate(d, e.Opened)
		if !e.operatingAt(d) || d.After(snapshot) {
			continue
		}
		rows = append(rows, []any{"工贸分级分类", strconv.Itoa(d.Year()), e.USCC, e.Name, pick(r, []string{"A", "B", "C", "D"}, []float64{15, 45, 30, 10}), ymd(d), doc(d.Year())})
	}
	graded := len(rows)
	var candidates []*enterprise
	for _, e := range g.ents {
		if (e.StdGrade == "一级" || e.StdGrade == "二级") && e.operatingAt(day(2025, 6, 1)) {
			candidates = append(candidates, e)
		}
	}
	r.Shuffle(len(candidates), func(i, j int) { candidates[i], candidates[j] = candidates[j], candidates[i] })
	nBench, nModel := g.scaled(60, 6), g.scaled(40, 4)
	for i, e := range candidates {
		switch {
		case i < nBench:
			d := randDate(r, day(2025, 5, 1), day(2025, 11, 30))
			rows = append(rows, []any{"标准化标杆企业", "2025", e.USCC, e.Name, "", ymd(d), doc(2025)})
		case i < nBench+nModel:
			d := randDate(r, day(2026, 3, 1), day(2026, 10, 31))
			rows = append(rows, []any{"示范引领企业", "2026", e.USCC, e.Name, "", ymd(d), doc(2026)})
		}
	}
	const rel = "responsibility/designations.xlsx"
	if graded > 10 {
		i := graded / 3
		rows[i][4] = "E"
		g.addTrap(trap{File: rel, Row: i + firstXLSXRow, Key: fmt.Sprintf("%s:%s:%s", rows[i][0], rows[i][1], rows[i][2]), Kind: "invalid_class",
			Expect: "quarantine", Detail: "分级分类等级 \"E\" is not one of A/B/C/D"})
		i = graded / 2
		rows[i][1] = "2019"
		g.addTrap(trap{File: rel, Row: i + firstXLSXRow, Key: fmt.Sprintf("%s:2019:%s", rows[i][0], rows[i][2]), Kind: "year_out_of_range",
			Expect: "quarantine", Detail: "年度 \"2019\" is outside 2023–2026"})
	}
	g.writeXLSX(rel, sheet{name: "名单", title: "兖州区应急管理局 工贸行业分级分类及标杆、示范企业名单", header: designationHeader, rows: rows,
		widths: map[int]float64{0: 16, 2: 22, 3: 30, 5: 12, 6: 20}})
	g.sum.Rows["designations"] = len(rows)
	return nil
}

var studyActivityHeader = []string{"活动编号", "组织单位类型", "组织单位", "活动日期", "活动形式", "参加人数", "参加单位数", "备注"}

// studyActivities writes 区安委会办公室's ledger of the yearly "大学习、大培训" campaign (T65): from
// 2024, every town a few activities a year, parks and about half the departments one to three,
// between April and November. 2023 has none: the campaign starts with the plan.
func (g *gen) studyActivities() error {
	r := g.rng("responsibility/study_activities")
	type act struct {
		kind, name string
		d          time.Time
	}
	var acts []act
	forms := []string{"集中培训", "专题讲座", "知识竞赛", "警示教育", "线上学习", "送教上门"}
	for _, y := range []int{2024, 2025, 2026} {
		add := func(kind, name string, lo, hi int) {
			for range between(r, lo, hi) {
				if d := workday(r, randDate(r, day(y, 4, 1), day(y, 11, 30)), day(y, 11, 30)); !d.After(snapshot) {
					acts = append(acts, act{kind, name, d})
				}
			}
		}
		for _, t := range g.towns {
			add("镇街", t.Name, 2, 6)
		}
		for _, p := range g.parks {
			add("园区", p.Name, 1, 3)
		}
		for _, d := range g.deptList {
			if chance(r, 0.5) {
				add("部门", d.Name, 1, 3)
			}
		}
	}
	sort.SliceStable(acts, func(i, j int) bool { return acts[i].d.Before(acts[j].d) })
	var rows [][]string
	for i, a := range acts {
		people := between(r, 20, 300)
		rows = append(rows, []string{fmt.Sprintf("DXDP-%d-%03d", a.d.Year(), i+1), a.kind, a.name, ymd(a.d), oneOf(r, forms...),
			strconv.Itoa(people), strconv.Itoa(max(1, people/between(r, 5, 30))), ""})
	}
	const rel = "responsibility/study_activities.csv"
	trapAt := func(i int, kind, expect, detail string) {
		g.addTrap(trap{File: rel, Row: i + 2, Key: rows[i][0], Kind: kind, Expect: expect, Detail: detail})
	}
	if len(rows) > 40 {
		i := len(rows) / 5
		if rows[i][1] == "部门" {
			rows[i][1] = "镇街"
		}
		rows[i][2] = foreignTown
		trapAt(i, "unknown_town", "quarantine", "组织单位 \""+foreignTown+"\" is not a town of the district (it belongs to 济宁高新区)")
		i = 2 * len(rows) / 5
		rows[i][5] = "-30"
		trapAt(i, "negative_participants", "quarantine", "参加人数 is -30")
		i = 3 * len(rows) / 5
		rows[i][3] = "2027-05-01"
		trapAt(i, "future_date", "quarantine", "活动日期 2027-05-01 lies after the run day")
		rows = append(rows, append([]string(nil), rows[4*len(rows)/5]...))
		trapAt(len(rows)-1, "duplicate_row", "dedupe", fmt.Sprintf("exact copy of row %d", 4*(len(rows)-1)/5+2))
	}
	b, err := csvBytes(encUTF8, studyActivityHeader, rows)
	if err != nil {
		return err
	}
	g.sum.Rows["study_activities"] = len(rows)
	return g.writeFile(rel, b)
}
