package samplegen

import (
	"fmt"
	"math/rand/v2"
	"sort"
	"strings"
	"time"
)

// hazardChannels are the channels of the province hazard platform with
// their yearly volume at Scale 1 and the share of 重大 hazards among them.
//
// A real district records ~150,000 hazards a year, almost all 一般 hazards
// from enterprise self-checks. The sample keeps the ~150 重大 hazards a year
// of domain.md §3 and every channel, but thins the 一般 stream to ~8,000 a
// year (self-checks 1 in ~25) so that the committed set stays small.
var hazardChannels = []struct {
	name      string
	perYear   float64
	majorRate float64
}{
	{"企业自查", 4000, 0.005},
	{"督导检查", 2000, 0.02},
	{"执法检查", 1200, 0.04},
	{"群众举报", 150, 0.08},
	{"上级督查暗访", 150, 0.10},
	{"专家/第三方", 300, 0.03},
	{"保险机构", 100, 0.02},
	{"监测预警", 100, 0.01},
}

// Yearly multipliers: more hazards recorded as reporting improves; fewer new
// 重大 hazards from 2025 on (T04's "遏制增量").
var (
	hazardVolumeByYear = map[int]float64{2023: 0.8, 2024: 1.0, 2025: 1.1, 2026: 1.1}
	majorRateByYear    = map[int]float64{2023: 1.1, 2024: 1.05, 2025: 0.85, 2026: 0.75}
)

// legacyMajorAtScale1 is the stock of 2023 重大 hazards still open on
// 2024-01-01 (domain.md §3: sample 80).
const legacyMajorAtScale1 = 80

// snapshot is the day the platform was dumped: later dates have not happened.
var snapshot = periodEnd

type hazard struct {
	id, srcID    string
	e            *enterprise
	town         string
	major        bool
	channel      string
	level        string // found_by_level
	dept         string // found_by_dept
	found        time.Time
	deadline     time.Time
	guaPai       bool
	guaPaiDate   time.Time
	planDate     time.Time
	rectified    time.Time
	verifyFail   time.Time // a failed verification before the final rectification
	verified     time.Time
	verifyDept   string
	closed       time.Time
	cancelled    bool
	tags         []string
	clause       string
	immediate    bool // 一般 hazard fixed on the spot (立即整改)
	closedEarly  bool // trap: closed before found
	actions      []hazardAction
	duplicateOf  *hazard
	oldEquipLate bool
	foundMinute  int
}

type hazardAction struct {
	date time.Time
	kind string // 函告 | 约谈 | 通报 | 曝光
}

// hazardJSON is one line of hazards.jsonl, as the platform's API returns it.
type hazardJSON struct {
	HazardID      string   `json:"hazard_id"`
	SrcID         string   `json:"src_id"`
	USCC          string   `json:"uscc"`
	Town          string   `json:"town"`
	Level         string   `json:"level"`
	Channel       string   `json:"channel"`
	FoundByLevel  string   `json:"found_by_level"`
	FoundByDept   string   `json:"found_by_dept"`
	FoundDate     string   `json:"found_date"`
	DeadlineDate  *string  `json:"deadline_date"`
	IsGuaPai      bool     `json:"is_gua_pai"`
	RectifiedDate *string  `json:"rectified_date"`
	VerifiedDate  *string  `json:"verified_date"`
	VerifyDept    string   `json:"verify_dept"`
	ClosedDate    *string  `json:"closed_date"`
	Status        string   `json:"status"`
	Tags          []string `json:"tags"`
	StdClause     string   `json:"std_clause"`
	UpdatedAt     string   `json:"updated_at"`
}

// hazardEventJSON is one line of hazard_events.jsonl.
type hazardEventJSON struct {
	HazardID   string `json:"hazard_id"`
	EventTime  string `json:"event_time"`
	EventType  string `json:"event_type"`
	ActorDept  string `json:"actor_dept"`
	ActorLevel string `json:"actor_level"`
	Note       string `json:"note"`
}

// Finders above the district, named as the platform writes them.
var upperFinders = map[string]string{"市": "济宁市应急管理局", "省": "山东省应急管理厅", "国家": "国务院安委会综合检查组"}

