package samplegen

import (
	"fmt"
	"math"
	"math/rand/v2"
	"runtime"
	"slices"
	"sort"
	"strconv"
	"time"

	"golang.org/x/sync/errgroup"

	"safetydw/warehouse/refdata"
)

// drillsPerYearAtScale1 is domain.md §3's realistic yearly volume.
const drillsPerYearAtScale1 = 12000

// sibuShare is the share of enterprise drills with all four 四不 flags, by
// year: below the 40% target before the plan, around the 2024/2025 targets
// after it, well up in 2026.
var sibuShare = map[int]float64{2023: 0.25, 2024: 0.42, 2025: 0.52, 2026: 0.70}

// partialShare is the share of drills that tick only two or three of the four
// flags: they look like 四不 drills at a glance but are not (the trap).
const partialShare = 0.10

// townSibuOffsets spread the towns around the district share; shuffled over
// the towns, so some towns miss the target every year.
var townSibuOffsets = []float64{-0.13, -0.09, -0.05, -0.02, 0, 0.02, 0.03, 0.05, 0.08, 0.11}

var drillHeader = []string{"演练编号", "统一社会信用代码", "单位名称", "所属镇街", "组织方", "演练日期", "演练类型", "演练场景",
	"疏散逃生", "不提前通知", "不设定脚本", "不预设场景", "不预设地点", "参演人数", "部门核实"}

// Column indexes in drillHeader.
const (
	dcID = iota
	dcUSCC
	dcName
	dcTown
	dcOrg
	dcDate
	dcType
	dcScene
	dcEvac
	dcFlag1 // 不提前通知; the four 四不 flags are dcFlag1..dcFlag1+3
	_
	_
	_
	dcPeople
	dcVerified
)

// drillFormat is how one town keeps its drill ledger.
type drillFormat struct {
	enc       textEnc
	xlsx      bool
	dateStyle string // iso 2024-03-05 | slash 2024/3/5 | cn 2024年3月5日 | dot 2024.03.05 | xl-iso / xl-slash (Excel dates)
	checkMark bool   // flags as √ and empty instead of 是/否
	header    []string
}

// drillFormatFor returns the format of the town with the given sort order.
func drillFormatFor(sortOrder int) drillFormat {
	h := slices.Clone(drillHeader)
	f := drillFormat{enc: encUTF8, dateStyle: "iso", header: h}
	switch sortOrder {
	case 1:
		f.enc = encGBK
	case 2:
		f.enc, f.dateStyle = encGBK, "slash"
	case 3:
		f.enc, f.dateStyle = encGBK, "cn"
		h[dcDate] = "演练时间"
	case 4:
		f.enc, f.dateStyle = encGBK, "dot"
	case 5:
		f.dateStyle, f.checkMark = "slash", true
	case 6:
		h[dcTown], h[dcPeople] = "镇街", "参加人数"
	case 7:
		f.enc, f.dateStyle = encUTF8BOM, "cn"
	case 8:
		f.xlsx, f.dateStyle = true, "xl-iso"
	case 9:
		f.xlsx, f.dateStyle = true, "xl-slash"
		h[dcDate] = "演练时间"
	case 10:
		f.xlsx, f.dateStyle = true, "slash"
	}
	return f
}

func (f drillFormat) ext() string {
	if f.xlsx {
		return "xlsx"
	}
	return "csv"
}

// formatDate writes a (possibly impossible) y-m-d the way the town does.
func formatDate(style string, y, m, d int) string {
	switch style {
	case "slash", "xl-slash":
		return fmt.Sprintf("%d/%d/%d", y, m, d)
	case "cn":
		return fmt.Sprintf("%d年%d月%d日", y, m, d)
	case "dot":
		return fmt.Sprintf("%d.%02d.%02d", y, m, d)
	}
	return fmt.Sprintf("%d-%02d-%02d", y, m, d)
}

