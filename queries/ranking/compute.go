package ranking

import (
	"fmt"
	"math"
	"slices"
	"sort"
	"strconv"
	"strings"
	"time"

	"safetydw/queries"
)

// Board is one group's ranking as of the Set's day, with its 红榜 and 黑榜.
type Board struct {
	Group, GroupName string // town 镇（街道）, park 园区, dept 区安委会成员单位
	AsOf             time.Time
	CompareAsOf      time.Time // the month end before; PrevRank is the rank then
	Rows             []Row     // in rank order
	Red, Black       []Mention // 红榜 / 黑榜
}

// Row is one unit's scorecard.
type Row struct {
	Code, Name   string
	Points       float64 // total after deductions and bonuses, rounded to 0.01
	Rank         int     // equal tuples share a rank: 1, 2, 2, 4; 0 = not ranked (Unranked says why)
	PrevRank     int     // 0 = no rank last month
	PrevPoints   float64 // the total last month, when HasPrev
	HasPrev      bool    // the unit was scored last month (ranked or, PrevRank 0, not ranked)
	Vetoed       bool    // 一票否决: ranked last
	VetoReason   string
	Unranked     string  // why the unit is not ranked: scored on too little declared weight
	Items        []Item  // one per indicator, in config order
	Deductions   []Item  // one per deduction line, in config order (Weight 0)
	Redistribute bool    // some weight was shared out over the other indicators
	ScoredWeight float64 // the declared weight of the indicators scored (the rest was redistributed)
}

// Change is how many places the unit rose since last month (negative: fell); 0 without a rank then.
func (r Row) Change() int {
	if r.PrevRank == 0 || r.Rank == 0 {
		return 0
	}
	return r.PrevRank - r.Rank
}

// Item is one indicator or deduction line of a scorecard.
type Item struct {
	Indicator, Name, Metric string
	Block                   string
	Value                   float64
	HasValue                bool
	Weight                  float64 // the weight scored against, after redistribution (0: not scored)
	BaseWeight              float64 // the weight scoring.yaml declares
	Points                  float64
	Direction               string   // higher | lower
	Target                  *float64 // higher: the value that scores full weight
	Cap                     *float64 // lower: the value that scores nothing
	Pending                 bool     // no metric measures the indicator yet
	Note                    string   // why the line scores as it does, in Chinese
}

// Mention is a unit named on the 红榜 or 黑榜, with its reasons in Chinese ("排名第1",
// "较上月上升3位", "重大隐患逾期超30天: 2项"), several joined by "；".
type Mention struct {
	Code, Name, Reason string
}

// HistoryPoint is a unit's rank at a month's cut-off. The Set holds two (this month's and last
// month's); a caller holding monthly snapshots passes its own history to the scorecard page.
type HistoryPoint struct {
	AsOf   time.Time
	Rank   int
	Points float64
	Of     int // units ranked that month
}

// History is the unit's ranks the board knows: last month's (when ranked) and this month's.
func (b Board) History(code string) []HistoryPoint {
	for _, r := range b.Rows {
		if r.Code != code {
			continue
		}
		var out []HistoryPoint
		if r.HasPrev {
			out = append(out, HistoryPoint{AsOf: b.CompareAsOf, Rank: r.PrevRank, Points: r.PrevPoints, Of: b.Ranked()})
		}
		return append(out, HistoryPoint{AsOf: b.AsOf, Rank: r.Rank, Points: r.Points, Of: b.Ranked()})
	}
	return nil
}

// Ranked is how many units the board ranks (the rest were scored on too little weight).
func (b Board) Ranked() int {
	n := 0
	for _, r := range b.Rows {
		if r.Rank > 0 {
			n++
		}
	}
	return n
}

// Row returns the unit's row.
func (b Board) Row(code string) (Row, bool) {
	for _, r := range b.Rows {
		if r.Code == code {
			return r, true
		}
	}
	return Row{}, false
}

