package samplegen

import (
	"fmt"
	"math"
	"math/rand/v2"
	"sort"
	"strconv"
	"strings"
	"time"

	"safetydw/warehouse/refdata"
)

// enterprise is one 生产经营单位 with its location and status history, so
// that every other domain can ask where it was and whether it was open on a
// given day.
type enterprise struct {
	USCC, Name  string
	Industry    refdata.Industry
	DeptCode    string
	Scale       string // 规上 | 规下 | 小微 | 个体
	Employees   int
	Opened      time.Time
	DustType    string
	DustWorkers int
	MHS         bool // 重大危险源
	HCProducer  bool
	StdGrade    string // 一级 | 二级 | 三级 | 无
	MineID      string
	history     []entState // ascending by from; history[0].from == Opened
}

type entState struct {
	from     time.Time
	status   string // 在营 | 停产 | 停产整顿 | 关闭
	townCode string
	parkCode string // "" when outside any park
}

// at returns the state on day d; false before the enterprise opened.
func (e *enterprise) at(d time.Time) (entState, bool) {
	if d.Before(e.Opened) {
		return entState{}, false
	}
	st := e.history[0]
	for _, h := range e.history[1:] {
		if h.from.After(d) {
			break
		}
		st = h
	}
	return st, true
}

func (e *enterprise) current() entState { return e.history[len(e.history)-1] }

// operatingAt reports whether the unit was open and working on day d.
func (e *enterprise) operatingAt(d time.Time) bool {
	st, ok := e.at(d)
	return ok && st.status == "在营"
}

// closedOn is the 注销 date, zero if the unit is not closed.
func (e *enterprise) closedOn() time.Time {
	if c := e.current(); c.status == "关闭" {
		return c.from
	}
	return time.Time{}
}

func (e *enterprise) highRisk() bool { return e.Industry.IsHighRisk }

// industryMix is the number of units per industry at Scale 1, after the fixed
// units (4 coal mines, 6 hazchem producers, the oil depot); domain.md §3.
// Whatever remains of the 6,000 goes to OTHER.
var industryMix = []struct {
	code string
	n    float64
}{
	{"HC.OPER", 10}, {"HC.STOR", 5}, {"HC.TRAN", 15}, {"HC.USE", 45},
	{"OILGAS", 75}, {"FW", 80},
	{"IT.DUST", 100}, {"IT.NH3", 20}, {"IT.CS", 400}, {"IT.LAB", 150}, {"IT.MECH", 150}, {"IT.BM", 80},
	{"CONS.HB", 150}, {"CONS.MUNI", 70}, {"GAS", 15}, {"ROAD", 35},
	{"FIRE", 127}, {"FIRE.HOSP", 8}, {"FIRE.ELDER", 30}, {"FIRE.SCHOOL", 30}, {"FIRE.RELIC", 10}, {"FIRE.MALL", 15},
	{"SEWAGE", 10}, {"GRAIN", 8}, {"LOGI", 12}, {"POWER", 10}, {"WATER", 20},
	{"SE", 150}, {"AGRI", 100}, {"POST", 30}, {"SELFBLD", 400},
}

const enterprisesAtScale1 = 6000

// hcProducers are the six 危险化学品生产企业 named in the plan (domain.md
// dim_hc_producer), exactly as written there, with the park they sit in.
var hcProducers = []struct{ name, park string }{
	{"山东兖矿国际焦化有限公司", "P03"},
	{"山东华胜能源有限公司", "P03"},
	{"济宁市兖州区银泉精细化工有限公司", "P03"},
	{"山东百盛生物科技有限公司", "P03"},
	{"凯米拉化学品（兖州）有限公司", "P02"},
	{"凯米拉天成万丰化学品（兖州）有限公司", "P02"},
}

const oilDepotName = "中国石油天然气股份有限公司山东济宁销售分公司兖州油库"

