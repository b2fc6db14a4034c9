package dashboards

import (
	"strings"
	"testing"
	"time"
)

// --month: every careless value is refused with a Chinese message naming the flag.
func TestParseMonth(t *testing.T) {
	today := time.Date(2025, 7, 1, 0, 0, 0, 0, time.UTC) // June 2025 is over; July is not
	for _, c := range []struct{ in, want string }{
		{"2025-13", "格式应为 YYYY-MM"},
		{"2025-6", "格式应为 YYYY-MM"},
		{"2025/06", "格式应为 YYYY-MM"},
		{"", "格式应为 YYYY-MM"},
		{" 2025-06", "格式应为 YYYY-MM"},
		{"2023-12", "早于治本攻坚三年行动的第一个通报月份 2024-01"},
		{"2025-07", "该月尚未结束"}, // cut-off 2025-07-31, today 2025-07-01
		{"2030-01", "该月尚未结束"},
	} {
		_, err := ParseMonth(c.in, today)
		if err == nil || !strings.Contains(err.Error(), c.want) || !strings.Contains(err.Error(), "--month") {
			t.Errorf("ParseMonth(%q): %v, want an error naming --month with %q", c.in, err, c.want)
		}
	}
	for in, want := range map[string]time.Time{
		"2025-06": time.Date(2025, 6, 1, 0, 0, 0, 0, time.UTC), // over on 30 June 24:00
		"2024-01": time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC),
	} {
		if got, err := ParseMonth(in, today); err != nil || !got.Equal(want) {
			t.Errorf("ParseMonth(%q) = %v, %v; want %v", in, got, err, want)
		}
	}
	// The month's last day is not over on that day: 30 June is still June's cut-off day.
	if _, err := ParseMonth("2025-06", time.Date(2025, 6, 30, 0, 0, 0, 0, time.UTC)); err == nil {
		t.Error("2025-06 accepted on 30 June")
	}
}

// 期数 counts months from 2024-01 = 第1期: 2024-12 is 12, 2025-06 is 12 + 6 = 18, 2026-12 is 36.
func TestIssue(t *testing.T) {
	for m, want := range map[string]int{"2024-01": 1, "2024-12": 12, "2025-06": 18, "2026-12": 36} {
		d, _ := time.Parse("2006-01", m)
		if got := Issue(d); got != want {
			t.Errorf("Issue(%s) = %d, want %d", m, got, want)
		}
	}
}
