package samplegen

import (
	"bytes"
	"fmt"
	"math"
	"math/rand/v2"
	"strconv"
	"time"
)

// sensorSystems: monitoring points per system at Scale 1. A real district has
// 5,000–17,000 points (domain.md §3); the sample keeps 400 so that three days
// of 5-minute readings stay small in the committed set.
var sensorSystems = []struct {
	system, prefix string
	n              float64
	interval       int // native sampling interval, seconds
}{
	{"电力监测", "DL", 140, 900},
	{"气体检测", "QT", 100, 10},
	{"粉尘涉爆", "FC", 40, 5},
	{"重大危险源", "WX", 60, 10},
	{"煤矿安全监控", "MK", 40, 10},
	{"智慧工地", "GD", 20, 60},
}

// metricSpec shapes one metric's readings.
type metricSpec struct {
	metric, unit   string
	lo, hi, hihi   float64 // thresholds; NaN when none
	base, spread   float64
	diurnal        float64 // share of base that follows working hours
	decimals       int
	spikeTo        float64 // an alarm spike reaches this
	nonNegative    bool
	slowWander     bool // levels drift rather than jitter
	alarmsPerDay   float64
	workHoursShape bool
}

var nan = math.NaN()

func metricsFor(system string) []metricSpec {
	switch system {
	case "电力监测":
		return []metricSpec{{metric: "有功功率", unit: "kW", lo: nan, hi: nan, hihi: nan, base: 300, spread: 0.06, diurnal: 0.7, decimals: 2, nonNegative: true, workHoursShape: true}}
	case "气体检测":
		return []metricSpec{
			{metric: "可燃气体", unit: "%LEL", lo: nan, hi: 25, hihi: 50, base: 1.2, spread: 0.5, decimals: 1, spikeTo: 32, nonNegative: true, alarmsPerDay: 0.05},
			{metric: "氨气", unit: "ppm", lo: nan, hi: 30, hihi: 150, base: 4, spread: 0.4, decimals: 1, spikeTo: 38, nonNegative: true, alarmsPerDay: 0.03},
		}
	case "粉尘涉爆":
		return []metricSpec{
			{metric: "粉尘浓度", unit: "mg/m3", lo: nan, hi: 10, hihi: 20, base: 2.5, spread: 0.3, diurnal: 0.6, decimals: 2, nonNegative: true, workHoursShape: true},
			{metric: "轴承温度", unit: "℃", lo: nan, hi: 80, hihi: 95, base: 45, spread: 0.05, diurnal: 0.2, decimals: 1, workHoursShape: true},
		}
	case "重大危险源":
		return []metricSpec{
			{metric: "液位", unit: "m", lo: 1, hi: 9, hihi: 9.5, base: 5, spread: 0.02, decimals: 3, slowWander: true},
			{metric: "储罐温度", unit: "℃", lo: nan, hi: 40, hihi: 50, base: 18, spread: 0.03, decimals: 1, slowWander: true},
			{metric: "压力", unit: "MPa", lo: 0.1, hi: 1.6, hihi: 1.8, base: 0.8, spread: 0.03, decimals: 3, slowWander: true},
		}
	case "煤矿安全监控":
		return []metricSpec{
			{metric: "甲烷", unit: "%CH4", lo: nan, hi: 0.8, hihi: 1.0, base: 0.12, spread: 0.3, decimals: 2, spikeTo: 0.86, nonNegative: true, alarmsPerDay: 0.05},
			{metric: "一氧化碳", unit: "ppm", lo: nan, hi: 24, hihi: 50, base: 5, spread: 0.3, decimals: 1, nonNegative: true},
			{metric: "风速", unit: "m/s", lo: 0.25, hi: 4, hihi: nan, base: 1.8, spread: 0.08, decimals: 2, nonNegative: true},
		}
	}
	return []metricSpec{
		{metric: "扬尘PM10", unit: "μg/m3", lo: nan, hi: 150, hihi: 250, base: 70, spread: 0.25, diurnal: 0.5, decimals: 0, nonNegative: true, workHoursShape: true},
		{metric: "塔吊载重", unit: "t", lo: nan, hi: 8, hihi: 10, base: 2.5, spread: 0.5, diurnal: 0.9, decimals: 2, nonNegative: true, workHoursShape: true},
	}
}

