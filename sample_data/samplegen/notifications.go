package samplegen

import (
	"fmt"
	"slices"
	"time"
)

var notificationHeader = []string{"隐患编号", "告知对象", "姓名", "联系电话", "告知日期", "告知方式", "告知部门"}

// hazardNotifications writes the hazard platform's 重大事故隐患告知清单 (T21): each 重大 hazard is
// told to the unit's 主要负责人 and 实际控制人 — one row when they are the same person, which is
// the common case for small units — mostly within days, sometimes late or never. Its own
// stream keeps every other file unchanged.
func (g *gen) hazardNotifications() error {
	r := g.rng("hazard_notifications")
	var rows [][]string
	add := func(h *hazard, role string, p person, d time.Time) {
		if d.After(snapshot) {
			return
		}
		rows = append(rows, []string{h.id, role, p.name, p.phone, ymd(d), pick(r, []string{"书面告知书", "当面告知", "短信", "电话"}, []float64{60, 25, 10, 5}),
			g.deptName(pick(r, []string{"D15", h.e.DeptCode}, []float64{50, 50}))})
	}
	delay := func() int {
		if chance(r, 0.85) {
			return between(r, 0, 3)
		}
		return between(r, 4, 20)
	}
	for _, h := range g.majorHazards {
		if h.found.After(snapshot) || chance(r, 0.06) {
			continue // never told
		}
		if chance(r, 0.55) {
			add(h, "主要负责人兼实际控制人", newPerson(r), h.found.AddDate(0, 0, delay()))
			continue
		}
		add(h, "主要负责人", newPerson(r), h.found.AddDate(0, 0, delay()))
		if chance(r, 0.9) {
			add(h, "实际控制人", newPerson(r), h.found.AddDate(0, 0, delay()))
		}
	}
	const rel = "hazards/notifications.csv"
	n := len(rows)
	if n < 10 {
		return fmt.Errorf("only %d notifications to plant traps in", n)
	}
	trapAt := func(i int, kind, expect, detail string) {
		g.addTrap(trap{File: rel, Row: i + 2, Key: rows[i][0], Kind: kind, Expect: expect, Detail: detail})
	}
	rows[n/10][1] = "法定代表人"
	trapAt(n/10, "unknown_role", "quarantine", "告知对象 法定代表人 is none of 主要负责人, 实际控制人, 主要负责人兼实际控制人")
	i := n * 3 / 10
	rows[i][4] = "2062-" + rows[i][4][5:]
	trapAt(i, "future_date", "quarantine", "告知日期 "+rows[i][4]+" lies in the future (the year mistyped)")
	i = n / 2
	rows[i][4] = ymd(mustDate(rows[i][4]).AddDate(0, 0, -40))
	trapAt(i, "notified_before_found", "flag", "告知日期 "+rows[i][4]+" precedes the hazard's 发现日期: loaded, never counted as told in time (T21)")
	rows = append(rows, []string{"YH202502300001", "主要负责人", "王磊", "13905378811", "2025-03-02", "书面告知书", "区应急管理局"})
	trapAt(len(rows)-1, "unknown_hazard", "flag", "隐患编号 YH202502300001 is not on the platform (no 2月30日): loaded, matches no hazard")
	i = n * 7 / 10
	conflict := slices.Clone(rows[i])
	conflict[4] = ymd(mustDate(conflict[4]).AddDate(0, 0, 1))
	rows = append(rows, conflict)
	trapAt(len(rows)-1, "key_conflict", "quarantine", fmt.Sprintf("隐患编号 and 告知对象 of row %d again with 告知日期 %s", i+2, conflict[4]))
	b, err := csvBytes(encUTF8BOM, notificationHeader, rows)
	if err != nil {
		return err
	}
	g.sum.Rows["hazard_notifications"] = len(rows)
	return g.writeFile(rel, b)
}
