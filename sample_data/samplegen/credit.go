package samplegen

import (
	"fmt"
	"slices"
)

var creditHeader = []string{"名单编号", "名单类型", "主体类型", "单位名称", "统一社会信用代码", "失信人员", "所属镇街", "所属园区", "列入事由",
	"认定部门", "列入日期", "移出日期"}

var creditReasons = map[string][]string{
	"黑名单": {"存在重大事故隐患拒不整改", "拒不执行安全监管监察指令", "未依法履行安全生产主体责任，受到行政处罚后拒不改正",
		"非法违法组织生产经营建设", "一年内因同类违法行为受到两次以上行政处罚"},
	"严重失信主体名单": {"发生较大生产安全责任事故", "瞒报、谎报生产安全事故", "发生生产安全责任事故，造成1人死亡", "安全评价机构出具虚假报告"},
}

// creditLists writes the credit system's export of the safety lists (T31, T102): a few units and
// persons a year on the 黑名单 and the 严重失信主体名单 (district-wide lists that do not scale),
// some taken off after a year or more. Its own stream keeps every other file unchanged.
func (g *gen) creditLists() error {
	r := g.rng("credit_lists")
	var rows [][]string
	seq := 0
	for _, y := range years() {
		from, to := yearSpan(y)
		for _, spec := range []struct {
			list   string
			lo, hi int
		}{{"黑名单", 3, 6}, {"严重失信主体名单", 1, 3}} {
			for range between(r, spec.lo, spec.hi) {
				listed := workday(r, randDate(r, from, to), to)
				var e *enterprise
				var st entState
				for e == nil {
					c := g.ents[r.IntN(len(g.ents))]
					if s, ok := c.at(listed); ok {
						e, st = c, s
					}
				}
				seq++
				kind, person := "单位", ""
				if chance(r, 0.3) {
					kind, person = "个人", newPerson(r).name
				}
				park := ""
				if p := g.park(st.parkCode); p != nil {
					park = p.Name
				}
				removed := ""
				if d := listed.AddDate(between(r, 1, 3), 0, 0); !d.After(snapshot) && chance(r, 0.5) {
					removed = ymd(d)
				}
				dept := "D15"
				if spec.list == "黑名单" && e.DeptCode != "" && chance(r, 0.4) {
					dept = e.DeptCode
				}
				rows = append(rows, []string{fmt.Sprintf("XY%d%04d", listed.Year(), seq), spec.list, kind, e.Name, e.USCC, person,
					g.town(st.townCode).Name, park, oneOf(r, creditReasons[spec.list]...), g.deptName(dept), ymd(listed), removed})
			}
		}
	}
	const rel = "credit/credit_lists.csv"
	trapAt := func(i int, kind, expect, detail string) {
		g.addTrap(trap{File: rel, Row: i + 2, Key: rows[i][0], Kind: kind, Expect: expect, Detail: detail})
	}
	if len(rows) < 16 {
		return fmt.Errorf("only %d list entries to plant traps in", len(rows))
	}
	i := 2
	rows[i][11] = ymd(mustDate(rows[i][10]).AddDate(0, -2, 0))
	trapAt(i, "removed_before_listed", "quarantine", "移出日期 "+rows[i][11]+" 早于列入日期 "+rows[i][10])
	i = 4
	rows[i][1] = "红名单"
	trapAt(i, "unknown_list", "quarantine", "名单类型 红名单 is neither 严重失信主体名单 nor 黑名单")
	i = 6
	rows[i][10] = "2062-" + rows[i][10][5:]
	rows[i][11] = ""
	trapAt(i, "future_date", "quarantine", "列入日期 "+rows[i][10]+" lies in the future (the year mistyped)")
	i = 8
	rows[i][2], rows[i][5] = "个人", ""
	trapAt(i, "person_without_name", "quarantine", "主体类型 个人 without the person's name")
	i = 10
	rows[i][7] = "兖州高新技术产业园"
	trapAt(i, "unknown_park", "quarantine", "所属园区 兖州高新技术产业园 is not a park of the district")
	i = 12
	rows[i][4], rows[i][3] = "91370812MA3C0DE00X", "兖州区鑫达商贸有限公司"
	trapAt(i, "unknown_enterprise", "flag", "统一社会信用代码 91370812MA3C0DE00X is not in the registry: loaded with the town the row names, no industry")
	conflict := slices.Clone(rows[14])
	conflict[8] = oneOf(r, creditReasons[conflict[1]]...) + "（复核）"
	rows = append(rows, conflict)
	trapAt(len(rows)-1, "key_conflict", "quarantine", "名单编号 of row 16 again with another 列入事由")
	b, err := csvBytes(encGBK, creditHeader, rows)
	if err != nil {
		return err
	}
	g.sum.Rows["credit_lists"] = len(rows)
	return g.writeFile(rel, b)
}
