package samplegen

import (
	"fmt"
	"math"
	"math/rand/v2"
	"sort"
	"strconv"
	"time"
)

const reportsPerYearAtScale1 = 800

var reportHeader = []string{"举报编号", "举报渠道", "接收时间", "所属镇街", "统一社会信用代码", "被举报对象", "对象类型", "房屋编号", "举报事项",
	"是否反映重大隐患", "是否匿名", "承办部门", "受理时间", "核查期限", "核查时间", "核查结果", "关联隐患编号", "关联案件编号", "反馈时间",
	"奖励决定时间", "奖励金额(元)", "奖励发放时间"}

type report struct {
	id, channel            string
	received               time.Time
	town                   string
	e                      *enterprise
	prop                   *property
	subject, subjectKind   string
	topic                  string
	claimsMajor, anonymous bool
	dept                   string
	accepted, verified     time.Time
	verifyDue              time.Time
	result                 string
	hazardID, caseID       string
	feedback               time.Time
	rewardDecided          time.Time
	reward                 float64
	rewardPaid             time.Time
	lostLink               bool // trap: should link to a hazard but does not
}

var reportTopics = map[string][]string{
	"企业":   {"违规生产", "违规动火", "有限空间违规作业", "非法储存危化品", "消防通道堵塞", "未培训上岗", "夜间违规生产", "安全设施缺失"},
	"出租屋":  {"群租", "违规用电", "电动车室内充电", "小作坊违规生产"},
	"闲置院落": {"违规存放易燃物", "私接电线", "非法经营"},
	"废弃厂房": {"非法生产", "违规存放危化品", "私自复工"},
	"工地":   {"高处作业无防护", "无证作业", "塔吊违规操作", "夜间违规施工"},
	"其他":   {"燃气使用不规范", "占用消防通道", "违规燃放烟花爆竹"},
}