// townWeight spreads units over the towns by sort order: the old town centre
// and the development zone hold more units than the rural towns.
var townWeight = []float64{1.3, 1.25, 1.0, 0.9, 1.15, 0.8, 0.8, 1.0, 0.8, 0.7}

func (g *gen) townWeights() []float64 {
	w := make([]float64, len(g.towns))
	for i, t := range g.towns {
		w[i] = 1
		if t.SortOrder >= 1 && t.SortOrder <= len(townWeight) {
			w[i] = townWeight[t.SortOrder-1]
		}
	}
	return w
}

func (g *gen) registry() error {
	r := g.rng("registry")
	names := newNamer()
	usccs := map[string]bool{}
	newUSCC := func(opened time.Time) string {
		for {
			u := makeUSCC(r, opened)
			if !usccs[u] {
				usccs[u] = true
				return u
			}
		}
	}
	industry := func(code string) (refdata.Industry, error) {
		in, ok := g.industries[code]
		if !ok {
			return in, fmt.Errorf("industry %s missing from refdata", code)
		}
		return in, nil
	}

	// Fixed units first: they exist at every scale.
	mineInd, err := industry("MINE")
	if err != nil {
		return err
	}
	for _, m := range g.mines {
		p := mineProfileFor(m.ID)
		name := m.Name
		if m.Operator != "" {
			name = m.Operator + m.Name
		}
		e := &enterprise{
			Name: name, Industry: mineInd, DeptCode: g.leadDept(mineInd), Scale: "规上",
			Employees: p.staff, Opened: day(p.opened, 12, 1), StdGrade: p.stdGrade, MineID: m.ID,
		}
		e.history = []entState{{from: e.Opened, status: "在营", townCode: m.TownCode}}
		e.USCC = newUSCC(e.Opened)
		names.reserve(e.Name)
		g.ents = append(g.ents, e)
	}
	hcInd, err := industry("HC.PROD")
	if err != nil {
		return err
	}
	for i, h := range hcProducers {
		pk := g.park(h.park)
		if pk == nil {
			pk = g.firstPark(func(p refdata.Park) bool { return p.IsChemical })
		}
		e := &enterprise{
			Name: h.name, Industry: hcInd, DeptCode: g.leadDept(hcInd), Scale: "规上",
			Employees: between(r, 180, 1600), Opened: day(2003+i*2, between(r, 1, 12), between(r, 1, 28)),
			MHS: i != 3, HCProducer: true, StdGrade: oneOf(r, "二级", "二级", "三级"),
		}
		st := entState{from: e.Opened, status: "在营"}
		if pk != nil {
			st.townCode, st.parkCode = pk.TownCode, pk.Code
		} else {
			st.townCode = g.towns[0].Code
		}
		e.history = []entState{st}
		e.USCC = newUSCC(e.Opened)
		names.reserve(e.Name)
		g.ents = append(g.ents, e)
	}
	if oil, ok := g.industries["OILGAS"]; ok {
		e := &enterprise{
			Name: oilDepotName, Industry: oil, DeptCode: g.leadDept(oil), Scale: "规上",
			Employees: 46, Opened: day(1996, 6, 18), MHS: true, StdGrade: "二级",
		}
		e.history = []entState{{from: e.Opened, status: "在营", townCode: g.townAt(3)}}
		e.USCC = newUSCC(e.Opened)
		names.reserve(e.Name)
		g.ents = append(g.ents, e)
	}
	fixed := len(g.ents)

	// The mix, scaled; every listed industry keeps at least one unit.
	total := g.scaled(enterprisesAtScale1, fixed)
	type slot struct {
		in refdata.Industry
		n  int
	}
	var slots []slot
	used := fixed
	for _, m := range industryMix {
		in, ok := g.industries[m.code]
		if !ok {
			continue // refdata dropped the industry: its share goes to OTHER
		}
		n := g.scaled(m.n, 1)
		slots = append(slots, slot{in, n})
		used += n
	}
	other, err := industry("OTHER")
	if err != nil {
		return err
	}
	if total > used {
		slots = append(slots, slot{other, total - used})
	}
	tw := g.townWeights()
	for _, s := range slots {
		for range s.n {
			g.ents = append(g.ents, g.newEnterprise(r, names, s.in, tw, newUSCC))
		}
	}
	// Shuffle the generated units (not the fixed ones) so that the file is not
	// sorted by industry, as no real registry export is.
	rest := g.ents[fixed:]
	r.Shuffle(len(rest), func(i, j int) { rest[i], rest[j] = rest[j], rest[i] })

	changes := g.addHistory(r)
	return g.writeRegistry(changes)
}

