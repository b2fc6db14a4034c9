package chload_test

import (
	"cmp"
	"context"
	"fmt"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/memory"

	"safetydw/etl/chload"
	"safetydw/warehouse/warehousetest"
)

var orderSchema = arrow.NewSchema([]arrow.Field{
	{Name: "k", Type: arrow.BinaryTypes.String},
	{Name: "t", Type: &arrow.TimestampType{Unit: arrow.Second}},
	{Name: "n", Type: arrow.PrimitiveTypes.Uint32},
}, nil)

type orderRow struct {
	k string
	t int64
	n uint32
}

func orderRecord(rows []orderRow) arrow.RecordBatch {
	b := array.NewRecordBuilder(memory.DefaultAllocator, orderSchema)
	defer b.Release()
	for _, r := range rows {
		b.Field(0).(*array.StringBuilder).Append(r.k)
		b.Field(1).(*array.TimestampBuilder).Append(arrow.Timestamp(r.t))
		b.Field(2).(*array.Uint32Builder).Append(r.n)
	}
	return b.NewRecordBatch()
}

// The sorter's order is the server's: rows by the key's values (strings byte by byte, numbers
// signed or not as they are), equal keys in arrival order. Compared against a plain stable sort
// of the values on seeded random parts: interleaved sensor-like points in time order (the
// counting sort's case, each run already in time order), shuffled times (runs sorted again),
// negative times, empty and non-ASCII strings, a numeric first key, and parts already in order
// (left as they came, nil).
func TestOrderIsTheServersOrder(t *testing.T) {
	rng := rand.New(rand.NewPCG(7, 13))
	keys := []string{"", "P100", "P1000", "P99", "甲", "乙", "a b", "P100\x00"}
	for trial := 0; trial < 300; trial++ {
		var recs []arrow.RecordBatch
		var all []orderRow
		for r := 0; r < 1+rng.IntN(4); r++ {
			rows := make([]orderRow, rng.IntN(200))
			for i := range rows {
				g := len(all) + i
				rows[i] = orderRow{k: keys[g%len(keys)], t: int64(g / len(keys)), n: uint32(rng.IntN(5))}
				if trial%3 == 1 {
					rows[i].t = rng.Int64N(50) - 25
				}
				if trial%5 == 2 {
					rows[i].k = keys[rng.IntN(3)]
				}
			}
			all = append(all, rows...)
			recs = append(recs, orderRecord(rows))
		}
		for _, key := range [][]int{{0, 1}, {0}, {2, 1}, {1, 0, 2}} {
			type ref struct {
				rec, row int
				v        orderRow
			}
			var want []ref
			for r, rec := range recs {
				for row := 0; row < int(rec.NumRows()); row++ {
					want = append(want, ref{r, row, all[len(want)]})
				}
			}
			sorted := slices.IsSortedFunc(want, func(a, b ref) int { return compareRows(a.v, b.v, key) })
			slices.SortStableFunc(want, func(a, b ref) int { return compareRows(a.v, b.v, key) })
			got := chload.Order(recs, key)
			if got == nil {
				if !sorted && len(want) > 1 {
					t.Fatalf("trial %d key %v: left %d unsorted rows as they came", trial, key, len(want))
				}
				continue
			}
			if len(got) != len(want) {
				t.Fatalf("trial %d key %v: %d rows ordered, want %d", trial, key, len(got), len(want))
			}
			for i := range got {
				if got[i] != [2]int{want[i].rec, want[i].row} {
					t.Fatalf("trial %d key %v: row %d is record %d row %d, want record %d row %d (%+v)", trial, key, i, got[i][0], got[i][1], want[i].rec, want[i].row, want[i].v)
				}
			}
		}
		for _, r := range recs {
			r.Release()
		}
	}
}

func compareRows(a, b orderRow, key []int) int {
	for _, k := range key {
		var c int
		switch k {
		case 0:
			c = strings.Compare(a.k, b.k)
		case 1:
			c = cmp.Compare(a.t, b.t)
		case 2:
			c = cmp.Compare(a.n, b.n)
		}
		if c != 0 {
			return c
		}
	}
	return 0
}

// A key of nearly a value a row (ids) is left to the server, as is a key with a NULL.
func TestOrderLeavesCostlyKeysToTheServer(t *testing.T) {
	rows := make([]orderRow, 1000)
	for i := range rows {
		rows[i] = orderRow{k: fmt.Sprintf("id%04d", 999-i), t: int64(i)}
	}
	rec := orderRecord(rows)
	defer rec.Release()
	if got := chload.Order([]arrow.RecordBatch{rec}, []int{0, 1}); got != nil {
		t.Fatalf("1000 distinct ids in 1000 rows: ordered here, want them left to the server")
	}
	// 100 distinct values in 1000 rows: ordered here.
	for i := range rows {
		rows[i].k = fmt.Sprintf("p%02d", (999-i)%100)
	}
	rec2 := orderRecord(rows)
	defer rec2.Release()
	got := chload.Order([]arrow.RecordBatch{rec2}, []int{0, 1})
	if len(got) != 1000 || rows[got[0][1]].k != "p00" || rows[got[999][1]].k != "p99" {
		t.Fatalf("100 points in 1000 rows: order %v…, want p00 first and p99 last", got[:min(3, len(got))])
	}
}