func (g *gen) hazards() error {
	r := g.rng("hazards")
	var hs []*hazard

	weightOf := func(e *enterprise) float64 {
		w := 1.0
		if e.highRisk() {
			w *= 3
		}
		if e.Scale == "规上" {
			w *= 2
		}
		if e.MineID != "" || e.HCProducer {
			w *= 3
		}
		return w
	}
	// pickUnit draws a unit open (or suspended for rectification) on day d;
	// for 重大 hazards high-risk units are far more likely.
	pickUnit := func(d time.Time, major bool) *enterprise {
		for range 100 {
			e := g.ents[r.IntN(len(g.ents))]
			st, ok := e.at(d)
			if !ok || (st.status != "在营" && st.status != "停产整顿") {
				continue
			}
			w := weightOf(e)
			if major && !e.highRisk() {
				w *= 0.15
			}
			if r.Float64()*18 < w {
				return e
			}
		}
		return g.ents[0]
	}

	for _, y := range years() {
		from, to := yearSpan(y)
		frac := (to.Sub(from).Hours()/24 + 1) / float64(day(y, 12, 31).YearDay())
		for _, ch := range hazardChannels {
			n := g.scaled(ch.perYear*hazardVolumeByYear[y]*frac, 1)
			for range n {
				d := randDate(r, from, to)
				if ch.name != "企业自查" && ch.name != "监测预警" {
					d = workday(r, d, to)
				}
				major := chance(r, ch.majorRate*majorRateByYear[y])
				h := g.newHazard(r, pickUnit(d, major), d, ch.name, major)
				if !major && chance(r, 0.01) {
					// Withdrawn as a false report (撤销): never closed.
					h.cancelled = true
					h.rectified, h.verified, h.closed = time.Time{}, time.Time{}, time.Time{}
				}
				if y == 2023 && major && !h.closed.IsZero() && h.closed.After(day(2023, 12, 31)) {
					// 2023 重大 hazards outside the legacy set were closed within the year.
					g.lifecycle(r, h, day(2023, 12, 31))
				}
				hs = append(hs, h)
			}
		}
	}

	// The 2023 legacy stock: found in 2023, open on 2024-01-01, all but two
	// closed during 2024 (T03). One is closed in spring 2025, one never.
	nLegacy := g.scaled(legacyMajorAtScale1, 8)
	for i := range nLegacy {
		d := randDate(r, day(2023, 3, 1), day(2023, 12, 20))
		ch := pick(r, []string{"督导检查", "执法检查", "上级督查暗访", "群众举报"}, []float64{35, 40, 15, 10})
		h := g.newHazard(r, pickUnit(d, true), d, ch, true)
		var closeBy time.Time
		switch i {
		case 0:
			closeBy = randDate(r, day(2025, 2, 10), day(2025, 4, 20))
		case 1:
			closeBy = time.Time{} // still open at the snapshot
		default:
			// Burn-down through 2024, most of it in the second half.
			closeBy = seasonalDate(r, day(2024, 1, 15), day(2024, 12, 28), [12]float64{0.5, 0.5, 0.7, 0.8, 0.9, 1, 1, 1, 1.1, 1.2, 1.4, 1.6})
		}
		g.legacyLifecycle(r, h, closeBy)
		hs = append(hs, h)
	}

	// 老旧装置 hazards at the hazchem producers (T42: all closed by 2025-06-30;
	// one closed a week late).
	var producers []*enterprise
	for _, e := range g.ents {
		if e.HCProducer {
			producers = append(producers, e)
		}
	}
	late := r.IntN(max(1, len(producers)))
	for i, e := range producers {
		for k := range between(r, 2, 4) {
			d := randDate(r, day(2024, 3, 1), day(2025, 3, 31))
			h := g.newHazard(r, e, d, oneOf(r, "企业自查", "执法检查", "专家/第三方"), k == 0 && chance(r, 0.3))
			h.tags = []string{"老旧装置"}
			closeBy := randDate(r, maxDate(d.AddDate(0, 0, 20), day(2025, 1, 1)), day(2025, 6, 25))
			if i == late && k == 0 {
				closeBy, h.oldEquipLate = day(2025, 7, 8), true
			}
			g.legacyLifecycle(r, h, closeBy)
			hs = append(hs, h)
		}
	}

	// Duplicates across channels: the same unit and clause reported again
	// through another channel in the same week (about 10% of 重大 hazards).
	var majors []*hazard
	for _, h := range hs {
		if h.major {
			majors = append(majors, h)
		}
	}
	var dups []*hazard
	nDup := max(3, len(majors)/10)
	for _, i := range r.Perm(len(majors))[:min(nDup, len(majors))] {
		h := majors[i]
		wd := (int(h.found.Weekday()) + 6) % 7 // Monday = 0
		monday := h.found.AddDate(0, 0, -wd)
		d := monday.AddDate(0, 0, r.IntN(7))
		if d.After(snapshot) {
			d = h.found
		}
		ch := h.channel
		for ch == h.channel {
			ch = oneOf(r, "企业自查", "督导检查", "执法检查", "群众举报", "上级督查暗访")
		}
		twin := g.newHazard(r, h.e, d, ch, true)
		twin.clause, twin.tags = h.clause, append([]string(nil), h.tags...)
		twin.duplicateOf = h
		dups = append(dups, twin)
	}
	hs = append(hs, dups...)

	// A few hazards closed before they were found (a data-entry trap).
	nEarly := g.scaled(30, 3)
	for _, i := range r.Perm(len(hs)) {
		if nEarly == 0 {
			break
		}
		h := hs[i]
		if h.major || h.closed.IsZero() || h.duplicateOf != nil || h.found.Before(day(2023, 3, 1)) {
			continue
		}
		h.closed = h.found.AddDate(0, 0, -between(r, 1, 20))
		h.closedEarly = true
		nEarly--
	}

	// IDs in found order, like the platform's serial numbers.
	sort.SliceStable(hs, func(i, j int) bool {
		if !hs[i].found.Equal(hs[j].found) {
			return hs[i].found.Before(hs[j].found)
		}
		return hs[i].foundMinute < hs[j].foundMinute
	})
	serial := map[string]int{}
	for _, h := range hs {
		k := h.found.Format("20060102")
		serial[k]++
		h.id = fmt.Sprintf("YH%s%04d", k, serial[k])
		h.srcID = srcIDFor(r, h)
		if h.channel == "群众举报" && !h.closedEarly {
			g.reportedHazards = append(g.reportedHazards, h)
		}
		if h.major && !h.cancelled && h.duplicateOf == nil {
			g.majorHazards = append(g.majorHazards, h)
		}
	}
	return g.writeHazards(hs)
}