func (g *gen) firstPark(ok func(refdata.Park) bool) *refdata.Park {
	for i := range g.parks {
		if ok(g.parks[i]) {
			return &g.parks[i]
		}
	}
	return nil
}

// townAt returns the code of the town with the given sort order, or the first
// town if there is none.
func (g *gen) townAt(sortOrder int) string {
	for _, t := range g.towns {
		if t.SortOrder == sortOrder {
			return t.Code
		}
	}
	return g.towns[0].Code
}

// leadDept is the supervising department of an industry, falling back to its
// parent and then to 应急局 (the 综合监管 department) for 其他.
func (g *gen) leadDept(in refdata.Industry) string {
	for c := in; ; {
		if c.LeadDeptCode != "" {
			return c.LeadDeptCode
		}
		p, ok := g.industries[c.ParentCode]
		if !ok {
			break
		}
		c = p
	}
	if _, ok := g.depts["D15"]; ok {
		return "D15"
	}
	return g.deptList[0].Code
}

func (g *gen) newEnterprise(r *rand.Rand, names *namer, in refdata.Industry, tw []float64, newUSCC func(time.Time) string) *enterprise {
	e := &enterprise{Industry: in, DeptCode: g.leadDept(in)}
	if chance(r, 0.10) {
		e.Opened = randDate(r, periodStart, day(2026, 10, 31))
	} else {
		y := 1990 + int(32*math.Sqrt(r.Float64()))
		e.Opened = day(y, between(r, 1, 12), between(r, 1, 28))
	}
	e.Scale = scaleFor(r, in.Code)
	e.Employees = employeesFor(r, e.Scale)
	if in.Code == "IT.DUST" {
		e.DustType = pick(r, []string{"金属", "木", "粮食", "饲料", "塑料", "纺织", "其他"},
			[]float64{35, 25, 15, 10, 5, 5, 5})
		// "10人以上" includes 10: some units sit exactly on the line.
		e.DustWorkers = pick(r, []int{between(r, 2, 9), 10, between(r, 11, 60)}, []float64{40, 10, 50})
		if e.DustWorkers > e.Employees {
			e.Employees = e.DustWorkers + between(r, 2, 40)
		}
	}
	switch {
	case strings.HasPrefix(in.Code, "HC."):
		e.MHS = chance(r, 0.25)
	case in.Code == "OILGAS":
		e.MHS = chance(r, 0.05)
	case in.Code == "IT.NH3":
		e.MHS = chance(r, 0.15)
	}
	e.StdGrade = stdGradeFor(r, e)
	st := entState{from: e.Opened, status: "在营"}
	st.townCode = pick(r, g.towns, tw).Code
	if p := g.parkFor(r, in); p != nil {
		st.townCode, st.parkCode = p.TownCode, p.Code
	}
	e.history = []entState{st}
	e.Name = names.name(r, e, g.town(st.townCode))
	e.USCC = newUSCC(e.Opened)
	return e
}

