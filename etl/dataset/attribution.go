package dataset

import (
	"fmt"
	"strings"
	"time"

	"safetydw/etl/normalize"
)

// Helpers the fact datasets share: who is answerable for a fact (territorial unit), which
// department a name means, and the checks every fact makes on its unit and its dates.

// attribute returns the territorial unit answerable for a fact about the registry unit uscc,
// which the fact places in town, and the unit's industry. The registry holds units' current
// state: its park is used only while it agrees with the fact's town, so a fact from before a
// unit moved stays with the town it names (a park unit's town is the park's town).
func attribute(ents Enterprises, uscc, town string) (unit, industry string) {
	e, ok := ents[uscc]
	if !ok {
		return town, ""
	}
	if e.TerritorialUnit == town || normalize.TownOf(e.TerritorialUnit) == town || town == "" {
		return e.TerritorialUnit, e.IndustryCode
	}
	return town, e.IndustryCode
}

// aboveDistrict are the name prefixes of bodies above the district (市/省/国家 inspectors),
// which have no code in refdata and are kept by name only.
var aboveDistrict = []string{"济宁市", "山东省", "国务院", "国家", "应急管理部"}

// deptCode maps a department name to its district code. A body above the district maps to
// ” and stays known by its name; any other unknown name is an error, because it would drop
// out of every department ranking.
func deptCode(name string) (string, error) {
	name = strings.TrimSpace(name)
	if name == "" {
		return "", nil
	}
	code, err := normalize.Dept(name)
	if err == nil {
		return code, nil
	}
	for _, p := range aboveDistrict {
		if strings.HasPrefix(name, p) {
			return "", nil
		}
	}
	return "", err
}

// optionalOneOf checks a code word that may be left empty.
func optionalOneOf(words ...string) func(string) (any, error) {
	return func(s string) (any, error) {
		if strings.TrimSpace(s) == "" {
			return "", nil
		}
		return normalize.OneOf(s, words...)
	}
}

// optionalUSCC checks a unit's USCC when the row has one.
func optionalUSCC(s string) (any, error) {
	if s == "" {
		return "", nil
	}
	return parseUSCC(s)
}

// notBefore checks that a lifecycle date does not precede the date it follows: a hazard
// cannot be closed before it was found, nor a case decided before it was filed.
func notBefore(r *Record, col, field, label string, start time.Time, startCol, startLabel string) error {
	if d, ok := r.Time(col); ok && d.Before(start) {
		return &FieldError{field, fmt.Sprintf("%s %s 早于%s %s (%s before %s)", label, d.Format("2006-01-02"),
			startLabel, start.Format("2006-01-02"), col, startCol)}
	}
	return nil
}

// monday is the Monday of the week of d (weeks run Monday to Sunday in China).
func monday(d time.Time) time.Time {
	return d.AddDate(0, 0, -((int(d.Weekday()) + 6) % 7))
}

// nonNegative parses an amount (yuan, tonnes) with thousands separators that must not be
// negative; an empty cell is 0.
func nonNegative(s string) (any, error) {
	if strings.TrimSpace(s) == "" {
		return float64(0), nil
	}
	f, err := normalize.Number(s)
	if err != nil {
		return nil, err
	}
	if f < 0 {
		return nil, fmt.Errorf("数值为负 %q (negative amount)", s)
	}
	return f, nil
}
