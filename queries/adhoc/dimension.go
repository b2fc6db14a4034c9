package adhoc

import (
	"fmt"
	"slices"
	"strings"
	"unicode/utf8"

	"github.com/agnivade/levenshtein"

	"safetydw/warehouse/refdata"
)

// A parameter named after a dimension (town, park, dept, industry, mine) must name one of its
// members: a misspelt town otherwise matches no row, and an empty table reads as "no overdue
// hazards". Values are checked against the reference data the warehouse is loaded from
// (warehouse/refdata): codes, names and the aliases source files use.

// dimension is the reference data a parameter's value must be found in.
type dimension struct {
	label   string // Chinese, for messages: 镇街
	english string
	members func() []member
}

// member is one accepted spelling of a dimension value, and the name it stands for.
type member struct{ spelling, code, name string }

// dimensions maps parameter names to the dimension they name.
var dimensions = map[string]dimension{
	"town":     {"镇街", "town", townMembers},
	"park":     {"园区", "park", parkMembers},
	"dept":     {"部门", "department", deptMembers},
	"industry": {"行业", "industry", industryMembers},
	"mine":     {"煤矿", "coal mine", mineMembers},
}

func townMembers() []member {
	var ms []member
	for _, t := range refdata.Towns() {
		ms = spelled(ms, t.Code, t.Name)
	}
	return aliased(ms, "town")
}

func parkMembers() []member {
	var ms []member
	for _, p := range refdata.Parks() {
		ms = spelled(ms, p.Code, p.Name)
	}
	return aliased(ms, "park")
}

func deptMembers() []member {
	var ms []member
	for _, d := range refdata.Departments() {
		ms = spelled(ms, d.Code, d.Name, d.ShortName)
	}
	return aliased(ms, "dept")
}

func industryMembers() []member {
	var ms []member
	for _, in := range refdata.Industries() {
		ms = spelled(ms, in.Code, in.Name)
	}
	return ms
}

func mineMembers() []member {
	var ms []member
	for _, m := range refdata.CoalMines() {
		ms = spelled(ms, m.ID, m.Name)
	}
	return ms
}

// spelled adds a value's code, name and other spellings to ms.
func spelled(ms []member, code, name string, others ...string) []member {
	for _, s := range append([]string{code, name}, others...) {
		if s != "" {
			ms = append(ms, member{s, code, name})
		}
	}
	return ms
}

// aliased adds the aliases of kind (aliases.csv) to the members of their codes.
func aliased(ms []member, kind string) []member {
	names := map[string]string{}
	for _, m := range ms {
		names[m.code] = m.name
	}
	for _, a := range refdata.Aliases() {
		if a.Kind == kind {
			ms = append(ms, member{a.Alias, a.Code, names[a.Code]})
		}
	}
	return ms
}

// checkDimension refuses a value of a dimension parameter that names no member, with the
// close matches (or, for a short list, every member) so the analyst sees what to write.
func checkDimension(param, value string) error {
	d, ok := dimensions[param]
	if !ok {
		return nil
	}
	ms := d.members()
	for _, m := range ms {
		if m.spelling == value {
			return nil
		}
	}
	if close := closeMatches(value, ms); len(close) > 0 {
		return fmt.Errorf("没有%s“%s”；是否指：%s？(no %s %q; did you mean %s?)",
			d.label, value, strings.Join(close, "、"), d.english, value, strings.Join(close, ", "))
	}
	var all []string
	for _, m := range ms {
		if !slices.Contains(all, m.name) {
			all = append(all, m.name)
		}
	}
	if len(all) <= 12 {
		return fmt.Errorf("没有%s“%s”；可选：%s (no %s %q; the %ss are: %s; codes and common short names work too)",
			d.label, value, strings.Join(all, "、"), d.english, value, d.english, strings.Join(all, ", "))
	}
	return fmt.Errorf("没有%s“%s”，名称、代码或常用简称均未找到 (no %s %q by name, code or alias); 数据字典 dictionary.html 列出全部取值",
		d.label, value, d.english, value)
}

// closeMatches are the members whose spelling is at most a quarter off value (in characters,
// at least one), or contains it or is contained in it, nearest first, each name once.
func closeMatches(value string, ms []member) []string {
	type scored struct {
		name string
		dist int
	}
	var found []scored
	n := utf8.RuneCountInString(value)
	for _, m := range ms {
		dist := levenshtein.ComputeDistance(value, m.spelling)
		near := dist <= max(1, n/4)
		if value != "" && (strings.Contains(m.spelling, value) || strings.Contains(value, m.spelling)) {
			near, dist = true, min(dist, 1)
		}
		if near {
			found = append(found, scored{m.name, dist})
		}
	}
	slices.SortStableFunc(found, func(a, b scored) int { return a.dist - b.dist })
	var names []string
	for _, f := range found {
		if !slices.Contains(names, f.name) && len(names) < 5 {
			names = append(names, f.name)
		}
	}
	return names
}
