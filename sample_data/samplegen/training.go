package samplegen

import (
	"bytes"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"sort"
	"strings"
	"time"

	"safetydw/warehouse/refdata"
)

// trainingJSON is one record of the training platform's export. The keys are
// the platform's Chinese field names; 身份证号 and 手机号 are in clear and
// must be hashed or masked by the ETL before anything is stored.
type trainingJSON struct {
	RecordNo  string  `json:"记录编号"`
	Name      string  `json:"姓名"`
	IDNo      string  `json:"身份证号"`
	Phone     string  `json:"手机号"`
	USCC      string  `json:"统一社会信用代码"`
	Unit      string  `json:"单位名称"`
	Role      string  `json:"人员类别"`
	Program   string  `json:"培训项目"`
	Cohort    *int    `json:"年度批次"`
	Date      string  `json:"培训日期"`
	Hours     float64 `json:"学时"`
	Result    string  `json:"考核结果"`
	CertNo    string  `json:"证书编号"`
	CertUntil *string `json:"证书有效期至"`
	Provider  string  `json:"培训机构"`
	Channel   string  `json:"培训渠道"`
}

var trainingProviders = []string{"济宁市安全生产培训中心", "兖州区应急管理局培训科", "山东安培教育科技有限公司", "济宁职业技术学院培训部", "兖州区职业技能培训学校"}

// Coverage of the 主要负责人 cohort by the snapshot, per cohort year (T06–T08;
// 2026 is still running), and of 明白人 by the end of each year (T84).
var (
	cohortCoverage    = map[int]float64{2024: 0.93, 2025: 0.88, 2026: 0.72}
	mingbairenByYear  = map[int]float64{2023: 0.05, 2024: 0.45, 2025: 0.93, 2026: 0.97}
	specialOpsAtScale = 3000.0 // 特种作业 certificates issued or renewed in the period at Scale 1
	injuryQuotaScale  = 4000.0 // 工伤预防能力提升 trainees over 2024–2025 at Scale 1
)

type trainingRec struct {
	p       person
	e       *enterprise // nil for regulators
	unit    string
	role    string
	prog    string
	cohort  int
	date    time.Time
	hours   float64
	result  string
	cert    string
	until   time.Time
	prov    string
	channel string
}

func (g *gen) training() error {
	r := g.rng("training")
	var recs []*trainingRec
	principal := map[*enterprise]person{}
	safetyMgr := map[*enterprise]person{}
	principalOf := func(e *enterprise) person {
		if p, ok := principal[e]; ok {
			return p
		}
		principal[e] = newPerson(r)
		return principal[e]
	}
	managerOf := func(e *enterprise) person {
		if p, ok := safetyMgr[e]; ok {
			return p
		}
		safetyMgr[e] = newPerson(r)
		return safetyMgr[e]
	}
	add := func(t *trainingRec) {
		if t.date.After(snapshot) || t.date.Before(periodStart) {
			return
		}
		if t.e != nil {
			if st, ok := t.e.at(t.date); !ok || st.status == "关闭" {
				return
			}
			t.unit = t.e.Name
		}
		if t.prov == "" {
			t.prov = oneOf(r, trainingProviders...)
		}
		if t.channel == "" {
			t.channel = pick(r, []string{"线下", "学习强安", "济宁应急"}, []float64{50, 30, 20})
		}
		if t.result == "" {
			t.result = pick(r, []string{"通过", "未通过"}, []float64{94, 6})
		}
		recs = append(recs, t)
	}
	inCohort := func(e *enterprise, c refdata.Cohort) bool {
		return e.Industry.Code == c.IndustryCode || e.Industry.ParentCode == c.IndustryCode
	}

	// 主要负责人 / 消防安全责任人 cohort training, with regulators sitting in.
	for _, c := range refdata.Cohorts() {
		cov := cohortCoverage[c.Year]
		from, to := yearSpan(c.Year)
		for _, e := range g.ents {
			if !inCohort(e, c) || !chance(r, cov) {
				continue
			}
			d := workday(r, randDate(r, from, to), to)
			add(&trainingRec{p: principalOf(e), e: e, role: c.Role, prog: "主要负责人专题", cohort: c.Year, date: d,
				hours: oneOf(r, 8.0, 12.0, 16.0), channel: "线下"})
		}
	}
	for _, y := range []int{2024, 2025, 2026} {
		from, to := yearSpan(y)
		for range g.scaled(120, 6) {
			dept := oneOf(r, "D15", "D07", "D08", "D16", "D17", "D20", "D01", "D13")
			add(&trainingRec{p: newPerson(r), unit: g.deptName(dept), role: "监管执法人员", prog: "执法跟班", cohort: y,
				date: workday(r, randDate(r, from, to), to), hours: 8, result: "无考试", channel: "线下", prov: "济宁市安全生产培训中心"})
		}
	}

	// 明白人: one per unit, most trained by the end of 2025 (T84).
	for _, e := range g.ents {
		x := r.Float64()
		for _, y := range years() {
			if x < mingbairenByYear[y] { // the first year whose cumulative share covers x
				from, to := yearSpan(y)
				add(&trainingRec{p: managerOf(e), e: e, role: "明白人", prog: "明白人", date: randDate(r, from, to), hours: 4,
					channel: pick(r, []string{"线下", "学习强安"}, []float64{40, 60})})
				break
			}
		}
	}

	// 重大事故隐患判定标准 learning (T10): most units by the end of 2025.
	for _, e := range g.ents {
		if chance(r, 0.85) {
			d := randDate(r, day(2024, 2, 1), day(2025, 12, 31))
			add(&trainingRec{p: managerOf(e), e: e, role: "安全管理人员", prog: "判定标准学习", date: d, hours: 2, result: "通过",
				channel: pick(r, []string{"学习强安", "济宁应急", "线下"}, []float64{50, 30, 20})})
		}
	}

	// 工伤预防能力提升 (T66–T68): hazchem units by 2024-10-31, the five other
	// industries 60% by the end of 2024 and the rest in 2025.
	injury := func(e *enterprise) bool {
		c, p := e.Industry.Code, e.Industry.ParentCode
		return p == "HC" || c == "MINE" || c == "IT.BM" || p == "CONS" || c == "ROAD" || c == "HC.TRAN" || c == "IT.MECH"
	}
	var scope []*enterprise
	for _, e := range g.ents {
		if injury(e) {
			scope = append(scope, e)
		}
	}
	if len(scope) > 0 {
		for range g.scaled(injuryQuotaScale, 20) {
			e := scope[r.IntN(len(scope))]
			var d time.Time
			if e.Industry.ParentCode == "HC" {
				d = randDate(r, day(2024, 3, 1), day(2024, 10, 31))
			} else if chance(r, 0.62) {
				d = randDate(r, day(2024, 3, 1), day(2024, 12, 31))
			} else {
				d = randDate(r, day(2025, 1, 1), day(2025, 12, 31))
			}
			role := pick(r, []string{"主要负责人", "安全管理人员", "从业人员"}, []float64{15, 30, 55})
			p := newPerson(r)
			switch role {
			case "主要负责人":
				p = principalOf(e)
			case "安全管理人员":
				p = managerOf(e)
			}
			add(&trainingRec{p: p, e: e, role: role, prog: "工伤预防能力提升", date: d, hours: oneOf(r, 16.0, 24.0)})
		}
	}

	// 特种作业 certificates: issued or renewed, valid six years.
	var industrial []*enterprise
	for _, e := range g.ents {
		if strings.HasPrefix(e.Industry.Code, "IT") || strings.HasPrefix(e.Industry.Code, "CONS") || e.Industry.Code == "MINE" || e.Industry.ParentCode == "HC" {
			industrial = append(industrial, e)
		}
	}
	for i := range g.scaled(specialOpsAtScale, 10) {
		e := industrial[r.IntN(len(industrial))]
		d := workday(r, randDate(r, periodStart, periodEnd), periodEnd)
		prog := pick(r, []string{"特种作业取证", "特种作业复审"}, []float64{60, 40})
		t := &trainingRec{p: newPerson(r), e: e, role: "特种作业人员", prog: prog, date: d, hours: oneOf(r, 24.0, 32.0, 48.0)}
		t.result = pick(r, []string{"通过", "未通过"}, []float64{88, 12})
		if t.result == "通过" {
			t.cert = fmt.Sprintf("T%s%s%04d", t.p.idNo[:6], d.Format("200601"), i%10000)
			t.until = d.AddDate(6, 0, 0)
		}
		add(t)
	}

	sort.SliceStable(recs, func(i, j int) bool { return recs[i].date.Before(recs[j].date) })
	return g.writeTraining(r, recs)
}

