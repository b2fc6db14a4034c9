package chload

import "github.com/apache/arrow-go/v18/arrow"

// SmallParts makes parts of at most rows rows, sent in blocks of block rows, until the test ends.
func SmallParts(rows, block int, cleanup func(func())) {
	pb, mp, bb, mb := partBytes, maxPartRows, blockBytes, maxBlockRows
	maxPartRows, maxBlockRows = rows, block
	cleanup(func() { partBytes, maxPartRows, blockBytes, maxBlockRows = pb, mp, bb, mb })
}

// Order is the sorter's order of a part's rows for the key columns, as (record, row) pairs;
// nil when it leaves them as they came.
func Order(recs []arrow.RecordBatch, key []int) [][2]int {
	s := &sorter{key: key}
	refs := s.order(recs)
	if refs == nil {
		return nil
	}
	out := make([][2]int, len(refs))
	for i, r := range refs {
		out[i] = [2]int{r.rec(), r.row()}
	}
	return out
}