// parkFor decides whether a new unit sits in a park: hazchem units mostly in
// the chemical park, industrial units often in the development zones.
func (g *gen) parkFor(r *rand.Rand, in refdata.Industry) *refdata.Park {
	if len(g.parks) == 0 {
		return nil
	}
	var chem, other []refdata.Park
	for _, p := range g.parks {
		if p.IsChemical {
			chem = append(chem, p)
		} else {
			other = append(other, p)
		}
	}
	c := in.Code
	switch {
	case (c == "HC.USE" || c == "HC.STOR" || c == "HC.OPER") && len(chem) > 0 && chance(r, 0.55):
		p := oneOf(r, chem...)
		return &p
	case (strings.HasPrefix(c, "IT.") || c == "LOGI" || c == "HC.USE") && len(other) > 0 && chance(r, 0.3):
		p := oneOf(r, other...)
		return &p
	case chance(r, 0.02):
		p := oneOf(r, g.parks...)
		return &p
	}
	return nil
}

func scaleFor(r *rand.Rand, code string) string {
	sc := []string{"规上", "规下", "小微", "个体"}
	switch {
	case strings.HasPrefix(code, "HC.") || code == "POWER" || code == "FIRE.HOSP" || code == "GRAIN":
		return pick(r, sc, []float64{50, 40, 10, 0})
	case strings.HasPrefix(code, "IT.") || strings.HasPrefix(code, "CONS") || code == "LOGI" || code == "FIRE.MALL":
		return pick(r, sc, []float64{30, 40, 30, 0})
	case code == "SELFBLD" || code == "FW":
		return pick(r, sc, []float64{0, 0, 30, 70})
	case code == "OTHER" || code == "AGRI":
		return pick(r, sc, []float64{5, 15, 55, 25})
	}
	return pick(r, sc, []float64{15, 40, 40, 5})
}

func employeesFor(r *rand.Rand, scale string) int {
	logUniform := func(lo, hi float64) int {
		return int(math.Round(math.Exp(math.Log(lo) + r.Float64()*(math.Log(hi)-math.Log(lo)))))
	}
	switch scale {
	case "规上":
		return logUniform(80, 1500)
	case "规下":
		return logUniform(15, 200)
	case "小微":
		return logUniform(3, 50)
	}
	return between(r, 1, 8)
}

func stdGradeFor(r *rand.Rand, e *enterprise) string {
	g := []string{"一级", "二级", "三级", "无"}
	switch {
	case e.Scale == "个体":
		return "无"
	case e.highRisk() && e.Scale == "规上":
		return pick(r, g, []float64{3, 30, 55, 12})
	case e.Scale == "规上":
		return pick(r, g, []float64{0, 10, 55, 35})
	case e.highRisk():
		return pick(r, g, []float64{0, 5, 45, 50})
	case e.Scale == "小微":
		return pick(r, g, []float64{0, 0, 5, 95})
	}
	return pick(r, g, []float64{0, 1, 20, 79})
}

// statusChange is one row of enterprise_status_changes.csv.
type statusChange struct {
	uscc               string
	date               time.Time
	oldStatus, newStat string
	oldUnit, newUnit   string // town or park name
}