type sensorPoint struct {
	id, system string
	e          *enterprise
	spec       metricSpec
	scale      float64 // unit-size factor on base
	interval   int
	installed  time.Time
	retired    time.Time // 停用 from this day
}

var pointHeader = []string{"点位编号", "监测系统", "统一社会信用代码", "单位名称", "监测指标", "计量单位", "下限", "上限", "上上限", "采样间隔(秒)", "安装日期", "状态"}

func (g *gen) sensors() error {
	r := g.rng("sensors")
	inScope := func(system string, e *enterprise) bool {
		c, p := e.Industry.Code, e.Industry.ParentCode
		switch system {
		case "电力监测":
			return p == "HC" || c == "MINE" || c == "IT.DUST" || c == "IT.NH3" || c == "IT.CS" || c == "IT.MECH"
		case "气体检测":
			return p == "HC" || c == "OILGAS" || c == "GAS" || c == "IT.NH3"
		case "粉尘涉爆":
			return c == "IT.DUST"
		case "重大危险源":
			return e.MHS
		case "煤矿安全监控":
			return c == "MINE"
		}
		return p == "CONS"
	}
	var points []*sensorPoint
	for _, s := range sensorSystems {
		var pool []*enterprise
		var ws []float64
		for _, e := range g.ents {
			if inScope(s.system, e) && e.closedOn().IsZero() {
				pool = append(pool, e)
				w := 1.0
				if e.HCProducer || e.MineID != "" || e.Name == oilDepotName {
					w = 8
				}
				ws = append(ws, w)
			}
		}
		if len(pool) == 0 {
			continue
		}
		specs := metricsFor(s.system)
		n := g.scaled(s.n, 2)
		if s.system == "煤矿安全监控" {
			n = max(n, len(g.mines))
		}
		for i := range n {
			e := pick(r, pool, ws)
			if s.system == "煤矿安全监控" && i < len(pool) {
				e = pool[i] // every mine sends its monitoring
			}
			sp := specs[r.IntN(len(specs))]
			if s.system == "气体检测" && e.Industry.Code != "IT.NH3" {
				sp = specs[0]
			}
			p := &sensorPoint{id: fmt.Sprintf("%s-%04d", s.prefix, i+1), system: s.system, e: e, spec: sp, interval: s.interval,
				scale: 0.3 + r.Float64()*1.7}
			p.installed = maxDate(e.Opened, randDate(r, day(2022, 6, 1), day(2026, 6, 30)))
			points = append(points, p)
		}
	}
	if len(points) > 3 {
		points[r.IntN(len(points))].retired = day(2026, 6, 15) // decommissioned: no readings
	}

	// Offline episodes: two points dark for a whole day, one for six hours.
	days := g.opt.SensorDays
	first := snapshot.AddDate(0, 0, -(days - 1))
	type outage struct {
		p         *sensorPoint
		from, to  time.Time
		wholeDay  bool
		dayOfTrap time.Time
	}
	var outs []outage
	var live []*sensorPoint
	for _, p := range points {
		if p.retired.IsZero() && !p.installed.After(first) {
			live = append(live, p)
		}
	}
	if len(live) >= 3 {
		perm := r.Perm(len(live))
		d0 := r.IntN(days)
		for k := range 2 {
			d := first.AddDate(0, 0, (d0+k)%days) // different days when there are several
			outs = append(outs, outage{p: live[perm[k]], from: at(d, 0, 0), to: at(d, 0, 0).AddDate(0, 0, 1), wholeDay: true, dayOfTrap: d})
		}
		d := snapshot
		outs = append(outs, outage{p: live[perm[2]], from: at(d, 9, 0), to: at(d, 15, 0), dayOfTrap: d})
	}
	offline := func(p *sensorPoint, t time.Time) bool {
		for _, o := range outs {
			if o.p == p && !t.Before(o.from) && t.Before(o.to) {
				return true
			}
		}
		return false
	}

	// Point table.
	thr := func(v float64) string {
		if math.IsNaN(v) {
			return ""
		}
		return strconv.FormatFloat(v, 'f', -1, 64)
	}
	var prows [][]string
	for _, p := range points {
		status := "在用"
		if !p.retired.IsZero() {
			status = "停用"
		}
		sp := p.spec
		lo, hi, hihi := sp.lo, sp.hi, sp.hihi
		if sp.metric == "有功功率" {
			hi = math.Round(sp.base * p.scale * 1.6)
		}
		prows = append(prows, []string{p.id, p.system, p.e.USCC, p.e.Name, sp.metric, sp.unit, thr(lo), thr(hi), thr(hihi),
			strconv.Itoa(p.interval), ymd(p.installed), status})
	}
	b, err := csvBytes(encUTF8, pointHeader, prows)
	if err != nil {
		return err
	}
	if err := g.writeFile("sensors/points.csv", b); err != nil {
		return err
	}
	g.sum.Rows["sensor_points"] = len(prows)

	// Readings, one file per day, 5-minute steps, in time order.
	state := make([]float64, len(points))
	for i, p := range points {
		state[i] = p.spec.base * p.scale
	}
	total := 0
	for k := range days {
		d := first.AddDate(0, 0, k)
		file := "sensors/readings_" + d.Format("20060102") + ".csv"
		for _, o := range outs {
			if o.dayOfTrap.Equal(d) {
				what := "no readings from 00:00 to 24:00"
				if !o.wholeDay {
					what = "no readings from 09:00 to 15:00"
				}
				g.addTrap(trap{File: file, Key: o.p.id, Kind: "sensor_offline", Expect: "flag",
					Detail: fmt.Sprintf("%s (%s, %s) is offline: %s; connectivity must count it as not connected", o.p.id, o.p.system, o.p.e.Name, what)})
			}
		}
		var buf bytes.Buffer
		buf.WriteString("点位编号,采集时间,监测值,质量\n")
		rows := 0
		running := make([]bool, len(points))
		for i, p := range points {
			running[i] = p.e.operatingAt(d)
		}
		for step := range 288 {
			t := at(d, 0, 0).Add(time.Duration(step*5) * time.Minute)
			for i, p := range points {
				if !p.retired.IsZero() || p.installed.After(d) || offline(p, t) {
					continue
				}
				v, q := nextReading(r, p, &state[i], t, running[i])
				buf.WriteString(p.id)
				buf.WriteByte(',')
				buf.WriteString(t.Format("2006-01-02 15:04:05"))
				buf.WriteByte(',')
				buf.WriteString(strconv.FormatFloat(v, 'f', p.spec.decimals, 64))
				buf.WriteByte(',')
				buf.WriteString(strconv.Itoa(q))
				buf.WriteByte('\n')
				rows++
			}
		}
		if err := g.writeFile(file, buf.Bytes()); err != nil {
			return err
		}
		total += rows
	}
	g.sum.Rows["sensor_readings"] = total
	return nil
}