type drill struct {
	id           string
	e            *enterprise // the unit drilled; nil for a government drill without a host unit
	unitName     string
	org          string // 企业 | 部门 | 镇街 | 园区
	date         time.Time
	dtype, scene string
	evac         bool
	flags        [4]bool
	people       int
	verified     bool
	townCol      string
}

// Kinds of bad rows, handed out in turn so that every kind shows up.
var badDrillKinds = []string{"bad_date", "unknown_town", "negative_participants", "bad_flag", "empty_id"}

// foreignTown belongs to 济宁高新区, not to 兖州: the ETL must reject it.
const foreignTown = "黄屯街道"

func (g *gen) drills() error {
	tr := g.rng("drills/towns")
	offsets := slices.Clone(townSibuOffsets)
	tr.Shuffle(len(offsets), func(i, j int) { offsets[i], offsets[j] = offsets[j], offsets[i] })
	activity := make([]float64, len(g.towns))
	for i := range g.towns {
		activity[i] = 0.85 + tr.Float64()*0.3
	}
	offsetOf := func(i int) float64 { return offsets[i%len(offsets)] }

	// One exact duplicate in one CSV file and one XLSX file.
	type fileKey struct {
		year int
		town string
	}
	dupFiles := map[fileKey]bool{}
	var csvTowns, xlsxTowns []refdata.Town
	for _, t := range g.towns {
		if drillFormatFor(t.SortOrder).xlsx {
			xlsxTowns = append(xlsxTowns, t)
		} else {
			csvTowns = append(csvTowns, t)
		}
	}
	ys := years()
	for _, group := range [][]refdata.Town{csvTowns, xlsxTowns} {
		if len(group) > 0 {
			dupFiles[fileKey{oneOf(tr, ys...), oneOf(tr, group...).Code}] = true
		}
	}

	badTurn := 0
	total := 0
	for _, y := range ys {
		from, to := yearSpan(y)
		yearDays := float64(day(y, 12, 31).YearDay())
		nYear := float64(drillsPerYearAtScale1) * g.opt.Scale * (to.Sub(from).Hours()/24 + 1) / yearDays
		mid := from.Add(to.Sub(from) / 2)
		weights := make([]float64, len(g.towns))
		sumW := 0.0
		for i, t := range g.towns {
			for _, e := range g.ents {
				if st, ok := e.at(mid); ok && st.status == "在营" && st.townCode == t.Code {
					weights[i] += drillWeight(e)
				}
			}
			weights[i] *= activity[i]
			sumW += weights[i]
		}
		ns := make([]int, len(g.towns))
		// Centre the offsets on this year's drill counts, so the district
		// share stays on design whichever town drew the low offset.
		centre, nAll := 0.0, 0
		for i := range g.towns {
			ns[i] = int(math.Round(nYear * weights[i] / sumW))
			centre += offsetOf(i) * float64(ns[i])
			nAll += ns[i]
		}
		centre /= float64(max(nAll, 1))
		// Each town's drills come from a random stream of its own, so the towns are drawn side by
		// side (listing the units open on each drill day is the generator's costliest loop), then
		// rendered in order: the bad rows are handed out in turn across the towns.
		streams := make([]*rand.Rand, len(g.towns))
		drawn := make([][]*drill, len(g.towns))
		var towns errgroup.Group
		towns.SetLimit(runtime.GOMAXPROCS(0))
		for i, t := range g.towns {
			r := g.rng(fmt.Sprintf("drills/%s/%d", t.Code, y))
			share := sibuShare[y] + offsetOf(i) - centre + (r.Float64()-0.5)*0.03
			streams[i] = r
			towns.Go(func() error {
				drawn[i] = g.townDrills(r, t, y, ns[i], math.Max(0.05, math.Min(0.95, share)))
				return nil
			})
		}
		towns.Wait()
		for i, t := range g.towns {
			f := drillFormatFor(t.SortOrder)
			rel := fmt.Sprintf("drills/%d/%s.%s", y, t.Code, f.ext())
			rows, err := g.renderDrills(streams[i], rel, t, y, f, drawn[i], &badTurn, dupFiles[fileKey{y, t.Code}])
			if err != nil {
				return err
			}
			total += len(rows)
			if f.xlsx {
				title := fmt.Sprintf("%s%d年应急演练台账", t.Name, y)
				g.writeXLSX(rel, sheet{name: "演练台账", title: title, header: f.header, rows: rows, dateFmt: xlDateFmt(f.dateStyle),
					widths: map[int]float64{1: 22, 2: 21, 3: 36, 4: 12, 6: 12, 8: 10}})
				continue
			}
			b, err := csvBytes(f.enc, f.header, toStrings(rows))
			if err != nil {
				return fmt.Errorf("%s: %w", rel, err)
			}
			if err := g.writeFile(rel, b); err != nil {
				return err
			}
		}
	}
	g.sum.Rows["drills"] = total
	return nil
}