func (g *gen) reports() error {
	r := g.rng("reports")
	var reps []*report
	var cons []*enterprise
	for _, e := range g.ents {
		if e.Industry.ParentCode == "CONS" || e.Industry.Code == "CONS" {
			cons = append(cons, e)
		}
	}
	openUnit := func(pool []*enterprise, d time.Time) *enterprise {
		for range 50 {
			e := pool[r.IntN(len(pool))]
			if st, ok := e.at(d); ok && st.status != "关闭" {
				return e
			}
		}
		return pool[0]
	}
	// The ledger's properties of each kind, indexed by registration day: a report picks one
	// registered by its day without listing them (listing per report, or per day, was
	// quadratic in the scale, and kept gigabytes of lists).
	propsOf := map[string][]*property{}
	for _, p := range g.props {
		propsOf[p.kind] = append(propsOf[p.kind], p)
	}
	registeredIdx := map[string]*dayIndex{}
	for kind, ps := range propsOf {
		secs := make([]int64, len(ps))
		for i, p := range ps {
			secs[i] = p.registered.Unix()
		}
		registeredIdx[kind] = newDayIndex(secs)
	}
	for _, y := range years() {
		from, to := yearSpan(y)
		frac := (to.Sub(from).Hours()/24 + 1) / float64(day(y, 12, 31).YearDay())
		for range g.scaled(reportsPerYearAtScale1*frac, 1) {
			rp := &report{received: randDate(r, from, to)}
			rp.subjectKind = pick(r, []string{"企业", "出租屋", "闲置院落", "废弃厂房", "工地", "其他"}, []float64{70, 8, 4, 4, 8, 6})
			switch rp.subjectKind {
			case "企业":
				rp.e = openUnit(g.ents, rp.received)
			case "工地":
				if len(cons) == 0 {
					rp.subjectKind = "其他"
				} else {
					rp.e = openUnit(cons, rp.received)
				}
			case "出租屋", "闲置院落", "废弃厂房":
				idx := registeredIdx[rp.subjectKind]
				n := 0
				if idx != nil {
					n = idx.count(rp.received.Unix())
				}
				if n == 0 {
					// Before the ledger existed a report names an address only.
					rp.town = oneOf(r, g.towns...).Code
					rp.subject = g.town(rp.town).Name + oneOf(r, villageStems...) + "村一处" + rp.subjectKind
				} else {
					// As oneOf over the registered ones, in ledger order.
					rp.prop = propsOf[rp.subjectKind][idx.nth(rp.received.Unix(), r.IntN(n))]
				}
			}
			if rp.subjectKind == "其他" {
				rp.town = oneOf(r, g.towns...).Code
				rp.subject = g.town(rp.town).Name + oneOf(r, "某饭店", "某商铺", "某小区", "某市场")
			}
			rp.topic = oneOf(r, reportTopics[rp.subjectKind]...)
			rp.claimsMajor = chance(r, 0.15)
			g.processReport(r, rp)
			reps = append(reps, rp)
		}
	}

	// The public's reports behind the hazards of channel 群众举报: verified
	// 属实, each linked to its hazard (T20) — except one that lost its link.
	lost := -1
	if len(g.reportedHazards) > 0 {
		lost = r.IntN(len(g.reportedHazards))
	}
	for i, h := range g.reportedHazards {
		rp := &report{e: h.e, subjectKind: "企业", received: h.found.AddDate(0, 0, -between(r, 1, 6)), claimsMajor: h.major}
		if rp.received.Before(periodStart) {
			rp.received = periodStart
		}
		rp.topic = oneOf(r, reportTopics["企业"]...)
		g.processReport(r, rp)
		rp.verified, rp.result, rp.hazardID = h.found, "属实", h.id
		rp.feedback = h.found.AddDate(0, 0, between(r, 1, 8))
		if i == lost {
			rp.hazardID, rp.claimsMajor, rp.lostLink = "", true, true
		}
		g.reward(r, rp, 0)
		reps = append(reps, rp)
	}
	// Cases opened from reports (no inspection behind them).
	for _, c := range g.reportCases {
		rp := &report{e: c.e, subjectKind: "企业", received: c.filed.AddDate(0, 0, -between(r, 3, 15))}
		rp.received = maxDate(rp.received, periodStart)
		rp.topic = oneOf(r, reportTopics["企业"]...)
		g.processReport(r, rp)
		rp.dept = g.deptName(c.dept) // handed to the department that then opened the case
		rp.verified, rp.result, rp.caseID = minDate(c.filed, rp.verified), "属实", c.id
		if rp.verified.Before(rp.received) || rp.verified.IsZero() {
			rp.verified = c.filed
		}
		rp.feedback = rp.verified.AddDate(0, 0, between(r, 1, 8))
		g.reward(r, rp, c.fineEntity+c.fineIndiv)
		reps = append(reps, rp)
	}

	sort.SliceStable(reps, func(i, j int) bool { return reps[i].received.Before(reps[j].received) })
	seq := map[string]int{}
	for _, rp := range reps {
		k := rp.received.Format("20060102")
		seq[k]++
		rp.id = fmt.Sprintf("JB%s%03d", k, seq[k])
	}
	return g.writeReports(reps)
}

// processReport fills the handling: acceptance, verification, feedback.
func (g *gen) processReport(rng *rand.Rand, rp *report) {
	rp.channel = pick(rng, []string{"12345", "12350", "网站", "微信", "信函", "来访"}, []float64{60, 20, 5, 8, 2, 5})
	rp.anonymous = chance(rng, 0.3)
	minute := between(rng, 7*60, 22*60)
	rp.received = time.Date(rp.received.Year(), rp.received.Month(), rp.received.Day(), minute/60, minute%60, 0, 0, time.UTC)
	rp.accepted = rp.received.Add(time.Duration(between(rng, 10, 48*60)) * time.Minute)
	rp.verifyDue = truncDay(rp.received).AddDate(0, 0, 15)
	switch {
	case rp.e != nil:
		rp.dept = g.deptName(rp.e.DeptCode)
		rp.town = g.townCodeAt(rp.e, rp.received)
		rp.subject = rp.e.Name
	case rp.prop != nil:
		rp.town = rp.prop.townCode
		rp.subject = rp.prop.addr
	}
	if rp.dept == "" {
		// Property and other reports go to the town (属地).
		t := g.town(rp.town)
		rp.dept = t.Name + map[bool]string{true: "办事处", false: "人民政府"}[t.Kind == "街道"]
	}
	v := truncDay(rp.received).AddDate(0, 0, between(rng, 1, 12))
	if chance(rng, 0.1) {
		v = v.AddDate(0, 0, between(rng, 5, 20)) // verified late
	}
	if v.After(snapshot) {
		rp.result = "未核实"
		return
	}
	rp.verified = v
	rp.result = pick(rng, []string{"属实", "部分属实", "不属实", "无法核实"}, []float64{30, 10, 48, 12})
	if chance(rng, 0.93) {
		if fb := v.AddDate(0, 0, between(rng, 1, 10)); !fb.After(snapshot) {
			rp.feedback = fb
		}
	}
}