// Compute ranks every group of the config from the Set alone: this month from the values as of
// set.AsOf, last month (PrevRank, most improved) from the values as of set.CompareAsOf.
func (c *Config) Compute(set *queries.Set) []Board {
	var out []Board
	for _, g := range c.Groups {
		b := Board{Group: g.ID, GroupName: g.Name, AsOf: set.AsOf, CompareAsOf: set.CompareAsOf}
		b.Rows = g.rank(set, set.AsOf)
		if !set.CompareAsOf.IsZero() {
			prev := map[string]Row{}
			for _, r := range g.rank(set, set.CompareAsOf) {
				prev[r.Code] = r
			}
			for i := range b.Rows {
				if p, ok := prev[b.Rows[i].Code]; ok {
					b.Rows[i].PrevRank, b.Rows[i].PrevPoints, b.Rows[i].HasPrev = p.Rank, p.Points, true
				}
			}
		}
		b.Red, b.Black = g.boards(set, b.Rows)
		out = append(out, b)
	}
	return out
}

// scored is a row with the tuple it is sorted by.
type scored struct {
	Row
	ties []float64 // tie-break values, oriented so that smaller sorts first
}

// rank scores every unit of the group as of a day and sorts them by (not vetoed, points desc,
// tie-breaks, code); equal tuples, code aside, share the rank of the first.
func (g Group) rank(set *queries.Set, asOf time.Time) []Row {
	var rows []scored
	for _, u := range set.Units[g.ID] {
		if slices.Contains(g.Exclude, u.Code) {
			continue
		}
		r := scored{Row: g.score(set, u, asOf)}
		if r.ScoredWeight < g.Red.MinWeight {
			// A department with nothing to score (no penalty powers, no hazards in its
			// industries) would top the table on its redistributed weight: it is listed, not ranked.
			r.Unranked = fmt.Sprintf("可评分指标权重%s分，不足%s分，不参与排名", num(r.ScoredWeight), num(g.Red.MinWeight))
		}
		for _, t := range g.TieBreaks {
			v, ok := value(set, t.Metric, t.Grain, g.ID, u.Code, asOf)
			switch {
			case !ok: // no value sorts after every value
				v = math.Inf(1)
			case t.Prefer == "higher":
				v = -v
			}
			r.ties = append(r.ties, v)
		}
		rows = append(rows, r)
	}
	cmp := func(a, b scored) int {
		switch {
		case (a.Unranked == "") != (b.Unranked == ""):
			if a.Unranked != "" {
				return 1
			}
			return -1
		case a.Vetoed != b.Vetoed:
			if a.Vetoed {
				return 1
			}
			return -1
		case a.Points != b.Points:
			if a.Points > b.Points {
				return -1
			}
			return 1
		}
		return slices.Compare(a.ties, b.ties)
	}
	sort.SliceStable(rows, func(i, j int) bool {
		if c := cmp(rows[i], rows[j]); c != 0 {
			return c < 0
		}
		return rows[i].Code < rows[j].Code
	})
	out := make([]Row, len(rows))
	for i := range rows {
		switch {
		case rows[i].Unranked != "":
			rows[i].Rank = 0
		case i > 0 && cmp(rows[i-1], rows[i]) == 0:
			rows[i].Rank = rows[i-1].Rank
		default:
			rows[i].Rank = i + 1
		}
		out[i] = rows[i].Row
	}
	return out
}

