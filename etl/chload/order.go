package chload

import (
	"bytes"
	"slices"
	"strings"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
)

// Why sort here: a MergeTree server sorts every part it writes by the table's ORDER BY, unless
// the block already is in that order (MergeTreeDataWriter skips the sort and counts
// MergeTreeDataWriterBlocksAlreadySorted, on 18.16 as on current releases). For sensor
// readings, which come in time order with the points interleaved, that sort (comparing
// point_id strings) was about two thirds of the server's CPU for an INSERT; the same 20 M
// readings sent by clickhouse-client in blocks sorted by (point_id, ts) took the server 4 CPU
// seconds instead of 13. Here a part's rows are ordered with a counting sort on the ranks of
// the first key's values, which costs a cache lookup a row (a map lookup on a miss).

// rowRef names a row of a part: the record's index in the part << 32 | the row in the record.
type rowRef uint64

func (r rowRef) rec() int { return int(r >> 32) }
func (r rowRef) row() int { return int(uint32(r)) }

// sorter orders the rows of a part by the key columns; its buffers are kept from part to part.
type sorter struct {
	key   []int      // the key's columns in the records, nil when the key cannot be ordered here
	ords  [][]uint64 // per key column, per row of the part in arrival order: a value ordered as the server orders
	codes map[string]uint32
	// recent is a direct-mapped cache in front of codes, by a hash of a string's last bytes:
	// sensor points interleave, so the previous row's value is seldom this row's. It holds a
	// code + 1 (0: empty), not the string, so filling it costs no GC write barrier.
	recent [4096]uint32
	vals   []string
	rank   []uint32
	refs   []rowRef
	came   []rowRef
	count  []int
}

// newSorter finds the key's columns among the schema's fields; a key column the records lack
// means no sorting (the server sorts).
func newSorter(schema *arrow.Schema, key []string) *sorter {
	s := &sorter{}
	for _, name := range key {
		i := schema.FieldIndices(name)
		if len(i) != 1 {
			return s
		}
		s.key = append(s.key, i[0])
	}
	return s
}

// order returns the part's rows in the key's order, or nil when they are already in order or
// cannot be ordered here (a NULL or an unsupported type in the key, a string key with almost
// as many values as rows): the server then sorts as it always does. Rows with equal keys keep
// their arrival order, as the server's own stable sort keeps them.
func (s *sorter) order(recs []arrow.RecordBatch) []rowRef {
	if len(s.key) == 0 || len(recs) == 0 {
		return nil
	}
	n := rows(recs)
	if n < 2 {
		return nil
	}
	distinct := 0 // the first key's distinct values, when it is a string
	s.ords = slices.Grow(s.ords[:0], len(s.key))[:len(s.key)]
	for k, col := range s.key {
		ord := resize(&s.ords[k], n)
		d, ok := s.ordinals(recs, col, ord)
		if !ok {
			return nil
		}
		if k == 0 {
			distinct = d
		}
	}
	if s.sorted() {
		return nil
	}
	refs := resize(&s.refs, n)
	if distinct > 0 {
		// A counting sort on the first key's ranks, stable, then each run of equal first keys
		// ordered by the rest where it is not already (readings in time order never need it).
		count := resize(&s.count, distinct+1)
		clear(count)
		for _, o := range s.ords[0] {
			count[o+1]++
		}
		for i := 1; i < len(count); i++ {
			count[i] += count[i-1]
		}
		starts := slices.Clone(count)
		g := 0
		for r, rec := range recs {
			for row := 0; row < int(rec.NumRows()); row++ {
				o := s.ords[0][g]
				refs[count[o]] = rowRef(uint64(r)<<32 | uint64(row))
				count[o]++
				g++
			}
		}
		if len(s.key) > 1 {
			global := s.globalIndex(recs)
			for i := 0; i < distinct; i++ {
				run := refs[starts[i]:starts[i+1]]
				if !s.runSorted(run, global) {
					slices.SortStableFunc(run, func(a, b rowRef) int { return s.compare(global(a), global(b), 1) })
				}
			}
		}
		return refs
	}
	copy(refs, s.arrival(recs))
	global := s.globalIndex(recs)
	slices.SortStableFunc(refs, func(a, b rowRef) int { return s.compare(global(a), global(b), 0) })
	return refs
}