// addHistory gives some units status changes and moves inside the period and
// returns them as the registry's change log.
func (g *gen) addHistory(r *rand.Rand) []statusChange {
	var out []statusChange
	lastDay := periodEnd.AddDate(0, 0, -10)
	var cands []*enterprise
	for _, e := range g.ents {
		fixed := e.MineID != "" || e.HCProducer || e.Name == oilDepotName
		if !fixed && maxDate(e.Opened.AddDate(0, 0, 120), periodStart).Before(lastDay) {
			cands = append(cands, e)
		}
	}
	add := func(e *enterprise, d time.Time, st entState) {
		cur := e.current()
		st.from = d
		sc := statusChange{uscc: e.USCC, date: d}
		if st.status != cur.status {
			sc.oldStatus, sc.newStat = cur.status, st.status
		}
		if st.townCode != cur.townCode || st.parkCode != cur.parkCode {
			sc.oldUnit, sc.newUnit = g.unitName(cur), g.unitName(st)
		}
		e.history = append(e.history, st)
		out = append(out, sc)
	}
	first := func(e *enterprise) time.Time {
		return maxDate(e.current().from.AddDate(0, 0, 120), periodStart)
	}

	// Moves first, so that a later closure closes the unit where it then was.
	// Industrial units move into a park (the trap: the change log writes the
	// park in the 镇街 column), a few leave one, a few change town.
	intoPark, outOfPark, otherTown := g.scaled(60, 4), g.scaled(20, 2), g.scaled(20, 1)
	for _, i := range r.Perm(len(cands)) {
		e := cands[i]
		st := e.current()
		switch {
		case st.parkCode != "" && outOfPark > 0:
			st.parkCode = ""
			outOfPark--
		case st.parkCode == "" && intoPark > 0 && len(g.parks) > 0 && strings.HasPrefix(e.Industry.Code, "IT."):
			p := oneOf(r, g.parks...)
			st.townCode, st.parkCode = p.TownCode, p.Code
			intoPark--
		case st.parkCode == "" && otherTown > 0:
			for st.townCode == e.current().townCode {
				st.townCode = oneOf(r, g.towns...).Code
			}
			otherTown--
		default:
			continue
		}
		add(e, randDate(r, first(e), lastDay), st)
	}

	for _, e := range cands {
		from := first(e)
		if len(e.history) > 1 {
			from = e.current().from.AddDate(0, 0, 30)
		}
		if !from.Before(lastDay) {
			continue
		}
		with := func(status string) entState { st := e.current(); st.status = status; return st }
		switch y := r.Float64(); {
		case y < 0.04: // closed, half of them after a spell of 停产
			d := randDate(r, from, lastDay)
			if chance(r, 0.5) && d.Sub(from) > 90*24*time.Hour {
				add(e, randDate(r, from, d.AddDate(0, 0, -60)), with("停产"))
			}
			add(e, d, with("关闭"))
		case y < 0.06: // still 停产 today
			add(e, randDate(r, from, lastDay), with("停产"))
		case y < 0.085: // 停产, then back in business
			d := randDate(r, from, lastDay)
			add(e, d, with("停产"))
			if back := d.AddDate(0, 0, between(r, 30, 240)); back.Before(lastDay) {
				add(e, back, with("在营"))
			}
		case y < 0.10: // ordered to suspend for rectification (停产整顿)
			d := randDate(r, from, lastDay)
			add(e, d, with("停产整顿"))
			if back := d.AddDate(0, 0, between(r, 20, 120)); back.Before(lastDay) && chance(r, 0.8) {
				add(e, back, with("在营"))
			}
		}
	}
	sort.SliceStable(out, func(i, j int) bool {
		if !out[i].date.Equal(out[j].date) {
			return out[i].date.Before(out[j].date)
		}
		return out[i].uscc < out[j].uscc
	})
	return out
}

// unitName is what the change log writes as 镇街: the park when the unit is in
// one, else the town.
func (g *gen) unitName(st entState) string {
	if st.parkCode != "" {
		if p := g.park(st.parkCode); p != nil {
			return p.Name
		}
	}
	return g.town(st.townCode).Name
}

var registryHeader = []string{"统一社会信用代码", "单位名称", "所属镇街", "所属园区", "行业类别", "监管部门", "规模",
	"从业人数", "状态", "成立日期", "注销日期", "粉尘类型", "涉粉作业人数", "重大危险源", "危化品生产企业", "标准化等级"}

