// Package samplegen writes deterministic sample data for safetydw in the
// shapes the district's source systems hand it over: GBK and UTF-8 CSV, XLSX
// ledgers with title rows, JSON Lines from an HTTP API, with the
// data-quality traps the ETL has to survive (see ../README.md).
//
// Same Options, same bytes: every random choice comes from a PCG stream
// derived from the seed and a fixed label, output order never depends on map
// iteration, and XLSX document properties are pinned.
package samplegen

import (
	"errors"
	"fmt"
	"hash/fnv"
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"sort"
	"time"

	"golang.org/x/sync/errgroup"

	"safetydw/warehouse/refdata"
)

// Options controls one generation run.
type Options struct {
	Seed       int64
	Scale      float64 // 1.0 = realistic district: ~6,000 enterprises; 0.1 = the committed set
	Out        string  // output directory, created if missing
	SensorDays int     // days of sensor readings to write (default 3 when 0)
}

// Summary reports what a run wrote.
type Summary struct {
	Files int
	Rows  map[string]int // per domain, e.g. "drills"
}

// Period covered by the sample data, inclusive.
var (
	periodStart = day(2023, 1, 1)
	periodEnd   = day(2026, 11, 30)
)

// cst is Asia/Shanghai. China has had no daylight saving time since 1991, so a
// fixed zone is exact for the period and needs no tzdata on the machine.
var cst = time.FixedZone("CST", 8*3600)

// xlsxTime pins the XLSX document properties; excelize would otherwise keep
// its template's 2006 dates, and any clock-based value breaks determinism.
const xlsxTime = "2026-11-01T00:00:00Z"

// gen carries the state shared by the domains of one run.
type gen struct {
	opt   Options
	sum   Summary
	traps []trap

	towns      []refdata.Town
	townByCode map[string]refdata.Town
	parks      []refdata.Park
	depts      map[string]refdata.Department
	deptList   []refdata.Department
	industries map[string]refdata.Industry
	mines      []refdata.CoalMine

	ents []*enterprise

	// Cross-domain links: hazards reported by the public and cases opened
	// without an inspection, which the 举报 records point to; the property ledger.
	reportedHazards []*hazard
	majorHazards    []*hazard // 重大, not withdrawn, not another channel's copy: told to their units (T21)
	reportCases     []*enfCase
	props           []*property

	// pending renders and writes the larger files in the background (writeLater).
	pending errgroup.Group
}

// Generate writes the whole sample set into o.Out.
func Generate(o Options) (Summary, error) {
	if o.Scale <= 0 || math.IsNaN(o.Scale) || math.IsInf(o.Scale, 0) {
		return Summary{}, fmt.Errorf("samplegen: scale must be a positive number, got %v", o.Scale)
	}
	if o.Out == "" {
		return Summary{}, errors.New("samplegen: empty output directory")
	}
	if o.SensorDays == 0 {
		o.SensorDays = 3
	}
	if o.SensorDays < 0 {
		return Summary{}, fmt.Errorf("samplegen: negative sensor days %d", o.SensorDays)
	}
	g := &gen{opt: o, sum: Summary{Rows: map[string]int{}}}
	if err := g.loadRefdata(); err != nil {
		return Summary{}, err
	}
	steps := []struct {
		name string
		run  func() error
	}{
		{"registry", g.registry},
		{"drills", g.drills},
		{"mines", g.minesMonthly},
		{"hazards", g.hazards},
		{"enforcement", g.enforcement},
		{"training", g.training},
		{"properties", g.properties},
		{"reports", g.reports},
		{"accidents", g.accidents},
		{"ledgers", g.ledgers},
		{"milestones", g.milestones},
		{"field_checks", g.fieldChecks},
		{"hazard_notifications", g.hazardNotifications},
		{"credit_lists", g.creditLists},
		{"park_assessments", g.parkAssessments},
		{"assessment_results", g.assessmentResults},
		{"sensors", g.sensors},
		{"responsibility", g.responsibility},
		{"traps", g.writeTraps},
	}
	for _, s := range steps {
		if err := s.run(); err != nil {
			g.pending.Wait()
			return g.sum, fmt.Errorf("samplegen: %s: %w", s.name, err)
		}
	}
	if err := g.pending.Wait(); err != nil {
		return g.sum, fmt.Errorf("samplegen: %w", err)
	}
	return g.sum, nil
}

