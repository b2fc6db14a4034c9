// Package refdata embeds the warehouse reference data (targets T01–T119,
// towns, parks, departments, industries, coal mines, name aliases and
// training cohorts) as CSV files and parses them into Go values.
//
// The CSV files are build-time assets: they are parsed once, on first use,
// and a malformed file makes the accessor panic. The package tests parse
// every file, so a broken file never reaches a binary unnoticed.
//
// Every accessor returns a fresh copy in file order, so callers may sort or
// modify what they get.
package refdata

import (
	"bytes"
	"embed"
	"encoding/csv"
	"fmt"
	"io/fs"
	"slices"
	"strconv"
	"strings"
	"sync"
)

//go:embed *.csv
var files embed.FS

// Town is one row of towns.csv (dim_town): a 镇 or 街道 of the district.
type Town struct {
	Code, Name, Kind string
	SortOrder        int
	// DelegatedEligible: the town 具备条件 for 委托/派驻执法 (T88); [A] every town until 应急局
	// names the ones that are not.
	DelegatedEligible bool
}

// Park is one row of parks.csv (dim_park).
type Park struct {
	Code, Name, Type, Level string
	IsChemical              bool
	TownCode                string
	RequiredSafetyStaff     int
}

// Department is one row of departments.csv (dim_department).
type Department struct {
	Code, Name, ShortName, Type           string
	HasPenaltyPower, InZeroPenaltyRanking bool
}

// Industry is one node of the industry tree in industries.csv (dim_industry).
type Industry struct {
	Code, Name, ParentCode string
	Level                  int
	IsHighRisk             bool
	LeadDeptCode           string
}

// CoalMine is one row of coal_mines.csv (dim_coal_mine).
type CoalMine struct {
	ID, Name, TownCode, Operator string
}

// Alias maps a name variant found in source files to a code.
// Kind is "town", "park" or "dept".
type Alias struct {
	Kind, Alias, Code string
}

// Target is one row of targets.csv (ref_target): one target of the plan.
type Target struct {
	ID, Section             string
	SeedLine                int
	Kind, Quote, Comparator string
	Threshold               *float64
	ThresholdAssumed        bool // the number is our reading, not written in the seed
	Unit                    string
	Deadline                string // YYYY-MM-DD or ""
	PeriodYear              int    // 0 if none
	PeriodType, Assumption  string
}

// Cohort is one row of training_cohorts.csv (ref_training_cohort).
type Cohort struct {
	Year         int
	IndustryCode string
	Role         string
}

// Towns returns the towns in file order.
func Towns() []Town { return slices.Clone(parsed().towns) }

// Parks returns the parks in file order.
func Parks() []Park { return slices.Clone(parsed().parks) }

// Departments returns the departments in file order.
func Departments() []Department { return slices.Clone(parsed().departments) }

// Industries returns the industry tree nodes in file order.
func Industries() []Industry { return slices.Clone(parsed().industries) }

// CoalMines returns the coal mines in file order.
func CoalMines() []CoalMine { return slices.Clone(parsed().mines) }

// Aliases returns the name aliases in file order.
func Aliases() []Alias { return slices.Clone(parsed().aliases) }

// Targets returns the targets T01–T119 in file order. Threshold points to a
// value owned by the caller.
func Targets() []Target {
	ts := slices.Clone(parsed().targets)
	for i := range ts {
		if ts[i].Threshold != nil {
			v := *ts[i].Threshold
			ts[i].Threshold = &v
		}
	}
	return ts
}

// Cohorts returns the training cohorts in file order.
func Cohorts() []Cohort { return slices.Clone(parsed().cohorts) }

// Files returns the embedded CSV files by base name, so the warehouse can
// load them into ClickHouse as they are. The map and the byte slices are
// fresh copies on every call.
func Files() map[string][]byte {
	out := map[string][]byte{}
	entries, err := fs.ReadDir(files, ".")
	if err != nil {
		panic(fmt.Sprintf("refdata: %v", err))
	}
	for _, e := range entries {
		if e.IsDir() || !strings.HasSuffix(e.Name(), ".csv") {
			continue
		}
		b, err := files.ReadFile(e.Name())
		if err != nil {
			panic(fmt.Sprintf("refdata: %v", err))
		}
		out[e.Name()] = b
	}
	return out
}

type all struct {
	towns       []Town
	parks       []Park
	departments []Department
	industries  []Industry
	mines       []CoalMine
	aliases     []Alias
	targets     []Target
	cohorts     []Cohort
	parameters  []Parameter
}

var (
	once sync.Once
	data all
)

