// Package normalize turns the text that source systems write into clean values: the date
// forms towns really use, yes/no words, counts with thousands separators, and town, park
// and department names mapped to codes through the alias lists in warehouse/refdata.
// Error messages are Chinese first, because data stewards read them in the quarantine list.
package normalize

import (
	"fmt"
	"strconv"
	"strings"
	"time"
)

var shanghai = mustZone("Asia/Shanghai")

func mustZone(name string) *time.Location {
	loc, err := time.LoadLocation(name)
	if err != nil {
		panic(err)
	}
	return loc
}

var dateLayouts = []string{
	"2006-01-02", "2006-1-2", "2006/01/02", "2006/1/2", "2006.01.02", "2006.1.2",
	"2006年01月02日", "2006年1月2日", "20060102",
}

var dateTimeLayouts = []string{
	time.RFC3339, "2006-01-02 15:04:05", "2006-01-02 15:04", "2006/1/2 15:04:05", "2006/1/2 15:04",
	"2006-01-02T15:04:05",
}

// excelEpoch is day 0 of Excel's 1900 date system (it counts the fictitious 1900-02-29).
var excelEpoch = time.Date(1899, 12, 30, 0, 0, 0, 0, time.UTC)

// Date parses a calendar date. Excel serial numbers are accepted within 1954–2119,
// a range no count or code in our files falls into by accident.
func Date(s string) (time.Time, error) {
	s = strings.TrimSpace(s)
	if s == "" {
		return time.Time{}, fmt.Errorf("日期为空 (empty date)")
	}
	if t, ok := plainDate(s); ok {
		return t, nil
	}
	if n, err := strconv.ParseFloat(s, 64); err == nil && n >= 20000 && n < 80000 {
		return excelEpoch.AddDate(0, 0, int(n)), nil
	}
	for _, l := range dateLayouts {
		if t, err := time.Parse(l, s); err == nil {
			return t, nil
		}
	}
	// A timestamp where a date is expected keeps its calendar day in China.
	if t, err := DateTime(s); err == nil {
		y, m, d := t.In(shanghai).Date()
		return time.Date(y, m, d, 0, 0, 0, 0, time.UTC), nil
	}
	return time.Time{}, fmt.Errorf("日期无效 %q (invalid date)", s)
}

// DateTime parses a timestamp; one without a zone is taken as China time.
func DateTime(s string) (time.Time, error) {
	s = strings.TrimSpace(s)
	for _, l := range dateTimeLayouts {
		if t, err := time.ParseInLocation(l, s, shanghai); err == nil {
			return t, nil
		}
	}
	return time.Time{}, fmt.Errorf("时间无效 %q (invalid timestamp)", s)
}

var yes = map[string]bool{"是": true, "y": true, "yes": true, "1": true, "√": true, "✓": true, "✔": true, "true": true, "有": true, "已": true}
var no = map[string]bool{"否": true, "n": true, "no": true, "0": true, "×": true, "✗": true, "false": true, "无": true, "未": true, "": true}

// Flag reads a yes/no cell. Empty is "no": towns that tick a box leave the others blank.
func Flag(s string) (uint8, error) {
	k := strings.ToLower(strings.TrimSpace(s))
	switch {
	case yes[k]:
		return 1, nil
	case no[k]:
		return 0, nil
	}
	return 0, fmt.Errorf("应为 是/否，实为 %q (not a yes/no value)", s)
}

// Count reads a non-negative whole number, allowing thousands separators (1,234 or 1，234).
func Count(s string) (uint32, error) {
	t := cleanNumber(s)
	if t == "" {
		return 0, nil
	}
	n, err := strconv.ParseInt(t, 10, 64)
	if err != nil {
		// Excel writes whole numbers from formulas as 12.0.
		f, ferr := strconv.ParseFloat(t, 64)
		if ferr != nil || f != float64(int64(f)) {
			return 0, fmt.Errorf("不是整数 %q (not a whole number)", s)
		}
		n = int64(f)
	}
	if n < 0 {
		return 0, fmt.Errorf("数量为负 %q (negative count)", s)
	}
	if n > 1<<32-1 {
		return 0, fmt.Errorf("数量过大 %q (count too large)", s)
	}
	return uint32(n), nil
}

// Number reads a decimal number with optional thousands separators.
func Number(s string) (float64, error) {
	t := cleanNumber(s)
	if t == "" {
		return 0, fmt.Errorf("数值为空 (empty number)")
	}
	f, err := strconv.ParseFloat(t, 64)
	if err != nil {
		return 0, fmt.Errorf("不是数值 %q (not a number)", s)
	}
	return f, nil
}

var separators = strings.NewReplacer(",", "", "，", "", " ", "", "\u00a0", "")

// cleanNumber drops thousands separators; most cells have none, and then cost nothing.
func cleanNumber(s string) string {
	s = strings.TrimSpace(s)
	for i := 0; i < len(s); i++ {
		// ',' and ' ', or the first byte of '，' (EF BC 8C) or of a no-break space (C2 A0)
		if c := s[i]; c == ',' || c == ' ' || c == 0xEF || c == 0xC2 {
			return separators.Replace(s)
		}
	}
	return s
}

// OneOf checks a value against the allowed words of a code list.
func OneOf(s string, allowed ...string) (string, error) {
	s = strings.TrimSpace(s)
	for _, a := range allowed {
		if s == a {
			return s, nil
		}
	}
	return "", fmt.Errorf("%q 不在允许值 %s 中 (not an allowed value)", s, strings.Join(allowed, "/"))
}