func (g *gen) loadRefdata() error {
	g.towns = append([]refdata.Town(nil), refdata.Towns()...)
	sort.SliceStable(g.towns, func(i, j int) bool { return g.towns[i].SortOrder < g.towns[j].SortOrder })
	if len(g.towns) == 0 {
		return errors.New("refdata has no towns")
	}
	g.townByCode = map[string]refdata.Town{}
	for _, t := range g.towns {
		g.townByCode[t.Code] = t
	}
	g.parks = refdata.Parks()
	g.deptList = refdata.Departments()
	g.depts = map[string]refdata.Department{}
	for _, d := range g.deptList {
		g.depts[d.Code] = d
	}
	g.industries = map[string]refdata.Industry{}
	for _, in := range refdata.Industries() {
		g.industries[in.Code] = in
	}
	g.mines = refdata.CoalMines()
	for _, p := range g.parks {
		if _, ok := g.townByCode[p.TownCode]; !ok {
			return fmt.Errorf("park %s lies in unknown town %s", p.Code, p.TownCode)
		}
	}
	for _, m := range g.mines {
		if _, ok := g.townByCode[m.TownCode]; !ok {
			return fmt.Errorf("coal mine %s lies in unknown town %s", m.ID, m.TownCode)
		}
	}
	return nil
}

// scaled returns n×Scale rounded, and at least min.
func (g *gen) scaled(n float64, min int) int {
	v := int(math.Round(n * g.opt.Scale))
	if v < min {
		return min
	}
	return v
}

// rng returns a random stream private to label, so that a change in one
// domain (or one file) does not shift the numbers of any other.
func (g *gen) rng(label string) *rand.Rand {
	h := fnv.New64a()
	h.Write([]byte(label))
	return rand.New(rand.NewPCG(uint64(g.opt.Seed), h.Sum64()))
}

// writeFile writes data to Out/rel and counts it.
func (g *gen) writeFile(rel string, data []byte) error {
	if err := writeOut(g.opt.Out, rel, data); err != nil {
		return err
	}
	g.sum.Files++
	return nil
}

// writeLater renders a file and writes it to Out/rel on a goroutine of its own: rendering the
// workbooks (zip compression) and the JSON Lines files was half the generator's time at scale 10,
// and it overlaps the drawing of the next domain's rows. Whatever render reads must
// not change after the call. Errors surface from Generate.
func (g *gen) writeLater(rel string, render func() ([]byte, error)) {
	g.sum.Files++
	g.pending.Go(func() error {
		b, err := render()
		if err != nil {
			return fmt.Errorf("%s: %w", rel, err)
		}
		return writeOut(g.opt.Out, rel, b)
	})
}

// writeXLSX writes the sheets as one workbook, in the background (writeLater).
func (g *gen) writeXLSX(rel string, sheets ...sheet) {
	g.writeLater(rel, func() ([]byte, error) { return xlsxBytes(sheets...) })
}

func writeOut(out, rel string, data []byte) error {
	p := filepath.Join(out, filepath.FromSlash(rel))
	if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
		return err
	}
	return os.WriteFile(p, data, 0o644)
}

func (g *gen) town(code string) refdata.Town { return g.townByCode[code] }

func (g *gen) park(code string) *refdata.Park {
	for i := range g.parks {
		if g.parks[i].Code == code {
			return &g.parks[i]
		}
	}
	return nil
}

func (g *gen) deptName(code string) string { return g.depts[code].Name }

// --- calendar -------------------------------------------------------------