func xlDateFmt(style string) string {
	switch style {
	case "xl-iso":
		return "yyyy-mm-dd"
	case "xl-slash":
		return "yyyy/m/d"
	}
	return ""
}

func toStrings(rows [][]any) [][]string {
	out := make([][]string, len(rows))
	for i, r := range rows {
		out[i] = make([]string, len(r))
		for j, v := range r {
			switch x := v.(type) {
			case string:
				out[i][j] = x
			case xlText:
				out[i][j] = string(x)
			case int:
				out[i][j] = strconv.Itoa(x)
			default:
				out[i][j] = fmt.Sprint(x)
			}
		}
	}
	return out
}

// drillWeight is how often a unit drills relative to a plain small business.
func drillWeight(e *enterprise) float64 {
	w := 1.0
	if e.highRisk() {
		w *= 2.5
	}
	switch e.Scale {
	case "规上":
		w *= 1.8
	case "小微":
		w *= 0.6
	case "个体":
		w *= 0.3
	}
	if e.MineID != "" {
		w *= 6
	}
	if e.HCProducer {
		w *= 4
	}
	return w
}

var drillMonthWeights = [12]float64{1, 0.6, 1, 1, 1, 2, 1, 0.9, 1, 1, 1.5, 1}

// townDrills draws n drills for one town and year, sorted by date, with
// share of the enterprise drills carrying all four 四不 flags.
func (g *gen) townDrills(r *rand.Rand, t refdata.Town, y, n int, share float64) []*drill {
	from, to := yearSpan(y)
	// The town's units with the stretches of days they operated in it, as Unix seconds: hostAt
	// lists them for every drill day, and walking each unit's history there made it the
	// generator's hottest loop. The units keep g.ents' order, which the draws depend on.
	type spell struct {
		from, to int64 // [from, to)
		park     string
	}
	type townUnit struct {
		e      *enterprise
		weight float64
		spells []spell
	}
	var inTown []townUnit
	for _, e := range g.ents {
		u := townUnit{e: e, weight: drillWeight(e)}
		opened := e.Opened.Unix()
		for i, h := range e.history {
			if h.status != "在营" || h.townCode != t.Code {
				continue
			}
			// As enterprise.at: state i holds from its own day (the first from the opening)
			// until the next state begins.
			sp := spell{from: max(h.from.Unix(), opened), to: math.MaxInt64, park: h.parkCode}
			if i == 0 {
				sp.from = opened
			}
			if i+1 < len(e.history) {
				sp.to = e.history[i+1].from.Unix()
			}
			if sp.from < sp.to {
				u.spells = append(u.spells, sp)
			}
		}
		if len(u.spells) > 0 {
			inTown = append(inTown, u)
		}
	}
	var townParks []refdata.Park
	for _, p := range g.parks {
		if p.TownCode == t.Code {
			townParks = append(townParks, p)
		}
	}
	// hostAt picks an operating unit of the town on day d, in dept or park when given. The
	// candidates of a (day, dept, park) are listed once: drills share days, and listing them
	// per drill made the generator quadratic in the scale.
	type hostKey struct {
		day        time.Time
		dept, park string
	}
	type hosts struct {
		es  []*enterprise
		cum []float64 // running sum of the drill weights, the last is the total
	}
	cache := map[hostKey]*hosts{}
	hostAt := func(d time.Time, dept, park string) *enterprise {
		k := hostKey{d, dept, park}
		h, ok := cache[k]
		if !ok {
			h = &hosts{es: make([]*enterprise, 0, len(inTown)), cum: make([]float64, 0, len(inTown))}
			sum := 0.0
			day := d.Unix()
			for _, u := range inTown {
				if dept != "" && u.e.DeptCode != dept {
					continue
				}
				for _, sp := range u.spells {
					if sp.from <= day && day < sp.to {
						if park == "" || sp.park == park {
							sum += u.weight
							h.es = append(h.es, u.e)
							h.cum = append(h.cum, sum)
						}
						break
					}
				}
			}
			cache[k] = h
		}
		if len(h.es) == 0 {
			return nil
		}
		return pickCumulative(r, h.es, h.cum)
	}

	var ds []*drill
	for range n {
		d := &drill{date: seasonalDate(r, from, to, drillMonthWeights)}
		d.date = workday(r, d.date, to)
		org := pick(r, []string{"企业", "部门", "镇街", "园区"}, []float64{85, 6, 5, 4})
		if org == "园区" && len(townParks) == 0 {
			org = "镇街"
		}
		d.org = org
		switch org {
		case "企业":
			d.e = hostAt(d.date, "", "")
			if d.e == nil {
				continue
			}
		case "部门":
			dept := pick(r, []string{"D15", "D20", "D07", "D08", "D16", "D17", "D13", "D04"}, []float64{30, 20, 10, 8, 8, 8, 8, 8})
			if chance(r, 0.6) {
				d.e = hostAt(d.date, dept, "")
			}
			if d.e == nil {
				d.unitName = g.deptName(dept)
				if d.unitName == "" {
					d.unitName = "区应急管理局"
				}
			}
		case "镇街":
			if t.Kind == "街道" {
				d.unitName = t.Name + "办事处"
			} else {
				d.unitName = t.Name + "人民政府"
			}
		case "园区":
			p := oneOf(r, townParks...)
			if chance(r, 0.5) {
				d.e = hostAt(d.date, "", p.Code)
			}
			if d.e == nil {
				d.unitName = p.Name + "管理委员会"
			}
		}
		if d.e != nil {
			d.unitName = d.e.Name
		}
		d.scene = drillScene(r, d.e)
		d.evac = chance(r, 0.25) || (d.scene == "火灾" && chance(r, 0.75))
		d.people = drillPeople(r, d.e)
		d.verified = org != "企业" || chance(r, 0.2+0.05*float64(y-2023))
		ds = append(ds, d)
	}
	sort.SliceStable(ds, func(i, j int) bool { return ds[i].date.Before(ds[j].date) })

	// Flags: exact counts per town-year rather than coin flips, so the
	// shares the dashboards show are the ones designed here.
	var ent, gov []*drill
	for _, d := range ds {
		if d.org == "企业" {
			ent = append(ent, d)
		} else {
			gov = append(gov, d)
		}
	}
	assignFlags(r, ent, share)
	assignFlags(r, gov, share*0.8)
	for _, d := range ds {
		sibu := d.flags == [4]bool{true, true, true, true}
		// 综合 drills are rarely run unannounced, which is why 2026 excludes them.
		p := 0.25
		if sibu {
			p = 0.08
		}
		d.dtype = pick(r, []string{"综合", "专项", "现场处置"}, []float64{p, (1 - p) * 0.55, (1 - p) * 0.45})
	}
	for i, d := range ds {
		d.id = fmt.Sprintf("YL-%s-%d-%04d", t.Code, y, i+1)
		d.townCol = g.drillTownColumn(r, t, d)
	}
	return ds
}