func parsed() *all {
	once.Do(func() {
		d, err := parseAll()
		if err != nil {
			panic("refdata: " + err.Error())
		}
		data = d
	})
	return &data
}

// table is a parsed CSV file with a header checked against the expected columns.
type table struct {
	name string
	rows [][]string
}

func readTable(name string, header ...string) (table, error) {
	b, err := files.ReadFile(name)
	if err != nil {
		return table{}, err
	}
	return parseTable(name, b, header...)
}

// parseTable parses one CSV file: UTF-8 without BOM, RFC 4180, a header row
// equal to header, and exactly len(header) fields on every row.
func parseTable(name string, b []byte, header ...string) (table, error) {
	if bytes.HasPrefix(b, []byte("\xef\xbb\xbf")) {
		return table{}, fmt.Errorf("%s: has a UTF-8 BOM", name)
	}
	r := csv.NewReader(bytes.NewReader(b))
	r.FieldsPerRecord = len(header)
	recs, err := r.ReadAll()
	if err != nil {
		return table{}, fmt.Errorf("%s: %w", name, err)
	}
	if len(recs) == 0 {
		return table{}, fmt.Errorf("%s: empty file", name)
	}
	for i, h := range header {
		if recs[0][i] != h {
			return table{}, fmt.Errorf("%s: header column %d is %q, want %q", name, i+1, recs[0][i], h)
		}
	}
	return table{name: name, rows: recs[1:]}, nil
}

// cellErr builds an error that names the file, the line and the column.
func (t table) cellErr(row int, col string, err error) error {
	return fmt.Errorf("%s line %d column %s: %w", t.name, row+2, col, err)
}

func (t table) atoi(row int, col string, s string, emptyOK bool) (int, error) {
	if s == "" && emptyOK {
		return 0, nil
	}
	n, err := strconv.Atoi(s)
	if err != nil {
		return 0, t.cellErr(row, col, err)
	}
	return n, nil
}

func (t table) bool01(row int, col string, s string) (bool, error) {
	switch s {
	case "0":
		return false, nil
	case "1":
		return true, nil
	}
	return false, t.cellErr(row, col, fmt.Errorf("want 0 or 1, got %q", s))
}

func parseAll() (all, error) {
	var d all
	var err error
	if d.towns, err = parseTowns(); err != nil {
		return d, err
	}
	if d.parks, err = parseParks(); err != nil {
		return d, err
	}
	if d.departments, err = parseDepartments(); err != nil {
		return d, err
	}
	if d.industries, err = parseIndustries(); err != nil {
		return d, err
	}
	if d.mines, err = parseMines(); err != nil {
		return d, err
	}
	if d.aliases, err = parseAliases(); err != nil {
		return d, err
	}
	if d.targets, err = parseTargets(); err != nil {
		return d, err
	}
	if d.cohorts, err = parseCohorts(); err != nil {
		return d, err
	}
	if d.parameters, err = parseParameters(); err != nil {
		return d, err
	}
	return d, nil
}

// Parameter is one row of parameters.csv (ref_parameter): a number a metric definition needs
// besides the targets' thresholds, such as the 零处罚 minimum of inspections.
type Parameter struct {
	Name     string
	Value    float64
	Unit     string
	TargetID string
	Note     string
}

// Parameters returns parameters.csv in file order.
func Parameters() []Parameter { return slices.Clone(parsed().parameters) }

func parseParameters() ([]Parameter, error) {
	t, err := readTable("parameters.csv", "name", "value", "unit", "target_id", "note")
	if err != nil {
		return nil, err
	}
	var out []Parameter
	for i, r := range t.rows {
		v, err := strconv.ParseFloat(r[1], 64)
		if err != nil {
			return nil, t.cellErr(i, "value", err)
		}
		out = append(out, Parameter{Name: r[0], Value: v, Unit: r[2], TargetID: r[3], Note: r[4]})
	}
	return out, nil
}

func parseTowns() ([]Town, error) {
	t, err := readTable("towns.csv", "town_code", "name", "kind", "sort_order", "delegated_enforcement_eligible")
	if err != nil {
		return nil, err
	}
	out := make([]Town, 0, len(t.rows))
	for i, r := range t.rows {
		n, err := t.atoi(i, "sort_order", r[3], false)
		if err != nil {
			return nil, err
		}
		eligible, err := t.bool01(i, "delegated_enforcement_eligible", r[4])
		if err != nil {
			return nil, err
		}
		out = append(out, Town{Code: r[0], Name: r[1], Kind: r[2], SortOrder: n, DelegatedEligible: eligible})
	}
	return out, nil
}