// srcIDFor is the record number in the channel's own system.
func srcIDFor(r *rand.Rand, h *hazard) string {
	d := h.found.Format("20060102")
	switch h.channel {
	case "企业自查":
		return fmt.Sprintf("ZC-%s-%s-%02d", h.e.USCC[10:17], d, r.IntN(100))
	case "执法检查":
		return fmt.Sprintf("ZF%s%05d", d, r.IntN(100000))
	case "群众举报":
		return fmt.Sprintf("JB%s%04d", d, r.IntN(10000))
	case "督导检查":
		return fmt.Sprintf("DD%s%04d", d, r.IntN(10000))
	case "上级督查暗访":
		return fmt.Sprintf("AF-%d-%03d", h.found.Year(), r.IntN(1000))
	case "监测预警":
		return fmt.Sprintf("BJ%s%06d", d, r.IntN(1000000))
	}
	return fmt.Sprintf("QT%s%04d", d, r.IntN(10000))
}

// newHazard draws a hazard's attributes and its life cycle up to the snapshot.
func (g *gen) newHazard(r *rand.Rand, e *enterprise, d time.Time, channel string, major bool) *hazard {
	st, _ := e.at(d)
	h := &hazard{e: e, town: g.town(st.townCode).Name, major: major, channel: channel, found: d, foundMinute: between(r, 8*60, 18*60)}
	switch channel {
	case "企业自查":
		h.level = "企业"
	case "督导检查":
		h.level = pick(r, []string{"镇街", "园区", "区"}, []float64{50, 15, 35})
		if h.level == "园区" && st.parkCode == "" {
			h.level = "镇街"
		}
	case "执法检查":
		h.level = pick(r, []string{"区", "市"}, []float64{85, 15})
	case "上级督查暗访":
		h.level = pick(r, []string{"市", "省", "国家"}, []float64{60, 30, 10})
	default:
		h.level = "区"
	}
	switch h.level {
	case "区":
		h.dept = g.deptName(e.DeptCode)
		if channel != "执法检查" && chance(r, 0.3) {
			h.dept = g.deptName("D15")
		}
	case "市", "省", "国家":
		h.dept = upperFinders[h.level]
	}
	h.tags = hazardTags(r, e)
	if major {
		h.clause = stdClause(r, e)
	}
	g.lifecycle(r, h, time.Time{})
	return h
}