func (g *gen) writeTraining(r *rand.Rand, recs []*trainingRec) error {
	const file = "training/records.json"
	out := make([]trainingJSON, 0, len(recs))
	seq := map[int]int{}
	for i, t := range recs {
		seq[t.date.Year()]++
		no := fmt.Sprintf("PX%d%05d", t.date.Year(), seq[t.date.Year()])
		id, idIssue := sloppyID(r, t.p)
		phone, phIssue := sloppyPhone(r, t.p)
		for _, issue := range []string{idIssue, phIssue} {
			if issue != "" {
				// Line i+2: the array's "[" is line 1, one record per line.
				g.addTrap(trap{File: file, Row: i + 2, Key: no, Kind: "pii_format", Expect: "map", Detail: issue + ": normalise before hashing"})
			}
		}
		uscc := ""
		if t.e != nil {
			uscc = t.e.USCC
		}
		var cohort *int
		if t.cohort > 0 {
			cohort = &t.cohort
		}
		rec := trainingJSON{RecordNo: no, Name: t.p.name, IDNo: id, Phone: phone, USCC: uscc, Unit: t.unit, Role: t.role,
			Program: t.prog, Cohort: cohort, Date: ymd(t.date), Hours: t.hours, Result: t.result, CertNo: t.cert,
			CertUntil: optDate(t.until), Provider: t.prov, Channel: t.channel}
		out = append(out, rec)
	}
	b, err := jsonArrayLines(out)
	if err != nil {
		return err
	}
	g.sum.Rows["training"] = len(out)
	return g.writeFile(file, b)
}

// jsonArrayLines renders a JSON array with one element per line, which keeps
// big exports diffable and line numbers meaningful.
func jsonArrayLines[T any](xs []T) ([]byte, error) {
	var buf bytes.Buffer
	buf.WriteString("[\n")
	for i, x := range xs {
		var line bytes.Buffer
		enc := json.NewEncoder(&line)
		enc.SetEscapeHTML(false)
		if err := enc.Encode(x); err != nil {
			return nil, err
		}
		buf.Write(bytes.TrimRight(line.Bytes(), "\n"))
		if i < len(xs)-1 {
			buf.WriteByte(',')
		}
		buf.WriteByte('\n')
	}
	buf.WriteString("]\n")
	return buf.Bytes(), nil
}