// arrival is the part's rows as they came.
func (s *sorter) arrival(recs []arrow.RecordBatch) []rowRef {
	out := resize(&s.came, rows(recs))
	g := 0
	for r, rec := range recs {
		for row := 0; row < int(rec.NumRows()); row++ {
			out[g] = rowRef(uint64(r)<<32 | uint64(row))
			g++
		}
	}
	return out
}

// constantColumn says whether column i has one value on every row of the part (a string or a
// number, without NULLs).
func constantColumn(recs []arrow.RecordBatch, i int) bool {
	first := recs[0].Column(i)
	if first.Len() == 0 || first.NullN() > 0 {
		return false
	}
	if dictionaryStrings(first) {
		v := textOf(first).Value(0)
		for _, rec := range recs {
			c := rec.Column(i)
			if !dictionaryStrings(c) {
				return false
			}
			if plain, ok := c.(*array.String); ok {
				if !AllEqual(plain, v) {
					return false
				}
				continue
			}
			t := textOf(c)
			for row := 0; row < t.Len(); row++ {
				if t.Value(row) != v {
					return false
				}
			}
		}
		return true
	}
	switch first.(type) {
	case *array.Uint64:
		return sameNumber(recs, i, (*array.Uint64).Uint64Values)
	case *array.Uint32:
		return sameNumber(recs, i, (*array.Uint32).Uint32Values)
	case *array.Uint16:
		return sameNumber(recs, i, (*array.Uint16).Uint16Values)
	case *array.Uint8:
		return sameNumber(recs, i, (*array.Uint8).Uint8Values)
	}
	return false
}

// AllEqual says every value of a is v, in one pass over its bytes rather than a string per
// row: every value as long as v, and the values' bytes v over and over, that is v at the start
// and the same bytes shifted by len(v). A file's name on every row of a sensor batch, checked
// row by row, was 2 % of a 20 M-reading load's CPU (here and in the landing archive).
func AllEqual(a *array.String, v string) bool {
	offs := a.ValueOffsets()
	n := int32(len(v))
	for i := 1; i < len(offs); i++ {
		if offs[i]-offs[i-1] != n {
			return false
		}
	}
	b := a.ValueBytes()
	return len(b) < len(v) || string(b[:len(v)]) == v && bytes.Equal(b[len(v):], b[:len(b)-len(v)])
}

func sameNumber[A arrow.Array, T comparable](recs []arrow.RecordBatch, i int, values func(A) []T) bool {
	v := values(recs[0].Column(i).(A))[0]
	for _, rec := range recs {
		a, ok := rec.Column(i).(A)
		if !ok || a.NullN() > 0 {
			return false
		}
		for _, x := range values(a) {
			if x != v {
				return false
			}
		}
	}
	return true
}

// ordinals fills ord with the column's values as unsigned numbers in the server's order. For a
// string column they are ranks among the part's distinct values, whose count it returns; 0 for
// another type. False: the column cannot be ordered here.
func (s *sorter) ordinals(recs []arrow.RecordBatch, col int, ord []uint64) (int, bool) {
	g := 0
	if _, ok := recs[0].Column(col).(*array.String); ok || dictionaryStrings(recs[0].Column(col)) {
		return s.stringRanks(recs, col, ord)
	}
	for _, rec := range recs {
		a := rec.Column(col)
		if a.NullN() > 0 {
			return 0, false
		}
		switch a := a.(type) {
		case *array.Timestamp:
			for _, v := range a.TimestampValues() {
				ord[g] = uint64(v) ^ 1<<63
				g++
			}
		case *array.Date32:
			for _, v := range a.Date32Values() {
				ord[g] = uint64(int64(v)) ^ 1<<63
				g++
			}
		case *array.Uint8:
			g += widen(ord[g:], a.Uint8Values())
		case *array.Uint16:
			g += widen(ord[g:], a.Uint16Values())
		case *array.Uint32:
			g += widen(ord[g:], a.Uint32Values())
		case *array.Uint64:
			g += widen(ord[g:], a.Uint64Values())
		default:
			return 0, false // floats (NaN), lists: the server sorts
		}
	}
	return 0, true
}

