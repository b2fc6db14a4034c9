package samplegen

import (
	"fmt"
	"math/rand/v2"
	"strconv"
	"time"
)

var ledgerHeader = []string{"台账类型", "条目编号", "所属镇街", "所属园区", "统一社会信用代码", "责任部门", "发现日期", "完成时限", "销号日期",
	"状态", "数量", "计量单位", "是否接入智慧工地", "佐证材料"}

type ledgerItem struct {
	typ, id, townCode, deptCode string
	e                           *enterprise
	found, due, resolved        time.Time
	openStatus                  string // status while not resolved
	qty                         float64
	unit                        string
	smartSite                   string // 是/否, or "" where it does not apply
}

// ledgers writes the generic "count to zero / count to N" ledgers of the
// departments (fact_ledger_item). District-wide projects with absolute
// targets (危桥, 村道安防 km, 百吨王, 险要路段 …) do not scale; ledgers of units
// and projects do.
func (g *gen) ledgers() error {
	r := g.rng("ledgers")
	var items []*ledgerItem
	town := func() string { return oneOf(r, g.towns...).Code }
	add := func(it *ledgerItem) { items = append(items, it) }
	done := func(it *ledgerItem, from, to time.Time) {
		it.resolved = randDate(r, maxDate(from, it.found.AddDate(0, 0, 14)), maxDate(to, it.found.AddDate(0, 0, 14)))
	}

	// 农村公路危桥: all cleared by 2024-12-31, then found and cleared again (T40).
	for range 24 {
		it := &ledgerItem{typ: "农村公路危桥", townCode: town(), deptCode: "D08", unit: "座", qty: 1, openStatus: "整治中",
			found: randDate(r, day(2023, 1, 10), day(2024, 6, 30)), due: day(2024, 12, 31)}
		done(it, day(2024, 3, 1), day(2024, 12, 20))
		add(it)
	}
	for _, f := range []time.Time{day(2025, 5, 12), day(2026, 8, 20)} {
		it := &ledgerItem{typ: "农村公路危桥", townCode: town(), deptCode: "D08", unit: "座", qty: 1, openStatus: "整治中", found: f, due: f.AddDate(0, 6, 0)}
		done(it, f.AddDate(0, 2, 0), f.AddDate(0, 4, 0))
		add(it)
	}
	// 村道安防工程: about 6 km completed in 2024 (T41: ≥ 5 km).
	for range 10 {
		it := &ledgerItem{typ: "村道安防工程", townCode: town(), deptCode: "D08", unit: "km", qty: round1(0.4 + r.Float64()*0.8), openStatus: "施工中",
			found: randDate(r, day(2024, 1, 5), day(2024, 4, 30)), due: day(2024, 12, 31)}
		done(it, day(2024, 5, 1), day(2024, 11, 30))
		add(it)
	}
	// 百吨王货车: cleared through 2026 (T43), two left at the snapshot.
	for i := range 40 {
		it := &ledgerItem{typ: "百吨王货车", townCode: town(), deptCode: "D18", unit: "辆", qty: 1, openStatus: "未整治",
			found: randDate(r, day(2023, 3, 1), day(2024, 12, 31)), due: day(2026, 12, 31)}
		if i >= 2 {
			done(it, day(2024, 1, 1), day(2026, 10, 31))
		}
		add(it)
	}
	// 隐患自建房: ≥95% rectified by 2025-12-31 (T54).
	for i := range g.scaled(300, 20) {
		it := &ledgerItem{typ: "隐患自建房", townCode: town(), deptCode: "D07", unit: "处", qty: 1, openStatus: "整治中",
			found: randDate(r, day(2023, 2, 1), day(2024, 10, 31)), due: day(2025, 12, 31)}
		if i%25 == 0 {
			done(it, day(2026, 1, 10), day(2026, 11, 30)) // late, or still open
		} else {
			done(it, day(2024, 1, 1), day(2025, 12, 20))
		}
		add(it)
	}
	// 消防审验违法项目: baseline known by 2025-06-30 (T53), ~97% disposed by 2026-06-30 (T58).
	for i := range 36 {
		it := &ledgerItem{typ: "消防审验违法项目", townCode: town(), deptCode: "D07", unit: "项", qty: 1, openStatus: "处置中",
			found: randDate(r, day(2024, 3, 1), day(2025, 6, 20)), due: day(2026, 6, 30)}
		if i > 0 {
			done(it, day(2024, 9, 1), day(2026, 6, 25))
		}
		add(it)
	}
	// 险要路段 safety facilities (T59), most done by the snapshot.
	for range 60 {
		it := &ledgerItem{typ: "险要路段", townCode: town(), deptCode: "D08", unit: "处", qty: 1, openStatus: "未完成",
			found: randDate(r, day(2023, 6, 1), day(2024, 12, 31)), due: day(2026, 12, 31)}
		if chance(r, 0.9) {
			done(it, day(2024, 3, 1), day(2026, 11, 25))
		}
		add(it)
	}
	// 培训机构复核 (T60).
	for range 12 {
		it := &ledgerItem{typ: "培训机构复核", townCode: town(), deptCode: "D15", unit: "家", qty: 1, openStatus: "未复核",
			found: day(2024, 1, 15), due: day(2026, 12, 31)}
		if chance(r, 0.85) {
			done(it, day(2024, 3, 1), day(2026, 10, 31))
		}
		add(it)
	}
	// Unit ledgers.
	for _, e := range g.ents {
		switch {
		case e.HCProducer:
			// 老旧装置设备 to be upgraded by 2026-12-31 (T44).
			for range between(r, 5, 10) {
				it := &ledgerItem{typ: "老旧装置设备", e: e, deptCode: "D15", unit: "台", qty: 1, openStatus: "改造中",
					found: randDate(r, day(2024, 1, 10), day(2024, 6, 30)), due: day(2026, 12, 31)}
				if chance(r, 0.8) {
					done(it, day(2024, 6, 1), day(2026, 11, 20))
				}
				add(it)
			}
		case e.Industry.Code == "IT.CS":
			// 有限空间作业点: a register, nothing to clear (T106).
			for range between(r, 1, 3) {
				add(&ledgerItem{typ: "有限空间作业点", e: e, deptCode: "D15", unit: "个", qty: 1, openStatus: "在册",
					found: maxDate(e.Opened, randDate(r, day(2024, 2, 1), day(2024, 9, 30)))})
			}
		case e.Industry.Code == "CONS.HB" && chance(r, 0.8):
			// 在建房建项目 connected to 智慧工地 (T38: all by 2025-12-31).
			it := &ledgerItem{typ: "在建房建项目", e: e, deptCode: "D07", unit: "项", qty: 1, openStatus: "在建",
				found: maxDate(e.Opened, randDate(r, day(2023, 3, 1), day(2026, 9, 30)))}
			it.smartSite = yesNo(it.found.After(day(2024, 6, 30)) || chance(r, 0.75))
			if chance(r, 0.4) {
				done(it, it.found.AddDate(0, 8, 0), it.found.AddDate(1, 6, 0))
			}
			add(it)
		}
	}
	var cons []*enterprise
	for _, e := range g.ents {
		if e.Industry.ParentCode == "CONS" || e.Industry.ParentCode == "IT" {
			cons = append(cons, e)
		}
	}
	for _, spec := range []struct {
		typ, dept string
		n         float64
	}{{"高处作业项目", "D07", 200}, {"外包施工项目", "D15", 150}} {
		for range g.scaled(spec.n, 8) {
			e := cons[r.IntN(len(cons))]
			it := &ledgerItem{typ: spec.typ, e: e, deptCode: spec.dept, unit: "项", qty: 1, openStatus: "施工中",
				found: maxDate(e.Opened, randDate(r, day(2024, 1, 1), day(2026, 10, 31)))}
			done(it, it.found.AddDate(0, 1, 0), it.found.AddDate(0, 7, 0))
			add(it)
		}
	}
	// 早期火灾报警装置 installed village by village (T48).
	for range g.scaled(400, 20) {
		it := &ledgerItem{typ: "早期火灾报警装置", townCode: town(), deptCode: "D20", unit: "套", qty: float64(between(r, 10, 80)), openStatus: "安装中",
			found: randDate(r, day(2024, 1, 1), day(2026, 9, 30))}
		done(it, it.found.AddDate(0, 0, 20), it.found.AddDate(0, 3, 0))
		add(it)
	}
	return g.writeLedgers(r, items)
}