// score computes one unit's scorecard as of a day.
func (g Group) score(set *queries.Set, u queries.Unit, asOf time.Time) Row {
	r := Row{Code: u.Code, Name: u.Name}
	kept := 0.0 // declared weight of the indicators that are scored
	ratios := make([]float64, len(g.Indicators))
	shared := make([]bool, len(g.Indicators))
	for i, in := range g.Indicators {
		it := Item{Indicator: in.ID, Name: in.Name, Block: in.Block, Metric: in.resolved, BaseWeight: in.Weight,
			Direction: in.Direction, Cap: in.Cap, Pending: in.resolved == ""}
		switch {
		case in.OnlyTag != "" && !slices.Contains(u.Tags, in.OnlyTag):
			shared[i] = true
			it.Note = "不适用（" + tagName(in.OnlyTag) + "），权重按比例分给其他指标"
		case it.Pending:
			shared[i] = true
			it.Note = "指标尚未接入（" + in.SeedTarget + in.Awaiting + "），权重按比例分给其他指标"
		default:
			it.Value, it.HasValue = value(set, in.resolved, in.Grain, g.ID, u.Code, asOf)
			if in.Direction == "higher" {
				t, ok := in.Target, in.Target != nil
				if !ok {
					var th float64
					if th, ok = threshold(set, in.resolved, asOf); ok {
						t = &th
					}
				}
				it.Target = t
				if !ok {
					// The metric's targets have no number for this year: nothing to score against.
					shared[i] = true
					it.Note = "本年无目标值，权重按比例分给其他指标"
					break
				}
			}
			if !it.HasValue {
				switch in.Missing {
				case "zero":
					it.Note = "无数据，计0分"
				case "full":
					ratios[i] = 1
					it.Note = "无数据，计满分"
				default:
					shared[i] = true
					it.Note = "无数据，权重按比例分给其他指标"
				}
				break
			}
			if in.Direction == "higher" {
				ratios[i] = math.Max(0, math.Min(it.Value / *it.Target, 1))
			} else {
				ratios[i] = math.Max(0, 1 - it.Value / *in.Cap)
			}
			if in.Note != "" {
				it.Note = in.Note
			}
		}
		if !shared[i] {
			kept += in.Weight
		}
		r.ScoredWeight = kept
		r.Items = append(r.Items, it)
	}
	total := 0.0
	for i := range r.Items {
		if shared[i] {
			r.Redistribute = true
			continue
		}
		if kept > 0 {
			r.Items[i].Weight = round2(g.Indicators[i].Weight * g.Total / kept)
			r.Items[i].Points = round2(g.Indicators[i].Weight * g.Total / kept * ratios[i])
		}
		total += r.Items[i].Points
	}
	for _, d := range g.Deductions {
		v, ok := value(set, d.Metric, d.Grain, g.ID, u.Code, asOf)
		it := Item{Indicator: d.ID, Name: d.Name, Metric: d.Metric, Value: v, HasValue: ok}
		if ok && v != 0 {
			it.Points = v * d.Points
			if d.Max != nil && math.Abs(it.Points) > math.Abs(*d.Max) {
				it.Points = *d.Max
			}
			it.Points = round2(it.Points)
			it.Note = fmt.Sprintf("%s%s × %s", num(v), unitOf(set, d.Metric, d.Unit), signed(d.Points))
			if d.Max != nil {
				it.Note += "，最多" + signed(*d.Max)
			}
		}
		total += it.Points
		r.Deductions = append(r.Deductions, it)
	}
	r.Points = round2(total)
	if v := g.Veto; v != nil {
		if x, ok := value(set, v.Metric, v.Grain, g.ID, u.Code, asOf); ok && x > 0 {
			r.Vetoed = true
			r.VetoReason = fmt.Sprintf("一票否决：%s%s%s", v.Name, num(x), unitOf(set, v.Metric, ""))
		}
	}
	return r
}