func assignFlags(r *rand.Rand, ds []*drill, share float64) {
	nSibu := int(math.Round(share * float64(len(ds))))
	nPartial := int(math.Round(partialShare * float64(len(ds))))
	if nSibu+nPartial > len(ds) {
		nPartial = len(ds) - nSibu
	}
	for k, i := range r.Perm(len(ds)) {
		d := ds[i]
		switch {
		case k < nSibu:
			d.flags = [4]bool{true, true, true, true}
		case k < nSibu+nPartial:
			on := between(r, 2, 3)
			for _, j := range r.Perm(4)[:on] {
				d.flags[j] = true
			}
		case chance(r, 0.3):
			d.flags[r.IntN(4)] = true
		}
	}
}

func drillScene(r *rand.Rand, e *enterprise) string {
	code := ""
	if e != nil {
		code = e.Industry.Code
		if p := e.Industry.ParentCode; p != "" && code != "IT.DUST" && code != "IT.CS" && code != "IT.NH3" {
			code = p
		}
	}
	type sw struct {
		s []string
		w []float64
	}
	var x sw
	switch code {
	case "MINE":
		x = sw{[]string{"火灾", "中毒窒息", "触电", "高处坠落"}, []float64{35, 35, 20, 10}}
	case "HC":
		x = sw{[]string{"泄漏", "火灾", "中毒窒息"}, []float64{50, 30, 20}}
	case "OILGAS", "GAS":
		x = sw{[]string{"泄漏", "火灾"}, []float64{50, 50}}
	case "IT.DUST":
		x = sw{[]string{"粉尘爆炸", "火灾"}, []float64{60, 40}}
	case "IT.CS", "SEWAGE":
		x = sw{[]string{"有限空间", "中毒窒息", "火灾"}, []float64{60, 30, 10}}
	case "IT.NH3":
		x = sw{[]string{"泄漏", "中毒窒息"}, []float64{60, 40}}
	case "CONS":
		x = sw{[]string{"高处坠落", "触电", "火灾"}, []float64{50, 20, 30}}
	case "POWER":
		x = sw{[]string{"触电", "火灾"}, []float64{60, 40}}
	default:
		x = sw{[]string{"火灾", "触电", "高处坠落"}, []float64{75, 15, 10}}
	}
	return pick(r, x.s, x.w)
}