// day is a civil date; dates are kept at UTC midnight so that day arithmetic
// never meets a zone transition.
func day(y, m, d int) time.Time { return time.Date(y, time.Month(m), d, 0, 0, 0, 0, time.UTC) }

func ymd(t time.Time) string { return t.Format("2006-01-02") }

// at returns the instant of civil date d at hh:mm in Asia/Shanghai.
func at(d time.Time, hh, mm int) time.Time {
	return time.Date(d.Year(), d.Month(), d.Day(), hh, mm, 0, 0, cst)
}

func rfc3339(t time.Time) string { return t.In(cst).Format("2006-01-02T15:04:05-07:00") }

func minDate(a, b time.Time) time.Time {
	if a.Before(b) {
		return a
	}
	return b
}

func maxDate(a, b time.Time) time.Time {
	if a.After(b) {
		return a
	}
	return b
}

// yearSpan returns the part of year y inside the period.
func yearSpan(y int) (time.Time, time.Time) {
	return maxDate(day(y, 1, 1), periodStart), minDate(day(y, 12, 31), periodEnd)
}

func years() []int {
	var ys []int
	for y := periodStart.Year(); y <= periodEnd.Year(); y++ {
		ys = append(ys, y)
	}
	return ys
}

// randDate draws a date uniformly in [from, to].
func randDate(r *rand.Rand, from, to time.Time) time.Time {
	n := int(to.Sub(from).Hours()/24) + 1
	if n <= 1 {
		return from
	}
	return from.AddDate(0, 0, r.IntN(n))
}

// seasonalDate draws a date in [from, to] where month m has weight w[m-1].
func seasonalDate(r *rand.Rand, from, to time.Time, w [12]float64) time.Time {
	for range 50 {
		d := randDate(r, from, to)
		if r.Float64()*maxOf(w[:]) <= w[d.Month()-1] {
			return d
		}
	}
	return randDate(r, from, to)
}

// workday moves most weekend dates to the next Monday (unless that passes
// to): offices work Monday to Friday, with some weekend duty.
func workday(r *rand.Rand, d, to time.Time) time.Time {
	wd := d.Weekday()
	if (wd == time.Saturday || wd == time.Sunday) && chance(r, 0.85) {
		if next := d.AddDate(0, 0, (8-int(wd))%7); !next.After(to) {
			return next
		}
	}
	return d
}

func maxOf(xs []float64) float64 {
	m := xs[0]
	for _, x := range xs[1:] {
		m = math.Max(m, x)
	}
	return m
}

// --- random helpers -------------------------------------------------------

// pick returns one of xs with the given weights.
func pick[T any](r *rand.Rand, xs []T, w []float64) T {
	total := 0.0
	for _, v := range w {
		total += v
	}
	x := r.Float64() * total
	for i, v := range w {
		if x < v {
			return xs[i]
		}
		x -= v
	}
	return xs[len(xs)-1]
}

// pickCumulative is pick over running sums of the weights (cum[i] = w[0]+…+w[i]), found by
// binary search, for long candidate lists drawn from many times.
func pickCumulative[T any](r *rand.Rand, xs []T, cum []float64) T {
	x := r.Float64() * cum[len(cum)-1]
	i := sort.SearchFloat64s(cum, x)
	for i < len(cum) && cum[i] <= x { // SearchFloat64s finds cum[i] >= x; pick wants x < cum[i]
		i++
	}
	if i == len(cum) {
		i--
	}
	return xs[i]
}

func oneOf[T any](r *rand.Rand, xs ...T) T { return xs[r.IntN(len(xs))] }

func chance(r *rand.Rand, p float64) bool { return r.Float64() < p }

// between returns an int in [lo, hi].
func between(r *rand.Rand, lo, hi int) int {
	if hi <= lo {
		return lo
	}
	return lo + r.IntN(hi-lo+1)
}

func yesNo(b bool) string {
	if b {
		return "是"
	}
	return "否"
}
