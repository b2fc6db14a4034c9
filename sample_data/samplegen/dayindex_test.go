package samplegen

import "testing"

// The index answers as listing the items that began by a day would: checked against that
// listing on items in three blocks with begin times out of order.
func TestDayIndexAnswersAsTheListing(t *testing.T) {
	n := 2*dayIndexBlock + 7
	secs := make([]int64, n)
	for i := range secs {
		secs[i] = int64((i * 7919) % 1000) // a permutation-like spread of 0..999, repeats included
	}
	x := newDayIndex(secs)
	for _, day := range []int64{-1, 0, 1, 499, 500, 998, 999, 5000} {
		var listed []int
		for i, s := range secs {
			if s <= day {
				listed = append(listed, i)
			}
		}
		if got := x.count(day); got != len(listed) {
			t.Fatalf("count(%d) = %d, want %d", day, got, len(listed))
		}
		for i, want := range listed {
			if got := x.nth(day, i); got != want {
				t.Fatalf("nth(%d, %d) = %d, want %d", day, i, got, want)
			}
		}
	}
	// By hand: day 0 is begun only by the items whose spread is 0, i*7919 ≡ 0 (mod 1000),
	// i.e. i = 0 and 1000 among 0..1030: two items.
	if got := x.count(0); got != 2 {
		t.Errorf("count(0) = %d, want 2", got)
	}
}