func drillPeople(r *rand.Rand, e *enterprise) int {
	if e == nil {
		return between(r, 30, 300)
	}
	if e.MineID != "" {
		return between(r, 80, 400)
	}
	n := int(math.Round(float64(e.Employees) * (0.2 + r.Float64()*0.6)))
	return max(3, min(n, 400))
}

// drillTownColumn is what the clerk wrote as 所属镇街: mostly the official
// name, sometimes a form the ETL must map through refdata aliases, and for
// units in a park sometimes the park.
func (g *gen) drillTownColumn(r *rand.Rand, t refdata.Town, d *drill) string {
	known := func(kind, alias string) bool {
		for _, a := range refdata.Aliases() {
			if a.Kind == kind && a.Alias == alias {
				return true
			}
		}
		return false
	}
	if d.e != nil && t.SortOrder == 5 && chance(r, 0.3) {
		if st, _ := d.e.at(d.date); st.parkCode != "" {
			if p := g.park(st.parkCode); p != nil && known("park", p.Name) {
				return p.Name
			}
		}
	}
	var alias string
	p := 0.03
	switch t.SortOrder {
	case 1:
		alias, p = t.Name+"办事处", 0.15
	case 4:
		alias, p = townShort(t)+"镇", 0.2 // 兴隆庄 was a 镇 until it became a 街道
	case 5:
		alias, p = t.Name+"人民政府", 0.15
	default:
		alias = "兖州区" + t.Name
	}
	if chance(r, p) && known("town", alias) {
		return alias
	}
	return t.Name
}

