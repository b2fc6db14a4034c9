package source

import (
	"testing"
	"time"
)

func TestCursorAfterOrdersIntegerIDsAsNumbers(t *testing.T) {
	ts := time.Date(2026, 11, 28, 10, 0, 0, 0, time.UTC)
	c := Cursor{TS: ts, ID: "9"}
	for _, tc := range []struct {
		ts   time.Time
		id   string
		want bool
	}{
		{ts, "10", true},  // as text "10" < "9", which would drop the row
		{ts, "9", false},  // the cursor's own row
		{ts, "09", false}, // the same number
		{ts, "8", false},
		{ts.Add(time.Second), "1", true},
		{ts.Add(-time.Second), "99", false},
	} {
		if got := c.After(tc.ts, tc.id); got != tc.want {
			t.Errorf("After(%v, %q) = %v, want %v", tc.ts, tc.id, got, tc.want)
		}
	}
	if CompareIDs("YL-0010", "YL-0009") <= 0 || CompareIDs("b", "a") <= 0 {
		t.Error("text ids compare as text")
	}
}