// nextReading advances a point by one 5-minute step. Quality 0 is good, 1 is
// a value the device flagged as suspect.
func nextReading(r *rand.Rand, p *sensorPoint, level *float64, t time.Time, running bool) (float64, int) {
	sp := p.spec
	base := sp.base * p.scale
	if !running && sp.workHoursShape {
		base *= 0.03 // a suspended unit draws standby power only
	}
	h := float64(t.Hour()) + float64(t.Minute())/60
	shape := 1.0
	if sp.workHoursShape {
		// Working hours 8–18 at full load, nights at (1 − diurnal).
		day := 0.5 - 0.5*math.Cos(2*math.Pi*(h-4)/24)
		if h >= 8 && h < 18 {
			day = math.Max(day, 0.9)
		}
		shape = 1 - sp.diurnal + sp.diurnal*day
	}
	var v float64
	if sp.slowWander {
		*level += (base - *level) * 0.02
		*level += r.NormFloat64() * base * sp.spread * 0.2
		v = *level
	} else {
		v = base * shape * (1 + r.NormFloat64()*sp.spread)
	}
	if sp.alarmsPerDay > 0 && r.Float64() < sp.alarmsPerDay/288 {
		v = sp.spikeTo * (0.95 + r.Float64()*0.1) // over the alarm threshold whatever the point's size
	}
	if sp.nonNegative && v < 0 {
		v = 0
	}
	q := 0
	if r.Float64() < 0.002 {
		q = 1
	}
	return v, q
}