// renderDrills turns drills into rows in the town's format, plants the bad
// rows and the duplicate, and records each in the trap list.
func (g *gen) renderDrills(r *rand.Rand, rel string, t refdata.Town, y int, f drillFormat, ds []*drill, badTurn *int, dup bool) ([][]any, error) {
	firstRow := 2 // the header is line 1
	if f.xlsx {
		firstRow = 3 // title row, then the header
	}
	flag := func(b bool) string {
		if f.checkMark {
			if b {
				return "√"
			}
			return ""
		}
		return yesNo(b)
	}
	render := func(d *drill) []any {
		uscc := ""
		if d.e != nil {
			uscc = d.e.USCC
		}
		var date any = formatDate(f.dateStyle, d.date.Year(), int(d.date.Month()), d.date.Day())
		if f.dateStyle == "xl-iso" || f.dateStyle == "xl-slash" {
			date = xlDate(d.date)
		}
		row := []any{d.id, uscc, d.unitName, d.townCol, d.org, date, d.dtype, d.scene, flag(d.evac),
			flag(d.flags[0]), flag(d.flags[1]), flag(d.flags[2]), flag(d.flags[3]), d.people, flag(d.verified)}
		return row
	}
	rows := make([][]any, len(ds))
	for i, d := range ds {
		rows[i] = render(d)
	}

	// Bad rows: none, one or two per file.
	nBad := pick(r, []int{0, 1, 2}, []float64{45, 40, 15})
	if len(rows) < 10 {
		nBad = 0
	}
	badAt := map[int]bool{}
	for _, i := range r.Perm(len(rows))[:nBad] {
		kind := badDrillKinds[*badTurn%len(badDrillKinds)]
		*badTurn++
		badAt[i] = true
		row := rows[i]
		var detail string
		switch kind {
		case "bad_date":
			s := formatDate(f.dateStyle, y, 2, 30)
			row[dcDate] = xlText(s)
			detail = fmt.Sprintf("%s %q does not exist", f.header[dcDate], s)
		case "unknown_town":
			row[dcTown] = foreignTown
			detail = fmt.Sprintf("%s %q is not a town of the district (it belongs to 济宁高新区)", f.header[dcTown], foreignTown)
		case "negative_participants":
			row[dcPeople] = -row[dcPeople].(int)
			detail = fmt.Sprintf("%s is %d", f.header[dcPeople], row[dcPeople].(int))
		case "bad_flag":
			c := dcFlag1 + r.IntN(4)
			row[c] = "不详"
			detail = fmt.Sprintf("%s is %q, neither yes nor no", f.header[c], "不详")
		case "empty_id":
			row[dcID] = ""
			detail = fmt.Sprintf("%s is empty (the drill on %s at %s)", f.header[dcID], ymd(ds[i].date), ds[i].unitName)
		}
		g.addTrap(trap{File: rel, Row: firstRow + i, Key: ds[i].id, Kind: kind, Expect: "quarantine", Detail: detail})
	}

	if dup && len(rows) > 1 {
		// The same drill submitted twice: an exact copy a few rows later.
		var src int
		for {
			src = r.IntN(len(rows) - 1)
			if !badAt[src] {
				break
			}
		}
		at := min(len(rows), src+1+between(r, 1, 5))
		cp := slices.Clone(rows[src])
		rows = slices.Insert(rows, at, cp)
		// Traps recorded so far for rows at or after the insert point move down.
		for k := range g.traps {
			tp := &g.traps[k]
			if tp.File == rel && tp.Row >= firstRow+at {
				tp.Row++
			}
		}
		g.addTrap(trap{File: rel, Row: firstRow + at, Key: ds[src].id, Kind: "duplicate_row", Expect: "dedupe",
			Detail: fmt.Sprintf("exact copy of row %d", firstRow+src)})
	}
	return rows, nil
}