func truncDay(t time.Time) time.Time { return day(t.Year(), int(t.Month()), t.Day()) }

func (g *gen) townCodeAt(e *enterprise, d time.Time) string {
	st, ok := e.at(truncDay(d))
	if !ok {
		return e.history[0].townCode
	}
	return st.townCode
}

// reward decides the 举报奖励 for verified reports of 重大 hazards or of
// violations that were fined: 15% of the fine, at least 3,000 and at most
// 300,000 yuan (安全生产领域举报奖励办法).
func (g *gen) reward(r *rand.Rand, rp *report, fine float64) {
	if rp.result != "属实" || (!rp.claimsMajor && fine == 0) || r.Float64() > 0.7 {
		return
	}
	amount := math.Max(3000, math.Min(300000, math.Round(fine*0.15/100)*100))
	d := rp.verified.AddDate(0, 0, 20+int(r.Float64()*40))
	if d.After(snapshot) {
		return
	}
	rp.rewardDecided, rp.reward = d, amount
	if p := d.AddDate(0, 0, 10+int(r.Float64()*30)); !p.After(snapshot) {
		rp.rewardPaid = p
	}
}

func (g *gen) writeReports(reps []*report) error {
	const file = "reports/reports.csv"
	dt := func(t time.Time) string {
		if t.IsZero() {
			return ""
		}
		return t.Format("2006-01-02 15:04:05")
	}
	d := func(t time.Time) string {
		if t.IsZero() {
			return ""
		}
		return ymd(t)
	}
	rows := make([][]string, 0, len(reps))
	for i, rp := range reps {
		uscc, propID, reward := "", "", ""
		if rp.e != nil {
			uscc = rp.e.USCC
		}
		if rp.prop != nil {
			propID = rp.prop.id
		}
		if rp.reward > 0 {
			reward = strconv.FormatFloat(rp.reward, 'f', 2, 64)
		}
		// Verification happens during office hours on the day recorded.
		verified := ""
		if !rp.verified.IsZero() {
			verified = dt(time.Date(rp.verified.Year(), rp.verified.Month(), rp.verified.Day(), 15, 0, 0, 0, time.UTC))
		}
		fb := ""
		if !rp.feedback.IsZero() {
			fb = dt(time.Date(rp.feedback.Year(), rp.feedback.Month(), rp.feedback.Day(), 16, 30, 0, 0, time.UTC))
		}
		rows = append(rows, []string{rp.id, rp.channel, dt(rp.received), g.town(rp.town).Name, uscc, rp.subject, rp.subjectKind, propID,
			rp.topic, yesNo(rp.claimsMajor), yesNo(rp.anonymous), rp.dept, dt(rp.accepted), d(rp.verifyDue), verified, rp.result,
			rp.hazardID, rp.caseID, fb, d(rp.rewardDecided), reward, d(rp.rewardPaid)})
		if rp.lostLink {
			g.addTrap(trap{File: file, Row: i + 2, Key: rp.id, Kind: "missing_hazard_link", Expect: "flag",
				Detail: "verified (属实) report of a 重大 hazard whose hazard exists on the platform but 关联隐患编号 is empty (T20 link rate)"})
		}
	}
	b, err := csvBytes(encUTF8, reportHeader, rows)
	if err != nil {
		return err
	}
	g.sum.Rows["reports"] = len(rows)
	return g.writeFile(file, b)
}
