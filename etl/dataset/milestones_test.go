package dataset

import (
	"strings"
	"testing"
)

// A task names its target as clerks type it; only the plan's milestone targets (L, M+L) are taken.
func TestMilestoneTargetIDs(t *testing.T) {
	for in, want := range map[string]string{"T18": "T18", "t5": "T05", "T018": "T18", " T 45 ": "T45", "T119": ""} {
		got, err := parseMilestoneTarget(in)
		switch {
		case want == "" && err == nil:
			t.Errorf("%q: accepted as %v", in, got)
		case want != "" && (err != nil || got != want):
			t.Errorf("%q: %v %v, want %s", in, got, err, want)
		}
	}
	// T119 is measured (M); T120 does not exist; the others are not target ids.
	for in, says := range map[string]string{"T119": "可计量目标", "T120": "未知目标", "T70": "可计量目标", "18": "目标编号无效", "TX": "目标编号无效",
		"T-3": "目标编号无效", "T0": "目标编号无效"} {
		if _, err := parseMilestoneTarget(in); err == nil || !strings.Contains(err.Error(), says) {
			t.Errorf("%q: error %v, want one saying %s", in, err, says)
		}
	}
}