// lifecycle fills deadline, rectification, verification and closure. When
// closeBy is set, the hazard is closed on or before it.
func (g *gen) lifecycle(r *rand.Rand, h *hazard, closeBy time.Time) {
	d := h.found
	h.rectified, h.verified, h.closed, h.verifyFail, h.planDate = time.Time{}, time.Time{}, time.Time{}, time.Time{}, time.Time{}
	h.actions = nil
	if !h.major {
		h.immediate = h.channel == "企业自查" && chance(r, 0.5)
		if h.immediate {
			h.deadline, h.rectified, h.closed = d, d, d
			return
		}
		h.deadline = d.AddDate(0, 0, between(r, 7, 30))
		days := between(r, 1, 28)
		if chance(r, 0.12) {
			days += between(r, 10, 60) // late
		}
		h.rectified = d.AddDate(0, 0, days)
		if h.level != "企业" {
			// Government finds are re-checked (复查) by the finder.
			h.verified = h.rectified.AddDate(0, 0, between(r, 1, 10))
			h.verifyDept = h.dept
			if h.verifyDept == "" {
				h.verifyDept = g.deptName(h.e.DeptCode)
			}
			h.closed = h.verified
		} else {
			h.closed = h.rectified.AddDate(0, 0, between(r, 0, 3))
		}
		g.clip(h, closeBy)
		return
	}
	h.deadline = d.AddDate(0, 0, between(r, 30, 120))
	// 区级及以上 finds are 挂牌督办 (T16), with a few lapses.
	if (h.level == "区" || h.level == "市" || h.level == "省" || h.level == "国家") && chance(r, 0.93) || chance(r, 0.1) {
		h.guaPai = true
		h.guaPaiDate = d.AddDate(0, 0, between(r, 1, 5))
	}
	h.planDate = d.AddDate(0, 0, between(r, 2, 10))
	days := between(r, 15, int(h.deadline.Sub(d).Hours()/24))
	if chance(r, 0.15) {
		days += between(r, 15, 150) // overdue
	}
	h.rectified = d.AddDate(0, 0, days)
	if chance(r, 0.08) {
		// Verification fails once and the unit rectifies again.
		h.verifyFail = h.rectified.AddDate(0, 0, between(r, 2, 10))
		h.rectified = h.verifyFail.AddDate(0, 0, between(r, 7, 30))
	}
	h.verifyDept = g.deptName(h.e.DeptCode)
	h.verified = h.rectified.AddDate(0, 0, between(r, 2, 15))
	h.closed = h.verified.AddDate(0, 0, between(r, 0, 10))
	// T17: a few are closed without a department's verification.
	if chance(r, 0.04) {
		h.verified, h.verifyDept = time.Time{}, ""
	}
	g.clip(h, closeBy)
	g.escalate(h)
}

// clip pulls the dates forward so that the hazard is closed by closeBy.
func (g *gen) clip(h *hazard, closeBy time.Time) {
	if closeBy.IsZero() || h.closed.IsZero() || !h.closed.After(closeBy) {
		return
	}
	shift := h.closed.Sub(closeBy)
	for _, p := range []*time.Time{&h.rectified, &h.verified, &h.closed, &h.verifyFail} {
		if !p.IsZero() {
			*p = maxDate(p.Add(-shift), h.found)
		}
	}
	if !h.planDate.IsZero() && h.planDate.After(h.rectified) {
		h.planDate = h.rectified
	}
}

// legacyLifecycle gives a hazard a long life that ends on closeBy, or no end
// when closeBy is zero.
func (g *gen) legacyLifecycle(r *rand.Rand, h *hazard, closeBy time.Time) {
	g.lifecycle(r, h, time.Time{})
	if closeBy.IsZero() {
		h.rectified, h.verified, h.closed, h.verifyFail = time.Time{}, time.Time{}, time.Time{}, time.Time{}
		h.verifyDept = ""
	} else {
		h.closed = closeBy
		h.rectified = maxDate(h.found, closeBy.AddDate(0, 0, -between(r, 5, 20)))
		if h.major || h.level != "企业" {
			h.verified = maxDate(h.rectified, closeBy.AddDate(0, 0, -between(r, 0, 4)))
			if h.verifyDept == "" {
				h.verifyDept = g.deptName(h.e.DeptCode)
			}
		}
		if !h.verifyFail.IsZero() && !h.verifyFail.Before(h.rectified) {
			h.verifyFail = time.Time{}
		}
		if h.planDate.After(h.rectified) {
			h.planDate = h.found.AddDate(0, 0, 3)
		}
	}
	h.actions = nil
	if h.major {
		g.escalate(h)
	}
}