var ledgerPrefix = map[string]string{"农村公路危桥": "WQ", "村道安防工程": "AF", "百吨王货车": "BDW", "隐患自建房": "ZJF", "消防审验违法项目": "XFSY",
	"险要路段": "XY", "培训机构复核": "PXJG", "老旧装置设备": "LJZZ", "有限空间作业点": "YXKJ", "在建房建项目": "FJXM", "高处作业项目": "GCZY",
	"外包施工项目": "WBSG", "早期火灾报警装置": "HZBJ"}

func (g *gen) writeLedgers(r *rand.Rand, items []*ledgerItem) error {
	rows := g.ledgerRows(r, items, ledgerPrefix)
	b, err := csvBytes(encUTF8, ledgerHeader, rows)
	if err != nil {
		return err
	}
	g.sum.Rows["ledger_items"] = len(rows)
	return g.writeFile("ledgers/ledger_items.csv", b)
}

// ledgerRows numbers the items found by the snapshot (prefix of their type and a sequence) and
// renders them in the columns of ledgerHeader.
func (g *gen) ledgerRows(r *rand.Rand, items []*ledgerItem, prefix map[string]string) [][]string {
	seq := map[string]int{}
	var rows [][]string
	for _, it := range items {
		if it.found.After(snapshot) {
			continue
		}
		seq[it.typ]++
		it.id = fmt.Sprintf("%s-%04d", prefix[it.typ], seq[it.typ])
		uscc, park := "", ""
		townCode := it.townCode
		if it.e != nil {
			st, ok := it.e.at(it.found)
			if !ok {
				st = it.e.history[0]
			}
			uscc, townCode = it.e.USCC, st.townCode
			if p := g.park(st.parkCode); p != nil {
				park = p.Name
			}
		}
		status, resolved, evidence := it.openStatus, "", ""
		if !it.resolved.IsZero() && !it.resolved.After(snapshot) {
			status, resolved = "已销号", ymd(it.resolved)
			evidence = fmt.Sprintf("兖%s验〔%d〕%d号", deptAbbr(g.depts[it.deptCode]), it.resolved.Year(), between(r, 1, 300))
		}
		if it.openStatus == "在册" {
			status = "在册"
		}
		due := ""
		if !it.due.IsZero() {
			due = ymd(it.due)
		}
		rows = append(rows, []string{it.typ, it.id, g.town(townCode).Name, park, uscc, g.deptName(it.deptCode), ymd(it.found), due, resolved,
			status, strconv.FormatFloat(it.qty, 'f', -1, 64), it.unit, it.smartSite, evidence})
	}
	return rows
}