// boards applies the group's 红榜 and 黑榜 rules to the ranked rows.
func (g Group) boards(set *queries.Set, rows []Row) (red, black []Mention) {
	add := func(list []Mention, r Row, reason string) []Mention {
		for i := range list {
			if list[i].Code == r.Code {
				list[i].Reason += "；" + reason
				return list
			}
		}
		return append(list, Mention{Code: r.Code, Name: r.Name, Reason: reason})
	}
	// The top N of the units that may be praised (not vetoed, scored on enough weight), with
	// every unit tied with the Nth.
	var praised []Row
	for _, r := range rows {
		if !r.Vetoed && r.ScoredWeight >= g.Red.MinWeight {
			praised = append(praised, r)
		}
	}
	top := 0
	if g.Red.Top > 0 && len(praised) > 0 {
		top = praised[min(g.Red.Top, len(praised))-1].Rank
	}
	for _, r := range praised {
		if r.Rank <= top {
			red = add(red, r, fmt.Sprintf("排名第%d", r.Rank))
		}
		if g.Red.Improved > 0 && r.Change() >= g.Red.Improved {
			red = add(red, r, fmt.Sprintf("较上月上升%d位", r.Change()))
		}
	}
	// The bottom N by position, with every unit tied with them; a unit ranked within the 红榜's
	// top (a small group, or everyone tied) is not also named at the bottom.
	ranked := 0 // the ranked rows come first
	for ranked < len(rows) && rows[ranked].Rank > 0 {
		ranked++
	}
	cut := math.MaxInt
	if g.Black.Bottom > 0 && ranked > 0 {
		cut = rows[max(0, ranked-g.Black.Bottom)].Rank
	}
	units := map[string]queries.Unit{}
	for _, u := range set.Units[g.ID] {
		units[u.Code] = u
	}
	for _, r := range rows {
		if r.Vetoed {
			black = add(black, r, r.VetoReason)
		} else if r.Rank > 0 && r.Rank >= cut && r.Rank > top {
			black = add(black, r, fmt.Sprintf("排名第%d（共%d个）", r.Rank, ranked))
		}
		for _, f := range g.Black.Flags {
			if f.OnlyTag != "" && !slices.Contains(units[r.Code].Tags, f.OnlyTag) {
				continue
			}
			v, ok := value(set, f.Metric, f.Grain, g.ID, r.Code, set.AsOf)
			if ok && ((f.Min != nil && v >= *f.Min) || (f.Max != nil && v <= *f.Max)) {
				black = add(black, r, strings.ReplaceAll(f.Reason, "{value}", num(v)))
			}
		}
	}
	return red, black
}

// value reads the metric for the period of the grain holding the day.
func value(set *queries.Set, metric, grain, dim, code string, asOf time.Time) (float64, bool) {
	v, ok := set.Current(metric, grain, dim, code, asOf)
	if !ok || !v.OK() {
		return 0, false
	}
	return v.Value, true
}

// threshold is the number of the metric's target judged in the day's year: the target of that
// calendar year, else the latest earlier one, else any target with a number.
func threshold(set *queries.Set, metric string, asOf time.Time) (float64, bool) {
	var best *queries.Target
	for _, id := range set.Spec(metric).Targets {
		t, ok := set.Targets[id]
		if !ok || t.Threshold == nil || *t.Threshold <= 0 {
			continue
		}
		switch {
		case best == nil:
			best = &t
		case t.PeriodYear == asOf.Year():
			return *t.Threshold, true
		case t.PeriodYear <= asOf.Year() && t.PeriodYear > best.PeriodYear:
			best = &t
		}
	}
	if best == nil {
		return 0, false
	}
	return *best.Threshold, true
}

func unitOf(set *queries.Set, metric, unit string) string {
	if unit != "" {
		return unit
	}
	return set.Spec(metric).Unit
}

func tagName(tag string) string {
	switch tag {
	case "penalty_power":
		return "无安全生产行政处罚职权"
	case "chemical":
		return "非化工园区"
	}
	return tag
}

func round2(x float64) float64 { return math.Round(x*100) / 100 }

// num writes a value without trailing zeros: 2, 2.5, 66.67.
func num(x float64) string { return strconv.FormatFloat(round2(x), 'f', -1, 64) }

// signed writes points with their sign: −5, +2.
func signed(x float64) string {
	if x < 0 {
		return "−" + num(-x)
	}
	return "+" + num(x)
}