// escalate adds 函告 and 约谈 for 重大 hazards overdue more than 30 and 60 days.
func (g *gen) escalate(h *hazard) {
	end := h.closed
	if end.IsZero() || end.After(snapshot) {
		end = snapshot
	}
	if d := h.deadline.AddDate(0, 0, 35); d.Before(end) {
		h.actions = append(h.actions, hazardAction{d, "函告"})
	}
	if d := h.deadline.AddDate(0, 0, 65); d.Before(end) {
		h.actions = append(h.actions, hazardAction{d, "约谈"})
	}
	if d := h.deadline.AddDate(0, 0, 120); d.Before(end) {
		h.actions = append(h.actions, hazardAction{d, "通报"})
	}
}

func hazardTags(r *rand.Rand, e *enterprise) []string {
	c := e.Industry.Code
	var tags []string
	add := func(p float64, t string) {
		if chance(r, p) {
			tags = append(tags, t)
		}
	}
	switch {
	case c == "IT.CS" || c == "SEWAGE":
		add(0.6, "有限空间")
	case c == "IT.DUST":
		add(0.6, "粉尘涉爆")
	case c == "IT.NH3":
		add(0.5, "涉氨制冷")
	case strings.HasPrefix(c, "CONS"):
		add(0.5, "高处作业")
	case c == "GAS":
		add(0.6, "燃气")
	case strings.HasPrefix(c, "FIRE"):
		add(0.7, "消防")
	}
	add(0.08, "电气焊")
	add(0.05, "外包施工")
	add(0.04, "全员责任制")
	if len(tags) == 0 {
		add(0.25, "消防")
	}
	if tags == nil {
		tags = []string{}
	}
	return tags
}

// stdClause names the article of the 重大事故隐患判定标准 for the industry.
func stdClause(r *rand.Rand, e *enterprise) string {
	c := e.Industry.Code
	switch {
	case c == "MINE":
		return fmt.Sprintf("煤矿-第%d条", between(r, 1, 15))
	case strings.HasPrefix(c, "HC.") || c == "OILGAS":
		return fmt.Sprintf("危化-第%d条", between(r, 1, 20))
	case c == "IT.DUST":
		return fmt.Sprintf("工贸-粉尘-第%d条", between(r, 1, 6))
	case c == "IT.CS":
		return fmt.Sprintf("工贸-有限空间-第%d条", between(r, 1, 3))
	case c == "IT.NH3":
		return fmt.Sprintf("工贸-涉氨-第%d条", between(r, 1, 5))
	case strings.HasPrefix(c, "IT"):
		return fmt.Sprintf("工贸-通用-第%d条", between(r, 1, 8))
	case strings.HasPrefix(c, "CONS"):
		return fmt.Sprintf("房建市政-第%d条", between(r, 1, 12))
	case c == "GAS":
		return fmt.Sprintf("燃气-第%d条", between(r, 1, 10))
	case c == "FW":
		return fmt.Sprintf("烟花爆竹-第%d条", between(r, 1, 10))
	case c == "ROAD" || c == "HC.TRAN":
		return fmt.Sprintf("道路运输-第%d条", between(r, 1, 8))
	}
	return fmt.Sprintf("消防-第%d条", between(r, 1, 11))
}

// seen returns t when it has happened by the snapshot, else zero.
func seen(t time.Time) time.Time {
	if t.IsZero() || t.After(snapshot) {
		return time.Time{}
	}
	return t
}

func (h *hazard) status() string {
	switch {
	case h.cancelled:
		return "撤销"
	case !seen(h.closed).IsZero():
		return "已销号"
	case !seen(h.verified).IsZero():
		return "已验收"
	case !seen(h.rectified).IsZero():
		return "待验收"
	case !seen(h.verifyFail).IsZero():
		return "退回"
	case !seen(h.planDate).IsZero() || (!h.major && snapshot.Sub(h.found) > 3*24*time.Hour):
		return "整改中"
	}
	return "待整改"
}

