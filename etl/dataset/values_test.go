package dataset

import (
	"math"
	"math/rand/v2"
	"strconv"
	"testing"
	"time"

	"safetydw/etl/normalize"
)

// The fast paths of parseInto give, bit for bit, what normalize.Number and normalize.Count give
// for the cells they take, and leave every other cell to them.
func TestPlainNumbersMatchNormalize(t *testing.T) {
	// Hand-worked: value, and whether the fast path takes the cell.
	decimals := []struct {
		s    string
		want float64
		fast bool
	}{
		{"12.34", 12.34, true},
		{"-0.5", -0.5, true},
		{"-0", math.Copysign(0, -1), true},
		{"007.50", 7.5, true},
		{".25", 0.25, true},
		{"3.", 3, true},
		{"999999999999999", 999999999999999, true}, // 15 digits
		{"9999999999999999", 1e16, false},          // 16: normalize.Number
		{".000000000000001", 1e-15, true},          // 15 decimals, 15 digits
		{"0.000000000000001", 1e-15, false},        // 16 digits with the leading 0
		{"1,234.5", 1234.5, false},                 // separators
		{" 1.5", 1.5, false},                       // space
		{"1e3", 1000, false},                       // exponent
		{"+2", 2, false},                           // plus sign
	}
	for _, d := range decimals {
		got, fast := plainDecimal(d.s)
		if fast != d.fast || (fast && math.Float64bits(got) != math.Float64bits(d.want)) {
			t.Errorf("plainDecimal(%q) = %v, %v; want %v, %v", d.s, got, fast, d.want, d.fast)
		}
		var c cell
		if err := parseInto(&c, Float32, d.s, nil); err != nil || math.Float64bits(c.f) != math.Float64bits(d.want) {
			t.Errorf("parseInto(%q) = %v, %v; want %v", d.s, c.f, err, d.want)
		}
	}
	for _, s := range []string{"", "-", ".", "1.2.3", "--1", "1-", "abc"} {
		if _, fast := plainDecimal(s); fast {
			t.Errorf("plainDecimal(%q) took a cell that is not a plain decimal", s)
		}
	}
	counts := []struct {
		s    string
		want uint32
		fast bool
	}{
		{"0", 0, true}, {"1", 1, true}, {"007", 7, true}, {"999999999", 999999999, true},
		{"4294967295", 4294967295, false}, {"1,000", 1000, false}, {"12.0", 12, false}, {"+3", 3, false},
	}
	for _, d := range counts {
		got, fast := plainCount(d.s)
		if fast != d.fast || (fast && got != d.want) {
			t.Errorf("plainCount(%q) = %d, %v; want %d, %v", d.s, got, fast, d.want, d.fast)
		}
		var c cell
		if err := parseInto(&c, UInt32, d.s, nil); err != nil || c.u != uint64(d.want) {
			t.Errorf("parseInto(%q) = %d, %v; want %d", d.s, c.u, err, d.want)
		}
	}
	// Random cells of the shapes sensor platforms send, against normalize itself.
	r := rand.New(rand.NewPCG(13, 13))
	for i := 0; i < 200_000; i++ {
		v := (r.Float64() - 0.3) * math.Pow(10, float64(r.IntN(12)-3))
		s := strconv.FormatFloat(v, 'f', r.IntN(8), 64)
		want, err := normalize.Number(s)
		got, fast := plainDecimal(s)
		if err != nil || (fast && math.Float64bits(got) != math.Float64bits(want)) {
			t.Fatalf("%q: plainDecimal %v (fast %v), normalize.Number %v, %v", s, got, fast, want, err)
		}
		n := strconv.Itoa(r.IntN(1_000_000_000))
		wantN, err := normalize.Count(n)
		gotN, fast := plainCount(n)
		if err != nil || !fast || gotN != wantN {
			t.Fatalf("%q: plainCount %d (fast %v), normalize.Count %d, %v", n, gotN, fast, wantN, err)
		}
	}
}

// Timestamps read through the day cache are what normalize.UnixSeconds reads, errors included,
// whether the day is cached or not.
func TestDayCacheMatchesUnixSeconds(t *testing.T) {
	// Hand-worked: 2026-01-01 00:00:00 in China is 2025-12-31 16:00:00 UTC, 1767196800.
	var dc dayCache
	for _, c := range []struct {
		s    string
		want int64
		ok   bool
	}{
		{"2026-01-01 00:00:00", 1767196800, true},
		{"2026-01-01 08:35:07", 1767196800 + 8*3600 + 35*60 + 7, true}, // cached day
		{"2026-01-01T23:59:59", 1767196800 + 86399, true},
		{"2026-01-01 24:00:00", 0, false}, // no hour 24, cached day or not
		{"2026-01-01 12:60:00", 0, false},
		{"2026-02-30 00:00:00", 0, false}, // no such day: never cached
		{"2026-02-30 00:00:01", 0, false},
		{"2026-01-02 00:00:00", 1767196800 + 86400, true},
		{"2026-01-02 1:00:00", 0, true}, // another layout: normalize decides, whatever it says
	} {
		got, err := dc.unixSeconds(c.s)
		want, werr := normalize.UnixSeconds(c.s)
		if got != want || (err == nil) != (werr == nil) || (err != nil && err.Error() != werr.Error()) {
			t.Errorf("%q: %d, %v; normalize.UnixSeconds %d, %v", c.s, got, err, want, werr)
		}
		if c.want != 0 && (got != c.want || err != nil) {
			t.Errorf("%q: %d, %v; want %d", c.s, got, err, c.want)
		}
		if !c.ok && err == nil {
			t.Errorf("%q: accepted", c.s)
		}
	}
	// A run of readings at 5-minute steps over leap days and year ends, with the odd bad one.
	r := rand.New(rand.NewPCG(5, 5))
	var dc2 dayCache
	ts := int64(1704067200) // 2024-01-01 08:00:00 China time
	for i := 0; i < 300_000; i++ {
		ts += 300
		s := time.Unix(ts, 0).In(time.FixedZone("CST", 8*3600)).Format("2006-01-02 15:04:05")
		if r.IntN(1000) == 0 {
			s = s[:11] + "25" + s[13:]
		}
		got, err := dc2.unixSeconds(s)
		want, werr := normalize.UnixSeconds(s)
		if got != want || (err == nil) != (werr == nil) {
			t.Fatalf("%q: %d, %v; normalize.UnixSeconds %d, %v", s, got, err, want, werr)
		}
	}
}
