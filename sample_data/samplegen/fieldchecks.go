package samplegen

import (
	"fmt"
	"math/rand/v2"
	"slices"
	"time"
)

// Lists that other systems keep in the district's ledger template (fact_ledger_item), one file
// each: the grid platform's 水电气异常 (T96), the video/AI 临时高处作业 detections (T108), the
// 交通 vehicle register with its 主动安全装置 (T49) and the 电焊作业智能监管 platform's machines
// (T105). The 销号日期 is the day of the on-site check, the installation or the connection.
// Their own stream keeps every other file unchanged.

var fieldCheckPrefix = map[string]string{"水电气异常": "SDQ", "临时高处作业发现": "GCFX", "道路运输车辆主动安全装置": "ZDAQ", "电焊机接入": "DHJ"}

// fieldCheckFile is one file of items and the traps planted in its rows.
type fieldCheckFile struct {
	rel   string
	items []*ledgerItem
	traps func(rows [][]string, rel string) [][]string
}

func (g *gen) fieldChecks() error {
	r := g.rng("field_checks")
	town := func() string { return oneOf(r, g.towns...).Code }
	var files []fieldCheckFile

	// 水电气异常: readings of 出租屋 and idle yards that jump or stop, pushed by the utilities to the
	// grid platform from 2024-03; most are checked the same or the next day, some late, a few never.
	// Days to the check: weights of 0, 1, 2 days, 3–9 days late, never.
	anomalies := g.checkedItems(r, g.scaled(600, 40), "水电气异常", "D00", "待核查", day(2024, 3, 1), []float64{55, 28, 8, 7, 2})
	files = append(files, fieldCheckFile{"ledgers/utility_anomalies.csv", anomalies, func(rows [][]string, rel string) [][]string {
		i := g.resolvedRow(rows, 5)
		rows[i][8] = ymd(mustDate(rows[i][6]).AddDate(0, 0, -3))
		g.addTrap(trap{File: rel, Row: i + 2, Key: rows[i][1], Kind: "checked_before_found", Expect: "quarantine",
			Detail: "销号日期（核查日期） " + rows[i][8] + " 早于发现日期 " + rows[i][6]})
		i = g.resolvedRow(rows, 17)
		rows[i][8] = "2062-11-03"
		g.addTrap(trap{File: rel, Row: i + 2, Key: rows[i][1], Kind: "future_date", Expect: "quarantine",
			Detail: "销号日期 2062-11-03 lies in the future (the year mistyped)"})
		i = g.resolvedRow(rows, 23)
		dup := slices.Clone(rows[i])
		rows = append(rows, dup)
		g.addTrap(trap{File: rel, Row: len(rows) + 1, Key: dup[1], Kind: "duplicate_row", Expect: "dedupe",
			Detail: fmt.Sprintf("exact copy of row %d", i+2)})
		i = g.resolvedRow(rows, 31)
		conflict := slices.Clone(rows[i])
		conflict[8] = ymd(mustDate(conflict[8]).AddDate(0, 0, 4))
		rows = append(rows, conflict)
		g.addTrap(trap{File: rel, Row: len(rows) + 1, Key: conflict[1], Kind: "key_conflict", Expect: "quarantine",
			Detail: fmt.Sprintf("条目编号 of row %d again with another 销号日期 (%s, was %s)", i+2, conflict[8], rows[i][8])})
		return rows
	}})

	// 临时高处作业发现: detections of the video/AI patrol and the grid from 2024-06, verified on
	// site by 住建 mostly the same day.
	detections := g.checkedItems(r, g.scaled(400, 30), "临时高处作业发现", "D07", "待核实", day(2024, 6, 1), []float64{80, 15, 2, 2, 1})
	files = append(files, fieldCheckFile{"ledgers/height_work_detections.csv", detections, func(rows [][]string, rel string) [][]string {
		i := g.resolvedRow(rows, 3)
		rows[i][2] = foreignTown
		g.addTrap(trap{File: rel, Row: i + 2, Key: rows[i][1], Kind: "unknown_town", Expect: "quarantine",
			Detail: "所属镇街 " + foreignTown + " is not a town of the district"})
		i = g.resolvedRow(rows, 11)
		rows[i][8] = ""
		g.addTrap(trap{File: rel, Row: i + 2, Key: rows[i][1], Kind: "status_mismatch", Expect: "quarantine",
			Detail: "状态 已销号 without a 销号日期"})
		return rows
	}})

	// 道路运输车辆: the 交通 register of operating vehicles (since before 2023); devices are fitted
	// over 2023–2026, new vehicles mostly come with one.
	var vehicles []*ledgerItem
	for range g.scaled(1500, 60) {
		it := &ledgerItem{typ: "道路运输车辆主动安全装置", townCode: town(), deptCode: "D08", unit: "辆", qty: 1, openStatus: "未安装",
			found: randDate(r, day(2022, 6, 1), day(2026, 10, 31))}
		if chance(r, 0.9) {
			it.resolved = randDate(r, maxDate(it.found, day(2023, 1, 1)), maxDate(it.found, day(2026, 9, 30)).AddDate(0, 0, 30))
		}
		vehicles = append(vehicles, it)
	}
	files = append(files, fieldCheckFile{"ledgers/transport_vehicles.csv", vehicles, func(rows [][]string, rel string) [][]string {
		i := g.resolvedRow(rows, 7)
		rows[i][10] = "-1"
		g.addTrap(trap{File: rel, Row: i + 2, Key: rows[i][1], Kind: "negative_quantity", Expect: "quarantine", Detail: "数量 is -1"})
		i = g.resolvedRow(rows, 19)
		conflict := slices.Clone(rows[i])
		conflict[2] = g.town(oneOf(r, g.towns...).Code).Name
		if conflict[2] == rows[i][2] {
			conflict[10] = "2"
		}
		rows = append(rows, conflict)
		g.addTrap(trap{File: rel, Row: len(rows) + 1, Key: conflict[1], Kind: "key_conflict", Expect: "quarantine",
			Detail: fmt.Sprintf("条目编号 of row %d again with other content", i+2)})
		return rows
	}})

	// 电焊机: machines of industrial and construction units registered with the platform from 2025;
	// connection follows registration by weeks, toward full coverage by the end of 2026.
	var welders []*ledgerItem
	var units []*enterprise
	for _, e := range g.ents {
		if (e.Industry.ParentCode == "IT" || e.Industry.ParentCode == "CONS") && !e.Opened.After(day(2025, 1, 1)) {
			units = append(units, e)
		}
	}
	for range g.scaled(800, 40) {
		e := units[r.IntN(len(units))]
		it := &ledgerItem{typ: "电焊机接入", e: e, deptCode: "D15", unit: "台", qty: 1, openStatus: "未接入",
			found: randDate(r, day(2025, 1, 1), day(2026, 11, 15))}
		if chance(r, 0.85) {
			it.resolved = it.found.AddDate(0, 0, between(r, 3, 90))
		}
		welders = append(welders, it)
	}
	files = append(files, fieldCheckFile{"ledgers/welding_machines.csv", welders, func(rows [][]string, rel string) [][]string {
		i := g.resolvedRow(rows, 5)
		rows[i][4] = rows[i][4][:17]
		g.addTrap(trap{File: rel, Row: i + 2, Key: rows[i][1], Kind: "bad_uscc", Expect: "quarantine",
			Detail: "统一社会信用代码 " + rows[i][4] + " has 17 characters"})
		i = g.resolvedRow(rows, 13)
		rows[i][3] = "兖州高新技术产业园"
		g.addTrap(trap{File: rel, Row: i + 2, Key: rows[i][1], Kind: "unknown_park", Expect: "quarantine",
			Detail: "所属园区 兖州高新技术产业园 is not a park of the district"})
		return rows
	}})

	for _, f := range files {
		rows := f.traps(g.ledgerRows(r, f.items, fieldCheckPrefix), f.rel)
		b, err := csvBytes(encUTF8, ledgerHeader, rows)
		if err != nil {
			return err
		}
		g.sum.Rows["field_checks"] += len(rows)
		if err := g.writeFile(f.rel, b); err != nil {
			return err
		}
	}
	return nil
}

// checkedItems draws n things found in a town between from and the snapshot and checked on site
// after a delay of 0, 1, 2 or 3–9 days, or never, with the weights w.
func (g *gen) checkedItems(r *rand.Rand, n int, typ, dept, openStatus string, from time.Time, w []float64) []*ledgerItem {
	var items []*ledgerItem
	for range n {
		it := &ledgerItem{typ: typ, townCode: oneOf(r, g.towns...).Code, deptCode: dept, unit: "处", qty: 1, openStatus: openStatus,
			found: randDate(r, from, snapshot)}
		if lag := pick(r, []int{0, 1, 2, 3, -1}, w); lag >= 0 {
			if lag == 3 {
				lag = between(r, 3, 9)
			}
			it.resolved = it.found.AddDate(0, 0, lag)
		}
		items = append(items, it)
	}
	return items
}

// resolvedRow is the index of the first row from i on that has a 销号日期 (traps need one).
func (g *gen) resolvedRow(rows [][]string, i int) int {
	for ; rows[i][8] == ""; i++ {
	}
	return i
}

func mustDate(s string) time.Time {
	t, err := time.Parse(time.DateOnly, s)
	if err != nil {
		panic(err)
	}
	return t
}
