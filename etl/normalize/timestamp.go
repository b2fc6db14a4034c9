package normalize

import (
	"fmt"
	"time"
)

// UnixSeconds parses a timestamp to Unix seconds. Sensor files write millions of
// "2026-11-28 10:05:00" a day, so that exact form is parsed by hand; China has kept +08:00
// without daylight saving since 1991, so the offset is fixed. Other forms go through DateTime.
func UnixSeconds(s string) (int64, error) {
	if len(s) == 19 && s[4] == '-' && s[7] == '-' && (s[10] == ' ' || s[10] == 'T') && s[13] == ':' && s[16] == ':' {
		y, ok1 := digits(s[0:4])
		mo, ok2 := digits(s[5:7])
		d, ok3 := digits(s[8:10])
		h, ok4 := digits(s[11:13])
		mi, ok5 := digits(s[14:16])
		se, ok6 := digits(s[17:19])
		if ok1 && ok2 && ok3 && ok4 && ok5 && ok6 && mo >= 1 && mo <= 12 && d >= 1 && d <= daysIn(y, mo) && h < 24 && mi < 60 && se < 60 {
			return (daysFromCivil(y, mo, d)*86400 + int64(h*3600+mi*60+se)) - 8*3600, nil
		}
		if ok1 && ok2 && ok3 && ok4 && ok5 && ok6 {
			return 0, fmt.Errorf("时间无效 %q (invalid timestamp)", s)
		}
	}
	t, err := DateTime(s)
	if err != nil {
		return 0, err
	}
	return t.Unix(), nil
}

// plainDate reads a valid "YYYY-MM-DD", the layout nearly every source writes, as Date's
// first layout does. Date tried an Excel serial number first, and ParseFloat's error on every
// such date (it cannot read one) cost an allocation: a tenth of a wide JSON file's transform.
func plainDate(s string) (time.Time, bool) {
	if len(s) != 10 || s[4] != '-' || s[7] != '-' {
		return time.Time{}, false
	}
	y, ok1 := digits(s[0:4])
	m, ok2 := digits(s[5:7])
	d, ok3 := digits(s[8:10])
	if !ok1 || !ok2 || !ok3 || m < 1 || m > 12 || d < 1 || d > daysIn(y, m) {
		return time.Time{}, false
	}
	return time.Date(y, time.Month(m), d, 0, 0, 0, 0, time.UTC), true
}

func digits(s string) (int, bool) {
	n := 0
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c < '0' || c > '9' {
			return 0, false
		}
		n = n*10 + int(c-'0')
	}
	return n, true
}

func daysIn(y, m int) int {
	switch m {
	case 2:
		if y%4 == 0 && (y%100 != 0 || y%400 == 0) {
			return 29
		}
		return 28
	case 4, 6, 9, 11:
		return 30
	}
	return 31
}

// daysFromCivil counts days from 1970-01-01 (Howard Hinnant's algorithm).
func daysFromCivil(y, m, d int) int64 {
	if m <= 2 {
		y--
	}
	era := y / 400
	yoe := y - era*400
	mp := (m + 9) % 12
	doy := (153*mp+2)/5 + d - 1
	doe := yoe*365 + yoe/4 - yoe/100 + doy
	return int64(era*146097 + doe - 719468)
}