func (g *gen) writeRegistry(changes []statusChange) error {
	rows := make([][]string, 0, len(g.ents))
	for _, e := range g.ents {
		c := e.current()
		park := ""
		if c.parkCode != "" {
			park = g.park(c.parkCode).Name
		}
		closed := ""
		if d := e.closedOn(); !d.IsZero() {
			closed = ymd(d)
		}
		dustWorkers := ""
		if e.DustType != "" {
			dustWorkers = strconv.Itoa(e.DustWorkers)
		}
		rows = append(rows, []string{
			e.USCC, e.Name, g.town(c.townCode).Name, park, e.Industry.Name, g.deptName(e.DeptCode), e.Scale,
			strconv.Itoa(e.Employees), c.status, ymd(e.Opened), closed, e.DustType, dustWorkers,
			yesNo(e.MHS), yesNo(e.HCProducer), e.StdGrade,
		})
	}
	b, err := csvBytes(encUTF8BOM, registryHeader, rows)
	if err != nil {
		return err
	}
	if err := g.writeFile("registry/enterprises.csv", b); err != nil {
		return err
	}
	g.sum.Rows["enterprises"] = len(rows)

	crows := make([][]string, 0, len(changes))
	for i, c := range changes {
		crows = append(crows, []string{c.uscc, ymd(c.date), c.oldStatus, c.newStat, c.oldUnit, c.newUnit})
		if g.isParkName(c.oldUnit) != g.isParkName(c.newUnit) {
			g.addTrap(trap{File: "registry/enterprise_status_changes.csv", Row: i + 2, Key: c.uscc,
				Kind: "town_park_move", Expect: "map",
				Detail: fmt.Sprintf("moves from %s to %s on %s: a park name in the 镇街 column; territorial unit changes from that day", c.oldUnit, c.newUnit, ymd(c.date))})
		}
	}
	b, err = csvBytes(encUTF8, []string{"统一社会信用代码", "变更日期", "原状态", "新状态", "原镇街", "新镇街"}, crows)
	if err != nil {
		return err
	}
	g.sum.Rows["enterprise_status_changes"] = len(crows)
	return g.writeFile("registry/enterprise_status_changes.csv", b)
}

func (g *gen) isParkName(s string) bool {
	for _, p := range g.parks {
		if p.Name == s {
			return true
		}
	}
	return false
}

// --- USCC -----------------------------------------------------------------

// usccAlphabet is the GB 32100-2015 character set (no I, O, S, V, Z).
const usccAlphabet = "0123456789ABCDEFGHJKLMNPQRTUWXY"

// makeUSCC returns a 统一社会信用代码 that passes both check digits:
// 9 (registered by 市场监管) 1 (企业), area 370812, a 9-character
// organisation code (GB 11714 check digit) and the GB 32100 check digit.
// Units registered after the 2015 reform get the "MA" organisation codes
// issued since; older ones keep their all-digit codes.
func makeUSCC(r *rand.Rand, opened time.Time) string {
	var body []byte
	if opened.Year() >= 2016 {
		body = append(body, 'M', 'A')
		for range 6 {
			body = append(body, usccAlphabet[r.IntN(len(usccAlphabet))])
		}
	} else {
		for range 8 {
			body = append(body, byte('0'+r.IntN(10)))
		}
	}
	org := string(body) + string(orgCheck(body))
	s := "91370812" + org
	return s + string(usccCheck(s))
}

// orgCheck is the GB 11714 check character of an 8-character organisation
// code body.
func orgCheck(body []byte) byte {
	weights := []int{3, 7, 9, 10, 5, 8, 4, 2}
	sum := 0
	for i, c := range body {
		v := int(c - '0')
		if c >= 'A' && c <= 'Z' {
			v = int(c-'A') + 10
		}
		sum += v * weights[i]
	}
	switch c := 11 - sum%11; c {
	case 10:
		return 'X'
	case 11:
		return '0'
	default:
		return byte('0' + c)
	}
}

// usccCheck is the GB 32100 check character of the first 17 characters.
func usccCheck(s17 string) byte {
	sum, w := 0, 1
	for i := 0; i < 17; i++ {
		sum += strings.IndexByte(usccAlphabet, s17[i]) * w
		w = w * 3 % 31
	}
	return usccAlphabet[(31-sum%31)%31]
}

// validUSCC reports whether s is 18 characters with a correct check digit.
func validUSCC(s string) bool {
	if len(s) != 18 {
		return false
	}
	for i := 0; i < 18; i++ {
		if strings.IndexByte(usccAlphabet, s[i]) < 0 {
			return false
		}
	}
	return usccCheck(s[:17]) == s[17]
}
