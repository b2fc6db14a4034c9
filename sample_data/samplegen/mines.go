package samplegen

import (
	"fmt"
	"math"
	"strconv"
	"time"
)

// mineProfile shapes one coal mine's monthly report. Output and headcounts
// are plausible orders of magnitude for these mines, not published figures.
type mineProfile struct {
	opened     int
	staff      int // 职工总数 in 2023
	stdGrade   string
	monthlyT   float64 // raw coal per month, tonnes
	faces      int
	ug2023     int     // 2023 average underground headcount (the T47 baseline)
	intelFrom  float64 // intelligent share in January 2023
	intelTo    float64 // share reached by October 2025
	cutBy2025  float64 // underground headcount cut reached by December 2025
	lagsBehind bool
}

var mineProfiles = map[string]mineProfile{
	"M01": {1981, 5200, "一级", 520000, 3, 2100, 0.52, 0.95, 0.11, false},
	"M02": {1997, 2300, "二级", 190000, 2, 900, 0.48, 0.93, 0.10, false},
	"M03": {2001, 1500, "二级", 90000, 2, 620, 0.50, 0.92, 0.12, false},
	// 大统 is the mine that lags: its retrofit slips and its share stalls.
	"M04": {2006, 1700, "二级", 110000, 2, 700, 0.45, 0.74, 0.05, true},
}

func mineProfileFor(id string) mineProfile {
	if p, ok := mineProfiles[id]; ok {
		return p
	}
	return mineProfile{2000, 1500, "二级", 100000, 2, 600, 0.5, 0.92, 0.1, false}
}

var mineHeader = []string{"煤矿名称", "月份(2024-01)", "原煤产量(吨)", "智能化开采产量(吨)", "采煤工作面数",
	"智能化工作面数", "井下平均人数", "井下单班最多人数", "职工总数"}

// The last month reported: the November report is filed in December, after
// the period ends.
var lastMineMonth = day(2026, 10, 1)

func smoothstep(x float64) float64 {
	x = math.Max(0, math.Min(1, x))
	return x * x * (3 - 2*x)
}

func (g *gen) minesMonthly() error {
	r := g.rng("mines")
	const file = "mines/mine_monthly.xlsx"
	if len(g.mines) == 0 {
		return nil
	}
	// One mine-month never arrives (a trap for completeness checks).
	missMine := g.mines[r.IntN(len(g.mines))].ID
	missMonth := day(2024, between(r, 3, 11), 1)
	// One mine sent its 2023 reports on an old template that typed numbers
	// as text with thousands separators.
	textMine := g.mines[0].ID

	var rows [][]any
	rowNo := 1
	for m := day(2023, 1, 1); !m.After(lastMineMonth); m = m.AddDate(0, 1, 0) {
		t := float64(monthsBetween(day(2023, 1, 1), m))
		for _, mine := range g.mines {
			p := mineProfileFor(mine.ID)
			if mine.ID == missMine && m.Equal(missMonth) {
				g.addTrap(trap{File: file, Key: mine.Name + "/" + m.Format("2006-01"), Kind: "missing_month", Expect: "flag",
					Detail: fmt.Sprintf("%s has no row for %s", mine.Name, m.Format("2006-01"))})
				continue
			}
			// Intelligent share: a slow 2023, a ramp through 2024, the target
			// reached by October 2025 (month 33), then a plateau.
			share := p.intelFrom + (p.intelTo-p.intelFrom)*smoothstep((t-6)/27) + (r.Float64()-0.5)*0.02
			if !p.lagsBehind && t >= 33 {
				share = math.Max(share, 0.905)
			}
			share = math.Min(share, 0.985)
			season := 1.0
			switch m.Month() {
			case time.February:
				season = 0.86 // 春节
			case time.December, time.January:
				season = 1.04
			}
			raw := round1(p.monthlyT * season * (0.93 + r.Float64()*0.12))
			intel := round1(raw * share)
			faces := p.faces
			if chance(r, 0.12) {
				faces-- // a face being moved (搬家倒面)
			}
			intelFaces := int(math.Round(float64(faces) * share))
			if intelFaces < 1 {
				intelFaces = 1
			}
			// Underground headcount: flat in 2023, down by cutBy2025 through
			// 2024–2025, a little further in 2026.
			cut := p.cutBy2025*smoothstep((t-12)/23) + math.Max(0, t-35)*0.001
			ug := int(math.Round(float64(p.ug2023) * (1 - cut) * (0.985 + r.Float64()*0.03)))
			maxShift := int(math.Round(float64(ug) * (0.40 + r.Float64()*0.05)))
			staff := int(math.Round(float64(p.staff) * (1 - 0.6*cut) * (0.995 + r.Float64()*0.01)))

			rowNo++
			vals := []any{mine.Name, m.Format("2006-01"), raw, intel, faces, intelFaces, ug, maxShift, staff}
			asText := mine.ID == textMine && m.Year() == 2023
			if !asText && chance(r, 0.04) {
				// A single figure pasted as text from another sheet.
				c := between(r, 2, 3)
				vals[c] = xlText(thousands(vals[c].(float64), 1))
				g.addTrap(trap{File: file, Row: rowNo, Key: mine.Name + "/" + m.Format("2006-01"), Kind: "number_as_text", Expect: "map",
					Detail: fmt.Sprintf("%s is text %q", mineHeader[c], string(vals[c].(xlText)))})
			}
			if asText {
				for c := 2; c < len(vals); c++ {
					switch v := vals[c].(type) {
					case float64:
						vals[c] = xlText(thousands(v, 1))
					case int:
						vals[c] = xlText(thousands(float64(v), 0))
					}
				}
				g.addTrap(trap{File: file, Row: rowNo, Key: mine.Name + "/" + m.Format("2006-01"), Kind: "number_as_text", Expect: "map",
					Detail: "every figure is text with thousands separators, e.g. " + strconv.Quote(string(vals[2].(xlText)))})
			}
			rows = append(rows, vals)
		}
	}
	g.writeXLSX(file, sheet{name: "煤矿月报", header: mineHeader, rows: rows,
		widths: map[int]float64{1: 14, 2: 14, 3: 16, 4: 20, 5: 14, 6: 16, 7: 14, 8: 18, 9: 10}})
	g.sum.Rows["mine_monthly"] = len(rows)
	return nil
}

func monthsBetween(a, b time.Time) int {
	return (b.Year()-a.Year())*12 + int(b.Month()) - int(a.Month())
}

func round1(v float64) float64 { return math.Round(v*10) / 10 }

func round2(v float64) float64 { return math.Round(v*100) / 100 }
