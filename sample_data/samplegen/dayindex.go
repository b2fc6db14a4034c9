package samplegen

import "slices"

// dayIndex answers "how many of these items had begun by a day" and "which is the i-th of
// them, in the items' own order" without listing them: the items are cut in blocks, each
// with its begin times sorted, so a question costs a binary search per block and one scan
// of a single block.
type dayIndex struct {
	secs   []int64   // begin time of each item, Unix seconds, in the items' order
	sorted [][]int64 // per block, its begin times ascending
}

const dayIndexBlock = 512

func newDayIndex(secs []int64) *dayIndex {
	x := &dayIndex{secs: secs}
	for lo := 0; lo < len(secs); lo += dayIndexBlock {
		b := slices.Clone(secs[lo:min(lo+dayIndexBlock, len(secs))])
		slices.Sort(b)
		x.sorted = append(x.sorted, b)
	}
	return x
}

// inBlock is how many items of block b began by day.
func (x *dayIndex) inBlock(b int, day int64) int {
	n, _ := slices.BinarySearch(x.sorted[b], day+1) // the first begun after day
	return n
}

// count is how many items began by day (begin time <= day).
func (x *dayIndex) count(day int64) int {
	n := 0
	for b := range x.sorted {
		n += x.inBlock(b, day)
	}
	return n
}

// nth is the position of the i-th item (from 0, in the items' order) that began by day;
// i must be below count(day).
func (x *dayIndex) nth(day int64, i int) int {
	for b := range x.sorted {
		n := x.inBlock(b, day)
		if i >= n {
			i -= n
			continue
		}
		for p := b * dayIndexBlock; ; p++ {
			if x.secs[p] <= day {
				if i == 0 {
					return p
				}
				i--
			}
		}
	}
	panic("dayIndex.nth: i out of range")
}