func (g *gen) writeHazards(hs []*hazard) error {
	const file, evFile = "hazards/hazards.jsonl", "hazards/hazard_events.jsonl"
	var out []hazardJSON
	type stamped struct {
		t  time.Time
		ev hazardEventJSON
	}
	var all []stamped
	for i, h := range hs {
		var last time.Time
		ev := func(d time.Time, minute int, typ, dept, level, note string) {
			if d.IsZero() || d.After(snapshot) {
				return
			}
			t := at(d, minute/60, minute%60)
			if t.After(last) {
				last = t
			}
			all = append(all, stamped{t, hazardEventJSON{h.id, rfc3339(t), typ, dept, level, note}})
		}
		ev(h.found, h.foundMinute, "found", h.dept, h.level, "")
		if h.guaPai {
			ev(h.guaPaiDate, 10*60, "挂牌", g.deptName("D00"), "区", "")
		}
		if h.major {
			ev(h.planDate, 15*60, "plan", "", "企业", "治理方案报备")
		}
		if !h.verifyFail.IsZero() {
			ev(h.verifyFail.AddDate(0, 0, -3), 16*60, "rectified", "", "企业", "首次整改")
			ev(h.verifyFail, 11*60, "verify_fail", h.verifyDept, "区", "复核未通过，退回整改")
		}
		if h.immediate {
			ev(h.rectified, h.foundMinute+30, "rectified", "", "企业", "立即整改")
		} else {
			ev(h.rectified, 16*60, "rectified", "", "企业", "")
		}
		if !h.verified.IsZero() {
			ev(h.verified, 10*60+30, "verify_pass", h.verifyDept, "区", "")
		}
		for _, a := range h.actions {
			ev(a.date, 9*60+30, a.kind, g.deptName("D00"), "区", "逾期未整改")
		}
		closer := h.verifyDept
		if closer == "" {
			closer = h.dept
		}
		switch {
		case h.closedEarly:
			// The platform logs the close on the (wrong) date that was typed.
			ev(h.closed, 17*60, "closed", closer, h.level, "")
		case h.immediate:
			ev(h.closed, h.foundMinute+31, "closed", "", "企业", "")
		default:
			ev(h.closed, 17*60, "closed", closer, h.level, "")
		}
		if last.IsZero() {
			last = at(h.found, h.foundMinute/60, h.foundMinute%60)
		}
		rec := hazardJSON{
			HazardID: h.id, SrcID: h.srcID, USCC: h.e.USCC, Town: h.town, Level: map[bool]string{true: "重大", false: "一般"}[h.major],
			Channel: h.channel, FoundByLevel: h.level, FoundByDept: h.dept, FoundDate: ymd(h.found),
			DeadlineDate: optDate(h.deadline), IsGuaPai: h.guaPai && !seen(h.guaPaiDate).IsZero(),
			RectifiedDate: optDate(seen(h.rectified)), VerifiedDate: optDate(seen(h.verified)),
			ClosedDate: optDate(seen(h.closed)), Status: h.status(), Tags: h.tags, StdClause: h.clause,
			UpdatedAt: rfc3339(last),
		}
		if rec.VerifiedDate != nil {
			rec.VerifyDept = h.verifyDept
		}
		out = append(out, rec)
		line := i + 1
		switch {
		case h.closedEarly:
			g.addTrap(trap{File: file, Row: line, Key: h.id, Kind: "closed_before_found", Expect: "quarantine",
				Detail: fmt.Sprintf("closed_date %s is before found_date %s", ymd(h.closed), ymd(h.found))})
		case h.duplicateOf != nil:
			g.addTrap(trap{File: file, Row: line, Key: h.id, Kind: "duplicate_across_channels", Expect: "dedupe",
				Detail: fmt.Sprintf("same unit, clause %s and week as %s (%s vs %s)", h.clause, h.duplicateOf.id, h.channel, h.duplicateOf.channel)})
		case h.oldEquipLate:
			g.addTrap(trap{File: file, Row: line, Key: h.id, Kind: "old_equipment_late", Expect: "flag",
				Detail: "老旧装置 hazard closed 2025-07-08, after the T42 deadline 2025-06-30"})
		}
	}
	g.sum.Rows["hazards"] = len(out)
	g.sum.Rows["hazard_events"] = len(all)
	g.writeLater(file, func() ([]byte, error) { return jsonLines(out) })
	g.writeLater(evFile, func() ([]byte, error) {
		sort.SliceStable(all, func(i, j int) bool {
			if !all[i].t.Equal(all[j].t) {
				return all[i].t.Before(all[j].t)
			}
			return all[i].ev.HazardID < all[j].ev.HazardID
		})
		evs := make([]hazardEventJSON, len(all))
		for i, s := range all {
			evs[i] = s.ev
		}
		return jsonLines(evs)
	})
	return nil
}
