package normalize

import (
	"testing"
	"time"
)

func TestDate(t *testing.T) {
	want := time.Date(2024, 3, 5, 0, 0, 0, 0, time.UTC)
	for _, s := range []string{"2024-03-05", "2024/3/5", "2024年3月5日", "2024.03.05", "20240305", " 2024-3-5 ", "45356", "2024-03-05 23:30:00", "2024-03-05T23:30:00+08:00"} {
		got, err := Date(s)
		if err != nil || !got.Equal(want) {
			t.Errorf("Date(%q) = %v, %v; want 2024-03-05", s, got, err)
		}
	}
	for _, s := range []string{"2024-02-30", "2023-13-01", "", "不详", "12", "2024/3"} {
		if got, err := Date(s); err == nil {
			t.Errorf("Date(%q) = %v, want an error", s, got)
		}
	}
}

func TestFlagCountNumber(t *testing.T) {
	for s, want := range map[string]uint8{"是": 1, "√": 1, "Y": 1, "1": 1, "否": 0, "": 0, "×": 0, "0": 0} {
		if got, err := Flag(s); err != nil || got != want {
			t.Errorf("Flag(%q) = %d, %v; want %d", s, got, err, want)
		}
	}
	if _, err := Flag("不详"); err == nil {
		t.Error("Flag(不详) accepted")
	}
	for s, want := range map[string]uint32{"12": 12, "1,234": 1234, "1，234": 1234, "": 0, "30.0": 30} {
		if got, err := Count(s); err != nil || got != want {
			t.Errorf("Count(%q) = %d, %v; want %d", s, got, err, want)
		}
	}
	for _, s := range []string{"-3", "2.5", "abc"} {
		if _, err := Count(s); err == nil {
			t.Errorf("Count(%q) accepted", s)
		}
	}
	if f, err := Number("12,345.6"); err != nil || f != 12345.6 {
		t.Errorf("Number(12,345.6) = %v, %v", f, err)
	}
}

func TestTownAliases(t *testing.T) {
	for s, want := range map[string]string{
		"鼓楼街道": "370812001", "鼓楼街道办事处": "370812001", "大安镇人民政府": "370812101",
		"兴隆庄镇": "370812007", "370812111": "370812111", " 新驿镇 ": "370812102",
	} {
		if got, err := Town(s); err != nil || got != want {
			t.Errorf("Town(%q) = %q, %v; want %q", s, got, err, want)
		}
	}
	// A park in the town column resolves to the park's town (兖州工业园区 lies in 大安镇).
	if got, err := Place("兖州工业园区"); err != nil || got != "370812101" {
		t.Errorf("Place(兖州工业园区) = %q, %v; want 370812101", got, err)
	}
	if got, err := Place("鼓楼街道办事处"); err != nil || got != "370812001" {
		t.Errorf("Place(鼓楼街道办事处) = %q, %v", got, err)
	}
	// 黄屯街道 belongs to 济宁高新区, not to this district.
	if _, err := Town("黄屯街道"); err == nil {
		t.Error("Town(黄屯街道) accepted a town of another district")
	}
}

func TestUnixSeconds(t *testing.T) {
	// 2026-11-28 10:05:00 in China is 02:05:00 UTC: 1795831500 (date -d '2026-11-28 02:05:00 UTC' +%s).
	for _, s := range []string{"2026-11-28 10:05:00", "2026-11-28T10:05:00", "2026-11-28T10:05:00+08:00", "2026-11-28T02:05:00Z"} {
		if got, err := UnixSeconds(s); err != nil || got != 1795831500 {
			t.Errorf("UnixSeconds(%q) = %d, %v; want 1795831500", s, got, err)
		}
	}
	if got, _ := UnixSeconds("2024-02-29 00:00:00"); got != 1709136000 { // leap day, 2024-02-28T16:00Z
		t.Errorf("leap day = %d, want 1709136000", got)
	}
	for _, s := range []string{"2025-02-29 00:00:00", "2026-11-28 24:00:00", "2026-13-01 00:00:00", "昨天"} {
		if _, err := UnixSeconds(s); err == nil {
			t.Errorf("UnixSeconds(%q) accepted", s)
		}
	}
}

// plainDate agrees with time.Parse of "2006-01-02" (Date's first layout) on every day from
// 1899 to 2101, on leap days of century years, and refuses what Parse refuses.
func TestPlainDateAgreesWithParse(t *testing.T) {
	var cases []string
	for d := time.Date(1899, 1, 1, 0, 0, 0, 0, time.UTC); d.Year() < 2102; d = d.AddDate(0, 0, 1) {
		cases = append(cases, d.Format("2006-01-02"))
	}
	cases = append(cases, "1900-02-29", "2000-02-29", "2100-02-29", "2025-02-29", "2024-02-30", "2025-04-31",
		"2025-13-01", "2025-00-10", "2025-06-00", "2025-06-32", "0000-01-01", "2025-6-01", "2025/06/01",
		"2025-06-0x", "+025-06-01", "2025-06-01 ", "２０２５-06-01")
	valid := 0
	for _, s := range cases {
		want, err := time.Parse("2006-01-02", s)
		got, ok := plainDate(s)
		if ok != (err == nil) || (ok && got != want) {
			t.Errorf("plainDate(%q) = %v, %v; time.Parse: %v, %v", s, got, ok, want, err)
		}
		if ok {
			valid++
		}
	}
	// 1899-01-01 … 2101-12-31 is 203 years, 49 of them leap (1900 and 2100 are not): 203 × 365
	// + 49 = 74,144 days, plus 2000-02-29 and 0000-01-01 among the extra cases.
	if valid != 74144+2 {
		t.Errorf("%d dates read, want %d", valid, 74144+2)
	}
}
