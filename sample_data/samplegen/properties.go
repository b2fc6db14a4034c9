package samplegen

import (
	"fmt"
	"time"
)

// propertiesAtScale1 is the size of the 出租屋/闲置院落/废弃厂房 ledger (domain.md §3).
const propertiesAtScale1 = 25000

var villageStems = []string{"王庄", "李营", "张村", "后屯", "前屯", "东关", "西关", "南关", "北关", "小安", "大孟", "范庄", "吴寺",
	"辛庄", "刘楼", "马桥", "杨营", "陈庄", "高庙", "石碑", "孙集", "赵家", "郭家", "周楼", "徐庄", "郑营", "何村", "丁庄", "牛楼", "韩庄"}

type property struct {
	id, kind, townCode, village, addr string
	owner, gridWorker                 person
	use, tenantKind, risk             string
	rented                            bool
	registered, deregistered          time.Time
	lastPatrol                        time.Time
}

var propertyHeader = []string{"房屋编号", "类型", "所属镇街", "村(社区)", "详细地址", "产权人", "当前用途", "是否出租", "承租方类型",
	"风险等级", "登记日期", "注销日期", "网格员", "最近巡查日期"}

func (g *gen) properties() error {
	r := g.rng("properties")
	villages := map[string][]string{}
	grid := map[string][]person{}
	for _, t := range g.towns {
		for _, i := range r.Perm(len(villageStems))[:between(r, 8, 14)] {
			suffix := "村"
			if t.Kind == "街道" && chance(r, 0.5) {
				suffix = "社区"
			}
			villages[t.Code] = append(villages[t.Code], villageStems[i]+suffix)
		}
		for range between(r, 6, 12) {
			grid[t.Code] = append(grid[t.Code], newPerson(r))
		}
	}
	n := g.scaled(propertiesAtScale1, 30)
	seq := map[string]int{}
	tw := g.townWeights()
	for range n {
		t := pick(r, g.towns, tw)
		p := &property{townCode: t.Code, owner: newPerson(r), gridWorker: oneOf(r, grid[t.Code]...)}
		p.kind = pick(r, []string{"出租屋", "闲置院落", "废弃厂房"}, []float64{60, 38, 2})
		p.village = oneOf(r, villages[t.Code]...)
		p.addr = fmt.Sprintf("%s%s%d号", t.Name, p.village, between(r, 1, 320))
		switch p.kind {
		case "出租屋":
			p.rented = chance(r, 0.85)
			p.use = pick(r, []string{"居住", "仓储", "小作坊", "商铺", "群租"}, []float64{60, 15, 10, 12, 3})
		case "闲置院落":
			p.rented = chance(r, 0.1)
			p.use = pick(r, []string{"闲置", "堆放杂物", "仓储"}, []float64{70, 20, 10})
		default:
			p.rented = chance(r, 0.3)
			p.use = pick(r, []string{"闲置", "仓储", "违规生产"}, []float64{60, 32, 8})
		}
		if p.rented {
			p.tenantKind = pick(r, []string{"个人", "个体户", "企业"}, []float64{65, 25, 10})
		}
		p.risk = "低"
		if p.use == "小作坊" || p.use == "群租" || p.use == "违规生产" || p.kind == "废弃厂房" {
			p.risk = pick(r, []string{"高", "中"}, []float64{40, 60})
		} else if chance(r, 0.2) {
			p.risk = "中"
		}
		// The ledger was built during 2024 (T95); later entries are new finds.
		p.registered = pick(r, []time.Time{
			randDate(r, day(2024, 2, 1), day(2024, 12, 31)),
			randDate(r, day(2025, 1, 1), day(2025, 12, 31)),
			randDate(r, day(2026, 1, 1), day(2026, 11, 20)),
		}, []float64{85, 10, 5})
		if chance(r, 0.03) {
			p.deregistered = randDate(r, p.registered.AddDate(0, 1, 0), snapshot)
			if p.deregistered.After(snapshot) {
				p.deregistered = time.Time{}
			}
		}
		// Patrolled monthly: most within the last 30 days, some overdue (T95's
		// freshness target is 90%).
		if chance(r, 0.88) {
			p.lastPatrol = randDate(r, snapshot.AddDate(0, 0, -29), snapshot)
		} else {
			p.lastPatrol = randDate(r, snapshot.AddDate(0, 0, -150), snapshot.AddDate(0, 0, -31))
		}
		p.lastPatrol = maxDate(p.lastPatrol, p.registered)
		if !p.deregistered.IsZero() {
			p.lastPatrol = minDate(p.lastPatrol, p.deregistered)
		}
		seq[t.Code]++
		p.id = fmt.Sprintf("FW%s%05d", t.Code[6:], seq[t.Code])
		g.props = append(g.props, p)
	}
	return g.writeProperties()
}

func (g *gen) writeProperties() error {
	rows := make([][]any, 0, len(g.props))
	for _, p := range g.props {
		var dereg any = ""
		if !p.deregistered.IsZero() {
			dereg = xlDate(p.deregistered)
		}
		rows = append(rows, []any{p.id, p.kind, g.town(p.townCode).Name, p.village, p.addr, p.owner.name, p.use, yesNo(p.rented),
			p.tenantKind, p.risk, xlDate(p.registered), dereg, p.gridWorker.name, xlDate(p.lastPatrol)})
	}
	g.writeXLSX("properties/properties.xlsx", sheet{name: "台账", title: "兖州区出租屋、闲置院落、废弃厂房台账（截至2026年11月30日）", header: propertyHeader,
		rows: rows, dateFmt: "yyyy-mm-dd", widths: map[int]float64{3: 12, 5: 30, 11: 12, 12: 12, 14: 14}})
	g.sum.Rows["properties"] = len(rows)
	return nil
}