func widen[T uint8 | uint16 | uint32 | uint64](ord []uint64, vals []T) int {
	for i, v := range vals {
		ord[i] = uint64(v)
	}
	return len(vals)
}

// stringRanks numbers the part's distinct strings in byte order (the server's order for
// String) and gives each row its string's rank.
func (s *sorter) stringRanks(recs []arrow.RecordBatch, col int, ord []uint64) (int, bool) {
	if s.codes == nil {
		s.codes = map[string]uint32{}
	}
	clear(s.codes)
	clear(s.recent[:])
	s.vals = s.vals[:0]
	n := len(ord)
	g := 0
	for _, rec := range recs {
		c := rec.Column(col)
		if !dictionaryStrings(c) {
			return 0, false
		}
		a := textOf(c)
		last, lastCode := "", uint32(0)
		for row := 0; row < a.Len(); row++ {
			v := a.Value(row)
			if v != last || row == 0 {
				slot := &s.recent[recentSlot(v)]
				code, ok := *slot-1, *slot > 0 && s.vals[*slot-1] == v
				if !ok {
					code, ok = s.codes[v]
				}
				if !ok {
					if len(s.vals) > n/4+64 {
						return 0, false // nearly a value a row: sorting them costs what the server's sort does
					}
					code = uint32(len(s.vals))
					v = strings.Clone(v) // the map is cleared, not freed, and outlives the record
					s.codes[v] = code
					s.vals = append(s.vals, v)
				}
				*slot = code + 1
				last, lastCode = v, code
			}
			ord[g] = uint64(lastCode)
			g++
		}
	}
	byValue := make([]uint32, len(s.vals))
	for i := range byValue {
		byValue[i] = uint32(i)
	}
	slices.SortFunc(byValue, func(a, b uint32) int { return strings.Compare(s.vals[a], s.vals[b]) })
	rank := resize(&s.rank, len(s.vals))
	for r, code := range byValue {
		rank[code] = uint32(r)
	}
	for i, o := range ord {
		ord[i] = uint64(rank[o])
	}
	clear(s.vals) // let the strings go with the map's next clear
	return len(rank), true
}

// recentSlot hashes up to the last 8 bytes of v (Fibonacci hashing) to a slot of recent.
func recentSlot(v string) int {
	var x uint64
	for i := max(0, len(v)-8); i < len(v); i++ {
		x = x<<8 | uint64(v[i])
	}
	return int((x * 0x9E3779B97F4A7C15) >> 52)
}

// sorted says whether the part's rows already are in the key's order.
func (s *sorter) sorted() bool {
	n := len(s.ords[0])
	for g := 1; g < n; g++ {
		if s.compare(g-1, g, 0) > 0 {
			return false
		}
	}
	return true
}

// runSorted says whether a run of rows with equal first keys is in order by the other keys.
func (s *sorter) runSorted(run []rowRef, global func(rowRef) int) bool {
	for i := 1; i < len(run); i++ {
		if s.compare(global(run[i-1]), global(run[i]), 1) > 0 {
			return false
		}
	}
	return true
}

// compare compares two rows (by their index in arrival order) on the key columns from k on.
func (s *sorter) compare(a, b, k int) int {
	for ; k < len(s.ords); k++ {
		if x, y := s.ords[k][a], s.ords[k][b]; x != y {
			if x < y {
				return -1
			}
			return 1
		}
	}
	return 0
}

// globalIndex maps a row of the part to its index in arrival order.
func (s *sorter) globalIndex(recs []arrow.RecordBatch) func(rowRef) int {
	start := make([]int, len(recs))
	n := 0
	for i, rec := range recs {
		start[i] = n
		n += int(rec.NumRows())
	}
	return func(r rowRef) int { return start[r.rec()] + r.row() }
}
