package samplegen

import (
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
)

// TestResponsibilityTraps checks that each planted row of the 主体责任 files is where traps.csv
// says and is spoilt the way it says, and that every kind the ETL must handle was planted.
func TestResponsibilityTraps(t *testing.T) {
	dir, _ := fresh(t)
	files := map[string][][]string{}
	cell := func(r []string, i int) string {
		if i < len(r) {
			return r[i] // excelize leaves out empty trailing cells
		}
		return ""
	}
	kinds := map[string]int{}
	for _, tp := range readTraps(t, dir) {
		if !strings.HasPrefix(tp.File, "responsibility/") {
			continue
		}
		rows, ok := files[tp.File]
		if !ok {
			_, rows = readTable(t, filepath.Join(dir, tp.File))
			files[tp.File] = rows
		}
		first := 2 // header, then data
		if strings.HasSuffix(tp.File, ".xlsx") {
			first = firstXLSXRow
		}
		r := rows[tp.Row-first]
		kinds[tp.Kind]++
		var bad bool
		switch {
		case tp.Kind == "fee_overspent":
			drawn, _ := strconv.ParseFloat(cell(r, arFeeDrawn), 64)
			used, _ := strconv.ParseFloat(cell(r, arFeeUsed), 64)
			bad = used > drawn
		case tp.Kind == "year_out_of_range":
			y, _ := strconv.Atoi(r[map[bool]int{true: arYear, false: 1}[strings.Contains(tp.File, "annual")]])
			bad = y < 2023 || y > 2026
		case tp.Kind == "list_without_date":
			bad = cell(r, arRespList) == "是" && cell(r, arRespDate) == ""
		case tp.Kind == "negative_amount":
			bad = strings.HasPrefix(cell(r, arInvestTech), "-")
		case tp.Kind == "invalid_class":
			bad = cell(r, arRescue) == "有" || cell(r, 3) == "总经理" || cell(r, 4) == "E"
		case tp.Kind == "unknown_uscc":
			_, known := readRegistry(t, dir)[r[arUSCC]]
			bad = usccPattern(r[arUSCC]) && !known
		case tp.Kind == "unknown_town":
			bad = cell(r, 2) == foreignTown
		case tp.Kind == "negative_participants":
			bad = strings.HasPrefix(cell(r, 5), "-")
		case tp.Kind == "bad_uscc":
			bad = !usccPattern(r[1])
		case tp.Kind == "future_date":
			bad = slices.ContainsFunc(r, func(s string) bool { return strings.HasPrefix(s, "2027-") })
		case tp.Kind == "duplicate_row" || tp.Kind == "duplicate_key":
			var src int
			for _, w := range strings.Fields(tp.Detail) {
				if n, err := strconv.Atoi(w); err == nil {
					src = n
				}
			}
			o := rows[src-first]
			sameKey := slices.Equal(r[:2], o[:2])
			bad = sameKey && slices.Equal(r, o) == (tp.Kind == "duplicate_row")
		default:
			t.Errorf("unexpected trap kind %s in %s", tp.Kind, tp.File)
			continue
		}
		if !bad {
			t.Errorf("%s row %d: not a %s row: %v", tp.File, tp.Row, tp.Kind, r)
		}
	}
	for _, k := range []string{"fee_overspent", "year_out_of_range", "list_without_date", "negative_amount", "invalid_class", "unknown_uscc",
		"bad_uscc", "future_date", "duplicate_row", "duplicate_key", "unknown_town", "negative_participants"} {
		if kinds[k] == 0 {
			t.Errorf("no %s trap in the responsibility files", k)
		}
	}
}

// usccPattern is the ETL's USCC shape (GB 32100-2015), written out again so that the test does
// not trust the generator's own check.
func usccPattern(s string) bool {
	if len(s) != 18 {
		return false
	}
	for i, c := range s {
		digit := c >= '0' && c <= '9'
		letter := strings.ContainsRune("ABCDEFGHJKLMNPQRTUWXY", c)
		if (i >= 2 && i < 8 && !digit) || !(digit || letter) {
			return false
		}
	}
	return true
}