func parseParks() ([]Park, error) {
	t, err := readTable("parks.csv", "park_code", "name", "park_type", "level", "is_chemical_park", "town_code", "required_safety_staff")
	if err != nil {
		return nil, err
	}
	out := make([]Park, 0, len(t.rows))
	for i, r := range t.rows {
		chem, err := t.bool01(i, "is_chemical_park", r[4])
		if err != nil {
			return nil, err
		}
		staff, err := t.atoi(i, "required_safety_staff", r[6], true)
		if err != nil {
			return nil, err
		}
		out = append(out, Park{Code: r[0], Name: r[1], Type: r[2], Level: r[3], IsChemical: chem, TownCode: r[5], RequiredSafetyStaff: staff})
	}
	return out, nil
}

func parseDepartments() ([]Department, error) {
	t, err := readTable("departments.csv", "dept_code", "name", "short_name", "dept_type", "has_safety_penalty_power", "in_zero_penalty_ranking")
	if err != nil {
		return nil, err
	}
	out := make([]Department, 0, len(t.rows))
	for i, r := range t.rows {
		pen, err := t.bool01(i, "has_safety_penalty_power", r[4])
		if err != nil {
			return nil, err
		}
		rank, err := t.bool01(i, "in_zero_penalty_ranking", r[5])
		if err != nil {
			return nil, err
		}
		out = append(out, Department{Code: r[0], Name: r[1], ShortName: r[2], Type: r[3], HasPenaltyPower: pen, InZeroPenaltyRanking: rank})
	}
	return out, nil
}

func parseIndustries() ([]Industry, error) {
	t, err := readTable("industries.csv", "industry_code", "name", "parent_code", "level", "is_high_risk", "lead_dept_code")
	if err != nil {
		return nil, err
	}
	out := make([]Industry, 0, len(t.rows))
	for i, r := range t.rows {
		lvl, err := t.atoi(i, "level", r[3], false)
		if err != nil {
			return nil, err
		}
		hr, err := t.bool01(i, "is_high_risk", r[4])
		if err != nil {
			return nil, err
		}
		out = append(out, Industry{Code: r[0], Name: r[1], ParentCode: r[2], Level: lvl, IsHighRisk: hr, LeadDeptCode: r[5]})
	}
	return out, nil
}

func parseMines() ([]CoalMine, error) {
	t, err := readTable("coal_mines.csv", "mine_id", "name", "town_code", "operator")
	if err != nil {
		return nil, err
	}
	out := make([]CoalMine, 0, len(t.rows))
	for _, r := range t.rows {
		out = append(out, CoalMine{ID: r[0], Name: r[1], TownCode: r[2], Operator: r[3]})
	}
	return out, nil
}

func parseAliases() ([]Alias, error) {
	t, err := readTable("aliases.csv", "kind", "alias", "code")
	if err != nil {
		return nil, err
	}
	out := make([]Alias, 0, len(t.rows))
	for _, r := range t.rows {
		out = append(out, Alias{Kind: r[0], Alias: r[1], Code: r[2]})
	}
	return out, nil
}

func parseTargets() ([]Target, error) {
	t, err := readTable("targets.csv", "target_id", "section", "seed_line", "kind", "quote",
		"comparator", "threshold", "threshold_assumed", "unit", "deadline", "period_year", "period_type", "assumption")
	if err != nil {
		return nil, err
	}
	out := make([]Target, 0, len(t.rows))
	for i, r := range t.rows {
		line, err := t.atoi(i, "seed_line", r[2], false)
		if err != nil {
			return nil, err
		}
		var thr *float64
		if r[6] != "" {
			f, err := strconv.ParseFloat(r[6], 64)
			if err != nil {
				return nil, t.cellErr(i, "threshold", err)
			}
			thr = &f
		}
		py, err := t.atoi(i, "period_year", r[10], true)
		if err != nil {
			return nil, err
		}
		out = append(out, Target{
			ID: r[0], Section: r[1], SeedLine: line, Kind: r[3], Quote: r[4],
			Comparator: r[5], Threshold: thr, ThresholdAssumed: r[7] == "1", Unit: r[8], Deadline: r[9], PeriodYear: py,
			PeriodType: r[11], Assumption: r[12],
		})
	}
	return out, nil
}

func parseCohorts() ([]Cohort, error) {
	t, err := readTable("training_cohorts.csv", "year", "industry_code", "role")
	if err != nil {
		return nil, err
	}
	out := make([]Cohort, 0, len(t.rows))
	for i, r := range t.rows {
		y, err := t.atoi(i, "year", r[0], false)
		if err != nil {
			return nil, err
		}
		out = append(out, Cohort{Year: y, IndustryCode: r[1], Role: r[2]})
	}
	return out, nil
}