// A file's rows go to the server in parts of the stream's part size, each in the table's
// ORDER BY, sent in smaller blocks that the server puts together into exactly that part.
// Hand-worked: 8 rows written in three batches as they came (k, t): b3 b1 a2 | a1 c1 b2 | a3 c0,
// parts of 3 rows sent in blocks of 2: the server writes 3 parts of 3, 3 and 2 rows, finds
// every one already in order (MergeTreeDataWriterBlocksAlreadySorted goes up by 3 at least:
// other tests' inserts can only add to it), and the table holds the 8 rows.
func TestStreamSendsSortedParts(t *testing.T) {
	chload.SmallParts(3, 2, t.Cleanup)
	ctx := context.Background()
	db := warehousetest.Empty(t)
	if err := db.Exec(ctx, `CREATE TABLE sorted (k String, t DateTime, n UInt32)
		ENGINE = MergeTree ORDER BY (k, t)`); err != nil {
		t.Fatal(err)
	}
	sortedBlocks := func() uint64 {
		var n uint64
		if err := db.QueryRow(ctx, "SELECT value FROM system.events WHERE event = 'MergeTreeDataWriterBlocksAlreadySorted'").Scan(&n); err != nil {
			t.Fatal(err)
		}
		return n
	}
	before := sortedBlocks()
	s, err := chload.Open(ctx, db, "sorted", orderSchema, true)
	if err != nil {
		t.Fatal(err)
	}
	n := uint32(0)
	batch := func(rows ...string) []arrow.RecordBatch {
		var rs []orderRow
		for _, r := range rows {
			n++
			rs = append(rs, orderRow{k: r[:1], t: 1_700_000_000 + int64(r[1]-'0'), n: n})
		}
		return []arrow.RecordBatch{orderRecord(rs)}
	}
	for _, b := range [][]arrow.RecordBatch{batch("b3", "b1", "a2"), batch("a1", "c1", "b2"), batch("a3", "c0")} {
		if _, err := s.Write(b); err != nil {
			t.Fatal(err)
		}
		b[0].Release() // the stream keeps its own reference
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	if got := sortedBlocks() - before; got < 3 {
		t.Errorf("the server found %d parts already in order, want 3", got)
	}
	var parts []uint64
	rows, err := db.Query(ctx, "SELECT rows FROM system.parts WHERE database = currentDatabase() AND table = 'sorted' AND active ORDER BY min_block_number")
	if err != nil {
		t.Fatal(err)
	}
	for rows.Next() {
		var r uint64
		if err := rows.Scan(&r); err != nil {
			t.Fatal(err)
		}
		parts = append(parts, r)
	}
	rows.Close()
	if fmt.Sprint(parts) != "[3 3 2]" {
		t.Errorf("parts of %v rows, want [3 3 2]", parts)
	}
	var got []string
	rows, err = db.Query(ctx, "SELECT k, toUnixTimestamp(t) - 1700000000, n FROM sorted ORDER BY n")
	if err != nil {
		t.Fatal(err)
	}
	for rows.Next() {
		var k string
		var sec int64
		var n uint32
		if err := rows.Scan(&k, &sec, &n); err != nil {
			t.Fatal(err)
		}
		got = append(got, fmt.Sprintf("%s%d:%d", k, sec, n))
	}
	rows.Close()
	if want := "[b3:1 b1:2 a2:3 a1:4 c1:5 b2:6 a3:7 c0:8]"; fmt.Sprint(got) != want {
		t.Errorf("table holds %v, want %s", got, want)
	}
}

// AllEqual agrees with comparing row by row, on arrays of short strings over two letters (so
// that values of one length often repeat, or repeat but one) and on slices of them.
func FuzzAllEqual(f *testing.F) {
	f.Add([]byte("ab,ab,ab"), uint8(0), uint8(3))
	f.Add([]byte("ab,ba,ab"), uint8(1), uint8(2))
	f.Add([]byte(",,"), uint8(0), uint8(3))
	f.Add([]byte("aa,aaa"), uint8(0), uint8(2))
	f.Fuzz(func(t *testing.T, list []byte, from, n uint8) {
		values := strings.Split(string(list), ",")
		b := array.NewStringBuilder(memory.DefaultAllocator)
		b.AppendValues(values, nil)
		whole := b.NewStringArray()
		defer whole.Release()
		lo := int(from) % len(values)
		hi := min(len(values), lo+int(n))
		a := array.NewSlice(whole, int64(lo), int64(hi)).(*array.String)
		defer a.Release()
		for _, v := range []string{values[lo], "ab", ""} {
			want := true
			for _, s := range values[lo:hi] {
				want = want && s == v
			}
			if got := chload.AllEqual(a, v); got != want {
				t.Fatalf("AllEqual(%q, %q) = %v, want %v", values[lo:hi], v, got, want)
			}
		}
	})
}
